//! DaemonSet controller behaviour on a simulated cluster.

use crate::api::decode::decode;
use crate::api::{apps, core, registry, Object};
use crate::clock::SECOND;
use crate::simulation::{NodeConfig, Simulation};
use serde_json::json;

fn ds_json(name: &str, extra_spec: serde_json::Value) -> serde_json::Value {
    let mut v = json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "agent", "image": "nginx:1.27"}]}
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

fn pods_of(sim: &Simulation, app: &str) -> Vec<core::Pod> {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("app"))
                    .map(String::as_str)
                    == Some(app) =>
            {
                Some((**p).clone())
            }
            _ => None,
        })
        .collect()
}

fn nodes_of(pods: &[core::Pod]) -> Vec<String> {
    let mut v: Vec<String> = pods
        .iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .collect();
    v.sort();
    v
}

fn ds(sim: &Simulation, name: &str) -> apps::DaemonSet {
    let res = registry::by_kind("apps/v1", "DaemonSet").unwrap();
    sim.api()
        .get_typed::<apps::DaemonSet>(res, "default", name)
        .cloned()
        .expect("daemonset")
}

#[test]
fn one_pod_per_worker_and_none_on_the_tainted_control_plane() {
    let mut sim = crate::scenario::cluster(3, 1);
    create(&mut sim, ds_json("agent", json!({})));
    sim.advance(20 * SECOND);
    let pods = pods_of(&sim, "agent");
    assert_eq!(nodes_of(&pods), ["node-1", "node-2", "node-3"]);
    for p in &pods {
        let name = p.metadata.name.as_deref().unwrap();
        assert!(name.starts_with("agent-") && name.len() == "agent-".len() + 5);
        let l = p.metadata.labels.as_ref().unwrap();
        assert_eq!(l["pod-template-generation"], "1");
        assert!(l.contains_key("controller-revision-hash"));
        let node = p.spec.as_ref().unwrap().node_name.clone().unwrap();
        let terms = &p
            .spec
            .as_ref()
            .unwrap()
            .affinity
            .as_ref()
            .unwrap()
            .node_affinity
            .as_ref()
            .unwrap()
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()
            .node_selector_terms;
        let f = &terms[0].match_fields.as_ref().unwrap()[0];
        assert_eq!(
            (f.key.as_str(), f.operator.as_str()),
            ("metadata.name", "In")
        );
        assert_eq!(f.values.as_ref().unwrap(), &vec![node]);
    }
    let st = ds(&sim, "agent").status.unwrap();
    assert_eq!(
        (
            st.desired_number_scheduled,
            st.current_number_scheduled,
            st.number_ready
        ),
        (3, 3, 3)
    );
    assert_eq!(st.updated_number_scheduled, Some(3));
    assert_eq!(st.number_available, Some(3));
    assert_eq!(st.number_misscheduled, 0);
    assert_eq!(st.observed_generation, Some(1));
}

#[test]
fn tolerating_the_control_plane_taint_puts_a_pod_there_too() {
    let mut sim = crate::scenario::cluster(2, 1);
    let mut v = ds_json("agent", json!({}));
    v["spec"]["template"]["spec"]["tolerations"] = json!([
        {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}
    ]);
    create(&mut sim, v);
    sim.advance(20 * SECOND);
    assert_eq!(
        nodes_of(&pods_of(&sim, "agent")),
        ["control-plane", "node-1", "node-2"]
    );
}

#[test]
fn a_joining_node_gets_a_pod_and_a_removed_node_loses_it() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(&mut sim, ds_json("agent", json!({})));
    sim.advance(20 * SECOND);
    let cfg = NodeConfig {
        name: "node-3".into(),
        cpu: "4".into(),
        memory: "8Gi".into(),
        max_pods: 110,
        labels: Default::default(),
    };
    let node = crate::cluster::node_object(&cfg, 3, false);
    sim.with_api(|api| api.create("system:node:node-3", Object::Node(Box::new(node))))
        .unwrap();
    sim.add_kubelet("node-3");
    sim.advance(20 * SECOND);
    assert_eq!(
        nodes_of(&pods_of(&sim, "agent")),
        ["node-1", "node-2", "node-3"]
    );
    assert_eq!(ds(&sim, "agent").status.unwrap().number_ready, 3);
    let node_res = registry::by_kind("v1", "Node").unwrap();
    sim.with_api(|api| api.delete("kubectl", node_res, "", "node-3", Default::default()))
        .unwrap();
    sim.advance(5 * SECOND);
    assert_eq!(
        ds(&sim, "agent").status.unwrap().desired_number_scheduled,
        2
    );
}

#[test]
fn node_selector_follows_node_labels() {
    let mut sim = crate::scenario::cluster(3, 1);
    let mut v = ds_json("ssd", json!({}));
    v["spec"]["template"]["spec"]["nodeSelector"] = json!({"disktype": "ssd"});
    create(&mut sim, v);
    sim.advance(10 * SECOND);
    assert!(pods_of(&sim, "ssd").is_empty());
    assert_eq!(ds(&sim, "ssd").status.unwrap().desired_number_scheduled, 0);
    let label = |sim: &mut Simulation, value: Option<&str>| {
        let res = registry::by_kind("v1", "Node").unwrap();
        let mut n = sim
            .api()
            .get_typed::<core::Node>(res, "", "node-2")
            .cloned()
            .unwrap();
        let l = n.metadata.labels.get_or_insert_with(Default::default);
        match value {
            Some(v) => l.insert("disktype".into(), v.into()),
            None => l.remove("disktype"),
        };
        sim.with_api(|api| api.update("kubectl", Object::Node(Box::new(n))))
            .unwrap();
    };
    label(&mut sim, Some("ssd"));
    sim.advance(10 * SECOND);
    assert_eq!(nodes_of(&pods_of(&sim, "ssd")), ["node-2"]);
    label(&mut sim, None);
    sim.advance(45 * SECOND);
    assert!(pods_of(&sim, "ssd").is_empty());
}

fn set_image(sim: &mut Simulation, name: &str, image: &str) {
    let mut d = ds(sim, name);
    d.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .image = Some(image.into());
    sim.with_api(|api| api.update("kubectl", Object::DaemonSet(Box::new(d))))
        .unwrap();
}

fn images(sim: &Simulation, app: &str) -> Vec<String> {
    let mut v: Vec<String> = pods_of(sim, app)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            p.spec.as_ref().unwrap().containers[0]
                .image
                .clone()
                .unwrap()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn rolling_update_replaces_one_node_at_a_time() {
    let mut sim = crate::scenario::cluster(3, 1);
    create(&mut sim, ds_json("agent", json!({})));
    sim.advance(20 * SECOND);
    set_image(&mut sim, "agent", "nginx:1.28");
    let d = ds(&sim, "agent");
    assert_eq!(d.metadata.generation, Some(2));
    assert_eq!(
        d.metadata.annotations.unwrap()["deprecated.daemonset.template.generation"],
        "2"
    );
    // Never more than maxUnavailable (1) node without a ready pod.
    for _ in 0..60 {
        sim.advance(SECOND);
        let ready = pods_of(&sim, "agent")
            .iter()
            .filter(|p| crate::api::podutil::is_ready(p) && p.metadata.deletion_timestamp.is_none())
            .count();
        assert!(ready >= 2, "{ready} ready");
    }
    assert_eq!(images(&sim, "agent"), ["nginx:1.28"; 3]);
    let st = ds(&sim, "agent").status.unwrap();
    assert_eq!(st.updated_number_scheduled, Some(3));
    assert_eq!(st.observed_generation, Some(2));
    let uid = ds(&sim, "agent").metadata.uid.unwrap();
    let revs = crate::controller::history::revisions_of(sim.api(), "default", &uid);
    assert_eq!(revs.iter().map(|r| r.revision).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn on_delete_waits_for_the_user_to_delete_pods() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(
        &mut sim,
        ds_json("agent", json!({"updateStrategy": {"type": "OnDelete"}})),
    );
    sim.advance(20 * SECOND);
    set_image(&mut sim, "agent", "nginx:1.28");
    sim.advance(30 * SECOND);
    assert_eq!(images(&sim, "agent"), ["nginx:1.27"; 2]);
    let victim = pods_of(&sim, "agent")[0].metadata.name.clone().unwrap();
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.with_api(|api| api.delete("kubectl", res, "default", &victim, Default::default()))
        .unwrap();
    sim.advance(45 * SECOND);
    assert_eq!(images(&sim, "agent"), ["nginx:1.27", "nginx:1.28"]);
    assert_eq!(
        ds(&sim, "agent").status.unwrap().updated_number_scheduled,
        Some(1)
    );
}

#[test]
fn max_surge_starts_the_new_pod_before_deleting_the_old() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(
        &mut sim,
        ds_json(
            "agent",
            json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}),
        ),
    );
    sim.advance(20 * SECOND);
    set_image(&mut sim, "agent", "nginx:1.28");
    let mut saw_surge = false;
    for _ in 0..60 {
        sim.advance(SECOND);
        let live = pods_of(&sim, "agent")
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect::<Vec<_>>();
        assert!(live.len() <= 3, "at most one surge pod");
        saw_surge |= live.len() == 3;
        let ready = live
            .iter()
            .filter(|p| crate::api::podutil::is_ready(p))
            .count();
        assert!(ready >= 2, "maxUnavailable 0 keeps both nodes served");
    }
    assert!(saw_surge);
    assert_eq!(images(&sim, "agent"), ["nginx:1.28"; 2]);
}

#[test]
fn invalid_daemonsets_are_rejected_in_upstream_words() {
    let mut sim = crate::scenario::cluster(1, 1);
    let mut v = ds_json("bad", json!({}));
    v["spec"]["template"]["metadata"]["labels"] = json!({"app": "other"});
    let obj = decode(v).unwrap();
    let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
    assert_eq!(
        err.message,
        "The DaemonSet \"bad\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
    );
    let v = ds_json(
        "bad",
        json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}),
    );
    let obj = decode(v).unwrap();
    let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
    assert!(
        err.message.contains("spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        "{}",
        err.message
    ); // Upstream's percent regex is `[0-9]+%`: a signed percent is malformed.
    for bad in ["+5%", "-5%", "%"] {
        let v = ds_json(
            "bad",
            json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": bad}}}),
        );
        let obj = decode(v).unwrap();
        let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
        assert!(
            err.message.contains(
                "a valid percent string must be a numeric string followed by an ending '%'"
            ),
            "{bad}: {}",
            err.message
        );
    }
}

/// getDaemonPods / controlledHistories: a DaemonSet deleted with
/// `--cascade=orphan` leaves its pods and revision; a new one with the same
/// selector and template adopts them instead of replacing every pod.
#[test]
fn a_new_daemonset_adopts_the_orphans_of_the_old_one() {
    let mut sim = crate::scenario::cluster(2, 1);
    create(&mut sim, ds_json("agent", json!({})));
    sim.advance(20 * SECOND);
    let before: Vec<String> = pods_of(&sim, "agent")
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(before.len(), 2);
    let res = registry::by_kind("apps/v1", "DaemonSet").unwrap();
    sim.with_api(|api| {
        api.delete(
            "kubectl",
            res,
            "default",
            "agent",
            crate::apiserver::DeleteOptions {
                propagation: crate::apiserver::Propagation::Orphan,
                ..Default::default()
            },
        )
    })
    .unwrap();
    sim.advance(5 * SECOND);
    let orphans = pods_of(&sim, "agent");
    assert!(orphans
        .iter()
        .all(|p| crate::api::podutil::get_controller_of(&p.metadata).is_none()));

    create(&mut sim, ds_json("agent", json!({})));
    sim.advance(20 * SECOND);
    let uid = ds(&sim, "agent").metadata.uid.unwrap();
    let after = pods_of(&sim, "agent");
    let names: Vec<String> = after
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(names, before, "the same pods, not new ones");
    assert!(after
        .iter()
        .all(|p| crate::api::podutil::is_controlled_by(&p.metadata, &uid)));
    let revs = crate::controller::history::revisions_of(sim.api(), "default", &uid);
    assert_eq!(revs.len(), 1, "the old revision adopted, no second one");
}
