//! Operator actions: what a cluster operator (or the web UI's chaos buttons)
//! does to the machines from outside the API. Each is recorded in the trace
//! as [`TraceKind::Operator`] so a replay can repeat it, and each is
//! deterministic.
//!
//! - [`Simulation::node_add`]: a new machine joins; its kubelet registers the
//!   Node (as `kubeadm join` leaves it) and starts heartbeating.
//! - [`Simulation::node_stop`]: power loss. The kubelet and every container
//!   are gone; no more Lease renewals or status. The node lifecycle
//!   controller notices after node-monitor-grace-period.
//! - [`Simulation::node_start`]: the machine boots again; the kubelet
//!   reports Ready, cleans up pods deleted meanwhile and restarts the pods
//!   still bound to it.
//! - [`Simulation::node_remove`]: the machine is gone for good and its Node
//!   object is deleted (`kubectl delete node`); the pod garbage collector
//!   force-deletes the pods that were bound to it.
//! - [`Simulation::container_kill`]: a container's process is killed with
//!   SIGKILL (exit code 137); the restartPolicy applies.

use super::{Ctx, NodeConfig, Simulation};
use crate::api::{core, registry, Object};
use crate::apiserver::DeleteOptions;
use crate::trace::TraceKind;
use std::fmt;

/// Why an operator action could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorError {
    /// No machine of that name.
    NodeNotFound(String),
    /// A node of that name already exists.
    NodeExists(String),
    /// A node's configuration is invalid (the message says what).
    InvalidNode(String),
    /// The machine is already powered off.
    AlreadyStopped(String),
    /// The machine is already running.
    AlreadyRunning(String),
    /// No such pod.
    PodNotFound { namespace: String, pod: String },
    /// The pod has no container of that name.
    ContainerNotFound { pod: String, container: String },
    /// The container has no running process.
    ContainerNotRunning { pod: String, container: String },
    /// The pod is not bound to a node, or its node is powered off.
    PodNotRunning { pod: String, reason: String },
    /// The control plane's machine cannot be stopped or removed: the
    /// simulated API server, which runs there, would have to go too.
    ControlPlane(String),
}

impl fmt::Display for OperatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperatorError::NodeNotFound(n) => write!(f, "node \"{n}\" not found"),
            OperatorError::NodeExists(n) => write!(f, "node \"{n}\" already exists"),
            OperatorError::InvalidNode(m) => f.write_str(m),
            OperatorError::AlreadyStopped(n) => write!(f, "node \"{n}\" is already stopped"),
            OperatorError::AlreadyRunning(n) => write!(f, "node \"{n}\" is already running"),
            OperatorError::PodNotFound { namespace, pod } => {
                write!(f, "pod \"{pod}\" not found in namespace \"{namespace}\"")
            }
            OperatorError::ContainerNotFound { pod, container } => {
                write!(f, "container \"{container}\" not found in pod \"{pod}\"")
            }
            OperatorError::ContainerNotRunning { pod, container } => {
                write!(
                    f,
                    "container \"{container}\" in pod \"{pod}\" is not running"
                )
            }
            OperatorError::PodNotRunning { pod, reason } => {
                write!(f, "pod \"{pod}\" is not running: {reason}")
            }
            OperatorError::ControlPlane(n) => write!(
                f,
                "node \"{n}\" runs the control plane; stopping or removing it is not simulated"
            ),
        }
    }
}

impl std::error::Error for OperatorError {}

fn node_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Node").expect("nodes are served")
}

impl Simulation {
    fn record_operator(&mut self, action: String) {
        let now = self.api.now();
        self.api
            .trace
            .record(now, "operator", TraceKind::Operator { action });
    }

    /// Whether the machine `name` exists and is powered on.
    pub fn node_running(&self, name: &str) -> Option<bool> {
        self.kubelets.get(name).map(|k| k.running)
    }

    /// A new machine joins the cluster: its kubelet registers the Node
    /// (labels, capacity, a free pod CIDR), reports Ready and renews its
    /// Lease from now on.
    pub fn node_add(&mut self, cfg: NodeConfig) -> Result<(), OperatorError> {
        let errs = crate::apiserver::validation::is_dns1123_subdomain(&cfg.name);
        if let Some(e) = errs.first() {
            return Err(OperatorError::InvalidNode(format!(
                "invalid node name \"{}\": {e}",
                cfg.name
            )));
        }
        for (what, v) in [("cpu", &cfg.cpu), ("memory", &cfg.memory)] {
            let ok = crate::api::quantity::parse(v).is_ok_and(|q| q.milli() > 0);
            if !ok {
                return Err(OperatorError::InvalidNode(format!(
                    "invalid {what} \"{v}\": must be a positive quantity such as {}",
                    if what == "cpu" { "2 or 500m" } else { "4Gi" }
                )));
            }
        }
        for (k, v) in &cfg.labels {
            let bad = crate::apiserver::validation::is_qualified_name(k)
                .into_iter()
                .chain(crate::apiserver::validation::is_valid_label_value(v))
                .next();
            if let Some(e) = bad {
                return Err(OperatorError::InvalidNode(format!(
                    "invalid label \"{k}={v}\": {e}"
                )));
            }
        }
        if self.kubelets.contains_key(&cfg.name)
            || self.api.get(node_res(), "", &cfg.name).is_some()
        {
            return Err(OperatorError::NodeExists(cfg.name));
        }
        // The smallest index whose pod CIDR no node uses (index 0 is the
        // control plane's 10.244.0.0/24).
        let used: std::collections::BTreeSet<String> = self
            .api
            .list(node_res(), None)
            .filter_map(|o| match o {
                Object::Node(n) => n.spec.as_ref().and_then(|s| s.pod_cidr.clone()),
                _ => None,
            })
            .collect();
        let index = (1u32..)
            .find(|i| {
                let probe = crate::cluster::node_object(&cfg, *i, false);
                let cidr = probe.spec.and_then(|s| s.pod_cidr).unwrap_or_default();
                !used.contains(&cidr)
            })
            .unwrap_or(1);
        self.record_operator(format!("node add {}", cfg.name));
        let obj = crate::cluster::node_object(&cfg, index, false);
        let user = format!("system:node:{}", cfg.name);
        let created = self.with_api(|api| api.create(&user, Object::Node(Box::new(obj))));
        if let Err(e) = created {
            return Err(OperatorError::InvalidNode(e.message));
        }
        self.add_kubelet(&cfg.name);
        Ok(())
    }

    /// Power loss on `name`: the kubelet and all its containers are gone;
    /// the Node and its pods stay in the API as they were last reported.
    pub fn node_stop(&mut self, name: &str) -> Result<(), OperatorError> {
        if name == crate::cluster::CONTROL_PLANE {
            return Err(OperatorError::ControlPlane(name.to_string()));
        }
        let Some(k) = self.kubelets.get_mut(name) else {
            return Err(OperatorError::NodeNotFound(name.to_string()));
        };
        if !k.running {
            return Err(OperatorError::AlreadyStopped(name.to_string()));
        }
        let now = self.api.now();
        self.api.trace.record(
            now,
            "operator",
            TraceKind::Operator {
                action: format!("node stop {name}"),
            },
        );
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        k.power_off(&mut ctx);
        self.dispatch();
        Ok(())
    }

    /// The machine `name` boots again: its kubelet starts, reports Ready,
    /// renews its Lease and syncs the pods bound to it.
    pub fn node_start(&mut self, name: &str) -> Result<(), OperatorError> {
        let Some(k) = self.kubelets.get_mut(name) else {
            return Err(OperatorError::NodeNotFound(name.to_string()));
        };
        if k.running {
            return Err(OperatorError::AlreadyRunning(name.to_string()));
        }
        let now = self.api.now();
        self.api.trace.record(
            now,
            "operator",
            TraceKind::Operator {
                action: format!("node start {name}"),
            },
        );
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        k.power_on(&mut ctx);
        self.dispatch();
        Ok(())
    }

    /// The machine `name` is gone for good: it powers off and its Node
    /// object is deleted (as `kubectl delete node` after decommissioning).
    pub fn node_remove(&mut self, name: &str) -> Result<(), OperatorError> {
        if name == crate::cluster::CONTROL_PLANE {
            return Err(OperatorError::ControlPlane(name.to_string()));
        }
        if !self.kubelets.contains_key(name) && self.api.get(node_res(), "", name).is_none() {
            return Err(OperatorError::NodeNotFound(name.to_string()));
        }
        self.record_operator(format!("node remove {name}"));
        if let Some(mut k) = self.kubelets.remove(name) {
            let mut ctx = Ctx {
                api: &mut self.api,
                queue: &mut self.queue,
            };
            k.power_off(&mut ctx);
        }
        let name = name.to_string();
        self.with_api(|api| {
            let _ = api.delete("kubectl", node_res(), "", &name, DeleteOptions::default());
        });
        Ok(())
    }

    /// Kills the process of `container` (the pod's default container when
    /// `None`) in pod `namespace/pod` with SIGKILL: it exits with code 137
    /// and the pod's restartPolicy applies.
    pub fn container_kill(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<String, OperatorError> {
        let p = self
            .api
            .get_typed::<core::Pod>(
                registry::by_kind("v1", "Pod").expect("pods"),
                namespace,
                pod,
            )
            .ok_or_else(|| OperatorError::PodNotFound {
                namespace: namespace.to_string(),
                pod: pod.to_string(),
            })?;
        let spec = p.spec.clone().unwrap_or_default();
        let name = match container {
            Some(c) => c.to_string(),
            None => p
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
                .cloned()
                .or_else(|| spec.containers.first().map(|c| c.name.clone()))
                .unwrap_or_default(),
        };
        let known = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .any(|c| c.name == name);
        if !known {
            return Err(OperatorError::ContainerNotFound {
                pod: pod.to_string(),
                container: name,
            });
        }
        let node = crate::api::podutil::node_name(p).map(str::to_string);
        let Some(node) = node else {
            return Err(OperatorError::PodNotRunning {
                pod: pod.to_string(),
                reason: "it is not scheduled to a node".into(),
            });
        };
        let Some(k) = self.kubelets.get_mut(&node).filter(|k| k.running) else {
            return Err(OperatorError::PodNotRunning {
                pod: pod.to_string(),
                reason: format!("node \"{node}\" is not running"),
            });
        };
        let key = crate::api::key(namespace, pod);
        let running = k
            .worker(&key)
            .and_then(|w| w.containers.iter().find(|c| c.name == name))
            .is_some_and(|c| matches!(c.state, crate::kubelet::RunState::Running { .. }));
        if !running {
            return Err(OperatorError::ContainerNotRunning {
                pod: pod.to_string(),
                container: name,
            });
        }
        let now = self.api.now();
        self.api.trace.record(
            now,
            "operator",
            TraceKind::Operator {
                action: format!("container kill {namespace}/{pod}/{name}"),
            },
        );
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        k.kill_container(&key, &name, &mut ctx).map_err(|_| {
            OperatorError::ContainerNotRunning {
                pod: pod.to_string(),
                container: name.clone(),
            }
        })?;
        self.dispatch();
        Ok(name)
    }
}
