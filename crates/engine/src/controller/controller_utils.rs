//! Helpers the workload controllers share, as upstream keeps them in
//! `pkg/controller/controller_utils.go` (and `metav1.NewControllerRef`).

use crate::api::{core, meta};

/// `metav1.NewControllerRef`: the ownerReference a controller puts on what
/// it creates (`controller: true`, `blockOwnerDeletion: true`).
pub fn new_controller_ref(
    api_version: &str,
    kind: &str,
    owner: &meta::ObjectMeta,
) -> meta::OwnerReference {
    meta::OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: owner.name.clone().unwrap_or_default(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `controller.GetPodFromTemplate`: a pod of `parent` from `template` — its
/// labels, annotations, finalizers and spec, `generateName` `<parent>-`, in
/// the parent's namespace, owned through `controller_ref`. Controllers then
/// add their own identity (a StatefulSet names the pod, a Job adds its
/// tracking finalizer, ...).
pub fn get_pod_from_template(
    template: &core::PodTemplateSpec,
    parent: &meta::ObjectMeta,
    controller_ref: meta::OwnerReference,
) -> core::Pod {
    let tm = template.metadata.as_ref();
    core::Pod {
        metadata: meta::ObjectMeta {
            generate_name: Some(format!("{}-", parent.name.as_deref().unwrap_or(""))),
            namespace: parent.namespace.clone(),
            labels: tm.and_then(|m| m.labels.clone()),
            annotations: tm.and_then(|m| m.annotations.clone()),
            finalizers: tm.and_then(|m| m.finalizers.clone()),
            owner_references: Some(vec![controller_ref]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_from_template_copies_the_template_and_owns_the_pod() {
        let template: core::PodTemplateSpec = serde_json::from_value(json!({
            "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}, "finalizers": ["x/y"]},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        }))
        .unwrap();
        let parent = meta::ObjectMeta {
            name: Some("web-7d4b9c".into()),
            namespace: Some("prod".into()),
            uid: Some("u-1".into()),
            ..Default::default()
        };
        let r = new_controller_ref("apps/v1", "ReplicaSet", &parent);
        let p = get_pod_from_template(&template, &parent, r.clone());
        assert_eq!(p.metadata.generate_name.as_deref(), Some("web-7d4b9c-"));
        assert_eq!(p.metadata.namespace.as_deref(), Some("prod"));
        assert_eq!(
            p.metadata.labels,
            template.metadata.as_ref().unwrap().labels
        );
        assert_eq!(
            p.metadata.annotations,
            template.metadata.as_ref().unwrap().annotations
        );
        assert_eq!(p.metadata.finalizers, Some(vec!["x/y".to_string()]));
        assert_eq!(p.metadata.owner_references, Some(vec![r.clone()]));
        assert_eq!(p.spec, template.spec);
        assert_eq!(
            (r.controller, r.block_owner_deletion),
            (Some(true), Some(true))
        );
        assert_eq!((r.name.as_str(), r.uid.as_str()), ("web-7d4b9c", "u-1"));
    }
}
