//! The garbage collector: when an owner is gone, its dependents (objects
//! whose every ownerReference points at a deleted owner) are deleted —
//! background propagation, the default of `kubectl delete`.
//!
//! Simplified: the GC scans the deleted owner's namespace instead of keeping
//! upstream's dependency graph; foreground deletion is handled as background.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::registry;
use crate::apiserver::DeleteOptions;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

/// Enqueues the deleted object's `namespace/uid` so its dependents are found.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    if ev.event_type != EventType::Deleted {
        return;
    }
    let Some(uid) = ev.object.meta().uid.clone() else {
        return;
    };
    q.add(
        ControllerName::GarbageCollector,
        format!("{}/{uid}", ev.object.namespace()),
        ctx,
        QUEUE_LATENCY,
    );
}

/// Deletes dependents whose owners no longer exist.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<u64> {
    let (ns, uid) = key.rsplit_once('/').unwrap_or(("", key));
    let mut victims = Vec::new();
    for r in registry::RESOURCES.iter() {
        let scope = if r.namespaced { Some(ns) } else { None };
        for o in ctx.api.list(r, scope) {
            let Some(refs) = o.meta().owner_references.as_ref() else {
                continue;
            };
            if !refs.iter().any(|x| x.uid == uid) {
                continue;
            }
            // Dependents with another live owner stay.
            let others_alive = refs.iter().filter(|x| x.uid != uid).any(|x| {
                registry::by_kind(&x.api_version, &x.kind)
                    .and_then(|or| ctx.api.get(or, o.namespace(), &x.name))
                    .is_some_and(|owner| owner.meta().uid.as_deref() == Some(&x.uid))
            });
            if !others_alive && o.meta().deletion_timestamp.is_none() {
                victims.push((r, o.namespace().to_string(), o.name().to_string()));
            }
        }
    }
    for (r, ns, name) in victims {
        let _ = ctx.api.delete(
            "system:serviceaccount:kube-system:generic-garbage-collector",
            r,
            &ns,
            &name,
            DeleteOptions::default(),
        );
    }
    None
}
