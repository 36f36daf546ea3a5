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

impl Schedule {
    /// The first activation strictly after `t`, where `t` and the result are
    /// wall-clock times in the schedule's time zone (`offset_secs` east of
    /// UTC, fixed). `None` when nothing matches within five years (robfig
    /// gives up there too, e.g. `0 0 30 2 *`).
    pub fn next_after(&self, t: DateTime<Utc>, offset_secs: i32) -> Option<DateTime<Utc>> {
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
        let off = Duration::seconds(offset_secs as i64);
        let local = (t + off).naive_utc();
        // Start at the next whole minute.
        let mut cur: NaiveDateTime =
            local.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let year_limit = local.year() + 5;
        let day_matches = |d: &NaiveDateTime| {
            let dom_match = has(dom, d.day());
            let dow_match = has(dow, d.weekday().num_days_from_sunday());
            if dom & STAR_BIT != 0 || dow & STAR_BIT != 0 {
                dom_match && dow_match
            } else {
                dom_match || dow_match
            }
        };
        loop {
            if cur.year() > year_limit {
                return None;
            }
            if !has(month, cur.month()) {
                let (y, m) = if cur.month() == 12 {
                    (cur.year() + 1, 1)
                } else {
                    (cur.year(), cur.month() + 1)
                };
                cur = NaiveDate::from_ymd_opt(y, m, 1)?.and_hms_opt(0, 0, 0)?;
                continue;
            }
            if !day_matches(&cur) {
                cur = (cur.date() + Duration::days(1)).and_hms_opt(0, 0, 0)?;
                continue;
            }
            if !has(hour, cur.hour()) {
                cur = cur.with_minute(0)? + Duration::hours(1);
                continue;
            }
            if !has(minute, cur.minute()) {
                cur += Duration::minutes(1);
                continue;
            }
            return Some(DateTime::from_naive_utc_and_offset(cur - off, Utc));
        }
    }
}

/// Time zones the simulation knows: `(IANA name, fixed offset east of UTC
/// in seconds)`. Only zones without daylight saving time are listed, so a
/// fixed offset is exact; other IANA names are rejected as unknown (see the
/// README's Simplifications).
pub const TIME_ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("Etc/UTC", 0),
    ("Etc/GMT", 0),
    ("GMT", 0),
    ("Africa/Lagos", 3600),
    ("Africa/Nairobi", 3 * 3600),
    ("America/Bogota", -5 * 3600),
    ("America/Lima", -5 * 3600),
    ("America/Sao_Paulo", -3 * 3600),
    ("Asia/Bangkok", 7 * 3600),
    ("Asia/Dubai", 4 * 3600),
    ("Asia/Ho_Chi_Minh", 7 * 3600),
    ("Asia/Hong_Kong", 8 * 3600),
    ("Asia/Jakarta", 7 * 3600),
    ("Asia/Kolkata", 5 * 3600 + 1800),
    ("Asia/Manila", 8 * 3600),
    ("Asia/Seoul", 9 * 3600),
    ("Asia/Shanghai", 8 * 3600),
    ("Asia/Singapore", 8 * 3600),
    ("Asia/Taipei", 8 * 3600),
    ("Asia/Tokyo", 9 * 3600),
    ("Australia/Brisbane", 10 * 3600),
    ("Europe/Istanbul", 3 * 3600),
    ("Europe/Moscow", 3 * 3600),
    ("Pacific/Honolulu", -10 * 3600),
];

/// The fixed UTC offset of a known zone (`Etc/GMT+5` style names too).
pub fn zone_offset(name: &str) -> Option<i32> {
    if let Some((_, o)) = TIME_ZONES.iter().find(|(n, _)| *n == name) {
        return Some(*o);
    }
    // Etc/GMT+N is N hours *west* of Greenwich (POSIX sign convention).
    let rest = name.strip_prefix("Etc/GMT")?;
    let (sign, n) = match rest.split_at_checked(1)? {
        ("+", n) => (-1, n),
        ("-", n) => (1, n),
        _ => return None,
    };
    let h: i32 = n.parse().ok().filter(|h| (0..=14).contains(h))?;
    Some(sign * h * 3600)
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
            .next_after(at(from), 0)
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
        assert_eq!(s.next_after(at("2025-01-01T00:00:00Z"), 0), None);
    }

    #[test]
    fn time_zone_offsets_shift_the_wall_clock() {
        // 09:00 in Seoul is 00:00 UTC.
        let s = parse_standard("0 9 * * *").unwrap();
        let n = s
            .next_after(Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap(), 9 * 3600)
            .unwrap();
        assert_eq!(n.to_rfc3339(), "2025-03-04T00:00:00+00:00");
        assert_eq!(zone_offset("Asia/Seoul"), Some(9 * 3600));
        assert_eq!(zone_offset("Etc/GMT+5"), Some(-5 * 3600));
        assert_eq!(zone_offset("Mars/Olympus"), None);
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
