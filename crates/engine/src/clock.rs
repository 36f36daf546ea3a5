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

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` (or `0`)
/// in nanoseconds, with Go's error messages (`time: invalid duration "x"`,
/// `time: missing unit in duration "30"`, `time: unknown unit "x" in
/// duration "3x"`) — what kubectl prints for a bad `--timeout`, and what a
/// CronJob's `@every` reports.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let quote = |v: &str| format!("\"{v}\"");
    let invalid = || format!("time: invalid duration {}", quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let b = rest.as_bytes()[0];
        if !(b == b'.' || b.is_ascii_digit()) {
            return Err(invalid());
        }
        // [0-9]*
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut v: u64 = 0;
        for d in rest[..int_len].bytes() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .ok_or_else(invalid)?;
        }
        rest = &rest[int_len..];
        // (\.[0-9]*)?
        let (mut frac, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            for d in r[..frac_len].bytes() {
                // Digits beyond what fits are dropped, as Go's leadingFraction does.
                if let Some(f) = frac
                    .checked_mul(10)
                    .and_then(|f| f.checked_add(u64::from(d - b'0')))
                {
                    frac = f;
                    scale *= 10.0;
                }
            }
            post = frac_len > 0;
            rest = &r[frac_len..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        // The unit: everything up to the next number.
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", quote(s)));
        }
        let unit: u64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            u => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(u),
                    quote(s)
                ))
            }
        };
        rest = &rest[unit_len..];
        let mut part = v.checked_mul(unit).ok_or_else(invalid)?;
        if frac > 0 {
            part = part
                .checked_add((frac as f64 * (unit as f64 / scale)) as u64)
                .ok_or_else(invalid)?;
        }
        total = total.checked_add(part).ok_or_else(invalid)?;
    }
    if total > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(if neg { -(total as i64) } else { total as i64 })
}

#[cfg(test)]
mod duration_tests {
    use super::parse_go_duration as p;

    #[test]
    fn parses_as_go_does() {
        assert_eq!(p("0"), Ok(0));
        assert_eq!(p("-0"), Ok(0));
        assert_eq!(p("30s"), Ok(30_000_000_000));
        assert_eq!(p("1m30s"), Ok(90_000_000_000));
        assert_eq!(p("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(p("1.5s"), Ok(1_500_000_000));
        assert_eq!(p(".5m"), Ok(30_000_000_000));
        assert_eq!(p("2.s"), Ok(2_000_000_000));
        assert_eq!(p("100ms"), Ok(100_000_000));
        assert_eq!(p("10µs"), Ok(10_000));
        assert_eq!(p("-2m"), Ok(-120_000_000_000));
        assert_eq!(p("+5s"), Ok(5_000_000_000));
    }

    #[test]
    fn errors_are_go_s_words() {
        // Checked against kubectl 1.32's `--timeout` flag errors.
        assert_eq!(
            p("30"),
            Err(r#"time: missing unit in duration "30""#.into())
        );
        assert_eq!(
            p("-1"),
            Err(r#"time: missing unit in duration "-1""#.into())
        );
        assert_eq!(
            p("3x"),
            Err(r#"time: unknown unit "x" in duration "3x""#.into())
        );
        assert_eq!(p("abc"), Err(r#"time: invalid duration "abc""#.into()));
        assert_eq!(p(".s"), Err(r#"time: invalid duration ".s""#.into()));
        assert_eq!(p(""), Err(r#"time: invalid duration """#.into()));
        assert_eq!(p("-"), Err(r#"time: invalid duration "-""#.into()));
        assert!(p("9999999999h").is_err());
    }
}
