//! Helpers shared by plugins: score normalization
//! (pkg/scheduler/framework/plugins/helper/normalize_score.go) and toleration
//! matching (k8s.io/api/core/v1/toleration.go, pkg/apis/core/v1/helper).

use crate::api::core::{Taint, Toleration};
use crate::scheduler::framework::MAX_NODE_SCORE;

/// `DefaultNormalizeScore`: scales scores so the highest becomes
/// `MAX_NODE_SCORE`; with `reverse`, subtracts from `MAX_NODE_SCORE`. All
/// zero scores stay 0 (or all become `MAX_NODE_SCORE` when reversed).
pub fn default_normalize_score(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0).max(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_NODE_SCORE);
        }
        return;
    }
    for s in scores.iter_mut() {
        let mut v = MAX_NODE_SCORE * *s / max;
        if reverse {
            v = MAX_NODE_SCORE - v;
        }
        *s = v;
    }
}

/// `Toleration.ToleratesTaint`: effect (empty matches all), key (empty
/// matches all, with `Exists`), and value by operator (`Equal` or empty:
/// equal values; `Exists`: any value).
pub fn tolerates_taint(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or("") {
        "" | "Equal" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        "Exists" => true,
        _ => false,
    }
}

/// `TolerationsTolerateTaint`: whether any toleration tolerates `taint`.
pub fn tolerations_tolerate_taint(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates_taint(t, taint))
}

/// `FindMatchingUntoleratedTaint`: the first taint passing `filter` that no
/// toleration tolerates.
pub fn find_matching_untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| filter(t))
        .find(|t| !tolerations_tolerate_taint(tolerations, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: Some(value.into()),
            effect: effect.into(),
            ..Taint::default()
        }
    }

    fn tol(
        key: Option<&str>,
        op: Option<&str>,
        value: Option<&str>,
        effect: Option<&str>,
    ) -> Toleration {
        Toleration {
            key: key.map(Into::into),
            operator: op.map(Into::into),
            value: value.map(Into::into),
            effect: effect.map(Into::into),
            ..Toleration::default()
        }
    }

    #[test]
    fn tolerations_match_as_upstream() {
        let t = taint("k", "v", "NoSchedule");
        assert!(tolerates_taint(&tol(Some("k"), None, Some("v"), None), &t));
        assert!(tolerates_taint(
            &tol(Some("k"), Some("Equal"), Some("v"), Some("NoSchedule")),
            &t
        ));
        assert!(!tolerates_taint(
            &tol(Some("k"), Some("Equal"), Some("w"), None),
            &t
        ));
        assert!(tolerates_taint(
            &tol(Some("k"), Some("Exists"), None, None),
            &t
        ));
        assert!(tolerates_taint(&tol(None, Some("Exists"), None, None), &t));
        assert!(!tolerates_taint(
            &tol(Some("k"), Some("Exists"), None, Some("NoExecute")),
            &t
        ));
        assert!(!tolerates_taint(
            &tol(Some("other"), Some("Exists"), None, None),
            &t
        ));
    }

    #[test]
    fn normalization_scales_to_the_maximum() {
        let mut s = [0, 5, 10];
        default_normalize_score(&mut s, false);
        assert_eq!(s, [0, 50, 100]);
        let mut s = [0, 1, 2];
        default_normalize_score(&mut s, true);
        assert_eq!(s, [100, 50, 0]);
        let mut s = [0, 0];
        default_normalize_score(&mut s, true);
        assert_eq!(s, [100, 100]);
    }
}
