//! Golden transcripts: each `tests/transcripts/NAME.sh` is run by the real
//! `kubarium` binary and its output compared with the reviewed
//! `NAME.out`. `KUBARIUM_BLESS=1 cargo test -p kubarium-cli` rewrites the
//! expected files; review every change with `git diff` before committing.

use std::path::Path;
use std::process::Command;

fn run(path: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kubarium"))
        .arg("run")
        .arg(path)
        .output()
        .expect("kubarium runs");
    assert!(
        out.status.success(),
        "kubarium run {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn golden_transcripts_match_their_reviewed_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let bless = std::env::var_os("KUBARIUM_BLESS").is_some();
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no transcripts in {}", dir.display());
    for script in entries {
        let actual = run(&script);
        let expected_path = script.with_extension("out");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}\n--- expected\n{expected}\n--- actual\n{actual}",
                script.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} transcript(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_same_transcript_twice_gives_identical_output() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts/pod-lifecycle.sh");
    assert_eq!(run(&script), run(&script));
}
