//! `kubectl scale` (k8s.io/kubectl/pkg/cmd/scale): a new
//! `spec.replicas` for Deployments, ReplicaSets and StatefulSets through their scale
//! subresource, with the `--current-replicas` precondition.

use super::{namespace, parse_flags, print_api_error, resolve_type, type_name};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::Object;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("replicas", None, Kind::Value),
    flag("current-replicas", None, Kind::Value),
    flag("resource-version", None, Kind::Value),
    flag("filename", Some('f'), Kind::Multi),
    flag("selector", Some('l'), Kind::Value),
    flag("all", None, Kind::Bool),
    flag("timeout", None, Kind::Value),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
];

/// `kubectl scale`.
pub(super) fn scale(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("scale", words, FLAGS, out) else {
        return;
    };
    let Some(replicas) = p.get("replicas") else {
        out.fail("error: required flag(s) \"replicas\" not set");
        return;
    };
    let int = |flag: &str, v: &str, out: &mut Output| match v.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            out.fail(format!("Error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl scale --help' for usage."));
            None
        }
    };
    let Some(replicas) = int("replicas", replicas, out) else {
        return;
    };
    if replicas < 0 {
        out.fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        return;
    }
    let current = match p.get("current-replicas") {
        Some(v) => match int("current-replicas", v, out) {
            Some(n) => n,
            None => return,
        },
        None => -1,
    };
    if let Some(f) = ["filename", "selector", "all"]
        .into_iter()
        .find(|f| p.has(f))
    {
        out.fail(format!(
            "error: \"kubectl scale --{f}\" is not simulated by Kubarium yet; name the resources as TYPE NAME or TYPE/NAME"
        ));
        return;
    }
    let ns = namespace(s, &p);
    let mut targets = Vec::new();
    let args = &p.args;
    if super::mixed_resource_forms(args, out) {
        return;
    }
    if args.first().is_some_and(|a| a.contains('/')) {
        for a in args {
            let (t, n) = a.split_once('/').unwrap_or((a, ""));
            let Some(r) = resolve_type(t, out) else {
                return;
            };
            targets.push((r, n.to_string()));
        }
    } else if let Some((t, names)) = args.split_first() {
        let Some(r) = resolve_type(t, out) else {
            return;
        };
        targets.extend(names.iter().map(|n| (r, n.clone())));
    }
    if targets.is_empty() {
        out.fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        return;
    }
    for (r, name) in targets {
        let Some(mut obj) = s.sim.api().get(r, &ns, &name).cloned() else {
            out.fail(format!(
                "Error from server (NotFound): {} \"{name}\" not found",
                r.qualified_plural()
            ));
            continue;
        };
        let spec_replicas = match &mut obj {
            Object::Deployment(d) => &mut d.spec.get_or_insert_with(Default::default).replicas,
            Object::ReplicaSet(rs) => &mut rs.spec.get_or_insert_with(Default::default).replicas,
            Object::StatefulSet(sts) => &mut sts.spec.get_or_insert_with(Default::default).replicas,
            _ => {
                out.fail("Error from server (NotFound): the server could not find the requested resource");
                continue;
            }
        };
        let was = spec_replicas.unwrap_or(1);
        if current >= 0 && was != current {
            out.fail(format!(
                "error: Expected replicas to be {current}, was {was}"
            ));
            continue;
        }
        *spec_replicas = Some(replicas);
        obj.meta_mut().resource_version = None;
        match s.sim.with_api(|api| api.update("kubectl", obj)) {
            Ok(_) => out.out(format!("{} scaled\n", type_name(r, &name))),
            Err(e) => print_api_error(&e, None, out),
        }
    }
}
