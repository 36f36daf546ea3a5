//! `kubectl get` rows of DaemonSets, StatefulSets, ControllerRevisions and
//! PersistentVolumeClaims (pkg/printers/internalversion/printers.go v1.32:
//! `printDaemonSet`, `printStatefulSet`, `printControllerRevision`,
//! `printPersistentVolumeClaim`).

use super::get::{format_label_selector, format_labels};
use kubarium_engine::api::{apps, core};

/// DaemonSet columns and their `-o wide` extras.
pub const DAEMON_SET_COLUMNS: (&[&str], &[&str]) = (
    &[
        "NAME",
        "DESIRED",
        "CURRENT",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "NODE SELECTOR",
        "AGE",
    ],
    &["CONTAINERS", "IMAGES", "SELECTOR"],
);
/// StatefulSet columns and their `-o wide` extras.
pub const STATEFUL_SET_COLUMNS: (&[&str], &[&str]) =
    (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]);
/// ControllerRevision columns.
pub const CONTROLLER_REVISION_COLUMNS: (&[&str], &[&str]) =
    (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]);
/// PersistentVolumeClaim columns and their `-o wide` extras.
pub const PVC_COLUMNS: (&[&str], &[&str]) = (
    &[
        "NAME",
        "STATUS",
        "VOLUME",
        "CAPACITY",
        "ACCESS MODES",
        "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS",
        "AGE",
    ],
    &["VOLUMEMODE"],
);

/// `layoutContainerCells`: names and images joined by `,`.
fn containers(spec: Option<&core::PodSpec>) -> (String, String) {
    let cs = spec.map_or(&[][..], |s| s.containers.as_slice());
    (
        cs.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        cs.iter()
            .map(|c| c.image.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// `printDaemonSet`.
pub fn daemon_set_row(ds: &apps::DaemonSet, name: String, age: String, wide: bool) -> Vec<String> {
    let st = ds.status.clone().unwrap_or_default();
    let spec = ds.spec.as_ref();
    let pspec = spec.and_then(|s| s.template.spec.as_ref());
    let mut row = vec![
        name,
        st.desired_number_scheduled.to_string(),
        st.current_number_scheduled.to_string(),
        st.number_ready.to_string(),
        st.updated_number_scheduled.unwrap_or(0).to_string(),
        st.number_available.unwrap_or(0).to_string(),
        format_labels(pspec.and_then(|s| s.node_selector.as_ref())),
        age,
    ];
    if wide {
        let (names, images) = containers(pspec);
        row.push(names);
        row.push(images);
        row.push(format_label_selector(spec.map(|s| &s.selector)));
    }
    row
}

/// `printStatefulSet`: READY is `ready/desired`.
pub fn stateful_set_row(
    sts: &apps::StatefulSet,
    name: String,
    age: String,
    wide: bool,
) -> Vec<String> {
    let spec = sts.spec.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let ready = sts
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    let mut row = vec![name, format!("{ready}/{desired}"), age];
    if wide {
        let (names, images) = containers(spec.and_then(|s| s.template.spec.as_ref()));
        row.push(names);
        row.push(images);
    }
    row
}

/// `printControllerRevision`: CONTROLLER is `kind.group/name` of the
/// controller ownerReference, or `<none>`.
pub fn controller_revision_row(
    cr: &apps::ControllerRevision,
    name: String,
    age: String,
) -> Vec<String> {
    let controller = kubarium_engine::api::podutil::get_controller_of(&cr.metadata)
        .map(|r| {
            let group = r.api_version.split_once('/').map(|(g, _)| g).unwrap_or("");
            let kind = if group.is_empty() {
                r.kind.to_lowercase()
            } else {
                format!("{}.{group}", r.kind.to_lowercase())
            };
            format!("{kind}/{}", r.name)
        })
        .unwrap_or_else(|| "<none>".into());
    vec![name, controller, cr.revision.to_string(), age]
}

/// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order, joined by `,`.
pub fn access_modes_string(modes: Option<&Vec<String>>) -> String {
    let modes = modes.map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == mode) {
            out.push(short);
        }
    }
    out.join(",")
}

/// `GetPersistentVolumeClaimClass`: the beta annotation, else
/// `spec.storageClassName`, else empty.
pub fn claim_class(pvc: &core::PersistentVolumeClaim) -> String {
    if let Some(c) = pvc
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
    {
        return c.clone();
    }
    pvc.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}

/// `printPersistentVolumeClaim`: capacity and access modes only once bound.
pub fn pvc_row(
    pvc: &core::PersistentVolumeClaim,
    name: String,
    age: String,
    wide: bool,
) -> Vec<String> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        status.phase.clone().unwrap_or_default()
    };
    let volume = spec.volume_name.clone().unwrap_or_default();
    let (mut capacity, mut modes) = (String::new(), String::new());
    if !volume.is_empty() {
        modes = access_modes_string(status.access_modes.as_ref());
        capacity = status
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default();
    }
    let vac = spec
        .volume_attributes_class_name
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<unset>".into());
    let mut row = vec![
        name,
        phase,
        volume,
        capacity,
        modes,
        claim_class(pvc),
        vac,
        age,
    ];
    if wide {
        row.push(spec.volume_mode.unwrap_or_else(|| "<unset>".into()));
    }
    row
}
