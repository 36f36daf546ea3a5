//! The playground's session as data: a seed, a cluster shape and an input
//! log. Every input that changes the cluster — a terminal line, a manifest
//! applied from the editor, a chaos button — is one [`Entry`] with the
//! virtual time it was given at. Since the engine is deterministic, the log
//! *is* the session: replaying it on a fresh [`Simulation`] rebuilds the
//! same cluster byte for byte. Persistence, share links and rewind all rest
//! on that ([`InputLog::replay`]).
//!
//! Steps mean what they mean in a transcript
//! ([`kubarium_kubectl::transcript::run_step`]): `kubectl ...`,
//! `kubarium ...` operator actions, `sleep N`, `echo`.

use kubarium_engine::clock::{Millis, MINUTE};
use kubarium_engine::simulation::{default_workers, ClusterConfig};
use kubarium_engine::Simulation;
use kubarium_kubectl::transcript::{self, parse_sleep, Step};
use kubarium_kubectl::{Output, Session};
use serde::{Deserialize, Serialize};

/// An hour of virtual time.
pub const HOUR: Millis = 60 * MINUTE;

/// The most entries a log may hold (a share link or stored session with
/// more is refused rather than replayed for minutes).
pub const MAX_ENTRIES: usize = 5_000;
/// The latest virtual time a log may reach: replaying it costs work
/// proportional to virtual time, so a link cannot make a tab spin for long.
pub const MAX_TIME: Millis = 48 * HOUR;
/// The longest `sleep` one terminal line may ask for.
pub const MAX_SLEEP: Millis = 6 * HOUR;
/// Workers a new playground has.
pub const DEFAULT_WORKERS: u32 = 2;
/// The most workers a log may ask for.
pub const MAX_WORKERS: u32 = 20;

/// One input: what was typed (or clicked) and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Virtual time the input was given at (ms since the cluster was created).
    pub at: Millis,
    /// The line: `kubectl ...`, `kubarium node stop node-1`, `sleep 30`, ...
    pub line: String,
    /// Text fed to the command's stdin (a heredoc, the editor's YAML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
}

/// A session: everything needed to rebuild the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputLog {
    /// The scenario seed.
    pub seed: u64,
    /// Number of worker nodes (`node-1` ... `node-N`) at the start.
    pub workers: u32,
    /// Inputs in the order they were given.
    pub entries: Vec<Entry>,
    /// Virtual time the session had reached.
    pub end: Millis,
}

/// Why a log cannot be replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// More than [`MAX_ENTRIES`] inputs.
    TooManyEntries(usize),
    /// A time beyond [`MAX_TIME`].
    TooLong(Millis),
    /// An unreasonable cluster shape.
    BadWorkers(u32),
    /// An entry given before the clock had reached it (the log was edited).
    OutOfOrder {
        /// Index of the entry.
        index: usize,
    },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::TooManyEntries(n) => {
                write!(f, "the session has {n} inputs (at most {MAX_ENTRIES})")
            }
            ReplayError::TooLong(t) => write!(
                f,
                "the session runs to {} h of cluster time (at most {} h)",
                t / HOUR,
                MAX_TIME / HOUR
            ),
            ReplayError::BadWorkers(n) => {
                write!(f, "the session asks for {n} nodes (1 to {MAX_WORKERS})")
            }
            ReplayError::OutOfOrder { index } => {
                write!(f, "input {} is out of order", index + 1)
            }
        }
    }
}

/// What one replayed or live step printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepOutput {
    /// The entry's line.
    pub line: String,
    /// The entry's stdin, if any (shown as a heredoc).
    pub stdin: Option<String>,
    /// What it printed.
    pub output: Output,
}

impl InputLog {
    /// An empty session with the default cluster.
    pub fn new(seed: u64) -> InputLog {
        InputLog {
            seed,
            workers: DEFAULT_WORKERS,
            entries: Vec::new(),
            end: ClusterConfig::default().warmup,
        }
    }

    /// The cluster configuration the log starts from.
    pub fn config(&self) -> ClusterConfig {
        ClusterConfig {
            seed: self.seed,
            workers: default_workers(self.workers),
            ..ClusterConfig::default()
        }
    }

    /// Checks the bounds replay relies on, without running anything.
    pub fn check(&self) -> Result<(), ReplayError> {
        if self.entries.len() > MAX_ENTRIES {
            return Err(ReplayError::TooManyEntries(self.entries.len()));
        }
        if self.workers == 0 || self.workers > MAX_WORKERS {
            return Err(ReplayError::BadWorkers(self.workers));
        }
        let mut latest = self.end;
        let mut previous = 0;
        for (index, e) in self.entries.iter().enumerate() {
            if e.at < previous {
                return Err(ReplayError::OutOfOrder { index });
            }
            previous = e.at;
            let sleep = sleep_of(&e.line).unwrap_or(0);
            latest = latest.max(e.at.saturating_add(sleep));
            if sleep > MAX_SLEEP {
                return Err(ReplayError::TooLong(latest));
            }
        }
        if latest > MAX_TIME {
            return Err(ReplayError::TooLong(latest));
        }
        Ok(())
    }

    /// Rebuilds the session on a fresh cluster: each input at its time,
    /// then the clock to [`InputLog::end`].
    pub fn replay(&self) -> Result<Live, ReplayError> {
        self.check()?;
        let mut live = Live::fresh(self.seed, self.workers);
        for (index, e) in self.entries.iter().enumerate() {
            let now = live.now();
            if e.at < now {
                return Err(ReplayError::OutOfOrder { index });
            }
            live.kube.sim.advance(e.at - now);
            let until = self.entries.get(index + 1).map_or(self.end, |n| n.at);
            live.replay_limit = Some(until.saturating_sub(e.at));
            live.input(&e.line, e.stdin.as_deref());
        }
        live.replay_limit = None;
        let now = live.now();
        live.kube.sim.advance(self.end.saturating_sub(now));
        live.log.end = live.now();
        Ok(live)
    }

    /// The log cut at virtual time `t`: the inputs given before `t`, the
    /// clock at `t` (or where the last kept input left it, if later).
    pub fn rewound(&self, t: Millis) -> InputLog {
        InputLog {
            seed: self.seed,
            workers: self.workers,
            entries: self.entries.iter().filter(|e| e.at < t).cloned().collect(),
            end: t,
        }
    }
}

/// A worker count as typed (`?nodes=N`, the new-session form): a whole
/// number from 1 to [`MAX_WORKERS`].
pub fn parse_workers(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_WORKERS).contains(n))
}

/// `sleep N` → N in ms.
fn sleep_of(line: &str) -> Option<Millis> {
    let mut words = line.split_whitespace();
    (words.next() == Some("sleep"))
        .then(|| words.next().and_then(parse_sleep))
        .flatten()
}

/// A running session: the log so far, the cluster it built, and what each
/// input printed.
pub struct Live {
    /// The log (its `end` follows the clock).
    pub log: InputLog,
    /// The kubectl session over the cluster.
    pub kube: Session,
    /// What each entry printed, in order.
    pub outputs: Vec<StepOutput>,
    /// While replaying: how long the entry being replayed may have run (the
    /// time to the next entry, or to the log's end). A command that blocks
    /// (`kubectl wait`, `rollout status`, `drain`) ran at most that long
    /// when it was typed, so the bound changes nothing in an honest log and
    /// keeps a crafted link from running the clock for days.
    replay_limit: Option<Millis>,
}

impl Live {
    /// A new cluster after its warm-up, with an empty log.
    pub fn fresh(seed: u64, workers: u32) -> Live {
        let mut log = InputLog::new(seed);
        log.workers = workers;
        let kube = Session::new(Simulation::new(log.config()));
        log.end = kube.sim.now();
        Live {
            log,
            kube,
            outputs: Vec::new(),
            replay_limit: None,
        }
    }

    /// A log built by running a transcript's steps one after another (a
    /// scenario shipped with the site) on a cluster of `workers` workers.
    pub fn from_transcript(seed: u64, workers: u32, text: &str) -> Result<Live, String> {
        let steps = transcript::parse(text)?;
        let mut live = Live::fresh(seed, workers);
        for Step::Command { line, stdin } in &steps {
            live.input(line, stdin.as_deref());
        }
        Ok(live)
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.kube.sim.now()
    }

    /// Gives one input now, records it, and returns what it printed. A
    /// `sleep` longer than [`MAX_SLEEP`] is refused (and not recorded): the
    /// tab would freeze while the cluster runs.
    pub fn input(&mut self, line: &str, stdin: Option<&str>) -> &StepOutput {
        let line = line.trim();
        // What is left of the session's time, less the pause after each step.
        let left = MAX_TIME.saturating_sub(self.now() + transcript::COMMAND_MS);
        let output = if sleep_of(line).is_some_and(|ms| ms > MAX_SLEEP || ms > left)
            || self.log.entries.len() >= MAX_ENTRIES
        {
            let mut o = Output {
                exit_code: 1,
                ..Output::default()
            };
            let t = &crate::i18n::strings().session_limits;
            let mut msg = if self.log.entries.len() >= MAX_ENTRIES {
                crate::i18n::fill(t.full, &[("max", &MAX_ENTRIES)])
            } else if sleep_of(line).is_some_and(|ms| ms > left) {
                crate::i18n::fill(t.time, &[("hours", &(MAX_TIME / HOUR))])
            } else {
                crate::i18n::fill(t.sleep, &[("hours", &(MAX_SLEEP / HOUR))])
            };
            msg.push('\n');
            o.stderr = msg;
            o
        } else {
            self.log.entries.push(Entry {
                at: self.now(),
                line: line.to_string(),
                stdin: stdin.map(str::to_string),
            });
            // Blocking commands stop at the session's time limit (and, in
            // a replay, where the entry stopped when it was typed).
            self.kube.block_limit = self.replay_limit.unwrap_or(Millis::MAX).min(left);
            transcript::run_step(&mut self.kube, line, stdin)
        };
        self.log.end = self.now();
        self.outputs.push(StepOutput {
            line: line.to_string(),
            stdin: stdin.map(str::to_string),
            output,
        });
        self.outputs.last().expect("just pushed")
    }

    /// Lets `ms` of virtual time pass.
    pub fn advance(&mut self, ms: Millis) {
        let ms = ms.min(MAX_TIME.saturating_sub(self.now()));
        self.kube.sim.advance(ms);
        self.log.end = self.now();
    }

    /// Advances to the next pending event (at least 1 ms). Returns the
    /// virtual time it moved by.
    pub fn step(&mut self) -> Millis {
        let now = self.now();
        let next = self
            .kube
            .sim
            .next_event_at()
            .unwrap_or(now + 1)
            .max(now + 1);
        self.advance(next - now);
        self.now() - now
    }

    /// Runs until the cluster is quiet (or 10 minutes of virtual time pass).
    pub fn settle(&mut self) -> Millis {
        let limit = (10 * MINUTE).min(MAX_TIME.saturating_sub(self.now()));
        let spent = self.kube.sim.run_until_settled(limit);
        self.log.end = self.now();
        spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;

    const SEED: u64 = 7;

    /// Everything observable about a cluster, as bytes: the stored objects
    /// and the trace's hash.
    fn fingerprint(live: &Live) -> String {
        format!(
            "{}|{:?}|{:x}",
            live.now(),
            live.kube.sim.snapshot(),
            live.kube.sim.trace().hash()
        )
    }

    /// A session as a learner drives it: commands between uneven frames of
    /// time, a heredoc, an operator action, a settle.
    fn drive() -> Live {
        let mut live = Live::fresh(SEED, 2);
        for ms in [16, 17, 16, 900] {
            live.advance(ms);
        }
        live.input(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        for _ in 0..200 {
            live.advance(16);
        }
        live.input(
            "kubectl apply -f -",
            Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n"),
        );
        live.step();
        live.step();
        live.input("kubarium node stop node-1", None);
        live.advance(45 * SECOND);
        live.input("sleep 5", None);
        live.settle();
        live.input("kubectl get pods -o wide", None);
        live.advance(1234);
        live
    }

    #[test]
    fn replaying_the_log_rebuilds_the_same_cluster_byte_for_byte() {
        let live = drive();
        let replayed = live.log.replay().expect("replays");
        assert_eq!(fingerprint(&replayed), fingerprint(&live));
        assert_eq!(replayed.outputs, live.outputs);
        assert_eq!(replayed.log, live.log);
    }

    #[test]
    fn a_log_survives_json_and_replays_to_the_same_cluster() {
        let live = drive();
        let json = serde_json::to_string(&live.log).unwrap();
        let back: InputLog = serde_json::from_str(&json).unwrap();
        assert_eq!(fingerprint(&back.replay().unwrap()), fingerprint(&live));
    }

    #[test]
    fn rewinding_equals_having_stopped_there() {
        // Drive to T, remember; drive on; rewind to T: same cluster as at T.
        let mut live = Live::fresh(SEED, 2);
        live.input(
            "kubectl create deployment web --image=nginx --replicas=2",
            None,
        );
        live.advance(20 * SECOND);
        let t = live.now();
        let at_t = fingerprint(&live);
        live.input("kubectl scale deployment web --replicas=5", None);
        live.advance(30 * SECOND);
        assert_ne!(fingerprint(&live), at_t);
        let rewound = live.log.rewound(t).replay().unwrap();
        assert_eq!(fingerprint(&rewound), at_t);
        assert_eq!(rewound.outputs.len(), 1);
    }

    #[test]
    fn outputs_are_what_kubectl_prints() {
        let mut live = Live::fresh(SEED, 2);
        let out = live.input("kubectl get nodes --no-headers -o name", None);
        assert_eq!(
            out.output.stdout,
            "node/control-plane\nnode/node-1\nnode/node-2\n"
        );
        let out = live.input("kubarium node stop nope", None);
        assert_eq!(out.output.stderr, "error: node \"nope\" not found\n");
        assert_eq!(out.output.exit_code, 1);
    }

    #[test]
    fn each_command_takes_a_tenth_of_a_second_and_sleep_advances_the_clock() {
        let mut live = Live::fresh(SEED, 2);
        let t0 = live.now();
        live.input("kubectl get pods", None);
        assert_eq!(live.now(), t0 + transcript::COMMAND_MS);
        live.input("sleep 30", None);
        assert_eq!(live.now(), t0 + transcript::COMMAND_MS + 30 * SECOND);
    }

    #[test]
    fn a_huge_sleep_is_refused_and_not_logged() {
        let mut live = Live::fresh(SEED, 2);
        let t0 = live.now();
        let out = live.input("sleep 1000h", None);
        assert_eq!(out.output.exit_code, 1);
        assert!(live.log.entries.is_empty());
        assert_eq!(live.now(), t0);
    }

    #[test]
    fn step_moves_to_the_next_event() {
        let mut live = Live::fresh(SEED, 2);
        let t0 = live.now();
        let next = live.kube.sim.next_event_at().unwrap();
        live.step();
        assert_eq!(live.now(), next.max(t0 + 1));
    }

    #[test]
    fn a_blocking_command_stays_within_the_session_and_the_log() {
        // Typed: `kubectl wait` with a negative timeout would wait a week;
        // the session's 48 h bound stops it there, and the log still saves.
        let mut live = Live::fresh(SEED, DEFAULT_WORKERS);
        live.input("kubectl run p --image=nginx", None);
        live.input("kubectl wait --for=delete pod/p --timeout=-1s", None);
        assert_eq!(live.now(), MAX_TIME);
        assert!(live.log.check().is_ok());
        assert!(live.log.replay().is_ok());
        assert!(live.input("sleep 1", None).output.stderr.contains("48 h"));
        // A crafted log whose wait has no room before the next entry (or
        // the end) replays at once instead of running the clock for days.
        let mut log = InputLog::new(SEED);
        let at = Live::fresh(SEED, DEFAULT_WORKERS).now();
        let step = transcript::COMMAND_MS;
        for (i, line) in [
            "kubectl run p --image=nginx",
            "kubectl wait --for=delete pod/p --timeout=-1s",
        ]
        .into_iter()
        .enumerate()
        {
            log.entries.push(Entry {
                at: at + i as Millis * step,
                line: line.into(),
                stdin: None,
            });
        }
        log.end = at + 2 * step;
        let replayed = log.replay().expect("replays");
        assert!(replayed.now() <= at + 3 * step, "ran to {}", replayed.now());
        // An honest log replays the same, wait included.
        let mut live = Live::fresh(SEED, DEFAULT_WORKERS);
        live.input(
            "kubectl create deployment web --image=nginx --replicas=2",
            None,
        );
        live.input("kubectl rollout status deployment/web --timeout=5m", None);
        live.input("kubectl get pods", None);
        let replayed = live.log.replay().expect("replays");
        assert_eq!(fingerprint(&replayed), fingerprint(&live));
        assert_eq!(replayed.outputs, live.outputs);
    }

    #[test]
    fn edited_logs_are_refused_before_anything_runs() {
        let mut log = drive().log;
        log.entries.swap(0, 1);
        assert!(matches!(log.check(), Err(ReplayError::OutOfOrder { .. })));
        let mut log = InputLog::new(SEED);
        log.end = MAX_TIME + 1;
        assert!(matches!(log.replay(), Err(ReplayError::TooLong(_))));
        let mut log = InputLog::new(SEED);
        log.entries.push(Entry {
            at: log.end,
            line: "sleep 999h".into(),
            stdin: None,
        });
        assert!(matches!(log.check(), Err(ReplayError::TooLong(_))));
        let mut log = InputLog::new(SEED);
        log.workers = 0;
        assert!(matches!(log.check(), Err(ReplayError::BadWorkers(0))));
        let mut log = InputLog::new(SEED);
        log.entries = vec![
            Entry {
                at: 0,
                line: "echo".into(),
                stdin: None
            };
            MAX_ENTRIES + 1
        ];
        assert!(matches!(log.check(), Err(ReplayError::TooManyEntries(_))));
    }

    #[test]
    fn an_entry_before_the_warmup_ends_is_out_of_order() {
        let mut log = InputLog::new(SEED);
        log.entries.push(Entry {
            at: 0,
            line: "kubectl get pods".into(),
            stdin: None,
        });
        assert_eq!(
            log.replay().err(),
            Some(ReplayError::OutOfOrder { index: 0 })
        );
    }

    #[test]
    fn the_cluster_shape_is_part_of_the_log_and_its_replay() {
        // Ten workers: a thousand pods fit (110 each), and a replay of the
        // log (a kept session, a share link) builds the same ten.
        let mut live = Live::fresh(SEED, 10);
        assert_eq!(live.log.workers, 10);
        let nodes = live.input("kubectl get nodes --no-headers -o name", None);
        assert_eq!(nodes.output.stdout.lines().count(), 11);
        assert!(nodes.output.stdout.contains("node/node-10\n"));
        live.input(
            "kubectl create deployment web --image=nginx --replicas=30",
            None,
        );
        live.advance(30 * SECOND);
        let json = serde_json::to_string(&live.log).unwrap();
        let back: InputLog = serde_json::from_str(&json).unwrap();
        assert_eq!(back.workers, 10);
        assert_eq!(fingerprint(&back.replay().unwrap()), fingerprint(&live));
        let on_two = Live::from_transcript(SEED, 2, "kubectl get nodes").unwrap();
        let on_five = Live::from_transcript(SEED, 5, "kubectl get nodes").unwrap();
        assert_eq!(on_two.outputs[0].output.stdout.lines().count(), 4);
        assert_eq!(on_five.outputs[0].output.stdout.lines().count(), 7);
        assert_eq!(on_five.log.workers, 5);
    }

    #[test]
    fn worker_counts_are_whole_numbers_within_bounds() {
        assert_eq!(parse_workers("10"), Some(10));
        assert_eq!(parse_workers(" 1 "), Some(1));
        assert_eq!(parse_workers("20"), Some(MAX_WORKERS));
        for bad in ["21", "0", "ten", "-3", "", "2.5"] {
            assert_eq!(parse_workers(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_transcript_becomes_a_log_that_replays_to_the_same_cluster() {
        let text = "# scenario\nkubectl create deployment web --image=nginx\nsleep 20\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nEOF\n";
        let live = Live::from_transcript(SEED, DEFAULT_WORKERS, text).unwrap();
        assert_eq!(live.log.entries.len(), 3);
        assert!(live.log.entries[2]
            .stdin
            .as_deref()
            .unwrap()
            .contains("kind: ConfigMap"));
        assert_eq!(fingerprint(&live.log.replay().unwrap()), fingerprint(&live));
        assert!(
            Live::from_transcript(SEED, DEFAULT_WORKERS, "kubectl apply -f - <<EOF\n").is_err()
        );
    }
}
