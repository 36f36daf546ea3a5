//! The disruption controller (pkg/controller/disruption/disruption.go):
//! computes each PodDisruptionBudget's status from the pods its selector
//! matches: `expectedPods`, `desiredHealthy` (from minAvailable, or
//! expectedPods − maxUnavailable, percentages rounded up against the
//! controllers' scale), `currentHealthy` (Ready pods not being deleted and
//! not recently evicted), `disruptionsAllowed` and the `DisruptionAllowed`
//! condition (`SufficientPods` / `InsufficientPods`, or `SyncFailed` when
//! the expected count cannot be computed). Evictions recorded by the
//! Eviction API in `disruptedPods` stop counting as healthy until the pod
//! is deleted or two minutes pass.

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::policy::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use crate::api::selector::label_selector_matches;
use crate::api::{core, meta, podutil, registry, Object};
use crate::clock::{Millis, SECOND};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{BTreeMap, BTreeSet};

/// How long an eviction not yet confirmed by the pod's deletion keeps the
/// pod out of `currentHealthy` (upstream's `DeletionTimeout`).
pub const DELETION_TIMEOUT: Millis = 120 * SECOND;
const USER: &str = "system:serviceaccount:kube-system:disruption-controller";
const COMPONENT: &str = "controllermanager";

/// The registry entry of PodDisruptionBudgets.
pub fn pdb_res() -> &'static registry::ResourceInfo {
    registry::by_kind("policy/v1", "PodDisruptionBudget").expect("pdbs are served")
}
fn pod_res() -> &'static registry::ResourceInfo {
    registry::by_kind("v1", "Pod").expect("pods are served")
}

/// The budgets of `namespace` whose selector matches `labels` (a nil
/// selector matches nothing in policy/v1).
pub fn pdbs_for_pod<'a>(
    api: &'a crate::apiserver::ApiServer,
    namespace: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> Vec<&'a PodDisruptionBudget> {
    api.list(pdb_res(), Some(namespace))
        .filter_map(|o| match o {
            Object::PodDisruptionBudget(p) => Some(&**p),
            _ => None,
        })
        .filter(|p| {
            p.spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .is_some_and(|sel| label_selector_matches(sel, labels))
        })
        .collect()
}

/// Budgets are queued when they change and when a pod they select changes.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    match &*ev.object {
        Object::PodDisruptionBudget(p) if ev.event_type != EventType::Deleted => {
            let key = crate::api::key(
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or(""),
            );
            q.add(ControllerName::Disruption, key, ctx, QUEUE_LATENCY);
        }
        Object::Pod(p) => {
            let ns = p.metadata.namespace.as_deref().unwrap_or("");
            let keys: Vec<String> = pdbs_for_pod(ctx.api, ns, p.metadata.labels.as_ref())
                .iter()
                .map(|b| crate::api::key(ns, b.metadata.name.as_deref().unwrap_or("")))
                .collect();
            for key in keys {
                q.add(ControllerName::Disruption, key, ctx, QUEUE_LATENCY);
            }
        }
        _ => {}
    }
}

/// `GetScaledValueFromIntOrPercent` rounding up.
fn scaled(v: &IntOrString, total: i32) -> Result<i32, String> {
    match v {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let p: i64 = s
                .strip_suffix('%')
                .and_then(|d| d.parse().ok())
                .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            Ok(((p * i64::from(total) + 99) / 100) as i32)
        }
    }
}

/// `getExpectedScale`: the summed scale of the pods' controllers (a
/// ReplicaSet owned by a Deployment counts as the Deployment).
fn expected_scale(ctx: &Ctx, pods: &[&core::Pod]) -> Result<i32, String> {
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for p in pods {
        let ns = p.metadata.namespace.as_deref().unwrap_or("");
        let name = p.metadata.name.as_deref().unwrap_or("");
        let none = || format!("found no controllers for pod {name:?}");
        let mut owner = podutil_controller_ref(&p.metadata)
            .ok_or_else(none)?
            .clone();
        let mut obj = lookup(ctx, ns, &owner).ok_or_else(none)?;
        // A ReplicaSet of a Deployment: the Deployment's scale counts.
        if owner.kind == "ReplicaSet" {
            if let Some(dep) = podutil_controller_ref(&obj.0).filter(|r| r.kind == "Deployment") {
                if let Some(d) = lookup(ctx, ns, dep) {
                    owner = dep.clone();
                    obj = d;
                }
            }
        }
        if seen.insert(owner.uid.clone()) {
            total += obj.1;
        }
    }
    Ok(total)
}

fn podutil_controller_ref(m: &meta::ObjectMeta) -> Option<&meta::OwnerReference> {
    m.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// A controller object's metadata and `spec.replicas` (default 1).
fn lookup(ctx: &Ctx, ns: &str, r: &meta::OwnerReference) -> Option<(meta::ObjectMeta, i32)> {
    let res = registry::by_kind(&r.api_version, &r.kind)?;
    let o = ctx.api.get(res, ns, &r.name)?;
    if o.meta().uid.as_deref() != Some(r.uid.as_str()) {
        return None;
    }
    let replicas = o
        .to_value()
        .pointer("/spec/replicas")
        .and_then(|v| v.as_i64())
        .unwrap_or(1) as i32;
    Some((o.meta().clone(), replicas))
}

fn set_allowed_condition(
    status: &mut PodDisruptionBudgetStatus,
    allowed: bool,
    reason: &str,
    message: &str,
    generation: i64,
    now: &meta::Time,
) {
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let value = if allowed { "True" } else { "False" };
    match conds.iter_mut().find(|c| c.type_ == "DisruptionAllowed") {
        Some(c) => {
            if c.status != value {
                c.last_transition_time = now.clone();
            }
            c.status = value.into();
            c.reason = reason.into();
            c.message = message.into();
            c.observed_generation = Some(generation);
        }
        None => conds.push(meta::Condition {
            type_: "DisruptionAllowed".into(),
            status: value.into(),
            reason: reason.into(),
            message: message.into(),
            observed_generation: Some(generation),
            last_transition_time: now.clone(),
        }),
    }
}

/// Computes and writes one budget's status; requeues when a recorded
/// eviction expires.
pub fn sync(key: &str, ctx: &mut Ctx) -> Option<Millis> {
    let (ns, name) = key.split_once('/')?;
    let pdb = ctx
        .api
        .get_typed::<PodDisruptionBudget>(pdb_res(), ns, name)
        .cloned()?;
    let spec = pdb.spec.clone().unwrap_or_default();
    let generation = pdb.metadata.generation.unwrap_or(0);
    let pods: Vec<core::Pod> = match &spec.selector {
        None => Vec::new(),
        Some(sel) => ctx
            .api
            .list(pod_res(), Some(ns))
            .filter_map(|o| match o {
                Object::Pod(p) if label_selector_matches(sel, p.metadata.labels.as_ref()) => {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect(),
    };
    let involved = crate::apiserver::Involved {
        api_version: "policy/v1",
        kind: "PodDisruptionBudget",
        meta: &pdb.metadata,
    };
    if pods.is_empty() {
        ctx.api.record_event(
            COMPONENT,
            None,
            involved,
            None,
            "Normal",
            "NoPods",
            "No matching pods found",
        );
    }
    let refs: Vec<&core::Pod> = pods.iter().collect();
    let counts: Result<(i32, i32), String> = if let Some(mu) = &spec.max_unavailable {
        expected_scale(ctx, &refs).and_then(|expected| {
            let mu = scaled(mu, expected)?;
            Ok((expected, (expected - mu).max(0)))
        })
    } else if let Some(ma) = &spec.min_available {
        match ma {
            IntOrString::Int(i) => Ok((pods.len() as i32, *i)),
            IntOrString::String(_) => expected_scale(ctx, &refs)
                .and_then(|expected| Ok((expected, scaled(ma, expected)?))),
        }
    } else {
        Ok((pods.len() as i32, 0))
    };
    let now_ms = ctx.now();
    let now = ctx.api.clock.time();
    let mut status = pdb.status.clone().unwrap_or_default();
    let (expected, desired) = match counts {
        Ok(c) => c,
        Err(e) => {
            // failSafe: no disruptions while the budget cannot be computed.
            ctx.api.record_event(
                COMPONENT,
                None,
                involved,
                None,
                "Warning",
                "CalculateExpectedPodCountFailed",
                &format!("Failed to calculate the number of expected pods: {e}"),
            );
            status.disruptions_allowed = 0;
            status.observed_generation = Some(generation);
            set_allowed_condition(&mut status, false, "SyncFailed", &e, generation, &now);
            write_status(ctx, &pdb, status);
            return None;
        }
    };
    // buildDisruptedPodMap: evictions not yet confirmed, for two minutes.
    let mut disrupted = BTreeMap::new();
    let mut recheck: Option<Millis> = None;
    for (pod, t) in status.disrupted_pods.clone().unwrap_or_default() {
        let live = pods.iter().any(|p| {
            p.metadata.name.as_deref() == Some(pod.as_str())
                && p.metadata.deletion_timestamp.is_none()
        });
        if !live {
            continue;
        }
        let at = ctx.api.clock.millis_of(&t.0);
        let expires = at + DELETION_TIMEOUT;
        if expires <= now_ms {
            continue;
        }
        recheck = Some(recheck.map_or(expires - now_ms, |r: Millis| r.min(expires - now_ms)));
        disrupted.insert(pod, t);
    }
    let healthy = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| !disrupted.contains_key(p.metadata.name.as_deref().unwrap_or("")))
        .filter(|p| podutil::is_ready(p))
        .count() as i32;
    let mut allowed = healthy - desired;
    if expected <= 0 || allowed <= 0 {
        allowed = 0;
    }
    status.current_healthy = healthy;
    status.desired_healthy = desired;
    status.expected_pods = expected;
    status.disruptions_allowed = allowed;
    status.disrupted_pods = (!disrupted.is_empty()).then_some(disrupted);
    status.observed_generation = Some(generation);
    let (ok, reason) = if allowed > 0 {
        (true, "SufficientPods")
    } else {
        (false, "InsufficientPods")
    };
    set_allowed_condition(&mut status, ok, reason, "", generation, &now);
    write_status(ctx, &pdb, status);
    recheck
}

fn write_status(ctx: &mut Ctx, pdb: &PodDisruptionBudget, status: PodDisruptionBudgetStatus) {
    if pdb.status.as_ref() == Some(&status) {
        return;
    }
    let mut next = pdb.clone();
    next.status = Some(status);
    let _ = ctx
        .api
        .update_status(USER, Object::PodDisruptionBudget(Box::new(next)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_scale_against_the_expected_count_rounding_up() {
        assert_eq!(scaled(&IntOrString::Int(2), 10), Ok(2));
        assert_eq!(scaled(&IntOrString::String("30%".into()), 4), Ok(2));
        assert_eq!(scaled(&IntOrString::String("50%".into()), 4), Ok(2));
        assert_eq!(scaled(&IntOrString::String("1%".into()), 1), Ok(1));
        assert_eq!(scaled(&IntOrString::String("0%".into()), 7), Ok(0));
        assert!(scaled(&IntOrString::String("x".into()), 1).is_err());
    }
}
