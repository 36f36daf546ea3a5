//! The default cluster topology (kubeadm-like).
