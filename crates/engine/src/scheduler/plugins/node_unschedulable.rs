//! NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable):
//! a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
//! `node.kubernetes.io/unschedulable:NoSchedule` taint.

use crate::api::core::{Pod, Taint};
use crate::scheduler::framework::{Code, CycleState, FilterPlugin, NodeInfo, Plugin, Status};

use super::helper::tolerations_tolerate_taint;

/// The NodeUnschedulable plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeUnschedulable;

/// The plugin's name.
pub const NAME: &str = "NodeUnschedulable";
/// `ErrReasonUnschedulable`.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
/// `v1.TaintNodeUnschedulable`.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

impl Plugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl FilterPlugin for NodeUnschedulable {
    fn filter(&self, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if !node.unschedulable() {
            return Status::success();
        }
        let taint = Taint {
            key: TAINT_NODE_UNSCHEDULABLE.to_string(),
            effect: "NoSchedule".to_string(),
            ..Taint::default()
        };
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or(&[]);
        if tolerations_tolerate_taint(tolerations, &taint) {
            Status::success()
        } else {
            Status::new(
                Code::UnschedulableAndUnresolvable,
                NAME,
                ERR_REASON_UNSCHEDULABLE,
            )
        }
    }
}
