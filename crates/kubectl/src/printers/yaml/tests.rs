//! Fixtures are real kubectl 1.32 output: `kubectl create ... --dry-run=client
//! -o json` (the input) and `-o yaml` of the same command (the expected text).

use super::*;

fn fixture(name: &str) -> (Value, &'static str) {
    let (json, yaml) = match name {
        "deployment" => (
            include_str!("../testdata/deployment.json"),
            include_str!("../testdata/deployment.yaml"),
        ),
        "cm_tricky" => (
            include_str!("../testdata/cm_tricky.json"),
            include_str!("../testdata/cm_tricky.yaml"),
        ),
        "cm_long" => (
            include_str!("../testdata/cm_long.json"),
            include_str!("../testdata/cm_long.yaml"),
        ),
        "cm_keys" => (
            include_str!("../testdata/cm_keys.json"),
            include_str!("../testdata/cm_keys.yaml"),
        ),
        "secret" => (
            include_str!("../testdata/secret.json"),
            include_str!("../testdata/secret.yaml"),
        ),
        "secret_tls_docker" => (
            include_str!("../testdata/secret_tls_docker.json"),
            include_str!("../testdata/secret_tls_docker.yaml"),
        ),
        "svc" => (
            include_str!("../testdata/svc.json"),
            include_str!("../testdata/svc.yaml"),
        ),
        "ns" => (
            include_str!("../testdata/ns.json"),
            include_str!("../testdata/ns.yaml"),
        ),
        "quota" => (
            include_str!("../testdata/quota.json"),
            include_str!("../testdata/quota.yaml"),
        ),
        "pdb" => (
            include_str!("../testdata/pdb.json"),
            include_str!("../testdata/pdb.yaml"),
        ),
        "ingress" => (
            include_str!("../testdata/ingress.json"),
            include_str!("../testdata/ingress.yaml"),
        ),
        _ => unreachable!(),
    };
    (serde_json::from_str(json).unwrap(), yaml)
}

#[test]
fn yaml_matches_kubectl_for_every_fixture() {
    for name in [
        "deployment",
        "cm_tricky",
        "cm_long",
        "cm_keys",
        "secret",
        "secret_tls_docker",
        "svc",
        "ns",
        "quota",
        "pdb",
        "ingress",
    ] {
        let (v, want) = fixture(name);
        assert_eq!(to_yaml(&v), want, "fixture {name}");
    }
}

#[test]
fn sequences_are_not_indented_under_their_key() {
    let v = serde_json::json!({"spec": {"containers": [{"name": "a", "image": "nginx", "args": ["x", "y"]}]}});
    assert_eq!(
        to_yaml(&v),
        "spec:\n  containers:\n  - args:\n    - x\n    - \"y\"\n    image: nginx\n    name: a\n"
    );
}

#[test]
fn nested_sequences_and_empty_collections() {
    let v = serde_json::json!({"a": [[1, 2], [], {}], "b": {}, "c": [], "d": null, "e": 1.5, "f": 1e6, "g": true});
    assert_eq!(
        to_yaml(&v),
        "a:\n- - 1\n  - 2\n- []\n- {}\nb: {}\nc: []\nd: null\ne: 1.5\nf: 1e+06\ng: true\n"
    );
}

#[test]
fn block_scalars_keep_trailing_newlines_with_plus() {
    let v = serde_json::json!({"a": "x\n\n", "b": "y\n"});
    assert_eq!(to_yaml(&v), "a: |+\n  x\n\nb: |\n  y\n");
    let v = serde_json::json!({"a": "x\n\n"});
    assert_eq!(to_yaml(&v), "a: |+\n  x\n\n...\n");
}

#[test]
fn list_wrapper_reads_like_kubectl() {
    let v = list_value(vec![
        serde_json::json!({"kind": "Pod", "metadata": {"name": "a"}}),
    ]);
    assert_eq!(
        to_yaml(&v),
        "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
    );
    assert_eq!(
        to_json(&v),
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"kind\": \"Pod\",\n            \"metadata\": {\n                \"name\": \"a\"\n            }\n        }\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
    );
}

#[test]
fn json_sorts_keys_and_escapes_like_go() {
    // What `kubectl create secret generic s --from-literal=k=v -o json` prints,
    // with the keys in the sorted order of an object read from the server.
    let v = serde_json::json!({"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s", "creationTimestamp": null}, "data": {"k": "dg=="}});
    assert_eq!(
        to_json(&v),
        "{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"k\": \"dg==\"\n    },\n    \"kind\": \"Secret\",\n    \"metadata\": {\n        \"creationTimestamp\": null,\n        \"name\": \"s\"\n    }\n}\n"
    );
    let v = serde_json::json!({"m": "<none> & \"q\"\t\u{1}", "e": [], "o": {}});
    assert_eq!(
        to_json(&v),
        "{\n    \"e\": [],\n    \"m\": \"\\u003cnone\\u003e \\u0026 \\\"q\\\"\\t\\u0001\",\n    \"o\": {}\n}\n"
    );
}

#[test]
fn resolver_quotes_what_go_yaml_would_read_as_another_type() {
    for s in [
        "true",
        "80",
        "1.5",
        "0x1F",
        "1e3",
        "null",
        "~",
        "",
        "yes",
        "on",
        "2025-03-03",
        "1:20",
        ".5",
        "+1",
        "0b101",
        "1_000",
        "0o17",
        "2025-03-03 09:00:00",
    ] {
        assert_eq!(select_style(s, false), Style::Double, "{s:?}");
    }
    for s in [
        "nginx",
        "x1",
        "2025-13-03",
        "1.2.3",
        "v1",
        "-x",
        "a,b",
        "?x",
        "x# y",
        "10.0.0.1",
        "100m",
        "1Gi",
        "0.0.0.0/0",
    ] {
        assert_eq!(select_style(s, false), Style::Plain, "{s:?}");
    }
    for s in [
        "*", "'x", "- x", "x:", "a: b", "#c", "a #c", " lead", "trail ", "---", "[x", "{}", "@x",
        "%x", "`x",
    ] {
        assert_eq!(select_style(s, false), Style::Single, "{s:?}");
    }
}
