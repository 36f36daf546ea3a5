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

/// The writes of `PodControllerRefManager.ClaimPods`
/// (controller_ref_manager.go `ClaimObject`): releases the pods `owner`
/// controls whose labels no longer match `selector` (or that `member`
/// rejects), and adopts the orphan pods of its namespace that match and are
/// not being deleted; nothing while the owner is being deleted, nothing
/// with an invalid or empty selector. The owner's pods are then those of
/// the API server's controller index.
pub fn claim_pods(
    ctx: &mut crate::simulation::Ctx,
    user: &str,
    owner: (&str, &str, &meta::ObjectMeta),
    selector: &meta::LabelSelector,
    member: &dyn Fn(&core::Pod) -> bool,
) {
    use crate::api::Object;
    let (api_version, kind, meta) = owner;
    if meta.deletion_timestamp.is_some() {
        return;
    }
    let Some(selector) =
        crate::api::selector::from_label_selector(selector).filter(|s| !s.is_empty())
    else {
        return;
    };
    let matches = |p: &core::Pod| selector.matches(p.metadata.labels.as_ref()) && member(p);
    let uid = meta.uid.clone().unwrap_or_default();
    let ns = meta.namespace.clone().unwrap_or_default();
    let release: Vec<core::Pod> = ctx
        .api
        .pods_of_controller(&uid)
        .filter_map(|o| match &**o {
            Object::Pod(p) if !matches(p) => Some((**p).clone()),
            _ => None,
        })
        .collect();
    let adopt: Vec<core::Pod> = ctx
        .api
        .orphan_pods_in(&ns)
        .filter_map(|o| match &**o {
            Object::Pod(p) if p.metadata.deletion_timestamp.is_none() && matches(p) => {
                Some((**p).clone())
            }
            _ => None,
        })
        .collect();
    for mut p in release {
        if let Some(refs) = p.metadata.owner_references.as_mut() {
            refs.retain(|r| r.uid != uid);
        }
        let _ = ctx.api.update(user, Object::Pod(Box::new(p)));
    }
    for mut p in adopt {
        p.metadata
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(new_controller_ref(api_version, kind, meta));
        let _ = ctx.api.update(user, Object::Pod(Box::new(p)));
    }
}

/// Whether an orphan pod (no controller) should wake an owner of `kind`
/// whose selector matches it (`getStatefulSetsForPod`,
/// `getDaemonSetsForPod`): the keys of those owners in the pod's namespace.
pub fn owners_selecting_orphan(
    api: &crate::apiserver::ApiServer,
    res: &crate::api::registry::ResourceInfo,
    pod: &core::Pod,
    selector_of: impl Fn(&crate::api::Object) -> Option<&meta::LabelSelector>,
) -> Vec<String> {
    if crate::api::podutil::get_controller_of(&pod.metadata).is_some() {
        return Vec::new();
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    api.list(res, Some(ns))
        .filter(|o| {
            selector_of(o)
                .and_then(crate::api::selector::from_label_selector)
                .is_some_and(|s| !s.is_empty() && s.matches(pod.metadata.labels.as_ref()))
        })
        .map(|o| crate::api::key(ns, o.name()))
        .collect()
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
