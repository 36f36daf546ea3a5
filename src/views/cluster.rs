//! The cluster view: the control plane's components, each node with its
//! agents, resource use and pods, and the lane of pods no node has taken.
//! With many pods ([`AGGREGATE_ABOVE`]) each node shows counts per status
//! instead of one chip per pod.

use std::collections::BTreeMap;

use kubarium_engine::api::core::{Node, Pod};
use kubarium_engine::api::{quantity, registry, Object};
use kubarium_engine::Simulation;

use super::status::{node_status, pod_status, PodStatus};
use super::{ObjRef, Tone};
use crate::i18n::{fill, strings};

/// Above this many pods in the cluster, nodes show counts per status
/// instead of drawing every pod.
pub const AGGREGATE_ABOVE: usize = 200;

/// How many pods of the unscheduled lane are drawn when aggregating (the
/// rest are counted), so one can still be picked to see why it waits.
pub const UNSCHEDULED_SAMPLE: usize = 12;

/// One pod as a chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodChip {
    /// The pod.
    pub obj: ObjRef,
    /// Its STATUS/READY as kubectl prints them.
    pub status: PodStatus,
    /// Its controller (`ReplicaSet`, `DaemonSet`, ...), if any.
    pub owner: Option<ObjRef>,
}

/// Pods of one owner chain (Deployment → ReplicaSet, or a single owner).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerGroup {
    /// The top owner (a Deployment, DaemonSet, StatefulSet, Job, or the
    /// ReplicaSet itself when no Deployment owns it); `None` for bare pods.
    pub top: Option<ObjRef>,
    /// The ReplicaSet between a Deployment and its pods.
    pub middle: Option<ObjRef>,
    /// The pods.
    pub pods: Vec<PodChip>,
}

/// A count of pods with one STATUS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCount {
    /// The STATUS text (`Running`, `Pending`, ...); `Running` pods not
    /// ready are counted as `Running 0/1`-style `Running (not ready)`.
    pub status: String,
    /// Its tone.
    pub tone: Tone,
    /// How many pods.
    pub count: usize,
}

/// One resource's use on a node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceUse {
    /// Sum of the requests of the node's non-terminated pods (millicores or bytes).
    pub requested: i64,
    /// The node's allocatable.
    pub allocatable: i64,
    /// Live use from the metrics API, once scraped.
    pub used: Option<i64>,
}

impl ResourceUse {
    /// Requested as a percentage of allocatable (0 when nothing is allocatable).
    pub fn requested_pct(&self) -> i64 {
        pct(self.requested, self.allocatable)
    }

    /// In use as a percentage of allocatable.
    pub fn used_pct(&self) -> Option<i64> {
        self.used.map(|u| pct(u, self.allocatable))
    }
}

fn pct(v: i64, of: i64) -> i64 {
    if of <= 0 {
        0
    } else {
        (v.saturating_mul(100) / of).clamp(0, 100)
    }
}

/// A node agent (kubelet, kube-proxy, runtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// `kubelet`, `kube-proxy`, `runtime`.
    pub label: &'static str,
    /// Version or status text.
    pub detail: String,
    /// Its tone.
    pub tone: Tone,
    /// The pod that runs it (kube-proxy), to open its details.
    pub pod: Option<ObjRef>,
}

/// One node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// The node.
    pub obj: ObjRef,
    /// STATUS as `kubectl get nodes` prints it.
    pub status: String,
    /// Its tone.
    pub tone: Tone,
    /// ROLES (`control-plane`, or empty).
    pub roles: String,
    /// kubelet, kube-proxy and the container runtime.
    pub agents: Vec<Agent>,
    /// CPU (millicores).
    pub cpu: ResourceUse,
    /// Memory (bytes).
    pub memory: ResourceUse,
    /// Pods on the node (empty when aggregated), in namespace/name order;
    /// the control-plane components and kube-proxy are shown apart.
    pub pods: Vec<PodChip>,
    /// The same pods grouped by owner (only when grouping is on).
    pub groups: Vec<OwnerGroup>,
    /// Counts per status of every pod on the node.
    pub counts: Vec<StatusCount>,
    /// How many pods are on the node (its parts included, as
    /// `kubectl get pods -A -o wide` would list them).
    pub pod_count: usize,
}

/// A control-plane component and the static pod that runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Its label (`API server`, ...).
    pub label: &'static str,
    /// The pod, if there is one.
    pub pod: Option<PodChip>,
}

/// Everything the cluster view shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterModel {
    /// API server, etcd, scheduler, controller manager.
    pub control_plane: Vec<Component>,
    /// The node their static pods run on.
    pub control_plane_node: Option<String>,
    /// The nodes, by name.
    pub nodes: Vec<NodeView>,
    /// Pods without a node (not yet scheduled), drawn (all, or a sample when aggregated).
    pub unscheduled: Vec<PodChip>,
    /// Counts per status of the unscheduled pods.
    pub unscheduled_counts: Vec<StatusCount>,
    /// How many pods are unscheduled.
    pub unscheduled_count: usize,
    /// Whether pods are summarised instead of drawn.
    pub aggregated: bool,
    /// Whether pods are grouped by owner.
    pub grouped: bool,
    /// Pods in the cluster.
    pub total_pods: usize,
}

/// The control-plane components, by the `component` label kubeadm puts on
/// their static pods.
const COMPONENTS: [&str; 4] = [
    "kube-apiserver",
    "etcd",
    "kube-scheduler",
    "kube-controller-manager",
];

fn component_label(c: &str) -> &'static str {
    let s = strings();
    match c {
        "kube-apiserver" => s.api_server,
        "etcd" => s.etcd,
        "kube-scheduler" => s.scheduler,
        _ => s.controller_manager,
    }
}

/// The sum of a pod's requests of `resource` as the scheduler counts them:
/// the containers' sum, or the largest init container's if larger.
pub fn pod_request(pod: &Pod, resource: &str) -> i64 {
    let Some(spec) = &pod.spec else { return 0 };
    let one = |c: &kubarium_engine::api::core::Container| -> i64 {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get(resource))
            .map(|q| {
                if resource == "cpu" {
                    quantity::cpu_millis(&q.0)
                } else {
                    quantity::bytes(&q.0)
                }
            })
            .unwrap_or(0)
    };
    let sum: i64 = spec.containers.iter().map(one).sum();
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(one)
        .max()
        .unwrap_or(0);
    sum.max(init)
}

fn terminated(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn controller_ref(meta: &kubarium_engine::api::meta::ObjectMeta) -> Option<ObjRef> {
    let ns = meta.namespace.as_deref().unwrap_or("");
    kubarium_engine::api::podutil::get_controller_of(meta)
        .map(|r| ObjRef::new(&r.kind, ns, &r.name))
}

/// Counts per status, most common first (ties by name).
pub fn count_statuses<'a>(pods: impl IntoIterator<Item = &'a PodStatus>) -> Vec<StatusCount> {
    let mut m: BTreeMap<(String, Tone), usize> = BTreeMap::new();
    for p in pods {
        let label = if p.text == "Running" && !p.all_ready {
            fill(strings().running_ready, &[("ready", &p.ready)])
        } else {
            p.text.clone()
        };
        *m.entry((label, p.tone)).or_default() += 1;
    }
    let mut v: Vec<StatusCount> = m
        .into_iter()
        .map(|((status, tone), count)| StatusCount {
            status,
            tone,
            count,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.status.cmp(&b.status)));
    v
}

/// Groups pods by owner chain: Deployment → ReplicaSet → pods; other
/// controllers directly; bare pods last. `rs_owner` maps a ReplicaSet
/// (namespace, name) to its Deployment's name.
pub fn group_by_owner(
    pods: &[PodChip],
    rs_owner: &BTreeMap<(String, String), String>,
) -> Vec<OwnerGroup> {
    let mut groups: BTreeMap<(bool, Option<ObjRef>, Option<ObjRef>), Vec<PodChip>> =
        BTreeMap::new();
    for p in pods {
        let (top, middle) = match &p.owner {
            Some(o) if o.kind == "ReplicaSet" => {
                match rs_owner.get(&(o.namespace.clone(), o.name.clone())) {
                    Some(d) => (
                        Some(ObjRef::new("Deployment", &o.namespace, d)),
                        Some(o.clone()),
                    ),
                    None => (Some(o.clone()), None),
                }
            }
            Some(o) => (Some(o.clone()), None),
            None => (None, None),
        };
        groups
            .entry((top.is_none(), top, middle))
            .or_default()
            .push(p.clone());
    }
    groups
        .into_iter()
        .map(|((_, top, middle), pods)| OwnerGroup { top, middle, pods })
        .collect()
}

fn chip(p: &Pod) -> PodChip {
    let o = ObjRef::new(
        "Pod",
        p.metadata.namespace.as_deref().unwrap_or(""),
        p.metadata.name.as_deref().unwrap_or(""),
    );
    PodChip {
        obj: o,
        status: pod_status(p),
        owner: controller_ref(&p.metadata),
    }
}

fn label<'a>(p: &'a Pod, k: &str) -> Option<&'a str> {
    p.metadata.labels.as_ref()?.get(k).map(String::as_str)
}

/// Builds the cluster view from the store and the metrics API.
pub fn cluster_model(sim: &Simulation, grouped: bool) -> ClusterModel {
    let api = sim.api();
    let pod_res = registry::by_kind("v1", "Pod").expect("served");
    let node_res = registry::by_kind("v1", "Node").expect("served");
    let rs_res = registry::by_kind("apps/v1", "ReplicaSet").expect("served");

    let nodes: Vec<&Node> = api
        .list(node_res, None)
        .filter_map(|o| match o {
            Object::Node(n) => Some(&**n),
            _ => None,
        })
        .collect();
    let pods: Vec<&Pod> = api
        .list(pod_res, None)
        .filter_map(|o| match o {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
        .collect();
    let total_pods = pods.len();
    let aggregated = total_pods > AGGREGATE_ABOVE;

    let mut model = ClusterModel {
        aggregated,
        grouped,
        total_pods,
        ..ClusterModel::default()
    };

    // Control plane: kubeadm's static pods, labelled `component=<name>`.
    for c in COMPONENTS {
        let pod = pods
            .iter()
            .find(|p| {
                p.metadata.namespace.as_deref() == Some("kube-system")
                    && label(p, "component") == Some(c)
            })
            .map(|p| chip(p));
        model.control_plane.push(Component {
            label: component_label(c),
            pod,
        });
    }

    model.control_plane_node = pods
        .iter()
        .find(|p| {
            p.metadata.namespace.as_deref() == Some("kube-system")
                && label(p, "component") == Some("kube-apiserver")
        })
        .and_then(|p| kubarium_engine::api::podutil::node_name(p))
        .map(str::to_string);

    let usage: BTreeMap<String, (u64, u64)> = sim
        .node_metrics()
        .into_iter()
        .map(|m| (m.name, (m.cpu_millis, m.memory_bytes)))
        .collect();

    // Pods by node; control-plane components and kube-proxy are drawn as
    // the node's parts, not as its workload.
    let mut by_node: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
    let mut unscheduled: Vec<&Pod> = Vec::new();
    for p in &pods {
        match kubarium_engine::api::podutil::node_name(p) {
            Some(n) => by_node.entry(n).or_default().push(p),
            None if !terminated(p) => unscheduled.push(p),
            None => {}
        }
    }

    let rs_owner: BTreeMap<(String, String), String> = if grouped && !aggregated {
        api.list(rs_res, None)
            .filter_map(|o| {
                let owner = controller_ref(o.meta())?;
                (owner.kind == "Deployment").then(|| {
                    (
                        (o.namespace().to_string(), o.name().to_string()),
                        owner.name,
                    )
                })
            })
            .collect()
    } else {
        BTreeMap::new()
    };

    let s = strings();
    for n in nodes {
        let name = n.metadata.name.clone().unwrap_or_default();
        let (status, tone) = node_status(n);
        let roles = kubarium_kubectl::printers::get::node_roles(n).join(",");
        let on_node = by_node.get(name.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let info = n.status.as_ref().and_then(|s| s.node_info.as_ref());
        let proxy = on_node
            .iter()
            .find(|p| label(p, "k8s-app") == Some("kube-proxy"))
            .map(|p| chip(p));
        let ready_cond = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let kubelet_tone = match ready_cond.map(|c| c.status.as_str()) {
            Some("True") => Tone::Ok,
            Some("False") => Tone::Bad,
            _ => Tone::Bad,
        };
        let agents = vec![
            Agent {
                label: s.kubelet,
                detail: info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
                tone: kubelet_tone,
                pod: None,
            },
            Agent {
                label: s.kube_proxy,
                detail: proxy
                    .as_ref()
                    .map(|p| p.status.text.clone())
                    .unwrap_or_else(|| s.missing.to_string()),
                tone: proxy.as_ref().map(|p| p.status.tone).unwrap_or(Tone::Wait),
                pod: proxy.as_ref().map(|p| p.obj.clone()),
            },
            Agent {
                label: s.runtime,
                detail: info
                    .map(|i| i.container_runtime_version.clone())
                    .unwrap_or_default(),
                tone: kubelet_tone,
                pod: None,
            },
        ];
        let alloc = |r: &str| -> i64 {
            n.status
                .as_ref()
                .and_then(|s| s.allocatable.as_ref())
                .and_then(|a| a.get(r))
                .map(|q| {
                    if r == "cpu" {
                        quantity::cpu_millis(&q.0)
                    } else {
                        quantity::bytes(&q.0)
                    }
                })
                .unwrap_or(0)
        };
        let active = on_node.iter().filter(|p| !terminated(p));
        let (mut cpu_req, mut mem_req) = (0, 0);
        for p in active {
            cpu_req += pod_request(p, "cpu");
            mem_req += pod_request(p, "memory");
        }
        let used = usage.get(&name);
        let workload: Vec<&&Pod> = on_node
            .iter()
            .filter(|p| {
                !(p.metadata.namespace.as_deref() == Some("kube-system")
                    && (label(p, "k8s-app") == Some("kube-proxy")
                        || label(p, "component").is_some_and(|c| COMPONENTS.contains(&c))))
            })
            .collect();
        let statuses: Vec<PodStatus> = workload.iter().map(|p| pod_status(p)).collect();
        let counts = count_statuses(&statuses);
        let chips: Vec<PodChip> = if aggregated {
            Vec::new()
        } else {
            workload.iter().map(|p| chip(p)).collect()
        };
        let groups = if grouped && !aggregated {
            group_by_owner(&chips, &rs_owner)
        } else {
            Vec::new()
        };
        model.nodes.push(NodeView {
            obj: ObjRef::new("Node", "", &name),
            status,
            tone,
            roles,
            agents,
            cpu: ResourceUse {
                requested: cpu_req,
                allocatable: alloc("cpu"),
                used: used.map(|u| u.0 as i64),
            },
            memory: ResourceUse {
                requested: mem_req,
                allocatable: alloc("memory"),
                used: used.map(|u| u.1 as i64),
            },
            pod_count: on_node.len(),
            pods: if grouped { Vec::new() } else { chips },
            groups,
            counts,
        });
    }

    model.unscheduled_count = unscheduled.len();
    let statuses: Vec<PodStatus> = unscheduled.iter().map(|p| pod_status(p)).collect();
    model.unscheduled_counts = count_statuses(&statuses);
    let take = if aggregated {
        UNSCHEDULED_SAMPLE
    } else {
        usize::MAX
    };
    model.unscheduled = unscheduled.iter().take(take).map(|p| chip(p)).collect();
    model
}

/// `1500m` → `1.5`, bytes → `512Mi`/`7.6Gi`: short, human text for the bars.
pub fn cpu_text(millis: i64) -> String {
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        format!("{:.2}", millis as f64 / 1000.0)
            .trim_end_matches('0')
            .to_string()
    }
}

/// Bytes in Mi or Gi.
pub fn bytes_text(b: i64) -> String {
    const MI: f64 = 1024.0 * 1024.0;
    let mi = b as f64 / MI;
    if mi >= 1024.0 {
        format!("{:.1}Gi", mi / 1024.0)
    } else {
        format!("{:.0}Mi", mi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_kubectl::Session;

    fn session() -> Session {
        Session::new(Simulation::new(ClusterConfig::default()))
    }

    #[test]
    fn control_plane_and_nodes_come_from_kube_system_pods_and_node_objects() {
        let s = session();
        let m = cluster_model(&s.sim, false);
        assert_eq!(m.control_plane.len(), 4);
        for c in &m.control_plane {
            let pod = c.pod.as_ref().expect("a static pod per component");
            assert_eq!(pod.obj.namespace, "kube-system");
            assert_eq!(pod.status.text, "Running");
        }
        let names: Vec<&str> = m.nodes.iter().map(|n| n.obj.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "node-1", "node-2"]);
        for n in &m.nodes {
            assert_eq!(n.status, "Ready");
            assert_eq!(n.agents.len(), 3);
            assert!(
                n.agents[1].pod.is_some(),
                "kube-proxy runs on {}",
                n.obj.name
            );
            assert!(n.agents[2].detail.starts_with("containerd://"));
            assert!(n.cpu.allocatable > 0 && n.memory.allocatable > 0);
            // kube-proxy and the control plane are drawn as the node's parts.
            assert!(n.pods.iter().all(|p| !p.obj.name.starts_with("kube-proxy")));
        }
        assert_eq!(m.nodes[0].roles, "control-plane");
        assert_eq!(m.control_plane_node.as_deref(), Some("control-plane"));
        // 4 static pods and kube-proxy.
        assert_eq!(m.nodes[0].pod_count, 5);
        assert!(m.nodes[0].cpu.requested > 0, "static pods request CPU");
        assert!(
            m.nodes[1].cpu.used.is_some(),
            "metrics are scraped during warm-up"
        );
        assert!(!m.aggregated);
    }

    #[test]
    fn pending_pods_go_to_the_unscheduled_lane() {
        let mut s = session();
        let out = s.run(
            "kubectl create deployment big --image=nginx --replicas=2",
            None,
        );
        assert_eq!(out.exit_code, 0);
        s.run(
            "kubectl set resources deployment big --requests=cpu=64",
            None,
        );
        s.sim.advance(5 * SECOND);
        let m = cluster_model(&s.sim, false);
        assert!(m.unscheduled_count >= 1, "{m:?}");
        assert!(m.unscheduled.iter().all(|p| p.status.text == "Pending"));
        assert_eq!(m.unscheduled_counts[0].status, "Pending");
    }

    #[test]
    fn grouping_follows_deployment_replicaset_pods() {
        let mut s = session();
        s.run(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        s.run("kubectl run solo --image=nginx", None);
        s.sim.advance(30 * SECOND);
        let m = cluster_model(&s.sim, true);
        let groups: Vec<&OwnerGroup> = m.nodes.iter().flat_map(|n| &n.groups).collect();
        let web: usize = groups
            .iter()
            .filter(|g| {
                g.top
                    .as_ref()
                    .is_some_and(|t| t.kind == "Deployment" && t.name == "web")
            })
            .map(|g| {
                let rs = g.middle.as_ref().expect("the ReplicaSet between");
                assert_eq!(rs.kind, "ReplicaSet");
                assert!(rs.name.starts_with("web-"));
                g.pods.len()
            })
            .sum();
        assert_eq!(web, 3);
        let bare: Vec<&str> = groups
            .iter()
            .filter(|g| g.top.is_none())
            .flat_map(|g| g.pods.iter().map(|p| p.obj.name.as_str()))
            .collect();
        assert!(bare.contains(&"solo"), "{bare:?}");
        // Within a node, the bare pods' group comes last.
        for n in &m.nodes {
            if let Some(i) = n.groups.iter().position(|g| g.top.is_none()) {
                assert_eq!(i, n.groups.len() - 1);
            }
        }
    }

    #[test]
    fn many_pods_are_counted_per_status_instead_of_drawn() {
        let mut s = Session::new(Simulation::new(ClusterConfig::with_workers(3)));
        s.run(
            &format!(
                "kubectl create deployment many --image=nginx --replicas={}",
                AGGREGATE_ABOVE + 50
            ),
            None,
        );
        s.sim.advance(60 * SECOND);
        let m = cluster_model(&s.sim, true);
        assert!(m.total_pods > AGGREGATE_ABOVE);
        assert!(m.aggregated);
        assert!(m
            .nodes
            .iter()
            .all(|n| n.pods.is_empty() && n.groups.is_empty()));
        let counted: usize = m
            .nodes
            .iter()
            .flat_map(|n| &n.counts)
            .map(|c| c.count)
            .sum::<usize>()
            + m.unscheduled_count;
        // Every pod but the control plane's and kube-proxy's is counted once.
        let parts = 4 + m.nodes.len();
        assert_eq!(counted + parts, m.total_pods);
        let on_nodes: usize = m.nodes.iter().map(|n| n.pod_count).sum();
        assert_eq!(on_nodes + m.unscheduled_count, m.total_pods);
        assert!(m.unscheduled.len() <= UNSCHEDULED_SAMPLE);
    }

    #[test]
    fn status_counts_separate_ready_from_not_ready_running_pods() {
        let st = |text: &str, ready: &str, all: bool| PodStatus {
            text: text.into(),
            ready: ready.into(),
            all_ready: all,
            tone: super::super::status::tone_of(text, all),
        };
        let c = count_statuses(&[
            st("Running", "1/1", true),
            st("Running", "1/1", true),
            st("Running", "0/1", false),
            st("Pending", "0/1", false),
        ]);
        assert_eq!(c[0].status, "Running");
        assert_eq!(c[0].count, 2);
        assert_eq!(c[0].tone, Tone::Ok);
        assert!(c
            .iter()
            .any(|c| c.status == "Running 0/1" && c.tone == Tone::Wait));
    }

    #[test]
    fn resource_text_is_short() {
        assert_eq!(cpu_text(4000), "4");
        assert_eq!(cpu_text(1500), "1.5");
        assert_eq!(cpu_text(250), "0.25");
        assert_eq!(bytes_text(512 * 1024 * 1024), "512Mi");
        assert_eq!(bytes_text(8 * 1024 * 1024 * 1024), "8.0Gi");
    }
}
