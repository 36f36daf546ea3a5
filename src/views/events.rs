//! The events panel: the cluster's events as `kubectl get events -A` prints
//! them (the kubectl emulator's table), filtered by namespace, type, reason
//! and object; and the trace timeline: entries per bucket of virtual time.

use std::collections::BTreeSet;

use kubarium_engine::api::{core, registry, Object};
use kubarium_engine::clock::Clock;
use kubarium_engine::trace::{TraceEntry, TraceKind};
use kubarium_engine::{Millis, Simulation};
use kubarium_kubectl::printers::get::{table, TableOptions};

use super::Tone;

/// What the learner filters on; empty means any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EventFilter {
    /// Exact namespace.
    pub namespace: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    /// Exact reason.
    pub reason: String,
    /// Part of `kind/name` of the involved object, case-insensitive.
    pub object: String,
}

impl EventFilter {
    /// Whether an event passes the filter.
    pub fn matches(&self, e: &core::Event) -> bool {
        let eq = |want: &str, have: Option<&str>| want.is_empty() || have == Some(want);
        eq(&self.namespace, e.metadata.namespace.as_deref())
            && eq(&self.type_, e.type_.as_deref())
            && eq(&self.reason, e.reason.as_deref())
            && (self.object.is_empty() || {
                let target = format!(
                    "{}/{}",
                    e.involved_object
                        .kind
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase(),
                    e.involved_object.name.as_deref().unwrap_or("")
                );
                target.contains(&self.object.to_lowercase())
            })
    }
}

/// At most this many rows are drawn.
pub const MAX_EVENT_ROWS: usize = 300;

/// The events table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsModel {
    /// kubectl's headings.
    pub headers: Vec<String>,
    /// kubectl's cells (the last [`MAX_EVENT_ROWS`] matching rows).
    pub rows: Vec<Vec<String>>,
    /// Tone per row (Warning rows are bad).
    pub tones: Vec<Tone>,
    /// How many events match.
    pub matching: usize,
    /// Namespaces, types and reasons present, for the filter's choices.
    pub namespaces: Vec<String>,
    /// Types present.
    pub types: Vec<String>,
    /// Reasons present.
    pub reasons: Vec<String>,
}

/// The events table for `filter`, rows as `kubectl get events -A` prints them.
pub fn events_model(sim: &Simulation, filter: &EventFilter) -> EventsModel {
    let res = registry::by_kind("v1", "Event").expect("served");
    let mut namespaces = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    let mut chosen: Vec<&Object> = Vec::new();
    for o in sim.api().list(res, None) {
        let Object::Event(e) = o else { continue };
        namespaces.insert(e.metadata.namespace.clone().unwrap_or_default());
        types.insert(e.type_.clone().unwrap_or_default());
        reasons.insert(e.reason.clone().unwrap_or_default());
        if filter.matches(e) {
            chosen.push(o);
        }
    }
    let matching = chosen.len();
    if chosen.len() > MAX_EVENT_ROWS {
        chosen.drain(..chosen.len() - MAX_EVENT_ROWS);
    }
    let opts = TableOptions {
        now_ms: sim.clock().datetime(sim.now()).timestamp_millis(),
        with_namespace: true,
        ..TableOptions::default()
    };
    let t = table(&chosen, &opts);
    let tones = chosen
        .iter()
        .map(|o| match o {
            Object::Event(e) if e.type_.as_deref() == Some("Warning") => Tone::Bad,
            _ => Tone::Ok,
        })
        .collect();
    EventsModel {
        headers: if t.headers.is_empty() {
            [
                "NAMESPACE",
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "MESSAGE",
            ]
            .map(String::from)
            .to_vec()
        } else {
            t.headers
        },
        rows: t.rows,
        tones,
        matching,
        namespaces: namespaces.into_iter().collect(),
        types: types.into_iter().collect(),
        reasons: reasons.into_iter().collect(),
    }
}

/// Buckets in the timeline.
pub const BUCKETS: usize = 60;
/// Virtual time per bucket.
pub const BUCKET_MS: Millis = 5_000;
/// At most this many entries of a bucket are listed.
pub const MAX_BUCKET_ENTRIES: usize = 300;

/// One bar of the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Start (virtual time).
    pub start: Millis,
    /// Start as the cluster's clock reads it (`09:05:00`).
    pub label: String,
    /// Entries in it.
    pub count: usize,
    /// API requests among them.
    pub api: usize,
    /// Watch events (etcd writes) among them.
    pub watch: usize,
}

/// The timeline of the trace over the last [`BUCKETS`] × [`BUCKET_MS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Bars, oldest first.
    pub buckets: Vec<Bucket>,
    /// The largest count (for scaling).
    pub max: usize,
    /// The selected bucket's start and its entries as the trace prints them.
    pub selected: Option<(Millis, Vec<String>)>,
    /// Entries in the selected bucket beyond those listed.
    pub more: usize,
}

/// Builds the timeline ending at `now`; `selected` is a bucket's start time.
/// The trace is ordered by time, so only the window is read.
pub fn timeline(
    entries: &[TraceEntry],
    clock: &Clock,
    now: Millis,
    selected: Option<Millis>,
) -> Timeline {
    let end = now - now % BUCKET_MS + BUCKET_MS;
    let start = end.saturating_sub(BUCKET_MS * BUCKETS as Millis);
    let mut buckets: Vec<Bucket> = (0..BUCKETS)
        .map(|i| {
            let t = start + i as Millis * BUCKET_MS;
            Bucket {
                start: t,
                label: clock.datetime(t).format("%H:%M:%S").to_string(),
                ..Bucket::default()
            }
        })
        .collect();
    let first = entries.partition_point(|e| e.time < start);
    for e in &entries[first..] {
        let i = ((e.time - start) / BUCKET_MS) as usize;
        let Some(b) = buckets.get_mut(i) else {
            continue;
        };
        b.count += 1;
        match e.kind {
            TraceKind::ApiRequest { .. } => b.api += 1,
            TraceKind::WatchEvent { .. } => b.watch += 1,
            _ => {}
        }
    }
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let mut more = 0;
    let selected = selected.map(|s| {
        let lo = entries.partition_point(|e| e.time < s);
        let hi = entries.partition_point(|e| e.time < s + BUCKET_MS);
        let n = hi - lo;
        more = n.saturating_sub(MAX_BUCKET_ENTRIES);
        (
            s,
            entries[lo..hi]
                .iter()
                .take(MAX_BUCKET_ENTRIES)
                .map(|e| e.to_string())
                .collect(),
        )
    });
    Timeline {
        buckets,
        max,
        selected,
        more,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_kubectl::Session;

    fn session_with_a_failing_pod() -> Session {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run("kubectl run web --image=nginx", None);
        s.run(
            "kubectl run broken --image=nosuchimage.example/never:1",
            None,
        );
        s.sim.advance(30 * SECOND);
        s
    }

    #[test]
    fn unfiltered_rows_are_kubectl_get_events_rows() {
        let mut s = session_with_a_failing_pod();
        let m = events_model(&s.sim, &EventFilter::default());
        let out = s.run("kubectl get events -A", None).stdout;
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        assert_eq!(
            header,
            [
                "NAMESPACE",
                "LAST",
                "SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "MESSAGE"
            ]
        );
        assert_eq!(
            m.headers,
            [
                "NAMESPACE",
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "MESSAGE"
            ]
        );
        assert_eq!(m.matching, lines.clone().count());
        for (row, line) in m.rows.iter().zip(lines) {
            let cells: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(row[0], cells[0]);
            assert_eq!(row[4], cells[4], "OBJECT column");
            assert!(line.ends_with(row[5].as_str()), "MESSAGE column");
        }
    }

    #[test]
    fn filters_by_namespace_type_reason_and_object() {
        let s = session_with_a_failing_pod();
        let all = events_model(&s.sim, &EventFilter::default());
        assert!(all.types.contains(&"Warning".to_string()));
        assert!(all.namespaces.contains(&"default".to_string()));
        let warnings = events_model(
            &s.sim,
            &EventFilter {
                type_: "Warning".into(),
                ..EventFilter::default()
            },
        );
        assert!(warnings.matching > 0 && warnings.matching < all.matching);
        assert!(warnings.rows.iter().all(|r| r[2] == "Warning"));
        assert!(warnings.tones.iter().all(|t| *t == Tone::Bad));
        assert!(warnings.rows.iter().any(|r| r[4] == "pod/broken"));
        let web = events_model(
            &s.sim,
            &EventFilter {
                namespace: "default".into(),
                object: "Pod/WEB".into(),
                ..EventFilter::default()
            },
        );
        let reasons: Vec<&str> = web.rows.iter().map(|r| r[3].as_str()).collect();
        assert!(
            reasons.contains(&"Scheduled") && reasons.contains(&"Started"),
            "{reasons:?}"
        );
        assert!(web.rows.iter().all(|r| r[4] == "pod/web"));
        let pulled = events_model(
            &s.sim,
            &EventFilter {
                reason: "Pulled".into(),
                ..EventFilter::default()
            },
        );
        assert!(pulled.rows.iter().all(|r| r[3] == "Pulled"));
        let none = events_model(
            &s.sim,
            &EventFilter {
                namespace: "nope".into(),
                ..EventFilter::default()
            },
        );
        assert_eq!(none.matching, 0);
        assert!(none.rows.is_empty());
    }

    #[test]
    fn timeline_counts_entries_per_bucket_and_lists_a_chosen_one() {
        let s = session_with_a_failing_pod();
        let entries = s.sim.trace().entries();
        let now = s.sim.now();
        let t = timeline(entries, s.sim.clock(), now, None);
        assert_eq!(t.buckets.len(), BUCKETS);
        let window_start = t.buckets[0].start;
        let in_window = entries.iter().filter(|e| e.time >= window_start).count();
        assert_eq!(t.buckets.iter().map(|b| b.count).sum::<usize>(), in_window);
        assert!(t.max > 0);
        let last = t.buckets.last().unwrap();
        assert_eq!(
            last.label,
            s.sim
                .clock()
                .datetime(last.start)
                .format("%H:%M:%S")
                .to_string()
        );
        let busiest = t.buckets.iter().max_by_key(|b| b.count).unwrap();
        let t2 = timeline(entries, s.sim.clock(), now, Some(busiest.start));
        let (start, lines) = t2.selected.unwrap();
        assert_eq!(start, busiest.start);
        assert_eq!(lines.len() + t2.more, busiest.count);
    }
}
