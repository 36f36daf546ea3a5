//! The Deployment controller (pkg/controller/deployment).
//!
//! Split by concern as upstream splits it: `sync` (finding and creating the
//! new ReplicaSet, scaling, revision-history cleanup, status), `rolling`
//! (RollingUpdate), `recreate` (Recreate), `progress` (the Progressing
//! condition and the progress deadline) and `util` (deployment_util.go and
//! the pod-template hash). Rollback is kubectl's job in apps/v1 (`kubectl
//! rollout undo` writes the old template back), as upstream.
//!
//! Watch handlers only enqueue the Deployment's key: on a Deployment
//! change, on a change of a ReplicaSet it controls, and on the deletion of
//! a pod of such a ReplicaSet (Recreate waits for old pods to be gone).

mod progress;
mod recreate;
mod rolling;
mod sync;
pub mod util;

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{apps, registry, Object};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

const USER: &str = "system:serviceaccount:kube-system:deployment-controller";
/// The component name on the controller's events.
const COMPONENT: &str = "deployment-controller";

fn deploy_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "Deployment").unwrap()
}
fn rs_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "ReplicaSet").unwrap()
}

/// The controller ref of an object, if it is a Deployment's: its name.
fn deployment_owner(m: &crate::api::meta::ObjectMeta) -> Option<&str> {
    crate::api::podutil::get_controller_of(m)
        .filter(|r| r.kind == "Deployment")
        .map(|r| r.name.as_str())
}

/// Enqueues the Deployment a change concerns.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    let key = match &*ev.object {
        Object::Deployment(d) => Some(crate::api::key(
            d.metadata.namespace.as_deref().unwrap_or(""),
            d.metadata.name.as_deref().unwrap_or(""),
        )),
        Object::ReplicaSet(rs)
            if crate::api::podutil::get_controller_of(&rs.metadata).is_none() =>
        {
            // An orphan (addReplicaSet/updateReplicaSet): every Deployment
            // whose selector matches may adopt it (getDeploymentsForReplicaSet;
            // an empty selector matches nothing).
            if ev.event_type != EventType::Deleted {
                let ns = rs.metadata.namespace.as_deref().unwrap_or("");
                let keys: Vec<String> = ctx
                    .api
                    .list(deploy_res(), Some(ns))
                    .filter_map(|o| match o {
                        Object::Deployment(d) => {
                            let sel = d.spec.as_ref().and_then(|s| {
                                crate::api::selector::from_label_selector(&s.selector)
                            })?;
                            (!sel.is_empty() && sel.matches(rs.metadata.labels.as_ref())).then(
                                || crate::api::key(ns, d.metadata.name.as_deref().unwrap_or("")),
                            )
                        }
                        _ => None,
                    })
                    .collect();
                for key in keys {
                    q.add(ControllerName::Deployment, key, ctx, QUEUE_LATENCY);
                }
            }
            None
        }
        Object::ReplicaSet(rs) => deployment_owner(&rs.metadata)
            .map(|name| crate::api::key(rs.metadata.namespace.as_deref().unwrap_or(""), name)),
        // deletePod: a Recreate rollout waits for the old pods to be gone.
        Object::Pod(p) if ev.event_type == EventType::Deleted => {
            let ns = p.metadata.namespace.as_deref().unwrap_or("");
            crate::api::podutil::get_controller_of(&p.metadata)
                .filter(|r| r.kind == "ReplicaSet")
                .and_then(|r| ctx.api.get_typed::<apps::ReplicaSet>(rs_res(), ns, &r.name))
                .and_then(|rs| deployment_owner(&rs.metadata))
                .and_then(|d| ctx.api.get_typed::<apps::Deployment>(deploy_res(), ns, d))
                .filter(|d| !util::is_rolling_update(d))
                .map(|d| crate::api::key(ns, d.metadata.name.as_deref().unwrap_or("")))
        }
        _ => None,
    };
    if let Some(key) = key {
        q.add(ControllerName::Deployment, key, ctx, QUEUE_LATENCY);
    }
}

/// `syncDeployment`: reconciles one Deployment. Returns a requeue delay
/// when the outcome depends on time (the progress deadline).
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<u64> {
    let (ns, name) = key.split_once('/')?;
    let mut d = ctx
        .api
        .get_typed::<apps::Deployment>(deploy_res(), ns, name)?
        .clone();
    let rs_list = sync::claim_replica_sets(&d, ctx);
    if d.metadata.deletion_timestamp.is_some() {
        sync::sync_status_only(&mut d, &rs_list, ctx);
        return None;
    }
    progress::check_paused_conditions(&mut d, ctx);
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        sync::sync(&mut d, &rs_list, ctx);
        return None;
    }
    if sync::is_scaling_event(&mut d, &rs_list, ctx) {
        sync::sync(&mut d, &rs_list, ctx);
        return None;
    }
    if util::is_rolling_update(&d) {
        rolling::rollout_rolling(&mut d, rs_list, ctx)
    } else {
        recreate::rollout_recreate(&mut d, rs_list, ctx)
    }
}

/// Records an event on the Deployment.
fn event(d: &apps::Deployment, type_: &str, reason: &str, message: &str, ctx: &mut Ctx) {
    let obj = Object::Deployment(Box::new(d.clone()));
    ctx.api
        .record_event(COMPONENT, None, (&obj).into(), None, type_, reason, message);
}

#[cfg(test)]
mod tests;
