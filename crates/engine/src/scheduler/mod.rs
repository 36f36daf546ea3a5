//! kube-scheduler: scheduling queue, framework and plugins, binding.

pub mod framework;
pub mod plugins;

pub use framework::{
    schedule_one, Code, Diagnosis, FitError, NodeInfo, Profile, ScheduleResult, SchedulerState,
    Status,
};
