//! The taint eviction controller (pkg/controller/tainteviction,
//! taint_eviction.go; `taint-eviction-controller` since v1.29).
//!
//! Pods on a node with `NoExecute` taints are deleted: at once if they do
//! not tolerate every such taint, otherwise after the smallest
//! `tolerationSeconds` of the tolerations that match (the
//! DefaultTolerationSeconds admission plugin gives every pod 300 s for
//! `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable`);
//! tolerations without `tolerationSeconds` tolerate forever. The timer
//! starts when the controller first sees the pod on the tainted node and is
//! cancelled if the taint goes away first. Before deleting, it records
//! `TaintManagerEviction` (`Marking for deletion Pod ns/name`) and adds the
//! `DisruptionTarget` condition (reason `DeletionByTaintManager`).
//!
//! The deletion is an ordinary graceful one: on a node whose kubelet is
//! gone nothing confirms it, so the pod stays `Terminating` until the node
//! comes back or the pod is force-deleted; its ReplicaSet replaces it
//! meanwhile.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{core, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::{Millis, SECOND};
use crate::scheduler::plugins::helper::tolerates_taint;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use std::collections::{BTreeMap, BTreeSet};

const USER: &str = "system:serviceaccount:kube-system:node-controller";
const COMPONENT: &str = "taint-eviction-controller";

fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").expect("pods are served")
}
fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").expect("nodes are served")
}

/// The informer index by `spec.nodeName` that upstream's node controllers
/// add to their pod informer: which pods are bound to each node.
#[derive(Default, Debug)]
pub struct PodsByNode {
    by_node: BTreeMap<String, BTreeSet<(String, String)>>,
    node_of: BTreeMap<(String, String), String>,
}

impl PodsByNode {
    /// Keeps the index current with a pod watch event.
    pub fn observe(&mut self, ev: &WatchEvent) {
        let Object::Pod(p) = &*ev.object else { return };
        let key = (
            p.metadata.namespace.clone().unwrap_or_default(),
            p.metadata.name.clone().unwrap_or_default(),
        );
        let node =
            crate::api::podutil::node_name(p).filter(|_| ev.event_type != EventType::Deleted);
        if self.node_of.get(&key).map(String::as_str) == node {
            return;
        }
        if let Some(old) = self.node_of.remove(&key) {
            if let Some(set) = self.by_node.get_mut(&old) {
                set.remove(&key);
                if set.is_empty() {
                    self.by_node.remove(&old);
                }
            }
        }
        if let Some(n) = node {
            self.by_node
                .entry(n.to_string())
                .or_default()
                .insert(key.clone());
            self.node_of.insert(key, n.to_string());
        }
    }

    /// The pods bound to `node`, as (namespace, name).
    pub fn on(&self, node: &str) -> Vec<(&str, &str)> {
        self.by_node
            .get(node)
            .into_iter()
            .flatten()
            .map(|(ns, n)| (ns.as_str(), n.as_str()))
            .collect()
    }

    /// Owned copy of [`PodsByNode::on`].
    pub fn keys_on(&self, node: &str) -> Vec<(String, String)> {
        self.by_node
            .get(node)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// The controller's state: nodes that have NoExecute taints, and the
/// evictions scheduled (pod key → when the timer started).
#[derive(Default)]
pub struct TaintEvictionController {
    tainted: BTreeSet<String>,
    scheduled: BTreeMap<String, Millis>,
}

fn no_execute_taints(n: &core::Node) -> Vec<core::Taint> {
    n.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| t.effect == "NoExecute")
        .cloned()
        .collect()
}

impl TaintEvictionController {
    /// Watch handler: nodes whose NoExecute taints matter queue themselves;
    /// pods on such nodes queue themselves.
    pub fn on_watch(&mut self, q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
        match &*ev.object {
            Object::Node(n) => {
                let name = n.metadata.name.clone().unwrap_or_default();
                let tainted =
                    ev.event_type != EventType::Deleted && !no_execute_taints(n).is_empty();
                if tainted || self.tainted.contains(&name) {
                    q.add(ControllerName::TaintEviction, name, ctx, QUEUE_LATENCY);
                }
            }
            Object::Pod(p) => {
                let key = crate::api::key(
                    p.metadata.namespace.as_deref().unwrap_or(""),
                    p.metadata.name.as_deref().unwrap_or(""),
                );
                if ev.event_type == EventType::Deleted {
                    self.scheduled.remove(&key);
                    return;
                }
                if crate::api::podutil::node_name(p).is_some_and(|n| self.tainted.contains(n)) {
                    q.add(ControllerName::TaintEviction, key, ctx, QUEUE_LATENCY);
                }
            }
            _ => {}
        }
    }

    /// Syncs a node (every pod on it) or a pod (`namespace/name`).
    pub fn sync(&mut self, key: &str, pods: &PodsByNode, q: &mut WorkQueue, ctx: &mut Ctx) {
        if let Some((ns, name)) = key.split_once('/') {
            self.process_pod(ns, name, q, ctx);
            return;
        }
        let taints = ctx
            .api
            .get_typed::<core::Node>(node_res(), "", key)
            .map(no_execute_taints)
            .unwrap_or_default();
        if taints.is_empty() {
            self.tainted.remove(key);
        } else {
            self.tainted.insert(key.to_string());
        }
        for (ns, name) in pods.keys_on(key) {
            self.process_pod(&ns, &name, q, ctx);
        }
    }

    fn cancel(&mut self, key: &str, ns: &str, name: &str, ctx: &mut Ctx) {
        if self.scheduled.remove(key).is_some() {
            emit(ctx, ns, name, &format!("Cancelling deletion of Pod {key}"));
        }
    }

    /// `processPodOnNode`: delete now, schedule, or cancel.
    fn process_pod(&mut self, ns: &str, name: &str, q: &mut WorkQueue, ctx: &mut Ctx) {
        let key = crate::api::key(ns, name);
        let Some(pod) = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name).cloned() else {
            self.scheduled.remove(&key);
            return;
        };
        if pod.metadata.deletion_timestamp.is_some() {
            self.scheduled.remove(&key);
            return;
        }
        let taints = crate::api::podutil::node_name(&pod)
            .and_then(|n| ctx.api.get_typed::<core::Node>(node_res(), "", n))
            .map(no_execute_taints)
            .unwrap_or_default();
        if taints.is_empty() {
            self.cancel(&key, ns, name, ctx);
            return;
        }
        let tolerations: Vec<core::Toleration> = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.clone())
            .unwrap_or_default();
        let now = ctx.now();
        // The tolerations used for the taints; any untolerated taint evicts now.
        let mut min_seconds: Option<i64> = None;
        let mut all_tolerated = true;
        for taint in &taints {
            let used: Vec<&core::Toleration> = tolerations
                .iter()
                .filter(|t| tolerates_taint(t, taint))
                .collect();
            if used.is_empty() {
                all_tolerated = false;
                break;
            }
            for t in used {
                if let Some(s) = t.toleration_seconds {
                    min_seconds = Some(min_seconds.map_or(s, |m: i64| m.min(s)));
                }
            }
        }
        let fire_at = if !all_tolerated {
            now
        } else {
            let Some(secs) = min_seconds else {
                // Tolerated forever.
                self.cancel(&key, ns, name, ctx);
                return;
            };
            let started = *self.scheduled.entry(key.clone()).or_insert(now);
            started + secs.max(0) as Millis * SECOND
        };
        if fire_at > now {
            q.add(ControllerName::TaintEviction, key, ctx, fire_at - now);
            return;
        }
        self.scheduled.remove(&key);
        emit(ctx, ns, name, &format!("Marking for deletion Pod {key}"));
        // addConditionAndDeletePod: the DisruptionTarget condition, then delete.
        if let Some(mut status) = pod.status.clone() {
            let t = ctx.api.clock.time();
            crate::apiserver::set_condition(
                &mut status,
                "DisruptionTarget",
                "True",
                Some("DeletionByTaintManager"),
                Some("Taint manager: deleting due to NoExecute taint"),
                &t,
            );
            let _ = ctx.api.update_pod_status(USER, ns, name, status);
        }
        let _ = ctx
            .api
            .delete(USER, pod_res(), ns, name, DeleteOptions::default());
    }
}

/// Events about a pod by reference (kind, namespace, name), as upstream's
/// `emitPodDeletionEvent` records them.
fn emit(ctx: &mut Ctx, ns: &str, name: &str, message: &str) {
    let meta = crate::api::meta::ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(ns.to_string()),
        ..Default::default()
    };
    ctx.api.record_event(
        COMPONENT,
        None,
        crate::apiserver::Involved {
            api_version: "",
            kind: "Pod",
            meta: &meta,
        },
        None,
        "Normal",
        "TaintManagerEviction",
        message,
    );
}
