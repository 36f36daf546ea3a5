//! Huge documents get the API server's own errors and leave nothing behind.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

fn configmap(name: &str, bytes: usize) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  blob: {}\n",
        "x".repeat(bytes)
    )
}

fn session() -> Session {
    Session::new(Simulation::new(ClusterConfig {
        warmup: 1_000,
        ..ClusterConfig::default()
    }))
}

#[test]
fn a_configmap_over_one_mebibyte_is_invalid() {
    let mut s = session();
    let o = s.run(
        "kubectl apply -f -",
        Some(&configmap("huge", 1024 * 1024 + 1)),
    );
    assert_eq!(o.exit_code, 1);
    // kubectl apply keeps the whole document in the last-applied annotation,
    // so a big ConfigMap also breaks the 256 KiB annotation limit (the
    // well-known reason to `kubectl create` big ConfigMaps instead).
    assert_eq!(
        o.stderr,
        "The ConfigMap \"huge\" is invalid: \n* metadata.annotations: Too long: may not be more than 262144 bytes\n* []: Too long: may not be more than 1048576 bytes\n"
    );
    let o = s.run(
        "kubectl create -f -",
        Some(&configmap("huge", 1024 * 1024 + 1)),
    );
    assert_eq!(
        o.stderr,
        "The ConfigMap \"huge\" is invalid: []: Too long: may not be more than 1048576 bytes\n"
    );
    assert!(s
        .run("kubectl get configmap huge", None)
        .stderr
        .contains("not found"));
}

#[test]
fn a_request_over_three_mebibytes_is_refused_before_it_is_stored() {
    let mut s = session();
    let o = s.run(
        "kubectl apply -f -",
        Some(&configmap("huger", 3 * 1024 * 1024)),
    );
    assert_eq!(o.exit_code, 1);
    assert_eq!(
        o.stderr,
        "Error from server (RequestEntityTooLarge): error when applying \"STDIN\": Request entity too large: limit is 3145728\n"
    );
    assert!(s
        .run("kubectl get configmap huger", None)
        .stderr
        .contains("not found"));
    // The cluster keeps working.
    assert_eq!(
        s.run("kubectl create configmap small --from-literal=a=b", None)
            .stdout,
        "configmap/small created\n"
    );
}
