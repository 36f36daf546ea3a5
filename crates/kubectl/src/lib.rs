//! A kubectl emulator over Kubarium's engine. (Skeleton: the command
//! implementations land with the engine-core work.)

pub mod printers;

use kubarium_engine::Simulation;

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

/// A terminal session: the cluster plus the client-side state kubectl keeps
/// in its kubeconfig (current context and namespace).
pub struct Session {
    /// The simulated cluster.
    pub sim: Simulation,
    /// The current context's namespace.
    pub namespace: String,
}

impl Session {
    /// A session against `sim`, in namespace `default`.
    pub fn new(sim: Simulation) -> Session {
        Session { sim, namespace: "default".into() }
    }

    /// Runs one kubectl command line (`kubectl get pods -o wide`), with
    /// `stdin` as the text of a heredoc or pipe, and returns what kubectl prints.
    pub fn run(&mut self, line: &str, _stdin: Option<&str>) -> Output {
        Output {
            stdout: String::new(),
            stderr: format!("error: not implemented yet: {line}\n"),
            exit_code: 1,
        }
    }
}
