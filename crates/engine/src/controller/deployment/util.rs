//! Pure helpers of the Deployment controller, as upstream's
//! pkg/controller/deployment/util/deployment_util.go and
//! pkg/controller/controller_utils.go (`ComputeHash`).

use crate::api::{apps, core, meta};
use crate::rng::{fnv32a, safe_encode_string};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// `apps.DefaultDeploymentUniqueLabelKey`.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// `RevisionAnnotation`.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// `RevisionHistoryAnnotation`.
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// `DesiredReplicasAnnotation`.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `MaxReplicasAnnotation`.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// `kubectl.kubernetes.io/last-applied-configuration`.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `kubernetes.io/change-cause`.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// `maxRevHistoryLengthInChars`.
const MAX_REV_HISTORY_CHARS: usize = 2000;

/// Annotations a Deployment does not copy to its ReplicaSets
/// (`annotationsToSkip`); kubectl's rollback skips the same set.
pub fn skip_copy_annotation(k: &str) -> bool {
    matches!(
        k,
        LAST_APPLIED
            | REVISION
            | REVISION_HISTORY
            | DESIRED_REPLICAS
            | MAX_REPLICAS
            | "deprecated.deployment.rollback.to"
    )
}

/// `controller.ComputeHash`: FNV-1a over the template, then the collision
/// count as 8 little-endian bytes (4 used), the decimal sum safe-encoded.
///
/// Upstream feeds the hasher go-spew's `%#v` dump of the Go struct
/// (`hashutil.DeepHashObject`); a Go struct dump cannot be reproduced
/// without Go's types, so Kubarium feeds the template's canonical JSON
/// instead (sorted keys, defaulted fields). The algorithm, alphabet, length
/// and collision handling are upstream's; the values differ from a real
/// cluster's (documented in the README's simplifications).
pub fn compute_hash(template: &core::PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut data = serde_json::to_vec(template).unwrap_or_default();
    if let Some(c) = collision_count {
        let mut b = [0u8; 8];
        b[..4].copy_from_slice(&(c as u32).to_le_bytes());
        data.extend_from_slice(&b);
    }
    safe_encode_string(&fnv32a(&data).to_string())
}

/// `intstr.GetScaledValueFromIntOrPercent`: an int as is, a percent of
/// `total` rounded up or down. `Err` carries upstream's message.
pub fn scaled_value(v: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match v {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let n: i64 = s
                .strip_suffix('%')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| {
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .to_string()
                })?;
            let p = n * i64::from(total);
            Ok(if round_up {
                p.div_euclid(100) + i64::from(p.rem_euclid(100) != 0)
            } else {
                p.div_euclid(100)
            } as i32)
        }
    }
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable) for `desired` replicas;
/// surge rounds up, unavailable down, and both 0 makes unavailable 1.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> (i32, i32) {
    let zero = IntOrString::Int(0);
    let surge = scaled_value(max_surge.unwrap_or(&zero), desired, true).unwrap_or(0);
    let mut unavailable =
        scaled_value(max_unavailable.unwrap_or(&zero), desired, false).unwrap_or(0);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `spec.replicas` (defaulted to 1).
pub fn replicas(d: &apps::Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn rolling(d: &apps::Deployment) -> Option<&apps::RollingUpdateDeployment> {
    let s = d.spec.as_ref()?.strategy.as_ref()?;
    if s.type_.as_deref() == Some("RollingUpdate") {
        s.rolling_update.as_ref()
    } else {
        None
    }
}

/// `IsRollingUpdate`.
pub fn is_rolling_update(d: &apps::Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("RollingUpdate")
}

/// `MaxSurge`: 0 unless RollingUpdate.
pub fn max_surge(d: &apps::Deployment) -> i32 {
    match rolling(d) {
        Some(ru) => {
            resolve_fenceposts(
                ru.max_surge.as_ref(),
                ru.max_unavailable.as_ref(),
                replicas(d),
            )
            .0
        }
        None => 0,
    }
}

/// `MaxUnavailable`: 0 unless RollingUpdate with replicas > 0; never more
/// than replicas.
pub fn max_unavailable(d: &apps::Deployment) -> i32 {
    let want = replicas(d);
    match rolling(d) {
        Some(ru) if want != 0 => {
            let (_, u) =
                resolve_fenceposts(ru.max_surge.as_ref(), ru.max_unavailable.as_ref(), want);
            u.min(want)
        }
        _ => 0,
    }
}

/// A ReplicaSet's `spec.replicas` (defaulted to 1).
pub fn rs_replicas(rs: &apps::ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// `status.availableReplicas` of a ReplicaSet.
pub fn rs_available(rs: &apps::ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

/// `GetReplicaCountForReplicaSets`: the sum of `spec.replicas`.
pub fn replica_count<'a>(rss: impl IntoIterator<Item = &'a apps::ReplicaSet>) -> i32 {
    rss.into_iter().map(rs_replicas).sum()
}

/// `NewRSNewReplicas`: how big the new ReplicaSet may be now.
pub fn new_rs_new_replicas(
    d: &apps::Deployment,
    all: &[&apps::ReplicaSet],
    new_rs: &apps::ReplicaSet,
) -> i32 {
    let want = replicas(d);
    if !is_rolling_update(d) {
        return want;
    }
    let new_size = rs_replicas(new_rs);
    let current = replica_count(all.iter().copied());
    let max_total = want + max_surge(d);
    if current >= max_total {
        return new_size;
    }
    new_size + (max_total - current).min(want - new_size)
}

/// `GetProportion`: how many replicas `rs` gets of `to_add` when the
/// Deployment is scaled in the middle of a rollout.
pub fn proportion(rs: &apps::ReplicaSet, d: &apps::Deployment, to_add: i32, added: i32) -> i32 {
    let size = rs_replicas(rs);
    if size == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `getReplicaSetFraction`.
fn replica_set_fraction(rs: &apps::ReplicaSet, d: &apps::Deployment) -> i32 {
    let want = replicas(d);
    let size = rs_replicas(rs);
    if want == 0 {
        return -size;
    }
    let max = want + max_surge(d);
    let before = match int_annotation(&rs.metadata, MAX_REPLICAS) {
        Some(v) if v != 0 => v,
        _ => {
            let r = d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0);
            if r == 0 {
                return 0;
            }
            r
        }
    };
    // integer.RoundToInt32(float64(size*max) / float64(before)): round
    // half away from zero.
    let v = f64::from(size * max) / f64::from(before);
    v.round() as i32 - size
}

/// Reads an int32 annotation.
pub fn int_annotation(m: &meta::ObjectMeta, k: &str) -> Option<i32> {
    m.annotations.as_ref()?.get(k)?.parse().ok()
}

/// `Revision`: the revision annotation, 0 if absent or not a number.
pub fn revision(m: &meta::ObjectMeta) -> i64 {
    m.annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `SetReplicasAnnotations`: desired and max replicas; whether changed.
pub fn set_replicas_annotations(rs: &mut apps::ReplicaSet, desired: i32, max: i32) -> bool {
    let a = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (k, v) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
        let v = v.to_string();
        if a.get(k) != Some(&v) {
            a.insert(k.to_string(), v);
            changed = true;
        }
    }
    changed
}

/// `ReplicasAnnotationsNeedUpdate`.
pub fn replicas_annotations_need_update(rs: &apps::ReplicaSet, desired: i32, max: i32) -> bool {
    int_annotation(&rs.metadata, DESIRED_REPLICAS) != Some(desired)
        || int_annotation(&rs.metadata, MAX_REPLICAS) != Some(max)
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations,
/// moves the revision forward (keeping the old numbers in
/// revision-history on a rollback) and, for a ReplicaSet about to be
/// created, sets the replica annotations. Returns whether anything changed.
pub fn set_new_replica_set_annotations(
    d: &apps::Deployment,
    rs: &mut apps::ReplicaSet,
    new_revision: i64,
    exists: bool,
) -> bool {
    let mut changed = false;
    {
        let a = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
        for (k, v) in d.metadata.annotations.iter().flatten() {
            if skip_copy_annotation(k) || a.get(k) == Some(v) {
                continue;
            }
            a.insert(k.clone(), v.clone());
            changed = true;
        }
        let old = a.get(REVISION).cloned();
        let old_int = match old.as_deref() {
            None => 0,
            Some(s) => match s.parse::<i64>() {
                Ok(v) => v,
                Err(_) if s.is_empty() => 0,
                Err(_) => return false,
            },
        };
        if old_int < new_revision {
            a.insert(REVISION.into(), new_revision.to_string());
            changed = true;
            if let Some(old) = old {
                let history = a.get(REVISION_HISTORY).cloned().unwrap_or_default();
                if history.is_empty() {
                    a.insert(REVISION_HISTORY.into(), old);
                } else {
                    let mut olds: Vec<&str> = history.split(',').collect();
                    let mut total = history.len() + old.len() + 1;
                    let mut start = 0;
                    while total > MAX_REV_HISTORY_CHARS && start < olds.len() {
                        total -= olds[start].len() + 1;
                        start += 1;
                    }
                    if total <= MAX_REV_HISTORY_CHARS {
                        olds = olds.split_off(start);
                        olds.push(&old);
                        let joined = olds.join(",");
                        a.insert(REVISION_HISTORY.into(), joined);
                    } else {
                        a.insert(REVISION_HISTORY.into(), old);
                    }
                }
            }
        }
    }
    if !exists && set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)) {
        changed = true;
    }
    changed
}

/// A template without the pod-template-hash label (`EqualIgnoreHash`
/// compares two of these; nil and empty label maps are equal).
fn without_hash(t: &core::PodTemplateSpec) -> core::PodTemplateSpec {
    let mut t = t.clone();
    let m = t.metadata.get_or_insert_with(Default::default);
    if let Some(l) = m.labels.as_mut() {
        l.remove(POD_TEMPLATE_HASH);
        if l.is_empty() {
            m.labels = None;
        }
    }
    if m.annotations.as_ref().is_some_and(BTreeMap::is_empty) {
        m.annotations = None;
    }
    t
}

/// `EqualIgnoreHash`: templates equal but for the pod-template-hash label.
pub fn equal_ignore_hash(a: &core::PodTemplateSpec, b: &core::PodTemplateSpec) -> bool {
    without_hash(a) == without_hash(b)
}

/// The template of a ReplicaSet.
pub fn rs_template(rs: &apps::ReplicaSet) -> core::PodTemplateSpec {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default()
}

/// `GetDeploymentCondition`.
pub fn condition<'a>(
    status: &'a apps::DeploymentStatus,
    type_: &str,
) -> Option<&'a apps::DeploymentCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_)
}

/// `NewDeploymentCondition` at `now`.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: &meta::Time,
) -> apps::DeploymentCondition {
    apps::DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_update_time: Some(now.clone()),
        last_transition_time: Some(now.clone()),
    }
}

/// `SetDeploymentCondition`: no change if status and reason are the same;
/// the transition time kept if only the reason changes; the condition
/// moves to the end of the list.
pub fn set_condition(status: &mut apps::DeploymentStatus, mut c: apps::DeploymentCondition) {
    if let Some(cur) = condition(status, &c.type_) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition_time = cur.last_transition_time.clone();
        }
    }
    remove_condition(status, &c.type_);
    status.conditions.get_or_insert_with(Vec::new).push(c);
}

/// `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut apps::DeploymentStatus, type_: &str) {
    if let Some(cs) = status.conditions.as_mut() {
        cs.retain(|c| c.type_ != type_);
    }
}

/// `HasProgressDeadline`.
pub fn has_progress_deadline(d: &apps::Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .is_some_and(|p| p != i32::MAX)
}

/// `DeploymentComplete`.
pub fn deployment_complete(d: &apps::Deployment, s: &apps::DeploymentStatus) -> bool {
    let want = replicas(d);
    s.updated_replicas.unwrap_or(0) == want
        && s.replicas.unwrap_or(0) == want
        && s.available_replicas.unwrap_or(0) == want
        && s.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or
/// fewer old ones, than the stored status says.
pub fn deployment_progressing(d: &apps::Deployment, new: &apps::DeploymentStatus) -> bool {
    let default = apps::DeploymentStatus::default();
    let old = d.status.as_ref().unwrap_or(&default);
    let g = |o: Option<i32>| o.unwrap_or(0);
    let old_old = g(old.replicas) - g(old.updated_replicas);
    let new_old = g(new.replicas) - g(new.updated_replicas);
    g(new.updated_replicas) > g(old.updated_replicas)
        || new_old < old_old
        || g(new.ready_replicas) > g(old.ready_replicas)
        || g(new.available_replicas) > g(old.available_replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> IntOrString {
        IntOrString::String(v.into())
    }

    #[test]
    fn hash_is_stable_changes_with_the_template_and_with_collisions() {
        let mut t = core::PodTemplateSpec::default();
        let a = compute_hash(&t, None);
        assert_eq!(a, compute_hash(&t, None));
        assert!(a
            .chars()
            .all(|c| crate::rng::ALPHANUMS.contains(&(c as u8))));
        assert!(a.len() <= 10 && !a.is_empty());
        assert_ne!(a, compute_hash(&t, Some(1)));
        // A nil collision count and 0 differ (upstream writes 8 bytes for 0).
        assert_ne!(a, compute_hash(&t, Some(0)));
        t.metadata = Some(meta::ObjectMeta {
            labels: Some(BTreeMap::from([("app".into(), "web".into())])),
            ..Default::default()
        });
        assert_ne!(a, compute_hash(&t, None));
    }

    #[test]
    fn surge_rounds_up_and_unavailable_rounds_down() {
        assert_eq!(scaled_value(&s("25%"), 3, true), Ok(1));
        assert_eq!(scaled_value(&s("25%"), 3, false), Ok(0));
        assert_eq!(scaled_value(&s("25%"), 10, true), Ok(3));
        assert_eq!(scaled_value(&s("25%"), 10, false), Ok(2));
        assert_eq!(scaled_value(&s("100%"), 7, false), Ok(7));
        assert_eq!(scaled_value(&IntOrString::Int(2), 7, false), Ok(2));
        assert!(scaled_value(&s("x"), 7, false).is_err());
        // 25%/25% of 1: surge 1, unavailable 0.
        assert_eq!(
            resolve_fenceposts(Some(&s("25%")), Some(&s("25%")), 1),
            (1, 0)
        );
        // Both 0 after rounding: unavailable becomes 1.
        assert_eq!(
            resolve_fenceposts(Some(&s("0%")), Some(&s("10%")), 3),
            (0, 1)
        );
    }

    fn deployment(replicas: i32, surge: &str, unavailable: &str) -> apps::Deployment {
        apps::Deployment {
            spec: Some(apps::DeploymentSpec {
                replicas: Some(replicas),
                strategy: Some(apps::DeploymentStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(apps::RollingUpdateDeployment {
                        max_surge: Some(s(surge)),
                        max_unavailable: Some(s(unavailable)),
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn rs(replicas: i32) -> apps::ReplicaSet {
        apps::ReplicaSet {
            spec: Some(apps::ReplicaSetSpec {
                replicas: Some(replicas),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn rolling_step_surges_the_new_replicaset_within_max_surge() {
        // 4 replicas, 25%/25%: surge 1, unavailable 1.
        let d = deployment(4, "25%", "25%");
        assert_eq!((max_surge(&d), max_unavailable(&d)), (1, 1));
        let (old, new) = (rs(4), rs(0));
        // 4 old + 0 new, max total 5: the new one may grow to 1.
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 1);
        // Already at 5 total: no growth.
        let (old, new) = (rs(4), rs(1));
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 1);
        // Old scaled to 2, new at 2: grow by 1 (never beyond replicas).
        let (old, new) = (rs(2), rs(2));
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 3);
        let (old, new) = (rs(0), rs(3));
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 4);
        // 100% surge: the whole new size at once.
        let d = deployment(3, "100%", "0");
        let (old, new) = (rs(3), rs(0));
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 3);
    }

    #[test]
    fn max_unavailable_is_capped_at_replicas_and_zero_without_replicas() {
        assert_eq!(max_unavailable(&deployment(2, "0", "100%")), 2);
        assert_eq!(max_unavailable(&deployment(0, "25%", "25%")), 0);
    }

    #[test]
    fn proportional_scaling_uses_the_max_replicas_annotation() {
        // Deployment was 10 (+3 surge = 13), now 20 (+5 = 25); an RS of 6
        // annotated with max 13 gets round(6*25/13) - 6 = 6 more.
        let d = deployment(20, "25%", "25%");
        let mut r = rs(6);
        set_replicas_annotations(&mut r, 10, 13);
        assert_eq!(proportion(&r, &d, 12, 0), 6);
        // Never more than what is left to add.
        assert_eq!(proportion(&r, &d, 12, 10), 2);
    }

    #[test]
    fn rollback_moves_the_revision_and_keeps_history() {
        let d = apps::Deployment {
            metadata: meta::ObjectMeta {
                annotations: Some(BTreeMap::from([
                    (CHANGE_CAUSE.to_string(), "v1".to_string()),
                    (REVISION.to_string(), "2".to_string()),
                ])),
                ..Default::default()
            },
            ..deployment(3, "25%", "25%")
        };
        let mut r = rs(0);
        r.metadata.annotations = Some(BTreeMap::from([(REVISION.to_string(), "1".to_string())]));
        assert!(set_new_replica_set_annotations(&d, &mut r, 3, true));
        let a = r.metadata.annotations.unwrap();
        assert_eq!(a[REVISION], "3");
        assert_eq!(a[REVISION_HISTORY], "1");
        assert_eq!(a[CHANGE_CAUSE], "v1");
        assert!(!a.contains_key(DESIRED_REPLICAS));
    }

    #[test]
    fn set_condition_keeps_transition_time_when_only_the_reason_changes() {
        let t1 = meta::Time(k8s_openapi::chrono::DateTime::from_timestamp(100, 0).unwrap());
        let t2 = meta::Time(k8s_openapi::chrono::DateTime::from_timestamp(200, 0).unwrap());
        let mut st = apps::DeploymentStatus::default();
        set_condition(
            &mut st,
            new_condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                "a".into(),
                &t1,
            ),
        );
        set_condition(
            &mut st,
            new_condition("Progressing", "True", "ReplicaSetUpdated", "b".into(), &t2),
        );
        let c = condition(&st, "Progressing").unwrap();
        assert_eq!(c.last_transition_time, Some(t1));
        assert_eq!(c.last_update_time, Some(t2.clone()));
        // Same status and reason: nothing changes.
        set_condition(
            &mut st,
            new_condition("Progressing", "True", "ReplicaSetUpdated", "c".into(), &t2),
        );
        assert_eq!(
            condition(&st, "Progressing").unwrap().message.as_deref(),
            Some("b")
        );
    }
}
