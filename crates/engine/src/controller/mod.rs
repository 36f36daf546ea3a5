//! kube-controller-manager: controllers as reconcile functions over a work queue.

pub mod replicaset;
