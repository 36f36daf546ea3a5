//! The ReplicaSet controller (pkg/controller/replicaset/replica_set.go).
//!
//! `sync` compares the pods a ReplicaSet owns with `spec.replicas`, creates
//! missing pods in slow-start batches (1, 2, 4, ...), deletes surplus pods
//! ranked as upstream ranks them, adopts matching orphans, releases pods that
//! stopped matching, and writes the status.
//!
//! Simplification: the engine's informer cache is the store itself (never
//! stale), so upstream's "expectations" guard is not needed here.

use super::controller_utils::{get_pod_from_template, new_controller_ref};
use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::selector::label_selector_matches;
use crate::api::{apps, core, meta, podutil, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Upstream's `BurstReplicas`: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: i32 = 500;
const USER: &str = "system:serviceaccount:kube-system:replicaset-controller";

/// The controller's state: a cache of what it needs to know of each pod,
/// valid while the pod's stored object is unchanged.
#[derive(Default)]
pub struct ReplicaSetController {
    /// Per ReplicaSet UID, its pods in (namespace, name) order with what the
    /// controller needs to know of each.
    summaries: BTreeMap<String, (i64, Vec<OwnedPod>)>,
}

fn rs_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "ReplicaSet").unwrap()
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}

/// Enqueues ReplicaSets affected by a change.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::ReplicaSet(rs) => {
            let key = crate::api::key(
                rs.metadata.namespace.as_deref().unwrap_or(""),
                rs.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::ReplicaSet, key, ctx, QUEUE_LATENCY);
        }
        Object::Pod(p) => {
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            if let Some(r) = crate::api::podutil::get_controller_of(&p.metadata) {
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
    /// Forgets a deleted ReplicaSet.
    pub fn forget(&mut self, uid: &str) {
        self.summaries.remove(uid);
    }

    /// Reconciles one ReplicaSet. Returns a requeue delay when the status
    /// depends on time (minReadySeconds).
    pub fn sync(&mut self, key: &str, ctx: &mut Ctx) -> Option<u64> {
        let (ns, name) = key.split_once('/')?;
        // The stored object is shared, not copied: reading a ReplicaSet (and
        // its pod template) costs nothing per sync.
        let rs_obj = ctx.api.get_arc(rs_res(), ns, name)?;
        let Object::ReplicaSet(rs) = &*rs_obj else {
            return None;
        };
        if rs.metadata.deletion_timestamp.is_some() {
            return None;
        }
        let no_spec = apps::ReplicaSetSpec::default();
        let spec = rs.spec.as_ref().unwrap_or(&no_spec);
        let uid = rs.metadata.uid.clone().unwrap_or_default();

        // Claim pods: owned ones that still match, adopt matching orphans,
        // release owned ones that no longer match. The controller's pods and
        // the namespace's orphans come from the informer's indexes.
        let template_labels = spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.as_ref());
        let selector = crate::api::selector::from_label_selector(&spec.selector)?;
        let generation = rs.metadata.generation.unwrap_or(0);
        let (cached_generation, cache) = self.summaries.remove(&uid).unwrap_or_default();
        let cache_valid = cached_generation == generation;
        let mut owned: Vec<(Arc<Object>, PodSummary)> = Vec::new();
        let mut adopt = Vec::new();
        let mut release = Vec::new();
        let mut ci = 0;
        for obj in ctx.api.pods_of_controller(&uid) {
            // The cache is in the same (namespace, name) order as the index:
            // a pod whose stored object is unchanged (and a ReplicaSet whose
            // spec is unchanged) keeps its verdict and summary. Most pods are
            // unchanged, so the pointer is compared before the names.
            if cache_valid {
                while ci < cache.len()
                    && !Arc::ptr_eq(&cache[ci].0, obj)
                    && pod_key_lt(&cache[ci].0, obj)
                {
                    ci += 1;
                }
                if let Some((cached, summary)) = cache.get(ci).filter(|(c, _)| Arc::ptr_eq(c, obj))
                {
                    owned.push((cached.clone(), *summary));
                    ci += 1;
                    continue;
                }
            }
            let Object::Pod(p) = &**obj else { continue };
            if podutil::controller_uid(p) != Some(uid.as_str()) {
                continue;
            }
            if !selector.matches(p.metadata.labels.as_ref()) {
                release.push(p.clone());
                continue;
            }
            let mut summary = PodSummary::of(p, ctx);
            summary.fully_labeled = template_labels.as_ref().is_none_or(|tl| {
                tl.iter()
                    .all(|(k, v)| p.metadata.labels.as_ref().and_then(|l| l.get(k)) == Some(v))
            });
            owned.push((obj.clone(), summary));
        }
        for obj in ctx.api.orphan_pods_in(ns) {
            let Object::Pod(p) = &**obj else { continue };
            if p.metadata.deletion_timestamp.is_none()
                && podutil::is_active(p)
                && selector.matches(p.metadata.labels.as_ref())
            {
                adopt.push(p.clone());
            }
        }
        // What the next sync may reuse: the claimed pods, in index order
        // (adopted pods are appended below and summarised again next time).
        let claimed = owned.len();
        for mut p in adopt {
            p.metadata
                .owner_references
                .get_or_insert_with(Vec::new)
                .push(owner_ref(rs));
            if let Ok(stored) = ctx.api.update(USER, Object::Pod(p)) {
                if let Object::Pod(sp) = &*stored {
                    let summary = PodSummary::of(sp, ctx);
                    owned.push((stored.clone(), summary));
                }
            }
        }
        for mut p in release {
            if let Some(refs) = p.metadata.owner_references.as_mut() {
                refs.retain(|r| r.uid != uid);
            }
            let _ = ctx.api.update(USER, Object::Pod(p));
        }

        let active: Vec<&(Arc<Object>, PodSummary)> =
            owned.iter().filter(|(_, p)| p.active).collect();
        let want = spec.replicas.unwrap_or(1);
        let diff = active.len() as i32 - want;
        if diff < 0 {
            let mut remaining = (-diff).min(BURST_REPLICAS);
            // Slow start: batches of 1, 2, 4, ... stop at the first failure.
            let mut batch = 1;
            'outer: while remaining > 0 {
                let n = batch.min(remaining);
                for _ in 0..n {
                    let pod = pod_from_template(rs);
                    match ctx.api.create(USER, Object::Pod(Box::new(pod))) {
                        Ok(created) => {
                            let msg = format!("Created pod: {}", created.name());
                            ctx.api.record_event(
                                "replicaset-controller",
                                None,
                                (&*rs_obj).into(),
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
                                (&*rs_obj).into(),
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
            // getPodsRankedByRelatedPodsOnSameNode: a pod's rank is the
            // number of active related pods (of every ReplicaSet of its
            // Deployment; none without one) on its node.
            let mut on_node: BTreeMap<String, i32> = BTreeMap::new();
            for obj in related_pods(rs, ctx) {
                if let Object::Pod(p) = &*obj {
                    if podutil::is_active(p) {
                        let node = podutil::node_name(p).unwrap_or("");
                        *on_node.entry(node.to_string()).or_insert(0) += 1;
                    }
                }
            }
            let now = ctx.api.now();
            let mut victims: Vec<Victim> = active
                .iter()
                .filter_map(|(o, summary)| match &**o {
                    Object::Pod(p) => Some(Victim::of(p, summary, &on_node)),
                    _ => None,
                })
                .collect();
            victims.sort_by(|a, b| a.deletion_key(now).cmp(&b.deletion_key(now)));
            let names: Vec<String> = victims
                .iter()
                .take(diff.min(BURST_REPLICAS) as usize)
                .map(|v| v.name.to_string())
                .collect();
            for name in names {
                if ctx
                    .api
                    .delete(USER, pod_res(), ns, &name, DeleteOptions::default())
                    .is_ok()
                {
                    let msg = format!("Deleted pod: {name}");
                    ctx.api.record_event(
                        "replicaset-controller",
                        None,
                        (&*rs_obj).into(),
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
        let (mut fully, mut ready, mut available) = (0, 0, 0);
        for (_, p) in &active {
            if p.fully_labeled {
                fully += 1;
            }
            if let Some(since) = p.ready_since {
                ready += 1;
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
        drop(active);
        owned.truncate(claimed);
        self.summaries.insert(uid, (generation, owned));
        let current = ctx.api.get_typed::<apps::ReplicaSet>(rs_res(), ns, name);
        if let Some(cur) = current.filter(|c| c.status.as_ref() != Some(&status)) {
            let mut cur = cur.clone();
            cur.status = Some(status);
            let _ = ctx
                .api
                .update_status(USER, Object::ReplicaSet(Box::new(cur)));
        }
        requeue
    }
}

/// The controller ownerReference a ReplicaSet puts on its pods.
pub fn owner_ref(rs: &apps::ReplicaSet) -> meta::OwnerReference {
    new_controller_ref("apps/v1", "ReplicaSet", &rs.metadata)
}

/// A pod built from the ReplicaSet's template (`controller.GetPodFromTemplate`).
fn pod_from_template(rs: &apps::ReplicaSet) -> core::Pod {
    let none = core::PodTemplateSpec::default();
    let template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .unwrap_or(&none);
    get_pod_from_template(template, &rs.metadata, owner_ref(rs))
}

/// A pod of the ReplicaSet as stored, with its summary.
type OwnedPod = (Arc<Object>, PodSummary);

/// What the controller needs to know of one of its pods.
#[derive(Clone, Copy, Debug)]
struct PodSummary {
    active: bool,
    phase_rank: u8,
    /// When the pod became Ready, if it is.
    ready_since: Option<u64>,
    restarts: i32,
    created: u64,
    fully_labeled: bool,
}

impl PodSummary {
    fn of(p: &core::Pod, ctx: &Ctx) -> PodSummary {
        let ready_since = podutil::condition(p, "Ready")
            .filter(|c| c.status == "True")
            .map(|c| {
                c.last_transition_time
                    .as_ref()
                    .map(|t| ctx.api.clock.millis_of(&t.0))
                    .unwrap_or(0)
            });
        PodSummary {
            active: podutil::is_active(p),
            phase_rank: match podutil::phase(p) {
                "Pending" => 0,
                "Unknown" => 1,
                "Running" => 2,
                _ => 3,
            },
            ready_since,
            restarts: p
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.as_ref())
                .map(|cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0))
                .unwrap_or(0),
            created: p
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| ctx.api.clock.millis_of(&t.0))
                .unwrap_or(0),
            fully_labeled: true,
        }
    }
}

/// `controller.kubernetes.io/pod-deletion-cost` (PodDeletionCost, on by
/// default): lower costs are deleted first; unset or invalid is 0.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// A scale-down candidate with what upstream's `ActivePodsWithRanks` looks
/// at (pkg/controller/controller_utils.go).
struct Victim<'a> {
    name: &'a str,
    uid: &'a str,
    node: &'a str,
    summary: PodSummary,
    deletion_cost: i32,
    /// Active related pods on the same node.
    rank: i32,
}

impl<'a> Victim<'a> {
    fn of(p: &'a core::Pod, summary: &PodSummary, on_node: &BTreeMap<String, i32>) -> Self {
        let node = podutil::node_name(p).unwrap_or("");
        Victim {
            name: p.metadata.name.as_deref().unwrap_or(""),
            uid: p.metadata.uid.as_deref().unwrap_or(""),
            node,
            summary: *summary,
            deletion_cost: p
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(POD_DELETION_COST))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            rank: on_node.get(node).copied().unwrap_or(0),
        }
    }

    /// `ActivePodsWithRanks.Less` as a sort key (smaller = deleted first),
    /// v1.32 with PodDeletionCost and LogarithmicScaleDown: unassigned
    /// before assigned; Pending, Unknown, Running; not ready before ready;
    /// lower deletion cost; more related pods on the node; ready more
    /// recently, in log2 buckets of the nanoseconds since; more restarts;
    /// created more recently, in log2 buckets; then UID. One deviation, for
    /// a total order (Rust's sort requires one): upstream compares UIDs at
    /// once when two ready times differ but share a bucket, where this key
    /// first looks at restarts and creation.
    fn deletion_key(&self, now: u64) -> impl Ord + '_ {
        use std::cmp::Reverse;
        let s = &self.summary;
        // logarithmicRankDiff's rank: floor(log2(now - t in ns)), -1 at 0
        // (in integers: the same natively and in WASM).
        let bucket = |t: u64| match now.saturating_sub(t) {
            0 => -1i64,
            d => i64::from(d.saturating_mul(1_000_000).ilog2()),
        };
        (
            !self.node.is_empty(),
            s.phase_rank,
            s.ready_since.is_some(),
            self.deletion_cost,
            Reverse(self.rank),
            s.ready_since.map_or(i64::MIN, bucket),
            Reverse(s.restarts),
            // afterOrZero: an empty creation time comes first.
            if s.created == 0 {
                i64::MIN
            } else {
                bucket(s.created)
            },
            self.uid,
            self.name,
        )
    }
}

/// `getIndirectlyRelatedPods`: the pods of every ReplicaSet of the same
/// controller (a Deployment's old and new ReplicaSets). A ReplicaSet without
/// a controller has none (`getReplicaSetsWithSameController` returns nil),
/// so its pods all rank 0. Simplified: the pods the sibling ReplicaSets own,
/// where upstream counts every pod their selectors match.
fn related_pods(rs: &apps::ReplicaSet, ctx: &Ctx) -> Vec<Arc<Object>> {
    let ns = rs.metadata.namespace.as_deref().unwrap_or("");
    let siblings: Vec<String> = match podutil::get_controller_of(&rs.metadata) {
        Some(owner) => ctx
            .api
            .list(rs_res(), Some(ns))
            .filter(|o| podutil::is_controlled_by(o.meta(), &owner.uid))
            .filter_map(|o| o.meta().uid.clone())
            .collect(),
        None => Vec::new(),
    };
    siblings
        .iter()
        .flat_map(|uid| ctx.api.pods_of_controller(uid).cloned())
        .collect()
}

/// Whether `a` sorts before `b` by (namespace, name), without allocating.
fn pod_key_lt(a: &Object, b: &Object) -> bool {
    (a.namespace(), a.name()) < (b.namespace(), b.name())
}
