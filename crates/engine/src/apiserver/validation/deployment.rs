//! Deployment validation (pkg/apis/apps/validation/validation.go:
//! `ValidateDeploymentSpec`, `ValidateDeploymentStrategy`,
//! `ValidateRollingUpdateDeployment`, `ValidatePositiveIntOrPercent`,
//! `IsNotMoreThan100Percent`).

use super::field::{forbidden, invalid, not_supported, required, FieldError};
use crate::api::apps;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `ValidateDeploymentSpec`: the parts shared with ReplicaSets (replicas,
/// selector, template) come from `shared`, which validates a ReplicaSet
/// spec made of the Deployment's; then strategy, minReadySeconds,
/// revisionHistoryLimit and progressDeadlineSeconds, in upstream order.
pub fn validate_deployment_spec(
    spec: Option<&apps::DeploymentSpec>,
    shared: impl Fn(&apps::ReplicaSetSpec) -> Vec<FieldError>,
) -> Vec<FieldError> {
    let default = apps::DeploymentSpec::default();
    let spec = spec.unwrap_or(&default);
    let rs = apps::ReplicaSetSpec {
        replicas: spec.replicas,
        min_ready_seconds: None,
        selector: spec.selector.clone(),
        template: Some(spec.template.clone()),
    };
    let mut errs = shared(&rs);
    errs.extend(validate_strategy(spec.strategy.as_ref()));
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    if min_ready < 0 {
        errs.push(nonnegative("spec.minReadySeconds", min_ready));
    }
    if let Some(r) = spec.revision_history_limit {
        if r < 0 {
            errs.push(nonnegative("spec.revisionHistoryLimit", r));
        }
    }
    if let Some(p) = spec.progress_deadline_seconds {
        if p < 0 {
            errs.push(nonnegative("spec.progressDeadlineSeconds", p));
        }
        if p <= min_ready {
            errs.push(invalid(
                "spec.progressDeadlineSeconds",
                p.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

fn nonnegative(path: &str, v: i32) -> FieldError {
    invalid(path, v.to_string(), "must be greater than or equal to 0")
}

/// How Go's `%#v` prints an `intstr.IntOrString` (the value in
/// `field.Invalid`: a pointer's element, which has no `String()` method).
pub fn go_int_or_string(v: Option<&IntOrString>) -> String {
    match v {
        None => "null".into(),
        Some(IntOrString::Int(i)) => {
            format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}")
        }
        Some(IntOrString::String(s)) => {
            format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{s:?}}}")
        }
    }
}

/// `getIntOrPercentValue`: the number, with a percent's `%` dropped (0 if
/// it does not parse).
fn int_or_percent_value(v: Option<&IntOrString>) -> i64 {
    match v {
        None => 0,
        Some(IntOrString::Int(i)) => i64::from(*i),
        Some(IntOrString::String(s)) => s.trim_end_matches('%').parse().unwrap_or(0),
    }
}

fn is_valid_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn validate_positive_int_or_percent(v: Option<&IntOrString>, path: &str) -> Vec<FieldError> {
    match v {
        Some(IntOrString::String(s)) if !is_valid_percent(s) => vec![invalid(
            path,
            go_int_or_string(v),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        )],
        Some(IntOrString::Int(i)) if *i < 0 => vec![nonnegative(path, *i)],
        _ => Vec::new(),
    }
}

fn validate_strategy(strategy: Option<&apps::DeploymentStrategy>) -> Vec<FieldError> {
    let default = apps::DeploymentStrategy::default();
    let strategy = strategy.unwrap_or(&default);
    let mut errs = Vec::new();
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )),
            Some(ru) => {
                let (mu, ms) = (ru.max_unavailable.as_ref(), ru.max_surge.as_ref());
                let p = "spec.strategy.rollingUpdate";
                errs.extend(validate_positive_int_or_percent(
                    mu,
                    &format!("{p}.maxUnavailable"),
                ));
                errs.extend(validate_positive_int_or_percent(
                    ms,
                    &format!("{p}.maxSurge"),
                ));
                if int_or_percent_value(mu) == 0 && int_or_percent_value(ms) == 0 {
                    errs.push(invalid(
                        format!("{p}.maxUnavailable"),
                        go_int_or_string(mu),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                if matches!(mu, Some(IntOrString::String(s)) if is_valid_percent(s))
                    && int_or_percent_value(mu) > 100
                {
                    errs.push(invalid(
                        format!("{p}.maxUnavailable"),
                        go_int_or_string(mu),
                        "must not be greater than 100%",
                    ));
                }
            }
        },
        other => {
            // Go prints the whole strategy struct (`%#v`).
            let ru = if strategy.rolling_update.is_some() {
                "(*apps.RollingUpdateDeployment)(0xc000010000)"
            } else {
                "(*apps.RollingUpdateDeployment)(nil)"
            };
            errs.push(not_supported(
                "spec.strategy",
                format!("apps.DeploymentStrategy{{Type:{other:?}, RollingUpdate:{ru}}}"),
                &["Recreate", "RollingUpdate"],
            ));
        }
    }
    errs
}
