//! The virtual clock. Nothing in the engine reads the wall clock: time is a
//! number of milliseconds since the scenario's start, mapped to a fixed,
//! realistic calendar date so timestamps and AGE columns read like a real
//! cluster's and stay reproducible.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use k8s_openapi::chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Virtual milliseconds since the simulation started.
pub type Millis = u64;

/// One second in [`Millis`].
pub const SECOND: Millis = 1_000;
/// One minute in [`Millis`].
pub const MINUTE: Millis = 60 * SECOND;

/// The default calendar instant at which a scenario starts:
/// 2025-03-03T09:00:00Z (a Monday morning), as Unix milliseconds.
pub const DEFAULT_EPOCH_UNIX_MS: i64 = 1_740_992_400_000;

/// The virtual clock: the current virtual time and the calendar date it maps to.
#[derive(Clone, Debug)]
pub struct Clock {
    epoch_unix_ms: i64,
    now: Millis,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(DEFAULT_EPOCH_UNIX_MS)
    }
}

impl Clock {
    /// A clock at virtual time zero, mapped to `epoch_unix_ms`.
    pub fn new(epoch_unix_ms: i64) -> Self {
        Clock {
            epoch_unix_ms,
            now: 0,
        }
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Moves the clock forward (never backward).
    pub fn advance_to(&mut self, t: Millis) {
        debug_assert!(t >= self.now, "the virtual clock never goes back");
        self.now = self.now.max(t);
    }

    /// Calendar instant of virtual time `t`.
    pub fn datetime(&self, t: Millis) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.epoch_unix_ms + t as i64)
            .single()
            .unwrap_or_default()
    }

    /// A `metav1.Time` for now, truncated to whole seconds as the API server
    /// serialises it (RFC 3339, second precision).
    pub fn time(&self) -> Time {
        self.time_at(self.now)
    }

    /// A `metav1.Time` for virtual time `t`, truncated to whole seconds.
    pub fn time_at(&self, t: Millis) -> Time {
        Time(self.datetime(t - t % SECOND))
    }

    /// A `metav1.MicroTime` for now (used by Leases and events.k8s.io).
    pub fn micro_time(&self) -> MicroTime {
        MicroTime(self.datetime(self.now))
    }

    /// Converts a calendar instant back to virtual time (saturating at 0).
    pub fn millis_of(&self, t: &DateTime<Utc>) -> Millis {
        (t.timestamp_millis() - self.epoch_unix_ms).max(0) as Millis
    }

    /// RFC 3339 text of virtual time `t`, as Kubernetes prints timestamps.
    pub fn rfc3339(&self, t: Millis) -> String {
        self.datetime(t - t % SECOND)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_epoch_is_a_monday_morning_in_march_2025() {
        let c = Clock::default();
        assert_eq!(c.rfc3339(0), "2025-03-03T09:00:00Z");
        assert_eq!(c.rfc3339(61_500), "2025-03-03T09:01:01Z");
    }

    #[test]
    fn millis_round_trip_through_calendar_time() {
        let c = Clock::default();
        assert_eq!(c.millis_of(&c.datetime(123_456)), 123_456);
    }
}
