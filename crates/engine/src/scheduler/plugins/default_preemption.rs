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
//! - `SelectVictimsOnNode`: the victims are the pods of lower priority
//!   (`spec.priority`, resolved from the PriorityClass at admission): with
//!   none, `No preemption victims found for incoming pod`; otherwise the
//!   filters are re-run without them, and, most important first
//!   (`MoreImportantPod`: higher priority, then earlier start), the victims
//!   the pod can do without are reprieved — first those whose eviction would
//!   violate a PodDisruptionBudget (`filterPodsWithPDBViolation`: a budget
//!   of the pod's namespace whose non-empty selector matches it, unless the
//!   pod is already in its `disruptedPods`, and whose `disruptionsAllowed`
//!   runs out), counting the ones that cannot be reprieved, then the others;
//! - `pickOneNodeForPreemption`: fewest PDB violations, then the lowest
//!   highest-priority victim, the smallest priority sum, the fewest
//!   victims, the latest start among the highest-priority victims, then
//!   the first node (in node order; upstream's order is a Go map's);
//! - when no node can be freed, the message is a `FitError` over those
//!   per-node statuses, other nodes counted as not helpful, prefixed by
//!   `preemption: `.
//!
//! Not modelled: the random offset and the cap on the number of candidates
//! examined (all candidates are examined in node order), and the
//! AddPod/RemovePod PreFilter extensions (the dry run keeps
//! InterPodAffinity's and PodTopologySpread's counts as they were, so
//! evicting a pod cannot resolve an anti-affinity or spread rejection).

use crate::api::core::Pod;
use crate::api::policy::PodDisruptionBudget;
use crate::api::selector::{from_label_selector, Selector};
use crate::scheduler::framework::{
    fit_error_message, pod_priority, run_filter_plugins, Code, CycleState, Diagnosis, NodeInfo,
    NodeStatus, Plugin, PodEntry, PostFilterPlugin, PostFilterResult, Profile, Status,
};
use std::collections::{BTreeMap, BTreeSet};

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

/// What preemption reads of a PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdb {
    namespace: String,
    /// `None` when the selector is missing, empty or invalid: such a
    /// budget matches nothing here.
    selector: Option<Selector>,
    disruptions_allowed: i32,
    disrupted_pods: BTreeSet<String>,
}

/// Every budget, by `namespace/name`.
pub type Pdbs = BTreeMap<String, Pdb>;

impl Pdb {
    /// The parts of `pdb` preemption reads.
    pub fn of(pdb: &PodDisruptionBudget) -> Pdb {
        let status = pdb.status.as_ref();
        Pdb {
            namespace: pdb.metadata.namespace.clone().unwrap_or_default(),
            selector: pdb
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .and_then(from_label_selector)
                .filter(|s| !s.is_empty()),
            disruptions_allowed: status.map_or(0, |s| s.disruptions_allowed),
            disrupted_pods: status
                .and_then(|s| s.disrupted_pods.as_ref())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
        }
    }
}

/// A potential victim: its key, priority and start time.
#[derive(Clone, Debug)]
struct Victim {
    key: String,
    priority: i32,
    start: Option<i64>,
}

impl Victim {
    fn of(key: &str, e: &PodEntry) -> Victim {
        Victim {
            key: key.to_string(),
            priority: e.priority,
            start: e.start_time,
        }
    }

    /// `util.GetPodStartTime`: a pod not started yet counts as started now,
    /// after every pod that has.
    fn start_or_now(&self) -> i64 {
        self.start.unwrap_or(i64::MAX)
    }
}

/// `util.MoreImportantPod` as an ordering (more important first): higher
/// priority, then earlier start; the key keeps the order total.
fn more_important_first(a: &Victim, b: &Victim) -> std::cmp::Ordering {
    b.priority
        .cmp(&a.priority)
        .then_with(|| a.start_or_now().cmp(&b.start_or_now()))
        .then_with(|| a.key.cmp(&b.key))
}

/// `filterPodsWithPDBViolation`: splits `victims` (order kept) into those
/// whose eviction would violate a budget and the others.
fn filter_pods_with_pdb_violation(
    victims: Vec<Victim>,
    node: &NodeInfo,
    pdbs: &Pdbs,
) -> (Vec<Victim>, Vec<Victim>) {
    let mut allowed: Vec<i32> = pdbs.values().map(|p| p.disruptions_allowed).collect();
    let (mut violating, mut non_violating) = (Vec::new(), Vec::new());
    for v in victims {
        let mut violated = false;
        let labels = node.pods().get(&v.key).map(|e| e.labels.clone());
        // A pod with no labels matches no budget.
        if let Some(l) = labels.filter(|l| !l.labels.is_empty()) {
            let name = v.key.split_once('/').map_or(v.key.as_str(), |(_, n)| n);
            for (i, pdb) in pdbs.values().enumerate() {
                if pdb.namespace != l.namespace {
                    continue;
                }
                let Some(sel) = &pdb.selector else { continue };
                if !sel.matches(Some(&l.labels)) {
                    continue;
                }
                // Already in disruptedPods: the API server has counted it.
                if pdb.disrupted_pods.contains(name) {
                    continue;
                }
                allowed[i] -= 1;
                if allowed[i] < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(v);
        } else {
            non_violating.push(v);
        }
    }
    (violating, non_violating)
}

struct Candidate {
    node: String,
    /// Most important first.
    victims: Vec<Victim>,
    num_pdb_violations: i64,
}

/// `SelectVictimsOnNode`: `Ok((victims, PDB violations))` or the node's
/// status.
fn select_victims_on_node(
    profile: &Profile,
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Result<(Vec<Victim>, i64), Status> {
    let prio = pod_priority(pod);
    let mut potential: Vec<Victim> = node
        .pods()
        .iter()
        .filter(|(_, e)| e.priority < prio)
        .map(|(k, e)| Victim::of(k, e))
        .collect();
    if potential.is_empty() {
        return Err(Status::new(
            Code::UnschedulableAndUnresolvable,
            NAME,
            NO_VICTIMS,
        ));
    }
    let mut scratch = node.clone();
    let mut removed = BTreeMap::new();
    for v in &potential {
        if let Some(e) = scratch.remove_pod_key(&v.key) {
            removed.insert(v.key.clone(), e);
        }
    }
    let st = run_filter_plugins(profile, state, pod, &scratch);
    if !st.is_success() {
        return Err(st);
    }
    // Reprieve as many as possible, most important first: the victims whose
    // eviction would violate a budget, then the others.
    potential.sort_by(more_important_first);
    let (violating, non_violating) = filter_pods_with_pdb_violation(potential, node, &state.pdbs);
    let both = !violating.is_empty() && !non_violating.is_empty();
    let mut victims = Vec::new();
    let mut num_violating = 0;
    let mut reprieve = |v: Victim, victims: &mut Vec<Victim>| -> bool {
        let Some(entry) = removed.remove(&v.key) else {
            return true;
        };
        scratch.add_entry(v.key.clone(), entry);
        let fits = run_filter_plugins(profile, state, pod, &scratch).is_success();
        if !fits {
            scratch.remove_pod_key(&v.key);
            victims.push(v);
        }
        fits
    };
    for v in violating {
        if !reprieve(v, &mut victims) {
            num_violating += 1;
        }
    }
    for v in non_violating {
        reprieve(v, &mut victims);
    }
    if both {
        victims.sort_by(more_important_first);
    }
    Ok((victims, num_violating))
}

/// `pickOneNodeForPreemption` with its default score functions, each
/// keeping the candidates with the best score until one is left.
fn pick_one_node_for_preemption(candidates: &[Candidate]) -> Option<&Candidate> {
    type ScoreFn = fn(&Candidate) -> i64;
    let score_fns: [ScoreFn; 5] = [
        // Fewest PDB violations.
        |c| -c.num_pdb_violations,
        // Lowest highest-priority victim (victims are most important first).
        |c| -i64::from(c.victims.first().map_or(i32::MIN, |v| v.priority)),
        // Smallest sum of priorities, each shifted by MaxInt32+1 to be >= 0.
        |c| {
            -c.victims
                .iter()
                .map(|v| i64::from(v.priority) + i64::from(i32::MAX) + 1)
                .sum::<i64>()
        },
        // Fewest victims.
        |c| -(c.victims.len() as i64),
        // Latest start among the highest-priority victims
        // (GetEarliestPodStartTime: the earliest of those).
        |c| {
            let top = c.victims.iter().map(|v| v.priority).max();
            c.victims
                .iter()
                .filter(|v| Some(v.priority) == top)
                .map(Victim::start_or_now)
                .min()
                .unwrap_or(i64::MIN)
        },
    ];
    let mut all: Vec<&Candidate> = candidates.iter().collect();
    for f in score_fns {
        let best = all.iter().map(|c| f(c)).max()?;
        all.retain(|c| f(c) == best);
        if all.len() == 1 {
            break;
        }
    }
    all.first().copied()
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
                Ok((victims, num_pdb_violations)) if !victims.is_empty() => {
                    candidates.push(Candidate {
                        node: node.name().to_string(),
                        victims,
                        num_pdb_violations,
                    })
                }
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
        let best = pick_one_node_for_preemption(&candidates).expect("candidates is not empty");
        (
            Some(PostFilterResult {
                nominated_node_name: best.node.clone(),
                victims: best.victims.iter().map(|v| v.key.clone()).collect(),
            }),
            Status::success(),
        )
    }
}
