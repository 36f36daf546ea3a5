//! pkg/controller/deployment/progress.go: the Progressing condition
//! (ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded)
//! and the requeue that notices a stuck rollout; and the paused/resumed
//! conditions of sync.go's `checkPausedConditions`.

use super::sync::{calculate_status, write_status};
use super::util;
use crate::api::apps;
use crate::clock::SECOND;
use crate::simulation::Ctx;

/// `checkPausedConditions`.
pub fn check_paused_conditions(d: &mut apps::Deployment, ctx: &mut Ctx) {
    if !util::has_progress_deadline(d) {
        return;
    }
    let status = d.status.clone().unwrap_or_default();
    let cond = util::condition(&status, "Progressing");
    if cond.is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded")) {
        return;
    }
    let paused_cond = cond.is_some_and(|c| c.reason.as_deref() == Some("DeploymentPaused"));
    let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
    let now = ctx.api.clock.time();
    let c = if paused && !paused_cond {
        util::new_condition(
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
            &now,
        )
    } else if !paused && paused_cond {
        util::new_condition(
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed".into(),
            &now,
        )
    } else {
        return;
    };
    util::set_condition(d.status.get_or_insert_with(Default::default), c);
    write_status(d, ctx);
}

/// `DeploymentTimedOut`: the Progressing condition was last updated more
/// than progressDeadlineSeconds ago.
fn timed_out(d: &apps::Deployment, status: &apps::DeploymentStatus, ctx: &Ctx) -> bool {
    if !util::has_progress_deadline(d) {
        return false;
    }
    let Some(c) = util::condition(status, "Progressing") else {
        return false;
    };
    match c.reason.as_deref() {
        Some("NewReplicaSetAvailable") => false,
        Some("ProgressDeadlineExceeded") => true,
        _ => {
            let from = c
                .last_update_time
                .as_ref()
                .map_or(0, |t| ctx.api.clock.millis_of(&t.0));
            from + deadline_ms(d) < ctx.api.now()
        }
    }
}

fn deadline_ms(d: &apps::Deployment) -> u64 {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .unwrap_or(600)
        .max(0) as u64
        * SECOND
}

/// `syncRolloutStatus`: the status with the Progressing condition; written
/// if changed, otherwise the delay after which to check the deadline.
pub fn sync_rollout_status(
    all: &[apps::ReplicaSet],
    new: Option<&apps::ReplicaSet>,
    d: &mut apps::Deployment,
    ctx: &mut Ctx,
) -> Option<u64> {
    let mut status = calculate_status(all, new, d, ctx);
    if !util::has_progress_deadline(d) {
        util::remove_condition(&mut status, "Progressing");
    }
    let old = d.status.clone().unwrap_or_default();
    let current = util::condition(&old, "Progressing").cloned();
    let complete_already = status.replicas == status.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some("NewReplicaSetAvailable"));
    let now = ctx.api.clock.time();
    if util::has_progress_deadline(d) && !complete_already {
        let what = match new {
            Some(rs) => format!("ReplicaSet {:?}", rs.metadata.name.as_deref().unwrap_or("")),
            None => format!("Deployment {:?}", d.metadata.name.as_deref().unwrap_or("")),
        };
        if util::deployment_complete(d, &status) {
            let c = util::new_condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                format!("{what} has successfully progressed."),
                &now,
            );
            util::set_condition(&mut status, c);
        } else if util::deployment_progressing(d, &status) {
            let mut c = util::new_condition(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                format!("{what} is progressing."),
                &now,
            );
            if let Some(cur) = &current {
                if cur.status == "True" {
                    c.last_transition_time = cur.last_transition_time.clone();
                }
                util::remove_condition(&mut status, "Progressing");
            }
            util::set_condition(&mut status, c);
        } else if timed_out(d, &status, ctx) {
            let c = util::new_condition(
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                format!("{what} has timed out progressing."),
                &now,
            );
            util::set_condition(&mut status, c);
        }
    }
    if d.status.as_ref() == Some(&status) {
        return requeue_stuck(d, &status, ctx);
    }
    d.status = Some(status);
    write_status(d, ctx);
    None
}

/// `requeueStuckDeployment`: when a rollout is neither complete nor timed
/// out, check again just after the deadline would pass.
fn requeue_stuck(d: &apps::Deployment, status: &apps::DeploymentStatus, ctx: &Ctx) -> Option<u64> {
    let cur = util::condition(status, "Progressing")?;
    if !util::has_progress_deadline(d)
        || util::deployment_complete(d, status)
        || cur.reason.as_deref() == Some("ProgressDeadlineExceeded")
    {
        return None;
    }
    let from = cur
        .last_update_time
        .as_ref()
        .map_or(0, |t| ctx.api.clock.millis_of(&t.0));
    let at = from + deadline_ms(d);
    let now = ctx.api.now();
    let after = at.saturating_sub(now);
    if after < SECOND {
        Some(SECOND)
    } else {
        Some(after + SECOND)
    }
}
