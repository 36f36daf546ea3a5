//! Indexed completion mode (pkg/controller/job/indexed_job_utils.go): each
//! pod runs one index of `[0, completions)`, carried by the
//! `batch.kubernetes.io/job-completion-index` annotation; the Job's
//! `status.completedIndexes` lists the finished ones as ranges (`0-2,4`).

use super::COMPLETION_INDEX;
use crate::api::core::{EnvVar, EnvVarSource, ObjectFieldSelector, Pod, PodSpec};
use std::collections::BTreeSet;

/// The completion index of a pod, from its annotation.
pub fn pod_index(p: &Pod) -> Option<i32> {
    p.metadata
        .annotations
        .as_ref()?
        .get(COMPLETION_INDEX)?
        .parse()
        .ok()
        .filter(|i| *i >= 0)
}

/// Parses `completedIndexes` (`1,3-5,7`), keeping the indexes below
/// `completions` (so a huge range in a hand-written status costs nothing).
pub fn parse_indexes(s: Option<&str>, completions: i32) -> BTreeSet<i32> {
    let mut out = BTreeSet::new();
    for part in s.unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<i32>(), b.parse::<i32>()),
            None => (part.parse::<i32>(), part.parse::<i32>()),
        };
        if let (Ok(a), Ok(b)) = (a, b) {
            out.extend(a.max(0)..=b.min(completions - 1));
        }
    }
    out
}

/// Formats indexes as upstream's `orderedIntervals.String()`: a run of
/// consecutive indexes as `a-b`, a lone one as `a`.
pub fn format_indexes(set: &BTreeSet<i32>) -> String {
    let mut parts = Vec::new();
    let mut iter = set.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last = iter.next().unwrap_or(last);
        }
        if first == last {
            parts.push(first.to_string());
        } else {
            parts.push(format!("{first}-{last}"));
        }
    }
    parts.join(",")
}

/// `addCompletionIndexEnvVariables`: `JOB_COMPLETION_INDEX` from the
/// annotation, in every container and init container that lacks it.
pub fn add_completion_index_env(spec: &mut PodSpec) {
    let var = EnvVar {
        name: "JOB_COMPLETION_INDEX".into(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: None,
                field_path: format!("metadata.annotations['{COMPLETION_INDEX}']"),
            }),
            ..Default::default()
        }),
    };
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        let env = c.env.get_or_insert_with(Vec::new);
        if !env.iter().any(|e| e.name == var.name) {
            env.push(var.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_round_trip_as_ranges() {
        let s: BTreeSet<i32> = [0, 1, 2, 4, 6, 7].into_iter().collect();
        assert_eq!(format_indexes(&s), "0-2,4,6-7");
        assert_eq!(parse_indexes(Some("0-2,4,6-7"), 8), s);
        assert!(parse_indexes(None, 8).is_empty());
        // Indexes beyond completions are dropped, whatever the range.
        assert_eq!(parse_indexes(Some("0-2000000000"), 3).len(), 3);
    }
}
