//! pkg/controller/deployment/rolling.go: RollingUpdate. The new
//! ReplicaSet grows while the total stays within replicas + maxSurge; old
//! ReplicaSets shrink while availability stays at replicas − maxUnavailable.

use super::sync::{self, active, scale_and_record, sort_by_creation};
use super::util;
use crate::api::apps;
use crate::simulation::Ctx;

/// `rolloutRolling`.
pub fn rollout_rolling(
    d: &mut apps::Deployment,
    rs_list: Vec<apps::ReplicaSet>,
    ctx: &mut Ctx,
) -> Option<u64> {
    let (new, olds) = sync::all_and_sync_revision(d, &rs_list, true, ctx);
    let Some(new) = new else {
        return sync::rollout_status(d, ctx);
    };
    if reconcile_new_replica_set(&new, &olds, d, ctx) {
        return sync::rollout_status(d, ctx);
    }
    if reconcile_old_replica_sets(&new, &olds, d, ctx) {
        return sync::rollout_status(d, ctx);
    }
    if util::deployment_complete(d, &d.status.clone().unwrap_or_default()) {
        sync::cleanup(d, &olds, ctx);
    }
    sync::rollout_status(d, ctx)
}

/// `reconcileNewReplicaSet`: whether the new ReplicaSet was scaled.
fn reconcile_new_replica_set(
    new: &apps::ReplicaSet,
    olds: &[apps::ReplicaSet],
    d: &apps::Deployment,
    ctx: &mut Ctx,
) -> bool {
    let want = util::replicas(d);
    let size = util::rs_replicas(new);
    if size == want {
        return false;
    }
    if size > want {
        return scale_and_record(new, want, d, ctx).0;
    }
    let all: Vec<&apps::ReplicaSet> = olds.iter().chain([new]).collect();
    let count = util::new_rs_new_replicas(d, &all, new);
    scale_and_record(new, count, d, ctx).0
}

/// How many old replicas may go now (`reconcileOldReplicaSets`'
/// `maxScaledDown`): all pods − the minimum available − the new
/// ReplicaSet's unavailable pods.
pub fn max_scaled_down(d: &apps::Deployment, all_pods: i32, new: &apps::ReplicaSet) -> i32 {
    let min_available = util::replicas(d) - util::max_unavailable(d);
    let new_unavailable = util::rs_replicas(new) - util::rs_available(new);
    all_pods - min_available - new_unavailable
}

/// `reconcileOldReplicaSets`: whether any old ReplicaSet was scaled down.
fn reconcile_old_replica_sets(
    new: &apps::ReplicaSet,
    olds: &[apps::ReplicaSet],
    d: &apps::Deployment,
    ctx: &mut Ctx,
) -> bool {
    let old_pods = util::replica_count(olds);
    if old_pods == 0 {
        return false;
    }
    let all_pods = old_pods + util::rs_replicas(new);
    let max_down = max_scaled_down(d, all_pods, new);
    if max_down <= 0 {
        return false;
    }
    let mut olds = active(olds);
    let cleaned = cleanup_unhealthy_replicas(&mut olds, d, max_down, ctx);
    let scaled = scale_down_old_for_rolling_update(new, &mut olds, d, ctx);
    cleaned + scaled > 0
}

/// `cleanupUnhealthyReplicas`: first scale down old ReplicaSets' unavailable
/// replicas (they serve nothing), oldest first, at most `max_cleanup`.
fn cleanup_unhealthy_replicas(
    olds: &mut [apps::ReplicaSet],
    d: &apps::Deployment,
    max_cleanup: i32,
    ctx: &mut Ctx,
) -> i32 {
    sort_by_creation(olds);
    let mut total = 0;
    for rs in olds.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let (size, avail) = (util::rs_replicas(rs), util::rs_available(rs));
        if size == 0 || size == avail {
            continue;
        }
        let down = (max_cleanup - total).min(size - avail);
        let (_, stored) = scale_and_record(rs, size - down, d, ctx);
        total += down;
        *rs = stored;
    }
    total
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: scale old ReplicaSets down,
/// oldest first, while available pods stay above replicas − maxUnavailable.
fn scale_down_old_for_rolling_update(
    new: &apps::ReplicaSet,
    olds: &mut [apps::ReplicaSet],
    d: &apps::Deployment,
    ctx: &mut Ctx,
) -> i32 {
    let min_available = util::replicas(d) - util::max_unavailable(d);
    let available: i32 = olds.iter().map(util::rs_available).sum::<i32>() + util::rs_available(new);
    if available <= min_available {
        return 0;
    }
    sort_by_creation(olds);
    let to_scale = available - min_available;
    let mut total = 0;
    for rs in olds.iter() {
        if total >= to_scale {
            break;
        }
        let size = util::rs_replicas(rs);
        if size == 0 {
            continue;
        }
        let down = size.min(to_scale - total);
        scale_and_record(rs, size - down, d, ctx);
        total += down;
    }
    total
}
