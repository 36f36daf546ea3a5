//! The pod garbage collector (pkg/controller/podgc/gc_controller.go), the
//! part that matters for node loss: pods bound to a node that no longer
//! exists (`gcOrphaned`) are force-deleted after a 40 s quarantine, marked
//! Failed with the `DisruptionTarget` condition (`DeletionByPodGC`,
//! `PodGC: node no longer exists`). The terminated-pod threshold (12,500
//! finished pods) is not simulated.

use super::tainteviction::PodsByNode;
use super::{ControllerName, WorkQueue};
use crate::api::{core, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::{Millis, SECOND};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

/// Upstream's `quarantineTime`: how long a node must be gone before its
/// pods are collected.
pub const QUARANTINE: Millis = 40 * SECOND;
const USER: &str = "system:serviceaccount:kube-system:pod-garbage-collector";

/// A deleted node queues a collection of its pods after the quarantine.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    if let (EventType::Deleted, Object::Node(n)) = (ev.event_type, &*ev.object) {
        let name = n.metadata.name.clone().unwrap_or_default();
        q.add(ControllerName::PodGarbageCollector, name, ctx, QUARANTINE);
    }
}

/// Force-deletes the pods of `node` if the node is (still) gone.
pub fn sync(node: &str, pods: &PodsByNode, ctx: &mut Ctx) -> Option<Millis> {
    let node_res = registry::by_kind("v1", "Node").expect("nodes");
    if ctx.api.get(node_res, "", node).is_some() {
        return None;
    }
    let pod_res = registry::by_kind("v1", "Pod").expect("pods");
    for (ns, name) in pods.keys_on(node) {
        let Some(p) = ctx.api.get_typed::<core::Pod>(pod_res, &ns, &name).cloned() else {
            continue;
        };
        let mut status = p.status.clone().unwrap_or_default();
        let t = ctx.api.clock.time();
        if !matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
            status.phase = Some("Failed".into());
        }
        crate::apiserver::set_condition(
            &mut status,
            "DisruptionTarget",
            "True",
            Some("DeletionByPodGC"),
            Some("PodGC: node no longer exists"),
            &t,
        );
        let _ = ctx.api.update_pod_status(USER, &ns, &name, status);
        let _ = ctx.api.delete(
            USER,
            pod_res,
            &ns,
            &name,
            DeleteOptions {
                grace_period_seconds: Some(0),
                ..Default::default()
            },
        );
    }
    None
}
