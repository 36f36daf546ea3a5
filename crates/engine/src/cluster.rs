//! The default cluster, laid out as `kubeadm init` + `kubeadm join` leave it:
//! the four namespaces, a `control-plane` node (tainted NoSchedule) and
//! workers, each registered by its kubelet with a pod CIDR from 10.244.0.0/16;
//! the control-plane components as static (mirror) pods; CoreDNS and
//! kube-proxy in kube-system. CoreDNS is the `coredns` Deployment, so its
//! ReplicaSet and pods are named by the Deployment controller.
//!
//! kube-proxy is the `kube-proxy` DaemonSet kubeadm creates, so its pods are
//! named and placed by the DaemonSet controller and the scheduler.

use crate::api::{apps, core, meta, Object};
use crate::simulation::{NodeConfig, Simulation};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.32.0";
/// Container runtime the nodes report.
pub const CONTAINER_RUNTIME: &str = "containerd://1.7.24";
/// The control-plane node's name.
pub const CONTROL_PLANE: &str = "control-plane";
/// Images every node has before the scenario starts (kind preloads them).
pub const PRELOADED_IMAGES: &[&str] = &[
    "registry.k8s.io/pause:3.10",
    "registry.k8s.io/kube-proxy:v1.32.0",
    "registry.k8s.io/coredns/coredns:v1.11.3",
    "registry.k8s.io/etcd:3.5.16-0",
    "registry.k8s.io/kube-apiserver:v1.32.0",
    "registry.k8s.io/kube-controller-manager:v1.32.0",
    "registry.k8s.io/kube-scheduler:v1.32.0",
];

const USER: &str = "kubeadm";

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn q(s: &str) -> Quantity {
    Quantity(s.to_string())
}

/// The Node object a kubelet registers for `cfg`, with index `i` (0 for the
/// control plane) choosing its pod CIDR and address.
pub fn node_object(cfg: &NodeConfig, i: u32, control_plane: bool) -> core::Node {
    let mut l = labels(&[
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", &cfg.name),
        ("kubernetes.io/os", "linux"),
    ]);
    if control_plane {
        l.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        l.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
    }
    l.extend(cfg.labels.clone());
    // Pod CIDRs from 10.244.0.0/16 as /24s; beyond 256 nodes the third and
    // second octets carry on (10.245.x.0/24 ...), as a larger cluster CIDR would.
    let cidr = format!("10.{}.{}.0/24", 244 + i / 256, i % 256);
    let ip = format!("172.18.{}.{}", (i + 2) / 250, (i + 2) % 250 + 2);
    let mem_bytes = crate::api::quantity::bytes(&cfg.memory);
    let mem = format!("{}Ki", mem_bytes / 1024);
    let capacity = BTreeMap::from([
        ("cpu".to_string(), q(&cfg.cpu)),
        ("ephemeral-storage".to_string(), q("102626232Ki")),
        ("hugepages-1Gi".to_string(), q("0")),
        ("hugepages-2Mi".to_string(), q("0")),
        ("memory".to_string(), q(&mem)),
        ("pods".to_string(), q(&cfg.max_pods.to_string())),
    ]);
    core::Node {
        metadata: meta::ObjectMeta {
            name: Some(cfg.name.clone()),
            labels: Some(l),
            annotations: Some(labels(&[
                (
                    "kubeadm.alpha.kubernetes.io/cri-socket",
                    "unix:///run/containerd/containerd.sock",
                ),
                ("node.alpha.kubernetes.io/ttl", "0"),
                (
                    "volumes.kubernetes.io/controller-managed-attach-detach",
                    "true",
                ),
            ])),
            ..Default::default()
        },
        spec: Some(core::NodeSpec {
            pod_cidr: Some(cidr.clone()),
            pod_cidrs: Some(vec![cidr]),
            provider_id: Some(format!("kind://docker/kubarium/{}", cfg.name)),
            taints: control_plane.then(|| {
                vec![core::Taint {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    effect: "NoSchedule".into(),
                    ..Default::default()
                }]
            }),
            ..Default::default()
        }),
        status: Some(core::NodeStatus {
            addresses: Some(vec![
                core::NodeAddress {
                    type_: "InternalIP".into(),
                    address: ip,
                },
                core::NodeAddress {
                    type_: "Hostname".into(),
                    address: cfg.name.clone(),
                },
            ]),
            allocatable: Some(capacity.clone()),
            capacity: Some(capacity),
            daemon_endpoints: Some(core::NodeDaemonEndpoints {
                kubelet_endpoint: Some(core::DaemonEndpoint { port: 10250 }),
            }),
            node_info: Some(core::NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: format!(
                    "{:08x}-0000-4000-8000-{:012x}",
                    crate::rng::fnv1a(cfg.name.as_bytes()) as u32,
                    i
                ),
                container_runtime_version: CONTAINER_RUNTIME.into(),
                kernel_version: "6.8.0-51-generic".into(),
                kube_proxy_version: KUBERNETES_VERSION.into(),
                kubelet_version: KUBERNETES_VERSION.into(),
                machine_id: format!(
                    "{:032x}",
                    u128::from(crate::rng::fnv1a(cfg.name.as_bytes())) << 32 | u128::from(i)
                ),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: format!(
                    "{:08x}-1111-4222-8333-{:012x}",
                    crate::rng::fnv1a(cfg.name.as_bytes()) as u32 ^ 0x5a5a,
                    i
                ),
            }),
            ..Default::default()
        }),
    }
}

fn container(name: &str, image: &str, command: &[&str], cpu: Option<&str>) -> core::Container {
    core::Container {
        name: name.into(),
        image: Some(image.into()),
        command: (!command.is_empty()).then(|| command.iter().map(|s| s.to_string()).collect()),
        image_pull_policy: Some("IfNotPresent".into()),
        resources: Some(core::ResourceRequirements {
            requests: cpu.map(|c| BTreeMap::from([("cpu".to_string(), q(c))])),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn static_pod(component: &str, image: &str, cpu: &str, node: &core::Node) -> core::Pod {
    let node_name = node.metadata.name.clone().unwrap_or_default();
    core::Pod {
        metadata: meta::ObjectMeta {
            name: Some(format!("{component}-{node_name}")),
            namespace: Some("kube-system".into()),
            labels: Some(labels(&[
                ("component", component),
                ("tier", "control-plane"),
            ])),
            annotations: Some(labels(&[
                ("kubernetes.io/config.source", "file"),
                ("kubernetes.io/config.mirror", "simulated"),
            ])),
            owner_references: Some(vec![meta::OwnerReference {
                api_version: "v1".into(),
                kind: "Node".into(),
                name: node_name.clone(),
                uid: node.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: None,
            }]),
            ..Default::default()
        },
        spec: Some(core::PodSpec {
            containers: vec![{
                let mut c = container(component, image, &[component], Some(cpu));
                // kubeadm's etcd manifest also requests 100Mi of memory
                // (cmd/kubeadm/app/phases/etcd/local.go); the others only cpu.
                if component == "etcd" {
                    if let Some(r) = c.resources.as_mut().and_then(|r| r.requests.as_mut()) {
                        r.insert("memory".into(), q("100Mi"));
                    }
                }
                c
            }],
            host_network: Some(true),
            node_name: Some(node_name),
            priority: Some(2_000_001_000),
            priority_class_name: Some("system-node-critical".into()),
            tolerations: Some(vec![core::Toleration {
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    }
}

/// The `coredns` Deployment as kubeadm v1.32 creates it
/// (cmd/kubeadm/app/phases/addons/dns/manifests.go): 2 replicas,
/// RollingUpdate with maxUnavailable 1.
fn coredns_deployment() -> apps::Deployment {
    let sel = labels(&[("k8s-app", "kube-dns")]);
    let mut c = container(
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.11.3",
        &[],
        None,
    );
    c.args = Some(vec!["-conf".into(), "/etc/coredns/Corefile".into()]);
    c.ports = Some(vec![
        core::ContainerPort {
            name: Some("dns".into()),
            container_port: 53,
            protocol: Some("UDP".into()),
            ..Default::default()
        },
        core::ContainerPort {
            name: Some("dns-tcp".into()),
            container_port: 53,
            protocol: Some("TCP".into()),
            ..Default::default()
        },
        core::ContainerPort {
            name: Some("metrics".into()),
            container_port: 9153,
            protocol: Some("TCP".into()),
            ..Default::default()
        },
    ]);
    c.resources = Some(core::ResourceRequirements {
        limits: Some(BTreeMap::from([("memory".to_string(), q("170Mi"))])),
        requests: Some(BTreeMap::from([
            ("cpu".to_string(), q("100m")),
            ("memory".to_string(), q("70Mi")),
        ])),
        ..Default::default()
    });
    let http = |path: &str, port: i32| core::HTTPGetAction {
        path: Some(path.into()),
        port: IntOrString::Int(port),
        scheme: Some("HTTP".into()),
        ..Default::default()
    };
    c.liveness_probe = Some(core::Probe {
        http_get: Some(http("/health", 8080)),
        initial_delay_seconds: Some(60),
        timeout_seconds: Some(5),
        failure_threshold: Some(5),
        ..Default::default()
    });
    c.readiness_probe = Some(core::Probe {
        http_get: Some(http("/ready", 8181)),
        ..Default::default()
    });
    apps::Deployment {
        metadata: meta::ObjectMeta {
            name: Some("coredns".into()),
            namespace: Some("kube-system".into()),
            labels: Some(sel.clone()),
            ..Default::default()
        },
        spec: Some(apps::DeploymentSpec {
            replicas: Some(2),
            selector: meta::LabelSelector {
                match_labels: Some(sel.clone()),
                ..Default::default()
            },
            strategy: Some(apps::DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(apps::RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString::Int(1)),
                    max_surge: None,
                }),
            }),
            template: core::PodTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    labels: Some(sel),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    containers: vec![c],
                    dns_policy: Some("Default".into()),
                    node_selector: Some(labels(&[("kubernetes.io/os", "linux")])),
                    priority: Some(2_000_000_000),
                    priority_class_name: Some("system-cluster-critical".into()),
                    service_account_name: Some("coredns".into()),
                    tolerations: Some(vec![
                        core::Toleration {
                            key: Some("CriticalAddonsOnly".into()),
                            operator: Some("Exists".into()),
                            ..Default::default()
                        },
                        core::Toleration {
                            key: Some("node-role.kubernetes.io/control-plane".into()),
                            effect: Some("NoSchedule".into()),
                            ..Default::default()
                        },
                    ]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// kube-proxy as kubeadm deploys it: a DaemonSet in kube-system that
/// tolerates every taint, so it runs on the control plane too.
fn kube_proxy_daemonset() -> apps::DaemonSet {
    let sel = labels(&[("k8s-app", "kube-proxy")]);
    apps::DaemonSet {
        metadata: meta::ObjectMeta {
            name: Some("kube-proxy".into()),
            namespace: Some("kube-system".into()),
            labels: Some(sel.clone()),
            ..Default::default()
        },
        spec: Some(apps::DaemonSetSpec {
            selector: meta::LabelSelector {
                match_labels: Some(sel.clone()),
                ..Default::default()
            },
            update_strategy: Some(apps::DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                ..Default::default()
            }),
            template: core::PodTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    labels: Some(sel),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    containers: vec![container(
                        "kube-proxy",
                        "registry.k8s.io/kube-proxy:v1.32.0",
                        &[
                            "/usr/local/bin/kube-proxy",
                            "--config=/var/lib/kube-proxy/config.conf",
                            "--hostname-override=$(NODE_NAME)",
                        ],
                        None,
                    )],
                    host_network: Some(true),
                    node_selector: Some(labels(&[("kubernetes.io/os", "linux")])),
                    priority: Some(2_000_001_000),
                    priority_class_name: Some("system-node-critical".into()),
                    service_account_name: Some("kube-proxy".into()),
                    tolerations: Some(vec![core::Toleration {
                        operator: Some("Exists".into()),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// Builds the cluster: namespaces, nodes with their kubelets, system pods.
pub fn bootstrap(sim: &mut Simulation) {
    let cfg = sim.config().clone();
    sim.with_api(|api| {
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let n = core::Namespace {
                metadata: meta::ObjectMeta {
                    name: Some(ns.into()),
                    ..Default::default()
                },
                ..Default::default()
            };
            let _ = api.create(USER, Object::Namespace(Box::new(n)));
        }
        // The API server's `scheduling/bootstrap-system-priority-classes`
        // post-start hook.
        for (name, value, description) in
            crate::apiserver::validation::scheduling::SYSTEM_PRIORITY_CLASSES
        {
            let pc = crate::api::scheduling::PriorityClass {
                metadata: meta::ObjectMeta {
                    name: Some((*name).into()),
                    ..Default::default()
                },
                value: *value,
                description: Some((*description).into()),
                ..Default::default()
            };
            let _ = api.create("system:apiserver", Object::PriorityClass(Box::new(pc)));
        }
        for sa in ["coredns", "kube-proxy"] {
            let s = core::ServiceAccount {
                metadata: meta::ObjectMeta {
                    name: Some(sa.into()),
                    namespace: Some("kube-system".into()),
                    ..Default::default()
                },
                ..Default::default()
            };
            let _ = api.create(USER, Object::ServiceAccount(Box::new(s)));
        }
    });
    // ServiceAccounts "default" come from the serviceaccount controller.
    sim.advance(100);

    let control = NodeConfig {
        name: CONTROL_PLANE.into(),
        cpu: "4".into(),
        memory: "8Gi".into(),
        max_pods: 110,
        labels: BTreeMap::new(),
    };
    let mut nodes = vec![(control, true)];
    nodes.extend(cfg.workers.iter().cloned().map(|w| (w, false)));
    for (i, (n, cp)) in nodes.iter().enumerate() {
        let obj = node_object(n, i as u32, *cp);
        let created = sim.with_api(|api| {
            api.create(
                &format!("system:node:{}", n.name),
                Object::Node(Box::new(obj)),
            )
        });
        if let Ok(Object::Node(node)) = created.as_deref() {
            if *cp {
                sim.with_api(|api| {
                    for (component, image, cpu) in [
                        ("etcd", "registry.k8s.io/etcd:3.5.16-0", "100m"),
                        (
                            "kube-apiserver",
                            "registry.k8s.io/kube-apiserver:v1.32.0",
                            "250m",
                        ),
                        (
                            "kube-controller-manager",
                            "registry.k8s.io/kube-controller-manager:v1.32.0",
                            "200m",
                        ),
                        (
                            "kube-scheduler",
                            "registry.k8s.io/kube-scheduler:v1.32.0",
                            "100m",
                        ),
                    ] {
                        let _ = api.create(
                            "system:node:control-plane",
                            Object::Pod(Box::new(static_pod(component, image, cpu, node))),
                        );
                    }
                });
            }
            sim.add_kubelet(&n.name);
            if *cp {
                // `kubeadm init`'s kube-proxy addon, before any worker joins.
                sim.with_api(|api| {
                    let _ = api.create(USER, Object::DaemonSet(Box::new(kube_proxy_daemonset())));
                });
            }
        }
    }
    sim.with_api(|api| {
        let _ = api.create(
            "kubeadm",
            Object::Deployment(Box::new(coredns_deployment())),
        );
    });
}
