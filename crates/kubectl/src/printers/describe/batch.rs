//! `describeJob` and `describeCronJob` of k8s.io/kubectl/pkg/describe
//! (v1.32).

use super::super::age::{human_duration, rfc1123z};
use super::super::get::selector_string;
use super::{
    annotations_multiline, controller_of, events_section, labels_multiline, pod_template, W,
};
use kubarium_engine::api::{batch, core};

/// `kubectl describe job`.
pub fn describe_job(job: &batch::Job, events: &[&core::Event], now_ms: i64) -> String {
    let mut w = W::default();
    let m = &job.metadata;
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(spec.selector.as_ref())),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    if let Some(c) = controller_of(m) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = spec.parallelism {
        w.w(0, &format!("Parallelism:\t{p}\n"));
    }
    match spec.completions {
        Some(c) => w.w(0, &format!("Completions:\t{c}\n")),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = &spec.completion_mode {
        w.w(0, &format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(s) = spec.suspend {
        w.w(0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec.backoff_limit {
        w.w(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec.ttl_seconds_after_finished {
        w.w(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if let Some(t) = &status.start_time {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(&t.0)));
    }
    if let Some(t) = &status.completion_time {
        w.w(0, &format!("Completed At:\t{}\n", rfc1123z(&t.0)));
    }
    if let (Some(s), Some(c)) = (&status.start_time, &status.completion_time) {
        w.w(
            0,
            &format!(
                "Duration:\t{}\n",
                human_duration((c.0 - s.0).num_milliseconds())
            ),
        );
    }
    if let Some(a) = spec.active_deadline_seconds {
        w.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    let (active, succeeded, failed) = (
        status.active.unwrap_or(0),
        status.succeeded.unwrap_or(0),
        status.failed.unwrap_or(0),
    );
    match status.ready {
        None => w.w(
            0,
            &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        ),
        Some(r) => w.w(
            0,
            &format!(
                "Pods Statuses:\t{active} Active ({r} Ready) / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        let idx = cap_indexes_list_or_none(status.completed_indexes.as_deref().unwrap_or(""), 50);
        w.w(0, &format!("Completed Indexes:\t{idx}\n"));
    }
    pod_template(&mut w, Some(&spec.template));
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `capIndexesListOrNone`: the list up to the first comma after `soft`
/// characters, then `...`; `<none>` when empty.
fn cap_indexes_list_or_none(indexes: &str, soft: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes
        .as_bytes()
        .iter()
        .skip(soft)
        .position(|b| *b == b',')
    {
        Some(i) => format!("{}...", &indexes[..soft + i + 1]),
        None => indexes.to_string(),
    }
}

/// `kubectl describe cronjob`.
pub fn describe_cron_job(cj: &batch::CronJob, events: &[&core::Event], now_ms: i64) -> String {
    let mut w = W::default();
    let m = &cj.metadata;
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(0, &format!("Schedule:\t{}\n", spec.schedule));
    w.w(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            spec.concurrency_policy.as_deref().unwrap_or("")
        ),
    );
    let opt = |v: Option<String>| v.unwrap_or_else(|| "<unset>".into());
    w.w(
        0,
        &format!("Suspend:\t{}\n", opt(spec.suspend.map(|b| b.to_string()))),
    );
    w.w(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            opt(spec.successful_jobs_history_limit.map(|n| n.to_string()))
        ),
    );
    w.w(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            opt(spec.failed_jobs_history_limit.map(|n| n.to_string()))
        ),
    );
    w.w(
        0,
        &format!(
            "Starting Deadline Seconds:\t{}\n",
            opt(spec.starting_deadline_seconds.map(|n| format!("{n}s")))
        ),
    );
    // describeJobTemplate.
    let js = spec.job_template.spec.clone().unwrap_or_default();
    match &js.selector {
        Some(sel) => w.w(0, &format!("Selector:\t{}\n", selector_string(Some(sel)))),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(
        0,
        &format!(
            "Parallelism:\t{}\n",
            opt(js.parallelism.map(|n| n.to_string()))
        ),
    );
    w.w(
        0,
        &format!(
            "Completions:\t{}\n",
            opt(js.completions.map(|n| n.to_string()))
        ),
    );
    if let Some(a) = js.active_deadline_seconds {
        w.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    pod_template(&mut w, Some(&js.template));
    match &status.last_schedule_time {
        Some(t) => w.w(0, &format!("Last Schedule Time:\t{}\n", rfc1123z(&t.0))),
        None => w.w(0, "Last Schedule Time:\t<unset>\n"),
    }
    let active: Vec<&str> = status
        .active
        .iter()
        .flatten()
        .map(|r| r.name.as_deref().unwrap_or(""))
        .collect();
    if active.is_empty() {
        w.w(0, "Active Jobs:\t<none>\n");
    } else {
        w.w(0, &format!("Active Jobs:\t{}\n", active.join(", ")));
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::cap_indexes_list_or_none;

    #[test]
    fn completed_indexes_are_capped_after_fifty_characters() {
        assert_eq!(cap_indexes_list_or_none("", 50), "<none>");
        assert_eq!(cap_indexes_list_or_none("0-2,4", 50), "0-2,4");
        let long: Vec<String> = (0..40).map(|i| (i * 2).to_string()).collect();
        let long = long.join(",");
        let capped = cap_indexes_list_or_none(&long, 50);
        assert!(capped.ends_with(",..."), "{capped}");
        assert!(capped.len() > 50 && capped.len() < 60, "{capped}");
    }
}
