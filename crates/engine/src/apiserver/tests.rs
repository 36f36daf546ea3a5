//! The API server's event recorder: aggregation as client-go's
//! EventCorrelator does (same source, object, field, type, reason and
//! message → one Event with a growing count).

use super::{DeleteOptions, Involved};
use crate::api::{core, registry, Object};
use crate::simulation::{ClusterConfig, Simulation};

fn sim() -> Simulation {
    Simulation::new(ClusterConfig {
        warmup: 0,
        ..ClusterConfig::default()
    })
}

fn events_about(sim: &Simulation, name: &str) -> Vec<core::Event> {
    let res = registry::by_kind("v1", "Event").unwrap();
    sim.api()
        .list(res, Some("default"))
        .filter_map(|o| match o {
            Object::Event(e) if e.involved_object.name.as_deref() == Some(name) => {
                Some((**e).clone())
            }
            _ => None,
        })
        .collect()
}

fn record(sim: &mut Simulation, node: &Object, message: &str) {
    sim.with_api(|api| {
        api.record_event(
            "kubelet",
            Some("node-1"),
            Involved::from(node),
            None,
            "Normal",
            "Test",
            message,
        )
    });
}

#[test]
fn identical_events_aggregate_and_a_deleted_one_starts_over() {
    let mut sim = sim();
    let ns = Object::Namespace(Box::new(core::Namespace {
        metadata: crate::api::meta::ObjectMeta {
            name: Some("default".into()),
            uid: Some("ns-uid".into()),
            ..Default::default()
        },
        ..Default::default()
    }));
    record(&mut sim, &ns, "one");
    record(&mut sim, &ns, "one");
    record(&mut sim, &ns, "two");
    let mut evs = events_about(&sim, "default");
    evs.sort_by_key(|e| e.message.clone());
    let counts: Vec<(Option<String>, Option<i32>)> =
        evs.iter().map(|e| (e.message.clone(), e.count)).collect();
    assert_eq!(
        counts,
        vec![(Some("one".into()), Some(2)), (Some("two".into()), Some(1))]
    );

    // Once the aggregated event is gone (TTL, or deleted), the same event
    // is a new object again.
    let gone = evs[0].metadata.name.clone().unwrap();
    let res = registry::by_kind("v1", "Event").unwrap();
    sim.with_api(|api| api.delete("kubectl", res, "default", &gone, DeleteOptions::default()))
        .unwrap();
    record(&mut sim, &ns, "one");
    let again: Vec<_> = events_about(&sim, "default")
        .into_iter()
        .filter(|e| e.message.as_deref() == Some("one"))
        .collect();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].count, Some(1));
    assert_ne!(again[0].metadata.name.as_deref(), Some(gone.as_str()));
}
