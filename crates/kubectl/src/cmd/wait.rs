//! `kubectl wait` (k8s.io/kubectl/pkg/cmd/wait): waits, in virtual time,
//! until each named object has a condition (`--for=condition=Ready`), a
//! JSONPath value (`--for=jsonpath='{.status.phase}'=Running`), exists
//! (`--for=create`) or is gone (`--for=delete`), or `--timeout` passes.

use super::{namespace, parse_flags, type_name};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::registry::ResourceInfo;
use kubarium_engine::api::Object;
use serde_json::Value;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("for", None, Kind::Value),
    flag("timeout", None, Kind::Value),
    flag("selector", Some('l'), Kind::Value),
    flag("all", None, Kind::Bool),
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("field-selector", None, Kind::Value),
    flag("filename", Some('f'), Kind::Multi),
    flag("local", None, Kind::Bool),
    flag("output", Some('o'), Kind::Value),
];

/// The virtual time between two checks.
const STEP_MS: u64 = 100;
/// `--timeout` without a flag (wait.go: 30s).
const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// A negative `--timeout` waits "for a week" (wait.go).
const WEEK_MS: u64 = 7 * 24 * 3_600_000;

/// What `--for` asks.
#[derive(Debug, PartialEq)]
enum Cond {
    Delete,
    Create,
    /// A condition type and the wanted status (compared case-folded).
    Condition(String, String),
    /// A JSONPath (as field/index steps) and an optional wanted value.
    JsonPath(Vec<Step>, Option<String>),
}

/// One step of the simple JSONPath subset: `.name` or `[n]`.
#[derive(Debug, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
}

/// `kubectl wait`.
pub(super) fn wait(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("wait", words, FLAGS, out) else {
        return;
    };
    let cond = match parse_for(p.get("for").unwrap_or("")) {
        Ok(c) => c,
        Err(e) => {
            out.fail(format!("error: {e}"));
            return;
        }
    };
    let timeout = match p.get("timeout") {
        None => DEFAULT_TIMEOUT_MS,
        // A negative timeout waits a week (`kubectl wait --help`).
        Some(v) => match super::duration_flag("wait", "timeout", v, out) {
            Some(ms) if ms < 0 => WEEK_MS,
            Some(ms) => ms as u64,
            None => return,
        },
    };
    if let Some(f) = ["filename", "local", "field-selector", "output"]
        .into_iter()
        .find(|f| p.has(f))
    {
        out.fail(format!(
            "error: \"kubectl wait --{f}\" is not simulated by Kubarium yet"
        ));
        return;
    }
    let Ok(sel) = super::selector_flag(&p, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let all_ns = p.bool("all-namespaces");
    let Some(reqs) = super::get::requests(&p.args, out) else {
        if p.args.is_empty() {
            out.fail("error: resource(s) were provided, but no name was specified");
        }
        return;
    };
    // The objects the resource builder finds now, as (resource, ns, name).
    let mut targets: Vec<(&'static ResourceInfo, String, String)> = Vec::new();
    let mut missing = Vec::new();
    for (r, names) in &reqs {
        if names.is_empty() {
            if sel.is_none() && !p.bool("all") && !all_ns {
                out.fail("error: resource(s) were provided, but no name was specified");
                return;
            }
            let scope = if all_ns { None } else { Some(ns.as_str()) };
            for o in super::list(s, r, scope) {
                if sel
                    .as_ref()
                    .is_none_or(|sel| sel.matches(o.meta().labels.as_ref()))
                {
                    targets.push((r, o.namespace().to_string(), o.name().to_string()));
                }
            }
        } else {
            for n in names {
                if s.sim.api().get(r, &ns, n).is_some() || cond == Cond::Create {
                    targets.push((r, ns.clone(), n.clone()));
                } else {
                    missing.push((*r, n.clone()));
                }
            }
        }
    }
    // wait.go: NotFound is ignored for --for=delete (already gone) and an
    // error otherwise; nothing found at all is "no matching resources".
    if cond != Cond::Delete {
        if let Some((r, n)) = missing.first() {
            out.fail(format!(
                "Error from server (NotFound): {} \"{n}\" not found",
                r.qualified_plural()
            ));
            return;
        }
        if targets.is_empty() {
            out.fail("error: no matching resources found");
            return;
        }
    }
    // One deadline for all objects: wait.go's context carries the timeout.
    let wait = super::blocking::Wait::new(s, timeout, STEP_MS);
    for (r, ons, name) in targets {
        let met = wait.until(s, |s| {
            met(&cond, s.sim.api().get(r, &ons, &name)).then_some(())
        });
        if met.is_none() {
            out.fail(format!(
                "error: timed out waiting for the condition on {}/{name}",
                r.plural
            ));
            return;
        }
        out.out(format!("{} condition met\n", type_name(r, &name)));
    }
}

/// Whether the object (or its absence) satisfies the condition.
fn met(cond: &Cond, obj: Option<&Object>) -> bool {
    match (cond, obj) {
        (Cond::Delete, o) => o.is_none(),
        (Cond::Create, o) => o.is_some(),
        (_, None) => false,
        (Cond::Condition(t, want), Some(o)) => {
            let v = o.to_value();
            let generation = v.pointer("/metadata/generation").and_then(Value::as_i64);
            v.pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|ct| ct.to_lowercase() == t.to_lowercase())
                })
                .any(|c| {
                    let status_ok = c
                        .get("status")
                        .and_then(Value::as_str)
                        .is_some_and(|cs| cs.to_lowercase() == want.to_lowercase());
                    // condition.go: a condition observed for an older
                    // generation does not count.
                    let observed = c
                        .get("observedGeneration")
                        .or_else(|| v.pointer("/status/observedGeneration"))
                        .and_then(Value::as_i64);
                    let current = match (generation, observed) {
                        (Some(g), Some(o)) => o >= g,
                        _ => true,
                    };
                    status_ok && current
                })
        }
        (Cond::JsonPath(steps, want), Some(o)) => {
            let v = o.to_value();
            let mut cur = &v;
            for st in steps {
                let next = match st {
                    Step::Field(f) => cur.get(f.as_str()),
                    Step::Index(i) => cur.get(*i),
                };
                match next {
                    Some(n) => cur = n,
                    None => return false,
                }
            }
            match want {
                None => !cur.is_null(),
                Some(w) => {
                    let got = match cur {
                        Value::String(s) => s.clone(),
                        Value::Object(_) | Value::Array(_) => return false,
                        other => other.to_string(),
                    };
                    &got == w
                }
            }
        }
    }
}

/// Parses `--for` as wait.go's conditionFuncFor does.
fn parse_for(f: &str) -> Result<Cond, String> {
    let lower = f.to_lowercase();
    if lower == "delete" {
        return Ok(Cond::Delete);
    }
    if lower == "create" {
        return Ok(Cond::Create);
    }
    if lower.starts_with("condition=") {
        let rest = &f["condition=".len()..];
        let (t, v) = match rest.split_once('=') {
            Some((t, v)) => (t, v),
            None => (rest, "true"),
        };
        return Ok(Cond::Condition(t.to_string(), v.to_string()));
    }
    if lower.starts_with("jsonpath=") {
        let rest = &f["jsonpath=".len()..];
        // The expression ends at its closing brace (or is brace-less up to
        // the first `=`); what follows `=` is the wanted value.
        let (expr, value) = if rest.starts_with('{') {
            match rest.find('}') {
                Some(i) => {
                    let tail = &rest[i + 1..];
                    let value = match tail.strip_prefix('=') {
                        Some(v) => Some(v.to_string()),
                        None if tail.is_empty() => None,
                        None => return Err(path_err()),
                    };
                    (&rest[1..i], value)
                }
                None => return Err(path_err()),
            }
        } else {
            match rest.split_once('=') {
                Some((e, v)) => (e, Some(v.to_string())),
                None => (rest, None),
            }
        };
        if expr.is_empty() {
            return Err("jsonpath expression cannot be empty".into());
        }
        return Ok(Cond::JsonPath(parse_path(expr)?, value));
    }
    Err(format!("unrecognized condition: \"{f}\""))
}

fn path_err() -> String {
    "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into()
}

/// `.a.b[0].c` (or `a.b`): fields and numeric indices only.
fn parse_path(expr: &str) -> Result<Vec<Step>, String> {
    let unsupported = || {
        format!("jsonpath {{{expr}}}: Kubarium's kubectl wait supports only fields and numeric indices, like {{.status.conditions[0].type}}")
    };
    let mut steps = Vec::new();
    for part in expr.trim_start_matches('.').split('.') {
        let (field, mut idx) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if field.is_empty() && idx.is_empty() {
            return Err(unsupported());
        }
        if !field.is_empty() {
            if field.contains(['*', '?', '@', '(', '\'', '"']) {
                return Err(unsupported());
            }
            steps.push(Step::Field(field.to_string()));
        }
        while !idx.is_empty() {
            let close = idx.find(']').ok_or_else(unsupported)?;
            let n: usize = idx[1..close].parse().map_err(|_| unsupported())?;
            steps.push(Step::Index(n));
            idx = &idx[close + 1..];
            if !idx.is_empty() && !idx.starts_with('[') {
                return Err(unsupported());
            }
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_parses_as_kubectl_does() {
        assert_eq!(parse_for("delete"), Ok(Cond::Delete));
        assert_eq!(
            parse_for("condition=Ready"),
            Ok(Cond::Condition("Ready".into(), "true".into()))
        );
        assert_eq!(
            parse_for("condition=Ready=false"),
            Ok(Cond::Condition("Ready".into(), "false".into()))
        );
        assert_eq!(
            parse_for("jsonpath={.status.conditions[0].type}=Ready"),
            Ok(Cond::JsonPath(
                vec![
                    Step::Field("status".into()),
                    Step::Field("conditions".into()),
                    Step::Index(0),
                    Step::Field("type".into())
                ],
                Some("Ready".into())
            ))
        );
        assert_eq!(
            parse_for("jsonpath=.status.phase"),
            Ok(Cond::JsonPath(
                vec![Step::Field("status".into()), Step::Field("phase".into())],
                None
            ))
        );
        assert_eq!(
            parse_for(""),
            Err("unrecognized condition: \"\"".to_string())
        );
        assert_eq!(parse_for("jsonpath={.status.phase"), Err(path_err()));
        assert_eq!(
            parse_for("jsonpath="),
            Err("jsonpath expression cannot be empty".to_string())
        );
        assert!(parse_for("jsonpath={.items[*].x}=a").is_err());
    }

    #[test]
    fn conditions_match_case_folded_and_for_the_current_generation() {
        let mut d: Object = Object::from_value(
            "apps/v1",
            "Deployment",
            serde_json::json!({
                "metadata": {"name": "web", "generation": 2},
                "status": {"observedGeneration": 1, "conditions": [
                    {"type": "Available", "status": "True"}
                ]}
            }),
        )
        .unwrap()
        .unwrap();
        let want = Cond::Condition("available".into(), "true".into());
        assert!(!met(&want, Some(&d)), "observed generation 1 < 2");
        if let Object::Deployment(dep) = &mut d {
            dep.status
                .get_or_insert_with(Default::default)
                .observed_generation = Some(2);
        }
        assert!(met(&want, Some(&d)));
        assert!(!met(
            &Cond::Condition("Available".into(), "False".into()),
            Some(&d)
        ));
        assert!(met(&Cond::Delete, None));
        assert!(!met(&Cond::Delete, Some(&d)));
        let jp = parse_for("jsonpath={.status.observedGeneration}=2").unwrap();
        assert!(met(&jp, Some(&d)));
    }
}
