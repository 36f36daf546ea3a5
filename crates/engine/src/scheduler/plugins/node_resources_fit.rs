//! NodeResourcesFit (pkg/scheduler/framework/plugins/noderesources/fit.go,
//! v1.32). Filter: the pod's requests must fit the node's allocatable minus
//! what its pods request, for cpu, memory, ephemeral-storage and every
//! scalar (extended) resource, and one more pod must fit `pods`. All failing
//! reasons are kept; the code is always `Unschedulable` in v1.32 (v1.34 made
//! requests above allocatable unresolvable). Score: the `LeastAllocated`
//! strategy over cpu and memory (weight 1 each) using non-zero requests.

use crate::api::core::Pod;
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, NodeInfo, Plugin, PodResources, PreFilterPlugin,
    PreFilterResult, Resource, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The NodeResourcesFit plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeResourcesFit;

/// The plugin's name.
pub const NAME: &str = "NodeResourcesFit";

impl Plugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// A resource the node lacks (`InsufficientResource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsufficientResource {
    /// `cpu`, `memory`, `pods`, ...
    pub resource_name: String,
    /// `Insufficient cpu`, `Too many pods`, ...
    pub reason: String,
    /// What the pod asks for.
    pub requested: i64,
    /// What the node's pods already use.
    pub used: i64,
    /// The node's allocatable amount.
    pub capacity: i64,
}

/// `fitsRequest`.
pub fn fits_request(req: &Resource, node: &NodeInfo) -> Vec<InsufficientResource> {
    let mut out = Vec::new();
    let alloc = node.allocatable();
    let used = node.requested();
    let pods = node.pod_count() as i64;
    if pods + 1 > alloc.allowed_pod_number {
        out.push(InsufficientResource {
            resource_name: "pods".into(),
            reason: "Too many pods".into(),
            requested: 1,
            used: pods,
            capacity: alloc.allowed_pod_number,
        });
    }
    if req.milli_cpu == 0 && req.memory == 0 && req.ephemeral_storage == 0 && req.scalar.is_empty()
    {
        return out;
    }
    let mut check = |name: &str, r: i64, a: i64, u: i64| {
        if r > 0 && r > a - u {
            out.push(InsufficientResource {
                resource_name: name.to_string(),
                reason: format!("Insufficient {name}"),
                requested: r,
                used: u,
                capacity: a,
            });
        }
    };
    check("cpu", req.milli_cpu, alloc.milli_cpu, used.milli_cpu);
    check("memory", req.memory, alloc.memory, used.memory);
    check(
        "ephemeral-storage",
        req.ephemeral_storage,
        alloc.ephemeral_storage,
        used.ephemeral_storage,
    );
    // Upstream ranges over a Go map here (random order); names sort here.
    for (name, &q) in &req.scalar {
        check(name, q, alloc.scalar(name), used.scalar(name));
    }
    out
}

impl PreFilterPlugin for NodeResourcesFit {
    fn pre_filter(&self, state: &mut CycleState, pod: &Pod) -> (Option<PreFilterResult>, Status) {
        state.pod_resources = PodResources::of(pod);
        (None, Status::success())
    }
}

impl FilterPlugin for NodeResourcesFit {
    fn filter(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let insufficient = fits_request(&state.pod_resources.requests, node);
        if insufficient.is_empty() {
            return Status::success();
        }
        Status::with_reasons(
            Code::Unschedulable,
            NAME,
            insufficient.into_iter().map(|i| i.reason).collect(),
        )
    }
}

/// `leastRequestedScore`: the free fraction after placing the pod, 0–100.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

impl ScorePlugin for NodeResourcesFit {
    fn pre_score(&self, state: &mut CycleState, _pod: &Pod) -> Status {
        let r = &state.pod_resources;
        state.fit_score_requests = [r.non0_milli_cpu, r.non0_memory];
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        // resourceAllocationScorer with useRequested=false: node's
        // NonZeroRequested plus the pod's non-zero requests.
        let (cpu, mem) = node.non_zero_requested();
        let alloc = node.allocatable();
        let pairs = [
            (cpu + state.fit_score_requests[0], alloc.milli_cpu),
            (mem + state.fit_score_requests[1], alloc.memory),
        ];
        let (mut score, mut weights) = (0, 0);
        for (req, cap) in pairs {
            if cap == 0 {
                continue;
            }
            score += least_requested_score(req, cap);
            weights += 1;
        }
        if weights == 0 {
            0
        } else {
            score / weights
        }
    }
}
