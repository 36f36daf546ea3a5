//! Cron schedules as Kubernetes parses them: github.com/robfig/cron/v3's
//! `ParseStandard` (parser.go, spec.go), which both the API server's CronJob
//! validation and the cronjob controller use.
//!
//! Standard five fields (minute, hour, day of month, month, day of week),
//! `*`, `?`, lists, ranges, steps, month and weekday names, the descriptors
//! `@yearly`/`@annually`/`@monthly`/`@weekly`/`@daily`/`@midnight`/`@hourly`
//! and `@every <duration>`; error messages word for word as robfig/cron's.
//! Day-of-month and day-of-week follow cron's rule: when both are restricted
//! a day matching either runs (robfig's "star bit").
//!
//! Why not a crate: the cron crates on crates.io parse a six- or seven-field
//! syntax with seconds (`cron`), or word their errors differently and differ
//! on the star-bit rule (`croner`, `saffron`); Kubernetes users see
//! robfig/cron's messages, and this is ~300 lines with no dependency and no
//! cost to the WASM bundle.

use crate::timezone::Location;
use k8s_openapi::chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};

const STAR_BIT: u64 = 1 << 63;

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// A five-field (or descriptor) spec: bit sets per field.
    Spec {
        /// Minutes 0–59.
        minute: u64,
        /// Hours 0–23.
        hour: u64,
        /// Days of month 1–31.
        dom: u64,
        /// Months 1–12.
        month: u64,
        /// Days of week 0–6 (Sunday 0).
        dow: u64,
    },
    /// `@every <duration>`, in seconds (at least 1).
    Every(i64),
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

fn bits(min: u32, max: u32, step: u32) -> u64 {
    if step == 1 {
        return !(u64::MAX << (max + 1)) & (u64::MAX << min);
    }
    let mut b = 0;
    let mut i = min;
    while i <= max {
        b |= 1 << i;
        i += step;
    }
    b
}

fn all(r: &Bounds) -> u64 {
    bits(r.min, r.max, 1) | STAR_BIT
}

/// Go's `strconv.Atoi` error text wrapped as robfig words it.
fn must_parse_int(expr: &str) -> Result<u32, String> {
    let n: i64 = match expr.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            let why = if expr
                .trim_start_matches(['+', '-'])
                .chars()
                .all(|c| c.is_ascii_digit())
                && !expr.trim_start_matches(['+', '-']).is_empty()
            {
                "value out of range"
            } else {
                "invalid syntax"
            };
            return Err(format!(
                "failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": {why}"
            ));
        }
    };
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    Ok(n.min(u32::MAX as i64) as u32)
}

fn parse_int_or_name(expr: &str, names: &[(&str, u32)]) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some((_, v)) = names.iter().find(|(n, _)| *n == lower) {
        return Ok(*v);
    }
    must_parse_int(expr)
}

/// robfig's `getRange`.
fn get_range(expr: &str, r: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single_digit = low_and_high.len() == 1;
    let (start, mut end, mut extra);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        start = r.min;
        end = r.max;
        extra = STAR_BIT;
    } else {
        start = parse_int_or_name(low_and_high[0], r.names)?;
        end = match low_and_high.len() {
            1 => start,
            2 => parse_int_or_name(low_and_high[1], r.names)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let s = must_parse_int(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if single_digit {
                end = r.max;
            }
            if s > 1 {
                extra = 0;
            }
            s
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < r.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            r.min
        ));
    }
    if end > r.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            r.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(bits(start, end, step) | extra)
}

/// robfig's `getField`: comma-separated ranges.
fn get_field(field: &str, r: &Bounds) -> Result<u64, String> {
    let mut b = 0;
    for expr in field.split(',') {
        b |= get_range(expr, r)?;
    }
    Ok(b)
}

/// Parses a schedule as `cron.ParseStandard` does. The error is robfig's
/// message (`expected exactly 5 fields, found 1: [foo]`).
pub fn parse_standard(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut spec = spec.trim();
    // TZ=/CRON_TZ= prefix: accepted by the parser (validation forbids it).
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let i = spec.find(' ').unwrap_or(spec.len());
        spec = spec[i..].trim();
    }
    if let Some(desc) = spec.strip_prefix('@') {
        let _ = desc;
        return parse_descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    Ok(Schedule::Spec {
        minute: get_field(fields[0], &MINUTES)?,
        hour: get_field(fields[1], &HOURS)?,
        dom: get_field(fields[2], &DOM)?,
        month: get_field(fields[3], &MONTHS)?,
        dow: get_field(fields[4], &DOW)?,
    })
}

fn parse_descriptor(d: &str) -> Result<Schedule, String> {
    let spec = |minute, hour, dom, month, dow| Schedule::Spec {
        minute,
        hour,
        dom,
        month,
        dow,
    };
    let one = |n: u32| 1u64 << n;
    Ok(match d {
        "@yearly" | "@annually" => spec(one(0), one(0), one(1), one(1), all(&DOW)),
        "@monthly" => spec(one(0), one(0), one(1), all(&MONTHS), all(&DOW)),
        "@weekly" => spec(one(0), one(0), all(&DOM), all(&MONTHS), one(0)),
        "@daily" | "@midnight" => spec(one(0), one(0), all(&DOM), all(&MONTHS), all(&DOW)),
        "@hourly" => spec(one(0), all(&HOURS), all(&DOM), all(&MONTHS), all(&DOW)),
        _ => {
            if let Some(dur) = d.strip_prefix("@every ") {
                return match crate::clock::parse_go_duration(dur) {
                    // ConstantDelaySchedule truncates to whole seconds and
                    // rounds up to at least one.
                    Ok(ns) => Ok(Schedule::Every((ns / 1_000_000_000).max(1))),
                    Err(e) => Err(format!("failed to parse duration {d}: {e}")),
                };
            }
            return Err(format!("unrecognized descriptor: {d}"));
        }
    })
}

fn has(set: u64, n: u32) -> bool {
    set & (1 << n) != 0
}

/// Go's `time.Date(y, m, d, h, min, sec, 0, loc)` as Unix seconds: the
/// fields normalised (month 13 is January of the next year, day 32 the
/// first of the next month), then the wall time resolved with the offset in
/// effect at `local - offset(local)`, which is what Go's `Date` computes
/// (its lookup of the local time taken as UTC, corrected when the result
/// falls outside that zone period). A time in a spring-forward gap thus
/// lands an hour later, an ambiguous fall-back time on one of its two
/// instants, as in Go.
fn go_date(y: i32, m: u32, d: u32, h: u32, min: u32, sec: u32, loc: &Location) -> Option<i64> {
    let (y, m) = (y + ((m - 1) / 12) as i32, (m - 1) % 12 + 1);
    let local = NaiveDate::from_ymd_opt(y, m, 1)?.and_hms_opt(0, 0, 0)?
        + Duration::days(i64::from(d) - 1)
        + Duration::seconds(i64::from(h * 3600 + min * 60 + sec));
    let unix = local.and_utc().timestamp();
    let offset = loc.offset_at(unix - i64::from(loc.offset_at(unix)));
    Some(unix - i64::from(offset))
}

/// The wall-clock fields of Unix time `u` in `loc`.
fn fields(u: i64, loc: &Location) -> Option<NaiveDateTime> {
    Some(DateTime::from_timestamp(u + i64::from(loc.offset_at(u)), 0)?.naive_utc())
}

impl Schedule {
    /// robfig/cron's `Next`: the first activation strictly after `t`. A
    /// five-field schedule runs in `loc` (`CRON_TZ`, i.e. `spec.timeZone`)
    /// as robfig's `SpecSchedule.Next` walks it, field by field on the
    /// zone's wall clock and adding whole hours: across a DST change a time
    /// in the spring-forward gap is skipped that day and a time in the
    /// fall-back hour runs twice, as on a real cluster. `None` when nothing
    /// matches within five years (robfig gives up there too, e.g.
    /// `0 0 30 2 *`).
    pub fn next_after(&self, t: DateTime<Utc>, loc: &Location) -> Option<DateTime<Utc>> {
        let (minute, hour, dom, month, dow) = match *self {
            Schedule::Every(secs) => {
                // ConstantDelaySchedule: whole seconds after t.
                let base = t - Duration::nanoseconds(t.timestamp_subsec_nanos() as i64);
                return Some(base + Duration::seconds(secs));
            }
            Schedule::Spec {
                minute,
                hour,
                dom,
                month,
                dow,
            } => (minute, hour, dom, month, dow),
        };
        let day_matches = |d: &NaiveDateTime| {
            let dom_match = has(dom, d.day());
            let dow_match = has(dow, d.weekday().num_days_from_sunday());
            if dom & STAR_BIT != 0 || dow & STAR_BIT != 0 {
                dom_match && dow_match
            } else {
                dom_match || dow_match
            }
        };
        // Start at the earliest possible time (the upcoming second).
        let mut u = t.timestamp() + 1;
        let mut added = false;
        let year_limit = fields(u, loc)?.year() + 5;
        'wrap: loop {
            if fields(u, loc)?.year() > year_limit {
                return None;
            }
            // On the first change of a field, the smaller ones are reset.
            while !has(month, fields(u, loc)?.month()) {
                if !added {
                    added = true;
                    let f = fields(u, loc)?;
                    u = go_date(f.year(), f.month(), 1, 0, 0, 0, loc)?;
                }
                // t.AddDate(0, 1, 0).
                let f = fields(u, loc)?;
                u = go_date(
                    f.year(),
                    f.month() + 1,
                    f.day(),
                    f.hour(),
                    f.minute(),
                    f.second(),
                    loc,
                )?;
                if fields(u, loc)?.month() == 1 {
                    continue 'wrap;
                }
            }
            while !day_matches(&fields(u, loc)?) {
                if !added {
                    added = true;
                    let f = fields(u, loc)?;
                    u = go_date(f.year(), f.month(), f.day(), 0, 0, 0, loc)?;
                }
                // t.AddDate(0, 0, 1).
                let f = fields(u, loc)?;
                u = go_date(
                    f.year(),
                    f.month(),
                    f.day() + 1,
                    f.hour(),
                    f.minute(),
                    f.second(),
                    loc,
                )?;
                // Midnight moved by DST: back to the day's start.
                let h = i64::from(fields(u, loc)?.hour());
                if h != 0 {
                    if h > 12 {
                        u += (24 - h) * 3600;
                    } else {
                        u -= h * 3600;
                    }
                }
                if fields(u, loc)?.day() == 1 {
                    continue 'wrap;
                }
            }
            while !has(hour, fields(u, loc)?.hour()) {
                if !added {
                    added = true;
                    let f = fields(u, loc)?;
                    u = go_date(f.year(), f.month(), f.day(), f.hour(), 0, 0, loc)?;
                }
                u += 3600;
                if fields(u, loc)?.hour() == 0 {
                    continue 'wrap;
                }
            }
            while !has(minute, fields(u, loc)?.minute()) {
                if !added {
                    added = true;
                    u -= u.rem_euclid(60);
                }
                u += 60;
                if fields(u, loc)?.minute() == 0 {
                    continue 'wrap;
                }
            }
            // ParseStandard's seconds field is always 0.
            while fields(u, loc)?.second() != 0 {
                added = true;
                u += 1;
                if fields(u, loc)?.second() == 0 {
                    continue 'wrap;
                }
            }
            return DateTime::from_timestamp(u, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::chrono::TimeZone;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn next(spec: &str, from: &str) -> String {
        parse_standard(spec)
            .unwrap()
            .next_after(at(from), &crate::timezone::UTC)
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn every_minute_fires_at_the_next_whole_minute() {
        assert_eq!(
            next("*/1 * * * *", "2025-03-03T09:00:30Z"),
            "2025-03-03T09:01:00+00:00"
        );
        assert_eq!(
            next("* * * * *", "2025-03-03T09:01:00Z"),
            "2025-03-03T09:02:00+00:00"
        );
    }

    #[test]
    fn steps_ranges_lists_and_names() {
        assert_eq!(
            next("*/15 9-17 * * mon-fri", "2025-03-07T17:50:00Z"),
            // Friday 17:50 → Monday 09:00.
            "2025-03-10T09:00:00+00:00"
        );
        assert_eq!(
            next("0 0 1,15 jan *", "2025-01-02T00:00:00Z"),
            "2025-01-15T00:00:00+00:00"
        );
        assert_eq!(
            next("5/20 * * * *", "2025-01-01T00:06:00Z"),
            "2025-01-01T00:25:00+00:00"
        );
    }

    #[test]
    fn restricted_day_of_month_and_week_match_either() {
        // The 13th, or any Friday (2025-03-07 is a Friday).
        assert_eq!(
            next("0 0 13 * 5", "2025-03-01T00:00:00Z"),
            "2025-03-07T00:00:00+00:00"
        );
        // With a star in day-of-week only the 13th matches.
        assert_eq!(
            next("0 0 13 * *", "2025-03-01T00:00:00Z"),
            "2025-03-13T00:00:00+00:00"
        );
    }

    #[test]
    fn descriptors() {
        assert_eq!(
            next("@hourly", "2025-03-03T09:00:00Z"),
            "2025-03-03T10:00:00+00:00"
        );
        assert_eq!(
            next("@daily", "2025-03-03T09:00:00Z"),
            "2025-03-04T00:00:00+00:00"
        );
        assert_eq!(
            next("@weekly", "2025-03-03T09:00:00Z"),
            "2025-03-09T00:00:00+00:00"
        );
        assert_eq!(
            next("@monthly", "2025-03-03T09:00:00Z"),
            "2025-04-01T00:00:00+00:00"
        );
        assert_eq!(
            next("@yearly", "2025-03-03T09:00:00Z"),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            next("@every 90s", "2025-03-03T09:00:00Z"),
            "2025-03-03T09:01:30+00:00"
        );
    }

    #[test]
    fn impossible_dates_give_up_after_five_years() {
        let s = parse_standard("0 0 30 2 *").unwrap();
        assert_eq!(
            s.next_after(at("2025-01-01T00:00:00Z"), &crate::timezone::UTC),
            None
        );
    }

    #[test]
    fn time_zone_offsets_shift_the_wall_clock() {
        // 09:00 in Seoul is 00:00 UTC.
        let seoul = crate::timezone::load_location("Asia/Seoul").unwrap();
        let s = parse_standard("0 9 * * *").unwrap();
        let n = s
            .next_after(Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap(), &seoul)
            .unwrap();
        assert_eq!(n.to_rfc3339(), "2025-03-04T00:00:00+00:00");
    }

    /// robfig/cron v3's own DST cases (spec_test.go TestNext, the
    /// `TZ=America/New_York` rows, as five-field schedules): the 2 am run is
    /// skipped on the spring-forward day, the 1 am run happens twice on the
    /// fall-back day, hourly runs follow the clock.
    #[test]
    fn schedules_in_a_dst_zone_follow_robfig_across_the_changes() {
        let ny = crate::timezone::load_location("America/New_York").unwrap();
        let cases = [
            // 2 am EST (-5) -> 3 am EDT (-4).
            (
                "2012-03-11T00:00:00-05:00",
                "30 2 11 Mar *",
                "2013-03-11T02:30:00-04:00",
            ),
            (
                "2012-03-11T00:00:00-05:00",
                "0 * * * *",
                "2012-03-11T01:00:00-05:00",
            ),
            (
                "2012-03-11T01:00:00-05:00",
                "0 * * * *",
                "2012-03-11T03:00:00-04:00",
            ),
            (
                "2012-03-11T03:00:00-04:00",
                "0 * * * *",
                "2012-03-11T04:00:00-04:00",
            ),
            (
                "2012-03-11T00:00:00-05:00",
                "0 1 * * *",
                "2012-03-11T01:00:00-05:00",
            ),
            (
                "2012-03-11T01:00:00-05:00",
                "0 1 * * *",
                "2012-03-12T01:00:00-04:00",
            ),
            (
                "2012-03-11T00:00:00-05:00",
                "0 2 * * *",
                "2012-03-12T02:00:00-04:00",
            ),
            // 2 am EDT (-4) -> 1 am EST (-5).
            (
                "2012-11-04T00:00:00-04:00",
                "30 2 04 Nov *",
                "2012-11-04T02:30:00-05:00",
            ),
            (
                "2012-11-04T01:45:00-04:00",
                "30 1 04 Nov *",
                "2012-11-04T01:30:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "0 * * * *",
                "2012-11-04T01:00:00-04:00",
            ),
            (
                "2012-11-04T01:00:00-04:00",
                "0 * * * *",
                "2012-11-04T01:00:00-05:00",
            ),
            (
                "2012-11-04T01:00:00-05:00",
                "0 * * * *",
                "2012-11-04T02:00:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "0 1 * * *",
                "2012-11-04T01:00:00-04:00",
            ),
            (
                "2012-11-04T01:00:00-04:00",
                "0 1 * * *",
                "2012-11-04T01:00:00-05:00",
            ),
            (
                "2012-11-04T01:00:00-05:00",
                "0 1 * * *",
                "2012-11-05T01:00:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "0 2 * * *",
                "2012-11-04T02:00:00-05:00",
            ),
            (
                "2012-11-04T02:00:00-05:00",
                "0 2 * * *",
                "2012-11-05T02:00:00-05:00",
            ),
            (
                "2012-11-04T00:00:00-04:00",
                "0 3 * * *",
                "2012-11-04T03:00:00-05:00",
            ),
            (
                "2012-11-04T03:00:00-05:00",
                "0 3 * * *",
                "2012-11-05T03:00:00-05:00",
            ),
        ];
        for (from, spec, want) in cases {
            let got = parse_standard(spec)
                .unwrap()
                .next_after(at(from), &ny)
                .unwrap();
            assert_eq!(got, at(want), "{spec} after {from}");
        }
    }

    #[test]
    fn errors_are_robfig_cron_s_words() {
        let e = |s: &str| parse_standard(s).unwrap_err();
        assert_eq!(e("foo"), "expected exactly 5 fields, found 1: [foo]");
        assert_eq!(e(""), "empty spec string");
        assert_eq!(e("60 * * * *"), "end of range (60) above maximum (59): 60");
        assert_eq!(
            e("x * * * *"),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            e("* * 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            e("5-2 * * * *"),
            "beginning of range (5) beyond end of range (2): 5-2"
        );
        assert_eq!(
            e("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(e("@often"), "unrecognized descriptor: @often");
        assert_eq!(e("1-2-3 * * * *"), "too many hyphens: 1-2-3");
    }
}
