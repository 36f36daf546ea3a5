//! Validation of batch/v1 Jobs and CronJobs.
//!
//! Upstream: pkg/apis/batch/validation/validation.go (`ValidateJob`,
//! `validateGeneratedSelector`, `ValidateJobSpec`, `validateJobSpec`,
//! `validatePodFailurePolicy`, `ValidateJobSpecUpdate`,
//! `ValidateCronJobCreate`, `validateCronJobSpec`, `validateScheduleFormat`,
//! `validateTimeZone`, `ValidateJobTemplateSpec`).

use super::field::{child, go_map, index, is_dns1123_label, key};
use super::{
    go_selector, invalid, not_supported, q, required, selector_matches, validate_annotations,
    validate_label_selector, validate_labels, FieldError,
};
use crate::api::batch::{CronJob, Job, JobSpec};
use crate::api::core::PodTemplateSpec;
use crate::apiserver::admission::batch::{
    CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL,
};
use std::collections::BTreeMap;

const NONNEG: &str = "must be greater than or equal to 0";

fn nonneg(errs: &mut Vec<FieldError>, v: Option<i64>, path: &str) {
    if let Some(v) = v.filter(|v| *v < 0) {
        errs.push(invalid(path, v.to_string(), NONNEG));
    }
}

/// `ValidateJob` (create).
pub fn validate_job(job: &Job) -> Vec<FieldError> {
    let default = JobSpec::default();
    let spec = job.spec.as_ref().unwrap_or(&default);
    let mut errs = validate_generated_selector(job, spec);
    errs.extend(validate_job_spec_with_selector(spec, "spec"));
    let name = job.metadata.name.as_deref().unwrap_or("");
    if spec.completion_mode.as_deref() == Some("Indexed") {
        if let Some(c) = spec.completions.filter(|c| *c > 0) {
            let host = format!("{name}-{}", c - 1);
            if !is_dns1123_label(&host).is_empty() {
                errs.push(invalid(
                    "metadata.name",
                    q(name),
                    format!("will not able to create pod with invalid DNS label: {host}"),
                ));
            }
        }
    }
    errs
}

/// `ValidateJobSpecUpdate` (after the metadata checks).
pub fn validate_job_update(new: &Job, old: &Job) -> Vec<FieldError> {
    let default = JobSpec::default();
    let (n, o) = (
        new.spec.as_ref().unwrap_or(&default),
        old.spec.as_ref().unwrap_or(&default),
    );
    let mut errs = validate_job_spec_with_selector(n, "spec");
    // validateCompletions: only an Indexed Job may change completions, and
    // then together with parallelism.
    if n.completions != o.completions {
        let indexed = n.completion_mode.as_deref() == Some("Indexed");
        let v = n.completions.map_or("null".to_string(), |c| c.to_string());
        if !indexed {
            errs.push(invalid("spec.completions", v, "field is immutable"));
        } else if n.completions != n.parallelism {
            errs.push(invalid(
                "spec.completions",
                v,
                "can only be modified in tandem with spec.parallelism",
            ));
        }
    }
    if n.selector != o.selector {
        errs.push(invalid(
            "spec.selector",
            go_selector(n.selector.as_ref()),
            "field is immutable",
        ));
    }
    if n.template != o.template {
        errs.push(invalid(
            "spec.template",
            "core.PodTemplateSpec{...}",
            "field is immutable",
        ));
    }
    if n.completion_mode != o.completion_mode {
        errs.push(invalid(
            "spec.completionMode",
            q(n.completion_mode.as_deref().unwrap_or("")),
            "field is immutable",
        ));
    }
    if n.pod_failure_policy != o.pod_failure_policy {
        errs.push(invalid(
            "spec.podFailurePolicy",
            "batch.PodFailurePolicy{...}",
            "field is immutable",
        ));
    }
    errs
}

/// `validateGeneratedSelector`: unless `manualSelector`, the template must
/// carry the generated labels and the selector must select them.
fn validate_generated_selector(job: &Job, spec: &JobSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.manual_selector == Some(true) || spec.selector.is_none() {
        return errs;
    }
    let uid = job.metadata.uid.as_deref().unwrap_or("");
    let name = job.metadata.name.as_deref().unwrap_or("");
    if uid.is_empty() {
        errs.push(required("metadata.uid", ""));
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let expected = [
        (LEGACY_CONTROLLER_UID_LABEL, uid),
        (LEGACY_JOB_NAME_LABEL, name),
        (CONTROLLER_UID_LABEL, uid),
        (JOB_NAME_LABEL, name),
    ];
    for (k, v) in expected {
        let p = key("spec.template.metadata.labels", k);
        match labels.and_then(|l| l.get(k)) {
            None => errs.push(required(p, format!("must be '{v}'"))),
            Some(actual) if actual != v => {
                errs.push(invalid(p, q(actual), format!("must be '{v}'")))
            }
            _ => {}
        }
    }
    let want: BTreeMap<String, String> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !selector_matches(spec.selector.as_ref(), Some(&want)) {
        errs.push(invalid(
            "spec.selector",
            go_selector(spec.selector.as_ref()),
            "`selector` not auto-generated",
        ));
    }
    errs
}

/// `ValidateJobSpec`: the spec, then the selector.
fn validate_job_spec_with_selector(spec: &JobSpec, path: &str) -> Vec<FieldError> {
    let mut errs = validate_job_spec(spec, path);
    match &spec.selector {
        None => errs.push(required(child(path, "selector"), "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, &child(path, "selector")));
            let labels = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.as_ref());
            if !selector_matches(Some(sel), labels) {
                errs.push(invalid(
                    format!("{path}.template.metadata.labels"),
                    go_map(labels),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    errs
}

/// `validateJobSpec`.
fn validate_job_spec(spec: &JobSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let p = |f: &str| child(path, f);
    nonneg(
        &mut errs,
        spec.parallelism.map(i64::from),
        &p("parallelism"),
    );
    nonneg(
        &mut errs,
        spec.completions.map(i64::from),
        &p("completions"),
    );
    nonneg(
        &mut errs,
        spec.active_deadline_seconds,
        &p("activeDeadlineSeconds"),
    );
    nonneg(
        &mut errs,
        spec.backoff_limit.map(i64::from),
        &p("backoffLimit"),
    );
    nonneg(
        &mut errs,
        spec.ttl_seconds_after_finished.map(i64::from),
        &p("ttlSecondsAfterFinished"),
    );
    nonneg(
        &mut errs,
        spec.backoff_limit_per_index.map(i64::from),
        &p("backoffLimitPerIndex"),
    );
    if let Some(mode) = spec.completion_mode.as_deref() {
        if mode != "NonIndexed" && mode != "Indexed" {
            errs.push(not_supported(
                p("completionMode"),
                q(mode),
                &["NonIndexed", "Indexed"],
            ));
        }
        if mode == "Indexed" && spec.completions.is_none() {
            errs.push(required(
                p("completions"),
                "when completion mode is Indexed",
            ));
        }
        if let Some(par) = spec
            .parallelism
            .filter(|n| mode == "Indexed" && *n > 100_000)
        {
            errs.push(invalid(
                p("parallelism"),
                par.to_string(),
                "must be less than or equal to 100000 when completion mode is Indexed",
            ));
        }
    }
    if spec.completion_mode.as_deref() != Some("Indexed") {
        if let Some(b) = spec.backoff_limit_per_index {
            errs.push(invalid(
                p("backoffLimitPerIndex"),
                b.to_string(),
                "requires indexed completion mode",
            ));
        }
    }
    if let Some(pfp) = &spec.pod_failure_policy {
        errs.extend(validate_pod_failure_policy(
            spec,
            pfp,
            &p("podFailurePolicy"),
        ));
    }
    if let Some(rp) = spec.pod_replacement_policy.as_deref() {
        if spec.pod_failure_policy.is_some() {
            if rp != "Failed" {
                errs.push(not_supported(p("podReplacementPolicy"), q(rp), &["Failed"]));
            }
        } else if rp != "Failed" && rp != "TerminatingOrFailed" {
            errs.push(not_supported(
                p("podReplacementPolicy"),
                q(rp),
                &["Failed", "TerminatingOrFailed"],
            ));
        }
    }
    errs.extend(validate_pod_template(&spec.template, &p("template")));
    let rp_path = format!("{path}.template.spec.restartPolicy");
    let rp = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("");
    if rp == "Always" || rp.is_empty() {
        errs.push(required(rp_path, "valid values: \"OnFailure\", \"Never\""));
    } else if rp != "OnFailure" && rp != "Never" {
        errs.push(not_supported(rp_path, q(rp), &["OnFailure", "Never"]));
    } else if spec.pod_failure_policy.is_some() && rp != "Never" {
        errs.push(invalid(
            rp_path,
            q(rp),
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
    errs
}

/// `ValidatePodTemplateSpec`: labels, annotations and the pod spec.
fn validate_pod_template(t: &PodTemplateSpec, path: &str) -> Vec<FieldError> {
    let tmeta = t.metadata.clone().unwrap_or_default();
    let mut errs = validate_labels(tmeta.labels.as_ref(), &child(path, "labels"));
    errs.extend(validate_annotations(
        tmeta.annotations.as_ref(),
        &child(path, "annotations"),
    ));
    let default = Default::default();
    errs.extend(super::pod::validate_pod_spec(
        t.spec.as_ref().unwrap_or(&default),
        &child(path, "spec"),
        false,
    ));
    errs
}

/// `validatePodFailurePolicy` and its rules.
fn validate_pod_failure_policy(
    spec: &JobSpec,
    pfp: &crate::api::batch::PodFailurePolicy,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rules_path = child(path, "rules");
    let pspec = spec.template.spec.clone().unwrap_or_default();
    let names: Vec<&str> = pspec
        .containers
        .iter()
        .chain(pspec.init_containers.iter().flatten())
        .map(|c| c.name.as_str())
        .collect();
    const ACTIONS: &[&str] = &["Count", "FailIndex", "FailJob", "Ignore"];
    for (i, rule) in pfp.rules.iter().enumerate() {
        let rp = index(&rules_path, i);
        let ap = child(&rp, "action");
        match rule.action.as_str() {
            "" => errs.push(required(
                ap,
                "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]",
            )),
            "FailIndex" if spec.backoff_limit_per_index.is_none() => errs.push(invalid(
                ap,
                q("FailIndex"),
                "requires the backoffLimitPerIndex to be set",
            )),
            a if !ACTIONS.contains(&a) => errs.push(not_supported(ap, q(a), ACTIONS)),
            _ => {}
        }
        if let Some(oe) = &rule.on_exit_codes {
            let op = child(&rp, "onExitCodes");
            match oe.operator.as_str() {
                "" => errs.push(required(
                    child(&op, "operator"),
                    "valid values: [\"In\" \"NotIn\"]",
                )),
                "In" | "NotIn" => {}
                o => errs.push(not_supported(
                    child(&op, "operator"),
                    q(o),
                    &["In", "NotIn"],
                )),
            }
            if let Some(c) = &oe.container_name {
                if !names.contains(&c.as_str()) {
                    errs.push(invalid(
                        child(&op, "containerName"),
                        q(c),
                        "must be one of the container or initContainer names in the pod template",
                    ));
                }
            }
            let vp = child(&op, "values");
            if oe.values.is_empty() {
                errs.push(invalid(
                    vp.clone(),
                    "[]int32{}",
                    "at least one value is required",
                ));
            }
            let mut seen = std::collections::BTreeSet::new();
            for (j, v) in oe.values.iter().enumerate() {
                if oe.operator == "In" && *v == 0 {
                    errs.push(invalid(
                        index(&vp, j),
                        "0",
                        "must not be 0 for the In operator",
                    ));
                }
                if !seen.insert(*v) {
                    errs.push(super::duplicate(index(&vp, j), v.to_string()));
                }
            }
            if oe.values.windows(2).any(|w| w[0] > w[1]) {
                let list: Vec<String> = oe.values.iter().map(|v| v.to_string()).collect();
                errs.push(invalid(
                    vp,
                    format!("[]int32{{{}}}", list.join(", ")),
                    "must be ordered",
                ));
            }
        }
        let conds = rule.on_pod_conditions.as_deref().unwrap_or(&[]);
        for (j, pat) in conds.iter().enumerate() {
            let pp = index(&child(&rp, "onPodConditions"), j);
            let st = pat.status.as_str();
            if !["True", "False", "Unknown"].contains(&st) {
                errs.push(not_supported(
                    child(&pp, "status"),
                    q(st),
                    &["False", "True", "Unknown"],
                ));
            }
        }
        if rule.on_exit_codes.is_some() && !conds.is_empty() {
            errs.push(super::field::FieldError {
                typ: super::ErrorType::Invalid,
                field: rp.clone(),
                bad_value: None,
                detail: "specifying both OnExitCodes and OnPodConditions is not supported".into(),
            });
        }
        if rule.on_exit_codes.is_none() && conds.is_empty() {
            errs.push(super::field::FieldError {
                typ: super::ErrorType::Invalid,
                field: rp,
                bad_value: None,
                detail: "specifying one of OnExitCodes and OnPodConditions is required".into(),
            });
        }
    }
    errs
}

/// `ValidateCronJobCreate` (after the metadata checks).
pub fn validate_cron_job(cj: &CronJob, old: Option<&CronJob>) -> Vec<FieldError> {
    let default = Default::default();
    let spec = cj.spec.as_ref().unwrap_or(&default);
    let old_spec = old.and_then(|o| o.spec.as_ref());
    let mut errs = Vec::new();
    if spec.schedule.is_empty() {
        errs.push(required("spec.schedule", ""));
    } else {
        if let Err(e) = crate::cron::parse_standard(&spec.schedule) {
            errs.push(invalid("spec.schedule", q(&spec.schedule), e));
        }
        let allow_tz = old_spec.is_some_and(|o| o.schedule.contains("TZ"));
        if allow_tz && spec.schedule.contains("TZ") && spec.time_zone.is_some() {
            errs.push(invalid(
                "spec.schedule",
                q(&spec.schedule),
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && spec.schedule.contains("TZ") {
            errs.push(invalid(
                "spec.schedule",
                q(&spec.schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    nonneg(
        &mut errs,
        spec.starting_deadline_seconds,
        "spec.startingDeadlineSeconds",
    );
    if old_spec.is_none_or(|o| o.time_zone != spec.time_zone) {
        if let Some(tz) = &spec.time_zone {
            errs.extend(validate_time_zone(tz));
        }
    }
    match spec.concurrency_policy.as_deref().unwrap_or("") {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(required("spec.concurrencyPolicy", "")),
        other => errs.push(not_supported(
            "spec.concurrencyPolicy",
            q(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    // ValidateJobTemplateSpec.
    let jdefault = JobSpec::default();
    let js = spec.job_template.spec.as_ref().unwrap_or(&jdefault);
    errs.extend(validate_job_spec(js, "spec.jobTemplate.spec"));
    if let Some(sel) = &js.selector {
        errs.push(invalid(
            "spec.jobTemplate.spec.selector",
            go_selector(Some(sel)),
            "`selector` will be auto-generated",
        ));
    }
    if js.manual_selector == Some(true) {
        errs.push(not_supported(
            "spec.jobTemplate.spec.manualSelector",
            "true",
            &["nil", "false"],
        ));
    }
    nonneg(
        &mut errs,
        spec.successful_jobs_history_limit.map(i64::from),
        "spec.successfulJobsHistoryLimit",
    );
    nonneg(
        &mut errs,
        spec.failed_jobs_history_limit.map(i64::from),
        "spec.failedJobsHistoryLimit",
    );
    if old.is_none() {
        let name = cj.metadata.name.as_deref().unwrap_or("");
        // The controller appends `-<11 digits>` to make a 63-char job name.
        if name.len() > 52 {
            errs.push(invalid(
                "metadata.name",
                q(name),
                "must be no more than 52 characters",
            ));
        }
    }
    errs
}

/// `validateTimeZone`: IANA names only, as `time.LoadLocation` knows them.
fn validate_time_zone(tz: &str) -> Vec<FieldError> {
    let p = "spec.timeZone";
    if tz.is_empty() {
        return vec![invalid(
            p,
            q(tz),
            "timeZone must be nil or non-empty string",
        )];
    }
    let valid_part = |s: &str| {
        !s.is_empty()
            && s.len() <= 14
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
    };
    for part in tz.split('/') {
        if part == "." || part == ".." || part.starts_with('-') || !valid_part(part) {
            return vec![invalid(p, q(tz), format!("unknown time zone {tz}"))];
        }
    }
    if tz.eq_ignore_ascii_case("Local") {
        return vec![invalid(
            p,
            q(tz),
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        )];
    }
    if let Err(e) = crate::timezone::load_location(tz) {
        return vec![invalid(p, q(tz), e)];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::batch::CronJobSpec;
    use crate::api::meta::ObjectMeta;

    fn cron_job(name: &str, schedule: &str, tz: Option<&str>) -> CronJob {
        let mut cj = CronJob {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            spec: Some(CronJobSpec {
                schedule: schedule.into(),
                time_zone: tz.map(str::to_string),
                ..Default::default()
            }),
            status: None,
        };
        let js = cj
            .spec
            .as_mut()
            .unwrap()
            .job_template
            .spec
            .get_or_insert_with(Default::default);
        js.template.spec = Some(crate::api::core::PodSpec {
            containers: vec![crate::api::core::Container {
                name: "main".into(),
                image: Some("busybox".into()),
                ..Default::default()
            }],
            restart_policy: Some("Never".into()),
            ..Default::default()
        });
        crate::apiserver::admission::batch::default_cron_job(&mut cj);
        cj
    }

    fn messages(errs: Vec<FieldError>) -> Vec<String> {
        errs.into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn tz_in_schedule_is_refused_in_favour_of_the_time_zone_field() {
        assert_eq!(
            messages(validate_cron_job(&cron_job("a", "TZ=UTC 0 * * * *", None), None)),
            vec!["spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]
        );
    }

    #[test]
    fn time_zone_must_be_a_known_iana_name_and_not_local() {
        assert!(messages(validate_cron_job(
            &cron_job("a", "@daily", Some("Asia/Seoul")),
            None
        ))
        .is_empty());
        assert_eq!(
            messages(validate_cron_job(&cron_job("a", "@daily", Some("Local")), None)),
            vec!["spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]
        );
        assert_eq!(
            messages(validate_cron_job(
                &cron_job("a", "@daily", Some("../etc")),
                None
            )),
            vec!["spec.timeZone: Invalid value: \"../etc\": unknown time zone ../etc"]
        );
    }

    /// Every IANA name `time.LoadLocation` knows, daylight saving time and
    /// `backward` links included; other well-formed names get its error.
    #[test]
    fn time_zones_with_daylight_saving_time_are_valid() {
        for tz in [
            "America/New_York",
            "Europe/Berlin",
            "Australia/Sydney",
            "US/Pacific",
        ] {
            assert!(
                messages(validate_cron_job(&cron_job("a", "@daily", Some(tz)), None)).is_empty(),
                "{tz}"
            );
        }
        assert_eq!(
            messages(validate_cron_job(
                &cron_job("a", "@daily", Some("Mars/Olympus")),
                None
            )),
            vec!["spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"]
        );
    }

    #[test]
    fn cron_job_names_leave_room_for_the_eleven_character_suffix() {
        let long = "a".repeat(53);
        assert_eq!(
            messages(validate_cron_job(&cron_job(&long, "@hourly", None), None)),
            vec![format!(
                "metadata.name: Invalid value: \"{long}\": must be no more than 52 characters"
            )]
        );
        // Updates of old, longer names are allowed.
        let cj = cron_job(&long, "@hourly", None);
        assert!(messages(validate_cron_job(&cj, Some(&cj))).is_empty());
    }
}
