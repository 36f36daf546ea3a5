//! DaemonSet, StatefulSet, ControllerRevision and PersistentVolumeClaim
//! validation (pkg/apis/apps/validation/validation.go:
//! `ValidateDaemonSetSpec`, `ValidateDaemonSetUpdateStrategy`,
//! `ValidateStatefulSetSpec`, `ValidateStatefulSetUpdate`,
//! `ValidateControllerRevision`; pkg/apis/core/validation/validation.go:
//! `ValidatePersistentVolumeClaimSpec`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{child, go_map, index, invalid, not_supported, q, required, FieldError};
use super::{forbidden, validate_labels};
use super::{go_selector, pod, selector_matches, validate_annotations, validate_label_selector};
use crate::api::core::{PersistentVolumeClaimSpec, PodTemplateSpec, Volume};
use crate::api::meta::LabelSelector;
use crate::api::{apps, core, quantity};

fn nonnegative(v: i64, path: &str, errs: &mut Vec<FieldError>) {
    if v < 0 {
        errs.push(invalid(
            path,
            v.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// The selector checks shared by the workload kinds: required, valid, not
/// empty, and matching the template's labels.
fn validate_selector_and_template_labels(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    kind: &str,
    errs: &mut Vec<FieldError>,
) {
    // k8s-openapi makes `selector` required; decode zero-fills a missing
    // one as `{}`, which is how Go's `nil` pointer shows up here.
    let selector = selector.filter(|s| s.match_labels.is_some() || s.match_expressions.is_some());
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
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
                    format!("empty selector is invalid for {kind}"),
                ));
            }
        }
    }
    let empty = selector.is_some_and(|s| {
        s.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
            && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
    });
    if !empty && !selector_matches(selector, labels) {
        errs.push(invalid(
            "spec.template.metadata.labels",
            go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
}

/// `ValidatePodTemplateSpec` for a workload's template, plus the workload
/// rules: restartPolicy Always, no activeDeadlineSeconds. `extra_volumes`
/// are volumes the workload adds (a StatefulSet's claim templates).
fn validate_workload_template(
    template: &PodTemplateSpec,
    kind: &str,
    extra_volumes: &[Volume],
    errs: &mut Vec<FieldError>,
) {
    let tmeta = template.metadata.clone().unwrap_or_default();
    errs.extend(validate_labels(
        tmeta.labels.as_ref(),
        "spec.template.labels",
    ));
    errs.extend(validate_annotations(
        tmeta.annotations.as_ref(),
        "spec.template.annotations",
    ));
    let mut pspec = template.spec.clone().unwrap_or_default();
    if !extra_volumes.is_empty() {
        pspec
            .volumes
            .get_or_insert_with(Vec::new)
            .extend(extra_volumes.iter().cloned());
    }
    errs.extend(pod::validate_pod_spec(&pspec, "spec.template.spec", false));
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
            format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
}

fn int_or_percent(v: &IntOrString) -> (i64, bool) {
    match v {
        IntOrString::Int(i) => (i64::from(*i), false),
        IntOrString::String(s) => (
            s.strip_suffix('%')
                .and_then(|n| n.parse().ok())
                .unwrap_or(-1),
            true,
        ),
    }
}

fn show(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => q(s),
    }
}

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`.
fn validate_int_or_percent(v: &IntOrString, path: &str, errs: &mut Vec<FieldError>) {
    if let IntOrString::String(s) = v {
        // Upstream's regex is `[0-9]+%`: no sign, no empty number.
        let digits = s.strip_suffix('%');
        if !digits.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            errs.push(invalid(
                path,
                q(s),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            ));
            return;
        }
    }
    let (n, pct) = int_or_percent(v);
    if n < 0 {
        errs.push(invalid(path, show(v), "must be greater than or equal to 0"));
    }
    if pct && n > 100 {
        errs.push(invalid(path, show(v), "must not be greater than 100%"));
    }
}

/// `ValidateDaemonSetSpec`.
pub(super) fn validate_daemon_set_spec(spec: Option<&apps::DaemonSetSpec>) -> Vec<FieldError> {
    let default = Default::default();
    let spec = spec.unwrap_or(&default);
    let mut errs = Vec::new();
    validate_selector_and_template_labels(
        Some(&spec.selector),
        &spec.template,
        "daemonset",
        &mut errs,
    );
    validate_workload_template(&spec.template, "DaemonSet", &[], &mut errs);
    nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        &mut errs,
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let p = "spec.updateStrategy";
    match strategy.type_.as_deref().unwrap_or("") {
        "OnDelete" => {}
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(required(child(p, "rollingUpdate"), "")),
            Some(ru) => {
                let rp = child(p, "rollingUpdate");
                let zero = IntOrString::Int(0);
                let mu = ru.max_unavailable.as_ref().unwrap_or(&zero);
                let ms = ru.max_surge.as_ref().unwrap_or(&zero);
                validate_int_or_percent(mu, &child(&rp, "maxUnavailable"), &mut errs);
                validate_int_or_percent(ms, &child(&rp, "maxSurge"), &mut errs);
                let (mun, msn) = (int_or_percent(mu).0, int_or_percent(ms).0);
                if mun == 0 && msn == 0 {
                    errs.push(invalid(
                        child(&rp, "maxUnavailable"),
                        show(mu),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                if mun != 0 && msn != 0 {
                    errs.push(invalid(
                        child(&rp, "maxSurge"),
                        show(ms),
                        "may not be set when maxUnavailable is non-zero",
                    ));
                }
            }
        },
        other => errs.push(not_supported(
            child(p, "type"),
            q(other),
            &["OnDelete", "RollingUpdate"],
        )),
    }
    if let Some(r) = spec.revision_history_limit {
        nonnegative(i64::from(r), "spec.revisionHistoryLimit", &mut errs);
    }
    errs
}

/// `ValidateDaemonSetUpdate`: the selector is immutable.
pub(super) fn validate_daemon_set_update(
    new: &apps::DaemonSet,
    old: &apps::DaemonSet,
) -> Vec<FieldError> {
    let mut errs = validate_daemon_set_spec(new.spec.as_ref());
    let ns = new.spec.as_ref().map(|s| &s.selector);
    let os = old.spec.as_ref().map(|s| &s.selector);
    if ns != os {
        errs.push(invalid(
            "spec.selector",
            go_selector(ns),
            "field is immutable",
        ));
    }
    errs
}

/// `ValidateStatefulSetSpec`.
pub(super) fn validate_stateful_set_spec(spec: Option<&apps::StatefulSetSpec>) -> Vec<FieldError> {
    let default = Default::default();
    let spec = spec.unwrap_or(&default);
    let mut errs = Vec::new();
    match spec.pod_management_policy.as_deref().unwrap_or("") {
        "OrderedReady" | "Parallel" => {}
        "" => errs.push(required("spec.podManagementPolicy", "")),
        other => errs.push(invalid(
            "spec.podManagementPolicy",
            q(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("") {
        "" => errs.push(required("spec.updateStrategy", "")),
        "OnDelete" => {
            if strategy.rolling_update.is_some() {
                errs.push(invalid(
                    "spec.updateStrategy.rollingUpdate",
                    "{}",
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(p) = strategy.rolling_update.as_ref().and_then(|r| r.partition) {
                nonnegative(
                    i64::from(p),
                    "spec.updateStrategy.rollingUpdate.partition",
                    &mut errs,
                );
            }
        }
        other => errs.push(invalid(
            "spec.updateStrategy",
            q(other),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        for (name, v) in [
            ("whenDeleted", &policy.when_deleted),
            ("whenScaled", &policy.when_scaled),
        ] {
            let v = v.as_deref().unwrap_or("");
            if v != "Retain" && v != "Delete" {
                errs.push(not_supported(
                    child("spec.persistentVolumeClaimRetentionPolicy", name),
                    q(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    nonnegative(
        i64::from(spec.replicas.unwrap_or(0)),
        "spec.replicas",
        &mut errs,
    );
    nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        &mut errs,
    );
    if let Some(o) = &spec.ordinals {
        nonnegative(
            i64::from(o.start.unwrap_or(0)),
            "spec.ordinals.start",
            &mut errs,
        );
    }
    validate_selector_and_template_labels(
        Some(&spec.selector),
        &spec.template,
        "statefulset",
        &mut errs,
    );
    // The claim templates are volumes of every pod: mounts may name them.
    let claims: Vec<Volume> = spec
        .volume_claim_templates
        .iter()
        .flatten()
        .map(|c| Volume {
            name: c.metadata.name.clone().unwrap_or_default(),
            persistent_volume_claim: Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: c.metadata.name.clone().unwrap_or_default(),
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    validate_workload_template(&spec.template, "StatefulSet", &claims, &mut errs);
    for (i, c) in spec.volume_claim_templates.iter().flatten().enumerate() {
        let p = index("spec.volumeClaimTemplates", i);
        let default = Default::default();
        errs.extend(validate_persistent_volume_claim_spec(
            c.spec.as_ref().unwrap_or(&default),
            &child(&p, "spec"),
        ));
    }
    if let Some(r) = spec.revision_history_limit {
        nonnegative(i64::from(r), "spec.revisionHistoryLimit", &mut errs);
    }
    errs
}

/// `ValidateStatefulSetUpdate`: only some spec fields may change.
pub(super) fn validate_stateful_set_update(
    new: &apps::StatefulSet,
    old: &apps::StatefulSet,
) -> Vec<FieldError> {
    let mut errs = validate_stateful_set_spec(new.spec.as_ref());
    let strip = |s: Option<&apps::StatefulSetSpec>| {
        let mut s = s.cloned().unwrap_or_default();
        s.replicas = None;
        s.ordinals = None;
        s.template = Default::default();
        s.update_strategy = None;
        s.persistent_volume_claim_retention_policy = None;
        s.min_ready_seconds = None;
        s
    };
    if strip(new.spec.as_ref()) != strip(old.spec.as_ref()) {
        errs.push(forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    errs
}

/// `ValidateControllerRevision`: `revision` must not be negative.
pub(super) fn validate_controller_revision(cr: &apps::ControllerRevision) -> Vec<FieldError> {
    let mut errs = Vec::new();
    nonnegative(cr.revision, "revision", &mut errs);
    errs
}

/// `ValidatePersistentVolumeClaimSpec`: access modes and a storage request.
pub(super) fn validate_persistent_volume_claim_spec(
    spec: &PersistentVolumeClaimSpec,
    path: &str,
) -> Vec<FieldError> {
    const MODES: &[&str] = &[
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOnce",
        "ReadWriteOncePod",
    ];
    let mut errs = Vec::new();
    let modes = spec.access_modes.clone().unwrap_or_default();
    let am = child(path, "accessModes");
    if modes.is_empty() {
        errs.push(required(am.clone(), "at least 1 access mode is required"));
    }
    for m in &modes {
        if !MODES.contains(&m.as_str()) {
            errs.push(not_supported(am.clone(), q(m), MODES));
        }
    }
    if modes.iter().any(|m| m == "ReadWriteOncePod") && modes.len() > 1 {
        errs.push(forbidden(
            am.clone(),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    let storage = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    let rp = format!("{}[storage]", child(path, "resources"));
    match storage {
        None => errs.push(required(rp, "")),
        Some(qty) => {
            if quantity::bytes(&qty.0) <= 0 {
                errs.push(invalid(rp, q(&qty.0), "must be greater than zero"));
            }
        }
    }
    if let Some(vm) = spec.volume_mode.as_deref() {
        if vm != "Block" && vm != "Filesystem" {
            errs.push(not_supported(
                child(path, "volumeMode"),
                q(vm),
                &["Block", "Filesystem"],
            ));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaimUpdate`: the spec is immutable, except
/// `resources.requests` and `volumeAttributesClassName` of a bound claim.
/// (Upstream appends a diff of the two specs to the message; not here.)
pub(super) fn validate_persistent_volume_claim_update(
    new: &core::PersistentVolumeClaim,
    old: &core::PersistentVolumeClaim,
) -> Vec<FieldError> {
    let mut errs = validate_persistent_volume_claim_spec(
        new.spec.as_ref().unwrap_or(&Default::default()),
        "spec",
    );
    let bound = old
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .is_some_and(|v| !v.is_empty());
    let strip = |s: Option<&PersistentVolumeClaimSpec>| {
        let mut s = s.cloned().unwrap_or_default();
        if bound {
            if let Some(r) = s.resources.as_mut() {
                r.requests = None;
            }
            s.volume_attributes_class_name = None;
        }
        s
    };
    if strip(new.spec.as_ref()) != strip(old.spec.as_ref()) {
        errs.push(forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
    }
    errs
}
