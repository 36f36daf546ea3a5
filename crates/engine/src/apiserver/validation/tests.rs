use super::*;
use crate::api::decode::decode;
use crate::apiserver::admission::{default_object, AdmissionContext};
use serde_json::{json, Value};

/// Decodes, defaults (as on create) and sets the namespace, as the API
/// server does before validating.
fn admitted(v: Value) -> Object {
    let mut obj = decode(v).unwrap();
    if obj.resource().namespaced {
        obj.meta_mut().namespace = Some("default".into());
    }
    default_object(&mut obj, &AdmissionContext::create("abcde"));
    obj
}

fn pod(name: &str, spec: Value) -> Object {
    admitted(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}))
}

fn message(obj: &Object) -> String {
    invalid_message(obj.kind(), obj.name(), &validate_create(obj))
}

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

#[test]
fn valid_pod_has_no_errors() {
    let p = pod(
        "web",
        json!({"containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 80, "name": "http"}]}]}),
    );
    assert_eq!(validate_create(&p), vec![]);
}

#[test]
fn uppercase_pod_name_is_not_a_subdomain() {
    let p = pod(
        "MyPod",
        json!({"containers": [{"name": "app", "image": "nginx"}]}),
    );
    assert_eq!(
        message(&p),
        format!(
            "The Pod \"MyPod\" is invalid: metadata.name: Invalid value: \"MyPod\": {SUBDOMAIN}"
        )
    );
}

#[test]
fn missing_containers_are_required() {
    let p = pod("p", json!({}));
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.containers: Required value"
    );
}

#[test]
fn missing_image_is_required() {
    let p = pod("p", json!({"containers": [{"name": "app"}]}));
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.containers[0].image: Required value"
    );
}

#[test]
fn duplicate_container_names_are_reported_on_the_second() {
    let p = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "a"}, {"name": "app", "image": "b"}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.containers[1].name: Duplicate value: \"app\""
    );
    let p = pod(
        "p",
        json!({"initContainers": [{"name": "app", "image": "a"}], "containers": [{"name": "app", "image": "b"}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.initContainers[0].name: Duplicate value: \"app\""
    );
}

#[test]
fn unsupported_restart_policy_lists_the_supported_ones() {
    let p = pod(
        "p",
        json!({"restartPolicy": "Sometimes", "containers": [{"name": "app", "image": "a"}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
    );
}

#[test]
fn several_errors_are_listed_as_kubectl_prints_them() {
    let p = pod("MyPod", json!({}));
    assert_eq!(
        message(&p),
        format!("The Pod \"MyPod\" is invalid: \n* metadata.name: Invalid value: \"MyPod\": {SUBDOMAIN}\n* spec.containers: Required value")
    );
    assert_eq!(
        status_message("Pod", "MyPod", &validate_create(&p)),
        format!("Pod \"MyPod\" is invalid: [metadata.name: Invalid value: \"MyPod\": {SUBDOMAIN}, spec.containers: Required value]")
    );
}

#[test]
fn mount_of_an_undeclared_volume_is_not_found() {
    let p = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "a", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"data\""
    );
}

#[test]
fn requests_above_limits_are_invalid() {
    let p = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "a",
        "resources": {"limits": {"cpu": "500m"}, "requests": {"cpu": "1"}}}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"
    );
}

#[test]
fn liveness_probe_needs_success_threshold_one_and_a_handler() {
    let p = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "a",
        "livenessProbe": {"successThreshold": 2}}]}),
    );
    assert_eq!(
        message(&p),
        "The Pod \"p\" is invalid: \n* spec.containers[0].livenessProbe: Required value: must specify a handler type\n* spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"
    );
}

#[test]
fn port_out_of_range_and_bad_env_name() {
    let p = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "a",
        "ports": [{"containerPort": 70000}], "env": [{"name": "A=B", "value": "x"}]}]}),
    );
    assert_eq!(
        validate_create(&p).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        ]
    );
}

#[test]
fn bad_label_value_and_key() {
    let p = admitted(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"app": "-x", "a/b/c": "y"}}}));
    assert_eq!(
        validate_create(&p).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![
            "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ]
    );
}

#[test]
fn config_map_key_must_be_a_config_key() {
    let c = admitted(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a b": "x"}}),
    );
    assert_eq!(
        message(&c),
        "The ConfigMap \"c\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    );
}

#[test]
fn namespace_name_must_be_a_dns_label() {
    let n = admitted(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Dev.Team"}}),
    );
    assert_eq!(
        message(&n),
        "The Namespace \"Dev.Team\" is invalid: metadata.name: Invalid value: \"Dev.Team\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
}

#[test]
fn replicaset_selector_must_match_template_labels() {
    let rs = admitted(
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "api"}},
                              "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}}),
    );
    assert_eq!(
        message(&rs),
        "The ReplicaSet \"r\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn replicaset_without_selector_gets_both_errors() {
    let rs = admitted(
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
        "spec": {"template": {"metadata": {"labels": {"app": "api"}},
                              "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}}),
    );
    assert_eq!(
        validate_create(&rs).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`",
        ]
    );
}

#[test]
fn secret_data_over_one_mebibyte_is_too_long() {
    let mut s = admitted(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}));
    if let Object::Secret(sec) = &mut s {
        let big = k8s_openapi::ByteString(vec![b'x'; MAX_SECRET_SIZE + 1]);
        sec.data = Some([("k".to_string(), big)].into_iter().collect());
    }
    assert_eq!(
        message(&s),
        "The Secret \"s\" is invalid: data: Too long: may not be more than 1048576 bytes"
    );
}

#[test]
fn pod_spec_update_beyond_image_is_forbidden() {
    let old = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]}]}),
    );
    let mut new = old.clone();
    if let Object::Pod(p) = &mut new {
        p.spec.as_mut().unwrap().containers[0].image = Some("nginx:1.27".into());
    }
    assert_eq!(validate_update(&new, &old), vec![]);
    if let Object::Pod(p) = &mut new {
        p.spec.as_mut().unwrap().containers[0]
            .ports
            .as_mut()
            .unwrap()[0]
            .container_port = 8080;
    }
    assert_eq!(
        invalid_message("Pod", "p", &validate_update(&new, &old)),
        "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
    );
}

#[test]
fn name_and_uid_are_immutable() {
    let mut old = pod(
        "p",
        json!({"containers": [{"name": "app", "image": "nginx"}]}),
    );
    old.meta_mut().uid = Some("u1".into());
    let mut new = old.clone();
    new.meta_mut().uid = Some("u2".into());
    assert_eq!(
        validate_update(&new, &old)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec!["metadata.uid: Invalid value: \"u2\": field is immutable"]
    );
}

#[test]
fn replicaset_selector_is_immutable() {
    let v = |app: &str| {
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
        "spec": {"selector": {"matchLabels": {"app": app}},
                 "template": {"metadata": {"labels": {"app": app}},
                              "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}})
    };
    let (old, new) = (admitted(v("a")), admitted(v("b")));
    assert_eq!(
        validate_update(&new, &old).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]
    );
}

fn deployment(spec: Value) -> Object {
    admitted(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec}),
    )
}

fn web_template() -> Value {
    json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}})
}

#[test]
fn deployment_defaults_as_v1_32() {
    let Object::Deployment(d) = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template()}),
    ) else {
        panic!()
    };
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["spec"]["replicas"], 1);
    assert_eq!(v["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(v["spec"]["progressDeadlineSeconds"], 600);
    assert_eq!(
        v["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    );
    assert_eq!(v["spec"]["template"]["spec"]["restartPolicy"], "Always");
    assert_eq!(validate_create(&Object::Deployment(d)), vec![]);
}

#[test]
fn deployment_selector_must_match_template_labels() {
    let d = deployment(
        json!({"selector": {"matchLabels": {"app": "other"}}, "template": web_template()}),
    );
    assert_eq!(
        message(&d),
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn deployment_max_surge_and_max_unavailable_cannot_both_be_zero() {
    let d = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template(),
        "strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}}),
    );
    assert_eq!(
        message(&d),
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"
    );
}

#[test]
fn deployment_strategy_errors_use_upstream_words() {
    let d = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template(),
        "strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}}),
    );
    assert_eq!(
        message(&d),
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
    );
    let d = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template(),
        "strategy": {"rollingUpdate": {"maxUnavailable": "110%", "maxSurge": "x"}}}),
    );
    assert_eq!(
        message(&d),
        "The Deployment \"web\" is invalid: \n* spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')\n* spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"110%\"}: must not be greater than 100%"
    );
    let d = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template(),
        "minReadySeconds": 10, "progressDeadlineSeconds": 10}),
    );
    assert_eq!(
        message(&d),
        "The Deployment \"web\" is invalid: spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"
    );
}

#[test]
fn deployment_selector_is_immutable() {
    let old = deployment(
        json!({"selector": {"matchLabels": {"app": "web"}}, "template": web_template()}),
    );
    let new = deployment(
        json!({"selector": {"matchLabels": {"app": "web", "tier": "x"}},
        "template": {"metadata": {"labels": {"app": "web", "tier": "x"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}),
    );
    let errs = validate_update(&new, &old);
    assert_eq!(
        invalid_message("Deployment", "web", &errs),
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    );
}
