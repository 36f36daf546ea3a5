//! Writes `crates/engine/src/timezone/data.rs`: every zone name of the IANA
//! database (with the `backward` links, as Go's zoneinfo has them) and, per
//! distinct zone, its transitions since `CUTOFF` plus the POSIX rule that
//! takes over after them, with the transitions the rule reproduces dropped.
//! Each zone is then checked hour by hour against tz-rs up to 2100.

#[path = "../../engine/src/timezone/zone.rs"]
#[allow(dead_code)]
mod zone;

use std::collections::BTreeMap;
use std::fmt::Write;
use tz::timezone::{RuleDay, TransitionRule};
use zone::{Day, Rule, Zone};

/// 2010-01-01T00:00:00Z: times before it use the offset in effect then
/// (earlier cutoffs cost more: 2000 about 5.5 KiB more gzipped in the wasm,
/// 2020 about 3.6 KiB less; `TZGEN_CUTOFF=<unix seconds>` to try one).
const CUTOFF: i64 = 1_262_304_000;
fn cutoff() -> i64 {
    std::env::var("TZGEN_CUTOFF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CUTOFF)
}
/// 2100-01-01T00:00:00Z: how far the check goes.
const CHECK_UNTIL: i64 = 4_102_444_800;

fn rule_of(tz: &tz::TimeZoneRef<'_>) -> Rule {
    match tz.extra_rule() {
        None => {
            let last = tz
                .transitions()
                .last()
                .map_or(0, |t| t.local_time_type_index());
            Rule::Fixed(tz.local_time_types()[last].ut_offset())
        }
        Some(TransitionRule::Fixed(l)) => Rule::Fixed(l.ut_offset()),
        Some(TransitionRule::Alternate(a)) => {
            let day = |d: &RuleDay| match d {
                RuleDay::MonthWeekDay(m) => Day {
                    month: m.month(),
                    week: m.week(),
                    weekday: m.week_day(),
                },
                other => panic!("a Julian-day rule ({other:?}): teach zone.rs about it"),
            };
            Rule::Dst {
                std: a.std().ut_offset(),
                dst: a.dst().ut_offset(),
                start: (day(a.dst_start()), a.dst_start_time()),
                end: (day(a.dst_end()), a.dst_end_time()),
            }
        }
    }
}

fn offset(tz: &tz::TimeZoneRef<'_>, t: i64) -> i32 {
    tz.find_local_time_type(t).expect("in range").ut_offset()
}

/// The zone's data from the cutoff on, with the tail the rule reproduces
/// dropped.
fn compact(tz: &tz::TimeZoneRef<'_>) -> (i32, Vec<(i64, i32)>, i64, Rule) {
    let types = tz.local_time_types();
    let all: Vec<(i64, i32)> = tz
        .transitions()
        .iter()
        .map(|t| {
            (
                t.unix_leap_time(),
                types[t.local_time_type_index()].ut_offset(),
            )
        })
        .filter(|(at, _)| *at > cutoff())
        .collect();
    let initial = offset(tz, cutoff());
    let rule = rule_of(tz);
    let last_time = tz
        .transitions()
        .last()
        .map_or(i64::MIN, |t| t.unix_leap_time());
    // tz-rs uses the rule from the last transition on.
    let mut k = all.len();
    let mut rule_from = last_time.max(cutoff());
    while k > 0 {
        let (at, off) = all[k - 1];
        let before = if k >= 2 { all[k - 2].1 } else { initial };
        // The rule must give this transition and nothing else until the
        // next one it already stands for.
        let steady = (at..rule_from)
            .step_by(1800)
            .all(|t| rule.offset_at(t) == off);
        if rule.offset_at(at) == off && rule.offset_at(at - 1) == before && steady {
            k -= 1;
            rule_from = at;
        } else {
            break;
        }
    }
    (initial, all[..k].to_vec(), rule_from, rule)
}

fn main() {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../engine/src/timezone/data.rs"
    );
    // Distinct zones, in the order first met; names → zone index.
    let mut zones: Vec<(i32, Vec<(i64, i32)>, i64, Rule)> = Vec::new();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for name in tzdb_data::TZ_NAMES {
        let tz = tzdb_data::find_tz(name.as_bytes()).expect("listed");
        let z = compact(tz);
        // Check the compact zone against tz-rs, hour by hour, and one
        // second either side of every transition.
        let leaked: &'static [(u32, i32)] = Box::leak(
            z.1.iter()
                .map(|(a, o)| (u32::try_from(*a).expect("before 2106"), *o))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        );
        let check = Zone {
            initial: z.0,
            transitions: leaked,
            rule_from: z.2,
            rule: z.3,
        };
        let mut t = cutoff();
        while t < CHECK_UNTIL {
            assert_eq!(check.offset_at(t), offset(tz, t), "{name} at {t}");
            t += 3600;
        }
        for tr in tz
            .transitions()
            .iter()
            .filter(|t| t.unix_leap_time() > cutoff())
        {
            for d in [-1, 0, 1] {
                let t = tr.unix_leap_time() + d;
                assert_eq!(check.offset_at(t), offset(tz, t), "{name} at {t}");
            }
        }
        let i = match zones.iter().position(|x| *x == z) {
            Some(i) => i,
            None => {
                zones.push(z);
                zones.len() - 1
            }
        };
        names.insert(name, i);
    }
    let mut out = String::new();
    writeln!(
        out,
        "//! GENERATED by crates/tz-gen from tzdb_data {} (IANA tzdata {}); do not edit.\n\
         //! {} names, {} distinct zones, transitions since 2010-01-01.\n\n\
         use super::zone::{{Day, Rule, Zone}};\n\n\
         /// The IANA release the table was made from.\n\
         pub const VERSION: &str = \"{}\";\n",
        "0.2.5",
        tzdb_data::VERSION,
        names.len(),
        zones.len(),
        tzdb_data::VERSION
    )
    .unwrap();
    let day = |d: &Day| {
        format!(
            "Day {{ month: {}, week: {}, weekday: {} }}",
            d.month, d.week, d.weekday
        )
    };
    writeln!(
        out,
        "/// Every zone, by index in [`NAMES`].\npub static ZONES: &[Zone] = &["
    )
    .unwrap();
    for (initial, tr, from, rule) in &zones {
        let rule = match rule {
            Rule::Fixed(o) => format!("Rule::Fixed({o})"),
            Rule::Dst {
                std,
                dst,
                start,
                end,
            } => format!(
                "Rule::Dst {{ std: {std}, dst: {dst}, start: ({}, {}), end: ({}, {}) }}",
                day(&start.0),
                start.1,
                day(&end.0),
                end.1
            ),
        };
        let tr: Vec<String> = tr.iter().map(|(a, o)| format!("({a}, {o})")).collect();
        assert!(tr.len() < 1000);
        writeln!(
            out,
            "    Zone {{ initial: {initial}, transitions: &[{}], rule_from: {from}, rule: {rule} }},",
            tr.join(", ")
        )
        .unwrap();
    }
    assert!(zones.len() <= 256, "zone indexes are bytes");
    writeln!(out, "];\n").unwrap();
    let all: Vec<&str> = names.keys().copied().collect();
    writeln!(
        out,
        "/// Zone names, sorted, one a line (one string compresses better than a\n\
         /// table of string slices).\npub static NAMES: &str = \"{}\";\n",
        all.join("\\n")
    )
    .unwrap();
    let idx: Vec<String> = names.values().map(|i| i.to_string()).collect();
    writeln!(
        out,
        "/// For each name of [`NAMES`], in order, its index in [`ZONES`].\npub static NAME_ZONES: &[u8] = &[{}];",
        idx.join(", ")
    )
    .unwrap();
    std::fs::write(root, out).expect("write data.rs");
    eprintln!("{} names, {} zones -> {root}", names.len(), zones.len());
}
