//! kube-apiserver: request routing, admission and storage.

pub mod admission;
pub mod validation;
