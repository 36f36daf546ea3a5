//! The app's domain state, outside any component: the session (input log
//! and the cluster it built, [`crate::session`]), the clock's speed, the
//! terminal's screen, and the plain view models the components render.
//! Nothing here touches the browser, so it is tested natively.

use kubarium_engine::api::core::{Node, Pod};
use kubarium_engine::api::Object;
use kubarium_engine::{Millis, Simulation};
use kubarium_kubectl::printers::get as printers;
use std::rc::Rc;

use crate::complete::{self, Completion};
use crate::lineedit::{Fed, LineBuffer};
use crate::session::{InputLog, Live, ReplayError, StepOutput};

/// The longest real time one frame may advance the clock by. A browser stops
/// animation frames in a hidden tab; on return the cluster resumes where it
/// was instead of jumping ahead by the time the tab was hidden.
pub const MAX_FRAME_MS: f64 = 250.0;

/// How many terminal entries are kept (older ones scroll away).
pub const TERMINAL_HISTORY: usize = 500;

/// The speeds the time controls offer (virtual per real time).
pub const SPEEDS: [u32; 3] = [1, 10, 100];

/// One command typed into the terminal and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalEntry {
    /// Sequence number, unique within a playground (a stable render key).
    pub id: u64,
    /// The command line as typed.
    pub command: String,
    /// The here-document fed to it, if any (shown under the command).
    pub stdin: Option<String>,
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

/// The playground: the session, the clock's speed, the terminal's screen.
pub struct Playground {
    live: Live,
    /// Real milliseconds not yet turned into virtual ones (the clock moves in
    /// whole milliseconds; the fraction carries to the next frame).
    carry_ms: f64,
    /// Virtual time per real time (1 = real time).
    speed: u32,
    /// Whether the clock runs.
    playing: bool,
    /// Shared with the terminal component: a render clones the pointer,
    /// and props compare by pointer first (no per-frame copy of 500 entries).
    terminal: Rc<Vec<TerminalEntry>>,
    next_id: u64,
    lines: LineBuffer,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::from_live(Live::fresh(
            kubarium_engine::rng::DEFAULT_SEED,
            crate::session::DEFAULT_WORKERS,
        ))
    }
}

impl Playground {
    /// A playground over a running session; the terminal shows what its
    /// inputs printed.
    pub fn from_live(live: Live) -> Playground {
        let mut p = Playground {
            live,
            carry_ms: 0.0,
            speed: 1,
            playing: true,
            terminal: Rc::default(),
            next_id: 0,
            lines: LineBuffer::default(),
        };
        let outputs = std::mem::take(&mut p.live.outputs);
        for o in &outputs {
            p.show(o);
        }
        p.live.outputs = outputs;
        p
    }

    /// Rebuilds a playground from a log (a stored session, a share link).
    pub fn from_log(log: &InputLog) -> Result<Playground, ReplayError> {
        log.replay().map(Playground::from_live)
    }

    /// The session's input log.
    pub fn log(&self) -> &InputLog {
        &self.live.log
    }

    /// The simulated cluster, read-only (the views read its snapshot,
    /// trace and scheduling records).
    pub fn sim(&self) -> &Simulation {
        &self.live.kube.sim
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.live.now()
    }

    /// Virtual time when the user's session began (after the warm-up).
    pub fn start(&self) -> Millis {
        self.live.log.config().warmup
    }

    /// Whether the clock runs.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Runs or stops the clock.
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        self.carry_ms = 0.0;
    }

    /// The clock's speed.
    pub fn speed(&self) -> u32 {
        self.speed
    }

    /// Sets the clock's speed (one of [`SPEEDS`]; others are ignored).
    pub fn set_speed(&mut self, speed: u32) {
        if SPEEDS.contains(&speed) {
            self.speed = speed;
        }
    }

    /// Advances the cluster by `real_ms` of real time at the current speed
    /// (at most [`MAX_FRAME_MS`] per call), unless paused. Returns whether
    /// the clock's displayed second changed, i.e. whether the view needs a
    /// redraw.
    pub fn tick(&mut self, real_ms: f64) -> bool {
        if !self.playing || !real_ms.is_finite() || real_ms <= 0.0 {
            return false;
        }
        self.carry_ms += real_ms.min(MAX_FRAME_MS) * f64::from(self.speed);
        let whole = self.carry_ms.floor();
        self.carry_ms -= whole;
        if whole < 1.0 {
            return false;
        }
        let before = self.now() / kubarium_engine::clock::SECOND;
        self.live.advance(whole as Millis);
        self.now() / kubarium_engine::clock::SECOND != before
    }

    /// Steps to the next event of the cluster.
    pub fn step(&mut self) {
        self.live.step();
    }

    /// Runs until the cluster is quiet.
    pub fn settle(&mut self) {
        self.live.settle();
    }

    /// Goes back to virtual time `t` by replaying the log up to there.
    pub fn rewind(&mut self, t: Millis) -> Result<(), ReplayError> {
        let t = t.max(self.start()).min(self.now());
        let rewound = self.live.log.rewound(t).replay()?;
        let (speed, playing) = (self.speed, self.playing);
        *self = Playground::from_live(rewound);
        self.speed = speed;
        self.playing = playing;
        Ok(())
    }

    /// Feeds one terminal line (see [`LineBuffer`]): runs a command, opens
    /// or continues a here-document, or clears the screen. Returns the
    /// command's entry if one ran.
    pub fn enter(&mut self, line: &str) -> Option<&TerminalEntry> {
        match self.lines.feed(line) {
            Fed::Nothing | Fed::More => None,
            Fed::Clear => {
                self.clear();
                None
            }
            Fed::Run { line, stdin } => Some(self.run_with(&line, stdin.as_deref())),
        }
    }

    /// Runs one command line (without a here-document).
    pub fn run(&mut self, line: &str) -> Option<&TerminalEntry> {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        Some(self.run_with(line, None))
    }

    /// Runs one input: a command with its stdin (the editor's YAML, a
    /// here-document), recorded in the log and shown in the terminal.
    pub fn run_with(&mut self, line: &str, stdin: Option<&str>) -> &TerminalEntry {
        let out = self.live.input(line, stdin).clone();
        self.show(&out);
        self.terminal.last().expect("just shown")
    }

    /// Ctrl-C: drops an open here-document and shows the abandoned line.
    pub fn abort(&mut self, typed: &str) {
        let shown = match self.lines.pending() {
            Some(p) => format!("{p}{typed}^C"),
            None => format!("{typed}^C"),
        };
        self.lines.abort();
        self.push(TerminalEntry {
            id: 0,
            command: shown,
            stdin: None,
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 130,
        });
    }

    /// Ctrl-L / `clear`: empties the screen (the session is unchanged).
    pub fn clear(&mut self) {
        self.terminal = Rc::default();
    }

    /// The open here-document, if any (shown above the `>` prompt).
    pub fn pending(&self) -> Option<String> {
        self.lines.pending()
    }

    /// Completes a terminal line.
    pub fn complete(&self, line: &str) -> Completion {
        complete::complete(line, &self.live.kube)
    }

    fn show(&mut self, o: &StepOutput) {
        self.push(TerminalEntry {
            id: 0,
            command: o.line.clone(),
            stdin: o.stdin.clone(),
            stdout: o.output.stdout.clone(),
            stderr: o.output.stderr.clone(),
            exit_code: o.output.exit_code,
        });
    }

    fn push(&mut self, mut e: TerminalEntry) {
        e.id = self.next_id;
        self.next_id += 1;
        let screen = Rc::make_mut(&mut self.terminal);
        screen.push(e);
        if screen.len() > TERMINAL_HISTORY {
            let excess = screen.len() - TERMINAL_HISTORY;
            screen.drain(..excess);
        }
    }

    /// The terminal's screen, oldest first.
    pub fn terminal(&self) -> &[TerminalEntry] {
        &self.terminal
    }

    /// The terminal's screen, shared (for props).
    pub fn screen(&self) -> Rc<Vec<TerminalEntry>> {
        self.terminal.clone()
    }

    /// Lines given so far, oldest first (the terminal's ↑/↓ history; it
    /// outlives `clear`, as a shell's does).
    pub fn history(&self) -> Vec<String> {
        self.live
            .log
            .entries
            .iter()
            .map(|e| e.line.clone())
            .collect()
    }

    /// The cluster as the panel shows it.
    pub fn view(&self) -> ClusterView {
        let sim = self.sim();
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
        let sim = p.sim();
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
    fn paused_clock_stands_still_and_speed_multiplies() {
        let mut p = Playground::default();
        let start = p.now();
        p.set_playing(false);
        assert!(!p.tick(100.0));
        assert_eq!(p.now(), start);
        p.set_playing(true);
        p.set_speed(10);
        p.set_speed(7); // not offered: ignored
        assert_eq!(p.speed(), 10);
        p.tick(100.0);
        assert_eq!(p.now() - start, 1000);
    }

    #[test]
    fn a_heredoc_typed_line_by_line_runs_once_with_its_stdin() {
        let mut p = Playground::default();
        assert!(p.enter("kubectl apply -f - <<EOF").is_none());
        assert!(p.pending().is_some());
        for l in [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: cfg",
        ] {
            assert!(p.enter(l).is_none());
        }
        let e = p.enter("EOF").unwrap().clone();
        assert_eq!(e.stdout, "configmap/cfg created\n");
        assert_eq!(e.stdin.as_deref().unwrap().lines().count(), 4);
        assert_eq!(p.log().entries.len(), 1);
    }

    #[test]
    fn ctrl_c_and_clear_touch_the_screen_not_the_session() {
        let mut p = Playground::default();
        p.enter("kubectl apply -f - <<EOF");
        p.abort("kind: Po");
        assert_eq!(
            p.terminal().last().unwrap().command,
            "kubectl apply -f - <<EOF\nkind: Po^C"
        );
        assert!(p.pending().is_none());
        p.enter("kubectl get pods");
        p.enter("clear");
        assert!(p.terminal().is_empty());
        assert_eq!(p.log().entries.len(), 1);
        assert_eq!(p.history(), vec!["kubectl get pods"]);
    }

    #[test]
    fn rewind_replays_the_log_and_rebuilds_the_screen() {
        let mut p = Playground::default();
        p.run("kubectl create deployment web --image=nginx");
        p.tick(200.0);
        let t = p.now();
        let view = p.view();
        p.run("kubectl scale deployment web --replicas=3");
        p.settle();
        p.set_speed(100);
        p.rewind(t).unwrap();
        assert_eq!(p.now(), t);
        assert_eq!(p.view(), view);
        assert_eq!(p.terminal().len(), 1);
        assert_eq!(p.speed(), 100);
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
