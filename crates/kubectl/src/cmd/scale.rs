//! `kubectl scale` (k8s.io/kubectl/pkg/cmd/scale): a new
//! `spec.replicas` for Deployments, ReplicaSets and StatefulSets through their scale
//! subresource, with the `--current-replicas` precondition.

use super::{namespace, parse_flags, print_api_error, type_name};
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
    let Some(targets) = super::type_name_args(&p.args, out) else {
        return;
    };
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
