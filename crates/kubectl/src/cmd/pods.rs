//! Pod commands: `kubectl run`, `logs` and `exec`.

use super::{dry_run, namespace, parse_flags, print_api_error, print_dry_run};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::{core, meta, registry, Object};
use std::collections::BTreeMap;

pub(crate) const RUN_FLAGS: &[crate::args::FlagSpec] = &[
    flag("image", None, Kind::Value),
    flag("restart", None, Kind::Value),
    flag("labels", Some('l'), Kind::Value),
    flag("env", None, Kind::Multi),
    flag("port", None, Kind::Value),
    flag("command", None, Kind::Bool),
    flag("image-pull-policy", None, Kind::Value),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("rm", None, Kind::Bool),
    flag("stdin", Some('i'), Kind::Bool),
    flag("tty", Some('t'), Kind::Bool),
    flag("annotations", None, Kind::Multi),
];

pub(super) fn run(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("run", words, RUN_FLAGS, out) else {
        return;
    };
    let Ok(dry) = dry_run(&p, out) else { return };
    let Some(name) = p.args.first().cloned() else {
        out.fail("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
        return;
    };
    let Some(image) = p.get("image").map(str::to_string) else {
        out.fail("error: required flag(s) \"image\" not set");
        return;
    };
    let mut labels = BTreeMap::new();
    match p.get("labels") {
        Some(l) => {
            for kv in l.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    out.fail(format!("error: invalid label spec: {kv}"));
                    return;
                };
                labels.insert(k.to_string(), v.to_string());
            }
        }
        None => {
            labels.insert("run".to_string(), name.clone());
        }
    }
    let env: Vec<core::EnvVar> = p
        .all("env")
        .iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            core::EnvVar {
                name: k.into(),
                value: Some(v.into()),
                ..Default::default()
            }
        })
        .collect();
    let extra = p.after_dash.clone().unwrap_or_default();
    let (command, args) = if p.bool("command") {
        (Some(extra), None)
    } else {
        (None, (!extra.is_empty()).then_some(extra))
    };
    let restart = p.get("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        out.fail(format!("error: invalid restart policy: {restart}"));
        return;
    }
    let ports = match p.get("port").map(str::parse::<i32>).transpose() {
        Ok(p) => p.map(|port| {
            vec![core::ContainerPort {
                container_port: port,
                ..Default::default()
            }]
        }),
        Err(_) => {
            out.fail(format!(
                "error: invalid argument \"{}\" for \"--port\"",
                p.get("port").unwrap_or("")
            ));
            return;
        }
    };
    let pod = core::Pod {
        metadata: meta::ObjectMeta {
            name: Some(name.clone()),
            // kubectl puts the namespace in the object only when -n is given.
            namespace: p.get("namespace").map(str::to_string),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(core::PodSpec {
            containers: vec![core::Container {
                name: name.clone(),
                image: Some(image),
                command,
                args,
                env: (!env.is_empty()).then_some(env),
                ports,
                image_pull_policy: p.get("image-pull-policy").map(str::to_string),
                resources: Some(Default::default()),
                ..Default::default()
            }],
            dns_policy: Some("ClusterFirst".into()),
            restart_policy: Some(restart),
            ..Default::default()
        }),
        status: None,
    };
    if dry {
        print_dry_run(&Object::Pod(Box::new(pod)), "created", p.get("output"), out);
        return;
    }
    let mut pod = pod;
    pod.metadata.namespace = Some(namespace(s, &p));
    match s
        .sim
        .with_api(|api| api.create("kubectl", Object::Pod(Box::new(pod))))
    {
        Ok(o) => out.out(format!("pod/{} created\n", o.name())),
        Err(e) => print_api_error(&e, None, out),
    }
}

pub(crate) const LOGS_FLAGS: &[crate::args::FlagSpec] = &[
    flag("container", Some('c'), Kind::Value),
    flag("previous", Some('p'), Kind::Bool),
    flag("tail", None, Kind::Value),
    flag("follow", Some('f'), Kind::Bool),
    flag("timestamps", None, Kind::Bool),
    flag("all-containers", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
];

/// Finds the pod a `logs`/`exec` target names (`pod`, `pod/x`, `rs/x`).
fn target_pod(s: &Session, ns: &str, target: &str, out: &mut Output) -> Option<core::Pod> {
    let pod_res = registry::by_kind("v1", "Pod").unwrap();
    let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
    let r = registry::resolve(kind);
    if r.is_none_or(|r| r.kind == "Pod") {
        return match s.sim.api().get_typed::<core::Pod>(pod_res, ns, name) {
            Some(p) => Some(p.clone()),
            None => {
                out.fail(format!(
                    "Error from server (NotFound): pods \"{name}\" not found"
                ));
                None
            }
        };
    }
    let r = r.unwrap();
    let Some(owner) = s.sim.api().get(r, ns, name) else {
        out.fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            r.qualified_plural()
        ));
        return None;
    };
    let uid = owner.meta().uid.clone();
    let mut pods: Vec<&core::Pod> = s
        .sim
        .api()
        .list(pod_res, Some(ns))
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|x| Some(&x.uid) == uid.as_ref()) =>
            {
                Some(&**p)
            }
            _ => None,
        })
        .collect();
    // GetFirstPod with podutils.ByLogging: assigned, Running, ready (for
    // longer), more restarts, then older pods first.
    pods.sort_by_key(|p| {
        let st = p.status.clone().unwrap_or_default();
        let phase = match st.phase.as_deref() {
            Some("Running") => 0,
            Some("Unknown") => 1,
            Some("Pending") => 2,
            _ => 3,
        };
        let ready = st
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == "Ready" && c.status == "True")
            .and_then(|c| c.last_transition_time.clone());
        let restarts: i32 = st
            .container_statuses
            .iter()
            .flatten()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0);
        (
            p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none(),
            phase,
            ready.is_none(),
            ready.map(|t| t.0),
            std::cmp::Reverse(restarts),
            p.metadata.creation_timestamp.clone().map(|t| t.0),
            p.metadata.name.clone(),
        )
    });
    let Some(pod) = pods.first() else {
        out.fail("error: timed out waiting for the condition");
        return None;
    };
    if pods.len() > 1 {
        out.err(format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            pod.metadata.name.as_deref().unwrap_or("")
        ));
    }
    Some((*pod).clone())
}

fn pick_container(
    p: &core::Pod,
    flag: Option<&str>,
    verb: &str,
    out: &mut Output,
) -> Option<String> {
    let spec = p.spec.clone().unwrap_or_default();
    let name = p.metadata.name.clone().unwrap_or_default();
    let all: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let inits: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    match flag {
        Some(c) => {
            if all.iter().chain(inits.iter()).any(|x| x == c) {
                Some(c.to_string())
            } else {
                out.fail(format!("error: container {c} is not valid for pod {name}"));
                None
            }
        }
        None if all.len() == 1 => Some(all[0].clone()),
        None => {
            if verb == "logs" {
                out.fail(format!(
                    "error: a container name must be specified for pod {name}, choose one of: [{}]{}",
                    all.join(" "),
                    if inits.is_empty() { String::new() } else { format!(" or one of the init containers: [{}]", inits.join(" ")) }
                ));
                None
            } else {
                // exec defaults to the first container (with a notice).
                out.err(format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    all[0],
                    all.join(", ")
                ));
                Some(all[0].clone())
            }
        }
    }
}

pub(super) fn logs(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("logs", words, LOGS_FLAGS, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let Some(target) = p.args.first() else {
        out.fail("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return;
    };
    let Some(pod) = target_pod(s, &ns, target, out) else {
        return;
    };
    let Some(container) = pick_container(
        &pod,
        p.get("container").or(p.args.get(1).map(String::as_str)),
        "logs",
        out,
    ) else {
        return;
    };
    let name = pod.metadata.name.clone().unwrap_or_default();
    match s
        .sim
        .container_logs(&ns, &name, &container, p.bool("previous"))
    {
        Ok(lines) => {
            let tail = p
                .get("tail")
                .and_then(|t| t.parse::<i64>().ok())
                .filter(|t| *t >= 0);
            let skip = tail
                .map(|t| lines.len().saturating_sub(t as usize))
                .unwrap_or(0);
            for l in &lines[skip..] {
                if p.bool("timestamps") {
                    out.out(format!(
                        "{} ",
                        s.sim
                            .clock()
                            .datetime(l.time)
                            .format("%Y-%m-%dT%H:%M:%S%.9fZ")
                    ));
                }
                out.out(format!("{}\n", l.text));
            }
        }
        Err(e) => out.fail(format!("Error from server (BadRequest): {e}")),
    }
}

pub(crate) const EXEC_FLAGS: &[crate::args::FlagSpec] = &[
    flag("container", Some('c'), Kind::Value),
    flag("stdin", Some('i'), Kind::Bool),
    flag("tty", Some('t'), Kind::Bool),
    flag("quiet", Some('q'), Kind::Bool),
];

pub(super) fn exec(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("exec", words, EXEC_FLAGS, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let Some(target) = p.args.first() else {
        out.fail("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples");
        return;
    };
    let Some(argv) = p.after_dash.clone().filter(|a| !a.is_empty()) else {
        out.fail("error: you must specify at least one command for the container");
        return;
    };
    let Some(pod) = target_pod(s, &ns, target, out) else {
        return;
    };
    let Some(container) = pick_container(&pod, p.get("container"), "exec", out) else {
        return;
    };
    let name = pod.metadata.name.clone().unwrap_or_default();
    match s.sim.exec(&ns, &name, &container, &argv) {
        Ok(r) => {
            out.out(&r.stdout);
            out.err(&r.stderr);
            if r.exit_code != 0 {
                out.err(format!(
                    "command terminated with exit code {}\n",
                    r.exit_code
                ));
                out.exit_code = r.exit_code;
            }
        }
        Err(e) => out.fail(format!("error: {e}")),
    }
}
