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
pub mod preemption;
pub mod record;

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
use framework::{PodEntry, PodLabels};
pub use record::{FilterVerdict, NodeDecision, PluginScore, SchedulingRecord};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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
    records: record::RecordStore,
    /// Interned namespace+labels of placed pods (replicas share one).
    interned: BTreeSet<Arc<PodLabels>>,
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
            records: record::RecordStore::default(),
            interned: BTreeSet::new(),
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
                // Same node: refresh only what other pods' plugins look at
                // (labels, terminating), not on every status update.
                let unchanged = self
                    .node_index
                    .get(node)
                    .and_then(|&i| self.nodes[i].pods().get(key))
                    .is_none_or(|e| {
                        e.terminating == pod.metadata.deletion_timestamp.is_some()
                            && e.start_time == framework::pod_start_time(pod)
                            && same_labels(&e.labels, pod)
                    });
                if unchanged {
                    return;
                }
            }
            let prev = prev.clone();
            self.remove_from(&prev, key);
        }
        if let Some(&i) = self.node_index.get(node) {
            let labels = self.intern(pod);
            self.nodes[i].add_entry(key.to_string(), PodEntry::of(pod, Some(labels)));
        }
        self.placed.insert(key.to_string(), node.to_string());
    }

    fn remove_from(&mut self, node: &str, key: &str) {
        if let Some(&i) = self.node_index.get(node) {
            if let Some(e) = self.nodes[i].remove_pod_key(key) {
                self.release(e.labels);
            }
        }
    }

    fn intern(&mut self, pod: &core::Pod) -> Arc<PodLabels> {
        let l = PodLabels::of(pod);
        if let Some(a) = self.interned.get(&l) {
            return a.clone();
        }
        let a = Arc::new(l);
        self.interned.insert(a.clone());
        a
    }

    fn release(&mut self, labels: Arc<PodLabels>) {
        // The set and `labels` itself: no pod uses it any more.
        if Arc::strong_count(&labels) == 2 {
            self.interned.remove(&*labels);
        }
    }

    fn unplace(&mut self, key: &str, _pod: &core::Pod) {
        if let Some(node) = self.placed.remove(key) {
            self.remove_from(&node, key);
        }
    }

    /// Keeps the per-image node counts (ImageLocality's spread) current.
    fn count_images(&mut self, images: &BTreeMap<String, i64>, sign: i64) {
        if images.is_empty() {
            return;
        }
        let counts = Arc::make_mut(&mut self.state.image_num_nodes);
        for name in images.keys() {
            if sign > 0 {
                *counts.entry(name.clone()).or_insert(0) += 1;
            } else if let Some(c) = counts.get_mut(name) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    counts.remove(name);
                }
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
                            let images = self.nodes[i].images().clone();
                            self.count_images(&images, -1);
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
                                let images_before = self.nodes[i].images().clone();
                                self.nodes[i].set_node(n);
                                if *self.nodes[i].images() != images_before {
                                    let after = self.nodes[i].images().clone();
                                    self.count_images(&images_before, -1);
                                    self.count_images(&after, 1);
                                }
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
                                let info = NodeInfo::new(n);
                                let images = info.images().clone();
                                self.nodes.push(info);
                                self.count_images(&images, 1);
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
                    if ev.event_type == EventType::Deleted {
                        self.records.forget(&key);
                    }
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
            Object::PodDisruptionBudget(pdb) => {
                let key = crate::api::key(
                    pdb.metadata.namespace.as_deref().unwrap_or(""),
                    pdb.metadata.name.as_deref().unwrap_or(""),
                );
                let pdbs = Arc::make_mut(&mut self.state.pdbs);
                if ev.event_type == EventType::Deleted {
                    pdbs.remove(&key);
                } else {
                    pdbs.insert(key, plugins::default_preemption::Pdb::of(pdb));
                }
            }
            Object::Namespace(ns) => {
                let name = ns.metadata.name.clone().unwrap_or_default();
                let labels = Arc::make_mut(&mut self.state.namespace_labels);
                if ev.event_type == EventType::Deleted {
                    labels.remove(&name);
                } else {
                    labels.insert(name, ns.metadata.labels.clone().unwrap_or_default());
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
        // The stored object is shared, not copied (only a failure copies it).
        let Some(stored) = ctx.api.get_arc(pod_res(), ns, name) else {
            return;
        };
        let Object::Pod(pod) = &*stored else {
            return;
        };
        let pod: &core::Pod = pod;
        if podutil::node_name(pod).is_some() || pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = ctx.now();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        self.state.default_spread_selector = default_selector(pod, ctx).map(Arc::new);
        // VolumeBinding's PreFilter reads claims, which the framework's
        // node snapshot does not carry.
        let claim_res = registry::by_kind("v1", "PersistentVolumeClaim").unwrap();
        let api = &*ctx.api;
        let unbound = plugins::volume_binding::pre_filter(pod, |c| {
            api.get_typed::<core::PersistentVolumeClaim>(claim_res, ns, c)
        });
        let result = match unbound {
            Some(reason) if !self.nodes.is_empty() => {
                Err(plugins::volume_binding::fit_error(self.nodes.len(), reason))
            }
            _ => framework::schedule_one(pod, &self.nodes, &mut self.state, &mut self.rng),
        };
        match result {
            Ok(result) => {
                let node = result.node_name.clone();
                let message = format!(
                    "{}/{} nodes feasible",
                    result.feasible_nodes, result.evaluated_nodes
                );
                ctx.api.trace.record(
                    now,
                    "kube-scheduler",
                    TraceKind::Scheduling {
                        pod: key.to_string(),
                        node: Some(node.clone()),
                        message: message.clone(),
                    },
                );
                self.records.push(
                    key,
                    &uid,
                    now,
                    Some(node.clone()),
                    message,
                    None,
                    Vec::new(),
                    result.diagnosis,
                );
                // Assume: the pod counts against the node before the binding lands.
                self.place(key, &node, pod);
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
                self.unschedulable.insert(key.to_string());
                let (nominated, victims) = match fit.post_filter_result {
                    Some(r) => (Some(r.nominated_node_name), r.victims),
                    None => (None, Vec::new()),
                };
                if let Some(node) = nominated.as_deref() {
                    preemption::prepare_candidate(pod, node, &victims, ctx);
                }

                ctx.api.record_event(
                    "default-scheduler",
                    None,
                    crate::apiserver::Involved::pod(pod),
                    None,
                    "Warning",
                    "FailedScheduling",
                    &msg,
                );
                let mut p = pod.clone();
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
                if let Some(n) = nominated.as_ref() {
                    status.nominated_node_name = Some(n.clone());
                }
                p.metadata.resource_version = None;
                let _ = ctx.api.update_status(USER, Object::Pod(Box::new(p)));
                self.records
                    .push(key, &uid, now, None, msg, nominated, victims, fit.diagnosis);
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
                self.records.scheduled(key);
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

    /// The last scheduling diagnosis of a pod (`namespace/name`), as the
    /// framework produced it, if it is still kept (see [`record`]).
    pub fn diagnosis(&self, key: &str) -> Option<&framework::Diagnosis> {
        self.records.diagnosis(key)
    }

    /// The pod's latest scheduling attempt, per node and per plugin: filter
    /// verdicts with reasons, raw and normalized scores, the choice ("why
    /// here", "why not there"). Kept for the last
    /// [`record::RECENT_RECORDS`] attempts and for pods still Pending.
    pub fn scheduling_record(&self, key: &str) -> Option<SchedulingRecord> {
        self.records.get(key)
    }

    /// How many decision records are held (bounded).
    pub fn record_count(&self) -> usize {
        self.records.len()
    }
}

/// Whether an entry's namespace and labels are the pod's.
fn same_labels(l: &PodLabels, pod: &core::Pod) -> bool {
    l.namespace == pod.metadata.namespace.as_deref().unwrap_or("default")
        && match pod.metadata.labels.as_ref() {
            Some(m) => *m == l.labels,
            None => l.labels.is_empty(),
        }
}

/// `helper.DefaultSelector` (pkg/scheduler/framework/plugins/helper/
/// spread.go): the selectors of the Services selecting the pod and of its
/// controlling ReplicaSet, ReplicationController or StatefulSet, ANDed.
/// Simplification: controllers are found through the pod's controller
/// ownerReference rather than by listing every one whose selector matches.
fn default_selector(pod: &core::Pod, ctx: &Ctx) -> Option<crate::api::selector::Selector> {
    use crate::api::selector::{from_label_selector, Requirement, Selector};
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let labels = pod.metadata.labels.as_ref()?;
    let mut set: BTreeMap<String, String> = BTreeMap::new();
    if let Some(svc_res) = registry::by_kind("v1", "Service") {
        // Read generically: the Service kind is served by another module.
        for o in ctx.api.list(svc_res, Some(ns)) {
            let v = o.to_value();
            let Some(sel) = v.pointer("/spec/selector").and_then(|s| s.as_object()) else {
                continue;
            };
            let sel: BTreeMap<String, String> = sel
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            if !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                set.extend(sel);
            }
        }
    }
    let mut reqs: Vec<Requirement> = set
        .into_iter()
        .map(|(k, v)| Requirement::In(k, vec![v]))
        .collect();
    let owner = crate::api::podutil::get_controller_of(&pod.metadata);
    if let Some(o) = owner {
        if let Some(res) = registry::by_kind(&o.api_version, &o.kind) {
            let sel = match ctx.api.get(res, ns, &o.name) {
                Some(Object::ReplicaSet(rs)) => rs
                    .spec
                    .as_ref()
                    .and_then(|s| from_label_selector(&s.selector)),
                // StatefulSet (a LabelSelector) and ReplicationController (a
                // map), read generically.
                Some(other)
                    if matches!(o.kind.as_str(), "StatefulSet" | "ReplicationController") =>
                {
                    let v = other.to_value();
                    let sel = v.pointer("/spec/selector").cloned();
                    match sel {
                        Some(serde_json::Value::Object(m)) if o.kind == "ReplicationController" => {
                            Some(Selector(
                                m.iter()
                                    .filter_map(|(k, v)| {
                                        Some(Requirement::In(
                                            k.clone(),
                                            vec![v.as_str()?.to_string()],
                                        ))
                                    })
                                    .collect(),
                            ))
                        }
                        Some(v) => serde_json::from_value(v)
                            .ok()
                            .and_then(|ls| from_label_selector(&ls)),
                        None => None,
                    }
                }
                _ => None,
            };
            if let Some(Selector(r)) = sel {
                reqs.extend(r);
            }
        }
    }
    (!reqs.is_empty()).then_some(Selector(reqs))
}

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}
