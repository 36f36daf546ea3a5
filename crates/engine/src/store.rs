//! etcd: the store.
