//! policy/v1 validation (pkg/apis/policy/validation/validation.go):
//! `ValidatePodDisruptionBudgetSpec`.

use super::field::{invalid, not_supported, FieldError};
use super::validate_label_selector;
use crate::api::policy::PodDisruptionBudgetSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn go_value(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => format!("{s:?}"),
    }
}

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`.
fn validate_int_or_percent(v: &IntOrString, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match v {
        IntOrString::Int(i) => {
            if *i < 0 {
                errs.push(invalid(
                    path,
                    go_value(v),
                    "must be greater than or equal to 0",
                ));
            }
        }
        IntOrString::String(s) => {
            let digits = s
                .strip_suffix('%')
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            match digits {
                None => errs.push(invalid(
                    path,
                    go_value(v),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                )),
                Some(d) => {
                    if d.parse::<u64>().map_or(true, |n| n > 100) {
                        errs.push(invalid(path, go_value(v), "must not be greater than 100%"));
                    }
                }
            }
        }
    }
    errs
}

/// Validates a PodDisruptionBudget's spec.
pub fn validate_pdb_spec(spec: Option<&PodDisruptionBudgetSpec>) -> Vec<FieldError> {
    let default = PodDisruptionBudgetSpec::default();
    let spec = spec.unwrap_or(&default);
    let mut errs = Vec::new();
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        // Upstream prints the Go struct with its pointers (addresses differ
        // on every request); the pointers are shown without addresses here.
        errs.push(invalid(
            "spec",
            "policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString), MaxUnavailable:(*intstr.IntOrString), ...}".to_string(),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    if let Some(v) = &spec.min_available {
        errs.extend(validate_int_or_percent(v, "spec.minAvailable"));
    }
    if let Some(v) = &spec.max_unavailable {
        errs.extend(validate_int_or_percent(v, "spec.maxUnavailable"));
    }
    if let Some(sel) = &spec.selector {
        errs.extend(validate_label_selector(sel, "spec.selector"));
    }
    if let Some(p) = &spec.unhealthy_pod_eviction_policy {
        if p != "AlwaysAllow" && p != "IfHealthyBudget" {
            errs.push(not_supported(
                "spec.unhealthyPodEvictionPolicy",
                format!("{p:?}"),
                &["AlwaysAllow", "IfHealthyBudget"],
            ));
        }
    }
    errs
}
