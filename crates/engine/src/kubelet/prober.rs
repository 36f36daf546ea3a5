//! The prober (pkg/kubelet/prober).
