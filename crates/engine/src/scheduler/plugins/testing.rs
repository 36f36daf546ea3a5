//! Test fixtures shared by the plugin tests: nodes and pods from JSON, and a
//! one-call scheduling attempt with the default profile.

use serde_json::{json, Value};

use crate::api::core::{Node, Pod};
use crate::rng::Rng;
use crate::scheduler::framework::{
    schedule_one, FitError, NodeInfo, ScheduleResult, SchedulerState,
};

/// Deep-merges `b` into `a`.
pub fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

/// A 4-CPU, 8Gi node with its hostname label plus `labels`.
pub fn node(name: &str, labels: Value) -> Node {
    let mut v = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {},
        "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}
    });
    merge(&mut v, json!({"metadata": {"labels": labels}}));
    serde_json::from_value(v).unwrap()
}

/// A pod in `default` with `labels`, merged with `extra`.
pub fn pod(name: &str, labels: Value, extra: Value) -> Pod {
    let mut v = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    });
    merge(&mut v, extra);
    serde_json::from_value(v).unwrap()
}

/// Schedules `p` with the default profile.
pub fn run(p: &Pod, nodes: &[NodeInfo]) -> Result<ScheduleResult, FitError> {
    run_with(p, nodes, SchedulerState::default())
}

/// Schedules `p` with a given state (namespace labels, default selector).
pub fn run_with(
    p: &Pod,
    nodes: &[NodeInfo],
    mut state: SchedulerState,
) -> Result<ScheduleResult, FitError> {
    schedule_one(p, nodes, &mut state, &mut Rng::stream(1, "test"))
}
