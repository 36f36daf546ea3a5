//! `printJob` and `printCronJob` of pkg/printers/internalversion/printers.go
//! (v1.32, whose Job table has the STATUS column).

use super::super::age::{human_duration, since};
use super::format_label_selector;
use kubarium_engine::api::{batch, core};

/// Whether a Job condition of `type_` is True (`hasJobCondition`).
fn has(job: &batch::Job, type_: &str) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == type_ && c.status == "True"))
}

/// The Job's STATUS cell.
pub fn job_status(job: &batch::Job) -> &'static str {
    if has(job, "Complete") {
        "Complete"
    } else if has(job, "Failed") {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has(job, "Suspended") {
        "Suspended"
    } else if has(job, "FailureTarget") {
        "FailureTarget"
    } else if has(job, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

/// The COMPLETIONS cell: `1/3`, or `0/1 of 2` for a work queue.
pub fn job_completions(job: &batch::Job) -> String {
    let spec = job.spec.clone().unwrap_or_default();
    let succeeded = job.status.as_ref().and_then(|s| s.succeeded).unwrap_or(0);
    match spec.completions {
        Some(c) => format!("{succeeded}/{c}"),
        None => {
            let p = spec.parallelism.unwrap_or(0);
            if p > 1 {
                format!("{succeeded}/1 of {p}")
            } else {
                format!("{succeeded}/1")
            }
        }
    }
}

fn containers_cells(containers: &[core::Container]) -> (String, String) {
    (
        containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        containers
            .iter()
            .map(|c| c.image.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// A `get jobs` row: NAME STATUS COMPLETIONS DURATION AGE
/// [CONTAINERS IMAGES SELECTOR].
pub fn job_row(
    job: &batch::Job,
    name: String,
    age: String,
    now_ms: i64,
    wide: bool,
) -> Vec<String> {
    let status = job.status.as_ref();
    let start = status.and_then(|s| s.start_time.as_ref());
    let done = status.and_then(|s| s.completion_time.as_ref());
    let duration = match (start, done) {
        (None, _) => String::new(),
        (Some(s), None) => since(Some(&s.0), now_ms),
        (Some(s), Some(d)) => human_duration((d.0 - s.0).num_milliseconds()),
    };
    let mut row = vec![
        name,
        job_status(job).to_string(),
        job_completions(job),
        duration,
        age,
    ];
    if wide {
        let spec = job.spec.clone().unwrap_or_default();
        let cs = spec.template.spec.map(|s| s.containers).unwrap_or_default();
        let (names, images) = containers_cells(&cs);
        row.push(names);
        row.push(images);
        row.push(format_label_selector(spec.selector.as_ref()));
    }
    row
}

/// A `get cronjobs` row: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE
/// LAST SCHEDULE AGE [CONTAINERS IMAGES SELECTOR].
pub fn cron_job_row(
    cj: &batch::CronJob,
    name: String,
    age: String,
    now_ms: i64,
    wide: bool,
) -> Vec<String> {
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    let last = match &status.last_schedule_time {
        Some(t) => since(Some(&t.0), now_ms),
        None => "<none>".into(),
    };
    let suspend = match spec.suspend {
        Some(b) => b.to_string(),
        None => "<unset>".into(),
    };
    let mut row = vec![
        name,
        spec.schedule.clone(),
        spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
        suspend,
        status.active.as_ref().map_or(0, Vec::len).to_string(),
        last,
        age,
    ];
    if wide {
        let js = spec.job_template.spec.clone().unwrap_or_default();
        let cs = js.template.spec.map(|s| s.containers).unwrap_or_default();
        let (names, images) = containers_cells(&cs);
        row.push(names);
        row.push(images);
        row.push(format_label_selector(js.selector.as_ref()));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::chrono::{TimeZone, Utc};
    use kubarium_engine::api::batch::{JobCondition, JobSpec, JobStatus};
    use kubarium_engine::api::meta::Time;

    fn job(completions: Option<i32>, parallelism: i32, conds: &[&str]) -> batch::Job {
        batch::Job {
            spec: Some(JobSpec {
                completions,
                parallelism: Some(parallelism),
                ..Default::default()
            }),
            status: Some(JobStatus {
                succeeded: Some(1),
                start_time: Some(Time(Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap())),
                conditions: Some(
                    conds
                        .iter()
                        .map(|t| JobCondition {
                            type_: t.to_string(),
                            status: "True".into(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn completions_cell_for_fixed_and_work_queue_jobs() {
        assert_eq!(job_completions(&job(Some(5), 2, &[])), "1/5");
        assert_eq!(job_completions(&job(None, 3, &[])), "1/1 of 3");
        assert_eq!(job_completions(&job(None, 1, &[])), "1/1");
    }

    #[test]
    fn status_cell_prefers_terminal_conditions_then_interim_ones() {
        assert_eq!(job_status(&job(Some(1), 1, &[])), "Running");
        assert_eq!(
            job_status(&job(Some(1), 1, &["SuccessCriteriaMet"])),
            "SuccessCriteriaMet"
        );
        assert_eq!(
            job_status(&job(Some(1), 1, &["SuccessCriteriaMet", "Complete"])),
            "Complete"
        );
        assert_eq!(
            job_status(&job(Some(1), 1, &["FailureTarget"])),
            "FailureTarget"
        );
        assert_eq!(job_status(&job(Some(1), 1, &["Suspended"])), "Suspended");
        assert_eq!(
            job_status(&job(Some(1), 1, &["FailureTarget", "Failed"])),
            "Failed"
        );
    }

    #[test]
    fn running_job_duration_counts_from_start_and_finished_one_to_completion() {
        let now = Utc
            .with_ymd_and_hms(2025, 3, 3, 9, 2, 5)
            .unwrap()
            .timestamp_millis();
        let running = job_row(&job(Some(1), 1, &[]), "j".into(), "2m".into(), now, false);
        assert_eq!(running[3], "2m5s");
        let mut done = job(Some(1), 1, &["Complete"]);
        done.status.as_mut().unwrap().completion_time =
            Some(Time(Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 12).unwrap()));
        assert_eq!(
            job_row(&done, "j".into(), "2m".into(), now, false)[3],
            "12s"
        );
    }
}
