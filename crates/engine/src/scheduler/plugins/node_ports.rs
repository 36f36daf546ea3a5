//! NodePorts (pkg/scheduler/framework/plugins/nodeports): a pod's host ports
//! must be free on the node. `0.0.0.0` conflicts with every IP.

use crate::api::core::Pod;
use crate::scheduler::framework::{
    host_ports, Code, CycleState, FilterPlugin, NodeInfo, Plugin, PreFilterPlugin, PreFilterResult,
    Status,
};

/// The NodePorts plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodePorts;

/// The plugin's name.
pub const NAME: &str = "NodePorts";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

impl Plugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl PreFilterPlugin for NodePorts {
    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod) -> (Option<PreFilterResult>, Status) {
        if host_ports(pod).is_empty() {
            return (None, Status::skip(NAME));
        }
        (None, Status::success())
    }
}

impl FilterPlugin for NodePorts {
    fn filter(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let used = node.used_ports();
        if used.is_empty() {
            return Status::success();
        }
        for want in host_ports(pod) {
            // HostPortInfo.CheckConflict
            let conflict = used.keys().any(|u| {
                u.port == want.port
                    && u.protocol == want.protocol
                    && (u.ip == want.ip || u.ip == "0.0.0.0" || want.ip == "0.0.0.0")
            });
            if conflict {
                return Status::new(Code::Unschedulable, NAME, ERR_REASON);
            }
        }
        Status::success()
    }
}
