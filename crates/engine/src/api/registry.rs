//! The resource registry: group, version, kind, plural, short names, scope and
//! verbs of every resource the API server serves. It drives discovery,
//! `kubectl api-resources`, type-name resolution in kubectl and the wording of
//! errors (`the server doesn't have a resource type "foo"`).
//!
//! Only kinds the engine actually simulates are listed: a kind that is not
//! here is answered the way a cluster without it answers (`no matches for kind`).

/// The verbs a resource supports, as discovery reports them.
pub const VERBS_STANDARD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// One served resource.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    /// API group (`""` for core).
    pub group: &'static str,
    /// API version within the group.
    pub version: &'static str,
    /// Kind (`Pod`).
    pub kind: &'static str,
    /// Plural resource name (`pods`).
    pub plural: &'static str,
    /// Singular name (`pod`).
    pub singular: &'static str,
    /// Short names (`po`).
    pub short_names: &'static [&'static str],
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Verbs.
    pub verbs: &'static [&'static str],
    /// Categories (`all`).
    pub categories: &'static [&'static str],
    /// `plural` or `plural.group`.
    pub qualified: &'static str,
}

impl ResourceInfo {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods` or `replicasets.apps`: how kubectl names the resource in
    /// messages such as `replicasets.apps "x" not found`, and the store's
    /// key prefix.
    pub fn qualified_plural(&self) -> String {
        self.qualified.to_string()
    }
}

macro_rules! res {
    ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr, [$($short:expr),*], $ns:expr, [$($cat:expr),*]) => {
        ResourceInfo {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
            singular: $singular,
            short_names: &[$($short),*],
            namespaced: $ns,
            verbs: VERBS_STANDARD,
            categories: &[$($cat),*],
            qualified: if $group.is_empty() { $plural } else { concat!($plural, ".", $group) },
        }
    };
}

/// Every served resource, in discovery order (core group first, then by group).
pub static RESOURCES: &[ResourceInfo] = &[
    res!(
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        "configmap",
        ["cm"],
        true,
        []
    ),
    res!("", "v1", "Event", "events", "event", ["ev"], true, []),
    res!(
        "",
        "v1",
        "Namespace",
        "namespaces",
        "namespace",
        ["ns"],
        false,
        []
    ),
    res!("", "v1", "Node", "nodes", "node", ["no"], false, []),
    res!(
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        ["pvc"],
        true,
        []
    ),
    res!("", "v1", "Pod", "pods", "pod", ["po"], true, ["all"]),
    res!("", "v1", "Secret", "secrets", "secret", [], true, []),
    res!(
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        ["sa"],
        true,
        []
    ),
    res!(
        "apps",
        "v1",
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        [],
        true,
        []
    ),
    res!(
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        "daemonset",
        ["ds"],
        true,
        ["all"]
    ),
    res!(
        "apps",
        "v1",
        "Deployment",
        "deployments",
        "deployment",
        ["deploy"],
        true,
        ["all"]
    ),
    res!(
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        "replicaset",
        ["rs"],
        true,
        ["all"]
    ),
    res!(
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        "statefulset",
        ["sts"],
        true,
        ["all"]
    ),
    res!(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        ["hpa"],
        true,
        ["all"]
    ),
    res!(
        "batch",
        "v1",
        "CronJob",
        "cronjobs",
        "cronjob",
        ["cj"],
        true,
        ["all"]
    ),
    res!("batch", "v1", "Job", "jobs", "job", [], true, ["all"]),
    res!(
        "coordination.k8s.io",
        "v1",
        "Lease",
        "leases",
        "lease",
        [],
        true,
        []
    ),
    res!(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        ["pdb"],
        true,
        []
    ),
    res!(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        "priorityclass",
        ["pc"],
        false,
        []
    ),
];

/// The resource of `apiVersion`/`kind`, if served.
///
/// autoscaling/v1 HorizontalPodAutoscalers are served as well: the request
/// is converted to the storage version, autoscaling/v2 (see
/// [`super::decode::hpa_from_v1`]), whose entry is returned.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    let api_version = match (api_version, kind) {
        ("autoscaling/v1", "HorizontalPodAutoscaler") => "autoscaling/v2",
        _ => api_version,
    };
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.version == version && r.group == group)
}

/// Resolves a name as kubectl accepts it on the command line: plural,
/// singular, short name or kind, case-insensitively, optionally qualified by
/// group (`replicasets.apps`), or by version and group (`replicasets.v1.apps`).
pub fn resolve(name: &str) -> Option<&'static ResourceInfo> {
    let lower = name.to_ascii_lowercase();
    let (base, qualifier) = match lower.split_once('.') {
        Some((b, q)) => (b.to_string(), Some(q.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCES.iter().find(|r| {
        let name_matches = r.plural == base
            || r.singular == base
            || r.kind.eq_ignore_ascii_case(&base)
            || r.short_names.contains(&base.as_str());
        let group_matches = match &qualifier {
            None => true,
            Some(q) => *q == r.group || *q == format!("{}.{}", r.version, r.group),
        };
        name_matches && group_matches
    })
}

/// Whether some group/version knows this kind, for the wording of
/// `no matches for kind "X" in version "Y"`.
pub fn kinds_in_version(api_version: &str) -> impl Iterator<Item = &'static ResourceInfo> + '_ {
    RESOURCES
        .iter()
        .filter(move |r| r.api_version() == api_version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plural_singular_short_and_kind() {
        for n in ["pods", "pod", "po", "Pod", "PODS"] {
            assert_eq!(resolve(n).map(|r| r.kind), Some("Pod"), "{n}");
        }
        assert_eq!(resolve("rs").map(|r| r.kind), Some("ReplicaSet"));
        assert_eq!(
            resolve("replicasets.apps").map(|r| r.kind),
            Some("ReplicaSet")
        );
        assert_eq!(
            resolve("replicasets.v1.apps").map(|r| r.kind),
            Some("ReplicaSet")
        );
        assert!(resolve("replicasets.batch").is_none());
        assert!(resolve("foo").is_none());
    }

    #[test]
    fn qualified_plural_names_group_for_non_core() {
        assert_eq!(
            resolve("rs").unwrap().qualified_plural(),
            "replicasets.apps"
        );
        assert_eq!(resolve("po").unwrap().qualified_plural(), "pods");
    }
}
