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

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::scheduler::plugins::testing::{node, pod};

    /// A pod whose one container asks for `ports` (container port entries).
    fn with_ports(name: &str, ports: Value) -> Pod {
        pod(
            name,
            json!({}),
            json!({"spec": {"containers": [{"name": "c", "image": "nginx", "ports": ports}]}}),
        )
    }

    /// A node already running a pod with `used` host ports.
    fn node_using(used: Value) -> NodeInfo {
        NodeInfo::with_pods(&node("n1", json!({})), [&with_ports("old", used)])
    }

    fn fits(want: Value, used: Value) -> bool {
        let p = with_ports("new", want);
        let st = NodePorts.filter(&CycleState::default(), &p, &node_using(used));
        if !st.is_success() {
            assert_eq!(st.code, Code::Unschedulable);
            assert_eq!(st.reasons, vec![ERR_REASON.to_string()]);
        }
        st.is_success()
    }

    fn hp(ip: &str, protocol: &str, port: i32) -> Value {
        let mut v = json!({"containerPort": 8080, "hostPort": port, "protocol": protocol});
        if !ip.is_empty() {
            v["hostIP"] = json!(ip);
        }
        v
    }

    #[test]
    fn pre_filter_skips_a_pod_without_host_ports() {
        let p = with_ports("p", json!([{"containerPort": 80}]));
        let (_, st) = NodePorts.pre_filter(&mut CycleState::default(), &p);
        assert!(st.is_skip());
        let p = with_ports("p", json!([hp("", "TCP", 80)]));
        let (_, st) = NodePorts.pre_filter(&mut CycleState::default(), &p);
        assert!(st.is_success());
    }

    #[test]
    fn container_ports_without_host_port_never_conflict() {
        assert!(fits(
            json!([{"containerPort": 80}]),
            json!([{"containerPort": 80}])
        ));
    }

    // Cases from node_ports_test.go (TestNodePorts).
    #[test]
    fn same_port_protocol_and_ip_conflicts() {
        assert!(!fits(
            json!([hp("127.0.0.1", "UDP", 8080)]),
            json!([hp("127.0.0.1", "UDP", 8080)])
        ));
        assert!(!fits(
            json!([hp("", "TCP", 80)]),
            json!([hp("", "TCP", 80)])
        ));
    }

    #[test]
    fn other_port_protocol_or_ip_fits() {
        assert!(fits(
            json!([hp("127.0.0.1", "UDP", 8080)]),
            json!([hp("127.0.0.1", "UDP", 9090)])
        ));
        assert!(fits(
            json!([hp("127.0.0.1", "UDP", 8080)]),
            json!([hp("127.0.0.1", "TCP", 8080)])
        ));
        assert!(fits(
            json!([hp("127.0.0.2", "TCP", 8001)]),
            json!([hp("127.0.0.1", "TCP", 8001)])
        ));
    }

    #[test]
    fn bind_all_conflicts_with_every_ip_both_ways() {
        // HostPortInfo.CheckConflict: 0.0.0.0 wanted checks every IP...
        assert!(!fits(
            json!([hp("0.0.0.0", "TCP", 8001)]),
            json!([hp("127.0.0.1", "TCP", 8001)])
        ));
        // ...and a specific IP checks itself and 0.0.0.0.
        assert!(!fits(
            json!([hp("127.0.0.1", "TCP", 8001)]),
            json!([hp("0.0.0.0", "TCP", 8001)])
        ));
        // An empty hostIP is 0.0.0.0.
        assert!(!fits(
            json!([hp("10.0.0.1", "TCP", 8001)]),
            json!([hp("", "TCP", 8001)])
        ));
        // But not across protocols.
        assert!(fits(
            json!([hp("0.0.0.0", "UDP", 8001)]),
            json!([hp("127.0.0.1", "TCP", 8001)])
        ));
    }

    #[test]
    fn an_empty_protocol_is_tcp() {
        // HostPortInfo.sanitize.
        assert!(!fits(json!([hp("", "", 80)]), json!([hp("", "TCP", 80)])));
        assert!(fits(json!([hp("", "", 80)]), json!([hp("", "UDP", 80)])));
    }

    #[test]
    fn any_wanted_port_in_use_fails_the_node() {
        assert!(!fits(
            json!([hp("", "TCP", 8000), hp("", "UDP", 8001)]),
            json!([hp("", "UDP", 8001)])
        ));
    }

    #[test]
    fn a_pod_removed_from_the_node_frees_its_ports() {
        let old = with_ports("old", json!([hp("", "TCP", 80)]));
        let mut ni = NodeInfo::with_pods(&node("n1", json!({})), [&old]);
        let p = with_ports("new", json!([hp("", "TCP", 80)]));
        assert!(!NodePorts
            .filter(&CycleState::default(), &p, &ni)
            .is_success());
        assert!(ni.remove_pod(&old));
        assert!(NodePorts
            .filter(&CycleState::default(), &p, &ni)
            .is_success());
    }
}
