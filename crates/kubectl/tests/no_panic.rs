//! Bad input never panics: thousands of generated command lines and
//! manifests (kubectl's vocabulary mixed with junk, from a seeded stream)
//! all get an answer, and the cluster keeps working afterwards.

use kubarium_engine::rng::Rng;
use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::Session;

const WORDS: &[&str] = &[
    "get",
    "describe",
    "apply",
    "create",
    "run",
    "delete",
    "logs",
    "exec",
    "label",
    "annotate",
    "explain",
    "config",
    "events",
    "api-resources",
    "version",
    "cluster-info",
    "pods",
    "po",
    "pod/",
    "rs",
    "nodes",
    "ns",
    "cm",
    "secret",
    "all",
    "nginx",
    "x",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "-l",
    "app=web",
    "a in (b",
    "!",
    "-n",
    "kube-system",
    "-A",
    "--show-labels",
    "-f",
    "-",
    "--image=nginx",
    "--image=",
    "--restart=Never",
    "--",
    "sh",
    "-c",
    "echo hi",
    "--grace-period=-5",
    "--force",
    "--cascade=x",
    "--field-selector",
    "status.phase=Running",
    "--tail=-3",
    "-c",
    "--previous",
    "generic",
    "--from-literal=a",
    "--dry-run=client",
    "set-context",
    "--current",
    "--namespace=",
    "use-context",
    "=",
    "'",
    "\"",
    "\\",
    "pod.spec.containers",
    "--recursive",
    "é",
    "🙂",
];

const MANIFESTS: &[&str] = &[
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c, image: busybox, command: [sh, -c, 'exit 1']}]}\n",
    "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec: {replicas: 2, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: nginx}]}}}\n",
    "kind: Pod\n", "---\n---\n", "a: [1, 2", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: 1}\n", "\t\t\n", "[]", "{}",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: n}\nspec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: lots}}}]}\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: n2, labels: {'bad key!': v}}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 70000}]}]}\n",
];

#[test]
fn generated_junk_never_panics_and_the_cluster_keeps_working() {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 1_000,
        ..ClusterConfig::default()
    }));
    let mut rng = Rng::stream(42, "no-panic");
    for i in 0..3_000u64 {
        let n = 1 + rng.below(7);
        let mut line = String::from("kubectl");
        for _ in 0..n {
            line.push(' ');
            if rng.below(10) == 0 {
                // A word of random printable characters.
                let len = rng.below(6);
                for _ in 0..len {
                    line.push((b' ' + rng.below(95) as u8) as char);
                }
            } else {
                line.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            }
        }
        let stdin = MANIFESTS[rng.below(MANIFESTS.len() as u64) as usize];
        let _ = s.run(&line, Some(stdin));
        if i % 100 == 0 {
            s.sim.advance(2_000);
        }
    }
    s.sim.advance(60_000);
    let o = s.run("kubectl run still-alive --image=nginx:1.27", None);
    assert_eq!(o.stdout, "pod/still-alive created\n", "{}", o.stderr);
    s.sim.advance(15_000);
    let o = s.run("kubectl get pod still-alive", None);
    assert!(o.stdout.contains("Running"), "{}{}", o.stdout, o.stderr);
}
