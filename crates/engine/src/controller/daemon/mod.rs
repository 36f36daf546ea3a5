//! The DaemonSet controller (pkg/controller/daemon/daemon_controller.go,
//! update.go, util/daemonset_util.go).
//!
//! One sync per DaemonSet key: build the revision history, then `manage`
//! (a pod for every node that should run one, none where it should not,
//! failed pods replaced, duplicates removed), then the update strategy's
//! step (RollingUpdate with maxUnavailable or maxSurge; OnDelete does
//! nothing), then old revisions are cleaned up and the status is written.
//!
//! Pods are created with a `matchFields metadata.name In [node]` required
//! node affinity and bound by the default scheduler, as upstream does since
//! v1.12. Node changes wake every DaemonSet only when a node's labels,
//! taints or existence change (upstream's `shouldIgnoreNodeUpdate`), so
//! heartbeats cost nothing here.
//!
//! Simplifications: the informer cache is the store (never stale), so no
//! expectations; failed daemon pods are deleted at once, without upstream's
//! per-node back-off.

mod update;
pub mod util;

use super::controller_utils::get_pod_from_template;
use super::{history, ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{apps, core, podutil, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeMap;
use std::sync::Arc;

const USER: &str = "system:serviceaccount:kube-system:daemon-set-controller";
const COMPONENT: &str = "daemonset-controller";
/// The pod label with the DaemonSet's template generation.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
/// The DaemonSet annotation carrying its template generation.
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";
/// Upstream's `BurstReplicas` for DaemonSets.
const BURST_REPLICAS: usize = 250;

fn ds_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "DaemonSet").unwrap()
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}
fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").unwrap()
}
fn cr_res() -> &'static registry::ResourceInfo {
    registry::by_kind("apps/v1", "ControllerRevision").unwrap()
}

/// The controller's state: what it last saw of each node's scheduling
/// inputs (so heartbeats wake no DaemonSet), and per DaemonSet the verdict
/// of `NodeShouldRunDaemonPod` for each node, valid while the node's inputs
/// and the DaemonSet's template are unchanged (so a sync costs a lookup per
/// node, not a predicate evaluation).
#[derive(Default)]
pub struct DaemonSetController {
    nodes: BTreeMap<String, u64>,
    verdicts: BTreeMap<String, (String, NodeVerdicts)>,
}

/// Per node: (its fingerprint, should run, should continue running).
type NodeVerdicts = BTreeMap<String, (u64, bool, bool)>;

/// Whether a node should run the DaemonSet's pod (`NodeShouldRunDaemonPod`).
#[derive(Clone, Debug)]
pub(super) struct NodeVerdict {
    name: String,
    should_run: bool,
    should_continue: bool,
}

/// The stored pods of a DaemonSet, by the node they are for.
type PodsByNode = BTreeMap<String, Vec<Arc<Object>>>;

/// The pod inside a stored object known to be a pod.
fn pod(o: &Object) -> &core::Pod {
    match o {
        Object::Pod(p) => p,
        _ => unreachable!("pods_of_controller holds pods only"),
    }
}

fn node_fingerprint(n: &core::Node) -> u64 {
    let spec = n.spec.as_ref();
    let v = serde_json::json!([
        n.metadata.labels,
        spec.and_then(|s| s.taints.as_ref()),
        spec.and_then(|s| s.unschedulable),
    ]);
    crate::rng::fnv1a(v.to_string().as_bytes())
}

impl DaemonSetController {
    /// Enqueues DaemonSets affected by a change.
    pub fn on_watch(&mut self, q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
        match &*ev.object {
            Object::DaemonSet(ds) => {
                let key = crate::api::key(
                    ds.metadata.namespace.as_deref().unwrap_or(""),
                    ds.metadata.name.as_deref().unwrap_or(""),
                );
                q.add(ControllerName::DaemonSet, key, ctx, QUEUE_LATENCY);
            }
            Object::Pod(p)
                if ev.event_type != EventType::Deleted
                    && crate::api::podutil::get_controller_of(&p.metadata).is_none() =>
            {
                // An orphan: the DaemonSets whose selector matches may adopt it.
                let keys =
                    super::controller_utils::owners_selecting_orphan(ctx.api, ds_res(), p, |o| {
                        match o {
                            Object::DaemonSet(d) => d.spec.as_ref().map(|s| &s.selector),
                            _ => None,
                        }
                    });
                for key in keys {
                    q.add(ControllerName::DaemonSet, key, ctx, QUEUE_LATENCY);
                }
            }
            Object::Pod(p) => {
                let ns = p.metadata.namespace.as_deref().unwrap_or("");
                if let Some(r) = crate::api::podutil::get_controller_of(&p.metadata)
                    .filter(|r| r.kind == "DaemonSet")
                {
                    q.add(
                        ControllerName::DaemonSet,
                        crate::api::key(ns, &r.name),
                        ctx,
                        QUEUE_LATENCY,
                    );
                }
            }
            Object::Node(n) => {
                let name = n.metadata.name.clone().unwrap_or_default();
                if ev.event_type == EventType::Deleted {
                    self.nodes.remove(&name);
                } else {
                    let fp = node_fingerprint(n);
                    if self.nodes.insert(name, fp) == Some(fp) {
                        return;
                    }
                }
                let keys: Vec<String> = ctx
                    .api
                    .list(ds_res(), None)
                    .map(|o| crate::api::key(o.namespace(), o.name()))
                    .collect();
                for k in keys {
                    q.add(ControllerName::DaemonSet, k, ctx, QUEUE_LATENCY);
                }
            }
            _ => {}
        }
    }

    /// Reconciles one DaemonSet. Returns a requeue delay while a pod waits
    /// out minReadySeconds.
    pub fn sync(&mut self, key: &str, ctx: &mut Ctx) -> Option<u64> {
        let (ns, name) = key.split_once('/')?;
        let ds = ctx
            .api
            .get_typed::<apps::DaemonSet>(ds_res(), ns, name)?
            .clone();
        if ds.metadata.deletion_timestamp.is_some() {
            return None;
        }
        // getDaemonPods: adopt matching orphans, release what stops matching.
        if let Some(spec) = &ds.spec {
            history::claim_revisions(ctx, USER, "DaemonSet", &ds.metadata, &spec.selector, true);
            super::controller_utils::claim_pods(
                ctx,
                USER,
                ("apps/v1", "DaemonSet", &ds.metadata),
                &spec.selector,
                &|_| true,
            );
        }
        let hash = construct_history(&ds, ctx);
        let nodes = self.node_verdicts(&ds, &hash, ctx);
        manage(&ds, &nodes, &hash, ctx);
        let strategy = ds
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|s| s.type_.clone())
            .unwrap_or_default();
        if strategy == "RollingUpdate" {
            update::rolling_update(&ds, &nodes, &hash, ctx);
        }
        cleanup_history(&ds, &hash, ctx);
        update_status(&ds, &nodes, &hash, ctx)
    }

    /// Forgets a deleted DaemonSet.
    pub fn forget(&mut self, uid: &str) {
        self.verdicts.remove(uid);
    }

    /// Every node with its verdict, by name, from the cache where the node
    /// and the template are unchanged.
    fn node_verdicts(&mut self, ds: &apps::DaemonSet, hash: &str, ctx: &Ctx) -> Vec<NodeVerdict> {
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let (cached_hash, mut cache) = self.verdicts.remove(&uid).unwrap_or_default();
        if cached_hash != hash {
            cache.clear();
        }
        let template = new_pod(ds, hash);
        let mut out = Vec::new();
        let mut fresh = BTreeMap::new();
        for o in ctx.api.list(node_res(), None) {
            let Object::Node(n) = o else { continue };
            let name = n.metadata.name.clone().unwrap_or_default();
            let fp = match self.nodes.get(&name) {
                Some(fp) => *fp,
                None => {
                    let fp = node_fingerprint(n);
                    self.nodes.insert(name.clone(), fp);
                    fp
                }
            };
            let (should_run, should_continue) = match cache.get(&name) {
                Some((cfp, r, c)) if *cfp == fp => (*r, *c),
                _ => util::node_should_run_daemon_pod(n, &template),
            };
            fresh.insert(name.clone(), (fp, should_run, should_continue));
            out.push(NodeVerdict {
                name,
                should_run,
                should_continue,
            });
        }
        self.verdicts.insert(uid, (hash.to_string(), fresh));
        out
    }
}

/// The DaemonSet's pods grouped by the node they are for, oldest first
/// (from the apiserver's controller index; shared, not copied).
fn pods_by_node(ds: &apps::DaemonSet, ctx: &Ctx) -> PodsByNode {
    let uid = ds.metadata.uid.as_deref().unwrap_or("");
    let mut m: PodsByNode = BTreeMap::new();
    for o in ctx.api.pods_of_controller(uid) {
        if let Some(n) = util::target_node(pod(o)) {
            m.entry(n.to_string()).or_default().push(o.clone());
        }
    }
    for pods in m.values_mut() {
        pods.sort_by_key(|o| creation_key(pod(o)));
    }
    m
}

fn creation_key(p: &core::Pod) -> (Option<String>, String) {
    (
        p.metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.to_rfc3339()),
        p.metadata.name.clone().unwrap_or_default(),
    )
}

/// The template generation (`util.GetTemplateGeneration`).
fn template_generation(ds: &apps::DaemonSet) -> Option<String> {
    ds.metadata
        .annotations
        .as_ref()?
        .get(TEMPLATE_GENERATION_ANNOTATION)
        .cloned()
}

/// `util.IsPodUpdated`: the pod carries the current hash or generation.
fn is_pod_updated(p: &core::Pod, hash: &str, generation: Option<&str>) -> bool {
    let l = p.metadata.labels.as_ref();
    let get = |k: &str| l.and_then(|l| l.get(k)).map(String::as_str);
    (generation.is_some() && get(TEMPLATE_GENERATION_LABEL) == generation)
        || get(history::CONTROLLER_REVISION_HASH) == Some(hash)
}

/// The pod the controller would create (`util.CreatePodTemplate`), before
/// its node affinity is set.
fn new_pod(ds: &apps::DaemonSet, hash: &str) -> core::Pod {
    let none = core::PodTemplateSpec::default();
    let template = ds.spec.as_ref().map_or(&none, |s| &s.template);
    let owner = history::owner_ref("DaemonSet", &ds.metadata);
    let mut pod = get_pod_from_template(template, &ds.metadata, owner);
    let spec = pod.spec.get_or_insert_with(Default::default);
    util::add_daemon_pod_tolerations(spec);
    let labels = pod.metadata.labels.get_or_insert_with(BTreeMap::new);
    if let Some(g) = template_generation(ds) {
        labels.insert(TEMPLATE_GENERATION_LABEL.into(), g);
    }
    if !hash.is_empty() {
        labels.insert(history::CONTROLLER_REVISION_HASH.into(), hash.into());
    }
    pod
}

/// `podsShouldBeOnNode` + `manage`: which nodes need a pod and which pods
/// must go, then `syncNodes`.
fn manage(ds: &apps::DaemonSet, nodes: &[NodeVerdict], hash: &str, ctx: &mut Ctx) {
    let by_node = pods_by_node(ds, ctx);
    let surge = update::max_surge(ds, desired_count(nodes)) > 0;
    let min_ready = min_ready_ms(ds);
    let now = ctx.now();
    let mut create_on = Vec::new();
    let mut delete = Vec::new();
    let mut failed = Vec::new();
    for node in nodes {
        let node_name = node.name.as_str();
        let (should_run, should_continue) = (node.should_run, node.should_continue);
        let pods: Vec<&core::Pod> = by_node
            .get(node_name)
            .into_iter()
            .flatten()
            .map(|o| pod(o))
            .collect();
        if should_run && pods.is_empty() {
            create_on.push(node_name.to_string());
        } else if should_continue {
            let mut running = Vec::new();
            for p in &pods {
                if p.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                if podutil::phase(p) == "Failed" {
                    failed.push((p.metadata.name.clone().unwrap_or_default(), node_name));
                    continue;
                }
                running.push(*p);
            }
            if !surge {
                // Keep the oldest daemon pod on the node, delete the rest.
                delete.extend(
                    running
                        .iter()
                        .skip(1)
                        .map(|p| p.metadata.name.clone().unwrap_or_default()),
                );
            } else {
                let (mut oldest_new, mut oldest_old) = (None, None);
                for p in &running {
                    let is_new = p
                        .metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(history::CONTROLLER_REVISION_HASH))
                        .map(String::as_str)
                        == Some(hash);
                    let slot = if is_new {
                        &mut oldest_new
                    } else {
                        &mut oldest_old
                    };
                    if slot.is_none() {
                        *slot = Some(*p);
                    } else {
                        delete.push(p.metadata.name.clone().unwrap_or_default());
                    }
                }
                if let (Some(n), Some(o)) = (oldest_new, oldest_old) {
                    if !podutil::is_ready(o) || is_available(n, min_ready, now, ctx) {
                        delete.push(o.metadata.name.clone().unwrap_or_default());
                    }
                }
            }
        } else {
            delete.extend(
                pods.iter()
                    .filter(|p| p.metadata.deletion_timestamp.is_none())
                    .map(|p| p.metadata.name.clone().unwrap_or_default()),
            );
        }
    }
    for (pod, node) in &failed {
        let msg = format!(
            "Found failed daemon pod {}/{pod} on node {node}, will try to kill it",
            ds.metadata.namespace.as_deref().unwrap_or("")
        );
        event(ctx, ds, "Warning", "FailedDaemonPod", &msg);
        delete.push(pod.clone());
    }
    sync_nodes(ds, &delete, &create_on, hash, ctx);
}

/// `syncNodes`: creates pods for `nodes` in slow-start batches and deletes
/// `pods`, recording SuccessfulCreate / SuccessfulDelete.
fn sync_nodes(ds: &apps::DaemonSet, pods: &[String], nodes: &[String], hash: &str, ctx: &mut Ctx) {
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let template = new_pod(ds, hash);
    let nodes = &nodes[..nodes.len().min(BURST_REPLICAS)];
    let mut i = 0;
    let mut batch = 1;
    'outer: while i < nodes.len() {
        let end = (i + batch).min(nodes.len());
        for node in &nodes[i..end] {
            let mut pod = template.clone();
            if let Some(spec) = pod.spec.as_mut() {
                util::replace_node_name_affinity(spec, node);
            }
            match ctx.api.create(USER, Object::Pod(Box::new(pod))) {
                Ok(created) => {
                    let msg = format!("Created pod: {}", created.name());
                    event(ctx, ds, "Normal", "SuccessfulCreate", &msg);
                }
                Err(e) => {
                    let msg = format!("Error creating: {}", e.message);
                    event(ctx, ds, "Warning", "FailedCreate", &msg);
                    break 'outer;
                }
            }
        }
        i = end;
        batch *= 2;
    }
    for name in pods.iter().take(BURST_REPLICAS) {
        if ctx
            .api
            .delete(USER, pod_res(), &ns, name, DeleteOptions::default())
            .is_ok()
        {
            let msg = format!("Deleted pod: {name}");
            event(ctx, ds, "Normal", "SuccessfulDelete", &msg);
        }
    }
}

fn event(ctx: &mut Ctx, ds: &apps::DaemonSet, type_: &str, reason: &str, msg: &str) {
    let obj = Object::DaemonSet(Box::new(ds.clone()));
    ctx.api
        .record_event(COMPONENT, None, (&obj).into(), None, type_, reason, msg);
}

fn min_ready_ms(ds: &apps::DaemonSet) -> u64 {
    ds.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
        .max(0) as u64
        * 1000
}

/// When the pod became Ready, in virtual milliseconds.
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

/// `podutil.IsPodAvailable`.
fn is_available(p: &core::Pod, min_ready: u64, now: u64, ctx: &Ctx) -> bool {
    ready_since(p, ctx).is_some_and(|t| t + min_ready <= now)
}

/// How many nodes should run a daemon pod (`desiredNumberScheduled`).
fn desired_count(nodes: &[NodeVerdict]) -> i32 {
    nodes.iter().filter(|n| n.should_run).count() as i32
}

/// `constructHistory`: the current revision exists with the highest
/// number (creating it, or renumbering an old one on rollback); returns
/// its hash.
fn construct_history(ds: &apps::DaemonSet, ctx: &mut Ctx) -> String {
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let template = ds
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let patch = history::template_patch(&template);
    let collision = ds.status.as_ref().and_then(|s| s.collision_count);
    let hash = history::hash(&patch, collision);
    let revisions = history::revisions_of(
        ctx.api,
        ds.metadata.namespace.as_deref().unwrap_or(""),
        &uid,
    );
    let max = revisions.iter().map(|r| r.revision).max().unwrap_or(0);
    let current = revisions.iter().find(|r| {
        r.data.as_ref().map(|d| &d.0) == Some(&patch)
            || r.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(history::CONTROLLER_REVISION_HASH))
                == Some(&hash)
    });
    match current {
        Some(cr) if cr.revision < max => {
            let mut cr = cr.clone();
            cr.revision = max + 1;
            let _ = ctx
                .api
                .update(USER, Object::ControllerRevision(Box::new(cr)));
        }
        Some(_) => {}
        None => {
            let mut labels = template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            labels.insert(history::CONTROLLER_REVISION_HASH.into(), hash.clone());
            let name = format!("{}-{hash}", ds.metadata.name.as_deref().unwrap_or(""));
            let mut cr =
                history::new_revision("DaemonSet", &ds.metadata, name, labels, patch, max + 1);
            // The revision keeps the DaemonSet's annotations (change-cause).
            cr.metadata.annotations = ds.metadata.annotations.clone();
            let _ = ctx
                .api
                .create(USER, Object::ControllerRevision(Box::new(cr)));
        }
    }
    hash
}

/// `cleanupHistory`: keeps at most revisionHistoryLimit old revisions that
/// no live pod uses, deleting the oldest first.
fn cleanup_history(ds: &apps::DaemonSet, hash: &str, ctx: &mut Ctx) {
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let limit = ds
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let revisions = history::revisions_of(ctx.api, &ns, &uid);
    // Most syncs have nothing to clean: skip the scan of the pods then.
    if revisions.len() <= limit + 1 {
        return;
    }
    let live: std::collections::BTreeSet<String> = ctx
        .api
        .pods_of_controller(&uid)
        .filter_map(|o| {
            o.meta()
                .labels
                .as_ref()?
                .get(history::CONTROLLER_REVISION_HASH)
                .cloned()
        })
        .collect();
    let old: Vec<apps::ControllerRevision> = revisions
        .into_iter()
        .filter(|r| {
            let h = r
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(history::CONTROLLER_REVISION_HASH))
                .cloned()
                .unwrap_or_default();
            h != hash && !live.contains(&h)
        })
        .collect();
    let excess = old.len().saturating_sub(limit);
    for r in old.iter().take(excess) {
        let name = r.metadata.name.clone().unwrap_or_default();
        let _ = ctx
            .api
            .delete(USER, cr_res(), &ns, &name, DeleteOptions::default());
    }
}

/// `updateDaemonSetStatus`.
fn update_status(
    ds: &apps::DaemonSet,
    nodes: &[NodeVerdict],
    hash: &str,
    ctx: &mut Ctx,
) -> Option<u64> {
    let by_node = pods_by_node(ds, ctx);
    let generation = template_generation(ds);
    let min_ready = min_ready_ms(ds);
    let now = ctx.now();
    let (mut desired, mut current, mut misscheduled) = (0, 0, 0);
    let (mut ready, mut available, mut updated) = (0, 0, 0);
    let mut requeue: Option<u64> = None;
    for node in nodes {
        let should_run = node.should_run;
        let pods: Vec<&core::Pod> = by_node
            .get(&node.name)
            .into_iter()
            .flatten()
            .map(|o| pod(o))
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        if should_run {
            desired += 1;
            if let Some(p) = pods.first() {
                current += 1;
                if let Some(since) = ready_since(p, ctx) {
                    ready += 1;
                    if since + min_ready <= now {
                        available += 1;
                    } else {
                        let wait = since + min_ready - now;
                        requeue = Some(requeue.map_or(wait, |r| r.min(wait)));
                    }
                }
                if is_pod_updated(p, hash, generation.as_deref()) {
                    updated += 1;
                }
            }
        } else if !pods.is_empty() {
            misscheduled += 1;
        }
    }
    let old = ds.status.clone().unwrap_or_default();
    let status = apps::DaemonSetStatus {
        collision_count: old.collision_count,
        conditions: old.conditions.clone(),
        current_number_scheduled: current,
        desired_number_scheduled: desired,
        number_available: Some(available).filter(|n| *n > 0),
        number_misscheduled: misscheduled,
        number_ready: ready,
        number_unavailable: Some(desired - available).filter(|n| *n > 0),
        observed_generation: ds.metadata.generation,
        updated_number_scheduled: Some(updated).filter(|n| *n > 0),
    };
    let (ns, name) = (
        ds.metadata.namespace.as_deref().unwrap_or(""),
        ds.metadata.name.as_deref().unwrap_or(""),
    );
    if let Some(mut cur) = ctx
        .api
        .get_typed::<apps::DaemonSet>(ds_res(), ns, name)
        .cloned()
    {
        if cur.status.as_ref() != Some(&status) {
            cur.status = Some(status);
            let _ = ctx
                .api
                .update_status(USER, Object::DaemonSet(Box::new(cur)));
        }
    }
    requeue
}

#[cfg(test)]
mod tests;
