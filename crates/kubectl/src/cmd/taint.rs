//! `kubectl taint` (k8s.io/kubectl/pkg/cmd/taint: taint.go, utils.go):
//! `KEY[=VALUE]:EFFECT` adds, `KEY[:EFFECT]-` removes; errors worded as
//! kubectl words them.

use super::{parse_flags, print_api_error, resolve_type};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::{core, Object};

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("overwrite", None, Kind::Bool),
    flag("all", None, Kind::Bool),
    flag("selector", Some('l'), Kind::Value),
];

const HINT: &str = "See 'kubectl taint -h' for help and examples";

fn validate_effect(e: &str) -> Result<(), String> {
    match e {
        "NoSchedule" | "PreferNoSchedule" | "NoExecute" => Ok(()),
        _ => Err(format!(
            "invalid taint effect: {e}, unsupported taint effect"
        )),
    }
}

/// `parseTaint`: `key[=value][:effect]`.
fn parse_taint(spec: &str) -> Result<core::Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [k] => (k.to_string(), None, String::new()),
        [kv, e] => {
            validate_effect(e)?;
            let kv: Vec<&str> = kv.split('=').collect();
            if kv.len() > 2 {
                return Err(format!("invalid taint spec: {spec}"));
            }
            let value = kv.get(1).map(|v| v.to_string());
            if let Some(v) = &value {
                let errs = kubarium_engine::apiserver::validation::is_valid_label_value(v);
                if !errs.is_empty() {
                    return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                }
            }
            (kv[0].to_string(), value, e.to_string())
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = kubarium_engine::apiserver::validation::is_qualified_name(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(core::Taint {
        key,
        value,
        effect,
        time_added: None,
    })
}

/// Go's `%v` of a Taint struct: `{key value effect <nil>}`.
fn go_taint(t: &core::Taint) -> String {
    format!(
        "{{{} {} {} <nil>}}",
        t.key,
        t.value.as_deref().unwrap_or(""),
        t.effect
    )
}

/// `Taint.ToString()`.
fn taint_string(t: &core::Taint) -> String {
    let mut s = t.key.clone();
    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
        s.push('=');
        s.push_str(v);
    }
    if !t.effect.is_empty() {
        s.push(':');
        s.push_str(&t.effect);
    }
    s
}

/// `ParseTaints`: the taints to add and to remove.
pub(crate) fn parse_taints(
    specs: &[String],
) -> Result<(Vec<core::Taint>, Vec<core::Taint>), String> {
    let mut add: Vec<core::Taint> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some(k) = spec.strip_suffix('-') {
            let (key, effect) = match k.split_once(':') {
                Some((key, e)) => {
                    let e = e.split(':').next().unwrap_or("");
                    (key, e)
                }
                None => (k, ""),
            };
            if !effect.is_empty() {
                validate_effect(effect)?;
            }
            remove.push(core::Taint {
                key: key.to_string(),
                effect: effect.to_string(),
                ..Default::default()
            });
        } else {
            let t = parse_taint(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                return Err(format!(
                    "duplicated taints with the same key and effect: {}",
                    go_taint(&t)
                ));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

/// `kubectl taint nodes NAME SPEC...`.
pub(super) fn taint(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("taint", words, FLAGS, out) else {
        return;
    };
    let (specs, mut resources): (Vec<String>, Vec<String>) = p
        .args
        .iter()
        .cloned()
        .partition(|a| a.contains('=') || a.contains(':') || a.ends_with('-'));
    if specs.is_empty() {
        out.fail("error: at least one taint update is required");
        return;
    }
    let (add, remove) = match parse_taints(&specs) {
        Ok(x) => x,
        Err(e) => {
            out.fail(format!("error: {e}\n{HINT}"));
            return;
        }
    };
    // `nodes NAME` or `node/NAME`.
    let names: Vec<String> = match resources.first().cloned() {
        None => {
            out.fail(format!(
                "error: at least one resource name must be specified since 'all' parameter is not set\n{HINT}"
            ));
            return;
        }
        Some(first) => {
            let (ty, mut names) = match first.split_once('/') {
                Some((t, n)) => (t.to_string(), vec![n.to_string()]),
                None => {
                    resources.remove(0);
                    (first, Vec::new())
                }
            };
            let Some(r) = resolve_type(&ty, out) else {
                return;
            };
            if r.kind != "Node" {
                out.fail(format!(
                    "error: invalid resource type {ty}, only node types are supported\n{HINT}"
                ));
                return;
            }
            if names.is_empty() {
                names = resources.clone();
            }
            if names.is_empty() {
                out.fail(format!("error: at least one resource name must be specified since 'all' parameter is not set\n{HINT}"));
                return;
            }
            names
        }
    };
    let overwrite = p.bool("overwrite");
    let res = kubarium_engine::api::registry::by_kind("v1", "Node").expect("nodes");
    for name in names {
        let Some(node) = s.sim.api().get_typed::<core::Node>(res, "", &name).cloned() else {
            out.fail(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ));
            continue;
        };
        let old = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if !overwrite {
            let exists: Vec<String> = add
                .iter()
                .filter(|a| old.iter().any(|o| o.key == a.key && o.effect == a.effect))
                .map(|a| a.key.clone())
                .collect();
            if !exists.is_empty() {
                out.fail(format!(
                    "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                    exists.join(",")
                ));
                continue;
            }
        }
        // reorganizeTaints: the new taints first, then the old ones they
        // do not replace; then the removals.
        let mut next = add.clone();
        for o in &old {
            if !next.iter().any(|n| n.key == o.key && n.effect == o.effect) {
                next.push(o.clone());
            }
        }
        let added = old.len() != next.len();
        let mut errs = Vec::new();
        let mut deleted = false;
        for r in &remove {
            let before = next.len();
            next.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            if next.len() == before {
                errs.push(format!("taint {:?} not found", taint_string(r)));
            } else {
                deleted = true;
            }
        }
        if !errs.is_empty() {
            out.fail(format!(
                "error: {}",
                if errs.len() == 1 {
                    errs[0].clone()
                } else {
                    format!("[{}]", errs.join(", "))
                }
            ));
            continue;
        }
        let op = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        let mut node = node;
        node.spec.get_or_insert_with(Default::default).taints = (!next.is_empty()).then_some(next);
        node.metadata.resource_version = None;
        match s
            .sim
            .with_api(|api| api.update("kubectl", Object::Node(Box::new(node))))
        {
            Ok(_) => out.out(format!("node/{name} {op}\n")),
            Err(e) => print_api_error(&e, None, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn taint_specs_parse_as_kubectl_parses_them() {
        let (add, remove) = parse_taints(&v(&[
            "a=b:NoSchedule",
            "c:NoExecute",
            "d-",
            "e:NoSchedule-",
        ]))
        .unwrap();
        assert_eq!(add.len(), 2);
        assert_eq!(add[0].value.as_deref(), Some("b"));
        assert_eq!(add[1].value, None);
        assert_eq!(remove[0].effect, "");
        assert_eq!(remove[1].effect, "NoSchedule");
    }

    #[test]
    fn bad_taint_specs_fail_in_kubectls_words() {
        assert_eq!(
            parse_taints(&v(&["foo=bar:Bad"])).unwrap_err(),
            "invalid taint effect: Bad, unsupported taint effect"
        );
        assert!(parse_taints(&v(&["foo=bar"])).unwrap_err().starts_with(
            "invalid taint spec: foo=bar, name part must consist of alphanumeric characters"
        ));
        assert_eq!(
            parse_taints(&v(&["foo=bar:NoSchedule", "foo=baz:NoSchedule"])).unwrap_err(),
            "duplicated taints with the same key and effect: {foo baz NoSchedule <nil>}"
        );
    }
}
