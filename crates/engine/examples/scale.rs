//! `cargo run --release -p kubarium-engine --example scale -- NODES PODS`:
//! how long (wall time) the engine takes to get PODS pods (via ReplicaSets of
//! 100) Running on NODES nodes. The criterion benchmark measures the same.

// As in the CLI and the benchmark: mimalloc natively.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kubarium_engine::scenario;
use std::time::Instant;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (nodes, pods) = (
        args.first().copied().unwrap_or(1000),
        args.get(1).copied().unwrap_or(10_000),
    );
    let t0 = Instant::now();
    let mut sim = scenario::cluster(nodes as u32, 1);
    let boot = t0.elapsed();
    let per_rs = 100.min(pods) as i32;
    let t1 = Instant::now();
    scenario::create_replicasets(&mut sim, (pods / per_rs as u64) as u32, per_rs);
    let virt = scenario::run_until_running(&mut sim, pods as usize, 3600);
    let wall = t1.elapsed();
    println!(
        "{nodes} nodes, {pods} pods: bootstrap {:.2}s, pods Running after {virt}s virtual in {:.2}s wall ({:.0} pods/s), trace hash {:016x}",
        boot.as_secs_f64(),
        wall.as_secs_f64(),
        pods as f64 / wall.as_secs_f64(),
        sim.trace().hash()
    );
}
