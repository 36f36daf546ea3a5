//! Defaulting and create-time preparation of batch/v1 objects.
//!
//! Upstream: pkg/apis/batch/v1/defaults.go (`SetDefaults_Job`,
//! `SetDefaults_CronJob`) and pkg/registry/batch/job/strategy.go
//! (`PrepareForCreate` → `generateSelector`).

use std::collections::BTreeMap;

use crate::api::batch::{CronJob, Job};
use crate::api::meta::LabelSelector;

/// `batch.kubernetes.io/controller-uid`: the label that ties a Job's pods to it.
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
/// The legacy `controller-uid` label (still set in v1.32).
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
/// `batch.kubernetes.io/job-name`.
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
/// The legacy `job-name` label.
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";

/// `SetDefaults_Job`.
pub fn default_job(job: &mut Job) {
    let spec = job.spec.get_or_insert_with(Default::default);
    // A non-parallel job may leave both unset: both become 1.
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
        spec.parallelism = Some(1);
    }
    if spec.parallelism.is_none() {
        spec.parallelism = Some(1);
    }
    if spec.backoff_limit.is_none() {
        spec.backoff_limit = Some(if spec.backoff_limit_per_index.is_some() {
            i32::MAX
        } else {
            6
        });
    }
    // The Job's labels default to its template's (when it has none).
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    if let Some(l) = template_labels {
        if job.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
            job.metadata.labels = Some(l);
        }
    }
    if spec.completion_mode.is_none() {
        spec.completion_mode = Some("NonIndexed".into());
    }
    if spec.suspend.is_none() {
        spec.suspend = Some(false);
    }
    if spec.manual_selector.is_none() {
        spec.manual_selector = Some(false);
    }
    if let Some(pfp) = spec.pod_failure_policy.as_mut() {
        for rule in &mut pfp.rules {
            for p in rule.on_pod_conditions.iter_mut().flatten() {
                if p.status.is_empty() {
                    p.status = "True".into();
                }
            }
        }
    }
    // JobPodReplacementPolicy (beta, on by default in v1.32).
    if spec.pod_replacement_policy.is_none() {
        spec.pod_replacement_policy = Some(if spec.pod_failure_policy.is_some() {
            "Failed".into()
        } else {
            "TerminatingOrFailed".into()
        });
    }
    let mut template = Some(std::mem::take(&mut spec.template));
    super::default_template(&mut template);
    spec.template = template.unwrap_or_default();
}

/// `SetDefaults_CronJob` (the job template gets pod-template defaults only).
pub fn default_cron_job(cj: &mut CronJob) {
    let spec = cj.spec.get_or_insert_with(Default::default);
    if spec.concurrency_policy.as_deref().unwrap_or("").is_empty() {
        spec.concurrency_policy = Some("Allow".into());
    }
    if spec.suspend.is_none() {
        spec.suspend = Some(false);
    }
    if spec.successful_jobs_history_limit.is_none() {
        spec.successful_jobs_history_limit = Some(3);
    }
    if spec.failed_jobs_history_limit.is_none() {
        spec.failed_jobs_history_limit = Some(1);
    }
    if let Some(js) = spec.job_template.spec.as_mut() {
        let mut template = Some(std::mem::take(&mut js.template));
        super::default_template(&mut template);
        js.template = template.unwrap_or_default();
    }
}

/// The job strategy's `PrepareForCreate`: unless `manualSelector` is true,
/// the pod template gets the `controller-uid` and `job-name` labels (both
/// the `batch.kubernetes.io/` ones and the legacy ones) and the selector
/// selects `batch.kubernetes.io/controller-uid`. Then, as decoding the
/// stored Job defaults it again, a Job without labels takes its template's.
pub fn prepare_job_for_create(job: &mut Job, uid: &str) {
    let name = job.metadata.name.clone().unwrap_or_default();
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.manual_selector != Some(true) {
        let labels = spec
            .template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new);
        labels
            .entry(LEGACY_JOB_NAME_LABEL.into())
            .or_insert_with(|| name.clone());
        labels.insert(JOB_NAME_LABEL.into(), name);
        labels.insert(LEGACY_CONTROLLER_UID_LABEL.into(), uid.into());
        labels.insert(CONTROLLER_UID_LABEL.into(), uid.into());
        let sel: &mut LabelSelector = spec.selector.get_or_insert_with(Default::default);
        sel.match_labels
            .get_or_insert_with(BTreeMap::new)
            .entry(CONTROLLER_UID_LABEL.into())
            .or_insert_with(|| uid.into());
    }
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    if let Some(l) = template_labels {
        if job.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
            job.metadata.labels = Some(l);
        }
    }
}
