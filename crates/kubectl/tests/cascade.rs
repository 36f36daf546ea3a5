//! Deleting an owner: background propagation deletes its dependents through
//! the garbage collector; `--cascade=orphan` keeps them and removes their
//! ownerReferences (as `kubectl delete --cascade=orphan` does on v1.32).

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

const RS: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
";

fn session_with_rs() -> Session {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 1_000,
        ..ClusterConfig::default()
    }));
    assert_eq!(
        s.run("kubectl apply -f -", Some(RS)).stdout,
        "replicaset.apps/web created\n"
    );
    s.sim.advance(15_000);
    s
}

#[test]
fn orphaned_pods_survive_their_replicaset_without_owner_references() {
    let mut s = session_with_rs();
    let o = s.run("kubectl delete rs web --cascade=orphan", None);
    assert_eq!(
        o.stdout, "replicaset.apps \"web\" deleted\n",
        "{}",
        o.stderr
    );
    s.sim.advance(30_000);
    let names = s.run("kubectl get pods -l app=web -o name", None).stdout;
    assert_eq!(names.lines().count(), 2, "{names}");
    let yaml = s.run("kubectl get pods -l app=web -o yaml", None).stdout;
    assert!(!yaml.contains("ownerReferences"), "{yaml}");
}

#[test]
fn background_cascade_deletes_the_pods() {
    let mut s = session_with_rs();
    s.run("kubectl delete rs web", None);
    s.sim.advance(30_000);
    assert_eq!(
        s.run("kubectl get pods -l app=web", None).stderr,
        "No resources found in default namespace.\n"
    );
}
