//! Running commands with clear failures.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// Why a task stopped.
#[derive(Debug)]
pub enum Error {
    /// Bad command line: print usage.
    Usage(String),
    /// A step failed; the message says which and what to do.
    Failed(String),
}

/// A [`Error::Failed`].
pub fn fail(msg: impl Into<String>) -> Error {
    Error::Failed(msg.into())
}

/// A command builder that echoes what it runs and fails clearly.
pub struct Cmd(Command);

impl Cmd {
    /// `program`, run from the repository root.
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        let mut c = Command::new(program);
        c.current_dir(crate::root());
        Cmd(c)
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Cmd {
        self.0.arg(a);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.0.args(args);
        self
    }

    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Cmd {
        self.0.env(k, v);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.0.current_dir(dir);
        self
    }

    fn describe(&self) -> String {
        let mut s = self.0.get_program().to_string_lossy().into_owned();
        for a in self.0.get_args() {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    /// Runs with inherited stdio (no stdin: CI has none); fails on a non-zero exit.
    pub fn run(mut self) -> Result<(), Error> {
        let what = self.describe();
        println!("$ {what}");
        let status = self
            .0
            .stdin(Stdio::null())
            .status()
            .map_err(|e| fail(format!("cannot run `{what}`: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(fail(format!("`{what}` exited with {status}")))
        }
    }

    /// Runs quietly and returns stdout; fails on a non-zero exit.
    pub fn output(mut self) -> Result<String, Error> {
        let what = self.describe();
        let out = self
            .0
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| fail(format!("cannot run `{what}`: {e}")))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(fail(format!("`{what}` exited with {}", out.status)))
        }
    }

    /// Runs quietly; stdout+stderr if it started and succeeded, `None` otherwise.
    pub fn probe(mut self) -> Option<String> {
        let out = self
            .0
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .ok()?;
        out.status.success().then(|| {
            let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
            s.push_str(&String::from_utf8_lossy(&out.stderr));
            s
        })
    }
}

/// The cargo that runs us (so rustup's toolchain choice carries over).
pub fn cargo() -> Cmd {
    Cmd::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Size of `file` compressed by `gzip -9`.
pub fn gzip_size(file: &Path) -> Option<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}
