//! The horizontal pod autoscaler controller (upstream
//! pkg/controller/podautoscaler/horizontal.go `reconcileAutoscaler`).
//!
//! Every HPA is reconciled every 15 s (`--horizontal-pod-autoscaler-sync-period`):
//! upstream adds each key to its queue through a fixed 15 s rate limiter,
//! on every watch event and after every sync, so an HPA is first processed
//! 15 s after it is created. A sync reads the target's scale (Deployment,
//! ReplicaSet or StatefulSet `spec.replicas` and selector), asks the
//! resource metrics API for its pods' usage, computes a recommendation per
//! metric ([`super::replica_calculator`]), normalizes the largest
//! ([`super::horizontal`]: stabilization, rate limits, min/max), scales the
//! target through its `spec.replicas` when the count changes, and writes
//! status, conditions and events with upstream's reasons and messages.
//!
//! Metrics: Resource and ContainerResource metrics (cpu, memory) are served
//! by the simulated metrics-server; Pods, Object and External metrics need a
//! custom or external metrics adapter, which the cluster does not have, so
//! they fail as they would on a cluster without one.

use super::horizontal::{self, Normalized, Reason, Rules, ScaleEvent, TimedRecommendation};
use super::replica_calculator::{self as calc, Phase, PodInput};
use crate::api::autoscaling::{
    self as v2, HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricSpec,
    MetricStatus, MetricValueStatus,
};
use crate::api::selector::label_selector_matches;
use crate::api::{core, meta, podutil, quantity, registry, Object};
use crate::apiserver::{ApiServer, Involved};
use crate::clock::{Millis, SECOND};
use crate::controller::{ControllerName, WorkQueue};
use crate::simulation::metrics::PodMetrics;
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// `--horizontal-pod-autoscaler-sync-period` default.
pub const SYNC_PERIOD: Millis = 15 * SECOND;
const USER: &str = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";
const COMPONENT: &str = "horizontal-pod-autoscaler";

/// What the controller reads from metrics.k8s.io: the pod metrics of a
/// namespace.
pub trait PodMetricsSource {
    /// `PodMetrics` of the pods of `namespace`.
    fn pod_metrics(&self, api: &ApiServer, namespace: &str) -> Vec<PodMetrics>;
}

impl PodMetricsSource for crate::simulation::metrics::MetricsApi<'_> {
    fn pod_metrics(&self, api: &ApiServer, namespace: &str) -> Vec<PodMetrics> {
        crate::simulation::metrics::MetricsApi::pod_metrics(self, api, Some(namespace))
    }
}

/// The registry entry of HorizontalPodAutoscalers.
pub fn hpa_res() -> &'static registry::ResourceInfo {
    registry::by_kind("autoscaling/v2", "HorizontalPodAutoscaler").expect("hpas are served")
}

/// HPAs are queued, 15 s later, whenever they change (upstream's fixed
/// interval rate limiter); a key already waiting is not queued again.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    if let Object::HorizontalPodAutoscaler(h) = &*ev.object {
        if ev.event_type == EventType::Deleted {
            return;
        }
        let key = crate::api::key(
            h.metadata.namespace.as_deref().unwrap_or(""),
            h.metadata.name.as_deref().unwrap_or(""),
        );
        q.add(
            ControllerName::HorizontalPodAutoscaler,
            key,
            ctx,
            SYNC_PERIOD,
        );
    }
}

/// The controller's memory between syncs: past recommendations (for the
/// stabilization windows) and scale events (for the rate policies), per HPA.
#[derive(Default)]
pub struct HorizontalController {
    recommendations: BTreeMap<String, Vec<TimedRecommendation>>,
    scale_up_events: BTreeMap<String, Vec<ScaleEvent>>,
    scale_down_events: BTreeMap<String, Vec<ScaleEvent>>,
    /// `hpaSelectors`: the selector of each HPA's target as its last
    /// reconcile read it (upstream registers an HPA with a selector that
    /// matches nothing until its first reconcile), to detect HPAs whose
    /// targets' pods overlap (`AmbiguousSelector`).
    selectors: BTreeMap<String, meta::LabelSelector>,
}

/// The target's scale subresource as the controller reads it.
struct Scale {
    replicas: i32,
    selector: Option<meta::LabelSelector>,
}

/// One metric's outcome: a proposal, or an error with the ScalingActive
/// condition upstream sets for it.
type Proposal = Result<(i32, String, MetricStatus), (String, HorizontalPodAutoscalerCondition)>;

impl HorizontalController {
    /// Drops what is remembered of a deleted HPA.
    pub fn forget(&mut self, key: &str) {
        self.recommendations.remove(key);
        self.scale_up_events.remove(key);
        self.scale_down_events.remove(key);
        self.selectors.remove(key);
    }

    /// `reconcileAutoscaler`. Returns the requeue-after (every sync period
    /// while the HPA exists).
    pub fn sync(
        &mut self,
        key: &str,
        ctx: &mut Ctx,
        metrics: &dyn PodMetricsSource,
    ) -> Option<Millis> {
        let (ns, name) = key.split_once('/').unwrap_or(("", key));
        let Some(hpa) = ctx
            .api
            .get_typed::<HorizontalPodAutoscaler>(hpa_res(), ns, name)
            .cloned()
        else {
            self.forget(key);
            return None;
        };
        let original = hpa.clone();
        let mut hpa = hpa;
        let now = ctx.now();
        let spec = hpa.spec.clone().unwrap_or_default();
        let target = &spec.scale_target_ref;
        let scale = match get_scale(ctx.api, ns, target) {
            Ok(s) => s,
            Err(e) => {
                event(ctx, &hpa, "Warning", "FailedGetScale", &e);
                set_condition(
                    &mut hpa,
                    ctx,
                    "AbleToScale",
                    false,
                    "FailedGetScale",
                    &format!(
                        "the HPA controller was unable to get the target's current scale: {e}"
                    ),
                );
                write_status(ctx, &original, hpa);
                return Some(SYNC_PERIOD);
            }
        };
        set_condition(
            &mut hpa,
            ctx,
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        );
        let current = scale.replicas;
        // recordInitialRecommendation.
        self.recommendations
            .entry(key.to_string())
            .or_insert_with(|| {
                vec![TimedRecommendation {
                    replicas: current,
                    at: now,
                }]
            });
        let min = spec.min_replicas.unwrap_or(1);
        let mut desired = 0;
        let mut rescale_reason = String::new();
        let mut metric_statuses: Option<Vec<MetricStatus>> = None;
        let rescale;
        if current == 0 && min != 0 {
            rescale = false;
            set_condition(
                &mut hpa,
                ctx,
                "ScalingActive",
                false,
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            );
        } else if current > spec.max_replicas {
            rescale_reason = "Current number of replicas above Spec.MaxReplicas".into();
            desired = spec.max_replicas;
            rescale = true;
        } else if current < min {
            rescale_reason = "Current number of replicas below Spec.MinReplicas".into();
            desired = min;
            rescale = true;
        } else {
            let metric_specs = spec.metrics.clone().unwrap_or_default();
            match self.compute_replicas(ctx, &mut hpa, &scale, &metric_specs, metrics) {
                Err((err, statuses)) => {
                    // setCurrentReplicasAndMetricsInStatus.
                    let status = hpa.status.get_or_insert_with(Default::default);
                    status.current_replicas = Some(current);
                    status.current_metrics = statuses;
                    write_status(ctx, &original, hpa.clone());
                    event(ctx, &hpa, "Warning", "FailedComputeMetricsReplicas", &err);
                    return Some(SYNC_PERIOD);
                }
                Ok((proposal, metric_name, statuses)) => {
                    metric_statuses = statuses;
                    desired = proposal;
                    if desired > current {
                        rescale_reason = format!("{metric_name} above target");
                    }
                    if desired < current {
                        rescale_reason = "All metrics below target".into();
                    }
                    let history = self.recommendations.entry(key.to_string()).or_default();
                    let n: Normalized = match &spec.behavior {
                        None => horizontal::normalize_without_behavior(
                            history,
                            current,
                            desired,
                            min,
                            spec.max_replicas,
                            now,
                        ),
                        Some(b) => {
                            let up = rules(b.scale_up.as_ref(), true);
                            let down = rules(b.scale_down.as_ref(), false);
                            let empty = Vec::new();
                            let args = horizontal::Args {
                                current,
                                desired,
                                min,
                                max: spec.max_replicas,
                                scale_up: &up,
                                scale_down: &down,
                                up_events: self.scale_up_events.get(key).unwrap_or(&empty),
                                down_events: self.scale_down_events.get(key).unwrap_or(&empty),
                                now,
                            };
                            horizontal::normalize(history, &args)
                        }
                    };
                    set_reason(&mut hpa, ctx, "AbleToScale", true, n.able_to_scale);
                    set_reason(&mut hpa, ctx, "ScalingLimited", n.limited.0, n.limited.1);
                    desired = n.replicas;
                    rescale = desired != current;
                }
            }
        }
        let mut rescaled = false;
        if rescale {
            match update_scale(ctx.api, ns, target, desired) {
                Err(e) => {
                    event(
                        ctx,
                        &hpa,
                        "Warning",
                        "FailedRescale",
                        &format!("New size: {desired}; reason: {rescale_reason}; error: {e}"),
                    );
                    set_condition(
                        &mut hpa,
                        ctx,
                        "AbleToScale",
                        false,
                        "FailedUpdateScale",
                        &format!("the HPA controller was unable to update the target scale: {e}"),
                    );
                    let status = hpa.status.get_or_insert_with(Default::default);
                    status.current_replicas = Some(current);
                    status.current_metrics = metric_statuses;
                    write_status(ctx, &original, hpa);
                    return Some(SYNC_PERIOD);
                }
                Ok(()) => {
                    set_condition(
                        &mut hpa,
                        ctx,
                        "AbleToScale",
                        true,
                        "SucceededRescale",
                        &format!(
                            "the HPA controller was able to update the target scale to {desired}"
                        ),
                    );
                    event(
                        ctx,
                        &hpa,
                        "Normal",
                        "SuccessfulRescale",
                        &format!("New size: {desired}; reason: {rescale_reason}"),
                    );
                    // storeScaleEvent (only kept for HPAs with a behavior).
                    if spec.behavior.is_some() {
                        let (map, change) = if desired > current {
                            (&mut self.scale_up_events, desired - current)
                        } else {
                            (&mut self.scale_down_events, current - desired)
                        };
                        let events = map.entry(key.to_string()).or_default();
                        // Policies look back at most 1800 s (validation).
                        events.retain(|e| e.at + 1800 * SECOND > now);
                        events.push(ScaleEvent { change, at: now });
                    }
                    rescaled = true;
                }
            }
        } else {
            desired = current;
        }
        // setStatus.
        let status = hpa.status.get_or_insert_with(Default::default);
        status.current_replicas = Some(current);
        status.desired_replicas = desired;
        status.current_metrics = metric_statuses;
        if rescaled {
            status.last_scale_time = Some(ctx.api.clock.time());
        }
        write_status(ctx, &original, hpa);
        Some(SYNC_PERIOD)
    }

    /// `computeReplicasForMetrics`: the largest proposal of the valid
    /// metrics, or the error (with the statuses computed so far) when all
    /// are invalid or some are and the valid ones would scale down.
    #[allow(clippy::type_complexity)]
    fn compute_replicas(
        &mut self,
        ctx: &mut Ctx,
        hpa: &mut HorizontalPodAutoscaler,
        scale: &Scale,
        specs: &[MetricSpec],
        metrics: &dyn PodMetricsSource,
    ) -> Result<(i32, String, Option<Vec<MetricStatus>>), (String, Option<Vec<MetricStatus>>)> {
        let Some(selector) = scale.selector.as_ref() else {
            event(
                ctx,
                hpa,
                "Warning",
                "SelectorRequired",
                "selector is required",
            );
            set_condition(
                hpa,
                ctx,
                "ScalingActive",
                false,
                "InvalidSelector",
                "the HPA target's scale is missing a selector",
            );
            return Err(("selector is required".into(), None));
        };
        let ns = hpa.metadata.namespace.clone().unwrap_or_default();
        let key = crate::api::key(&ns, hpa.metadata.name.as_deref().unwrap_or(""));
        self.selectors.insert(key, selector.clone());
        let pods: Vec<core::Pod> = ctx
            .api
            .list(registry::by_kind("v1", "Pod").expect("pods"), Some(&ns))
            .filter_map(|o| match o {
                Object::Pod(p) if label_selector_matches(selector, p.metadata.labels.as_ref()) => {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect();
        // validateAndParseSelector: the pods must not be controlled by
        // another HPA too (hpasControllingPodsUnderSelector).
        let selecting = self.hpas_selecting(ctx.api, &ns, &pods);
        if selecting.len() > 1 {
            let err = format!(
                "pods by selector {} are controlled by multiple HPAs: [{}]",
                selector_string(selector),
                selecting.join(" ")
            );
            event(ctx, hpa, "Warning", "AmbiguousSelector", &err);
            set_condition(hpa, ctx, "ScalingActive", false, "AmbiguousSelector", &err);
            return Err((err, None));
        }
        let usage = metrics.pod_metrics(ctx.api, &ns);
        let now = ctx.now();
        let mut statuses = vec![MetricStatus::default(); specs.len()];
        let (mut replicas, mut metric) = (0, String::new());
        let mut invalid: Vec<(String, HorizontalPodAutoscalerCondition)> = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            match self.compute_metric(ctx, hpa, spec, scale.replicas, &pods, &usage, now) {
                Ok((proposal, name, status)) => {
                    statuses[i] = status;
                    if replicas == 0 || proposal > replicas {
                        replicas = proposal;
                        metric = name;
                    }
                }
                Err(e) => invalid.push(e),
            }
        }
        let statuses = Some(statuses);
        if let Some((first, condition)) = invalid.first() {
            let err = format!(
                "invalid metrics ({} invalid out of {}), first error is: {first}",
                invalid.len(),
                specs.len()
            );
            if invalid.len() >= specs.len() || replicas < scale.replicas {
                set_condition(
                    hpa,
                    ctx,
                    &condition.type_,
                    condition.status == "True",
                    condition.reason.as_deref().unwrap_or(""),
                    condition.message.as_deref().unwrap_or(""),
                );
                return Err((err, statuses));
            }
        }
        set_condition(
            hpa,
            ctx,
            "ScalingActive",
            true,
            "ValidMetricFound",
            &format!("the HPA was able to successfully calculate a replica count from {metric}"),
        );
        Ok((replicas, metric, statuses))
    }

    /// `hpasControllingPodsUnderSelector`: the HPAs of `ns` (as
    /// `namespace/name`) whose last known selector matches one of `pods`.
    /// Upstream returns them in Go map order; here they are sorted, so the
    /// message is the same on every run.
    fn hpas_selecting(&self, api: &ApiServer, ns: &str, pods: &[core::Pod]) -> Vec<String> {
        let prefix = format!("{ns}/");
        self.selectors
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, sel)| {
                // A deleted HPA leaves the map at once upstream (deleteHPA);
                // here it is forgotten at its next sync, so check the store.
                api.get(hpa_res(), ns, &k[prefix.len()..]).is_some()
                    && pods
                        .iter()
                        .any(|p| label_selector_matches(sel, p.metadata.labels.as_ref()))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `computeReplicasForMetric` for one metric spec.
    #[allow(clippy::too_many_arguments)]
    fn compute_metric(
        &self,
        ctx: &mut Ctx,
        hpa: &HorizontalPodAutoscaler,
        spec: &MetricSpec,
        current: i32,
        pods: &[core::Pod],
        usage: &[PodMetrics],
        now: Millis,
    ) -> Proposal {
        let unsupported = |ctx: &mut Ctx, reason: &str, outer: String, err: String| {
            let condition = unable_condition(ctx, hpa, reason, &err);
            Err((format!("{outer}: {err}"), condition))
        };
        match spec.type_.as_str() {
            "Resource" | "ContainerResource" => {
                let (resource, container, target) = match (&spec.resource, &spec.container_resource)
                {
                    (Some(r), _) if spec.type_ == "Resource" => (r.name.clone(), None, &r.target),
                    (_, Some(c)) => (c.name.clone(), Some(c.container.clone()), &c.target),
                    _ => {
                        return Err((
                            format!("unknown metric source type {:?}", spec.type_),
                            unable(
                                "InvalidMetricSourceType",
                                "the HPA was unable to compute the replica count: unknown metric source type",
                            ),
                        ))
                    }
                };
                let inputs = pod_inputs(ctx.api, pods, usage, &resource, container.as_deref());
                let reason = if container.is_some() {
                    "FailedGetContainerResourceMetric"
                } else {
                    "FailedGetResourceMetric"
                };
                let outer = if let Some(c) = &container {
                    format!("failed to get {resource} container metric value for container {c}")
                } else {
                    format!("failed to get {resource} resource metric value")
                };
                let kind = if container.is_some() {
                    "container resource"
                } else {
                    "resource"
                };
                let (proposal, name, current_value) = if let Some(avg) = &target.average_value {
                    let target_milli = quantity::parse(&avg.0)
                        .map(|m| m.0.max(0) as u64)
                        .unwrap_or(0);
                    match calc::raw_resource_replicas(
                        &resource,
                        current,
                        target_milli,
                        &inputs,
                        now,
                    ) {
                        Ok((r, avg)) => (
                            r,
                            format!("{resource} {kind}"),
                            MetricValueStatus {
                                average_value: Some(milli_quantity(avg)),
                                ..Default::default()
                            },
                        ),
                        Err(e) => {
                            let err = format!("failed to get {resource} usage: {e}");
                            return unsupported(ctx, reason, outer, err);
                        }
                    }
                } else if let Some(util) = target.average_utilization {
                    match calc::resource_replicas(&resource, current, util, &inputs, now) {
                        Ok(r) => (
                            r.replicas,
                            format!("{resource} {kind} utilization (percentage of request)"),
                            MetricValueStatus {
                                average_utilization: Some(r.utilization),
                                average_value: Some(milli_quantity(r.raw_average_millis)),
                                ..Default::default()
                            },
                        ),
                        Err(e) => {
                            let err = format!("failed to get {resource} utilization: {e}");
                            return unsupported(ctx, reason, outer, err);
                        }
                    }
                } else {
                    let err = "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".to_string();
                    return unsupported(ctx, reason, outer, err);
                };
                let status = if let Some(c) = container {
                    MetricStatus {
                        type_: "ContainerResource".into(),
                        container_resource: Some(v2::ContainerResourceMetricStatus {
                            name: resource,
                            container: c,
                            current: current_value,
                        }),
                        ..Default::default()
                    }
                } else {
                    MetricStatus {
                        type_: "Resource".into(),
                        resource: Some(v2::ResourceMetricStatus {
                            name: resource,
                            current: current_value,
                        }),
                        ..Default::default()
                    }
                };
                Ok((proposal, name, status))
            }
            // Both come from the custom metrics API, which no adapter serves.
            "Pods" | "Object" => {
                let (reason, what, metric) = match spec.type_.as_str() {
                    "Pods" => (
                        "FailedGetPodsMetric",
                        "pods",
                        spec.pods.as_ref().map(|p| &p.metric),
                    ),
                    _ => (
                        "FailedGetObjectMetric",
                        "object",
                        spec.object.as_ref().map(|o| &o.metric),
                    ),
                };
                let metric = metric.map(|m| m.name.as_str()).unwrap_or_default();
                unsupported(
                    ctx,
                    reason,
                    format!("failed to get {what} metric value"),
                    format!("unable to get metric {metric}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered"),
                )
            }
            "External" => {
                let metric = spec
                    .external
                    .as_ref()
                    .map(|p| p.metric.name.clone())
                    .unwrap_or_default();
                unsupported(
                    ctx,
                    "FailedGetExternalMetric",
                    format!("failed to get {metric} external metric value"),
                    format!("unable to get external metric {}/{metric}: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered", hpa.metadata.namespace.as_deref().unwrap_or("")),
                )
            }
            other => {
                let err = format!("unknown metric source type {other:?}");
                let condition = unable_condition(ctx, hpa, "InvalidMetricSourceType", &err);
                Err((err, condition))
            }
        }
    }
}

/// A ScalingActive=False condition without an event.
fn unable(reason: &str, message: &str) -> HorizontalPodAutoscalerCondition {
    HorizontalPodAutoscalerCondition {
        type_: "ScalingActive".into(),
        status: "False".into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_transition_time: None,
    }
}

/// `getUnableComputeReplicaCountCondition`: a Warning event and the
/// ScalingActive=False condition.
fn unable_condition(
    ctx: &mut Ctx,
    hpa: &HorizontalPodAutoscaler,
    reason: &str,
    err: &str,
) -> HorizontalPodAutoscalerCondition {
    event(ctx, hpa, "Warning", reason, err);
    unable(
        reason,
        &format!("the HPA was unable to compute the replica count: {err}"),
    )
}

/// `resource.NewMilliQuantity(v, DecimalSI)` in canonical form (`250m`,
/// `1`, `12M`).
pub fn milli_quantity(milli: u64) -> Quantity {
    if !milli.is_multiple_of(1000) {
        return Quantity(format!("{milli}m"));
    }
    let mut v = milli / 1000;
    for suffix in ["", "k", "M", "G", "T", "P"] {
        if v == 0 || !v.is_multiple_of(1000) || suffix == "P" {
            return Quantity(format!("{v}{suffix}"));
        }
        v /= 1000;
    }
    Quantity(format!("{v}E"))
}

/// The calculator's view of the target's pods for `resource` (milli-units),
/// optionally of one container.
fn pod_inputs(
    api: &ApiServer,
    pods: &[core::Pod],
    usage: &[PodMetrics],
    resource: &str,
    container: Option<&str>,
) -> Vec<PodInput> {
    let clock = &api.clock;
    pods.iter()
        .map(|p| {
            let name = p.metadata.name.clone().unwrap_or_default();
            let phase = match podutil::phase(p) {
                "Pending" | "" => Phase::Pending,
                "Failed" => Phase::Failed,
                _ => Phase::Running,
            };
            let ready = podutil::condition(p, "Ready").map(|c| {
                (
                    c.status == "True",
                    c.last_transition_time
                        .as_ref()
                        .map(|t| clock.millis_of(&t.0))
                        .unwrap_or(0),
                )
            });
            let start_time = p
                .status
                .as_ref()
                .and_then(|s| s.start_time.as_ref())
                .map(|t| clock.millis_of(&t.0));
            let requests = p
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .filter(|c| container.is_none_or(|n| n == c.name))
                .map(|c| {
                    let r = c
                        .resources
                        .as_ref()
                        .and_then(|r| r.requests.as_ref())
                        .and_then(|r| r.get(resource))
                        .and_then(|q| quantity::parse(&q.0).ok())
                        .map(|m| m.0.max(0) as u64);
                    (c.name.clone(), r)
                })
                .collect();
            let metric = usage.iter().find(|m| m.name == name).and_then(|m| {
                let containers = m
                    .containers
                    .iter()
                    .filter(|c| container.is_none_or(|n| n == c.name));
                let mut any = false;
                let mut total = 0u64;
                for c in containers {
                    any = true;
                    total += match resource {
                        "cpu" => c.cpu_millis,
                        "memory" => c.memory_bytes * 1000,
                        _ => 0,
                    };
                }
                (any && matches!(resource, "cpu" | "memory")).then_some((
                    m.timestamp,
                    m.window,
                    total,
                ))
            });
            PodInput {
                name,
                phase,
                deleting: p.metadata.deletion_timestamp.is_some(),
                ready,
                start_time,
                requests,
                metric,
            }
        })
        .collect()
}

/// A scaling rules direction, defaulted as the API server defaults it
/// (an unset scale-down window is the controller's 300 s).
fn rules(r: Option<&v2::HPAScalingRules>, up: bool) -> Rules {
    let mut out = if up {
        Rules::default_scale_up()
    } else {
        Rules::default_scale_down()
    };
    let Some(r) = r else {
        return out;
    };
    if let Some(w) = r.stabilization_window_seconds {
        out.stabilization_window_seconds = w;
    }
    out.select = match r.select_policy.as_deref() {
        Some("Min") => horizontal::SelectPolicy::Min,
        Some("Disabled") => horizontal::SelectPolicy::Disabled,
        _ => horizontal::SelectPolicy::Max,
    };
    if let Some(ps) = r.policies.as_ref().filter(|p| !p.is_empty()) {
        out.policies = ps
            .iter()
            .map(|p| horizontal::Policy {
                kind: if p.type_ == "Pods" {
                    horizontal::PolicyType::Pods
                } else {
                    horizontal::PolicyType::Percent
                },
                value: p.value,
                period_seconds: p.period_seconds,
            })
            .collect();
    }
    out
}

/// The kinds with a scale subresource the engine serves.
fn scalable(kind: &str) -> bool {
    matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet")
}

/// The stored object behind a scale target reference (the REST mapping of
/// its group and kind, then the object), or the scale client's error.
fn scale_target<'a>(
    api: &'a ApiServer,
    ns: &str,
    target: &v2::CrossVersionObjectReference,
) -> Result<&'a Object, String> {
    let api_version = target.api_version.as_deref().unwrap_or("");
    let (group, _) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let Some(res) = registry::RESOURCES
        .iter()
        .find(|r| r.kind == target.kind && r.group == group)
    else {
        return Err(format!(
            "unable to determine resource for scale target reference: no matches for kind {:?} in group {group:?}",
            target.kind
        ));
    };
    if !scalable(res.kind) {
        return Err("the server could not find the requested resource".into());
    }
    api.get(res, ns, &target.name)
        .ok_or_else(|| format!("{} {:?} not found", res.qualified_plural(), target.name))
}

/// `scaleForResourceMappings`: the target's replicas and selector.
fn get_scale(
    api: &ApiServer,
    ns: &str,
    target: &v2::CrossVersionObjectReference,
) -> Result<Scale, String> {
    let (replicas, selector) = match scale_target(api, ns, target)? {
        Object::Deployment(d) => (
            d.spec.as_ref().and_then(|s| s.replicas),
            d.spec.as_ref().map(|s| s.selector.clone()),
        ),
        Object::ReplicaSet(r) => (
            r.spec.as_ref().and_then(|s| s.replicas),
            r.spec.as_ref().map(|s| s.selector.clone()),
        ),
        Object::StatefulSet(s) => (
            s.spec.as_ref().and_then(|s| s.replicas),
            s.spec.as_ref().map(|s| s.selector.clone()),
        ),
        _ => return Err("the server could not find the requested resource".into()),
    };
    Ok(Scale {
        replicas: replicas.unwrap_or(1),
        selector,
    })
}

/// Writes the scale subresource: the target's `spec.replicas`.
fn update_scale(
    api: &mut ApiServer,
    ns: &str,
    target: &v2::CrossVersionObjectReference,
    replicas: i32,
) -> Result<(), String> {
    let mut obj = scale_target(api, ns, target)?.clone();
    match &mut obj {
        Object::Deployment(d) => {
            d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Object::ReplicaSet(r) => {
            r.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Object::StatefulSet(s) => {
            s.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        _ => return Err("the server could not find the requested resource".into()),
    }
    api.update(USER, obj).map(|_| ()).map_err(|e| e.to_string())
}

fn event(ctx: &mut Ctx, hpa: &HorizontalPodAutoscaler, type_: &str, reason: &str, message: &str) {
    ctx.api.record_event(
        COMPONENT,
        None,
        Involved {
            api_version: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            meta: &hpa.metadata,
        },
        None,
        type_,
        reason,
        message,
    );
}

fn set_reason(hpa: &mut HorizontalPodAutoscaler, ctx: &Ctx, type_: &str, status: bool, r: Reason) {
    set_condition(hpa, ctx, type_, status, r.reason, r.message);
}

/// upstream `setCondition`: the transition time moves only when the status
/// changes.
/// A selector as apimachinery's `labels.Selector.String()` renders it (the
/// scale subresource's `status.selector`): requirements sorted by key,
/// `k=v`, `k in (a,b)` with sorted values, `k notin (...)`, `k`, `!k`.
fn selector_string(s: &meta::LabelSelector) -> String {
    let mut parts: Vec<(String, String)> = Vec::new();
    for (k, v) in s.match_labels.iter().flatten() {
        parts.push((k.clone(), format!("{k}={v}")));
    }
    for e in s.match_expressions.iter().flatten() {
        let mut vals = e.values.clone().unwrap_or_default();
        vals.sort();
        let vals = vals.join(",");
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({vals})", e.key),
        };
        parts.push((e.key.clone(), text));
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    parts.into_iter().map(|p| p.1).collect::<Vec<_>>().join(",")
}

fn set_condition(
    hpa: &mut HorizontalPodAutoscaler,
    ctx: &Ctx,
    type_: &str,
    status: bool,
    reason: &str,
    message: &str,
) {
    let status = if status { "True" } else { "False" };
    let conditions = hpa
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    let now = ctx.api.clock.time();
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Some(now);
            }
            c.status = status.into();
            c.reason = Some(reason.into());
            c.message = Some(message.into());
        }
        None => conditions.push(HorizontalPodAutoscalerCondition {
            type_: type_.into(),
            status: status.into(),
            reason: Some(reason.into()),
            message: Some(message.into()),
            last_transition_time: Some(now),
        }),
    }
}

/// `updateStatusIfNeeded`.
fn write_status(ctx: &mut Ctx, original: &HorizontalPodAutoscaler, hpa: HorizontalPodAutoscaler) {
    if original.status == hpa.status {
        return;
    }
    let _ = ctx
        .api
        .update_status(USER, Object::HorizontalPodAutoscaler(Box::new(hpa)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::MINUTE;
    use crate::kubelet::stats::ContainerUsage;
    use crate::simulation::{ClusterConfig, Simulation};
    use serde_json::json;

    /// A metrics API that reports `cpu_millis` for every pod it is given.
    struct FakeMetrics {
        pods: Vec<String>,
        cpu_millis: u64,
        at: Millis,
    }

    impl PodMetricsSource for FakeMetrics {
        fn pod_metrics(&self, _: &ApiServer, namespace: &str) -> Vec<PodMetrics> {
            self.pods
                .iter()
                .map(|name| PodMetrics {
                    namespace: namespace.into(),
                    name: name.clone(),
                    timestamp: self.at,
                    window: 15 * SECOND,
                    containers: vec![ContainerUsage {
                        name: "app".into(),
                        cpu_millis: self.cpu_millis,
                        memory_bytes: 1 << 20,
                    }],
                })
                .collect()
        }
    }

    fn create(ctx: &mut Ctx, v: serde_json::Value) {
        let obj = crate::api::decode::decode(v).unwrap();
        ctx.api.create("test", obj).unwrap();
    }

    /// A Deployment `web` of `replicas` with 250m requests, its pods
    /// running and Ready for minutes (no controllers run: the test seeds
    /// the store and calls one sync), and an HPA on it.
    fn seed(ctx: &mut Ctx, replicas: i32, pods: &[&str]) {
        create(
            ctx,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "app", "image": "nginx",
                            "resources": {"requests": {"cpu": "250m"}}}]}}}}),
        );
        let long_ago = ctx.api.clock.time_at(ctx.now() - 10 * MINUTE);
        for name in pods {
            create(
                ctx,
                json!({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "nginx",
                        "resources": {"requests": {"cpu": "250m"}}}]}}),
            );
            let res = registry::by_kind("v1", "Pod").unwrap();
            let mut pod = ctx
                .api
                .get_typed::<core::Pod>(res, "default", name)
                .cloned()
                .unwrap();
            pod.status = Some(core::PodStatus {
                phase: Some("Running".into()),
                start_time: Some(long_ago.clone()),
                conditions: Some(vec![core::PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(long_ago.clone()),
                    ..Default::default()
                }]),
                ..Default::default()
            });
            ctx.api
                .update_status("test", Object::Pod(Box::new(pod)))
                .unwrap();
        }
        create(
            ctx,
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "maxReplicas": 10,
                    "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 50}}}]}}),
        );
    }

    fn hpa(ctx: &Ctx) -> HorizontalPodAutoscaler {
        ctx.api
            .get_typed::<HorizontalPodAutoscaler>(hpa_res(), "default", "web")
            .cloned()
            .unwrap()
    }

    fn reason(h: &HorizontalPodAutoscaler, type_: &str) -> (String, String) {
        let c = h.status.as_ref().unwrap().conditions.as_ref().unwrap();
        let c = c.iter().find(|c| c.type_ == type_).unwrap();
        (c.status.clone(), c.reason.clone().unwrap())
    }

    #[test]
    fn one_sync_scales_the_target_and_writes_status_conditions_and_an_event() {
        let mut sim = Simulation::new(ClusterConfig::with_workers(1));
        sim.advance(20 * MINUTE);
        let mut c = HorizontalController::default();
        sim.with_ctx(|ctx| {
            seed(ctx, 2, &["web-a", "web-b"]);
            // 500m of 250m requests: 200 % of a 50 % target, ratio 4 → 8
            // pods, of which an HPA without behavior may add up to 4 now.
            let metrics = FakeMetrics {
                pods: vec!["web-a".into(), "web-b".into()],
                cpu_millis: 500,
                at: ctx.now(),
            };
            assert_eq!(c.sync("default/web", ctx, &metrics), Some(SYNC_PERIOD));
            let dep = ctx
                .api
                .get_typed::<crate::api::apps::Deployment>(
                    registry::by_kind("apps/v1", "Deployment").unwrap(),
                    "default",
                    "web",
                )
                .cloned()
                .unwrap();
            assert_eq!(dep.spec.unwrap().replicas, Some(4));
            let h = hpa(ctx);
            let st = h.status.clone().unwrap();
            assert_eq!((st.current_replicas, st.desired_replicas), (Some(2), 4));
            let cur = &st.current_metrics.unwrap()[0]
                .resource
                .clone()
                .unwrap()
                .current;
            assert_eq!(cur.average_utilization, Some(200));
            assert_eq!(cur.average_value.as_ref().unwrap().0, "500m");
            assert_eq!(
                reason(&h, "AbleToScale"),
                ("True".into(), "SucceededRescale".into())
            );
            assert_eq!(
                reason(&h, "ScalingActive"),
                ("True".into(), "ValidMetricFound".into())
            );
            assert_eq!(
                reason(&h, "ScalingLimited"),
                ("True".into(), "ScaleUpLimit".into())
            );
        });
    }

    #[test]
    fn a_missing_target_is_reported_as_failed_get_scale() {
        let mut sim = Simulation::new(ClusterConfig::with_workers(1));
        let mut c = HorizontalController::default();
        sim.with_ctx(|ctx| {
            create(
                ctx,
                json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                    "metadata": {"name": "web", "namespace": "default"},
                    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gone"},
                        "maxReplicas": 3}}),
            );
            let none = FakeMetrics {
                pods: vec![],
                cpu_millis: 0,
                at: 0,
            };
            c.sync("default/web", ctx, &none);
            let h = hpa(ctx);
            let cond = &h.status.unwrap().conditions.unwrap()[0];
            assert_eq!(
                (cond.type_.as_str(), cond.status.as_str(), cond.reason.as_deref()),
                ("AbleToScale", "False", Some("FailedGetScale"))
            );
            assert_eq!(
                cond.message.as_deref(),
                Some("the HPA controller was unable to get the target's current scale: deployments.apps \"gone\" not found")
            );
        });
    }

    #[test]
    fn an_hpa_is_first_synced_one_sync_period_after_it_is_created() {
        let mut sim = Simulation::new(ClusterConfig::with_workers(1));
        sim.with_api(|api| {
            let obj = crate::api::decode::decode(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gone"},
                    "maxReplicas": 3}}))
            .unwrap();
            api.create("test", obj).unwrap();
        });
        let conditions = |sim: &Simulation| {
            sim.api()
                .get_typed::<HorizontalPodAutoscaler>(hpa_res(), "default", "web")
                .and_then(|h| h.status.as_ref()?.conditions.clone())
        };
        sim.advance(14 * SECOND);
        assert_eq!(conditions(&sim), None);
        sim.advance(2 * SECOND);
        assert!(conditions(&sim).is_some());
    }

    #[test]
    fn milli_quantities_print_as_decimal_si() {
        assert_eq!(milli_quantity(250).0, "250m");
        assert_eq!(milli_quantity(1000).0, "1");
        assert_eq!(milli_quantity(0).0, "0");
        assert_eq!(milli_quantity(1_500).0, "1500m");
        assert_eq!(milli_quantity(12_000_000_000).0, "12M");
        assert_eq!(milli_quantity(1_048_576_000).0, "1048576");
    }
}
