//! `kubectl get` of missing objects with `-o yaml|json`: one named object
//! implies a single item, so only the error is printed (get.go's
//! `IntoSingleItemImplied`); several names print the (possibly empty) List
//! and an error for each missing one.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

#[test]
fn one_missing_name_prints_only_the_error_several_print_a_list() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 0,
        ..ClusterConfig::default()
    }));
    for fmt in ["yaml", "json"] {
        let o = s.run(&format!("kubectl get pod missing -o {fmt}"), None);
        assert_eq!(o.stdout, "", "{fmt}");
        assert_eq!(
            o.stderr,
            "Error from server (NotFound): pods \"missing\" not found\n"
        );
        assert_eq!(o.exit_code, 1);
    }
    let o = s.run("kubectl get pods a b -o yaml", None);
    assert!(
        o.stdout
            .starts_with("apiVersion: v1\nitems: []\nkind: List\n"),
        "{}",
        o.stdout
    );
    assert_eq!(o.stderr.lines().count(), 2, "{}", o.stderr);
}
