//! What happens to a node's kubelet when its machine loses power, boots again,
//! or one of its container processes is killed from outside the API (the
//! operator actions of [`crate::simulation::Simulation`]).
//!
//! Power loss: the kubelet stops (no lease renewals, no status) and every
//! container process dies; nothing is written to the API server, because
//! nothing is left to write it. On boot the kubelet starts again as it does
//! at first start (registration status, startup events, the lease), its
//! sandboxes are recreated (`SandboxChanged`), containers that died with the
//! machine show `Terminated` with reason `Unknown` and exit code 255 as their
//! last state and restart per the pod's restartPolicy, and pods deleted
//! meanwhile are cleaned up (pkg/kubelet/kubelet.go `syncPod` after a
//! restart; the `Unknown`/255 last state is what the CRI reports for a
//! container whose runtime vanished).

use super::{Kubelet, RunState, Work, LEASE_RENEW, NODE_STATUS_REPORT};
use crate::api::{core, registry};
use crate::simulation::{Ctx, Event};

impl Kubelet {
    /// The machine loses power: every container process dies, the kubelet
    /// stops. Returns false if it was already stopped.
    pub(crate) fn power_off(&mut self, ctx: &mut Ctx) -> bool {
        if !self.running {
            return false;
        }
        self.running = false;
        let now = ctx.now();
        let mut died = Vec::new();
        for (key, w) in self.workers.iter_mut() {
            w.sandbox_ready_at = None;
            for c in w.containers.iter_mut() {
                // Stale timers (wake-ups, probes, pulls) carry the old generation.
                c.generation += 1;
                c.pulling = false;
                c.probes.clear();
                c.process = None;
                c.ready = false;
                if let RunState::Running { started_at } = c.state {
                    c.state = RunState::Terminated {
                        exit_code: 255,
                        reason: "Unknown".into(),
                        message: None,
                        started_at,
                        finished_at: now,
                        container_id: c.container_id.clone(),
                    };
                    died.push((key.clone(), c.name.clone()));
                }
            }
        }
        for (pod, container) in died {
            self.trace_state(ctx, &pod, &container, "terminated (Unknown, exit 255)");
        }
        true
    }

    /// The machine boots: the kubelet starts again. Returns false if it was
    /// already running.
    pub(crate) fn power_on(&mut self, ctx: &mut Ctx) -> bool {
        if self.running {
            return false;
        }
        self.running = true;
        // Registration, startup events, lease, and a sync of every pod bound here.
        self.start(ctx);
        let now = ctx.now();
        let node = self.node.clone();
        let keys: Vec<String> = self.workers.keys().cloned().collect();
        for key in keys {
            let (ns, name) = key.split_once('/').unwrap_or(("", &key));
            let pod = ctx
                .api
                .get_typed::<core::Pod>(registry::by_kind("v1", "Pod").unwrap(), ns, name)
                .cloned();
            let delay = self.rng.between(300, 600);
            if let Some(w) = self.workers.get_mut(&key) {
                w.sandbox_ready_at = Some(now + delay);
                // Containers that never ran keep waiting for the new sandbox.
                for c in w.containers.iter_mut() {
                    c.backoff_until = 0;
                }
            }
            if let Some(pod) = pod.filter(|p| p.metadata.deletion_timestamp.is_none()) {
                self.event(
                    ctx,
                    &pod,
                    None,
                    "Normal",
                    "SandboxChanged",
                    "Pod sandbox changed, it will be killed and re-created.",
                );
            }
            // Pods deleted while the node was down are torn down by this sync.
            ctx.after(delay, Event::Kubelet(node.clone(), Work::SyncPod(key)));
        }
        true
    }

    /// Kills a running container's process with SIGKILL (exit 137, reason
    /// `Error`); the pod's restartPolicy decides what happens next.
    pub(crate) fn kill_container(
        &mut self,
        key: &str,
        container: &str,
        ctx: &mut Ctx,
    ) -> Result<(), String> {
        let (_, name) = key.split_once('/').unwrap_or(("", key));
        let c = self
            .workers
            .get(key)
            .and_then(|w| w.containers.iter().find(|c| c.name == container))
            .ok_or_else(|| format!("container \"{container}\" in pod \"{name}\" is not running"))?;
        if !matches!(c.state, RunState::Running { .. }) {
            return Err(format!(
                "container \"{container}\" in pod \"{name}\" is not running"
            ));
        }
        self.container_exited(key, container, 137, Some("Error"), ctx);
        Ok(())
    }

    /// Whether a self-rescheduling timer (lease renewal, node status) is the
    /// live one: timers left over from before a power loss are dropped, so a
    /// quick off/on does not double the heartbeat.
    pub(crate) fn timer_is_current(&self, work: &Work, now: crate::clock::Millis) -> bool {
        match work {
            Work::RenewLease => self.next_lease_at == now,
            Work::NodeStatus => self.next_status_at == now,
            _ => true,
        }
    }

    /// Schedules the next lease renewal.
    pub(crate) fn schedule_lease(&mut self, ctx: &mut Ctx) {
        self.next_lease_at = ctx.now() + LEASE_RENEW;
        ctx.after(
            LEASE_RENEW,
            Event::Kubelet(self.node.clone(), Work::RenewLease),
        );
    }

    /// Schedules the next periodic node status report.
    pub(crate) fn schedule_status(&mut self, ctx: &mut Ctx) {
        self.next_status_at = ctx.now() + NODE_STATUS_REPORT;
        ctx.after(
            NODE_STATUS_REPORT,
            Event::Kubelet(self.node.clone(), Work::NodeStatus),
        );
    }

    /// `recordNodeSchedulableEvent` (pkg/kubelet/kubelet_node_status.go):
    /// on its periodic node status sync (every 10 s, with the lease here)
    /// the kubelet records `NodeNotSchedulable` / `NodeSchedulable` when
    /// `spec.unschedulable` changed since the last sync.
    pub(crate) fn record_node_schedulable_event(&mut self, ctx: &mut Ctx) {
        let node_res = registry::by_kind("v1", "Node").expect("nodes");
        let Some(unschedulable) = ctx
            .api
            .get_typed::<core::Node>(node_res, "", &self.node)
            .map(|n| n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true))
        else {
            return;
        };
        if unschedulable == self.last_unschedulable {
            return;
        }
        self.last_unschedulable = unschedulable;
        let reason = if unschedulable {
            "NodeNotSchedulable"
        } else {
            "NodeSchedulable"
        };
        let meta = crate::api::meta::ObjectMeta {
            name: Some(self.node.clone()),
            uid: Some(self.node.clone()),
            ..Default::default()
        };
        ctx.api.record_event(
            "kubelet",
            Some(&self.node),
            crate::apiserver::Involved {
                api_version: "v1",
                kind: "Node",
                meta: &meta,
            },
            None,
            "Normal",
            reason,
            &format!("Node {} status is now: {reason}", self.node),
        );
    }
}
