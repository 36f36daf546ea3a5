//! The ReplicaSet controller (pkg/controller/replicaset).
