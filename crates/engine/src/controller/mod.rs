//! kube-controller-manager: controllers as reconcile functions.
//!
//! Each controller follows client-go's pattern: watch handlers only enqueue
//! a key; a work queue never holds a key twice; the reconcile reads current
//! state, computes, and writes through the API server. It does not know why
//! it was called and must be idempotent.

pub mod cronjob;
pub mod garbagecollector;
pub mod job;
pub mod namespace;
pub mod replicaset;
pub mod serviceaccount;
pub mod ttlafterfinished;

use crate::clock::Millis;
use crate::simulation::{Ctx, Event};
use crate::store::WatchEvent;
use std::collections::BTreeMap;

/// A controller's work item: which controller and which object key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// The controller.
    pub controller: ControllerName,
    /// `namespace/name`.
    pub key: String,
}

/// The controllers the manager runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControllerName {
    /// replicaset-controller.
    ReplicaSet,
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
}

impl ControllerName {
    /// Upstream's name, as in events' `From` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ControllerName::ReplicaSet => "replicaset-controller",
            ControllerName::GarbageCollector => "garbage-collector-controller",
            ControllerName::ServiceAccount => "serviceaccount-controller",
            ControllerName::Namespace => "namespace-controller",
            ControllerName::Job => "job-controller",
            ControllerName::CronJob => "cronjob-controller",
            ControllerName::TtlAfterFinished => "ttl-after-finished-controller",
        }
    }
}

/// A work queue with client-go's de-duplication: a key waiting to be
/// processed is not queued twice; adding it again with an earlier due time
/// moves it earlier (the delaying queue's `AddAfter`), a later one is merged.
#[derive(Default, Debug)]
pub struct WorkQueue {
    dirty: BTreeMap<(ControllerName, String), Millis>,
}

/// How long after a watch event a controller's worker picks the key up
/// (informer delivery plus queue latency).
pub const QUEUE_LATENCY: Millis = 5;

impl WorkQueue {
    /// Enqueues `key` for `controller` after `delay`, unless it is already
    /// waiting to be processed by then.
    pub fn add(&mut self, controller: ControllerName, key: String, ctx: &mut Ctx, delay: Millis) {
        let due = ctx.now() + delay;
        match self.dirty.get(&(controller, key.clone())) {
            Some(&at) if at <= due => {}
            _ => {
                self.dirty.insert((controller, key.clone()), due);
                ctx.after(delay, Event::Controller(Work { controller, key }));
            }
        }
    }

    /// Takes a key for its worker at `now` (new adds queue it again);
    /// false for a superseded, earlier-served or not yet due entry.
    pub fn take(&mut self, controller: ControllerName, key: &str, now: Millis) -> bool {
        let k = (controller, key.to_string());
        match self.dirty.get(&k) {
            Some(&at) if at <= now => {
                self.dirty.remove(&k);
                true
            }
            _ => false,
        }
    }
}

/// The controller manager: owns every controller and routes work to them.
#[derive(Default)]
pub struct ControllerManager {
    queue: WorkQueue,
    replicaset: replicaset::ReplicaSetController,
    job: job::JobController,
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
        replicaset::on_watch(&mut self.queue, ev, ctx);
        garbagecollector::on_watch(&mut self.queue, ev, ctx);
        serviceaccount::on_watch(&mut self.queue, ev, ctx);
        namespace::on_watch(&mut self.queue, ev, ctx);
        job::on_watch(&mut self.queue, ev, ctx);
        cronjob::on_watch(&mut self.queue, ev, ctx);
        ttlafterfinished::on_watch(&mut self.queue, ev, ctx);
    }

    /// Runs one work item.
    pub fn handle(&mut self, work: Work, ctx: &mut Ctx) {
        if !self.queue.take(work.controller, &work.key, ctx.now()) {
            return;
        }
        ctx.trace_reconcile(work.controller.as_str(), &work.key);
        let requeue = match work.controller {
            ControllerName::ReplicaSet => self.replicaset.sync(&work.key, ctx),
            ControllerName::GarbageCollector => garbagecollector::sync(&work.key, ctx),
            ControllerName::ServiceAccount => serviceaccount::sync(&work.key, ctx),
            ControllerName::Namespace => namespace::sync(&work.key, ctx),
            ControllerName::Job => self.job.sync(&work.key, ctx),
            ControllerName::CronJob => cronjob::sync(&work.key, ctx),
            ControllerName::TtlAfterFinished => ttlafterfinished::sync(&work.key, ctx),
        };
        if let Some(delay) = requeue {
            self.queue.add(work.controller, work.key, ctx, delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SECOND;
    use crate::simulation::{ClusterConfig, Simulation};

    #[test]
    fn an_earlier_add_moves_a_waiting_key_forward_and_a_later_one_merges() {
        let mut sim = Simulation::new(ClusterConfig {
            warmup: 0,
            ..ClusterConfig::default()
        });
        let mut q = WorkQueue::default();
        let now = sim.now();
        let before = sim.pending_events();
        sim.with_ctx(|ctx| {
            q.add(ControllerName::Job, "ns/a".into(), ctx, 60 * SECOND);
            // A watch event wants it sooner: the requeue must not swallow it.
            q.add(ControllerName::Job, "ns/a".into(), ctx, QUEUE_LATENCY);
            // A later add merges into the waiting one.
            q.add(ControllerName::Job, "ns/a".into(), ctx, 30 * SECOND);
        });
        assert_eq!(sim.pending_events() - before, 2);
        assert!(q.take(ControllerName::Job, "ns/a", now + QUEUE_LATENCY));
        // Once served, the stale 60 s event finds nothing to do.
        assert!(!q.take(ControllerName::Job, "ns/a", now + 60 * SECOND));
    }
}
