//! pkg/controller/deployment/sync.go: the new ReplicaSet (found or
//! created), proportional scaling, revision-history cleanup and status.

use super::util::{self, POD_TEMPLATE_HASH, REVISION};
use super::{event, progress, rs_res, USER};
use crate::api::{apps, meta, Object};
use crate::apiserver::{DeleteOptions, Reason};
use crate::simulation::Ctx;
use std::collections::BTreeMap;

/// The ReplicaSets the Deployment controls, oldest first
/// (`ReplicaSetsByCreationTimestamp`, ties by name), from the
/// owner → dependents index.
pub fn replica_sets_of(d: &apps::Deployment, ctx: &Ctx) -> Vec<apps::ReplicaSet> {
    let uid = d.metadata.uid.as_deref().unwrap_or("");
    let mut v: Vec<apps::ReplicaSet> = ctx
        .api
        .dependents_of(uid)
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs) if crate::api::podutil::is_controlled_by(&rs.metadata, uid) => {
                Some((**rs).clone())
            }
            _ => None,
        })
        .collect();
    sort_by_creation(&mut v);
    v
}

/// `getReplicaSetsForDeployment` (ControllerRefManager.ClaimReplicaSets):
/// the ReplicaSets the Deployment controls, oldest first, after releasing
/// the ones it controls whose labels no longer match its selector and
/// adopting the orphans whose labels do — neither while the Deployment is
/// being deleted (controller_ref_manager.go ClaimObject). A Deployment with
/// an invalid or empty selector claims nothing new.
pub fn claim_replica_sets(d: &apps::Deployment, ctx: &mut Ctx) -> Vec<apps::ReplicaSet> {
    let mut owned = replica_sets_of(d, ctx);
    let deleting = d.metadata.deletion_timestamp.is_some();
    let selector = d
        .spec
        .as_ref()
        .and_then(|s| crate::api::selector::from_label_selector(&s.selector))
        .filter(|s| !s.is_empty());
    if deleting {
        return owned;
    }
    let Some(selector) = selector else {
        return owned;
    };
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    // Release: owned but no longer matching.
    let (keep, release): (Vec<_>, Vec<_>) = owned
        .into_iter()
        .partition(|rs| selector.matches(rs.metadata.labels.as_ref()));
    owned = keep;
    for mut rs in release {
        if let Some(refs) = rs.metadata.owner_references.as_mut() {
            refs.retain(|r| r.uid != uid);
        }
        let _ = ctx
            .api
            .update(super::USER, Object::ReplicaSet(Box::new(rs)));
    }
    // Adopt: orphans that match and are not being deleted.
    let orphans: Vec<apps::ReplicaSet> = ctx
        .api
        .orphan_replica_sets_in(&ns)
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs)
                if rs.metadata.deletion_timestamp.is_none()
                    && selector.matches(rs.metadata.labels.as_ref()) =>
            {
                Some((**rs).clone())
            }
            _ => None,
        })
        .collect();
    for mut rs in orphans {
        rs.metadata
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(crate::controller::controller_utils::new_controller_ref(
                "apps/v1",
                "Deployment",
                &d.metadata,
            ));
        if let Ok(stored) = ctx
            .api
            .update(super::USER, Object::ReplicaSet(Box::new(rs)))
        {
            if let Object::ReplicaSet(rs) = &*stored {
                owned.push((**rs).clone());
            }
        }
    }
    sort_by_creation(&mut owned);
    owned
}

/// `ReplicaSetsByCreationTimestamp`.
pub fn sort_by_creation(v: &mut [apps::ReplicaSet]) {
    v.sort_by(|a, b| {
        let ka = (
            a.metadata.creation_timestamp.as_ref().map(|t| t.0),
            &a.metadata.name,
        );
        let kb = (
            b.metadata.creation_timestamp.as_ref().map(|t| t.0),
            &b.metadata.name,
        );
        ka.cmp(&kb)
    });
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the
/// Deployment's (ignoring the hash label). `rs_list` is oldest first.
fn find_new(d: &apps::Deployment, rs_list: &[apps::ReplicaSet]) -> Option<usize> {
    let t = &d.spec.as_ref()?.template;
    rs_list
        .iter()
        .position(|rs| util::equal_ignore_hash(&util::rs_template(rs), t))
}

/// Writes the Deployment's status; `d` becomes the stored object.
pub fn write_status(d: &mut apps::Deployment, ctx: &mut Ctx) {
    if let Ok(stored) = ctx
        .api
        .update_status(USER, Object::Deployment(Box::new(d.clone())))
    {
        if let Object::Deployment(s) = &*stored {
            *d = (**s).clone();
        }
    }
}

/// `getAllReplicaSetsAndSyncRevision`: (new, olds). Creates the new
/// ReplicaSet if `create` and none matches the template.
pub fn all_and_sync_revision(
    d: &mut apps::Deployment,
    rs_list: &[apps::ReplicaSet],
    create: bool,
    ctx: &mut Ctx,
) -> (Option<apps::ReplicaSet>, Vec<apps::ReplicaSet>) {
    let new_idx = find_new(d, rs_list);
    let olds: Vec<apps::ReplicaSet> = rs_list
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != new_idx)
        .map(|(_, rs)| rs.clone())
        .collect();
    let new = new_replica_set(d, new_idx.map(|i| &rs_list[i]), &olds, create, ctx);
    (new, olds)
}

/// `SetDeploymentRevision` then `UpdateStatus` (the status strategy keeps
/// the annotations the controller sets).
fn set_deployment_revision(d: &mut apps::Deployment, revision: &str) -> bool {
    let a = d.metadata.annotations.get_or_insert_with(BTreeMap::new);
    if a.get(REVISION).map(String::as_str) == Some(revision) {
        return false;
    }
    a.insert(REVISION.into(), revision.into());
    true
}

/// `getNewReplicaSet`.
fn new_replica_set(
    d: &mut apps::Deployment,
    existing: Option<&apps::ReplicaSet>,
    olds: &[apps::ReplicaSet],
    create: bool,
    ctx: &mut Ctx,
) -> Option<apps::ReplicaSet> {
    let max_old = olds
        .iter()
        .map(|r| util::revision(&r.metadata))
        .max()
        .unwrap_or(0);
    let new_revision = max_old + 1;
    let now = ctx.api.clock.time();
    if let Some(existing) = existing {
        let mut rs = existing.clone();
        let annotations_updated =
            util::set_new_replica_set_annotations(d, &mut rs, new_revision, true);
        let min_ready = d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let rs_min_ready = rs.spec.as_ref().and_then(|s| s.min_ready_seconds);
        if annotations_updated || min_ready.unwrap_or(0) != rs_min_ready.unwrap_or(0) {
            if let Some(s) = rs.spec.as_mut() {
                s.min_ready_seconds = min_ready;
            }
            return match ctx
                .api
                .update(USER, Object::ReplicaSet(Box::new(rs.clone())))
            {
                Ok(stored) => match &*stored {
                    Object::ReplicaSet(s) => Some((**s).clone()),
                    _ => Some(rs),
                },
                Err(_) => Some(existing.clone()),
            };
        }
        let rev = rs
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REVISION))
            .cloned()
            .unwrap_or_default();
        let mut needs_update = set_deployment_revision(d, &rev);
        let no_cond = d
            .status
            .as_ref()
            .is_none_or(|s| util::condition(s, "Progressing").is_none());
        if util::has_progress_deadline(d) && no_cond {
            let name = rs.metadata.name.clone().unwrap_or_default();
            let c = util::new_condition(
                "Progressing",
                "True",
                "FoundNewReplicaSet",
                format!("Found new replica set {name:?}"),
                &now,
            );
            util::set_condition(d.status.get_or_insert_with(Default::default), c);
            needs_update = true;
        }
        if needs_update {
            write_status(d, ctx);
        }
        return Some(rs);
    }
    if !create {
        return None;
    }
    let spec = d.spec.clone().unwrap_or_default();
    let collision = d.status.as_ref().and_then(|s| s.collision_count);
    let hash = util::compute_hash(&spec.template, collision);
    let mut template = spec.template.clone();
    let tm = template.metadata.get_or_insert_with(Default::default);
    tm.labels
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let labels = tm.labels.clone();
    let mut selector = spec.selector.clone();
    selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let d_name = d.metadata.name.clone().unwrap_or_default();
    let mut new_rs = apps::ReplicaSet {
        metadata: meta::ObjectMeta {
            name: Some(format!("{d_name}-{hash}")),
            namespace: d.metadata.namespace.clone(),
            owner_references: Some(vec![
                crate::controller::controller_utils::new_controller_ref(
                    "apps/v1",
                    "Deployment",
                    &d.metadata,
                ),
            ]),
            labels,
            ..Default::default()
        },
        spec: Some(apps::ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: spec.min_ready_seconds,
            selector,
            template: Some(template),
        }),
        status: None,
    };
    let count = {
        let all: Vec<&apps::ReplicaSet> = olds.iter().chain([&new_rs]).collect();
        util::new_rs_new_replicas(d, &all, &new_rs)
    };
    if let Some(s) = new_rs.spec.as_mut() {
        s.replicas = Some(count);
    }
    util::set_new_replica_set_annotations(d, &mut new_rs, new_revision, false);
    let rs_name = new_rs.metadata.name.clone().unwrap_or_default();
    let (created, already_exists) = match ctx
        .api
        .create(USER, Object::ReplicaSet(Box::new(new_rs.clone())))
    {
        Ok(o) => match &*o {
            Object::ReplicaSet(rs) => ((**rs).clone(), false),
            _ => return None,
        },
        Err(e) if e.reason == Reason::AlreadyExists => {
            // A ReplicaSet of that name exists: ours (an informer lag
            // upstream) if it has the same template, else a hash collision.
            let ns = d.metadata.namespace.clone().unwrap_or_default();
            let rs = ctx
                .api
                .get_typed::<apps::ReplicaSet>(rs_res(), &ns, &rs_name)
                .cloned()?;
            let ours = d
                .metadata
                .uid
                .as_deref()
                .is_some_and(|uid| crate::api::podutil::is_controlled_by(&rs.metadata, uid));
            if ours && util::equal_ignore_hash(&util::rs_template(&rs), &spec.template) {
                (rs, true)
            } else {
                let status = d.status.get_or_insert_with(Default::default);
                status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                write_status(d, ctx);
                return None;
            }
        }
        Err(e) => {
            let msg = format!(
                "Failed to create new replica set {rs_name:?}: {}",
                e.message
            );
            if util::has_progress_deadline(d) {
                let c = util::new_condition(
                    "Progressing",
                    "False",
                    "ReplicaSetCreateError",
                    msg.clone(),
                    &now,
                );
                util::set_condition(d.status.get_or_insert_with(Default::default), c);
                write_status(d, ctx);
            }
            event(d, "Warning", "ReplicaSetCreateError", &msg, ctx);
            return None;
        }
    };
    if !already_exists && count > 0 {
        let msg = format!("Scaled up replica set {rs_name} from 0 to {count}");
        event(d, "Normal", "ScalingReplicaSet", &msg, ctx);
    }
    let mut needs_update = set_deployment_revision(d, &new_revision.to_string());
    if !already_exists && util::has_progress_deadline(d) {
        let c = util::new_condition(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            format!("Created new replica set {rs_name:?}"),
            &now,
        );
        util::set_condition(d.status.get_or_insert_with(Default::default), c);
        needs_update = true;
    }
    if needs_update {
        write_status(d, ctx);
    }
    Some(created)
}

/// `scaleReplicaSetAndRecordEvent`: (scaled, the ReplicaSet as stored).
pub fn scale_and_record(
    rs: &apps::ReplicaSet,
    new_scale: i32,
    d: &apps::Deployment,
    ctx: &mut Ctx,
) -> (bool, apps::ReplicaSet) {
    let cur = util::rs_replicas(rs);
    if cur == new_scale {
        return (false, rs.clone());
    }
    let op = if cur < new_scale { "up" } else { "down" };
    scale_replica_set(rs, new_scale, d, op, ctx)
}

/// `scaleReplicaSet`: writes the size and the replica annotations;
/// records `ScalingReplicaSet` when the size changed.
pub fn scale_replica_set(
    rs: &apps::ReplicaSet,
    new_scale: i32,
    d: &apps::Deployment,
    op: &str,
    ctx: &mut Ctx,
) -> (bool, apps::ReplicaSet) {
    let old = util::rs_replicas(rs);
    let size_changes = old != new_scale;
    let (want, max) = (util::replicas(d), util::replicas(d) + util::max_surge(d));
    if !size_changes && !util::replicas_annotations_need_update(rs, want, max) {
        return (false, rs.clone());
    }
    let mut copy = rs.clone();
    if let Some(s) = copy.spec.as_mut() {
        s.replicas = Some(new_scale);
    }
    util::set_replicas_annotations(&mut copy, want, max);
    match ctx.api.update(USER, Object::ReplicaSet(Box::new(copy))) {
        Ok(stored) => {
            let stored = match &*stored {
                Object::ReplicaSet(s) => (**s).clone(),
                _ => rs.clone(),
            };
            if size_changes {
                let msg = format!(
                    "Scaled {op} replica set {} from {old} to {new_scale}",
                    stored.metadata.name.as_deref().unwrap_or("")
                );
                event(d, "Normal", "ScalingReplicaSet", &msg, ctx);
            }
            (size_changes, stored)
        }
        Err(_) => (false, rs.clone()),
    }
}

/// `FilterActiveReplicaSets`: those with `spec.replicas` > 0.
pub fn active(rss: &[apps::ReplicaSet]) -> Vec<apps::ReplicaSet> {
    rss.iter()
        .filter(|r| util::rs_replicas(r) > 0)
        .cloned()
        .collect()
}

/// `scale`: a scaling event, or a paused Deployment: the one active
/// ReplicaSet takes the new size; a saturated new ReplicaSet scales the
/// old ones to 0; otherwise the difference is shared in proportion.
fn scale(
    d: &apps::Deployment,
    new: Option<&apps::ReplicaSet>,
    olds: &[apps::ReplicaSet],
    ctx: &mut Ctx,
) {
    let want = util::replicas(d);
    // FindActiveOrLatest.
    let mut by_newest = olds.to_vec();
    sort_by_creation(&mut by_newest);
    by_newest.reverse();
    let mut all: Vec<apps::ReplicaSet> = by_newest.clone();
    all.extend(new.cloned());
    let actives = active(&all);
    let only = match actives.len() {
        0 => new.cloned().or_else(|| by_newest.first().cloned()),
        1 => Some(actives[0].clone()),
        _ => None,
    };
    if let Some(rs) = only {
        if util::rs_replicas(&rs) != want {
            scale_and_record(&rs, want, d, ctx);
        }
        return;
    }
    if new.is_some_and(|n| is_saturated(d, n)) {
        for old in active(olds) {
            scale_and_record(&old, 0, d, ctx);
        }
        return;
    }
    if !util::is_rolling_update(d) {
        return;
    }
    let mut all = active(&{
        let mut v = olds.to_vec();
        v.extend(new.cloned());
        v
    });
    let total = util::replica_count(&all);
    let allowed = if want > 0 {
        want + util::max_surge(d)
    } else {
        0
    };
    let to_add = allowed - total;
    let op = match to_add {
        x if x > 0 => {
            // ReplicaSetsBySizeNewer: larger first, then newer first.
            all.sort_by(|a, b| {
                util::rs_replicas(b)
                    .cmp(&util::rs_replicas(a))
                    .then_with(|| {
                        b.metadata
                            .creation_timestamp
                            .as_ref()
                            .map(|t| t.0)
                            .cmp(&a.metadata.creation_timestamp.as_ref().map(|t| t.0))
                    })
            });
            "up"
        }
        x if x < 0 => {
            // ReplicaSetsBySizeOlder: larger first, then older first.
            all.sort_by(|a, b| {
                util::rs_replicas(b)
                    .cmp(&util::rs_replicas(a))
                    .then_with(|| {
                        a.metadata
                            .creation_timestamp
                            .as_ref()
                            .map(|t| t.0)
                            .cmp(&b.metadata.creation_timestamp.as_ref().map(|t| t.0))
                    })
            });
            "down"
        }
        _ => "",
    };
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(all.len());
    for rs in &all {
        if to_add != 0 {
            let p = util::proportion(rs, d, to_add, added);
            sizes.push(util::rs_replicas(rs) + p);
            added += p;
        } else {
            sizes.push(util::rs_replicas(rs));
        }
    }
    for (i, rs) in all.iter().enumerate() {
        if i == 0 && to_add != 0 {
            sizes[0] = (sizes[0] + to_add - added).max(0);
        }
        scale_replica_set(rs, sizes[i], d, op, ctx);
    }
}

/// `IsSaturated`: the new ReplicaSet has all replicas, all available.
fn is_saturated(d: &apps::Deployment, rs: &apps::ReplicaSet) -> bool {
    let want = util::replicas(d);
    util::rs_replicas(rs) == want
        && util::int_annotation(&rs.metadata, util::DESIRED_REPLICAS) == Some(want)
        && util::rs_available(rs) == want
}

/// `isScalingEvent`: an active ReplicaSet's desired-replicas annotation
/// differs from the Deployment's replicas.
pub fn is_scaling_event(
    d: &mut apps::Deployment,
    rs_list: &[apps::ReplicaSet],
    ctx: &mut Ctx,
) -> bool {
    let (new, olds) = all_and_sync_revision(d, rs_list, false, ctx);
    let want = util::replicas(d);
    let mut all = olds;
    all.extend(new);
    active(&all).iter().any(|rs| {
        util::int_annotation(&rs.metadata, util::DESIRED_REPLICAS).is_some_and(|v| v != want)
    })
}

/// `sync`: scale (a scaling event or a paused Deployment), clean up if
/// paused, write the status.
pub fn sync(d: &mut apps::Deployment, rs_list: &[apps::ReplicaSet], ctx: &mut Ctx) {
    let (new, olds) = all_and_sync_revision(d, rs_list, false, ctx);
    scale(d, new.as_ref(), &olds, ctx);
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        cleanup(d, &olds, ctx);
    }
    sync_deployment_status(d, ctx);
}

/// `syncStatusOnly`.
pub fn sync_status_only(d: &mut apps::Deployment, rs_list: &[apps::ReplicaSet], ctx: &mut Ctx) {
    let _ = all_and_sync_revision(d, rs_list, false, ctx);
    sync_deployment_status(d, ctx);
}

/// The ReplicaSets as stored now (after this sync's writes): (new, all).
pub fn reread(
    d: &apps::Deployment,
    ctx: &Ctx,
) -> (Option<apps::ReplicaSet>, Vec<apps::ReplicaSet>) {
    let all = replica_sets_of(d, ctx);
    let new = find_new(d, &all).map(|i| all[i].clone());
    (new, all)
}

/// `syncDeploymentStatus`.
fn sync_deployment_status(d: &mut apps::Deployment, ctx: &mut Ctx) {
    let (new, all) = reread(d, ctx);
    let status = calculate_status(&all, new.as_ref(), d, ctx);
    if d.status.as_ref() != Some(&status) {
        d.status = Some(status);
        write_status(d, ctx);
    }
}

/// `calculateStatus`: counts over the ReplicaSets and the Available
/// condition.
pub fn calculate_status(
    all: &[apps::ReplicaSet],
    new: Option<&apps::ReplicaSet>,
    d: &apps::Deployment,
    ctx: &Ctx,
) -> apps::DeploymentStatus {
    let st = |rs: &apps::ReplicaSet| rs.status.clone().unwrap_or_default();
    let available: i32 = all.iter().map(util::rs_available).sum();
    let total = util::replica_count(all);
    let actual: i32 = all.iter().map(|r| st(r).replicas).sum();
    let ready: i32 = all.iter().map(|r| st(r).ready_replicas.unwrap_or(0)).sum();
    let updated = new.map_or(0, |n| st(n).replicas);
    let old = d.status.clone().unwrap_or_default();
    let mut status = apps::DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: Some(actual),
        updated_replicas: Some(updated),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        unavailable_replicas: Some((total - available).max(0)),
        collision_count: old.collision_count,
        conditions: old.conditions.clone(),
    };
    let now = ctx.api.clock.time();
    let c = if available >= util::replicas(d) - util::max_unavailable(d) {
        util::new_condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            &now,
        )
    } else {
        util::new_condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            &now,
        )
    };
    util::set_condition(&mut status, c);
    // Omit zero counts as the API server's JSON does (`omitempty`).
    for f in [
        &mut status.replicas,
        &mut status.updated_replicas,
        &mut status.ready_replicas,
        &mut status.available_replicas,
        &mut status.unavailable_replicas,
    ] {
        if *f == Some(0) {
            *f = None;
        }
    }
    status
}

/// `cleanupDeployment`: deletes the oldest old ReplicaSets beyond
/// revisionHistoryLimit that are scaled to 0 and have no pods.
pub fn cleanup(d: &apps::Deployment, olds: &[apps::ReplicaSet], ctx: &mut Ctx) {
    let Some(limit) = d.spec.as_ref().and_then(|s| s.revision_history_limit) else {
        return;
    };
    let mut cleanable: Vec<&apps::ReplicaSet> = olds
        .iter()
        .filter(|r| r.metadata.deletion_timestamp.is_none())
        .collect();
    let diff = cleanable.len() as i32 - limit;
    if diff <= 0 {
        return;
    }
    // ReplicaSetsByRevision: lowest revision first, then by creation.
    cleanable.sort_by_key(|r| util::revision(&r.metadata));
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    for rs in cleanable.into_iter().take(diff as usize) {
        let st = rs.status.clone().unwrap_or_default();
        if st.replicas != 0
            || util::rs_replicas(rs) != 0
            || rs.metadata.generation.unwrap_or(0) > st.observed_generation.unwrap_or(0)
        {
            continue;
        }
        let name = rs.metadata.name.clone().unwrap_or_default();
        let _ = ctx
            .api
            .delete(USER, rs_res(), &ns, &name, DeleteOptions::default());
    }
}

/// Finishes a rollout step: `syncRolloutStatus` with the ReplicaSets as
/// they are after this sync's writes.
pub fn rollout_status(d: &mut apps::Deployment, ctx: &mut Ctx) -> Option<u64> {
    let (new, all) = reread(d, ctx);
    progress::sync_rollout_status(&all, new.as_ref(), d, ctx)
}
