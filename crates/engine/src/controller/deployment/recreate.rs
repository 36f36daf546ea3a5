//! pkg/controller/deployment/recreate.go: Recreate. Old ReplicaSets go to
//! 0, and only when none of their pods is left does the new one scale up.

use super::sync::{self, active, scale_and_record};
use super::util;
use crate::api::{apps, podutil, Object};
use crate::simulation::Ctx;

/// `rolloutRecreate`.
pub fn rollout_recreate(
    d: &mut apps::Deployment,
    rs_list: Vec<apps::ReplicaSet>,
    ctx: &mut Ctx,
) -> Option<u64> {
    let (new, olds) = sync::all_and_sync_revision(d, &rs_list, false, ctx);
    // scaleDownOldReplicaSetsForRecreate.
    let mut scaled = false;
    for rs in active(&olds) {
        if scale_and_record(&rs, 0, d, ctx).0 {
            scaled = true;
        }
    }
    if scaled || old_pods_running(new.as_ref(), &olds, ctx) {
        return sync::rollout_status(d, ctx);
    }
    let (new, olds) = match new {
        Some(n) => (Some(n), olds),
        None => sync::all_and_sync_revision(d, &rs_list, true, ctx),
    };
    if let Some(n) = &new {
        scale_and_record(n, util::replicas(d), d, ctx);
    }
    if util::deployment_complete(d, &d.status.clone().unwrap_or_default()) {
        sync::cleanup(d, &olds, ctx);
    }
    sync::rollout_status(d, ctx)
}

/// `oldPodsRunning`: old ReplicaSets still report pods, or a pod of an old
/// ReplicaSet has not finished (terminating pods count).
fn old_pods_running(new: Option<&apps::ReplicaSet>, olds: &[apps::ReplicaSet], ctx: &Ctx) -> bool {
    if olds
        .iter()
        .any(|r| r.status.as_ref().is_some_and(|s| s.replicas > 0))
    {
        return true;
    }
    let new_uid = new.and_then(|n| n.metadata.uid.as_deref());
    olds.iter()
        .filter(|r| r.metadata.uid.as_deref() != new_uid)
        .any(|r| {
            ctx.api
                .pods_of_controller(r.metadata.uid.as_deref().unwrap_or(""))
                .any(|p| match &**p {
                    Object::Pod(p) => !matches!(podutil::phase(p), "Failed" | "Succeeded"),
                    _ => false,
                })
        })
}
