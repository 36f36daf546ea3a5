//! The engine's throughput in WebAssembly, in headless Chromium: the same
//! scenario as the native `scale` example (`examples/scale.rs`) — a cluster
//! of NODES workers, PODS pods created through ReplicaSets of 100, timed
//! from the first create until every pod is Running — timed with the
//! page's `performance.now()`.
//!
//! `cargo xtask bench-wasm NODES PODS` builds it in the app's release
//! profile and runs it beside the native example, then compares the two
//! (and checks both end with the same trace hash). `cargo xtask test` runs
//! it small (3 nodes, 100 pods, debug build) so the harness keeps working.
//! The size is read at build time from `KUBARIUM_WASM_BENCH="NODES PODS
//! RUNS"` (a test in a browser has no command line); each run builds the
//! cluster afresh and prints one line.

#![cfg(target_arch = "wasm32")]

use kubarium_engine::scenario;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// `(nodes, pods, runs)` from `KUBARIUM_WASM_BENCH`, or 3 nodes, 100 pods, once.
fn size() -> (u32, u64, u32) {
    let spec = option_env!("KUBARIUM_WASM_BENCH").unwrap_or("3 100 1");
    let mut it = spec.split_whitespace().map(|w| w.parse::<u64>());
    match (it.next(), it.next(), it.next().unwrap_or(Ok(1))) {
        (Some(Ok(n)), Some(Ok(p)), Ok(r)) if n > 0 && p > 0 && r > 0 => (n as u32, p, r as u32),
        _ => panic!("KUBARIUM_WASM_BENCH must be \"NODES PODS [RUNS]\", got {spec:?}"),
    }
}

/// Milliseconds from the page's monotonic clock.
fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .expect("the page has a performance object");
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
        .expect("performance.now")
        .into();
    now.call0(&performance)
        .expect("performance.now() runs")
        .as_f64()
        .expect("a number")
}

#[wasm_bindgen_test]
fn pods_reach_running_in_wasm_as_natively() {
    let (nodes, pods, runs) = size();
    for _ in 0..runs {
        run(nodes, pods);
    }
}

fn run(nodes: u32, pods: u64) {
    let t0 = now_ms();
    let mut sim = scenario::cluster(nodes, 1);
    let boot = now_ms() - t0;
    let per_rs = 100.min(pods) as i32;
    let t1 = now_ms();
    scenario::create_replicasets(&mut sim, (pods / per_rs as u64) as u32, per_rs);
    let virt = scenario::run_until_running(&mut sim, pods as usize, 3600);
    let wall = now_ms() - t1;
    // The native example's line, with the platform in front: xtask reads both.
    console_log!(
        "wasm: {nodes} nodes, {pods} pods: bootstrap {:.2}s, pods Running after {virt}s virtual in {:.2}s wall ({:.0} pods/s), trace hash {:016x}",
        boot / 1000.0,
        wall / 1000.0,
        pods as f64 / (wall / 1000.0),
        sim.trace().hash()
    );
    assert!(
        scenario::running_pods(&sim) >= pods as usize,
        "only {} of {pods} pods Running after {virt} s",
        scenario::running_pods(&sim)
    );
}
