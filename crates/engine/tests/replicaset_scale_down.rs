//! Which pods a ReplicaSet deletes when it scales down: upstream's
//! `ActivePodsWithRanks` (pkg/controller/controller_utils.go) with the
//! `controller.kubernetes.io/pod-deletion-cost` annotation and the rank by
//! related pods on the same node.

use kubarium_engine::api::{apps, core, registry, Object};
use kubarium_engine::clock::SECOND;
use kubarium_engine::scenario;
use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use std::collections::BTreeMap;

fn cluster() -> Simulation {
    Simulation::new(ClusterConfig {
        warmup: 30 * SECOND,
        ..ClusterConfig::with_workers(2)
    })
}

fn pods(sim: &Simulation) -> Vec<core::Pod> {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p) if p.metadata.deletion_timestamp.is_none() => Some((**p).clone()),
            _ => None,
        })
        .collect()
}

fn scale(sim: &mut Simulation, replicas: i32) {
    let res = registry::by_kind("apps/v1", "ReplicaSet").unwrap();
    let mut rs = sim
        .api()
        .get_typed::<apps::ReplicaSet>(res, "default", "app-0")
        .cloned()
        .unwrap();
    rs.spec.as_mut().unwrap().replicas = Some(replicas);
    sim.with_api(|api| api.update("kubectl", Object::ReplicaSet(Box::new(rs))))
        .unwrap();
    sim.advance(5 * SECOND);
}

/// A Deployment `web` of `n` nginx pods, as `kubectl create deployment`.
fn deployment(sim: &mut Simulation, n: i32) {
    let d: apps::Deployment = serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": n,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}
            }
        }
    }))
    .unwrap();
    sim.with_api(|api| api.create("kubectl", Object::Deployment(Box::new(d))))
        .unwrap();
    scenario::run_until_running(sim, n as usize, 120);
    sim.advance(30 * SECOND);
}

fn scale_deployment(sim: &mut Simulation, replicas: i32) {
    let res = registry::by_kind("apps/v1", "Deployment").unwrap();
    let mut d = sim
        .api()
        .get_typed::<apps::Deployment>(res, "default", "web")
        .cloned()
        .unwrap();
    d.spec.as_mut().unwrap().replicas = Some(replicas);
    sim.with_api(|api| api.update("kubectl", Object::Deployment(Box::new(d))))
        .unwrap();
    sim.advance(5 * SECOND);
}

fn running(sim: &mut Simulation, n: usize) {
    scenario::create_replicasets(sim, 1, n as i32);
    scenario::run_until_running(sim, n, 120);
    sim.advance(30 * SECOND);
}

fn delete_pod(sim: &mut Simulation, name: &str) {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.with_api(|api| {
        api.delete(
            "kubectl",
            res,
            "default",
            name,
            kubarium_engine::apiserver::DeleteOptions::default(),
        )
    })
    .unwrap();
}

fn newest(sim: &Simulation) -> core::Pod {
    pods(sim)
        .into_iter()
        .max_by_key(|p| p.metadata.creation_timestamp.clone().map(|t| t.0))
        .unwrap()
}

#[test]
fn the_pod_with_the_lowest_deletion_cost_goes_first() {
    let mut sim = cluster();
    running(&mut sim, 3);
    scale(&mut sim, 4);
    sim.advance(10 * SECOND);
    // Without a cost the newest pod (ready most recently) would go; an old
    // one marked cheap goes instead.
    let new = newest(&sim).metadata.name.unwrap();
    let mut cheap = pods(&sim)
        .into_iter()
        .find(|p| p.metadata.name.as_deref() != Some(new.as_str()))
        .unwrap();
    let cheap_name = cheap.metadata.name.clone().unwrap();
    cheap
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(
            "controller.kubernetes.io/pod-deletion-cost".into(),
            "-100".into(),
        );
    sim.with_api(|api| api.update("kubectl", Object::Pod(Box::new(cheap))))
        .unwrap();
    scale(&mut sim, 3);
    let left: Vec<String> = pods(&sim)
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(left.len(), 3);
    assert!(
        !left.contains(&cheap_name),
        "{cheap_name} should be gone: {left:?}"
    );
    assert!(left.contains(&new), "{new} should stay: {left:?}");
}

#[test]
fn a_pod_doubled_up_on_a_node_goes_before_a_lone_one() {
    let by_node = |sim: &Simulation| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in pods(sim) {
            let name = p.metadata.name.clone().unwrap();
            m.entry(p.spec.unwrap().node_name.unwrap())
                .or_default()
                .push(name);
        }
        m
    };
    // (replicas left on each node, whether the newest pod survived), for a
    // Deployment's ReplicaSet and for a bare one.
    let run = |owned: bool| {
        let mut sim = cluster();
        if owned {
            deployment(&mut sim, 3);
        } else {
            running(&mut sim, 3);
        }
        // PodTopologySpread's defaults put two on one worker, one on the other.
        let before = by_node(&sim);
        let lone = before
            .values()
            .find(|v| v.len() == 1)
            .expect("a 2+1 spread")[0]
            .clone();
        // Replace the lone pod: its replacement lands on the emptier node and
        // is the newest, so without the rank it would be the one to go.
        delete_pod(&mut sim, &lone);
        sim.advance(30 * SECOND);
        let replacement = newest(&sim).metadata.name.unwrap();
        let mut counts: Vec<usize> = by_node(&sim).values().map(Vec::len).collect();
        counts.sort();
        assert_eq!(counts, vec![1, 2], "{:?}", by_node(&sim));
        if owned {
            scale_deployment(&mut sim, 2);
        } else {
            scale(&mut sim, 2);
        }
        let after = by_node(&sim);
        let kept = after.values().flatten().any(|n| *n == replacement);
        (after.values().map(Vec::len).collect::<Vec<_>>(), kept)
    };
    // A Deployment's pods are ranked by related pods on the node: the
    // victim comes from the doubled-up node, the newest pod stays.
    assert_eq!(run(true), (vec![1, 1], true));
    // A ReplicaSet without a controller has no related pods (upstream's
    // getReplicaSetsWithSameController returns nil): every rank is 0 and
    // the newest pod goes.
    let (_, kept) = run(false);
    assert!(!kept);
}
