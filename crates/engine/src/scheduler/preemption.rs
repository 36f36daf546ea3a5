//! Carrying out a preemption (pkg/scheduler/framework/preemption/
//! preemption.go, `prepareCandidate`, v1.32): the DefaultPreemption plugin
//! chose a node and victims in its dry run; here each victim gets the
//! `DisruptionTarget` condition (reason `PreemptionByScheduler`), is deleted
//! gracefully (its own terminationGracePeriodSeconds), and gets a `Preempted`
//! event `Preempted by pod <preemptor uid> on node <node>`. The caller then
//! sets the preemptor's `status.nominatedNodeName`; the preemptor is retried
//! when the victims are gone (a deleted pod moves the unschedulable pods
//! back to the active queue) and tries its nominated node first.
//!
//! Not modelled: clearing the nomination of lower-priority pods nominated to
//! the same node (`getLowerPriorityNominatedPods`), and waiting pods.

use crate::api::{core, registry, Object};
use crate::apiserver::{set_condition, DeleteOptions, Involved};
use crate::simulation::Ctx;

const USER: &str = "system:kube-scheduler";

/// `v1.DisruptionTarget`.
pub const DISRUPTION_TARGET: &str = "DisruptionTarget";
/// `v1.PodReasonPreemptionByScheduler`.
pub const REASON_PREEMPTION_BY_SCHEDULER: &str = "PreemptionByScheduler";

/// Evicts `victims` (`namespace/name`) from `node` for `preemptor`.
pub fn prepare_candidate(preemptor: &core::Pod, node: &str, victims: &[String], ctx: &mut Ctx) {
    let Some(pod_res) = registry::by_kind("v1", "Pod") else {
        return;
    };
    let scheduler_name = preemptor
        .spec
        .as_ref()
        .and_then(|s| s.scheduler_name.as_deref())
        .unwrap_or("default-scheduler");
    let uid = preemptor.metadata.uid.as_deref().unwrap_or("");
    for key in victims {
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        let Some(victim) = ctx.api.get_typed::<core::Pod>(pod_res, ns, name).cloned() else {
            continue;
        };
        let now = ctx.api.clock.time();
        let mut p = victim.clone();
        let status = p.status.get_or_insert_with(Default::default);
        set_condition(
            status,
            DISRUPTION_TARGET,
            "True",
            Some(REASON_PREEMPTION_BY_SCHEDULER),
            Some(&format!(
                "{scheduler_name}: preempting to accommodate a higher priority pod"
            )),
            &now,
        );
        p.metadata.resource_version = None;
        let _ = ctx.api.update_status(USER, Object::Pod(Box::new(p)));
        let _ = ctx
            .api
            .delete(USER, pod_res, ns, name, DeleteOptions::default());
        ctx.api.record_event(
            "default-scheduler",
            None,
            Involved::pod(&victim),
            None,
            "Normal",
            "Preempted",
            &format!("Preempted by pod {uid} on node {node}"),
        );
    }
}
