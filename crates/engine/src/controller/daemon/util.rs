//! What the DaemonSet controller adds to its pods and how it decides which
//! nodes should run one (pkg/controller/daemon/util/daemonset_util.go and
//! `NodeShouldRunDaemonPod` in daemon_controller.go).

use crate::api::core::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodSpec, Toleration,
};
use crate::scheduler::framework::NodeInfo;
use crate::scheduler::plugins::{helper, node_affinity};

/// `AddOrUpdateDaemonPodTolerations`: daemon pods tolerate node problems
/// that would evict or keep out ordinary pods.
pub fn add_daemon_pod_tolerations(spec: &mut PodSpec) {
    let mut add = |key: &str, effect: &str| {
        let t = Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some(effect.into()),
            ..Default::default()
        };
        let list = spec.tolerations.get_or_insert_with(Vec::new);
        // AddOrUpdateTolerationInPodSpec: replace a toleration with the
        // same key, operator and effect; keep the list otherwise.
        if let Some(existing) = list.iter_mut().find(|x| {
            x.key == t.key
                && x.effect == t.effect
                && x.operator.as_deref().unwrap_or("Equal") == "Exists"
        }) {
            *existing = t;
        } else {
            list.push(t);
        }
    };
    add("node.kubernetes.io/not-ready", "NoExecute");
    add("node.kubernetes.io/unreachable", "NoExecute");
    add("node.kubernetes.io/disk-pressure", "NoSchedule");
    add("node.kubernetes.io/memory-pressure", "NoSchedule");
    add("node.kubernetes.io/pid-pressure", "NoSchedule");
    add("node.kubernetes.io/unschedulable", "NoSchedule");
    if spec.host_network == Some(true) {
        add("node.kubernetes.io/network-unavailable", "NoSchedule");
    }
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: the pod's required node
/// affinity becomes `matchFields metadata.name In [node]`, so the default
/// scheduler places it on that node (since v1.12).
pub fn replace_node_name_affinity(spec: &mut PodSpec, node: &str) {
    let selector = NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_fields: Some(vec![NodeSelectorRequirement {
                key: "metadata.name".into(),
                operator: "In".into(),
                values: Some(vec![node.to_string()]),
            }]),
            ..Default::default()
        }],
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let na = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    na.required_during_scheduling_ignored_during_execution = Some(selector);
}

/// `GetTargetNodeName`: the node a daemon pod is for — its `nodeName`, or
/// the node its `matchFields` affinity names before it is scheduled.
pub fn target_node(pod: &Pod) -> Option<&str> {
    let spec = pod.spec.as_ref()?;
    if let Some(n) = spec.node_name.as_deref() {
        return Some(n);
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.as_ref()?.first())
        .map(String::as_str)
}

/// `NodeShouldRunDaemonPod`: (should run a new pod, should keep a running
/// one). `pod` is the daemon pod as it would be created (tolerations added).
pub fn node_should_run_daemon_pod(node: &Node, pod: &Pod) -> (bool, bool) {
    let name = node.metadata.name.as_deref().unwrap_or("");
    let spec = pod.spec.as_ref();
    // fitsNodeName
    if spec
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| n != name)
    {
        return (false, false);
    }
    // fitsNodeAffinity (nodeSelector and required node affinity).
    let info = NodeInfo::new(node);
    if !node_affinity::required_matches(pod, &info) {
        return (false, false);
    }
    // fitsTaints: NoSchedule and NoExecute taints must be tolerated to
    // start; only NoExecute ones to keep running.
    let tolerations = spec.and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or(&[]);
    let untolerated = |effects: &[&str]| {
        taints.iter().any(|t| {
            effects.contains(&t.effect.as_str())
                && !helper::tolerations_tolerate_taint(tolerations, t)
        })
    };
    (
        !untolerated(&["NoSchedule", "NoExecute"]),
        !untolerated(&["NoExecute"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{NodeSpec, Taint};
    use crate::api::meta::ObjectMeta;

    fn node(name: &str, taints: Vec<Taint>) -> Node {
        Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some([("kubernetes.io/os".to_string(), "linux".to_string())].into()),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                taints: Some(taints),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn daemon_pod(spec: PodSpec) -> Pod {
        let mut spec = spec;
        add_daemon_pod_tolerations(&mut spec);
        Pod {
            spec: Some(spec),
            ..Default::default()
        }
    }

    fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            effect: effect.into(),
            ..Default::default()
        }
    }

    #[test]
    fn daemon_pods_get_upstream_automatic_tolerations() {
        let mut spec = PodSpec::default();
        add_daemon_pod_tolerations(&mut spec);
        let keys: Vec<String> = spec
            .tolerations
            .iter()
            .flatten()
            .map(|t| {
                format!(
                    "{}:{}",
                    t.key.as_deref().unwrap(),
                    t.effect.as_deref().unwrap()
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/not-ready:NoExecute",
                "node.kubernetes.io/unreachable:NoExecute",
                "node.kubernetes.io/disk-pressure:NoSchedule",
                "node.kubernetes.io/memory-pressure:NoSchedule",
                "node.kubernetes.io/pid-pressure:NoSchedule",
                "node.kubernetes.io/unschedulable:NoSchedule",
            ]
        );
        assert!(spec
            .tolerations
            .iter()
            .flatten()
            .all(|t| t.toleration_seconds.is_none()));
        let mut host = PodSpec {
            host_network: Some(true),
            ..Default::default()
        };
        add_daemon_pod_tolerations(&mut host);
        assert_eq!(host.tolerations.unwrap().len(), 7);
    }

    #[test]
    fn control_plane_taint_keeps_daemon_pods_out_unless_tolerated() {
        let cp = node(
            "control-plane",
            vec![taint("node-role.kubernetes.io/control-plane", "NoSchedule")],
        );
        assert_eq!(
            node_should_run_daemon_pod(&cp, &daemon_pod(PodSpec::default())),
            (false, true)
        );
        let tolerant = daemon_pod(PodSpec {
            tolerations: Some(vec![Toleration {
                key: Some("node-role.kubernetes.io/control-plane".into()),
                operator: Some("Exists".into()),
                effect: Some("NoSchedule".into()),
                ..Default::default()
            }]),
            ..Default::default()
        });
        assert_eq!(node_should_run_daemon_pod(&cp, &tolerant), (true, true));
    }

    #[test]
    fn cordoned_and_not_ready_nodes_still_run_daemon_pods() {
        let n = node(
            "node-1",
            vec![
                taint("node.kubernetes.io/unschedulable", "NoSchedule"),
                taint("node.kubernetes.io/not-ready", "NoExecute"),
            ],
        );
        assert_eq!(
            node_should_run_daemon_pod(&n, &daemon_pod(PodSpec::default())),
            (true, true)
        );
        let other = node("node-2", vec![taint("dedicated", "NoExecute")]);
        assert_eq!(
            node_should_run_daemon_pod(&other, &daemon_pod(PodSpec::default())),
            (false, false)
        );
    }

    #[test]
    fn node_selector_and_target_node() {
        let n = node("node-1", vec![]);
        let mut spec = PodSpec {
            node_selector: Some([("disktype".to_string(), "ssd".to_string())].into()),
            ..Default::default()
        };
        assert_eq!(
            node_should_run_daemon_pod(&n, &daemon_pod(spec.clone())),
            (false, false)
        );
        replace_node_name_affinity(&mut spec, "node-1");
        let p = Pod {
            spec: Some(spec),
            ..Default::default()
        };
        assert_eq!(target_node(&p), Some("node-1"));
    }
}
