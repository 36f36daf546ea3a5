//! The kubelet: one per node. It watches the pods bound to its node and runs
//! them on the simulated container runtime: a pod worker per pod (sandbox,
//! image pulls with the node's image cache and imagePullPolicy, init
//! containers in order, restart policy with CrashLoopBackOff, graceful
//! termination), the prober (see [`prober`]), the status manager (writes pod
//! status only when it changes) and the node lease heartbeat.
//!
//! Timings follow a real node: a pod is seen ~10 ms after binding, its
//! sandbox is ready in ~0.3–0.6 s, a container starts ~0.2 s after creation,
//! pulls take seconds (from the image's size), back-off is 10 s doubling to
//! 5 min and resets after 10 min of running, the lease renews every 10 s.

mod power;
pub mod prober;
pub mod stats;
mod status;

use crate::api::{core, meta, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::{Millis, MINUTE, SECOND};
use crate::rng::Rng;
use crate::runtime::catalog::{self, ImageBehavior, Stream};
use crate::runtime::fs::ContainerFs;
use crate::runtime::image;
use crate::runtime::shell::{NoNetwork, Process, ProcessCtx, ProcessSpec, Step};
use crate::simulation::{Ctx, Event};
use crate::store::{EventType, WatchEvent};
use crate::trace::TraceKind;
use prober::{ProbeKind, ProbeWorker};
use std::collections::{BTreeMap, BTreeSet};

/// How long after a binding the kubelet's watch delivers the pod.
pub const WATCH_LATENCY: Millis = 10;
/// Initial CrashLoopBackOff / ImagePullBackOff delay.
pub const BACKOFF_INITIAL: Millis = 10 * SECOND;
/// Maximum back-off.
pub const BACKOFF_MAX: Millis = 5 * MINUTE;
/// A container running this long resets its back-off.
pub const BACKOFF_RESET: Millis = 10 * MINUTE;
/// Lease renewal interval (nodeLeaseDurationSeconds 40 × 0.25).
pub const LEASE_RENEW: Millis = 10 * SECOND;
/// The PLEG's relist period: container deaths are noticed on its ticks.
pub const PLEG_RELIST: Millis = SECOND;
/// Lines kept per container log (the kubelet rotates logs at 10 MiB).
pub const MAX_LOG_LINES: usize = 10_000;
/// Node status report frequency when nothing changes.
pub const NODE_STATUS_REPORT: Millis = 5 * MINUTE;

/// Work the kubelet schedules for itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    /// Reconcile one pod (`namespace/name`).
    SyncPod(String),
    /// A container's process wakes from a sleep (`generation` guards stale wake-ups).
    Wake {
        pod: String,
        container: String,
        generation: u64,
    },
    /// A pull finished.
    PullDone {
        pod: String,
        container: String,
        generation: u64,
    },
    /// A probe is due.
    Probe {
        pod: String,
        container: String,
        kind: ProbeKind,
        generation: u64,
    },
    /// Kill a container (liveness/startup failure) with this exit code.
    KillContainer {
        pod: String,
        container: String,
        generation: u64,
        exit_code: i32,
    },
    /// The grace period of a terminating pod is over.
    KillDeadline { pod: String, uid: String },
    /// Renew the node lease.
    RenewLease,
    /// Report node status.
    NodeStatus,
}

/// A container's state in the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Not started: waiting for its turn, an image, or a back-off.
    Waiting {
        reason: String,
        message: Option<String>,
    },
    /// Its process runs.
    Running { started_at: Millis },
    /// Its process exited.
    Terminated {
        exit_code: i32,
        reason: String,
        message: Option<String>,
        started_at: Millis,
        finished_at: Millis,
        container_id: String,
    },
}

/// One container of a pod worker.
pub struct ContainerRuntime {
    /// Spec name.
    pub name: String,
    /// Whether it is an init container.
    pub init: bool,
    /// Current state.
    pub state: RunState,
    /// Previous termination, shown as `lastState`.
    pub last_state: Option<RunState>,
    /// Restarts so far.
    pub restart_count: i32,
    /// Readiness probe result (or true without a readiness probe once running).
    pub ready: bool,
    /// Startup probe passed (or no startup probe).
    pub started: bool,
    /// Incremented on every (re)start: stale timers carry an older value.
    pub generation: u64,
    /// The runtime's ID of the current container (`containerd://...`).
    pub container_id: String,
    /// The running process.
    pub process: Option<Process>,
    /// Its filesystem (fresh on each restart, as a new container's is).
    pub fs: ContainerFs,
    /// Lines logged by the current container instance.
    pub logs: Vec<LogEntry>,
    /// Lines logged by the previous instance (`kubectl logs --previous`).
    pub previous_logs: Vec<LogEntry>,
    /// Back-off before the next start, and when it expires.
    pub backoff: Millis,
    backoff_until: Millis,
    pulling: bool,
    pull_failed: bool,
    pull_message: Option<String>,
    pulling_ref: String,
    just_pulled: bool,
    image_id: String,
    probes: Vec<ProbeWorker>,
    pub(crate) behavior: Option<std::sync::Arc<ImageBehavior>>,
    /// The environment the current process was started with (exec uses it).
    pub env: BTreeMap<String, String>,
    /// The spec's image and its normalized name for `status.image`
    /// (`nginx` → `docker.io/library/nginx:latest`), parsed once rather
    /// than on every status computation.
    pub(crate) status_image: (String, String),
}

/// A log line with its virtual timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// When it was written.
    pub time: Millis,
    /// stdout or stderr.
    pub stream: Stream,
    /// The text (no newline).
    pub text: String,
}

/// The worker of one pod on this node.
pub struct PodWorker {
    /// `namespace/name`.
    pub key: String,
    /// The pod's UID.
    pub uid: String,
    /// The pod's IP (sandbox network).
    pub ip: String,
    /// When the sandbox became ready.
    pub sandbox_ready_at: Option<Millis>,
    /// Containers, init containers first.
    pub containers: Vec<ContainerRuntime>,
    /// When termination began (deletionTimestamp seen).
    pub terminating_since: Option<Millis>,
    /// When the kubelet first saw the pod (status.startTime).
    pub start_time: Millis,
    last_status: Option<core::PodStatus>,
    last_written_rv: Option<String>,
}

/// The kubelet of one node.
pub struct Kubelet {
    node: String,
    rng: Rng,
    images: BTreeSet<String>,
    workers: BTreeMap<String, PodWorker>,
    ips_in_use: BTreeSet<u32>,
    next_container: u64,
    node_ip: String,
    pod_cidr_prefix: String,
    /// Whether the node is up (operator power loss stops everything).
    pub running: bool,
    /// What each image does, looked up once per image and shared by its
    /// containers (the catalogue entry is immutable).
    behaviors: BTreeMap<String, std::sync::Arc<ImageBehavior>>,
    /// Each image's unpacked files, by name as `behaviors`.
    image_fs: BTreeMap<String, ContainerFs>,
    next_lease_at: Millis,
    next_status_at: Millis,
    last_unschedulable: bool,
}

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}

fn pod_key(p: &core::Pod) -> String {
    crate::api::key(
        p.metadata.namespace.as_deref().unwrap_or(""),
        p.metadata.name.as_deref().unwrap_or(""),
    )
}

impl Kubelet {
    /// A kubelet for `node`.
    pub fn new(node: &str, seed: u64) -> Kubelet {
        Kubelet {
            node: node.to_string(),
            rng: Rng::stream(seed, &format!("kubelet/{node}")),
            images: crate::cluster::PRELOADED_IMAGES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            workers: BTreeMap::new(),
            ips_in_use: BTreeSet::new(),
            next_container: 0,
            node_ip: String::new(),
            pod_cidr_prefix: String::new(),
            running: true,
            behaviors: BTreeMap::new(),
            image_fs: BTreeMap::new(),
            next_lease_at: 0,
            next_status_at: 0,
            last_unschedulable: false,
        }
    }

    fn user(&self) -> String {
        format!("system:node:{}", self.node)
    }

    fn component(&self) -> String {
        format!("kubelet/{}", self.node)
    }

    /// Starts the node agent: reads its Node, marks it Ready, starts the
    /// lease heartbeat.
    pub fn start(&mut self, ctx: &mut Ctx) {
        let node_res = registry::by_kind("v1", "Node").unwrap();
        if let Some(n) = ctx.api.get_typed::<core::Node>(node_res, "", &self.node) {
            self.node_ip = n
                .status
                .as_ref()
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
                .map(|a| a.address.clone())
                .unwrap_or_default();
            let cidr = n
                .spec
                .as_ref()
                .and_then(|s| s.pod_cidr.clone())
                .unwrap_or_default();
            self.pod_cidr_prefix = cidr.trim_end_matches("0/24").to_string();
        }
        self.report_node_status(ctx, true);
        self.record_startup_events(ctx);
        self.renew_lease(ctx);
        // The informer's initial LIST: pods bound here before the kubelet
        // started (the control plane's static pods) get synced too.
        let bound: Vec<String> = ctx
            .api
            .list(pod_res(), None)
            .filter_map(|o| match o {
                Object::Pod(p) if crate::api::podutil::node_name(p) == Some(self.node.as_str()) => {
                    Some(pod_key(p))
                }
                _ => None,
            })
            .collect();
        for key in bound {
            ctx.after(
                WATCH_LATENCY,
                Event::Kubelet(self.node.clone(), Work::SyncPod(key)),
            );
        }
        self.schedule_lease(ctx);
        self.schedule_status(ctx);
    }

    /// The events a starting kubelet records about its node
    /// (pkg/kubelet/kubelet_node_status.go). The kubelet's reference to its
    /// node uses the node name as UID.
    fn record_startup_events(&self, ctx: &mut Ctx) {
        let node_meta = meta::ObjectMeta {
            name: Some(self.node.clone()),
            uid: Some(self.node.clone()),
            ..Default::default()
        };
        let involved = crate::apiserver::Involved {
            api_version: "v1",
            kind: "Node",
            meta: &node_meta,
        };
        let status_now = |reason: &str| format!("Node {} status is now: {reason}", self.node);
        let events = [
            ("Starting", "Starting kubelet.".to_string()),
            (
                "NodeAllocatableEnforced",
                "Updated Node Allocatable limit across pods".to_string(),
            ),
            (
                "NodeHasSufficientMemory",
                status_now("NodeHasSufficientMemory"),
            ),
            ("NodeHasNoDiskPressure", status_now("NodeHasNoDiskPressure")),
            ("NodeHasSufficientPID", status_now("NodeHasSufficientPID")),
            ("NodeReady", status_now("NodeReady")),
        ];
        for (reason, message) in events {
            ctx.api.record_event(
                "kubelet",
                Some(&self.node),
                involved,
                None,
                "Normal",
                reason,
                &message,
            );
        }
    }

    /// Watch handler: pods bound to this node are queued for a sync.
    pub fn on_watch(&mut self, ev: &WatchEvent, ctx: &mut Ctx) {
        let Object::Pod(p) = &*ev.object else { return };
        let key = pod_key(p);
        if ev.event_type == EventType::Modified
            && self.workers.get(&key).is_some_and(|w| {
                w.last_written_rv.is_some() && w.last_written_rv == p.metadata.resource_version
            })
        {
            return;
        }
        let ours = crate::api::podutil::node_name(p) == Some(self.node.as_str());
        if ours || (ev.event_type == EventType::Deleted && self.workers.contains_key(&key)) {
            ctx.after(
                WATCH_LATENCY,
                Event::Kubelet(self.node.clone(), Work::SyncPod(key)),
            );
        }
    }

    /// Runs one work item.
    pub fn handle(&mut self, work: Work, ctx: &mut Ctx) {
        if !self.running || !self.timer_is_current(&work, ctx.now()) {
            return;
        }
        match work {
            Work::SyncPod(key) => self.sync_pod(&key, ctx),
            Work::Wake {
                pod,
                container,
                generation,
            } => {
                if self.container_mut(&pod, &container, generation).is_some() {
                    self.run_process(&pod, &container, ctx);
                    self.sync_pod(&pod, ctx);
                }
            }
            Work::PullDone {
                pod,
                container,
                generation,
            } => {
                if let Some(c) = self.container_mut(&pod, &container, generation) {
                    c.pulling = false;
                    if let Some(msg) = c.pull_message.take() {
                        let pulled = std::mem::take(&mut c.pulling_ref);
                        self.images.insert(pulled);
                        self.pod_event(&pod, &container, ctx, "Normal", "Pulled", &msg);
                    }
                    self.sync_pod(&pod, ctx);
                }
            }
            Work::Probe {
                pod,
                container,
                kind,
                generation,
            } => {
                if self.container_mut(&pod, &container, generation).is_some() {
                    prober::run_probe(self, &pod, &container, kind, ctx);
                    self.sync_pod(&pod, ctx);
                }
            }
            Work::KillContainer {
                pod,
                container,
                generation,
                exit_code,
            } => {
                if self.container_mut(&pod, &container, generation).is_some() {
                    self.container_exited(&pod, &container, exit_code, None, ctx);
                    self.sync_pod(&pod, ctx);
                }
            }
            Work::KillDeadline { pod, uid } => {
                if self.workers.get(&pod).is_some_and(|w| w.uid == uid) {
                    self.finish_termination(&pod, ctx, true);
                }
            }
            Work::RenewLease => {
                self.record_node_schedulable_event(ctx);
                self.renew_lease(ctx);
                self.schedule_lease(ctx);
            }
            Work::NodeStatus => {
                self.report_node_status(ctx, false);
                self.schedule_status(ctx);
            }
        }
    }

    fn container_mut(
        &mut self,
        pod: &str,
        container: &str,
        generation: u64,
    ) -> Option<&mut ContainerRuntime> {
        self.workers
            .get_mut(pod)?
            .containers
            .iter_mut()
            .find(|c| c.name == container && c.generation == generation)
    }

    /// The workers (for kubectl logs/exec and the UI).
    pub fn worker(&self, key: &str) -> Option<&PodWorker> {
        self.workers.get(key)
    }

    /// Mutable worker access (kubectl exec writes into container filesystems).
    pub fn worker_mut(&mut self, key: &str) -> Option<&mut PodWorker> {
        self.workers.get_mut(key)
    }

    fn event(
        &self,
        ctx: &mut Ctx,
        pod: &core::Pod,
        field: Option<String>,
        type_: &str,
        reason: &str,
        message: &str,
    ) {
        ctx.api.record_event(
            "kubelet",
            Some(&self.node),
            crate::apiserver::Involved::pod(pod),
            field.as_deref(),
            type_,
            reason,
            message,
        );
    }

    /// Records an event about a container of the pod `key`.
    pub(crate) fn pod_event(
        &self,
        key: &str,
        container: &str,
        ctx: &mut Ctx,
        type_: &str,
        reason: &str,
        message: &str,
    ) {
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        // The stored object is shared, not copied.
        let Some(stored) = ctx.api.get_arc(pod_res(), ns, name) else {
            return;
        };
        let Object::Pod(pod) = &*stored else {
            return;
        };
        let no_spec = core::PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        let field = self
            .workers
            .get(key)
            .and_then(|w| w.containers.iter().find(|c| c.name == container))
            .map(|c| Self::field_path(c, spec));
        self.event(ctx, pod, field, type_, reason, message);
    }

    fn trace_state(&self, ctx: &mut Ctx, pod: &str, container: &str, state: &str) {
        let now = ctx.now();
        ctx.api.trace.record(
            now,
            self.component(),
            TraceKind::ContainerState {
                node: self.node.clone(),
                pod: pod.to_string(),
                container: container.to_string(),
                state: state.to_string(),
            },
        );
    }

    fn allocate_ip(&mut self, host_network: bool) -> String {
        if host_network {
            return self.node_ip.clone();
        }
        let n = (2..255)
            .find(|i| !self.ips_in_use.contains(i))
            .unwrap_or(254);
        self.ips_in_use.insert(n);
        format!("{}{n}", self.pod_cidr_prefix)
    }

    fn release_ip(&mut self, ip: &str) {
        if let Some(n) = ip
            .strip_prefix(&self.pod_cidr_prefix)
            .and_then(|s| s.parse::<u32>().ok())
        {
            if !self.pod_cidr_prefix.is_empty() {
                self.ips_in_use.remove(&n);
            }
        }
    }

    fn new_container_id(&mut self) -> String {
        self.next_container += 1;
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        let c = self.rng.next_u64();
        let d = self.rng.next_u64();
        format!("containerd://{a:016x}{b:016x}{c:016x}{d:016x}")
    }

    /// The pod worker's reconcile: bring the runtime in line with the pod.
    fn sync_pod(&mut self, key: &str, ctx: &mut Ctx) {
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        // The stored object is shared, not copied.
        let stored = ctx.api.get_arc(pod_res(), ns, name);
        let pod = match stored.as_deref() {
            Some(Object::Pod(p))
                if crate::api::podutil::node_name(p) == Some(self.node.as_str()) =>
            {
                Some(p)
            }
            _ => None,
        };
        let Some(pod) = pod else {
            // Gone from the API (or moved): tear the worker down.
            if let Some(w) = self.workers.remove(key) {
                self.release_ip(&w.ip);
            }
            return;
        };
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        if self.workers.get(key).is_some_and(|w| w.uid != uid) {
            if let Some(w) = self.workers.remove(key) {
                self.release_ip(&w.ip);
            }
        }
        let now = ctx.now();
        let no_spec = core::PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        if !self.workers.contains_key(key) {
            let phase = crate::api::podutil::phase(pod);
            // A pod already torn down that only waits for its finalizers
            // (a Job's job-tracking one) is not started again.
            if phase == "Succeeded"
                || phase == "Failed"
                || pod.metadata.deletion_grace_period_seconds == Some(0)
            {
                return;
            }
            let ip = self.allocate_ip(spec.host_network == Some(true));
            let mut containers = Vec::new();
            for (c, init) in spec
                .init_containers
                .iter()
                .flatten()
                .map(|c| (c, true))
                .chain(spec.containers.iter().map(|c| (c, false)))
            {
                containers.push(ContainerRuntime {
                    name: c.name.clone(),
                    init,
                    state: RunState::Waiting {
                        reason: if init {
                            "PodInitializing".into()
                        } else {
                            "ContainerCreating".into()
                        },
                        message: None,
                    },
                    last_state: None,
                    restart_count: 0,
                    ready: false,
                    started: false,
                    generation: 0,
                    container_id: String::new(),
                    process: None,
                    fs: ContainerFs::new(),
                    logs: Vec::new(),
                    previous_logs: Vec::new(),
                    backoff: 0,
                    backoff_until: 0,
                    pulling: false,
                    pull_failed: false,
                    pull_message: None,
                    pulling_ref: String::new(),
                    just_pulled: false,
                    image_id: String::new(),
                    probes: Vec::new(),
                    behavior: None,
                    env: BTreeMap::new(),
                    status_image: status::image_names(c.image.as_deref().unwrap_or_default()),
                });
            }
            // Init containers that are not the first wait with PodInitializing;
            // app containers wait for init with PodInitializing too.
            let has_init = containers.iter().any(|c| c.init);
            for c in containers.iter_mut().filter(|c| !c.init) {
                if has_init {
                    c.state = RunState::Waiting {
                        reason: "PodInitializing".into(),
                        message: None,
                    };
                }
            }
            self.workers.insert(
                key.to_string(),
                PodWorker {
                    key: key.to_string(),
                    uid: uid.clone(),
                    ip,
                    sandbox_ready_at: None,
                    containers,
                    terminating_since: None,
                    start_time: now,
                    last_status: None,
                    last_written_rv: None,
                },
            );
            // The sandbox (pause container + CNI) takes a moment.
            let delay = self.rng.between(300, 600);
            self.workers.get_mut(key).unwrap().sandbox_ready_at = Some(now + delay);
            ctx.after(
                delay,
                Event::Kubelet(self.node.clone(), Work::SyncPod(key.to_string())),
            );
            self.write_status(pod, ctx);
            return;
        }

        // Termination.
        if pod.metadata.deletion_timestamp.is_some() {
            self.begin_termination(pod, ctx);
            self.write_status(pod, ctx);
            return;
        }
        let sandbox_ready = self.workers[key].sandbox_ready_at.is_some_and(|t| t <= now);
        if !sandbox_ready {
            return;
        }
        self.start_next(pod, ctx);
        self.write_status(pod, ctx);
    }

    /// The catalogue's behaviour of an image, shared.
    fn image_behavior(&mut self, reference: &image::ImageRef) -> std::sync::Arc<ImageBehavior> {
        let name = reference.name();
        if let Some(b) = self.behaviors.get(name.as_str()) {
            return b.clone();
        }
        let b = std::sync::Arc::new(catalog::lookup(reference));
        self.behaviors.insert(name, b.clone());
        b
    }

    /// Starts whatever may start now: the next init container, or every app
    /// container once init is done; restarts exited containers per policy.
    fn start_next(&mut self, pod: &core::Pod, ctx: &mut Ctx) {
        let key = pod_key(pod);
        let no_spec = core::PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        let policy = spec
            .restart_policy
            .clone()
            .unwrap_or_else(|| "Always".into());
        let now = ctx.now();
        let n = self.workers[&key].containers.len();
        for i in 0..n {
            let (init, state) = {
                let c = &self.workers[&key].containers[i];
                (c.init, c.state.clone())
            };
            match state {
                RunState::Running { .. } => {
                    if init {
                        return; // Wait for this init container to finish.
                    }
                }
                RunState::Terminated { exit_code, .. } => {
                    let done = if init { exit_code == 0 } else { false };
                    if done {
                        continue;
                    }
                    let restart = match policy.as_str() {
                        "Always" => true,
                        "OnFailure" => exit_code != 0,
                        _ => false,
                    } || (init && exit_code != 0 && policy != "Never");
                    if restart {
                        self.restart_with_backoff(pod, i, ctx);
                    }
                    if init {
                        return;
                    }
                }
                RunState::Waiting { reason, .. } => {
                    let c = &self.workers[&key].containers[i];
                    if reason == "ErrImagePull" && c.pull_failed && !c.pulling {
                        let image = Self::container_spec(spec, c)
                            .and_then(|x| x.image.clone())
                            .unwrap_or_default();
                        let field = Self::field_path(c, spec);
                        let until = c.backoff_until;
                        let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
                        c.state = RunState::Waiting {
                            reason: "ImagePullBackOff".into(),
                            message: Some(format!("Back-off pulling image \"{image}\"")),
                        };
                        self.event(
                            ctx,
                            pod,
                            Some(field.clone()),
                            "Normal",
                            "BackOff",
                            &format!("Back-off pulling image \"{image}\""),
                        );
                        self.event(
                            ctx,
                            pod,
                            Some(field),
                            "Warning",
                            "Failed",
                            "Error: ImagePullBackOff",
                        );
                        ctx.after(
                            until.saturating_sub(now).max(1),
                            Event::Kubelet(self.node.clone(), Work::SyncPod(key.clone())),
                        );
                        if init {
                            return;
                        }
                        continue;
                    }
                    let c = &self.workers[&key].containers[i];
                    if c.backoff_until > now {
                        if init {
                            return;
                        }
                        continue;
                    }
                    if reason == "CrashLoopBackOff" {
                        // The back-off expired: this start is a restart.
                        let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
                        c.restart_count += 1;
                        c.backoff = next_backoff(c.backoff);
                        c.state = RunState::Waiting {
                            reason: "ContainerCreating".into(),
                            message: None,
                        };
                    }
                    self.start_container(pod, i, ctx);
                    if init {
                        return;
                    }
                }
            }
        }
    }

    fn container_spec<'a>(
        spec: &'a core::PodSpec,
        c: &ContainerRuntime,
    ) -> Option<&'a core::Container> {
        if c.init {
            spec.init_containers
                .iter()
                .flatten()
                .find(|x| x.name == c.name)
        } else {
            spec.containers.iter().find(|x| x.name == c.name)
        }
    }

    fn field_path(c: &ContainerRuntime, spec: &core::PodSpec) -> String {
        if c.init {
            let i = spec
                .init_containers
                .iter()
                .flatten()
                .position(|x| x.name == c.name)
                .unwrap_or(0);
            format!("spec.initContainers{{{}}}", c.name).replace("{i}", &i.to_string())
        } else {
            format!("spec.containers{{{}}}", c.name)
        }
    }

    /// Image handling, then create + start.
    fn start_container(&mut self, pod: &core::Pod, i: usize, ctx: &mut Ctx) {
        let key = pod_key(pod);
        let no_spec = core::PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        let (cspec, field) = {
            let c = &self.workers[&key].containers[i];
            let Some(cs) = Self::container_spec(spec, c) else {
                return;
            };
            (cs, Self::field_path(c, spec))
        };
        if self.workers[&key].containers[i].pulling {
            return;
        }
        let image_str = cspec.image.clone().unwrap_or_default();
        let reference = match image::parse(&image_str) {
            Ok(r) => r,
            Err(e) => {
                let msg = e.to_string();
                self.image_failure(
                    ctx,
                    pod,
                    &key,
                    i,
                    &field,
                    "InvalidImageName",
                    "InspectFailed",
                    msg,
                );
                return;
            }
        };
        let normalized = reference.normalized();
        // Admission defaulted the policy; a pod that reached us without one
        // gets the same default.
        let policy = cspec.image_pull_policy.clone().unwrap_or_else(|| {
            crate::apiserver::admission::default_pull_policy(&image_str).to_string()
        });
        let present = self.images.contains(&normalized) || self.images.contains(&image_str);
        let needs_pull = match policy.as_str() {
            "Always" => {
                !self.workers[&key].containers[i].pull_failed
                    && self.workers[&key].containers[i].image_id.is_empty()
            }
            "Never" => false,
            _ => !present,
        };
        if policy == "Never" && !present {
            let msg =
                format!("Container image \"{image_str}\" is not present with pull policy of Never");
            self.image_failure(
                ctx,
                pod,
                &key,
                i,
                &field,
                "ErrImageNeverPull",
                "ErrImageNeverPull",
                msg,
            );
            return;
        }
        if needs_pull || self.workers[&key].containers[i].pull_failed {
            self.event(
                ctx,
                pod,
                Some(field.clone()),
                "Normal",
                "Pulling",
                &format!("Pulling image \"{image_str}\""),
            );
            let size = self.image_behavior(&reference).size_bytes;
            match catalog::pull_with(&reference, || size, &mut self.rng) {
                Ok(r) => {
                    let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
                    c.pulling = true;
                    c.pull_failed = false;
                    c.pulling_ref = normalized.clone();
                    c.just_pulled = true;
                    c.image_id = format!("{}@{}", reference.name(), r.digest);
                    let generation = c.generation;
                    let secs = format_secs(r.duration_ms);
                    c.pull_message = Some(format!(
                        "Successfully pulled image \"{image_str}\" in {secs} ({secs} including waiting). Image size: {} bytes.",
                        r.size_bytes
                    ));
                    ctx.after(
                        r.duration_ms,
                        Event::Kubelet(
                            self.node.clone(),
                            Work::PullDone {
                                pod: key.clone(),
                                container: cspec.name.clone(),
                                generation,
                            },
                        ),
                    );
                }
                Err(e) => {
                    // ErrImagePull now, ImagePullBackOff until the back-off expires.
                    let delay = self.rng.between(500, 1500);
                    let backoff = {
                        let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
                        c.backoff = next_backoff(c.backoff);
                        c.pull_failed = true;
                        c.pulling = true;
                        c.backoff
                    };
                    let msg = format!("Failed to pull image \"{image_str}\": {}", e.message);
                    let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
                    let generation = c.generation;
                    c.state = RunState::Waiting {
                        reason: "ErrImagePull".into(),
                        message: Some(msg.clone()),
                    };
                    c.backoff_until = ctx.now() + delay + backoff;
                    self.event(ctx, pod, Some(field.clone()), "Warning", "Failed", &msg);
                    self.event(
                        ctx,
                        pod,
                        Some(field.clone()),
                        "Warning",
                        "Failed",
                        "Error: ErrImagePull",
                    );
                    ctx.after(
                        delay,
                        Event::Kubelet(
                            self.node.clone(),
                            Work::PullDone {
                                pod: key.clone(),
                                container: cspec.name.clone(),
                                generation,
                            },
                        ),
                    );
                }
            }
            return;
        }
        if self.workers[&key].containers[i].pull_failed {
            return;
        }
        // After a failed pull's first report, the waiting reason becomes
        // ImagePullBackOff until the back-off expires.
        if policy != "Always" || !self.workers[&key].containers[i].image_id.is_empty() {
            if self.workers[&key].containers[i].image_id.is_empty() {
                self.workers.get_mut(&key).unwrap().containers[i].image_id = format!(
                    "{}@{}",
                    reference.name(),
                    catalog::fake_digest(&format!("digest:{normalized}"))
                );
            }
            let just_pulled =
                std::mem::take(&mut self.workers.get_mut(&key).unwrap().containers[i].just_pulled);
            if !just_pulled {
                self.event(
                    ctx,
                    pod,
                    Some(field.clone()),
                    "Normal",
                    "Pulled",
                    &format!("Container image \"{image_str}\" already present on machine"),
                );
            }
        }
        self.create_and_start(pod, i, cspec, &reference, &field, ctx);
    }

    /// A container that cannot get its image: it waits with `reason`, and
    /// the kubelet reports it once (`event_reason` with the message, then
    /// `Failed` with `Error: <reason>`).
    #[allow(clippy::too_many_arguments)]
    fn image_failure(
        &mut self,
        ctx: &mut Ctx,
        pod: &core::Pod,
        key: &str,
        i: usize,
        field: &str,
        reason: &str,
        event_reason: &str,
        msg: String,
    ) {
        let c = &mut self.workers.get_mut(key).unwrap().containers[i];
        if matches!(&c.state, RunState::Waiting { reason: r, .. } if r == reason) {
            return;
        }
        c.state = RunState::Waiting {
            reason: reason.into(),
            message: Some(msg.clone()),
        };
        self.event(
            ctx,
            pod,
            Some(field.to_string()),
            "Warning",
            event_reason,
            &msg,
        );
        self.event(
            ctx,
            pod,
            Some(field.to_string()),
            "Warning",
            "Failed",
            &format!("Error: {reason}"),
        );
    }

    fn create_and_start(
        &mut self,
        pod: &core::Pod,
        i: usize,
        cspec: &core::Container,
        reference: &image::ImageRef,
        field: &str,
        ctx: &mut Ctx,
    ) {
        let key = pod_key(pod);
        let now = ctx.now();
        let container_id = self.new_container_id();
        let behavior = self.image_behavior(reference);
        let hostname = pod
            .spec
            .as_ref()
            .and_then(|s| s.hostname.clone())
            .unwrap_or_else(|| pod.metadata.name.clone().unwrap_or_default());
        let env = container_env(pod, cspec, &hostname);
        let pod_ip = self.workers[&key].ip.clone();
        let process = Process::start(
            ProcessSpec {
                command: cspec.command.clone(),
                args: cspec.args.clone(),
                env: env.clone(),
                hostname,
                pod_ip,
            },
            &behavior,
        );
        let image_fs = self
            .image_fs
            .entry(reference.name())
            .or_insert_with(|| behavior.image_fs());
        {
            let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
            if c.generation > 0 || c.restart_count > 0 {
                c.previous_logs = std::mem::take(&mut c.logs);
            }
            c.generation += 1;
            c.container_id = container_id;
            // The image's files (copied from the node's unpacked image, as
            // a container's writable layer starts from it) and its hostname.
            c.fs = image_fs.clone();
            let hostname = pod
                .spec
                .as_ref()
                .and_then(|s| s.hostname.as_deref())
                .or(pod.metadata.name.as_deref())
                .unwrap_or_default();
            c.fs.mount_file("/etc/hostname", &format!("{hostname}\n"));
            c.process = Some(process);
            c.behavior = Some(behavior);
            c.env = env;
            c.state = RunState::Running { started_at: now };
            c.started = cspec.startup_probe.is_none();
            // Without a readiness probe a started container is ready at once.
            c.ready = c.started && cspec.readiness_probe.is_none();
            c.probes = prober::workers_for(cspec);
        }
        self.event(
            ctx,
            pod,
            Some(field.to_string()),
            "Normal",
            "Created",
            &format!("Created container: {}", cspec.name),
        );
        // The runtime could not start the program (not in $PATH, ...): the
        // container terminates with StartError, exit code 128.
        let start_error = self.workers[&key].containers[i]
            .process
            .as_ref()
            .and_then(|p| p.start_error())
            .map(str::to_string);
        if let Some(msg) = start_error {
            self.event(
                ctx,
                pod,
                Some(field.to_string()),
                "Warning",
                "Failed",
                &format!("Error: {msg}"),
            );
            self.container_exited(&key, &cspec.name, 128, Some("StartError"), ctx);
            let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
            if let RunState::Terminated { message, .. } = &mut c.state {
                *message = Some(msg);
            }
            return;
        }
        self.event(
            ctx,
            pod,
            Some(field.to_string()),
            "Normal",
            "Started",
            &format!("Started container {}", cspec.name),
        );
        self.trace_state(ctx, &key, &cspec.name, "running");
        let generation = self.workers[&key].containers[i].generation;
        for kind in self.workers[&key].containers[i]
            .probes
            .iter()
            .map(|p| (p.kind, p.initial_delay))
            .collect::<Vec<_>>()
        {
            ctx.after(
                kind.1.max(1),
                Event::Kubelet(
                    self.node.clone(),
                    Work::Probe {
                        pod: key.clone(),
                        container: cspec.name.clone(),
                        kind: kind.0,
                        generation,
                    },
                ),
            );
        }
        self.run_process(&key, &cspec.name, ctx);
    }

    /// Runs a container's process until it sleeps, serves or exits.
    fn run_process(&mut self, key: &str, container: &str, ctx: &mut Ctx) {
        let now = ctx.now();
        let datetime = ctx.api.clock.datetime(now);
        let node = self.node.clone();
        let Some(w) = self.workers.get_mut(key) else {
            return;
        };
        let Some(c) = w.containers.iter_mut().find(|c| c.name == container) else {
            return;
        };
        let Some(process) = c.process.as_mut() else {
            return;
        };
        let mut out = Vec::new();
        let step = {
            let mut net = NoNetwork;
            let mut pctx = ProcessCtx {
                fs: &mut c.fs,
                now: datetime,
                output: &mut out,
                network: &mut net,
            };
            process.resume(&mut pctx)
        };
        for (stream, text) in out {
            c.logs.push(LogEntry {
                time: now,
                stream,
                text,
            });
        }
        // The kubelet rotates container logs; keep the newest lines.
        if c.logs.len() > MAX_LOG_LINES {
            let excess = c.logs.len() - MAX_LOG_LINES;
            c.logs.drain(..excess);
        }
        let generation = c.generation;
        match step {
            Step::Sleep(ms) => {
                ctx.after(
                    ms.max(1),
                    Event::Kubelet(
                        node,
                        Work::Wake {
                            pod: key.to_string(),
                            container: container.to_string(),
                            generation,
                        },
                    ),
                );
            }
            Step::Serving => {}
            Step::Exited(code) => self.container_exited(key, container, code, None, ctx),
        }
    }

    /// Records a container's exit.
    pub(crate) fn container_exited(
        &mut self,
        key: &str,
        container: &str,
        code: i32,
        reason: Option<&str>,
        ctx: &mut Ctx,
    ) {
        let now = ctx.now();
        let Some(w) = self.workers.get_mut(key) else {
            return;
        };
        let Some(c) = w.containers.iter_mut().find(|c| c.name == container) else {
            return;
        };
        let RunState::Running { started_at } = c.state else {
            return;
        };
        let reason = reason.map(str::to_string).unwrap_or_else(|| {
            if code == 0 {
                "Completed".into()
            } else {
                "Error".into()
            }
        });
        c.state = RunState::Terminated {
            exit_code: code,
            reason: reason.clone(),
            message: None,
            started_at,
            finished_at: now,
            container_id: c.container_id.clone(),
        };
        c.process = None;
        c.ready = false;
        c.probes.clear();
        // A container that ran long enough forgets its back-off.
        if now.saturating_sub(started_at) >= BACKOFF_RESET {
            c.backoff = 0;
        }
        c.generation += 1;
        self.trace_state(
            ctx,
            key,
            container,
            &format!("terminated ({reason}, exit {code})"),
        );
        // The pod lifecycle event generator relists containers every second;
        // the pod worker syncs when it notices the exit.
        let now = ctx.now();
        let next_relist = PLEG_RELIST - now % PLEG_RELIST;
        ctx.after(
            next_relist,
            Event::Kubelet(self.node.clone(), Work::SyncPod(key.to_string())),
        );
    }

    /// Restarts container `i` now, or once its back-off expires
    /// (CrashLoopBackOff meanwhile).
    fn restart_with_backoff(&mut self, pod: &core::Pod, i: usize, ctx: &mut Ctx) {
        let key = pod_key(pod);
        let now = ctx.now();
        let node = self.node.clone();
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let spec = pod.spec.clone().unwrap_or_default();
        let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
        let field = Self::field_path(c, &spec);
        let RunState::Terminated { finished_at, .. } = c.state else {
            return;
        };
        if c.backoff > 0 && now < finished_at + c.backoff {
            // In back-off: CrashLoopBackOff until it expires.
            let msg = format!(
                "back-off {} restarting failed container={} pod={pod_name}_{ns}({uid})",
                format_backoff(c.backoff),
                c.name
            );
            let wake = finished_at + c.backoff - now;
            let first_report = c.backoff_until != finished_at + c.backoff;
            c.backoff_until = finished_at + c.backoff;
            if first_report {
                ctx.after(wake, Event::Kubelet(node, Work::SyncPod(key.clone())));
                let c_name = self.workers[&key].containers[i].name.clone();
                self.event(ctx, pod, Some(field), "Warning", "BackOff", &format!("Back-off restarting failed container {c_name} in pod {pod_name}_{ns}({uid})"));
            }
            let c = &mut self.workers.get_mut(&key).unwrap().containers[i];
            c.last_state = Some(c.state.clone());
            c.state = RunState::Waiting {
                reason: "CrashLoopBackOff".into(),
                message: Some(msg),
            };
            return;
        }
        c.backoff = next_backoff(c.backoff);
        c.last_state = Some(c.state.clone());
        c.restart_count += 1;
        c.state = RunState::Waiting {
            reason: "ContainerCreating".into(),
            message: None,
        };
        self.start_container(pod, i, ctx);
    }

    /// A deletionTimestamp was seen: stop every container gracefully.
    fn begin_termination(&mut self, pod: &core::Pod, ctx: &mut Ctx) {
        let key = pod_key(pod);
        let now = ctx.now();
        let grace = pod
            .metadata
            .deletion_grace_period_seconds
            .unwrap_or(30)
            .max(0) as Millis
            * SECOND;
        let spec = pod.spec.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let w = self.workers.get_mut(&key).unwrap();
        if w.terminating_since.is_some() {
            return;
        }
        w.terminating_since = Some(now);
        let mut all_stop_fast = true;
        let mut killing = Vec::new();
        for c in w.containers.iter() {
            if matches!(c.state, RunState::Running { .. }) {
                killing.push((Self::field_path(c, &spec), c.name.clone()));
                // Servers exit promptly on SIGTERM; a shell as PID 1 ignores it
                // and is killed when the grace period ends.
                let fast = c.process.as_ref().is_some_and(handles_sigterm);
                all_stop_fast &= fast;
            }
        }
        for (field, name) in killing {
            self.event(
                ctx,
                pod,
                Some(field),
                "Normal",
                "Killing",
                &format!("Stopping container {name}"),
            );
        }
        let delay = if all_stop_fast {
            self.rng.between(100, 600).min(grace.max(1))
        } else {
            grace
        };
        ctx.after(
            delay,
            Event::Kubelet(self.node.clone(), Work::KillDeadline { pod: key, uid }),
        );
    }

    fn finish_termination(&mut self, key: &str, ctx: &mut Ctx, _deadline: bool) {
        let names: Vec<(String, bool)> = self.workers[key]
            .containers
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.process.as_ref().is_some_and(handles_sigterm),
                )
            })
            .collect();
        for (n, graceful) in names {
            self.container_exited(key, &n, if graceful { 0 } else { 137 }, None, ctx);
        }
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        if let Some(pod) = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name).cloned() {
            self.write_status(&pod, ctx);
            let user = self.user();
            let _ = ctx.api.delete(
                &user,
                pod_res(),
                ns,
                name,
                DeleteOptions {
                    grace_period_seconds: Some(0),
                    ..Default::default()
                },
            );
        }
        if let Some(w) = self.workers.remove(key) {
            self.release_ip(&w.ip);
        }
    }

    /// Writes the pod's status if it changed (the status manager).
    fn write_status(&mut self, pod: &core::Pod, ctx: &mut Ctx) {
        let key = pod_key(pod);
        let Some(w) = self.workers.get(&key) else {
            return;
        };
        let status = status::compute(self, w, pod, ctx);
        if w.last_status.as_ref() == Some(&status) && pod.status.as_ref() == Some(&status) {
            return;
        }
        let user = self.user();
        let (ns, name) = key.split_once('/').unwrap_or(("", &key));
        if let Ok(stored) = ctx.api.update_pod_status(&user, ns, name, status.clone()) {
            if let Some(w) = self.workers.get_mut(&key) {
                w.last_status = Some(status);
                // Our own write comes back as a watch event: no need to sync for it.
                w.last_written_rv = stored.meta().resource_version.clone();
            }
        }
        // Phase changes end the pod worker for finished pods.
        let phase_done = self
            .workers
            .get(&key)
            .and_then(|w| w.last_status.as_ref())
            .and_then(|s| s.phase.clone());
        if matches!(phase_done.as_deref(), Some("Succeeded" | "Failed")) {
            if let Some(w) = self.workers.get_mut(&key) {
                for c in &mut w.containers {
                    c.probes.clear();
                }
            }
        }
    }

    fn renew_lease(&mut self, ctx: &mut Ctx) {
        let lease_res = registry::by_kind("coordination.k8s.io/v1", "Lease").unwrap();
        let now = ctx.api.clock.micro_time();
        let user = self.user();
        let existing = ctx
            .api
            .get_typed::<crate::api::coordination::Lease>(lease_res, "kube-node-lease", &self.node)
            .cloned();
        match existing {
            Some(mut l) => {
                l.spec.get_or_insert_with(Default::default).renew_time = Some(now);
                let _ = ctx.api.update(&user, Object::Lease(Box::new(l)));
            }
            None => {
                let node_res = registry::by_kind("v1", "Node").unwrap();
                let owner = ctx
                    .api
                    .get(node_res, "", &self.node)
                    .map(|n| meta::OwnerReference {
                        api_version: "v1".into(),
                        kind: "Node".into(),
                        name: self.node.clone(),
                        uid: n.meta().uid.clone().unwrap_or_default(),
                        ..Default::default()
                    });
                let lease = crate::api::coordination::Lease {
                    metadata: meta::ObjectMeta {
                        name: Some(self.node.clone()),
                        namespace: Some("kube-node-lease".into()),
                        owner_references: owner.map(|o| vec![o]),
                        ..Default::default()
                    },
                    spec: Some(crate::api::coordination::LeaseSpec {
                        holder_identity: Some(self.node.clone()),
                        lease_duration_seconds: Some(40),
                        renew_time: Some(now),
                        ..Default::default()
                    }),
                };
                let _ = ctx.api.create(&user, Object::Lease(Box::new(lease)));
            }
        }
    }

    fn report_node_status(&mut self, ctx: &mut Ctx, first: bool) {
        let node_res = registry::by_kind("v1", "Node").unwrap();
        let Some(mut node) = ctx
            .api
            .get_typed::<core::Node>(node_res, "", &self.node)
            .cloned()
        else {
            return;
        };
        let now = ctx.api.clock.time();
        let status = node.status.get_or_insert_with(Default::default);
        let conds = [
            (
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            (
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            (
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            (
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        ];
        let old = status.conditions.take().unwrap_or_default();
        status.conditions = Some(
            conds
                .iter()
                .map(|(t, s, r, m)| {
                    let prev = old.iter().find(|c| c.type_ == *t);
                    core::NodeCondition {
                        type_: t.to_string(),
                        status: s.to_string(),
                        reason: Some(r.to_string()),
                        message: Some(m.to_string()),
                        last_heartbeat_time: Some(now.clone()),
                        last_transition_time: prev
                            .filter(|p| p.status == *s)
                            .and_then(|p| p.last_transition_time.clone())
                            .or(Some(now.clone())),
                    }
                })
                .collect(),
        );
        // Images are reported at start and whenever one was pulled (the
        // set only grows), with the catalog's sizes: ImageLocality reads them.
        let reported = status.images.as_ref().map_or(0, Vec::len);
        if first || reported != self.images.len() {
            status.images = Some(
                self.images
                    .iter()
                    .map(|i| core::ContainerImage {
                        names: Some(vec![i.clone()]),
                        size_bytes: Some(
                            crate::runtime::image::parse(i)
                                .map(|r| crate::runtime::catalog::lookup(&r).size_bytes as i64)
                                .unwrap_or(30_000_000),
                        ),
                    })
                    .collect(),
            );
        }
        let user = self.user();
        let _ = ctx.api.update_status(&user, Object::Node(Box::new(node)));
    }

    /// The node's name.
    pub fn node_name(&self) -> &str {
        &self.node
    }
}

/// Whether a process stops promptly on SIGTERM: the images' servers do; a
/// shell running as PID 1 ignores SIGTERM (it has no handler), so the
/// kubelet kills it with SIGKILL (exit 137) when the grace period ends.
fn handles_sigterm(p: &Process) -> bool {
    !p.listening_ports().is_empty() || p.grpc_health_port().is_some()
}

/// The environment a container sees: the pod's env (literal values and
/// simple fieldRef/configMap refs), plus HOSTNAME and the defaults.
fn container_env(pod: &core::Pod, c: &core::Container, hostname: &str) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    env.insert(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    );
    env.insert("HOSTNAME".to_string(), hostname.to_string());
    env.insert("HOME".to_string(), "/root".to_string());
    env.insert(
        "KUBERNETES_SERVICE_HOST".to_string(),
        "10.96.0.1".to_string(),
    );
    env.insert("KUBERNETES_SERVICE_PORT".to_string(), "443".to_string());
    for e in c.env.iter().flatten() {
        let v = if let Some(v) = &e.value {
            // $(VAR) references to earlier variables expand, as the kubelet does.
            expand_refs(v, &env)
        } else if let Some(from) = &e.value_from {
            if let Some(f) = &from.field_ref {
                match f.field_path.as_str() {
                    "metadata.name" => pod.metadata.name.clone().unwrap_or_default(),
                    "metadata.namespace" => pod.metadata.namespace.clone().unwrap_or_default(),
                    "spec.nodeName" => pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.clone())
                        .unwrap_or_default(),
                    "spec.serviceAccountName" => pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.service_account_name.clone())
                        .unwrap_or_default(),
                    "status.podIP" => pod
                        .status
                        .as_ref()
                        .and_then(|s| s.pod_ip.clone())
                        .unwrap_or_default(),
                    "status.hostIP" => pod
                        .status
                        .as_ref()
                        .and_then(|s| s.host_ip.clone())
                        .unwrap_or_default(),
                    // `metadata.annotations['k']` / `metadata.labels['k']`
                    // (an Indexed Job's JOB_COMPLETION_INDEX).
                    other => {
                        let subscript = |prefix: &str| {
                            other
                                .strip_prefix(prefix)?
                                .strip_prefix("['")?
                                .strip_suffix("']")
                                .map(str::to_string)
                        };
                        let m = &pod.metadata;
                        match (
                            subscript("metadata.annotations"),
                            subscript("metadata.labels"),
                        ) {
                            (Some(k), _) => m.annotations.as_ref().and_then(|a| a.get(&k)).cloned(),
                            (_, Some(k)) => m.labels.as_ref().and_then(|l| l.get(&k)).cloned(),
                            _ => None,
                        }
                        .unwrap_or_default()
                    }
                }
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        env.insert(e.name.clone(), v);
    }
    env
}

fn expand_refs(v: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find("$(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        if let Some(j) = after.find(')') {
            let name = &after[..j];
            match env.get(name) {
                Some(val) => out.push_str(val),
                None => {
                    out.push_str("$(");
                    out.push_str(name);
                    out.push(')');
                }
            }
            rest = &after[j + 1..];
        } else {
            out.push_str(&rest[i..]);
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

/// The next back-off after `current` (0 = none yet): 10 s, then doubling
/// up to 5 min, as the kubelet's container and image back-off do.
fn next_backoff(current: Millis) -> Millis {
    if current == 0 {
        BACKOFF_INITIAL
    } else {
        (current * 2).min(BACKOFF_MAX)
    }
}

/// A pull duration as the kubelet prints it: Go's `time.Duration` string
/// truncated to milliseconds (`873ms`, `2s`, `3.374s`, `1m2.5s`).
fn format_secs(ms: Millis) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (m, rest) = (ms / 60_000, ms % 60_000);
    let s = format!("{}.{:03}", rest / 1000, rest % 1000);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// `10s`, `20s`, `1m20s`, `5m0s` as Go prints a Duration.
fn format_backoff(ms: Millis) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_durations_print_as_go_durations() {
        assert_eq!(format_backoff(10_000), "10s");
        assert_eq!(format_backoff(80_000), "1m20s");
        assert_eq!(format_backoff(300_000), "5m0s");
    }

    #[test]
    fn pull_durations_print_as_truncated_go_durations() {
        assert_eq!(format_secs(873), "873ms");
        assert_eq!(format_secs(2000), "2s");
        assert_eq!(format_secs(3374), "3.374s");
        assert_eq!(format_secs(62_500), "1m2.5s");
    }

    #[test]
    fn env_refs_expand_earlier_variables() {
        let env = BTreeMap::from([("A".to_string(), "x".to_string())]);
        assert_eq!(expand_refs("$(A)-$(B)", &env), "x-$(B)");
    }
}
