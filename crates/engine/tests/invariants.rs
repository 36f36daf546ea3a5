//! Property tests of the engine's invariants over random operation
//! sequences (issue 3, "Tests and measurement").
//!
//! Each case builds a small cluster (2–4 workers), then applies a random
//! sequence of operations — create/scale/set-image of Deployments and
//! ReplicaSets, pod deletes, cordon/uncordon, node stop/start/add, virtual
//! time advances — and checks after every step:
//!
//! 1. no node is over-committed: the requests of the non-terminated pods
//!    bound to it fit its allocatable cpu, memory and pods;
//! 4. no pod is bound to a node while that node is cordoned, except
//!    DaemonSet pods (which tolerate `node.kubernetes.io/unschedulable`).
//!
//! and at the end, once every node is up and uncordoned and the cluster has
//! settled:
//!
//! 2. every ReplicaSet and Deployment has exactly `spec.replicas` ready
//!    pods (the generated requests always fit).
//!
//! A separate property drives a Deployment rollout in 250 ms steps and
//! checks (3) that there are never more than replicas+maxSurge active pods
//! nor fewer than replicas−maxUnavailable available ones
//! (k8s.io/kubernetes/pkg/controller/deployment/rolling.go).
//!
//! Finally (5) the same sequence run twice gives the same trace hash.
//!
//! The configuration is fixed (ChaCha RNG, fixed seed, 32 cases for the
//! sequence property, no failure-persistence files), so CI runs the same
//! cases every time. `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override the
//! case count and seed for a longer local search.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubarium_engine::api::{apps, core, meta, podutil, quantity, registry, Object};
use kubarium_engine::apiserver::DeleteOptions;
use kubarium_engine::clock::{Millis, MINUTE, SECOND};
use kubarium_engine::simulation::{default_workers, ClusterConfig, NodeConfig};
use kubarium_engine::Simulation;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use std::collections::{BTreeMap, BTreeSet};

/// A deterministic, CI-sized configuration.
fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0x6b75_6261_7269_756d),
        ),
        failure_persistence: None,
        // Each case is a whole simulation: keep shrinking bounded.
        max_shrink_iters: 256,
        ..Config::default()
    }
}

const IMAGES: [&str; 3] = ["nginx:1.27", "nginx:1.26", "nginx:1.25"];
/// At most this many workloads per case (so the requests always fit).
const MAX_WORKLOADS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    /// A Deployment (true) or ReplicaSet (false) of `replicas` pods each
    /// requesting `cpu_m` millicores and `mem_mi` MiB.
    Create {
        deployment: bool,
        replicas: i32,
        cpu_m: u32,
        mem_mi: u32,
    },
    Scale {
        target: usize,
        replicas: i32,
    },
    SetImage {
        target: usize,
        image: usize,
    },
    DeletePod {
        pick: usize,
    },
    Cordon {
        node: usize,
    },
    Uncordon {
        node: usize,
    },
    NodeStop {
        node: usize,
    },
    NodeStart {
        node: usize,
    },
    NodeAdd,
    Advance {
        ms: Millis,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<bool>(), 0..=5i32, 50..=250u32, 32..=256u32).prop_map(
            |(deployment, replicas, cpu_m, mem_mi)| Op::Create {
                deployment,
                replicas,
                cpu_m,
                mem_mi
            }
        ),
        2 => (0..8usize, 0..=5i32).prop_map(|(target, replicas)| Op::Scale { target, replicas }),
        2 => (0..8usize, 0..IMAGES.len()).prop_map(|(target, image)| Op::SetImage { target, image }),
        2 => (0..64usize).prop_map(|pick| Op::DeletePod { pick }),
        1 => (0..8usize).prop_map(|node| Op::Cordon { node }),
        1 => (0..8usize).prop_map(|node| Op::Uncordon { node }),
        1 => (0..8usize).prop_map(|node| Op::NodeStop { node }),
        1 => (0..8usize).prop_map(|node| Op::NodeStart { node }),
        1 => Just(Op::NodeAdd),
        4 => (1..=180u64).prop_map(|s| Op::Advance { ms: s * SECOND }),
    ]
}

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}

fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").unwrap()
}

fn cluster(workers: u32, seed: u64) -> Simulation {
    Simulation::new(ClusterConfig {
        seed,
        workers: default_workers(workers),
        warmup: 20 * SECOND,
        ..ClusterConfig::default()
    })
}

fn template(name: &str, image: &str, cpu_m: u32, mem_mi: u32) -> core::PodTemplateSpec {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    core::PodTemplateSpec {
        metadata: Some(meta::ObjectMeta {
            labels: Some(labels),
            ..Default::default()
        }),
        spec: Some(core::PodSpec {
            containers: vec![core::Container {
                name: "web".into(),
                image: Some(image.into()),
                resources: Some(core::ResourceRequirements {
                    requests: Some(BTreeMap::from([
                        ("cpu".to_string(), Quantity(format!("{cpu_m}m"))),
                        ("memory".to_string(), Quantity(format!("{mem_mi}Mi"))),
                    ])),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
    }
}

fn selector(name: &str) -> meta::LabelSelector {
    meta::LabelSelector {
        match_labels: Some(BTreeMap::from([("app".to_string(), name.to_string())])),
        ..Default::default()
    }
}

fn deployment(
    name: &str,
    replicas: i32,
    cpu_m: u32,
    mem_mi: u32,
    strategy: Option<apps::DeploymentStrategy>,
) -> Object {
    Object::Deployment(Box::new(apps::Deployment {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(apps::DeploymentSpec {
            replicas: Some(replicas),
            selector: selector(name),
            template: template(name, IMAGES[0], cpu_m, mem_mi),
            strategy,
            ..Default::default()
        }),
        status: None,
    }))
}

fn replicaset(name: &str, replicas: i32, cpu_m: u32, mem_mi: u32) -> Object {
    Object::ReplicaSet(Box::new(apps::ReplicaSet {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(apps::ReplicaSetSpec {
            replicas: Some(replicas),
            selector: selector(name),
            template: Some(template(name, IMAGES[0], cpu_m, mem_mi)),
            ..Default::default()
        }),
        status: None,
    }))
}

fn pods(sim: &Simulation) -> Vec<core::Pod> {
    sim.api()
        .list(pod_res(), None)
        .filter_map(|o| match o {
            Object::Pod(p) => Some((**p).clone()),
            _ => None,
        })
        .collect()
}

fn nodes(sim: &Simulation) -> Vec<core::Node> {
    sim.api()
        .list(node_res(), None)
        .filter_map(|o| match o {
            Object::Node(n) => Some((**n).clone()),
            _ => None,
        })
        .collect()
}

fn cordoned(n: &core::Node) -> bool {
    n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
}

fn terminated(p: &core::Pod) -> bool {
    matches!(podutil::phase(p), "Succeeded" | "Failed")
}

fn owner_kind(p: &core::Pod) -> Option<&str> {
    p.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true))
        .map(|r| r.kind.as_str())
}

/// (cpu millicores, memory bytes) a pod requests, as the scheduler's
/// NodeResourcesFit computes it: the sum over containers, at least the
/// largest init container, plus the overhead.
fn requests(p: &core::Pod) -> (i64, i64) {
    let Some(spec) = p.spec.as_ref() else {
        return (0, 0);
    };
    let of = |c: &core::Container| {
        let r = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let get = |k: &str| r.and_then(|r| r.get(k)).map(|q| q.0.as_str());
        (
            get("cpu").map(quantity::cpu_millis).unwrap_or(0),
            get("memory").map(quantity::bytes).unwrap_or(0),
        )
    };
    let (mut cpu, mut mem) = spec
        .containers
        .iter()
        .map(of)
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    for c in spec.init_containers.iter().flatten() {
        let (c_cpu, c_mem) = of(c);
        cpu = cpu.max(c_cpu);
        mem = mem.max(c_mem);
    }
    if let Some(o) = spec.overhead.as_ref() {
        cpu += o
            .get("cpu")
            .map(|q| quantity::cpu_millis(&q.0))
            .unwrap_or(0);
        mem += o.get("memory").map(|q| quantity::bytes(&q.0)).unwrap_or(0);
    }
    (cpu, mem)
}

/// Property 1: no node over-committed.
fn check_capacity(sim: &Simulation) -> Result<(), String> {
    let pods = pods(sim);
    for n in nodes(sim) {
        let name = n.metadata.name.clone().unwrap_or_default();
        let alloc = n.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let get = |k: &str| alloc.and_then(|a| a.get(k)).map(|q| q.0.clone());
        let cpu = get("cpu").map(|q| quantity::cpu_millis(&q)).unwrap_or(0);
        let mem = get("memory").map(|q| quantity::bytes(&q)).unwrap_or(0);
        let max_pods = get("pods")
            .map(|q| quantity::cpu_millis(&q) / 1000)
            .unwrap_or(0);
        let on: Vec<&core::Pod> = pods
            .iter()
            .filter(|p| podutil::node_name(p) == Some(name.as_str()) && !terminated(p))
            .collect();
        let (used_cpu, used_mem) = on
            .iter()
            .map(|p| requests(p))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        if used_cpu > cpu || used_mem > mem || on.len() as i64 > max_pods {
            return Err(format!(
                "node {name} over-committed at t={}: cpu {used_cpu}m/{cpu}m, memory {used_mem}/{mem}, pods {}/{max_pods}",
                sim.now(),
                on.len()
            ));
        }
    }
    Ok(())
}

/// Tracks which pods were bound at the previous check and which nodes were
/// cordoned then, for property 4.
#[derive(Default)]
struct CordonWatch {
    bound: BTreeSet<String>,
    cordoned: BTreeSet<String>,
}

impl CordonWatch {
    /// Property 4: a pod first seen bound now to a node that was cordoned
    /// at the previous check and still is was bound while it was cordoned.
    /// (Operations only happen between checks, so the node stayed cordoned
    /// in between.)
    fn check(&mut self, sim: &Simulation) -> Result<(), String> {
        let now_cordoned: BTreeSet<String> = nodes(sim)
            .iter()
            .filter(|n| cordoned(n))
            .filter_map(|n| n.metadata.name.clone())
            .collect();
        let mut bound = BTreeSet::new();
        for p in pods(sim) {
            let (Some(uid), Some(node)) = (p.metadata.uid.clone(), podutil::node_name(&p)) else {
                continue;
            };
            if !self.bound.contains(&uid)
                && self.cordoned.contains(node)
                && now_cordoned.contains(node)
                && owner_kind(&p) != Some("DaemonSet")
            {
                return Err(format!(
                    "pod {}/{} bound to cordoned node {node} (before t={})",
                    p.metadata.namespace.as_deref().unwrap_or(""),
                    p.metadata.name.as_deref().unwrap_or(""),
                    sim.now()
                ));
            }
            bound.insert(uid);
        }
        self.bound = bound;
        self.cordoned = now_cordoned;
        Ok(())
    }
}

fn set_unschedulable(sim: &mut Simulation, node: &str, on: bool) {
    sim.with_api(|api| {
        let Some(Object::Node(mut n)) = api.get(node_res(), "", node).cloned() else {
            return;
        };
        n.spec.get_or_insert_with(Default::default).unschedulable = on.then_some(true);
        api.update("kubectl", Object::Node(n)).expect("cordon");
    });
}

/// The workers (not the control plane) by name, in order.
fn workers(sim: &Simulation) -> Vec<String> {
    nodes(sim)
        .iter()
        .filter(|n| {
            !n.metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"))
        })
        .filter_map(|n| n.metadata.name.clone())
        .collect()
}

struct Run {
    sim: Simulation,
    /// (name, is a Deployment)
    workloads: Vec<(String, bool)>,
    added: u32,
    watch: CordonWatch,
}

impl Run {
    fn check(&mut self) -> Result<(), String> {
        check_capacity(&self.sim)?;
        self.watch.check(&self.sim)
    }

    fn apply(&mut self, op: &Op) -> Result<(), String> {
        let sim = &mut self.sim;
        match *op {
            Op::Create {
                deployment: is_deploy,
                replicas,
                cpu_m,
                mem_mi,
            } => {
                if self.workloads.len() >= MAX_WORKLOADS {
                    return Ok(());
                }
                let name = format!("w-{}", self.workloads.len());
                let obj = if is_deploy {
                    deployment(&name, replicas, cpu_m, mem_mi, None)
                } else {
                    replicaset(&name, replicas, cpu_m, mem_mi)
                };
                sim.with_api(|api| api.create("kubectl", obj))
                    .map_err(|e| format!("create {name}: {e:?}"))?;
                self.workloads.push((name, is_deploy));
            }
            Op::Scale { target, replicas } => {
                if let Some((name, is_deploy)) = pick(&self.workloads, target) {
                    update_workload(sim, &name, is_deploy, |spec_replicas, _| {
                        *spec_replicas = Some(replicas)
                    })?;
                }
            }
            Op::SetImage { target, image } => {
                if let Some((name, is_deploy)) = pick(&self.workloads, target) {
                    update_workload(sim, &name, is_deploy, |_, t| {
                        if let Some(c) = t.spec.as_mut().and_then(|s| s.containers.first_mut()) {
                            c.image = Some(IMAGES[image].into());
                        }
                    })?;
                }
            }
            Op::DeletePod { pick: i } => {
                let live: Vec<String> = pods(sim)
                    .iter()
                    .filter(|p| p.metadata.namespace.as_deref() == Some("default"))
                    .filter(|p| p.metadata.deletion_timestamp.is_none())
                    .filter_map(|p| p.metadata.name.clone())
                    .collect();
                if !live.is_empty() {
                    let name = live[i % live.len()].clone();
                    sim.with_api(|api| {
                        api.delete(
                            "kubectl",
                            pod_res(),
                            "default",
                            &name,
                            DeleteOptions::default(),
                        )
                    })
                    .map_err(|e| format!("delete pod {name}: {e:?}"))?;
                }
            }
            Op::Cordon { node } | Op::Uncordon { node } => {
                let ws = workers(sim);
                let n = ws[node % ws.len()].clone();
                set_unschedulable(sim, &n, matches!(op, Op::Cordon { .. }));
            }
            Op::NodeStop { node } => {
                let ws = workers(sim);
                let n = &ws[node % ws.len()];
                if sim.node_running(n) == Some(true) {
                    sim.node_stop(n).map_err(|e| e.to_string())?;
                }
            }
            Op::NodeStart { node } => {
                let ws = workers(sim);
                let n = &ws[node % ws.len()];
                if sim.node_running(n) == Some(false) {
                    sim.node_start(n).map_err(|e| e.to_string())?;
                }
            }
            Op::NodeAdd => {
                if self.added < 2 {
                    self.added += 1;
                    let mut cfg: NodeConfig = default_workers(1).remove(0);
                    cfg.name = format!("extra-{}", self.added);
                    sim.node_add(cfg).map_err(|e| e.to_string())?;
                }
            }
            Op::Advance { ms } => {
                // Check every second of the advance, not only at its end.
                let mut left = ms;
                while left > 0 {
                    let d = left.min(SECOND);
                    self.sim.advance(d);
                    left -= d;
                    self.check()?;
                }
                return Ok(());
            }
        }
        self.check()
    }

    /// Every machine up, every node uncordoned, then run until settled.
    fn heal_and_settle(&mut self) -> Result<(), String> {
        for n in workers(&self.sim) {
            if self.sim.node_running(&n) == Some(false) {
                self.sim.node_start(&n).map_err(|e| e.to_string())?;
            }
            set_unschedulable(&mut self.sim, &n, false);
        }
        self.check()?;
        // Long enough for evictions of pods on nodes that were down, image
        // pulls and rollouts; checked every second.
        let start = self.sim.now();
        let mut quiet = 0;
        let mut rev = self.sim.api().last_meaningful_revision();
        while self.sim.now() - start < 20 * MINUTE {
            self.sim.advance(SECOND);
            self.check()?;
            let r = self.sim.api().last_meaningful_revision();
            if r == rev {
                quiet += 1;
                if quiet >= 30 {
                    break;
                }
            } else {
                rev = r;
                quiet = 0;
            }
        }
        Ok(())
    }

    /// Property 2: every workload has exactly spec.replicas ready pods.
    fn check_converged(&self) -> Result<(), String> {
        let api = self.sim.api();
        let all = pods(&self.sim);
        let ready_of = |uid: &str| {
            all.iter()
                .filter(|p| podutil::controller_uid(p) == Some(uid))
                .filter(|p| podutil::is_active(p) && podutil::is_ready(p))
                .count() as i32
        };
        let rs_res = registry::by_kind("apps/v1", "ReplicaSet").unwrap();
        let rss: Vec<apps::ReplicaSet> = api
            .list(rs_res, Some("default"))
            .filter_map(|o| match o {
                Object::ReplicaSet(r) => Some((**r).clone()),
                _ => None,
            })
            .collect();
        for rs in &rss {
            let want = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let uid = rs.metadata.uid.as_deref().unwrap_or("");
            let got = ready_of(uid);
            if got != want {
                return Err(format!(
                    "ReplicaSet {} has {got} ready pods, want {want}",
                    rs.metadata.name.as_deref().unwrap_or("")
                ));
            }
        }
        let d_res = registry::by_kind("apps/v1", "Deployment").unwrap();
        for o in api.list(d_res, Some("default")) {
            let Object::Deployment(d) = o else { continue };
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let uid = d.metadata.uid.as_deref().unwrap_or("");
            let owned: Vec<&apps::ReplicaSet> = rss
                .iter()
                .filter(|r| {
                    r.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.uid == uid && o.controller == Some(true))
                })
                .collect();
            let got: i32 = owned
                .iter()
                .map(|r| ready_of(r.metadata.uid.as_deref().unwrap_or("")))
                .sum();
            let ready = d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0);
            let updated = d
                .status
                .as_ref()
                .and_then(|s| s.updated_replicas)
                .unwrap_or(0);
            if got != want || ready != want || updated != want {
                return Err(format!(
                    "Deployment {} has {got} ready pods (status: ready {ready}, updated {updated}), want {want}",
                    d.metadata.name.as_deref().unwrap_or("")
                ));
            }
        }
        Ok(())
    }
}

fn pick(workloads: &[(String, bool)], i: usize) -> Option<(String, bool)> {
    if workloads.is_empty() {
        None
    } else {
        Some(workloads[i % workloads.len()].clone())
    }
}

/// Updates a Deployment's or ReplicaSet's replicas / template, as
/// `kubectl scale` / `kubectl set image` would.
fn update_workload(
    sim: &mut Simulation,
    name: &str,
    is_deploy: bool,
    f: impl FnOnce(&mut Option<i32>, &mut core::PodTemplateSpec),
) -> Result<(), String> {
    sim.with_api(|api| {
        let kind = if is_deploy {
            "Deployment"
        } else {
            "ReplicaSet"
        };
        let res = registry::by_kind("apps/v1", kind).unwrap();
        let obj = match api.get(res, "default", name).cloned() {
            Some(Object::Deployment(mut d)) => {
                let spec = d.spec.get_or_insert_with(Default::default);
                f(&mut spec.replicas, &mut spec.template);
                Object::Deployment(d)
            }
            Some(Object::ReplicaSet(mut r)) => {
                let spec = r.spec.get_or_insert_with(Default::default);
                let t = spec.template.get_or_insert_with(Default::default);
                f(&mut spec.replicas, t);
                Object::ReplicaSet(r)
            }
            _ => return Err(format!("{kind} {name} missing")),
        };
        api.update("kubectl", obj)
            .map(|_| ())
            .map_err(|e| format!("update {kind} {name}: {e:?}"))
    })
}

fn run_sequence(workers: u32, seed: u64, ops: &[Op]) -> Result<Run, String> {
    let mut run = Run {
        sim: cluster(workers, seed),
        workloads: Vec::new(),
        added: 0,
        watch: CordonWatch::default(),
    };
    run.check()?;
    for (i, op) in ops.iter().enumerate() {
        run.apply(op)
            .map_err(|e| format!("after op {i} {op:?}: {e}"))?;
    }
    run.heal_and_settle()
        .map_err(|e| format!("while settling: {e}"))?;
    run.check_converged()?;
    Ok(run)
}

proptest! {
    #![proptest_config(config(32))]

    /// Properties 1, 2 and 4 over random operation sequences, and 5: the
    /// same sequence twice gives the same trace hash.
    #[test]
    fn random_operations_keep_the_invariants(
        workers in 2..=4u32,
        seed in 0..1000u64,
        ops in proptest::collection::vec(op(), 2..24),
    ) {
        let first = run_sequence(workers, seed, &ops);
        let first = match first {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(e)),
        };
        let second = run_sequence(workers, seed, &ops).map_err(TestCaseError::fail)?;
        prop_assert_eq!(first.sim.trace().hash(), second.sim.trace().hash());
        prop_assert_eq!(first.sim.now(), second.sim.now());
    }
}

/// A rolling update's maxSurge or maxUnavailable: an absolute number or a
/// percentage of replicas.
fn int_or_percent() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        (0..=3i32).prop_map(IntOrString::Int),
        (0..=100i32).prop_map(|p| IntOrString::String(format!("{p}%"))),
    ]
}

/// `intstrutil.GetScaledValueFromIntOrPercent`, rounding up for maxSurge
/// and down for maxUnavailable, then `ResolveFenceposts`: both zero means
/// maxUnavailable 1 (pkg/controller/deployment/util/deployment_util.go).
fn resolve(surge: &IntOrString, unavailable: &IntOrString, replicas: i32) -> (i32, i32) {
    let scaled = |v: &IntOrString, up: bool| match v {
        IntOrString::Int(i) => *i,
        IntOrString::String(s) => {
            let p: i32 = s.trim_end_matches('%').parse().unwrap();
            let x = p * replicas;
            if up {
                (x + 99) / 100
            } else {
                x / 100
            }
        }
    };
    let s = scaled(surge, true);
    let mut u = scaled(unavailable, false);
    if s == 0 && u == 0 {
        u = 1;
    }
    (s, u)
}

fn is_zero(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i == 0,
        IntOrString::String(s) => s == "0%",
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// Property 3: during a rollout, never more than replicas+maxSurge
    /// active pods and never fewer than replicas−maxUnavailable available
    /// ones, checked every 250 ms of virtual time.
    #[test]
    fn a_rollout_respects_max_surge_and_max_unavailable(
        workers in 2..=3u32,
        seed in 0..1000u64,
        replicas in 1..=8i32,
        surge in int_or_percent(),
        unavailable in int_or_percent(),
        rollouts in 1..=2usize,
    ) {
        // Both zero is rejected by validation ("may not be 0 when
        // `maxSurge` is 0"); that case is not a rollout.
        prop_assume!(!(is_zero(&surge) && is_zero(&unavailable)));
        let mut sim = cluster(workers, seed);
        let strategy = apps::DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(apps::RollingUpdateDeployment {
                max_surge: Some(surge.clone()),
                max_unavailable: Some(unavailable.clone()),
            }),
        };
        sim.with_api(|api| api.create("kubectl", deployment("web", replicas, 100, 64, Some(strategy))))
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        sim.run_until_settled(5 * MINUTE);
        let (max_surge, max_unavailable) = resolve(&surge, &unavailable, replicas);
        let dep_uid = {
            let res = registry::by_kind("apps/v1", "Deployment").unwrap();
            sim.api().get(res, "default", "web").unwrap().meta().uid.clone().unwrap()
        };
        for r in 0..rollouts {
            update_workload(&mut sim, "web", true, |_, t| {
                if let Some(c) = t.spec.as_mut().and_then(|s| s.containers.first_mut()) {
                    c.image = Some(IMAGES[1 + r].into());
                }
            })
            .map_err(TestCaseError::fail)?;
            let start = sim.now();
            let mut done = false;
            while sim.now() - start < 10 * MINUTE {
                sim.advance(SECOND / 4);
                let rs_uids: BTreeSet<String> = sim
                    .api()
                    .dependents_of(&dep_uid)
                    .iter()
                    .filter_map(|o| o.meta().uid.clone())
                    .collect();
                let all = pods(&sim);
                let mine: Vec<&core::Pod> = all
                    .iter()
                    .filter(|p| podutil::controller_uid(p).is_some_and(|u| rs_uids.contains(u)))
                    .collect();
                let active = mine.iter().filter(|p| podutil::is_active(p)).count() as i32;
                let available = mine
                    .iter()
                    .filter(|p| podutil::is_active(p) && podutil::is_ready(p))
                    .count() as i32;
                prop_assert!(
                    active <= replicas + max_surge,
                    "t={} rollout {r}: {active} active pods > {replicas}+{max_surge}",
                    sim.now()
                );
                prop_assert!(
                    available >= replicas - max_unavailable,
                    "t={} rollout {r}: {available} available pods < {replicas}-{max_unavailable}",
                    sim.now()
                );
                let updated = mine
                    .iter()
                    .filter(|p| {
                        podutil::is_active(p)
                            && podutil::is_ready(p)
                            && p.spec.as_ref().and_then(|s| s.containers[0].image.as_deref())
                                == Some(IMAGES[1 + r])
                    })
                    .count() as i32;
                if updated == replicas && active == replicas {
                    done = true;
                    break;
                }
            }
            prop_assert!(done, "rollout {r} did not complete in 10 minutes");
        }
    }
}
