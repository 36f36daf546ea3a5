//! NodeResourcesBalancedAllocation
//! (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go,
//! v1.32): favours nodes whose cpu and memory would be used in similar
//! fractions: `(1 - |cpuFraction - memFraction| / 2) * 100`, on actual
//! requests (useRequested).

use crate::api::core::Pod;
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The NodeResourcesBalancedAllocation plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeResourcesBalancedAllocation;

/// The plugin's name.
pub const NAME: &str = "NodeResourcesBalancedAllocation";

impl Plugin for NodeResourcesBalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// `balancedResourceScorer`: one minus the standard deviation of the
/// requested fractions (each capped at 1), times 100, truncated.
pub fn balanced_resource_score(requested: &[i64], allocatable: &[i64]) -> i64 {
    // No allocation: this runs for every feasible node of every attempt.
    let fractions = || {
        requested
            .iter()
            .zip(allocatable)
            .filter(|(_, &a)| a != 0)
            .map(|(&r, &a)| (r as f64 / a as f64).min(1.0))
    };
    let (n, total) = fractions().fold((0usize, 0.0f64), |(n, t), f| (n + 1, t + f));
    let std = match n {
        2 => {
            let mut it = fractions();
            let (a, b) = (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0));
            ((a - b) / 2.0).abs()
        }
        n if n > 2 => {
            let mean = total / n as f64;
            let sum: f64 = fractions().map(|f| (f - mean) * (f - mean)).sum();
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

impl ScorePlugin for NodeResourcesBalancedAllocation {
    fn pre_score(&self, state: &mut CycleState, _pod: &Pod) -> Status {
        let r = &state.pod_resources.requests;
        state.balanced_score_requests = [r.milli_cpu, r.memory];
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let alloc = node.allocatable();
        let used = node.requested();
        let requested = [
            used.milli_cpu + state.balanced_score_requests[0],
            used.memory + state.balanced_score_requests[1],
        ];
        balanced_resource_score(&requested, &[alloc.milli_cpu, alloc.memory])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_score_is_one_minus_half_the_fraction_gap() {
        // cpu 50%, memory 10%: std = 0.2 → 80.
        assert_eq!(balanced_resource_score(&[2000, 1], &[4000, 10]), 80);
        assert_eq!(balanced_resource_score(&[0, 0], &[4000, 10]), 100);
        // Fractions are capped at 1.
        assert_eq!(balanced_resource_score(&[8000, 0], &[4000, 10]), 50);
        // Resources with no allocatable are ignored.
        assert_eq!(balanced_resource_score(&[8000, 0], &[0, 10]), 100);
    }
}
