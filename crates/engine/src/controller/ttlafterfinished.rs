//! The TTL-after-finished controller
//! (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go): a
//! finished Job with `ttlSecondsAfterFinished` is deleted that many seconds
//! after it finished (its Complete or Failed condition's time), with
//! foreground propagation.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::batch::Job;
use crate::api::{registry, Object};
use crate::apiserver::{DeleteOptions, Propagation};
use crate::clock::{Millis, SECOND};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};

const USER: &str = "system:serviceaccount:kube-system:ttl-after-finished-controller";

fn job_res() -> &'static registry::ResourceInfo {
    registry::by_kind("batch/v1", "Job").unwrap()
}

/// When the Job expires, if it is finished and has a TTL.
fn expires_at(job: &Job, ctx: &Ctx) -> Option<Millis> {
    if job.metadata.deletion_timestamp.is_some() {
        return None;
    }
    let ttl = job.spec.as_ref()?.ttl_seconds_after_finished?;
    let finished = super::job::finished_at(job)?;
    Some(ctx.api.clock.millis_of(&finished.0) + ttl.max(0) as u64 * SECOND)
}

/// Enqueues finished Jobs with a TTL.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    if ev.event_type == EventType::Deleted {
        return;
    }
    let Object::Job(j) = &*ev.object else { return };
    if expires_at(j, ctx).is_some() {
        let key = crate::api::key(
            j.metadata.namespace.as_deref().unwrap_or(""),
            j.metadata.name.as_deref().unwrap_or(""),
        );
        q.add(ControllerName::TtlAfterFinished, key, ctx, QUEUE_LATENCY);
    }
}

/// Deletes the Job if its TTL has expired, else requeues for then.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<Millis> {
    let (ns, name) = key.split_once('/')?;
    let job = ctx.api.get_typed::<Job>(job_res(), ns, name)?;
    let at = expires_at(job, ctx)?;
    let now = ctx.now();
    if now < at {
        return Some(at - now);
    }
    let _ = ctx.api.delete(
        USER,
        job_res(),
        ns,
        name,
        DeleteOptions {
            propagation: Propagation::Foreground,
            ..Default::default()
        },
    );
    None
}
