//! Behavior normalization, as upstream pkg/controller/podautoscaler/
//! horizontal.go does it with `spec.behavior` (always set once defaulted):
//! `stabilizeRecommendationWithBehaviors` (the highest recommendation of the
//! scale-down window, the lowest of the scale-up window) then
//! `convertDesiredReplicasWithBehaviorRate` (the policies' limits on how fast
//! the count moves, and the min/max clamps), with the condition reasons and
//! messages the controller writes to `AbleToScale` and `ScalingLimited`.

use crate::clock::{Millis, SECOND};

/// A scaling policy's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyType {
    /// `Pods`: an absolute number of pods.
    Pods,
    /// `Percent`: a percentage of the pods at the start of the period.
    Percent,
}

/// One `HPAScalingPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Its type.
    pub kind: PolicyType,
    /// Pods or percent.
    pub value: i32,
    /// The period it looks back over, in seconds.
    pub period_seconds: i32,
}

/// `selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectPolicy {
    /// The policy allowing the biggest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `HPAScalingRules` for one direction, defaulted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// `stabilizationWindowSeconds`.
    pub stabilization_window_seconds: i32,
    /// `selectPolicy`.
    pub select: SelectPolicy,
    /// `policies`.
    pub policies: Vec<Policy>,
}

impl Rules {
    /// v1.32's default scale-up rules: no window, the larger of 100 % and 4
    /// pods every 15 s (pkg/apis/autoscaling/v2/defaults.go).
    pub fn default_scale_up() -> Rules {
        Rules {
            stabilization_window_seconds: 0,
            select: SelectPolicy::Max,
            policies: vec![
                Policy {
                    kind: PolicyType::Percent,
                    value: 100,
                    period_seconds: 15,
                },
                Policy {
                    kind: PolicyType::Pods,
                    value: 4,
                    period_seconds: 15,
                },
            ],
        }
    }

    /// v1.32's default scale-down rules: a 300 s window, 100 % every 15 s.
    pub fn default_scale_down() -> Rules {
        Rules {
            stabilization_window_seconds: 300,
            select: SelectPolicy::Max,
            policies: vec![Policy {
                kind: PolicyType::Percent,
                value: 100,
                period_seconds: 15,
            }],
        }
    }
}

/// A past recommendation (upstream `timestampedRecommendation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedRecommendation {
    /// Replicas recommended.
    pub replicas: i32,
    /// When.
    pub at: Millis,
}

/// A past scale (upstream `timestampedScaleEvent`): how many pods it added
/// or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleEvent {
    /// Pods added (scale up) or removed (scale down), positive.
    pub change: i32,
    /// When.
    pub at: Millis,
}

/// A condition to set: reason and message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The condition's reason.
    pub reason: &'static str,
    /// Its message.
    pub message: &'static str,
}

/// The outcome of normalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Normalized {
    /// The replica count to scale to.
    pub replicas: i32,
    /// `AbleToScale` (status True) reason.
    pub able_to_scale: Reason,
    /// `ScalingLimited` reason, and whether the condition is True.
    pub limited: (bool, Reason),
}

/// What normalization works from.
pub struct Args<'a> {
    /// The target's current replicas.
    pub current: i32,
    /// The calculator's recommendation.
    pub desired: i32,
    /// `spec.minReplicas` (defaulted to 1).
    pub min: i32,
    /// `spec.maxReplicas`.
    pub max: i32,
    /// Scale-up rules.
    pub scale_up: &'a Rules,
    /// Scale-down rules.
    pub scale_down: &'a Rules,
    /// Past scale-ups.
    pub up_events: &'a [ScaleEvent],
    /// Past scale-downs.
    pub down_events: &'a [ScaleEvent],
    /// Now, on the virtual clock.
    pub now: Millis,
}

/// upstream `stabilizeRecommendationWithBehaviors`: records the new
/// recommendation in `history` (replacing one older than both windows) and
/// returns the stabilized count and the `AbleToScale` reason.
pub fn stabilize(history: &mut Vec<TimedRecommendation>, args: &Args<'_>) -> (i32, Reason) {
    let window = |r: &Rules| Millis::from(r.stabilization_window_seconds.max(0) as u32) * SECOND;
    let up_cutoff = args.now.saturating_sub(window(args.scale_up));
    let down_cutoff = args.now.saturating_sub(window(args.scale_down));
    let (mut up, mut down) = (args.desired, args.desired);
    for r in history.iter() {
        if r.at > up_cutoff {
            up = up.min(r.replicas);
        }
        if r.at > down_cutoff {
            down = down.max(r.replicas);
        }
    }
    let mut recommendation = args.current;
    if recommendation < up {
        recommendation = up;
    }
    if recommendation > down {
        recommendation = down;
    }
    let cutoff = up_cutoff.min(down_cutoff);
    let new = TimedRecommendation {
        replicas: args.desired,
        at: args.now,
    };
    match history.iter_mut().find(|r| r.at <= cutoff) {
        Some(stale) => *stale = new,
        None => history.push(new),
    }
    let reason = if recommendation == args.desired {
        Reason {
            reason: "ReadyForNewScale",
            message: "recommended size matches current size",
        }
    } else if recommendation < args.desired {
        Reason {
            reason: "ScaleUpStabilized",
            message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
        }
    } else {
        Reason {
            reason: "ScaleDownStabilized",
            message: "recent recommendations were higher than current one, applying the highest recent recommendation",
        }
    };
    (recommendation, reason)
}

/// upstream `getReplicasChangePerPeriod`.
fn change_in_period(period_seconds: i32, events: &[ScaleEvent], now: Millis) -> i32 {
    let cutoff = now.saturating_sub(Millis::from(period_seconds.max(0) as u32) * SECOND);
    events
        .iter()
        .filter(|e| e.at > cutoff)
        .map(|e| e.change)
        .sum()
}

/// upstream `calculateScaleUpLimitWithScalingRules`.
pub fn scale_up_limit(args: &Args<'_>) -> i32 {
    let rules = args.scale_up;
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select {
        SelectPolicy::Disabled => return args.current,
        SelectPolicy::Min => (i32::MAX, std::cmp::min),
        SelectPolicy::Max => (i32::MIN, std::cmp::max),
    };
    for p in &rules.policies {
        let start = args.current - change_in_period(p.period_seconds, args.up_events, args.now)
            + change_in_period(p.period_seconds, args.down_events, args.now);
        let proposed = match p.kind {
            PolicyType::Pods => start + p.value,
            PolicyType::Percent => {
                (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// upstream `calculateScaleDownLimitWithBehaviors`.
pub fn scale_down_limit(args: &Args<'_>) -> i32 {
    let rules = args.scale_down;
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select {
        SelectPolicy::Disabled => return args.current,
        SelectPolicy::Min => (i32::MIN, std::cmp::max),
        SelectPolicy::Max => (i32::MAX, std::cmp::min),
    };
    for p in &rules.policies {
        let start = args.current - change_in_period(p.period_seconds, args.up_events, args.now)
            + change_in_period(p.period_seconds, args.down_events, args.now);
        let proposed = match p.kind {
            PolicyType::Pods => start - p.value,
            PolicyType::Percent => (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32,
        };
        result = pick(result, proposed);
    }
    result
}

/// upstream `convertDesiredReplicasWithBehaviorRate`: `desired` limited by
/// the policies and by min/max, with the `ScalingLimited` reason.
pub fn limit_rate(args: &Args<'_>, desired: i32) -> (i32, Reason) {
    if desired > args.current {
        let limit = scale_up_limit(args).max(args.current);
        let (allowed, reason) = if args.max > limit {
            (
                limit,
                Reason {
                    reason: "ScaleUpLimit",
                    message:
                        "the desired replica count is increasing faster than the maximum scale rate",
                },
            )
        } else {
            (
                args.max,
                Reason {
                    reason: "TooManyReplicas",
                    message: "the desired replica count is more than the maximum replica count",
                },
            )
        };
        if desired > allowed {
            return (allowed, reason);
        }
    } else if desired < args.current {
        let limit = scale_down_limit(args).min(args.current);
        let (allowed, reason) = if args.min < limit {
            (
                limit,
                Reason {
                    reason: "ScaleDownLimit",
                    message:
                        "the desired replica count is decreasing faster than the maximum scale rate",
                },
            )
        } else {
            (
                args.min,
                Reason {
                    reason: "TooFewReplicas",
                    message: "the desired replica count is less than the minimum replica count",
                },
            )
        };
        if desired < allowed {
            return (allowed, reason);
        }
    }
    (
        desired,
        Reason {
            reason: "DesiredWithinRange",
            message: "the desired count is within the acceptable range",
        },
    )
}

/// upstream `normalizeDesiredReplicasWithBehaviors`: stabilization, then
/// the rate limits and clamps.
pub fn normalize(history: &mut Vec<TimedRecommendation>, args: &Args<'_>) -> Normalized {
    let (stabilized, able_to_scale) = stabilize(history, args);
    let (replicas, reason) = limit_rate(args, stabilized);
    Normalized {
        replicas,
        able_to_scale,
        limited: (replicas != stabilized, reason),
    }
}

/// `--horizontal-pod-autoscaler-downscale-stabilization` default: the
/// scale-down window of an HPA without `spec.behavior` (and of one whose
/// `scaleDown.stabilizationWindowSeconds` is unset).
pub const DOWNSCALE_STABILIZATION_WINDOW: Millis = 300 * SECOND;

/// upstream `stabilizeRecommendation` (an HPA without `spec.behavior`): the
/// highest recommendation of the downscale window, the new one included;
/// the new one replaces a sample older than the window.
fn stabilize_without_behavior(
    history: &mut Vec<TimedRecommendation>,
    desired: i32,
    window: Millis,
    now: Millis,
) -> i32 {
    let cutoff = now.saturating_sub(window);
    let mut max = desired;
    let mut old = None;
    for (i, r) in history.iter().enumerate() {
        if r.at < cutoff {
            old = Some(i);
        } else if r.replicas > max {
            max = r.replicas;
        }
    }
    let new = TimedRecommendation {
        replicas: desired,
        at: now,
    };
    match old {
        Some(i) => history[i] = new,
        None => history.push(new),
    }
    max
}

/// upstream `convertDesiredReplicasWithRules`: an HPA without
/// `spec.behavior` scales up to at most max(2 × current, 4) at once, and
/// within min/max.
fn limit_without_behavior(current: i32, desired: i32, min: i32, max: i32) -> (i32, Reason) {
    let scale_up_limit = (2.0 * f64::from(current)).max(4.0) as i32;
    let (maximum, limiting) = if max > scale_up_limit {
        (
            scale_up_limit,
            Reason {
                reason: "ScaleUpLimit",
                message:
                    "the desired replica count is increasing faster than the maximum scale rate",
            },
        )
    } else {
        (
            max,
            Reason {
                reason: "TooManyReplicas",
                message: "the desired replica count is more than the maximum replica count",
            },
        )
    };
    if desired < min {
        return (
            min,
            Reason {
                reason: "TooFewReplicas",
                message: "the desired replica count is less than the minimum replica count",
            },
        );
    }
    if desired > maximum {
        return (maximum, limiting);
    }
    (
        desired,
        Reason {
            reason: "DesiredWithinRange",
            message: "the desired count is within the acceptable range",
        },
    )
}

/// upstream `normalizeDesiredReplicas`: what an HPA without
/// `spec.behavior` does with the calculator's recommendation.
pub fn normalize_without_behavior(
    history: &mut Vec<TimedRecommendation>,
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
    now: Millis,
) -> Normalized {
    let stabilized =
        stabilize_without_behavior(history, desired, DOWNSCALE_STABILIZATION_WINDOW, now);
    let able_to_scale = if stabilized != desired {
        Reason {
            reason: "ScaleDownStabilized",
            message: "recent recommendations were higher than current one, applying the highest recent recommendation",
        }
    } else {
        Reason {
            reason: "ReadyForNewScale",
            message: "recommended size matches current size",
        }
    };
    let (replicas, reason) = limit_without_behavior(current, stabilized, min, max);
    Normalized {
        replicas,
        able_to_scale,
        limited: (replicas != stabilized, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 3_600 * SECOND;

    fn args<'a>(
        current: i32,
        desired: i32,
        up: &'a Rules,
        down: &'a Rules,
        up_events: &'a [ScaleEvent],
        down_events: &'a [ScaleEvent],
    ) -> Args<'a> {
        Args {
            current,
            desired,
            min: 1,
            max: 100,
            scale_up: up,
            scale_down: down,
            up_events,
            down_events,
            now: NOW,
        }
    }

    #[test]
    fn default_scale_up_doubles_or_adds_four_whichever_is_more() {
        let (up, down) = (Rules::default_scale_up(), Rules::default_scale_down());
        // From 1: max(2, 5) = 5.
        let a = args(1, 20, &up, &down, &[], &[]);
        assert_eq!(limit_rate(&a, 20).0, 5);
        assert_eq!(limit_rate(&a, 20).1.reason, "ScaleUpLimit");
        // From 10: max(20, 14) = 20.
        let a = args(10, 50, &up, &down, &[], &[]);
        assert_eq!(limit_rate(&a, 50).0, 20);
    }

    #[test]
    fn pods_added_in_the_period_count_against_the_limit() {
        let (up, down) = (Rules::default_scale_up(), Rules::default_scale_down());
        // 4 pods were added 10 s ago (1 → 5): the period started at 1, so at
        // most 5 now.
        let ev = [ScaleEvent {
            change: 4,
            at: NOW - 10 * SECOND,
        }];
        let a = args(5, 20, &up, &down, &ev, &[]);
        assert_eq!(limit_rate(&a, 20), (5, limit_rate(&a, 20).1));
        // 20 s ago the event is out of the 15 s period: 10 allowed.
        let ev = [ScaleEvent {
            change: 4,
            at: NOW - 20 * SECOND,
        }];
        let a = args(5, 20, &up, &down, &ev, &[]);
        assert_eq!(limit_rate(&a, 20).0, 10);
    }

    #[test]
    fn max_and_min_clamp_with_their_reasons() {
        let (up, down) = (Rules::default_scale_up(), Rules::default_scale_down());
        let mut a = args(8, 12, &up, &down, &[], &[]);
        a.max = 10;
        assert_eq!(
            limit_rate(&a, 12),
            (
                10,
                Reason {
                    reason: "TooManyReplicas",
                    message: "the desired replica count is more than the maximum replica count"
                }
            )
        );
        let mut a = args(3, 0, &up, &down, &[], &[]);
        a.min = 2;
        assert_eq!(limit_rate(&a, 0).0, 2);
        assert_eq!(limit_rate(&a, 0).1.reason, "TooFewReplicas");
    }

    #[test]
    fn scale_down_waits_for_the_highest_recommendation_of_the_window() {
        let (up, down) = (Rules::default_scale_up(), Rules::default_scale_down());
        let mut history = vec![
            TimedRecommendation {
                replicas: 7,
                at: NOW - 200 * SECOND,
            },
            TimedRecommendation {
                replicas: 4,
                at: NOW - 100 * SECOND,
            },
        ];
        let a = args(7, 1, &up, &down, &[], &[]);
        let n = normalize(&mut history, &a);
        assert_eq!(n.replicas, 7);
        assert_eq!(n.able_to_scale.reason, "ScaleDownStabilized");
        assert!(!n.limited.0);
        // 301 s later everything but the newest (1) is out of the window.
        let a = Args {
            now: NOW + 301 * SECOND,
            ..a
        };
        let n = normalize(&mut history, &a);
        assert_eq!(n.replicas, 1);
        assert_eq!(n.able_to_scale.reason, "ReadyForNewScale");
    }

    #[test]
    fn stale_recommendations_are_replaced_not_accumulated() {
        let (up, down) = (Rules::default_scale_up(), Rules::default_scale_down());
        let mut history = Vec::new();
        for i in 0..100 {
            let a = Args {
                now: NOW + i * 15 * SECOND,
                ..args(3, 3, &up, &down, &[], &[])
            };
            normalize(&mut history, &a);
        }
        // A 300 s window at one recommendation per 15 s keeps about 21.
        assert!(history.len() <= 22, "{}", history.len());
    }

    #[test]
    fn disabled_select_policy_holds_the_count() {
        let up = Rules {
            select: SelectPolicy::Disabled,
            ..Rules::default_scale_up()
        };
        let down = Rules::default_scale_down();
        let a = args(3, 9, &up, &down, &[], &[]);
        assert_eq!(limit_rate(&a, 9).0, 3);
    }

    #[test]
    fn scale_down_policy_of_one_pod_per_minute() {
        let up = Rules::default_scale_up();
        let down = Rules {
            stabilization_window_seconds: 0,
            select: SelectPolicy::Max,
            policies: vec![Policy {
                kind: PolicyType::Pods,
                value: 1,
                period_seconds: 60,
            }],
        };
        let a = args(5, 1, &up, &down, &[], &[]);
        assert_eq!(limit_rate(&a, 1).0, 4);
        let ev = [ScaleEvent {
            change: 1,
            at: NOW - 30 * SECOND,
        }];
        let a = args(4, 1, &up, &down, &[], &ev);
        assert_eq!(limit_rate(&a, 1).0, 4);
        assert_eq!(limit_rate(&a, 1).1.reason, "ScaleDownLimit");
    }
    #[test]
    fn without_behavior_scale_up_is_limited_to_double_or_four() {
        let mut h = Vec::new();
        let n = normalize_without_behavior(&mut h, 1, 10, 1, 10, NOW);
        assert_eq!(n.replicas, 4);
        assert_eq!(n.limited, (true, limit_without_behavior(1, 10, 1, 10).1));
        assert_eq!(n.limited.1.reason, "ScaleUpLimit");
        let n = normalize_without_behavior(&mut h, 4, 10, 1, 10, NOW + 15 * SECOND);
        assert_eq!(n.replicas, 8);
        let n = normalize_without_behavior(&mut h, 8, 12, 1, 10, NOW + 30 * SECOND);
        assert_eq!((n.replicas, n.limited.1.reason), (10, "TooManyReplicas"));
    }

    #[test]
    fn without_behavior_scale_down_waits_five_minutes() {
        let mut h = vec![TimedRecommendation {
            replicas: 1,
            at: NOW - 400 * SECOND,
        }];
        let n = normalize_without_behavior(&mut h, 5, 5, 1, 10, NOW);
        assert_eq!(n.replicas, 5);
        let n = normalize_without_behavior(&mut h, 5, 1, 1, 10, NOW + 15 * SECOND);
        assert_eq!(n.replicas, 5);
        assert_eq!(n.able_to_scale.reason, "ScaleDownStabilized");
        let n = normalize_without_behavior(&mut h, 5, 1, 1, 10, NOW + 301 * SECOND);
        assert_eq!(n.replicas, 1);
        assert_eq!(n.able_to_scale.reason, "ReadyForNewScale");
    }
}
