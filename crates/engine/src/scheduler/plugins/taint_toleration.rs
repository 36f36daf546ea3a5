//! TaintToleration (pkg/scheduler/framework/plugins/tainttoleration).
//! Filter: a `NoSchedule`/`NoExecute` taint the pod does not tolerate
//! rejects the node (this covers the not-ready / unreachable taints the node
//! lifecycle controller adds). Score: the number of untolerated
//! `PreferNoSchedule` taints, normalized in reverse (fewer is better).

use crate::api::core::{Pod, Toleration};
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, NodeInfo, NormalizeScorePlugin, Plugin, ScorePlugin, Status,
};

use super::helper::{default_normalize_score, find_matching_untolerated_taint, tolerates_taint};

/// The TaintToleration plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct TaintToleration;

/// The plugin's name.
pub const NAME: &str = "TaintToleration";

impl Plugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }
}

fn tolerations(pod: &Pod) -> &[Toleration] {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or(&[])
}

impl FilterPlugin for TaintToleration {
    fn filter(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let untolerated = find_matching_untolerated_taint(node.taints(), tolerations(pod), |t| {
            t.effect == "NoSchedule" || t.effect == "NoExecute"
        });
        match untolerated {
            None => Status::success(),
            Some(t) => Status::new(
                Code::UnschedulableAndUnresolvable,
                NAME,
                format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    t.key,
                    t.value.as_deref().unwrap_or("")
                ),
            ),
        }
    }
}

impl ScorePlugin for TaintToleration {
    fn score(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        // getAllTolerationPreferNoSchedule: tolerations with an empty or
        // PreferNoSchedule effect.
        let tols = tolerations(pod);
        node.taints()
            .iter()
            .filter(|t| t.effect == "PreferNoSchedule")
            .filter(|t| {
                !tols.iter().any(|tol| {
                    matches!(
                        tol.effect.as_deref(),
                        None | Some("") | Some("PreferNoSchedule")
                    ) && tolerates_taint(tol, t)
                })
            })
            .count() as i64
    }

    fn score_extensions(&self) -> Option<&dyn NormalizeScorePlugin> {
        Some(self)
    }
}

impl NormalizeScorePlugin for TaintToleration {
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        default_normalize_score(scores, true);
    }
}
