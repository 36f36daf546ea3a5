//! `kubectl cordon`, `uncordon` and `drain` (k8s.io/kubectl/pkg/cmd/drain
//! and k8s.io/kubectl/pkg/drain): cordon marks the node unschedulable;
//! drain cordons, picks the pods to remove with upstream's filters
//! (DaemonSet-managed, mirror, local storage, unreplicated), evicts them
//! through the Eviction API (retrying every 5 s while a disruption budget
//! answers 429), waits for each to be gone, polling every second on
//! virtual time, and prints kubectl's lines.
//!
//! In a terminal the lines of stdout and stderr interleave in time; the
//! `Warning:` line and the 429 retry lines, which kubectl writes to stderr
//! between lines on stdout, are written to stdout here so a transcript
//! shows them in the order a terminal does.

use super::{parse_flags, print_api_error};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::{core, registry, Object};
use kubarium_engine::apiserver::{DeleteOptions, Reason};
use kubarium_engine::clock::{Millis, SECOND};

pub(crate) const CORDON_FLAGS: &[crate::args::FlagSpec] = &[
    flag("selector", Some('l'), Kind::Value),
    flag("dry-run", None, Kind::Value),
];

pub(crate) const DRAIN_FLAGS: &[crate::args::FlagSpec] = &[
    flag("ignore-daemonsets", None, Kind::Bool),
    flag("delete-emptydir-data", None, Kind::Bool),
    flag("delete-local-data", None, Kind::Bool),
    flag("force", None, Kind::Bool),
    flag("grace-period", None, Kind::Value),
    flag("timeout", None, Kind::Value),
    flag("disable-eviction", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
];

/// How long drain waits on virtual time when no `--timeout` is given (real
/// kubectl waits forever; a simulation needs an end).
pub const DRAIN_WAIT_CAP: Millis = 3600 * SECOND;

fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").expect("nodes")
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").expect("pods")
}

/// The node name from `NODE` or `node/NODE`.
fn node_arg(cmd: &str, args: &[String], out: &mut Output) -> Option<String> {
    match args {
        [n] => Some(
            n.strip_prefix("node/")
                .or_else(|| n.strip_prefix("nodes/"))
                .unwrap_or(n)
                .to_string(),
        ),
        _ => {
            out.fail(format!(
                "error: USAGE: {cmd} NODE [flags]\nSee 'kubectl {cmd} -h' for help and examples"
            ));
            None
        }
    }
}

/// Sets `spec.unschedulable`; prints `node/x cordoned` or `already cordoned`.
fn cordon_node(s: &mut Session, name: &str, desired: bool, out: &mut Output) -> bool {
    let Some(node) = s
        .sim
        .api()
        .get_typed::<core::Node>(node_res(), "", name)
        .cloned()
    else {
        out.fail(format!(
            "Error from server (NotFound): nodes \"{name}\" not found"
        ));
        return false;
    };
    let verb = if desired { "cordoned" } else { "uncordoned" };
    let current = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    if current == desired {
        out.out(format!("node/{name} already {verb}\n"));
        return true;
    }
    let mut node = node;
    node.spec.get_or_insert_with(Default::default).unschedulable = desired.then_some(true);
    node.metadata.resource_version = None;
    match s
        .sim
        .with_api(|api| api.update("kubectl", Object::Node(Box::new(node))))
    {
        Ok(_) => {
            out.out(format!("node/{name} {verb}\n"));
            true
        }
        Err(e) => {
            print_api_error(&e, None, out);
            false
        }
    }
}

/// `kubectl cordon` / `kubectl uncordon`.
pub(super) fn cordon(s: &mut Session, words: &[String], out: &mut Output, desired: bool) {
    let cmd = if desired { "cordon" } else { "uncordon" };
    let Some(p) = parse_flags(cmd, words, CORDON_FLAGS, out) else {
        return;
    };
    let Some(name) = node_arg(cmd, &p.args, out) else {
        return;
    };
    cordon_node(s, &name, desired, out);
}

/// A filter's verdict on a pod (`PodDeleteStatus`).
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    Okay,
    Skip,
    Warning(bool, &'static str),
    Error(&'static str),
}

impl Verdict {
    fn delete(&self) -> bool {
        matches!(self, Verdict::Okay | Verdict::Warning(true, _))
    }
}

struct DrainOptions {
    ignore_daemonsets: bool,
    delete_emptydir_data: bool,
    force: bool,
}

fn controller_ref(p: &core::Pod) -> Option<&kubarium_engine::api::meta::OwnerReference> {
    kubarium_engine::api::podutil::get_controller_of(&p.metadata)
}

fn terminal(p: &core::Pod) -> bool {
    matches!(
        kubarium_engine::api::podutil::phase(p),
        "Succeeded" | "Failed"
    )
}

/// Whether a pod is managed by a DaemonSet (its controller reference).
fn daemonset_managed(p: &core::Pod) -> bool {
    controller_ref(p).is_some_and(|r| r.kind == "DaemonSet")
}

/// Upstream's filters in upstream's order; the last verdict wins unless a
/// filter excludes the pod (`GetPodsForDeletion`).
fn verdict(p: &core::Pod, o: &DrainOptions) -> Verdict {
    let filters: [&dyn Fn() -> Verdict; 4] = [
        // daemonSetFilter
        &|| {
            if !daemonset_managed(p) {
                Verdict::Okay
            } else if !o.ignore_daemonsets {
                Verdict::Error(
                    "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                )
            } else {
                Verdict::Warning(false, "ignoring DaemonSet-managed Pods")
            }
        },
        // mirrorPodFilter
        &|| {
            let mirror = p
                .metadata
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
            if mirror {
                Verdict::Skip
            } else {
                Verdict::Okay
            }
        },
        // localStorageFilter
        &|| {
            let local = p
                .spec
                .as_ref()
                .and_then(|s| s.volumes.as_ref())
                .is_some_and(|v| v.iter().any(|v| v.empty_dir.is_some()));
            if !local || terminal(p) {
                Verdict::Okay
            } else if !o.delete_emptydir_data {
                Verdict::Error("cannot delete Pods with local storage (use --delete-emptydir-data to override)")
            } else {
                Verdict::Warning(true, "deleting Pods with local storage")
            }
        },
        // unreplicatedFilter
        &|| {
            if terminal(p) || controller_ref(p).is_some() || daemonset_managed(p) {
                Verdict::Okay
            } else if !o.force {
                Verdict::Error(
                    "cannot delete Pods that declare no controller (use --force to override)",
                )
            } else {
                Verdict::Warning(true, "deleting Pods that declare no controller")
            }
        },
    ];
    let mut v = Verdict::Okay;
    for f in filters {
        v = f();
        if !v.delete() {
            break;
        }
    }
    v
}

/// Groups pods by message as `PodDeleteList.errors()` / `Warnings()` do
/// (sorted by message: upstream iterates a Go map).
fn grouped(items: &[(String, &'static str)]) -> Vec<String> {
    let mut by_msg: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (pod, msg) in items {
        by_msg.entry(msg).or_default().push(pod);
    }
    by_msg
        .into_iter()
        .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
        .collect()
}

/// Go's `time.Duration` string for whole seconds (`30s`, `1m0s`, `1h0m0s`).
fn go_duration(ms: Millis) -> String {
    let s = ms / SECOND;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

struct Evicting {
    ns: String,
    name: String,
    uid: String,
    /// Virtual time of the next eviction attempt while a budget refuses.
    retry_at: Option<Millis>,
    done: bool,
}

/// `kubectl drain NODE`.
pub(super) fn drain(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("drain", words, DRAIN_FLAGS, out) else {
        return;
    };
    let grace = match p.get("grace-period") {
        None => -1,
        Some(v) => match v.parse::<i64>() {
            Ok(g) => g,
            Err(_) => {
                out.fail(format!("Error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl drain --help' for usage."));
                return;
            }
        },
    };
    let timeout = match p.get("timeout") {
        None => 0,
        Some(v) => match super::duration_flag("drain", "timeout", v, out) {
            Some(t) => t.max(0) as Millis,
            None => return,
        },
    };
    let Some(name) = node_arg("drain", &p.args, out) else {
        return;
    };
    let opts = DrainOptions {
        ignore_daemonsets: p.bool("ignore-daemonsets"),
        delete_emptydir_data: p.bool("delete-emptydir-data") || p.bool("delete-local-data"),
        force: p.bool("force"),
    };
    if !cordon_node(s, &name, true, out) {
        return;
    }
    match evict_or_delete(
        s,
        &name,
        &opts,
        grace,
        timeout,
        p.bool("disable-eviction"),
        out,
    ) {
        Ok(()) => out.out(format!("node/{name} drained\n")),
        Err(errs) => {
            let joined = if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            };
            out.fail(format!(
                "error: unable to drain node \"{name}\" due to error: {joined}, continuing command...\nThere are pending nodes to be drained:\n {name}\n{}",
                errs.join("\n")
            ));
        }
    }
}

/// The pods of `node` drain would remove, with the errors and warnings of
/// the filters.
fn pods_for_deletion(
    s: &Session,
    node: &str,
    opts: &DrainOptions,
) -> (Vec<core::Pod>, Vec<String>, Vec<String>) {
    let mut pods = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for o in s.sim.api().list(pod_res(), None) {
        let Object::Pod(pod) = o else { continue };
        if kubarium_engine::api::podutil::node_name(pod) != Some(node) {
            continue;
        }
        let id = format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or("")
        );
        match verdict(pod, opts) {
            Verdict::Okay => pods.push((**pod).clone()),
            Verdict::Skip => {}
            Verdict::Warning(delete, msg) => {
                warnings.push((id, msg));
                if delete {
                    pods.push((**pod).clone());
                }
            }
            Verdict::Error(msg) => errors.push((id, msg)),
        }
    }
    (pods, grouped(&errors), grouped(&warnings))
}

fn evict_or_delete(
    s: &mut Session,
    node: &str,
    opts: &DrainOptions,
    grace: i64,
    timeout: Millis,
    disable_eviction: bool,
    out: &mut Output,
) -> Result<(), Vec<String>> {
    let (pods, errors, warnings) = pods_for_deletion(s, node, opts);
    if !errors.is_empty() {
        return Err(errors);
    }
    if !warnings.is_empty() {
        out.out(format!("Warning: {}\n", warnings.join("; ")));
    }
    let delete_opts = DeleteOptions {
        grace_period_seconds: (grace >= 0).then_some(grace),
        ..Default::default()
    };
    let start = s.sim.now();
    // The poll decides itself when each pod has timed out (after its last
    // eviction attempt or wait), so the loop goes on until every pod is done.
    let wait = super::blocking::Wait::new(
        s,
        if timeout == 0 {
            DRAIN_WAIT_CAP
        } else {
            timeout
        },
        SECOND,
    );
    let limit = wait.limit;
    let mut states: Vec<Evicting> = pods
        .iter()
        .map(|p| Evicting {
            ns: p.metadata.namespace.clone().unwrap_or_default(),
            name: p.metadata.name.clone().unwrap_or_default(),
            uid: p.metadata.uid.clone().unwrap_or_default(),
            retry_at: Some(start),
            done: false,
        })
        .collect();
    let mut failures = Vec::new();
    loop {
        let now = s.sim.now();
        let expired = wait.expired(s);
        // Eviction attempts due now, in list order.
        for st in states.iter_mut().filter(|st| !st.done) {
            if st.retry_at.is_none_or(|t| t > now) {
                continue;
            }
            if disable_eviction {
                let r = s.sim.with_api(|api| {
                    api.delete("kubectl", pod_res(), &st.ns, &st.name, delete_opts)
                });
                st.retry_at = None;
                if let Err(e) = &r {
                    if e.reason != Reason::NotFound {
                        failures.push(format!(
                            "error when deleting pod \"{}\" in namespace \"{}\": {}",
                            st.name, st.ns, e.message
                        ));
                        st.done = true;
                    }
                }
                continue;
            }
            out.out(format!("evicting pod {}/{}\n", st.ns, st.name));
            // The global timeout is checked after this line is printed and
            // before the request, as upstream's loop does.
            if expired {
                failures.push(format!(
                    "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {}",
                    st.name,
                    st.ns,
                    go_duration(limit)
                ));
                st.done = true;
                continue;
            }
            let r = s
                .sim
                .with_api(|api| api.evict("kubectl", &st.ns, &st.name, delete_opts));
            match r {
                Ok(_) => st.retry_at = None,
                Err(e) if e.reason == Reason::NotFound => st.done = true,
                Err(e) if e.reason == Reason::TooManyRequests => {
                    out.out(format!(
                        "error when evicting pods/\"{}\" -n \"{}\" (will retry after 5s): {}\n",
                        st.name, st.ns, e.message
                    ));
                    st.retry_at = Some(now + 5 * SECOND);
                }
                Err(e) => {
                    failures.push(format!(
                        "error when evicting pods/\"{}\" -n \"{}\": {}",
                        st.name, st.ns, e.message
                    ));
                    st.done = true;
                }
            }
        }
        // waitForDelete: gone, or replaced by a pod of another UID.
        for st in states
            .iter_mut()
            .filter(|st| !st.done && st.retry_at.is_none())
        {
            let gone = s
                .sim
                .api()
                .get(pod_res(), &st.ns, &st.name)
                .is_none_or(|o| o.meta().uid.as_deref() != Some(st.uid.as_str()));
            if gone {
                st.done = true;
                let verb = if disable_eviction {
                    "deleted"
                } else {
                    "evicted"
                };
                out.out(format!("pod/{} {verb}\n", st.name));
            } else if expired {
                // waitForDelete's poll gives up with wait.ErrWaitTimeout.
                failures.push(format!(
                    "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: timed out waiting for the condition",
                    st.name, st.ns
                ));
                st.done = true;
            }
        }
        if states.iter().all(|st| st.done) {
            break;
        }
        wait.sleep(s);
    }
    if failures.is_empty() {
        return Ok(());
    }
    let (pending, _, _) = pods_for_deletion(s, node, opts);
    if !pending.is_empty() {
        let joined = if failures.len() == 1 {
            failures[0].clone()
        } else {
            format!("[{}]", failures.join(", "))
        };
        out.err(format!(
            "There are pending pods in node \"{node}\" when an error occurred: {joined}\n"
        ));
        for p in &pending {
            out.err(format!(
                "pod/{}\n",
                p.metadata.name.as_deref().unwrap_or("")
            ));
        }
    }
    Err(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_and_print_as_go_does() {
        assert_eq!(go_duration(30_000), "30s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
