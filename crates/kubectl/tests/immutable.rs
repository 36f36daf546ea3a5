//! An immutable ConfigMap refuses changes to its data, in v1.32's words.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

#[test]
fn an_immutable_configmap_refuses_new_data() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 1_000,
        ..ClusterConfig::default()
    }));
    let cm = |v: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: frozen}}\nimmutable: true\ndata: {{k: {v}}}\n")
    };
    assert_eq!(
        s.run("kubectl apply -f -", Some(&cm("a"))).stdout,
        "configmap/frozen created\n"
    );
    let o = s.run("kubectl apply -f -", Some(&cm("b")));
    assert_eq!(
        o.stderr,
        "The ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set\n"
    );
    assert!(s
        .run("kubectl get cm frozen -o yaml", None)
        .stdout
        .contains("k: a"));
}
