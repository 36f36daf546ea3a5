//! PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread,
//! v1.32: `common.go`, `filtering.go`, `scoring.go`).
//!
//! Constraints come from `spec.topologySpreadConstraints`; a pod with none
//! gets the cluster-level *system default* constraints (`hostname` maxSkew 3
//! and `zone` maxSkew 5, both ScheduleAnyway) over the selector of the
//! Services, ReplicaSets, ReplicationControllers and StatefulSets that select
//! it (`helper.DefaultSelector`; the caller computes it, see
//! [`crate::scheduler::framework::SchedulerState::default_spread_selector`]).
//! `matchLabelKeys` are merged into the selector with the pod's values.
//! `nodeAffinityPolicy` defaults to Honor (only nodes passing the pod's
//! nodeSelector / required node affinity count), `nodeTaintsPolicy` to Ignore.
//! Terminating pods and pods of other namespaces do not count.
//!
//! Filter (DoNotSchedule): for each constraint the node must carry the
//! topology key (`node(s) didn't match pod topology spread constraints
//! (missing required label)`, UnschedulableAndUnresolvable) and
//! `matching pods in the node's domain + (1 if the pod matches itself) -
//! global minimum` must not exceed maxSkew (`node(s) didn't match pod topology
//! spread constraints`, Unschedulable); the minimum is 0 while fewer than
//! `minDomains` domains exist.
//!
//! Score (ScheduleAnyway): per constraint `count * log(domains + 2) +
//! (maxSkew - 1)`, rounded; normalized as `100 * (max + min - s) / max`
//! (fewer matching pods is better), nodes missing a topology key score 0.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::core::{Pod, TopologySpreadConstraint};
use crate::api::selector::{from_label_selector, Requirement, Selector};
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, GroupMemo, NodeInfo, NormalizeScorePlugin, Plugin, PodLabels,
    PreFilterPlugin, PreFilterResult, ScorePlugin, Status, MAX_NODE_SCORE,
};

use super::helper::find_matching_untolerated_taint;
use super::node_affinity::required_matches;

/// The PodTopologySpread plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct PodTopologySpread;

/// The plugin's name.
pub const NAME: &str = "PodTopologySpread";
/// `ErrReasonConstraintsNotMatch`.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `ErrReasonNodeLabelNotMatch`.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// `v1.LabelHostname`.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `v1.LabelTopologyZone`.
pub const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// One constraint, parsed (`topologySpreadConstraint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// maxSkew.
    pub max_skew: i64,
    /// topologyKey.
    pub topology_key: String,
    /// Which well-known key `topology_key` is (compared once, not per node).
    pub key_kind: KeyKind,
    /// The selector (with matchLabelKeys merged); `None` matches nothing.
    pub selector: Option<Selector>,
    /// minDomains (1 when unset).
    pub min_domains: i64,
    /// nodeAffinityPolicy is Honor.
    pub honor_node_affinity: bool,
    /// nodeTaintsPolicy is Honor.
    pub honor_node_taints: bool,
}

/// The topology keys NodeInfo keeps at hand (see [`NodeInfo::hostname`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// `kubernetes.io/hostname`.
    Hostname,
    /// `topology.kubernetes.io/zone`.
    Zone,
    /// Any other label.
    Other,
}

impl KeyKind {
    fn of(key: &str) -> KeyKind {
        match key {
            LABEL_HOSTNAME => KeyKind::Hostname,
            LABEL_TOPOLOGY_ZONE => KeyKind::Zone,
            _ => KeyKind::Other,
        }
    }
}

/// The node's value for the constraint's topology key.
fn node_value<'a>(node: &'a NodeInfo, c: &Constraint) -> Option<&'a str> {
    match c.key_kind {
        KeyKind::Hostname => node.hostname(),
        KeyKind::Zone => node.zone(),
        KeyKind::Other => node.labels().get(&c.topology_key).map(String::as_str),
    }
}

/// `systemDefaultConstraints` (v1.32, pkg/scheduler/framework/plugins/
/// podtopologyspread/plugin.go): hostname maxSkew 3, zone maxSkew 5.
pub fn system_default_constraints(selector: &Selector) -> Vec<Constraint> {
    [(LABEL_HOSTNAME, 3), (LABEL_TOPOLOGY_ZONE, 5)]
        .into_iter()
        .map(|(k, skew)| Constraint {
            max_skew: skew,
            topology_key: k.to_string(),
            key_kind: KeyKind::of(k),
            selector: Some(selector.clone()),
            min_domains: 1,
            honor_node_affinity: true,
            honor_node_taints: false,
        })
        .collect()
}

fn parse_constraint(c: &TopologySpreadConstraint, pod: &Pod) -> Constraint {
    let mut selector = c.label_selector.as_ref().and_then(from_label_selector);
    let pod_labels = pod.metadata.labels.as_ref();
    if let (Some(sel), Some(keys)) = (selector.as_mut(), c.match_label_keys.as_ref()) {
        for k in keys {
            if let Some(v) = pod_labels.and_then(|l| l.get(k)) {
                sel.0.push(Requirement::In(k.clone(), vec![v.clone()]));
            }
        }
    }
    Constraint {
        max_skew: i64::from(c.max_skew),
        topology_key: c.topology_key.clone(),
        key_kind: KeyKind::of(&c.topology_key),
        selector,
        min_domains: i64::from(c.min_domains.unwrap_or(1)),
        honor_node_affinity: c.node_affinity_policy.as_deref().unwrap_or("Honor") == "Honor",
        honor_node_taints: c.node_taints_policy.as_deref().unwrap_or("Ignore") == "Honor",
    }
}

/// `getConstraints` for one `whenUnsatisfiable` action: the pod's own, or
/// (only when it has none at all) the system defaults, which are all
/// ScheduleAnyway.
fn constraints(pod: &Pod, action: &str, default_selector: Option<&Selector>) -> Vec<Constraint> {
    let own = pod
        .spec
        .as_ref()
        .and_then(|s| s.topology_spread_constraints.as_deref())
        .unwrap_or(&[]);
    if !own.is_empty() {
        return own
            .iter()
            .filter(|c| c.when_unsatisfiable == action)
            .map(|c| parse_constraint(c, pod))
            .collect();
    }
    match default_selector {
        Some(sel) if action == "ScheduleAnyway" && !sel.is_empty() => {
            system_default_constraints(sel)
        }
        _ => Vec::new(),
    }
}

fn has_own_constraints(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.topology_spread_constraints.as_ref())
        .is_some_and(|c| !c.is_empty())
}

/// `matchNodeInclusionPolicies`.
fn node_included(c: &Constraint, pod: &Pod, node: &NodeInfo) -> bool {
    if c.honor_node_affinity && !required_matches(pod, node) {
        return false;
    }
    if c.honor_node_taints {
        let tols = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or(&[]);
        if find_matching_untolerated_taint(node.taints(), tols, |t| {
            t.effect == "NoSchedule" || t.effect == "NoExecute"
        })
        .is_some()
        {
            return false;
        }
    }
    true
}

fn has_all_keys(node: &NodeInfo, cs: &[Constraint]) -> bool {
    cs.iter().all(|c| node_value(node, c).is_some())
}

/// `countPodsMatchSelector`: non-terminating pods of `namespace` matching.
fn count_matching(node: &NodeInfo, c: &Constraint, namespace: &str, memo: &mut GroupMemo) -> i64 {
    let Some(sel) = c.selector.as_ref() else {
        return 0;
    };
    let mut n = 0;
    for (g, count) in node.label_groups() {
        let live = count.all - count.terminating;
        if live == 0 {
            continue;
        }
        // The namespace is part of the group: checked once per group.
        if memo.get(g, |p: &PodLabels| {
            p.namespace == namespace && sel.matches(Some(&p.labels))
        }) {
            n += i64::from(live);
        }
    }
    n
}

fn pod_namespace(pod: &Pod) -> &str {
    pod.metadata.namespace.as_deref().unwrap_or("default")
}

type TopologyPair = (String, String);

/// PreFilter's result (upstream's `preFilterState`).
#[derive(Clone, Debug, Default)]
pub struct PreFilterState {
    constraints: Vec<Constraint>,
    tp_value_to_match_num: BTreeMap<TopologyPair, i64>,
    tp_key_to_domains_num: BTreeMap<String, i64>,
    /// The global minimum per key (`criticalPaths[0]`).
    min_match: BTreeMap<String, i64>,
}

impl PreFilterPlugin for PodTopologySpread {
    fn pre_filter(&self, _state: &mut CycleState, _pod: &Pod) -> (Option<PreFilterResult>, Status) {
        (None, Status::success())
    }

    fn pre_filter_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
    ) -> (Option<PreFilterResult>, Status) {
        let cs = constraints(pod, "DoNotSchedule", None);
        if cs.is_empty() {
            return (None, Status::skip(NAME));
        }
        let ns = pod_namespace(pod);
        let mut s = PreFilterState::default();
        let mut memos = vec![GroupMemo::default(); cs.len()];
        for node in nodes {
            if !has_all_keys(node, &cs) {
                continue;
            }
            for (c, memo) in cs.iter().zip(memos.iter_mut()) {
                if !node_included(c, pod, node) {
                    continue;
                }
                let v = node_value(node, c).unwrap_or_default().to_string();
                let n = count_matching(node, c, ns, memo);
                *s.tp_value_to_match_num
                    .entry((c.topology_key.clone(), v))
                    .or_insert(0) += n;
            }
        }
        for ((k, _), n) in &s.tp_value_to_match_num {
            *s.tp_key_to_domains_num.entry(k.clone()).or_insert(0) += 1;
            let m = s.min_match.entry(k.clone()).or_insert(i64::MAX);
            *m = (*m).min(*n);
        }
        s.constraints = cs;
        state.pod_topology_spread = Some(Box::new(s));
        (None, Status::success())
    }
}

impl FilterPlugin for PodTopologySpread {
    fn filter(&self, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = state.pod_topology_spread.as_deref() else {
            return Status::success();
        };
        let labels = pod.metadata.labels.as_ref();
        for c in &s.constraints {
            let Some(v) = node_value(node, c) else {
                return Status::new(
                    Code::UnschedulableAndUnresolvable,
                    NAME,
                    ERR_REASON_NODE_LABEL_NOT_MATCH,
                );
            };
            // minMatchNum: 0 while there are fewer domains than minDomains.
            let mut min = s.min_match.get(&c.topology_key).copied().unwrap_or(0);
            if min == i64::MAX {
                min = 0;
            }
            let domains = s
                .tp_key_to_domains_num
                .get(&c.topology_key)
                .copied()
                .unwrap_or(0);
            if domains < c.min_domains {
                min = 0;
            }
            let self_match = i64::from(c.selector.as_ref().is_some_and(|sel| sel.matches(labels)));
            let match_num = s
                .tp_value_to_match_num
                .get(&(c.topology_key.clone(), v.to_string()))
                .copied()
                .unwrap_or(0);
            if match_num + self_match - min > c.max_skew {
                return Status::new(Code::Unschedulable, NAME, ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }
}

/// PreScore's result (upstream's `preScoreState`). Per-node data is kept by
/// position in the feasible list, as Score and NormalizeScore see it.
#[derive(Clone, Debug, Default)]
pub struct PreScoreState {
    constraints: Vec<Constraint>,
    /// The feasible nodes, by the address of their shared name
    /// (`NodeInfo::name_arc`): only [`ScorePlugin::score`] by node needs it.
    feasible_keys: Vec<usize>,
    /// How many feasible nodes are ignored for a missing topology key.
    ignored: usize,
    /// Which, by position in the feasible list.
    ignored_pos: Vec<bool>,
    /// Per constraint (non-hostname), matching pods by topology value
    /// (`TopologyPairToPodCounts`).
    pair_counts: Vec<BTreeMap<String, i64>>,
    topology_normalizing_weight: Vec<f64>,
    /// Per hostname constraint, the matching pods of each feasible node by
    /// position (upstream counts them in Score; counted here once, with one
    /// memo).
    host_counts: Vec<Vec<i64>>,
}

fn node_key(node: &NodeInfo) -> usize {
    Arc::as_ptr(node.name_arc()) as *const u8 as usize
}

/// Score of the `k`th feasible node (`scoreForCount` summed over the
/// constraints).
fn score_at(s: &PreScoreState, node: &NodeInfo, k: usize) -> i64 {
    if s.ignored_pos[k] {
        return 0;
    }
    let mut score = 0.0f64;
    for (i, c) in s.constraints.iter().enumerate() {
        let Some(v) = node_value(node, c) else {
            continue;
        };
        let cnt = if c.key_kind == KeyKind::Hostname {
            s.host_counts[i][k]
        } else {
            s.pair_counts[i].get(v).copied().unwrap_or(0)
        };
        score += cnt as f64 * s.topology_normalizing_weight[i] + (c.max_skew - 1) as f64;
    }
    score.round() as i64
}

impl ScorePlugin for PodTopologySpread {
    fn pre_score(&self, _state: &mut CycleState, _pod: &Pod) -> Status {
        Status::success()
    }

    fn pre_score_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
        feasible: &[usize],
    ) -> Status {
        if feasible.is_empty() || nodes.is_empty() {
            return Status::success();
        }
        let cs = constraints(
            pod,
            "ScheduleAnyway",
            state.default_spread_selector.as_deref(),
        );
        if cs.is_empty() {
            return Status::skip(NAME);
        }
        // Only the pod's own constraints require every topology key; with
        // the system defaults a node without a zone still spreads by host.
        let require_all = has_own_constraints(pod);
        let mut s = PreScoreState {
            feasible_keys: feasible.iter().map(|&i| node_key(&nodes[i])).collect(),
            ignored_pos: vec![false; feasible.len()],
            pair_counts: vec![BTreeMap::new(); cs.len()],
            host_counts: vec![Vec::new(); cs.len()],
            ..PreScoreState::default()
        };
        let mut topo_size = vec![0usize; cs.len()];
        // Whether some feasible node carries the key: otherwise Score never
        // reads the counts of that constraint.
        let mut needed = vec![false; cs.len()];
        let mut empty_seen = vec![false; cs.len()];
        for (k, &i) in feasible.iter().enumerate() {
            let node = &nodes[i];
            if require_all && !has_all_keys(node, &cs) {
                s.ignored += 1;
                s.ignored_pos[k] = true;
                continue;
            }
            for (j, c) in cs.iter().enumerate() {
                if c.key_kind == KeyKind::Hostname {
                    continue;
                }
                // Upstream registers the pair even for a node without the
                // key (value ""): it counts as a domain for the weight.
                let v = match node_value(node, c) {
                    Some(v) => {
                        needed[j] = true;
                        v
                    }
                    // Most clusters have no zone label: register the ""
                    // pair once, not a map lookup per node.
                    None if empty_seen[j] => continue,
                    None => {
                        empty_seen[j] = true;
                        ""
                    }
                };
                if !s.pair_counts[j].contains_key(v) {
                    s.pair_counts[j].insert(v.to_string(), 0);
                    topo_size[j] += 1;
                }
            }
        }
        s.topology_normalizing_weight = cs
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let size = if c.key_kind == KeyKind::Hostname {
                    feasible.len() - s.ignored
                } else {
                    topo_size[j]
                };
                ((size + 2) as f64).ln()
            })
            .collect();
        let ns = pod_namespace(pod);
        let mut memos = vec![GroupMemo::default(); cs.len()];
        for (j, c) in cs.iter().enumerate() {
            if c.key_kind == KeyKind::Hostname || !needed[j] {
                continue;
            }
            for node in nodes {
                if require_all && !has_all_keys(node, &cs) {
                    continue;
                }
                // A node without the key adds to the "" pair, which Score
                // never reads (it needs the label): skip the count.
                let Some(v) = node_value(node, c) else {
                    continue;
                };
                let Some(e) = s.pair_counts[j].get_mut(v) else {
                    continue;
                };
                if node_included(c, pod, node) {
                    *e += count_matching(node, c, ns, &mut memos[j]);
                }
            }
        }
        for (j, c) in cs.iter().enumerate() {
            if c.key_kind != KeyKind::Hostname {
                continue;
            }
            s.host_counts[j] = feasible
                .iter()
                .map(|&i| {
                    let node = &nodes[i];
                    if node.hostname().is_some() {
                        count_matching(node, c, ns, &mut memos[j])
                    } else {
                        0
                    }
                })
                .collect();
        }
        s.constraints = cs;
        state.pod_topology_spread_score = Some(Box::new(s));
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let Some(s) = state.pod_topology_spread_score.as_deref() else {
            return 0;
        };
        let key = node_key(node);
        match s.feasible_keys.iter().position(|&k| k == key) {
            Some(k) => score_at(s, node, k),
            None => 0,
        }
    }

    fn score_feasible(
        &self,
        state: &CycleState,
        _pod: &Pod,
        nodes: &[NodeInfo],
        index: usize,
        k: usize,
    ) -> i64 {
        match state.pod_topology_spread_score.as_deref() {
            Some(s) => score_at(s, &nodes[index], k),
            None => 0,
        }
    }

    fn score_extensions(&self) -> Option<&dyn NormalizeScorePlugin> {
        Some(self)
    }
}

impl NormalizeScorePlugin for PodTopologySpread {
    fn normalize_score(&self, state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        let Some(s) = state.pod_topology_spread_score.as_deref() else {
            return;
        };
        let is_ignored = |i: usize| s.ignored_pos.get(i).copied().unwrap_or(false);
        let mut min = i64::MAX;
        let mut max = 0;
        for (i, &v) in scores.iter().enumerate() {
            if is_ignored(i) {
                continue;
            }
            min = min.min(v);
            max = max.max(v);
        }
        for (i, v) in scores.iter_mut().enumerate() {
            if is_ignored(i) {
                *v = 0;
            } else if max == 0 {
                *v = MAX_NODE_SCORE;
            } else {
                *v = MAX_NODE_SCORE * (max + min - *v) / max;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::selector::parse;
    use crate::scheduler::framework::{NodeInfo, SchedulerState};
    use crate::scheduler::plugins::testing::{node, pod, run, run_with};
    use serde_json::{json, Value};

    fn spread(key: &str, skew: i32, when: &str, extra: Value) -> Value {
        let mut c = json!({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": {"app": "web"}}});
        crate::scheduler::plugins::testing::merge(&mut c, extra);
        json!({"spec": {"topologySpreadConstraints": [c]}})
    }

    fn web(name: &str) -> Pod {
        pod(name, json!({"app": "web"}), json!({}))
    }

    #[test]
    fn max_skew_one_across_two_nodes() {
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&web("a")]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod(
            "b",
            json!({"app": "web"}),
            spread(LABEL_HOSTNAME, 1, "DoNotSchedule", json!({})),
        );
        let mut cs = CycleState::default();
        let (_, st) = PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(st.is_success());
        // n1: 1 + 1 - 0 = 2 > 1.
        let st = PodTopologySpread.filter(&cs, &p, &nodes[0]);
        assert_eq!(st.code, Code::Unschedulable);
        assert_eq!(
            st.reasons,
            vec![ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string()]
        );
        assert!(PodTopologySpread.filter(&cs, &p, &nodes[1]).is_success());
        assert_eq!(run(&p, &nodes).unwrap().node_name, "n2");
    }

    #[test]
    fn a_node_without_the_key_is_unresolvable() {
        let nodes = vec![
            NodeInfo::new(&node("n1", json!({LABEL_TOPOLOGY_ZONE: "a"}))),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod(
            "b",
            json!({"app": "web"}),
            spread(LABEL_TOPOLOGY_ZONE, 1, "DoNotSchedule", json!({})),
        );
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        let st = PodTopologySpread.filter(&cs, &p, &nodes[1]);
        assert_eq!(st.code, Code::UnschedulableAndUnresolvable);
        assert_eq!(
            st.reasons,
            vec![ERR_REASON_NODE_LABEL_NOT_MATCH.to_string()]
        );
        assert!(PodTopologySpread.filter(&cs, &p, &nodes[0]).is_success());
    }

    #[test]
    fn min_domains_counts_missing_domains_as_zero() {
        // Two zones with 1 and 2 pods: with minDomains 3 the global minimum
        // is 0, so zone a (1 + 1 - 0 = 2 > 1) is rejected too.
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({LABEL_TOPOLOGY_ZONE: "a"})), [&web("a1")]),
            NodeInfo::with_pods(
                &node("n2", json!({LABEL_TOPOLOGY_ZONE: "b"})),
                [&web("b1"), &web("b2")],
            ),
        ];
        let without = pod(
            "p",
            json!({"app": "web"}),
            spread(LABEL_TOPOLOGY_ZONE, 1, "DoNotSchedule", json!({})),
        );
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &without, &nodes);
        assert!(PodTopologySpread
            .filter(&cs, &without, &nodes[0])
            .is_success());
        let with = pod(
            "p",
            json!({"app": "web"}),
            spread(
                LABEL_TOPOLOGY_ZONE,
                1,
                "DoNotSchedule",
                json!({"minDomains": 3}),
            ),
        );
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &with, &nodes);
        assert!(!PodTopologySpread.filter(&cs, &with, &nodes[0]).is_success());
    }

    #[test]
    fn node_affinity_policy_honor_ignores_nodes_the_pod_cannot_use() {
        // n2 (not selected by nodeSelector) holds no pod: with Honor it is
        // not a domain, so the minimum is n1's 1 and n1 is allowed.
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({"pool": "x"})), [&web("a")]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let mut p = pod(
            "b",
            json!({"app": "web"}),
            spread(LABEL_HOSTNAME, 1, "DoNotSchedule", json!({})),
        );
        p.spec.as_mut().unwrap().node_selector = Some([("pool".into(), "x".into())].into());
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(PodTopologySpread.filter(&cs, &p, &nodes[0]).is_success());
        // Ignore: n2 counts as an empty domain.
        p.spec
            .as_mut()
            .unwrap()
            .topology_spread_constraints
            .as_mut()
            .unwrap()[0]
            .node_affinity_policy = Some("Ignore".into());
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(!PodTopologySpread.filter(&cs, &p, &nodes[0]).is_success());
    }

    #[test]
    fn match_label_keys_narrow_the_selector_to_the_pods_revision() {
        let old = pod("o", json!({"app": "web", "rev": "1"}), json!({}));
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&old]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod(
            "n",
            json!({"app": "web", "rev": "2"}),
            spread(
                LABEL_HOSTNAME,
                1,
                "DoNotSchedule",
                json!({"matchLabelKeys": ["rev"]}),
            ),
        );
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        // The rev=1 pod does not count, so n1 is as good as n2.
        assert!(PodTopologySpread.filter(&cs, &p, &nodes[0]).is_success());
    }

    #[test]
    fn schedule_anyway_scores_fewer_matching_pods_higher() {
        // scoring_test.go arithmetic: hostname counts 2 and 0 over 2 nodes,
        // weight ln(2 + 2); score = cnt * w + (maxSkew - 1).
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&web("a"), &web("b")]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod(
            "c",
            json!({"app": "web"}),
            spread(LABEL_HOSTNAME, 1, "ScheduleAnyway", json!({})),
        );
        let mut cs = CycleState::default();
        assert!(PodTopologySpread
            .pre_score_nodes(&mut cs, &p, &nodes, &[0, 1])
            .is_success());
        let mut s: Vec<i64> = nodes
            .iter()
            .map(|n| PodTopologySpread.score(&cs, &p, n))
            .collect();
        assert_eq!(s, vec![(2.0 * 4f64.ln()).round() as i64, 0]);
        PodTopologySpread.normalize_score(&cs, &p, &mut s);
        // 100 * (max + min - s) / max.
        assert_eq!(s, vec![0, 100]);
    }

    #[test]
    fn system_default_constraints_spread_pods_of_one_controller() {
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&web("a")]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = web("b");
        // Without a default selector (no owner, no Service) the plugin skips.
        let mut cs = CycleState::default();
        assert!(PodTopologySpread
            .pre_score_nodes(&mut cs, &p, &nodes, &[0, 1])
            .is_skip());
        let state = SchedulerState {
            default_spread_selector: Some(Arc::new(parse("app=web").unwrap())),
            ..SchedulerState::default()
        };
        let r = run_with(&p, &nodes, state).unwrap();
        assert_eq!(r.node_name, "n2");
        let (name, _, normalized, weight) = r
            .diagnosis
            .node_plugin_raw_scores(0)
            .find(|s| s.0 == NAME)
            .unwrap();
        assert_eq!((name, weight), (NAME, 2));
        // hostname maxSkew 3: n1 = 1 * ln(4) + 2 → 3, n2 = 0 + 2 → 2;
        // zone: no node has one, so it does not score.
        assert_eq!(normalized, 100 * (3 + 2 - 3) / 3);
        assert_eq!(
            system_default_constraints(&Selector::default())[0].max_skew,
            3
        );
        assert_eq!(
            system_default_constraints(&Selector::default())[1].max_skew,
            5
        );
    }

    #[test]
    fn terminating_and_other_namespace_pods_do_not_count() {
        let mut gone = web("gone");
        gone.metadata.deletion_timestamp = Some(crate::api::meta::Time(Default::default()));
        let mut elsewhere = web("elsewhere");
        elsewhere.metadata.namespace = Some("other".into());
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&gone, &elsewhere]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod(
            "b",
            json!({"app": "web"}),
            spread(LABEL_HOSTNAME, 1, "DoNotSchedule", json!({})),
        );
        let mut cs = CycleState::default();
        PodTopologySpread.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(PodTopologySpread.filter(&cs, &p, &nodes[0]).is_success());
    }
}
