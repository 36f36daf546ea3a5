//! `TYPE/NAME` arguments mixed with bare words are refused with
//! resource.Builder's error by every command that takes resources.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

#[test]
fn mixed_type_slash_name_and_bare_words_are_refused_everywhere() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 0,
        ..ClusterConfig::default()
    }));
    for line in [
        "kubectl get pod x pod/y",
        "kubectl delete pod/x y",
        "kubectl scale deploy/web x --replicas=2",
        "kubectl set image deploy/a b c=d",
        "kubectl rollout status deploy/a b",
    ] {
        let o = s.run(line, None);
        assert!(
            o.stderr.starts_with(
                "error: there is no need to specify a resource type as a separate argument"
            ),
            "{line}: {}",
            o.stderr
        );
        assert_eq!(o.exit_code, 1, "{line}");
    }
}
