//! `kubectl describe` of DaemonSets, StatefulSets and PersistentVolumeClaims
//! (k8s.io/kubectl/pkg/describe/describe.go v1.32: `describeDaemonSet`,
//! `StatefulSetDescriber`, `describeVolumeClaimTemplates`,
//! `describePersistentVolumeClaim`).

use super::{annotations_multiline, events_section, labels_multiline, pod_template, W};
use crate::printers::age::rfc1123z;
use crate::printers::get::{format_label_selector, format_labels};
use crate::printers::get_sets::{access_modes_string, claim_class};
use kubarium_engine::api::{apps, core};

fn pods_status(w: &mut W, pods: &[&core::Pod]) {
    let count = |phase: &str| {
        pods.iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some(phase))
            .count()
    };
    w.w(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
}

/// `kubectl describe daemonset`. `pods` are the pods it controls.
pub fn describe_daemon_set(
    ds: &apps::DaemonSet,
    pods: &[&core::Pod],
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &ds.metadata;
    let spec = ds.spec.clone().unwrap_or_default();
    let st = ds.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    let ns = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref());
    w.w(0, &format!("Node-Selector:\t{}\n", format_labels(ns)));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            st.desired_number_scheduled
        ),
    );
    w.w(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            st.current_number_scheduled
        ),
    );
    w.w(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            st.updated_number_scheduled.unwrap_or(0)
        ),
    );
    w.w(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            st.number_available.unwrap_or(0)
        ),
    );
    w.w(
        0,
        &format!("Number of Nodes Misscheduled: {}\n", st.number_misscheduled),
    );
    pods_status(&mut w, pods);
    pod_template(&mut w, Some(&spec.template));
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe statefulset`. `pods` are the pods it controls.
pub fn describe_stateful_set(
    sts: &apps::StatefulSet,
    pods: &[&core::Pod],
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &sts.metadata;
    let spec = sts.spec.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            m.creation_timestamp
                .as_ref()
                .map(|t| rfc1123z(&t.0))
                .unwrap_or_default()
        ),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            spec.replicas.unwrap_or(1),
            sts.status.as_ref().map_or(0, |s| s.replicas)
        ),
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    w.w(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            strategy.type_.as_deref().unwrap_or("")
        ),
    );
    if let Some(p) = strategy.rolling_update.as_ref().and_then(|r| r.partition) {
        w.w(1, &format!("Partition:\t{p}\n"));
    }
    pods_status(&mut w, pods);
    pod_template(&mut w, Some(&spec.template));
    let templates = spec.volume_claim_templates.unwrap_or_default();
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for pvc in &templates {
            w.w(
                1,
                &format!("Name:\t{}\n", pvc.metadata.name.as_deref().unwrap_or("")),
            );
            w.w(1, &format!("StorageClass:\t{}\n", claim_class(pvc)));
            labels_multiline(&mut w, "  ", "Labels", pvc.metadata.labels.as_ref());
            labels_multiline(
                &mut w,
                "  ",
                "Annotations",
                pvc.metadata.annotations.as_ref(),
            );
            let cap = pvc
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_else(|| "<default>".into());
            w.w(1, &format!("Capacity:\t{cap}\n"));
            let modes = pvc
                .spec
                .as_ref()
                .and_then(|s| s.access_modes.clone())
                .unwrap_or_default();
            w.w(1, &format!("Access Modes:\t[{}]\n", modes.join(" ")));
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe persistentvolumeclaim`. `used_by` names the pods
/// mounting it.
pub fn describe_persistent_volume_claim(
    pvc: &core::PersistentVolumeClaim,
    used_by: &[String],
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &pvc.metadata;
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    w.w(0, &format!("StorageClass:\t{}\n", claim_class(pvc)));
    if let Some(t) = &m.deletion_timestamp {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                crate::printers::age::since(Some(&t.0), now_ms)
            ),
        );
    } else {
        w.w(
            0,
            &format!("Status:\t{}\n", status.phase.as_deref().unwrap_or("")),
        );
    }
    let volume = spec.volume_name.clone().unwrap_or_default();
    w.w(0, &format!("Volume:\t{volume}\n"));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(
        0,
        &format!(
            "Finalizers:\t[{}]\n",
            m.finalizers.clone().unwrap_or_default().join(" ")
        ),
    );
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
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    if let Some(vm) = &spec.volume_mode {
        w.w(0, &format!("VolumeMode:\t{vm}\n"));
    }
    match used_by {
        [] => w.w(0, "Used By:\t<none>\n"),
        [first, rest @ ..] => {
            w.w(0, &format!("Used By:\t{first}\n"));
            for p in rest {
                w.w(0, &format!("\t{p}\n"));
            }
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}
