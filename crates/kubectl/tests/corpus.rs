//! The Kubernetes documentation's example manifests (../shared/k8s-examples,
//! 472 unmodified files) applied one document at a time, each in a fresh
//! cluster, as `kubectl apply -f -` would send it.
//!
//! Every document of a kind the engine serves must apply, unless a real
//! v1.32 cluster rejects it too (listed below with the reason). Every other
//! document must fail with kubectl's error, never a panic. The counts are
//! printed (`cargo test -p kubarium-kubectl --test corpus -- --nocapture`).

use kubarium_engine::api::registry;
use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::{manifest, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// API versions a v1.32 cluster serves by default (beta APIs off).
const SERVED_BY_V1_32: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "networking.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "node.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "certificates.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "apiregistration.k8s.io/v1",
];

/// Kinds of those API versions that v1.32 does not serve yet
/// (MutatingAdmissionPolicy was v1alpha1 in v1.32).
const KINDS_NOT_SERVED_BY_V1_32: &[&str] = &[
    "admissionregistration.k8s.io/v1 MutatingAdmissionPolicy",
    "admissionregistration.k8s.io/v1 MutatingAdmissionPolicyBinding",
];

/// Documents of served kinds that a real cluster rejects as well, with why.
/// (Reviewed one by one; the expected error text must appear in the output.)
const REJECTED_BY_REAL_CLUSTERS: &[(&str, &str)] = &[
    // Fields added after v1.32: a v1.32 API server's strict decoding rejects them.
    ("pods/emptydir-volume-mode.yaml#0", "unknown field \"spec.volumes[0].emptyDir.mode\""),
    ("pods/restart-policy/restart-all-containers.yaml#0", "unknown field \"spec.initContainers[1].restartPolicyRules\""),
    ("pods/security/security-context-7.yaml#0", "unknown field \"spec.containers[0].securityContext.cgroupOptions\""),
    ("pods/storage/projected-podcertificate.yaml#0", "unknown field \"spec.volumes[0].projected.sources[0].podCertificate\""),
    // A stored version with a preferred term under the required key.
    ("pods/pod-with-node-affinity.yaml#0", "cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector"),
    // A preferred pod anti-affinity term written without its `podAffinityTerm`
    // wrapper: strict decoding rejects the misplaced fields.
    ("deployments/deployment-with-capacity-reservation.yaml#0", "unknown field \"spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].labelSelector\""),
    // Numeric toleration operators (Gt/Lt) came after v1.32.
    ("pods/pod-with-numeric-toleration.yaml#0", "spec.tolerations[0].operator: Unsupported value: \"Gt\""),
    // Broken stored versions of the upstream files: annotations written as a
    // list, and placeholder text where base64 data belongs.
    ("secret/serviceaccount/mysecretname.yaml#0", "cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string"),
    ("secret/tls-auth-secret.yaml#0", "illegal base64 data at input byte 7"),
    // A template whose `$ITEM` the docs replace with sed before applying.
    ("application/job/job-tmpl.yaml#0", "metadata.name: Invalid value: \"process-item-$ITEM\": a lowercase RFC 1123 subdomain"),
    // An excerpt without metadata.name (and without restartPolicy). Real
    // kubectl apply stops earlier, on `resource name may not be empty`.
    ("controllers/job-success-policy-example.yaml#0", "metadata.name: Required value: name or generateName is required"),
];

fn corpus_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("KUBARIUM_K8S_EXAMPLES") {
        return Some(PathBuf::from(d));
    }
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-examples");
    d.is_dir().then_some(d)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Counts {
    applied: usize,
    rejected_like_real: usize,
    not_served_by_v1_32: usize,
    not_simulated_yet: BTreeMap<String, usize>,
    unparsable_files: usize,
}

#[test]
fn documentation_examples_apply_as_on_a_real_cluster() {
    let Some(dir) = corpus_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the example corpus (../shared/k8s-examples) is missing in CI"
        );
        eprintln!("skipping: ../shared/k8s-examples not found");
        return;
    };
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    assert!(
        files.len() >= 400,
        "expected the 472 example manifests, found {}",
        files.len()
    );
    let mut counts = Counts::default();
    let mut unexpected = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&dir).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let docs = match manifest::parse_documents(&rel, &text) {
            Ok(d) => d,
            Err(_) => {
                // kubectl rejects the file before sending anything; so do we.
                let mut s = Session::new(Simulation::new(ClusterConfig {
                    warmup: 1_000,
                    ..ClusterConfig::default()
                }));
                let o = s.run("kubectl apply -f -", Some(&text));
                assert_ne!(o.exit_code, 0, "{rel}: unparsable file applied");
                assert!(
                    o.stderr.contains("error converting YAML to JSON"),
                    "{rel}: {}",
                    o.stderr
                );
                counts.unparsable_files += 1;
                continue;
            }
        };
        let mut s = Session::new(Simulation::new(ClusterConfig {
            warmup: 1_000,
            ..ClusterConfig::default()
        }));
        for (i, d) in docs.iter().enumerate() {
            let av = d
                .value
                .get("apiVersion")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let kind = d
                .value
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let json = serde_json::to_string(&d.value).unwrap();
            let o = s.run("kubectl apply -f -", Some(&json));
            let served_here = registry::by_kind(&av, &kind).is_some();
            let id = format!("{rel}#{i} ({av} {kind})");
            if served_here {
                if o.exit_code == 0 {
                    counts.applied += 1;
                } else if let Some((_, why)) = REJECTED_BY_REAL_CLUSTERS
                    .iter()
                    .find(|(p, _)| id.starts_with(p))
                {
                    assert!(
                        o.stderr.contains(why),
                        "{id}: expected {why:?}, got {}",
                        o.stderr
                    );
                    counts.rejected_like_real += 1;
                } else if o.stderr.contains("namespaces \"") && o.stderr.contains("\" not found") {
                    // The example assumes a namespace made earlier in its page.
                    counts.rejected_like_real += 1;
                } else if o.stderr.contains("error looking up service account") {
                    // ... or a ServiceAccount made earlier in its page.
                    counts.rejected_like_real += 1;
                } else if o
                    .stderr
                    .contains("is forbidden: no PriorityClass with name")
                {
                    // ... or a PriorityClass made earlier in its page.
                    counts.rejected_like_real += 1;
                } else {
                    unexpected.push(format!("{id}: {}", o.stderr.trim()));
                }
            } else {
                assert_ne!(o.exit_code, 0, "{id}: applied but the kind is not served");
                let gvk = format!("{av} {kind}");
                if SERVED_BY_V1_32.contains(&av.as_str())
                    && !KINDS_NOT_SERVED_BY_V1_32.contains(&gvk.as_str())
                {
                    *counts.not_simulated_yet.entry(gvk).or_default() += 1;
                } else {
                    counts.not_served_by_v1_32 += 1;
                }
            }
        }
    }
    let not_yet: usize = counts.not_simulated_yet.values().sum();
    println!(
        "corpus: {} files; documents applied: {}, rejected as a real cluster rejects them: {}, kinds a v1.32 cluster does not serve: {}, kinds not simulated yet: {}; unparsable files: {}",
        files.len(),
        counts.applied,
        counts.rejected_like_real,
        counts.not_served_by_v1_32,
        not_yet,
        counts.unparsable_files
    );
    for (k, n) in &counts.not_simulated_yet {
        println!("  not simulated yet: {k} ×{n}");
    }
    assert!(
        unexpected.is_empty(),
        "{} documents of served kinds were rejected unexpectedly:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
