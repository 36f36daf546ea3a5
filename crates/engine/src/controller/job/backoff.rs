//! The back-off before a Job re-creates pods after failures
//! (pkg/controller/job/backoff_utils.go): 10 s after the first failure,
//! doubling with each further failure since the last success, capped.
//!
//! Upstream's constants in v1.32 (job_controller.go) are
//! `DefaultJobPodFailureBackOff = 10s` and `MaxJobPodFailureBackOff = 10m`
//! (the Job docs still say "capped at six minutes").

use crate::clock::{Millis, MINUTE, SECOND};

/// First delay after a failure.
pub const DEFAULT_POD_FAILURE_BACKOFF: Millis = 10 * SECOND;
/// The cap.
pub const MAX_POD_FAILURE_BACKOFF: Millis = 10 * MINUTE;

/// What the controller remembers of a Job's finished pods (upstream's
/// `backoffRecord`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    /// Failed pods counted since the last succeeded one.
    pub failures_after_last_success: u32,
    /// When the last of them finished.
    pub last_failure_time: Option<Millis>,
}

impl BackoffRecord {
    /// Folds newly finished pods, `(finished at, succeeded)`, in order of
    /// finishing.
    pub fn observe(&mut self, mut finished: Vec<(Millis, bool)>) {
        finished.sort();
        for (at, ok) in finished {
            if ok {
                *self = BackoffRecord::default();
            } else {
                self.failures_after_last_success += 1;
                self.last_failure_time = Some(at);
            }
        }
    }

    /// The delay owed after the last failure (`10s × 2^(failures−1)`, capped).
    pub fn delay(&self) -> Millis {
        if self.failures_after_last_success == 0 {
            return 0;
        }
        let exp = (self.failures_after_last_success - 1).min(20);
        (DEFAULT_POD_FAILURE_BACKOFF << exp).min(MAX_POD_FAILURE_BACKOFF)
    }

    /// How long until new pods may be created at `now` (0: now).
    pub fn remaining(&self, now: Millis) -> Millis {
        match self.last_failure_time {
            None => 0,
            Some(t) => (t + self.delay()).saturating_sub(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_and_is_capped_at_ten_minutes() {
        let mut r = BackoffRecord::default();
        assert_eq!(r.delay(), 0);
        let mut want = Vec::new();
        for i in 0..8 {
            r.observe(vec![(i * 1000, false)]);
            want.push(r.delay() / SECOND);
        }
        assert_eq!(want, vec![10, 20, 40, 80, 160, 320, 600, 600]);
    }

    #[test]
    fn a_success_resets_the_backoff() {
        let mut r = BackoffRecord::default();
        r.observe(vec![(1_000, false), (2_000, false)]);
        assert_eq!(r.delay(), 20 * SECOND);
        assert_eq!(r.remaining(12_000), 10 * SECOND);
        r.observe(vec![(3_000, true)]);
        assert_eq!(r, BackoffRecord::default());
        assert_eq!(r.remaining(3_000), 0);
    }

    #[test]
    fn finished_pods_are_folded_in_finishing_order() {
        let mut r = BackoffRecord::default();
        // A failure after the success still counts.
        r.observe(vec![(5_000, false), (1_000, true)]);
        assert_eq!(r.failures_after_last_success, 1);
        assert_eq!(r.last_failure_time, Some(5_000));
    }
}
