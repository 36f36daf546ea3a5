//! Label selectors: `metav1.LabelSelector` matching and the string syntax
//! kubectl's `-l` accepts (k8s.io/apimachinery/pkg/labels): `a=b`, `a==b`,
//! `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated.

use crate::api::meta::LabelSelector;
use std::collections::BTreeMap;

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `key in (values)` (also `key=value`).
    In(String, Vec<String>),
    /// `key notin (values)` (also `key!=value`: matches when absent too).
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

/// A parsed selector: all requirements must match. Empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(pub Vec<Requirement>);

impl Selector {
    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k));
        self.0.iter().all(|r| match r {
            Requirement::In(k, vs) => get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }

    /// Whether the selector has no requirement (matches everything).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Converts a `LabelSelector` (matchLabels + matchExpressions). An invalid
/// operator yields `None`, as `metav1.LabelSelectorAsSelector` errors.
pub fn from_label_selector(s: &LabelSelector) -> Option<Selector> {
    let mut reqs = Vec::new();
    for (k, v) in s.match_labels.iter().flatten() {
        reqs.push(Requirement::In(k.clone(), vec![v.clone()]));
    }
    for e in s.match_expressions.iter().flatten() {
        let vals = e.values.clone().unwrap_or_default();
        reqs.push(match e.operator.as_str() {
            "In" => Requirement::In(e.key.clone(), vals),
            "NotIn" => Requirement::NotIn(e.key.clone(), vals),
            "Exists" => Requirement::Exists(e.key.clone()),
            "DoesNotExist" => Requirement::DoesNotExist(e.key.clone()),
            _ => return None,
        });
    }
    Some(Selector(reqs))
}

/// Whether a `LabelSelector` matches `labels` (an invalid one matches nothing).
pub fn label_selector_matches(
    s: &LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    from_label_selector(s).is_some_and(|sel| sel.matches(labels))
}

/// Renders a `LabelSelector` as kubectl prints it (`app=nginx,tier in (a,b)`).
pub fn format_label_selector(s: &LabelSelector) -> String {
    let mut parts = Vec::new();
    for (k, v) in s.match_labels.iter().flatten() {
        parts.push(format!("{k}={v}"));
    }
    for e in s.match_expressions.iter().flatten() {
        let vals = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({vals})", e.key),
        });
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

/// Parses kubectl's `-l` syntax. Errors are worded as apimachinery's parser.
pub fn parse(s: &str) -> Result<Selector, String> {
    let mut reqs = Vec::new();
    let s = s.trim();
    if s.is_empty() {
        return Ok(Selector::default());
    }
    // Split on commas that are not inside parentheses.
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            return Err("found '', expected: identifier after ','".to_string());
        }
        let req = if let Some(k) = p.strip_prefix('!') {
            Requirement::DoesNotExist(k.trim().to_string())
        } else if let Some((k, v)) = p.split_once("!=") {
            Requirement::NotIn(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, v)) = p.split_once("==") {
            Requirement::In(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, v)) = p.split_once('=') {
            Requirement::In(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, rest)) = split_word(p, " notin ") {
            Requirement::NotIn(k, set_values(&rest)?)
        } else if let Some((k, rest)) = split_word(p, " in ") {
            Requirement::In(k, set_values(&rest)?)
        } else if p.contains(' ') || p.contains('(') {
            return Err(format!(
                "unable to parse requirement: found '{p}', expected: in, notin, =, ==, !=, gt, lt"
            ));
        } else {
            Requirement::Exists(p.to_string())
        };
        reqs.push(req);
    }
    Ok(Selector(reqs))
}

fn split_word(p: &str, word: &str) -> Option<(String, String)> {
    let i = p.find(word)?;
    Some((
        p[..i].trim().to_string(),
        p[i + word.len()..].trim().to_string(),
    ))
}

fn set_values(rest: &str) -> Result<Vec<String>, String> {
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("found '{rest}', expected: '('"))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

/// A field selector (`status.phase=Running,spec.nodeName!=node-1`) as
/// `kubectl get --field-selector` sends it: `=`, `==` and `!=` on dotted
/// paths of the object's JSON form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector(pub Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parses a field selector; the error is the API server's wording.
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut reqs = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            reqs.push((k.trim().to_string(), eq, v.trim().to_string()));
        }
        Ok(FieldSelector(reqs))
    }

    /// Whether the object's JSON form satisfies every requirement. Missing
    /// fields read as the empty string.
    pub fn matches(&self, v: &serde_json::Value) -> bool {
        self.0.iter().all(|(path, eq, want)| {
            let mut cur = Some(v);
            for seg in path.split('.') {
                cur = cur.and_then(|c| c.get(seg));
            }
            let got = match cur {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (got == *want) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_inequality() {
        let l = labels(&[("app", "nginx"), ("tier", "web")]);
        assert!(parse("app=nginx").unwrap().matches(Some(&l)));
        assert!(parse("app==nginx,tier=web").unwrap().matches(Some(&l)));
        assert!(!parse("app!=nginx").unwrap().matches(Some(&l)));
        assert!(
            parse("env!=prod").unwrap().matches(Some(&l)),
            "!= matches an absent key"
        );
    }

    #[test]
    fn set_based_and_existence() {
        let l = labels(&[("env", "dev")]);
        assert!(parse("env in (dev,qa)").unwrap().matches(Some(&l)));
        assert!(!parse("env notin (dev)").unwrap().matches(Some(&l)));
        assert!(parse("env,!app").unwrap().matches(Some(&l)));
        assert!(!parse("app").unwrap().matches(Some(&l)));
    }

    #[test]
    fn field_selectors_compare_json_paths() {
        let v = serde_json::json!({"metadata": {"name": "a"}, "status": {"phase": "Running"}});
        assert!(
            FieldSelector::parse("metadata.name=a,status.phase!=Pending")
                .unwrap()
                .matches(&v)
        );
        assert!(!FieldSelector::parse("spec.nodeName=n1")
            .unwrap()
            .matches(&v));
        assert!(FieldSelector::parse("spec.nodeName=").unwrap().matches(&v));
    }

    #[test]
    fn label_selector_with_expressions() {
        let s: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "x"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]
        }))
        .unwrap();
        assert!(label_selector_matches(
            &s,
            Some(&labels(&[("app", "x"), ("tier", "b")]))
        ));
        assert!(!label_selector_matches(&s, Some(&labels(&[("app", "x")]))));
        assert_eq!(format_label_selector(&s), "app=x,tier in (a,b)");
    }
}
