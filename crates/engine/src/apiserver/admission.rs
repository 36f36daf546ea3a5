//! Admission: defaulting as Kubernetes v1.32 defaults, then the mutating
//! admission plugins that change objects on create.
//!
//! Upstream:
//! - pkg/apis/core/v1/defaults.go (`SetDefaults_Pod`, `SetDefaults_PodSpec`,
//!   `SetDefaults_Container`, `SetDefaults_Probe`, `SetDefaults_HTTPGetAction`,
//!   `SetDefaults_Volume`, `SetDefaults_Secret`, `SetDefaults_Namespace`,
//!   `SetDefaults_NodeStatus`, ...), and pkg/apis/core/v1/conversion.go
//!   (`serviceAccount` mirrors `serviceAccountName`; Secret `stringData` is
//!   merged into `data`).
//! - pkg/apis/apps/v1/defaults.go (`SetDefaults_ReplicaSet`: replicas 1; the
//!   selector is not defaulted in apps/v1).
//! - pkg/registry/core/namespace/strategy.go (`spec.finalizers: [kubernetes]`).
//! - plugin/pkg/admission/serviceaccount/admission.go (`serviceAccountName:
//!   default`, the projected `kube-api-access-xxxxx` volume and its mounts).
//! - plugin/pkg/admission/defaulttolerationseconds (not-ready/unreachable, 300 s).
//! - plugin/pkg/admission/priority (`priority: 0`, `preemptionPolicy`).
//!
//! Scheme defaulting applies to every decode (create and update, and to pod
//! templates); the admission plugins only to a Pod being created.

mod apps;
pub mod autoscaling;
pub mod batch;
pub use apps::daemon_set_template_generation;
pub mod priority;

use std::collections::BTreeMap;

use crate::api::core::{
    ConfigMapProjection, Container, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, PodSpec, PodTemplateSpec, Probe, ProjectedVolumeSource,
    ServiceAccountTokenProjection, Toleration, Volume, VolumeMount, VolumeProjection,
};
use crate::api::Object;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::ByteString;

/// Where the ServiceAccount admission plugin mounts the API credentials.
pub const SERVICE_ACCOUNT_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The request being admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// A create: defaulting and the mutating admission plugins.
    Create,
    /// An update: defaulting only.
    Update,
}

/// What admission needs besides the object: the operation and the random
/// suffix of the `kube-api-access-<suffix>` volume (5 chars from the seeded
/// rng, `crate::rng::Rng::k8s_suffix(5)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionContext {
    /// Create or update.
    pub operation: Operation,
    /// Suffix of the service account token volume's name.
    pub token_volume_suffix: String,
    /// The pod's ServiceAccount's `automountServiceAccountToken`, if the
    /// caller looked it up (`Some(false)` suppresses the token volume).
    pub service_account_automount: Option<bool>,
}

impl AdmissionContext {
    /// A create with the given token volume suffix.
    pub fn create(token_volume_suffix: impl Into<String>) -> AdmissionContext {
        AdmissionContext {
            operation: Operation::Create,
            token_volume_suffix: token_volume_suffix.into(),
            service_account_automount: None,
        }
    }

    /// An update (defaulting only).
    pub fn update() -> AdmissionContext {
        AdmissionContext {
            operation: Operation::Update,
            token_volume_suffix: String::new(),
            service_account_automount: None,
        }
    }
}

/// Defaults `obj` as the API server does before validation and storage.
pub fn default_object(obj: &mut Object, ctx: &AdmissionContext) {
    match obj {
        Object::Pod(pod) => {
            let spec = pod.spec.get_or_insert_with(Default::default);
            default_pod_spec(spec);
            // SetDefaults_Pod (not applied to templates).
            if spec.enable_service_links.is_none() {
                spec.enable_service_links = Some(true);
            }
            // SetDefaults_Pod: limits without requests ⇒ requests = limits,
            // "only on a v1.Pod and not a v1.PodTemplate".
            for c in spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut().flatten())
            {
                let r = c.resources.get_or_insert_with(Default::default);
                if let Some(limits) = r.limits.clone() {
                    let requests = r.requests.get_or_insert_with(BTreeMap::new);
                    for (k, v) in limits {
                        requests.entry(k).or_insert(v);
                    }
                }
            }
            if ctx.operation == Operation::Create {
                admit_service_account(spec, ctx);
                // Priority needs the PriorityClasses: see `priority`, run
                // by the API server after this.
                admit_default_toleration_seconds(spec);
            }
        }
        Object::ReplicaSet(rs) => {
            let spec = rs.spec.get_or_insert_with(Default::default);
            if spec.replicas.is_none() {
                spec.replicas = Some(1);
            }
            default_template(&mut spec.template);
        }
        Object::Deployment(d) => default_deployment(d),
        Object::Namespace(ns) => {
            let name = ns.metadata.name.clone().unwrap_or_default();
            if !name.is_empty() {
                ns.metadata
                    .labels
                    .get_or_insert_with(BTreeMap::new)
                    .insert("kubernetes.io/metadata.name".into(), name);
            }
            if ctx.operation == Operation::Create {
                let spec = ns.spec.get_or_insert_with(Default::default);
                if spec.finalizers.as_ref().is_none_or(Vec::is_empty) {
                    spec.finalizers = Some(vec!["kubernetes".into()]);
                }
            }
            let status = ns.status.get_or_insert_with(Default::default);
            if status.phase.is_none() {
                status.phase = Some("Active".into());
            }
        }
        Object::Secret(s) => {
            if s.type_.as_deref().unwrap_or("").is_empty() {
                s.type_ = Some("Opaque".into());
            }
            // v1 → internal conversion: stringData wins over data.
            if let Some(sd) = s.string_data.take() {
                let data = s.data.get_or_insert_with(BTreeMap::new);
                for (k, v) in sd {
                    data.insert(k, ByteString(v.into_bytes()));
                }
            }
        }
        Object::Node(node) => {
            // SetDefaults_NodeStatus: allocatable defaults to capacity.
            if let Some(status) = node.status.as_mut() {
                if status.allocatable.is_none() {
                    status.allocatable = status.capacity.clone();
                }
            }
        }
        Object::Job(job) => batch::default_job(job),
        Object::CronJob(cj) => batch::default_cron_job(cj),
        Object::DaemonSet(ds) => apps::default_daemon_set(ds),
        Object::StatefulSet(sts) => apps::default_stateful_set(sts),
        Object::PersistentVolumeClaim(pvc) => apps::default_persistent_volume_claim(pvc),
        Object::PodDisruptionBudget(pdb) => {
            // The registry strategy's PrepareForCreate: status starts empty
            // (every count 0) until the disruption controller computes it.
            if ctx.operation == Operation::Create {
                pdb.status = Some(Default::default());
            }
        }
        Object::HorizontalPodAutoscaler(hpa) => {
            autoscaling::default_hpa(hpa);
            // The registry strategy's PrepareForCreate: status starts empty.
            if ctx.operation == Operation::Create {
                hpa.status = Some(Default::default());
            }
        }
        Object::PriorityClass(pc) => {
            // SetDefaults_PriorityClass.
            set_str(&mut pc.preemption_policy, "PreemptLowerPriority");
        }
        Object::Event(_)
        | Object::ConfigMap(_)
        | Object::ServiceAccount(_)
        | Object::Lease(_)
        | Object::ControllerRevision(_) => {}
    }
}

/// `SetDefaults_Deployment` (pkg/apis/apps/v1/defaults.go): replicas 1,
/// strategy RollingUpdate with 25%/25%, revisionHistoryLimit 10,
/// progressDeadlineSeconds 600; the template as for a ReplicaSet.
fn default_deployment(d: &mut crate::api::apps::Deployment) {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let spec = d.spec.get_or_insert_with(Default::default);
    if spec.replicas.is_none() {
        spec.replicas = Some(1);
    }
    let strategy = spec.strategy.get_or_insert_with(Default::default);
    set_str(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        if ru.max_unavailable.is_none() {
            ru.max_unavailable = Some(IntOrString::String("25%".into()));
        }
        if ru.max_surge.is_none() {
            ru.max_surge = Some(IntOrString::String("25%".into()));
        }
    }
    if spec.revision_history_limit.is_none() {
        spec.revision_history_limit = Some(10);
    }
    if spec.progress_deadline_seconds.is_none() {
        spec.progress_deadline_seconds = Some(600);
    }
    default_pod_spec(spec.template.spec.get_or_insert_with(Default::default));
}

/// PodTemplateSpec defaulting (ReplicaSet, Deployment, ...): the pod spec's
/// scheme defaults, without `SetDefaults_Pod` or the admission plugins.
pub fn default_template(template: &mut Option<PodTemplateSpec>) {
    if let Some(t) = template.as_mut() {
        default_pod_spec(t.spec.get_or_insert_with(Default::default));
    }
}

/// `SetDefaults_PodSpec` and everything it reaches.
pub fn default_pod_spec(spec: &mut PodSpec) {
    set_str(&mut spec.dns_policy, "ClusterFirst");
    set_str(&mut spec.restart_policy, "Always");
    if spec.security_context.is_none() {
        spec.security_context = Some(Default::default());
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    set_str(&mut spec.scheduler_name, "default-scheduler");
    // conversion.go: the deprecated serviceAccount mirrors serviceAccountName.
    match (&spec.service_account_name, &spec.service_account) {
        (Some(n), _) if !n.is_empty() => spec.service_account = Some(n.clone()),
        (_, Some(old)) if !old.is_empty() => spec.service_account_name = Some(old.clone()),
        _ => {}
    }
    let host_network = spec.host_network == Some(true);
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        default_container(c, host_network);
    }
    for v in spec.volumes.iter_mut().flatten() {
        default_volume(v);
    }
}

fn set_str(field: &mut Option<String>, value: &str) {
    if field.as_deref().unwrap_or("").is_empty() {
        *field = Some(value.to_string());
    }
}

/// `SetDefaults_Container` and the per-container parts of `SetDefaults_Pod`.
fn default_container(c: &mut Container, host_network: bool) {
    if c.image_pull_policy.as_deref().unwrap_or("").is_empty() {
        c.image_pull_policy =
            Some(default_pull_policy(c.image.as_deref().unwrap_or("")).to_string());
    }
    set_str(&mut c.termination_message_path, "/dev/termination-log");
    set_str(&mut c.termination_message_policy, "File");
    for p in c.ports.iter_mut().flatten() {
        set_str(&mut p.protocol, "TCP");
        if host_network && p.host_port.unwrap_or(0) == 0 {
            p.host_port = Some(p.container_port);
        }
    }
    for e in c.env.iter_mut().flatten() {
        if let Some(f) = e.value_from.as_mut().and_then(|vf| vf.field_ref.as_mut()) {
            set_str(&mut f.api_version, "v1");
        }
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
    if let Some(l) = c.lifecycle.as_mut() {
        for h in [&mut l.post_start, &mut l.pre_stop].into_iter().flatten() {
            if let Some(g) = h.http_get.as_mut() {
                set_str(&mut g.path, "/");
                set_str(&mut g.scheme, "HTTP");
            }
        }
    }
    let r = c.resources.get_or_insert_with(Default::default);
    for q in r
        .limits
        .iter_mut()
        .chain(r.requests.iter_mut())
        .flat_map(|m| m.values_mut())
    {
        *q = canonical_quantity(q);
    }
}

/// `SetDefaults_Probe` and `SetDefaults_HTTPGetAction`.
fn default_probe(p: &mut Probe) {
    for (f, d) in [
        (&mut p.timeout_seconds, 1),
        (&mut p.period_seconds, 10),
        (&mut p.success_threshold, 1),
        (&mut p.failure_threshold, 3),
    ] {
        if f.unwrap_or(0) == 0 {
            *f = Some(d);
        }
    }
    if let Some(g) = p.http_get.as_mut() {
        set_str(&mut g.path, "/");
        set_str(&mut g.scheme, "HTTP");
    }
}

/// `SetDefaults_Volume` and the volume sources' defaults (mode 0644 = 420).
fn default_volume(v: &mut Volume) {
    let has_source = serde_json::to_value(&*v)
        .ok()
        .and_then(|j| j.as_object().map(|m| m.keys().any(|k| k != "name")))
        .unwrap_or(false);
    if !has_source {
        v.empty_dir = Some(Default::default());
    }
    if let Some(s) = v.secret.as_mut() {
        s.default_mode.get_or_insert(420);
    }
    if let Some(s) = v.config_map.as_mut() {
        s.default_mode.get_or_insert(420);
    }
    if let Some(s) = v.downward_api.as_mut() {
        s.default_mode.get_or_insert(420);
        for i in s.items.iter_mut().flatten() {
            if let Some(f) = i.field_ref.as_mut() {
                set_str(&mut f.api_version, "v1");
            }
        }
    }
    if let Some(s) = v.projected.as_mut() {
        s.default_mode.get_or_insert(420);
    }
    if let Some(h) = v.host_path.as_mut() {
        h.type_.get_or_insert_with(String::new);
    }
    if let Some(c) = v.persistent_volume_claim.as_mut() {
        c.read_only.get_or_insert(false);
    }
}

/// The pull policy `SetDefaults_Container` picks: `Always` when the tag is
/// `latest` or missing (a missing tag means `latest`, unless a digest is
/// given), `IfNotPresent` otherwise.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.is_empty() {
        return "IfNotPresent";
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    match (tag, digest) {
        (Some("latest"), _) | (None, None) => "Always",
        _ => "IfNotPresent",
    }
}

/// A quantity in the canonical form the API server stores and returns
/// (`0.5` → `500m`, `1024Mi` → `1Gi`, `1000m` → `1`). Values the parser
/// rejects are returned unchanged (decoding rejects them first).
pub fn canonical_quantity(q: &Quantity) -> Quantity {
    let s = q.0.trim();
    let Ok(m) = crate::api::quantity::parse(s) else {
        return q.clone();
    };
    let milli = m.milli();
    let binary = s.ends_with('i');
    if milli % 1000 != 0 {
        return Quantity(format!("{milli}m"));
    }
    let v = milli / 1000;
    if binary && v != 0 {
        let mut n = v;
        let mut i = 0;
        while n % 1024 == 0 && i < 6 {
            n /= 1024;
            i += 1;
        }
        if i > 0 {
            return Quantity(format!(
                "{n}{}",
                ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i]
            ));
        }
        return Quantity(v.to_string());
    }
    let mut n = v;
    let mut i = 0;
    while n != 0 && n % 1000 == 0 && i < 6 {
        n /= 1000;
        i += 1;
    }
    Quantity(format!("{n}{}", ["", "k", "M", "G", "T", "P", "E"][i]))
}

/// The ServiceAccount admission plugin: `serviceAccountName: default` and the
/// projected API-access volume mounted read-only in every container.
fn admit_service_account(spec: &mut PodSpec, ctx: &AdmissionContext) {
    if spec
        .service_account_name
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        spec.service_account_name = Some("default".into());
    }
    spec.service_account = spec.service_account_name.clone();
    if spec.automount_service_account_token == Some(false)
        || (spec.automount_service_account_token.is_none()
            && ctx.service_account_automount == Some(false))
    {
        return;
    }
    let name = format!("kube-api-access-{}", ctx.token_volume_suffix);
    // The plugin does nothing when a container already mounts the path.
    let mounted = |c: &Container| {
        c.volume_mounts
            .iter()
            .flatten()
            .any(|m| m.mount_path == SERVICE_ACCOUNT_MOUNT_PATH)
    };
    let mut needed = false;
    for c in spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut())
    {
        if !mounted(c) {
            needed = true;
            c.volume_mounts
                .get_or_insert_with(Vec::new)
                .push(VolumeMount {
                    name: name.clone(),
                    mount_path: SERVICE_ACCOUNT_MOUNT_PATH.into(),
                    read_only: Some(true),
                    ..Default::default()
                });
        }
    }
    if needed {
        spec.volumes
            .get_or_insert_with(Vec::new)
            .push(token_volume(name));
    }
}

/// The `kube-api-access-xxxxx` volume exactly as the plugin builds it.
fn token_volume(name: String) -> Volume {
    Volume {
        name,
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}

/// DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for
/// 300 s unless the pod already tolerates them (NoExecute or any effect).
fn admit_default_toleration_seconds(spec: &mut PodSpec) {
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = spec.tolerations.iter().flatten().any(|t| {
            let effect = t.effect.as_deref().unwrap_or("");
            (effect.is_empty() || effect == "NoExecute")
                && (t.key.as_deref() == Some(key) || t.key.as_deref().unwrap_or("").is_empty())
        });
        if !tolerated {
            spec.tolerations
                .get_or_insert_with(Vec::new)
                .push(Toleration {
                    key: Some(key.into()),
                    operator: Some("Exists".into()),
                    effect: Some("NoExecute".into()),
                    toleration_seconds: Some(300),
                    value: None,
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::decode;
    use serde_json::json;

    fn defaulted(v: serde_json::Value) -> serde_json::Value {
        let mut obj = decode(v).unwrap();
        default_object(&mut obj, &AdmissionContext::create("pxw5v"));
        if let Object::Pod(p) = &mut obj {
            // No PriorityClass exists: priority 0.
            let spec = p.spec.get_or_insert_with(Default::default);
            priority::admit_pod_create(spec, |_| None, None).unwrap();
        }
        obj.to_value()
    }

    #[test]
    fn defaulted_pod_matches_kubectl_get_pod_yaml_of_a_real_cluster() {
        // `kubectl run nginx --image=nginx` then `kubectl get pod nginx -o yaml`
        // on v1.32 (spec only; metadata and status are the store's and the
        // kubelet's).
        let v = defaulted(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "nginx", "namespace": "default"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}));
        let expected = json!({
            "containers": [{
                "image": "nginx",
                "imagePullPolicy": "Always",
                "name": "nginx",
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [{
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "name": "kube-api-access-pxw5v",
                    "readOnly": true
                }]
            }],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
            ],
            "volumes": [{
                "name": "kube-api-access-pxw5v",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
                    ]
                }
            }]
        });
        assert_eq!(v["spec"], expected);
    }

    #[test]
    fn image_pull_policy_depends_on_tag_and_digest() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(default_pull_policy("localhost:5000/app:v2"), "IfNotPresent");
        assert_eq!(default_pull_policy("nginx@sha256:abcd"), "IfNotPresent");
        assert_eq!(default_pull_policy("nginx:latest@sha256:abcd"), "Always");
    }

    #[test]
    fn probes_ports_and_limits_only_resources_are_defaulted() {
        let v = defaulted(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "a", "image": "nginx:1.27",
                "ports": [{"containerPort": 80}],
                "resources": {"limits": {"cpu": "0.5", "memory": "1024Mi"}},
                "readinessProbe": {"httpGet": {"port": 80}}}]}}),
        );
        let c = &v["spec"]["containers"][0];
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(
            c["readinessProbe"],
            json!({"failureThreshold": 3, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                   "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
        );
        assert_eq!(
            c["resources"],
            json!({"limits": {"cpu": "500m", "memory": "1Gi"},
                                          "requests": {"cpu": "500m", "memory": "1Gi"}})
        );
    }

    #[test]
    fn a_template_keeps_limits_without_requests() {
        // SetDefaults_Pod copies limits to requests "only on a v1.Pod and
        // not a v1.PodTemplate"; the quantities are still canonical.
        let v = defaulted(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
              "template": {"metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "a", "image": "nginx:1.27",
                  "resources": {"limits": {"cpu": "0.5", "memory": "1024Mi"},
                                "requests": {"cpu": "0.1"}}}]}}}}));
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"][0]["resources"],
            json!({"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "100m"}})
        );
    }

    #[test]
    fn automount_false_means_no_token_volume() {
        let v = defaulted(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"automountServiceAccountToken": false, "containers": [{"name": "a", "image": "x"}]}}),
        );
        assert!(v["spec"].get("volumes").is_none());
        assert!(v["spec"]["containers"][0].get("volumeMounts").is_none());
        assert_eq!(v["spec"]["serviceAccountName"], "default");
    }

    #[test]
    fn replicaset_template_gets_scheme_defaults_but_not_admission_plugins() {
        let v = defaulted(
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
            "spec": {"selector": {"matchLabels": {"app": "a"}},
                     "template": {"metadata": {"labels": {"app": "a"}},
                                  "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}}),
        );
        assert_eq!(v["spec"]["replicas"], 1);
        assert_eq!(
            v["spec"]["template"]["spec"],
            json!({"containers": [{"image": "nginx", "imagePullPolicy": "Always", "name": "a", "resources": {},
                    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
                   "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                   "securityContext": {}, "terminationGracePeriodSeconds": 30})
        );
    }

    #[test]
    fn namespace_gets_name_label_finalizer_and_phase() {
        let v = defaulted(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}),
        );
        assert_eq!(
            v["metadata"]["labels"],
            json!({"kubernetes.io/metadata.name": "dev"})
        );
        assert_eq!(v["spec"], json!({"finalizers": ["kubernetes"]}));
        assert_eq!(v["status"], json!({"phase": "Active"}));
    }

    #[test]
    fn secret_defaults_to_opaque_and_merges_string_data() {
        let v = defaulted(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"a": "eA=="}, "stringData": {"a": "y", "b": "z"}}),
        );
        assert_eq!(v["type"], "Opaque");
        assert_eq!(v["data"], json!({"a": "eQ==", "b": "eg=="}));
        assert!(v.get("stringData").is_none());
    }
}
