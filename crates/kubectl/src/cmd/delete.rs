//! `kubectl delete`: by name, `-f`, `-l`, `--all`; `--grace-period`,
//! `--force`, `--cascade`; and like kubectl it waits (in virtual time) until
//! the objects are gone (`--wait`, default true).

use super::{list, namespace, parse_flags, print_api_error, resolve_type};
use crate::args::{flag, Kind};
use crate::manifest;
use crate::{Output, Session};
use kubarium_engine::api::registry::{self, ResourceInfo};
use kubarium_engine::apiserver::{DeleteOptions, Propagation};
use kubarium_engine::clock::SECOND;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("filename", Some('f'), Kind::Multi),
    flag("selector", Some('l'), Kind::Value),
    flag("all", None, Kind::Bool),
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("grace-period", None, Kind::Value),
    flag("force", None, Kind::Bool),
    flag("cascade", None, Kind::Value),
    flag("wait", None, Kind::Bool),
    flag("now", None, Kind::Bool),
    flag("ignore-not-found", None, Kind::Bool),
    flag("timeout", None, Kind::Value),
];

pub(super) fn delete(s: &mut Session, words: &[String], stdin: Option<&str>, out: &mut Output) {
    let Some(p) = parse_flags("delete", words, FLAGS, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let mut grace: Option<i64> = match p.get("grace-period").map(str::parse::<i64>).transpose() {
        Ok(g) => g.filter(|g| *g >= 0),
        Err(_) => {
            out.fail(format!("error: invalid argument \"{}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", p.get("grace-period").unwrap_or(""), p.get("grace-period").unwrap_or("")));
            return;
        }
    };
    if p.bool("now") {
        grace = Some(1);
    }
    let force = p.bool("force");
    if force {
        if grace.is_none() {
            grace = Some(0);
        }
        if grace == Some(0) {
            out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
        }
    } else if grace == Some(0) {
        // kubectl turns --grace-period=0 without --force into 1 s.
        grace = Some(1);
    }
    let propagation = match p.get("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            out.fail(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""));
            return;
        }
    };
    let opts = DeleteOptions {
        grace_period_seconds: grace,
        propagation,
    };

    // Targets: (resource, namespace, name).
    let mut targets: Vec<(&'static ResourceInfo, String, String)> = Vec::new();
    if p.has("filename") {
        for f in p.all("filename") {
            let text = if f == "-" {
                Ok(stdin.unwrap_or("").to_string())
            } else {
                s.files.read(&f)
            };
            let docs = match text
                .map_err(|e| format!("error: {e}"))
                .and_then(|t| manifest::parse_documents(&f, &t).map_err(|e| format!("error: {e}")))
            {
                Ok(d) => d,
                Err(e) => {
                    out.fail(e);
                    return;
                }
            };
            for d in docs {
                let av = d
                    .value
                    .get("apiVersion")
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                let k = d.value.get("kind").and_then(|v| v.as_str()).unwrap_or("");
                let name = d
                    .value
                    .pointer("/metadata/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string();
                let dns = d
                    .value
                    .pointer("/metadata/namespace")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| ns.clone());
                match registry::by_kind(av, k) {
                    Some(r) => targets.push((r, dns, name)),
                    None => out.fail(format!("error: resource mapping not found for name: \"{name}\" namespace: \"\" from \"{f}\": no matches for kind \"{k}\" in version \"{av}\"\nensure CRDs are installed first")),
                }
            }
        }
    } else {
        if p.args.is_empty() {
            out.fail(super::NO_RESOURCES);
            return;
        }
        if super::mixed_resource_forms(&p.args, out) {
            return;
        }
        let slash = p.args.iter().any(|a| a.contains('/'));
        if slash {
            for a in &p.args {
                let (t, n) = a.split_once('/').unwrap_or((a, ""));
                let Some(r) = resolve_type(t, out) else {
                    return;
                };
                targets.push((r, ns.clone(), n.to_string()));
            }
        } else {
            let mut types = Vec::new();
            for t in p.args[0].split(',') {
                let Some(r) = resolve_type(t, out) else {
                    return;
                };
                types.push(r);
            }
            let names = &p.args[1..];
            if names.is_empty() && !p.bool("all") && !p.has("selector") {
                out.fail("error: resource(s) were provided, but no name was specified");
                return;
            }
            let Ok(sel) = super::selector_flag(&p, out) else {
                return;
            };
            for r in types {
                if names.is_empty() {
                    let scope = if p.bool("all-namespaces") {
                        None
                    } else {
                        Some(ns.as_str())
                    };
                    let objs = list(s, r, scope);
                    let mut any = false;
                    for o in objs {
                        if sel
                            .as_ref()
                            .is_none_or(|sel| sel.matches(o.meta().labels.as_ref()))
                        {
                            any = true;
                            targets.push((r, o.namespace().to_string(), o.name().to_string()));
                        }
                    }
                    if !any {
                        out.err(crate::printers::table::no_resources_message(scope));
                    }
                } else {
                    for n in names {
                        targets.push((r, ns.clone(), n.clone()));
                    }
                }
            }
        }
    }

    let mut deleted = Vec::new();
    for (r, tns, name) in targets {
        match s
            .sim
            .with_api(|api| api.delete("kubectl", r, &tns, &name, opts))
        {
            Ok(_) => {
                let word = if force && grace == Some(0) {
                    "force deleted"
                } else {
                    "deleted"
                };
                let shown = if r.group.is_empty() {
                    r.singular.to_string()
                } else {
                    format!("{}.{}", r.singular, r.group)
                };
                out.out(format!("{shown} \"{name}\" {word}\n"));
                deleted.push((r, tns, name));
            }
            Err(e)
                if e.reason == kubarium_engine::apiserver::Reason::NotFound
                    && p.bool("ignore-not-found") => {}
            Err(e) => print_api_error(&e, None, out),
        }
    }
    // kubectl waits for the objects to disappear (virtual time passes).
    let wait = p.get("wait").is_none_or(|w| w == "true");
    if wait && !deleted.is_empty() {
        super::blocking::Wait::new(s, 5 * 60 * SECOND, 100).until(s, |s| {
            let api = s.sim.api();
            deleted
                .iter()
                .all(|(r, n, name)| api.get(r, n, name).is_none())
                .then_some(())
        });
    }
}
