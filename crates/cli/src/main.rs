//! `kubarium`: runs transcripts against a simulated Kubernetes cluster.
//!
//! ```text
//! kubarium run FILE [--seed N] [--nodes N]
//! ```

mod files;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kubarium_engine::simulation::ClusterConfig;
use kubarium_engine::Simulation;
use kubarium_kubectl::transcript;
use kubarium_kubectl::Session;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: kubarium run FILE [--seed N] [--nodes N]\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("--help" | "-h" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut config = ClusterConfig::default();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" | "--nodes" => {
                let Some(v) = args.get(i + 1).and_then(|v| v.parse::<u64>().ok()) else {
                    eprintln!("kubarium: {} needs a number", args[i]);
                    return ExitCode::from(2);
                };
                if args[i] == "--seed" {
                    config.seed = v;
                } else {
                    config.workers = kubarium_engine::simulation::default_workers(v as u32);
                }
                i += 2;
            }
            f if file.is_none() && !f.starts_with("--") => {
                file = Some(f.to_string());
                i += 1;
            }
            other => {
                eprintln!("kubarium: unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kubarium: cannot read {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let steps = match transcript::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kubarium: {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut session = Session::new(Simulation::new(config));
    let base = Path::new(&file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    session.files = Box::new(files::DiskFiles { base });
    print!("{}", transcript::run(&mut session, &steps));
    ExitCode::SUCCESS
}
