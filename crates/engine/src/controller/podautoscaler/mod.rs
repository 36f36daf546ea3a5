//! The horizontal pod autoscaler's algorithm (upstream
//! pkg/controller/podautoscaler): the replica calculator for CPU
//! utilization and the behavior normalization (stabilization windows, scaling
//! policies, min/max clamps).
//!
//! These are pure functions of their inputs (pods, metrics, recommendations
//! and scale events, the virtual time), so the controller that reconciles
//! `HorizontalPodAutoscaler` objects can call them and they can be tested
//! with upstream's cases; [`controller`] is the reconcile loop that calls
//! them for every `HorizontalPodAutoscaler`.

pub mod controller;
pub mod horizontal;
pub mod replica_calculator;
