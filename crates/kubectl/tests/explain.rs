//! `kubectl explain` against exact outputs of the real kubectl 1.32 binary.
//!
//! The expected texts were produced by running kubectl 1.32.4 against a stub
//! apiserver whose `/openapi/v3` document was built from the same generated
//! schema data (`crates/kubectl/src/explain/data.txt`), so they pin the
//! template's layout (wrapping, indentation, blank lines, markers, errors);
//! the descriptions are k8s-openapi's copy of the upstream 1.32 field docs.

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::{Output, Session};

fn explain(args: &str) -> Output {
    let mut s = Session::new(Simulation::new(ClusterConfig {
        warmup: 0,
        ..ClusterConfig::default()
    }));
    s.run(&format!("kubectl explain {args}"), None)
}

fn ok(o: &Output) {
    assert_eq!((o.stderr.as_str(), o.exit_code), ("", 0), "{}", o.stdout);
}

#[test]
fn explain_configmap_in_full() {
    let o = explain("configmap");
    ok(&o);
    assert_eq!(
        o.stdout,
        r##"KIND:       ConfigMap
VERSION:    v1

DESCRIPTION:
    ConfigMap holds configuration data for pods to consume.
    
FIELDS:
  apiVersion	<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  binaryData	<map[string]string>
    BinaryData contains the binary data. Each key must consist of alphanumeric
    characters, '-', '_' or '.'. BinaryData can contain byte sequences that are
    not in the UTF-8 range. The keys stored in BinaryData must not overlap with
    the ones in the Data field, this is enforced during validation process.
    Using this field will require 1.10+ apiserver and kubelet.

  data	<map[string]string>
    Data contains the configuration data. Each key must consist of alphanumeric
    characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use
    the BinaryData field. The keys stored in Data must not overlap with the keys
    in the BinaryData field, this is enforced during validation process.

  immutable	<boolean>
    Immutable, if set to true, ensures that data stored in the ConfigMap cannot
    be updated (only object metadata can be modified). If not set to true, the
    field can be modified at any time. Defaulted to nil.

  kind	<string>
    Kind is a string value representing the REST resource this object
    represents. Servers may infer this from the endpoint the client submits
    requests to. Cannot be updated. In CamelCase. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds

  metadata	<ObjectMeta>
    Standard object's metadata. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata


"##
    );
}

#[test]
fn explain_nested_field_in_full() {
    let o = explain("pod.spec.containers.livenessProbe.httpGet");
    ok(&o);
    assert_eq!(
        o.stdout,
        r##"KIND:       Pod
VERSION:    v1

FIELD: httpGet <HTTPGetAction>


DESCRIPTION:
    HTTPGet specifies an HTTP GET request to perform.
    HTTPGetAction describes an action based on HTTP Get requests.
    
FIELDS:
  host	<string>
    Host name to connect to, defaults to the pod IP. You probably want to set
    "Host" in httpHeaders instead.

  httpHeaders	<[]HTTPHeader>
    Custom headers to set in the request. HTTP allows repeated headers.

  path	<string>
    Path to access on the HTTP server.

  port	<IntOrString> -required-
    Name or number of the port to access on the container. Number must be in the
    range 1 to 65535. Name must be an IANA_SVC_NAME.

  scheme	<string>
    Scheme to use for connecting to the host. Defaults to HTTP.


"##
    );
}

#[test]
fn explain_field_recursive_in_full() {
    let o = explain("pod.spec.containers.env.valueFrom.fieldRef --recursive");
    ok(&o);
    assert_eq!(
        o.stdout,
        r##"KIND:       Pod
VERSION:    v1

FIELD: fieldRef <ObjectFieldSelector>


DESCRIPTION:
    Selects a field of the pod: supports metadata.name, metadata.namespace,
    `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName,
    spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.
    ObjectFieldSelector selects an APIVersioned field of an object.
    
FIELDS:
  apiVersion	<string>
  fieldPath	<string> -required-

"##
    );
}

#[test]
fn explain_pods_begins_and_ends_like_kubectl() {
    let o = explain("pods");
    ok(&o);
    assert!(
        o.stdout.starts_with(
            r##"KIND:       Pod
VERSION:    v1

DESCRIPTION:
    Pod is a collection of containers that can run on a host. This resource is
    created by clients and scheduled onto hosts.
    
FIELDS:
  apiVersion	<string>
    APIVersion defines the versioned schema of this representation of an object.
    Servers should convert recognized schemas to the latest internal value, and
    may reject unrecognized values. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources

  kind	<string>
    Kind is a string value representing the REST resource this object
"##
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.ends_with(r##"  status	<PodStatus>
    Most recently observed status of the pod. This data may not be up to date.
    Populated by the system. Read-only. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status


"##), "{}", o.stdout);
}

#[test]
fn explain_grouped_kind_recursive_with_api_version() {
    let o = explain("rs --recursive --api-version=apps/v1");
    ok(&o);
    assert!(
        o.stdout.starts_with(
            r##"GROUP:      apps
KIND:       ReplicaSet
VERSION:    v1

DESCRIPTION:
    ReplicaSet ensures that a specified number of pod replicas are running at
    any given time.
    
FIELDS:
  apiVersion	<string>
  kind	<string>
  metadata	<ObjectMeta>
"##
        ),
        "{}",
        o.stdout
    );
    let o = explain("leases.coordination.k8s.io.spec.holderIdentity");
    ok(&o);
    assert!(o.stdout.starts_with("GROUP:      coordination.k8s.io\nKIND:       Lease\nVERSION:    v1\n\nFIELD: holderIdentity <string>\n\n\nDESCRIPTION:\n"));
}

#[test]
fn explain_errors_as_kubectl_prints_them() {
    let cases = [
        ("ingress", "", "the server doesn't have a resource type \"ingress\"\n"),
        ("rs.apps", "GROUP:      apps\nKIND:       ReplicaSet\nVERSION:    v1\n\n", "error: field \"apps\" does not exist\n"),
        ("pod.foo.bar", "KIND:       Pod\nVERSION:    v1\n\n", "error: field \"bar\" does not exist\n"),
        ("pod.spec.nodeName.x", "KIND:       Pod\nVERSION:    v1\n\n", "error: field \"x\" does not exist\n"),
        ("pods --api-version=apps/v1", "", "error: GVR (apps/v1, Resource=pods) not found in OpenAPI schema\n"),
        ("pods --api-version=batch/v1", "", "error: GVR (batch/v1, Resource=pods) not found in OpenAPI schema\n"),
        ("pods --api-version=example.com/v1", "", "error: couldn't find resource for \"example.com/v1, Resource=pods\"\n"),
        ("pods --api-version=a/b/c", "", "error: unexpected GroupVersion string: a/b/c\n"),
        ("pods --output=foo", "", "error: unrecognized format: foo\n"),
        ("pods nodes", "", "error: We accept only this format: explain RESOURCE\n"),
        ("", "", "error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n"),
    ];
    for (args, stdout, stderr) in cases {
        let o = explain(args);
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
            (stdout, stderr, 1),
            "{args}"
        );
    }
}
