//! The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go).
//!
//! `sync` keeps `status.active` in step with the CronJob's Jobs (events
//! `SawCompletedJob`, `UnexpectedJob`, `MissingJob`), deletes finished Jobs beyond the
//! history limits (`SuccessfulDelete`), and at each schedule time — on the
//! virtual clock, in the CronJob's time zone — creates the Job
//! `<name>-<minutes since epoch>` (`SuccessfulCreate`), unless suspended,
//! too late for `startingDeadlineSeconds` (`MissSchedule`), or blocked by
//! `concurrencyPolicy: Forbid` (`JobAlreadyActive`); with `Replace` the
//! running Jobs are deleted first. It then requeues itself for 100 ms after
//! the next schedule time.

pub mod utils;

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::batch::{CronJob, CronJobStatus, Job};
use crate::api::{core, meta, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::Millis;
use crate::simulation::Ctx;
use crate::store::WatchEvent;
use crate::timezone::Location;
use k8s_openapi::chrono::{DateTime, Duration, FixedOffset, Utc};
use std::collections::BTreeMap;
use utils::{Missed, NEXT_SCHEDULE_DELTA_MS};

const USER: &str = "system:serviceaccount:kube-system:cronjob-controller";
const COMPONENT: &str = "cronjob-controller";
/// The annotation with the Job's scheduled time (CronJobsScheduledAnnotation).
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

fn cj_res() -> &'static registry::ResourceInfo {
    registry::by_kind("batch/v1", "CronJob").unwrap()
}
fn job_res() -> &'static registry::ResourceInfo {
    registry::by_kind("batch/v1", "Job").unwrap()
}

/// Enqueues the CronJob that changed, or the one controlling a changed Job.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::CronJob(cj) => {
            let key = crate::api::key(
                cj.metadata.namespace.as_deref().unwrap_or(""),
                cj.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::CronJob, key, ctx, QUEUE_LATENCY);
        }
        Object::Job(j) => {
            if let Some(r) =
                crate::api::podutil::get_controller_of(&j.metadata).filter(|r| r.kind == "CronJob")
            {
                let key = crate::api::key(j.metadata.namespace.as_deref().unwrap_or(""), &r.name);
                q.add(ControllerName::CronJob, key, ctx, QUEUE_LATENCY);
            }
        }
        _ => {}
    }
}

/// `IsJobFinished` with the finished condition's type.
fn finished_type(job: &Job) -> Option<&'static str> {
    let conds = job.status.as_ref()?.conditions.as_ref()?;
    conds
        .iter()
        .find_map(|c| match (c.type_.as_str(), c.status.as_str()) {
            ("Complete", "True") => Some("Complete"),
            ("Failed", "True") => Some("Failed"),
            _ => None,
        })
}

fn record(ctx: &mut Ctx, cj: &Object, type_: &str, reason: &str, msg: &str) {
    ctx.api
        .record_event(COMPONENT, None, cj.into(), None, type_, reason, msg);
}

/// The ObjectReference `status.active` holds (`ref.GetReference`).
fn job_ref(job: &Job) -> core::ObjectReference {
    core::ObjectReference {
        api_version: Some("batch/v1".into()),
        kind: Some("Job".into()),
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace.clone(),
        uid: job.metadata.uid.clone(),
        resource_version: job.metadata.resource_version.clone(),
        field_path: None,
    }
}

/// The Job for one schedule time (`getJobFromTemplate2`).
pub fn job_from_template(cj: &CronJob, scheduled: DateTime<Utc>, loc: &Location) -> Job {
    let spec = cj.spec.clone().unwrap_or_default();
    let tm = spec.job_template.metadata.clone().unwrap_or_default();
    let mut annotations = tm.annotations.unwrap_or_default();
    // scheduledTime.In(location).Format(time.RFC3339).
    let offset = loc.offset_at(scheduled.timestamp());
    let tz = FixedOffset::east_opt(offset).unwrap_or(FixedOffset::east_opt(0).unwrap());
    annotations.insert(
        SCHEDULED_TIMESTAMP_ANNOTATION.into(),
        scheduled
            .with_timezone(&tz)
            .to_rfc3339_opts(k8s_openapi::chrono::SecondsFormat::Secs, true),
    );
    let name = utils::job_name(cj.metadata.name.as_deref().unwrap_or(""), scheduled);
    Job {
        metadata: meta::ObjectMeta {
            name: Some(name),
            namespace: cj.metadata.namespace.clone(),
            labels: tm.labels,
            annotations: Some(annotations),
            owner_references: Some(vec![super::controller_utils::new_controller_ref(
                "batch/v1",
                "CronJob",
                &cj.metadata,
            )]),
            ..Default::default()
        },
        spec: spec.job_template.spec.clone(),
        status: None,
    }
}

/// Reconciles one CronJob; returns the delay until its next schedule.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<Millis> {
    let (ns, name) = key.split_once('/')?;
    let cj: CronJob = ctx.api.get_typed::<CronJob>(cj_res(), ns, name)?.clone();
    let cj_obj = Object::CronJob(Box::new(cj.clone()));
    let uid = cj.metadata.uid.clone().unwrap_or_default();
    let spec = cj.spec.clone().unwrap_or_default();
    let mut status = cj.status.clone().unwrap_or_default();
    let now = ctx.api.clock.datetime(ctx.now());

    // The CronJob's Jobs: those it controls, from the owner index.
    let mut jobs: Vec<Job> = ctx
        .api
        .dependents_of(&uid)
        .into_iter()
        .filter_map(|o| match &*o {
            Object::Job(j) if crate::api::podutil::is_controlled_by(&j.metadata, &uid) => {
                Some((**j).clone())
            }
            _ => None,
        })
        .collect();
    jobs.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));

    let in_active = |s: &CronJobStatus, uid: &Option<String>| {
        s.active
            .iter()
            .flatten()
            .any(|r| r.uid.is_some() && r.uid == *uid)
    };
    let delete_from_active = |s: &mut CronJobStatus, uid: &Option<String>| {
        if let Some(a) = s.active.as_mut() {
            a.retain(|r| r.uid != *uid);
        }
    };
    for j in &jobs {
        let found = in_active(&status, &j.metadata.uid);
        let fin = finished_type(j);
        let jname = j.metadata.name.as_deref().unwrap_or("");
        if !found && fin.is_none() {
            let msg = format!("Saw a job that the controller did not create or forgot: {jname}");
            record(ctx, &cj_obj, "Warning", "UnexpectedJob", &msg);
        } else if let (true, Some(cond)) = (found, fin) {
            delete_from_active(&mut status, &j.metadata.uid);
            let msg = format!("Saw completed job: {jname}, condition: {cond}");
            record(ctx, &cj_obj, "Normal", "SawCompletedJob", &msg);
        }
        if fin == Some("Complete") {
            let done = j.status.as_ref().and_then(|s| s.completion_time.clone());
            if let Some(done) = done {
                if status
                    .last_successful_time
                    .as_ref()
                    .is_none_or(|t| t.0 < done.0)
                {
                    status.last_successful_time = Some(done);
                }
            }
        }
    }
    // Active references whose Job is gone.
    let gone: Vec<core::ObjectReference> = status
        .active
        .iter()
        .flatten()
        .filter(|r| !jobs.iter().any(|j| j.metadata.uid == r.uid))
        .cloned()
        .collect();
    for r in gone {
        let msg = format!(
            "Active job went missing: {}",
            r.name.as_deref().unwrap_or("")
        );
        record(ctx, &cj_obj, "Normal", "MissingJob", &msg);
        delete_from_active(&mut status, &r.uid);
    }

    let requeue = if cj.metadata.deletion_timestamp.is_some() {
        None
    } else {
        schedule(&cj, &cj_obj, &spec, &mut status, &jobs, now, ctx)
    };

    cleanup_finished_jobs(&cj_obj, &spec, &jobs, &mut status, ctx);

    if status.active.as_ref().is_some_and(Vec::is_empty) {
        status.active = None;
    }
    if cj.status.clone().unwrap_or_default() != status {
        if let Some(mut cur) = ctx.api.get_typed::<CronJob>(cj_res(), ns, name).cloned() {
            cur.status = Some(status);
            let _ = ctx.api.update_status(USER, Object::CronJob(Box::new(cur)));
        }
    }
    requeue
}

/// The scheduling half of `syncCronJob`; returns the requeue delay.
fn schedule(
    cj: &CronJob,
    cj_obj: &Object,
    spec: &crate::api::batch::CronJobSpec,
    status: &mut CronJobStatus,
    jobs: &[Job],
    now: DateTime<Utc>,
    ctx: &mut Ctx,
) -> Option<Millis> {
    let loc = match &spec.time_zone {
        None => crate::timezone::UTC,
        Some(tz) => match crate::timezone::load_location(tz) {
            Ok(l) => l,
            Err(e) => {
                let msg = format!("invalid timeZone: {tz:?}: {e}");
                record(ctx, cj_obj, "Warning", "UnknownTimeZone", &msg);
                return None;
            }
        },
    };
    if spec.suspend == Some(true) {
        return None;
    }
    let sched = match crate::cron::parse_standard(&spec.schedule) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!("unparseable schedule: {:?} : {e}", spec.schedule);
            record(ctx, cj_obj, "Warning", "UnparseableSchedule", &msg);
            return None;
        }
    };
    let created = cj
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| t.0)
        .unwrap_or(now);
    let last = status.last_schedule_time.as_ref().map(|t| t.0);
    let base_earliest = last.unwrap_or(created);
    let next_delay = |status_last: Option<DateTime<Utc>>| -> Option<Millis> {
        // nextScheduleTimeDuration (without startingDeadlineSeconds).
        let earliest = status_last.unwrap_or(created);
        let (recent, missed) =
            utils::most_recent_schedule_time(&sched, &loc, earliest, now).ok()?;
        let from = match (recent, missed) {
            (Some(t), _) => t,
            (None, Missed::None) => earliest,
            _ => return None,
        };
        let next = sched.next_after(from, &loc)?;
        let d = (next + Duration::milliseconds(NEXT_SCHEDULE_DELTA_MS) - now).num_milliseconds();
        Some(d.max(1) as Millis)
    };

    let mut earliest = base_earliest;
    if let Some(sds) = spec.starting_deadline_seconds {
        let deadline = now - Duration::seconds(sds);
        if deadline > earliest {
            earliest = deadline;
        }
    }
    let (recent, missed) = match utils::most_recent_schedule_time(&sched, &loc, earliest, now) {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("invalid schedule: {} : {e}", spec.schedule);
            record(ctx, cj_obj, "Warning", "InvalidSchedule", &msg);
            return None;
        }
    };
    let Some(scheduled) = recent.filter(|t| *t <= now) else {
        return next_delay(last);
    };
    if missed == Missed::Many {
        record(
            ctx,
            cj_obj,
            "Warning",
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
    }
    if let Some(sds) = spec.starting_deadline_seconds {
        if scheduled + Duration::seconds(sds) < now {
            let msg = format!(
                "Missed scheduled time to start a job: {}",
                scheduled.format("%a, %d %b %Y %H:%M:%S %z")
            );
            record(ctx, cj_obj, "Warning", "MissSchedule", &msg);
            return next_delay(last);
        }
    }
    let job_name = utils::job_name(cj.metadata.name.as_deref().unwrap_or(""), scheduled);
    let already = status
        .active
        .iter()
        .flatten()
        .any(|r| r.name.as_deref() == Some(job_name.as_str()))
        || last == Some(scheduled);
    if already {
        return next_delay(last);
    }
    let active_now = status.active.as_ref().map_or(0, Vec::len);
    match spec.concurrency_policy.as_deref() {
        Some("Forbid") if active_now > 0 => {
            record(
                ctx,
                cj_obj,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid",
            );
            return next_delay(last);
        }
        Some("Replace") => {
            let refs: Vec<core::ObjectReference> = status.active.clone().unwrap_or_default();
            for r in refs {
                if let Some(j) = jobs.iter().find(|j| j.metadata.uid == r.uid) {
                    delete_job(cj_obj, j, status, ctx);
                }
            }
        }
        _ => {}
    }
    let job = job_from_template(cj, scheduled, &loc);
    match ctx.api.create(USER, Object::Job(Box::new(job))) {
        Ok(created) => {
            let msg = format!("Created job {}", created.name());
            record(ctx, cj_obj, "Normal", "SuccessfulCreate", &msg);
            if let Object::Job(j) = &*created {
                status.active.get_or_insert_with(Vec::new).push(job_ref(j));
            }
        }
        Err(e) if e.reason == crate::apiserver::Reason::AlreadyExists => {}
        Err(e) => {
            let msg = format!("Error creating job: {}", e.message);
            record(ctx, cj_obj, "Warning", "FailedCreate", &msg);
            return None;
        }
    }
    status.last_schedule_time = Some(meta::Time(scheduled));
    next_delay(Some(scheduled))
}

/// `deleteJob`: deletes the Job (background) and drops it from `active`.
fn delete_job(cj_obj: &Object, job: &Job, status: &mut CronJobStatus, ctx: &mut Ctx) -> bool {
    let ns = job.metadata.namespace.as_deref().unwrap_or("");
    let name = job.metadata.name.as_deref().unwrap_or("");
    match ctx
        .api
        .delete(USER, job_res(), ns, name, DeleteOptions::default())
    {
        Ok(_) => {
            if let Some(a) = status.active.as_mut() {
                a.retain(|r| r.uid != job.metadata.uid);
            }
            let msg = format!("Deleted job {name}");
            record(ctx, cj_obj, "Normal", "SuccessfulDelete", &msg);
            true
        }
        Err(e) => {
            let msg = format!("Deleted job: {}", e.message);
            record(ctx, cj_obj, "Warning", "FailedDelete", &msg);
            false
        }
    }
}

/// `cleanupFinishedJobs`: keeps the newest `successfulJobsHistoryLimit`
/// complete and `failedJobsHistoryLimit` failed Jobs (ordered by start time).
fn cleanup_finished_jobs(
    cj_obj: &Object,
    spec: &crate::api::batch::CronJobSpec,
    jobs: &[Job],
    status: &mut CronJobStatus,
    ctx: &mut Ctx,
) {
    let mut by_kind: BTreeMap<&str, Vec<&Job>> = BTreeMap::new();
    for j in jobs {
        if let Some(t) = finished_type(j) {
            by_kind.entry(t).or_default().push(j);
        }
    }
    for (kind, limit) in [
        ("Complete", spec.successful_jobs_history_limit),
        ("Failed", spec.failed_jobs_history_limit),
    ] {
        let (Some(limit), Some(list)) = (limit, by_kind.get_mut(kind)) else {
            continue;
        };
        let excess = list.len() as i64 - limit.max(0) as i64;
        if excess <= 0 {
            continue;
        }
        // byJobStartTime: jobs without a start time last, then by name.
        list.sort_by(|a, b| {
            let st = |j: &Job| {
                j.status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .map(|t| t.0)
            };
            match (st(a), st(b)) {
                (Some(x), Some(y)) if x != y => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                _ => a.metadata.name.cmp(&b.metadata.name),
            }
        });
        for j in list.iter().take(excess as usize) {
            delete_job(cj_obj, j, status, ctx);
        }
    }
}
