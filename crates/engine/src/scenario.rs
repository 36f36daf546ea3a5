//! Ready-made scenarios for benchmarks and tests: a cluster of `nodes`
//! workers and `pods` pods created through ReplicaSets.

use crate::api::{apps, core, meta, Object};
use crate::clock::SECOND;
use crate::simulation::{default_workers, ClusterConfig, Simulation};
use std::collections::BTreeMap;

/// A cluster of `nodes` workers (plus the control plane), with the trace
/// kept only as a hash, and no warm-up.
pub fn cluster(nodes: u32, seed: u64) -> Simulation {
    Simulation::new(ClusterConfig {
        seed,
        workers: default_workers(nodes),
        warmup: SECOND,
        keep_trace: false,
        ..ClusterConfig::default()
    })
}

/// Creates `count` ReplicaSets of `replicas` pods each (image `nginx:1.27`,
/// 10m CPU and 16Mi requested), as `kubectl apply` would.
pub fn create_replicasets(sim: &mut Simulation, count: u32, replicas: i32) {
    for i in 0..count {
        let name = format!("app-{i}");
        let labels = BTreeMap::from([("app".to_string(), name.clone())]);
        let rs = apps::ReplicaSet {
            metadata: meta::ObjectMeta {
                name: Some(name.clone()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(apps::ReplicaSetSpec {
                replicas: Some(replicas),
                selector: meta::LabelSelector {
                    match_labels: Some(labels.clone()),
                    ..Default::default()
                },
                template: Some(core::PodTemplateSpec {
                    metadata: Some(meta::ObjectMeta {
                        labels: Some(labels),
                        ..Default::default()
                    }),
                    spec: Some(core::PodSpec {
                        containers: vec![core::Container {
                            name: "web".into(),
                            image: Some("nginx:1.27".into()),
                            resources: Some(core::ResourceRequirements {
                                requests: Some(BTreeMap::from([
                                    (
                                        "cpu".to_string(),
                                        k8s_openapi::apimachinery::pkg::api::resource::Quantity(
                                            "10m".into(),
                                        ),
                                    ),
                                    (
                                        "memory".to_string(),
                                        k8s_openapi::apimachinery::pkg::api::resource::Quantity(
                                            "16Mi".into(),
                                        ),
                                    ),
                                ])),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                }),
                ..Default::default()
            }),
            status: None,
        };
        let _ = sim.with_api(|api| api.create("kubectl", Object::ReplicaSet(Box::new(rs))));
    }
}

/// Number of pods in phase Running in the default namespace.
pub fn running_pods(sim: &Simulation) -> usize {
    let res = crate::api::registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter(|o| matches!(o, Object::Pod(p) if crate::api::podutil::phase(p) == "Running"))
        .count()
}

/// Advances in 1 s steps until `want` pods run (or `limit_s` virtual seconds pass).
/// Returns the virtual seconds it took.
pub fn run_until_running(sim: &mut Simulation, want: usize, limit_s: u64) -> u64 {
    for s in 1..=limit_s {
        sim.advance(SECOND);
        if running_pods(sim) >= want {
            return s;
        }
    }
    limit_s
}
