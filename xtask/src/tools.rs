//! Installing and checking the tools the build needs, so that a fresh
//! machine needs nothing but Rust (rustup) and Node.js with npm.
//!
//! Versions have one source each: Trunk below; wasm-bindgen from Cargo.lock
//! (the app pins the crate with `=`); wasm-opt from Trunk.toml's `[tools]`.
//! Trunk.toml must pin the same wasm-bindgen as Cargo.lock, or Trunk would
//! try to download one (it cannot: no GitHub here).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::root;
use crate::run::{cargo, fail, Cmd, Error};

/// The Trunk release we build with (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The target the web app compiles to.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where the project keeps tools it installs itself (gitignored).
fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// The tools, found and version-checked.
pub struct Tools {
    path: OsString,
}

impl Tools {
    /// A `trunk` command with the project's tools first on PATH and Trunk's
    /// self-update check off.
    pub fn trunk(&self) -> Cmd {
        Cmd::new("trunk")
            .env("PATH", &self.path)
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
    }
}

/// PATH with `.tools/node_modules/.bin` and cargo's bin directory first.
pub fn tool_path() -> OsString {
    let mut dirs = vec![tools_dir().join("node_modules").join(".bin"), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// Runs `program --version` with the tool PATH; its output if it ran.
fn version_of(program: &str) -> Option<String> {
    Cmd::new(program)
        .env("PATH", tool_path())
        .arg("--version")
        .probe()
        .map(|s| s.trim().to_string())
}

/// Makes sure the wasm target, Trunk, wasm-bindgen and wasm-opt are installed
/// at the pinned versions, installing what is missing.
pub fn ensure_build_tools() -> Result<Tools, Error> {
    ensure_wasm_target()?;
    let pins = TrunkPins::read(&root().join("Trunk.toml"))?;
    let bindgen = cargo_lock_version(&root().join("Cargo.lock"), "wasm-bindgen")?;
    if pins.wasm_bindgen != bindgen {
        return Err(fail(format!(
            "Trunk.toml pins wasm_bindgen = \"{}\" but Cargo.lock has wasm-bindgen {bindgen}; \
             set `wasm_bindgen = \"{bindgen}\"` under [tools] in Trunk.toml",
            pins.wasm_bindgen
        )));
    }

    // Trunk.
    if version_of("trunk").is_none_or(|v| v != format!("trunk {TRUNK_VERSION}")) {
        println!("xtask: installing trunk {TRUNK_VERSION} (about 5 minutes)");
        cargo()
            .args([
                "install",
                "--locked",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--force",
            ])
            .run()?;
    }
    expect_version("trunk", &format!("trunk {TRUNK_VERSION}"))?;

    // wasm-bindgen: `--locked` fails for this crate (a locked dependency was
    // yanked from the registry), so it resolves fresh.
    let want = format!("wasm-bindgen {bindgen}");
    if version_of("wasm-bindgen").is_none_or(|v| v != want) {
        println!("xtask: installing wasm-bindgen-cli {bindgen} (about 2 minutes)");
        cargo()
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &bindgen,
                "--force",
            ])
            .run()?;
    }
    expect_version("wasm-bindgen", &want)?;

    // wasm-opt from npm's binaryen (Debian's is too old for current rustc).
    let opt_number = pins
        .wasm_opt
        .strip_prefix("version_")
        .ok_or_else(|| {
            fail(format!(
                "Trunk.toml: wasm_opt = \"{}\" should look like \"version_132\"",
                pins.wasm_opt
            ))
        })?
        .to_string();
    let opt_ok = |v: &str| v.contains(&format!("({})", pins.wasm_opt));
    if !version_of("wasm-opt").is_some_and(|v| opt_ok(&v)) {
        require_npm()?;
        println!("xtask: installing wasm-opt (npm binaryen@{opt_number}) into .tools/");
        std::fs::create_dir_all(tools_dir())
            .map_err(|e| fail(format!("cannot create .tools/: {e}")))?;
        Cmd::new("npm")
            .args(["install", "--prefix"])
            .arg(tools_dir())
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .arg(format!("binaryen@{opt_number}"))
            .run()?;
    }
    match version_of("wasm-opt") {
        Some(v) if opt_ok(&v) => {}
        other => {
            return Err(fail(format!(
                "wasm-opt on PATH is {} but Trunk.toml pins wasm_opt = \"{}\"",
                other.as_deref().unwrap_or("missing"),
                pins.wasm_opt
            )))
        }
    }
    println!(
        "xtask: tools ok: trunk {TRUNK_VERSION}, wasm-bindgen {bindgen}, wasm-opt {}",
        pins.wasm_opt
    );
    Ok(Tools { path: tool_path() })
}

fn expect_version(program: &str, want: &str) -> Result<(), Error> {
    match version_of(program) {
        Some(v) if v == want => Ok(()),
        Some(v) => Err(fail(format!(
            "`{program} --version` says `{v}` after installing, expected `{want}` \
             (another {program} earlier on PATH?)"
        ))),
        None => Err(fail(format!(
            "{program} is not on PATH after installing (is {} on PATH?)",
            cargo_bin().display()
        ))),
    }
}

fn require_npm() -> Result<(), Error> {
    if version_of("npm").is_none() {
        return Err(fail(
            "npm not found: install Node.js 20 or newer with npm (it provides wasm-opt \
             and the browser tests' Playwright)",
        ));
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<(), Error> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .probe();
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => Ok(()),
        Some(_) => Cmd::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .run(),
        None => {
            // No rustup: accept a toolchain that ships the target's std.
            let sysroot = Cmd::new("rustc").args(["--print", "sysroot"]).output()?;
            let lib = Path::new(sysroot.trim())
                .join("lib/rustlib")
                .join(WASM_TARGET);
            if lib.is_dir() {
                Ok(())
            } else {
                Err(fail(format!(
                    "the {WASM_TARGET} target is missing and rustup is not available to add it"
                )))
            }
        }
    }
}

/// The `[tools]` pins in Trunk.toml.
struct TrunkPins {
    wasm_bindgen: String,
    wasm_opt: String,
}

impl TrunkPins {
    fn read(path: &Path) -> Result<TrunkPins, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text)
    }

    fn parse(text: &str) -> Result<TrunkPins, Error> {
        let mut section = String::new();
        let (mut bindgen, mut opt) = (None, None);
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.starts_with('[') {
                section = line
                    .trim_matches(|c| c == '[' || c == ']')
                    .trim()
                    .to_string();
                continue;
            }
            if section != "tools" {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let v = v.trim().trim_matches('"').to_string();
                match k.trim() {
                    "wasm_bindgen" => bindgen = Some(v),
                    "wasm_opt" => opt = Some(v),
                    _ => {}
                }
            }
        }
        let missing = |k: &str| {
            fail(format!(
                "Trunk.toml must pin `{k}` under [tools], or Trunk tries to download it"
            ))
        };
        Ok(TrunkPins {
            wasm_bindgen: bindgen.ok_or_else(|| missing("wasm_bindgen"))?,
            wasm_opt: opt.ok_or_else(|| missing("wasm_opt"))?,
        })
    }
}

/// The version of `package` in Cargo.lock (there must be exactly one).
fn cargo_lock_version(path: &Path, package: &str) -> Result<String, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let versions = lock_versions(&text, package);
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(fail(format!("Cargo.lock has no {package} package"))),
        many => Err(fail(format!(
            "Cargo.lock has several {package} versions ({}); pin one with `=` in Cargo.toml",
            many.join(", ")
        ))),
    }
}

fn lock_versions(lock: &str, package: &str) -> Vec<String> {
    let name_line = format!("name = \"{package}\"");
    let mut out = Vec::new();
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == name_line {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = "))
            {
                out.push(v.trim_matches('"').to_string());
            }
        }
    }
    out
}

/// Chromium and ChromeDriver for the browser tests, and the tests' npm
/// packages.
pub fn ensure_browser_test_tools() -> Result<(), Error> {
    if chromium().is_none() || chromedriver().is_none() {
        println!("xtask: installing chromium and chromium-driver (apt-get)");
        let apt = |args: &[&str]| {
            let mut c = if is_root() {
                Cmd::new("apt-get")
            } else {
                Cmd::new("sudo").args(["-n", "apt-get"])
            };
            c = c.env("DEBIAN_FRONTEND", "noninteractive");
            c.args(args).run()
        };
        let install = ["install", "-y", "chromium", "chromium-driver"];
        if apt(&install).is_err() {
            apt(&["update"])?;
            apt(&install)?;
        }
        if chromium().is_none() || chromedriver().is_none() {
            return Err(fail(
                "chromium or chromedriver is still not on PATH after apt-get install",
            ));
        }
    }
    let e2e = root().join("tests").join("e2e");
    if !e2e.join("node_modules").join("playwright-core").is_dir() {
        require_npm()?;
        Cmd::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&e2e)
            .run()?;
    }
    Ok(())
}

fn is_root() -> bool {
    Cmd::new("id")
        .arg("-u")
        .probe()
        .is_some_and(|s| s.trim() == "0")
}

/// The Chromium executable (`command -v chromium`).
pub fn chromium() -> Option<String> {
    Cmd::new("sh")
        .args(["-c", "command -v chromium || command -v chromium-browser"])
        .probe()
        .and_then(|s| s.lines().next().map(str::to_string))
        .filter(|s| !s.is_empty())
}

/// ChromeDriver (`command -v chromedriver`), which wasm-bindgen-test-runner
/// drives Chromium with.
pub fn chromedriver() -> Option<String> {
    Cmd::new("sh")
        .args(["-c", "command -v chromedriver"])
        .probe()
        .and_then(|s| s.lines().next().map(str::to_string))
        .filter(|s| !s.is_empty())
}

/// Chromium's flags for the component tests, beside the ones
/// wasm-bindgen-test-runner adds itself (`headless`, `no-sandbox`,
/// `disable-dev-shm-usage`): no GPU, and no attempt to reach the network.
const COMPONENT_TEST_CHROMIUM_ARGS: &[&str] = &[
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// The WebDriver capabilities file wasm-bindgen-test-runner reads
/// (`WASM_BINDGEN_TEST_WEBDRIVER_JSON`): Debian's Chromium and its flags.
fn webdriver_json(browser: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let args: Vec<String> = COMPONENT_TEST_CHROMIUM_ARGS
        .iter()
        .map(|a| quote(a))
        .collect();
    format!(
        "{{\"goog:chromeOptions\": {{\"binary\": {}, \"args\": [{}]}}}}\n",
        quote(browser),
        args.join(", ")
    )
}

/// `cargo test -p PACKAGE --target wasm32-unknown-unknown --test TEST
/// [--profile PROFILE]`, run by wasm-bindgen-test-runner in headless
/// Chromium through ChromeDriver (the test configures `run_in_browser`).
pub fn browser_wasm_test(package: &str, test: &str, profile: Option<&str>) -> Result<Cmd, Error> {
    let browser = chromium().ok_or_else(|| fail("chromium not found"))?;
    if chromedriver().is_none() {
        return Err(fail(
            "chromedriver not found (Debian package chromium-driver)",
        ));
    }
    let caps = root().join("target").join("webdriver.json");
    std::fs::create_dir_all(root().join("target"))
        .and_then(|()| std::fs::write(&caps, webdriver_json(&browser)))
        .map_err(|e| fail(format!("cannot write {}: {e}", caps.display())))?;
    let mut cmd = cargo()
        .args(["test", "-p", package, "--target", WASM_TARGET])
        .args(["--test", test]);
    if let Some(p) = profile {
        cmd = cmd.args(["--profile", p]);
    }
    Ok(cmd
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &caps)
        // The runner's default (20 s for the whole run) is short for a
        // debug build on a busy 2-core machine, or a large benchmark.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600")
        .env("PATH", tool_path()))
}

/// The component tests (`tests/components.rs`): the app's Yew components
/// mounted in headless Chromium by wasm-bindgen-test, through ChromeDriver.
pub fn run_component_tests() -> Result<(), Error> {
    browser_wasm_test("kubarium-web", "components", None)?.run()
}

/// Runs the browser end-to-end tests against `dist`, served under `base`.
pub fn run_e2e(dist: &Path, base: &str) -> Result<(), Error> {
    let browser = chromium().ok_or_else(|| fail("chromium not found"))?;
    Cmd::new("node")
        .arg(root().join("tests/e2e/run.mjs"))
        .arg(dist)
        .arg(base)
        .env("CHROMIUM", browser)
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_pins_are_read_from_the_tools_section_only() {
        let pins = TrunkPins::parse(
            "[build]\nwasm_opt = \"no\"\n[tools]\nwasm_bindgen = \"0.2.130\" # pinned\nwasm_opt = \"version_132\"\n",
        )
        .unwrap();
        assert_eq!(pins.wasm_bindgen, "0.2.130");
        assert_eq!(pins.wasm_opt, "version_132");
    }

    #[test]
    fn missing_pin_is_an_error() {
        assert!(TrunkPins::parse("[tools]\nwasm_opt = \"version_132\"\n").is_err());
    }

    #[test]
    fn lock_versions_finds_exact_package_names() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"0.2.130\"\n";
        assert_eq!(lock_versions(lock, "wasm-bindgen"), vec!["0.2.130"]);
    }

    #[test]
    fn the_webdriver_capabilities_name_the_browser_and_its_flags() {
        assert_eq!(
            webdriver_json("/usr/bin/chromium"),
            "{\"goog:chromeOptions\": {\"binary\": \"/usr/bin/chromium\", \"args\": [\"--disable-gpu\", \
             \"--disable-background-networking\", \"--disable-component-update\", \"--disable-sync\", \
             \"--no-first-run\"]}}\n"
        );
        assert!(webdriver_json("/opt/a \"b\"").contains("\"/opt/a \\\"b\\\"\""));
    }

    #[test]
    fn repository_pins_agree_with_cargo_lock() {
        let pins = TrunkPins::read(&root().join("Trunk.toml")).unwrap();
        let lock = cargo_lock_version(&root().join("Cargo.lock"), "wasm-bindgen").unwrap();
        assert_eq!(pins.wasm_bindgen, lock);
    }
}
