//! autoscaling/v2 validation (pkg/apis/autoscaling/validation/validation.go):
//! `validateHorizontalPodAutoscalerSpec` with the scale target reference,
//! and the Resource / ContainerResource metric sources and their targets.

use super::field::{forbidden, invalid, not_supported, q, required, FieldError};
use crate::api::autoscaling::{
    HPAScalingRules, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
};

/// `IsValidPathSegmentName`.
fn path_segment_errors(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    let mut errs = Vec::new();
    for illegal in ["/", "%"] {
        if name.contains(illegal) {
            errs.push(format!("may not contain '{illegal}'"));
        }
    }
    errs
}

/// `validateMetricTarget`.
fn validate_target(t: &MetricTarget, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if t.type_.is_empty() {
        errs.push(required(
            format!("{path}.type"),
            "must specify a metric target type",
        ));
    }
    if !t.type_.is_empty() && !matches!(t.type_.as_str(), "Utilization" | "Value" | "AverageValue")
    {
        errs.push(invalid(
            format!("{path}.type"),
            q(&t.type_),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    let positive = |v: &k8s_openapi::apimachinery::pkg::api::resource::Quantity| {
        crate::api::quantity::parse(&v.0).is_ok_and(|m| m.0 > 0)
    };
    if let Some(v) = t.value.as_ref().filter(|v| !positive(v)) {
        errs.push(invalid(
            format!("{path}.value"),
            q(&v.0),
            "must be positive",
        ));
    }
    if let Some(v) = t.average_value.as_ref().filter(|v| !positive(v)) {
        errs.push(invalid(
            format!("{path}.averageValue"),
            q(&v.0),
            "must be positive",
        ));
    }
    if let Some(u) = t.average_utilization.filter(|u| *u < 1) {
        errs.push(invalid(
            format!("{path}.averageUtilization"),
            u.to_string(),
            "must be greater than 0",
        ));
    }
    errs
}

/// `validateResourceSource` / `validateContainerResourceSource`.
fn validate_resource_source(
    name: &str,
    container: Option<&str>,
    target: &MetricTarget,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if name.is_empty() {
        errs.push(required(
            format!("{path}.name"),
            "must specify a resource name",
        ));
    }
    if container == Some("") {
        errs.push(required(
            format!("{path}.container"),
            "must specify a container",
        ));
    }
    if target.average_utilization.is_none() && target.average_value.is_none() {
        errs.push(required(
            format!("{path}.target.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    errs.extend(validate_target(target, &format!("{path}.target")));
    if target.average_utilization.is_some() && target.average_value.is_some() {
        errs.push(forbidden(
            format!("{path}.target.averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
    errs
}

/// `validateMetricSpec`.
fn validate_metric(m: &MetricSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if m.type_.is_empty() {
        errs.push(required(
            format!("{path}.type"),
            "must specify a metric source type",
        ));
    }
    const TYPES: [&str; 5] = [
        "Object",
        "Pods",
        "Resource",
        "External",
        "ContainerResource",
    ];
    if !m.type_.is_empty() && !TYPES.contains(&m.type_.as_str()) {
        errs.push(invalid(
            format!("{path}.type"),
            q(&m.type_),
            "must be either Object, Pods, Resource, External or ContainerResource",
        ));
    }
    let populated = [
        ("object", m.object.is_some()),
        ("pods", m.pods.is_some()),
        ("resource", m.resource.is_some()),
        ("external", m.external.is_some()),
        ("containerResource", m.container_resource.is_some()),
    ];
    let wanted = match m.type_.as_str() {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => "",
    };
    for (field, set) in populated {
        if set && field != wanted {
            errs.push(forbidden(
                format!("{path}.{field}"),
                "must populate the given metric source only",
            ));
        }
        if !set && field == wanted {
            errs.push(required(
                format!("{path}.{field}"),
                "must populate information for the given metric source",
            ));
        }
    }
    if let Some(r) = &m.resource {
        errs.extend(validate_resource_source(
            &r.name,
            None,
            &r.target,
            &format!("{path}.resource"),
        ));
    }
    if let Some(r) = &m.container_resource {
        errs.extend(validate_resource_source(
            &r.name,
            Some(&r.container),
            &r.target,
            &format!("{path}.containerResource"),
        ));
    }
    errs
}

/// `validateScalingRules` (with `validateScalingPolicy`): windows of
/// 0–3600 s, policies of a positive value over 1–1800 s.
fn validate_rules(rules: Option<&HPAScalingRules>, path: &str) -> Vec<FieldError> {
    let Some(r) = rules else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if let Some(w) = r.stabilization_window_seconds {
        let p = format!("{path}.stabilizationWindowSeconds");
        if w < 0 {
            errs.push(invalid(
                &p,
                w.to_string(),
                "must be greater than or equal to zero",
            ));
        }
        if w > 3600 {
            errs.push(invalid(
                &p,
                w.to_string(),
                "must be less than or equal to 3600",
            ));
        }
    }
    if let Some(sp) = &r.select_policy {
        if !matches!(sp.as_str(), "Disabled" | "Max" | "Min") {
            errs.push(not_supported(
                format!("{path}.selectPolicy"),
                q(sp),
                &["Disabled", "Max", "Min"],
            ));
        }
    }
    let policies = r.policies.as_deref().unwrap_or(&[]);
    if policies.is_empty() {
        errs.push(required(
            format!("{path}.policies"),
            "must specify at least one Policy",
        ));
    }
    for (i, p) in policies.iter().enumerate() {
        let pp = format!("{path}.policies[{i}]");
        if p.type_ != "Pods" && p.type_ != "Percent" {
            errs.push(not_supported(
                format!("{pp}.type"),
                q(&p.type_),
                &["Percent", "Pods"],
            ));
        }
        if p.value <= 0 {
            errs.push(invalid(
                format!("{pp}.value"),
                p.value.to_string(),
                "must be greater than zero",
            ));
        }
        if p.period_seconds <= 0 {
            errs.push(invalid(
                format!("{pp}.periodSeconds"),
                p.period_seconds.to_string(),
                "must be greater than zero",
            ));
        }
        if p.period_seconds > 1800 {
            errs.push(invalid(
                format!("{pp}.periodSeconds"),
                p.period_seconds.to_string(),
                "must be less than or equal to 1800",
            ));
        }
    }
    errs
}

/// `validateHorizontalPodAutoscalerSpec` (minReplicas lower bound 1: the
/// HPAScaleToZero feature gate is off in v1.32).
pub fn validate_hpa_spec(spec: Option<&HorizontalPodAutoscalerSpec>) -> Vec<FieldError> {
    let default = HorizontalPodAutoscalerSpec::default();
    let spec = spec.unwrap_or(&default);
    let mut errs = Vec::new();
    if let Some(min) = spec.min_replicas.filter(|m| *m < 1) {
        errs.push(invalid(
            "spec.minReplicas",
            min.to_string(),
            "must be greater than or equal to 1",
        ));
    }
    if spec.max_replicas < 1 {
        errs.push(invalid(
            "spec.maxReplicas",
            spec.max_replicas.to_string(),
            "must be greater than 0",
        ));
    }
    if spec.min_replicas.is_some_and(|m| spec.max_replicas < m) {
        errs.push(invalid(
            "spec.maxReplicas",
            spec.max_replicas.to_string(),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    let r = &spec.scale_target_ref;
    let mut ref_errs = Vec::new();
    if r.kind.is_empty() {
        ref_errs.push(required("spec.scaleTargetRef.kind", ""));
    }
    for msg in path_segment_errors(&r.kind) {
        ref_errs.push(invalid("spec.scaleTargetRef.kind", q(&r.kind), msg));
    }
    if r.name.is_empty() {
        ref_errs.push(required("spec.scaleTargetRef.name", ""));
    }
    for msg in path_segment_errors(&r.name) {
        ref_errs.push(invalid("spec.scaleTargetRef.name", q(&r.name), msg));
    }
    if !ref_errs.is_empty() {
        errs.extend(ref_errs);
        return errs;
    }
    let mut metric_errs = Vec::new();
    for (i, m) in spec.metrics.iter().flatten().enumerate() {
        metric_errs.extend(validate_metric(m, &format!("spec.metrics[{i}]")));
    }
    if !metric_errs.is_empty() {
        errs.extend(metric_errs);
        return errs;
    }
    if let Some(b) = &spec.behavior {
        errs.extend(validate_rules(b.scale_up.as_ref(), "spec.behavior.scaleUp"));
        errs.extend(validate_rules(
            b.scale_down.as_ref(),
            "spec.behavior.scaleDown",
        ));
    }
    errs
}
