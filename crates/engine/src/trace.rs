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

// The trace line of every API request and watch event is hashed, so these
// are written by hand rather than through `format_args!` (which was a
// tenth of a large benchmark's time); the text is the same.

const SPACES: &str = "                        ";

fn push_pad(s: &mut String, mut n: usize) {
    while n > 0 {
        let k = n.min(SPACES.len());
        s.push_str(&SPACES[..k]);
        n -= k;
    }
}

fn push_u64(s: &mut String, mut v: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    push_pad(s, width.saturating_sub(buf.len() - i));
    // Only ASCII digits were written.
    s.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// `{time:>10} {component:<24} `.
fn push_head(s: &mut String, time: Millis, component: &str) {
    push_u64(s, time, 10);
    s.push(' ');
    s.push_str(component);
    let width = if component.is_ascii() {
        component.len()
    } else {
        component.chars().count()
    };
    push_pad(s, 24usize.saturating_sub(width));
    s.push(' ');
}

/// `api {verb} {resource} {namespace}/{name} by {user} -> {code}`.
fn push_api(
    s: &mut String,
    user: &str,
    verb: &str,
    resource: &str,
    namespace: &str,
    name: &str,
    code: u16,
) {
    for part in [
        "api ", verb, " ", resource, " ", namespace, "/", name, " by ", user, " -> ",
    ] {
        s.push_str(part);
    }
    push_u64(s, u64::from(code), 0);
}

/// `watch {event_type} {resource} {namespace}/{name} rv={revision}`.
fn push_watch(
    s: &mut String,
    event_type: &str,
    resource: &str,
    namespace: &str,
    name: &str,
    revision: u64,
) {
    for part in [
        "watch ", event_type, " ", resource, " ", namespace, "/", name, " rv=",
    ] {
        s.push_str(part);
    }
    push_u64(s, revision, 0);
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        push_head(&mut s, self.time, &self.component);
        match &self.kind {
            TraceKind::ApiRequest {
                user,
                verb,
                resource,
                namespace,
                name,
                code,
            } => push_api(&mut s, user, verb, resource, namespace, name, *code),
            TraceKind::WatchEvent {
                event_type,
                resource,
                namespace,
                name,
                revision,
            } => push_watch(&mut s, event_type, resource, namespace, name, *revision),
            kind => {
                use std::fmt::Write;
                let _ = match kind {
                    TraceKind::Reconcile { controller, key } => {
                        write!(s, "reconcile {controller} {key}")
                    }
                    TraceKind::Scheduling { pod, node, message } => match node {
                        Some(n) => write!(s, "schedule {pod} -> {n} {message}"),
                        None => write!(s, "schedule {pod} failed: {message}"),
                    },
                    TraceKind::ProbeResult {
                        pod,
                        container,
                        probe,
                        result,
                    } => write!(s, "probe {probe} {pod}/{container}: {result}"),
                    TraceKind::ContainerState {
                        node,
                        pod,
                        container,
                        state,
                    } => write!(s, "container {pod}/{container} on {node}: {state}"),
                    TraceKind::Operator { action } => write!(s, "operator {action}"),
                    TraceKind::ApiRequest { .. } | TraceKind::WatchEvent { .. } => Ok(()),
                };
            }
        }
        f.write_str(&s)
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
        push_head(&mut self.line, time, component);
        push_api(&mut self.line, user, verb, resource, namespace, name, code);
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
        push_head(&mut self.line, time, component);
        push_watch(
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

    /// The hand-written line matches what `format!` would write, also for
    /// times wider than the column and components longer than theirs.
    #[test]
    fn hand_written_head_matches_format() {
        for (t, c) in [
            (0, ""),
            (7, "kube-scheduler"),
            (12_345_678_901, "kubelet/a-node-with-a-very-long-name"),
            (u64::MAX, "é"),
        ] {
            let mut s = String::new();
            push_head(&mut s, t, c);
            assert_eq!(s, format!("{t:>10} {c:<24} "));
        }
        let mut s = String::new();
        push_api(&mut s, "u", "get", "pods", "", "p", 404);
        assert_eq!(s, "api get pods /p by u -> 404");
    }
}
