//! Scheme defaulting of DaemonSet, StatefulSet and PersistentVolumeClaim as
//! v1.32 applies it (pkg/apis/apps/v1/defaults.go `SetDefaults_DaemonSet`,
//! `SetDefaults_StatefulSet`; pkg/apis/core/v1/defaults.go
//! `SetDefaults_PersistentVolumeClaim`, `SetDefaults_PersistentVolumeClaimSpec`).

use super::default_pod_spec;
use crate::api::{apps, core, Object};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `SetDefaults_DaemonSet`: RollingUpdate with maxUnavailable 1 and
/// maxSurge 0, revisionHistoryLimit 10.
pub fn default_daemon_set(ds: &mut apps::DaemonSet) {
    let spec = ds.spec.get_or_insert_with(Default::default);
    default_pod_spec(spec.template.spec.get_or_insert_with(Default::default));
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    if strategy.type_.as_deref().unwrap_or("").is_empty() {
        strategy.type_ = Some("RollingUpdate".into());
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        if ru.max_unavailable.is_none() {
            ru.max_unavailable = Some(IntOrString::Int(1));
        }
        if ru.max_surge.is_none() {
            ru.max_surge = Some(IntOrString::Int(0));
        }
    }
    if spec.revision_history_limit.is_none() {
        spec.revision_history_limit = Some(10);
    }
}

/// `SetDefaults_StatefulSet`: OrderedReady, RollingUpdate with partition 0,
/// PVC retention Retain/Retain, replicas 1, revisionHistoryLimit 10, and the
/// claim templates defaulted as claims.
pub fn default_stateful_set(sts: &mut apps::StatefulSet) {
    let spec = sts.spec.get_or_insert_with(Default::default);
    default_pod_spec(spec.template.spec.get_or_insert_with(Default::default));
    if spec
        .pod_management_policy
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        spec.pod_management_policy = Some("OrderedReady".into());
    }
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    if strategy.type_.as_deref().unwrap_or("").is_empty() {
        strategy.type_ = Some("RollingUpdate".into());
        if strategy.rolling_update.is_none() {
            strategy.rolling_update = Some(Default::default());
        }
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        if let Some(ru) = strategy.rolling_update.as_mut() {
            if ru.partition.is_none() {
                ru.partition = Some(0);
            }
        }
    }
    let policy = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(Default::default);
    for field in [&mut policy.when_deleted, &mut policy.when_scaled] {
        if field.as_deref().unwrap_or("").is_empty() {
            *field = Some("Retain".into());
        }
    }
    if spec.replicas.is_none() {
        spec.replicas = Some(1);
    }
    if spec.revision_history_limit.is_none() {
        spec.revision_history_limit = Some(10);
    }
    for claim in spec.volume_claim_templates.iter_mut().flatten() {
        default_persistent_volume_claim(claim);
    }
}

/// `SetDefaults_PersistentVolumeClaim` (phase Pending) and
/// `SetDefaults_PersistentVolumeClaimSpec` (volumeMode Filesystem).
pub fn default_persistent_volume_claim(pvc: &mut core::PersistentVolumeClaim) {
    let spec = pvc.spec.get_or_insert_with(Default::default);
    if spec.volume_mode.is_none() {
        spec.volume_mode = Some("Filesystem".into());
    }
    let status = pvc.status.get_or_insert_with(Default::default);
    if status.phase.as_deref().unwrap_or("").is_empty() {
        status.phase = Some("Pending".into());
    }
}

/// The DaemonSet strategy's template generation (pkg/registry/apps/daemonset
/// `PrepareForCreate`/`PrepareForUpdate`), which apps/v1 shows as the
/// `deprecated.daemonset.template.generation` annotation: 1 on create, one
/// more whenever the pod template changes.
pub fn daemon_set_template_generation(new: &mut Object, old: Option<&Object>) {
    const KEY: &str = "deprecated.daemonset.template.generation";
    let Object::DaemonSet(ds) = new else { return };
    let generation = match old {
        Some(Object::DaemonSet(o)) => {
            let prev: i64 = o
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(KEY))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let template = |d: &apps::DaemonSet| d.spec.as_ref().map(|s| s.template.clone());
            if template(ds) != template(o) {
                prev + 1
            } else {
                prev
            }
        }
        _ => 1,
    };
    ds.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(KEY.into(), generation.to_string());
}
