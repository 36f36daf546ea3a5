//! The same scenario and seed give the same trace, natively and in WASM: this
//! test pins the trace hash, and `cargo xtask test` runs it both natively and
//! in headless Chromium (wasm-bindgen-test). If either platform drifts, one
//! of the two runs fails.

use kubarium_engine::api::{core, meta, Object};
use kubarium_engine::clock::SECOND;
use kubarium_engine::scenario;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A scenario that exercises scheduling ties, pulls, shells, probes and
/// back-off: two ReplicaSets, a crash-looping pod and a pod with a shell loop.
fn scenario_hash(seed: u64) -> (u64, usize) {
    let mut sim = scenario::cluster(3, seed);
    scenario::create_replicasets(&mut sim, 2, 5);
    for (name, image, cmd) in [
        (
            "crash",
            "busybox:1.36",
            vec!["sh", "-c", "echo bye; exit 3"],
        ),
        (
            "counter",
            "busybox:1.36",
            vec![
                "sh",
                "-c",
                "i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 1; done",
            ],
        ),
    ] {
        let pod = core::Pod {
            metadata: meta::ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(core::PodSpec {
                containers: vec![core::Container {
                    name: name.into(),
                    image: Some(image.into()),
                    command: Some(cmd.into_iter().map(String::from).collect()),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: None,
        };
        sim.with_api(|api| api.create("kubectl", Object::Pod(Box::new(pod))))
            .expect("pod created");
    }
    sim.advance(120 * SECOND);
    (sim.trace().hash(), scenario::running_pods(&sim))
}

/// The pinned hash. A deliberate behaviour change updates it (run natively
/// to see the new value), and the WASM run must then agree.
const EXPECTED: u64 = 0xb7d1_307a_f365_18b0;

#[test]
fn trace_hash_is_pinned_on_every_platform() {
    let (hash, running) = scenario_hash(7);
    assert!(running >= 11, "only {running} pods running");
    assert_eq!(
        hash, EXPECTED,
        "trace hash {hash:#018x} differs from the pinned {EXPECTED:#018x}"
    );
}
