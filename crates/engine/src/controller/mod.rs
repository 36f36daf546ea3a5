//! kube-controller-manager: controllers as reconcile functions.
//!
//! Each controller follows client-go's pattern: watch handlers only enqueue
//! a key; a work queue never holds a key twice; the reconcile reads current
//! state, computes, and writes through the API server. It does not know why
//! it was called and must be idempotent.

pub mod controller_utils;
pub mod cronjob;
pub mod daemon;
pub mod deployment;
pub mod disruption;
pub mod garbagecollector;
pub mod history;
pub mod job;
pub mod namespace;
pub mod nodelifecycle;
pub mod podautoscaler;
pub mod podgc;
pub mod replicaset;
pub mod serviceaccount;
pub mod statefulset;
pub mod tainteviction;
pub mod ttlafterfinished;

use crate::clock::Millis;
use crate::simulation::{Ctx, Event};
use crate::store::WatchEvent;
use std::collections::BTreeSet;

/// A controller's work item: which controller and which object key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// The controller.
    pub controller: ControllerName,
    /// `namespace/name`.
    pub key: String,
    /// A requeue-after coming due: the key is added to the queue (with the
    /// usual de-duplication) rather than processed directly.
    pub delayed: bool,
}

/// The controllers the manager runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControllerName {
    /// replicaset-controller.
    ReplicaSet,
    /// deployment-controller.
    Deployment,
    /// garbage-collector-controller.
    GarbageCollector,
    /// serviceaccount-controller (with root-ca-cert-publisher).
    ServiceAccount,
    /// namespace-controller.
    Namespace,
    /// job-controller.
    Job,
    /// cronjob-controller.
    CronJob,
    /// ttl-after-finished-controller.
    TtlAfterFinished,
    /// daemonset-controller.
    DaemonSet,
    /// statefulset-controller.
    StatefulSet,
    /// node-lifecycle-controller.
    NodeLifecycle,
    /// taint-eviction-controller.
    TaintEviction,
    /// pod-garbage-collector-controller.
    PodGarbageCollector,
    /// disruption-controller.
    Disruption,
}

impl ControllerName {
    /// Upstream's name, as in events' `From` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ControllerName::ReplicaSet => "replicaset-controller",
            ControllerName::Deployment => "deployment-controller",
            ControllerName::GarbageCollector => "garbage-collector-controller",
            ControllerName::ServiceAccount => "serviceaccount-controller",
            ControllerName::Namespace => "namespace-controller",
            ControllerName::Job => "job-controller",
            ControllerName::CronJob => "cronjob-controller",
            ControllerName::TtlAfterFinished => "ttl-after-finished-controller",
            ControllerName::DaemonSet => "daemonset-controller",
            ControllerName::StatefulSet => "statefulset-controller",
            ControllerName::NodeLifecycle => "node-lifecycle-controller",
            ControllerName::TaintEviction => "taint-eviction-controller",
            ControllerName::PodGarbageCollector => "pod-garbage-collector-controller",
            ControllerName::Disruption => "disruption-controller",
        }
    }
}

/// A work queue with client-go's de-duplication: a key waiting to be
/// processed is not queued twice. (A requeue-after is not "waiting" until
/// its delay has passed: see [`ControllerManager::handle`].)
#[derive(Default, Debug)]
pub struct WorkQueue {
    dirty: BTreeSet<(ControllerName, String)>,
}

/// How long after a watch event a controller's worker picks the key up
/// (informer delivery plus queue latency).
pub const QUEUE_LATENCY: Millis = 5;

impl WorkQueue {
    /// Enqueues `key` for `controller` unless it is already waiting.
    pub fn add(&mut self, controller: ControllerName, key: String, ctx: &mut Ctx, delay: Millis) {
        if self.dirty.insert((controller, key.clone())) {
            ctx.after(
                delay,
                Event::Controller(Work {
                    controller,
                    key,
                    delayed: false,
                }),
            );
        }
    }

    /// Marks a key as taken by its worker (new adds queue it again).
    pub fn done(&mut self, controller: ControllerName, key: &str) {
        self.dirty.remove(&(controller, key.to_string()));
    }
}

/// The controller manager: owns every controller and routes work to them.
#[derive(Default)]
pub struct ControllerManager {
    queue: WorkQueue,
    replicaset: replicaset::ReplicaSetController,
    job: job::JobController,
    daemonset: daemon::DaemonSetController,
    pods_by_node: tainteviction::PodsByNode,
    nodelifecycle: nodelifecycle::NodeLifecycleController,
    tainteviction: tainteviction::TaintEvictionController,
}

impl ControllerManager {
    /// Dispatches a watch event to every controller's handler.
    pub fn on_watch(&mut self, ev: &WatchEvent, ctx: &mut Ctx) {
        if let (crate::store::EventType::Deleted, crate::api::Object::ReplicaSet(rs)) =
            (ev.event_type, &*ev.object)
        {
            self.replicaset
                .forget(rs.metadata.uid.as_deref().unwrap_or(""));
        }
        if let (crate::store::EventType::Deleted, crate::api::Object::Job(j)) =
            (ev.event_type, &*ev.object)
        {
            self.job.forget(j.metadata.uid.as_deref().unwrap_or(""));
        }
        if let (crate::store::EventType::Deleted, crate::api::Object::DaemonSet(ds)) =
            (ev.event_type, &*ev.object)
        {
            self.daemonset
                .forget(ds.metadata.uid.as_deref().unwrap_or(""));
        }
        replicaset::on_watch(&mut self.queue, ev, ctx);
        deployment::on_watch(&mut self.queue, ev, ctx);
        garbagecollector::on_watch(&mut self.queue, ev, ctx);
        serviceaccount::on_watch(&mut self.queue, ev, ctx);
        namespace::on_watch(&mut self.queue, ev, ctx);
        job::on_watch(&mut self.queue, ev, ctx);
        cronjob::on_watch(&mut self.queue, ev, ctx);
        ttlafterfinished::on_watch(&mut self.queue, ev, ctx);
        self.daemonset.on_watch(&mut self.queue, ev, ctx);
        statefulset::on_watch(&mut self.queue, ev, ctx);
        self.pods_by_node.observe(ev);
        if let (crate::store::EventType::Deleted, crate::api::Object::Node(n)) =
            (ev.event_type, &*ev.object)
        {
            self.nodelifecycle
                .forget(n.metadata.name.as_deref().unwrap_or(""));
        }
        nodelifecycle::on_watch(&mut self.queue, ev, ctx);
        self.tainteviction.on_watch(&mut self.queue, ev, ctx);
        podgc::on_watch(&mut self.queue, ev, ctx);
        disruption::on_watch(&mut self.queue, ev, ctx);
    }

    /// Runs one work item.
    pub fn handle(&mut self, work: Work, ctx: &mut Ctx) {
        if work.delayed {
            self.queue.add(work.controller, work.key, ctx, 0);
            return;
        }
        self.queue.done(work.controller, &work.key);
        ctx.trace_reconcile(work.controller.as_str(), &work.key);
        let requeue = match work.controller {
            ControllerName::ReplicaSet => self.replicaset.sync(&work.key, ctx),
            ControllerName::Deployment => deployment::sync(&work.key, ctx),
            ControllerName::GarbageCollector => garbagecollector::sync(&work.key, ctx),
            ControllerName::ServiceAccount => serviceaccount::sync(&work.key, ctx),
            ControllerName::Namespace => namespace::sync(&work.key, ctx),
            ControllerName::Job => self.job.sync(&work.key, ctx),
            ControllerName::CronJob => cronjob::sync(&work.key, ctx),
            ControllerName::TtlAfterFinished => ttlafterfinished::sync(&work.key, ctx),
            ControllerName::DaemonSet => self.daemonset.sync(&work.key, ctx),
            ControllerName::StatefulSet => statefulset::sync(&work.key, ctx),
            ControllerName::NodeLifecycle => {
                self.nodelifecycle.sync(&work.key, &self.pods_by_node, ctx)
            }
            ControllerName::TaintEviction => {
                self.tainteviction
                    .sync(&work.key, &self.pods_by_node, &mut self.queue, ctx);
                None
            }
            ControllerName::PodGarbageCollector => podgc::sync(&work.key, &self.pods_by_node, ctx),
            ControllerName::Disruption => disruption::sync(&work.key, ctx),
        };
        if let Some(delay) = requeue {
            // client-go's AddAfter: the key is not marked waiting until the
            // delay passes (watch events meanwhile still queue it now); then
            // it is added as any other key, de-duplicated.
            ctx.after(
                delay,
                Event::Controller(Work {
                    delayed: true,
                    ..work
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SECOND;
    use crate::simulation::{ClusterConfig, Simulation};

    #[test]
    fn a_waiting_key_is_not_queued_twice_and_a_requeue_after_still_comes_due() {
        let mut sim = Simulation::new(ClusterConfig {
            warmup: 0,
            ..ClusterConfig::default()
        });
        let mut m = ControllerManager::default();
        let before = sim.pending_events();
        sim.with_ctx(|ctx| {
            m.queue
                .add(ControllerName::Job, "ns/a".into(), ctx, QUEUE_LATENCY);
            m.queue
                .add(ControllerName::Job, "ns/a".into(), ctx, QUEUE_LATENCY);
        });
        assert_eq!(sim.pending_events() - before, 1, "de-duplicated");
        // A requeue-after does not mark the key as waiting: a watch event
        // in between still queues it at once...
        sim.with_ctx(|ctx| {
            ctx.after(
                60 * SECOND,
                Event::Controller(Work {
                    controller: ControllerName::Job,
                    key: "ns/b".into(),
                    delayed: true,
                }),
            );
            m.queue
                .add(ControllerName::Job, "ns/b".into(), ctx, QUEUE_LATENCY);
        });
        assert_eq!(sim.pending_events() - before, 3);
        // ...and when it comes due it is an ordinary, de-duplicated add.
        sim.with_ctx(|ctx| {
            m.handle(
                Work {
                    controller: ControllerName::Job,
                    key: "ns/b".into(),
                    delayed: true,
                },
                ctx,
            )
        });
        assert_eq!(sim.pending_events() - before, 3, "already waiting");
    }
}
