//! `kubectl describe poddisruptionbudget` (describePodDisruptionBudgetV1 in
//! k8s.io/kubectl/pkg/describe/describe.go).

use super::{events_section, W};
use crate::printers::get::selector_string;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubarium_engine::api::core;
use kubarium_engine::api::policy::PodDisruptionBudget;

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Name, namespace, the budget, the selector, the status counts, events.
pub fn describe_pod_disruption_budget(
    pdb: &PodDisruptionBudget,
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &pdb.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    let spec = pdb.spec.clone().unwrap_or_default();
    if let Some(v) = &spec.min_available {
        w.w(0, &format!("Min available:\t{}\n", int_or_string(v)));
    } else if let Some(v) = &spec.max_unavailable {
        w.w(0, &format!("Max unavailable:\t{}\n", int_or_string(v)));
    }
    match &spec.selector {
        // LabelSelectorAsSelector(nil) is labels.Nothing(), printed empty.
        None => w.w(0, "Selector:\t\n"),
        Some(sel) => w.w(0, &format!("Selector:\t{}\n", selector_string(Some(sel)))),
    }
    let st = pdb.status.clone().unwrap_or_default();
    w.w(0, "Status:\n");
    w.w(
        2,
        &format!("Allowed disruptions:\t{}\n", st.disruptions_allowed),
    );
    w.w(2, &format!("Current:\t{}\n", st.current_healthy));
    w.w(2, &format!("Desired:\t{}\n", st.desired_healthy));
    w.w(2, &format!("Total:\t{}\n", st.expected_pods));
    events_section(&mut w, events, now_ms);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printers::get::{table, TableOptions};
    use kubarium_engine::api::Object;
    use serde_json::json;

    fn pdb(v: serde_json::Value) -> PodDisruptionBudget {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn describe_lays_out_the_budget_as_kubectl_does() {
        let p = pdb(json!({
            "metadata": {"name": "zk-pdb", "namespace": "default"},
            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}},
            "status": {"currentHealthy": 1, "desiredHealthy": 2, "disruptionsAllowed": 0, "expectedPods": 3}
        }));
        assert_eq!(
            describe_pod_disruption_budget(&p, &[], 0),
            "Name:           zk-pdb\n\
             Namespace:      default\n\
             Min available:  2\n\
             Selector:       app=zookeeper\n\
             Status:\n    \
             Allowed disruptions:  0\n    \
             Current:              1\n    \
             Desired:              2\n    \
             Total:                3\n\
             Events:                   <none>\n"
        );
    }

    #[test]
    fn get_shows_na_for_the_unset_bound() {
        let p = Object::PodDisruptionBudget(Box::new(pdb(json!({
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "web"}}},
            "status": {"currentHealthy": 4, "desiredHealthy": 3, "disruptionsAllowed": 1, "expectedPods": 4}
        }))));
        let t = table(&[&p], &TableOptions::default());
        assert_eq!(
            t.headers,
            [
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE"
            ]
        );
        assert_eq!(t.rows[0][..4], ["web", "N/A", "25%", "1"]);
    }
}
