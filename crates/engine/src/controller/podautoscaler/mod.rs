//! The horizontal pod autoscaler's algorithm (upstream
//! pkg/controller/podautoscaler): the replica calculator for CPU
//! utilization and the behavior normalization (stabilization windows, scaling
//! policies, min/max clamps).
//!
//! These are pure functions of their inputs (pods, metrics, recommendations
//! and scale events, the virtual time), so the controller that reconciles
//! `HorizontalPodAutoscaler` objects can call them and they can be tested
//! with upstream's cases. The `HorizontalPodAutoscaler` kind and its
//! controller loop are not served yet (see README, "Simplifications").

pub mod horizontal;
pub mod replica_calculator;
