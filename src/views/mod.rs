//! View models: pure functions from the engine's snapshot and trace to plain
//! structs the components render. Nothing here touches the browser or reaches
//! into a component's internals: the inputs are what `kubectl` could see (the
//! API objects), the trace, the scheduler's decision records and the metrics
//! API. Everything is tested natively (`cargo test -p kubarium-web`).
//!
//! [`ViewsHost`] keeps what the learner selected and memoises each model on
//! the store's revision and the trace's length, so a frame in which nothing
//! changed costs a couple of integer comparisons.

pub mod cluster;
pub mod details;
pub mod events;
pub mod flow;
pub mod host;
pub mod rollout;
pub mod status;
pub mod verdicts;

pub use host::{Tab, ViewAction, ViewsHost, ViewsModel};

/// A reference to an API object, enough to find it again and to link to it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// `Pod`, `ReplicaSet`, `Deployment`, `Node`, ...
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ObjRef {
    /// A reference.
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjRef {
        ObjRef {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The reference to a stored object.
    pub fn of(o: &kubarium_engine::api::Object) -> ObjRef {
        ObjRef::new(o.kind(), o.namespace(), o.name())
    }

    /// `kind/name`, as kubectl names an object (`pod/nginx`).
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.name)
    }

    /// A stable string for keys and element ids.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// How a status reads at a glance; each tone has its own colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tone {
    /// Running and ready; a Ready node.
    Ok,
    /// On its way (Pending, ContainerCreating, Init:0/1, running but not ready).
    Wait,
    /// Something is wrong (CrashLoopBackOff, Error, ImagePullBackOff, NotReady node).
    Bad,
    /// Finished successfully (Completed).
    Done,
    /// Going away (Terminating).
    Gone,
}

impl Tone {
    /// The CSS class that colours it.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "tone-ok",
            Tone::Wait => "tone-wait",
            Tone::Bad => "tone-bad",
            Tone::Done => "tone-done",
            Tone::Gone => "tone-gone",
        }
    }
}
