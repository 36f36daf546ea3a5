//! NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity, matching in
//! k8s.io/component-helpers/scheduling/corev1/nodeaffinity).
//!
//! Filter: `spec.nodeSelector` (every label equal) AND
//! `requiredDuringSchedulingIgnoredDuringExecution` (terms ORed, the
//! requirements of a term ANDed; an empty term matches nothing; a term with
//! an invalid requirement never matches). Operators In, NotIn, Exists,
//! DoesNotExist, Gt, Lt on labels; `matchFields` supports `metadata.name`
//! with In/NotIn and exactly one value. PreFilter narrows the nodes to
//! those named by `matchFields metadata.name In` when every term has one.
//! Score: sum of the weights of matching preferred terms, normalized.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::core::{NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm};
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, NodeInfo, NormalizeScorePlugin, Plugin, PreFilterPlugin,
    PreFilterResult, ScorePlugin, Status,
};

use super::helper::default_normalize_score;

/// The NodeAffinity plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeAffinity;

/// The plugin's name.
pub const NAME: &str = "NodeAffinity";
/// `ErrReasonPod`.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// `errReasonConflict`.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";

impl Plugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
}

fn required_terms(pod: &Pod) -> Option<&[NodeSelectorTerm]> {
    pod.spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
        .map(|s| s.node_selector_terms.as_slice())
}

fn preferred_terms(pod: &Pod) -> &[PreferredSchedulingTerm] {
    pod.spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or(&[])
}

/// Matches one label requirement; `None` if it is invalid.
fn match_label_requirement(
    r: &NodeSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> Option<bool> {
    let values = r.values.as_deref().unwrap_or(&[]);
    let have = labels.get(&r.key);
    match r.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                return None;
            }
            let contained = have.is_some_and(|v| values.iter().any(|x| x == v));
            Some(if r.operator == "In" {
                contained
            } else {
                !contained
            })
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                return None;
            }
            Some(have.is_some() == (r.operator == "Exists"))
        }
        "Gt" | "Lt" => {
            if values.len() != 1 {
                return None;
            }
            let want: i64 = values[0].parse().ok()?;
            let Some(have) = have else {
                return Some(false);
            };
            // A label that is not an integer does not match.
            let Ok(have) = have.parse::<i64>() else {
                return Some(false);
            };
            Some(if r.operator == "Gt" {
                have > want
            } else {
                have < want
            })
        }
        _ => None,
    }
}

/// Matches one field requirement (`metadata.name` only); `None` if invalid.
fn match_field_requirement(r: &NodeSelectorRequirement, node_name: &str) -> Option<bool> {
    let values = r.values.as_deref().unwrap_or(&[]);
    if r.key != "metadata.name" || values.len() != 1 {
        return None;
    }
    match r.operator.as_str() {
        "In" => Some(values[0] == node_name),
        "NotIn" => Some(values[0] != node_name),
        _ => None,
    }
}

/// Whether a node selector term matches the node.
pub fn term_matches(term: &NodeSelectorTerm, node: &NodeInfo) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs
        .iter()
        .all(|r| match_label_requirement(r, node.labels()) == Some(true))
        && fields
            .iter()
            .all(|r| match_field_requirement(r, node.name()) == Some(true))
}

/// `GetRequiredNodeAffinity(pod).Match(node)`: nodeSelector and required
/// node affinity.
pub fn required_matches(pod: &Pod, node: &NodeInfo) -> bool {
    if let Some(sel) = pod.spec.as_ref().and_then(|s| s.node_selector.as_ref()) {
        if !sel.iter().all(|(k, v)| node.labels().get(k) == Some(v)) {
            return false;
        }
    }
    match required_terms(pod) {
        None => true,
        Some(terms) => terms.iter().any(|t| term_matches(t, node)),
    }
}

impl PreFilterPlugin for NodeAffinity {
    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod) -> (Option<PreFilterResult>, Status) {
        let terms = required_terms(pod);
        let has_selector = pod.spec.as_ref().is_some_and(|s| s.node_selector.is_some());
        if terms.is_none() && !has_selector {
            return (None, Status::skip(NAME));
        }
        let Some(terms) = terms.filter(|t| !t.is_empty()) else {
            return (None, Status::success());
        };
        let mut node_names: Option<BTreeSet<String>> = None;
        for t in terms {
            let mut term_names: Option<BTreeSet<String>> = None;
            for r in t.match_fields.iter().flatten() {
                if r.key == "metadata.name" && r.operator == "In" {
                    let s: BTreeSet<String> = r.values.iter().flatten().cloned().collect();
                    term_names = Some(match term_names {
                        None => s,
                        Some(prev) => prev.intersection(&s).cloned().collect(),
                    });
                }
            }
            let Some(term_names) = term_names else {
                // This term allows every node: the terms are ORed.
                return (None, Status::success());
            };
            node_names
                .get_or_insert_with(BTreeSet::new)
                .extend(term_names);
        }
        match node_names {
            Some(n) if n.is_empty() => (
                None,
                Status::new(
                    Code::UnschedulableAndUnresolvable,
                    NAME,
                    ERR_REASON_CONFLICT,
                ),
            ),
            Some(n) => (
                Some(PreFilterResult {
                    node_names: Some(n),
                }),
                Status::success(),
            ),
            None => (None, Status::success()),
        }
    }
}

impl FilterPlugin for NodeAffinity {
    fn filter(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if required_matches(pod, node) {
            Status::success()
        } else {
            Status::new(Code::UnschedulableAndUnresolvable, NAME, ERR_REASON_POD)
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn pre_score(&self, _state: &mut CycleState, pod: &Pod) -> Status {
        if preferred_terms(pod).is_empty() {
            return Status::skip(NAME);
        }
        Status::success()
    }

    fn score(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        preferred_terms(pod)
            .iter()
            .filter(|t| t.weight != 0 && term_matches(&t.preference, node))
            .map(|t| i64::from(t.weight))
            .sum()
    }

    fn score_extensions(&self) -> Option<&dyn NormalizeScorePlugin> {
        Some(self)
    }
}

impl NormalizeScorePlugin for NodeAffinity {
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        default_normalize_score(scores, false);
    }
}
