//! Tab completion for the terminal, computed from the kubectl emulator's own
//! tables (commands, per-command flags), the API's resource registry and the
//! live cluster (object and namespace names). Like bash's kubectl
//! completion: one candidate completes the word, several extend it to their
//! common prefix and are listed.

use kubarium_engine::api::registry::{self, ResourceInfo, RESOURCES};
use kubarium_kubectl::args::Kind;
use kubarium_kubectl::{command_flags, commands, Session};

/// What completing a line gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line with its last word completed (unchanged when nothing fits).
    pub line: String,
    /// The candidates, when more than one fits (to list under the prompt).
    pub candidates: Vec<String>,
}

/// Names of live objects, for completion. Implemented by the kubectl
/// session; tests use a fixed list.
pub trait Names {
    /// Names of objects of `res` in `namespace` (all namespaces: `None`).
    fn names(&self, res: &ResourceInfo, namespace: Option<&str>) -> Vec<String>;
    /// The context's namespace.
    fn current_namespace(&self) -> String;
}

impl Names for Session {
    fn names(&self, res: &ResourceInfo, namespace: Option<&str>) -> Vec<String> {
        let ns = if res.namespaced { namespace } else { None };
        let mut v: Vec<String> = self
            .sim
            .api()
            .list(res, ns)
            .map(|o| o.name().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }
    fn current_namespace(&self) -> String {
        self.namespace.clone()
    }
}

/// First words the terminal understands.
const PROGRAMS: &[&str] = &["kubectl", "kubarium", "sleep", "echo", "clear"];
/// `kubectl create` subcommands Kubarium simulates.
const CREATE_SUBS: &[&str] = &[
    "configmap",
    "cronjob",
    "deployment",
    "job",
    "namespace",
    "poddisruptionbudget",
    "priorityclass",
    "secret",
];
const ROLLOUT_SUBS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
const SET_SUBS: &[&str] = &["env", "image", "resources"];
const TOP_SUBS: &[&str] = &["node", "pod"];
const OUTPUTS: &[&str] = &[
    "json",
    "name",
    "wide",
    "yaml",
    "jsonpath=",
    "custom-columns=",
];

/// Completes the last word of `line` (the cursor is at its end).
pub fn complete(line: &str, names: &dyn Names) -> Completion {
    let ends_with_space = line.is_empty() || line.ends_with(char::is_whitespace);
    let words: Vec<&str> = line.split_whitespace().collect();
    let (done, current) = if ends_with_space {
        (&words[..], "")
    } else {
        (&words[..words.len() - 1], words[words.len() - 1])
    };
    let (prefix, pool) = candidates(done, current, names);
    let stem = &current[prefix.len().min(current.len())..];
    let mut fits: Vec<String> = pool.into_iter().filter(|c| c.starts_with(stem)).collect();
    fits.sort();
    fits.dedup();
    let head = &line[..line.len() - current.len()];
    match fits.len() {
        0 => Completion {
            line: line.to_string(),
            candidates: Vec::new(),
        },
        1 => {
            let word = &fits[0];
            // A flag or TYPE/ that takes more goes on without a space.
            let space = if word.ends_with('=') || word.ends_with('/') {
                ""
            } else {
                " "
            };
            Completion {
                line: format!("{head}{prefix}{word}{space}"),
                candidates: Vec::new(),
            }
        }
        _ => {
            let common = common_prefix(&fits);
            Completion {
                line: format!("{head}{prefix}{}", common.max(stem.to_string())),
                candidates: fits.iter().map(|f| format!("{prefix}{f}")).collect(),
            }
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut len = first.len();
    for w in &words[1..] {
        len = len.min(
            first
                .char_indices()
                .zip(w.chars())
                .take_while(|((_, a), b)| a == b)
                .count(),
        );
    }
    first.chars().take(len).collect()
}

/// The candidates for the word after `done`, and a prefix of the current
/// word they follow (`pod/` in `pod/we`, `--namespace=` in `--namespace=ku`).
fn candidates(done: &[&str], current: &str, names: &dyn Names) -> (String, Vec<String>) {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let Some((&program, args)) = done.split_first() else {
        return (String::new(), own(PROGRAMS));
    };
    match program {
        "kubectl" => kubectl(args, current, names),
        "kubarium" => kubarium(args, names),
        _ => (String::new(), Vec::new()),
    }
}

fn kubarium(args: &[&str], names: &dyn Names) -> (String, Vec<String>) {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let none = String::new();
    match args {
        [] => (none, own(&["container", "node"])),
        ["node"] => (none, own(&["add", "remove", "start", "stop"])),
        ["container"] => (none, own(&["kill"])),
        ["node", "stop" | "start" | "remove"] => (none, resource_names("nodes", None, names)),
        ["container", "kill"] => {
            let ns = names.current_namespace();
            (none, resource_names("pods", Some(&ns), names))
        }
        _ => (none, Vec::new()),
    }
}

fn resource_names(plural: &str, ns: Option<&str>, names: &dyn Names) -> Vec<String> {
    registry::resolve(plural)
        .map(|r| names.names(r, ns))
        .unwrap_or_default()
}

/// Resource type names to offer: each resource's plural.
fn type_names() -> Vec<String> {
    RESOURCES.iter().map(|r| r.plural.to_string()).collect()
}

fn kubectl(args: &[&str], current: &str, names: &dyn Names) -> (String, Vec<String>) {
    let none = String::new();
    let Some((&command, rest)) = args.split_first() else {
        return (none, commands().iter().map(|c| c.to_string()).collect());
    };
    let flags = command_flags(command);
    // Namespace and all-namespaces as typed so far; positional words.
    let mut namespace = None;
    let mut all_namespaces = false;
    let mut positionals: Vec<&str> = Vec::new();
    let mut pending_value: Option<&str> = None;
    for w in rest {
        if let Some(flag) = pending_value.take() {
            if flag == "namespace" {
                namespace = Some(w.to_string());
            }
            continue;
        }
        if let Some(f) = w.strip_prefix('-').filter(|_| *w != "-") {
            let (name, value) = match f.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (f, None),
            };
            let spec = lookup(&flags, name);
            let long = spec.map(|s| s.long).unwrap_or("");
            if long == "all-namespaces" {
                all_namespaces = true;
            }
            match (spec.map(|s| s.kind), value) {
                (Some(Kind::Value | Kind::Multi), None) if !is_attached_short(name) => {
                    pending_value = Some(long)
                }
                (_, Some(v)) if long == "namespace" => namespace = Some(v.to_string()),
                _ if long == "namespace" && is_attached_short(name) => {
                    namespace = Some(name[1..].to_string())
                }
                _ => {}
            }
            continue;
        }
        positionals.push(w);
    }
    let ns = if all_namespaces {
        None
    } else {
        Some(namespace.unwrap_or_else(|| names.current_namespace()))
    };

    // The value of a flag.
    if let Some(flag) = pending_value {
        return (none, flag_values(flag, names));
    }
    if let Some((name, _)) = current.strip_prefix("--").and_then(|f| f.split_once('=')) {
        return (format!("--{name}="), flag_values(name, names));
    }
    // A flag name.
    if current.starts_with('-') {
        let mut v: Vec<String> = flags
            .iter()
            .map(|f| match f.kind {
                Kind::Bool => format!("--{}", f.long),
                _ => format!("--{}=", f.long),
            })
            .collect();
        if !current.starts_with("--") {
            v.extend(
                flags
                    .iter()
                    .filter_map(|f| f.short.map(|c| format!("-{c}"))),
            );
        }
        return (none, v);
    }
    let ns = ns.as_deref();
    match (command, positionals.as_slice()) {
        ("create", []) => (none, strings(CREATE_SUBS)),
        ("rollout", []) => (none, strings(ROLLOUT_SUBS)),
        ("set", []) => (none, strings(SET_SUBS)),
        ("top", []) => (none, strings(TOP_SUBS)),
        ("top", [kind]) => (none, resource_names(kind, ns, names)),
        ("logs" | "exec" | "attach" | "port-forward", []) => {
            (none, resource_names("pods", ns, names))
        }
        ("cordon" | "uncordon" | "drain" | "taint", []) => {
            (none, resource_names("nodes", None, names))
        }
        (
            "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "scale" | "patch"
            | "wait" | "explain",
            [],
        )
        | ("rollout" | "set", [_]) => {
            // TYPE, or TYPE/NAME once a slash is typed.
            if let Some((ty, _)) = current.split_once('/') {
                match registry::resolve(ty) {
                    Some(r) if command != "explain" => (format!("{ty}/"), names.names(r, ns)),
                    _ => (none, Vec::new()),
                }
            } else {
                (none, type_names())
            }
        }
        (
            "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "scale" | "patch"
            | "wait",
            [ty, ..],
        )
        | ("rollout" | "set", [_, ty, ..])
            if !ty.contains('/') && !ty.contains(',') =>
        {
            match registry::resolve(ty) {
                Some(r) => (none, names.names(r, ns)),
                None => (none, Vec::new()),
            }
        }
        _ => (none, Vec::new()),
    }
}

/// `-nkube-system`: a shorthand with its value attached.
fn is_attached_short(name: &str) -> bool {
    !name.starts_with('-') && name.len() > 1
}

fn lookup<'a>(
    flags: &[&'a kubarium_kubectl::args::FlagSpec],
    name: &str,
) -> Option<&'a kubarium_kubectl::args::FlagSpec> {
    if let Some(long) = name.strip_prefix('-') {
        flags.iter().copied().find(|f| f.long == long)
    } else {
        let c = name.chars().next()?;
        flags.iter().copied().find(|f| f.short == Some(c))
    }
}

fn flag_values(flag: &str, names: &dyn Names) -> Vec<String> {
    match flag {
        "namespace" => resource_names("namespaces", None, names),
        "output" => strings(OUTPUTS),
        _ => Vec::new(),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Live;

    fn live() -> Live {
        let mut live = Live::fresh(1, 2);
        live.input("kubectl create deployment web --image=nginx", None);
        live.input("kubectl create deployment worker --image=busybox", None);
        live.input("kubectl create namespace shop", None);
        live.advance(10_000);
        live
    }

    fn line(input: &str) -> String {
        complete(input, &live().kube).line
    }

    #[test]
    fn programs_and_commands_complete() {
        let l = live();
        assert_eq!(complete("kubec", &l.kube).line, "kubectl ");
        assert_eq!(complete("kubectl ge", &l.kube).line, "kubectl get ");
        let c = complete("kubectl ro", &l.kube);
        assert_eq!(c.line, "kubectl rollout ");
        let c = complete("kubectl c", &l.kube);
        assert!(c.candidates.contains(&"create".to_string()));
        assert!(c.candidates.contains(&"cordon".to_string()));
        assert_eq!(c.line, "kubectl c");
    }

    #[test]
    fn resource_types_complete_to_their_plural() {
        assert_eq!(line("kubectl get deploy"), "kubectl get deployments ");
        let l = live();
        let c = complete("kubectl get po", &l.kube);
        assert!(c.candidates.contains(&"pods".to_string()), "{c:?}");
        assert!(c.candidates.contains(&"poddisruptionbudgets".to_string()));
        assert_eq!(c.line, "kubectl get pod");
    }

    #[test]
    fn object_names_come_from_the_live_cluster() {
        let l = live();
        let c = complete("kubectl get deployments w", &l.kube);
        assert_eq!(c.candidates, vec!["web", "worker"]);
        assert_eq!(c.line, "kubectl get deployments w");
        assert_eq!(
            complete("kubectl get deployments we", &l.kube).line,
            "kubectl get deployments web "
        );
        assert_eq!(
            complete("kubectl describe deploy/wo", &l.kube).line,
            "kubectl describe deploy/worker "
        );
        assert_eq!(
            complete("kubectl rollout status deployment we", &l.kube).line,
            "kubectl rollout status deployment web "
        );
        // Names are looked up in the namespace the line names.
        assert_eq!(
            complete("kubectl get deploy -n kube-system ", &l.kube).line,
            "kubectl get deploy -n kube-system coredns "
        );
        assert_eq!(
            complete("kubectl get deploy --namespace=kube-system c", &l.kube).line,
            "kubectl get deploy --namespace=kube-system coredns "
        );
        let c = complete("kubectl get deploy -A ", &l.kube);
        assert!(c.candidates.contains(&"coredns".to_string()));
        assert!(c.candidates.contains(&"web".to_string()));
        assert_eq!(
            complete("kubectl logs -n kube-system etcd", &l.kube).line,
            "kubectl logs -n kube-system etcd-control-plane "
        );
        assert_eq!(
            complete("kubectl cordon node-", &l.kube).candidates,
            vec!["node-1", "node-2"]
        );
    }

    #[test]
    fn flags_and_flag_values_complete() {
        assert_eq!(
            line("kubectl get pods --all-nam"),
            "kubectl get pods --all-namespaces "
        );
        assert_eq!(
            line("kubectl get pods --outp"),
            "kubectl get pods --output="
        );
        assert_eq!(line("kubectl get pods -o ya"), "kubectl get pods -o yaml ");
        assert_eq!(
            line("kubectl get pods --output=wi"),
            "kubectl get pods --output=wide "
        );
        assert_eq!(line("kubectl get pods -n sh"), "kubectl get pods -n shop ");
        assert_eq!(
            line("kubectl create deployment x --rep"),
            "kubectl create deployment x --replicas="
        );
    }

    #[test]
    fn kubectl_subcommands_and_operator_actions_complete() {
        assert_eq!(line("kubectl create dep"), "kubectl create deployment ");
        assert_eq!(line("kubectl rollout und"), "kubectl rollout undo ");
        assert_eq!(line("kubarium n"), "kubarium node ");
        assert_eq!(line("kubarium node st"), "kubarium node st");
        assert_eq!(
            line("kubarium node stop node-2"),
            "kubarium node stop node-2 "
        );
    }

    #[test]
    fn nothing_fits_leaves_the_line_alone() {
        assert_eq!(line("kubectl get nosuchtype x"), "kubectl get nosuchtype x");
        assert_eq!(line("ls -l"), "ls -l");
        assert_eq!(line(""), "");
        assert_eq!(complete("", &live().kube).candidates.len(), PROGRAMS.len());
    }
}
