//! Node failure and voluntary disruption, end to end on virtual time: power
//! loss → node lifecycle controller → taint eviction → replacement; boot;
//! removal and pod GC; container kill; the Eviction API with
//! PodDisruptionBudgets and the disruption controller's status.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubarium_engine::api::policy::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use kubarium_engine::api::{core, meta, registry, Object};
use kubarium_engine::apiserver::{DeleteOptions, Reason};
use kubarium_engine::clock::{MINUTE, SECOND};
use kubarium_engine::scenario;
use kubarium_engine::simulation::{ClusterConfig, NodeConfig, OperatorError};
use kubarium_engine::trace::TraceKind;
use kubarium_engine::Simulation;
use std::collections::BTreeMap;

fn cluster() -> Simulation {
    Simulation::new(ClusterConfig {
        warmup: 30 * SECOND,
        ..ClusterConfig::with_workers(2)
    })
}

fn node(sim: &Simulation, name: &str) -> Option<core::Node> {
    let res = registry::by_kind("v1", "Node").unwrap();
    sim.api().get_typed::<core::Node>(res, "", name).cloned()
}

fn ready(n: &core::Node) -> String {
    n.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .map(|c| c.status.clone())
        .unwrap_or_default()
}

fn taints(n: &core::Node) -> Vec<String> {
    n.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .map(|t| format!("{}:{}", t.key, t.effect))
        .collect()
}

fn pods(sim: &Simulation) -> Vec<core::Pod> {
    let res = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p) => Some((**p).clone()),
            _ => None,
        })
        .collect()
}

fn on_node<'a>(pods: &'a [core::Pod], node: &str) -> Vec<&'a core::Pod> {
    pods.iter()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
        .collect()
}

#[test]
fn a_silent_node_goes_unknown_after_the_grace_period_and_is_tainted_unreachable() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    sim.advance(20 * SECOND);
    sim.node_stop("node-1").unwrap();
    // The last heartbeat was at most 10 s ago: 35 s later it is still Ready.
    sim.advance(35 * SECOND);
    let n = node(&sim, "node-1").unwrap();
    assert_eq!(ready(&n), "True");
    assert!(taints(&n).is_empty());
    sim.advance(30 * SECOND);
    let n = node(&sim, "node-1").unwrap();
    assert_eq!(ready(&n), "Unknown");
    let cond = n.status.as_ref().unwrap().conditions.as_ref().unwrap();
    for c in cond {
        assert_eq!(c.status, "Unknown", "{}", c.type_);
        assert_eq!(c.reason.as_deref(), Some("NodeStatusUnknown"));
        assert_eq!(
            c.message.as_deref(),
            Some("Kubelet stopped posting node status.")
        );
    }
    assert_eq!(
        taints(&n),
        [
            "node.kubernetes.io/unreachable:NoExecute",
            "node.kubernetes.io/unreachable:NoSchedule"
        ]
    );
    // MarkPodsNotReady: the pods' Ready condition is False.
    let all = pods(&sim);
    let lost = on_node(&all, "node-1");
    assert!(!lost.is_empty());
    for p in lost {
        assert!(!kubarium_engine::api::podutil::is_ready(p));
    }
    // The other worker is untouched.
    assert_eq!(ready(&node(&sim, "node-2").unwrap()), "True");
}

#[test]
fn pods_of_a_lost_node_stay_terminating_after_300s_and_are_replaced_then_cleaned_up_on_boot() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    sim.advance(20 * SECOND);
    let lost: Vec<String> = on_node(&pods(&sim), "node-1")
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert!(!lost.is_empty());
    sim.node_stop("node-1").unwrap();
    sim.advance(2 * MINUTE);
    // Tolerated for 300 s: not deleted yet.
    assert!(pods(&sim)
        .iter()
        .all(|p| p.metadata.deletion_timestamp.is_none()));
    sim.advance(5 * MINUTE);
    let all = pods(&sim);
    for name in &lost {
        let p = all
            .iter()
            .find(|p| p.metadata.name.as_ref() == Some(name))
            .expect("a lost pod stays until its kubelet confirms");
        assert!(
            p.metadata.deletion_timestamp.is_some(),
            "{name} Terminating"
        );
        let cond = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "DisruptionTarget"))
            .expect("DisruptionTarget");
        assert_eq!(cond.reason.as_deref(), Some("DeletionByTaintManager"));
    }
    let live: Vec<_> = all
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(live.len(), 4);
    assert!(live
        .iter()
        .all(|p| p.spec.as_ref().unwrap().node_name.as_deref() == Some("node-2")));

    sim.node_start("node-1").unwrap();
    sim.advance(30 * SECOND);
    let n = node(&sim, "node-1").unwrap();
    assert_eq!(ready(&n), "True");
    assert!(taints(&n).is_empty());
    let all = pods(&sim);
    assert_eq!(all.len(), 4, "the kubelet finished the deletions");
}

#[test]
fn a_rebooted_node_restarts_its_pods_with_the_last_state_unknown_255() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    sim.advance(20 * SECOND);
    sim.node_stop("node-1").unwrap();
    sim.advance(20 * SECOND);
    sim.node_start("node-1").unwrap();
    sim.advance(10 * SECOND);
    let all = pods(&sim);
    let mine = on_node(&all, "node-1");
    assert!(!mine.is_empty());
    for p in mine {
        let cs = &p
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        assert_eq!(cs.restart_count, 1);
        let last = cs
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .unwrap();
        assert_eq!(last.exit_code, 255);
        assert_eq!(last.reason.as_deref(), Some("Unknown"));
        assert!(cs.state.as_ref().unwrap().running.is_some());
    }
}

#[test]
fn a_quick_power_cycle_does_not_double_the_lease_heartbeat() {
    let mut sim = cluster();
    sim.node_stop("node-1").unwrap();
    sim.advance(3 * SECOND);
    sim.node_start("node-1").unwrap();
    let from = sim.now();
    sim.advance(60 * SECOND);
    let renewals = sim
        .trace()
        .entries()
        .iter()
        .filter(|e| e.time > from)
        .filter(|e| {
            matches!(&e.kind, TraceKind::ApiRequest { verb, resource, name, .. }
                if verb == "update" && resource == "leases" && name == "node-1")
        })
        .count();
    assert_eq!(renewals, 6, "one renewal every 10 s");
}

#[test]
fn a_no_execute_taint_evicts_intolerant_pods_at_once_and_spares_tolerating_ones() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    sim.advance(20 * SECOND);
    let res = registry::by_kind("v1", "Node").unwrap();
    let mut n = node(&sim, "node-2").unwrap();
    n.spec.get_or_insert_with(Default::default).taints = Some(vec![core::Taint {
        key: "evict".into(),
        value: Some("now".into()),
        effect: "NoExecute".into(),
        time_added: None,
    }]);
    let _ = res;
    sim.with_api(|api| api.update("kubectl", Object::Node(Box::new(n))))
        .unwrap();
    sim.advance(SECOND);
    let all = pods(&sim);
    for p in on_node(&all, "node-2") {
        assert!(p.metadata.deletion_timestamp.is_some());
    }
    // kube-proxy tolerates everything and stays.
    let sys = registry::by_kind("v1", "Pod").unwrap();
    let proxy_alive = sim
        .api()
        .list(sys, Some("kube-system"))
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .filter(|p| p.spec.as_ref().unwrap().node_name.as_deref() == Some("node-2"))
        .filter(|p| {
            p.metadata
                .name
                .as_deref()
                .unwrap()
                .starts_with("kube-proxy")
        })
        .all(|p| p.metadata.deletion_timestamp.is_none());
    assert!(proxy_alive);
}

#[test]
fn removing_a_node_lets_pod_gc_force_delete_its_pods_after_the_quarantine() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    sim.advance(20 * SECOND);
    assert!(!on_node(&pods(&sim), "node-1").is_empty());
    sim.node_remove("node-1").unwrap();
    assert!(node(&sim, "node-1").is_none());
    sim.advance(30 * SECOND);
    assert!(!on_node(&pods(&sim), "node-1").is_empty(), "quarantine");
    sim.advance(15 * SECOND);
    assert!(on_node(&pods(&sim), "node-1").is_empty());
    sim.advance(10 * SECOND);
    assert_eq!(pods(&sim).len(), 4, "replaced on node-2");
    assert_eq!(
        sim.node_start("node-1"),
        Err(OperatorError::NodeNotFound("node-1".into()))
    );
}

#[test]
fn an_added_node_registers_ready_with_its_labels_and_a_free_pod_cidr() {
    let mut sim = cluster();
    sim.node_add(NodeConfig {
        name: "big".into(),
        cpu: "16".into(),
        memory: "64Gi".into(),
        max_pods: 250,
        labels: BTreeMap::from([("disktype".into(), "ssd".into())]),
    })
    .unwrap();
    sim.advance(SECOND);
    let n = node(&sim, "big").unwrap();
    assert_eq!(ready(&n), "True");
    assert_eq!(
        n.metadata
            .labels
            .as_ref()
            .unwrap()
            .get("disktype")
            .map(String::as_str),
        Some("ssd")
    );
    assert_eq!(
        n.spec.as_ref().unwrap().pod_cidr.as_deref(),
        Some("10.244.3.0/24")
    );
    let again = sim.node_add(NodeConfig {
        name: "big".into(),
        cpu: "1".into(),
        memory: "1Gi".into(),
        max_pods: 10,
        labels: BTreeMap::new(),
    });
    assert_eq!(again, Err(OperatorError::NodeExists("big".into())));
}

#[test]
fn a_killed_container_exits_137_and_restarts() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 1);
    sim.advance(20 * SECOND);
    let name = pods(&sim)[0].metadata.name.clone().unwrap();
    assert_eq!(
        sim.container_kill("default", &name, None).as_deref(),
        Ok("web")
    );
    sim.advance(3 * SECOND);
    let p = pods(&sim).into_iter().next().unwrap();
    let cs = &p.status.unwrap().container_statuses.unwrap()[0];
    assert_eq!(cs.restart_count, 1);
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (137, Some("Error"))
    );
    assert!(matches!(
        sim.container_kill("default", &name, Some("nope")),
        Err(OperatorError::ContainerNotFound { .. })
    ));
}

#[test]
fn operator_actions_are_traced_and_deterministic() {
    let run = || {
        let mut sim = cluster();
        scenario::create_replicasets(&mut sim, 1, 3);
        sim.advance(20 * SECOND);
        sim.node_stop("node-2").unwrap();
        sim.advance(6 * MINUTE);
        sim.node_start("node-2").unwrap();
        sim.advance(MINUTE);
        let ops: Vec<String> = sim
            .trace()
            .entries()
            .iter()
            .filter_map(|e| match &e.kind {
                TraceKind::Operator { action } => Some(action.clone()),
                _ => None,
            })
            .collect();
        (sim.trace().hash(), ops)
    };
    let (a, ops) = run();
    assert_eq!(ops, ["node stop node-2", "node start node-2"]);
    assert_eq!(a, run().0);
}

fn pdb(sim: &mut Simulation, name: &str, min: Option<IntOrString>, max: Option<IntOrString>) {
    let p = PodDisruptionBudget {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(PodDisruptionBudgetSpec {
            min_available: min,
            max_unavailable: max,
            selector: Some(meta::LabelSelector {
                match_labels: Some(BTreeMap::from([("app".into(), "app-0".into())])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        status: None,
    };
    sim.with_api(|api| api.create("kubectl", Object::PodDisruptionBudget(Box::new(p))))
        .unwrap();
}

fn pdb_status(
    sim: &Simulation,
    name: &str,
) -> kubarium_engine::api::policy::PodDisruptionBudgetStatus {
    let res = registry::by_kind("policy/v1", "PodDisruptionBudget").unwrap();
    sim.api()
        .get_typed::<PodDisruptionBudget>(res, "default", name)
        .unwrap()
        .status
        .clone()
        .unwrap()
}

#[test]
fn the_disruption_controller_computes_budgets_from_ready_pods_and_controller_scale() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    pdb(&mut sim, "min", Some(IntOrString::Int(3)), None);
    sim.advance(20 * SECOND);
    let s = pdb_status(&sim, "min");
    assert_eq!(
        (
            s.current_healthy,
            s.desired_healthy,
            s.expected_pods,
            s.disruptions_allowed
        ),
        (4, 3, 4, 1)
    );
    let c = &s.conditions.unwrap()[0];
    assert_eq!(
        (c.type_.as_str(), c.status.as_str(), c.reason.as_str()),
        ("DisruptionAllowed", "True", "SufficientPods")
    );

    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 4);
    pdb(
        &mut sim,
        "pct",
        None,
        Some(IntOrString::String("30%".into())),
    );
    sim.advance(20 * SECOND);
    let s = pdb_status(&sim, "pct");
    // 30% of 4 rounds up to 2 unavailable: 2 must stay healthy.
    assert_eq!((s.desired_healthy, s.disruptions_allowed), (2, 2));
}

#[test]
fn a_budget_over_pods_without_a_controller_fails_safe() {
    let mut sim = cluster();
    let pod = core::Pod {
        metadata: meta::ObjectMeta {
            name: Some("solo".into()),
            namespace: Some("default".into()),
            labels: Some(BTreeMap::from([("app".into(), "app-0".into())])),
            ..Default::default()
        },
        spec: Some(core::PodSpec {
            containers: vec![core::Container {
                name: "c".into(),
                image: Some("nginx:1.27".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    };
    sim.with_api(|api| api.create("kubectl", Object::Pod(Box::new(pod))))
        .unwrap();
    pdb(&mut sim, "pdb", None, Some(IntOrString::Int(1)));
    sim.advance(20 * SECOND);
    let s = pdb_status(&sim, "pdb");
    assert_eq!(s.disruptions_allowed, 0);
    let c = &s.conditions.unwrap()[0];
    assert_eq!(c.reason, "SyncFailed");
    assert_eq!(c.message, "found no controllers for pod \"solo\"");
}

#[test]
fn eviction_takes_one_disruption_and_then_answers_429() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 3);
    pdb(&mut sim, "pdb", Some(IntOrString::Int(2)), None);
    sim.advance(20 * SECOND);
    let names: Vec<String> = pods(&sim)
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    let first =
        sim.with_api(|api| api.evict("kubectl", "default", &names[0], DeleteOptions::default()));
    assert!(first.is_ok());
    let s = pdb_status(&sim, "pdb");
    assert_eq!(s.disruptions_allowed, 0);
    assert!(s.disrupted_pods.unwrap().contains_key(&names[0]));
    let second = sim
        .with_api(|api| api.evict("kubectl", "default", &names[1], DeleteOptions::default()))
        .unwrap_err();
    assert_eq!(second.reason, Reason::TooManyRequests);
    assert_eq!(
        second.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    // Once the replacement is Ready the budget allows one again.
    sim.advance(20 * SECOND);
    assert_eq!(pdb_status(&sim, "pdb").disruptions_allowed, 1);
    assert!(sim
        .with_api(|api| api.evict("kubectl", "default", &names[1], DeleteOptions::default()))
        .is_ok());
    let missing = sim
        .with_api(|api| api.evict("kubectl", "default", "ghost", DeleteOptions::default()))
        .unwrap_err();
    assert_eq!(missing.reason, Reason::NotFound);
}

#[test]
fn two_budgets_over_one_pod_make_eviction_fail() {
    let mut sim = cluster();
    scenario::create_replicasets(&mut sim, 1, 2);
    pdb(&mut sim, "a", Some(IntOrString::Int(1)), None);
    pdb(&mut sim, "b", Some(IntOrString::Int(1)), None);
    sim.advance(20 * SECOND);
    let name = pods(&sim)[0].metadata.name.clone().unwrap();
    let e = sim
        .with_api(|api| api.evict("kubectl", "default", &name, DeleteOptions::default()))
        .unwrap_err();
    assert_eq!(e.reason, Reason::InternalError);
    assert_eq!(
        e.message,
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
}
