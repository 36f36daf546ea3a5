//! The resource metrics API (`metrics.k8s.io/v1beta1`) that metrics-server
//! serves, answered from the kubelets' stats (see [`crate::kubelet::stats`]).
//! Kubarium runs no metrics-server pod: the engine answers directly, with
//! the timestamp of the latest 15 s scrape on the virtual clock, to
//! `kubectl top` and to the horizontal pod autoscaler alike.

use super::Simulation;
use crate::api::{core, registry, Object};
use crate::apiserver::ApiServer;
use crate::clock::Millis;
use crate::kubelet::stats::{ContainerUsage, METRIC_RESOLUTION};
use crate::kubelet::Kubelet;
use std::collections::BTreeMap;

/// A `PodMetrics` object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodMetrics {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
    /// When the sample was taken (the latest scrape).
    pub timestamp: Millis,
    /// The interval the CPU rate was computed over.
    pub window: Millis,
    /// Usage per container, in the pod's container order.
    pub containers: Vec<ContainerUsage>,
}

impl PodMetrics {
    /// The pod's total CPU in millicores.
    pub fn cpu_millis(&self) -> u64 {
        self.containers.iter().map(|c| c.cpu_millis).sum()
    }

    /// The pod's total working-set memory in bytes.
    pub fn memory_bytes(&self) -> u64 {
        self.containers.iter().map(|c| c.memory_bytes).sum()
    }
}

/// A `NodeMetrics` object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMetrics {
    /// The node's name.
    pub name: String,
    /// When the sample was taken (the latest scrape).
    pub timestamp: Millis,
    /// The interval the CPU rate was computed over.
    pub window: Millis,
    /// CPU in millicores.
    pub cpu_millis: u64,
    /// Working-set memory in bytes.
    pub memory_bytes: u64,
}

/// The resource metrics API as components read it: the kubelets' stats,
/// scraped on metrics-server's 15 s resolution. The horizontal pod
/// autoscaler reads pod metrics through it (see
/// [`crate::controller::podautoscaler`]), as `kubectl top` does through
/// [`Simulation::pod_metrics`].
pub struct MetricsApi<'a> {
    kubelets: &'a BTreeMap<String, Kubelet>,
}

impl<'a> MetricsApi<'a> {
    /// The metrics API over these kubelets.
    pub fn new(kubelets: &'a BTreeMap<String, Kubelet>) -> Self {
        MetricsApi { kubelets }
    }

    /// `PodMetrics` of the pods of `namespace` (every namespace if `None`)
    /// with metrics, ordered by namespace and name (the order metrics-server
    /// lists them in). A container's CPU is capped at its CPU limit, as the
    /// CFS quota throttles it.
    pub fn pod_metrics(&self, api: &ApiServer, namespace: Option<&str>) -> Vec<PodMetrics> {
        let now = api.now();
        let timestamp = last_scrape(now);
        let prefix = namespace.map(|ns| format!("{ns}/"));
        let pods = registry::by_kind("v1", "Pod").expect("pods are served");
        let mut out: Vec<PodMetrics> = self
            .kubelets
            .values()
            .flat_map(|k| k.pod_usage(now))
            .filter(|u| {
                prefix
                    .as_ref()
                    .is_none_or(|p| u.key.starts_with(p.as_str()))
            })
            .map(|u| {
                let (ns, name) = u.key.split_once('/').unwrap_or(("", &u.key));
                let mut containers = u.containers;
                if let Some(Object::Pod(pod)) = api.get(pods, ns, name) {
                    for c in &mut containers {
                        if let Some(limit) = cpu_limit(pod, &c.name) {
                            c.cpu_millis = c.cpu_millis.min(limit);
                        }
                    }
                }
                PodMetrics {
                    namespace: ns.to_string(),
                    name: name.to_string(),
                    timestamp,
                    window: METRIC_RESOLUTION,
                    containers,
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        out
    }
}

/// A container's CPU limit in millicores.
fn cpu_limit(pod: &core::Pod, container: &str) -> Option<u64> {
    let c = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == container)?;
    let q = c.resources.as_ref()?.limits.as_ref()?.get("cpu")?;
    u64::try_from(crate::api::quantity::cpu_millis(&q.0)).ok()
}

fn last_scrape(now: Millis) -> Millis {
    now - now % METRIC_RESOLUTION
}

impl Simulation {
    /// `PodMetrics` of every pod with metrics, ordered by namespace and name
    /// (the order metrics-server lists them in).
    pub fn pod_metrics(&self) -> Vec<PodMetrics> {
        MetricsApi::new(&self.kubelets).pod_metrics(&self.api, None)
    }

    /// `NodeMetrics` of every node whose kubelet is up, ordered by name.
    pub fn node_metrics(&self) -> Vec<NodeMetrics> {
        let now = self.now();
        let timestamp = last_scrape(now);
        self.kubelets
            .iter()
            .filter_map(|(name, k)| {
                let (cpu_millis, memory_bytes) = k.node_usage(now)?;
                Some(NodeMetrics {
                    name: name.clone(),
                    timestamp,
                    window: METRIC_RESOLUTION,
                    cpu_millis,
                    memory_bytes,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::api::Object;
    use crate::clock::SECOND;
    use crate::simulation::{ClusterConfig, Simulation};

    fn pod(name: &str, image: &str, command: Option<&str>) -> Object {
        let mut c = serde_json::json!({"name": "c", "image": image});
        if let Some(cmd) = command {
            c["command"] = serde_json::json!(["sh", "-c", cmd]);
        }
        let v = serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]},
        });
        Object::from_value("v1", "Pod", v).unwrap().unwrap()
    }

    #[test]
    fn busy_loop_pod_reports_a_full_core_once_scraped() {
        let mut sim = Simulation::new(ClusterConfig::with_workers(1));
        sim.with_api(|api| {
            api.create(
                "kubectl",
                pod("burn", "busybox", Some("while true; do :; done")),
            )
            .unwrap();
            api.create("kubectl", pod("idle", "busybox", Some("sleep 3600")))
                .unwrap();
        });
        sim.advance(5 * SECOND);
        assert!(
            sim.pod_metrics().iter().all(|m| m.namespace != "default"),
            "no metrics before a whole scrape interval"
        );
        sim.advance(30 * SECOND);
        let m = sim.pod_metrics();
        let burn = m.iter().find(|m| m.name == "burn").unwrap();
        assert_eq!(burn.cpu_millis(), 1000);
        let idle = m.iter().find(|m| m.name == "idle").unwrap();
        assert_eq!(idle.cpu_millis(), 0);
        assert!(idle.memory_bytes() > 0);
        assert_eq!(burn.timestamp % (15 * SECOND), 0);
        let node = sim.pod_node("default", "burn").unwrap();
        let nm = sim.node_metrics();
        let n = nm.iter().find(|n| n.name == node).unwrap();
        assert!(n.cpu_millis >= 1000 + crate::kubelet::stats::NODE_SYSTEM_CPU_MILLIS);
    }
}
