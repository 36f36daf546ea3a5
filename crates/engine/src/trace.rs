//! The trace: an append-only record, stamped with virtual time, of everything
//! the cluster does. The UI draws the pod creation flow and the timeline from
//! it; tests hash it to prove determinism.

use crate::clock::Millis;
use crate::rng::fnv1a;
use std::fmt;

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceKind {
    /// A request reached the API server (`code` is the HTTP status answered).
    ApiRequest {
        user: String,
        verb: String,
        resource: String,
        namespace: String,
        name: String,
        code: u16,
    },
    /// The store committed a change that watchers will see.
    WatchEvent {
        event_type: &'static str,
        resource: String,
        namespace: String,
        name: String,
        revision: u64,
    },
    /// A controller ran its reconcile for a key.
    Reconcile { controller: String, key: String },
    /// The scheduler decided where a pod goes, or why it cannot go anywhere.
    Scheduling {
        pod: String,
        node: Option<String>,
        message: String,
    },
    /// A probe worker observed a result.
    ProbeResult {
        pod: String,
        container: String,
        probe: &'static str,
        result: String,
    },
    /// A container changed state in the runtime.
    ContainerState {
        node: String,
        pod: String,
        container: String,
        state: String,
    },
    /// An operator action from outside the API (node stop, container kill...).
    Operator { action: String },
}

/// A trace entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    /// Virtual time.
    pub time: Millis,
    /// Which component did it (`kube-apiserver`, `kubelet/node-1`, ...).
    pub component: String,
    /// What happened.
    pub kind: TraceKind,
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>10} {:<24} ", self.time, self.component)?;
        match &self.kind {
            TraceKind::ApiRequest {
                user,
                verb,
                resource,
                namespace,
                name,
                code,
            } => write!(
                f,
                "api {verb} {resource} {namespace}/{name} by {user} -> {code}"
            ),
            TraceKind::WatchEvent {
                event_type,
                resource,
                namespace,
                name,
                revision,
            } => write!(
                f,
                "watch {event_type} {resource} {namespace}/{name} rv={revision}"
            ),
            TraceKind::Reconcile { controller, key } => write!(f, "reconcile {controller} {key}"),
            TraceKind::Scheduling { pod, node, message } => match node {
                Some(n) => write!(f, "schedule {pod} -> {n} {message}"),
                None => write!(f, "schedule {pod} failed: {message}"),
            },
            TraceKind::ProbeResult {
                pod,
                container,
                probe,
                result,
            } => write!(f, "probe {probe} {pod}/{container}: {result}"),
            TraceKind::ContainerState {
                node,
                pod,
                container,
                state,
            } => write!(f, "container {pod}/{container} on {node}: {state}"),
            TraceKind::Operator { action } => write!(f, "operator {action}"),
        }
    }
}

/// The append-only trace with a running hash.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    entries: Vec<TraceEntry>,
    hash: u64,
    /// Whether entries are kept (the hash is always kept). Benchmarks of very
    /// large clusters turn retention off to save memory.
    pub retain: bool,
    /// Reused buffer for the line that is hashed (no allocation per entry).
    line: String,
}

impl Trace {
    /// An empty trace that keeps its entries.
    pub fn new() -> Self {
        Trace {
            entries: Vec::new(),
            hash: 0,
            retain: true,
            line: String::new(),
        }
    }

    /// Records an entry.
    pub fn record(&mut self, time: Millis, component: impl Into<String>, kind: TraceKind) {
        let entry = TraceEntry {
            time,
            component: component.into(),
            kind,
        };
        use std::fmt::Write;
        self.line.clear();
        let _ = write!(self.line, "{entry}");
        self.hash = fnv1a(self.line.as_bytes()) ^ self.hash.rotate_left(5);
        if self.retain {
            self.entries.push(entry);
        }
    }

    /// All retained entries, oldest first.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// A hash of every entry ever recorded, in order.
    pub fn hash(&self) -> u64 {
        self.hash
    }
}
