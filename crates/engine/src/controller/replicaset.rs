//! The ReplicaSet controller (pkg/controller/replicaset/replica_set.go).
//!
//! `sync` compares the pods a ReplicaSet owns with `spec.replicas`, creates
//! missing pods in slow-start batches (1, 2, 4, ...), deletes surplus pods
//! ranked as upstream ranks them, adopts matching orphans, releases pods that
//! stopped matching, and writes the status.
//!
//! Simplification: the engine's informer cache is the store itself (never
//! stale), so upstream's "expectations" guard is not needed here.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::selector::label_selector_matches;
use crate::api::{apps, core, meta, podutil, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

/// Upstream's `BurstReplicas`: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: i32 = 500;
const USER: &str = "system:serviceaccount:kube-system:replicaset-controller";

/// The controller's state (nothing beyond the queue today).
#[derive(Default)]
pub struct ReplicaSetController;

fn rs_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "ReplicaSet").unwrap()
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}

/// Enqueues ReplicaSets affected by a change.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &ev.object {
        Object::ReplicaSet(rs) => {
            let key = crate::api::key(
                rs.metadata.namespace.as_deref().unwrap_or(""),
                rs.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::ReplicaSet, key, ctx, QUEUE_LATENCY);
        }
        Object::Pod(p) => {
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            if let Some(r) = p
                .metadata
                .owner_references
                .iter()
                .flatten()
                .find(|r| r.controller == Some(true))
            {
                if r.kind == "ReplicaSet" {
                    q.add(
                        ControllerName::ReplicaSet,
                        crate::api::key(&ns, &r.name),
                        ctx,
                        QUEUE_LATENCY,
                    );
                }
                return;
            }
            if ev.event_type == EventType::Deleted {
                return;
            }
            // An orphan: every ReplicaSet whose selector matches may adopt it.
            let keys: Vec<String> = ctx
                .api
                .list(rs_res(), Some(&ns))
                .filter_map(|o| match o {
                    Object::ReplicaSet(rs) => rs
                        .spec
                        .as_ref()
                        .filter(|s| label_selector_matches(&s.selector, p.metadata.labels.as_ref()))
                        .map(|_| crate::api::key(&ns, rs.metadata.name.as_deref().unwrap_or(""))),
                    _ => None,
                })
                .collect();
            for k in keys {
                q.add(ControllerName::ReplicaSet, k, ctx, QUEUE_LATENCY);
            }
        }
        _ => {}
    }
}

impl ReplicaSetController {
    /// Reconciles one ReplicaSet. Returns a requeue delay when the status
    /// depends on time (minReadySeconds).
    pub fn sync(&mut self, key: &str, ctx: &mut Ctx) -> Option<u64> {
        let (ns, name) = key.split_once('/')?;
        let rs: apps::ReplicaSet = ctx
            .api
            .get_typed::<apps::ReplicaSet>(rs_res(), ns, name)?
            .clone();
        if rs.metadata.deletion_timestamp.is_some() {
            return None;
        }
        let spec = rs.spec.clone().unwrap_or_default();
        let uid = rs.metadata.uid.clone().unwrap_or_default();
        let rs_obj = Object::ReplicaSet(rs.clone());

        // Claim pods: owned ones that still match, adopt matching orphans,
        // release owned ones that no longer match.
        let mut owned: Vec<core::Pod> = Vec::new();
        let mut adopt = Vec::new();
        let mut release = Vec::new();
        for o in ctx.api.list(pod_res(), Some(ns)) {
            let Object::Pod(p) = o else { continue };
            let matches = label_selector_matches(&spec.selector, p.metadata.labels.as_ref());
            match podutil::controller_uid(p) {
                Some(u) if u == uid => {
                    if matches {
                        owned.push(p.clone());
                    } else {
                        release.push(p.clone());
                    }
                }
                None if matches
                    && p.metadata.deletion_timestamp.is_none()
                    && podutil::is_active(p) =>
                {
                    adopt.push(p.clone())
                }
                _ => {}
            }
        }
        for mut p in adopt {
            p.metadata
                .owner_references
                .get_or_insert_with(Vec::new)
                .push(owner_ref(&rs));
            if let Ok(Object::Pod(stored)) = ctx.api.update(USER, Object::Pod(p)) {
                owned.push(stored);
            }
        }
        for mut p in release {
            if let Some(refs) = p.metadata.owner_references.as_mut() {
                refs.retain(|r| r.uid != uid);
            }
            let _ = ctx.api.update(USER, Object::Pod(p));
        }

        let active: Vec<&core::Pod> = owned.iter().filter(|p| podutil::is_active(p)).collect();
        let want = spec.replicas.unwrap_or(1);
        let diff = active.len() as i32 - want;
        if diff < 0 {
            let mut remaining = (-diff).min(BURST_REPLICAS);
            // Slow start: batches of 1, 2, 4, ... stop at the first failure.
            let mut batch = 1;
            'outer: while remaining > 0 {
                let n = batch.min(remaining);
                for _ in 0..n {
                    let pod = pod_from_template(&rs);
                    match ctx.api.create(USER, Object::Pod(pod)) {
                        Ok(created) => {
                            let msg = format!("Created pod: {}", created.name());
                            ctx.api.record_event(
                                "replicaset-controller",
                                None,
                                &rs_obj,
                                None,
                                "Normal",
                                "SuccessfulCreate",
                                &msg,
                            );
                        }
                        Err(e) => {
                            let msg = format!("Error creating: {}", e.message);
                            ctx.api.record_event(
                                "replicaset-controller",
                                None,
                                &rs_obj,
                                None,
                                "Warning",
                                "FailedCreate",
                                &msg,
                            );
                            break 'outer;
                        }
                    }
                }
                remaining -= n;
                batch *= 2;
            }
        } else if diff > 0 {
            let mut victims: Vec<&core::Pod> = active.clone();
            victims.sort_by(|a, b| deletion_rank(a, b, ctx.api.now(), ctx));
            for p in victims.into_iter().take(diff.min(BURST_REPLICAS) as usize) {
                let pname = p.metadata.name.clone().unwrap_or_default();
                if ctx
                    .api
                    .delete(USER, pod_res(), ns, &pname, DeleteOptions::default())
                    .is_ok()
                {
                    let msg = format!("Deleted pod: {pname}");
                    ctx.api.record_event(
                        "replicaset-controller",
                        None,
                        &rs_obj,
                        None,
                        "Normal",
                        "SuccessfulDelete",
                        &msg,
                    );
                }
            }
        }

        // Status (calculateStatus): counts over the owned, active pods.
        let now = ctx.api.now();
        let min_ready = spec.min_ready_seconds.unwrap_or(0) as u64 * 1000;
        let mut requeue = None;
        let template_labels = spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone());
        let (mut fully, mut ready, mut available) = (0, 0, 0);
        for p in &active {
            if template_labels.as_ref().is_none_or(|tl| {
                tl.iter()
                    .all(|(k, v)| p.metadata.labels.as_ref().and_then(|l| l.get(k)) == Some(v))
            }) {
                fully += 1;
            }
            if podutil::is_ready(p) {
                ready += 1;
                let since = podutil::condition(p, "Ready")
                    .and_then(|c| c.last_transition_time.as_ref())
                    .map(|t| ctx.api.clock.millis_of(&t.0))
                    .unwrap_or(0);
                if since + min_ready <= now {
                    available += 1;
                } else {
                    let wait = since + min_ready - now;
                    requeue = Some(requeue.map_or(wait, |r: u64| r.min(wait)));
                }
            }
        }
        let status = apps::ReplicaSetStatus {
            replicas: active.len() as i32,
            fully_labeled_replicas: Some(fully),
            ready_replicas: Some(ready),
            available_replicas: Some(available),
            observed_generation: rs.metadata.generation,
            conditions: rs.status.as_ref().and_then(|s| s.conditions.clone()),
        };
        let current = ctx
            .api
            .get_typed::<apps::ReplicaSet>(rs_res(), ns, name)
            .cloned();
        if let Some(mut cur) = current {
            if cur.status.as_ref() != Some(&status) {
                cur.status = Some(status);
                let _ = ctx.api.update_status(USER, Object::ReplicaSet(cur));
            }
        }
        requeue
    }
}

/// The controller ownerReference a ReplicaSet puts on its pods.
pub fn owner_ref(rs: &apps::ReplicaSet) -> meta::OwnerReference {
    meta::OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: rs.metadata.name.clone().unwrap_or_default(),
        uid: rs.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// A pod built from the ReplicaSet's template (`controller.GetPodFromTemplate`).
fn pod_from_template(rs: &apps::ReplicaSet) -> core::Pod {
    let template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    let tm = template.metadata.unwrap_or_default();
    core::Pod {
        metadata: meta::ObjectMeta {
            generate_name: Some(format!("{}-", rs.metadata.name.as_deref().unwrap_or(""))),
            namespace: rs.metadata.namespace.clone(),
            labels: tm.labels,
            annotations: tm.annotations,
            finalizers: tm.finalizers,
            owner_references: Some(vec![owner_ref(rs)]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    }
}

/// Upstream's `ActivePodsWithRanks` ordering for scale-down: the first pods
/// are deleted first — unassigned before assigned, Pending before Unknown
/// before Running, not ready before ready, ready more recently before ready
/// longer, more restarts before fewer, newer before older.
fn deletion_rank(a: &core::Pod, b: &core::Pod, _now: u64, _ctx: &Ctx) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let assigned = |p: &core::Pod| podutil::node_name(p).is_some();
    let phase_rank = |p: &core::Pod| match podutil::phase(p) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let ready_since = |p: &core::Pod| {
        podutil::condition(p, "Ready")
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time.as_ref().map(|t| t.0))
    };
    let restarts = |p: &core::Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .map(|cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0))
            .unwrap_or(0)
    };
    let created = |p: &core::Pod| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    assigned(a)
        .cmp(&assigned(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(podutil::is_ready(a).cmp(&podutil::is_ready(b)))
        .then_with(|| match (ready_since(a), ready_since(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            _ => Ordering::Equal,
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then_with(|| created(b).cmp(&created(a)))
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}
