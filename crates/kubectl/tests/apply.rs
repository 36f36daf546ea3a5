//! `kubectl apply` of the same manifest twice: the second is `unchanged`
//! and writes nothing (real kubectl sends no patch when the strategic merge
//! patch is empty); a changed field is `configured`.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

fn deployment(image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: web, image: {image}}}]}}
"
    )
}

fn resource_version(s: &mut Session) -> String {
    let yaml = s.run("kubectl get deployment web -o yaml", None).stdout;
    yaml.lines()
        .find(|l| l.starts_with("  resourceVersion: "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn reapplying_an_unchanged_manifest_is_unchanged_and_writes_nothing() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 1_000,
        ..ClusterConfig::default()
    }));
    let apply =
        |s: &mut Session, image: &str| s.run("kubectl apply -f -", Some(&deployment(image))).stdout;
    assert_eq!(apply(&mut s, "nginx:1.27"), "deployment.apps/web created\n");
    s.sim.advance(10_000);
    let before = resource_version(&mut s);
    assert_eq!(
        apply(&mut s, "nginx:1.27"),
        "deployment.apps/web unchanged\n"
    );
    assert_eq!(resource_version(&mut s), before);
    assert_eq!(
        apply(&mut s, "nginx:1.28"),
        "deployment.apps/web configured\n"
    );
    assert_ne!(resource_version(&mut s), before);
    assert_eq!(
        apply(&mut s, "nginx:1.28"),
        "deployment.apps/web unchanged\n"
    );
}

#[test]
fn a_status_sent_on_create_is_dropped() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 0,
        ..ClusterConfig::default()
    }));
    let manifest = deployment("nginx:1.27") + "status:\n  replicas: 7\n  readyReplicas: 7\n";
    assert_eq!(
        s.run("kubectl create -f -", Some(&manifest)).stdout,
        "deployment.apps/web created\n"
    );
    let yaml = s.run("kubectl get deployment web -o yaml", None).stdout;
    assert!(!yaml.contains("replicas: 7"), "{yaml}");
}
