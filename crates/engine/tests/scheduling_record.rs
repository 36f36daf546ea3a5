//! The scheduler's decision records through the public engine API
//! (`Simulation::scheduling_record`): per node and per plugin, filter
//! verdicts with reasons and raw/normalized scores; bounded memory.

use kubarium_engine::api::{core, meta, registry, Object};
use kubarium_engine::apiserver::DeleteOptions;
use kubarium_engine::clock::SECOND;
use kubarium_engine::scenario;
use kubarium_engine::scheduler::{record::RECENT_RECORDS, Code};

fn pod(name: &str, node_selector: Option<(&str, &str)>) -> Object {
    Object::Pod(Box::new(core::Pod {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(core::PodSpec {
            containers: vec![core::Container {
                name: "c".into(),
                image: Some("nginx:1.27".into()),
                ..Default::default()
            }],
            node_selector: node_selector.map(|(k, v)| [(k.to_string(), v.to_string())].into()),
            ..Default::default()
        }),
        status: None,
    }))
}

#[test]
fn a_pending_pod_explains_each_node() {
    let mut sim = scenario::cluster(2, 1);
    sim.with_api(|api| api.create("kubectl", pod("picky", Some(("disk", "ssd")))))
        .unwrap();
    sim.advance(SECOND);
    let r = sim.scheduling_record("default", "picky").expect("a record");
    assert_eq!(r.selected_node, None);
    assert_eq!(
        r.message,
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
         2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: \
         3 Preemption is not helpful for scheduling."
    );
    assert_eq!(r.nodes.len(), 3);
    let cp = r.nodes.iter().find(|n| n.node == "control-plane").unwrap();
    let last = cp.filters.last().unwrap();
    assert_eq!(last.plugin, "TaintToleration");
    assert_eq!(last.code, Code::UnschedulableAndUnresolvable);
    // Plugins before the failing one passed.
    assert!(cp.filters[..cp.filters.len() - 1]
        .iter()
        .all(|f| f.code == Code::Success));
    let w = r.nodes.iter().find(|n| n.node == "node-1").unwrap();
    assert_eq!(w.filters.last().unwrap().plugin, "NodeAffinity");
    assert_eq!(
        w.filters.last().unwrap().reasons,
        vec!["node(s) didn't match Pod's node affinity/selector".to_string()]
    );
    assert!(!w.feasible && w.scores.is_empty());
}

#[test]
fn a_scheduled_pod_shows_raw_and_normalized_scores_and_the_choice() {
    let mut sim = scenario::cluster(2, 1);
    sim.with_api(|api| api.create("kubectl", pod("web", None)))
        .unwrap();
    sim.advance(SECOND);
    let r = sim.scheduling_record("default", "web").expect("a record");
    let chosen = r.selected_node.clone().expect("scheduled");
    let feasible: Vec<_> = r.nodes.iter().filter(|n| n.feasible).collect();
    assert_eq!(feasible.len(), 2);
    for n in &feasible {
        let total: i64 = n.scores.iter().map(|s| s.normalized * s.weight).sum();
        assert_eq!(Some(total), n.total);
        let fit = n
            .scores
            .iter()
            .find(|s| s.plugin == "NodeResourcesFit")
            .unwrap();
        assert!(fit.raw > 0 && fit.normalized == fit.raw);
        // The filters that ran all passed.
        assert!(n.filters.iter().all(|f| f.code == Code::Success));
    }
    let best = feasible.iter().map(|n| n.total.unwrap()).max().unwrap();
    let chosen_total = feasible.iter().find(|n| n.node == chosen).unwrap().total;
    assert_eq!(chosen_total, Some(best));
    // The control-plane node is rejected by its taint.
    assert!(r
        .nodes
        .iter()
        .any(|n| n.node == "control-plane" && !n.feasible));
}

#[test]
fn records_are_bounded_and_dropped_with_their_pod() {
    let mut sim = scenario::cluster(2, 1);
    sim.with_api(|api| api.create("kubectl", pod("stuck", Some(("disk", "ssd")))))
        .unwrap();
    sim.with_api(|api| api.create("kubectl", pod("first", None)))
        .unwrap();
    sim.advance(SECOND);
    assert!(sim.scheduling_record("default", "first").is_some());
    for i in 0..RECENT_RECORDS + 10 {
        sim.with_api(|api| api.create("kubectl", pod(&format!("p{i}"), None)))
            .unwrap();
    }
    sim.advance(10 * SECOND);
    // Scheduled long ago: only the recent attempts are kept.
    assert!(sim.scheduling_record("default", "first").is_none());
    assert!(sim
        .scheduling_record("default", &format!("p{}", RECENT_RECORDS + 9))
        .is_some());
    // Still Pending: kept whatever its age.
    assert!(sim.scheduling_record("default", "stuck").is_some());
    let pods = registry::by_kind("v1", "Pod").unwrap();
    sim.with_api(|api| {
        api.delete(
            "kubectl",
            pods,
            "default",
            "stuck",
            DeleteOptions::default(),
        )
    })
    .unwrap();
    sim.advance(SECOND);
    assert!(sim.scheduling_record("default", "stuck").is_none());
}
