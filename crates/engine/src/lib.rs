//! Kubarium's engine: a deterministic simulation of a Kubernetes cluster.
//!
//! One module per Kubernetes component, named as upstream names it, so the file
//! tree reads like the architecture:
//!
//! - [`store`]: etcd (one global revision, resourceVersion, watch history).
//! - [`apiserver`]: kube-apiserver (routing, admission, validation, subresources).
//! - [`scheduler`]: kube-scheduler (queue, framework, plugins, binding).
//! - [`controller`]: kube-controller-manager's controllers.
//! - [`kubelet`]: the node agent (pod workers, prober, status, lease).
//! - [`runtime`]: the simulated container runtime (image catalogue, shell).
//! - [`simulation`]: the event loop that ties them together on a virtual clock.
//!
//! Nothing here reads the wall clock, iterates an unordered hash map or draws from a
//! global RNG: the same inputs and seed give the same cluster, byte for byte.

pub mod api;
pub mod apiserver;
pub mod clock;
pub mod cluster;
pub mod controller;
pub mod cron;
pub mod kubelet;
pub mod queue;
pub mod rng;
pub mod runtime;
pub mod scenario;
pub mod scheduler;
pub mod simulation;
pub mod store;
pub mod timezone;
pub mod trace;

pub use clock::Millis;
pub use simulation::Simulation;
