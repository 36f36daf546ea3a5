//! `kubectl describe deployment` (describe.go `describeDeployment`).

use super::{
    annotations_multiline, events_section, int_or_string, labels_multiline, pod_template,
    time_text, W,
};
use crate::printers::get::format_label_selector;
use kubarium_engine::api::{apps, core};

/// `printReplicaSetsByLabels`: `name (current/desired replicas created)`
/// joined by `, `, or `<none>`.
fn replica_sets_line(rss: &[&apps::ReplicaSet]) -> String {
    if rss.is_empty() {
        return "<none>".into();
    }
    rss.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.as_deref().unwrap_or(""),
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl describe deployment`. `old` are the old ReplicaSets that still
/// have replicas (`FindOldReplicaSets`' first result), `new` the one whose
/// template matches.
pub fn describe_deployment(
    d: &apps::Deployment,
    old: &[&apps::ReplicaSet],
    new: Option<&apps::ReplicaSet>,
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let st = d.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_text(m.creation_timestamp.as_ref().map(|t| &t.0))
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec.replicas.unwrap_or(1),
            st.updated_replicas.unwrap_or(0),
            st.replicas.unwrap_or(0),
            st.available_replicas.unwrap_or(0),
            st.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    w.w(
        0,
        &format!(
            "StrategyType:\t{}\n",
            strategy.type_.as_deref().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "MinReadySeconds:\t{}\n",
            spec.min_ready_seconds.unwrap_or(0)
        ),
    );
    if let Some(ru) = &strategy.rolling_update {
        let s = |v: &Option<_>| v.as_ref().map_or_else(|| "0".to_string(), int_or_string);
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                s(&ru.max_unavailable),
                s(&ru.max_surge)
            ),
        );
    }
    pod_template(&mut w, Some(&spec.template));
    if let Some(conds) = st.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    c.type_,
                    c.status,
                    c.reason.as_deref().unwrap_or("")
                ),
            );
        }
    }
    if !old.is_empty() || new.is_some() {
        w.w(0, &format!("OldReplicaSets:\t{}\n", replica_sets_line(old)));
        let news: Vec<&apps::ReplicaSet> = new.into_iter().collect();
        w.w(
            0,
            &format!("NewReplicaSet:\t{}\n", replica_sets_line(&news)),
        );
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `DescribePodTemplate` written straight into a buffer, as
/// `kubectl rollout history --revision=N` prints it (`printTemplate`: a
/// prefix writer without a tab writer, so the tabs stay as they are).
pub fn describe_pod_template(t: &core::PodTemplateSpec) -> String {
    let mut w = W::default();
    pod_template(&mut w, Some(t));
    w.buf
}
