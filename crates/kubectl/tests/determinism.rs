//! Same inputs and seed ⇒ same output and the same trace, byte for byte.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

fn scenario(seed: u64) -> (String, u64) {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        seed,
        ..ClusterConfig::default()
    }));
    let mut out = String::new();
    for line in [
        "kubectl run a --image=nginx",
        "kubectl run b --image=busybox --restart=Never -- sh -c 'echo hi; exit 1'",
        "kubectl run c --image=redis",
    ] {
        out.push_str(&s.run(line, None).stdout);
    }
    s.sim.advance(60_000);
    out.push_str(&s.run("kubectl get pods -o wide", None).stdout);
    out.push_str(&s.run("kubectl get events", None).stdout);
    (out, s.sim.trace().hash())
}

#[test]
fn same_seed_gives_identical_output_and_trace_hash() {
    assert_eq!(scenario(7), scenario(7));
}

#[test]
fn different_seeds_give_different_traces() {
    assert_ne!(scenario(7).1, scenario(8).1);
}
