//! The kubelet: pod workers, probes, status and node lease per node.

pub mod prober;
