//! Schedule arithmetic of the CronJob controller
//! (pkg/controller/cronjob/utils.go): the most recent unmet schedule time,
//! the delay until the next one, and the names of the Jobs it creates.

use crate::cron::Schedule;
use crate::timezone::Location;
use k8s_openapi::chrono::{DateTime, Duration, Utc};

/// How many schedules were missed (`missedSchedulesType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missed {
    /// None since the earliest time.
    None,
    /// A few.
    Few,
    /// More than 100 (`TooManyMissedTimes`).
    Many,
}

/// `nextScheduleDelta`: the controller wakes 100 ms after a schedule time.
pub const NEXT_SCHEDULE_DELTA_MS: i64 = 100;

/// `mostRecentScheduleTime`: from `earliest` (the last schedule time, or
/// the CronJob's creation, or `now - startingDeadlineSeconds` when later),
/// the most recent schedule time at or before `now`, with upstream's
/// approximation for several missed ones (`t1 + k × (t2 − t1)`).
pub fn most_recent_schedule_time(
    sched: &Schedule,
    loc: &Location,
    earliest: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, Missed), String> {
    let Some(t1) = sched.next_after(earliest, loc) else {
        return Ok((None, Missed::None));
    };
    if now < t1 {
        return Ok((None, Missed::None));
    }
    let Some(t2) = sched.next_after(t1, loc) else {
        return Ok((Some(t1), Missed::None));
    };
    if now < t2 {
        return Ok((Some(t1), Missed::None));
    }
    let between = (t2 - t1).num_seconds();
    if between < 1 {
        return Err("time difference between two schedules is less than 1 second".into());
    }
    let elapsed = (now - t1).num_seconds();
    let missed = elapsed / between + 1;
    let most_recent = t1 + Duration::seconds((missed - 1) * between);
    let kind = if missed > 100 {
        Missed::Many
    } else {
        Missed::Few
    };
    Ok((Some(most_recent), kind))
}

/// `getJobName`: `<cronjob>-<scheduled time in minutes since the epoch>`.
pub fn job_name(cronjob: &str, scheduled: DateTime<Utc>) -> String {
    format!("{cronjob}-{}", scheduled.timestamp().div_euclid(60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cron::parse_standard;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn job_names_count_minutes_since_the_epoch() {
        assert_eq!(
            job_name("hello", at("2025-03-03T09:01:00Z")),
            "hello-29016541"
        );
    }

    #[test]
    fn most_recent_time_is_none_before_the_first_schedule() {
        let s = parse_standard("*/5 * * * *").unwrap();
        let r = most_recent_schedule_time(
            &s,
            &crate::timezone::UTC,
            at("2025-03-03T09:01:00Z"),
            at("2025-03-03T09:04:59Z"),
        );
        assert_eq!(r, Ok((None, Missed::None)));
    }

    #[test]
    fn most_recent_time_after_one_and_after_many_missed() {
        let s = parse_standard("* * * * *").unwrap();
        let earliest = at("2025-03-03T09:00:00Z");
        assert_eq!(
            most_recent_schedule_time(
                &s,
                &crate::timezone::UTC,
                earliest,
                at("2025-03-03T09:01:00.100Z")
            ),
            Ok((Some(at("2025-03-03T09:01:00Z")), Missed::None))
        );
        assert_eq!(
            most_recent_schedule_time(
                &s,
                &crate::timezone::UTC,
                earliest,
                at("2025-03-03T09:05:30Z")
            ),
            Ok((Some(at("2025-03-03T09:05:00Z")), Missed::Few))
        );
        assert_eq!(
            most_recent_schedule_time(
                &s,
                &crate::timezone::UTC,
                earliest,
                at("2025-03-03T12:00:00Z")
            )
            .map(|r| r.1),
            Ok(Missed::Many)
        );
    }
}
