//! `kubarium ...` lines in a transcript: what an operator does to the
//! machines from outside the API (power a node off and on, add or remove a
//! machine, kill a container's process). They call the engine's operator
//! API, which the web UI uses too. (They live in this crate, not the CLI's,
//! so the web playground's chaos buttons and the CLI share them.)

use kubarium_engine::simulation::NodeConfig;
use kubarium_engine::Simulation;
use std::collections::BTreeMap;

/// What `kubarium` with no or an unknown operator action prints.
pub const USAGE: &str = "Usage:
  kubarium node add [--name NAME] [--cpu CPU] [--memory MEMORY] [--max-pods N] [--labels k=v,...]
  kubarium node stop NAME
  kubarium node start NAME
  kubarium node remove NAME
  kubarium container kill POD [-n NAMESPACE] [-c CONTAINER]
";

/// Splits `--flag=value` / `--flag value` / `-f value` arguments; returns
/// (flags, positionals) or an error for a flag without a value.
fn parse_flags<'a>(
    args: &[&'a str],
    known: &[(&str, &'static str)],
) -> Result<(BTreeMap<&'static str, String>, Vec<&'a str>), String> {
    let mut flags = BTreeMap::new();
    let mut pos = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if !a.starts_with('-') || a == "-" {
            pos.push(a);
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a, None),
        };
        let Some(&(_, canonical)) = known
            .iter()
            .find(|(aliases, _)| aliases.split('|').any(|alias| alias == name))
        else {
            return Err(format!("unknown flag: {name}"));
        };
        let value = match inline {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i) else {
                    return Err(format!("flag needs an argument: {name}"));
                };
                i += 1;
                v.to_string()
            }
        };
        flags.insert(canonical, value);
    }
    Ok((flags, pos))
}

fn parse_labels(s: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in s.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!("invalid label \"{pair}\": expected key=value"));
        };
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// Runs one `kubarium ...` line (without the leading `kubarium`) and returns
/// what it prints.
pub fn run(sim: &mut Simulation, args: &[&str]) -> String {
    match exec(sim, args) {
        Ok(s) => s,
        Err(e) if e.is_empty() => USAGE.to_string(),
        Err(e) => format!("error: {e}\n"),
    }
}

fn one_name<'a>(pos: &[&'a str], verb: &str) -> Result<&'a str, String> {
    match pos {
        [n] => Ok(n),
        [] => Err(format!("node {verb} needs a node name")),
        _ => Err(format!(
            "node {verb} takes one node name, got {}",
            pos.len()
        )),
    }
}

fn exec(sim: &mut Simulation, args: &[&str]) -> Result<String, String> {
    match args {
        ["node", "add", rest @ ..] => {
            let (flags, pos) = parse_flags(
                rest,
                &[
                    ("--name", "name"),
                    ("--cpu", "cpu"),
                    ("--memory", "memory"),
                    ("--max-pods", "max-pods"),
                    ("--labels|-l", "labels"),
                ],
            )?;
            if let Some(extra) = pos.first() {
                return Err(format!("node add takes no arguments (use --name {extra})"));
            }
            let name = match flags.get("name") {
                Some(n) => n.clone(),
                None => (1..)
                    .map(|i| format!("node-{i}"))
                    .find(|n| sim.node_running(n).is_none() && !node_exists(sim, n))
                    .unwrap_or_default(),
            };
            let max_pods = match flags.get("max-pods") {
                None => 110,
                Some(v) => v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("invalid --max-pods \"{v}\": must be a positive integer")
                })?,
            };
            let cfg = NodeConfig {
                name: name.clone(),
                cpu: flags.get("cpu").cloned().unwrap_or_else(|| "4".into()),
                memory: flags.get("memory").cloned().unwrap_or_else(|| "8Gi".into()),
                max_pods,
                labels: parse_labels(flags.get("labels").map(String::as_str).unwrap_or(""))?,
            };
            sim.node_add(cfg).map_err(|e| e.to_string())?;
            Ok(format!("node \"{name}\" added\n"))
        }
        ["node", "stop", rest @ ..] => {
            let n = one_name(rest, "stop")?;
            sim.node_stop(n).map_err(|e| e.to_string())?;
            Ok(format!("node \"{n}\" stopped (power off)\n"))
        }
        ["node", "start", rest @ ..] => {
            let n = one_name(rest, "start")?;
            sim.node_start(n).map_err(|e| e.to_string())?;
            Ok(format!("node \"{n}\" started\n"))
        }
        ["node", "remove", rest @ ..] => {
            let n = one_name(rest, "remove")?;
            sim.node_remove(n).map_err(|e| e.to_string())?;
            Ok(format!("node \"{n}\" removed\n"))
        }
        ["container", "kill", rest @ ..] => {
            let (flags, pos) = parse_flags(
                rest,
                &[
                    ("-n|--namespace", "namespace"),
                    ("-c|--container", "container"),
                ],
            )?;
            let pod = match pos.as_slice() {
                [p] => p.trim_start_matches("pod/").trim_start_matches("pods/"),
                [] => return Err("container kill needs a pod name".into()),
                _ => return Err("container kill takes one pod name".into()),
            };
            let ns = flags
                .get("namespace")
                .map(String::as_str)
                .unwrap_or("default");
            let c = sim
                .container_kill(ns, pod, flags.get("container").map(String::as_str))
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "container \"{c}\" in pod \"{pod}\" killed (SIGKILL, exit code 137)\n"
            ))
        }
        _ => Err(String::new()),
    }
}

fn node_exists(sim: &Simulation, name: &str) -> bool {
    let res = kubarium_engine::api::registry::by_kind("v1", "Node").expect("nodes");
    sim.api().get(res, "", name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::simulation::ClusterConfig;

    fn sim() -> Simulation {
        Simulation::new(ClusterConfig {
            warmup: kubarium_engine::clock::SECOND,
            ..ClusterConfig::with_workers(1)
        })
    }

    #[test]
    fn node_add_picks_the_next_free_name_and_rejects_bad_input() {
        let mut s = sim();
        assert_eq!(run(&mut s, &["node", "add"]), "node \"node-2\" added\n");
        assert_eq!(
            run(&mut s, &["node", "add", "--name", "node-2"]),
            "error: node \"node-2\" already exists\n"
        );
        assert_eq!(
            run(&mut s, &["node", "add", "--cpu", "lots"]),
            "error: invalid cpu \"lots\": must be a positive quantity such as 2 or 500m\n"
        );
        assert_eq!(
            run(&mut s, &["node", "add", "--labels", "disk"]),
            "error: invalid label \"disk\": expected key=value\n"
        );
        assert_eq!(
            run(&mut s, &["node", "add", "--name"]),
            "error: flag needs an argument: --name\n"
        );
        assert_eq!(run(&mut s, &["node", "reboot", "x"]), USAGE);
    }

    #[test]
    fn stop_start_remove_name_unknown_and_repeated_actions() {
        let mut s = sim();
        assert_eq!(
            run(&mut s, &["node", "stop", "control-plane"]),
            "error: node \"control-plane\" runs the control plane; stopping or removing it is not simulated\n"
        );
        assert_eq!(
            run(&mut s, &["node", "stop", "nope"]),
            "error: node \"nope\" not found\n"
        );
        assert_eq!(
            run(&mut s, &["node", "stop", "node-1"]),
            "node \"node-1\" stopped (power off)\n"
        );
        assert_eq!(
            run(&mut s, &["node", "stop", "node-1"]),
            "error: node \"node-1\" is already stopped\n"
        );
        assert_eq!(
            run(&mut s, &["node", "start", "node-1"]),
            "node \"node-1\" started\n"
        );
        assert_eq!(
            run(&mut s, &["node", "start", "node-1"]),
            "error: node \"node-1\" is already running\n"
        );
        assert_eq!(
            run(&mut s, &["node", "remove", "node-1"]),
            "node \"node-1\" removed\n"
        );
        assert_eq!(
            run(&mut s, &["node", "start", "node-1"]),
            "error: node \"node-1\" not found\n"
        );
    }

    #[test]
    fn container_kill_reports_missing_pods_and_containers() {
        let mut s = sim();
        assert_eq!(
            run(&mut s, &["container", "kill", "web"]),
            "error: pod \"web\" not found in namespace \"default\"\n"
        );
        let coredns = s
            .snapshot()
            .into_iter()
            .find(|o| o.kind() == "Pod" && o.name().starts_with("coredns-"))
            .map(|o| o.name().to_string())
            .unwrap();
        assert_eq!(
            run(
                &mut s,
                &[
                    "container",
                    "kill",
                    &coredns,
                    "-n",
                    "kube-system",
                    "-c",
                    "x"
                ]
            ),
            format!("error: container \"x\" not found in pod \"{coredns}\"\n")
        );
    }
}
