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

fn write_head(f: &mut impl fmt::Write, time: Millis, component: &str) -> fmt::Result {
    write!(f, "{time:>10} {component:<24} ")
}

fn write_api(
    f: &mut impl fmt::Write,
    user: &str,
    verb: &str,
    resource: &str,
    namespace: &str,
    name: &str,
    code: u16,
) -> fmt::Result {
    write!(
        f,
        "api {verb} {resource} {namespace}/{name} by {user} -> {code}"
    )
}

fn write_watch(
    f: &mut impl fmt::Write,
    event_type: &str,
    resource: &str,
    namespace: &str,
    name: &str,
    revision: u64,
) -> fmt::Result {
    write!(
        f,
        "watch {event_type} {resource} {namespace}/{name} rv={revision}"
    )
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_head(f, self.time, &self.component)?;
        match &self.kind {
            TraceKind::ApiRequest {
                user,
                verb,
                resource,
                namespace,
                name,
                code,
            } => write_api(f, user, verb, resource, namespace, name, *code),
            TraceKind::WatchEvent {
                event_type,
                resource,
                namespace,
                name,
                revision,
            } => write_watch(f, event_type, resource, namespace, name, *revision),
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
        self.hash_line();
        if self.retain {
            self.entries.push(entry);
        }
    }

    /// Records an API request. The two kinds recorded on every write take
    /// borrowed strings: when entries are not kept (large benchmarks) only
    /// the hash is updated and nothing is allocated. The hashed text is the
    /// entry's `Display` either way.
    pub fn record_api(
        &mut self,
        time: Millis,
        component: &str,
        [user, verb, resource, namespace, name]: [&str; 5],
        code: u16,
    ) {
        if self.retain {
            let kind = TraceKind::ApiRequest {
                user: user.into(),
                verb: verb.into(),
                resource: resource.into(),
                namespace: namespace.into(),
                name: name.into(),
                code,
            };
            return self.record(time, component, kind);
        }
        self.line.clear();
        let _ = write_head(&mut self.line, time, component);
        let _ = write_api(&mut self.line, user, verb, resource, namespace, name, code);
        self.hash_line();
    }

    /// Records a watch event (see [`Trace::record_api`]).
    pub fn record_watch(
        &mut self,
        time: Millis,
        component: &str,
        event_type: &'static str,
        [resource, namespace, name]: [&str; 3],
        revision: u64,
    ) {
        if self.retain {
            let kind = TraceKind::WatchEvent {
                event_type,
                resource: resource.into(),
                namespace: namespace.into(),
                name: name.into(),
                revision,
            };
            return self.record(time, component, kind);
        }
        self.line.clear();
        let _ = write_head(&mut self.line, time, component);
        let _ = write_watch(
            &mut self.line,
            event_type,
            resource,
            namespace,
            name,
            revision,
        );
        self.hash_line();
    }

    fn hash_line(&mut self) {
        self.hash = fnv1a(self.line.as_bytes()) ^ self.hash.rotate_left(5);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace that keeps no entries hashes exactly what a keeping one
    /// hashes (the benchmarks' trace hashes compare with the tests').
    #[test]
    fn kept_and_unkept_traces_hash_alike() {
        let mut kept = Trace::new();
        let mut bare = Trace::new();
        bare.retain = false;
        for t in [&mut kept, &mut bare] {
            t.record_api(5, "kube-apiserver", ["u", "create", "pods", "ns", "p"], 201);
            t.record_watch(6, "etcd", "ADDED", ["pods", "ns", "p"], 7);
            t.record(8, "x", TraceKind::Operator { action: "a".into() });
        }
        assert_eq!(kept.hash(), bare.hash());
        assert_eq!(kept.entries().len(), 3);
        assert!(bare.entries().is_empty());
        assert_eq!(
            kept.entries()[0].to_string(),
            "         5 kube-apiserver           api create pods ns/p by u -> 201"
        );
        assert_eq!(
            kept.entries()[1].to_string(),
            "         6 etcd                     watch ADDED pods ns/p rv=7"
        );
    }
}
