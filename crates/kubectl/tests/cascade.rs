//! Deleting an owner: background propagation deletes its dependents through
//! the garbage collector; `--cascade=orphan` keeps them and removes their
//! ownerReferences (as `kubectl delete --cascade=orphan` does on v1.32);
//! `--cascade=foreground` keeps the owner, with the `foregroundDeletion`
//! finalizer, until its dependents are gone.

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

#[test]
fn foreground_cascade_keeps_the_owner_until_its_pods_are_gone() {
    let mut s = session_with_rs();
    let o = s.run(
        "kubectl delete rs web --cascade=foreground --wait=false",
        None,
    );
    assert_eq!(
        o.stdout, "replicaset.apps \"web\" deleted\n",
        "{}",
        o.stderr
    );
    s.sim.advance(50);
    // The ReplicaSet is still there, being deleted, held by the finalizer,
    // while the collector's deletion of its pods runs (nginx stops on
    // SIGTERM within a second).
    let yaml = s.run("kubectl get rs web -o yaml", None).stdout;
    assert!(yaml.contains("deletionTimestamp:"), "{yaml}");
    assert!(yaml.contains("- foregroundDeletion"), "{yaml}");
    let pods = s.run("kubectl get pods -l app=web", None).stdout;
    assert_eq!(pods.matches("Terminating").count(), 2, "{pods}");
    s.sim.advance(10_000);
    assert_eq!(
        s.run("kubectl get pods -l app=web", None).stderr,
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        s.run("kubectl get rs web", None).stderr,
        "Error from server (NotFound): replicasets.apps \"web\" not found\n"
    );
}

#[test]
fn foreground_cascade_of_a_deployment_deletes_replicaset_then_deployment() {
    let mut s = session_with_rs();
    s.run(
        "kubectl create deployment api --image=nginx:1.27 --replicas=2",
        None,
    );
    s.sim.advance(15_000);
    let o = s.run(
        "kubectl delete deployment api --cascade=foreground --wait=false",
        None,
    );
    assert_eq!(
        o.stdout, "deployment.apps \"api\" deleted\n",
        "{}",
        o.stderr
    );
    s.sim.advance(50);
    // Both levels wait: the Deployment for its ReplicaSet, the ReplicaSet
    // (deleted in the foreground too, having pods) for its pods.
    for kind in ["deployment", "rs"] {
        let yaml = s
            .run(&format!("kubectl get {kind} -l app=api -o yaml"), None)
            .stdout;
        assert!(yaml.contains("- foregroundDeletion"), "{kind}: {yaml}");
    }
    let o = s.run("kubectl delete deployment api --cascade=foreground", None);
    assert_eq!(
        o.stdout, "deployment.apps \"api\" deleted\n",
        "{}",
        o.stderr
    );
    assert_eq!(
        s.run("kubectl get deploy,rs,pods -l app=api", None).stderr,
        "No resources found in default namespace.\n"
    );
}
