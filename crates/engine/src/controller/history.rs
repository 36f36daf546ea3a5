//! ControllerRevisions: the template history DaemonSets and StatefulSets
//! keep (pkg/controller/history/controller_history.go, and the DaemonSet
//! controller's `getPatch`/`constructHistory`).
//!
//! A revision stores the patch that restores its template
//! (`{"spec":{"template":{..., "$patch":"replace"}}}`), a revision number
//! and the owner as controller ownerReference.
//!
//! Simplification: the hash is FNV-32a over the patch's JSON (keys sorted)
//! rendered with `rand.SafeEncodeString`, as upstream renders it; upstream
//! hashes Go's own encoding, so the characters differ from a real
//! cluster's for the same template (the form — up to 10 characters of
//! `bcdfghjklmnpqrstvwxz2456789` — is the same).

use crate::api::{apps, core, meta, Object};
use crate::rng::{fnv32a, safe_encode_string};
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::{json, Value};

/// Label with a DaemonSet pod's (template hash) or StatefulSet pod's
/// (revision name) revision.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
/// Label a StatefulSet's revisions carry with their hash.
pub const REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// The patch a revision stores for `template` (`getPatch`).
pub fn template_patch(template: &core::PodTemplateSpec) -> Value {
    let mut t = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut t {
        m.insert("$patch".into(), Value::String("replace".into()));
    }
    json!({ "spec": { "template": t } })
}

/// The hash of a template with the owner's collision count
/// (`controller.ComputeHash` / `history.HashControllerRevision`).
pub fn hash(patch: &Value, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_vec(patch).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    safe_encode_string(&fnv32a(&bytes).to_string())
}

/// The template a revision's patch restores.
pub fn template_of(cr: &apps::ControllerRevision) -> Option<core::PodTemplateSpec> {
    let mut t = cr.data.as_ref()?.0.get("spec")?.get("template")?.clone();
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    serde_json::from_value(t).ok()
}

/// The controller ownerReference of an apps/v1 owner.
pub fn owner_ref(kind: &str, m: &meta::ObjectMeta) -> meta::OwnerReference {
    super::controller_utils::new_controller_ref("apps/v1", kind, m)
}

/// A new revision object (`history.NewControllerRevision`).
pub fn new_revision(
    owner_kind: &str,
    owner: &meta::ObjectMeta,
    name: String,
    labels: std::collections::BTreeMap<String, String>,
    patch: Value,
    revision: i64,
) -> apps::ControllerRevision {
    apps::ControllerRevision {
        metadata: meta::ObjectMeta {
            name: Some(name),
            namespace: owner.namespace.clone(),
            labels: Some(labels),
            owner_references: Some(vec![owner_ref(owner_kind, owner)]),
            ..Default::default()
        },
        data: Some(RawExtension(patch)),
        revision,
    }
}

/// Claims the ControllerRevisions of `owner`'s namespace as upstream's
/// controllers do before reading their history: orphans whose labels match
/// `selector` are adopted (StatefulSet `adoptOrphanRevisions`, DaemonSet
/// `controlledHistories`), and with `release` the owned ones whose labels
/// no longer match are let go (the DaemonSet's
/// `ClaimControllerRevisions`). Nothing while the owner is being deleted or
/// with an invalid or empty selector.
pub fn claim_revisions(
    ctx: &mut crate::simulation::Ctx,
    user: &str,
    kind: &str,
    owner: &meta::ObjectMeta,
    selector: &meta::LabelSelector,
    release: bool,
) {
    if owner.deletion_timestamp.is_some() {
        return;
    }
    let Some(selector) =
        crate::api::selector::from_label_selector(selector).filter(|s| !s.is_empty())
    else {
        return;
    };
    let uid = owner.uid.as_deref().unwrap_or("");
    let res = crate::api::registry::by_kind("apps/v1", "ControllerRevision")
        .expect("ControllerRevision is registered");
    let changes: Vec<apps::ControllerRevision> = ctx
        .api
        .list(res, owner.namespace.as_deref())
        .filter_map(|o| match o {
            Object::ControllerRevision(cr) => {
                let matches = selector.matches(cr.metadata.labels.as_ref());
                let controller = crate::api::podutil::get_controller_of(&cr.metadata);
                let mut cr = (**cr).clone();
                match controller {
                    None if matches && cr.metadata.deletion_timestamp.is_none() => {
                        cr.metadata
                            .owner_references
                            .get_or_insert_with(Vec::new)
                            .push(owner_ref(kind, owner));
                        Some(cr)
                    }
                    Some(r) if release && r.uid == uid && !matches => {
                        if let Some(refs) = cr.metadata.owner_references.as_mut() {
                            refs.retain(|r| r.uid != uid);
                        }
                        Some(cr)
                    }
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    for cr in changes {
        let _ = ctx
            .api
            .update(user, Object::ControllerRevision(Box::new(cr)));
    }
}

/// The revisions an owner controls, by revision number then name
/// (`history.SortControllerRevisions`). Listed from the namespace's
/// ControllerRevisions (few), not from the owner's dependents (which include
/// every pod it owns).
pub fn revisions_of(
    api: &crate::apiserver::ApiServer,
    namespace: &str,
    uid: &str,
) -> Vec<apps::ControllerRevision> {
    let res = crate::api::registry::by_kind("apps/v1", "ControllerRevision")
        .expect("ControllerRevision is registered");
    let mut v: Vec<apps::ControllerRevision> = api
        .list(res, Some(namespace))
        .filter_map(|o: &Object| match o {
            Object::ControllerRevision(cr)
                if crate::api::podutil::is_controlled_by(&cr.metadata, uid) =>
            {
                Some((**cr).clone())
            }
            _ => None,
        })
        .collect();
    v.sort_by(|a, b| {
        (a.revision, a.metadata.name.as_deref()).cmp(&(b.revision, b.metadata.name.as_deref()))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_round_trips_to_the_template() {
        let t = core::PodTemplateSpec {
            metadata: Some(meta::ObjectMeta {
                labels: Some([("app".to_string(), "x".to_string())].into()),
                ..Default::default()
            }),
            spec: Some(core::PodSpec::default()),
        };
        let patch = template_patch(&t);
        assert_eq!(patch["spec"]["template"]["$patch"], "replace");
        let cr = new_revision(
            "DaemonSet",
            &meta::ObjectMeta::default(),
            "x-1".into(),
            Default::default(),
            patch.clone(),
            1,
        );
        assert_eq!(template_of(&cr), Some(t));
        assert_eq!(hash(&patch, None), hash(&patch, None));
        assert_ne!(hash(&patch, None), hash(&patch, Some(1)));
    }
}
