//! `label`, `annotate`, `api-resources`, `version`, `cluster-info`, `config`.

use super::{namespace, parse_flags, print_api_error, resolve_type, type_name};
use crate::args::{flag, Kind};
use crate::printers::table::TabWriter;
use crate::{Output, Session, CONTEXT};
use kubarium_engine::api::registry;
use std::collections::BTreeMap;

pub(crate) const LABEL_FLAGS: &[crate::args::FlagSpec] = &[
    flag("overwrite", None, Kind::Bool),
    flag("all", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
    flag("list", None, Kind::Bool),
];

/// `kubectl label` and `kubectl annotate` (`field` is `labels` or `annotations`).
pub(super) fn label(s: &mut Session, words: &[String], out: &mut Output, field: &str) {
    let cmd = if field == "labels" {
        "label"
    } else {
        "annotate"
    };
    let Some(p) = parse_flags(cmd, words, LABEL_FLAGS, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let mut args = p.args.clone();
    if args.is_empty() {
        out.fail(format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {cmd} -h' for help and examples"));
        return;
    }
    let (r, name) = if let Some((t, n)) = args[0].clone().split_once('/') {
        args.remove(0);
        (resolve_type(t, out), n.to_string())
    } else if args.len() >= 2 {
        let t = args.remove(0);
        (resolve_type(&t, out), args.remove(0))
    } else {
        out.fail(format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {cmd} -h' for help and examples"));
        return;
    };
    let Some(r) = r else { return };
    if args.is_empty() {
        out.fail(format!("error: at least one {} update is required\nSee 'kubectl {cmd} -h' for help and examples", if field == "labels" { "label" } else { "annotation" }));
        return;
    }
    let Some(mut obj) = s.sim.api().get(r, &ns, &name).cloned() else {
        out.fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            r.qualified_plural()
        ));
        return;
    };
    let overwrite = p.bool("overwrite");
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for a in &args {
        if let Some(k) = a.strip_suffix('-') {
            changes.push((k.to_string(), None));
        } else if let Some((k, v)) = a.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else {
            out.fail(format!(
                "error: invalid {} format: {a}",
                if field == "labels" {
                    "label"
                } else {
                    "annotation"
                }
            ));
            return;
        }
    }
    let meta = obj.meta_mut();
    let map = if field == "labels" {
        &mut meta.labels
    } else {
        &mut meta.annotations
    };
    let m = map.get_or_insert_with(BTreeMap::new);
    let before = m.clone();
    for (k, v) in changes {
        match v {
            Some(v) => {
                if let Some(old) = m.get(&k) {
                    if !overwrite && *old != v {
                        out.fail(format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false"
                        ));
                        return;
                    }
                }
                m.insert(k, v);
            }
            None => {
                m.remove(&k);
            }
        }
    }
    let unchanged = *m == before;
    if m.is_empty() {
        *map = None;
    }
    let verb = if field == "labels" {
        "labeled"
    } else {
        "annotated"
    };
    if unchanged {
        out.out(format!("{} not {verb}\n", type_name(r, &name)));
        return;
    }
    obj.meta_mut().resource_version = None;
    match s.sim.with_api(|api| api.update("kubectl", obj)) {
        Ok(_) => out.out(format!("{} {verb}\n", type_name(r, &name))),
        Err(e) => print_api_error(&e, None, out),
    }
}

pub(super) fn api_resources(words: &[String], out: &mut Output) {
    let specs = [
        flag("namespaced", None, Kind::Value),
        flag("output", Some('o'), Kind::Value),
        flag("api-group", None, Kind::Value),
        flag("no-headers", None, Kind::Bool),
    ];
    let Some(p) = parse_flags("api-resources", words, &specs, out) else {
        return;
    };
    let mut rows: Vec<&registry::ResourceInfo> = registry::RESOURCES.iter().collect();
    if let Some(ns) = p.get("namespaced") {
        let want = ns == "true";
        rows.retain(|r| r.namespaced == want);
    }
    if let Some(g) = p.get("api-group") {
        rows.retain(|r| r.group == g);
    }
    if p.get("output") == Some("name") {
        for r in rows {
            out.out(format!("{}\n", r.qualified_plural()));
        }
        return;
    }
    let mut tw = TabWriter::for_get();
    if !p.bool("no-headers") {
        tw.write("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    }
    for r in rows {
        tw.write(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            r.plural,
            r.short_names.join(","),
            r.api_version(),
            r.namespaced,
            r.kind
        ));
    }
    out.out(tw.flush());
}

pub(super) fn version(words: &[String], out: &mut Output) {
    let specs = [
        flag("client", None, Kind::Bool),
        flag("output", Some('o'), Kind::Value),
    ];
    let Some(p) = parse_flags("version", words, &specs, out) else {
        return;
    };
    out.out("Client Version: v1.32.4\nKustomize Version: v5.5.0\n");
    if !p.bool("client") {
        out.out(format!(
            "Server Version: {}\n",
            kubarium_engine::cluster::KUBERNETES_VERSION
        ));
    }
}

pub(super) fn cluster_info(words: &[String], out: &mut Output) {
    let Some(_) = parse_flags("cluster-info", words, &[], out) else {
        return;
    };
    out.out("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
}

pub(super) fn config(s: &mut Session, words: &[String], out: &mut Output) {
    let specs = [
        flag("current", None, Kind::Bool),
        flag("output", Some('o'), Kind::Value),
        flag("minify", None, Kind::Bool),
    ];
    let Some(p) = parse_flags("config", words, &specs, out) else {
        return;
    };
    match p.args.first().map(String::as_str) {
        Some("current-context") => out.out(format!("{CONTEXT}\n")),
        Some("get-contexts") => {
            let mut tw = TabWriter::for_get();
            tw.write("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
            let ns = if s.namespace == "default" { String::new() } else { s.namespace.clone() };
            tw.write(&format!("*\t{CONTEXT}\tkubernetes\tkubernetes-admin\t{ns}\n"));
            out.out(tw.flush());
        }
        Some("use-context") => match p.args.get(1) {
            Some(c) if c == CONTEXT => out.out(format!("Switched to context \"{c}\".\n")),
            Some(c) => out.fail(format!("error: no context exists with the name: \"{c}\"")),
            None => out.fail("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples"),
        },
        Some("set-context") => {
            if !p.bool("current") && p.args.get(1).is_none_or(|c| c != CONTEXT) {
                out.fail("error: you must specify a non-empty context name or --current");
                return;
            }
            if let Some(ns) = p.get("namespace") {
                s.namespace = ns.to_string();
            }
            out.out(format!("Context \"{CONTEXT}\" modified.\n"));
        }
        Some("view") => {
            out.out(format!(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n{}    user: kubernetes-admin\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n",
                if s.namespace == "default" { String::new() } else { format!("    namespace: {}\n", s.namespace) }
            ));
        }
        Some(other) => out.fail(format!("error: unknown command \"{other}\" for \"kubectl config\"")),
        None => out.fail("error: a subcommand of \"kubectl config\" is required (current-context, get-contexts, use-context, set-context, view)"),
    }
}
