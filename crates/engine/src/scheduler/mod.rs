//! kube-scheduler: the scheduling queue, the scheduling cycle (filter,
//! score, pick, assume) and the binding cycle (the `pods/binding` request)
//! as separate events, over the framework and plugins in [`framework`] and
//! [`plugins`].
//!
//! Pods that fit nowhere go to the unschedulable set with a
//! `FailedScheduling` event and a `PodScheduled=False` condition; they return
//! to the active queue when the cluster changes in a way that may help (a
//! node added or changed, a pod deleted), as upstream's queueing hints do
//! (simplified: any such change moves all of them).

pub mod framework;
pub mod plugins;

use crate::api::{core, podutil, registry, Object};
use crate::clock::Millis;
use crate::rng::Rng;
use crate::simulation::{Ctx, Event};
use crate::store::{EventType, WatchEvent};
use crate::trace::TraceKind;
pub use framework::{
    schedule_one, Code, Diagnosis, FitError, NodeInfo, Profile, ScheduleResult, SchedulerState,
    Status,
};
use std::collections::{BTreeMap, BTreeSet};

/// Delay of the binding request after the scheduling cycle.
pub const BIND_LATENCY: Millis = 2;
/// How long after a watch event the queue sees a pod.
pub const QUEUE_LATENCY: Millis = 1;
const USER: &str = "system:kube-scheduler";

/// Scheduler work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    /// Run one scheduling cycle for the next pod in the active queue.
    ScheduleOne,
    /// The binding cycle of a pod assumed onto a node.
    Bind {
        /// `namespace/name`.
        pod: String,
        /// The pod's UID.
        uid: String,
        /// The chosen node.
        node: String,
    },
}

/// The scheduler's state: queues, the node snapshot, assumed pods.
pub struct Scheduler {
    rng: Rng,
    /// Active queue ordered by (priority descending, arrival).
    active: BTreeSet<(i64, u64, String)>,
    in_active: BTreeMap<String, (i64, u64)>,
    unschedulable: BTreeSet<String>,
    arrivals: u64,
    nodes: Vec<NodeInfo>,
    node_index: BTreeMap<String, usize>,
    /// Pods placed on a node by this scheduler or the API (key → node).
    placed: BTreeMap<String, String>,
    cycle_pending: bool,
    state: framework::SchedulerState,
    diagnoses: BTreeMap<String, framework::Diagnosis>,
}

impl Scheduler {
    /// A scheduler drawing tie-breaks from the seed's `kube-scheduler` stream.
    pub fn new(seed: u64) -> Scheduler {
        Scheduler {
            rng: Rng::stream(seed, "kube-scheduler"),
            active: BTreeSet::new(),
            in_active: BTreeMap::new(),
            unschedulable: BTreeSet::new(),
            arrivals: 0,
            nodes: Vec::new(),
            node_index: BTreeMap::new(),
            placed: BTreeMap::new(),
            cycle_pending: false,
            state: framework::SchedulerState::default(),
            diagnoses: BTreeMap::new(),
        }
    }

    fn enqueue(&mut self, key: &str, priority: i32, ctx: &mut Ctx) {
        if self.in_active.contains_key(key) {
            return;
        }
        self.unschedulable.remove(key);
        self.arrivals += 1;
        let k = (-(priority as i64), self.arrivals);
        self.active.insert((k.0, k.1, key.to_string()));
        self.in_active.insert(key.to_string(), k);
        self.kick(ctx, QUEUE_LATENCY);
    }

    fn dequeue(&mut self, key: &str) {
        if let Some((p, a)) = self.in_active.remove(key) {
            self.active.remove(&(p, a, key.to_string()));
        }
        self.unschedulable.remove(key);
    }

    fn kick(&mut self, ctx: &mut Ctx, delay: Millis) {
        if !self.cycle_pending && !self.active.is_empty() {
            self.cycle_pending = true;
            ctx.after(delay, Event::Scheduler(Work::ScheduleOne));
        }
    }

    /// Moves every unschedulable pod back to the active queue.
    fn move_all_to_active(&mut self, ctx: &mut Ctx) {
        let keys: Vec<String> = std::mem::take(&mut self.unschedulable)
            .into_iter()
            .collect();
        for k in keys {
            let (ns, name) = k.split_once('/').unwrap_or(("", &k));
            let prio = ctx
                .api
                .get_typed::<core::Pod>(pod_res(), ns, name)
                .map(framework::pod_priority)
                .unwrap_or(0);
            self.enqueue(&k, prio, ctx);
        }
    }

    fn place(&mut self, key: &str, node: &str, pod: &core::Pod) {
        if let Some(prev) = self.placed.get(key) {
            if prev == node {
                return;
            }
            if let Some(&i) = self.node_index.get(prev) {
                self.nodes[i].remove_pod(pod);
            }
        }
        if let Some(&i) = self.node_index.get(node) {
            self.nodes[i].add_pod(pod);
        }
        self.placed.insert(key.to_string(), node.to_string());
    }

    fn unplace(&mut self, key: &str, pod: &core::Pod) {
        if let Some(node) = self.placed.remove(key) {
            if let Some(&i) = self.node_index.get(&node) {
                self.nodes[i].remove_pod(pod);
            }
        }
    }

    /// Watch handler: keeps the node snapshot and the queues current.
    pub fn on_watch(&mut self, ev: &WatchEvent, ctx: &mut Ctx) {
        match &*ev.object {
            Object::Node(n) => {
                let name = n.metadata.name.clone().unwrap_or_default();
                match ev.event_type {
                    EventType::Deleted => {
                        if let Some(i) = self.node_index.remove(&name) {
                            self.nodes.remove(i);
                            for v in self.node_index.values_mut() {
                                if *v > i {
                                    *v -= 1;
                                }
                            }
                        }
                    }
                    _ => {
                        let changed = match self.node_index.get(&name) {
                            Some(&i) => {
                                let before = (
                                    self.nodes[i].labels().clone(),
                                    self.nodes[i].taints().to_vec(),
                                    self.nodes[i].unschedulable(),
                                    self.nodes[i].allocatable().clone(),
                                );
                                self.nodes[i].set_node(n);
                                before
                                    != (
                                        self.nodes[i].labels().clone(),
                                        self.nodes[i].taints().to_vec(),
                                        self.nodes[i].unschedulable(),
                                        self.nodes[i].allocatable().clone(),
                                    )
                            }
                            None => {
                                self.node_index.insert(name, self.nodes.len());
                                self.nodes.push(NodeInfo::new(n));
                                true
                            }
                        };
                        if changed {
                            self.move_all_to_active(ctx);
                        }
                    }
                }
            }
            // A claim created or bound may let a pending pod schedule.
            Object::PersistentVolumeClaim(_) => self.move_all_to_active(ctx),
            Object::Pod(p) => {
                let key = framework::pod_key(p);
                let finished = matches!(podutil::phase(p), "Succeeded" | "Failed");
                if ev.event_type == EventType::Deleted || finished {
                    self.dequeue(&key);
                    if self.placed.contains_key(&key) {
                        self.unplace(&key, p);
                        self.move_all_to_active(ctx);
                    }
                    return;
                }
                if let Some(node) = podutil::node_name(p) {
                    self.dequeue(&key);
                    self.place(&key, node, p);
                    return;
                }
                let ours = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.scheduler_name.as_deref())
                    .unwrap_or("default-scheduler")
                    == "default-scheduler";
                if ours
                    && p.metadata.deletion_timestamp.is_none()
                    && !self.placed.contains_key(&key)
                {
                    if self.unschedulable.contains(&key) && ev.event_type == EventType::Modified {
                        // Its own update (the FailedScheduling condition) is no reason to retry.
                        return;
                    }
                    self.enqueue(&key, framework::pod_priority(p), ctx);
                }
            }
            _ => {}
        }
    }

    /// Runs one work item.
    pub fn handle(&mut self, work: Work, ctx: &mut Ctx) {
        match work {
            Work::ScheduleOne => {
                self.cycle_pending = false;
                if let Some(first) = self.active.pop_first() {
                    self.in_active.remove(&first.2);
                    self.schedule_one(&first.2, ctx);
                }
                self.kick(ctx, 0);
            }
            Work::Bind { pod, uid, node } => self.bind(&pod, &uid, &node, ctx),
        }
    }

    fn schedule_one(&mut self, key: &str, ctx: &mut Ctx) {
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        let Some(pod) = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name).cloned() else {
            return;
        };
        if podutil::node_name(&pod).is_some() || pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = ctx.now();
        // VolumeBinding's PreFilter reads claims, which the framework's
        // node snapshot does not carry.
        let claim_res = registry::by_kind("v1", "PersistentVolumeClaim").unwrap();
        let api = &*ctx.api;
        let unbound = plugins::volume_binding::pre_filter(&pod, |c| {
            api.get_typed::<core::PersistentVolumeClaim>(claim_res, ns, c)
        });
        let result = match unbound {
            Some(reason) if !self.nodes.is_empty() => {
                Err(plugins::volume_binding::fit_error(self.nodes.len(), reason))
            }
            _ => framework::schedule_one(&pod, &self.nodes, &mut self.state, &mut self.rng),
        };
        match result {
            Ok(result) => {
                let node = result.node_name.clone();
                ctx.api.trace.record(
                    now,
                    "kube-scheduler",
                    TraceKind::Scheduling {
                        pod: key.to_string(),
                        node: Some(node.clone()),
                        message: format!(
                            "{}/{} nodes feasible",
                            result.feasible_nodes, result.evaluated_nodes
                        ),
                    },
                );
                self.diagnoses
                    .insert(key.to_string(), result.diagnosis.clone());
                // Assume: the pod counts against the node before the binding lands.
                self.place(key, &node, &pod);
                let uid = pod.metadata.uid.clone().unwrap_or_default();
                ctx.after(
                    BIND_LATENCY,
                    Event::Scheduler(Work::Bind {
                        pod: key.to_string(),
                        uid,
                        node,
                    }),
                );
            }
            Err(fit) => {
                let msg = fit.to_string();
                ctx.api.trace.record(
                    now,
                    "kube-scheduler",
                    TraceKind::Scheduling {
                        pod: key.to_string(),
                        node: None,
                        message: msg.clone(),
                    },
                );
                self.diagnoses
                    .insert(key.to_string(), fit.diagnosis.clone());
                self.unschedulable.insert(key.to_string());

                ctx.api.record_event(
                    "default-scheduler",
                    None,
                    crate::apiserver::Involved::pod(&pod),
                    None,
                    "Warning",
                    "FailedScheduling",
                    &msg,
                );
                let mut p = pod;
                let now_t = ctx.api.clock.time();
                let status = p.status.get_or_insert_with(Default::default);
                crate::apiserver::set_condition(
                    status,
                    "PodScheduled",
                    "False",
                    Some("Unschedulable"),
                    Some(&msg),
                    &now_t,
                );
                p.metadata.resource_version = None;
                let _ = ctx.api.update_status(USER, Object::Pod(p));
            }
        }
    }

    fn bind(&mut self, key: &str, uid: &str, node: &str, ctx: &mut Ctx) {
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        let current = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name).cloned();
        let Some(pod) = current.filter(|p| p.metadata.uid.as_deref() == Some(uid)) else {
            return;
        };
        match ctx.api.bind(USER, ns, name, node) {
            Ok(_) => {
                ctx.api.record_event(
                    "default-scheduler",
                    None,
                    crate::apiserver::Involved::pod(&pod),
                    None,
                    "Normal",
                    "Scheduled",
                    &format!("Successfully assigned {key} to {node}"),
                );
            }
            Err(_) => {
                // Forget the assumption and try again.
                self.unplace(key, &pod);
                self.enqueue(key, framework::pod_priority(&pod), ctx);
            }
        }
    }

    /// The last scheduling diagnosis of a pod: per node and per plugin, the
    /// filter verdicts and scores ("why here", "why not there").
    pub fn diagnosis(&self, key: &str) -> Option<&framework::Diagnosis> {
        self.diagnoses.get(key)
    }
}

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}
