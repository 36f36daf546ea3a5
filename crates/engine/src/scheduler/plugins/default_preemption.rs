//! DefaultPreemption (pkg/scheduler/framework/plugins/defaultpreemption and
//! pkg/scheduler/framework/preemption/preemption.go, v1.32), a faithful
//! subset:
//!
//! - a pod with `preemptionPolicy: Never` is not eligible
//!   (`not eligible due to preemptionPolicy=Never.`);
//! - only nodes rejected with `Unschedulable` are candidates; if there are
//!   none, every node is `Preemption is not helpful for scheduling`;
//! - a pod whose nominated node still holds a terminating lower-priority
//!   pod waits for it (`not eligible due to a terminating pod on the
//!   nominated node.`) instead of preempting again;
//! - on each candidate node the victims are the pods of lower priority
//!   (`spec.priority`, resolved from the PriorityClass at admission): with none,
//!   `No preemption victims found for incoming pod`; otherwise the filters
//!   are re-run without them, and the victims the pod can do without are
//!   reprieved, highest priority first;
//! - when no node can be freed, the message is a `FitError` over those
//!   per-node statuses, other nodes counted as not helpful, prefixed by
//!   `preemption: `.
//!
//! Not modelled: PodDisruptionBudgets (there is no PDB kind yet; the hook
//! is marked `PDB:` in `select_victims_on_node`, where upstream splits the
//! victims into violating and non-violating ones and reprieves the
//! violating ones first), the random offset and the cap on the
//! number of candidates examined (all candidates are examined in node
//! order), the AddPod/RemovePod PreFilter extensions (the dry run keeps
//! InterPodAffinity's and PodTopologySpread's counts as they were, so
//! evicting a pod cannot resolve an anti-affinity or spread rejection), and
//! the full
//! `pickOneNodeForPreemption` criteria (here: lowest highest-victim
//! priority, then lowest priority sum, then fewest victims, then first).

use crate::api::core::Pod;
use crate::scheduler::framework::{
    fit_error_message, pod_priority, run_filter_plugins, Code, CycleState, Diagnosis, NodeInfo,
    NodeStatus, Plugin, PostFilterPlugin, PostFilterResult, Profile, Status,
};

/// The DefaultPreemption plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultPreemption;

/// The plugin's name.
pub const NAME: &str = "DefaultPreemption";
/// Status of nodes where preemption cannot help.
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
/// Status of nodes without lower-priority pods.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

impl Plugin for DefaultPreemption {
    fn name(&self) -> &'static str {
        NAME
    }
}

struct Candidate {
    node: String,
    victims: Vec<(String, i32)>,
}

/// `SelectVictimsOnNode`: `Ok(victims)` or the node's status.
fn select_victims_on_node(
    profile: &Profile,
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Result<Vec<(String, i32)>, Status> {
    let prio = pod_priority(pod);
    let mut potential: Vec<(String, i32)> = node
        .pods()
        .iter()
        .filter(|(_, e)| e.priority < prio)
        .map(|(k, e)| (k.clone(), e.priority))
        .collect();
    if potential.is_empty() {
        return Err(Status::new(
            Code::UnschedulableAndUnresolvable,
            NAME,
            NO_VICTIMS,
        ));
    }
    let mut scratch = node.clone();
    let mut removed = Vec::new();
    for (k, _) in &potential {
        if let Some(e) = scratch.remove_pod_key(k) {
            removed.push((k.clone(), e));
        }
    }
    let st = run_filter_plugins(profile, state, pod, &scratch);
    if !st.is_success() {
        return Err(st);
    }
    // PDB: upstream's filterPodsWithPDBViolation would split `potential`
    // here and reprieve the PDB-violating victims first.
    // Reprieve as many as possible, most important first (higher priority).
    potential.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut victims = Vec::new();
    for (k, p) in potential {
        let Some(pos) = removed.iter().position(|(rk, _)| *rk == k) else {
            continue;
        };
        let (key, entry) = removed.swap_remove(pos);
        scratch.add_entry(key.clone(), entry);
        if !run_filter_plugins(profile, state, pod, &scratch).is_success() {
            scratch.remove_pod_key(&key);
            victims.push((key, p));
        }
    }
    Ok(victims)
}

impl PostFilterPlugin for DefaultPreemption {
    fn post_filter(
        &self,
        profile: &Profile,
        state: &CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
        diagnosis: &Diagnosis,
    ) -> (Option<PostFilterResult>, Status) {
        let policy = pod
            .spec
            .as_ref()
            .and_then(|s| s.preemption_policy.as_deref());
        if policy == Some("Never") {
            return (
                None,
                Status::new(
                    Code::Unschedulable,
                    NAME,
                    "preemption: not eligible due to preemptionPolicy=Never.",
                ),
            );
        }
        // podEligibleToPreemptOthers: wait for the victims of an earlier
        // preemption to terminate.
        let nominated = pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .filter(|n| !n.is_empty());
        if let Some(nom) = nominated {
            let unresolvable = diagnosis
                .status_of(nom)
                .is_some_and(|s| s.code == Code::UnschedulableAndUnresolvable);
            let prio = pod_priority(pod);
            if !unresolvable
                && nodes.iter().any(|n| {
                    n.name() == nom
                        && n.pods()
                            .values()
                            .any(|e| e.priority < prio && e.terminating)
                })
            {
                return (
                    None,
                    Status::new(
                        Code::Unschedulable,
                        NAME,
                        "preemption: not eligible due to a terminating pod on the nominated node.",
                    ),
                );
            }
        }
        let mut statuses = Diagnosis {
            absent_nodes_status: Status::new(Code::UnschedulableAndUnresolvable, NAME, NOT_HELPFUL),
            ..Diagnosis::default()
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        // `NodesForStatusCode(Unschedulable)`: explicit statuses by node
        // index (one pass, not a search per node), else the absent status.
        let mut codes = vec![diagnosis.absent_nodes_status.code; nodes.len()];
        for s in &diagnosis.node_to_status {
            if let Some(c) = codes.get_mut(s.index) {
                *c = s.status.code;
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            let code = codes[i];
            if code != Code::Unschedulable {
                continue;
            }
            match select_victims_on_node(profile, state, pod, node) {
                Ok(victims) if !victims.is_empty() => candidates.push(Candidate {
                    node: node.name().to_string(),
                    victims,
                }),
                Ok(_) => statuses.node_to_status.push(NodeStatus {
                    index: i,
                    node: node.name_arc().clone(),
                    status: Status::new(
                        Code::Error,
                        NAME,
                        format!("expected at least one victim pod on node {:?}", node.name()),
                    ),
                }),
                Err(st) => statuses.node_to_status.push(NodeStatus {
                    index: i,
                    node: node.name_arc().clone(),
                    status: st,
                }),
            }
        }
        if candidates.is_empty() {
            let msg = fit_error_message(nodes.len(), &statuses);
            return (
                None,
                Status::new(Code::Unschedulable, NAME, format!("preemption: {msg}")),
            );
        }
        let best = candidates
            .iter()
            .min_by_key(|c| {
                let highest = c.victims.iter().map(|v| v.1).max().unwrap_or(i32::MIN);
                let sum: i64 = c.victims.iter().map(|v| i64::from(v.1)).sum();
                (highest, sum, c.victims.len())
            })
            .expect("candidates is not empty");
        (
            Some(PostFilterResult {
                nominated_node_name: best.node.clone(),
                victims: best.victims.iter().map(|v| v.0.clone()).collect(),
            }),
            Status::success(),
        )
    }
}
