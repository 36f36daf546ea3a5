//! A StatefulSet pod's identity and storage (pkg/controller/statefulset/
//! stateful_set_utils.go: `getPodName`, `getParentNameAndOrdinal`,
//! `newStatefulSetPod`, `initIdentity`, `updateStorage`,
//! `getPersistentVolumeClaims`, `isRunningAndReady`, ...).

use crate::api::{apps, core, podutil};
use crate::controller::controller_utils::get_pod_from_template;
use crate::controller::history;
use std::collections::BTreeMap;

/// The label with the pod's name (`statefulset.kubernetes.io/pod-name`).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The label with the pod's ordinal (`apps.kubernetes.io/pod-index`).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// `getPodName`: `<set>-<ordinal>`.
pub fn pod_name(set: &str, ordinal: i32) -> String {
    format!("{set}-{ordinal}")
}

/// `getParentNameAndOrdinal`: the ordinal of a pod named `<set>-<n>`.
pub fn ordinal_of(set: &str, pod: &str) -> Option<i32> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// The claims a pod of ordinal `ordinal` uses, keyed by template name
/// (`getPersistentVolumeClaims`): template labels plus the selector's
/// matchLabels; no owner while the retention policy is Retain.
pub fn claims_for(
    set: &apps::StatefulSet,
    ordinal: i32,
) -> BTreeMap<String, core::PersistentVolumeClaim> {
    let name = set.metadata.name.as_deref().unwrap_or("");
    let spec = set.spec.as_ref();
    let selector_labels = spec
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for t in spec
        .and_then(|s| s.volume_claim_templates.as_ref())
        .into_iter()
        .flatten()
    {
        let tname = t.metadata.name.clone().unwrap_or_default();
        let mut claim = t.clone();
        claim.metadata.name = Some(claim_name(&tname, name, ordinal));
        claim.metadata.namespace = set.metadata.namespace.clone();
        let labels = claim.metadata.labels.get_or_insert_with(BTreeMap::new);
        labels.extend(selector_labels.clone());
        claim.status = None;
        out.insert(tname, claim);
    }
    out
}

/// `newStatefulSetPod`: the pod of `ordinal` from `set`'s template with its
/// identity (name, labels, hostname, subdomain), its claims as volumes and
/// the revision label.
pub fn new_pod(set: &apps::StatefulSet, ordinal: i32, revision: &str) -> core::Pod {
    let none = apps::StatefulSetSpec::default();
    let spec = set.spec.as_ref().unwrap_or(&none);
    let owner = history::owner_ref("StatefulSet", &set.metadata);
    let mut pod = get_pod_from_template(&spec.template, &set.metadata, owner);
    let mut pspec = pod.spec.take().unwrap_or_default();
    let name = pod_name(set.metadata.name.as_deref().unwrap_or(""), ordinal);
    let mut labels = pod.metadata.labels.take().unwrap_or_default();
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    labels.insert(history::CONTROLLER_REVISION_HASH.into(), revision.into());
    // updateStorage: each claim template becomes (or replaces) a volume.
    let claims = claims_for(set, ordinal);
    if !claims.is_empty() {
        let mut volumes: Vec<core::Volume> = pspec
            .volumes
            .take()
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !claims.contains_key(&v.name))
            .collect();
        let mut new_volumes: Vec<core::Volume> = claims
            .iter()
            .map(|(tname, c)| core::Volume {
                name: tname.clone(),
                persistent_volume_claim: Some(core::PersistentVolumeClaimVolumeSource {
                    claim_name: c.metadata.name.clone().unwrap_or_default(),
                    read_only: None,
                }),
                ..Default::default()
            })
            .collect();
        new_volumes.append(&mut volumes);
        pspec.volumes = Some(new_volumes);
    }
    pspec.hostname = Some(name.clone());
    pspec.subdomain = spec.service_name.clone().filter(|s| !s.is_empty());
    // The pod has its identity's name, not a generated one.
    pod.metadata.generate_name = None;
    pod.metadata.name = Some(name);
    pod.metadata.labels = Some(labels);
    pod.spec = Some(pspec);
    pod
}

/// `isCreated` is implied by having a stored pod; `isRunningAndReady`.
pub fn is_running_and_ready(p: &core::Pod) -> bool {
    podutil::phase(p) == "Running" && podutil::is_ready(p)
}

/// `isTerminating`.
pub fn is_terminating(p: &core::Pod) -> bool {
    p.metadata.deletion_timestamp.is_some()
}

/// `isHealthy`: running, ready and not terminating.
pub fn is_healthy(p: &core::Pod) -> bool {
    is_running_and_ready(p) && !is_terminating(p)
}

/// `getPodRevision`.
pub fn pod_revision(p: &core::Pod) -> &str {
    p.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(history::CONTROLLER_REVISION_HASH))
        .map(String::as_str)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_only_from_set_name_dash_number() {
        assert_eq!(ordinal_of("web", "web-0"), Some(0));
        assert_eq!(ordinal_of("web", "web-12"), Some(12));
        assert_eq!(ordinal_of("web", "web-x"), None);
        assert_eq!(ordinal_of("web", "webby-1"), None);
        assert_eq!(ordinal_of("web", "web-"), None);
        assert_eq!(claim_name("www", "web", 2), "www-web-2");
    }
}
