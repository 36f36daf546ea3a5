//! NodeName (pkg/scheduler/framework/plugins/nodename): a pod with
//! `spec.nodeName` fits only that node.

use crate::api::core::Pod;
use crate::scheduler::framework::{Code, CycleState, FilterPlugin, NodeInfo, Plugin, Status};

/// The NodeName plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeName;

/// The plugin's name.
pub const NAME: &str = "NodeName";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// `Fits`: no `spec.nodeName`, or it names this node.
pub fn fits(pod: &Pod, node: &NodeInfo) -> bool {
    match pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
        None | Some("") => true,
        Some(n) => n == node.name(),
    }
}

impl FilterPlugin for NodeName {
    fn filter(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if fits(pod, node) {
            Status::success()
        } else {
            Status::new(Code::UnschedulableAndUnresolvable, NAME, ERR_REASON)
        }
    }
}
