//! kubectl's commands. Each takes the session, its words and stdin, and
//! writes what kubectl would print.

mod apply;
mod autoscale;
mod blocking;
mod create_job;
mod create_pdb;
mod delete;
mod drain;
mod get;
mod misc;
mod patch;
mod pods;
mod rollout;
pub(crate) mod rollout_sets;
mod scale;
mod set;
mod taint;
mod top;
mod wait;

use crate::args::{self, FlagSpec};
use crate::{Output, Session};
use kubarium_engine::api::registry::{self, ResourceInfo};
use kubarium_engine::api::Object;
use kubarium_engine::apiserver::{ApiError, Reason};

/// kubectl's commands in the order kubectl registers them (its help
/// groups); cobra suggests close matches for an unknown command in this order.
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
];

/// The commands kubectl knows, in its help order (simulated or not): for
/// tab completion.
pub fn commands() -> &'static [&'static str] {
    COMMANDS
}

/// The flags a command accepts (its own, then the global ones), for tab
/// completion. Empty for a command Kubarium does not simulate.
pub fn command_flags(command: &str) -> Vec<&'static args::FlagSpec> {
    let own: &[&[FlagSpec]] = match command {
        "get" => &[get::GET_FLAGS],
        "describe" => &[get::DESCRIBE_FLAGS],
        "events" => &[get::EVENTS_FLAGS],
        "apply" | "create" => &[apply::FILE_FLAGS, create_pdb::FLAGS],
        "run" => &[pods::RUN_FLAGS],
        "logs" => &[pods::LOGS_FLAGS],
        "exec" => &[pods::EXEC_FLAGS],
        "delete" => &[delete::FLAGS],
        "label" | "annotate" => &[misc::LABEL_FLAGS],
        "rollout" => &[rollout::FLAGS],
        "scale" => &[scale::FLAGS],
        "set" => &[set::FLAGS],
        "cordon" | "uncordon" => &[drain::CORDON_FLAGS],
        "drain" => &[drain::DRAIN_FLAGS],
        "taint" => &[taint::FLAGS],
        "patch" => &[patch::FLAGS],
        "wait" => &[wait::FLAGS],
        "top" => &[top::POD_FLAGS, top::NODE_FLAGS],
        _ => return Vec::new(),
    };
    let mut flags: Vec<&'static FlagSpec> = Vec::new();
    for table in own.iter().chain([&args::GLOBAL_FLAGS]) {
        for f in table.iter() {
            if !flags.iter().any(|g| g.long == f.long) {
                flags.push(f);
            }
        }
    }
    flags
}

pub(crate) fn dispatch(s: &mut Session, words: &[String], stdin: Option<&str>, out: &mut Output) {
    let Some((name, rest)) = words.split_first() else {
        out.out("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
        return;
    };
    match name.as_str() {
        "get" => get::get(s, rest, out),
        "describe" => get::describe(s, rest, out),
        "apply" => apply::apply(s, rest, stdin, out),
        "create" => apply::create(s, rest, stdin, out),
        "run" => pods::run(s, rest, out),
        "delete" => delete::delete(s, rest, stdin, out),
        "logs" => pods::logs(s, rest, out),
        "exec" => pods::exec(s, rest, out),
        "label" => misc::label(s, rest, out, "labels"),
        "annotate" => misc::label(s, rest, out, "annotations"),
        "api-resources" => misc::api_resources(rest, out),
        "version" => misc::version(rest, out),
        "cluster-info" => misc::cluster_info(rest, out),
        "config" => misc::config(s, rest, out),
        "events" => get::events(s, rest, out),
        "explain" => crate::explain::explain(rest, out),
        "rollout" => rollout::rollout(s, rest, out),
        "scale" => scale::scale(s, rest, out),
        "autoscale" => autoscale::autoscale(s, rest, out),
        "set" => set::set(s, rest, out),
        "cordon" => drain::cordon(s, rest, out, true),
        "uncordon" => drain::cordon(s, rest, out, false),
        "drain" => drain::drain(s, rest, out),
        "taint" => taint::taint(s, rest, out),
        "patch" => patch::patch(s, rest, out),
        "wait" => wait::wait(s, rest, out),
        "top" => top::top(s, rest, out),
        other if COMMANDS.contains(&other) => {
            out.fail(format!(
                "error: \"kubectl {other}\" is not simulated by Kubarium yet"
            ));
        }
        other => {
            let mut msg = format!("Error: unknown command \"{other}\" for \"kubectl\"\n");
            let close: Vec<&str> = COMMANDS
                .iter()
                .copied()
                .filter(|c| levenshtein(c, other) <= 2 || c.starts_with(other))
                .collect();
            if !close.is_empty() {
                msg.push_str("\nDid you mean this?\n");
                for c in close {
                    msg.push_str(&format!("\t{c}\n"));
                }
            }
            msg.push('\n');
            out.fail(msg);
        }
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Parses flags, printing pflag's error and the usage hint on failure.
pub(crate) fn parse_flags(
    cmd: &str,
    words: &[String],
    specs: &[FlagSpec],
    out: &mut Output,
) -> Option<args::Parsed> {
    match args::parse(words, specs) {
        Ok(p) => Some(p),
        Err(e) => {
            out.fail(format!("Error: {e}\nSee 'kubectl {cmd} --help' for usage."));
            None
        }
    }
}

/// The namespace a command acts in: `-n`, else the context's.
pub(crate) fn namespace(s: &Session, p: &args::Parsed) -> String {
    p.get("namespace")
        .map(str::to_string)
        .unwrap_or_else(|| s.namespace.clone())
}

/// Resolves a resource type name, or prints kubectl's error.
pub(crate) fn resolve_type(name: &str, out: &mut Output) -> Option<&'static ResourceInfo> {
    match registry::resolve(name) {
        Some(r) => Some(r),
        None => {
            out.fail(format!(
                "error: the server doesn't have a resource type \"{name}\""
            ));
            None
        }
    }
}

/// `pod/nginx`, `replicaset.apps/frontend`: how kubectl names an object in
/// `created`/`configured` lines and `-o name`.
pub(crate) fn type_name(r: &ResourceInfo, name: &str) -> String {
    if r.group.is_empty() {
        format!("{}/{name}", r.singular)
    } else {
        format!("{}.{}/{name}", r.singular, r.group)
    }
}

/// Prints an API error as kubectl does: `Error from server (NotFound): ...`,
/// except Invalid, which kubectl prints bare.
pub(crate) fn print_api_error(e: &ApiError, context: Option<&str>, out: &mut Output) {
    match e.reason {
        Reason::Invalid => out.fail(&e.message),
        r => {
            let ctx = context.map(|c| format!("{c}: ")).unwrap_or_default();
            out.fail(format!(
                "Error from server ({}): {ctx}{}",
                r.as_str(),
                e.message
            ));
        }
    }
}

/// The virtual time as Unix milliseconds, for AGE columns.
pub(crate) fn now_unix_ms(s: &Session) -> i64 {
    s.sim.clock().datetime(s.sim.now()).timestamp_millis()
}

/// Objects of a resource in scope, cloned.
pub(crate) fn list(s: &Session, r: &ResourceInfo, ns: Option<&str>) -> Vec<Object> {
    let scope = if r.namespaced { ns } else { None };
    s.sim.api().list(r, scope).cloned().collect()
}

/// `--dry-run`: `none` (default), `client` or `server`; prints kubectl's
/// error for anything else.
pub(crate) fn dry_run(p: &args::Parsed, out: &mut Output) -> Result<bool, ()> {
    match p.get("dry-run") {
        None | Some("none") | Some("false") => Ok(false),
        Some("client") | Some("true") => Ok(true),
        Some("server") => {
            out.fail(
                "error: --dry-run=server is not simulated by Kubarium yet; use --dry-run=client",
            );
            Err(())
        }
        Some(other) => {
            out.fail(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."));
            Err(())
        }
    }
}

/// Prints an object kubectl built without sending it (`--dry-run=client`):
/// `-o yaml|json` shows the client-side object as Go serialises it
/// (`creationTimestamp: null`, empty `status: {}`), otherwise
/// `pod/x created (dry run)`.
pub(crate) fn print_dry_run(obj: &Object, verb: &str, output: Option<&str>, out: &mut Output) {
    let r = obj.resource();
    match output {
        Some(fmt @ ("yaml" | "json")) => {
            let mut v = obj.to_value();
            if let Some(m) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                m.entry("creationTimestamp")
                    .or_insert(serde_json::Value::Null);
            }
            if let Some(m) = v
                .pointer_mut("/spec/template/metadata")
                .and_then(|m| m.as_object_mut())
            {
                m.entry("creationTimestamp")
                    .or_insert(serde_json::Value::Null);
            }
            if let Some(m) = v.as_object_mut() {
                if matches!(
                    obj,
                    Object::Pod(_)
                        | Object::Namespace(_)
                        | Object::ReplicaSet(_)
                        | Object::Deployment(_)
                        | Object::Node(_)
                        | Object::Job(_)
                        | Object::CronJob(_)
                ) {
                    m.entry("status").or_insert_with(|| serde_json::json!({}));
                }
                // Go prints the embedded ObjectMeta of templates too.
                for path in [
                    &["spec", "template", "metadata"][..],
                    &["spec", "jobTemplate", "metadata"],
                    &["spec", "jobTemplate", "spec", "template", "metadata"],
                ] {
                    let mut cur = m.get_mut(path[0]);
                    for k in &path[1..path.len() - 1] {
                        cur = cur.and_then(|c| c.get_mut(*k));
                    }
                    if let Some(parent) = cur.and_then(|c| c.as_object_mut()) {
                        let meta = parent
                            .entry(path[path.len() - 1])
                            .or_insert_with(|| serde_json::json!({}));
                        if let Some(meta) = meta.as_object_mut() {
                            meta.entry("creationTimestamp")
                                .or_insert(serde_json::Value::Null);
                        }
                    }
                }
                if matches!(obj, Object::Namespace(_)) {
                    m.entry("spec").or_insert_with(|| serde_json::json!({}));
                }
            }
            out.out(if fmt == "yaml" {
                crate::printers::yaml::to_yaml(&v)
            } else {
                crate::printers::yaml::to_json(&v)
            });
        }
        Some("name") => out.out(format!("{}\n", type_name(r, obj.name()))),
        _ => out.out(format!("{} {verb} (dry run)\n", type_name(r, obj.name()))),
    }
}

/// resource.Builder's error when no resource is named.
pub(super) const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `TYPE NAME...` or `TYPE/NAME...` (resource.Builder's
/// `ResourceTypeOrNameArgs` for one type): the (resource, name) pairs, or
/// kubectl's error printed (mixed forms, unknown type, nothing named).
pub(super) fn type_name_args(
    args: &[String],
    out: &mut Output,
) -> Option<Vec<(&'static ResourceInfo, String)>> {
    if mixed_resource_forms(args, out) {
        return None;
    }
    let mut targets = Vec::new();
    if args.first().is_some_and(|a| a.contains('/')) {
        for a in args {
            let (t, n) = a.split_once('/').unwrap_or((a, ""));
            targets.push((resolve_type(t, out)?, n.to_string()));
        }
    } else if let Some((t, names)) = args.split_first() {
        let r = resolve_type(t, out)?;
        targets.extend(names.iter().map(|n| (r, n.clone())));
    }
    if targets.is_empty() {
        out.fail(NO_RESOURCES);
        return None;
    }
    Some(targets)
}

/// `-l/--selector`, parsed; kubectl's error printed when it does not parse.
pub(super) fn selector_flag(
    p: &args::Parsed,
    out: &mut Output,
) -> Result<Option<kubarium_engine::api::selector::Selector>, ()> {
    p.get("selector")
        .map(kubarium_engine::api::selector::parse)
        .transpose()
        .map_err(|e| out.fail(format!("error: {e}")))
}

/// kubectl's error when `TYPE/NAME` and bare words are mixed
/// (resource.Builder's `ResourceTypeOrNameArgs`).
pub(super) const MIXED_RESOURCE_FORMS: &str = "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'";

/// A Go-duration flag (`--timeout=90s`) in milliseconds, or pflag's error
/// with Go's words (`time: missing unit in duration "30"`).
pub(super) fn duration_flag(cmd: &str, flag: &str, v: &str, out: &mut Output) -> Option<i64> {
    match kubarium_engine::clock::parse_go_duration(v) {
        Ok(ns) => Some(ns / 1_000_000),
        Err(e) => {
            out.fail(format!(
                "Error: invalid argument \"{v}\" for \"--{flag}\" flag: {e}\nSee 'kubectl {cmd} --help' for usage."
            ));
            None
        }
    }
}

/// Prints [`MIXED_RESOURCE_FORMS`] and returns true when some of `args` are
/// `TYPE/NAME` and some are not.
pub(super) fn mixed_resource_forms<S: AsRef<str>>(args: &[S], out: &mut Output) -> bool {
    let slashes = args.iter().filter(|a| a.as_ref().contains('/')).count();
    if slashes > 0 && slashes < args.len() {
        out.fail(MIXED_RESOURCE_FORMS);
        return true;
    }
    false
}
