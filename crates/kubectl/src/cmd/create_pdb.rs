//! `kubectl create poddisruptionbudget` (k8s.io/kubectl/pkg/cmd/create/create_pdb.go).

use super::apply::submit_generated;
use super::parse_flags;
use crate::args::{flag, Kind};
use crate::{Output, Session};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubarium_engine::api::policy::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use kubarium_engine::api::{meta, Object};
use std::collections::BTreeMap;

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("selector", None, Kind::Value),
    flag("min-available", None, Kind::Value),
    flag("max-unavailable", None, Kind::Value),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("save-config", None, Kind::Bool),
    flag("validate", None, Kind::Value),
];

/// `metav1.ParseToLabelSelector` for the forms learners use: `k=v`,
/// `k==v`, `k!=v`, `k`, `!k`, comma-separated.
fn parse_selector(s: &str) -> Result<meta::LabelSelector, String> {
    kubarium_engine::api::selector::parse(s)?;
    let mut labels = BTreeMap::new();
    let mut exprs = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((k, v)) = part.split_once("!=") {
            exprs.push(meta::LabelSelectorRequirement {
                key: k.trim().into(),
                operator: "NotIn".into(),
                values: Some(vec![v.trim().into()]),
            });
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            labels.insert(k.trim().to_string(), v.trim().to_string());
        } else if let Some(k) = part.strip_prefix('!') {
            exprs.push(meta::LabelSelectorRequirement {
                key: k.trim().into(),
                operator: "DoesNotExist".into(),
                values: None,
            });
        } else {
            exprs.push(meta::LabelSelectorRequirement {
                key: part.into(),
                operator: "Exists".into(),
                values: None,
            });
        }
    }
    Ok(meta::LabelSelector {
        match_labels: (!labels.is_empty()).then_some(labels),
        match_expressions: (!exprs.is_empty()).then_some(exprs),
    })
}

/// `^[0-9]+%?$` as an IntOrString.
fn int_or_percent(v: &str) -> Option<IntOrString> {
    let digits = v.strip_suffix('%').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if v.ends_with('%') {
        Some(IntOrString::String(v.to_string()))
    } else {
        digits.parse().ok().map(IntOrString::Int)
    }
}

/// Runs `kubectl create poddisruptionbudget NAME --selector=... --min-available=N|--max-unavailable=N`.
pub(super) fn create_pdb(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("create poddisruptionbudget", words, FLAGS, out) else {
        return;
    };
    let name = match p.args.as_slice() {
        [_, name] => name.clone(),
        [_, rest @ ..] => {
            out.fail(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create poddisruptionbudget -h' for help and examples", rest.len()));
            return;
        }
        [] => return,
    };
    let selector = p.get("selector").unwrap_or("");
    let min = p.get("min-available").unwrap_or("");
    let max = p.get("max-unavailable").unwrap_or("");
    let err = if selector.is_empty() {
        Some("a selector must be specified")
    } else if min.is_empty() && max.is_empty() {
        Some("one of min-available or max-unavailable must be specified")
    } else if !min.is_empty() && !max.is_empty() {
        Some("min-available and max-unavailable cannot be both specified")
    } else if !min.is_empty() && int_or_percent(min).is_none() {
        Some("invalid format specified for min-available")
    } else if !max.is_empty() && int_or_percent(max).is_none() {
        Some("invalid format specified for max-unavailable")
    } else {
        None
    };
    if let Some(e) = err {
        out.fail(format!("error: {e}"));
        return;
    }
    let selector = match parse_selector(selector) {
        Ok(sel) => sel,
        Err(e) => {
            out.fail(format!("error: {e}"));
            return;
        }
    };
    let pdb = PodDisruptionBudget {
        metadata: meta::ObjectMeta {
            name: Some(name),
            ..Default::default()
        },
        spec: Some(PodDisruptionBudgetSpec {
            min_available: int_or_percent(min),
            max_unavailable: int_or_percent(max),
            selector: Some(selector),
            ..Default::default()
        }),
        status: Some(Default::default()),
    };
    submit_generated(
        s,
        &p,
        Object::PodDisruptionBudget(Box::new(pdb)),
        Some("poddisruptionbudgets"),
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_parse_as_numbers_or_percentages_only() {
        assert_eq!(int_or_percent("2"), Some(IntOrString::Int(2)));
        assert_eq!(
            int_or_percent("50%"),
            Some(IntOrString::String("50%".into()))
        );
        assert_eq!(int_or_percent("10Gb"), None);
        assert_eq!(int_or_percent("%"), None);
    }

    #[test]
    fn selectors_become_match_labels_and_expressions() {
        let s = parse_selector("app=web,tier!=db,canary").unwrap();
        assert_eq!(
            s.match_labels,
            Some(BTreeMap::from([("app".to_string(), "web".to_string())]))
        );
        let ops: Vec<&str> = s
            .match_expressions
            .iter()
            .flatten()
            .map(|e| e.operator.as_str())
            .collect();
        assert_eq!(ops, ["NotIn", "Exists"]);
    }
}
