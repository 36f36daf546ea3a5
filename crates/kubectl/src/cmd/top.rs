//! `kubectl top pod|node` (k8s.io/kubectl/pkg/cmd/top, printed as
//! k8s.io/kubectl/pkg/metricsutil/metrics_printer.go does): the resource
//! metrics API the engine serves in place of metrics-server.

use super::{namespace, parse_flags};
use crate::args::{flag, Kind};
use crate::printers::table::{no_resources_message, TabWriter};
use crate::{Output, Session};
use kubarium_engine::api::{core, quantity, registry};
use kubarium_engine::kubelet::stats::go_duration;
use kubarium_engine::simulation::PodMetrics;

const TOP_HELP: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use \"kubectl top <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

pub(crate) const POD_FLAGS: &[crate::args::FlagSpec] = &[
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("containers", None, Kind::Bool),
    flag("field-selector", None, Kind::Value),
    flag("no-headers", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
    flag("sort-by", None, Kind::Value),
    flag("sum", None, Kind::Bool),
    flag("use-protocol-buffers", None, Kind::Bool),
];

pub(crate) const NODE_FLAGS: &[crate::args::FlagSpec] = &[
    flag("no-headers", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
    flag("show-capacity", None, Kind::Bool),
    flag("sort-by", None, Kind::Value),
    flag("use-protocol-buffers", None, Kind::Bool),
];

/// How long after a pod's creation kubectl still takes missing metrics for
/// "not ready yet" (top_pod.go `metricsCreationDelay`).
const METRICS_CREATION_DELAY_MS: u64 = 2 * 60 * 1000;

/// `kubectl top`.
pub(super) fn top(s: &mut Session, words: &[String], out: &mut Output) {
    match words.split_first() {
        Some((sub, rest)) if matches!(sub.as_str(), "pod" | "pods" | "po") => pods(s, rest, out),
        Some((sub, rest)) if matches!(sub.as_str(), "node" | "nodes" | "no") => nodes(s, rest, out),
        _ => out.out(TOP_HELP),
    }
}

/// `--sort-by`: only `cpu` or `memory` (descending), as kubectl accepts.
fn sort_key(p: &crate::args::Parsed, out: &mut Output) -> Option<Option<bool>> {
    match p.get("sort-by") {
        None | Some("") => Some(None),
        Some("cpu") => Some(Some(true)),
        Some("memory") => Some(Some(false)),
        Some(_) => {
            out.fail("error: --sort-by accepts only cpu or memory");
            None
        }
    }
}

fn cell_cpu(millis: u64) -> String {
    format!("{millis}m")
}

fn cell_memory(bytes: u64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

fn pods(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("top pod", words, POD_FLAGS, out) else {
        return;
    };
    let Some(sort_by_cpu) = sort_key(&p, out) else {
        return;
    };
    if p.get("field-selector").is_some_and(|f| !f.is_empty()) {
        out.fail("error: \"kubectl top pod --field-selector\" is not simulated by Kubarium yet");
        return;
    }
    let Ok(sel) = super::selector_flag(&p, out) else {
        return;
    };
    let all_ns = p.bool("all-namespaces");
    let ns = namespace(s, &p);
    let name = p.args.first().cloned();
    if name.is_some() && sel.is_some() {
        out.fail("error: only one of NAME or --selector can be provided");
        return;
    }
    let pod_res = registry::by_kind("v1", "Pod").expect("pods are served");
    let api = s.sim.api();
    let mut metrics: Vec<PodMetrics> = s
        .sim
        .pod_metrics()
        .into_iter()
        .filter(|m| all_ns && name.is_none() || m.namespace == ns)
        .filter(|m| name.as_ref().is_none_or(|n| &m.name == n))
        .filter(|m| {
            sel.as_ref().is_none_or(|sel| {
                api.get_typed::<core::Pod>(pod_res, &m.namespace, &m.name)
                    .is_some_and(|pod| sel.matches(pod.metadata.labels.as_ref()))
            })
        })
        .collect();
    if let Some(n) = &name {
        if metrics.is_empty() {
            out.fail(format!(
                "Error from server (NotFound): podmetrics.metrics.k8s.io \"{ns}/{n}\" not found"
            ));
            return;
        }
    }
    if metrics.is_empty() {
        // top_pod.go verifyEmptyMetrics: pods older than the creation delay
        // without metrics are an error, younger ones are "not ready yet".
        let now = s.sim.now();
        let clock = s.sim.clock();
        let listed = api.list(pod_res, (!all_ns).then_some(ns.as_str()));
        for o in listed {
            let kubarium_engine::api::Object::Pod(pod) = o else {
                continue;
            };
            if !sel
                .as_ref()
                .is_none_or(|sel| sel.matches(pod.metadata.labels.as_ref()))
            {
                continue;
            }
            let created = pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| clock.millis_of(&t.0))
                .unwrap_or(now);
            let age = now.saturating_sub(created);
            if age > METRICS_CREATION_DELAY_MS {
                out.fail(format!(
                    "error: Metrics not available for pod {}/{}, age: {}",
                    pod.metadata.namespace.as_deref().unwrap_or(""),
                    pod.metadata.name.as_deref().unwrap_or(""),
                    go_duration(age)
                ));
                return;
            }
        }
        out.err(no_resources_message((!all_ns).then_some(ns.as_str())));
        return;
    }
    if let Some(by_cpu) = sort_by_cpu {
        metrics.sort_by_key(|m| {
            std::cmp::Reverse(if by_cpu {
                m.cpu_millis()
            } else {
                m.memory_bytes()
            })
        });
    }
    let containers = p.bool("containers");
    let mut w = TabWriter::for_get();
    if !p.bool("no-headers") {
        let mut cols = Vec::new();
        if all_ns {
            cols.push("NAMESPACE");
        }
        if containers {
            cols.push("POD");
        }
        cols.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"]);
        for c in &cols {
            w.write(&format!("{c}\t"));
        }
        w.write("\n");
    }
    let (mut cpu_sum, mut mem_sum) = (0, 0);
    for m in &metrics {
        cpu_sum += m.cpu_millis();
        mem_sum += m.memory_bytes();
        let prefix = if all_ns {
            format!("{}\t", m.namespace)
        } else {
            String::new()
        };
        if containers {
            for c in &m.containers {
                w.write(&format!(
                    "{prefix}{}\t{}\t{}\t{}\t\n",
                    m.name,
                    c.name,
                    cell_cpu(c.cpu_millis),
                    cell_memory(c.memory_bytes)
                ));
            }
        } else {
            w.write(&format!(
                "{prefix}{}\t{}\t{}\t\n",
                m.name,
                cell_cpu(m.cpu_millis()),
                cell_memory(m.memory_bytes())
            ));
        }
    }
    if p.bool("sum") {
        // metrics_printer.go printPodResourcesSum: underlines under the two
        // usage columns, then the totals.
        let width = 3 + usize::from(all_ns) + usize::from(containers);
        w.write(&"\t".repeat(width - 2));
        w.write("________\t________\t\n");
        w.write(&"\t".repeat(width - 3));
        w.write(&format!(
            "\t{}\t{}\t\n",
            cell_cpu(cpu_sum),
            cell_memory(mem_sum)
        ));
    }
    out.out(w.flush());
}

fn nodes(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("top node", words, NODE_FLAGS, out) else {
        return;
    };
    let Some(sort_by_cpu) = sort_key(&p, out) else {
        return;
    };
    let Ok(sel) = super::selector_flag(&p, out) else {
        return;
    };
    let name = p.args.first().cloned();
    if name.is_some() && sel.is_some() {
        out.fail("error: only one of NAME or --selector can be provided");
        return;
    }
    let node_res = registry::by_kind("v1", "Node").expect("nodes are served");
    let api = s.sim.api();
    let nodes: Vec<&core::Node> = api
        .list(node_res, None)
        .filter_map(|o| match o {
            kubarium_engine::api::Object::Node(n) => Some(&**n),
            _ => None,
        })
        .filter(|n| {
            name.as_ref()
                .is_none_or(|x| n.metadata.name.as_ref() == Some(x))
        })
        .filter(|n| {
            sel.as_ref()
                .is_none_or(|sel| sel.matches(n.metadata.labels.as_ref()))
        })
        .collect();
    let mut metrics: Vec<_> = s
        .sim
        .node_metrics()
        .into_iter()
        .filter(|m| {
            nodes
                .iter()
                .any(|n| n.metadata.name.as_deref() == Some(&m.name))
        })
        .collect();
    if let Some(n) = &name {
        if metrics.is_empty() {
            out.fail(format!(
                "Error from server (NotFound): nodemetrics.metrics.k8s.io \"{n}\" not found"
            ));
            return;
        }
    }
    if metrics.is_empty() && nodes.is_empty() {
        out.err(no_resources_message(None));
        return;
    }
    if let Some(by_cpu) = sort_by_cpu {
        metrics
            .sort_by_key(|m| std::cmp::Reverse(if by_cpu { m.cpu_millis } else { m.memory_bytes }));
    }
    let capacity = p.bool("show-capacity");
    let mut w = TabWriter::for_get();
    if !p.bool("no-headers") {
        w.write("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    let percent = |used: u64, avail: i64| {
        if avail <= 0 {
            "0%".to_string()
        } else {
            format!("{}%", (used as f64 / avail as f64 * 100.0) as i64)
        }
    };
    for m in &metrics {
        let Some(node) = nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(&m.name))
        else {
            continue;
        };
        let status = node.status.as_ref();
        let list = if capacity {
            status.and_then(|s| s.capacity.as_ref())
        } else {
            status.and_then(|s| s.allocatable.as_ref())
        };
        let cpu = list
            .and_then(|l| l.get("cpu"))
            .map(|q| quantity::cpu_millis(&q.0))
            .unwrap_or(0);
        let mem = list
            .and_then(|l| l.get("memory"))
            .map(|q| quantity::bytes(&q.0))
            .unwrap_or(0);
        w.write(&format!(
            "{}\t{}\t{}\t{}\t{}\t\n",
            m.name,
            cell_cpu(m.cpu_millis),
            percent(m.cpu_millis, cpu),
            cell_memory(m.memory_bytes),
            percent(m.memory_bytes, mem)
        ));
    }
    // Nodes without metrics (their kubelet is down): `<unknown>`.
    for n in &nodes {
        let nn = n.metadata.name.as_deref().unwrap_or("");
        if !metrics.iter().any(|m| m.name == nn) {
            w.write(&format!(
                "{nn}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n"
            ));
        }
    }
    out.out(w.flush());
}
