//! Resource utilization (or average usage) → desired replicas, as upstream
//! pkg/controller/podautoscaler/replica_calculator.go `GetResourceReplicas`
//! and `GetRawResourceReplicas` compute it: pods grouped into ready, unready, missing (no metric) and
//! ignored (deleting or failed); the usage ratio against the pods' requests;
//! the 10 % tolerance; the conservative fallbacks for unready and missing pods
//! that keep them from flipping the direction of a scale.

use crate::clock::{Millis, MINUTE, SECOND};

/// `--horizontal-pod-autoscaler-tolerance` default.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period` default.
pub const CPU_INITIALIZATION_PERIOD: Millis = 5 * MINUTE;
/// `--horizontal-pod-autoscaler-initial-readiness-delay` default.
pub const DELAY_OF_INITIAL_READINESS_STATUS: Millis = 30 * SECOND;

/// The pod phases the calculator tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not running yet: counted as unready.
    Pending,
    /// Running (or Succeeded: upstream only singles out Pending and Failed).
    Running,
    /// Failed: ignored.
    Failed,
}

/// What the calculator needs to know of one pod selected by the target.
#[derive(Clone, Debug, PartialEq)]
pub struct PodInput {
    /// The pod's name (errors name it).
    pub name: String,
    /// Its phase.
    pub phase: Phase,
    /// Whether it has a deletionTimestamp (ignored).
    pub deleting: bool,
    /// The Ready condition: its status and lastTransitionTime.
    pub ready: Option<(bool, Millis)>,
    /// status.startTime.
    pub start_time: Option<Millis>,
    /// The resource's request per container (`None` where a container has
    /// none), in milli-units (millicores, millibytes), with the container's
    /// name.
    pub requests: Vec<(String, Option<u64>)>,
    /// The pod's usage sample: (timestamp, window, milli-units).
    pub metric: Option<(Millis, Millis, u64)>,
}

/// Why no recommendation could be made; the text is upstream's (the
/// controller reports it in the `ScalingActive` condition and the
/// `FailedGetResourceMetric` / `FailedComputeMetricsReplicas` events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalcError {
    /// The metrics API returned nothing for the selector.
    NoMetrics {
        /// The resource (`cpu`, `memory`).
        resource: String,
    },
    /// The selector matched no pods.
    NoPods,
    /// Every pod with a metric was unready or ignored.
    NoReadyMetrics,
    /// A container of a pod has no request for the resource.
    MissingRequest {
        /// The resource.
        resource: String,
        /// The container.
        container: String,
        /// The pod.
        pod: String,
    },
}

impl std::fmt::Display for CalcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalcError::NoMetrics { resource } => write!(
                f,
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ),
            CalcError::NoPods => {
                f.write_str("no pods returned by selector while calculating replica count")
            }
            CalcError::NoReadyMetrics => {
                f.write_str("did not receive metrics for targeted pods (pods might be unready)")
            }
            CalcError::MissingRequest {
                resource,
                container,
                pod,
            } => write!(
                f,
                "missing request for {resource} in container {container} of Pod {pod}"
            ),
        }
    }
}

/// A recommendation: the replica count, the current utilization (percent of
/// request, `status.currentMetrics[].resource.current.averageUtilization`)
/// and the raw average usage in millicores (`averageValue`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recommendation {
    /// Desired replicas.
    pub replicas: i32,
    /// Utilization in percent of the requests.
    pub utilization: i32,
    /// Average usage per pod, in millicores.
    pub raw_average_millis: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Ready,
    Unready,
    Missing,
    Ignored,
}

/// upstream `groupPods`: readiness only matters for CPU.
fn group(pod: &PodInput, cpu: bool, now: Millis) -> Group {
    if pod.deleting || pod.phase == Phase::Failed {
        return Group::Ignored;
    }
    if pod.phase == Phase::Pending {
        return Group::Unready;
    }
    let Some((ts, window, _)) = pod.metric else {
        return Group::Missing;
    };
    if !cpu {
        return Group::Ready;
    }
    let unready = match (pod.ready, pod.start_time) {
        (Some((status, transition)), Some(start)) => {
            if start + CPU_INITIALIZATION_PERIOD > now {
                // Still initializing: unready unless Ready and the sample was
                // taken a whole window after it became ready.
                !status || ts < transition + window
            } else {
                !status && start + DELAY_OF_INITIAL_READINESS_STATUS > transition
            }
        }
        _ => true,
    };
    if unready {
        Group::Unready
    } else {
        Group::Ready
    }
}

/// upstream `GetResourceReplicas` for CPU with a utilization target (percent).
pub fn cpu_replicas(
    current_replicas: i32,
    target_utilization: i32,
    pods: &[PodInput],
    now: Millis,
) -> Result<Recommendation, CalcError> {
    resource_replicas("cpu", current_replicas, target_utilization, pods, now)
}

/// upstream `GetResourceReplicas`: `resource` (`cpu`, `memory`) with a
/// utilization target (percent of the pods' requests).
pub fn resource_replicas(
    resource: &str,
    current_replicas: i32,
    target_utilization: i32,
    pods: &[PodInput],
    now: Millis,
) -> Result<Recommendation, CalcError> {
    if pods.iter().all(|p| p.metric.is_none()) {
        return Err(CalcError::NoMetrics {
            resource: resource.into(),
        });
    }
    if pods.is_empty() {
        return Err(CalcError::NoPods);
    }
    let cpu = resource == "cpu";
    let groups: Vec<Group> = pods.iter().map(|p| group(p, cpu, now)).collect();
    let ready_count = groups.iter().filter(|g| **g == Group::Ready).count() as i32;
    // Requests of every pod (upstream calculatePodRequests over the list).
    let mut requests = Vec::with_capacity(pods.len());
    for p in pods {
        let mut sum = 0;
        for (c, r) in &p.requests {
            match r {
                Some(r) => sum += r,
                None => {
                    return Err(CalcError::MissingRequest {
                        resource: resource.into(),
                        container: c.clone(),
                        pod: p.name.clone(),
                    })
                }
            }
        }
        requests.push(sum);
    }
    // Metrics of ready pods only.
    let mut metrics: Vec<(usize, u64)> = pods
        .iter()
        .enumerate()
        .filter(|(i, _)| groups[*i] == Group::Ready)
        .filter_map(|(i, p)| p.metric.map(|(_, _, m)| (i, m)))
        .collect();
    if metrics.is_empty() {
        return Err(CalcError::NoReadyMetrics);
    }
    let ratio = |metrics: &[(usize, u64)]| -> (f64, i32, u64) {
        let usage: u64 = metrics.iter().map(|(_, m)| m).sum();
        let req: u64 = metrics.iter().map(|(i, _)| requests[*i]).sum();
        let utilization = (usage * 100).checked_div(req).unwrap_or(0) as i32;
        (
            f64::from(utilization) / f64::from(target_utilization),
            utilization,
            usage / metrics.len() as u64,
        )
    };
    let (usage_ratio, utilization, raw) = ratio(&metrics);
    let unready: Vec<usize> = (0..pods.len())
        .filter(|i| groups[*i] == Group::Unready)
        .collect();
    let missing: Vec<usize> = (0..pods.len())
        .filter(|i| groups[*i] == Group::Missing)
        .collect();
    let rec = |replicas| Recommendation {
        replicas,
        utilization,
        raw_average_millis: raw,
    };
    let scale_up_with_unready = !unready.is_empty() && usage_ratio > 1.0;
    if !scale_up_with_unready && missing.is_empty() {
        if (1.0 - usage_ratio).abs() <= TOLERANCE {
            return Ok(rec(current_replicas));
        }
        return Ok(rec((usage_ratio * f64::from(ready_count)).ceil() as i32));
    }
    // Be conservative about pods without a usable metric: assume missing
    // ones use 100 % of their request (or the target, if higher) on a scale
    // down and nothing on a scale up, unready ones nothing on a scale up.
    for &i in &missing {
        let m = if usage_ratio < 1.0 {
            let fallback = u64::try_from(target_utilization.max(100)).unwrap_or(100);
            fallback * requests[i] / 100
        } else {
            0
        };
        metrics.push((i, m));
    }
    if scale_up_with_unready {
        metrics.extend(unready.iter().map(|&i| (i, 0)));
    }
    let (new_ratio, _, _) = ratio(&metrics);
    if (1.0 - new_ratio).abs() <= TOLERANCE
        || (usage_ratio < 1.0 && new_ratio > 1.0)
        || (usage_ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok(rec(current_replicas));
    }
    let new_replicas = (new_ratio * metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && new_replicas > current_replicas)
        || (new_ratio > 1.0 && new_replicas < current_replicas)
    {
        return Ok(rec(current_replicas));
    }
    Ok(rec(new_replicas))
}

/// upstream `GetRawResourceReplicas` (`calcPlainMetricReplicas`): an
/// average-value target, in milli-units per pod. Returns the replicas and
/// the average usage per ready pod.
pub fn raw_resource_replicas(
    resource: &str,
    current_replicas: i32,
    target_average: u64,
    pods: &[PodInput],
    now: Millis,
) -> Result<(i32, u64), CalcError> {
    if pods.iter().all(|p| p.metric.is_none()) {
        return Err(CalcError::NoMetrics {
            resource: resource.into(),
        });
    }
    if pods.is_empty() {
        return Err(CalcError::NoPods);
    }
    let cpu = resource == "cpu";
    let groups: Vec<Group> = pods.iter().map(|p| group(p, cpu, now)).collect();
    let mut metrics: Vec<u64> = pods
        .iter()
        .enumerate()
        .filter(|(i, _)| groups[*i] == Group::Ready)
        .filter_map(|(_, p)| p.metric.map(|(_, _, m)| m))
        .collect();
    if metrics.is_empty() {
        return Err(CalcError::NoReadyMetrics);
    }
    // GetMetricUsageRatio: the integer average against the target.
    let ratio = |m: &[u64]| {
        let avg = m.iter().sum::<u64>() / m.len() as u64;
        (avg as f64 / target_average.max(1) as f64, avg)
    };
    let (usage_ratio, usage) = ratio(&metrics);
    let unready = groups.iter().filter(|g| **g == Group::Unready).count();
    let missing = groups.iter().filter(|g| **g == Group::Missing).count();
    let scale_up_with_unready = unready > 0 && usage_ratio > 1.0;
    if !scale_up_with_unready && missing == 0 {
        if (1.0 - usage_ratio).abs() <= TOLERANCE {
            return Ok((current_replicas, usage));
        }
        return Ok(((usage_ratio * metrics.len() as f64).ceil() as i32, usage));
    }
    let fill = if usage_ratio < 1.0 { target_average } else { 0 };
    metrics.extend(std::iter::repeat_n(fill, missing));
    if scale_up_with_unready {
        metrics.extend(std::iter::repeat_n(0, unready));
    }
    let (new_ratio, _) = ratio(&metrics);
    if (1.0 - new_ratio).abs() <= TOLERANCE
        || (usage_ratio < 1.0 && new_ratio > 1.0)
        || (usage_ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok((current_replicas, usage));
    }
    let new_replicas = (new_ratio * metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && new_replicas > current_replicas)
        || (new_ratio > 1.0 && new_replicas < current_replicas)
    {
        return Ok((current_replicas, usage));
    }
    Ok((new_replicas, usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 3_600 * SECOND;

    /// A ready pod started long ago with `request` millicores and `usage`.
    fn pod(name: &str, request: u64, usage: Option<u64>) -> PodInput {
        PodInput {
            name: name.into(),
            phase: Phase::Running,
            deleting: false,
            ready: Some((true, NOW - 20 * MINUTE)),
            start_time: Some(NOW - 30 * MINUTE),
            requests: vec![("c".into(), Some(request))],
            metric: usage.map(|u| (NOW - 10 * SECOND, 15 * SECOND, u)),
        }
    }

    // replica_calculator_test.go TestReplicaCalcScaleUp: 3 pods requesting
    // 1.0 CPU using 300m, 500m, 700m at a 30 % target → 5 replicas, 50 %.
    #[test]
    fn scale_up_follows_the_usage_ratio() {
        let pods = [
            pod("a", 1000, Some(300)),
            pod("b", 1000, Some(500)),
            pod("c", 1000, Some(700)),
        ];
        let r = cpu_replicas(3, 30, &pods, NOW).unwrap();
        assert_eq!(r.replicas, 5);
        assert_eq!(r.utilization, 50);
        assert_eq!(r.raw_average_millis, 500);
    }

    // TestReplicaCalcScaleDown: 5 pods at 100m,300m,500m,250m,250m of 1.0,
    // target 50 % → 3 replicas, 28 %.
    #[test]
    fn scale_down_follows_the_usage_ratio() {
        let pods = [
            pod("a", 1000, Some(100)),
            pod("b", 1000, Some(300)),
            pod("c", 1000, Some(500)),
            pod("d", 1000, Some(250)),
            pod("e", 1000, Some(250)),
        ];
        let r = cpu_replicas(5, 50, &pods, NOW).unwrap();
        assert_eq!((r.replicas, r.utilization), (3, 28));
    }

    // TestReplicaCalcTolerance: 1.08 of target stays put.
    #[test]
    fn a_ratio_within_ten_percent_keeps_the_count() {
        let pods = [
            pod("a", 900, Some(1010)),
            pod("b", 1000, Some(1030)),
            pod("c", 1100, Some(1020)),
        ];
        let r = cpu_replicas(3, 100, &pods, NOW).unwrap();
        assert_eq!((r.replicas, r.utilization), (3, 102));
    }

    // TestReplicaCalcScaleUpUnreadyLessScale: an unready pod counts as 0 on a
    // scale up (3 pods, one unready; 300m,500m,700m, target 30 % → 4).
    #[test]
    fn unready_pods_count_as_idle_on_a_scale_up() {
        let mut pods = [
            pod("a", 1000, Some(300)),
            pod("b", 1000, Some(500)),
            pod("c", 1000, Some(700)),
        ];
        pods[0].ready = Some((false, NOW - 4 * MINUTE));
        pods[0].start_time = Some(NOW - 4 * MINUTE);
        let r = cpu_replicas(3, 30, &pods, NOW).unwrap();
        assert_eq!((r.replicas, r.utilization), (4, 60));
    }

    // TestReplicaCalcScaleDownIncludeUnreadyPods-like: missing metrics count
    // as 100 % of the request on a scale down, which can cancel it.
    #[test]
    fn a_missing_metric_counts_as_full_use_on_a_scale_down() {
        let pods = [
            pod("a", 1000, Some(400)),
            pod("b", 1000, Some(95)),
            pod("c", 1000, None),
        ];
        // The ready pods alone use 24 % (ratio 0.48): a scale down. With the
        // missing pod at 100 % of its request, 1495m of 3000m is 49 %: the
        // ratio 0.98 is within the tolerance, so no change.
        let r = cpu_replicas(3, 50, &pods, NOW).unwrap();
        assert_eq!(r.replicas, 3);
    }

    #[test]
    fn a_container_without_a_request_is_an_error_in_upstream_words() {
        let mut pods = [pod("web-1", 1000, Some(100))];
        pods[0].requests = vec![("nginx".into(), None)];
        let e = cpu_replicas(1, 50, &pods, NOW).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing request for cpu in container nginx of Pod web-1"
        );
    }

    #[test]
    fn no_metrics_at_all_is_an_error() {
        let pods = [pod("a", 1000, None)];
        assert_eq!(
            cpu_replicas(1, 50, &pods, NOW).unwrap_err().to_string(),
            "unable to get metrics for resource cpu: no metrics returned from resource metrics API"
        );
    }

    #[test]
    fn only_unready_pods_with_metrics_is_an_error() {
        let mut pods = [pod("a", 1000, Some(500))];
        pods[0].phase = Phase::Pending;
        assert_eq!(
            cpu_replicas(1, 50, &pods, NOW).unwrap_err(),
            CalcError::NoReadyMetrics
        );
    }
}
