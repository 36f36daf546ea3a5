//! DaemonSet RollingUpdate (pkg/controller/daemon/update.go `rollingUpdate`):
//! with maxSurge 0, old pods are deleted while at most maxUnavailable daemon
//! pods are unavailable (the manage loop then creates the new ones); with
//! maxSurge, a new pod is started next to the old one on up to maxSurge
//! nodes and the old pod is deleted once the new one is available.

use super::{
    desired_count, is_available, is_pod_updated, min_ready_ms, pod, pods_by_node, sync_nodes,
    template_generation, NodeVerdict,
};
use crate::api::{apps, core, Object};
use crate::simulation::Ctx;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::sync::Arc;

/// `GetScaledValueFromIntOrPercent(v, total, roundUp=true)`.
fn scaled(v: Option<&IntOrString>, total: i32) -> i32 {
    match v {
        None => 0,
        Some(IntOrString::Int(i)) => *i,
        Some(IntOrString::String(s)) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            ((pct * i64::from(total) + 99) / 100) as i32
        }
    }
}

fn rolling(ds: &apps::DaemonSet) -> Option<&apps::RollingUpdateDaemonSet> {
    ds.spec
        .as_ref()?
        .update_strategy
        .as_ref()?
        .rolling_update
        .as_ref()
}

/// maxSurge scaled to the number of nodes that should run a pod.
pub(super) fn max_surge(ds: &apps::DaemonSet, desired: i32) -> i32 {
    scaled(rolling(ds).and_then(|r| r.max_surge.as_ref()), desired)
}

/// `unavailableCount`: maxUnavailable scaled (at least 1 when both are 0
/// would be invalid, so never here).
fn max_unavailable(ds: &apps::DaemonSet, desired: i32) -> i32 {
    scaled(
        rolling(ds).and_then(|r| r.max_unavailable.as_ref()),
        desired,
    )
}

/// `findUpdatedPodsOnNode`: the node's new and old pod, or `None` when it
/// has more than one of either (the manage loop cleans that up first).
fn updated_pods_on_node<'a>(
    pods: &'a [Arc<Object>],
    hash: &str,
    generation: Option<&str>,
) -> Option<(Option<&'a core::Pod>, Option<&'a core::Pod>)> {
    let (mut new, mut old) = (None, None);
    for p in pods.iter().map(|o| pod(o)) {
        if p.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let slot = if is_pod_updated(p, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(p);
    }
    Some((new, old))
}

/// One step of a rolling update.
pub(super) fn rolling_update(
    ds: &apps::DaemonSet,
    nodes: &[NodeVerdict],
    hash: &str,
    ctx: &mut Ctx,
) {
    let by_node = pods_by_node(ds, ctx);
    let generation = template_generation(ds);
    let desired = desired_count(nodes);
    let surge = max_surge(ds, desired);
    let unavailable_max = max_unavailable(ds, desired);
    let min_ready = min_ready_ms(ds);
    let now = ctx.now();
    let name_of = |p: &core::Pod| p.metadata.name.clone().unwrap_or_default();

    if surge == 0 {
        let mut num_unavailable = 0;
        let mut allowed = Vec::new();
        let mut candidates = Vec::new();
        for pods in by_node.values() {
            let Some((new, old)) = updated_pods_on_node(pods, hash, generation.as_deref()) else {
                num_unavailable += 1;
                continue;
            };
            match (new, old) {
                (None, None) | (Some(_), Some(_)) => num_unavailable += 1,
                (Some(n), None) => {
                    if !is_available(n, min_ready, now, ctx) {
                        num_unavailable += 1;
                    }
                }
                (None, Some(o)) => {
                    if !is_available(o, min_ready, now, ctx) {
                        allowed.push(name_of(o));
                    } else if num_unavailable < unavailable_max {
                        candidates.push(name_of(o));
                    }
                }
            }
        }
        let remaining = (unavailable_max - num_unavailable).clamp(0, candidates.len() as i32);
        allowed.extend(candidates.into_iter().take(remaining as usize));
        sync_nodes(ds, &allowed, &[], hash, ctx);
        return;
    }

    let mut old_to_delete = Vec::new();
    let mut allowed_new = Vec::new();
    let mut candidate_new = Vec::new();
    let mut num_surge = 0;
    for (node_name, pods) in &by_node {
        let Some((new, old)) = updated_pods_on_node(pods, hash, generation.as_deref()) else {
            num_surge += 1;
            continue;
        };
        let should_run = || {
            nodes
                .iter()
                .find(|n| n.name == *node_name)
                .is_some_and(|n| n.should_run)
        };
        match (new, old) {
            (_, None) => {}
            (None, Some(o)) => {
                if !is_available(o, min_ready, now, ctx) {
                    if !should_run() {
                        old_to_delete.push(name_of(o));
                        continue;
                    }
                    allowed_new.push(node_name.clone());
                } else {
                    if !should_run() || num_surge >= surge {
                        continue;
                    }
                    candidate_new.push(node_name.clone());
                }
            }
            (Some(n), Some(o)) => {
                if !is_available(n, min_ready, now, ctx) {
                    num_surge += 1;
                    continue;
                }
                old_to_delete.push(name_of(o));
            }
        }
    }
    let remaining = (surge - num_surge).clamp(0, candidate_new.len() as i32);
    allowed_new.extend(candidate_new.into_iter().take(remaining as usize));
    sync_nodes(ds, &old_to_delete, &allowed_new, hash, ctx);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        let p = IntOrString::String("25%".into());
        assert_eq!(scaled(Some(&p), 3), 1);
        assert_eq!(scaled(Some(&p), 5), 2);
        assert_eq!(scaled(Some(&IntOrString::Int(2)), 5), 2);
        assert_eq!(scaled(None, 5), 0);
    }
}
