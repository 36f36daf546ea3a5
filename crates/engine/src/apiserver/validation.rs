//! Validation with Kubernetes field paths and wording.
//!
//! Upstream: pkg/apis/core/validation/validation.go (`ValidateObjectMeta`,
//! `ValidatePodCreate`, `ValidatePodSpec`, `validateContainers`, ...,
//! `ValidatePodUpdate`), pkg/apis/apps/validation/validation.go
//! (`ValidateReplicaSet`), k8s.io/apimachinery/pkg/apis/meta/v1/validation
//! (`ValidateLabels`, `ValidateLabelSelector`), and
//! k8s.io/apimachinery/pkg/api/errors (`NewInvalid`). Errors come in upstream
//! order; where upstream ranges over a Go map (random order) we use key order.
//!
//! Validation runs on defaulted objects (see `super::admission`), as upstream
//! does: e.g. an empty `terminationMessagePolicy` is `Required` here because
//! defaulting would have filled it.

mod apps;
mod autoscaling;
mod batch;
mod deployment;
mod field;
mod pod;
mod policy;
pub mod scheduling;

use std::collections::BTreeMap;

use field::{child, go_map, index, is_dns1123_label};
pub use field::{
    duplicate, forbidden, invalid, not_found, not_supported, q, required, too_long, ErrorType,
    FieldError,
};
pub use field::{is_dns1123_subdomain, is_qualified_name, is_valid_label_value};

use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::Object;

/// Upper bound of all annotations together (`TotalAnnotationSizeLimitB`).
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
/// Upper bound of a Secret's or ConfigMap's data (`MaxSecretSize`).
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// What kubectl prints for an Invalid status (`cmdutil.CheckErr` →
/// `MultilineError`): `The Pod "x" is invalid: <error>` for one error, and
/// for several a header line followed by `* <error>` lines. `kind` is the
/// bare kind (`ReplicaSet`, not `ReplicaSet.apps`). Duplicate messages are
/// dropped as `ErrorList.ToAggregate` drops them. No trailing newline.
pub fn invalid_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    let msgs = dedup(errs);
    let head = format!("The {kind} {} is invalid", q(name));
    match msgs.as_slice() {
        [] => head,
        [one] => format!("{head}: {one}"),
        many => {
            let mut s = format!("{head}: ");
            for m in many {
                s.push_str("\n* ");
                s.push_str(m);
            }
            s
        }
    }
}

/// The API's `Status.message` for an Invalid error (`errors.NewInvalid`):
/// `Pod "x" is invalid: <error>` or `... is invalid: [<a>, <b>]`.
/// `qualified_kind` is `GroupKind.String()`: `Pod`, `ReplicaSet.apps`.
pub fn status_message(qualified_kind: &str, name: &str, errs: &[FieldError]) -> String {
    let msgs = dedup(errs);
    let agg = match msgs.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("{qualified_kind} {} is invalid: {agg}", q(name))
}

fn dedup(errs: &[FieldError]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    errs.iter()
        .map(|e| e.to_string())
        .filter(|m| seen.insert(m.clone()))
        .collect()
}

/// Validates an object being created (the REST strategy's `Validate`).
/// Namespaced objects must already carry their namespace.
pub fn validate_create(obj: &Object) -> Vec<FieldError> {
    let namespaced = obj.resource().namespaced;
    let mut errs = match obj {
        Object::Namespace(_) => {
            validate_object_meta(obj.meta(), false, NameRule::Label, "metadata")
        }
        _ => validate_object_meta(obj.meta(), namespaced, NameRule::Subdomain, "metadata"),
    };
    match obj {
        Object::Pod(p) => {
            if let Some(spec) = &p.spec {
                errs.extend(pod::validate_pod_spec(spec, "spec", true));
            } else {
                errs.push(required("spec.containers", ""));
            }
        }
        Object::ReplicaSet(rs) => errs.extend(validate_replica_set_spec(rs.spec.as_ref())),
        Object::Deployment(d) => errs.extend(deployment::validate_deployment_spec(
            d.spec.as_ref(),
            |rs| validate_replica_set_spec(Some(rs)),
        )),
        Object::ConfigMap(cm) => {
            let mut total = 0;
            for (k, v) in cm.data.iter().flatten() {
                for m in field::is_config_map_key(k) {
                    errs.push(invalid(field::key("data", k), q(k), m));
                }
                if cm.binary_data.as_ref().is_some_and(|b| b.contains_key(k)) {
                    errs.push(invalid(
                        field::key("data", k),
                        q(k),
                        "duplicate of key present in binaryData",
                    ));
                }
                total += v.len();
            }
            for (k, v) in cm.binary_data.iter().flatten() {
                for m in field::is_config_map_key(k) {
                    errs.push(invalid(field::key("binaryData", k), q(k), m));
                }
                if cm.data.as_ref().is_some_and(|d| d.contains_key(k)) {
                    errs.push(invalid(
                        field::key("binaryData", k),
                        q(k),
                        "duplicate of key present in data",
                    ));
                }
                total += v.0.len();
            }
            if total > MAX_SECRET_SIZE {
                errs.push(too_long("", MAX_SECRET_SIZE));
            }
        }
        Object::Secret(s) => errs.extend(validate_secret(s)),
        Object::Node(n) => {
            for (i, t) in n
                .spec
                .iter()
                .flat_map(|s| s.taints.iter().flatten())
                .enumerate()
            {
                let p = index("spec.taints", i);
                if t.key.is_empty() {
                    errs.push(required(child(&p, "key"), ""));
                } else {
                    errs.extend(
                        is_qualified_name(&t.key)
                            .into_iter()
                            .map(|m| invalid(child(&p, "key"), q(&t.key), m)),
                    );
                }
                if !t.value.as_deref().unwrap_or("").is_empty() {
                    let v = t.value.as_deref().unwrap_or("");
                    errs.extend(
                        is_valid_label_value(v)
                            .into_iter()
                            .map(|m| invalid(child(&p, "value"), q(v), m)),
                    );
                }
                errs.extend(validate_taint_effect(
                    &t.effect,
                    false,
                    &child(&p, "effect"),
                ));
            }
        }
        Object::Job(j) => errs.extend(batch::validate_job(j)),
        Object::CronJob(cj) => errs.extend(batch::validate_cron_job(cj, None)),
        Object::DaemonSet(ds) => errs.extend(apps::validate_daemon_set_spec(ds.spec.as_ref())),
        Object::StatefulSet(s) => errs.extend(apps::validate_stateful_set_spec(s.spec.as_ref())),
        Object::ControllerRevision(cr) => errs.extend(apps::validate_controller_revision(cr)),
        Object::PersistentVolumeClaim(pvc) => {
            errs.extend(apps::validate_persistent_volume_claim_spec(
                pvc.spec.as_ref().unwrap_or(&Default::default()),
                "spec",
            ))
        }
        Object::PodDisruptionBudget(p) => errs.extend(policy::validate_pdb_spec(p.spec.as_ref())),
        Object::PriorityClass(pc) => errs.extend(scheduling::validate_priority_class(pc)),
        Object::HorizontalPodAutoscaler(h) => {
            errs.extend(autoscaling::validate_hpa_spec(h.spec.as_ref()))
        }
        Object::Namespace(_) | Object::Event(_) | Object::ServiceAccount(_) | Object::Lease(_) => {}
    }
    errs
}

/// Validates an update of `old` to `new` (the REST strategy's
/// `ValidateUpdate`): metadata immutables, then the kind's update rules.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let mut errs = validate_object_meta_update(new.meta(), old.meta(), "metadata");
    match (new, old) {
        (Object::Pod(n), Object::Pod(o)) => {
            errs.extend(validate_create(new));
            let default = Default::default();
            errs.extend(pod::validate_pod_update(
                n.spec.as_ref().unwrap_or(&default),
                o.spec.as_ref().unwrap_or(&default),
            ));
        }
        (Object::ReplicaSet(n), Object::ReplicaSet(o)) => {
            errs.extend(validate_replica_set_spec(n.spec.as_ref()));
            // replicaset strategy: the selector is immutable in apps/v1.
            let ns = n.spec.as_ref().map(|s| &s.selector);
            let os = o.spec.as_ref().map(|s| &s.selector);
            if ns != os {
                errs.push(invalid(
                    "spec.selector",
                    go_selector(ns),
                    "field is immutable",
                ));
            }
        }
        (Object::Deployment(n), Object::Deployment(o)) => {
            errs.extend(deployment::validate_deployment_spec(
                n.spec.as_ref(),
                |rs| validate_replica_set_spec(Some(rs)),
            ));
            // deployment strategy (apps/v1): the selector is immutable.
            let ns = n.spec.as_ref().map(|s| &s.selector);
            let os = o.spec.as_ref().map(|s| &s.selector);
            if ns != os {
                errs.push(invalid(
                    "spec.selector",
                    go_selector(ns),
                    "field is immutable",
                ));
            }
        }
        (Object::Job(n), Object::Job(o)) => errs.extend(batch::validate_job_update(n, o)),
        (Object::CronJob(n), Object::CronJob(o)) => {
            errs.extend(batch::validate_cron_job(n, Some(o)))
        }
        (Object::DaemonSet(n), Object::DaemonSet(o)) => {
            errs.extend(apps::validate_daemon_set_update(n, o));
        }
        (Object::StatefulSet(n), Object::StatefulSet(o)) => {
            errs.extend(apps::validate_stateful_set_update(n, o));
        }
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(o)) => {
            errs.extend(apps::validate_persistent_volume_claim_update(n, o));
        }
        (Object::ConfigMap(n), Object::ConfigMap(o)) => {
            errs.extend(immutable_fields(
                o.immutable,
                n.immutable,
                &[
                    ("data", n.data != o.data),
                    ("binaryData", n.binary_data != o.binary_data),
                ],
            ));
            errs.extend(
                validate_create(new)
                    .into_iter()
                    .filter(|e| !e.field.starts_with("metadata")),
            );
        }
        (Object::Secret(n), Object::Secret(o)) => {
            let (nt, ot) = (
                n.type_.as_deref().unwrap_or(""),
                o.type_.as_deref().unwrap_or(""),
            );
            if nt != ot {
                errs.push(invalid("type", q(nt), "field is immutable"));
            }
            errs.extend(immutable_fields(
                o.immutable,
                n.immutable,
                &[("data", n.data != o.data)],
            ));
            errs.extend(validate_secret(n));
        }
        (Object::PriorityClass(n), Object::PriorityClass(o)) => {
            errs.extend(scheduling::validate_priority_class_update(n, o));
            errs.extend(scheduling::validate_priority_class(n));
        }
        _ => errs.extend(
            validate_create(new)
                .into_iter()
                .filter(|e| !e.field.starts_with("metadata")),
        ),
    }
    errs
}

/// ConfigMaps and Secrets marked `immutable: true`: the flag stays and the
/// data does not change (ValidateConfigMapUpdate / ValidateSecretUpdate).
fn immutable_fields(
    old: Option<bool>,
    new: Option<bool>,
    changed: &[(&str, bool)],
) -> Vec<FieldError> {
    const WHY: &str = "field is immutable when `immutable` is set";
    if old != Some(true) {
        return Vec::new();
    }
    let mut errs = Vec::new();
    if new != Some(true) {
        errs.push(forbidden("immutable", WHY));
    }
    for &(field, did_change) in changed {
        if did_change {
            errs.push(forbidden(field, WHY));
        }
    }
    errs
}

/// How an object's name is checked (`ValidateNameFunc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameRule {
    /// `NameIsDNSSubdomain` (pods, replicasets, configmaps, ...).
    Subdomain,
    /// `NameIsDNSLabel` (namespaces).
    Label,
}

fn name_errors(rule: NameRule, name: &str, prefix: bool) -> Vec<String> {
    // MaskTrailingDash: a generateName prefix may end with '-'.
    let name = if prefix && name.len() > 1 {
        name.strip_suffix('-').unwrap_or(name)
    } else {
        name
    };
    match rule {
        NameRule::Subdomain => is_dns1123_subdomain(name),
        NameRule::Label => is_dns1123_label(name),
    }
}

/// `ValidateObjectMeta`.
fn validate_object_meta(
    meta: &ObjectMeta,
    namespaced: bool,
    rule: NameRule,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if !generate_name.is_empty() {
        for m in name_errors(rule, generate_name, true) {
            errs.push(invalid(child(path, "generateName"), q(generate_name), m));
        }
    }
    let name = meta.name.as_deref().unwrap_or("");
    if name.is_empty() {
        errs.push(required(
            child(path, "name"),
            "name or generateName is required",
        ));
    } else {
        for m in name_errors(rule, name, false) {
            errs.push(invalid(child(path, "name"), q(name), m));
        }
    }
    let ns = meta.namespace.as_deref().unwrap_or("");
    if namespaced {
        if ns.is_empty() {
            errs.push(required(child(path, "namespace"), ""));
        } else {
            for m in is_dns1123_label(ns) {
                errs.push(invalid(child(path, "namespace"), q(ns), m));
            }
        }
    } else if !ns.is_empty() {
        errs.push(forbidden(
            child(path, "namespace"),
            "not allowed on this type",
        ));
    }
    if let Some(g) = meta.generation {
        if g < 0 {
            errs.push(invalid(
                child(path, "generation"),
                g.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    // (The field paths are only built when there is something to check.)
    if let Some(labels) = meta.labels.as_ref().filter(|l| !l.is_empty()) {
        errs.extend(validate_labels(Some(labels), &child(path, "labels")));
    }
    if let Some(ann) = meta.annotations.as_ref().filter(|a| !a.is_empty()) {
        errs.extend(validate_annotations(Some(ann), &child(path, "annotations")));
    }
    errs
}

/// `ValidateObjectMetaUpdate`: name, namespace, uid and creationTimestamp are
/// immutable; labels and annotations are revalidated.
fn validate_object_meta_update(new: &ObjectMeta, old: &ObjectMeta, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if new.generation.unwrap_or(0) < old.generation.unwrap_or(0) {
        errs.push(invalid(
            child(path, "generation"),
            new.generation.unwrap_or(0).to_string(),
            "must not be decremented",
        ));
    }
    let immutable = |field: &str, n: Option<&str>, o: Option<&str>, errs: &mut Vec<FieldError>| {
        if n.unwrap_or("") != o.unwrap_or("") {
            errs.push(invalid(
                child(path, field),
                q(n.unwrap_or("")),
                "field is immutable",
            ));
        }
    };
    immutable("name", new.name.as_deref(), old.name.as_deref(), &mut errs);
    immutable(
        "namespace",
        new.namespace.as_deref(),
        old.namespace.as_deref(),
        &mut errs,
    );
    immutable("uid", new.uid.as_deref(), old.uid.as_deref(), &mut errs);
    if new.creation_timestamp != old.creation_timestamp {
        // metav1.Time is a fmt.Stringer: `2006-01-02 15:04:05 +0000 UTC`.
        let shown = new
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string())
            .unwrap_or_else(|| "0001-01-01 00:00:00 +0000 UTC".into());
        errs.push(invalid(
            child(path, "creationTimestamp"),
            shown,
            "field is immutable",
        ));
    }
    errs.extend(validate_labels(new.labels.as_ref(), &child(path, "labels")));
    errs.extend(validate_annotations(
        new.annotations.as_ref(),
        &child(path, "annotations"),
    ));
    errs
}

/// `ValidateLabels`: keys are qualified names, values label values. The
/// path is the map's, without the key, as upstream reports it.
pub fn validate_labels(labels: Option<&BTreeMap<String, String>>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels.into_iter().flatten() {
        errs.extend(
            is_qualified_name(k)
                .into_iter()
                .map(|m| invalid(path, q(k), m)),
        );
        errs.extend(
            is_valid_label_value(v)
                .into_iter()
                .map(|m| invalid(path, q(v), m)),
        );
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names (checked lowercased),
/// and all of them together stay under 256 KiB.
pub fn validate_annotations(
    annotations: Option<&BTreeMap<String, String>>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0;
    for (k, v) in annotations.into_iter().flatten() {
        errs.extend(
            is_qualified_name(&k.to_lowercase())
                .into_iter()
                .map(|m| invalid(path, q(k), m)),
        );
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// `ValidateLabelSelector`.
pub(crate) fn validate_label_selector(sel: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, r) in sel.match_expressions.iter().flatten().enumerate() {
        let p = index(&child(path, "matchExpressions"), i);
        let values = r.values.as_ref().map_or(0, Vec::len);
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if values == 0 {
                    errs.push(required(
                        child(&p, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if values > 0 {
                    errs.push(forbidden(
                        child(&p, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(invalid(
                child(&p, "operator"),
                q(other),
                "not a valid selector operator",
            )),
        }
        errs.extend(
            is_qualified_name(&r.key)
                .into_iter()
                .map(|m| invalid(child(&p, "key"), q(&r.key), m)),
        );
    }
    errs.extend(validate_labels(
        sel.match_labels.as_ref(),
        &child(path, "matchLabels"),
    ));
    errs
}

/// Whether a label selector matches a label set (`LabelSelectorAsSelector`
/// then `Matches`). `None` is `labels.Nothing()`.
pub fn selector_matches(
    sel: Option<&LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(sel) = sel else { return false };
    let get = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v.as_str()));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|r| {
        let vals = r.values.as_deref().unwrap_or(&[]);
        match r.operator.as_str() {
            "In" => get(&r.key).is_some_and(|v| vals.iter().any(|x| x == v)),
            "NotIn" => get(&r.key).is_none_or(|v| !vals.iter().any(|x| x == v)),
            "Exists" => get(&r.key).is_some(),
            "DoesNotExist" => get(&r.key).is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// Go's `%#v` of a `metav1.LabelSelector` (dereferenced, as `ErrorBody` does).
fn go_selector(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else { return "null".into() };
    let exprs = match &sel.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(v) => {
            let items: Vec<String> = v
                .iter()
                .map(|r| {
                    let vals = match &r.values {
                        None => "[]string(nil)".to_string(),
                        Some(v) => format!(
                            "[]string{{{}}}",
                            v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{vals}}}",
                        q(&r.key),
                        q(&r.operator)
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_map(sel.match_labels.as_ref())
    )
}

/// `ValidateReplicaSetSpec` and `ValidatePodTemplateSpecForReplicaSet`.
fn validate_replica_set_spec(spec: Option<&crate::api::apps::ReplicaSetSpec>) -> Vec<FieldError> {
    let default = Default::default();
    let spec = spec.unwrap_or(&default);
    let mut errs = Vec::new();
    let replicas = spec.replicas.unwrap_or(0);
    if replicas < 0 {
        errs.push(invalid(
            "spec.replicas",
            replicas.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(m) = spec.min_ready_seconds {
        if m < 0 {
            errs.push(invalid(
                "spec.minReadySeconds",
                m.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    // k8s-openapi makes `selector` required; decode zero-fills a missing one
    // as `{}`, which is how Go's `nil` pointer shows up here.
    let selector =
        Some(&spec.selector).filter(|s| s.match_labels.is_some() || s.match_expressions.is_some());
    match selector {
        None => errs.push(required("spec.selector", "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, "spec.selector"));
            let n = sel.match_labels.as_ref().map_or(0, BTreeMap::len)
                + sel.match_expressions.as_ref().map_or(0, Vec::len);
            if n == 0 {
                errs.push(invalid(
                    "spec.selector",
                    go_selector(Some(sel)),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    let Some(template) = &spec.template else {
        errs.push(required("spec.template", ""));
        return errs;
    };
    let tmeta = template.metadata.clone().unwrap_or_default();
    // An empty (but present) selector is `labels.Everything()`: it matches.
    let empty = selector.is_some_and(|s| {
        s.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
            && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
    });
    if !empty && !selector_matches(selector, tmeta.labels.as_ref()) {
        errs.push(invalid(
            "spec.template.metadata.labels",
            go_map(tmeta.labels.as_ref()),
            "`selector` does not match template `labels`",
        ));
    }
    // ValidatePodTemplateSpec: note upstream's `spec.template.labels` path.
    errs.extend(validate_labels(
        tmeta.labels.as_ref(),
        "spec.template.labels",
    ));
    errs.extend(validate_annotations(
        tmeta.annotations.as_ref(),
        "spec.template.annotations",
    ));
    let pdefault = Default::default();
    let pspec = template.spec.as_ref().unwrap_or(&pdefault);
    errs.extend(pod::validate_pod_spec(pspec, "spec.template.spec", false));
    let rp = pspec.restart_policy.as_deref().unwrap_or("");
    if rp != "Always" {
        errs.push(not_supported(
            "spec.template.spec.restartPolicy",
            q(rp),
            &["Always"],
        ));
    }
    if let Some(a) = pspec.active_deadline_seconds {
        errs.push(invalid(
            "spec.template.spec.activeDeadlineSeconds",
            a.to_string(),
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

/// `ValidateSecret`.
fn validate_secret(s: &crate::api::core::Secret) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0;
    let data = s.data.clone().unwrap_or_default();
    for (k, v) in &data {
        for m in field::is_config_map_key(k) {
            errs.push(invalid(field::key("data", k), q(k), m));
        }
        total += v.0.len();
    }
    if total > MAX_SECRET_SIZE {
        errs.push(too_long("data", MAX_SECRET_SIZE));
    }
    let need = |keys: &[&str], errs: &mut Vec<FieldError>| {
        for k in keys {
            if !data.contains_key(*k) {
                errs.push(required(field::key("data", k), ""));
            }
        }
    };
    match s.type_.as_deref().unwrap_or("") {
        "kubernetes.io/service-account-token" => {
            let has = s.metadata.annotations.as_ref().is_some_and(|a| {
                a.get("kubernetes.io/service-account.name")
                    .is_some_and(|v| !v.is_empty())
            });
            if !has {
                errs.push(required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => need(&[".dockercfg"], &mut errs),
        "kubernetes.io/dockerconfigjson" => need(&[".dockerconfigjson"], &mut errs),
        "kubernetes.io/tls" => need(&["tls.crt", "tls.key"], &mut errs),
        "kubernetes.io/ssh-auth" => need(&["ssh-privatekey"], &mut errs),
        "kubernetes.io/basic-auth" => {
            if !data.contains_key("username") && !data.contains_key("password") {
                errs.push(required("data[username]", ""));
                errs.push(required("data[password]", ""));
            }
        }
        "" => {}
        t => {
            for m in is_qualified_name(t) {
                errs.push(invalid("type", q(t), m));
            }
        }
    }
    errs
}

/// `validateTaintEffect`.
fn validate_taint_effect(effect: &str, allow_empty: bool, path: &str) -> Vec<FieldError> {
    match effect {
        "" if allow_empty => vec![],
        "" => vec![required(path, "")],
        "NoSchedule" | "PreferNoSchedule" | "NoExecute" => vec![],
        other => vec![not_supported(
            path,
            q(other),
            &["NoSchedule", "PreferNoSchedule", "NoExecute"],
        )],
    }
}

#[cfg(test)]
mod tests;
