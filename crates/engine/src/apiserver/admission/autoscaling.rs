//! autoscaling/v2 defaulting (pkg/apis/autoscaling/v2/defaults.go):
//! `minReplicas` 1, a CPU target of 80 % when no metric is given, and, when
//! `spec.behavior` is set, its unset rules filled with the defaults (an HPA
//! without `behavior` keeps none: the controller then applies its built-in
//! rules).

use crate::api::autoscaling::{
    HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler, MetricSpec, MetricTarget,
    ResourceMetricSource,
};

/// `autoscaling.DefaultCPUUtilization`.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

fn policy(type_: &str, value: i32) -> HPAScalingPolicy {
    HPAScalingPolicy {
        type_: type_.into(),
        value,
        period_seconds: 15,
    }
}

/// `GenerateHPAScaleUpRules`: unset fields of `rules` take the defaults
/// (no stabilization window, Max of 4 pods and 100 % every 15 s).
fn scale_up_rules(rules: Option<HPAScalingRules>) -> HPAScalingRules {
    let mut r = rules.unwrap_or_default();
    if r.policies.as_ref().is_none_or(Vec::is_empty) {
        r.policies = Some(vec![policy("Pods", 4), policy("Percent", 100)]);
    }
    if r.select_policy.is_none() {
        r.select_policy = Some("Max".into());
    }
    if r.stabilization_window_seconds.is_none() {
        r.stabilization_window_seconds = Some(0);
    }
    r
}

/// `GenerateHPAScaleDownRules`: 100 % every 15 s, Max; the window stays
/// unset (the controller's `--horizontal-pod-autoscaler-downscale-stabilization`,
/// 300 s, applies).
fn scale_down_rules(rules: Option<HPAScalingRules>) -> HPAScalingRules {
    let mut r = rules.unwrap_or_default();
    if r.policies.as_ref().is_none_or(Vec::is_empty) {
        r.policies = Some(vec![policy("Percent", 100)]);
    }
    if r.select_policy.is_none() {
        r.select_policy = Some("Max".into());
    }
    r
}

/// `SetDefaults_HorizontalPodAutoscaler`.
pub fn default_hpa(hpa: &mut HorizontalPodAutoscaler) {
    let spec = hpa.spec.get_or_insert_with(Default::default);
    if spec.min_replicas.is_none() {
        spec.min_replicas = Some(1);
    }
    if spec.metrics.as_ref().is_none_or(Vec::is_empty) {
        spec.metrics = Some(vec![MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: "cpu".into(),
                target: MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(DEFAULT_CPU_UTILIZATION),
                    ..Default::default()
                },
            }),
            ..Default::default()
        }]);
    }
    if let Some(b) = spec.behavior.as_mut() {
        b.scale_up = Some(scale_up_rules(b.scale_up.take()));
        b.scale_down = Some(scale_down_rules(b.scale_down.take()));
    }
}
