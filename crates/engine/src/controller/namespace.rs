//! The namespace controller (pkg/controller/namespace): when a namespace is
//! deleted it shows Terminating while everything in it is deleted; once it
//! is empty the `kubernetes` finalizer is removed and the namespace goes.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{core, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::SECOND;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

const USER: &str = "system:serviceaccount:kube-system:namespace-controller";

/// Enqueues a namespace being deleted, and again whenever something in a
/// terminating namespace goes away.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::Namespace(n)
            if n.metadata.deletion_timestamp.is_some() && ev.event_type != EventType::Deleted =>
        {
            q.add(
                ControllerName::Namespace,
                n.metadata.name.clone().unwrap_or_default(),
                ctx,
                QUEUE_LATENCY,
            );
        }
        o if ev.event_type == EventType::Deleted && !o.namespace().is_empty() => {
            let ns_res = registry::by_kind("v1", "Namespace").unwrap();
            let terminating = ctx
                .api
                .get_typed::<core::Namespace>(ns_res, "", o.namespace())
                .is_some_and(|n| n.metadata.deletion_timestamp.is_some());
            if terminating {
                q.add(
                    ControllerName::Namespace,
                    o.namespace().to_string(),
                    ctx,
                    QUEUE_LATENCY,
                );
            }
        }
        _ => {}
    }
}

/// Deletes the namespace's contents; finalizes it when empty.
pub fn sync(name: &str, ctx: &mut Ctx) -> Option<u64> {
    let ns_res = registry::by_kind("v1", "Namespace").unwrap();
    let ns = ctx
        .api
        .get_typed::<core::Namespace>(ns_res, "", name)
        .cloned()?;
    ns.metadata.deletion_timestamp.as_ref()?;
    let mut remaining = 0;
    let mut to_delete = Vec::new();
    for r in registry::RESOURCES.iter().filter(|r| r.namespaced) {
        for o in ctx.api.list(r, Some(name)) {
            remaining += 1;
            if o.meta().deletion_timestamp.is_none() {
                to_delete.push((r, o.name().to_string()));
            }
        }
    }
    for (r, n) in to_delete {
        let _ = ctx.api.delete(USER, r, name, &n, DeleteOptions::default());
    }
    if remaining > 0 {
        // Pods terminate gracefully; look again shortly.
        return Some(SECOND);
    }
    let mut ns = ns;
    if let Some(spec) = ns.spec.as_mut() {
        spec.finalizers = None;
    }
    let _ = ctx.api.update(USER, Object::Namespace(Box::new(ns)));
    None
}
