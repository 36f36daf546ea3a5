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
use crate::rng::Rng;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::plugins;

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
                _ => {
                    r.scalar.insert(name.clone(), v);
                }
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
                let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".to_string());
                out.push(HostPort { ip, protocol, port });
            }
        }
    }
    out
}

/// What a `NodeInfo` keeps of each pod: enough to subtract it again and for
/// the preemption dry run, never the Pod itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodEntry {
    /// The pod's requests.
    pub resources: PodResources,
    /// Host ports it holds.
    pub host_ports: Vec<HostPort>,
    /// `spec.priority` (0 when unset).
    pub priority: i32,
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
    taints: Vec<Taint>,
    unschedulable: bool,
    allocatable: Resource,
    requested: Resource,
    non0_milli_cpu: i64,
    non0_memory: i64,
    pods: BTreeMap<String, PodEntry>,
    used_ports: BTreeMap<HostPort, u32>,
}

impl NodeInfo {
    /// A NodeInfo for `node` with no pods.
    pub fn new(node: &Node) -> NodeInfo {
        let mut n = NodeInfo {
            name: Arc::from(""),
            labels: BTreeMap::new(),
            taints: Vec::new(),
            unschedulable: false,
            allocatable: Resource::default(),
            requested: Resource::default(),
            non0_milli_cpu: 0,
            non0_memory: 0,
            pods: BTreeMap::new(),
            used_ports: BTreeMap::new(),
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
        let spec = node.spec.as_ref();
        self.taints = spec.and_then(|s| s.taints.clone()).unwrap_or_default();
        self.unschedulable = spec.and_then(|s| s.unschedulable).unwrap_or(false);
        let status = node.status.as_ref();
        let alloc = status
            .and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()))
            .map(Resource::from_list)
            .unwrap_or_default();
        self.allocatable = alloc;
    }

    /// Adds (or replaces) a pod assigned to this node (`NodeInfo.AddPod`).
    pub fn add_pod(&mut self, pod: &Pod) {
        let key = pod_key(pod);
        self.remove_pod_key(&key);
        let entry = PodEntry {
            resources: PodResources::of(pod),
            host_ports: host_ports(pod),
            priority: pod_priority(pod),
        };
        self.add_entry(key, entry);
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
    /// The raw score of `node`.
    fn score(&self, state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64;
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
    /// NodeAffinity (2), NodePorts, NodeResourcesFit (1), DefaultPreemption,
    /// NodeResourcesBalancedAllocation (1).
    // TODO: ImageLocality (1), PodTopologySpread (2), InterPodAffinity (2),
    // and the volume plugins.
    fn default() -> Profile {
        use plugins::*;
        Profile {
            scheduler_name: "default-scheduler".to_string(),
            pre_filter: vec![&NodeAffinity, &NodePorts, &NodeResourcesFit],
            filter: vec![
                &NodeUnschedulable,
                &NodeName,
                &TaintToleration,
                &NodeAffinity,
                &NodePorts,
                &NodeResourcesFit,
            ],
            post_filter: vec![&DefaultPreemption],
            score: vec![
                (&TaintToleration, 3),
                (&NodeAffinity, 2),
                (&NodeResourcesFit, 1),
                (&NodeResourcesBalancedAllocation, 1),
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
        }
    }
}

impl Diagnosis {
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
) -> (PreFilterResult, Vec<&'static str>, Status) {
    let mut result = PreFilterResult::default();
    let mut with_nodes: Vec<&'static str> = Vec::new();
    let mut ret = Status::success();
    for pl in &profile.pre_filter {
        let (r, mut s) = pl.pre_filter(state, pod);
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
    let profile = state.profile.clone();
    let mut cycle = CycleState::default();
    let feasible = find_nodes_that_fit_pod(pod, nodes, state, &profile, &mut cycle, &mut diagnosis);

    if feasible.is_empty() {
        let mut result = None;
        for pl in &profile.post_filter {
            let (r, s) = pl.post_filter(&profile, &cycle, pod, nodes, &diagnosis);
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
            evaluated_nodes,
            feasible_nodes: 1,
            diagnosis,
        });
    }

    prioritize_nodes(pod, nodes, &feasible, &profile, &mut cycle, &mut diagnosis);
    let best = select_host(&diagnosis.scores, rng);
    Ok(ScheduleResult {
        node_name: diagnosis.scores[best].node.to_string(),
        evaluated_nodes,
        feasible_nodes: feasible.len(),
        diagnosis,
    })
}

/// `findNodesThatFitPod`: returns indices of feasible nodes.
fn find_nodes_that_fit_pod(
    pod: &Pod,
    nodes: &[NodeInfo],
    state: &mut SchedulerState,
    profile: &Profile,
    cycle: &mut CycleState,
    diagnosis: &mut Diagnosis,
) -> Vec<usize> {
    let (pre_res, with_nodes, s) = run_pre_filter_plugins(profile, cycle, pod);
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
                format!(
                    "node(s) didn't satisfy plugin(s) [{}]",
                    with_nodes.join(" ")
                ),
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

    let percentage = profile
        .percentage_of_nodes_to_score
        .unwrap_or(state.percentage_of_nodes_to_score);
    let to_find = num_feasible_nodes_to_find(percentage, subset.len());
    let mut feasible = Vec::with_capacity(to_find.min(subset.len()));
    let start = state.next_start_node_index;
    let mut processed = 0;
    for i in 0..subset.len() {
        let idx = subset[(start + i) % subset.len()];
        let node = &nodes[idx];
        let st = run_filter_plugins(profile, cycle, pod, node);
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
    state.next_start_node_index = (start + processed) % nodes.len();
    feasible
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
        let s = pl.pre_score(cycle, pod);
        if s.is_skip() {
            cycle.skip_score_plugins.insert(pl.name());
            continue;
        }
        active.push((pl, w));
    }
    let np = active.len();
    let nf = feasible.len();
    let mut scores = vec![0i64; nf * np];
    let mut column = vec![0i64; nf];
    for (j, &(pl, _)) in active.iter().enumerate() {
        for (k, &idx) in feasible.iter().enumerate() {
            column[k] = pl.score(cycle, pod, &nodes[idx]);
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
