//! The Job controller (pkg/controller/job/job_controller.go).
//!
//! `sync` runs a Job's pods to completion: it keeps up to `parallelism`
//! pods active until `completions` have succeeded (or, in Indexed mode,
//! until every index in `[0, completions)` has), re-creates failed pods
//! after an exponential back-off, fails the Job past `backoffLimit` or
//! `activeDeadlineSeconds` or on a pod failure policy's FailJob rule, and
//! writes the status.
//!
//! Pods are tracked with the `batch.kubernetes.io/job-tracking` finalizer
//! as upstream does: a finished pod's UID goes into
//! `status.uncountedTerminatedPods`, the finalizer is removed, then the pod
//! is counted in `succeeded`/`failed`. As in v1.32 (JobPodReplacementPolicy
//! on), the terminal condition is reached in two steps: first
//! `SuccessCriteriaMet` or `FailureTarget`, then `Complete` or `Failed` once
//! no pod of the Job is still terminating.

pub mod backoff;
pub mod indexed;
pub mod pod_failure_policy;

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::batch::{Job, JobCondition, JobSpec, JobStatus, UncountedTerminatedPods};
use crate::api::selector::from_label_selector;
use crate::api::{core, meta, podutil, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::clock::{Millis, SECOND};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use backoff::BackoffRecord;
use std::collections::{BTreeMap, BTreeSet};

/// The finalizer the Job controller puts on its pods.
pub const JOB_TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// Annotation and label carrying an Indexed Job pod's index.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// `syncJobBatchPeriod`: pod events are batched for a second.
pub const SYNC_JOB_BATCH_PERIOD: Millis = SECOND;
/// `MaxPodCreateDeletePerSync`.
pub const MAX_POD_CREATE_DELETE_PER_SYNC: usize = 500;

const USER: &str = "system:serviceaccount:kube-system:job-controller";
const COMPONENT: &str = "job-controller";
const ORPHAN_PREFIX: &str = "orphan-pod:";

fn job_res() -> &'static registry::ResourceInfo {
    registry::by_kind("batch/v1", "Job").unwrap()
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").unwrap()
}

/// The controller's memory: each Job's back-off record (upstream keeps the
/// same in its `backoffRecordStore`).
#[derive(Default)]
pub struct JobController {
    backoff: BTreeMap<String, BackoffRecord>,
}

fn has_tracking_finalizer(p: &core::Pod) -> bool {
    p.metadata
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == JOB_TRACKING_FINALIZER)
}

/// Enqueues Jobs affected by a change: the Job itself, or the Job owning a
/// changed pod (batched by a second, as upstream); a pod that still carries
/// the tracking finalizer but whose Job is gone is queued as an orphan.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::Job(j) => {
            let key = crate::api::key(
                j.metadata.namespace.as_deref().unwrap_or(""),
                j.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::Job, key, ctx, QUEUE_LATENCY);
        }
        Object::Pod(p) => {
            let ns = p.metadata.namespace.as_deref().unwrap_or("");
            let owner = p
                .metadata
                .owner_references
                .iter()
                .flatten()
                .find(|r| r.controller == Some(true) && r.kind == "Job");
            let live_owner = owner.filter(|r| {
                ctx.api
                    .get(job_res(), ns, &r.name)
                    .is_some_and(|j| j.meta().uid.as_deref() == Some(r.uid.as_str()))
            });
            match live_owner {
                Some(r) => {
                    let key = crate::api::key(ns, &r.name);
                    q.add(ControllerName::Job, key, ctx, SYNC_JOB_BATCH_PERIOD);
                }
                None if ev.event_type != EventType::Deleted && has_tracking_finalizer(p) => {
                    let key = format!(
                        "{ORPHAN_PREFIX}{}",
                        crate::api::key(ns, p.metadata.name.as_deref().unwrap_or(""))
                    );
                    q.add(ControllerName::Job, key, ctx, QUEUE_LATENCY);
                }
                None => {}
            }
        }
        _ => {}
    }
}

/// A JobCondition as `newCondition` makes it.
fn condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &meta::Time,
) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(now.clone()),
        last_transition_time: Some(now.clone()),
    }
}

/// Whether the Job has a condition of `type_` with status True.
pub fn has_condition(status: Option<&JobStatus>, type_: &str) -> bool {
    status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == type_ && c.status == "True"))
}

/// Whether the Job is finished (Complete or Failed), and when.
pub fn finished_at(job: &Job) -> Option<&meta::Time> {
    job.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
}

/// When a pod finished: the latest container finishedAt, else `now`.
fn pod_finished_at(p: &core::Pod, ctx: &Ctx) -> Millis {
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
        .map(|t| ctx.api.clock.millis_of(&t.0))
        .max()
        .unwrap_or_else(|| ctx.now())
}

/// Whether the Job only replaces pods once they are Failed (not while they
/// terminate): `podReplacementPolicy: Failed`, or a pod failure policy.
fn only_replace_failed(spec: &JobSpec) -> bool {
    spec.pod_replacement_policy.as_deref() == Some("Failed") || spec.pod_failure_policy.is_some()
}

/// `isPodFailed`.
fn is_pod_failed(p: &core::Pod, spec: &JobSpec) -> bool {
    let phase = podutil::phase(p);
    if phase == "Failed" {
        return true;
    }
    if only_replace_failed(spec) {
        return false;
    }
    // Deleted pods count as failures (they may never reach Failed).
    p.metadata.deletion_timestamp.is_some() && phase != "Succeeded"
}

/// Restarts of a pod's containers (for `restartPolicy: OnFailure`).
fn restarts(p: &core::Pod) -> i32 {
    let s = p.status.as_ref();
    s.and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            s.and_then(|s| s.container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
        .map(|c| c.restart_count)
        .sum()
}

impl JobController {
    /// Forgets a deleted Job.
    pub fn forget(&mut self, uid: &str) {
        self.backoff.remove(uid);
    }

    /// Reconciles one Job (or removes the finalizer of an orphan pod).
    /// Returns a requeue delay when something is due later (back-off,
    /// activeDeadlineSeconds).
    pub fn sync(&mut self, key: &str, ctx: &mut Ctx) -> Option<Millis> {
        if let Some(pod_key) = key.strip_prefix(ORPHAN_PREFIX) {
            sync_orphan_pod(pod_key, ctx);
            return None;
        }
        let (ns, name) = key.split_once('/')?;
        let job: Job = ctx.api.get_typed::<Job>(job_res(), ns, name)?.clone();
        let uid = job.metadata.uid.clone().unwrap_or_default();
        let spec = job.spec.clone().unwrap_or_default();
        let job_obj = Object::Job(Box::new(job.clone()));
        let now = ctx.now();
        let now_t = ctx.api.clock.time();
        let mut status = job.status.clone().unwrap_or_default();
        let selector = spec
            .selector
            .as_ref()
            .and_then(from_label_selector)
            .unwrap_or_default();

        // The Job's pods (from the controller index), matching its selector.
        let pods: Vec<core::Pod> = ctx
            .api
            .pods_of_controller(&uid)
            .filter_map(|o| match &**o {
                Object::Pod(p) if selector.matches(p.metadata.labels.as_ref()) => {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect();

        let finished = finished_at(&job).is_some();
        if job.metadata.deletion_timestamp.is_some() || finished {
            // A finished Job only lets go of its pods.
            remove_finalizers(&pods, ctx);
            return None;
        }

        // Newly finished pods: counted once, through uncountedTerminatedPods.
        let uncounted_before: BTreeSet<String> = status
            .uncounted_terminated_pods
            .as_ref()
            .map(|u| {
                u.succeeded
                    .iter()
                    .flatten()
                    .chain(u.failed.iter().flatten())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let mut new_succeeded = Vec::new();
        let mut new_failed = Vec::new();
        let mut fail_job_message = None;
        let mut finished_for_backoff = Vec::new();
        for p in &pods {
            if !has_tracking_finalizer(p) {
                continue;
            }
            let pod_uid = p.metadata.uid.clone().unwrap_or_default();
            let succeeded = podutil::phase(p) == "Succeeded";
            let failed = !succeeded && is_pod_failed(p, &spec);
            if !(succeeded || failed) || uncounted_before.contains(&pod_uid) {
                continue;
            }
            if succeeded {
                new_succeeded.push(p);
                finished_for_backoff.push((pod_finished_at(p, ctx), true));
                continue;
            }
            let action = match (&spec.pod_failure_policy, podutil::phase(p)) {
                (Some(pfp), "Failed") => pod_failure_policy::match_policy(pfp, p),
                _ => pod_failure_policy::Action::Count,
            };
            match action {
                pod_failure_policy::Action::Ignore => {}
                pod_failure_policy::Action::FailJob(msg) => {
                    fail_job_message.get_or_insert(msg);
                    new_failed.push(p);
                }
                pod_failure_policy::Action::Count => {
                    new_failed.push(p);
                    finished_for_backoff.push((pod_finished_at(p, ctx), false));
                }
            }
        }
        self.backoff
            .entry(uid.clone())
            .or_default()
            .observe(finished_for_backoff);

        let to_unfinalize: Vec<core::Pod> = pods
            .iter()
            .filter(|p| {
                has_tracking_finalizer(p)
                    && (podutil::phase(p) == "Succeeded" || is_pod_failed(p, &spec))
            })
            .cloned()
            .collect();
        if !to_unfinalize.is_empty() {
            // Record the UIDs first, so a crash between the two writes
            // could not lose or double-count a pod.
            let mut u = status.uncounted_terminated_pods.clone().unwrap_or_default();
            for p in &new_succeeded {
                let id = p.metadata.uid.clone().unwrap_or_default();
                u.succeeded.get_or_insert_with(Vec::new).push(id);
            }
            for p in &new_failed {
                let id = p.metadata.uid.clone().unwrap_or_default();
                u.failed.get_or_insert_with(Vec::new).push(id);
            }
            status.uncounted_terminated_pods = Some(u);
            write_status(ns, name, &status, ctx);
            remove_finalizers(&to_unfinalize, ctx);
            // Now they are counted.
            let u = status.uncounted_terminated_pods.take().unwrap_or_default();
            status.succeeded = Some(
                status.succeeded.unwrap_or(0) + u.succeeded.as_ref().map_or(0, Vec::len) as i32,
            );
            status.failed =
                Some(status.failed.unwrap_or(0) + u.failed.as_ref().map_or(0, Vec::len) as i32);
            if spec.completion_mode.as_deref() == Some("Indexed") {
                let mut done = indexed::parse_indexes(
                    status.completed_indexes.as_deref(),
                    spec.completions.unwrap_or(0),
                );
                for p in &new_succeeded {
                    if let Some(i) = indexed::pod_index(p) {
                        if i < spec.completions.unwrap_or(0) {
                            done.insert(i);
                        }
                    }
                }
                status.completed_indexes = Some(indexed::format_indexes(&done));
            }
        }
        status.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());

        let active: Vec<&core::Pod> = pods.iter().filter(|p| podutil::is_active(p)).collect();
        let terminating = pods
            .iter()
            .filter(|p| {
                p.metadata.deletion_timestamp.is_some()
                    && !matches!(podutil::phase(p), "Succeeded" | "Failed")
            })
            .count() as i32;
        let succeeded = status.succeeded.unwrap_or(0);
        let failed = status.failed.unwrap_or(0);
        let suspended = spec.suspend == Some(true);
        if status.start_time.is_none() && !suspended {
            status.start_time = Some(now_t.clone());
        }

        // Is the Job finishing, and how?
        let interim = status
            .conditions
            .iter()
            .flatten()
            .find(|c| {
                (c.type_ == "FailureTarget" || c.type_ == "SuccessCriteriaMet")
                    && c.status == "True"
            })
            .cloned();
        let mut requeue: Option<Millis> = None;
        let finishing = match interim {
            Some(c) => Some(c),
            None => {
                let backoff_limit = spec.backoff_limit.unwrap_or(6);
                let on_failure_restarts: i32 = if spec
                    .template
                    .spec
                    .as_ref()
                    .and_then(|s| s.restart_policy.as_deref())
                    == Some("OnFailure")
                {
                    active.iter().map(|p| restarts(p)).sum()
                } else {
                    0
                };
                let past_backoff_on_failure = on_failure_restarts > 0
                    && if backoff_limit == 0 {
                        on_failure_restarts > 0
                    } else {
                        on_failure_restarts + failed >= backoff_limit
                    };
                let deadline = spec.active_deadline_seconds.and_then(|ads| {
                    let start = status.start_time.as_ref()?;
                    Some(ctx.api.clock.millis_of(&start.0) + ads.max(0) as u64 * SECOND)
                });
                let c = if let Some(msg) = fail_job_message {
                    Some(condition(
                        "FailureTarget",
                        "True",
                        "PodFailurePolicy",
                        &msg,
                        &now_t,
                    ))
                } else if failed > backoff_limit || past_backoff_on_failure {
                    Some(condition(
                        "FailureTarget",
                        "True",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        &now_t,
                    ))
                } else if !suspended && deadline.is_some_and(|d| now >= d) {
                    Some(condition(
                        "FailureTarget",
                        "True",
                        "DeadlineExceeded",
                        "Job was active longer than specified deadline",
                        &now_t,
                    ))
                } else if complete_now(&spec, &status, succeeded, active.len()) {
                    Some(condition(
                        "SuccessCriteriaMet",
                        "True",
                        "CompletionsReached",
                        "Reached expected number of succeeded pods",
                        &now_t,
                    ))
                } else {
                    if let Some(d) = deadline.filter(|_| !suspended) {
                        requeue = Some(d.saturating_sub(now).max(1));
                    }
                    None
                };
                if let Some(c) = &c {
                    status
                        .conditions
                        .get_or_insert_with(Vec::new)
                        .push(c.clone());
                }
                c
            }
        };

        let mut active_count = active.len() as i32;
        if let Some(c) = finishing {
            // Stop what still runs, then finish once nothing terminates.
            let victims: Vec<&core::Pod> = active.clone();
            let deleted = delete_pods(&victims, &job_obj, ctx);
            active_count -= deleted;
            let terminating_now = terminating + deleted;
            if terminating_now == 0 {
                let (type_, ok) = if c.type_ == "SuccessCriteriaMet" {
                    ("Complete", true)
                } else {
                    ("Failed", false)
                };
                let reason = c.reason.clone().unwrap_or_default();
                let message = c.message.clone().unwrap_or_default();
                let conds = status.conditions.get_or_insert_with(Vec::new);
                conds.push(condition(type_, "True", &reason, &message, &now_t));
                if ok {
                    status.completion_time = Some(now_t.clone());
                    ctx.api.record_event(
                        COMPONENT,
                        None,
                        (&job_obj).into(),
                        None,
                        "Normal",
                        "Completed",
                        "Job completed",
                    );
                } else {
                    ctx.api.record_event(
                        COMPONENT,
                        None,
                        (&job_obj).into(),
                        None,
                        "Warning",
                        &reason,
                        &message,
                    );
                }
            }
            status.terminating = Some(terminating_now);
        } else if suspended {
            let deleted = delete_pods(&active, &job_obj, ctx);
            active_count -= deleted;
            status.terminating = Some(terminating + deleted);
            if !has_condition(Some(&status), "Suspended") {
                set_suspended(&mut status, "True", "JobSuspended", "Job suspended", &now_t);
                ctx.api.record_event(
                    COMPONENT,
                    None,
                    (&job_obj).into(),
                    None,
                    "Normal",
                    "Suspended",
                    "Job suspended",
                );
            }
        } else {
            if has_condition(Some(&status), "Suspended") {
                set_suspended(&mut status, "False", "JobResumed", "Job resumed", &now_t);
                status.start_time = Some(now_t.clone());
                ctx.api.record_event(
                    COMPONENT,
                    None,
                    (&job_obj).into(),
                    None,
                    "Normal",
                    "Resumed",
                    "Job resumed",
                );
            }
            // Pods in termination take a slot unless they may be replaced
            // at once (podReplacementPolicy TerminatingOrFailed).
            let busy = active.len() as i32
                + if only_replace_failed(&spec) {
                    terminating
                } else {
                    0
                };
            let parallelism = spec.parallelism.unwrap_or(1).max(0);
            let to_create: Vec<Option<i32>> = if spec.completion_mode.as_deref() == Some("Indexed")
            {
                let done = indexed::parse_indexes(
                    status.completed_indexes.as_deref(),
                    spec.completions.unwrap_or(0),
                );
                let running: BTreeSet<i32> = pods
                    .iter()
                    .filter(|p| {
                        podutil::is_active(p)
                            || (only_replace_failed(&spec)
                                && p.metadata.deletion_timestamp.is_some())
                    })
                    .filter_map(indexed::pod_index)
                    .collect();
                let room = (parallelism - busy).max(0) as usize;
                (0..spec.completions.unwrap_or(0))
                    .filter(|i| !done.contains(i) && !running.contains(i))
                    .take(room)
                    .map(Some)
                    .collect()
            } else {
                let want = match spec.completions {
                    Some(c) => (c - succeeded).clamp(0, parallelism),
                    // A work queue: once one succeeded, no new pods.
                    None if succeeded > 0 => active.len() as i32,
                    None => parallelism,
                };
                let diff = want - busy;
                if diff < 0 {
                    // Too many (parallelism lowered): delete the surplus,
                    // not-ready and newest first.
                    let mut surplus = active.clone();
                    surplus.sort_by_key(|p| {
                        (
                            podutil::is_ready(p),
                            std::cmp::Reverse(
                                p.metadata
                                    .creation_timestamp
                                    .as_ref()
                                    .map(|t| ctx.api.clock.millis_of(&t.0))
                                    .unwrap_or(0),
                            ),
                        )
                    });
                    surplus.truncate((-diff) as usize);
                    active_count -= delete_pods(&surplus, &job_obj, ctx);
                }
                vec![None; diff.max(0) as usize]
            };
            if !to_create.is_empty() {
                let wait = self.backoff.get(&uid).map_or(0, |b| b.remaining(now));
                if wait > 0 {
                    requeue = Some(requeue.map_or(wait, |r| r.min(wait)));
                } else {
                    for index in to_create.into_iter().take(MAX_POD_CREATE_DELETE_PER_SYNC) {
                        let pod = pod_from_template(&job, index);
                        match ctx.api.create(USER, Object::Pod(Box::new(pod))) {
                            Ok(created) => {
                                active_count += 1;
                                let msg = format!("Created pod: {}", created.name());
                                ctx.api.record_event(
                                    COMPONENT,
                                    None,
                                    (&job_obj).into(),
                                    None,
                                    "Normal",
                                    "SuccessfulCreate",
                                    &msg,
                                );
                            }
                            Err(e) => {
                                let msg = format!("Error creating: {}", e.message);
                                ctx.api.record_event(
                                    COMPONENT,
                                    None,
                                    (&job_obj).into(),
                                    None,
                                    "Warning",
                                    "FailedCreate",
                                    &msg,
                                );
                                break;
                            }
                        }
                    }
                }
            }
            status.terminating = Some(terminating);
        }
        status.active = Some(active_count.max(0));
        // Pods deleted by this sync are no longer ready ones of the Job.
        status.ready = Some(if active_count <= 0 {
            0
        } else {
            (active.iter().filter(|p| podutil::is_ready(p)).count() as i32).min(active_count)
        });
        if status.succeeded.is_none() {
            status.succeeded = Some(0);
        }
        if status.failed.is_none() {
            status.failed = Some(0);
        }
        normalise_zero_counts(&mut status);
        write_status(ns, name, &status, ctx);
        requeue
    }
}

/// Upstream's JobStatus serialises `active`, `succeeded` and `failed` with
/// `omitempty`: zero is absent, while `ready` and `terminating` are
/// pointers and print as 0.
fn normalise_zero_counts(status: &mut JobStatus) {
    for v in [
        &mut status.active,
        &mut status.succeeded,
        &mut status.failed,
    ] {
        if *v == Some(0) {
            *v = None;
        }
    }
}

/// Whether the success criteria are met (`SuccessCriteriaMet`).
fn complete_now(spec: &JobSpec, status: &JobStatus, succeeded: i32, active: usize) -> bool {
    match (spec.completion_mode.as_deref(), spec.completions) {
        (Some("Indexed"), Some(c)) => {
            indexed::parse_indexes(status.completed_indexes.as_deref(), c).len() as i32 >= c
        }
        (_, Some(c)) => succeeded >= c,
        // Work queue: one success and nothing left running.
        (_, None) => succeeded > 0 && active == 0,
    }
}

fn set_suspended(status: &mut JobStatus, st: &str, reason: &str, message: &str, now: &meta::Time) {
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let c = condition("Suspended", st, reason, message, now);
    match conds.iter_mut().find(|c| c.type_ == "Suspended") {
        Some(existing) => *existing = c,
        None => conds.push(c),
    }
}

fn write_status(ns: &str, name: &str, status: &JobStatus, ctx: &mut Ctx) {
    if let Some(mut cur) = ctx.api.get_typed::<Job>(job_res(), ns, name).cloned() {
        if cur.status.as_ref() != Some(status) {
            cur.status = Some(status.clone());
            let _ = ctx.api.update_status(USER, Object::Job(Box::new(cur)));
        }
    }
}

/// Deletes pods, recording `SuccessfulDelete` events; returns how many.
fn delete_pods(pods: &[&core::Pod], job: &Object, ctx: &mut Ctx) -> i32 {
    let mut n = 0;
    for p in pods.iter().take(MAX_POD_CREATE_DELETE_PER_SYNC) {
        let ns = p.metadata.namespace.as_deref().unwrap_or("");
        let name = p.metadata.name.as_deref().unwrap_or("");
        if ctx
            .api
            .delete(USER, pod_res(), ns, name, DeleteOptions::default())
            .is_ok()
        {
            n += 1;
            let msg = format!("Deleted pod: {name}");
            ctx.api.record_event(
                COMPONENT,
                None,
                job.into(),
                None,
                "Normal",
                "SuccessfulDelete",
                &msg,
            );
        }
    }
    n
}

/// Removes the tracking finalizer from pods (re-reading each as stored).
fn remove_finalizers(pods: &[core::Pod], ctx: &mut Ctx) {
    for p in pods {
        let ns = p.metadata.namespace.as_deref().unwrap_or("");
        let name = p.metadata.name.as_deref().unwrap_or("");
        remove_finalizer(ns, name, ctx);
    }
}

fn remove_finalizer(ns: &str, name: &str, ctx: &mut Ctx) {
    let Some(mut cur) = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name).cloned() else {
        return;
    };
    if !has_tracking_finalizer(&cur) {
        return;
    }
    let rest: Vec<String> = cur
        .metadata
        .finalizers
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f != JOB_TRACKING_FINALIZER)
        .collect();
    cur.metadata.finalizers = (!rest.is_empty()).then_some(rest);
    let _ = ctx.api.update(USER, Object::Pod(Box::new(cur)));
}

/// A pod whose Job is gone keeps no tracking finalizer (upstream's orphan
/// queue): it is removed once the pod is finished or being deleted, or at
/// once if its Job no longer exists.
fn sync_orphan_pod(pod_key: &str, ctx: &mut Ctx) {
    let Some((ns, name)) = pod_key.split_once('/') else {
        return;
    };
    let Some(p) = ctx.api.get_typed::<core::Pod>(pod_res(), ns, name) else {
        return;
    };
    let owner_alive = p
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true) && r.kind == "Job")
        .is_some_and(|r| {
            ctx.api
                .get(job_res(), ns, &r.name)
                .is_some_and(|j| j.meta().uid.as_deref() == Some(r.uid.as_str()))
        });
    if !owner_alive {
        remove_finalizer(ns, name, ctx);
    }
}

/// The controller ownerReference a Job puts on its pods.
pub fn owner_ref(job: &Job) -> meta::OwnerReference {
    super::controller_utils::new_controller_ref("batch/v1", "Job", &job.metadata)
}

/// A pod from the Job's template (`GetPodFromTemplate` plus the tracking
/// finalizer; for Indexed Jobs the completion index annotation and label,
/// `JOB_COMPLETION_INDEX` and the `<job>-<index>` hostname).
pub fn pod_from_template(job: &Job, index: Option<i32>) -> core::Pod {
    let name = job.metadata.name.as_deref().unwrap_or("");
    let none = core::PodTemplateSpec::default();
    let template = job.spec.as_ref().map_or(&none, |s| &s.template);
    let mut pod =
        super::controller_utils::get_pod_from_template(template, &job.metadata, owner_ref(job));
    let m = &mut pod.metadata;
    m.finalizers
        .get_or_insert_with(Vec::new)
        .push(JOB_TRACKING_FINALIZER.into());
    if let Some(i) = index {
        let v = i.to_string();
        m.annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(COMPLETION_INDEX.into(), v.clone());
        m.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(COMPLETION_INDEX.into(), v);
        m.generate_name = Some(format!("{name}-{i}-"));
        if let Some(s) = pod.spec.as_mut() {
            if s.hostname.is_none() {
                s.hostname = Some(format!("{name}-{i}"));
            }
            indexed::add_completion_index_env(s);
        }
    }
    pod
}
