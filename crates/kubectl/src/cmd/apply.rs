//! `kubectl apply` and `kubectl create` (from files, and the `namespace`,
//! `configmap` and `secret generic` generators).
//!
//! apply is client-side apply: the last applied configuration is kept in the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation and a
//! three-way merge (last applied, new, live) decides the update.
//! Simplification: lists are replaced wholesale instead of merged by their
//! strategic-merge keys.

use super::{dry_run, namespace, parse_flags, print_api_error, print_dry_run, type_name};
use crate::args::{flag, Kind, Parsed};
use crate::manifest::{self, Document};
use crate::{Output, Session};
use kubarium_engine::api::decode;
use kubarium_engine::api::registry;
use kubarium_engine::api::{core, meta, Object};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The API server's request body limit (3 MiB, `MaxRequestBodyBytes`).
const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;

pub(crate) const FILE_FLAGS: &[crate::args::FlagSpec] = &[
    flag("filename", Some('f'), Kind::Multi),
    flag("recursive", Some('R'), Kind::Bool),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("validate", None, Kind::Value),
    flag("force", None, Kind::Bool),
    flag("save-config", None, Kind::Bool),
    flag("from-literal", None, Kind::Multi),
    flag("from-file", None, Kind::Multi),
    flag("type", None, Kind::Value),
    // create deployment (--image repeats), create job/cronjob (--image once: the last wins)
    flag("image", None, Kind::Multi),
    flag("replicas", Some('r'), Kind::Value),
    flag("port", None, Kind::Value),
    flag("from", None, Kind::Value),
    flag("schedule", None, Kind::Value),
    flag("restart", None, Kind::Value),
    flag("value", None, Kind::Value),
    flag("global-default", None, Kind::Bool),
    flag("description", None, Kind::Value),
    flag("preemption-policy", None, Kind::Value),
];

/// Reads the documents named by `-f` flags.
fn read_documents(
    s: &Session,
    p: &Parsed,
    stdin: Option<&str>,
    out: &mut Output,
) -> Option<Vec<Document>> {
    let files = p.all("filename");
    let mut docs = Vec::new();
    for f in files {
        let sources: Vec<(String, String)> = if f == "-" {
            vec![("STDIN".into(), stdin.unwrap_or("").to_string())]
        } else if let Some(list) = s.files.list_dir(&f) {
            let mut v = Vec::new();
            for path in list
                .into_iter()
                .filter(|x| x.ends_with(".yaml") || x.ends_with(".yml") || x.ends_with(".json"))
            {
                match s.files.read(&path) {
                    Ok(t) => v.push((path, t)),
                    Err(e) => {
                        out.fail(format!("error: {e}"));
                        return None;
                    }
                }
            }
            v
        } else {
            match s.files.read(&f) {
                Ok(t) => vec![(f.clone(), t)],
                Err(e) => {
                    out.fail(format!("error: {e}"));
                    return None;
                }
            }
        };
        for (name, text) in sources {
            match manifest::parse_documents(&name, &text) {
                Ok(d) => docs.extend(d),
                Err(e) => {
                    out.fail(format!("error: {e}"));
                    return None;
                }
            }
        }
    }
    Some(docs)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    Create,
}

pub(super) fn apply(s: &mut Session, words: &[String], stdin: Option<&str>, out: &mut Output) {
    let Some(p) = parse_flags("apply", words, FILE_FLAGS, out) else {
        return;
    };
    if !p.has("filename") {
        out.fail("error: must specify one of -f and -k\n");
        return;
    }
    let Some(docs) = read_documents(s, &p, stdin, out) else {
        return;
    };
    for d in docs {
        apply_one(s, &p, &d, Mode::Apply, out);
    }
}

pub(super) fn create(s: &mut Session, words: &[String], stdin: Option<&str>, out: &mut Output) {
    if matches!(
        words.first().map(String::as_str),
        Some("poddisruptionbudget" | "pdb")
    ) {
        return super::create_pdb::create_pdb(s, words, out);
    }
    let Some(p) = parse_flags("create", words, FILE_FLAGS, out) else {
        return;
    };
    match p.args.first().map(String::as_str) {
        None => {
            if !p.has("filename") {
                out.fail("error: must specify one of -f and -k\n");
                return;
            }
            let Some(docs) = read_documents(s, &p, stdin, out) else {
                return;
            };
            for d in docs {
                apply_one(s, &p, &d, Mode::Create, out);
            }
        }
        Some("namespace" | "ns") => {
            let Some(name) = p.args.get(1) else {
                out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples");
                return;
            };
            let ns = core::Namespace {
                metadata: meta::ObjectMeta {
                    name: Some(name.clone()),
                    ..Default::default()
                },
                ..Default::default()
            };
            submit_generated(s, &p, Object::Namespace(Box::new(ns)), None, out);
        }
        Some("configmap" | "cm") => {
            let Some(name) = p.args.get(1) else {
                out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create configmap -h' for help and examples");
                return;
            };
            let Some(data) = literal_data(s, &p, out) else {
                return;
            };
            let cm = core::ConfigMap {
                metadata: meta::ObjectMeta {
                    name: Some(name.clone()),
                    namespace: p.get("namespace").map(str::to_string),
                    ..Default::default()
                },
                data: (!data.is_empty()).then_some(data),
                ..Default::default()
            };
            submit_generated(
                s,
                &p,
                Object::ConfigMap(Box::new(cm)),
                Some("configmap"),
                out,
            );
        }
        Some("secret") => {
            if p.args.get(1).map(String::as_str) != Some("generic") {
                out.fail(
                    "error: only \"kubectl create secret generic\" is simulated by Kubarium yet",
                );
                return;
            }
            let Some(name) = p.args.get(2) else {
                out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create secret generic -h' for help and examples");
                return;
            };
            let Some(data) = literal_data(s, &p, out) else {
                return;
            };
            let secret = core::Secret {
                metadata: meta::ObjectMeta {
                    name: Some(name.clone()),
                    namespace: p.get("namespace").map(str::to_string),
                    ..Default::default()
                },
                data: (!data.is_empty()).then(|| {
                    data.into_iter()
                        .map(|(k, v)| (k, k8s_openapi::ByteString(v.into_bytes())))
                        .collect()
                }),
                type_: Some(p.get("type").unwrap_or("Opaque").to_string()),
                ..Default::default()
            };
            submit_generated(s, &p, Object::Secret(Box::new(secret)), Some("secret"), out);
        }
        Some("deployment" | "deploy") => {
            let Some(obj) = deployment_from_flags(&p, out) else {
                return;
            };
            submit_generated(s, &p, obj, None, out);
        }
        Some("job") => super::create_job::create_job(s, &p, out),
        Some("cronjob" | "cj") => super::create_job::create_cron_job(s, &p, out),
        Some("priorityclass" | "pc") => create_priority_class(s, &p, out),
        Some(other) => out.fail(format!(
            "error: \"kubectl create {other}\" is not simulated by Kubarium yet"
        )),
    }
}

/// `kubectl create deployment NAME --image=... [--replicas] [--port]`
/// (create_deployment.go): label `app=NAME`, one container per image named
/// after the image (path, tag and digest dropped).
fn deployment_from_flags(p: &Parsed, out: &mut Output) -> Option<Object> {
    use kubarium_engine::api::apps;
    let Some(name) = p.args.get(1) else {
        out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples");
        return None;
    };
    let images = p.all("image");
    if images.is_empty() {
        out.fail("error: required flag(s) \"image\" not set");
        return None;
    }
    let replicas = match p.get("replicas").map(str::parse::<i32>).transpose() {
        Ok(r) => r.unwrap_or(1),
        Err(_) => {
            let v = p.get("replicas").unwrap_or("");
            out.fail(format!("Error: invalid argument \"{v}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create deployment --help' for usage."));
            return None;
        }
    };
    let port = match p.get("port").map(str::parse::<i32>).transpose() {
        Ok(v) => v.filter(|p| *p >= 0),
        Err(_) => {
            let v = p.get("port").unwrap_or("");
            out.fail(format!("Error: invalid argument \"{v}\" for \"--port\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create deployment --help' for usage."));
            return None;
        }
    };
    if port.is_some() && images.len() > 1 {
        out.fail("error: cannot specify port with multiple images");
        return None;
    }
    let labels = BTreeMap::from([("app".to_string(), name.clone())]);
    let containers = images
        .iter()
        .map(|image| {
            let base = image.rsplit('/').next().unwrap_or(image);
            let base = base.split(':').next().unwrap_or(base);
            let base = base.split('@').next().unwrap_or(base);
            core::Container {
                name: base.replace('_', "-"),
                image: Some(image.clone()),
                ports: port.map(|p| {
                    vec![core::ContainerPort {
                        container_port: p,
                        ..Default::default()
                    }]
                }),
                resources: Some(Default::default()),
                ..Default::default()
            }
        })
        .collect();
    Some(Object::Deployment(Box::new(apps::Deployment {
        metadata: meta::ObjectMeta {
            name: Some(name.clone()),
            namespace: p.get("namespace").map(str::to_string),
            labels: Some(labels.clone()),
            ..Default::default()
        },
        spec: Some(apps::DeploymentSpec {
            replicas: Some(replicas),
            selector: meta::LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            strategy: Some(Default::default()),
            template: core::PodTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    containers,
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    })))
}

/// `kubectl create priorityclass NAME --value=VALUE --global-default=BOOL
/// [--description=...] [--preemption-policy=...]` (create_priorityclass.go).
fn create_priority_class(s: &mut Session, p: &Parsed, out: &mut Output) {
    let Some(name) = p.args.get(1) else {
        out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create priorityclass -h' for help and examples");
        return;
    };
    let value = match p.get("value").map(str::parse::<i32>) {
        None => 0,
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            let v = p.get("value").unwrap_or("");
            out.fail(format!(
                "Error: invalid argument \"{v}\" for \"--value\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create priorityclass --help' for usage."
            ));
            return;
        }
    };
    let pc = kubarium_engine::api::scheduling::PriorityClass {
        metadata: meta::ObjectMeta {
            name: Some(name.clone()),
            ..Default::default()
        },
        value,
        // `globalDefault` is omitted when false.
        global_default: p.bool("global-default").then_some(true),
        description: p
            .get("description")
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        preemption_policy: Some(
            p.get("preemption-policy")
                .unwrap_or("PreemptLowerPriority")
                .to_string(),
        ),
    };
    submit_generated(s, p, Object::PriorityClass(Box::new(pc)), None, out);
}

fn literal_data(s: &Session, p: &Parsed, out: &mut Output) -> Option<BTreeMap<String, String>> {
    let mut data = BTreeMap::new();
    for lit in p.all("from-literal") {
        let Some((k, v)) = lit.split_once('=') else {
            out.fail(format!(
                "error: invalid literal source {lit}, expected key=value"
            ));
            return None;
        };
        data.insert(k.to_string(), v.to_string());
    }
    for f in p.all("from-file") {
        let (key, path) = f
            .split_once('=')
            .map(|(k, p)| (k.to_string(), p.to_string()))
            .unwrap_or_else(|| (f.rsplit('/').next().unwrap_or(&f).to_string(), f.clone()));
        match s.files.read(&path) {
            Ok(t) => {
                data.insert(key, t);
            }
            Err(e) => {
                out.fail(format!("error: {e}"));
                return None;
            }
        }
    }
    Some(data)
}

/// Creates a generated object. The configmap and secret generators wrap a
/// server error as `error: failed to create configmap: <err>` (kubectl's
/// create_configmap.go / create_secret.go); namespace returns it as is.
pub(super) fn submit_generated(
    s: &mut Session,
    p: &Parsed,
    obj: Object,
    wrap: Option<&str>,
    out: &mut Output,
) {
    let Ok(dry) = dry_run(p, out) else { return };
    if dry {
        print_dry_run(&obj, "created", p.get("output"), out);
        return;
    }
    let r = obj.resource();
    let mut obj = obj;
    if r.namespaced {
        obj.meta_mut().namespace = Some(namespace(s, p));
    }
    match (s.sim.with_api(|api| api.create("kubectl", obj)), wrap) {
        (Ok(o), _) => out.out(format!("{} created\n", type_name(r, o.name()))),
        (Err(e), Some(what)) => out.fail(format!("error: failed to create {what}: {}", e.message)),
        (Err(e), None) => print_api_error(&e, None, out),
    }
}

/// Three-way merge of JSON objects: keys removed from `last` → `new` are
/// deleted from `live`, keys of `new` are set (maps merged recursively).
fn three_way(live: &Value, last: Option<&Value>, new: &Value) -> Value {
    match (live, new) {
        (Value::Object(l), Value::Object(n)) => {
            let mut out: Map<String, Value> = l.clone();
            if let Some(Value::Object(prev)) = last {
                for k in prev.keys() {
                    if !n.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            for (k, v) in n {
                let merged = match (l.get(k), v) {
                    (Some(lv @ Value::Object(_)), Value::Object(_)) => {
                        three_way(lv, last.and_then(|x| x.get(k)), v)
                    }
                    _ => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

fn strip_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, x| !x.is_null());
        for x in m.values_mut() {
            strip_nulls(x);
        }
    } else if let Value::Array(a) = v {
        for x in a {
            strip_nulls(x);
        }
    }
}

fn apply_one(s: &mut Session, p: &Parsed, d: &Document, mode: Mode, out: &mut Output) {
    let verb = if mode == Mode::Apply {
        "applying"
    } else {
        "creating"
    };
    let v = &d.value;
    let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if !v.is_object() || api_version.is_empty() || kind.is_empty() {
        let mut missing = Vec::new();
        if api_version.is_empty() {
            missing.push("apiVersion not set");
        }
        if kind.is_empty() {
            missing.push("kind not set");
        }
        let what = if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        };
        out.fail(format!(
            "error: error validating \"{}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false",
            d.source
        ));
        return;
    }
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let doc_ns = v
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(r) = registry::by_kind(api_version, kind) else {
        out.fail(format!(
            "error: resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
            doc_ns.clone().unwrap_or_default(),
            d.source
        ));
        return;
    };
    let flag_ns = p.get("namespace").map(str::to_string);
    if let (Some(dn), Some(fnn)) = (&doc_ns, &flag_ns) {
        if r.namespaced && dn != fnn {
            out.fail(format!("error: the namespace from the provided object \"{dn}\" does not match the namespace \"{fnn}\". You must pass '--namespace={dn}' to perform this operation."));
            return;
        }
    }
    let ns = doc_ns.or(flag_ns).unwrap_or_else(|| s.namespace.clone());
    let mut value = v.clone();
    strip_nulls(&mut value);
    let context = format!("error when {verb} \"{}\"", d.source);
    // kube-apiserver refuses request bodies over 3 MiB (MaxRequestBodyBytes).
    if serde_json::to_vec(&value).map_or(0, |b| b.len()) > MAX_REQUEST_BYTES {
        out.fail(format!(
            "Error from server (RequestEntityTooLarge): {context}: Request entity too large: limit is {MAX_REQUEST_BYTES}"
        ));
        return;
    }
    let mut obj = match decode::decode(value.clone()) {
        Ok(o) => o,
        Err(e) => {
            out.fail(format!(
                "Error from server (BadRequest): error when creating \"{}\": {e}",
                d.source
            ));
            return;
        }
    };
    if r.namespaced {
        obj.meta_mut().namespace = Some(ns.clone());
    }
    if mode == Mode::Apply {
        // The annotation holds the applied configuration, as kubectl stores it.
        let mut stored = value.clone();
        if let Some(m) = stored
            .pointer_mut("/metadata/annotations")
            .and_then(Value::as_object_mut)
        {
            m.remove(LAST_APPLIED);
        }
        let text = serde_json::to_string(&stored).unwrap_or_default() + "\n";
        obj.meta_mut()
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(LAST_APPLIED.into(), text);
    }
    let Ok(dry) = dry_run(p, out) else { return };
    let live = s.sim.api().get(r, &ns, &name).cloned();
    if dry {
        let verb = match (&live, mode) {
            (Some(_), Mode::Apply) => "configured",
            _ => "created",
        };
        print_dry_run(&obj, verb, p.get("output"), out);
        return;
    }
    match (mode, live) {
        (Mode::Apply, Some(live)) => {
            let live_v = live.to_value();
            let last: Option<Value> = live
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(LAST_APPLIED))
                .and_then(|t| serde_json::from_str(t).ok());
            let new_v = obj.to_value();
            let merged = three_way(&live_v, last.as_ref(), &new_v);
            if merged == live_v {
                out.out(format!("{} unchanged\n", type_name(r, &name)));
                return;
            }
            let merged_obj = match Object::from_value(api_version, kind, merged) {
                Some(Ok(o)) => o,
                Some(Err(e)) => {
                    out.fail(format!("error: {e}"));
                    return;
                }
                None => return,
            };
            match s.sim.with_api(|api| api.update("kubectl", merged_obj)) {
                // Lists are merged whole here, so a re-applied manifest can
                // differ from the live object only by defaults the server
                // fills in again: the API server then writes nothing, and
                // kubectl (whose strategic patch would be empty) says
                // "unchanged".
                Ok(o) if o.meta().resource_version == live.meta().resource_version => {
                    out.out(format!("{} unchanged\n", type_name(r, &name)))
                }
                Ok(_) => out.out(format!("{} configured\n", type_name(r, &name))),
                Err(e) => print_api_error(&e, Some("error when applying patch"), out),
            }
        }
        (_, _) => match s.sim.with_api(|api| api.create("kubectl", obj)) {
            Ok(o) => out.out(format!("{} created\n", type_name(r, o.name()))),
            Err(e) => print_api_error(&e, Some(&context), out),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_way_merge_removes_what_was_dropped_from_the_config() {
        let live = json!({"metadata": {"labels": {"a": "1", "b": "2", "server": "x"}}});
        let last = json!({"metadata": {"labels": {"a": "1", "b": "2"}}});
        let new = json!({"metadata": {"labels": {"a": "3"}}});
        assert_eq!(
            three_way(&live, Some(&last), &new),
            json!({"metadata": {"labels": {"a": "3", "server": "x"}}})
        );
    }
}
