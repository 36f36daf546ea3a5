//! `defaultStatefulSetControl.UpdateStatefulSet` (stateful_set_control.go):
//! revisions, then replicas in ordinal order, then condemned pods in
//! reverse order, then the rolling update from the highest ordinal down to
//! the partition. With `OrderedReady` every step waits for its
//! predecessors to be Running and Ready; `Parallel` does not wait.

use super::utils::{self, is_healthy, is_running_and_ready, is_terminating, pod_revision};
use super::{COMPONENT, USER};
use crate::api::{apps, core, podutil, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::controller::history;
use crate::simulation::Ctx;

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}
fn pvc_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "PersistentVolumeClaim").unwrap()
}

fn event(ctx: &mut Ctx, set: &apps::StatefulSet, type_: &str, reason: &str, msg: &str) {
    let obj = Object::StatefulSet(Box::new(set.clone()));
    ctx.api
        .record_event(COMPONENT, None, (&obj).into(), None, type_, reason, msg);
}

/// The current and update revisions (`getStatefulSetRevisions`): the update
/// revision is the one of the current template (created, or renumbered to
/// the newest when an old template comes back); the current revision is
/// the one `status.currentRevision` names, or the update revision.
fn revisions(
    set: &apps::StatefulSet,
    ctx: &mut Ctx,
) -> (apps::ControllerRevision, apps::ControllerRevision) {
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let spec = set.spec.clone().unwrap_or_default();
    let patch = history::template_patch(&spec.template);
    let collision = set.status.as_ref().and_then(|s| s.collision_count);
    let hash = history::hash(&patch, collision);
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let existing = history::revisions_of(ctx.api, &ns, &uid);
    let max = existing.iter().map(|r| r.revision).max().unwrap_or(0);
    let update = match existing
        .iter()
        .rev()
        .find(|r| r.data.as_ref().map(|d| &d.0) == Some(&patch))
    {
        Some(r) if r.revision < max => {
            let mut r = r.clone();
            r.revision = max + 1;
            match ctx
                .api
                .update(USER, Object::ControllerRevision(Box::new(r.clone())))
            {
                Ok(stored) => match &*stored {
                    Object::ControllerRevision(cr) => (**cr).clone(),
                    _ => r,
                },
                Err(_) => r,
            }
        }
        Some(r) => r.clone(),
        None => {
            let mut labels = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            labels.insert(history::REVISION_HASH_LABEL.into(), hash.clone());
            let name = format!("{}-{hash}", set.metadata.name.as_deref().unwrap_or(""));
            let mut cr =
                history::new_revision("StatefulSet", &set.metadata, name, labels, patch, max + 1);
            // The revision keeps the set's annotations (change-cause).
            cr.metadata.annotations = set.metadata.annotations.clone();
            let _ = ctx
                .api
                .create(USER, Object::ControllerRevision(Box::new(cr.clone())));
            cr
        }
    };
    let current_name = set
        .status
        .as_ref()
        .and_then(|s| s.current_revision.clone())
        .unwrap_or_default();
    let current = existing
        .into_iter()
        .find(|r| r.metadata.name.as_deref() == Some(current_name.as_str()))
        .unwrap_or_else(|| update.clone());
    (current, update)
}

/// `ApplyRevision`: the set with the revision's template.
fn apply_revision(set: &apps::StatefulSet, rev: &apps::ControllerRevision) -> apps::StatefulSet {
    let mut s = set.clone();
    if let (Some(spec), Some(t)) = (s.spec.as_mut(), history::template_of(rev)) {
        spec.template = t;
    }
    s
}

fn rev_name(r: &apps::ControllerRevision) -> String {
    r.metadata.name.clone().unwrap_or_default()
}

/// When the pod became Ready (virtual ms).
fn ready_since(p: &core::Pod, ctx: &Ctx) -> Option<u64> {
    podutil::condition(p, "Ready")
        .filter(|c| c.status == "True")
        .map(|c| {
            c.last_transition_time
                .as_ref()
                .map(|t| ctx.api.clock.millis_of(&t.0))
                .unwrap_or(0)
        })
}

/// Reconciles pods and claims; returns the new status and a requeue delay.
pub(super) fn update_stateful_set(
    set: &apps::StatefulSet,
    ctx: &mut Ctx,
) -> (apps::StatefulSetStatus, Option<u64>) {
    let (current_rev, update_rev) = revisions(set, ctx);
    let current_set = apply_revision(set, &current_rev);
    let spec = set.spec.clone().unwrap_or_default();
    let name = set.metadata.name.clone().unwrap_or_default();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    let want = spec.replicas.unwrap_or(1).max(0);
    let monotonic = spec.pod_management_policy.as_deref() != Some("Parallel");
    let strategy = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.clone())
        .unwrap_or_default();
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let min_ready = spec.min_ready_seconds.unwrap_or(0).max(0) as u64 * 1000;
    let now = ctx.now();
    let selector = crate::api::selector::from_label_selector(&spec.selector);

    // Pods this set controls, split into replicas (ordinal in range) and
    // condemned (out of range), the latter in decreasing ordinal order.
    let mut replicas: Vec<Option<core::Pod>> = vec![None; want as usize];
    let mut condemned: Vec<(i32, core::Pod)> = Vec::new();
    for o in ctx.api.pods_of_controller(&uid) {
        let Object::Pod(p) = &**o else { continue };
        if !selector
            .as_ref()
            .is_some_and(|s| s.matches(p.metadata.labels.as_ref()))
        {
            continue;
        }
        let Some(ord) = utils::ordinal_of(&name, p.metadata.name.as_deref().unwrap_or("")) else {
            continue;
        };
        if ord >= start && ord < start + want {
            replicas[(ord - start) as usize] = Some((**p).clone());
        } else {
            condemned.push((ord, (**p).clone()));
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));

    let mut status = compute_status(set, &current_rev, &update_rev, &replicas, &condemned, ctx);
    let mut requeue = None;
    let available = |p: &core::Pod, ctx: &Ctx, requeue: &mut Option<u64>| match ready_since(p, ctx)
    {
        Some(t) if t + min_ready <= now => true,
        Some(t) => {
            let wait = t + min_ready - now;
            *requeue = Some(requeue.map_or(wait, |r: u64| r.min(wait)));
            false
        }
        None => false,
    };
    if set.metadata.deletion_timestamp.is_some() {
        return (status, None);
    }

    // The first unhealthy pod, by ordinal, then among the condemned.
    let first_unhealthy = replicas
        .iter()
        .flatten()
        .chain(condemned.iter().map(|(_, p)| p))
        .find(|p| !is_healthy(p))
        .and_then(|p| p.metadata.name.clone());

    // Replicas in ordinal order.
    for (i, slot) in replicas.iter().enumerate() {
        let ord = start + i as i32;
        if let Some(p) = slot {
            let phase = podutil::phase(p);
            if phase == "Failed" || phase == "Succeeded" {
                if !is_terminating(p) {
                    delete_pod(set, p, ctx);
                }
                if monotonic {
                    return (status, requeue);
                }
                continue;
            }
        }
        let Some(p) = slot else {
            // newVersionedStatefulSetPod: below the partition pods come
            // from the current revision, the others from the update one.
            let pod = if strategy == "RollingUpdate" && ord < start + partition {
                utils::new_pod(&current_set, ord, &rev_name(&current_rev))
            } else {
                utils::new_pod(set, ord, &rev_name(&update_rev))
            };
            create_pod(set, pod, ord, ctx);
            if monotonic {
                return (status, requeue);
            }
            continue;
        };
        if podutil::phase(p) == "Pending" {
            create_missing_claims(set, p, ord, ctx);
        }
        if monotonic
            && (is_terminating(p) || !is_running_and_ready(p) || !available(p, ctx, &mut requeue))
        {
            return (status, requeue);
        }
    }

    // Scale down: highest ordinal first; one at a time when ordered.
    for (_, p) in &condemned {
        if is_terminating(p) {
            if monotonic {
                return (status, requeue);
            }
            continue;
        }
        let is_first_unhealthy = first_unhealthy.as_deref() == p.metadata.name.as_deref();
        if monotonic
            && !is_first_unhealthy
            && (!is_running_and_ready(p) || !available(p, ctx, &mut requeue))
        {
            return (status, requeue);
        }
        delete_pod(set, p, ctx);
        if monotonic {
            return (status, requeue);
        }
    }

    if strategy != "RollingUpdate" {
        return (status, requeue);
    }
    // Rolling update: delete the highest-ordinal pod not at the update
    // revision, down to the partition; wait for unhealthy pods.
    let update_name = rev_name(&update_rev);
    for target in (partition.max(0) as usize..replicas.len()).rev() {
        let Some(p) = &replicas[target] else { continue };
        if pod_revision(p) != update_name && !is_terminating(p) {
            delete_pod(set, p, ctx);
            status.current_replicas =
                Some(status.current_replicas.unwrap_or(0) - 1).filter(|n| *n > 0);
            return (status, requeue);
        }
        if !is_healthy(p) {
            return (status, requeue);
        }
    }
    let _ = ns;
    (status, requeue)
}

/// `computeReplicaStatus` and `completeRollingUpdate`.
fn compute_status(
    set: &apps::StatefulSet,
    current: &apps::ControllerRevision,
    update: &apps::ControllerRevision,
    replicas: &[Option<core::Pod>],
    condemned: &[(i32, core::Pod)],
    ctx: &Ctx,
) -> apps::StatefulSetStatus {
    let spec = set.spec.clone().unwrap_or_default();
    let min_ready = spec.min_ready_seconds.unwrap_or(0).max(0) as u64 * 1000;
    let now = ctx.now();
    let (mut total, mut ready, mut avail, mut cur, mut upd) = (0, 0, 0, 0, 0);
    let (cur_name, upd_name) = (rev_name(current), rev_name(update));
    for p in replicas
        .iter()
        .flatten()
        .chain(condemned.iter().map(|(_, p)| p))
    {
        total += 1;
        if is_running_and_ready(p) {
            ready += 1;
            if ready_since(p, ctx).is_some_and(|t| t + min_ready <= now) {
                avail += 1;
            }
        }
        if !is_terminating(p) {
            if pod_revision(p) == cur_name {
                cur += 1;
            }
            if pod_revision(p) == upd_name {
                upd += 1;
            }
        }
    }
    let old = set.status.clone().unwrap_or_default();
    let mut status = apps::StatefulSetStatus {
        available_replicas: Some(avail),
        collision_count: old.collision_count.or(Some(0)),
        conditions: old.conditions.clone(),
        current_replicas: Some(cur).filter(|n| *n > 0),
        current_revision: Some(cur_name),
        observed_generation: set.metadata.generation,
        ready_replicas: Some(ready).filter(|n| *n > 0),
        replicas: total,
        update_revision: Some(upd_name.clone()),
        updated_replicas: Some(upd).filter(|n| *n > 0),
    };
    let rolling = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        == Some("RollingUpdate");
    if rolling && upd == total && ready == total {
        status.current_replicas = status.updated_replicas;
        status.current_revision = Some(upd_name);
    }
    status
}

/// `createPersistentVolumeClaims` for the pod's claims that do not exist.
fn create_missing_claims(
    set: &apps::StatefulSet,
    pod: &core::Pod,
    ord: i32,
    ctx: &mut Ctx,
) -> bool {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    for (_, claim) in utils::claims_for(set, ord) {
        let cname = claim.metadata.name.clone().unwrap_or_default();
        if ctx.api.get(pvc_res(), &ns, &cname).is_some() {
            continue;
        }
        match ctx
            .api
            .create(USER, Object::PersistentVolumeClaim(Box::new(claim)))
        {
            Ok(_) => {
                let msg = format!(
                    "create Claim {cname} Pod {pod_name} in StatefulSet {set_name} success"
                );
                event(ctx, set, "Normal", "SuccessfulCreate", &msg);
            }
            Err(e) => {
                let msg = format!(
                    "create Claim {cname} for Pod {pod_name} in StatefulSet {set_name} failed error: {}",
                    e.message
                );
                event(ctx, set, "Warning", "FailedCreate", &msg);
                return false;
            }
        }
    }
    true
}

/// `CreateStatefulPod`: claims first, then the pod.
fn create_pod(set: &apps::StatefulSet, pod: core::Pod, ord: i32, ctx: &mut Ctx) {
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    if !create_missing_claims(set, &pod, ord, ctx) {
        return;
    }
    match ctx.api.create(USER, Object::Pod(Box::new(pod))) {
        Ok(_) => {
            let msg = format!("create Pod {pod_name} in StatefulSet {set_name} successful");
            event(ctx, set, "Normal", "SuccessfulCreate", &msg);
        }
        Err(e) => {
            let msg = format!(
                "create Pod {pod_name} in StatefulSet {set_name} failed error: {}",
                e.message
            );
            event(ctx, set, "Warning", "FailedCreate", &msg);
        }
    }
}

/// `DeleteStatefulPod`.
fn delete_pod(set: &apps::StatefulSet, pod: &core::Pod, ctx: &mut Ctx) {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    match ctx
        .api
        .delete(USER, pod_res(), &ns, &pod_name, DeleteOptions::default())
    {
        Ok(_) => {
            let msg = format!("delete Pod {pod_name} in StatefulSet {set_name} successful");
            event(ctx, set, "Normal", "SuccessfulDelete", &msg);
        }
        Err(e) => {
            let msg = format!(
                "delete Pod {pod_name} in StatefulSet {set_name} failed error: {}",
                e.message
            );
            event(ctx, set, "Warning", "FailedDelete", &msg);
        }
    }
}
