//! Scenarios shipped with the site: transcripts (the CLI's format, see
//! `kubarium run`) in `static/scenarios/`, built into the app and also
//! copied into `dist/scenarios/` so they can be downloaded and run with the
//! CLI. `?scenario=NAME` loads one, and the scenario picker lists them.
//!
//! The list is generated from the directory at build time (`build.rs`), so
//! it cannot drift from the files.

/// A shipped scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file's name without `.sh`: what `?scenario=` takes.
    pub name: &'static str,
    /// What it shows: the transcript's leading comment, one line.
    pub summary: &'static str,
    /// The transcript.
    pub transcript: &'static str,
}

/// Every file of `static/scenarios/`, sorted by name.
pub const SCENARIOS: &[Scenario] = include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// The scenario named `name`.
pub fn get(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// The transcript of the scenario named `name`.
pub fn find(name: &str) -> Option<&'static str> {
    get(name).map(|s| s.transcript)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Live, DEFAULT_WORKERS};

    #[test]
    fn every_scenario_runs_without_an_error() {
        for s in SCENARIOS {
            let live = Live::from_transcript(1, DEFAULT_WORKERS, s.transcript)
                .unwrap_or_else(|e| panic!("{}: {e}", s.name));
            for o in &live.outputs {
                assert_eq!(
                    o.output.exit_code, 0,
                    "{}: {}: {}",
                    s.name, o.line, o.output.stderr
                );
            }
        }
    }

    #[test]
    fn the_list_is_the_directory() {
        let mut files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/static/scenarios"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
        files.sort();
        let names: Vec<String> = SCENARIOS.iter().map(|s| format!("{}.sh", s.name)).collect();
        assert_eq!(names, files);
        let deployment = get("deployment").unwrap();
        assert!(
            deployment
                .summary
                .starts_with("A Deployment of three nginx pods: the scheduler spreads them"),
            "{}",
            deployment.summary
        );
        assert!(!deployment.summary.contains('#'));
    }

    #[test]
    fn the_deployment_scenario_ends_with_three_running_pods() {
        let live = Live::from_transcript(1, DEFAULT_WORKERS, find("deployment").unwrap()).unwrap();
        let pods = &live.outputs.last().unwrap().output.stdout;
        assert_eq!(pods.matches("Running").count(), 3, "{pods}");
        assert_eq!(find("nope"), None);
    }
}
