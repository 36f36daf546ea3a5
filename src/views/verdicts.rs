//! The scheduler's verdicts for one pod: a table of nodes × plugins from
//! the engine's scheduling record (`Simulation::scheduling_record`) — each
//! filter plugin's pass or rejection with upstream's reason text, each score
//! plugin's normalized score times its weight, the total and the choice.

use kubarium_engine::scheduler::{Code, SchedulingRecord};
use kubarium_engine::Millis;

/// One cell of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// The plugin did not run on this node (an earlier filter rejected it,
    /// or the node was not scored).
    NotRun,
    /// The filter passed.
    Passed,
    /// The filter rejected the node.
    Rejected {
        /// `Unschedulable` or `UnschedulableAndUnresolvable`.
        code: String,
        /// Upstream's reason text.
        reasons: Vec<String>,
    },
    /// A score.
    Score {
        /// The Score extension point's result.
        raw: i64,
        /// After NormalizeScore (0..=100).
        normalized: i64,
        /// The profile's weight.
        weight: i64,
    },
}

/// One node's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictRow {
    /// The node.
    pub node: String,
    /// Whether every filter passed.
    pub feasible: bool,
    /// Whether the scheduler chose it.
    pub chosen: bool,
    /// One cell per filter plugin, then one per score plugin.
    pub cells: Vec<Cell>,
    /// Sum of weighted scores, if scored.
    pub total: Option<i64>,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictTable {
    /// Virtual time of the attempt.
    pub time: Millis,
    /// `FailedScheduling`'s message, or `N/M nodes feasible`.
    pub message: String,
    /// The PreFilter rejection, when no node was looked at.
    pub pre_filter: Option<String>,
    /// Filter plugins, in the order they ran.
    pub filter_plugins: Vec<String>,
    /// Score plugins, in the order they ran.
    pub score_plugins: Vec<String>,
    /// Rows, in the order the scheduler evaluated the nodes.
    pub rows: Vec<VerdictRow>,
    /// The chosen node.
    pub selected: Option<String>,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Builds the table from a scheduling record.
pub fn verdict_table(r: &SchedulingRecord) -> VerdictTable {
    let mut filter_plugins = Vec::new();
    let mut score_plugins = Vec::new();
    for n in &r.nodes {
        for f in &n.filters {
            push_unique(&mut filter_plugins, f.plugin);
        }
        for s in &n.scores {
            push_unique(&mut score_plugins, s.plugin);
        }
    }
    let rows = r
        .nodes
        .iter()
        .map(|n| {
            let mut cells = Vec::with_capacity(filter_plugins.len() + score_plugins.len());
            for p in &filter_plugins {
                cells.push(match n.filters.iter().find(|f| f.plugin == p) {
                    None => Cell::NotRun,
                    Some(f) if f.code == Code::Success => Cell::Passed,
                    Some(f) => Cell::Rejected {
                        code: format!("{:?}", f.code),
                        reasons: f.reasons.clone(),
                    },
                });
            }
            for p in &score_plugins {
                cells.push(match n.scores.iter().find(|s| s.plugin == p) {
                    None => Cell::NotRun,
                    Some(s) => Cell::Score {
                        raw: s.raw,
                        normalized: s.normalized,
                        weight: s.weight,
                    },
                });
            }
            VerdictRow {
                node: n.node.clone(),
                feasible: n.feasible,
                chosen: r.selected_node.as_deref() == Some(n.node.as_str()),
                cells,
                total: n.total,
            }
        })
        .collect();
    VerdictTable {
        time: r.time,
        message: r.message.clone(),
        pre_filter: r.pre_filter_message.clone(),
        filter_plugins,
        score_plugins,
        rows,
        selected: r.selected_node.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_engine::Simulation;
    use kubarium_kubectl::Session;

    #[test]
    fn unschedulable_pod_gets_a_nodes_by_plugins_table_with_upstream_reasons() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: big\n    image: nginx\n    resources:\n      requests:\n        cpu: \"64\"\n";
        let out = s.run("kubectl apply -f -", Some(manifest));
        assert_eq!(out.exit_code, 0, "{out:?}");
        s.sim.advance(5 * SECOND);
        let r = s
            .sim
            .scheduling_record("default", "big")
            .expect("a pending pod keeps its record");
        let t = verdict_table(&r);
        assert_eq!(t.selected, None);
        assert!(
            t.message.starts_with("0/3 nodes are available"),
            "{}",
            t.message
        );
        assert_eq!(t.rows.len(), 3);
        assert!(t.filter_plugins.iter().any(|p| p == "NodeResourcesFit"));
        assert!(t.filter_plugins.iter().any(|p| p == "TaintToleration"));
        assert!(
            t.score_plugins.is_empty(),
            "nothing feasible, nothing scored"
        );
        let col = |p: &str| t.filter_plugins.iter().position(|x| x == p).unwrap();
        for row in &t.rows {
            assert!(!row.feasible && !row.chosen);
            let cell = if row.node == "control-plane" {
                &row.cells[col("TaintToleration")]
            } else {
                &row.cells[col("NodeResourcesFit")]
            };
            match cell {
                Cell::Rejected { reasons, .. } => {
                    let want = if row.node == "control-plane" {
                        "untolerated taint"
                    } else {
                        "Insufficient cpu"
                    };
                    assert!(
                        reasons.iter().any(|r| r.contains(want)),
                        "{}: {reasons:?}",
                        row.node
                    );
                }
                other => panic!("{}: {other:?}", row.node),
            }
        }
        // The control plane was rejected by TaintToleration, so NodeResourcesFit never ran there.
        let cp = t.rows.iter().find(|r| r.node == "control-plane").unwrap();
        assert_eq!(cp.cells[col("NodeResourcesFit")], Cell::NotRun);
    }

    #[test]
    fn scheduled_pod_shows_scores_and_the_chosen_node() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run("kubectl run web --image=nginx", None);
        s.sim.advance(2 * SECOND);
        let r = s
            .sim
            .scheduling_record("default", "web")
            .expect("recent attempts are kept");
        let t = verdict_table(&r);
        let chosen: Vec<&VerdictRow> = t.rows.iter().filter(|r| r.chosen).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(Some(chosen[0].node.clone()), t.selected);
        assert!(chosen[0].total.is_some());
        assert!(t
            .score_plugins
            .iter()
            .any(|p| p == "NodeResourcesBalancedAllocation"));
        let n = t.filter_plugins.len();
        assert!(chosen[0].cells[n..]
            .iter()
            .all(|c| matches!(c, Cell::Score { .. })));
    }
}
