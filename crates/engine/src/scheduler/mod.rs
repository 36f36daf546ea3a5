//! kube-scheduler: scheduling queue, framework and plugins, binding.

pub mod framework;
pub mod plugins;
