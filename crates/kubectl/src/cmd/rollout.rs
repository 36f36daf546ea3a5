//! `kubectl rollout status|history|undo|pause|resume|restart` for
//! Deployments (k8s.io/kubectl/pkg/cmd/rollout and
//! pkg/polymorphichelpers: `DeploymentStatusViewer`, `DeploymentHistoryViewer`,
//! `DeploymentRollbacker`, `defaultObjectPauser`/`Resumer`/`Restarter`).
//! `status` blocks as kubectl does: it advances virtual time until the
//! rollout is done, fails, or `--timeout` passes.

use super::{namespace, parse_flags, print_api_error, resolve_type, type_name};
use crate::args::{flag, Kind, Parsed};
use crate::{Output, Session};
use kubarium_engine::api::registry::ResourceInfo;
use kubarium_engine::api::{apps, Object};
use kubarium_engine::controller::deployment::util as dutil;
use std::collections::BTreeMap;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("filename", Some('f'), Kind::Multi),
    flag("selector", Some('l'), Kind::Value),
    flag("timeout", None, Kind::Value),
    flag("watch", Some('w'), Kind::Bool),
    flag("revision", None, Kind::Value),
    flag("to-revision", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("dry-run", None, Kind::Value),
];

/// Virtual time `rollout status` waits at most without `--timeout` (real
/// kubectl waits forever; a transcript must end).
const STATUS_CAP_MS: u64 = 3_600_000;
/// The step by which `rollout status` advances the clock between checks.
const STATUS_STEP_MS: u64 = 100;

/// The Deployment's ReplicaSets as kubectl finds them (same namespace,
/// controlled by it), oldest first, split into (old, new).
pub(super) fn replica_sets_of(
    s: &Session,
    d: &apps::Deployment,
) -> (Vec<apps::ReplicaSet>, Option<apps::ReplicaSet>) {
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let mut all: Vec<apps::ReplicaSet> = s
        .sim
        .api()
        .dependents_of(&uid)
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs)
                if kubarium_engine::api::podutil::is_controlled_by(&rs.metadata, &uid) =>
            {
                Some((**rs).clone())
            }
            _ => None,
        })
        .collect();
    all.sort_by(|a, b| {
        let ka = (
            a.metadata.creation_timestamp.as_ref().map(|t| t.0),
            &a.metadata.name,
        );
        let kb = (
            b.metadata.creation_timestamp.as_ref().map(|t| t.0),
            &b.metadata.name,
        );
        ka.cmp(&kb)
    });
    let template = d
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let new_idx = all
        .iter()
        .position(|rs| dutil::equal_ignore_hash(&dutil::rs_template(rs), &template));
    let new = new_idx.map(|i| all.remove(i));
    (all, new)
}

/// Resolves `TYPE NAME...` or `TYPE/NAME...` into (resource, names).
fn targets(
    sub: &str,
    p: &Parsed,
    out: &mut Output,
) -> Option<Vec<(&'static ResourceInfo, String)>> {
    let args = &p.args;
    if args.is_empty() {
        // kubectl 1.32 prints no "See ... -h" line here.
        out.fail("error: required resource not specified");
        return None;
    }
    let mut v = Vec::new();
    if args[0].contains('/') {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                out.fail(super::MIXED_RESOURCE_FORMS);
                return None;
            };
            v.push((resolve_type(t, out)?, n.to_string()));
        }
    } else {
        let r = resolve_type(&args[0], out)?;
        if args.len() == 1 {
            out.fail(format!(
                "error: \"kubectl rollout {sub}\" of every {} is not simulated by Kubarium yet; name one",
                r.plural
            ));
            return None;
        }
        for n in &args[1..] {
            v.push((r, n.clone()));
        }
    }
    Some(v)
}

/// Gets the Deployment, or prints kubectl's error (NotFound, or the
/// kind not being supported by the sub-command).
fn get_deployment(
    s: &Session,
    r: &ResourceInfo,
    ns: &str,
    name: &str,
    unsupported: &str,
    out: &mut Output,
) -> Option<apps::Deployment> {
    let Some(obj) = s.sim.api().get(r, ns, name) else {
        out.fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            r.qualified_plural()
        ));
        return None;
    };
    match obj {
        Object::Deployment(d) => Some((**d).clone()),
        other => {
            let gk = match other.api_version().split_once('/') {
                Some((g, _)) => format!("{}.{g}", other.kind()),
                None => other.kind().to_string(),
            };
            out.fail(format!("error: {unsupported} {gk}"));
            None
        }
    }
}

/// DaemonSets and StatefulSets go to their own viewers, rollbackers and
/// restarters (`rollout_sets`); `None` for other kinds.
fn set_kind(r: &ResourceInfo) -> Option<&'static str> {
    match (r.group, r.kind) {
        ("apps", "DaemonSet") => Some("DaemonSet"),
        ("apps", "StatefulSet") => Some("StatefulSet"),
        _ => None,
    }
}

/// Prints a `rollout_sets` result: stdout, or kubectl's error.
fn print_set_result(r: Result<String, String>, out: &mut Output) -> bool {
    match r {
        Ok(text) => {
            out.out(text);
            true
        }
        Err(e) => {
            out.fail(e);
            false
        }
    }
}

/// `kubectl rollout SUBCOMMAND`.
pub(super) fn rollout(s: &mut Session, words: &[String], out: &mut Output) {
    let Some((sub, rest)) = words.split_first() else {
        out.out("Manage the rollout of one or many resources.\n");
        return;
    };
    let Some(p) = parse_flags(&format!("rollout {sub}"), rest, FLAGS, out) else {
        return;
    };
    if let Some(f) = ["filename", "selector", "all"]
        .into_iter()
        .find(|f| p.has(f))
    {
        out.fail(format!(
            "error: \"kubectl rollout --{f}\" is not simulated by Kubarium yet; name the resources as TYPE NAME or TYPE/NAME"
        ));
        return;
    }
    let ns = namespace(s, &p);
    match sub.as_str() {
        "status" => status(s, &p, &ns, out),
        "history" => history(s, &p, &ns, out),
        "undo" => undo(s, &p, &ns, out),
        "pause" | "resume" => pause_resume(s, &p, &ns, sub == "pause", out),
        "restart" => restart(s, &p, &ns, out),
        other => out.fail(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\"\n\nDid you mean this?\n\tstatus\n\thistory\n\tundo\n\tpause\n\tresume\n\trestart\n"
        )),
    }
}

/// `DeploymentStatusViewer.Status`: (message, done) or the error.
pub fn status_message(d: &apps::Deployment) -> Result<(String, bool), String> {
    let name = d.metadata.name.as_deref().unwrap_or("");
    let st = d.status.clone().unwrap_or_default();
    let g = |v: Option<i32>| v.unwrap_or(0);
    if d.metadata.generation.unwrap_or(0) > st.observed_generation.unwrap_or(0) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    if dutil::condition(&st, "Progressing")
        .is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded"))
    {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let want = d.spec.as_ref().and_then(|s| s.replicas);
    let updated = g(st.updated_replicas);
    if let Some(want) = want.filter(|w| updated < *w) {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {want} new replicas have been updated...\n"), false));
    }
    if g(st.replicas) > updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", g(st.replicas) - updated), false));
    }
    if g(st.available_replicas) < updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} of {updated} updated replicas are available...\n", g(st.available_replicas)), false));
    }
    Ok((
        format!("deployment {name:?} successfully rolled out\n"),
        true,
    ))
}

fn status(s: &mut Session, p: &Parsed, ns: &str, out: &mut Output) {
    let Some(t) = targets("status", p, out) else {
        return;
    };
    let timeout = match p.get("timeout") {
        None => 0,
        Some(v) => match super::duration_flag("rollout status", "timeout", v, out) {
            Some(ms) => ms.max(0) as u64,
            None => return,
        },
    };
    let watch = p.get("watch").is_none_or(|w| w == "true");
    for (r, name) in t {
        let wait = super::blocking::Wait::new(
            s,
            if timeout == 0 { STATUS_CAP_MS } else { timeout },
            STATUS_STEP_MS,
        );
        // Each poll answers `Some(Ok)` when the rollout is done (or when not
        // watching), `Some(Err)` after printing an error.
        let outcome = if let Some(kind) = set_kind(r) {
            // The DaemonSet/StatefulSet viewers: a line per new message.
            let mut last: Option<String> = None;
            wait.until(s, |s| {
                let r = match kind {
                    "DaemonSet" => super::rollout_sets::status_daemonset(s, ns, &name),
                    _ => super::rollout_sets::status_statefulset(s, ns, &name),
                };
                match r {
                    Ok((msg, done)) => {
                        if last.as_deref() != Some(msg.as_str()) {
                            out.out(msg.clone());
                            last = Some(msg);
                        }
                        (done || !watch).then_some(Ok(()))
                    }
                    Err(e) => {
                        out.fail(e);
                        Some(Err(()))
                    }
                }
            })
        } else {
            // Deployments: a line per change of the object (a watch event).
            let mut last_rv: Option<String> = None;
            wait.until(s, |s| {
                let Some(d) = get_deployment(
                    s,
                    r,
                    ns,
                    &name,
                    "no status viewer has been implemented for",
                    out,
                ) else {
                    return Some(Err(()));
                };
                if last_rv.as_deref() == d.metadata.resource_version.as_deref() {
                    return None;
                }
                last_rv = d.metadata.resource_version.clone();
                match status_message(&d) {
                    Ok((msg, done)) => {
                        out.out(msg);
                        (done || !watch).then_some(Ok(()))
                    }
                    Err(e) => {
                        out.fail(format!("error: {e}"));
                        Some(Err(()))
                    }
                }
            })
        };
        match outcome {
            Some(Ok(())) => {}
            Some(Err(())) => return,
            None => {
                out.fail("error: timed out waiting for the condition");
                return;
            }
        }
    }
}

fn history(s: &mut Session, p: &Parsed, ns: &str, out: &mut Output) {
    let Some(t) = targets("history", p, out) else {
        return;
    };
    let revision: i64 = match p.get("revision").map(str::parse).transpose() {
        Ok(r) => r.unwrap_or(0),
        Err(_) => {
            out.fail("error: invalid argument for \"--revision\" flag");
            return;
        }
    };
    for (r, name) in t {
        if let Some(kind) = set_kind(r) {
            // Revision details (`--revision`) are shown for Deployments only.
            let res = match kind {
                "DaemonSet" => super::rollout_sets::history_daemonset(s, ns, &name),
                _ => super::rollout_sets::history_statefulset(s, ns, &name),
            };
            // The printer's `TYPE/NAME ` header and the blank line after the
            // table, as for Deployments.
            let tn = type_name(r, &name);
            if !print_set_result(res.map(|t| format!("{tn} \n{t}\n")), out) {
                return;
            }
            continue;
        }
        let Some(d) = get_deployment(
            s,
            r,
            ns,
            &name,
            "no history viewer has been implemented for",
            out,
        ) else {
            return;
        };
        let (old, new) = replica_sets_of(s, &d);
        // historyInfo: revision → the ReplicaSet's template (the last one
        // wins when two claim a revision).
        let mut by_rev: BTreeMap<i64, apps::ReplicaSet> = BTreeMap::new();
        for rs in old.into_iter().chain(new) {
            let v = dutil::revision(&rs.metadata);
            by_rev.insert(v, rs);
        }
        let tn = type_name(r, &name);
        if revision > 0 {
            let Some(rs) = by_rev.get(&revision) else {
                out.fail("error: unable to find the specified revision");
                return;
            };
            let mut tmpl = dutil::rs_template(rs);
            // The change-cause annotation shows in the template printout.
            if let Some(cc) = rs
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(dutil::CHANGE_CAUSE))
            {
                tmpl.metadata
                    .get_or_insert_with(Default::default)
                    .annotations
                    .get_or_insert_with(BTreeMap::new)
                    .insert(dutil::CHANGE_CAUSE.into(), cc.clone());
            }
            out.out(format!(
                "{tn} with revision #{revision}\n{}\n",
                crate::printers::describe::describe_pod_template(&tmpl)
            ));
            continue;
        }
        let mut tw = crate::printers::table::TabWriter::for_describe();
        tw.write("REVISION\tCHANGE-CAUSE\n");
        for (v, rs) in &by_rev {
            let cause = rs
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(dutil::CHANGE_CAUSE))
                .filter(|c| !c.is_empty())
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            tw.write(&format!("{v}\t{cause}\n"));
        }
        out.out(format!("{tn} \n{}\n", tw.flush()));
    }
}

fn undo(s: &mut Session, p: &Parsed, ns: &str, out: &mut Output) {
    let Some(t) = targets("undo", p, out) else {
        return;
    };
    let to: i64 = match p.get("to-revision").map(str::parse).transpose() {
        Ok(r) => r.unwrap_or(0),
        Err(_) => {
            out.fail("error: invalid argument for \"--to-revision\" flag");
            return;
        }
    };
    for (r, name) in t {
        if let Some(kind) = set_kind(r) {
            let res = match kind {
                "DaemonSet" => super::rollout_sets::undo_daemonset(s, ns, &name, to),
                _ => super::rollout_sets::undo_statefulset(s, ns, &name, to),
            };
            if !print_set_result(res, out) {
                return;
            }
            continue;
        }
        let Some(mut d) = get_deployment(
            s,
            r,
            ns,
            &name,
            "no rollbacker has been implemented for",
            out,
        ) else {
            return;
        };
        if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
            out.fail("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
            return;
        }
        // deploymentRevision: the given revision, or the second newest.
        let (old, new) = replica_sets_of(s, &d);
        let mut found = None;
        let mut latest: Option<(i64, &apps::ReplicaSet)> = None;
        let mut previous: Option<(i64, &apps::ReplicaSet)> = None;
        let all: Vec<&apps::ReplicaSet> = old.iter().chain(new.as_ref()).collect();
        for rs in &all {
            let v = dutil::revision(&rs.metadata);
            if to == 0 {
                if latest.is_none_or(|(l, _)| l < v) {
                    previous = latest;
                    latest = Some((v, rs));
                } else if previous.is_none_or(|(p, _)| p < v) {
                    previous = Some((v, rs));
                }
            } else if v == to {
                found = Some(*rs);
                break;
            }
        }
        let target = if to > 0 {
            match found {
                Some(rs) => rs,
                None => {
                    out.fail(format!(
                        "error: unable to find specified revision {to} in history"
                    ));
                    return;
                }
            }
        } else {
            match previous {
                Some((_, rs)) => rs,
                None => {
                    out.fail(format!(
                        "error: no rollout history found for deployment {name:?}"
                    ));
                    return;
                }
            }
        };
        let tn = type_name(r, &name);
        let mut template = dutil::rs_template(target);
        let spec = d.spec.get_or_insert_with(Default::default);
        if dutil::equal_ignore_hash(&template, &spec.template) {
            out.out(format!(
                "{tn} skipped rollback (current template already matches revision {to})\n"
            ));
            continue;
        }
        if let Some(l) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
            l.remove(dutil::POD_TEMPLATE_HASH);
        }
        spec.template = template;
        // The Deployment keeps its own skipped annotations and takes the
        // ReplicaSet's others (change-cause among them).
        let mut annotations: BTreeMap<String, String> = d
            .metadata
            .annotations
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| dutil::skip_copy_annotation(k))
            .collect();
        for (k, v) in target.metadata.annotations.iter().flatten() {
            if !dutil::skip_copy_annotation(k) {
                annotations.insert(k.clone(), v.clone());
            }
        }
        d.metadata.annotations = Some(annotations);
        d.metadata.resource_version = None;
        match s
            .sim
            .with_api(|api| api.update("kubectl", Object::Deployment(Box::new(d))))
        {
            Ok(_) => out.out(format!("{tn} rolled back\n")),
            Err(e) => out.fail(format!(
                "error: failed restoring revision {to}: {}",
                e.message
            )),
        }
    }
}

fn pause_resume(s: &mut Session, p: &Parsed, ns: &str, pause: bool, out: &mut Output) {
    let sub = if pause { "pause" } else { "resume" };
    let Some(t) = targets(sub, p, out) else {
        return;
    };
    for (r, name) in t {
        let Some(mut d) = get_deployment(
            s,
            r,
            ns,
            &name,
            &format!("{sub}ing is not supported for"),
            out,
        ) else {
            return;
        };
        let tn = type_name(r, &name);
        let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
        if pause == paused {
            let what = if pause {
                "is already paused"
            } else {
                "is not paused"
            };
            out.fail(format!("error: {} {name:?} {what}", r.qualified_plural()));
            continue;
        }
        d.spec.get_or_insert_with(Default::default).paused = pause.then_some(true);
        match s
            .sim
            .with_api(|api| api.update("kubectl", Object::Deployment(Box::new(d))))
        {
            Ok(_) => out.out(format!(
                "{tn} {}\n",
                if pause { "paused" } else { "resumed" }
            )),
            Err(e) => print_api_error(&e, None, out),
        }
    }
}

fn restart(s: &mut Session, p: &Parsed, ns: &str, out: &mut Output) {
    let Some(t) = targets("restart", p, out) else {
        return;
    };
    for (r, name) in t {
        if let Some(kind) = set_kind(r) {
            let res = match kind {
                "DaemonSet" => super::rollout_sets::restart_daemonset(s, ns, &name),
                _ => super::rollout_sets::restart_statefulset(s, ns, &name),
            };
            if !print_set_result(res, out) {
                return;
            }
            continue;
        }
        let Some(mut d) = get_deployment(s, r, ns, &name, "restarting is not supported for", out)
        else {
            return;
        };
        if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
            out.fail(format!(
                "error: {} {name:?} can't restart paused deployment (run rollout resume first)",
                r.qualified_plural()
            ));
            continue;
        }
        let now = s.sim.clock().rfc3339(s.sim.now());
        let spec = d.spec.get_or_insert_with(Default::default);
        spec.template
            .metadata
            .get_or_insert_with(Default::default)
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert("kubectl.kubernetes.io/restartedAt".into(), now);
        match s
            .sim
            .with_api(|api| api.update("kubectl", Object::Deployment(Box::new(d))))
        {
            Ok(_) => out.out(format!("{} restarted\n", type_name(r, &name))),
            Err(e) => print_api_error(&e, None, out),
        }
    }
}
