//! `kubectl create job` and `kubectl create cronjob`
//! (k8s.io/kubectl/pkg/cmd/create/create_job.go, create_cronjob.go).

use super::{dry_run, namespace, print_api_error, print_dry_run, type_name};
use crate::args::Parsed;
use crate::{Output, Session};
use kubarium_engine::api::batch::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use kubarium_engine::api::core::{Container, PodSpec, PodTemplateSpec};
use kubarium_engine::api::{meta, registry, Object};
use std::collections::BTreeMap;

fn container(name: &str, image: &str, command: Option<Vec<String>>) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        command,
        resources: Some(Default::default()),
        ..Default::default()
    }
}

/// `kubectl create job NAME --image=IMAGE [-- COMMAND...]` or
/// `kubectl create job NAME --from=cronjob/NAME`.
pub(super) fn create_job(s: &mut Session, p: &Parsed, out: &mut Output) {
    let names = &p.args[1..];
    if names.len() != 1 {
        out.fail(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create job -h' for help and examples",
            names.len()
        ));
        return;
    }
    let name = &names[0];
    let image = p.get("image").unwrap_or("");
    let from = p.get("from").unwrap_or("");
    if image.is_empty() == from.is_empty() {
        out.fail("error: either --image or --from must be specified");
        return;
    }
    if !from.is_empty() && p.after_dash.is_some() {
        out.fail("error: cannot specify --from and command");
        return;
    }
    let job = if from.is_empty() {
        Job {
            metadata: meta::ObjectMeta {
                name: Some(name.clone()),
                ..Default::default()
            },
            spec: Some(JobSpec {
                template: PodTemplateSpec {
                    metadata: None,
                    spec: Some(PodSpec {
                        containers: vec![container(name, image, p.after_dash.clone())],
                        restart_policy: Some("Never".into()),
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            status: None,
        }
    } else {
        let Some((kind, src)) = from.split_once('/') else {
            out.fail(format!(
                "error: from must be an existing cronjob: resource(s) were provided, but no name was specified (\"{from}\")"
            ));
            return;
        };
        let Some(r) = registry::resolve(kind) else {
            out.fail(format!(
                "error: from must be an existing cronjob: the server doesn't have a resource type \"{kind}\""
            ));
            return;
        };
        let ns = namespace(s, p);
        let Some(o) = s.sim.api().get(r, &ns, src).cloned() else {
            let e = kubarium_engine::apiserver::ApiError::not_found(r, src);
            print_api_error(&e, None, out);
            return;
        };
        let Object::CronJob(cj) = o else {
            out.fail(format!(
                "error: from must be an existing cronjob: converting ({}) to (batch/v1): unknown conversion",
                o.kind()
            ));
            return;
        };
        job_from_cron_job(name, &cj)
    };
    submit(s, p, Object::Job(Box::new(job)), "job", out);
}

/// `createJobFromCronJob`: the CronJob's job template, annotated
/// `cronjob.kubernetes.io/instantiate: manual`, owned by the CronJob
/// (controller, without blockOwnerDeletion).
fn job_from_cron_job(name: &str, cj: &CronJob) -> Job {
    let spec = cj.spec.clone().unwrap_or_default();
    let tm = spec.job_template.metadata.clone().unwrap_or_default();
    let mut annotations = BTreeMap::new();
    annotations.insert("cronjob.kubernetes.io/instantiate".into(), "manual".into());
    annotations.extend(tm.annotations.unwrap_or_default());
    Job {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            annotations: Some(annotations),
            labels: tm.labels,
            owner_references: Some(vec![meta::OwnerReference {
                api_version: "batch/v1".into(),
                kind: "CronJob".into(),
                name: cj.metadata.name.clone().unwrap_or_default(),
                uid: cj.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: None,
            }]),
            ..Default::default()
        },
        spec: spec.job_template.spec,
        status: None,
    }
}

/// `kubectl create cronjob NAME --image=IMAGE --schedule=SPEC
/// [--restart=OnFailure] [-- COMMAND...]`.
pub(super) fn create_cron_job(s: &mut Session, p: &Parsed, out: &mut Output) {
    let missing: Vec<&str> = ["image", "schedule"]
        .into_iter()
        .filter(|f| !p.has(f))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|f| format!("\"{f}\"")).collect();
        out.fail(format!(
            "error: required flag(s) {} not set",
            list.join(", ")
        ));
        return;
    }
    let names = &p.args[1..];
    if names.len() != 1 {
        out.fail(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create cronjob -h' for help and examples",
            names.len()
        ));
        return;
    }
    let name = &names[0];
    let image = p.get("image").unwrap_or("");
    let restart = p.get("restart").unwrap_or("OnFailure");
    let cj = CronJob {
        metadata: meta::ObjectMeta {
            name: Some(name.clone()),
            ..Default::default()
        },
        spec: Some(CronJobSpec {
            schedule: p.get("schedule").unwrap_or("").to_string(),
            job_template: JobTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    name: Some(name.clone()),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    template: PodTemplateSpec {
                        metadata: None,
                        spec: Some(PodSpec {
                            containers: vec![container(name, image, p.after_dash.clone())],
                            restart_policy: Some(restart.to_string()),
                            ..Default::default()
                        }),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    };
    submit(s, p, Object::CronJob(Box::new(cj)), "cronjob", out);
}

/// Creates the generated object; a refusal reads as kubectl's
/// `error: failed to create job: <the API's Status message>`.
fn submit(s: &mut Session, p: &Parsed, obj: Object, what: &str, out: &mut Output) {
    let Ok(dry) = dry_run(p, out) else { return };
    if dry {
        print_dry_run(&obj, "created", p.get("output"), out);
        return;
    }
    let r = obj.resource();
    let mut obj = obj;
    obj.meta_mut().namespace = Some(namespace(s, p));
    match s.sim.with_api(|api| api.create("kubectl", obj)) {
        Ok(o) => out.out(format!("{} created\n", type_name(r, o.name()))),
        Err(e) => out.fail(format!(
            "error: failed to create {what}: {}",
            status_message(&e, r)
        )),
    }
}

/// The API Status message of an error: kubectl's `The Job "x" is invalid:
/// ...` form turned back into `Job.batch "x" is invalid: ...` (several
/// causes as `[a, b]`), as `err.Error()` prints it.
fn status_message(e: &kubarium_engine::apiserver::ApiError, r: &registry::ResourceInfo) -> String {
    let head = format!("The {} ", r.kind);
    let Some(rest) = e.message.strip_prefix(&head) else {
        return e.message.clone();
    };
    let Some((name, causes)) = rest.split_once(" is invalid: ") else {
        return e.message.clone();
    };
    let causes = if let Some(list) = causes.strip_prefix("\n* ") {
        format!("[{}]", list.split("\n* ").collect::<Vec<_>>().join(", "))
    } else {
        causes.to_string()
    };
    format!("{}.{} {name} is invalid: {causes}", r.kind, r.group)
}
