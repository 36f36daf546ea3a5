//! Scenarios shipped with the site: transcripts (the CLI's format, see
//! `kubarium run`) in `static/scenarios/`, built into the app and also
//! copied into `dist/scenarios/` so they can be downloaded and run with the
//! CLI. `?scenario=NAME` loads one.

/// (name, transcript).
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "deployment",
        include_str!("../static/scenarios/deployment.sh"),
    ),
    (
        "node-failure",
        include_str!("../static/scenarios/node-failure.sh"),
    ),
    (
        "crashloop",
        include_str!("../static/scenarios/crashloop.sh"),
    ),
];

/// The transcript of the scenario named `name`.
pub fn find(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Live;

    #[test]
    fn every_scenario_runs_without_an_error() {
        for (name, text) in SCENARIOS {
            let live = Live::from_transcript(1, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for o in &live.outputs {
                assert_eq!(
                    o.output.exit_code, 0,
                    "{name}: {}: {}",
                    o.line, o.output.stderr
                );
            }
        }
    }

    #[test]
    fn the_deployment_scenario_ends_with_three_running_pods() {
        let live = Live::from_transcript(1, find("deployment").unwrap()).unwrap();
        let pods = &live.outputs.last().unwrap().output.stdout;
        assert_eq!(pods.matches("Running").count(), 3, "{pods}");
        assert_eq!(find("nope"), None);
    }
}
