//! Pod helpers shared by controllers, the kubelet and kubectl
//! (k8s.io/kubernetes/pkg/api/v1/pod and pkg/controller's pod helpers).

use crate::api::core::{Pod, PodCondition};
use crate::api::meta::{ObjectMeta, OwnerReference};

/// `status.phase` (`Pending` when unset).
pub fn phase(p: &Pod) -> &str {
    p.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// The node the pod is bound to.
pub fn node_name(p: &Pod) -> Option<&str> {
    p.spec.as_ref()?.node_name.as_deref()
}

/// A condition of the pod's status.
pub fn condition<'a>(p: &'a Pod, type_: &str) -> Option<&'a PodCondition> {
    p.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

/// Whether the Ready condition is True.
pub fn is_ready(p: &Pod) -> bool {
    condition(p, "Ready").is_some_and(|c| c.status == "True")
}

/// Controllers count a pod as active while it is neither finished nor being
/// deleted (`controller.IsPodActive`).
pub fn is_active(p: &Pod) -> bool {
    let ph = phase(p);
    ph != "Succeeded" && ph != "Failed" && p.metadata.deletion_timestamp.is_none()
}

/// The pod's controller ownerReference UID.
pub fn controller_uid(p: &Pod) -> Option<&str> {
    get_controller_of(&p.metadata).map(|r| r.uid.as_str())
}

/// `metav1.IsControlledBy`: whether the controller ref points at `owner_uid`.
pub fn is_controlled_by(m: &ObjectMeta, owner_uid: &str) -> bool {
    get_controller_of(m).is_some_and(|r| r.uid == owner_uid)
}

/// `metav1.GetControllerOf`: the ownerReference with `controller: true`, if
/// any (validation allows at most one).
pub fn get_controller_of(m: &ObjectMeta) -> Option<&OwnerReference> {
    m.owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true))
}
