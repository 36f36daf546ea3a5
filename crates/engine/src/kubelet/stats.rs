//! The kubelet's resource stats (upstream pkg/kubelet/stats and the
//! `/metrics/resource` endpoint metrics-server scrapes): per-container CPU and
//! working-set memory of the running processes, and the node's total.
//!
//! metrics-server computes CPU as a rate between two scrapes, so a container
//! only has a CPU figure once it has run for a whole scrape interval
//! ([`METRIC_RESOLUTION`]); pods with a container that has none are left out,
//! as metrics-server leaves them out.

use super::{Kubelet, RunState};
use crate::clock::{Millis, MINUTE, SECOND};

/// metrics-server's `--metric-resolution` in its released manifests (15 s).
pub const METRIC_RESOLUTION: Millis = 15 * SECOND;

/// CPU the node's own daemons (kubelet, containerd, the OS) use, in
/// millicores: added to the pods' use in the node's figure, as cAdvisor's root
/// cgroup includes them.
pub const NODE_SYSTEM_CPU_MILLIS: u64 = 25;

/// Working-set memory of the node's own daemons and the kernel, in bytes.
pub const NODE_SYSTEM_MEMORY_BYTES: u64 = 420 * 1024 * 1024;

/// One container's usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerUsage {
    /// The container's name.
    pub name: String,
    /// CPU in millicores.
    pub cpu_millis: u64,
    /// Working-set memory in bytes.
    pub memory_bytes: u64,
}

/// One pod's usage, as a `PodMetrics` of metrics.k8s.io.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodUsage {
    /// `namespace/name`.
    pub key: String,
    /// Its regular containers (init containers are not reported).
    pub containers: Vec<ContainerUsage>,
}

impl Kubelet {
    /// Usage of the pods this kubelet runs whose containers have all run for
    /// at least one scrape interval at `now`, by pod key.
    pub fn pod_usage(&self, now: Millis) -> Vec<PodUsage> {
        if !self.running {
            return Vec::new();
        }
        let mut out = Vec::new();
        'pods: for (key, w) in &self.workers {
            if w.terminating_since.is_some() {
                continue;
            }
            let mut containers = Vec::new();
            for c in w.containers.iter().filter(|c| !c.init) {
                let RunState::Running { started_at } = c.state else {
                    continue 'pods;
                };
                if started_at + METRIC_RESOLUTION > now {
                    continue 'pods;
                }
                let (cpu, mem) = c
                    .process
                    .as_ref()
                    .map(|p| (p.cpu_millis(), p.memory_bytes()))
                    .unwrap_or((0, 0));
                containers.push(ContainerUsage {
                    name: c.name.clone(),
                    cpu_millis: cpu,
                    memory_bytes: mem,
                });
            }
            if !containers.is_empty() {
                out.push(PodUsage {
                    key: key.clone(),
                    containers,
                });
            }
        }
        out
    }

    /// The node's usage (its pods' plus its own daemons'), or `None` while
    /// the node is down or has not been up for a scrape interval.
    pub fn node_usage(&self, now: Millis) -> Option<(u64, u64)> {
        if !self.running || now < METRIC_RESOLUTION {
            return None;
        }
        let (mut cpu, mut mem) = (NODE_SYSTEM_CPU_MILLIS, NODE_SYSTEM_MEMORY_BYTES);
        for p in self.pod_usage(now) {
            for c in p.containers {
                cpu += c.cpu_millis;
                mem += c.memory_bytes;
            }
        }
        Some((cpu, mem))
    }
}

/// A pod's age as Go's `time.Duration.String()` prints it (`1m30s`,
/// `45.5s`), for kubectl's "Metrics not available for pod" message.
pub fn go_duration(ms: Millis) -> String {
    let (m, rest) = (ms / MINUTE, ms % MINUTE);
    let (h, m) = (m / 60, m % 60);
    let secs = if rest % SECOND == 0 {
        format!("{}s", rest / SECOND)
    } else {
        let s = format!("{}.{:03}", rest / SECOND, rest % SECOND);
        format!("{}s", s.trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_prints_as_go_does() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(45_500), "45.5s");
        assert_eq!(go_duration(150_000), "2m30s");
        assert_eq!(go_duration(3_600_000 + 61_250), "1h1m1.25s");
    }
}
