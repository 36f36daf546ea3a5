//! StatefulSet controller behaviour on a simulated cluster.

use crate::api::decode::decode;
use crate::api::{apps, core, registry, Object};
use crate::clock::SECOND;
use crate::simulation::Simulation;
use serde_json::json;

fn sts_json(replicas: i32, extra_spec: serde_json::Value) -> serde_json::Value {
    let mut v = json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}
            }
        }
    });
    if let (Some(spec), Some(extra)) = (v["spec"].as_object_mut(), extra_spec.as_object()) {
        for (k, x) in extra {
            spec.insert(k.clone(), x.clone());
        }
    }
    v
}

fn create(sim: &mut Simulation, v: serde_json::Value) {
    let obj = decode(v).expect("decodes");
    sim.with_api(|api| api.create("kubectl", obj))
        .expect("created");
}

/// Live (not terminating) pods: name → (ready, image, revision label).
fn pods(sim: &Simulation) -> Vec<(String, bool, String, String)> {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p) if p.metadata.deletion_timestamp.is_none() => Some((
                p.metadata.name.clone().unwrap(),
                crate::api::podutil::is_ready(p),
                p.spec.as_ref().unwrap().containers[0]
                    .image
                    .clone()
                    .unwrap(),
                super::utils::pod_revision(p).to_string(),
            )),
            _ => None,
        })
        .collect()
}

fn names(sim: &Simulation) -> Vec<String> {
    pods(sim).into_iter().map(|p| p.0).collect()
}

/// The distinct sets of live pod names seen over `secs`, in 50 ms steps.
fn watch_names(sim: &mut Simulation, secs: u64) -> Vec<Vec<String>> {
    let mut seen: Vec<Vec<String>> = vec![names(sim)];
    for _ in 0..secs * 20 {
        sim.advance(50);
        let n = names(sim);
        if seen.last() != Some(&n) {
            seen.push(n);
        }
    }
    seen
}

fn sts(sim: &Simulation) -> apps::StatefulSet {
    let res = registry::by_kind("apps/v1", "StatefulSet").unwrap();
    sim.api()
        .get_typed::<apps::StatefulSet>(res, "default", "web")
        .cloned()
        .unwrap()
}

fn update(sim: &mut Simulation, f: impl FnOnce(&mut apps::StatefulSetSpec)) {
    let mut s = sts(sim);
    f(s.spec.as_mut().unwrap());
    sim.with_api(|api| api.update("kubectl", Object::StatefulSet(Box::new(s))))
        .unwrap();
}

#[test]
fn ordered_ready_creates_each_pod_after_its_predecessor_is_ready() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(&mut sim, sts_json(3, json!({})));
    let mut order = Vec::new();
    for _ in 0..40 {
        sim.advance(SECOND);
        let ps = pods(&sim);
        // A pod exists only when every lower ordinal is ready.
        for (i, p) in ps.iter().enumerate() {
            assert_eq!(p.0, format!("web-{i}"));
            if i > 0 {
                assert!(
                    ps[i - 1].1,
                    "{} created before {} was ready",
                    p.0,
                    ps[i - 1].0
                );
            }
        }
        if ps.len() > order.len() {
            order = ps.iter().map(|p| p.0.clone()).collect();
        }
    }
    assert_eq!(order, ["web-0", "web-1", "web-2"]);
    let res = registry::by_kind("v1", "Pod").unwrap();
    let p = sim
        .api()
        .get_typed::<core::Pod>(res, "default", "web-1")
        .unwrap();
    let spec = p.spec.as_ref().unwrap();
    assert_eq!(spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
    let l = p.metadata.labels.as_ref().unwrap();
    assert_eq!(l["statefulset.kubernetes.io/pod-name"], "web-1");
    assert_eq!(l["apps.kubernetes.io/pod-index"], "1");
    let st = sts(&sim).status.unwrap();
    assert_eq!(st.replicas, 3);
    assert_eq!(st.ready_replicas, Some(3));
    assert_eq!(st.current_revision, st.update_revision);
    assert!(st.update_revision.unwrap().starts_with("web-"));
}

#[test]
fn scale_down_removes_the_highest_ordinal_first_one_at_a_time() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(&mut sim, sts_json(3, json!({})));
    sim.advance(40 * SECOND);
    update(&mut sim, |s| s.replicas = Some(1));
    let seen = watch_names(&mut sim, 45);
    assert_eq!(
        seen,
        [
            vec!["web-0", "web-1", "web-2"],
            vec!["web-0", "web-1"],
            vec!["web-0"]
        ]
    );
}

#[test]
fn parallel_creates_all_pods_at_once() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(
        &mut sim,
        sts_json(3, json!({"podManagementPolicy": "Parallel"})),
    );
    sim.advance(SECOND);
    assert_eq!(names(&sim), ["web-0", "web-1", "web-2"]);
}

#[test]
fn rolling_update_respects_the_partition_and_goes_in_reverse_order() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(&mut sim, sts_json(3, json!({})));
    sim.advance(40 * SECOND);
    update(&mut sim, |s| {
        s.template.spec.as_mut().unwrap().containers[0].image = Some("nginx:1.28".into());
        s.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(1);
    });
    // web-2 is replaced first, then web-1; web-0 is below the partition.
    let seen = watch_names(&mut sim, 90);
    assert_eq!(
        seen,
        [
            vec!["web-0", "web-1", "web-2"],
            vec!["web-0", "web-1"],
            vec!["web-0", "web-1", "web-2"],
            vec!["web-0", "web-2"],
            vec!["web-0", "web-1", "web-2"],
        ]
    );
    let images: Vec<String> = pods(&sim).into_iter().map(|p| p.2).collect();
    assert_eq!(images, ["nginx:1.27", "nginx:1.28", "nginx:1.28"]);
    let st = sts(&sim).status.unwrap();
    assert_ne!(st.current_revision, st.update_revision);
    assert_eq!(st.updated_replicas, Some(2));
    assert_eq!(st.current_replicas, Some(1));
    // Lowering the partition finishes the rollout.
    update(&mut sim, |s| {
        s.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0);
    });
    sim.advance(60 * SECOND);
    let st = sts(&sim).status.unwrap();
    assert_eq!(st.current_revision, st.update_revision);
    assert_eq!(st.current_replicas, Some(3));
}

#[test]
fn on_delete_keeps_old_pods_until_deleted() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(
        &mut sim,
        sts_json(2, json!({"updateStrategy": {"type": "OnDelete"}})),
    );
    sim.advance(30 * SECOND);
    update(&mut sim, |s| {
        s.template.spec.as_mut().unwrap().containers[0].image = Some("nginx:1.28".into());
    });
    sim.advance(30 * SECOND);
    let images: Vec<String> = pods(&sim).into_iter().map(|p| p.2).collect();
    assert_eq!(images, ["nginx:1.27", "nginx:1.27"]);
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.with_api(|api| api.delete("kubectl", res, "default", "web-1", Default::default()))
        .unwrap();
    sim.advance(60 * SECOND);
    let images: Vec<String> = pods(&sim).into_iter().map(|p| p.2).collect();
    assert_eq!(images, ["nginx:1.27", "nginx:1.28"]);
}

#[test]
fn volume_claim_templates_become_pending_claims_named_per_ordinal() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(
        &mut sim,
        sts_json(
            2,
            json!({
                "podManagementPolicy": "Parallel",
                "volumeClaimTemplates": [{
                    "metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                }]
            }),
        ),
    );
    sim.advance(5 * SECOND);
    let res = registry::by_kind("v1", "PersistentVolumeClaim").unwrap();
    let claims: Vec<(String, String)> = sim
        .api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::PersistentVolumeClaim(c) => Some((
                c.metadata.name.clone().unwrap(),
                c.status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        claims,
        [
            ("www-web-0".to_string(), "Pending".to_string()),
            ("www-web-1".to_string(), "Pending".to_string())
        ]
    );
    let pres = registry::by_kind("v1", "Pod").unwrap();
    let p = sim
        .api()
        .get_typed::<core::Pod>(pres, "default", "web-0")
        .unwrap();
    let v = &p.spec.as_ref().unwrap().volumes.as_ref().unwrap()[0];
    assert_eq!(v.name, "www");
    assert_eq!(
        v.persistent_volume_claim.as_ref().unwrap().claim_name,
        "www-web-0"
    );
}

#[test]
fn spec_fields_other_than_the_allowed_ones_are_immutable() {
    let mut sim = crate::scenario::cluster(1, 1);
    create(&mut sim, sts_json(1, json!({})));
    let mut s = sts(&sim);
    s.spec.as_mut().unwrap().service_name = Some("other".into());
    let err = sim
        .with_api(|api| api.update("kubectl", Object::StatefulSet(Box::new(s))))
        .unwrap_err();
    assert_eq!(
        err.message,
        "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
}

#[test]
fn claims_are_validated_and_their_spec_is_immutable() {
    let mut sim = crate::scenario::cluster(1, 1);
    let bad = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"resources": {"requests": {"storage": "1Gi"}}}
    });
    let obj = decode(bad).unwrap();
    let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
    assert_eq!(
        err.message,
        "The PersistentVolumeClaim \"data\" is invalid: spec.accessModes: Required value: at least 1 access mode is required"
    );
    let good = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    });
    create(&mut sim, good);
    let res = registry::by_kind("v1", "PersistentVolumeClaim").unwrap();
    let mut c = sim
        .api()
        .get_typed::<core::PersistentVolumeClaim>(res, "default", "data")
        .cloned()
        .unwrap();
    assert_eq!(c.status.as_ref().unwrap().phase.as_deref(), Some("Pending"));
    assert_eq!(
        c.spec.as_ref().unwrap().volume_mode.as_deref(),
        Some("Filesystem")
    );
    c.spec.as_mut().unwrap().access_modes = Some(vec!["ReadWriteMany".into()]);
    let err = sim
        .with_api(|api| api.update("kubectl", Object::PersistentVolumeClaim(Box::new(c))))
        .unwrap_err();
    assert!(
        err.message
            .contains("spec: Forbidden: spec is immutable after creation"),
        "{}",
        err.message
    );
}
