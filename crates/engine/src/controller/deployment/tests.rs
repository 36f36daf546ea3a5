//! Deployment controller tests on a small simulated cluster: create, roll
//! out, stall, recreate, pause, clean up. Virtual time only.

use super::util::{self, POD_TEMPLATE_HASH, REVISION};
use crate::api::{apps, core, meta, podutil, registry, Object};
use crate::clock::SECOND;
use crate::scenario;
use crate::simulation::Simulation;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

fn deployment(name: &str, replicas: i32, image: &str) -> apps::Deployment {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    apps::Deployment {
        metadata: meta::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(apps::DeploymentSpec {
            replicas: Some(replicas),
            selector: meta::LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            template: core::PodTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    containers: vec![core::Container {
                        name: "app".into(),
                        image: Some(image.into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

fn get(sim: &Simulation, name: &str) -> apps::Deployment {
    let r = registry::by_kind("apps/v1", "Deployment").unwrap();
    sim.api()
        .get_typed::<apps::Deployment>(r, "default", name)
        .cloned()
        .unwrap()
}

fn replica_sets(sim: &Simulation) -> Vec<apps::ReplicaSet> {
    let r = registry::by_kind("apps/v1", "ReplicaSet").unwrap();
    let mut v: Vec<apps::ReplicaSet> = sim
        .api()
        .list(r, Some("default"))
        .filter_map(|o| match o {
            Object::ReplicaSet(rs) => Some((**rs).clone()),
            _ => None,
        })
        .collect();
    super::sync::sort_by_creation(&mut v);
    v
}

fn pods(sim: &Simulation) -> Vec<core::Pod> {
    let r = registry::by_kind("v1", "Pod").unwrap();
    sim.api()
        .list(r, Some("default"))
        .filter_map(|o| match o {
            Object::Pod(p) => Some((**p).clone()),
            _ => None,
        })
        .collect()
}

fn update(sim: &mut Simulation, name: &str, f: impl FnOnce(&mut apps::Deployment)) {
    let mut d = get(sim, name);
    f(&mut d);
    sim.with_api(|api| api.update("test", Object::Deployment(Box::new(d))))
        .unwrap();
}

fn set_image(sim: &mut Simulation, name: &str, image: &str) {
    update(sim, name, |d| {
        d.spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap()
            .containers[0]
            .image = Some(image.into());
    });
}

fn condition(d: &apps::Deployment, t: &str) -> Option<(String, String)> {
    let c = util::condition(d.status.as_ref()?, t)?;
    Some((c.status.clone(), c.reason.clone().unwrap_or_default()))
}

fn create(sim: &mut Simulation, d: apps::Deployment) {
    sim.with_api(|api| api.create("test", Object::Deployment(Box::new(d))))
        .unwrap();
}

#[test]
fn deployment_creates_a_replicaset_named_by_its_template_hash_and_becomes_available() {
    let mut sim = scenario::cluster(2, 1);
    create(&mut sim, deployment("web", 3, "nginx:1.26"));
    sim.advance(30 * SECOND);
    let d = get(&sim, "web");
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = util::compute_hash(&d.spec.as_ref().unwrap().template, None);
    assert_eq!(
        rs.metadata.name.as_deref(),
        Some(format!("web-{hash}").as_str())
    );
    assert_eq!(
        rs.metadata.labels.as_ref().unwrap().get(POD_TEMPLATE_HASH),
        Some(&hash)
    );
    let a = rs.metadata.annotations.as_ref().unwrap();
    assert_eq!(a[REVISION], "1");
    assert_eq!(a[util::DESIRED_REPLICAS], "3");
    assert_eq!(a[util::MAX_REPLICAS], "4");
    let st = d.status.clone().unwrap();
    assert_eq!(
        (st.replicas, st.updated_replicas, st.available_replicas),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(
        condition(&d, "Available"),
        Some(("True".into(), "MinimumReplicasAvailable".into()))
    );
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    assert_eq!(d.metadata.annotations.unwrap()[REVISION], "1");
    assert!(pods(&sim).iter().all(|p| p
        .metadata
        .name
        .as_deref()
        .unwrap()
        .starts_with(&format!("web-{hash}-"))));
}

#[test]
fn rolling_update_stays_within_max_surge_and_min_available() {
    let mut sim = scenario::cluster(2, 2);
    create(&mut sim, deployment("web", 4, "nginx:1.26"));
    sim.advance(30 * SECOND);
    set_image(&mut sim, "web", "nginx:1.27");
    // 4 replicas, 25%/25%: never more than 5 pods, never fewer than 3
    // available (counting the ReplicaSets' statuses, as the controller does).
    for _ in 0..600 {
        sim.advance(100);
        let rss = replica_sets(&sim);
        let total: i32 = rss.iter().map(util::rs_replicas).sum();
        let available: i32 = rss.iter().map(util::rs_available).sum();
        assert!(total <= 5, "spec total {total} > replicas + maxSurge");
        assert!(
            available >= 3,
            "available {available} < replicas - maxUnavailable"
        );
    }
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 2);
    assert_eq!(util::rs_replicas(&rss[0]), 0);
    assert_eq!(util::rs_replicas(&rss[1]), 4);
    assert_eq!(util::revision(&rss[1].metadata), 2);
    let d = get(&sim, "web");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    let images: Vec<String> = pods(&sim)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            p.spec.as_ref().unwrap().containers[0]
                .image
                .clone()
                .unwrap()
        })
        .collect();
    assert_eq!(images, vec!["nginx:1.27"; 4]);
}

#[test]
fn rollout_to_a_bad_image_stalls_keeps_old_pods_and_exceeds_its_deadline() {
    let mut sim = scenario::cluster(2, 3);
    let mut d = deployment("web", 4, "nginx:1.26");
    d.spec.as_mut().unwrap().progress_deadline_seconds = Some(60);
    create(&mut sim, d);
    sim.advance(30 * SECOND);
    set_image(&mut sim, "web", "nginx:does-not-exist");
    sim.advance(20 * SECOND);
    let rss = replica_sets(&sim);
    // New RS surged to 2 (1 surge + 1 unavailable), old scaled to 3.
    assert_eq!(
        rss.iter().map(util::rs_replicas).collect::<Vec<_>>(),
        vec![3, 2]
    );
    assert_eq!(util::rs_available(&rss[1]), 0);
    let d = get(&sim, "web");
    assert_eq!(condition(&d, "Progressing").unwrap().1, "ReplicaSetUpdated");
    assert_eq!(condition(&d, "Available").unwrap().0, "True");
    sim.advance(60 * SECOND);
    let d = get(&sim, "web");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("False".into(), "ProgressDeadlineExceeded".into()))
    );
    let c = util::condition(d.status.as_ref().unwrap(), "Progressing").unwrap();
    let new_name = rss[1].metadata.name.clone().unwrap();
    assert_eq!(
        c.message.as_deref(),
        Some(format!("ReplicaSet {new_name:?} has timed out progressing.").as_str())
    );
}

#[test]
fn recreate_scales_old_pods_away_before_creating_new_ones() {
    let mut sim = scenario::cluster(2, 4);
    let mut d = deployment("web", 2, "nginx:1.26");
    d.spec.as_mut().unwrap().strategy = Some(apps::DeploymentStrategy {
        type_: Some("Recreate".into()),
        rolling_update: None,
    });
    create(&mut sim, d);
    sim.advance(30 * SECOND);
    set_image(&mut sim, "web", "nginx:1.27");
    for _ in 0..400 {
        sim.advance(100);
        let ps = pods(&sim);
        let old = ps
            .iter()
            .filter(|p| {
                p.spec.as_ref().unwrap().containers[0].image.as_deref() == Some("nginx:1.26")
            })
            .count();
        let new = ps.len() - old;
        assert!(
            old == 0 || new == 0,
            "old and new pods at once: {old} + {new}"
        );
    }
    let rss = replica_sets(&sim);
    assert_eq!(
        rss.iter().map(util::rs_replicas).collect::<Vec<_>>(),
        vec![0, 2]
    );
    assert!(pods(&sim).iter().all(podutil::is_ready));
}

#[test]
fn paused_deployment_does_not_roll_out_until_resumed() {
    let mut sim = scenario::cluster(2, 5);
    create(&mut sim, deployment("web", 2, "nginx:1.26"));
    sim.advance(30 * SECOND);
    update(&mut sim, "web", |d| {
        d.spec.as_mut().unwrap().paused = Some(true)
    });
    sim.advance(SECOND);
    assert_eq!(
        condition(&get(&sim, "web"), "Progressing"),
        Some(("Unknown".into(), "DeploymentPaused".into()))
    );
    set_image(&mut sim, "web", "nginx:1.27");
    sim.advance(30 * SECOND);
    assert_eq!(replica_sets(&sim).len(), 1);
    update(&mut sim, "web", |d| d.spec.as_mut().unwrap().paused = None);
    sim.advance(60 * SECOND);
    assert_eq!(replica_sets(&sim).len(), 2);
    assert_eq!(
        condition(&get(&sim, "web"), "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
}

#[test]
fn revision_history_limit_deletes_the_oldest_scaled_down_replicasets() {
    let mut sim = scenario::cluster(2, 6);
    let mut d = deployment("web", 1, "nginx:1.25");
    d.spec.as_mut().unwrap().revision_history_limit = Some(1);
    create(&mut sim, d);
    sim.advance(30 * SECOND);
    for image in ["nginx:1.26", "nginx:1.27"] {
        set_image(&mut sim, "web", image);
        sim.advance(60 * SECOND);
    }
    let revs: Vec<i64> = replica_sets(&sim)
        .iter()
        .map(|r| util::revision(&r.metadata))
        .collect();
    assert_eq!(revs, vec![2, 3]);
}

#[test]
fn scaling_a_complete_deployment_resizes_its_one_replicaset() {
    let mut sim = scenario::cluster(2, 7);
    create(&mut sim, deployment("web", 2, "nginx:1.26"));
    sim.advance(30 * SECOND);
    update(&mut sim, "web", |d| {
        d.spec.as_mut().unwrap().replicas = Some(5)
    });
    sim.advance(30 * SECOND);
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 1);
    assert_eq!(util::rs_replicas(&rss[0]), 5);
    assert_eq!(
        rss[0].metadata.annotations.as_ref().unwrap()[util::DESIRED_REPLICAS],
        "5"
    );
    assert_eq!(get(&sim, "web").status.unwrap().available_replicas, Some(5));
}

#[test]
fn max_surge_as_a_number_allows_the_whole_new_replicaset_at_once() {
    let mut sim = scenario::cluster(2, 8);
    let mut d = deployment("web", 3, "nginx:1.26");
    d.spec.as_mut().unwrap().strategy = Some(apps::DeploymentStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(apps::RollingUpdateDeployment {
            max_surge: Some(IntOrString::Int(3)),
            max_unavailable: Some(IntOrString::Int(0)),
        }),
    });
    create(&mut sim, d);
    sim.advance(30 * SECOND);
    set_image(&mut sim, "web", "nginx:1.27");
    sim.advance(SECOND);
    let rss = replica_sets(&sim);
    assert_eq!(
        rss.iter().map(util::rs_replicas).collect::<Vec<_>>(),
        vec![3, 3]
    );
}

#[test]
fn min_ready_seconds_delays_availability_and_is_copied_to_the_replicaset() {
    let mut sim = scenario::cluster(2, 9);
    let mut d = deployment("web", 2, "nginx:1.26");
    d.spec.as_mut().unwrap().min_ready_seconds = Some(20);
    create(&mut sim, d);
    sim.advance(10 * SECOND);
    let rss = replica_sets(&sim);
    assert_eq!(rss[0].spec.as_ref().unwrap().min_ready_seconds, Some(20));
    let st = get(&sim, "web").status.unwrap();
    assert_eq!((st.ready_replicas, st.available_replicas), (Some(2), None));
    assert_eq!(
        condition(&get(&sim, "web"), "Available").unwrap().0,
        "False"
    );
    sim.advance(20 * SECOND);
    let d = get(&sim, "web");
    assert_eq!(d.status.as_ref().unwrap().available_replicas, Some(2));
    assert_eq!(
        condition(&d, "Progressing").unwrap().1,
        "NewReplicaSetAvailable"
    );
}

#[test]
fn scaling_in_the_middle_of_a_rollout_is_shared_in_proportion() {
    let mut sim = scenario::cluster(2, 10);
    let mut d = deployment("web", 10, "nginx:1.26");
    d.spec.as_mut().unwrap().progress_deadline_seconds = Some(600);
    create(&mut sim, d);
    sim.advance(30 * SECOND);
    // A stalled rollout: old 8 (10 - 25% unavailable rounded down = 2),
    // new 5 (10 + 3 surge - 8).
    set_image(&mut sim, "web", "nginx:does-not-exist");
    sim.advance(10 * SECOND);
    let sizes: Vec<i32> = replica_sets(&sim).iter().map(util::rs_replicas).collect();
    assert_eq!(sizes, vec![8, 5]);
    // 10 → 20 (max 13 → 25): 12 more, in proportion 8:5 of the old max 13.
    update(&mut sim, "web", |d| {
        d.spec.as_mut().unwrap().replicas = Some(20)
    });
    sim.advance(SECOND);
    let sizes: Vec<i32> = replica_sets(&sim).iter().map(util::rs_replicas).collect();
    assert_eq!(sizes.iter().sum::<i32>(), 25);
    assert_eq!(sizes, vec![15, 10]);
}

#[test]
fn rolling_updates_respect_surge_and_availability_for_many_shapes() {
    let shapes = [
        ("25%", "25%"),
        ("0", "1"),
        ("1", "0"),
        ("50%", "0%"),
        ("100%", "100%"),
    ];
    for (i, (surge, unavailable)) in shapes.into_iter().enumerate() {
        for replicas in [1, 3, 5, 10] {
            let seed = 100 + i as u64 * 10 + replicas as u64;
            let mut sim = scenario::cluster(3, seed);
            let mut d = deployment("web", replicas, "nginx:1.26");
            let parse = |v: &str| match v.parse::<i32>() {
                Ok(n) => IntOrString::Int(n),
                Err(_) => IntOrString::String(v.into()),
            };
            d.spec.as_mut().unwrap().strategy = Some(apps::DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(apps::RollingUpdateDeployment {
                    max_surge: Some(parse(surge)),
                    max_unavailable: Some(parse(unavailable)),
                }),
            });
            create(&mut sim, d);
            sim.advance(40 * SECOND);
            let d = get(&sim, "web");
            let (max_surge, max_unavailable) = (util::max_surge(&d), util::max_unavailable(&d));
            set_image(&mut sim, "web", "nginx:1.27");
            for _ in 0..900 {
                sim.advance(100);
                let rss = replica_sets(&sim);
                let total: i32 = rss.iter().map(util::rs_replicas).sum();
                let available: i32 = rss.iter().map(util::rs_available).sum();
                let case = format!(
                    "seed {seed}: {replicas} replicas, surge {surge}, unavailable {unavailable}"
                );
                assert!(total <= replicas + max_surge, "{case}: {total} pods wanted");
                assert!(
                    available >= replicas - max_unavailable,
                    "{case}: {available} available"
                );
            }
            let st = get(&sim, "web").status.unwrap();
            assert_eq!(
                (st.updated_replicas, st.available_replicas),
                (Some(replicas), Some(replicas)),
                "seed {seed}: rollout did not finish"
            );
        }
    }
}
