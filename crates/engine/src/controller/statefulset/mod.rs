//! The StatefulSet controller (pkg/controller/statefulset/stateful_set.go,
//! stateful_set_control.go, stateful_pod_control.go, stateful_set_utils.go).
//!
//! One sync per StatefulSet key: claim the set's revisions (the current and
//! the update revision), then create, delete and update pods in ordinal
//! order (see [`control`]), and write the status.
//!
//! Pods are claimed as `getPodsForStatefulSet` claims them: orphans whose
//! labels match the selector and whose name is `<set>-<ordinal>`
//! (`isMemberOf`) are adopted, owned pods that stop matching released.
//!
//! Simplifications: the informer cache is the store (no expectations);
//! claims are created but nothing binds them (no PersistentVolume
//! controller yet), so they stay Pending.

mod control;
pub mod utils;

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{apps, registry, Object};
use crate::simulation::Ctx;
use crate::store::WatchEvent;

const USER: &str = "system:serviceaccount:kube-system:statefulset-controller";
const COMPONENT: &str = "statefulset-controller";

fn sts_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "StatefulSet").unwrap()
}

/// Enqueues StatefulSets affected by a change: the set itself, or the
/// controller of a pod that changed.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::StatefulSet(s) => {
            let key = crate::api::key(
                s.metadata.namespace.as_deref().unwrap_or(""),
                s.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::StatefulSet, key, ctx, QUEUE_LATENCY);
        }
        Object::Pod(p)
            if ev.event_type != crate::store::EventType::Deleted
                && crate::api::podutil::get_controller_of(&p.metadata).is_none() =>
        {
            // An orphan: the sets whose selector matches may adopt it.
            let keys = super::controller_utils::owners_selecting_orphan(
                ctx.api,
                sts_res(),
                p,
                |o| match o {
                    Object::StatefulSet(s) => s.spec.as_ref().map(|s| &s.selector),
                    _ => None,
                },
            );
            for key in keys {
                q.add(ControllerName::StatefulSet, key, ctx, QUEUE_LATENCY);
            }
        }
        Object::Pod(p) => {
            if let Some(r) = crate::api::podutil::get_controller_of(&p.metadata)
                .filter(|r| r.kind == "StatefulSet")
            {
                let ns = p.metadata.namespace.as_deref().unwrap_or("");
                q.add(
                    ControllerName::StatefulSet,
                    crate::api::key(ns, &r.name),
                    ctx,
                    QUEUE_LATENCY,
                );
            }
        }
        _ => {}
    }
}

/// Reconciles one StatefulSet. Returns a requeue delay while a pod waits
/// out minReadySeconds.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<u64> {
    let (ns, name) = key.split_once('/')?;
    let set = ctx
        .api
        .get_typed::<apps::StatefulSet>(sts_res(), ns, name)?
        .clone();
    if let Some(spec) = &set.spec {
        super::history::claim_revisions(
            ctx,
            USER,
            "StatefulSet",
            &set.metadata,
            &spec.selector,
            false,
        );
        let name = set.metadata.name.clone().unwrap_or_default();
        super::controller_utils::claim_pods(
            ctx,
            USER,
            ("apps/v1", "StatefulSet", &set.metadata),
            &spec.selector,
            &|p| utils::ordinal_of(&name, p.metadata.name.as_deref().unwrap_or("")).is_some(),
        );
    }
    let (status, requeue) = control::update_stateful_set(&set, ctx);
    if let Some(mut cur) = ctx
        .api
        .get_typed::<apps::StatefulSet>(sts_res(), ns, name)
        .cloned()
    {
        if cur.status.as_ref() != Some(&status) {
            cur.status = Some(status);
            let _ = ctx
                .api
                .update_status(USER, Object::StatefulSet(Box::new(cur)));
        }
    }
    requeue
}

#[cfg(test)]
mod tests;
