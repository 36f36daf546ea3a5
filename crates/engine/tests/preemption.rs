//! Preemption end to end: PriorityClass admission gives the pods their
//! priority, the scheduler's PostFilter picks a victim, the victim gets the
//! DisruptionTarget condition and is deleted gracefully, the preemptor is
//! nominated and then bound to the freed node.

use kubarium_engine::api::{core, meta, registry, scheduling, Object};
use kubarium_engine::clock::SECOND;
use kubarium_engine::scenario;

fn class(name: &str, value: i32) -> Object {
    Object::PriorityClass(Box::new(scheduling::PriorityClass {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        value,
        ..Default::default()
    }))
}

fn pod(name: &str, class: &str, cpu: &str) -> Object {
    Object::Pod(Box::new(core::Pod {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(core::PodSpec {
            priority_class_name: Some(class.into()),
            containers: vec![core::Container {
                name: "c".into(),
                image: Some("nginx:1.27".into()),
                resources: Some(core::ResourceRequirements {
                    requests: Some(
                        [(
                            "cpu".to_string(),
                            k8s_openapi::apimachinery::pkg::api::resource::Quantity(cpu.into()),
                        )]
                        .into(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    }))
}

fn get_pod(sim: &kubarium_engine::simulation::Simulation, name: &str) -> Option<core::Pod> {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .get_typed::<core::Pod>(res, "default", name)
        .cloned()
}

#[test]
fn a_high_priority_pod_preempts_a_low_priority_one() {
    let mut sim = scenario::cluster(1, 3);
    sim.with_api(|api| {
        api.create("kubectl", class("low", 10)).unwrap();
        api.create("kubectl", class("high", 1000)).unwrap();
        api.create("kubectl", pod("low-a", "low", "1500m")).unwrap();
        api.create("kubectl", pod("low-b", "low", "1500m")).unwrap();
    });
    sim.advance(10 * SECOND);
    assert_eq!(
        get_pod(&sim, "low-a").unwrap().spec.unwrap().priority,
        Some(10)
    );
    sim.with_api(|api| api.create("kubectl", pod("urgent", "high", "2")))
        .unwrap();
    // One scheduling cycle: the victim is marked and terminating, the
    // preemptor nominated.
    sim.advance(10);
    let urgent = get_pod(&sim, "urgent").unwrap();
    assert_eq!(urgent.spec.as_ref().unwrap().priority, Some(1000));
    assert_eq!(
        urgent
            .status
            .as_ref()
            .unwrap()
            .nominated_node_name
            .as_deref(),
        Some("node-1")
    );
    let victims: Vec<core::Pod> = ["low-a", "low-b"]
        .iter()
        .filter_map(|n| get_pod(&sim, n))
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .collect();
    assert_eq!(victims.len(), 1, "exactly one victim");
    let cond = victims[0]
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "DisruptionTarget"))
        .expect("DisruptionTarget condition");
    assert_eq!(cond.status, "True");
    assert_eq!(cond.reason.as_deref(), Some("PreemptionByScheduler"));
    assert_eq!(
        cond.message.as_deref(),
        Some("default-scheduler: preempting to accommodate a higher priority pod")
    );
    sim.advance(10 * SECOND);
    let urgent = get_pod(&sim, "urgent").unwrap();
    assert_eq!(
        urgent.spec.as_ref().unwrap().node_name.as_deref(),
        Some("node-1")
    );
    let victim_name = victims[0].metadata.name.clone().unwrap();
    assert!(get_pod(&sim, &victim_name).is_none(), "the victim is gone");
}

#[test]
fn preemption_policy_never_waits_instead() {
    let mut sim = scenario::cluster(1, 3);
    sim.with_api(|api| {
        api.create("kubectl", class("low", 10)).unwrap();
        let mut never = class("polite", 1000);
        if let Object::PriorityClass(pc) = &mut never {
            pc.preemption_policy = Some("Never".into());
        }
        api.create("kubectl", never).unwrap();
        api.create("kubectl", pod("low-a", "low", "1500m")).unwrap();
        api.create("kubectl", pod("low-b", "low", "1500m")).unwrap();
    });
    sim.advance(10 * SECOND);
    sim.with_api(|api| api.create("kubectl", pod("polite", "polite", "2")))
        .unwrap();
    sim.advance(10 * SECOND);
    let p = get_pod(&sim, "polite").unwrap();
    assert_eq!(
        p.spec.as_ref().unwrap().preemption_policy.as_deref(),
        Some("Never")
    );
    assert!(p.spec.as_ref().unwrap().node_name.is_none());
    let msg = sim
        .scheduling_record("default", "polite")
        .map(|r| r.message)
        .unwrap_or_default();
    assert!(
        msg.ends_with("preemption: not eligible due to preemptionPolicy=Never."),
        "{msg}"
    );
    assert!(get_pod(&sim, "low-a")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
}

/// `pod` with labels and, when given, bound to `node` by `spec.nodeName`.
fn labelled(name: &str, class: &str, cpu: &str, app: &str, node: Option<&str>) -> Object {
    let mut o = pod(name, class, cpu);
    if let Object::Pod(p) = &mut o {
        p.metadata.labels = Some([("app".to_string(), app.to_string())].into());
        p.spec.as_mut().unwrap().node_name = node.map(str::to_string);
    }
    o
}

/// A budget over `app=<app>` that allows no disruption of its single pod.
fn pdb(app: &str) -> Object {
    let v = serde_json::json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": app, "namespace": "default"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": app}}}
    });
    kubarium_engine::api::decode::decode(v).unwrap()
}

fn terminating(sim: &kubarium_engine::simulation::Simulation, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| get_pod(sim, n).is_some_and(|p| p.metadata.deletion_timestamp.is_some()))
        .map(|n| n.to_string())
        .collect()
}

/// Three low pods that started one after the other, `a-db` last; the
/// preemptor needs the room of one of them.
fn three_low_pods(with_pdb: bool) -> kubarium_engine::simulation::Simulation {
    let mut sim = scenario::cluster(1, 3);
    sim.with_api(|api| {
        api.create("kubectl", class("low", 10)).unwrap();
        api.create("kubectl", class("high", 1000)).unwrap();
    });
    for (name, app) in [("c-old", "batch"), ("b-mid", "batch"), ("a-db", "db")] {
        sim.with_api(|api| api.create("kubectl", labelled(name, "low", "1200m", app, None)))
            .unwrap();
        sim.advance(5 * SECOND);
    }
    if with_pdb {
        sim.with_api(|api| api.create("kubectl", pdb("db")))
            .unwrap();
    }
    sim.advance(10 * SECOND);
    sim.with_api(|api| api.create("kubectl", pod("urgent", "high", "1200m")))
        .unwrap();
    sim.advance(10);
    sim
}

/// MoreImportantPod: among equal priorities the pod that started last is
/// the least important, so it is the one not reprieved (the dry run used to
/// reprieve by name).
#[test]
fn the_victim_among_equal_priorities_is_the_latest_started() {
    let sim = three_low_pods(false);
    assert_eq!(terminating(&sim, &["a-db", "b-mid", "c-old"]), ["a-db"]);
}

/// filterPodsWithPDBViolation: a victim whose eviction would violate a
/// budget is reprieved first, so another pod goes instead.
#[test]
fn a_pod_guarded_by_a_budget_is_reprieved_before_the_others() {
    let sim = three_low_pods(true);
    assert_eq!(terminating(&sim, &["a-db", "b-mid", "c-old"]), ["b-mid"]);
}

/// pickOneNodeForPreemption's first criterion: the node whose victims
/// violate fewer budgets, even where the later criteria (the latest start
/// time, the first node) would pick the other one.
#[test]
fn preemption_prefers_the_node_without_budget_violations() {
    let mut sim = scenario::cluster(2, 3);
    sim.with_api(|api| {
        api.create("kubectl", class("low", 10)).unwrap();
        api.create("kubectl", class("high", 1000)).unwrap();
        api.create(
            "kubectl",
            labelled("web", "low", "3", "web", Some("node-2")),
        )
        .unwrap();
    });
    sim.advance(5 * SECOND);
    sim.with_api(|api| {
        api.create("kubectl", labelled("db", "low", "3", "db", Some("node-1")))
            .unwrap();
        api.create("kubectl", pdb("db")).unwrap();
    });
    sim.advance(10 * SECOND);
    sim.with_api(|api| api.create("kubectl", pod("urgent", "high", "2")))
        .unwrap();
    sim.advance(10);
    assert_eq!(terminating(&sim, &["db", "web"]), ["web"]);
    let urgent = get_pod(&sim, "urgent").unwrap();
    assert_eq!(
        urgent.status.unwrap().nominated_node_name.as_deref(),
        Some("node-2")
    );
}
