//! `kubectl set image|env|resources` (k8s.io/kubectl/pkg/cmd/set) on the
//! pod template of Deployments and ReplicaSets, and on Pods (where the API
//! server allows the change: a pod's image, not its env or resources).

use super::{namespace, parse_flags, print_api_error, resolve_type, type_name};
use crate::args::{flag, Kind, Parsed};
use crate::{Output, Session};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kubarium_engine::api::registry::ResourceInfo;
use kubarium_engine::api::{core, quantity, Object};
use std::collections::BTreeMap;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("all", None, Kind::Bool),
    flag("containers", Some('c'), Kind::Value),
    flag("env", Some('e'), Kind::Multi),
    flag("limits", None, Kind::Value),
    flag("requests", None, Kind::Value),
    flag("selector", Some('l'), Kind::Value),
    flag("filename", Some('f'), Kind::Multi),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("local", None, Kind::Bool),
    flag("overwrite", None, Kind::Bool),
];

/// `kubectl set SUBCOMMAND`.
pub(super) fn set(s: &mut Session, words: &[String], out: &mut Output) {
    let Some((sub, rest)) = words.split_first() else {
        out.out("Configure application resources.\n");
        return;
    };
    if !matches!(sub.as_str(), "image" | "env" | "resources") {
        out.fail(format!(
            "error: \"kubectl set {sub}\" is not simulated by Kubarium yet"
        ));
        return;
    }
    let Some(p) = parse_flags(&format!("set {sub}"), rest, FLAGS, out) else {
        return;
    };
    if let Some(f) = ["filename", "selector", "all"]
        .into_iter()
        .find(|f| p.has(f))
    {
        out.fail(format!(
            "error: \"kubectl set --{f}\" is not simulated by Kubarium yet; name the resources as TYPE NAME or TYPE/NAME"
        ));
        return;
    }
    let ns = namespace(s, &p);
    // Resources first (TYPE/NAME... or TYPE NAME...), then KEY=VALUE words.
    let mut targets: Vec<(&'static ResourceInfo, String)> = Vec::new();
    let mut pairs: Vec<String> = Vec::new();
    let resource_words: Vec<&String> = p
        .args
        .iter()
        .take_while(|w| !(w.contains('=') || sub == "env" && w.ends_with('-')))
        .collect();
    if super::mixed_resource_forms(&resource_words, out) {
        return;
    }
    let mut words = p.args.iter().peekable();
    if let Some(first) = words.peek().map(|w| w.to_string()) {
        if first.contains('/') && !first.contains('=') {
            while let Some(w) = words.peek() {
                if w.contains('=') || !w.contains('/') {
                    break;
                }
                let (t, n) = w.split_once('/').unwrap_or((w, ""));
                let Some(r) = resolve_type(t, out) else {
                    return;
                };
                targets.push((r, n.to_string()));
                words.next();
            }
        } else if !first.contains('=') {
            words.next();
            let Some(r) = resolve_type(&first, out) else {
                return;
            };
            while let Some(w) = words.peek() {
                if w.contains('=') || (sub == "env" && w.ends_with('-')) {
                    break;
                }
                targets.push((r, w.to_string()));
                words.next();
            }
        }
    }
    pairs.extend(words.cloned());
    pairs.extend(p.all("env"));
    if targets.is_empty() {
        out.fail(super::NO_RESOURCES);
        return;
    }
    let change = match sub.as_str() {
        "image" => {
            if pairs.is_empty() {
                out.fail("error: at least one image update is required");
                return;
            }
            Change::Image(
                pairs
                    .iter()
                    .filter_map(|w| w.split_once('='))
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            )
        }
        "env" => {
            if pairs.is_empty() {
                out.fail("error: at least one environment variable must be provided");
                return;
            }
            Change::Env(pairs)
        }
        _ => {
            let (limits, requests) = (p.get("limits"), p.get("requests"));
            if limits.is_none() && requests.is_none() {
                out.fail("error: you must specify an update to requests or limits (in the form of --requests/--limits)");
                return;
            }
            let parse = |v: Option<&str>, out: &mut Output| -> Option<BTreeMap<String, Quantity>> {
                let mut m = BTreeMap::new();
                for kv in v.unwrap_or("").split(',').filter(|x| !x.is_empty()) {
                    // generateversioned's populateResourceListV1.
                    let (k, q) = match kv.split('=').collect::<Vec<_>>()[..] {
                        [k, q] => (k, q),
                        _ => {
                            out.fail(format!(
                                "error: Invalid argument syntax {kv}, expected <resource>=<value>"
                            ));
                            return None;
                        }
                    };
                    if let Err(e) = quantity::parse(q) {
                        out.fail(format!("error: {e}"));
                        return None;
                    }
                    m.insert(k.to_string(), Quantity(q.to_string()));
                }
                Some(m)
            };
            let Some(l) = parse(limits, out) else { return };
            let Some(r) = parse(requests, out) else {
                return;
            };
            Change::Resources(l, r)
        }
    };
    let containers = p.get("containers").unwrap_or("*").to_string();
    for (r, name) in targets {
        apply_change(s, &p, r, &ns, &name, &change, &containers, out);
    }
}

enum Change {
    Image(Vec<(String, String)>),
    Env(Vec<String>),
    Resources(BTreeMap<String, Quantity>, BTreeMap<String, Quantity>),
}

fn matches_glob(pattern: &str, name: &str) -> bool {
    pattern == "*" || pattern == name
}

#[allow(clippy::too_many_arguments)]
fn apply_change(
    s: &mut Session,
    _p: &Parsed,
    r: &ResourceInfo,
    ns: &str,
    name: &str,
    change: &Change,
    containers: &str,
    out: &mut Output,
) {
    let Some(mut obj) = s.sim.api().get(r, ns, name).cloned() else {
        out.fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            r.qualified_plural()
        ));
        return;
    };
    let before = obj.clone();
    let spec: &mut core::PodSpec = match &mut obj {
        Object::Deployment(d) => d
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        Object::ReplicaSet(rs) => rs
            .spec
            .get_or_insert_with(Default::default)
            .template
            .get_or_insert_with(Default::default)
            .spec
            .get_or_insert_with(Default::default),
        Object::Pod(p) => p.spec.get_or_insert_with(Default::default),
        Object::DaemonSet(x) => x
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        Object::StatefulSet(x) => x
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        Object::Job(x) => x
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        Object::CronJob(x) => x
            .spec
            .get_or_insert_with(Default::default)
            .job_template
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        other => {
            out.fail(format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: {}",
                other.resource().singular,
                other.kind()
            ));
            return;
        }
    };
    let what = match change {
        Change::Image(pairs) => {
            for (c, image) in pairs {
                let mut found = false;
                for ct in spec
                    .init_containers
                    .iter_mut()
                    .flatten()
                    .chain(spec.containers.iter_mut())
                {
                    if c == "*" || ct.name == *c {
                        ct.image = Some(image.clone());
                        found = true;
                    }
                }
                if !found {
                    out.fail(format!("error: unable to find container named {c:?}"));
                    return;
                }
            }
            "image updated"
        }
        Change::Env(pairs) => {
            for ct in spec
                .containers
                .iter_mut()
                .filter(|c| matches_glob(containers, &c.name))
            {
                let env = ct.env.get_or_insert_with(Vec::new);
                for pair in pairs {
                    if let Some((k, v)) = pair.split_once('=') {
                        match env.iter_mut().find(|e| e.name == k) {
                            Some(e) => {
                                e.value = Some(v.to_string());
                                e.value_from = None;
                            }
                            None => env.push(core::EnvVar {
                                name: k.to_string(),
                                value: Some(v.to_string()),
                                value_from: None,
                            }),
                        }
                    } else if let Some(k) = pair.strip_suffix('-') {
                        env.retain(|e| e.name != k);
                    }
                }
                if env.is_empty() {
                    ct.env = None;
                }
            }
            "env updated"
        }
        Change::Resources(limits, requests) => {
            // set_resources.go: the selected containers and init containers.
            let mut found = false;
            for ct in spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut().flatten())
                .filter(|c| matches_glob(containers, &c.name))
            {
                found = true;
                let res = ct.resources.get_or_insert_with(Default::default);
                if !limits.is_empty() {
                    res.limits
                        .get_or_insert_with(BTreeMap::new)
                        .extend(limits.clone());
                }
                if !requests.is_empty() {
                    res.requests
                        .get_or_insert_with(BTreeMap::new)
                        .extend(requests.clone());
                }
            }
            if !found {
                out.fail(format!(
                    "error: unable to find container named {containers}"
                ));
                return;
            }
            "resource requirements updated"
        }
    };
    let tn = type_name(r, name);
    if obj == before {
        // No change: kubectl sends no patch and prints nothing.
        return;
    }
    obj.meta_mut().resource_version = None;
    match s.sim.with_api(|api| api.update("kubectl", obj)) {
        Ok(_) => out.out(format!("{tn} {what}\n")),
        Err(e) => print_api_error(&e, None, out),
    }
}
