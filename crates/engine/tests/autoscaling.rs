//! The horizontal pod autoscaler end to end on virtual time: metrics from
//! the simulated containers, upstream's replica calculation (usage ratio,
//! 10 % tolerance), min/max clamps, the 300 s scale-down stabilization
//! window, the missing-request condition, autoscaling/v1 manifests, and
//! determinism.

use kubarium_engine::api::autoscaling::HorizontalPodAutoscaler;
use kubarium_engine::api::{apps, decode, registry, Object};
use kubarium_engine::clock::SECOND;
use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use serde_json::json;

fn cluster() -> Simulation {
    Simulation::new(ClusterConfig {
        warmup: 30 * SECOND,
        ..ClusterConfig::with_workers(2)
    })
}

/// A Deployment of vish/stress spinning `cpus` cores, with `request` and
/// optionally `limit` CPU (None: no request at all).
fn deployment(
    sim: &mut Simulation,
    replicas: i32,
    cpus: u32,
    request: Option<&str>,
    limit: Option<&str>,
) {
    let mut resources = json!({});
    if let Some(r) = request {
        resources["requests"] = json!({"cpu": r});
    }
    if let Some(l) = limit {
        resources["limits"] = json!({"cpu": l});
    }
    let v = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "stress", "image": "vish/stress",
                    "args": ["-cpus", cpus.to_string()],
                    "resources": resources,
                }]}
            }
        }
    });
    let obj = decode::decode(v).unwrap();
    sim.with_api(|api| api.create("kubectl", obj)).unwrap();
}

fn hpa(sim: &mut Simulation, v: serde_json::Value) {
    let obj = decode::decode(v).unwrap();
    sim.with_api(|api| api.create("kubectl", obj)).unwrap();
}

fn hpa_v2(sim: &mut Simulation, min: i32, max: i32, target: i32) {
    hpa(
        sim,
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": min, "maxReplicas": max,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": target}}}]
            }
        }),
    );
}

fn get_hpa(sim: &Simulation) -> HorizontalPodAutoscaler {
    let res = registry::by_kind("autoscaling/v2", "HorizontalPodAutoscaler").unwrap();
    sim.api()
        .get_typed::<HorizontalPodAutoscaler>(res, "default", "web")
        .cloned()
        .unwrap()
}

fn spec_replicas(sim: &Simulation) -> i32 {
    let res = registry::by_kind("apps/v1", "Deployment").unwrap();
    sim.api()
        .get_typed::<apps::Deployment>(res, "default", "web")
        .and_then(|d| d.spec.as_ref()?.replicas)
        .unwrap()
}

/// (status, reason, message) of a condition.
fn condition(h: &HorizontalPodAutoscaler, type_: &str) -> (String, String, String) {
    let c = h
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == type_))
        .unwrap_or_else(|| panic!("no {type_} condition"));
    (
        c.status.clone(),
        c.reason.clone().unwrap_or_default(),
        c.message.clone().unwrap_or_default(),
    )
}

/// Messages of the HPA's events with `reason`.
fn events(sim: &Simulation, reason: &str) -> Vec<String> {
    let res = registry::by_kind("v1", "Event").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Event(e) => Some(e),
            _ => None,
        })
        .filter(|e| e.involved_object.kind.as_deref() == Some("HorizontalPodAutoscaler"))
        .filter(|e| e.reason.as_deref() == Some(reason))
        .map(|e| e.message.clone().unwrap_or_default())
        .collect()
}

fn utilization(h: &HorizontalPodAutoscaler) -> Option<i32> {
    h.status
        .as_ref()?
        .current_metrics
        .as_ref()?
        .first()?
        .resource
        .as_ref()?
        .current
        .average_utilization
}

#[test]
fn cpu_load_scales_out_to_the_ratio_computed_count_then_stops_at_max() {
    let mut sim = cluster();
    // One core against a 400m request: 250 % of a 100 % target → 3 pods.
    deployment(&mut sim, 1, 1, Some("400m"), None);
    hpa_v2(&mut sim, 1, 3, 100);
    sim.advance(16 * SECOND);
    // The first sync (15 s after creation) finds no metrics yet: the pod
    // has not run for a whole scrape interval.
    let h = get_hpa(&sim);
    assert_eq!(condition(&h, "ScalingActive").1, "FailedGetResourceMetric");
    assert_eq!(spec_replicas(&sim), 1);
    sim.advance(15 * SECOND);
    assert_eq!(spec_replicas(&sim), 3);
    assert_eq!(
        events(&sim, "SuccessfulRescale"),
        ["New size: 3; reason: cpu resource utilization (percentage of request) above target"]
    );
    let h = get_hpa(&sim);
    assert_eq!(utilization(&h), Some(250));
    assert_eq!(h.status.as_ref().unwrap().desired_replicas, 3);
    assert!(h.status.as_ref().unwrap().last_scale_time.is_some());
    // Every pod spins a core: 250 % would want 8, clamped to max 3.
    sim.advance(120 * SECOND);
    assert_eq!(spec_replicas(&sim), 3);
    let h = get_hpa(&sim);
    assert_eq!(
        condition(&h, "ScalingLimited"),
        (
            "True".into(),
            "TooManyReplicas".into(),
            "the desired replica count is more than the maximum replica count".into()
        )
    );
    assert_eq!(condition(&h, "ScalingActive").1, "ValidMetricFound");
    assert_eq!(events(&sim, "SuccessfulRescale").len(), 1);
}

#[test]
fn a_cpu_limit_throttles_the_usage_the_autoscaler_sees() {
    let mut sim = cluster();
    deployment(&mut sim, 1, 1, Some("200m"), Some("500m"));
    hpa_v2(&mut sim, 1, 10, 50);
    sim.advance(40 * SECOND);
    assert_eq!(utilization(&get_hpa(&sim)), Some(250));
    // 5 wanted; without spec.behavior at most max(2 × 1, 4) at once.
    assert_eq!(spec_replicas(&sim), 4);
    assert_eq!(
        condition(&get_hpa(&sim), "ScalingLimited").1,
        "ScaleUpLimit"
    );
}

#[test]
fn usage_within_ten_percent_of_the_target_changes_nothing() {
    let mut sim = cluster();
    // 1000m of a 1000m request is 100 %; against 95 % the ratio is 1.05.
    deployment(&mut sim, 2, 1, Some("1"), None);
    hpa_v2(&mut sim, 1, 10, 95);
    sim.advance(120 * SECOND);
    let h = get_hpa(&sim);
    assert_eq!(utilization(&h), Some(100));
    assert_eq!(spec_replicas(&sim), 2);
    assert_eq!(h.status.as_ref().unwrap().desired_replicas, 2);
    assert!(events(&sim, "SuccessfulRescale").is_empty());
    assert_eq!(condition(&h, "ScalingLimited").1, "DesiredWithinRange");
}

#[test]
fn scale_down_waits_for_the_stabilization_window_and_stops_at_min() {
    let mut sim = cluster();
    deployment(&mut sim, 4, 0, Some("100m"), None);
    hpa_v2(&mut sim, 2, 10, 50);
    // Idle pods recommend 0, but the first sync (at 15 s) recorded the
    // current 4: the highest recommendation of the last 300 s wins.
    sim.advance(300 * SECOND);
    assert_eq!(spec_replicas(&sim), 4);
    let h = get_hpa(&sim);
    assert_eq!(utilization(&h), Some(0));
    assert_eq!(
        condition(&h, "AbleToScale"),
        (
            "True".into(),
            "ScaleDownStabilized".into(),
            "recent recommendations were higher than current one, applying the highest recent recommendation".into()
        )
    );
    sim.advance(45 * SECOND);
    assert_eq!(spec_replicas(&sim), 2);
    assert_eq!(
        events(&sim, "SuccessfulRescale"),
        ["New size: 2; reason: All metrics below target"]
    );
    let h = get_hpa(&sim);
    assert_eq!(condition(&h, "ScalingLimited").1, "TooFewReplicas");
}

#[test]
fn a_container_without_a_cpu_request_stops_scaling_with_upstreams_message() {
    let mut sim = cluster();
    deployment(&mut sim, 1, 1, None, None);
    hpa_v2(&mut sim, 1, 10, 50);
    sim.advance(60 * SECOND);
    let pod = {
        let res = registry::by_kind("v1", "Pod").unwrap();
        sim.api()
            .list(res, Some("default"))
            .find_map(|o| match o {
                Object::Pod(p) => p.metadata.name.clone(),
                _ => None,
            })
            .unwrap()
    };
    let err = format!(
        "failed to get cpu utilization: missing request for cpu in container stress of Pod {pod}"
    );
    let h = get_hpa(&sim);
    assert_eq!(
        condition(&h, "ScalingActive"),
        (
            "False".into(),
            "FailedGetResourceMetric".into(),
            format!("the HPA was unable to compute the replica count: {err}")
        )
    );
    assert!(events(&sim, "FailedGetResourceMetric").contains(&err));
    assert!(events(&sim, "FailedComputeMetricsReplicas").contains(&format!(
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {err}"
    )));
    assert_eq!(spec_replicas(&sim), 1);
}

#[test]
fn an_autoscaling_v1_manifest_is_stored_as_v2_with_a_cpu_metric() {
    let mut sim = cluster();
    deployment(&mut sim, 1, 0, Some("100m"), None);
    hpa(
        &mut sim,
        json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "maxReplicas": 5, "targetCPUUtilizationPercentage": 70
            }
        }),
    );
    let h = get_hpa(&sim);
    let spec = h.spec.unwrap();
    assert_eq!(spec.min_replicas, Some(1), "defaulted");
    let m = &spec.metrics.unwrap()[0];
    assert_eq!(m.type_, "Resource");
    let r = m.resource.as_ref().unwrap();
    assert_eq!(
        (r.name.as_str(), r.target.average_utilization),
        ("cpu", Some(70))
    );
    assert!(spec.behavior.is_none());
}

#[test]
fn min_above_max_is_rejected_in_upstreams_words() {
    let mut sim = cluster();
    let obj = decode::decode(json!({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 5, "maxReplicas": 2
        }
    }))
    .unwrap();
    let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
    assert!(
        err.message.contains(
            "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"
        ),
        "{}",
        err.message
    );
}

#[test]
fn the_same_autoscaling_run_gives_the_same_trace() {
    let run = || {
        let mut sim = cluster();
        deployment(&mut sim, 1, 1, Some("200m"), Some("500m"));
        hpa_v2(&mut sim, 1, 6, 50);
        sim.advance(200 * SECOND);
        (sim.trace().hash(), spec_replicas(&sim))
    };
    let a = run();
    assert_eq!(a, run());
    assert_eq!(a.1, 6);
}

#[test]
fn a_scale_down_policy_of_one_pod_a_minute_is_followed() {
    let mut sim = cluster();
    deployment(&mut sim, 4, 0, Some("100m"), None);
    hpa(
        &mut sim,
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 1, "maxReplicas": 10,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 50}}}],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0,
                    "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}
            }
        }),
    );
    // Defaulting filled the rest of the behavior.
    let b = get_hpa(&sim).spec.unwrap().behavior.unwrap();
    assert_eq!(b.scale_down.unwrap().select_policy.as_deref(), Some("Max"));
    assert_eq!(b.scale_up.unwrap().policies.unwrap().len(), 2);
    // Idle from the first sync with metrics (30 s): one pod a minute.
    sim.advance(40 * SECOND);
    assert_eq!(spec_replicas(&sim), 3);
    assert_eq!(
        condition(&get_hpa(&sim), "ScalingLimited").1,
        "ScaleDownLimit"
    );
    sim.advance(60 * SECOND);
    assert_eq!(spec_replicas(&sim), 2);
    sim.advance(60 * SECOND);
    assert_eq!(spec_replicas(&sim), 1);
}

#[test]
fn behavior_policies_are_validated_in_upstreams_words() {
    let mut sim = cluster();
    let obj = decode::decode(json!({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 2,
            "behavior": {"scaleUp": {"policies": [{"type": "Pods", "value": 0, "periodSeconds": 4000}]}}
        }
    }))
    .unwrap();
    let err = sim.with_api(|api| api.create("kubectl", obj)).unwrap_err();
    for want in [
        "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
        "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 4000: must be less than or equal to 1800",
    ] {
        assert!(err.message.contains(want), "{}", err.message);
    }
}

/// horizontal.go validateAndParseSelector: two HPAs over the same pods both
/// stop with ScalingActive=False/AmbiguousSelector instead of fighting over
/// the replica count; deleting one lets the other scale again.
#[test]
fn two_autoscalers_over_the_same_pods_are_an_ambiguous_selector() {
    let mut sim = cluster();
    deployment(&mut sim, 1, 1, Some("400m"), None);
    hpa_v2(&mut sim, 1, 5, 100);
    hpa(
        &mut sim,
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web-2", "namespace": "default"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 1, "maxReplicas": 8,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 50}}}]
            }
        }),
    );
    sim.advance(120 * SECOND);
    let msg =
        "pods by selector app=web are controlled by multiple HPAs: [default/web default/web-2]";
    let h = get_hpa(&sim);
    assert_eq!(
        condition(&h, "ScalingActive"),
        ("False".into(), "AmbiguousSelector".into(), msg.into())
    );
    assert_eq!(spec_replicas(&sim), 1, "neither HPA may scale");
    assert!(events(&sim, "AmbiguousSelector").iter().any(|m| m == msg));
    assert!(events(&sim, "FailedComputeMetricsReplicas")
        .iter()
        .any(|m| m == msg));

    let res = registry::by_kind("autoscaling/v2", "HorizontalPodAutoscaler").unwrap();
    sim.with_api(|api| api.delete("kubectl", res, "default", "web-2", Default::default()))
        .unwrap();
    sim.advance(60 * SECOND);
    let h = get_hpa(&sim);
    assert_eq!(condition(&h, "ScalingActive").1, "ValidMetricFound");
    assert!(spec_replicas(&sim) > 1, "the remaining HPA scales out");
}
