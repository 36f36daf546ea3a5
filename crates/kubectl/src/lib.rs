//! A kubectl emulator over Kubarium's engine: it parses kubectl command lines
//! as kubectl 1.32 does (cobra/pflag), turns them into API requests, and
//! prints responses exactly as kubectl prints them.

pub mod args;
mod cmd;
mod explain;
pub mod manifest;
pub mod operator;
pub mod printers;
pub mod transcript;

pub use cmd::{command_flags, commands};
use kubarium_engine::Simulation;
use std::collections::BTreeMap;

/// What a kubectl invocation printed and how it exited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code (0 on success, 1 for kubectl errors).
    pub exit_code: i32,
}

impl Output {
    pub(crate) fn out(&mut self, s: impl AsRef<str>) {
        self.stdout.push_str(s.as_ref());
    }
    pub(crate) fn err(&mut self, s: impl AsRef<str>) {
        self.stderr.push_str(s.as_ref());
    }
    pub(crate) fn fail(&mut self, s: impl AsRef<str>) {
        self.stderr.push_str(s.as_ref());
        if !s.as_ref().ends_with('\n') {
            self.stderr.push('\n');
        }
        self.exit_code = 1;
    }
}

/// Where `-f` paths are read from: the disk for the CLI, the editor's
/// buffers in the browser.
pub trait Files {
    /// Reads a file.
    fn read(&self, path: &str) -> Result<String, String>;
    /// Lists the manifest files (`.yaml`, `.yml`, `.json`) of a directory,
    /// or `None` if `path` is not a directory.
    fn list_dir(&self, path: &str) -> Option<Vec<String>>;
}

/// In-memory files (the browser, tests).
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles(pub BTreeMap<String, String>);

impl Files for MemoryFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| format!("the path \"{path}\" does not exist"))
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let v: Vec<String> = self
            .0
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        (!v.is_empty()).then_some(v)
    }
}

/// The kubeconfig context kubeadm writes.
pub const CONTEXT: &str = "kubernetes-admin@kubernetes";

/// A terminal session: the cluster plus the client-side state kubectl keeps
/// in its kubeconfig (current context and namespace).
pub struct Session {
    /// The simulated cluster.
    pub sim: Simulation,
    /// The current context's namespace.
    pub namespace: String,
    /// Where `-f` reads from.
    pub files: Box<dyn Files>,
    /// The most virtual time one blocking command (`wait`, `rollout
    /// status`, `drain`, `delete` waiting for finalizers) may advance,
    /// whatever its `--timeout` says. Unlimited by default; the web
    /// playground bounds it so a session, or a shared link, cannot run the
    /// clock past its limits.
    pub block_limit: kubarium_engine::Millis,
}

impl Session {
    /// A session against `sim`, in namespace `default`.
    pub fn new(sim: Simulation) -> Session {
        Session {
            sim,
            namespace: "default".into(),
            files: Box::new(MemoryFiles::default()),
            block_limit: kubarium_engine::Millis::MAX,
        }
    }

    /// Runs one kubectl command line (`kubectl get pods -o wide`), with
    /// `stdin` as the text of a heredoc or pipe, and returns what kubectl
    /// prints. Never panics on bad input.
    pub fn run(&mut self, line: &str, stdin: Option<&str>) -> Output {
        let mut out = Output::default();
        let words = match args::split_words(line) {
            Ok(w) => w,
            Err(e) => {
                out.fail(format!("bash: {e}"));
                out.exit_code = 2;
                return out;
            }
        };
        let Some((prog, rest)) = words.split_first() else {
            return out;
        };
        if prog != "kubectl" {
            out.fail(format!("bash: {prog}: command not found"));
            out.exit_code = 127;
            return out;
        }
        cmd::dispatch(self, rest, stdin, &mut out);
        out
    }
}
