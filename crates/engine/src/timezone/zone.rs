//! A time zone's offsets as the IANA database gives them: explicit
//! transitions, then a POSIX TZ rule (a TZif file's footer) for every
//! later time — what Go's `time.Location` reads from zoneinfo and uses in
//! `lookup`. No dependencies: `crates/tz-gen` includes this file too, to
//! check the generated table against tz-rs.

/// The day of a DST rule (POSIX TZ `Mm.w.d`: month 1–12, week 1–5 where 5
/// is the last, weekday 0–6 from Sunday). The database's current rules use
/// only this form (`crates/tz-gen` checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    /// Month, 1–12.
    pub month: u8,
    /// Week of the month, 1–5 (5: the last).
    pub week: u8,
    /// Day of the week, 0–6 (Sunday 0).
    pub weekday: u8,
}

/// What holds after the last explicit transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// One offset (seconds east of UTC) for ever.
    Fixed(i32),
    /// Standard time and daylight saving time alternating every year.
    Dst {
        /// Standard offset, seconds east of UTC.
        std: i32,
        /// DST offset, seconds east of UTC.
        dst: i32,
        /// When DST starts: the day and the local (standard) time of day in
        /// seconds (may be negative or past 24 h, as POSIX allows).
        start: (Day, i32),
        /// When DST ends: the day and the local (DST) time of day in seconds.
        end: (Day, i32),
    },
}

/// One zone's data from `from` on (Unix seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The offset in effect before the first transition.
    pub initial: i32,
    /// `(unix seconds, offset from then on)`, ascending (`u32` seconds
    /// reach 2106, half the size of `i64`).
    pub transitions: &'static [(u32, i32)],
    /// From this instant on the rule applies instead of the transitions.
    pub rule_from: i64,
    /// The rule.
    pub rule: Rule,
}

const DAY: i64 = 86_400;

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The year of a Unix time, in UTC.
fn year_of(t: i64) -> i64 {
    // civil_from_days, year only.
    let z = t.div_euclid(DAY) + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(m <= 2)
}

impl Day {
    /// Days since the epoch of this day in `year`.
    fn days(&self, year: i64) -> i64 {
        let m = u32::from(self.month);
        let first = days_from_civil(year, m, 1);
        // 1970-01-01 was a Thursday (4).
        let first_wday = (first + 4).rem_euclid(7);
        let mut d = 1 + (i64::from(self.weekday) - first_wday).rem_euclid(7);
        d += 7 * (i64::from(self.week) - 1);
        while d > i64::from(days_in_month(year, m)) {
            d -= 7;
        }
        first + d - 1
    }
}

impl Rule {
    /// The offset at Unix time `t`.
    pub fn offset_at(&self, t: i64) -> i32 {
        let (std, dst, start, end) = match *self {
            Rule::Fixed(o) => return o,
            Rule::Dst {
                std,
                dst,
                start,
                end,
            } => (std, dst, start, end),
        };
        // The transitions of the year before, this year and the next, in
        // order: the last one at or before t decides (as tz-rs and Go's
        // tzset do, this copes with rule times outside 0–24 h and with the
        // southern hemisphere, where DST spans the new year).
        let y = year_of(t);
        let mut last: Option<(i64, i32)> = None;
        for year in [y - 1, y, y + 1] {
            let on = start.0.days(year) * DAY + i64::from(start.1) - i64::from(std);
            let off = end.0.days(year) * DAY + i64::from(end.1) - i64::from(dst);
            for (at, o) in [(on, dst), (off, std)] {
                if at <= t && last.is_none_or(|(l, _)| at >= l) {
                    last = Some((at, o));
                }
            }
        }
        last.map_or(std, |(_, o)| o)
    }
}

impl Zone {
    /// The offset (seconds east of UTC) at Unix time `t`.
    pub fn offset_at(&self, t: i64) -> i32 {
        if t >= self.rule_from {
            return self.rule.offset_at(t);
        }
        let i = self
            .transitions
            .partition_point(|(at, _)| i64::from(*at) <= t);
        if i == 0 {
            self.initial
        } else {
            self.transitions[i - 1].1
        }
    }
}
