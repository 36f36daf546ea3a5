//! InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity,
//! v1.32: `filtering.go`, `scoring.go`; the term type is
//! `framework.AffinityTerm` in pkg/scheduler/framework/types.go).
//!
//! PreFilter counts, per topology pair (`topologyKey=value` of a node):
//! the existing pods whose *required anti-affinity* matches the incoming pod
//! (`existingAntiAffinityCounts`), and the existing pods matching the incoming
//! pod's required affinity terms (all of them, `affinityCounts`) and each of
//! its required anti-affinity terms (`antiAffinityCounts`). Filter checks, in
//! upstream's order:
//!
//! 1. every required affinity term has a matching pod in the node's domain
//!    (`node(s) didn't match pod affinity rules`, UnschedulableAndUnresolvable;
//!    the first pod of a series that matches its own terms is let through
//!    when no pod matches anywhere);
//! 2. no required anti-affinity term has a matching pod in the node's domain
//!    (`node(s) didn't match pod anti-affinity rules`, Unschedulable);
//! 3. no existing pod's required anti-affinity forbids the node's domains
//!    (`node(s) didn't satisfy existing pods anti-affinity rules`, Unschedulable).
//!
//! Score: preferred terms of the incoming pod against existing pods, and
//! existing pods' preferred terms (and required affinity terms, with
//! `hardPodAffinityWeight` 1) against the incoming pod, summed per topology
//! pair; normalized as `100 * (score - min) / (max - min)`.
//!
//! A term applies to the namespaces it lists, plus those its
//! `namespaceSelector` selects (`{}` selects all); with neither, the pod's own
//! namespace. Not modelled: `matchLabelKeys`/`mismatchLabelKeys` (the API
//! server merges them into the selector in v1.32; here they are ignored), and
//! the AddPod/RemovePod PreFilter extensions used by preemption's dry run.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::core::{Pod, PodAffinityTerm, WeightedPodAffinityTerm};
use crate::api::selector::{from_label_selector, Selector};
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, GroupMemo, NamespaceLabels, NodeInfo, NormalizeScorePlugin,
    Plugin, PodLabels, PreFilterPlugin, PreFilterResult, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The InterPodAffinity plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct InterPodAffinity;

/// The plugin's name.
pub const NAME: &str = "InterPodAffinity";
/// `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
/// `DefaultHardPodAffinityWeight` (InterPodAffinityArgs).
pub const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

impl Plugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// One parsed pod (anti-)affinity term (`framework.AffinityTerm`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityTerm {
    /// Namespaces listed (or the pod's own when neither list nor selector).
    pub namespaces: BTreeSet<String>,
    /// The namespace selector (`None`: nothing).
    pub namespace_selector: Option<Selector>,
    /// The label selector (`None`: nil or invalid, matches nothing).
    pub selector: Option<Selector>,
    /// The topology key.
    pub topology_key: String,
}

impl AffinityTerm {
    fn parse(t: &PodAffinityTerm, pod_namespace: &str) -> AffinityTerm {
        let mut namespaces: BTreeSet<String> = t.namespaces.iter().flatten().cloned().collect();
        let namespace_selector = t.namespace_selector.as_ref().and_then(from_label_selector);
        if namespaces.is_empty() && t.namespace_selector.is_none() {
            namespaces.insert(pod_namespace.to_string());
        }
        AffinityTerm {
            namespaces,
            namespace_selector,
            selector: t.label_selector.as_ref().and_then(from_label_selector),
            topology_key: t.topology_key.clone(),
        }
    }

    /// `AffinityTerm.Matches`: the pod's namespace is one of the term's (or
    /// selected by its namespace selector) and its labels match.
    pub fn matches(&self, pod: &PodLabels, ns_labels: &NamespaceLabels) -> bool {
        let ns_ok = self.namespaces.contains(&pod.namespace)
            || self
                .namespace_selector
                .as_ref()
                .is_some_and(|s| s.matches(ns_labels.get(&pod.namespace)));
        ns_ok
            && self
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(Some(&pod.labels)))
    }
}

/// A preferred term with its weight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedAffinityTerm {
    /// The term.
    pub term: AffinityTerm,
    /// Its weight (1..=100).
    pub weight: i64,
}

/// A pod's parsed pod affinity and anti-affinity (the `PodInfo` fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodAffinityTerms {
    /// `requiredDuringScheduling...` of podAffinity.
    pub required_affinity: Vec<AffinityTerm>,
    /// `requiredDuringScheduling...` of podAntiAffinity.
    pub required_anti_affinity: Vec<AffinityTerm>,
    /// `preferredDuringScheduling...` of podAffinity.
    pub preferred_affinity: Vec<WeightedAffinityTerm>,
    /// `preferredDuringScheduling...` of podAntiAffinity.
    pub preferred_anti_affinity: Vec<WeightedAffinityTerm>,
}

impl PodAffinityTerms {
    /// Parses a pod's terms; `None` when it has none.
    pub fn of(pod: &Pod) -> Option<PodAffinityTerms> {
        let a = pod.spec.as_ref()?.affinity.as_ref()?;
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let req = |ts: Option<&Vec<PodAffinityTerm>>| -> Vec<AffinityTerm> {
            ts.into_iter()
                .flatten()
                .map(|t| AffinityTerm::parse(t, ns))
                .collect()
        };
        let pref = |ts: Option<&Vec<WeightedPodAffinityTerm>>| -> Vec<WeightedAffinityTerm> {
            ts.into_iter()
                .flatten()
                .filter(|t| t.weight != 0)
                .map(|t| WeightedAffinityTerm {
                    term: AffinityTerm::parse(&t.pod_affinity_term, ns),
                    weight: i64::from(t.weight),
                })
                .collect()
        };
        let pa = a.pod_affinity.as_ref();
        let paa = a.pod_anti_affinity.as_ref();
        let terms = PodAffinityTerms {
            required_affinity: req(pa.and_then(|x| {
                x.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            required_anti_affinity: req(paa.and_then(|x| {
                x.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            preferred_affinity: pref(pa.and_then(|x| {
                x.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            preferred_anti_affinity: pref(paa.and_then(|x| {
                x.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
        };
        (!terms.is_empty()).then_some(terms)
    }

    fn is_empty(&self) -> bool {
        self.required_affinity.is_empty()
            && self.required_anti_affinity.is_empty()
            && self.preferred_affinity.is_empty()
            && self.preferred_anti_affinity.is_empty()
    }

    /// Whether any term is required anti-affinity.
    pub fn has_required_anti_affinity(&self) -> bool {
        !self.required_anti_affinity.is_empty()
    }
}

type TopologyPair = (String, String);

/// What PreFilter computed (upstream's `preFilterState`).
#[derive(Clone, Debug, Default)]
pub struct PreFilterState {
    terms: Option<Arc<PodAffinityTerms>>,
    existing_anti_affinity_counts: BTreeMap<TopologyPair, i64>,
    affinity_counts: BTreeMap<TopologyPair, i64>,
    anti_affinity_counts: BTreeMap<TopologyPair, i64>,
}

/// What PreScore computed: topology key → value → score.
#[derive(Clone, Debug, Default)]
pub struct PreScoreState {
    topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

fn pod_labels_of(pod: &Pod) -> PodLabels {
    PodLabels {
        namespace: pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
        labels: pod.metadata.labels.clone().unwrap_or_default(),
    }
}

fn add_pair(counts: &mut BTreeMap<TopologyPair, i64>, node: &NodeInfo, key: &str, n: i64) -> bool {
    if let Some(v) = node.labels().get(key) {
        *counts.entry((key.to_string(), v.clone())).or_insert(0) += n;
        return true;
    }
    false
}

impl PreFilterPlugin for InterPodAffinity {
    fn pre_filter(&self, _state: &mut CycleState, _pod: &Pod) -> (Option<PreFilterResult>, Status) {
        (None, Status::success())
    }

    fn pre_filter_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
    ) -> (Option<PreFilterResult>, Status) {
        let terms = PodAffinityTerms::of(pod).map(Arc::new);
        let me = pod_labels_of(pod);
        let ns_labels = state.namespace_labels.clone();
        let mut s = PreFilterState::default();
        // existingAntiAffinityCounts: only nodes with such pods.
        for node in nodes
            .iter()
            .filter(|n| n.pods_with_required_anti_affinity() > 0)
        {
            for (_, e) in node.pods_with_affinity() {
                let Some(t) = e.affinity.as_ref() else {
                    continue;
                };
                for term in &t.required_anti_affinity {
                    if term.matches(&me, &ns_labels) {
                        add_pair(
                            &mut s.existing_anti_affinity_counts,
                            node,
                            &term.topology_key,
                            1,
                        );
                    }
                }
            }
        }
        let (req_aff, req_anti) = terms
            .as_ref()
            .map(|t| (&t.required_affinity[..], &t.required_anti_affinity[..]))
            .unwrap_or((&[], &[]));
        if req_aff.is_empty() && req_anti.is_empty() && s.existing_anti_affinity_counts.is_empty() {
            return (None, Status::skip(NAME));
        }
        if !req_aff.is_empty() || !req_anti.is_empty() {
            // Matching is per label group (pods with the same namespace
            // and labels), evaluated once per attempt.
            let mut all_aff = GroupMemo::default();
            let mut anti: Vec<GroupMemo> = vec![GroupMemo::default(); req_anti.len()];
            for node in nodes {
                for (g, count) in node.label_groups() {
                    let n = i64::from(count.all);
                    if !req_aff.is_empty()
                        && all_aff.get(g, |p| req_aff.iter().all(|t| t.matches(p, &ns_labels)))
                    {
                        for t in req_aff {
                            add_pair(&mut s.affinity_counts, node, &t.topology_key, n);
                        }
                    }
                    for (t, memo) in req_anti.iter().zip(anti.iter_mut()) {
                        if memo.get(g, |p| t.matches(p, &ns_labels)) {
                            add_pair(&mut s.anti_affinity_counts, node, &t.topology_key, n);
                        }
                    }
                }
            }
        }
        s.terms = terms;
        state.inter_pod_affinity = Some(Box::new(s));
        (None, Status::success())
    }
}

impl FilterPlugin for InterPodAffinity {
    fn filter(&self, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = state.inter_pod_affinity.as_deref() else {
            return Status::success();
        };
        let empty = PodAffinityTerms::default();
        let terms = s.terms.as_deref().unwrap_or(&empty);
        // satisfyPodAffinity
        let mut pods_exist = true;
        for t in &terms.required_affinity {
            match node.labels().get(&t.topology_key) {
                None => {
                    return Status::new(
                        Code::UnschedulableAndUnresolvable,
                        NAME,
                        ERR_REASON_AFFINITY,
                    )
                }
                Some(v) => {
                    if s.affinity_counts
                        .get(&(t.topology_key.clone(), v.clone()))
                        .copied()
                        .unwrap_or(0)
                        <= 0
                    {
                        pods_exist = false;
                    }
                }
            }
        }
        if !pods_exist {
            // The first pod of a series with affinity to itself.
            let me = pod_labels_of(pod);
            let self_match = terms
                .required_affinity
                .iter()
                .all(|t| t.matches(&me, &state.namespace_labels));
            if !(s.affinity_counts.is_empty() && self_match) {
                return Status::new(
                    Code::UnschedulableAndUnresolvable,
                    NAME,
                    ERR_REASON_AFFINITY,
                );
            }
        }
        // satisfyPodAntiAffinity
        for t in &terms.required_anti_affinity {
            if let Some(v) = node.labels().get(&t.topology_key) {
                if s.anti_affinity_counts
                    .get(&(t.topology_key.clone(), v.clone()))
                    .copied()
                    .unwrap_or(0)
                    > 0
                {
                    return Status::new(Code::Unschedulable, NAME, ERR_REASON_ANTI_AFFINITY);
                }
            }
        }
        // satisfyExistingPodsAntiAffinity
        if !s.existing_anti_affinity_counts.is_empty() {
            for (k, v) in node.labels() {
                if s.existing_anti_affinity_counts
                    .get(&(k.clone(), v.clone()))
                    .copied()
                    .unwrap_or(0)
                    > 0
                {
                    return Status::new(
                        Code::Unschedulable,
                        NAME,
                        ERR_REASON_EXISTING_ANTI_AFFINITY,
                    );
                }
            }
        }
        Status::success()
    }
}

fn process_term(
    m: &mut BTreeMap<String, BTreeMap<String, i64>>,
    term: &AffinityTerm,
    weight: i64,
    pod: &PodLabels,
    ns_labels: &NamespaceLabels,
    node: &NodeInfo,
    n: i64,
) {
    if let Some(v) = node.labels().get(&term.topology_key) {
        if term.matches(pod, ns_labels) {
            *m.entry(term.topology_key.clone())
                .or_default()
                .entry(v.clone())
                .or_insert(0) += weight * n;
        }
    }
}

impl ScorePlugin for InterPodAffinity {
    fn pre_score(&self, _state: &mut CycleState, _pod: &Pod) -> Status {
        Status::success()
    }

    fn pre_score_nodes(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        nodes: &[NodeInfo],
        _feasible: &[usize],
    ) -> Status {
        let terms = PodAffinityTerms::of(pod);
        let has_constraints = terms.as_ref().is_some_and(|t| {
            !t.preferred_affinity.is_empty() || !t.preferred_anti_affinity.is_empty()
        });
        let me = pod_labels_of(pod);
        let ns_labels = state.namespace_labels.clone();
        let mut m: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for node in nodes {
            if node.labels().is_empty() {
                continue;
            }
            if has_constraints {
                // The incoming pod's preferred terms against every pod, per
                // label group.
                let t = terms.as_ref().expect("has_constraints implies terms");
                for (g, count) in node.label_groups() {
                    let n = i64::from(count.all);
                    for w in &t.preferred_affinity {
                        process_term(&mut m, &w.term, w.weight, g, &ns_labels, node, n);
                    }
                    for w in &t.preferred_anti_affinity {
                        process_term(&mut m, &w.term, -w.weight, g, &ns_labels, node, n);
                    }
                }
            }
            // Existing pods' terms against the incoming pod.
            if node.pods_with_affinity_count() == 0 {
                continue;
            }
            for (_, e) in node.pods_with_affinity() {
                let Some(t) = e.affinity.as_ref() else {
                    continue;
                };
                for term in &t.required_affinity {
                    process_term(
                        &mut m,
                        term,
                        HARD_POD_AFFINITY_WEIGHT,
                        &me,
                        &ns_labels,
                        node,
                        1,
                    );
                }
                for w in &t.preferred_affinity {
                    process_term(&mut m, &w.term, w.weight, &me, &ns_labels, node, 1);
                }
                for w in &t.preferred_anti_affinity {
                    process_term(&mut m, &w.term, -w.weight, &me, &ns_labels, node, 1);
                }
            }
        }
        if m.is_empty() {
            return Status::skip(NAME);
        }
        state.inter_pod_affinity_score = Some(Box::new(PreScoreState { topology_score: m }));
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let Some(s) = state.inter_pod_affinity_score.as_deref() else {
            return 0;
        };
        let mut score = 0;
        for (k, values) in &s.topology_score {
            if let Some(v) = node.labels().get(k) {
                score += values.get(v).copied().unwrap_or(0);
            }
        }
        score
    }

    fn score_extensions(&self) -> Option<&dyn NormalizeScorePlugin> {
        Some(self)
    }
}

impl NormalizeScorePlugin for InterPodAffinity {
    fn normalize_score(&self, state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        if state.inter_pod_affinity_score.is_none() {
            return;
        }
        let max = scores.iter().copied().max().unwrap_or(0);
        let min = scores.iter().copied().min().unwrap_or(0);
        let diff = max - min;
        for s in scores.iter_mut() {
            *s = if diff > 0 {
                // int64(float64(MaxNodeScore) * (float64(s-min) / float64(diff)))
                (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
            } else {
                0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::framework::{NodeInfo, SchedulerState};
    use crate::scheduler::plugins::testing::{node, pod, run, run_with};
    use serde_json::{json, Value};

    fn anti(labels: Value, key: &str) -> Value {
        json!({"spec": {"affinity": {"podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": labels}, "topologyKey": key}]}}}})
    }

    fn affinity(labels: Value, key: &str) -> Value {
        json!({"spec": {"affinity": {"podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": labels}, "topologyKey": key}]}}}})
    }

    const HOST: &str = "kubernetes.io/hostname";
    const ZONE: &str = "topology.kubernetes.io/zone";

    #[test]
    fn required_anti_affinity_keeps_replicas_apart() {
        let web = |n: &str| pod(n, json!({"app": "web"}), anti(json!({"app": "web"}), HOST));
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&web("w1")]),
            NodeInfo::with_pods(&node("n2", json!({})), [&web("w2")]),
            NodeInfo::new(&node("n3", json!({}))),
        ];
        let r = run(&web("w3"), &nodes).unwrap();
        assert_eq!(r.node_name, "n3");
        let full = vec![nodes[0].clone(), nodes[1].clone()];
        let e = run(&web("w3"), &full).unwrap_err();
        // Both the incoming pod's and the existing pods' rules reject; the
        // incoming pod's is checked first.
        assert_eq!(
            e.to_string(),
            "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. \
             preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn existing_pods_anti_affinity_rejects_the_incoming_pod() {
        // filtering_test.go: "satisfies the PodAntiAffinity of existing pod".
        let guard = pod(
            "guard",
            json!({"app": "guard"}),
            anti(json!({"security": "S1"}), HOST),
        );
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&guard]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let p = pod("p", json!({"security": "S1"}), json!({}));
        let mut cs = CycleState::default();
        let (_, st) = InterPodAffinity.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(st.is_success());
        let st = InterPodAffinity.filter(&cs, &p, &nodes[0]);
        assert_eq!(st.code, Code::Unschedulable);
        assert_eq!(
            st.reasons,
            vec![ERR_REASON_EXISTING_ANTI_AFFINITY.to_string()]
        );
        assert!(InterPodAffinity.filter(&cs, &p, &nodes[1]).is_success());
        // A pod the rule does not select is not concerned: PreFilter skips.
        let other = pod("o", json!({"security": "S2"}), json!({}));
        let (_, st) = InterPodAffinity.pre_filter_nodes(&mut CycleState::default(), &other, &nodes);
        assert!(st.is_skip());
    }

    #[test]
    fn required_affinity_follows_the_topology_domain() {
        let db = pod("db", json!({"app": "db"}), json!({}));
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({ZONE: "a"})), [&db]),
            NodeInfo::new(&node("n2", json!({ZONE: "a"}))),
            NodeInfo::new(&node("n3", json!({ZONE: "b"}))),
            NodeInfo::new(&node("n4", json!({}))),
        ];
        let p = pod(
            "web",
            json!({"app": "web"}),
            affinity(json!({"app": "db"}), ZONE),
        );
        let mut cs = CycleState::default();
        InterPodAffinity.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(InterPodAffinity.filter(&cs, &p, &nodes[0]).is_success());
        assert!(InterPodAffinity.filter(&cs, &p, &nodes[1]).is_success());
        let st = InterPodAffinity.filter(&cs, &p, &nodes[2]);
        assert_eq!(st.code, Code::UnschedulableAndUnresolvable);
        assert_eq!(st.reasons, vec![ERR_REASON_AFFINITY.to_string()]);
        // No topology label: never.
        assert!(!InterPodAffinity.filter(&cs, &p, &nodes[3]).is_success());
    }

    #[test]
    fn the_first_pod_of_a_self_affine_series_may_go_anywhere_with_the_key() {
        let p = pod(
            "a",
            json!({"app": "cache"}),
            affinity(json!({"app": "cache"}), ZONE),
        );
        let nodes = vec![
            NodeInfo::new(&node("n1", json!({ZONE: "a"}))),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        let mut cs = CycleState::default();
        InterPodAffinity.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(InterPodAffinity.filter(&cs, &p, &nodes[0]).is_success());
        assert!(!InterPodAffinity.filter(&cs, &p, &nodes[1]).is_success());
        // A pod that does not match its own terms is not let through.
        let q = pod(
            "q",
            json!({"app": "other"}),
            affinity(json!({"app": "cache"}), ZONE),
        );
        let mut cs = CycleState::default();
        InterPodAffinity.pre_filter_nodes(&mut cs, &q, &nodes);
        assert!(!InterPodAffinity.filter(&cs, &q, &nodes[0]).is_success());
    }

    #[test]
    fn terms_apply_to_their_namespaces_and_namespace_selector() {
        let mut other_ns = pod("db", json!({"app": "db"}), json!({}));
        other_ns.metadata.namespace = Some("prod".into());
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({})), [&other_ns]),
            NodeInfo::new(&node("n2", json!({}))),
        ];
        // Default: the pod's own namespace only, so the prod pod is ignored.
        let p = pod("p", json!({}), anti(json!({"app": "db"}), HOST));
        let mut cs = CycleState::default();
        InterPodAffinity.pre_filter_nodes(&mut cs, &p, &nodes);
        assert!(InterPodAffinity.filter(&cs, &p, &nodes[0]).is_success());
        // namespaceSelector by label.
        let sel = pod(
            "p",
            json!({}),
            json!({"spec": {"affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "db"}},
                    "namespaceSelector": {"matchLabels": {"env": "prod"}},
                    "topologyKey": HOST}]}}}}),
        );
        let mut cs = CycleState::default();
        let mut ns = NamespaceLabels::new();
        ns.insert(
            "prod".into(),
            [("env".to_string(), "prod".to_string())].into(),
        );
        cs.namespace_labels = Arc::new(ns);
        InterPodAffinity.pre_filter_nodes(&mut cs, &sel, &nodes);
        assert!(!InterPodAffinity.filter(&cs, &sel, &nodes[0]).is_success());
        assert!(InterPodAffinity.filter(&cs, &sel, &nodes[1]).is_success());
        // Listed namespaces.
        let listed = pod(
            "p",
            json!({}),
            json!({"spec": {"affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "db"}},
                    "namespaces": ["prod"], "topologyKey": HOST}]}}}}),
        );
        let mut cs = CycleState::default();
        InterPodAffinity.pre_filter_nodes(&mut cs, &listed, &nodes);
        assert!(!InterPodAffinity
            .filter(&cs, &listed, &nodes[0])
            .is_success());
    }

    #[test]
    fn preferred_affinity_scores_are_normalized_between_min_and_max() {
        // scoring_test.go: "Affinity: pod that matches topology key & pods in
        // nodes will get high score comparing to others".
        let db = pod("db", json!({"app": "db"}), json!({}));
        let nodes = vec![
            NodeInfo::with_pods(&node("n1", json!({"region": "r1"})), [&db]),
            NodeInfo::new(&node("n2", json!({"region": "r1"}))),
            NodeInfo::new(&node("n3", json!({"region": "r2"}))),
        ];
        let p = pod(
            "web",
            json!({}),
            json!({"spec": {"affinity": {"podAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 5,
                    "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}},
                        "topologyKey": "region"}}]}}}}),
        );
        let mut cs = CycleState::default();
        assert!(InterPodAffinity
            .pre_score_nodes(&mut cs, &p, &nodes, &[0, 1, 2])
            .is_success());
        let mut scores: Vec<i64> = nodes
            .iter()
            .map(|n| InterPodAffinity.score(&cs, &p, n))
            .collect();
        assert_eq!(scores, vec![5, 5, 0]);
        InterPodAffinity.normalize_score(&cs, &p, &mut scores);
        assert_eq!(scores, vec![100, 100, 0]);
        // Anti-affinity: the other way round.
        let q = pod(
            "q",
            json!({}),
            json!({"spec": {"affinity": {"podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 5,
                    "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}},
                        "topologyKey": "region"}}]}}}}),
        );
        let r = run_with(&q, &nodes, SchedulerState::default()).unwrap();
        assert_eq!(r.node_name, "n3");
        // Without any term anywhere, the plugin does not score.
        let plain = pod("plain", json!({}), json!({}));
        let mut cs = CycleState::default();
        assert!(InterPodAffinity
            .pre_score_nodes(&mut cs, &plain, &nodes, &[0, 1, 2])
            .is_skip());
    }

    #[test]
    fn existing_pods_required_affinity_attracts_matching_pods() {
        // hardPodAffinityWeight: an existing pod requiring app=web pulls web pods.
        let fan = pod("fan", json!({}), affinity(json!({"app": "web"}), HOST));
        let nodes = vec![
            NodeInfo::new(&node("n1", json!({}))),
            NodeInfo::with_pods(&node("n2", json!({})), [&fan]),
        ];
        let web = pod("web", json!({"app": "web"}), json!({}));
        let mut cs = CycleState::default();
        InterPodAffinity.pre_score_nodes(&mut cs, &web, &nodes, &[0, 1]);
        let mut s: Vec<i64> = nodes
            .iter()
            .map(|n| InterPodAffinity.score(&cs, &web, n))
            .collect();
        assert_eq!(s, vec![0, HARD_POD_AFFINITY_WEIGHT]);
        InterPodAffinity.normalize_score(&cs, &web, &mut s);
        assert_eq!(s, vec![0, 100]);
    }
}
