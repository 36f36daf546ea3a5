//! The garbage collector: when an owner is gone, its dependents (objects
//! whose every ownerReference points at a deleted owner) are deleted —
//! background propagation, the default of `kubectl delete`.
//!
//! Dependents come from the API server's owner → dependents index (upstream
//! keeps the same graph in the GC itself). Simplified: foreground deletion
//! is handled as background.

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
    let uid = key.rsplit_once('/').map_or(key, |(_, u)| u);
    let mut victims = Vec::new();
    // The API server's owner → dependents graph, not a scan of everything.
    for o in ctx.api.dependents_of(uid) {
        let refs = o.meta().owner_references.iter().flatten();
        // Dependents with another live owner stay.
        let others_alive = refs.filter(|x| x.uid != uid).any(|x| {
            registry::by_kind(&x.api_version, &x.kind)
                .and_then(|or| ctx.api.get(or, o.namespace(), &x.name))
                .is_some_and(|owner| owner.meta().uid.as_deref() == Some(&x.uid))
        });
        if !others_alive && o.meta().deletion_timestamp.is_none() {
            victims.push((
                o.resource(),
                o.namespace().to_string(),
                o.name().to_string(),
            ));
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
