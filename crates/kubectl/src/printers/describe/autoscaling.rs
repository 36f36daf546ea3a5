//! `kubectl describe horizontalpodautoscaler` (describeHorizontalPodAutoscalerV2
//! in k8s.io/kubectl/pkg/describe/describe.go).

use super::{annotations_multiline, events_section, labels_multiline, time_text, W};
use crate::printers::get::{resource_metric, ResourceMetric};
use kubarium_engine::api::autoscaling::{HPAScalingRules, HorizontalPodAutoscaler, MetricStatus};
use kubarium_engine::api::core;

fn q(v: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>) -> String {
    // A nil *Quantity's String() is "<nil>"; a zero one "0".
    v.map_or_else(|| "<nil>".to_string(), |q| q.0.clone())
}

/// `printDirectionBehavior`.
fn direction(w: &mut W, title: &str, rules: Option<&HPAScalingRules>) {
    let Some(r) = rules else {
        return;
    };
    w.w(1, &format!("{title}:\n"));
    if let Some(s) = r.stabilization_window_seconds {
        w.w(2, &format!("Stabilization Window: {s} seconds\n"));
    }
    if let Some(ps) = r.policies.as_ref().filter(|p| !p.is_empty()) {
        w.w(
            2,
            &format!(
                "Select Policy: {}\n",
                r.select_policy.as_deref().unwrap_or("Max")
            ),
        );
        w.w(2, "Policies:\n");
        for p in ps {
            w.w(
                3,
                &format!(
                    "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                    p.type_, p.value, p.period_seconds
                ),
            );
        }
    }
}

/// The describe text of an HPA, with its events.
pub fn describe_horizontal_pod_autoscaler(
    hpa: &HorizontalPodAutoscaler,
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &hpa.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), false);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_text(m.creation_timestamp.as_ref().map(|t| &t.0))
        ),
    );
    let spec = hpa.spec.clone().unwrap_or_default();
    let status = hpa.status.clone().unwrap_or_default();
    let target = &spec.scale_target_ref;
    w.w(0, &format!("Reference:\t{}/{}\n", target.kind, target.name));
    w.w(0, "Metrics:\t( current / target )\n");
    let current: Vec<MetricStatus> = status.current_metrics.clone().unwrap_or_default();
    for (i, metric) in spec.metrics.iter().flatten().enumerate() {
        let st = current.get(i);
        match metric.type_.as_str() {
            "External" => {
                let e = metric.external.clone().unwrap_or_default();
                let sel = e
                    .metric
                    .selector
                    .as_ref()
                    .map(|s| crate::printers::get::selector_string(Some(s)))
                    .unwrap_or_else(|| "<none>".into());
                if e.target.average_value.is_some() {
                    let cur = st
                        .and_then(|s| s.external.as_ref())
                        .map_or("<unknown>".into(), |x| q(x.current.average_value.as_ref()));
                    w.w(
                        1,
                        &format!(
                            "\"{}\" (target average value):\t{cur} / {}\n",
                            e.metric.name,
                            q(e.target.average_value.as_ref())
                        ),
                    );
                } else {
                    let cur = st
                        .and_then(|s| s.external.as_ref())
                        .map_or("<unknown>".into(), |x| q(x.current.value.as_ref()));
                    w.w(
                        1,
                        &format!(
                            "\"{}\" (target value):\t{cur} / {}\n",
                            e.metric.name,
                            q(e.target.value.as_ref())
                        ),
                    );
                }
                let _ = sel;
            }
            "Pods" => {
                let p = metric.pods.clone().unwrap_or_default();
                let cur = st
                    .and_then(|s| s.pods.as_ref())
                    .map_or("<unknown>".into(), |x| q(x.current.average_value.as_ref()));
                w.w(
                    1,
                    &format!(
                        "\"{}\" on pods:\t{cur} / {}\n",
                        p.metric.name,
                        q(p.target.average_value.as_ref())
                    ),
                );
            }
            "Object" => {
                let o = metric.object.clone().unwrap_or_default();
                w.w(
                    1,
                    &format!(
                        "\"{}\" on {}/{} ",
                        o.metric.name, o.described_object.kind, o.described_object.name
                    ),
                );
                if o.target.type_ == "AverageValue" {
                    let cur = st
                        .and_then(|s| s.object.as_ref())
                        .map_or("<unknown>".into(), |x| q(x.current.average_value.as_ref()));
                    w.w(
                        0,
                        &format!(
                            "(target average value):\t{cur} / {}\n",
                            q(o.target.average_value.as_ref())
                        ),
                    );
                } else {
                    let cur = st
                        .and_then(|s| s.object.as_ref())
                        .map_or("<unknown>".into(), |x| q(x.current.value.as_ref()));
                    w.w(
                        0,
                        &format!("(target value):\t{cur} / {}\n", q(o.target.value.as_ref())),
                    );
                }
            }
            "Resource" | "ContainerResource" => {
                let ResourceMetric {
                    name,
                    container,
                    target,
                    cur,
                } = resource_metric(metric, st);
                match container {
                    None => w.w(1, &format!("resource {name} on pods")),
                    Some(c) => w.w(1, &format!("resource {name} of container \"{c}\" on pods")),
                }
                if target.average_value.is_some() {
                    let c = cur.map_or("<unknown>".into(), |c| q(c.average_value.as_ref()));
                    w.w(
                        0,
                        &format!(":\t{c} / {}\n", q(target.average_value.as_ref())),
                    );
                } else {
                    let c = cur.filter(|c| c.average_utilization.is_some()).map_or(
                        "<unknown>".into(),
                        |c| {
                            format!(
                                "{}% ({})",
                                c.average_utilization.unwrap_or(0),
                                q(c.average_value.as_ref())
                            )
                        },
                    );
                    let t = target
                        .average_utilization
                        .map_or("<auto>".into(), |u| format!("{u}%"));
                    w.w(1, &format!("(as a percentage of request):\t{c} / {t}\n"));
                }
            }
            other => w.w(1, &format!("<unknown metric type {other:?}>\n")),
        }
    }
    let min = spec
        .min_replicas
        .map_or("<unset>".into(), |m| m.to_string());
    w.w(0, &format!("Min replicas:\t{min}\n"));
    w.w(0, &format!("Max replicas:\t{}\n", spec.max_replicas));
    if let Some(b) = &spec.behavior {
        w.w(0, "Behavior:\n");
        direction(&mut w, "Scale Up", b.scale_up.as_ref());
        direction(&mut w, "Scale Down", b.scale_down.as_ref());
    }
    w.w(0, &format!("{} pods:\t", target.kind));
    w.w(
        0,
        &format!(
            "{} current / {} desired\n",
            status.current_replicas.unwrap_or(0),
            status.desired_replicas
        ),
    );
    if let Some(cs) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tReason\tMessage\n");
        w.w(1, "----\t------\t------\t-------\n");
        for c in cs {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printers::get::{table, TableOptions};
    use kubarium_engine::api::Object;
    use serde_json::json;

    fn hpa(v: serde_json::Value) -> HorizontalPodAutoscaler {
        serde_json::from_value(v).unwrap()
    }

    fn php_apache() -> HorizontalPodAutoscaler {
        hpa(json!({
            "metadata": {"name": "php-apache", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
                "minReplicas": 1, "maxReplicas": 10,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 50}}}]
            },
            "status": {
                "currentReplicas": 4, "desiredReplicas": 5,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageUtilization": 125, "averageValue": "250m"}}}],
                "conditions": [
                    {"type": "AbleToScale", "status": "True", "reason": "SucceededRescale",
                     "message": "the HPA controller was able to update the target scale to 5"},
                    {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                     "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"}
                ]
            }
        }))
    }

    #[test]
    fn describe_lays_out_metrics_replicas_and_conditions_as_kubectl_does() {
        let text = describe_horizontal_pod_autoscaler(&php_apache(), &[], 0);
        let expected = "\
Name:                                                  php-apache
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Mon, 01 Jan 0001 00:00:00 +0000
Reference:                                             Deployment/php-apache
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  125% (250m) / 50%
Min replicas:                                          1
Max replicas:                                          10
Deployment pods:                                       4 current / 5 desired
Conditions:
  Type           Status  Reason            Message
  ----           ------  ------            -------
  AbleToScale    True    SucceededRescale  the HPA controller was able to update the target scale to 5
  ScalingActive  True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)
Events:          <none>
";
        // Go's tabwriter aligns "Events:" with the conditions block above it.
        assert_eq!(text, expected);
    }

    #[test]
    fn describe_prints_a_given_behavior() {
        let mut h = php_apache();
        h.spec.as_mut().unwrap().behavior = Some(
            serde_json::from_value(json!({
                "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                    "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
            }))
            .unwrap(),
        );
        let text = describe_horizontal_pod_autoscaler(&h, &[], 0);
        assert!(text.contains(
            "Behavior:\n  Scale Down:\n    Stabilization Window: 60 seconds\n    Select Policy: Max\n    Policies:\n      - Type: Pods  Value: 1  Period: 60 seconds\n"
        ), "{text}");
    }

    #[test]
    fn get_shows_the_1_32_targets_column() {
        let o = Object::HorizontalPodAutoscaler(Box::new(php_apache()));
        let t = table(&[&o], &TableOptions::default());
        assert_eq!(
            t.headers,
            [
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE"
            ]
        );
        assert_eq!(
            t.rows[0][..6],
            [
                "php-apache",
                "Deployment/php-apache",
                "cpu: 125%/50%",
                "1",
                "10",
                "4"
            ]
        );
    }

    #[test]
    fn targets_show_unknown_before_metrics_and_cut_after_two() {
        let metric = |name: &str, u: i32| {
            json!({"type": "Resource", "resource": {"name": name,
                "target": {"type": "Utilization", "averageUtilization": u}}})
        };
        let h = hpa(json!({
            "metadata": {"name": "x", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "x"},
                "maxReplicas": 3,
                "metrics": [metric("cpu", 50), metric("memory", 80), metric("cpu", 90)]
            }
        }));
        let o = Object::HorizontalPodAutoscaler(Box::new(h));
        let t = table(&[&o], &TableOptions::default());
        assert_eq!(
            t.rows[0][2],
            "cpu: <unknown>/50%, memory: <unknown>/80% + 1 more..."
        );
        assert_eq!(t.rows[0][3], "<unset>");
    }
}
