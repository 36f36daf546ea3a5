//! The scheduling framework: extension points, `Status`, `NodeInfo` and the
//! scheduling cycle as a pure function ([`schedule_one`]).
//!
//! Follows kube-scheduler v1.32: `pkg/scheduler/framework/interface.go`
//! (extension points, `Status`), `pkg/scheduler/framework/types.go`
//! (`NodeInfo`, `Diagnosis`, `FitError`), `pkg/scheduler/framework/runtime/framework.go`
//! (running plugins) and `pkg/scheduler/schedule_one.go` (`schedulePod`,
//! `findNodesThatFitPod`, `numFeasibleNodesToFind`, `prioritizeNodes`,
//! `selectHost`). Nothing here touches the store, the API server or the queue:
//! the caller keeps one [`NodeInfo`] per node (updated incrementally with
//! [`NodeInfo::add_pod`] / [`NodeInfo::remove_pod`]) and calls [`schedule_one`].
//!
//! Simplifications (visible, documented): filters run sequentially in node
//! order starting at `next_start_node_index`, which is what upstream's
//! parallel search approximates; there are no extenders, no nominated pods of
//! other pods are added during filtering, and the profile is fixed in code.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use crate::api::core::{Container, Node, Pod, Taint};
use crate::api::quantity::{self, Milli};
use crate::api::selector::Selector;
use crate::rng::Rng;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::plugins;
use super::plugins::pod_topology_spread::{LABEL_HOSTNAME, LABEL_TOPOLOGY_ZONE};

/// The highest score a Score plugin may give a node (`framework.MaxNodeScore`).
pub const MAX_NODE_SCORE: i64 = 100;
/// CPU assumed for a container without a CPU request when scoring
/// (`schedutil.DefaultMilliCPURequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// Memory assumed for a container without a memory request when scoring
/// (`schedutil.DefaultMemoryRequest`, 200 MiB).
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;
/// Below this many nodes every node is evaluated (`minFeasibleNodesToFind`).
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// The floor of the adaptive percentage of nodes to score
/// (`minFeasibleNodesPercentageToFind`).
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
/// `ErrNoNodesAvailable` (pkg/scheduler/schedule_one.go).
pub const NO_NODES_AVAILABLE_MSG: &str = "no nodes available to schedule pods";

// ---------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------

/// A plugin's verdict code (`framework.Code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The plugin ran and the pod may go on.
    Success,
    /// An internal error; the pod is retried after back-off.
    Error,
    /// The node does not fit now, but preemption might help.
    Unschedulable,
    /// The node does not fit, and preemption would not help.
    UnschedulableAndUnresolvable,
    /// The plugin has nothing to do for this pod (PreFilter / PreScore only).
    Skip,
}

/// A plugin's result: a code, human-readable reasons (verbatim upstream text)
/// and the plugin that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The verdict.
    pub code: Code,
    /// The reasons, as upstream words them (`Insufficient cpu`, ...).
    pub reasons: Vec<String>,
    /// The plugin that returned this status (`""` for success).
    pub plugin: &'static str,
}

impl Status {
    /// Success (upstream's `nil` status).
    pub const fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
            plugin: "",
        }
    }

    /// A status with one reason.
    pub fn new(code: Code, plugin: &'static str, reason: impl Into<String>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
            plugin,
        }
    }

    /// A status with several reasons.
    pub fn with_reasons(code: Code, plugin: &'static str, reasons: Vec<String>) -> Status {
        Status {
            code,
            reasons,
            plugin,
        }
    }

    /// A `Skip` status.
    pub const fn skip(plugin: &'static str) -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
            plugin,
        }
    }

    /// Whether the code is `Success`.
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    /// Whether the code is `Skip`.
    pub fn is_skip(&self) -> bool {
        self.code == Code::Skip
    }

    /// Whether the pod was rejected (`Unschedulable` or
    /// `UnschedulableAndUnresolvable`), as `Status.IsRejected`.
    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable
        )
    }

    /// The reasons joined by `", "` (`Status.Message`).
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}

// ---------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------

/// Resource amounts as the scheduler counts them (`framework.Resource`):
/// CPU in millicores, memory and ephemeral storage in bytes, the number of
/// pods, and every other ("scalar": extended, hugepages) resource in units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    /// CPU, millicores.
    pub milli_cpu: i64,
    /// Memory, bytes.
    pub memory: i64,
    /// Ephemeral storage, bytes.
    pub ephemeral_storage: i64,
    /// The `pods` resource (only meaningful for allocatable).
    pub allowed_pod_number: i64,
    /// Extended and other scalar resources (`nvidia.com/gpu`, `hugepages-2Mi`).
    pub scalar: BTreeMap<String, i64>,
}

impl Resource {
    /// Converts a map of milli-quantities to scheduler units (CPU as
    /// `MilliValue`, everything else as `Value`, rounded up).
    fn from_milli(list: &BTreeMap<String, i128>) -> Resource {
        let mut r = Resource::default();
        for (name, &m) in list {
            let v = Milli(m).value() as i64;
            match name.as_str() {
                "cpu" => r.milli_cpu = m as i64,
                "memory" => r.memory = v,
                "ephemeral-storage" => r.ephemeral_storage = v,
                "pods" => r.allowed_pod_number = v,
                n if is_scalar_resource_name(n) => {
                    r.scalar.insert(name.clone(), v);
                }
                _ => {}
            }
        }
        r
    }

    /// Parses a `ResourceList` (e.g. a node's `status.allocatable`).
    pub fn from_list<'a, I>(list: I) -> Resource
    where
        I: IntoIterator<Item = (&'a String, &'a Quantity)>,
    {
        let mut m = BTreeMap::new();
        for (k, q) in list {
            m.insert(k.clone(), quantity::parse(&q.0).map(|x| x.0).unwrap_or(0));
        }
        Resource::from_milli(&m)
    }

    fn add_signed(&mut self, other: &Resource, sign: i64) {
        self.milli_cpu += sign * other.milli_cpu;
        self.memory += sign * other.memory;
        self.ephemeral_storage += sign * other.ephemeral_storage;
        for (k, v) in &other.scalar {
            let e = self.scalar.entry(k.clone()).or_insert(0);
            *e += sign * v;
            if *e == 0 {
                self.scalar.remove(k);
            }
        }
    }

    /// A scalar resource's amount (0 if absent).
    pub fn scalar(&self, name: &str) -> i64 {
        self.scalar.get(name).copied().unwrap_or(0)
    }
}

/// `schedutil.IsScalarResourceName`: extended (`example.com/foo`) and
/// prefixed native (`kubernetes.io/...`) resources, hugepages and attachable
/// volumes. Other names are not counted by the scheduler.
pub fn is_scalar_resource_name(name: &str) -> bool {
    (name.contains('/') && !name.starts_with("requests."))
        || name.starts_with("hugepages-")
        || name.starts_with("attachable-volumes-")
}

/// What one pod asks for, computed once per pod: its effective requests as
/// `resource.PodRequests` computes them (sum of containers, max with each
/// init container — sidecars (`restartPolicy: Always`) accumulate — plus
/// `spec.overhead`), and the "non-zero" CPU and memory used for scoring
/// (containers without a request count 100m / 200Mi).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodResources {
    /// Effective requests.
    pub requests: Resource,
    /// CPU with the per-container default for missing requests.
    pub non0_milli_cpu: i64,
    /// Memory with the per-container default for missing requests.
    pub non0_memory: i64,
}

type MilliList = BTreeMap<String, i128>;

fn add_list(into: &mut MilliList, from: &MilliList) {
    for (k, v) in from {
        *into.entry(k.clone()).or_insert(0) += v;
    }
}

fn max_list(into: &mut MilliList, from: &MilliList) {
    for (k, v) in from {
        let e = into.entry(k.clone()).or_insert(*v);
        if *v > *e {
            *e = *v;
        }
    }
}

fn container_requests(c: &Container, non_missing: bool) -> MilliList {
    let mut out = MilliList::new();
    if let Some(reqs) = c.resources.as_ref().and_then(|r| r.requests.as_ref()) {
        for (k, q) in reqs {
            out.insert(k.clone(), quantity::parse(&q.0).map(|m| m.0).unwrap_or(0));
        }
    }
    if non_missing {
        // applyNonMissing (k8s.io/component-helpers/resource/helpers.go):
        // only a *missing* request is replaced; an explicit 0 stays 0.
        out.entry("cpu".to_string())
            .or_insert(i128::from(DEFAULT_MILLI_CPU_REQUEST));
        out.entry("memory".to_string())
            .or_insert(i128::from(DEFAULT_MEMORY_REQUEST) * 1000);
    }
    out
}

/// `resource.PodRequests` (k8s.io/component-helpers/resource/helpers.go, v1.32)
/// in milli-units; `non_missing` applies the scheduler's defaults for missing
/// CPU/memory container requests.
fn pod_request_list(pod: &Pod, non_missing: bool) -> MilliList {
    let mut reqs = MilliList::new();
    let Some(spec) = pod.spec.as_ref() else {
        return reqs;
    };
    for c in &spec.containers {
        add_list(&mut reqs, &container_requests(c, non_missing));
    }
    let mut restartable = MilliList::new();
    let mut init = MilliList::new();
    for c in spec.init_containers.iter().flatten() {
        let mut c_reqs = container_requests(c, non_missing);
        if c.restart_policy.as_deref() == Some("Always") {
            // Sidecars run alongside the app containers: they add to the sum
            // and to every later init container.
            add_list(&mut reqs, &c_reqs);
            add_list(&mut restartable, &c_reqs);
            c_reqs = restartable.clone();
        } else {
            add_list(&mut c_reqs, &restartable);
        }
        max_list(&mut init, &c_reqs);
    }
    max_list(&mut reqs, &init);
    if let Some(overhead) = spec.overhead.as_ref() {
        for (k, q) in overhead {
            *reqs.entry(k.clone()).or_insert(0) += quantity::parse(&q.0).map(|m| m.0).unwrap_or(0);
        }
    }
    reqs
}

impl PodResources {
    /// Computes a pod's requests (`PodInfo.calculateResource`).
    pub fn of(pod: &Pod) -> PodResources {
        let requests = Resource::from_milli(&pod_request_list(pod, false));
        let non0 = pod_request_list(pod, true);
        let non0_milli_cpu = non0.get("cpu").copied().unwrap_or(0) as i64;
        let non0_memory = Milli(non0.get("memory").copied().unwrap_or(0)).value() as i64;
        PodResources {
            requests,
            non0_milli_cpu,
            non0_memory,
        }
    }
}

// ---------------------------------------------------------------------------
// NodeInfo
// ---------------------------------------------------------------------------

/// A host port in use on a node: (host IP, protocol, port).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    /// The host IP (`0.0.0.0` when unset).
    pub ip: String,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// The port number.
    pub port: i32,
}

/// The host ports a pod asks for (`schedutil.GetHostPorts`): every
/// container port with `hostPort > 0`.
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let mut out = Vec::new();
    if let Some(spec) = pod.spec.as_ref() {
        for c in &spec.containers {
            for p in c.ports.iter().flatten() {
                let port = p.host_port.unwrap_or(0);
                if port <= 0 {
                    continue;
                }
                let ip = match p.host_ip.as_deref() {
                    None | Some("") => "0.0.0.0".to_string(),
                    Some(ip) => ip.to_string(),
                };
                // HostPortInfo.sanitize: an empty protocol is TCP.
                let protocol = match p.protocol.as_deref() {
                    None | Some("") => "TCP".to_string(),
                    Some(proto) => proto.to_string(),
                };
                out.push(HostPort { ip, protocol, port });
            }
        }
    }
    out
}

/// What a `NodeInfo` keeps of each pod: enough to subtract it again, for
/// the preemption dry run and for the plugins that look at other pods
/// (InterPodAffinity, PodTopologySpread), never the Pod itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodEntry {
    /// The pod's requests.
    pub resources: PodResources,
    /// Host ports it holds.
    pub host_ports: Vec<HostPort>,
    /// `spec.priority` (0 when unset).
    pub priority: i32,
    /// Namespace and labels, shared with pods that have the same ones.
    pub labels: Arc<PodLabels>,
    /// Parsed pod affinity / anti-affinity terms, if the pod has any.
    pub affinity: Option<Arc<plugins::inter_pod_affinity::PodAffinityTerms>>,
    /// Whether the pod is terminating (`deletionTimestamp` set).
    pub terminating: bool,
    /// The pod's UID (the `Preempted` event names it).
    pub uid: Arc<str>,
    /// `status.startTime` in ms since the epoch, if the kubelet has set it
    /// (preemption's `MoreImportantPod` and latest-start-time criterion).
    pub start_time: Option<i64>,
}

impl PodEntry {
    /// Computes the entry of `pod`, reusing `labels` when given.
    pub fn of(pod: &Pod, labels: Option<Arc<PodLabels>>) -> PodEntry {
        PodEntry {
            resources: PodResources::of(pod),
            host_ports: host_ports(pod),
            priority: pod_priority(pod),
            labels: labels.unwrap_or_else(|| Arc::new(PodLabels::of(pod))),
            affinity: plugins::inter_pod_affinity::PodAffinityTerms::of(pod).map(Arc::new),
            terminating: pod.metadata.deletion_timestamp.is_some(),
            uid: Arc::from(pod.metadata.uid.as_deref().unwrap_or("")),
            start_time: pod_start_time(pod),
        }
    }
}

/// `status.startTime` of `pod` in ms since the epoch.
pub fn pod_start_time(pod: &Pod) -> Option<i64> {
    let t = pod.status.as_ref()?.start_time.as_ref()?;
    Some(t.0.timestamp_millis())
}

/// A pod's namespace and labels: what label selectors and affinity terms
/// look at. Pods with equal ones (the replicas of one template) share one
/// `Arc` when the caller interns them, so per-attempt matching is done once
/// per group (see [`GroupMemo`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct PodLabels {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
}

impl PodLabels {
    /// The namespace and labels of `pod`.
    pub fn of(pod: &Pod) -> PodLabels {
        PodLabels {
            namespace: pod
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".to_string()),
            labels: pod.metadata.labels.clone().unwrap_or_default(),
        }
    }
}

/// How many pods of one label group a node has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupCount {
    /// All pods of the group on the node.
    pub all: u32,
    /// Those terminating.
    pub terminating: u32,
}

/// Labels of namespaces by name (for `namespaceSelector`).
pub type NamespaceLabels = BTreeMap<String, BTreeMap<String, String>>;

/// A per-attempt cache of "does this label group match": keyed by the
/// group's `Arc` address, so a selector is evaluated once per group rather
/// than once per pod. Only the cache hit rate depends on the address, never
/// the result. It is asked once per label group per node, so it is a small
/// open-addressing table (a tree lookup per group cost more than the rest of
/// the score).
#[derive(Clone, Debug, Default)]
pub struct GroupMemo {
    /// `(address, answer)`; address 0 is an empty slot. The length is zero
    /// or a power of two, at most half full.
    slots: Vec<(usize, bool)>,
    len: usize,
}

impl GroupMemo {
    /// The cached answer for `group`, computing it with `f` the first time.
    pub fn get(&mut self, group: &Arc<PodLabels>, f: impl FnOnce(&PodLabels) -> bool) -> bool {
        let k = Arc::as_ptr(group) as usize;
        if let Some(v) = self.find(k) {
            return v;
        }
        let v = f(group);
        self.insert(k, v);
        v
    }

    fn slot(&self, k: usize) -> usize {
        // Fibonacci hashing of the address (allocations are 8-aligned).
        let h = (k >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as usize);
        h >> (usize::BITS - self.slots.len().trailing_zeros())
    }

    fn find(&self, k: usize) -> Option<bool> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        loop {
            match self.slots[i] {
                (0, _) => return None,
                (a, v) if a == k => return Some(v),
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn insert(&mut self, k: usize, v: bool) {
        if (self.len + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![(0, false); size]);
            self.len = 0;
            for (a, v) in old {
                if a != 0 {
                    self.insert(a, v);
                }
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        while self.slots[i].0 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (k, v);
        self.len += 1;
    }
}

/// The key a pod is tracked by on its node: `namespace/name`.
pub fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

/// A pod's priority (`corev1helpers.PodPriority`): `spec.priority` or 0.
pub fn pod_priority(pod: &Pod) -> i32 {
    pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0)
}

/// Node-level aggregated information (`framework.NodeInfo`): what the
/// plugins read of a node plus the totals of the pods assigned to it (bound
/// or assumed). Keep one per node and update it incrementally.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    name: Arc<str>,
    labels: BTreeMap<String, String>,
    /// `kubernetes.io/hostname` and `topology.kubernetes.io/zone`, looked up
    /// once per node update instead of once per node per scheduling cycle.
    hostname: Option<String>,
    zone: Option<String>,
    taints: Vec<Taint>,
    unschedulable: bool,
    allocatable: Resource,
    requested: Resource,
    non0_milli_cpu: i64,
    non0_memory: i64,
    pods: BTreeMap<String, PodEntry>,
    used_ports: BTreeMap<HostPort, u32>,
    label_groups: Vec<(Arc<PodLabels>, GroupCount)>,
    pods_with_affinity: u32,
    pods_with_required_anti_affinity: u32,
    images: BTreeMap<String, i64>,
}

impl NodeInfo {
    /// A NodeInfo for `node` with no pods.
    pub fn new(node: &Node) -> NodeInfo {
        let mut n = NodeInfo {
            name: Arc::from(""),
            labels: BTreeMap::new(),
            hostname: None,
            zone: None,
            taints: Vec::new(),
            unschedulable: false,
            allocatable: Resource::default(),
            requested: Resource::default(),
            non0_milli_cpu: 0,
            non0_memory: 0,
            pods: BTreeMap::new(),
            used_ports: BTreeMap::new(),
            label_groups: Vec::new(),
            pods_with_affinity: 0,
            pods_with_required_anti_affinity: 0,
            images: BTreeMap::new(),
        };
        n.set_node(node);
        n
    }

    /// A NodeInfo for `node` with `pods` assigned.
    pub fn with_pods<'a>(node: &Node, pods: impl IntoIterator<Item = &'a Pod>) -> NodeInfo {
        let mut n = NodeInfo::new(node);
        for p in pods {
            n.add_pod(p);
        }
        n
    }

    /// Refreshes the node part (labels, taints, unschedulable, allocatable),
    /// keeping the pods (`NodeInfo.SetNode`). `status.allocatable` falls back
    /// to `status.capacity` as the API server's defaulting does.
    pub fn set_node(&mut self, node: &Node) {
        let name = node.metadata.name.as_deref().unwrap_or("");
        if &*self.name != name {
            self.name = Arc::from(name);
        }
        self.labels = node.metadata.labels.clone().unwrap_or_default();
        self.hostname = self.labels.get(LABEL_HOSTNAME).cloned();
        self.zone = self.labels.get(LABEL_TOPOLOGY_ZONE).cloned();
        let spec = node.spec.as_ref();
        self.taints = spec.and_then(|s| s.taints.clone()).unwrap_or_default();
        self.unschedulable = spec.and_then(|s| s.unschedulable).unwrap_or(false);
        let status = node.status.as_ref();
        let alloc = status
            .and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()))
            .map(Resource::from_list)
            .unwrap_or_default();
        self.allocatable = alloc;
        // ImageStates: every name of every image, with its size.
        self.images.clear();
        for img in status.and_then(|s| s.images.as_ref()).into_iter().flatten() {
            for name in img.names.iter().flatten() {
                self.images
                    .insert(name.clone(), img.size_bytes.unwrap_or(0));
            }
        }
    }

    /// Adds (or replaces) a pod assigned to this node (`NodeInfo.AddPod`).
    pub fn add_pod(&mut self, pod: &Pod) {
        let key = pod_key(pod);
        self.remove_pod_key(&key);
        self.add_entry(key, PodEntry::of(pod, None));
    }

    /// Adds a precomputed entry.
    pub fn add_entry(&mut self, key: String, entry: PodEntry) {
        self.update(&entry, 1);
        self.pods.insert(key, entry);
    }

    /// Removes a pod (`NodeInfo.RemovePod`); false if it was not there.
    pub fn remove_pod(&mut self, pod: &Pod) -> bool {
        self.remove_pod_key(&pod_key(pod)).is_some()
    }

    /// Removes a pod by its `namespace/name` key.
    pub fn remove_pod_key(&mut self, key: &str) -> Option<PodEntry> {
        let entry = self.pods.remove(key)?;
        self.update(&entry, -1);
        Some(entry)
    }

    fn update(&mut self, e: &PodEntry, sign: i64) {
        let pos = self
            .label_groups
            .iter()
            .position(|(g, _)| Arc::ptr_eq(g, &e.labels) || **g == *e.labels);
        match (pos, sign > 0) {
            (Some(i), true) => {
                self.label_groups[i].1.all += 1;
                self.label_groups[i].1.terminating += u32::from(e.terminating);
            }
            (None, true) => self.label_groups.push((
                e.labels.clone(),
                GroupCount {
                    all: 1,
                    terminating: u32::from(e.terminating),
                },
            )),
            (Some(i), false) => {
                let c = &mut self.label_groups[i].1;
                c.all -= 1;
                c.terminating -= u32::from(e.terminating);
                if c.all == 0 {
                    self.label_groups.swap_remove(i);
                }
            }
            (None, false) => {}
        }
        if let Some(a) = e.affinity.as_ref() {
            let one = u32::from(a.has_required_anti_affinity());
            if sign > 0 {
                self.pods_with_affinity += 1;
                self.pods_with_required_anti_affinity += one;
            } else {
                self.pods_with_affinity -= 1;
                self.pods_with_required_anti_affinity -= one;
            }
        }
        self.requested.add_signed(&e.resources.requests, sign);
        self.non0_milli_cpu += sign * e.resources.non0_milli_cpu;
        self.non0_memory += sign * e.resources.non0_memory;
        for hp in &e.host_ports {
            if sign > 0 {
                *self.used_ports.entry(hp.clone()).or_insert(0) += 1;
            } else if let Some(c) = self.used_ports.get_mut(hp) {
                *c -= 1;
                if *c == 0 {
                    self.used_ports.remove(hp);
                }
            }
        }
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The node's name, shared.
    pub fn name_arc(&self) -> &Arc<str> {
        &self.name
    }

    /// The node's labels.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// The `kubernetes.io/hostname` label.
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The `topology.kubernetes.io/zone` label.
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// The node's taints (`spec.taints`).
    pub fn taints(&self) -> &[Taint] {
        &self.taints
    }

    /// `spec.unschedulable` (cordoned).
    pub fn unschedulable(&self) -> bool {
        self.unschedulable
    }

    /// Allocatable resources.
    pub fn allocatable(&self) -> &Resource {
        &self.allocatable
    }

    /// Sum of the requests of the pods on the node.
    pub fn requested(&self) -> &Resource {
        &self.requested
    }

    /// Requested CPU and memory counting 100m / 200Mi for containers without
    /// requests (`NonZeroRequested`).
    pub fn non_zero_requested(&self) -> (i64, i64) {
        (self.non0_milli_cpu, self.non0_memory)
    }

    /// Number of pods on the node.
    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }

    /// The pods on the node, by `namespace/name`.
    pub fn pods(&self) -> &BTreeMap<String, PodEntry> {
        &self.pods
    }

    /// Host ports in use, with how many pods use each.
    pub fn used_ports(&self) -> &BTreeMap<HostPort, u32> {
        &self.used_ports
    }

    /// The node's pods grouped by namespace and labels.
    pub fn label_groups(&self) -> impl Iterator<Item = (&Arc<PodLabels>, GroupCount)> + '_ {
        self.label_groups.iter().map(|(g, c)| (g, *c))
    }

    /// Pods with pod affinity or anti-affinity terms (`PodsWithAffinity`).
    pub fn pods_with_affinity(&self) -> impl Iterator<Item = (&String, &PodEntry)> + '_ {
        let any = self.pods_with_affinity > 0;
        self.pods
            .iter()
            .filter(move |(_, e)| any && e.affinity.is_some())
    }

    /// How many pods have pod affinity or anti-affinity terms.
    pub fn pods_with_affinity_count(&self) -> u32 {
        self.pods_with_affinity
    }

    /// How many pods have required anti-affinity terms
    /// (`PodsWithRequiredAntiAffinity`).
    pub fn pods_with_required_anti_affinity(&self) -> u32 {
        self.pods_with_required_anti_affinity
    }

    /// Images on the node by every name, with their size in bytes
    /// (`ImageStates`, from `status.images`).
    pub fn images(&self) -> &BTreeMap<String, i64> {
        &self.images
    }
}

// ---------------------------------------------------------------------------
// Extension points
// ---------------------------------------------------------------------------

/// Per-attempt state the plugins compute once and read per node
/// (upstream's `CycleState`, with one typed slot per plugin that needs one).
#[derive(Clone, Debug, Default)]
pub struct CycleState {
    /// NodeResourcesFit PreFilter: the pod's requests.
    pub pod_resources: PodResources,
    /// NodeResourcesFit PreScore: (cpu, memory) requests with the non-zero
    /// defaults, as the LeastAllocated scorer counts them.
    pub fit_score_requests: [i64; 2],
    /// NodeResourcesBalancedAllocation PreScore: (cpu, memory) requests.
    pub balanced_score_requests: [i64; 2],
    /// Filter plugins whose PreFilter returned Skip.
    pub skip_filter_plugins: BTreeSet<&'static str>,
    /// Score plugins whose PreScore returned Skip.
    pub skip_score_plugins: BTreeSet<&'static str>,
    /// Namespace labels (InterPodAffinity's `namespaceSelector`).
    pub namespace_labels: Arc<NamespaceLabels>,
    /// The system-default spreading selector of the pod (see
    /// [`SchedulerState::default_spread_selector`]).
    pub default_spread_selector: Option<Arc<Selector>>,
    /// On how many nodes each image is (ImageLocality's spread).
    pub image_num_nodes: Arc<BTreeMap<String, usize>>,
    /// The number of nodes in the snapshot.
    pub num_all_nodes: usize,
    /// ImageLocality: per container, the names its image may be reported
    /// under (computed once per attempt).
    pub image_names: Vec<Vec<String>>,
    /// The PodDisruptionBudgets DefaultPreemption honours (kept by the
    /// caller from watch events, as upstream's PDB lister).
    pub pdbs: Arc<plugins::default_preemption::Pdbs>,
    /// InterPodAffinity PreFilter state.
    pub inter_pod_affinity: Option<Box<plugins::inter_pod_affinity::PreFilterState>>,
    /// InterPodAffinity PreScore state.
    pub inter_pod_affinity_score: Option<Box<plugins::inter_pod_affinity::PreScoreState>>,
    /// PodTopologySpread PreFilter state.
    pub pod_topology_spread: Option<Box<plugins::pod_topology_spread::PreFilterState>>,
    /// PodTopologySpread PreScore state.
    pub pod_topology_spread_score: Option<Box<plugins::pod_topology_spread::PreScoreState>>,
}

/// Node names a PreFilter plugin restricts the attempt to
/// (`framework.PreFilterResult`); `None` means all nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreFilterResult {
    /// The allowed node names.
    pub node_names: Option<BTreeSet<String>>,
}

impl PreFilterResult {
    /// Whether every node is allowed.
    pub fn all_nodes(&self) -> bool {
        self.node_names.is_none()
    }

    /// The intersection of two results (`PreFilterResult.Merge`).
    pub fn merge(self, other: PreFilterResult) -> PreFilterResult {
        match (self.node_names, other.node_names) {
            (None, o) => PreFilterResult { node_names: o },
            (s, None) => PreFilterResult { node_names: s },
            (Some(a), Some(b)) => PreFilterResult {
                node_names: Some(a.intersection(&b).cloned().collect()),
            },
        }
    }
}

/// Every plugin has the name upstream gives it.
pub trait Plugin {
    /// The upstream plugin name (`NodeResourcesFit`, ...).
    fn name(&self) -> &'static str;
}

/// The PreFilter extension point.
pub trait PreFilterPlugin: Plugin {
    /// Precomputes per-pod state; may restrict the nodes, reject the pod, or
    /// return Skip (then this plugin's Filter is not run).
    fn pre_filter(&self, state: &mut CycleState, pod: &Pod) -> (Option<PreFilterResult>, Status);
    /// PreFilter with the node snapshot, for plugins that count pods across
    /// nodes (InterPodAffinity, PodTopologySpread); defaults to
    /// [`PreFilterPlugin::pre_filter`].
    fn pre_filter_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        _nodes: &[NodeInfo],
    ) -> (Option<PreFilterResult>, Status) {
        self.pre_filter(state, pod)
    }
}

/// The Filter extension point.
pub trait FilterPlugin: Plugin {
    /// Whether the pod fits `node`.
    fn filter(&self, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status;
}

/// Where the PostFilter step found room (preemption's nominated node).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostFilterResult {
    /// The node the pod is nominated to (`status.nominatedNodeName`).
    pub nominated_node_name: String,
    /// The `namespace/name` keys of the pods to evict from it.
    pub victims: Vec<String>,
}

/// The PostFilter extension point (runs when no node fits).
pub trait PostFilterPlugin: Plugin {
    /// Tries to make the pod schedulable later (preemption).
    fn post_filter(
        &self,
        profile: &Profile,
        state: &CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
        diagnosis: &Diagnosis,
    ) -> (Option<PostFilterResult>, Status);
}

/// The NormalizeScore extension point (`ScoreExtensions`).
pub trait NormalizeScorePlugin: Plugin {
    /// Rescales the raw scores of the feasible nodes to `0..=MAX_NODE_SCORE`.
    fn normalize_score(&self, state: &CycleState, pod: &Pod, scores: &mut [i64]);
}

/// The PreScore and Score extension points.
pub trait ScorePlugin: Plugin {
    /// Precomputes per-pod state; Skip means this plugin does not score.
    fn pre_score(&self, _state: &mut CycleState, _pod: &Pod) -> Status {
        Status::success()
    }
    /// PreScore with all nodes and the feasible ones (indices into
    /// `nodes`); defaults to [`ScorePlugin::pre_score`].
    fn pre_score_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        _nodes: &[NodeInfo],
        _feasible: &[usize],
    ) -> Status {
        self.pre_score(state, pod)
    }
    /// The raw score of `node`.
    fn score(&self, state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64;
    /// The raw score of `nodes[index]`, the `k`th feasible node: what the
    /// framework calls, so a plugin may keep PreScore data by position.
    /// Defaults to [`ScorePlugin::score`].
    fn score_feasible(
        &self,
        state: &CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
        index: usize,
        _k: usize,
    ) -> i64 {
        self.score(state, pod, &nodes[index])
    }
    /// The normalizer, if the plugin has one.
    fn score_extensions(&self) -> Option<&dyn NormalizeScorePlugin> {
        None
    }
}

/// A scheduling profile: the plugins enabled at each extension point, in
/// order, and the score weights.
#[derive(Clone)]
pub struct Profile {
    /// `schedulerName` this profile serves.
    pub scheduler_name: String,
    /// PreFilter plugins.
    pub pre_filter: Vec<&'static dyn PreFilterPlugin>,
    /// Filter plugins.
    pub filter: Vec<&'static dyn FilterPlugin>,
    /// PostFilter plugins.
    pub post_filter: Vec<&'static dyn PostFilterPlugin>,
    /// Score plugins with their weights.
    pub score: Vec<(&'static dyn ScorePlugin, i64)>,
    /// The profile's `percentageOfNodesToScore` (`None`: use the global one).
    pub percentage_of_nodes_to_score: Option<u32>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("scheduler_name", &self.scheduler_name)
            .field(
                "pre_filter",
                &self.pre_filter.iter().map(|p| p.name()).collect::<Vec<_>>(),
            )
            .field(
                "filter",
                &self.filter.iter().map(|p| p.name()).collect::<Vec<_>>(),
            )
            .field(
                "post_filter",
                &self
                    .post_filter
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>(),
            )
            .field(
                "score",
                &self
                    .score
                    .iter()
                    .map(|(p, w)| (p.name(), *w))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for Profile {
    /// The `default-scheduler` profile of v1.32 (pkg/scheduler/apis/config/v1/
    /// default_plugins.go), restricted to the plugins implemented here, in
    /// upstream order: NodeUnschedulable, NodeName, TaintToleration (weight 3),
    /// NodeAffinity (2), NodePorts, NodeResourcesFit (1), PodTopologySpread
    /// (2), InterPodAffinity (2), DefaultPreemption,
    /// NodeResourcesBalancedAllocation (1), ImageLocality (1). The volume
    /// plugins (VolumeRestrictions, NodeVolumeLimits, VolumeBinding,
    /// VolumeZone) are not modelled.
    fn default() -> Profile {
        use plugins::*;
        Profile {
            scheduler_name: "default-scheduler".to_string(),
            pre_filter: vec![
                &NodeAffinity,
                &NodePorts,
                &NodeResourcesFit,
                &PodTopologySpread,
                &InterPodAffinity,
            ],
            filter: vec![
                &NodeUnschedulable,
                &NodeName,
                &TaintToleration,
                &NodeAffinity,
                &NodePorts,
                &NodeResourcesFit,
                &PodTopologySpread,
                &InterPodAffinity,
            ],
            post_filter: vec![&DefaultPreemption],
            score: vec![
                (&TaintToleration, 3),
                (&NodeAffinity, 2),
                (&NodeResourcesFit, 1),
                (&PodTopologySpread, 2),
                (&InterPodAffinity, 2),
                (&NodeResourcesBalancedAllocation, 1),
                (&ImageLocality, 1),
            ],
            percentage_of_nodes_to_score: None,
        }
    }
}

/// What the scheduler keeps between attempts.
#[derive(Clone, Debug, Default)]
pub struct SchedulerState {
    /// Where the next attempt starts searching (`nextStartNodeIndex`).
    pub next_start_node_index: usize,
    /// The global `percentageOfNodesToScore` (0: adaptive, the default).
    pub percentage_of_nodes_to_score: u32,
    /// The profile.
    pub profile: Profile,
    /// Labels of every namespace (kept by the caller from watch events).
    pub namespace_labels: Arc<NamespaceLabels>,
    /// On how many nodes each image is (kept by the caller).
    pub image_num_nodes: Arc<BTreeMap<String, usize>>,
    /// Input for the next attempt: the selector PodTopologySpread's system
    /// default constraints use (`helper.DefaultSelector`: the selectors of
    /// the Services, ReplicationControllers, ReplicaSets and StatefulSets
    /// selecting the pod, ANDed). The caller computes it from the API.
    pub default_spread_selector: Option<Arc<Selector>>,
    /// Every PodDisruptionBudget, by `namespace/name` (kept by the caller
    /// from watch events).
    pub pdbs: Arc<plugins::default_preemption::Pdbs>,
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// The filter verdict for one rejected node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStatus {
    /// The node's index in the slice passed to [`schedule_one`].
    pub index: usize,
    /// The node's name.
    pub node: Arc<str>,
    /// The first failing plugin's status.
    pub status: Status,
}

/// The scores of one feasible node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeScore {
    /// The node's index in the slice passed to [`schedule_one`].
    pub index: usize,
    /// The node's name.
    pub node: Arc<str>,
    /// Sum of weighted normalized scores.
    pub total: i64,
}

/// Why the pod went where it went, or nowhere (`framework.Diagnosis` plus
/// the scores, for the UI's "why here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// Rejected nodes in the order they were evaluated (`NodeToStatus`'s
    /// explicit entries).
    pub node_to_status: Vec<NodeStatus>,
    /// The status of nodes not evaluated because a PreFilter plugin ruled
    /// them out (`NodeToStatus.AbsentNodesStatus`).
    pub absent_nodes_status: Status,
    /// Plugins that rejected the pod on some node.
    pub unschedulable_plugins: BTreeSet<&'static str>,
    /// The message of a PreFilter rejection.
    pub pre_filter_msg: String,
    /// The PostFilter (preemption) message.
    pub post_filter_msg: String,
    /// Score plugins that ran, with their weights (skipped ones excluded).
    pub score_plugins: Vec<(&'static str, i64)>,
    /// Feasible nodes with their totals (empty when only one node fit:
    /// upstream does not score then).
    pub scores: Vec<NodeScore>,
    /// Normalized (unweighted) per-plugin scores, row-major:
    /// `plugin_scores[i * score_plugins.len() + j]` for `scores[i]`.
    pub plugin_scores: Vec<i64>,
    /// Raw per-plugin scores (before NormalizeScore), laid out as
    /// `plugin_scores`.
    pub raw_plugin_scores: Vec<i64>,
    /// The Filter plugins that ran, in order (PreFilter Skips excluded).
    pub filter_plugins: Vec<&'static str>,
}

impl Default for Diagnosis {
    fn default() -> Diagnosis {
        Diagnosis {
            node_to_status: Vec::new(),
            // NewDefaultNodeToStatus: absent nodes are
            // UnschedulableAndUnresolvable without reasons.
            absent_nodes_status: Status::with_reasons(
                Code::UnschedulableAndUnresolvable,
                "",
                Vec::new(),
            ),
            unschedulable_plugins: BTreeSet::new(),
            pre_filter_msg: String::new(),
            post_filter_msg: String::new(),
            score_plugins: Vec::new(),
            scores: Vec::new(),
            plugin_scores: Vec::new(),
            raw_plugin_scores: Vec::new(),
            filter_plugins: Vec::new(),
        }
    }
}

impl Diagnosis {
    /// `(plugin, raw score, normalized score, weight)` of `scores[i]`.
    pub fn node_plugin_raw_scores(
        &self,
        i: usize,
    ) -> impl Iterator<Item = (&'static str, i64, i64, i64)> + '_ {
        let n = self.score_plugins.len();
        self.score_plugins
            .iter()
            .enumerate()
            .map(move |(j, (name, w))| {
                let raw = self.raw_plugin_scores.get(i * n + j).copied().unwrap_or(0);
                (*name, raw, self.plugin_scores[i * n + j], *w)
            })
    }

    /// `(plugin, normalized score, weighted score)` of `scores[i]`.
    pub fn node_plugin_scores(
        &self,
        i: usize,
    ) -> impl Iterator<Item = (&'static str, i64, i64)> + '_ {
        let n = self.score_plugins.len();
        self.score_plugins
            .iter()
            .enumerate()
            .map(move |(j, (name, w))| {
                let s = self.plugin_scores[i * n + j];
                (*name, s, s * w)
            })
    }

    /// The status recorded for node `name`, if it was rejected.
    pub fn status_of(&self, name: &str) -> Option<&Status> {
        self.node_to_status
            .iter()
            .find(|s| &*s.node == name)
            .map(|s| &s.status)
    }

    fn add_plugin_status(&mut self, s: &Status) {
        if s.is_rejected() && !s.plugin.is_empty() {
            self.unschedulable_plugins.insert(s.plugin);
        }
    }
}

/// A successful attempt (`ScheduleResult`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleResult {
    /// The chosen node.
    pub node_name: String,
    /// Its index in the slice passed to [`schedule_one`].
    pub node_index: usize,
    /// How many nodes were evaluated (feasible + rejected).
    pub evaluated_nodes: usize,
    /// How many were feasible.
    pub feasible_nodes: usize,
    /// Per-node verdicts and scores.
    pub diagnosis: Diagnosis,
}

/// No node fits (`framework.FitError`). `Display` is the `FailedScheduling`
/// event message, word for word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FitError {
    /// Number of nodes in the snapshot. 0 means upstream's
    /// `ErrNoNodesAvailable` ("no nodes available to schedule pods").
    pub num_all_nodes: usize,
    /// Why.
    pub diagnosis: Diagnosis,
    /// What preemption found, if it found room (the caller evicts the
    /// victims and sets `status.nominatedNodeName`).
    pub post_filter_result: Option<PostFilterResult>,
}

impl FitError {
    /// Whether this is upstream's `ErrNoNodesAvailable` rather than a fit error.
    pub fn is_no_nodes_available(&self) -> bool {
        self.num_all_nodes == 0
    }
}

/// `FitError.Error()` (pkg/scheduler/framework/types.go, v1.32): `0/N nodes
/// are available:` then the PreFilter message, or else the histogram of
/// reasons over nodes (`"<count> <reason>"`, sorted as strings, joined by
/// `", "`, absent nodes counted with the absent status' reasons), each
/// followed by `.`; then the PostFilter message after a space.
pub fn fit_error_message(num_all_nodes: usize, d: &Diagnosis) -> String {
    let mut msg = format!("0/{num_all_nodes} nodes are available:");
    if !d.pre_filter_msg.is_empty() {
        msg.push_str(&format!(" {}.", d.pre_filter_msg));
    } else {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &d.node_to_status {
            for r in &s.status.reasons {
                *counts.entry(r.as_str()).or_insert(0) += 1;
            }
        }
        if d.node_to_status.len() < num_all_nodes {
            let absent = num_all_nodes - d.node_to_status.len();
            for r in &d.absent_nodes_status.reasons {
                *counts.entry(r.as_str()).or_insert(0) += absent;
            }
        }
        let mut parts: Vec<String> = counts.iter().map(|(r, c)| format!("{c} {r}")).collect();
        parts.sort();
        if !parts.is_empty() {
            msg.push_str(&format!(" {}.", parts.join(", ")));
        }
    }
    if !d.post_filter_msg.is_empty() {
        msg.push(' ');
        msg.push_str(&d.post_filter_msg);
    }
    msg
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.num_all_nodes == 0 {
            return f.write_str(NO_NODES_AVAILABLE_MSG);
        }
        f.write_str(&fit_error_message(self.num_all_nodes, &self.diagnosis))
    }
}

impl std::error::Error for FitError {}

// ---------------------------------------------------------------------------
// The scheduling cycle
// ---------------------------------------------------------------------------

/// `numFeasibleNodesToFind` (schedule_one.go): every node below 100 nodes;
/// otherwise `percentage` of them (0: adaptive, `50 - nodes/125`, at least
/// 5%), but at least 100.
pub fn num_feasible_nodes_to_find(percentage: u32, num_all_nodes: usize) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let all = num_all_nodes as i64;
    let mut p = i64::from(percentage);
    if p == 0 {
        p = 50 - all / 125;
        if p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND {
            p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
        }
    }
    let n = (all * p / 100) as usize;
    n.clamp(MIN_FEASIBLE_NODES_TO_FIND, num_all_nodes)
}

/// Runs the PreFilter plugins (`RunPreFilterPlugins`): Skip disables the
/// plugin's Filter; UnschedulableAndUnresolvable stops at once; results
/// are intersected.
pub fn run_pre_filter_plugins(
    profile: &Profile,
    state: &mut CycleState,
    pod: &Pod,
    nodes: &[NodeInfo],
) -> (PreFilterResult, Vec<&'static str>, Status) {
    let mut result = PreFilterResult::default();
    let mut with_nodes: Vec<&'static str> = Vec::new();
    let mut ret = Status::success();
    for pl in &profile.pre_filter {
        let (r, mut s) = pl.pre_filter_nodes(state, pod, nodes);
        if s.is_skip() {
            state.skip_filter_plugins.insert(pl.name());
            continue;
        }
        if !s.is_success() {
            s.plugin = pl.name();
            if s.code == Code::Unschedulable {
                ret = s;
                continue;
            }
            return (PreFilterResult::default(), with_nodes, s);
        }
        let r = r.unwrap_or_default();
        if !r.all_nodes() {
            with_nodes.push(pl.name());
        }
        result = result.merge(r);
        if result.node_names.as_ref().is_some_and(|n| n.is_empty()) {
            let msg = if with_nodes.len() == 1 {
                format!("node(s) didn't satisfy plugin {}", with_nodes[0])
            } else {
                format!(
                    "node(s) didn't satisfy plugin(s) [{}] simultaneously",
                    with_nodes.join(" ")
                )
            };
            return (
                result,
                with_nodes,
                Status::new(Code::UnschedulableAndUnresolvable, "", msg),
            );
        }
    }
    (result, with_nodes, ret)
}

/// Runs the Filter plugins on one node (`RunFilterPlugins`): the first
/// rejection wins.
pub fn run_filter_plugins(
    profile: &Profile,
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Status {
    for pl in &profile.filter {
        if state.skip_filter_plugins.contains(pl.name()) {
            continue;
        }
        let mut s = pl.filter(state, pod, node);
        if !s.is_success() {
            s.plugin = pl.name();
            return s;
        }
    }
    Status::success()
}

/// Schedules one pod: PreFilter, Filter over a rotating sample of nodes,
/// PostFilter (preemption) on failure, PreScore/Score/NormalizeScore, and
/// `selectHost`. Ties between the best nodes are broken by reservoir
/// sampling with `rng`, as upstream's `selectHost` does.
pub fn schedule_one(
    pod: &Pod,
    nodes: &[NodeInfo],
    state: &mut SchedulerState,
    rng: &mut Rng,
) -> Result<ScheduleResult, FitError> {
    let mut diagnosis = Diagnosis::default();
    if nodes.is_empty() {
        return Err(FitError {
            num_all_nodes: 0,
            diagnosis,
            post_filter_result: None,
        });
    }
    let SchedulerState {
        next_start_node_index,
        percentage_of_nodes_to_score,
        profile,
        namespace_labels,
        image_num_nodes,
        default_spread_selector,
        pdbs,
    } = state;
    let percentage = profile
        .percentage_of_nodes_to_score
        .unwrap_or(*percentage_of_nodes_to_score);
    let mut cycle = CycleState {
        namespace_labels: namespace_labels.clone(),
        image_num_nodes: image_num_nodes.clone(),
        default_spread_selector: default_spread_selector.clone(),
        pdbs: pdbs.clone(),
        num_all_nodes: nodes.len(),
        ..CycleState::default()
    };
    let feasible = find_nodes_that_fit_pod(
        pod,
        nodes,
        profile,
        percentage,
        next_start_node_index,
        &mut cycle,
        &mut diagnosis,
    );

    if feasible.is_empty() {
        let mut result = None;
        for pl in &profile.post_filter {
            let (r, s) = pl.post_filter(profile, &cycle, pod, nodes, &diagnosis);
            diagnosis.post_filter_msg = s.message();
            if s.is_success() {
                result = r;
                break;
            }
            if s.code == Code::UnschedulableAndUnresolvable {
                break;
            }
        }
        return Err(FitError {
            num_all_nodes: nodes.len(),
            diagnosis,
            post_filter_result: result,
        });
    }

    let evaluated_nodes = feasible.len() + diagnosis.node_to_status.len();
    if feasible.len() == 1 {
        // "When only one node after predicate, just use it."
        return Ok(ScheduleResult {
            node_name: nodes[feasible[0]].name().to_string(),
            node_index: feasible[0],
            evaluated_nodes,
            feasible_nodes: 1,
            diagnosis,
        });
    }

    prioritize_nodes(pod, nodes, &feasible, profile, &mut cycle, &mut diagnosis);
    let best = select_host(&diagnosis.scores, rng);
    Ok(ScheduleResult {
        node_name: diagnosis.scores[best].node.to_string(),
        node_index: diagnosis.scores[best].index,
        evaluated_nodes,
        feasible_nodes: feasible.len(),
        diagnosis,
    })
}

/// `findNodesThatFitPod`: returns indices of feasible nodes.
fn find_nodes_that_fit_pod(
    pod: &Pod,
    nodes: &[NodeInfo],
    profile: &Profile,
    percentage: u32,
    next_start_node_index: &mut usize,
    cycle: &mut CycleState,
    diagnosis: &mut Diagnosis,
) -> Vec<usize> {
    let (pre_res, with_nodes, s) = run_pre_filter_plugins(profile, cycle, pod, nodes);
    if !s.is_success() {
        // All nodes get the PreFilter status; the message replaces the
        // per-node histogram in FitError.
        diagnosis.pre_filter_msg = s.message();
        diagnosis.add_plugin_status(&s);
        diagnosis.absent_nodes_status = s;
        return Vec::new();
    }

    // A nominated node (set by an earlier preemption) is tried first.
    if let Some(nominated) = pod
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.as_deref())
        .filter(|n| !n.is_empty())
    {
        if let Some(i) = nodes.iter().position(|n| n.name() == nominated) {
            let st = run_filter_plugins(profile, cycle, pod, &nodes[i]);
            if st.is_success() {
                return vec![i];
            }
        }
    }

    let subset: Vec<usize> = match &pre_res.node_names {
        None => (0..nodes.len()).collect(),
        Some(names) => {
            diagnosis.absent_nodes_status = Status::new(
                Code::UnschedulableAndUnresolvable,
                "",
                format!("node(s) didn't satisfy plugin(s) [{}]", {
                    // `sets.List`: sorted.
                    let mut names = with_nodes.clone();
                    names.sort_unstable();
                    names.join(" ")
                }),
            );
            // Upstream walks a Go set (random order); we use name order.
            let by_name: BTreeMap<&str, usize> = nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.name(), i))
                .collect();
            names
                .iter()
                .filter_map(|n| by_name.get(n.as_str()).copied())
                .collect()
        }
    };
    if subset.is_empty() {
        return Vec::new();
    }

    let to_find = num_feasible_nodes_to_find(percentage, subset.len());
    let mut feasible = Vec::with_capacity(to_find.min(subset.len()));
    let start = *next_start_node_index;
    // The filters that run (PreFilter may have skipped some), resolved once.
    let filters: Vec<&dyn FilterPlugin> = profile
        .filter
        .iter()
        .copied()
        .filter(|pl| !cycle.skip_filter_plugins.contains(pl.name()))
        .collect();
    diagnosis.filter_plugins = filters.iter().map(|pl| pl.name()).collect();
    let cycle: &CycleState = cycle;
    let mut processed = 0;
    for i in 0..subset.len() {
        let idx = subset[(start + i) % subset.len()];
        let node = &nodes[idx];
        let st = run_filters(&filters, cycle, pod, node);
        processed += 1;
        if st.is_success() {
            feasible.push(idx);
            if feasible.len() >= to_find {
                break;
            }
        } else {
            diagnosis.add_plugin_status(&st);
            diagnosis.node_to_status.push(NodeStatus {
                index: idx,
                node: node.name_arc().clone(),
                status: st,
            });
        }
    }
    *next_start_node_index = (start + processed) % nodes.len();
    feasible
}

fn run_filters(
    filters: &[&dyn FilterPlugin],
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Status {
    for pl in filters {
        let mut s = pl.filter(state, pod, node);
        if !s.is_success() {
            s.plugin = pl.name();
            return s;
        }
    }
    Status::success()
}

/// `prioritizeNodes`: PreScore, Score, NormalizeScore, weights.
fn prioritize_nodes(
    pod: &Pod,
    nodes: &[NodeInfo],
    feasible: &[usize],
    profile: &Profile,
    cycle: &mut CycleState,
    diagnosis: &mut Diagnosis,
) {
    let mut active: Vec<(&'static dyn ScorePlugin, i64)> = Vec::new();
    for &(pl, w) in &profile.score {
        let s = pl.pre_score_nodes(cycle, pod, nodes, feasible);
        if s.is_skip() {
            cycle.skip_score_plugins.insert(pl.name());
            continue;
        }
        active.push((pl, w));
    }
    let np = active.len();
    let nf = feasible.len();
    let mut scores = vec![0i64; nf * np];
    let mut raw = vec![0i64; nf * np];
    let mut column = vec![0i64; nf];
    for (j, &(pl, _)) in active.iter().enumerate() {
        for (k, &idx) in feasible.iter().enumerate() {
            column[k] = pl.score_feasible(cycle, pod, nodes, idx, k);
            raw[k * np + j] = column[k];
        }
        if let Some(norm) = pl.score_extensions() {
            norm.normalize_score(cycle, pod, &mut column);
        }
        for k in 0..nf {
            scores[k * np + j] = column[k];
        }
    }
    diagnosis.score_plugins = active.iter().map(|(p, w)| (p.name(), *w)).collect();
    diagnosis.scores = feasible
        .iter()
        .enumerate()
        .map(|(k, &idx)| NodeScore {
            index: idx,
            node: nodes[idx].name_arc().clone(),
            total: (0..np).map(|j| scores[k * np + j] * active[j].1).sum(),
        })
        .collect();
    diagnosis.plugin_scores = scores;
    diagnosis.raw_plugin_scores = raw;
}

/// `selectHost`: the index (into `scores`) of a node with the highest total;
/// among equal totals each is chosen with equal probability by reservoir
/// sampling (one `rng` draw per tie beyond the first).
pub fn select_host(scores: &[NodeScore], rng: &mut Rng) -> usize {
    let max = scores.iter().map(|s| s.total).max().unwrap_or(0);
    let mut selected = 0;
    let mut count = 0u64;
    for (i, s) in scores.iter().enumerate() {
        if s.total != max {
            continue;
        }
        count += 1;
        if count == 1 || rng.below(count) == 0 {
            selected = i;
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn node(name: &str, cpu: &str, mem: &str, pods: &str, extra: Value) -> Node {
        let mut v = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {},
            "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": pods, "ephemeral-storage": "100Gi"}}
        });
        merge(&mut v, extra);
        serde_json::from_value(v).unwrap()
    }

    fn merge(a: &mut Value, b: Value) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    merge(a.entry(k).or_insert(Value::Null), v);
                }
            }
            (a, b) => *a = b,
        }
    }

    fn pod(name: &str, cpu: Option<&str>, extra: Value) -> Pod {
        let mut v = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        });
        if let Some(cpu) = cpu {
            merge(
                &mut v,
                json!({"spec": {"containers": [{"name": "c", "image": "nginx",
                    "resources": {"requests": {"cpu": cpu, "memory": "128Mi"}}}]}}),
            );
        }
        merge(&mut v, extra);
        serde_json::from_value(v).unwrap()
    }

    /// The default 3-node cluster: a tainted control-plane and two workers,
    /// each 4 CPU, 8Gi, 110 pods.
    fn cluster() -> Vec<NodeInfo> {
        let cp = node(
            "control-plane",
            "4",
            "8Gi",
            "110",
            json!({
                "metadata": {"labels": {"node-role.kubernetes.io/control-plane": ""}},
                "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}
            }),
        );
        let n1 = node(
            "node-1",
            "4",
            "8Gi",
            "110",
            json!({"metadata": {"labels": {"disk": "ssd", "cores": "4"}}}),
        );
        let n2 = node(
            "node-2",
            "4",
            "8Gi",
            "110",
            json!({"metadata": {"labels": {"disk": "hdd", "cores": "8"}}}),
        );
        vec![NodeInfo::new(&cp), NodeInfo::new(&n1), NodeInfo::new(&n2)]
    }

    fn run(p: &Pod, nodes: &[NodeInfo]) -> Result<ScheduleResult, FitError> {
        schedule_one(
            p,
            nodes,
            &mut SchedulerState::default(),
            &mut Rng::stream(1, "scheduler"),
        )
    }

    fn message(p: &Pod, nodes: &[NodeInfo]) -> String {
        run(p, nodes).unwrap_err().to_string()
    }

    #[test]
    fn control_plane_taint_blocks_a_pod_without_toleration() {
        let nodes = cluster();
        let p = pod(
            "web",
            None,
            json!({"spec": {"nodeSelector": {"node-role.kubernetes.io/control-plane": ""}}}),
        );
        assert_eq!(
            message(&p, &nodes),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: \
             3 Preemption is not helpful for scheduling."
        );
        let tolerating = pod(
            "web",
            None,
            json!({"spec": {
                "nodeSelector": {"node-role.kubernetes.io/control-plane": ""},
                "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]
            }}),
        );
        assert_eq!(run(&tolerating, &nodes).unwrap().node_name, "control-plane");
    }

    #[test]
    fn pods_never_land_on_the_control_plane_by_default() {
        let nodes = cluster();
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(3, "scheduler");
        for i in 0..50 {
            let r = schedule_one(
                &pod(&format!("p{i}"), None, json!({})),
                &nodes,
                &mut state,
                &mut rng,
            )
            .unwrap();
            assert_ne!(r.node_name, "control-plane");
            assert_eq!(r.evaluated_nodes, 3);
            assert_eq!(r.feasible_nodes, 2);
            let cp = r.diagnosis.status_of("control-plane").unwrap();
            assert_eq!(cp.plugin, "TaintToleration");
            assert_eq!(cp.code, Code::UnschedulableAndUnresolvable);
        }
    }

    #[test]
    fn node_selector_picks_the_labelled_node() {
        let nodes = cluster();
        let p = pod(
            "db",
            None,
            json!({"spec": {"nodeSelector": {"disk": "ssd"}}}),
        );
        assert_eq!(run(&p, &nodes).unwrap().node_name, "node-1");
    }

    #[test]
    fn required_node_affinity_supports_each_operator() {
        let nodes = cluster();
        let cases: &[(Value, &str)] = &[
            (
                json!({"matchExpressions": [{"key": "disk", "operator": "In", "values": ["hdd", "nvme"]}]}),
                "node-2",
            ),
            (
                json!({"matchExpressions": [{"key": "disk", "operator": "NotIn", "values": ["hdd"]}, {"key": "disk", "operator": "Exists"}]}),
                "node-1",
            ),
            (
                json!({"matchExpressions": [{"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"}, {"key": "disk", "operator": "In", "values": ["ssd"]}]}),
                "node-1",
            ),
            (
                json!({"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4"]}]}),
                "node-2",
            ),
            (
                json!({"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["8"]}]}),
                "node-1",
            ),
            (
                json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-2"]}]}),
                "node-2",
            ),
            (
                json!({"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["node-2"]}]}),
                "node-1",
            ),
        ];
        for (term, want) in cases {
            let p = pod(
                "a",
                None,
                json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}}}),
            );
            assert_eq!(run(&p, &nodes).unwrap().node_name, *want, "term {term}");
        }
        // Gt with a non-integer value is invalid: the term never matches.
        let p = pod(
            "a",
            None,
            json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["four"]}]}
            ]}}}}}),
        );
        assert!(run(&p, &nodes).is_err());
    }

    #[test]
    fn match_fields_naming_a_missing_node_reports_the_prefilter_plugin() {
        let nodes = cluster();
        let p = pod(
            "a",
            None,
            json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-9"]}]}
            ]}}}}}),
        );
        assert_eq!(
            message(&p, &nodes),
            "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. \
             preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn conflicting_match_fields_fail_at_prefilter() {
        let p = pod(
            "a",
            None,
            json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [
                    {"key": "metadata.name", "operator": "In", "values": ["node-1"]},
                    {"key": "metadata.name", "operator": "In", "values": ["node-2"]}
                ]}
            ]}}}}}),
        );
        let err = run(&p, &cluster()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "0/3 nodes are available: pod affinity terms conflict. \
             preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
        assert!(err.diagnosis.unschedulable_plugins.contains("NodeAffinity"));
    }

    #[test]
    fn diagnosis_explains_each_plugin_score() {
        let r = run(&pod("web", Some("500m"), json!({})), &cluster()).unwrap();
        assert_eq!(r.diagnosis.scores.len(), 2);
        let got: Vec<_> = r.diagnosis.node_plugin_scores(0).collect();
        // LeastAllocated: cpu (4000-500)/4000 → 87, memory 8064/8192 → 98, mean 92.
        // Balanced: fractions 0.125 and 0.015625 → 1 - 0.0546875 → 94.
        // ImageLocality: no node reports the image → 0. NodeAffinity,
        // PodTopologySpread (no owner, so no default constraints) and
        // InterPodAffinity skip.
        assert_eq!(
            got,
            vec![
                ("TaintToleration", 100, 300),
                ("NodeResourcesFit", 92, 92),
                ("NodeResourcesBalancedAllocation", 94, 94),
                ("ImageLocality", 0, 0),
            ]
        );
        assert_eq!(r.diagnosis.scores[0].total, 486);
        assert_eq!(
            r.diagnosis.status_of("control-plane").unwrap().reasons,
            vec![
                "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
                    .to_string()
            ]
        );
    }

    #[test]
    fn preferred_affinity_changes_the_choice() {
        let nodes = cluster();
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(9, "scheduler");
        for i in 0..20 {
            let p = pod(
                &format!("p{i}"),
                None,
                json!({"spec": {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 10, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["hdd"]}]}}
                ]}}}}),
            );
            let r = schedule_one(&p, &nodes, &mut state, &mut rng).unwrap();
            assert_eq!(r.node_name, "node-2");
            let i2 = r
                .diagnosis
                .scores
                .iter()
                .position(|s| &*s.node == "node-2")
                .unwrap();
            let na: Vec<_> = r
                .diagnosis
                .node_plugin_scores(i2)
                .filter(|s| s.0 == "NodeAffinity")
                .collect();
            assert_eq!(na, vec![("NodeAffinity", 100, 200)]);
        }
    }

    #[test]
    fn insufficient_cpu_message_counts_nodes() {
        let nodes = cluster();
        let p = pod("big", Some("5"), json!({}));
        assert_eq!(
            message(&p, &nodes),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, \
             2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn every_failing_resource_is_listed() {
        let nodes = cluster();
        let p = pod(
            "big",
            None,
            json!({"spec": {"containers": [{"name": "c", "image": "nginx",
                "resources": {"requests": {"cpu": "5", "memory": "9Gi", "nvidia.com/gpu": "1"}}}]}}),
        );
        assert_eq!(
            message(&p, &nodes),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Insufficient cpu, 2 Insufficient memory, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: \
             1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn too_many_pods_when_the_pods_resource_is_used_up() {
        let mut nodes = cluster();
        for n in nodes.iter_mut().skip(1) {
            for i in 0..110 {
                n.add_pod(&pod(&format!("{}-{i}", n.name()), None, json!({})));
            }
        }
        assert_eq!(
            message(&pod("one-more", None, json!({})), &nodes),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Too many pods. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, \
             2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn least_allocated_spreads_pods() {
        let mut nodes = cluster();
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(1, "scheduler");
        for i in 0..10 {
            let p = pod(&format!("p{i}"), Some("500m"), json!({}));
            let r = schedule_one(&p, &nodes, &mut state, &mut rng).unwrap();
            let n = nodes.iter_mut().find(|n| n.name() == r.node_name).unwrap();
            n.add_pod(&p);
        }
        assert_eq!(nodes[1].pod_count(), 5);
        assert_eq!(nodes[2].pod_count(), 5);
        assert_eq!(nodes[1].requested().milli_cpu, 2500);
        // 1.5 CPU is left on each worker.
        assert_eq!(
            run(&pod("x", Some("1500m"), json!({})), &nodes)
                .unwrap()
                .feasible_nodes,
            2
        );
        assert!(run(&pod("x", Some("1600m"), json!({})), &nodes).is_err());
    }

    #[test]
    fn same_seed_gives_the_same_choices_and_different_seeds_differ() {
        let nodes = cluster();
        let choices = |seed: u64| -> Vec<String> {
            let mut state = SchedulerState::default();
            let mut rng = Rng::stream(seed, "scheduler");
            (0..40)
                .map(|i| {
                    schedule_one(
                        &pod(&format!("p{i}"), None, json!({})),
                        &nodes,
                        &mut state,
                        &mut rng,
                    )
                    .unwrap()
                    .node_name
                })
                .collect()
        };
        assert_eq!(choices(7), choices(7));
        let a = choices(7);
        assert!(a.iter().any(|n| n == "node-1") && a.iter().any(|n| n == "node-2"));
        assert!((8..16).any(|s| choices(s) != a));
    }

    #[test]
    fn node_name_pins_the_pod() {
        let nodes = cluster();
        let p = pod("pinned", None, json!({"spec": {"nodeName": "node-2"}}));
        let r = run(&p, &nodes).unwrap();
        assert_eq!(r.node_name, "node-2");
        let p = pod("pinned", None, json!({"spec": {"nodeName": "nowhere"}}));
        assert_eq!(
            message(&p, &nodes),
            "0/3 nodes are available: 3 node(s) didn't match the requested node name. \
             preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn cordoned_node_is_unschedulable() {
        let mut nodes = cluster();
        let n1 = node(
            "node-1",
            "4",
            "8Gi",
            "110",
            json!({"spec": {"unschedulable": true, "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]}}),
        );
        nodes[1].set_node(&n1);
        assert_eq!(
            run(&pod("a", None, json!({})), &nodes).unwrap().node_name,
            "node-2"
        );
        assert_eq!(
            message(&pod("big", Some("5"), json!({})), &nodes),
            "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             1 node(s) were unschedulable. preemption: 0/3 nodes are available: \
             1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn not_ready_taint_is_just_a_taint() {
        let mut nodes = cluster();
        let n2 = node(
            "node-2",
            "4",
            "8Gi",
            "110",
            json!({"spec": {"taints": [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}]}}),
        );
        nodes[2].set_node(&n2);
        let r = run(&pod("a", None, json!({})), &nodes).unwrap();
        assert_eq!(r.node_name, "node-1");
    }

    #[test]
    fn no_nodes_means_no_nodes_available() {
        let err = run(&pod("a", None, json!({})), &[]).unwrap_err();
        assert!(err.is_no_nodes_available());
        assert_eq!(err.to_string(), "no nodes available to schedule pods");
    }

    #[test]
    fn preemption_policy_never_is_not_eligible() {
        let p = pod(
            "big",
            Some("5"),
            json!({"spec": {"preemptionPolicy": "Never"}}),
        );
        assert_eq!(
            message(&p, &cluster()),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
        );
    }

    #[test]
    fn higher_priority_pod_nominates_a_node_with_lower_priority_victims() {
        let mut nodes = cluster();
        nodes[1].add_pod(&pod("low", Some("3"), json!({})));
        nodes[2].add_pod(&pod("same", Some("3"), json!({"spec": {"priority": 1000}})));
        let p = pod("urgent", Some("2"), json!({"spec": {"priority": 1000}}));
        let err = run(&p, &nodes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
        );
        let res = err.post_filter_result.unwrap();
        assert_eq!(res.nominated_node_name, "node-1");
        assert_eq!(res.victims, vec!["default/low".to_string()]);
    }

    #[test]
    fn victims_that_do_not_free_enough_report_the_filter_reason() {
        let mut nodes = cluster();
        nodes[1].add_pod(&pod("low", Some("1"), json!({})));
        let p = pod("huge", Some("5"), json!({"spec": {"priority": 1000}}));
        let err = run(&p, &nodes).unwrap_err();
        assert!(err.post_filter_result.is_none());
        assert_eq!(
            err.to_string(),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Insufficient cpu, \
             1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn host_port_conflicts_are_detected() {
        let mut nodes = cluster();
        let with_port = |name: &str| {
            pod(
                name,
                None,
                json!({"spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 8080}]}]}}),
            )
        };
        nodes[1].add_pod(&with_port("a"));
        nodes[2].add_pod(&with_port("b"));
        assert_eq!(
            message(&with_port("c"), &nodes),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 node(s) didn't have free ports for the requested pod ports. preemption: 0/3 nodes are available: \
             1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
        assert!(nodes[2].remove_pod(&with_port("b")));
        assert_eq!(run(&with_port("c"), &nodes).unwrap().node_name, "node-2");
    }

    #[test]
    fn pod_requests_take_init_containers_sidecars_and_overhead_into_account() {
        let p = pod(
            "p",
            None,
            json!({"spec": {
                "containers": [
                    {"name": "a", "image": "x", "resources": {"requests": {"cpu": "1", "memory": "1G"}}},
                    {"name": "b", "image": "x", "resources": {"requests": {"cpu": "500m"}}}
                ],
                "initContainers": [
                    {"name": "i1", "image": "x", "resources": {"requests": {"cpu": "2", "memory": "3G"}}},
                    {"name": "side", "image": "x", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                    {"name": "i2", "image": "x", "resources": {"requests": {"cpu": "1"}}}
                ],
                "overhead": {"cpu": "250m"}
            }}),
        );
        let r = PodResources::of(&p);
        // containers 1.5 + sidecar 0.1 = 1.6; init max(2, 0.1, 1 + 0.1) = 2; + overhead.
        assert_eq!(r.requests.milli_cpu, 2250);
        assert_eq!(r.requests.memory, 3_000_000_000);
        // Non-zero: b, the sidecar and i2 count 200Mi each, still below i1's 3G.
        assert_eq!(r.non0_milli_cpu, 2250);
        assert_eq!(r.non0_memory, 3_000_000_000);
        assert_eq!(
            PodResources::of(&pod("q", None, json!({}))).non0_memory,
            DEFAULT_MEMORY_REQUEST
        );
    }

    #[test]
    fn node_info_add_and_remove_are_inverse() {
        let mut n = cluster().remove(1);
        let a = pod("a", Some("250m"), json!({}));
        let b = pod("b", None, json!({}));
        n.add_pod(&a);
        n.add_pod(&b);
        n.add_pod(&a); // re-adding replaces
        assert_eq!(n.pod_count(), 2);
        assert_eq!(n.requested().milli_cpu, 250);
        assert_eq!(
            n.non_zero_requested(),
            (350, 128 * 1024 * 1024 + DEFAULT_MEMORY_REQUEST)
        );
        assert!(n.remove_pod(&a));
        assert!(n.remove_pod(&b));
        assert!(!n.remove_pod(&b));
        assert_eq!(n.requested(), &Resource::default());
        assert_eq!(n.non_zero_requested(), (0, 0));
    }

    #[test]
    fn percentage_of_nodes_to_score_is_adaptive() {
        assert_eq!(num_feasible_nodes_to_find(0, 3), 3);
        assert_eq!(num_feasible_nodes_to_find(0, 99), 99);
        assert_eq!(num_feasible_nodes_to_find(0, 100), 100);
        assert_eq!(num_feasible_nodes_to_find(0, 200), 100); // 49% of 200 = 98 → at least 100
        assert_eq!(num_feasible_nodes_to_find(0, 1000), 420); // 50 - 8 = 42%
        assert_eq!(num_feasible_nodes_to_find(0, 5000), 500); // 50 - 40 = 10%
        assert_eq!(num_feasible_nodes_to_find(0, 6000), 300); // floor of 5%
        assert_eq!(num_feasible_nodes_to_find(30, 1000), 300);
        assert_eq!(num_feasible_nodes_to_find(100, 1000), 1000);
    }

    #[test]
    fn large_clusters_are_sampled_from_a_rotating_start() {
        let nodes: Vec<NodeInfo> = (0..5000)
            .map(|i| NodeInfo::new(&node(&format!("n{i:04}"), "4", "8Gi", "110", json!({}))))
            .collect();
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(1, "scheduler");
        let r = schedule_one(
            &pod("a", Some("100m"), json!({})),
            &nodes,
            &mut state,
            &mut rng,
        )
        .unwrap();
        assert_eq!((r.evaluated_nodes, r.feasible_nodes), (500, 500));
        assert_eq!(state.next_start_node_index, 500);
        assert!(r.diagnosis.scores.iter().all(|s| s.index < 500));
        let r = schedule_one(
            &pod("b", Some("100m"), json!({})),
            &nodes,
            &mut state,
            &mut rng,
        )
        .unwrap();
        assert!(r
            .diagnosis
            .scores
            .iter()
            .all(|s| (500..1000).contains(&s.index)));
        assert_eq!(state.next_start_node_index, 1000);
    }

    /// Not a timed test: run with `--release -- --ignored` to gauge speed
    /// (about 100 µs of CPU per pod here, 500 of 5,000 nodes evaluated).
    #[test]
    #[ignore]
    fn bench_150k_pods_on_5000_nodes() {
        let mut nodes: Vec<NodeInfo> = (0..5000)
            .map(|i| NodeInfo::new(&node(&format!("n{i:04}"), "32", "128Gi", "110", json!({}))))
            .collect();
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(1, "scheduler");
        let pods: Vec<Pod> = (0..150_000)
            .map(|i| pod(&format!("p{i}"), Some("100m"), json!({})))
            .collect();
        for p in &pods {
            let r = schedule_one(p, &nodes, &mut state, &mut rng).unwrap();
            nodes[r.node_index].add_pod(p);
        }
    }

    #[test]
    fn prefer_no_schedule_taints_lower_the_score() {
        let mut nodes = cluster();
        let n1 = node(
            "node-1",
            "4",
            "8Gi",
            "110",
            json!({"spec": {"taints": [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"}]}}),
        );
        nodes[1].set_node(&n1);
        let mut state = SchedulerState::default();
        let mut rng = Rng::stream(5, "scheduler");
        for i in 0..10 {
            let r = schedule_one(
                &pod(&format!("p{i}"), None, json!({})),
                &nodes,
                &mut state,
                &mut rng,
            )
            .unwrap();
            assert_eq!(r.node_name, "node-2");
        }
    }
}
