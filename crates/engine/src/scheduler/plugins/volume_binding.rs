//! VolumeBinding's PreFilter, the part that needs no PersistentVolumes
//! (pkg/scheduler/framework/plugins/volumebinding/volume_binding.go,
//! `PreFilter` → `GetPodVolumeClaims`): a pod whose claim does not exist,
//! or is not bound and would be bound immediately, cannot be scheduled.
//!
//! Without StorageClass objects every claim binds "immediately" (upstream's
//! `IsDelayBindingMode` is false when the class is empty or not found), so
//! until a PersistentVolume controller binds claims, a pod using one stays
//! Pending with `pod has unbound immediate PersistentVolumeClaims`.
//! Not modelled yet: PersistentVolumes, WaitForFirstConsumer, node
//! affinity of volumes, the Filter/Reserve/PreBind extension points.

use crate::api::core::{PersistentVolumeClaim, Pod};

/// The plugin's name.
pub const NAME: &str = "VolumeBinding";
/// The PreFilter reason for claims not yet bound.
pub const UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";

/// The PreFilter verdict: `None` if the pod's claims allow scheduling, or
/// the UnschedulableAndUnresolvable reason. `claim` looks a claim up by
/// name in the pod's namespace.
pub fn pre_filter<'a>(
    pod: &Pod,
    claim: impl Fn(&str) -> Option<&'a PersistentVolumeClaim>,
) -> Option<String> {
    let mut unbound = false;
    for v in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        let Some(src) = &v.persistent_volume_claim else {
            continue;
        };
        let Some(c) = claim(&src.claim_name) else {
            return Some(format!(
                "persistentvolumeclaim \"{}\" not found",
                src.claim_name
            ));
        };
        if c.metadata.deletion_timestamp.is_some() {
            return Some(format!(
                "persistentvolumeclaim \"{}\" is being deleted",
                src.claim_name
            ));
        }
        let bound = c
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        if !bound {
            unbound = true;
        }
    }
    unbound.then(|| UNBOUND_IMMEDIATE.to_string())
}

/// The FitError of a PreFilter rejection: every node gets the status, and
/// DefaultPreemption finds preemption not helpful on any of them.
pub fn fit_error(num_all_nodes: usize, reason: String) -> crate::scheduler::FitError {
    use crate::scheduler::framework::{Code, Diagnosis, Status};
    let status = Status::new(Code::UnschedulableAndUnresolvable, NAME, reason.clone());
    let mut diagnosis = Diagnosis {
        pre_filter_msg: reason,
        post_filter_msg: format!(
            "preemption: 0/{num_all_nodes} nodes are available: {num_all_nodes} {}.",
            super::default_preemption::NOT_HELPFUL
        ),
        ..Default::default()
    };
    diagnosis.unschedulable_plugins.insert(NAME);
    diagnosis.absent_nodes_status = status;
    crate::scheduler::FitError {
        num_all_nodes,
        diagnosis,
        post_filter_result: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{
        PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PodSpec, Volume,
    };
    use crate::api::meta::ObjectMeta;

    fn pod_with_claim(name: &str) -> Pod {
        Pod {
            spec: Some(PodSpec {
                volumes: Some(vec![Volume {
                    name: "data".into(),
                    persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                        claim_name: name.into(),
                        read_only: None,
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn missing_unbound_and_bound_claims() {
        let unbound = PersistentVolumeClaim {
            metadata: ObjectMeta::default(),
            spec: Some(PersistentVolumeClaimSpec::default()),
            status: None,
        };
        let mut bound = unbound.clone();
        bound.spec.as_mut().unwrap().volume_name = Some("pv-1".into());
        let p = pod_with_claim("www-web-0");
        assert_eq!(
            pre_filter(&p, |_| None).as_deref(),
            Some("persistentvolumeclaim \"www-web-0\" not found")
        );
        assert_eq!(
            pre_filter(&p, |_| Some(&unbound)).as_deref(),
            Some(UNBOUND_IMMEDIATE)
        );
        assert_eq!(pre_filter(&p, |_| Some(&bound)), None);
        assert_eq!(pre_filter(&Pod::default(), |_| None), None);
    }
}
