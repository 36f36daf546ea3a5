//! The node lifecycle controller (pkg/controller/nodelifecycle,
//! node_lifecycle_controller.go).
//!
//! A node is healthy while its kubelet heartbeats: the node Lease in
//! `kube-node-lease` renewed every 10 s, or a node status write. Upstream's
//! `monitorNodeHealth` runs every `--node-monitor-period` (5 s); once no
//! heartbeat has been seen for `--node-monitor-grace-period` (50 s since
//! v1.32, kubernetes/kubernetes#126287) it sets every node condition the
//! kubelet owns to `Unknown` (`NodeStatusUnknown`, `Kubelet stopped posting
//! node status.`), records `NodeNotReady` on the node and marks the node's
//! pods not Ready (`MarkPodsNotReady`, pkg/controller/util/node).
//!
//! Taints follow the Ready condition: `Unknown` → `node.kubernetes.io/unreachable`,
//! `False` → `node.kubernetes.io/not-ready`, each with a `NoExecute` taint
//! (stamped with `timeAdded`, which the taint eviction controller acts on)
//! and a `NoSchedule` taint (which keeps the scheduler away). They are
//! removed once the kubelet reports Ready again.
//!
//! Instead of scanning every node every 5 s, each node's sync schedules one
//! check for the first monitor tick after its heartbeat would expire; the
//! verdict is the same as upstream's loop would reach at that tick.

use super::tainteviction::PodsByNode;
use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{core, registry, Object};
use crate::clock::{Millis, SECOND};
use crate::simulation::{Ctx, Event};
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeMap;

/// `--node-monitor-period`: how often upstream checks node health.
pub const NODE_MONITOR_PERIOD: Millis = 5 * SECOND;
/// `--node-monitor-grace-period` (v1.32 default).
pub const NODE_MONITOR_GRACE_PERIOD: Millis = 50 * SECOND;
/// Taint key of a node whose Ready condition is Unknown.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// Taint key of a node whose Ready condition is False.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Taint key of a cordoned node (`spec.unschedulable`).
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

const USER: &str = "system:serviceaccount:kube-system:node-controller";
const COMPONENT: &str = "node-controller";
/// The conditions the kubelet owns, set to Unknown when it goes silent.
const KUBELET_CONDITIONS: &[&str] = &["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").expect("nodes are served")
}

/// The controller's state: the health check scheduled for each node.
#[derive(Default)]
pub struct NodeLifecycleController {
    checks: BTreeMap<String, Millis>,
}

/// Node changes queue the node; lease renewals need nothing (the scheduled
/// check reads the lease when it is due).
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    if let Object::Node(n) = &*ev.object {
        if ev.event_type != EventType::Deleted {
            let name = n.metadata.name.clone().unwrap_or_default();
            q.add(ControllerName::NodeLifecycle, name, ctx, QUEUE_LATENCY);
        }
    }
}

/// The first monitor tick strictly after `t`.
fn next_tick_after(t: Millis) -> Millis {
    (t / NODE_MONITOR_PERIOD + 1) * NODE_MONITOR_PERIOD
}

/// The Ready condition's status (`True`, `False`, `Unknown`), if any.
pub fn ready_status(n: &core::Node) -> Option<&str> {
    n.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

/// The taints the controller wants for a node, in the order upstream adds
/// them: the NoExecute pass runs in the monitor loop, the NoSchedule pass
/// (conditions, then `spec.unschedulable`) on the resulting node update.
fn wanted_taints(node: &core::Node) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let key = match ready_status(node) {
        Some("Unknown") => Some(TAINT_UNREACHABLE),
        Some("False") => Some(TAINT_NOT_READY),
        _ => None,
    };
    if let Some(key) = key {
        out.push((key, "NoExecute"));
        out.push((key, "NoSchedule"));
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        out.push((TAINT_UNSCHEDULABLE, "NoSchedule"));
    }
    out
}

impl NodeLifecycleController {
    /// Forgets a deleted node.
    pub fn forget(&mut self, node: &str) {
        self.checks.remove(node);
    }

    /// Checks one node's health, updates its conditions and taints, marks
    /// its pods not ready when it stops being Ready, and schedules the next
    /// check.
    pub fn sync(&mut self, name: &str, pods: &PodsByNode, ctx: &mut Ctx) -> Option<Millis> {
        let Some(node) = ctx
            .api
            .get_typed::<core::Node>(node_res(), "", name)
            .cloned()
        else {
            self.checks.remove(name);
            return None;
        };
        let now = ctx.now();
        let heartbeat = self.last_heartbeat(&node, ctx);
        let was_ready = ready_status(&node) == Some("True");
        let mut node = node;
        let silent = now > heartbeat + NODE_MONITOR_GRACE_PERIOD;
        if silent && ready_status(&node) != Some("Unknown") {
            let t = ctx.api.clock.time();
            let status = node.status.get_or_insert_with(Default::default);
            let conds = status.conditions.get_or_insert_with(Vec::new);
            for type_ in KUBELET_CONDITIONS {
                let cond = match conds.iter_mut().find(|c| c.type_ == *type_) {
                    Some(c) => c,
                    None => {
                        conds.push(core::NodeCondition {
                            type_: type_.to_string(),
                            last_heartbeat_time: node.metadata.creation_timestamp.clone(),
                            ..Default::default()
                        });
                        conds.last_mut().expect("just pushed")
                    }
                };
                if cond.status != "Unknown" {
                    cond.status = "Unknown".into();
                    cond.reason = Some("NodeStatusUnknown".into());
                    cond.message = Some("Kubelet stopped posting node status.".into());
                    cond.last_transition_time = Some(t.clone());
                }
            }
            match ctx
                .api
                .update_status(USER, Object::Node(Box::new(node.clone())))
            {
                Ok(stored) => {
                    if let Object::Node(n) = &*stored {
                        node = (**n).clone();
                    }
                }
                Err(_) => return Some(QUEUE_LATENCY),
            }
            if was_ready {
                record_node_status_change(ctx, &node, "NodeNotReady");
                mark_pods_not_ready(ctx, pods, name);
            }
        } else if !silent {
            let due = next_tick_after(heartbeat + NODE_MONITOR_GRACE_PERIOD);
            if self.checks.get(name) != Some(&due) {
                self.checks.insert(name.to_string(), due);
                ctx.after(
                    due - now,
                    Event::Controller(super::Work {
                        controller: ControllerName::NodeLifecycle,
                        key: name.to_string(),
                        delayed: false,
                    }),
                );
            }
        }
        self.reconcile_taints(node, ctx);
        None
    }

    /// The newest heartbeat: the Lease's renewTime or the Ready condition's
    /// lastHeartbeatTime (upstream's `probeTimestamp`).
    fn last_heartbeat(&self, node: &core::Node, ctx: &Ctx) -> Millis {
        let name = node.metadata.name.as_deref().unwrap_or("");
        let lease_res = registry::by_kind("coordination.k8s.io/v1", "Lease").expect("leases");
        let lease = ctx
            .api
            .get_typed::<crate::api::coordination::Lease>(lease_res, "kube-node-lease", name)
            .and_then(|l| l.spec.as_ref())
            .and_then(|s| s.renew_time.as_ref())
            .map(|t| ctx.api.clock.millis_of(&t.0));
        let status = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .and_then(|c| c.last_heartbeat_time.as_ref())
            .map(|t| ctx.api.clock.millis_of(&t.0));
        let created = node
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| ctx.api.clock.millis_of(&t.0));
        lease.max(status).or(created).unwrap_or(0)
    }

    /// Adds or removes the unreachable / not-ready / unschedulable taints
    /// to match the Ready condition and `spec.unschedulable`
    /// (doNoExecuteTaintingPass + doNoScheduleTaintingPass). Every taint the
    /// controller adds carries `timeAdded` (`SwapNodeControllerTaint`).
    fn reconcile_taints(&self, mut node: core::Node, ctx: &mut Ctx) {
        let wanted = wanted_taints(&node);
        let managed = |t: &core::Taint| {
            [TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE].contains(&t.key.as_str())
                && (t.effect == "NoExecute" || t.effect == "NoSchedule")
        };
        let spec = node.spec.get_or_insert_with(Default::default);
        let current: Vec<core::Taint> = spec.taints.clone().unwrap_or_default();
        let mut next: Vec<core::Taint> = current
            .iter()
            .filter(|t| !managed(t) || wanted.contains(&(t.key.as_str(), t.effect.as_str())))
            .cloned()
            .collect();
        for (key, effect) in &wanted {
            if !next.iter().any(|t| t.key == *key && t.effect == *effect) {
                next.push(core::Taint {
                    key: key.to_string(),
                    effect: effect.to_string(),
                    time_added: Some(ctx.api.clock.time()),
                    value: None,
                });
            }
        }
        if next == current {
            return;
        }
        spec.taints = (!next.is_empty()).then_some(next);
        let _ = ctx.api.update(USER, Object::Node(Box::new(node)));
    }
}

/// `nodeutil.RecordNodeStatusChange`: `Node X status is now: NodeNotReady`.
fn record_node_status_change(ctx: &mut Ctx, node: &core::Node, status: &str) {
    let name = node.metadata.name.clone().unwrap_or_default();
    let meta = crate::api::meta::ObjectMeta {
        name: Some(name.clone()),
        uid: Some(name.clone()),
        ..Default::default()
    };
    ctx.api.record_event(
        COMPONENT,
        None,
        crate::apiserver::Involved {
            api_version: "v1",
            kind: "Node",
            meta: &meta,
        },
        None,
        "Normal",
        status,
        &format!("Node {name} status is now: {status}"),
    );
}

/// `MarkPodsNotReady`: the Ready condition of every pod on the node goes
/// False, with a `NodeNotReady` warning on each pod.
fn mark_pods_not_ready(ctx: &mut Ctx, pods: &PodsByNode, node: &str) {
    let pod_res = registry::by_kind("v1", "Pod").expect("pods");
    for (ns, name) in pods.on(node) {
        let Some(p) = ctx.api.get_typed::<core::Pod>(pod_res, ns, name).cloned() else {
            continue;
        };
        if crate::api::podutil::node_name(&p) != Some(node) {
            continue;
        }
        let Some(mut status) = p.status.clone() else {
            continue;
        };
        let t = ctx.api.clock.time();
        let mut changed = false;
        for c in status.conditions.iter_mut().flatten() {
            if c.type_ == "Ready" && c.status != "False" {
                c.status = "False".into();
                c.last_transition_time = Some(t.clone());
                changed = true;
            }
        }
        if !changed {
            continue;
        }
        if ctx.api.update_pod_status(USER, ns, name, status).is_ok() {
            ctx.api.record_event(
                COMPONENT,
                None,
                crate::apiserver::Involved::pod(&p),
                None,
                "Warning",
                "NodeNotReady",
                "Node is not ready",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(ready: &str, unschedulable: bool) -> core::Node {
        core::Node {
            spec: Some(core::NodeSpec {
                unschedulable: unschedulable.then_some(true),
                ..Default::default()
            }),
            status: Some(core::NodeStatus {
                conditions: Some(vec![core::NodeCondition {
                    type_: "Ready".into(),
                    status: ready.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn taints_follow_the_ready_condition_and_cordon() {
        assert!(wanted_taints(&node("True", false)).is_empty());
        assert_eq!(
            wanted_taints(&node("Unknown", false)),
            [
                (TAINT_UNREACHABLE, "NoExecute"),
                (TAINT_UNREACHABLE, "NoSchedule")
            ]
        );
        assert_eq!(
            wanted_taints(&node("False", true)),
            [
                (TAINT_NOT_READY, "NoExecute"),
                (TAINT_NOT_READY, "NoSchedule"),
                (TAINT_UNSCHEDULABLE, "NoSchedule")
            ]
        );
    }

    #[test]
    fn checks_land_on_the_first_monitor_tick_after_the_grace_period() {
        assert_eq!(next_tick_after(0), 5_000);
        assert_eq!(next_tick_after(4_999), 5_000);
        assert_eq!(next_tick_after(5_000), 10_000);
        // Heartbeat at 5:20.0 + 50 s grace → detected at 6:15.
        assert_eq!(
            next_tick_after(320_000 + NODE_MONITOR_GRACE_PERIOD),
            375_000
        );
    }
}
