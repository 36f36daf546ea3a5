//! The garbage collector (pkg/controller/garbagecollector).
//!
//! - Background propagation (the default of `kubectl delete`): when an owner
//!   is gone, its dependents whose every ownerReference points at a deleted
//!   owner are deleted.
//! - Foreground propagation (`kubectl delete --cascade=foreground`): the API
//!   server keeps the owner with a deletionTimestamp and the
//!   `foregroundDeletion` finalizer; the collector deletes its dependents
//!   (foreground again for those that have dependents of their own, as
//!   `attemptToDeleteItem` does) and removes the finalizer once no dependent
//!   whose ownerReference has `blockOwnerDeletion: true` is left
//!   (`processDeletingDependentsItem`), which lets the owner go.
//! - Orphan propagation is the API server's (it strips the ownerReferences).
//!
//! Dependents come from the API server's owner → dependents index (upstream
//! keeps the same graph in the collector itself).

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{registry, Object};
use crate::apiserver::{DeleteOptions, Propagation, FOREGROUND_DELETION};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

const USER: &str = "system:serviceaccount:kube-system:generic-garbage-collector";

/// Prefix of the work key of an owner in foreground deletion:
/// `fg|apiVersion|kind|namespace|name`.
const FOREGROUND: &str = "fg|";

fn in_foreground_deletion(o: &Object) -> bool {
    o.meta().deletion_timestamp.is_some()
        && o.meta()
            .finalizers
            .iter()
            .flatten()
            .any(|f| f == FOREGROUND_DELETION)
}

fn foreground_key(api_version: &str, kind: &str, namespace: &str, name: &str) -> String {
    format!("{FOREGROUND}{api_version}|{kind}|{namespace}|{name}")
}

/// Enqueues the deleted object's `namespace/uid` so its dependents are
/// found, owners in foreground deletion, and the owners of a deleted
/// dependent (one fewer dependent may unblock them).
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    let o = &*ev.object;
    if ev.event_type != EventType::Deleted {
        if in_foreground_deletion(o) {
            let key = foreground_key(o.api_version(), o.kind(), o.namespace(), o.name());
            q.add(ControllerName::GarbageCollector, key, ctx, QUEUE_LATENCY);
        }
        return;
    }
    for r in o.meta().owner_references.iter().flatten() {
        let key = foreground_key(&r.api_version, &r.kind, o.namespace(), &r.name);
        q.add(ControllerName::GarbageCollector, key, ctx, QUEUE_LATENCY);
    }
    let Some(uid) = o.meta().uid.clone() else {
        return;
    };
    q.add(
        ControllerName::GarbageCollector,
        format!("{}/{uid}", o.namespace()),
        ctx,
        QUEUE_LATENCY,
    );
}

/// Deletes dependents whose owners no longer exist, or whose owner is being
/// deleted in the foreground.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<u64> {
    if let Some(rest) = key.strip_prefix(FOREGROUND) {
        let mut parts = rest.splitn(4, '|');
        let (Some(av), Some(kind), Some(ns), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        sync_foreground(av, kind, ns, name, ctx);
        return None;
    }
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
        let _ = ctx
            .api
            .delete(USER, r, &ns, &name, DeleteOptions::default());
    }
    None
}

/// An owner in foreground deletion: delete its dependents, and let it go
/// once none blocks it.
fn sync_foreground(api_version: &str, kind: &str, ns: &str, name: &str, ctx: &mut Ctx) {
    let Some(res) = registry::by_kind(api_version, kind) else {
        return;
    };
    let Some(owner) = ctx.api.get_arc(res, ns, name) else {
        return;
    };
    if !in_foreground_deletion(&owner) {
        return;
    }
    let owner_uid = owner.meta().uid.clone().unwrap_or_default();
    let dependents = ctx.api.dependents_of(&owner_uid);
    let mut blocking = false;
    for d in &dependents {
        let blocks = d
            .meta()
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.uid == owner_uid && r.block_owner_deletion == Some(true));
        blocking |= blocks;
        if d.meta().deletion_timestamp.is_some() {
            continue;
        }
        // A dependent with dependents of its own goes in the foreground
        // too; a leaf in the background (pods terminate gracefully).
        let has_own = d
            .meta()
            .uid
            .as_deref()
            .is_some_and(|u| !ctx.api.dependents_of(u).is_empty());
        let propagation = if has_own {
            Propagation::Foreground
        } else {
            Propagation::Background
        };
        let _ = ctx.api.delete(
            USER,
            d.resource(),
            d.namespace(),
            d.name(),
            DeleteOptions {
                grace_period_seconds: None,
                propagation,
            },
        );
    }
    if blocking {
        // Each dependent's deletion event queues the owner again.
        return;
    }
    let mut o = (*owner).clone();
    if let Some(f) = o.meta_mut().finalizers.as_mut() {
        f.retain(|x| x != FOREGROUND_DELETION);
    }
    let _ = ctx.api.update(USER, o);
}
