//! `cargo xtask`: Kubarium's developer and CI tasks. Std only, so it builds
//! in seconds on a fresh machine and installs everything else itself.
//!
//! ```text
//! cargo xtask serve [--port 8080] [--public-url /]   release build, served on 127.0.0.1
//! cargo xtask build [--public-url /]                 release build into dist/, sizes
//! cargo xtask test                                   everything CI checks
//! cargo xtask bench [ARGS...]                        cargo bench -p kubarium-engine
//! cargo xtask bench-wasm [NODES PODS] [--profile P] [--runs N]
//!                                                    engine throughput: WASM in Chromium vs native
//! cargo xtask size [WASM]                            what costs what in the last build
//! ```

mod csp;
mod run;
mod serve;
mod sha256;
mod size;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use run::{cargo, fail, Error};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  serve [--port N] [--public-url URL]   build the release site and serve dist/ on http://127.0.0.1:N (default 8080)
        [--watch]                       instead: `trunk serve --release` (rebuilds on change; reload by hand)
  build [--public-url URL]              release build into dist/ (URL: where the site is served, default /)
  test                                  fmt, clippy, tests, wasm checks, component tests in Chromium,
                                        dependency check, release build, browser e2e
  bench [ARGS...]                       cargo bench -p kubarium-engine [ARGS...]
  bench-wasm [NODES PODS] [--profile P] [--runs N]
                                        the engine's throughput on one scenario (PODS pods through
                                        ReplicaSets on NODES workers, default 100 1000), natively and
                                        in WASM in headless Chromium, median of N runs (default 3);
                                        P: cargo profile of the WASM build (default release, as the
                                        site ships; `bench` is opt-level 3)
  size [WASM]                           what costs what in the wasm of the last build (default:
                                        target/wasm-bindgen/release/kubarium-web_bg.wasm, which has names)
  csp [INDEX_HTML]                      (Trunk post_build hook) add the inline scripts' hashes to the page's CSP
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "serve" => serve_cmd(rest),
        "build" => build_cmd(rest),
        "test" => test_cmd(rest),
        "bench" => bench_cmd(rest),
        "bench-wasm" => bench_wasm_cmd(rest),
        "size" => size_cmd(rest),
        "csp" => csp::hook(rest.first().map(PathBuf::from)),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(Error::Usage(format!("unknown command `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Usage(msg)) => {
            eprintln!("xtask: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Error::Failed(msg)) => {
            eprintln!("\nxtask: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory of the repository")
        .to_path_buf()
}

/// Options of `build` and `serve`.
struct BuildOpts {
    public_url: String,
    port: u16,
    watch: bool,
}

fn parse_build_opts(args: &[String], allow_serve: bool) -> Result<BuildOpts, Error> {
    let mut opts = BuildOpts {
        public_url: "/".into(),
        port: 8080,
        watch: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Error::Usage(format!("{name} needs a value")))
        };
        match a.as_str() {
            "--public-url" => opts.public_url = value("--public-url")?,
            "--port" if allow_serve => {
                let v = value("--port")?;
                opts.port = v
                    .parse()
                    .map_err(|_| Error::Usage(format!("--port: not a port number: {v}")))?;
            }
            "--watch" if allow_serve => opts.watch = true,
            other => return Err(Error::Usage(format!("unknown option `{other}`"))),
        }
    }
    Ok(opts)
}

fn build_cmd(args: &[String]) -> Result<(), Error> {
    let opts = parse_build_opts(args, false)?;
    let tools = tools::ensure_build_tools()?;
    let started = Instant::now();
    trunk_build(&tools, &opts.public_url, &root().join("dist"))?;
    println!(
        "xtask: release build into dist/ in {:.1} s (public URL {})",
        started.elapsed().as_secs_f64(),
        opts.public_url
    );
    report_sizes(&root().join("dist"))
}

fn serve_cmd(args: &[String]) -> Result<(), Error> {
    let opts = parse_build_opts(args, true)?;
    let tools = tools::ensure_build_tools()?;
    if opts.watch {
        return tools
            .trunk()
            .args(["serve", "--release", "--offline", "--no-autoreload"])
            .args(["--address", "127.0.0.1", "--port", &opts.port.to_string()])
            .args(["--public-url", &opts.public_url])
            .run();
    }
    trunk_build(&tools, &opts.public_url, &root().join("dist"))?;
    report_sizes(&root().join("dist"))?;
    serve::serve(&root().join("dist"), &opts.public_url, opts.port)
}

/// `trunk build --release` into `dist`, with tool downloads impossible.
fn trunk_build(tools: &tools::Tools, public_url: &str, dist: &Path) -> Result<(), Error> {
    // Trunk runs cargo with --offline (so it can never download a tool
    // either); fetch the crates first.
    cargo().args(["fetch", "--locked"]).run()?;
    tools
        .trunk()
        .args([
            "build",
            "--release",
            "--offline",
            "--public-url",
            public_url,
        ])
        .arg("--dist")
        .arg(dist)
        .run()
}

fn report_sizes(dist: &Path) -> Result<(), Error> {
    let mut total_raw = 0;
    let mut total_gz = 0;
    let entries = std::fs::read_dir(dist)
        .map_err(|e| fail(format!("cannot read {}: {e}", dist.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("wasm" | "js")))
        .collect();
    files.sort();
    println!("xtask: sizes (raw / gzip -9):");
    for f in &files {
        let raw = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        let gz = run::gzip_size(f).unwrap_or(0);
        total_raw += raw;
        total_gz += gz;
        println!(
            "  {:<48} {:>9} / {:>9}",
            f.file_name().unwrap_or_default().to_string_lossy(),
            kib(raw),
            kib(gz)
        );
    }
    println!(
        "  {:<48} {:>9} / {:>9}",
        "wasm + js",
        kib(total_raw),
        kib(total_gz)
    );
    let budget = size::BUDGET_KIB;
    let gz_kib = total_gz as f64 / 1024.0;
    if gz_kib > budget {
        // Not a failure (yet): the goal is not met today; see README, Performance.
        println!(
            "xtask: warning: wasm + js is {gz_kib:.1} KiB gzipped, {:.1} KiB over the {budget:.0} KiB goal \
             (`cargo xtask size` shows what costs what)",
            gz_kib - budget
        );
    } else {
        println!("xtask: wasm + js is within the {budget:.0} KiB gzipped goal");
    }
    Ok(())
}

fn size_cmd(args: &[String]) -> Result<(), Error> {
    let wasm = match args {
        [] => root().join("target/wasm-bindgen/release/kubarium-web_bg.wasm"),
        [path] => PathBuf::from(path),
        _ => return Err(Error::Usage("`size` takes at most one path".into())),
    };
    if !wasm.exists() {
        return Err(fail(format!(
            "{} does not exist: run `cargo xtask build` first",
            wasm.display()
        )));
    }
    size::report(&wasm, &root().join("crates/kubectl/src/explain/data.txt"))
}

fn kib(n: u64) -> String {
    format!("{:.1} KiB", n as f64 / 1024.0)
}

fn bench_cmd(args: &[String]) -> Result<(), Error> {
    cargo()
        .args(["bench", "-p", "kubarium-engine"])
        .args(args)
        .run()
}

/// One run of the throughput scenario, as `examples/scale.rs` and
/// `crates/engine/tests/wasm_throughput.rs` print it.
#[derive(Debug, PartialEq)]
struct ScaleRun {
    bootstrap_s: f64,
    virtual_s: u64,
    wall_s: f64,
    pods_per_s: f64,
    hash: String,
}

/// The run with the median wall time (the lower middle one of an even count).
fn median(mut runs: Vec<ScaleRun>) -> ScaleRun {
    runs.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
    let mid = (runs.len() - 1) / 2;
    runs.swap_remove(mid)
}

/// Parses `N nodes, P pods: bootstrap Bs, pods Running after Vs virtual in
/// Ws wall (R pods/s), trace hash H` (after any `wasm: ` prefix).
fn parse_scale_line(line: &str) -> Option<ScaleRun> {
    let num = |after: &str, until: &str| -> Option<&str> {
        let start = line.find(after)? + after.len();
        let rest = &line[start..];
        Some(rest[..rest.find(until)?].trim())
    };
    Some(ScaleRun {
        bootstrap_s: num("bootstrap ", "s,")?.parse().ok()?,
        virtual_s: num("Running after ", "s virtual")?.parse().ok()?,
        wall_s: num("virtual in ", "s wall")?.parse().ok()?,
        pods_per_s: num("wall (", " pods/s")?.parse().ok()?,
        hash: line[line.find("trace hash ")? + "trace hash ".len()..]
            .trim()
            .to_string(),
    })
}

fn bench_wasm_cmd(args: &[String]) -> Result<(), Error> {
    let mut profile = "release".to_string();
    let mut runs = 3u64;
    let mut sizes = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--profile" => {
                profile = it
                    .next()
                    .cloned()
                    .ok_or_else(|| Error::Usage("--profile needs a value".into()))?
            }
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|r| r.parse().ok())
                    .filter(|&r| r > 0)
                    .ok_or_else(|| Error::Usage("--runs needs a count".into()))?
            }
            n => sizes.push(
                n.parse::<u64>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| Error::Usage(format!("not a count: `{n}`")))?,
            ),
        }
    }
    let (nodes, pods) = match sizes.as_slice() {
        [] => (100, 1000),
        [n, p] => (*n, *p),
        _ => {
            return Err(Error::Usage(
                "bench-wasm takes NODES and PODS, or neither".into(),
            ))
        }
    };
    tools::ensure_build_tools()?;
    tools::ensure_browser_test_tools()?;

    println!(
        "xtask: native: the `scale` example (profile native: opt-level 3, thin LTO, mimalloc)"
    );
    cargo()
        .args([
            "build",
            "--profile",
            "native",
            "-p",
            "kubarium-engine",
            "--example",
            "scale",
        ])
        .run()?;
    let mut native_runs = Vec::new();
    for _ in 0..runs {
        let out = run::Cmd::new(root().join("target/native/examples/scale"))
            .args([nodes.to_string(), pods.to_string()])
            .output()?;
        print!("native: {out}");
        native_runs.push(
            out.lines()
                .find_map(parse_scale_line)
                .ok_or_else(|| fail(format!("unexpected output of the scale example:\n{out}")))?,
        );
    }
    let native = median(native_runs);

    println!("xtask: wasm: tests/wasm_throughput.rs in headless Chromium (profile {profile})");
    let wasm_out = tools::browser_wasm_test("kubarium-engine", "wasm_throughput", Some(&profile))?
        .env("KUBARIUM_WASM_BENCH", format!("{nodes} {pods} {runs}"))
        .args(["--", "--nocapture"])
        .output()?;
    let wasm_runs: Vec<ScaleRun> = wasm_out
        .lines()
        .filter_map(|l| l.split_once("wasm: ").map(|(_, rest)| rest))
        .filter_map(parse_scale_line)
        .collect();
    for r in &wasm_runs {
        println!("wasm: {r:?}");
    }
    if wasm_runs.len() as u64 != runs {
        return Err(fail(format!(
            "{} result lines in the wasm run's output, expected {runs}:\n{wasm_out}",
            wasm_runs.len()
        )));
    }
    let wasm = median(wasm_runs);

    println!(
        "\n{nodes} nodes, {pods} pods through ReplicaSets of 100, from the first create until all \
         Running (median of {runs} runs):"
    );
    println!("| platform | bootstrap | create → all Running | pods/s | virtual time |");
    println!("|---|---:|---:|---:|---:|");
    for (name, r) in [
        ("native (opt-level 3)".to_string(), &native),
        (format!("WASM in Chromium ({profile} profile)"), &wasm),
    ] {
        println!(
            "| {name} | {:.2} s | {:.2} s | {:.0} | {} s |",
            r.bootstrap_s, r.wall_s, r.pods_per_s, r.virtual_s
        );
    }
    println!(
        "WASM takes {:.2}× the native time; trace hash {} natively, {} in WASM",
        wasm.wall_s / native.wall_s,
        native.hash,
        wasm.hash
    );
    if native.hash != wasm.hash || native.virtual_s != wasm.virtual_s {
        return Err(fail(
            "the same scenario gave a different cluster in WASM than natively (determinism)",
        ));
    }
    Ok(())
}

/// The sub-path the test suite builds and serves the site under.
const SUBPATH: &str = "/kubarium/preview/";

/// Crates the simulation core must never depend on (DESIGN.md: only the web
/// app touches the browser; the engine has no runtime and no wall clock).
const ENGINE_FORBIDDEN: &[&str] = &[
    "yew",
    "web-sys",
    "js-sys",
    "gloo",
    "wasm-bindgen",
    "tokio",
    "kubarium-kubectl",
    "kubarium-web",
];
/// Crates kubectl must not depend on: it sits between the app and the engine.
const KUBECTL_FORBIDDEN: &[&str] = &[
    "yew",
    "web-sys",
    "js-sys",
    "gloo",
    "wasm-bindgen",
    "kubarium-web",
];

fn test_cmd(args: &[String]) -> Result<(), Error> {
    if let Some(a) = args.first() {
        return Err(Error::Usage(format!("`test` takes no options (got `{a}`)")));
    }
    let all = Instant::now();
    let mut done: Vec<(&str, f64)> = Vec::new();
    let mut stage = |name: &'static str, f: &mut dyn FnMut() -> Result<(), Error>| {
        println!("\n==> xtask test: {name}");
        let t = Instant::now();
        match f() {
            Ok(()) => {
                done.push((name, t.elapsed().as_secs_f64()));
                Ok(())
            }
            Err(Error::Failed(msg)) => {
                for (n, s) in &done {
                    println!("  ok    {n} ({s:.1} s)");
                }
                println!("  FAIL  {name}");
                Err(Error::Failed(format!("stage `{name}` failed: {msg}")))
            }
            Err(e) => Err(e),
        }
    };

    let mut tools = None;
    stage("tools", &mut || {
        tools = Some(tools::ensure_build_tools()?);
        tools::ensure_browser_test_tools()
    })?;
    let tools = tools.expect("set by the tools stage");
    stage("fmt", &mut || {
        cargo()
            .args(["fmt", "--all", "--", "--check"])
            .run()
            .map_err(|e| hint(e, "run `cargo fmt --all` and commit the result"))
    })?;
    stage("clippy", &mut || {
        cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .run()
    })?;
    stage("cargo test", &mut || {
        cargo().args(["test", "--workspace"]).run().map_err(|e| {
            hint(
                e,
                "see the failing tests above (golden transcripts: crates/cli)",
            )
        })
    })?;
    stage("engine wasm check", &mut || {
        cargo()
            .args([
                "check",
                "-p",
                "kubarium-engine",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .run()
    })?;
    stage("engine in wasm (trace hash)", &mut || {
        // The same scenario must give the same trace in WASM as natively:
        // the pinned hash test, run by wasm-bindgen-test under Node.
        cargo()
            .args([
                "test",
                "-p",
                "kubarium-engine",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "trace_hash",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("PATH", tools::tool_path())
            .run()
    })?;
    stage(
        "web components in Chromium (wasm-bindgen-test)",
        &mut || tools::run_component_tests(),
    )?;
    stage("engine throughput harness in Chromium (small)", &mut || {
        // `cargo xtask bench-wasm` at its smallest, in a debug build: keeps
        // the benchmark harness working; the figures mean nothing here.
        tools::browser_wasm_test("kubarium-engine", "wasm_throughput", None)?.run()
    })?;
    stage("dependency direction", &mut || {
        check_deps("kubarium-engine", ENGINE_FORBIDDEN)?;
        check_deps("kubarium-kubectl", KUBECTL_FORBIDDEN)
    })?;
    stage("release build", &mut || {
        trunk_build(&tools, "/", &root().join("dist"))?;
        report_sizes(&root().join("dist"))
    })?;
    stage("browser e2e", &mut || {
        tools::run_e2e(&root().join("dist"), "/")
    })?;
    // The site must work from a sub-path too (`--public-url`); only the
    // wasm-bindgen/wasm-opt steps rerun, cargo's build is reused.
    stage("browser e2e, served from a sub-path", &mut || {
        let dist = root().join("target").join("dist-subpath");
        trunk_build(&tools, SUBPATH, &dist)?;
        tools::run_e2e(&dist, SUBPATH)
    })?;

    println!(
        "\nxtask test: all stages passed in {:.0} s",
        all.elapsed().as_secs_f64()
    );
    for (n, s) in &done {
        println!("  ok    {n} ({s:.1} s)");
    }
    println!("stages: {} passed, 0 failed", done.len());
    Ok(())
}

/// Adds what to do next to a failure.
fn hint(e: Error, what: &str) -> Error {
    match e {
        Error::Failed(msg) => Error::Failed(format!("{msg}\n  hint: {what}")),
        other => other,
    }
}

/// Fails if `package`'s normal dependencies (for any target) include a
/// forbidden crate.
fn check_deps(package: &str, forbidden: &[&str]) -> Result<(), Error> {
    let tree = cargo()
        .args(["tree", "-p", package, "-e", "normal", "--target", "all"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()?;
    let mut bad: Vec<String> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| {
            forbidden
                .iter()
                .any(|f| name == f || name.starts_with(&format!("{f}-")))
        })
        .map(str::to_string)
        .collect();
    bad.sort();
    bad.dedup();
    if bad.is_empty() {
        println!(
            "xtask: {package} depends on none of: {}",
            forbidden.join(", ")
        );
        Ok(())
    } else {
        Err(fail(format!(
            "{package} must not depend on {} (see `cargo tree -p {package} -e normal -i <crate>`)",
            bad.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_options_default_to_root_url_and_port_8080() {
        let o = parse_build_opts(&[], true).unwrap();
        assert_eq!((o.public_url.as_str(), o.port, o.watch), ("/", 8080, false));
    }

    #[test]
    fn scale_lines_of_both_platforms_parse() {
        let line = "100 nodes, 1000 pods: bootstrap 0.05s, pods Running after 12s virtual in 0.47s wall (2128 pods/s), trace hash 00ab12cd34ef5678";
        assert_eq!(
            parse_scale_line(line),
            Some(ScaleRun {
                bootstrap_s: 0.05,
                virtual_s: 12,
                wall_s: 0.47,
                pods_per_s: 2128.0,
                hash: "00ab12cd34ef5678".into()
            })
        );
        assert!(parse_scale_line("running 1 test").is_none());
        let run = |wall_s| ScaleRun {
            bootstrap_s: 0.0,
            virtual_s: 5,
            wall_s,
            pods_per_s: 0.0,
            hash: String::new(),
        };
        assert_eq!(median(vec![run(3.0), run(1.0), run(2.0)]).wall_s, 2.0);
        assert_eq!(median(vec![run(4.0), run(1.0)]).wall_s, 1.0);
    }

    #[test]
    fn build_rejects_serve_only_options() {
        assert!(parse_build_opts(&["--port".into(), "1".into()], false).is_err());
        let o = parse_build_opts(&["--public-url".into(), "/k/".into()], false).unwrap();
        assert_eq!(o.public_url, "/k/");
    }
}
