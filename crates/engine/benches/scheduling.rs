//! How fast the engine brings pods to Running: N pods created through
//! ReplicaSets of 100 (10m CPU, 16Mi each) on M nodes, from the first
//! `create` until every pod is Running, on the virtual clock.
//!
//! `cargo bench -p kubarium-engine --bench scheduling` (or `cargo xtask bench`).
//! Criterion reports time per run; pods/s is N divided by it. The
//! (5,000, 150,000) case is opt-in: `KUBARIUM_BENCH_HUGE=1`.

// The native binaries use mimalloc (the CLI too): glibc's allocator spent
// about a third of the run in malloc/free and heap consolidation.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kubarium_engine::scenario;

fn pods_to_running(c: &mut Criterion) {
    let mut cases = vec![(3u32, 100u64), (100, 1_000), (1_000, 10_000)];
    if std::env::var_os("KUBARIUM_BENCH_HUGE").is_some() {
        cases.push((5_000, 150_000));
    }
    let mut group = c.benchmark_group("pods_to_running");
    group.sample_size(10);
    for (nodes, pods) in cases {
        group.throughput(Throughput::Elements(pods));
        group.bench_function(format!("{nodes}_nodes_{pods}_pods"), |b| {
            b.iter_batched(
                || scenario::cluster(nodes, 1),
                |mut sim| {
                    let per_rs = 100.min(pods) as i32;
                    scenario::create_replicasets(&mut sim, (pods / per_rs as u64) as u32, per_rs);
                    let virtual_s = scenario::run_until_running(&mut sim, pods as usize, 3_600);
                    assert!(
                        scenario::running_pods(&sim) >= pods as usize,
                        "only {} of {pods} pods Running",
                        scenario::running_pods(&sim)
                    );
                    (virtual_s, sim)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, pods_to_running);
criterion_main!(benches);
