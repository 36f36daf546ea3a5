//! Scheduling decision records: for each attempt, per node and per plugin,
//! the filter verdict with its reason, each score plugin's raw and normalized
//! score, and the final choice — what kube-scheduler-simulator writes into its
//! `kube-scheduler-simulator.sigs.k8s.io/*-result` annotations, kept here
//! for the UI's "why here / why not there".
//!
//! Memory is bounded: full records are kept for the most recent
//! [`RECENT_RECORDS`] attempts, plus the latest attempt of every pod still
//! Pending; a pod's records are dropped when it is deleted. A record holds
//! the attempt's [`Diagnosis`] as the framework produced it (moved, not
//! copied); the per-node view with names and strings is only built when
//! asked for ([`RecordStore::get`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::clock::Millis;

use super::framework::{Code, Diagnosis};

/// How many recent attempts keep their full record.
pub const RECENT_RECORDS: usize = 256;

/// One attempt as stored.
#[derive(Debug)]
struct Stored {
    key: String,
    uid: String,
    time: Millis,
    selected: Option<String>,
    message: String,
    nominated: Option<String>,
    victims: Vec<String>,
    diagnosis: Diagnosis,
}

/// The bounded store of decision records.
#[derive(Debug, Default)]
pub struct RecordStore {
    recent: VecDeque<Arc<Stored>>,
    pending: BTreeMap<String, Arc<Stored>>,
}

/// A filter plugin's verdict on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterVerdict {
    /// The plugin.
    pub plugin: &'static str,
    /// `Success`, `Unschedulable` or `UnschedulableAndUnresolvable`.
    pub code: Code,
    /// The reasons, as in the FailedScheduling message (empty on success).
    pub reasons: Vec<String>,
}

/// One score plugin's contribution on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginScore {
    /// The plugin.
    pub plugin: &'static str,
    /// The Score extension point's result.
    pub raw: i64,
    /// After NormalizeScore (0..=100).
    pub normalized: i64,
    /// The profile's weight.
    pub weight: i64,
}

/// What happened on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDecision {
    /// The node.
    pub node: String,
    /// The filter plugins that ran on it, in order; the last one rejected it
    /// if the node is not feasible. Empty when the node was not evaluated
    /// (a PreFilter rejection, or the sampling of large clusters).
    pub filters: Vec<FilterVerdict>,
    /// Whether every filter passed.
    pub feasible: bool,
    /// Per-plugin scores (empty when the node was not scored: infeasible,
    /// or the only feasible node, which upstream does not score).
    pub scores: Vec<PluginScore>,
    /// Sum of weighted normalized scores, if scored.
    pub total: Option<i64>,
}

/// One scheduling attempt of one pod, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulingRecord {
    /// `namespace/name`.
    pub pod: String,
    /// The pod's UID.
    pub uid: String,
    /// Virtual time of the attempt.
    pub time: Millis,
    /// The chosen node, or `None` if the pod did not fit.
    pub selected_node: Option<String>,
    /// `FailedScheduling` message, or `"N/M nodes feasible"`.
    pub message: String,
    /// The node preemption nominated, if any.
    pub nominated_node: Option<String>,
    /// The pods preemption evicted (`namespace/name`).
    pub victims: Vec<String>,
    /// The PreFilter rejection message, if the pod was rejected before
    /// any node was looked at.
    pub pre_filter_message: Option<String>,
    /// Per node, in the order the nodes were evaluated (feasible nodes in
    /// scoring order, rejected nodes after them).
    pub nodes: Vec<NodeDecision>,
}

impl RecordStore {
    /// Stores an attempt. Failed attempts also become the pod's pending
    /// record; a successful one clears it.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        key: &str,
        uid: &str,
        time: Millis,
        selected: Option<String>,
        message: String,
        nominated: Option<String>,
        victims: Vec<String>,
        diagnosis: Diagnosis,
    ) {
        let failed = selected.is_none();
        let r = Arc::new(Stored {
            key: key.to_string(),
            uid: uid.to_string(),
            time,
            selected,
            message,
            nominated,
            victims,
            diagnosis,
        });
        if failed {
            self.pending.insert(key.to_string(), r.clone());
        } else {
            self.pending.remove(key);
        }
        self.recent.push_back(r);
        while self.recent.len() > RECENT_RECORDS {
            self.recent.pop_front();
        }
    }

    /// Forgets a deleted pod.
    pub fn forget(&mut self, key: &str) {
        self.pending.remove(key);
        self.recent.retain(|r| r.key != key);
    }

    /// The pod is bound: its pending record goes (the recent one stays).
    pub fn scheduled(&mut self, key: &str) {
        self.pending.remove(key);
    }

    /// How many full records are held (at most `RECENT_RECORDS` + pending).
    pub fn len(&self) -> usize {
        let mut n = self.recent.len();
        for r in self.pending.values() {
            if !self.recent.iter().any(|x| Arc::ptr_eq(x, r)) {
                n += 1;
            }
        }
        n
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.recent.is_empty() && self.pending.is_empty()
    }

    fn latest(&self, key: &str) -> Option<&Arc<Stored>> {
        let recent = self.recent.iter().rev().find(|r| r.key == key);
        match (recent, self.pending.get(key)) {
            (Some(a), Some(b)) => Some(if a.time >= b.time { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    /// The raw diagnosis of the latest attempt of `key`.
    pub fn diagnosis(&self, key: &str) -> Option<&Diagnosis> {
        self.latest(key).map(|r| &r.diagnosis)
    }

    /// The latest attempt of `key`, as a per-node view.
    pub fn get(&self, key: &str) -> Option<SchedulingRecord> {
        self.latest(key).map(|r| view(r))
    }
}

fn view(r: &Stored) -> SchedulingRecord {
    let d = &r.diagnosis;
    let mut nodes = Vec::new();
    for (i, s) in d.scores.iter().enumerate() {
        let scores: Vec<PluginScore> = d
            .node_plugin_raw_scores(i)
            .map(|(plugin, raw, normalized, weight)| PluginScore {
                plugin,
                raw,
                normalized,
                weight,
            })
            .collect();
        nodes.push(NodeDecision {
            node: s.node.to_string(),
            filters: passed(&d.filter_plugins),
            feasible: true,
            scores,
            total: Some(s.total),
        });
    }
    // The only feasible node is not scored.
    if d.scores.is_empty() {
        if let Some(sel) = r.selected.as_deref() {
            nodes.push(NodeDecision {
                node: sel.to_string(),
                filters: passed(&d.filter_plugins),
                feasible: true,
                scores: Vec::new(),
                total: None,
            });
        }
    }
    for ns in &d.node_to_status {
        let mut filters = Vec::new();
        for p in &d.filter_plugins {
            if *p == ns.status.plugin {
                break;
            }
            filters.push(FilterVerdict {
                plugin: p,
                code: Code::Success,
                reasons: Vec::new(),
            });
        }
        filters.push(FilterVerdict {
            plugin: ns.status.plugin,
            code: ns.status.code,
            reasons: ns.status.reasons.clone(),
        });
        nodes.push(NodeDecision {
            node: ns.node.to_string(),
            filters,
            feasible: false,
            scores: Vec::new(),
            total: None,
        });
    }
    SchedulingRecord {
        pod: r.key.clone(),
        uid: r.uid.clone(),
        time: r.time,
        selected_node: r.selected.clone(),
        message: r.message.clone(),
        nominated_node: r.nominated.clone(),
        victims: r.victims.clone(),
        pre_filter_message: (!d.pre_filter_msg.is_empty()).then(|| d.pre_filter_msg.clone()),
        nodes,
    }
}

fn passed(plugins: &[&'static str]) -> Vec<FilterVerdict> {
    plugins
        .iter()
        .map(|p| FilterVerdict {
            plugin: p,
            code: Code::Success,
            reasons: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_bounded_to_recent_plus_pending() {
        let mut s = RecordStore::default();
        for i in 0..1000 {
            s.push(
                &format!("default/p{i}"),
                "u",
                i,
                Some("n1".into()),
                String::new(),
                None,
                Vec::new(),
                Diagnosis::default(),
            );
        }
        assert_eq!(s.len(), RECENT_RECORDS);
        // A failed attempt stays while the pod is pending, after it leaves
        // the recent window.
        s.push(
            "default/stuck",
            "u",
            2000,
            None,
            "0/1 nodes are available".into(),
            None,
            Vec::new(),
            Diagnosis::default(),
        );
        for i in 0..300 {
            s.push(
                &format!("default/q{i}"),
                "u",
                3000 + i,
                Some("n1".into()),
                String::new(),
                None,
                Vec::new(),
                Diagnosis::default(),
            );
        }
        assert_eq!(s.len(), RECENT_RECORDS + 1);
        assert!(s.get("default/stuck").is_some());
        assert!(s.get("default/p0").is_none());
        s.forget("default/stuck");
        assert!(s.get("default/stuck").is_none());
        assert_eq!(s.len(), RECENT_RECORDS);
    }
}
