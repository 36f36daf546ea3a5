//! Job and CronJob behaviour through the whole simulation: the job,
//! cronjob and ttl-after-finished controllers with the kubelet running the
//! pods (busybox's shell), on the virtual clock.

use kubarium_engine::api::batch::{CronJob, Job};
use kubarium_engine::api::{core, registry, Object};
use kubarium_engine::apiserver::DeleteOptions;
use kubarium_engine::clock::{MINUTE, SECOND};
use kubarium_engine::simulation::{ClusterConfig, Simulation};
use serde_json::{json, Value};

fn sim() -> Simulation {
    Simulation::new(ClusterConfig::default())
}

fn create(sim: &mut Simulation, kind: &str, v: Value) -> Result<(), String> {
    let obj = Object::from_value("batch/v1", kind, v)
        .expect("a batch kind")
        .expect("decodes");
    sim.with_api(|api| api.create("kubectl", obj))
        .map(|_| ())
        .map_err(|e| e.message)
}

fn job_spec(command: &str, extra: Value) -> Value {
    let mut spec = json!({
        "template": {"spec": {
            "containers": [{"name": "main", "image": "busybox:1.36",
                            "command": ["sh", "-c", command]}],
            "restartPolicy": "Never"
        }}
    });
    if let (Some(s), Value::Object(e)) = (spec.as_object_mut(), extra) {
        s.extend(e);
    }
    spec
}

fn job(sim: &Simulation, name: &str) -> Option<Job> {
    let r = registry::by_kind("batch/v1", "Job").unwrap();
    sim.api().get_typed::<Job>(r, "default", name).cloned()
}

fn cronjob(sim: &Simulation, name: &str) -> CronJob {
    let r = registry::by_kind("batch/v1", "CronJob").unwrap();
    sim.api()
        .get_typed::<CronJob>(r, "default", name)
        .cloned()
        .expect("cronjob exists")
}

fn pods_of(sim: &Simulation, job_name: &str) -> Vec<core::Pod> {
    let r = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(r, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("batch.kubernetes.io/job-name"))
                    .map(String::as_str)
                    == Some(job_name) =>
            {
                Some((**p).clone())
            }
            _ => None,
        })
        .collect()
}

fn jobs(sim: &Simulation) -> Vec<String> {
    let r = registry::by_kind("batch/v1", "Job").unwrap();
    sim.api()
        .list(r, Some("default"))
        .map(|o| o.name().to_string())
        .collect()
}

fn conditions(j: &Job) -> Vec<(String, String)> {
    j.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .map(|c| (c.type_.clone(), c.reason.clone().unwrap_or_default()))
        .collect()
}

fn events(sim: &Simulation, reason: &str) -> Vec<String> {
    let r = registry::by_kind("v1", "Event").unwrap();
    sim.api()
        .list(r, None)
        .filter_map(|o| match o {
            Object::Event(e) if e.reason.as_deref() == Some(reason) => e.message.clone(),
            _ => None,
        })
        .collect()
}

/// How many times an event was recorded (repeats are aggregated).
fn event_count(sim: &Simulation, reason: &str) -> i32 {
    let r = registry::by_kind("v1", "Event").unwrap();
    sim.api()
        .list(r, None)
        .filter_map(|o| match o {
            Object::Event(e) if e.reason.as_deref() == Some(reason) => e.count,
            _ => None,
        })
        .sum()
}

#[test]
fn job_is_defaulted_and_selects_its_pods_by_controller_uid() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "pi"}, "spec": job_spec("echo 3.14", json!({}))}),
    )
    .unwrap();
    let j = job(&sim, "pi").unwrap();
    let spec = j.spec.clone().unwrap();
    let uid = j.metadata.uid.clone().unwrap();
    assert_eq!(spec.completions, Some(1));
    assert_eq!(spec.parallelism, Some(1));
    assert_eq!(spec.backoff_limit, Some(6));
    assert_eq!(spec.completion_mode.as_deref(), Some("NonIndexed"));
    assert_eq!(spec.suspend, Some(false));
    assert_eq!(spec.manual_selector, Some(false));
    assert_eq!(
        spec.pod_replacement_policy.as_deref(),
        Some("TerminatingOrFailed")
    );
    let sel = spec.selector.unwrap().match_labels.unwrap();
    assert_eq!(
        sel.get("batch.kubernetes.io/controller-uid"),
        Some(&uid),
        "{sel:?}"
    );
    let labels = spec.template.metadata.unwrap().labels.unwrap();
    for k in [
        "batch.kubernetes.io/controller-uid",
        "controller-uid",
        "batch.kubernetes.io/job-name",
        "job-name",
    ] {
        assert!(labels.contains_key(k), "{k} in {labels:?}");
    }
    // Without labels of its own the Job takes its template's.
    assert_eq!(j.metadata.labels.as_ref(), Some(&labels));
}

#[test]
fn job_with_completions_and_parallelism_runs_two_at_a_time_to_complete() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "batch"},
               "spec": job_spec("sleep 5", json!({"completions": 5, "parallelism": 2}))}),
    )
    .unwrap();
    sim.advance(3 * SECOND);
    assert_eq!(pods_of(&sim, "batch").len(), 2);
    let p = &pods_of(&sim, "batch")[0];
    assert!(p
        .metadata
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == "batch.kubernetes.io/job-tracking"));
    sim.advance(MINUTE);
    let j = job(&sim, "batch").unwrap();
    let st = j.status.clone().unwrap();
    assert_eq!(st.succeeded, Some(5));
    assert_eq!(st.active, None);
    assert!(st.completion_time.is_some());
    assert_eq!(
        conditions(&j),
        vec![
            ("SuccessCriteriaMet".into(), "CompletionsReached".into()),
            ("Complete".into(), "CompletionsReached".into())
        ]
    );
    // Counted pods let go of the tracking finalizer.
    let pods = pods_of(&sim, "batch");
    assert_eq!(pods.len(), 5);
    assert!(pods.iter().all(|p| p.metadata.finalizers.is_none()));
    assert_eq!(events(&sim, "Completed"), vec!["Job completed".to_string()]);
}

#[test]
fn failing_job_backs_off_exponentially_then_fails_with_backoff_limit_exceeded() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "fails"},
               "spec": job_spec("exit 1", json!({"backoffLimit": 2}))}),
    )
    .unwrap();
    sim.advance(3 * MINUTE);
    let mut created: Vec<u64> = pods_of(&sim, "fails")
        .iter()
        .map(|p| {
            sim.clock()
                .millis_of(&p.metadata.creation_timestamp.as_ref().unwrap().0)
        })
        .collect();
    created.sort();
    assert_eq!(created.len(), 3, "backoffLimit 2 allows three pods");
    let gaps: Vec<u64> = created.windows(2).map(|w| (w[1] - w[0]) / SECOND).collect();
    // 10 s after the first failure, 20 s after the second (plus run time).
    assert!((10..13).contains(&gaps[0]), "{gaps:?}");
    assert!((20..23).contains(&gaps[1]), "{gaps:?}");
    let j = job(&sim, "fails").unwrap();
    assert_eq!(j.status.as_ref().unwrap().failed, Some(3));
    assert_eq!(
        conditions(&j),
        vec![
            ("FailureTarget".into(), "BackoffLimitExceeded".into()),
            ("Failed".into(), "BackoffLimitExceeded".into())
        ]
    );
    assert_eq!(
        events(&sim, "BackoffLimitExceeded"),
        vec!["Job has reached the specified backoff limit".to_string()]
    );
}

#[test]
fn active_deadline_kills_the_pods_and_fails_with_deadline_exceeded() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "slow"},
               "spec": job_spec("sleep 600", json!({"activeDeadlineSeconds": 20}))}),
    )
    .unwrap();
    sim.advance(15 * SECOND);
    assert!(conditions(&job(&sim, "slow").unwrap()).is_empty());
    sim.advance(MINUTE);
    let j = job(&sim, "slow").unwrap();
    assert_eq!(
        conditions(&j),
        vec![
            ("FailureTarget".into(), "DeadlineExceeded".into()),
            ("Failed".into(), "DeadlineExceeded".into())
        ]
    );
    assert!(pods_of(&sim, "slow").is_empty(), "the pod was deleted");
    assert_eq!(events(&sim, "SuccessfulDelete").len(), 1);
}

#[test]
fn ttl_after_finished_deletes_the_job_and_its_pods() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "short"},
               "spec": job_spec("echo hi", json!({"ttlSecondsAfterFinished": 30}))}),
    )
    .unwrap();
    sim.advance(20 * SECOND);
    assert!(job(&sim, "short").is_some());
    sim.advance(30 * SECOND);
    assert!(job(&sim, "short").is_none());
    sim.advance(5 * SECOND);
    assert!(pods_of(&sim, "short").is_empty());
}

#[test]
fn indexed_job_gives_each_pod_its_index() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "idx"},
               "spec": job_spec("echo $JOB_COMPLETION_INDEX",
                   json!({"completions": 3, "parallelism": 3, "completionMode": "Indexed"}))}),
    )
    .unwrap();
    sim.advance(2 * SECOND);
    let mut seen: Vec<(String, String)> = pods_of(&sim, "idx")
        .iter()
        .map(|p| {
            (
                p.metadata.annotations.as_ref().unwrap()
                    ["batch.kubernetes.io/job-completion-index"]
                    .clone(),
                p.spec.as_ref().unwrap().hostname.clone().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("0".into(), "idx-0".into()),
            ("1".into(), "idx-1".into()),
            ("2".into(), "idx-2".into())
        ]
    );
    assert!(pods_of(&sim, "idx").iter().all(|p| p
        .metadata
        .name
        .as_ref()
        .unwrap()
        .starts_with("idx-")));
    sim.advance(MINUTE);
    let st = job(&sim, "idx").unwrap().status.unwrap();
    assert_eq!(st.completed_indexes.as_deref(), Some("0-2"));
    assert_eq!(st.succeeded, Some(3));
}

#[test]
fn pod_failure_policy_fail_job_rule_fails_at_the_first_matching_exit_code() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "pfp"},
               "spec": job_spec("exit 42", json!({
                   "podFailurePolicy": {"rules": [
                       {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}}
                   ]}}))}),
    )
    .unwrap();
    sim.advance(MINUTE);
    let j = job(&sim, "pfp").unwrap();
    let c = j.status.as_ref().unwrap().conditions.clone().unwrap();
    assert_eq!(c.last().unwrap().type_, "Failed");
    assert_eq!(
        c.last().unwrap().reason.as_deref(),
        Some("PodFailurePolicy")
    );
    let pod = &pods_of(&sim, "pfp")[0];
    assert_eq!(
        c.last().unwrap().message.clone().unwrap(),
        format!(
            "Container main for pod default/{} failed with exit code 42 matching FailJob rule at index 0",
            pod.metadata.name.as_deref().unwrap()
        )
    );
    assert_eq!(pods_of(&sim, "pfp").len(), 1, "no retry after FailJob");
}

#[test]
fn pod_failure_policy_ignore_rule_does_not_count_the_failure() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "ign"},
        "spec": job_spec("exit 3", json!({
            "backoffLimit": 0,
            "podFailurePolicy": {"rules": [
                {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [3]}}
            ]}}))}),
    )
    .unwrap();
    sim.advance(30 * SECOND);
    let j = job(&sim, "ign").unwrap();
    assert!(conditions(&j).is_empty(), "{:?}", conditions(&j));
    assert_eq!(j.status.as_ref().unwrap().failed, None);
    assert!(pods_of(&sim, "ign").len() >= 2, "the pod was replaced");
}

#[test]
fn deleting_a_running_job_deletes_its_pods_despite_the_tracking_finalizer() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "long"}, "spec": job_spec("sleep 600", json!({}))}),
    )
    .unwrap();
    sim.advance(5 * SECOND);
    assert_eq!(pods_of(&sim, "long").len(), 1);
    let r = registry::by_kind("batch/v1", "Job").unwrap();
    sim.with_api(|api| api.delete("kubectl", r, "default", "long", DeleteOptions::default()))
        .unwrap();
    sim.advance(MINUTE);
    assert!(pods_of(&sim, "long").is_empty());
}

#[test]
fn job_validation_speaks_upstream_words() {
    let mut sim = sim();
    let mut spec = job_spec("true", json!({}));
    spec["template"]["spec"]
        .as_object_mut()
        .unwrap()
        .remove("restartPolicy");
    let e = create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "a"}, "spec": spec}),
    )
    .unwrap_err();
    assert_eq!(
        e,
        "The Job \"a\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""
    );
    let e = create(
        &mut sim,
        "CronJob",
        json!({"metadata": {"name": "c"}, "spec": {"schedule": "* * *",
            "jobTemplate": {"spec": job_spec("true", json!({}))}}}),
    )
    .unwrap_err();
    assert_eq!(
        e,
        "The CronJob \"c\" is invalid: spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"
    );
    assert!(jobs(&sim).is_empty());
}

fn cron(sim: &mut Simulation, name: &str, policy: &str, command: &str, extra: Value) {
    let mut spec = json!({
        "schedule": "* * * * *",
        "concurrencyPolicy": policy,
        "jobTemplate": {"spec": job_spec(command, json!({}))}
    });
    if let (Some(s), Value::Object(e)) = (spec.as_object_mut(), extra) {
        s.extend(e);
    }
    create(
        sim,
        "CronJob",
        json!({"metadata": {"name": name}, "spec": spec}),
    )
    .unwrap();
}

/// The virtual clock starts at 2025-03-03T09:00:00Z and the cluster warms
/// up for five minutes: the first schedule after creation is 09:06.
const MIN_0906: u64 = 29_016_546;

#[test]
fn cronjob_creates_a_job_named_after_each_scheduled_minute_and_keeps_history() {
    let mut sim = sim();
    cron(&mut sim, "hello", "Allow", "echo hello", json!({}));
    sim.advance(61 * SECOND);
    assert_eq!(jobs(&sim), vec![format!("hello-{MIN_0906}")]);
    let cj = cronjob(&sim, "hello");
    assert!(cj.status.as_ref().unwrap().last_schedule_time.is_some());
    sim.advance(5 * MINUTE);
    // 09:11:01: the 09:11 Job still runs; successfulJobsHistoryLimit 3
    // keeps the newest three finished ones (09:08–09:10).
    let names = jobs(&sim);
    assert_eq!(
        names,
        (MIN_0906 + 2..=MIN_0906 + 5)
            .map(|m| format!("hello-{m}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        events(&sim, "SuccessfulDelete"),
        vec![
            format!("Deleted job hello-{MIN_0906}"),
            format!("Deleted job hello-{}", MIN_0906 + 1)
        ]
    );
    let st = cronjob(&sim, "hello").status.unwrap();
    assert!(st.last_successful_time.is_some());
    assert_eq!(st.active.map(|a| a.len()), Some(1));
}

#[test]
fn cronjob_forbid_skips_while_running_and_replace_deletes_the_running_job() {
    let mut sim = sim();
    cron(&mut sim, "forbid", "Forbid", "sleep 90", json!({}));
    cron(&mut sim, "replace", "Replace", "sleep 90", json!({}));
    cron(&mut sim, "allow", "Allow", "sleep 90", json!({}));
    // 09:07:10: each has run once at 09:06; at 09:07 Forbid skipped,
    // Replace replaced, Allow overlapped.
    sim.advance(2 * MINUTE + 10 * SECOND);
    let all = jobs(&sim);
    let of = |p: &str| all.iter().filter(|n| n.starts_with(p)).count();
    assert_eq!(of("forbid-"), 1, "{all:?}");
    assert_eq!(of("replace-"), 1, "{all:?}");
    assert!(all.contains(&format!("replace-{}", MIN_0906 + 1)));
    assert_eq!(of("allow-"), 2, "{all:?}");
    assert_eq!(events(&sim, "JobAlreadyActive").len(), 1);
    assert_eq!(
        events(&sim, "SuccessfulDelete"),
        vec![format!("Deleted job replace-{MIN_0906}")]
    );
    // When the Forbid job finishes (09:07:30) the missed 09:07 run starts.
    sim.advance(30 * SECOND);
    assert!(jobs(&sim).contains(&format!("forbid-{}", MIN_0906 + 1)));
}

#[test]
fn suspended_cronjob_creates_nothing() {
    let mut sim = sim();
    cron(&mut sim, "off", "Allow", "true", json!({"suspend": true}));
    sim.advance(3 * MINUTE);
    assert!(jobs(&sim).is_empty());
}

#[test]
fn starting_deadline_seconds_misses_schedules_too_late_to_start() {
    let mut sim = sim();
    cron(
        &mut sim,
        "late",
        "Forbid",
        "sleep 150",
        json!({"startingDeadlineSeconds": 10}),
    );
    // 09:06 runs until 09:08:30; 09:07 and 09:08 are skipped while it runs
    // and too late to start when it finishes.
    sim.advance(4 * MINUTE);
    let names = jobs(&sim);
    assert!(
        !names.contains(&format!("late-{}", MIN_0906 + 1)),
        "{names:?}"
    );
    assert!(
        !names.contains(&format!("late-{}", MIN_0906 + 2)),
        "{names:?}"
    );
    assert!(
        names.contains(&format!("late-{}", MIN_0906 + 3)),
        "{names:?}"
    );
    // Skipped twice while running; once it finished, the 09:08 schedule
    // was already beyond the 10 s deadline, so it is not started late.
    assert_eq!(event_count(&sim, "JobAlreadyActive"), 2);
}

#[test]
fn cronjob_time_zone_moves_the_schedule() {
    let mut sim = sim();
    // 18:07 in Seoul is 09:07 UTC.
    create(
        &mut sim,
        "CronJob",
        json!({"metadata": {"name": "seoul"}, "spec": {
            "schedule": "7 18 * * *", "timeZone": "Asia/Seoul",
            "jobTemplate": {"spec": job_spec("true", json!({}))}}}),
    )
    .unwrap();
    sim.advance(3 * MINUTE);
    assert_eq!(jobs(&sim), vec![format!("seoul-{}", MIN_0906 + 1)]);
    let r = registry::by_kind("batch/v1", "Job").unwrap();
    let j = sim
        .api()
        .get_typed::<Job>(r, "default", &format!("seoul-{}", MIN_0906 + 1))
        .unwrap();
    assert_eq!(
        j.metadata.annotations.as_ref().unwrap()["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2025-03-03T18:07:00+09:00"
    );
}

/// A schedule in a zone with daylight saving time follows the zone's wall
/// clock as robfig/cron does: 02:30 in New York is 07:30Z in winter and
/// 06:30Z in summer, and on 2025-03-09, when the clocks jump from 02:00 to
/// 03:00, there is no 02:30, so no Job that day.
#[test]
fn cronjob_in_a_dst_zone_skips_the_missing_hour_and_follows_the_clock() {
    // From Friday 2025-03-07T12:00Z, one worker, four days.
    let mut sim = Simulation::new(ClusterConfig {
        epoch_unix_ms: 1_741_348_800_000,
        ..ClusterConfig::with_workers(1)
    });
    create(
        &mut sim,
        "CronJob",
        json!({"metadata": {"name": "nyc"}, "spec": {
            "schedule": "30 2 * * *", "timeZone": "America/New_York",
            "successfulJobsHistoryLimit": 10,
            "jobTemplate": {"spec": job_spec("true", json!({}))}}}),
    )
    .unwrap();
    sim.advance(4 * 24 * 60 * MINUTE);
    let r = registry::by_kind("batch/v1", "Job").unwrap();
    let scheduled: Vec<String> = jobs(&sim)
        .iter()
        .map(|n| {
            let j = sim.api().get_typed::<Job>(r, "default", n).unwrap();
            j.metadata.annotations.as_ref().unwrap()
                ["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .clone()
        })
        .collect();
    assert_eq!(
        scheduled,
        [
            "2025-03-08T02:30:00-05:00",
            "2025-03-10T02:30:00-04:00",
            "2025-03-11T02:30:00-04:00",
        ]
    );
    // Named after the UTC minute: 2025-03-10T06:30:00Z.
    assert!(jobs(&sim).contains(&"nyc-29026470".to_string()));
}

#[test]
fn suspending_a_job_deletes_its_pods_and_resuming_starts_them_again() {
    let mut sim = sim();
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "pausable"}, "spec": job_spec("sleep 600", json!({}))}),
    )
    .unwrap();
    sim.advance(5 * SECOND);
    let set_suspend = |sim: &mut Simulation, on: bool| {
        let mut j = job(sim, "pausable").unwrap();
        j.spec.as_mut().unwrap().suspend = Some(on);
        sim.with_api(|api| api.update("kubectl", Object::Job(Box::new(j))))
            .unwrap();
    };
    set_suspend(&mut sim, true);
    sim.advance(40 * SECOND);
    let j = job(&sim, "pausable").unwrap();
    assert!(conditions(&j).contains(&("Suspended".into(), "JobSuspended".into())));
    assert!(pods_of(&sim, "pausable").is_empty());
    assert_eq!(events(&sim, "Suspended"), vec!["Job suspended".to_string()]);
    set_suspend(&mut sim, false);
    sim.advance(5 * SECOND);
    let j = job(&sim, "pausable").unwrap();
    assert!(conditions(&j).contains(&("Suspended".into(), "JobResumed".into())));
    assert_eq!(j.status.as_ref().unwrap().active, Some(1));
    assert_eq!(events(&sim, "Resumed"), vec!["Job resumed".to_string()]);
}

#[test]
fn on_failure_job_counts_container_restarts_towards_the_backoff_limit() {
    let mut sim = sim();
    let mut spec = job_spec("exit 2", json!({"backoffLimit": 2}));
    spec["template"]["spec"]["restartPolicy"] = json!("OnFailure");
    create(
        &mut sim,
        "Job",
        json!({"metadata": {"name": "of"}, "spec": spec}),
    )
    .unwrap();
    sim.advance(2 * MINUTE);
    let j = job(&sim, "of").unwrap();
    assert_eq!(
        conditions(&j).last(),
        Some(&("Failed".into(), "BackoffLimitExceeded".into()))
    );
    let created: Vec<String> = events(&sim, "SuccessfulCreate")
        .into_iter()
        .filter(|m| m.starts_with("Created pod: of-"))
        .collect();
    assert_eq!(created.len(), 1, "one pod, restarted in place: {created:?}");
}
