//! The app's domain state, outside any component: a kubectl [`Session`] over
//! the simulated cluster, the terminal's history, and the plain view models
//! the components render. Nothing here touches the browser, so it is tested
//! natively with `cargo test`.

use kubarium_engine::api::core::{Node, Pod};
use kubarium_engine::api::Object;
use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::{Millis, Simulation};
use kubarium_kubectl::printers::get as printers;
use kubarium_kubectl::Session;

/// The longest real time one frame may advance the clock by. A browser stops
/// animation frames in a hidden tab; on return the cluster resumes where it
/// was instead of jumping ahead by the time the tab was hidden.
pub const MAX_FRAME_MS: f64 = 250.0;

/// How many terminal entries are kept (older ones scroll away).
pub const TERMINAL_HISTORY: usize = 500;

/// One command typed into the terminal and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalEntry {
    /// Sequence number, unique within a playground (a stable render key).
    pub id: u64,
    /// The command line as typed.
    pub command: String,
    /// What the command printed on standard output.
    pub stdout: String,
    /// What the command printed on standard error.
    pub stderr: String,
    /// The command's exit code.
    pub exit_code: i32,
}

/// A node row, with the columns `kubectl get nodes` prints first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRow {
    /// `metadata.name`.
    pub name: String,
    /// `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned.
    pub status: String,
    /// Roles from `node-role.kubernetes.io/<role>` labels, or `<none>`.
    pub roles: String,
}

/// A pod row, with the columns `kubectl get pods -A -o wide` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRow {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// The STATUS column (simplified: phase, a waiting reason, or `Terminating`).
    pub status: String,
    /// `spec.nodeName`, or `<none>` while unscheduled.
    pub node: String,
}

/// Everything the cluster panel shows, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    /// Virtual time as RFC 3339 (`2025-03-03T09:00:00Z`).
    pub time: String,
    /// Nodes, in snapshot order.
    pub nodes: Vec<NodeRow>,
    /// Pods, in snapshot order.
    pub pods: Vec<PodRow>,
}

/// The playground: one simulated cluster, one kubectl session, one terminal.
pub struct Playground {
    session: Session,
    /// Real milliseconds not yet turned into virtual ones (the clock moves in
    /// whole milliseconds; the fraction carries to the next frame).
    carry_ms: f64,
    /// Virtual time per real time (1.0 = real time).
    speed: f64,
    terminal: Vec<TerminalEntry>,
    next_id: u64,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::new(ClusterConfig::default())
    }
}

impl Playground {
    /// A playground over a new cluster of the given topology.
    pub fn new(config: ClusterConfig) -> Playground {
        Playground {
            session: Session::new(Simulation::new(config)),
            carry_ms: 0.0,
            speed: 1.0,
            terminal: Vec::new(),
            next_id: 0,
        }
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.session.sim.now()
    }

    /// The simulated cluster, read-only (the views read its snapshot,
    /// trace and scheduling records).
    pub fn sim(&self) -> &Simulation {
        &self.session.sim
    }

    /// Advances the cluster by `real_ms` of real time at the current speed
    /// (at most [`MAX_FRAME_MS`] per call). Returns whether the clock's
    /// displayed second changed, i.e. whether the view needs a redraw.
    pub fn tick(&mut self, real_ms: f64) -> bool {
        if !real_ms.is_finite() || real_ms <= 0.0 {
            return false;
        }
        self.carry_ms += real_ms.min(MAX_FRAME_MS) * self.speed;
        let whole = self.carry_ms.floor();
        self.carry_ms -= whole;
        if whole < 1.0 {
            return false;
        }
        let before = self.now() / kubarium_engine::clock::SECOND;
        self.session.sim.advance(whole as Millis);
        self.now() / kubarium_engine::clock::SECOND != before
    }

    /// Runs one terminal line through kubectl and records what it printed.
    /// Blank lines are ignored, as a shell ignores them.
    pub fn run(&mut self, line: &str) {
        let command = line.trim();
        if command.is_empty() {
            return;
        }
        let out = self.session.run(command, None);
        self.terminal.push(TerminalEntry {
            id: self.next_id,
            command: command.to_string(),
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
        });
        self.next_id += 1;
        if self.terminal.len() > TERMINAL_HISTORY {
            let excess = self.terminal.len() - TERMINAL_HISTORY;
            self.terminal.drain(..excess);
        }
    }

    /// The terminal's history, oldest first.
    pub fn terminal(&self) -> &[TerminalEntry] {
        &self.terminal
    }

    /// The cluster as the panel shows it.
    pub fn view(&self) -> ClusterView {
        let sim = &self.session.sim;
        let mut view = ClusterView {
            time: sim.clock().rfc3339(sim.now()),
            ..ClusterView::default()
        };
        // Read the two resources in place instead of copying every object.
        let registry = kubarium_engine::api::registry::by_kind;
        for object in sim
            .api()
            .list(registry("v1", "Node").expect("served"), None)
        {
            if let Object::Node(n) = object {
                view.nodes.push(node_row(n));
            }
        }
        for object in sim.api().list(registry("v1", "Pod").expect("served"), None) {
            if let Object::Pod(p) = object {
                view.pods.push(pod_row(p));
            }
        }
        view
    }
}

const NONE: &str = "<none>";

/// The STATUS and ROLES columns exactly as `kubectl get nodes` prints them
/// (the kubectl emulator's printers).
fn node_row(node: &Node) -> NodeRow {
    let roles = printers::node_roles(node);
    NodeRow {
        name: node.metadata.name.clone().unwrap_or_default(),
        status: printers::node_status(node),
        roles: if roles.is_empty() {
            NONE.to_string()
        } else {
            roles.join(",")
        },
    }
}

/// The STATUS column exactly as `kubectl get pods` prints it
/// (`ContainerCreating`, `CrashLoopBackOff`, `Init:0/1`, `Terminating`, ...).
fn pod_row(pod: &Pod) -> PodRow {
    PodRow {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        status: printers::pod_summary(pod).reason,
        node: pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| NONE.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::api::core::{NodeCondition, NodeSpec, NodeStatus, PodSpec, PodStatus};
    use kubarium_engine::api::meta::ObjectMeta;

    #[test]
    fn clock_advances_at_real_speed_and_carries_fractions() {
        let mut p = Playground::default();
        let start = p.now();
        for _ in 0..60 {
            p.tick(1000.0 / 60.0);
        }
        assert_eq!(p.now() - start, 1000);
    }

    #[test]
    fn a_long_pause_advances_the_clock_by_one_frame_at_most() {
        let mut p = Playground::default();
        let start = p.now();
        p.tick(3_600_000.0);
        assert_eq!(p.now() - start, MAX_FRAME_MS as Millis);
    }

    #[test]
    fn tick_reports_a_redraw_exactly_when_the_second_changes() {
        let mut p = Playground::default();
        let mut redraws = 0;
        for _ in 0..10 {
            let before = p.now() / kubarium_engine::clock::SECOND;
            let redraw = p.tick(200.0);
            assert_eq!(redraw, p.now() / kubarium_engine::clock::SECOND != before);
            redraws += usize::from(redraw);
        }
        assert_eq!(redraws, 2);
        assert!(!p.tick(f64::NAN));
        assert!(!p.tick(-5.0));
    }

    #[test]
    fn view_shows_the_virtual_clock_as_rfc3339() {
        let mut p = Playground::default();
        p.tick(100.0);
        let sim = &p.session.sim;
        assert_eq!(p.view().time, sim.clock().rfc3339(sim.now()));
        assert!(p.view().time.ends_with('Z'));
    }

    #[test]
    fn terminal_records_each_command_and_ignores_blank_lines() {
        let mut p = Playground::default();
        p.run("   ");
        p.run(" kubectl version ");
        assert_eq!(p.terminal().len(), 1);
        assert_eq!(p.terminal()[0].command, "kubectl version");
        assert_eq!(p.terminal()[0].id, 0);
    }

    #[test]
    fn terminal_history_is_bounded() {
        let mut p = Playground::default();
        for i in 0..TERMINAL_HISTORY + 3 {
            p.run(&format!("kubectl get pod p{i}"));
        }
        assert_eq!(p.terminal().len(), TERMINAL_HISTORY);
        assert_eq!(p.terminal()[0].command, "kubectl get pod p3");
    }

    #[test]
    fn node_row_reads_ready_condition_roles_and_cordon() {
        let node = Node {
            metadata: ObjectMeta {
                name: Some("control-plane".into()),
                labels: Some(
                    [(
                        "node-role.kubernetes.io/control-plane".to_string(),
                        String::new(),
                    )]
                    .into_iter()
                    .collect(),
                ),
                ..ObjectMeta::default()
            },
            spec: Some(NodeSpec {
                unschedulable: Some(true),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    ..NodeCondition::default()
                }]),
                ..NodeStatus::default()
            }),
        };
        let row = node_row(&node);
        assert_eq!(row.status, "Ready,SchedulingDisabled");
        assert_eq!(row.roles, "control-plane");
    }

    #[test]
    fn unscheduled_pod_row_shows_pending_and_no_node() {
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec::default()),
            // As the API server stores a new pod.
            status: Some(PodStatus {
                phase: Some("Pending".into()),
                ..PodStatus::default()
            }),
        };
        let row = pod_row(&pod);
        assert_eq!(row.status, "Pending");
        assert_eq!(row.node, "<none>");
    }
}
