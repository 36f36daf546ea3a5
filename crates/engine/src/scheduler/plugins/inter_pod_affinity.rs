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
