//! Build script of the web app: the list of shipped scenarios.
//!
//! Every `static/scenarios/NAME.sh` is a scenario (Trunk copies the
//! directory into `dist/scenarios/` too, so the CLI runs the same file). The
//! app's list is generated from the directory here, so a scenario added or
//! removed there is added to or removed from the picker and `?scenario=`
//! without a second list to keep in step. A file whose name cannot be a
//! scenario name fails the build instead of being left out silently.
//!
//! Output: `$OUT_DIR/scenarios.rs`, a `&[Scenario]` sorted by name, each with
//! its transcript (`include_str!`) and its summary (the transcript's leading
//! `#` comment lines, joined).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_else(|| panic!("{}: not a UTF-8 file name", path.display()));
        let Some(name) = file.strip_suffix(".sh") else {
            panic!(
                "static/scenarios/{file}: every file there is a scenario, a transcript named NAME.sh"
            );
        };
        if let Err(why) = check_name(name) {
            panic!("static/scenarios/{file}: {why}");
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let summary = summary(&text);
        if summary.is_empty() {
            panic!(
                "static/scenarios/{file}: start the transcript with `#` comment lines that say what it shows (the picker lists them)"
            );
        }
        found.push((name.to_string(), summary, path));
    }
    found.sort();
    let mut out = String::from("&[\n");
    for (name, summary, path) in &found {
        writeln!(
            out,
            "    Scenario {{ name: {name:?}, summary: {summary:?}, transcript: include_str!({:?}) }},",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("]\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("scenarios.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

/// A scenario name goes into URLs (`?scenario=NAME`) as typed: lowercase
/// letters, digits and inner dashes.
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` cannot be a scenario name (lowercase letters, digits and inner dashes, at most 63)"
        ))
    }
}

/// The transcript's leading comment lines, joined with spaces.
fn summary(text: &str) -> String {
    text.lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
