//! A container's main process on virtual time, and `kubectl exec`.
//!
//! [`Process::start`] applies Kubernetes' rules for `command`/`args` against
//! the image's `ENTRYPOINT`/`CMD` (`command` replaces the entrypoint and drops
//! `CMD`; `args` alone replaces `CMD`). The resulting argv either starts the
//! image's server (see [`super::catalog`]) or is run by a small POSIX-ish
//! shell (busybox `ash` semantics and wording).
//!
//! The shell is resumable: [`Process::resume`] runs until the next `sleep`
//! (returning [`Step::Sleep`]), the end ([`Step::Exited`]) or until the
//! process becomes a long-running server or blocks forever
//! ([`Step::Serving`]). One resume executes at most
//! [`BUSY_STEP_BUDGET`] shell steps; a loop without `sleep` that uses it up is
//! CPU-busy: the resume returns `Step::Sleep(BUSY_SLICE_MS)`, the process
//! reports 1000m CPU until it sleeps, and the loop continues on the next
//! resume. Output is line-buffered: a partial line (`echo -n`) is emitted
//! when completed or when the process ends.
//!
//! Supported: `;` `&&` `||` `!` `|` (buffered), `>` `>>` `<` `2>&1` `>&2`,
//! `NAME=v`, `$X` `${X}` `${X:-d}` `${X:=d}` `${X:+a}` `${#X}` `$?` `$#` `$@`
//! `$1`.., quoting, `$((...))`, `$(...)` and backticks, `if/elif/else`,
//! `while`/`until`, `for`, `break`/`continue [N]`, `{ }` and `( )` groups,
//! `set -e`, `export`, `exec`, `sh -c` nesting and `sh FILE`; utilities:
//! echo printf sleep exit true false cat env printenv date hostname touch rm
//! mkdir ls test/[ seq wc head tail grep expr basename dirname pwd whoami id
//! uname tee sort uniq cp mv which cd shift read nslookup wget curl nc (and
//! `perl` for the Job example's `bpi(N)` in the perl image).
//!
//! `case` and pathname expansion (`*`, `?`, `[...]`) are supported.
//!
//! Simplified (documented differences): no here-documents, functions, `$RANDOM`, background jobs (`&` runs in the foreground) or
//! signals; a `( subshell )` that runs `exit` ends the enclosing shell;
//! pipeline stages and command substitutions run to completion at once and
//! their `sleep`s take no time; `env`/`printenv` list variables sorted by
//! name; `grep` understands a basic regex subset (`. * ^ $ [..]`, `|` with
//! `-E`).

use std::collections::BTreeMap;

use k8s_openapi::chrono::{DateTime, Utc};

use super::catalog::{HttpResponse, ImageBehavior, LogLine, LogRenderer, Service, Stream};
use super::fs::ContainerFs;
use super::interp::{Env, Flow, Machine, STEP_BUDGET};

/// How many shell steps one [`Process::resume`] may run.
pub const BUSY_STEP_BUDGET: u64 = STEP_BUDGET;
/// The virtual time a CPU-busy loop yields for when it used its step budget.
pub const BUSY_SLICE_MS: u64 = 100;
/// A container process's memory when it is just a shell.
const SHELL_MEMORY_BYTES: u64 = 600 * 1024;

/// Why a network operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The name does not resolve (NXDOMAIN); carries the FQDN tried last.
    NoSuchHost(String),
    /// No DNS server answers.
    NoServers,
    /// Nothing listens on the port (TCP RST).
    ConnectionRefused,
    /// No answer (a dropped packet, a Service without endpoints).
    Timeout,
}

/// What a container can reach over the network. The kubelet implements it
/// over the cluster's DNS and Services; [`NoNetwork`] is the default.
pub trait Network {
    /// The resolver from `/etc/resolv.conf` (e.g. `10.96.0.10`), if any.
    fn nameserver(&self) -> Option<String> {
        None
    }
    /// Resolves `name` (search domains applied): the FQDN and its addresses.
    fn resolve(&mut self, name: &str) -> Result<(String, Vec<String>), NetError> {
        let _ = name;
        Err(NetError::NoServers)
    }
    /// `GET path` on `host` (a name or an IP) and `port`.
    fn http_get(&mut self, host: &str, port: u16, path: &str) -> Result<HttpResponse, NetError> {
        let _ = (port, path);
        Err(NetError::NoSuchHost(host.to_string()))
    }
    /// Opens (and closes) a TCP connection.
    fn connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        let _ = port;
        Err(NetError::NoSuchHost(host.to_string()))
    }
}

/// No network at all: no DNS server, every name unknown.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoNetwork;

impl Network for NoNetwork {}

/// What the container's process is started with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessSpec {
    /// The container's `command` (replaces the image's ENTRYPOINT).
    pub command: Option<Vec<String>>,
    /// The container's `args` (replaces the image's CMD).
    pub args: Option<Vec<String>>,
    /// The environment (container `env`, Service variables, ...).
    pub env: BTreeMap<String, String>,
    /// The pod's hostname.
    pub hostname: String,
    /// The pod's IP (for log lines such as httpd's `AH00558`).
    pub pod_ip: String,
}

/// What the process needs from the kubelet while it runs.
pub struct ProcessCtx<'a> {
    /// The container's filesystem.
    pub fs: &'a mut ContainerFs,
    /// The current virtual time.
    pub now: DateTime<Utc>,
    /// Lines the process printed (the container log), appended in order.
    pub output: &'a mut Vec<(Stream, String)>,
    /// The network as seen from the pod.
    pub network: &'a mut dyn Network,
}

/// What a resume ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Call `resume` again after this many virtual milliseconds.
    Sleep(u64),
    /// The process exited with this code.
    Exited(i32),
    /// Running forever without further output: the image's server (check
    /// [`Process::listening_ports`]), `sleep infinity`, `tail -f`.
    Serving,
}

#[derive(Clone, Debug)]
enum State {
    Shell(Box<Machine>),
    ServerStarting(Box<Service>),
    ServerWaiting(Box<Service>),
    Serving(Option<Box<Service>>),
    StartError(String),
    Exited(i32),
}

/// A container's main process.
#[derive(Clone, Debug)]
pub struct Process {
    state: State,
    image: std::sync::Arc<ImageBehavior>,
    hostname: String,
    pod_ip: String,
    started_at: Option<DateTime<Utc>>,
    server_started_at: Option<DateTime<Utc>>,
    busy: bool,
    partial: BTreeMap<Stream, String>,
}

/// runc's message when the program does not exist in the image.
fn not_in_path(program: &str) -> String {
    format!(
        "failed to create containerd task: failed to create shim task: OCI runtime create failed: \
         runc create failed: unable to start container process: error during container init: \
         exec: \"{program}\": executable file not found in $PATH: unknown"
    )
}

fn default_env(env: &BTreeMap<String, String>, hostname: &str) -> BTreeMap<String, String> {
    let mut vars = env.clone();
    vars.entry("PATH".into())
        .or_insert_with(|| "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into());
    vars.entry("HOSTNAME".into())
        .or_insert_with(|| hostname.to_string());
    vars.entry("HOME".into()).or_insert_with(|| "/root".into());
    vars
}

fn is_shell_program(argv0: &str) -> bool {
    matches!(
        super::catalog::basename(argv0),
        "sh" | "bash" | "ash" | "dash"
    )
}

impl Process {
    /// Starts the container's process: resolves its argv from `spec` and the
    /// image, and decides whether it is the image's server or a shell command.
    pub fn start(spec: ProcessSpec, image: &std::sync::Arc<ImageBehavior>) -> Process {
        let argv: Vec<String> = match (&spec.command, &spec.args) {
            (Some(c), a) if !c.is_empty() => {
                let mut v = c.clone();
                v.extend(a.clone().unwrap_or_default());
                v
            }
            (_, a) => {
                let mut v = image.entrypoint.clone();
                v.extend(a.clone().unwrap_or_else(|| image.cmd.clone()));
                v
            }
        };
        let vars = default_env(&spec.env, &spec.hostname);
        let mut p = Process {
            state: State::Exited(0),
            image: std::sync::Arc::clone(image),
            hostname: spec.hostname.clone(),
            pod_ip: spec.pod_ip.clone(),
            started_at: None,
            server_started_at: None,
            busy: false,
            partial: BTreeMap::new(),
        };
        p.state = match argv.first() {
            None => {
                State::StartError("failed to generate container spec: no command specified".into())
            }
            Some(a0) if image.is_server_binary(a0) || image.is_wrapper(a0) => {
                State::Shell(Box::new(Machine::for_argv(&argv, vars, false)))
            }
            Some(a0)
                if image.repository.is_empty()
                    && !is_shell_program(a0)
                    && !super::commands::KNOWN.contains(&super::catalog::basename(a0)) =>
            {
                // An unknown image runs whatever it is told as a generic
                // long-running process.
                State::ServerStarting(Box::new(image.serve(&argv, &vars)))
            }
            Some(a0) if !image.has_shell => State::StartError(not_in_path(a0)),
            Some(a0)
                if !is_shell_program(a0)
                    && !super::commands::KNOWN.contains(&super::catalog::basename(a0))
                    && !image
                        .programs
                        .iter()
                        .any(|p| p == super::catalog::basename(a0))
                    && !a0.contains('/') =>
            {
                State::StartError(not_in_path(a0))
            }
            Some(_) => State::Shell(Box::new(Machine::for_argv(&argv, vars, false))),
        };
        p
    }

    /// When the runtime could not start the process (`StartError`, exit code
    /// 128): runc's message, e.g. `exec: "foo": executable file not found in $PATH`.
    pub fn start_error(&self) -> Option<&str> {
        match &self.state {
            State::StartError(m) => Some(m),
            _ => None,
        }
    }

    fn emit(&mut self, ctx: &mut ProcessCtx<'_>, stream: Stream, text: &str) {
        let buf = self.partial.entry(stream).or_default();
        buf.push_str(text);
        while let Some(i) = buf.find('\n') {
            let line: String = buf[..i].to_string();
            buf.replace_range(..=i, "");
            ctx.output.push((stream, line));
        }
    }

    fn flush(&mut self, ctx: &mut ProcessCtx<'_>) {
        for (s, buf) in std::mem::take(&mut self.partial) {
            if !buf.is_empty() {
                ctx.output.push((s, buf));
            }
        }
    }

    fn log(&mut self, ctx: &mut ProcessCtx<'_>, lines: &[LogLine], format: &str) {
        let mut r = LogRenderer::new(format, ctx.now, &self.hostname, &self.pod_ip);
        for l in lines {
            ctx.output.push((l.stream, r.render(l)));
        }
    }

    /// Runs the process until it sleeps, exits or settles into serving.
    pub fn resume(&mut self, ctx: &mut ProcessCtx<'_>) -> Step {
        self.started_at.get_or_insert(ctx.now);
        self.busy = false;
        loop {
            match std::mem::replace(&mut self.state, State::Exited(0)) {
                State::Exited(c) => {
                    self.state = State::Exited(c);
                    return Step::Exited(c);
                }
                State::StartError(m) => {
                    self.state = State::StartError(m);
                    return Step::Exited(128);
                }
                State::Shell(mut m) => {
                    let flow = {
                        let mut env = Env {
                            fs: ctx.fs,
                            now: ctx.now,
                            net: ctx.network,
                            image: Some(&self.image),
                        };
                        m.run(&mut env)
                    };
                    for (s, t) in std::mem::take(&mut m.term) {
                        self.emit(ctx, s, &t);
                    }
                    match flow {
                        Flow::Sleep(ms) => {
                            self.state = State::Shell(m);
                            return Step::Sleep(ms);
                        }
                        Flow::Busy => {
                            self.busy = true;
                            self.state = State::Shell(m);
                            return Step::Sleep(BUSY_SLICE_MS);
                        }
                        Flow::Exit(c) => {
                            self.flush(ctx);
                            self.state = State::Exited(c);
                            return Step::Exited(c);
                        }
                        Flow::Block => {
                            self.flush(ctx);
                            self.state = State::Serving(None);
                            return Step::Serving;
                        }
                        Flow::Serve(argv) => {
                            self.flush(ctx);
                            let svc = self.image.serve(&argv, &m.environ());
                            self.state = State::ServerStarting(Box::new(svc));
                        }
                    }
                }
                State::ServerStarting(svc) => {
                    self.server_started_at = Some(ctx.now);
                    let fmt = svc.log_time_format.clone();
                    self.log(ctx, &svc.startup_logs, &fmt);
                    if let Some(code) = svc.exit_code {
                        self.state = State::Exited(code);
                        return Step::Exited(code);
                    }
                    if svc.ready_after_ms > 0 {
                        let ms = svc.ready_after_ms;
                        self.state = State::ServerWaiting(svc);
                        return Step::Sleep(ms);
                    }
                    self.state = State::ServerWaiting(svc);
                }
                State::ServerWaiting(svc) => {
                    let fmt = svc.log_time_format.clone();
                    self.log(ctx, &svc.ready_logs, &fmt);
                    self.state = State::Serving(Some(svc));
                    return Step::Serving;
                }
                State::Serving(s) => {
                    self.state = State::Serving(s);
                    return Step::Serving;
                }
            }
        }
    }

    /// The TCP ports accepting connections now (empty until the server is ready).
    pub fn listening_ports(&self) -> Vec<u16> {
        match &self.state {
            State::Serving(Some(s)) => s.ports.clone(),
            _ => vec![],
        }
    }

    /// The gRPC health port, once serving.
    pub fn grpc_health_port(&self) -> Option<u16> {
        match &self.state {
            State::Serving(Some(s)) => s.grpc_health_port,
            _ => None,
        }
    }

    /// `GET path` on `port` at `now`; `None` = connection refused.
    pub fn http_get(&self, port: u16, path: &str, now: DateTime<Utc>) -> Option<HttpResponse> {
        match &self.state {
            State::Serving(Some(s)) => {
                let since = self.server_started_at.unwrap_or(now);
                let uptime = (now - since).num_milliseconds().max(0) as u64;
                s.http_get(port, path, uptime, &self.hostname, now)
            }
            _ => None,
        }
    }

    /// CPU in use, in millicores: 1000 while a loop is busy, the server's
    /// idle CPU when serving (stress: its `--cpu` workers), else 0.
    pub fn cpu_millis(&self) -> u64 {
        match &self.state {
            State::Shell(_) if self.busy => 1000,
            State::ServerWaiting(s) | State::Serving(Some(s)) => s.cpu_millis,
            _ => 0,
        }
    }

    /// Resident memory in bytes (the kubelet OOM-kills above the limit).
    pub fn memory_bytes(&self) -> u64 {
        match &self.state {
            State::Shell(m) => {
                SHELL_MEMORY_BYTES
                    + m.vars
                        .iter()
                        .map(|(k, v)| (k.len() + v.len()) as u64)
                        .sum::<u64>()
            }
            State::ServerStarting(s) | State::ServerWaiting(s) | State::Serving(Some(s)) => {
                s.memory_bytes
            }
            State::Serving(None) => SHELL_MEMORY_BYTES,
            State::StartError(_) | State::Exited(_) => 0,
        }
    }

    /// Whether the process has exited (or never started).
    pub fn exited(&self) -> Option<i32> {
        match &self.state {
            State::Exited(c) => Some(*c),
            State::StartError(_) => Some(128),
            _ => None,
        }
    }
}

/// The outcome of `kubectl exec` or an exec probe.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// The exit code.
    pub exit_code: i32,
    /// The command would never finish (`sleep infinity`, a server, an endless
    /// loop): it was cut off with exit code 137. Probes should treat this as
    /// a timeout.
    pub timed_out: bool,
}

/// Runs `argv` in a container to completion, as `kubectl exec` and exec
/// probes do; `sleep`s take no virtual time. No network (see [`exec_with`]).
pub fn exec(
    argv: &[String],
    env: &BTreeMap<String, String>,
    fs: &mut ContainerFs,
    now: DateTime<Utc>,
) -> ExecResult {
    exec_with(argv, env, fs, now, None, &mut NoNetwork)
}

/// [`exec`] with the image (for its programs and whether it has a shell)
/// and a network.
pub fn exec_with(
    argv: &[String],
    env: &BTreeMap<String, String>,
    fs: &mut ContainerFs,
    now: DateTime<Utc>,
    image: Option<&ImageBehavior>,
    network: &mut dyn Network,
) -> ExecResult {
    let Some(a0) = argv.first() else {
        return ExecResult {
            stderr: "OCI runtime exec failed: exec failed: unable to start container process: exec: \"\": executable file not found in $PATH: unknown\n".into(),
            exit_code: 127,
            ..ExecResult::default()
        };
    };
    let has_shell = image.is_none_or(|i| i.has_shell);
    let known = is_shell_program(a0)
        || super::commands::KNOWN.contains(&super::catalog::basename(a0))
        || image.is_some_and(|i| {
            i.is_server_binary(a0) || i.programs.iter().any(|p| p == super::catalog::basename(a0))
        })
        || (a0.contains('/') && fs.is_file(a0));
    if !known || !has_shell && !image.is_some_and(|i| i.is_server_binary(a0)) {
        return ExecResult {
            stderr: format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{a0}\": executable file not found in $PATH: unknown\n"),
            exit_code: 127,
            ..ExecResult::default()
        };
    }
    let hostname = env
        .get("HOSTNAME")
        .cloned()
        .or_else(|| fs.read("/etc/hostname").ok().map(|s| s.trim().to_string()))
        .unwrap_or_default();
    let vars = default_env(env, &hostname);
    let mut m = Machine::for_argv(argv, vars, true);
    let (code, timed_out) = {
        let mut e = Env {
            fs,
            now,
            net: network,
            image,
        };
        m.run_sync(&mut e)
    };
    let mut r = ExecResult {
        exit_code: code,
        timed_out,
        ..ExecResult::default()
    };
    for (s, t) in m.term {
        match s {
            Stream::Stdout => r.stdout.push_str(&t),
            Stream::Stderr => r.stderr.push_str(&t),
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::catalog::lookup;
    use crate::runtime::image::parse;
    use k8s_openapi::chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// A container run on virtual time: the log with each line's time
    /// offset (ms), the final step, and the process.
    struct Run {
        log: Vec<(u64, Stream, String)>,
        last: Step,
        process: Process,
        fs: ContainerFs,
        elapsed: u64,
    }

    impl Run {
        fn lines(&self) -> Vec<&str> {
            self.log.iter().map(|(_, _, l)| l.as_str()).collect()
        }
    }

    fn run_for(image: &str, spec: ProcessSpec, until_ms: u64) -> Run {
        let behavior = std::sync::Arc::new(lookup(&parse(image).unwrap()));
        let mut fs = ContainerFs::new();
        for (p, c) in &behavior.files {
            fs.mount_file(p, c);
        }
        let mut process = Process::start(spec, &behavior);
        let mut now_ms = 0u64;
        let mut log = vec![];
        let mut last;
        loop {
            let mut out = vec![];
            {
                let mut ctx = ProcessCtx {
                    fs: &mut fs,
                    now: t0() + Duration::milliseconds(now_ms as i64),
                    output: &mut out,
                    network: &mut NoNetwork,
                };
                last = process.resume(&mut ctx);
            }
            log.extend(out.into_iter().map(|(s, l)| (now_ms, s, l)));
            match last {
                Step::Sleep(ms) if now_ms + ms <= until_ms => now_ms += ms,
                _ => break,
            }
        }
        Run {
            log,
            last,
            process,
            fs,
            elapsed: now_ms,
        }
    }

    fn sh(script: &str) -> ProcessSpec {
        ProcessSpec {
            command: Some(s(&["sh", "-c", script])),
            hostname: "pod-1".into(),
            ..ProcessSpec::default()
        }
    }

    fn ex(script: &str) -> ExecResult {
        let mut fs = ContainerFs::new();
        exec(&s(&["sh", "-c", script]), &BTreeMap::new(), &mut fs, t0())
    }

    #[test]
    fn counter_example_prints_one_line_per_second() {
        let r = run_for(
            "busybox:1.28",
            ProcessSpec {
                command: Some(s(&["/bin/sh", "-c"])),
                args: Some(s(&[
                    r#"i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done"#,
                ])),
                ..ProcessSpec::default()
            },
            3_000,
        );
        assert_eq!(
            r.log,
            vec![
                (
                    0,
                    Stream::Stdout,
                    "0: Mon Mar  3 09:00:00 UTC 2025".to_string()
                ),
                (
                    1000,
                    Stream::Stdout,
                    "1: Mon Mar  3 09:00:01 UTC 2025".to_string()
                ),
                (
                    2000,
                    Stream::Stdout,
                    "2: Mon Mar  3 09:00:02 UTC 2025".to_string()
                ),
                (
                    3000,
                    Stream::Stdout,
                    "3: Mon Mar  3 09:00:03 UTC 2025".to_string()
                ),
            ]
        );
        assert_eq!(r.last, Step::Sleep(1000));
    }

    #[test]
    fn liveness_exec_file_disappears_after_30s() {
        let spec = ProcessSpec {
            args: Some(s(&[
                "/bin/sh",
                "-c",
                "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
            ])),
            ..ProcessSpec::default()
        };
        let probe = s(&["cat", "/tmp/healthy"]);
        let mut r = run_for("registry.k8s.io/busybox", spec.clone(), 29_000);
        assert!(r.fs.is_file("/tmp/healthy"));
        assert_eq!(exec(&probe, &BTreeMap::new(), &mut r.fs, t0()).exit_code, 0);
        let mut r = run_for("registry.k8s.io/busybox", spec, 31_000);
        assert_eq!(r.elapsed, 30_000);
        assert_eq!(r.last, Step::Sleep(600_000));
        let res = exec(&probe, &BTreeMap::new(), &mut r.fs, t0());
        assert_eq!(res.exit_code, 1);
        assert_eq!(
            res.stderr,
            "cat: can't open '/tmp/healthy': No such file or directory\n"
        );
    }

    #[test]
    fn busybox_without_command_exits_zero_immediately() {
        let r = run_for("busybox", ProcessSpec::default(), 10_000);
        assert_eq!(r.last, Step::Exited(0));
        assert!(r.log.is_empty());
    }

    #[test]
    fn nginx_prints_entrypoint_logs_and_serves_on_port_80() {
        let r = run_for("nginx:1.27", ProcessSpec::default(), 10_000);
        assert_eq!(r.last, Step::Serving);
        assert_eq!(
            r.lines()[0],
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        );
        assert!(r
            .lines()
            .contains(&"2025/03/03 09:00:00 [notice] 1#1: start worker processes"));
        assert_eq!(r.process.listening_ports(), vec![80]);
        let resp = r.process.http_get(80, "/", t0()).unwrap();
        assert!(resp.body.contains("Welcome to nginx!"));
    }

    #[test]
    fn postgres_becomes_ready_after_a_few_seconds() {
        let mut spec = ProcessSpec::default();
        spec.env.insert("POSTGRES_PASSWORD".into(), "secret".into());
        let r = run_for("postgres:17", spec, 60_000);
        assert_eq!(r.last, Step::Serving);
        assert_eq!(r.elapsed, 4_000);
        let (at, _, last) = r.log.last().unwrap();
        assert_eq!(*at, 4_000);
        assert!(last.ends_with("LOG:  database system is ready to accept connections"));
        assert_eq!(r.process.listening_ports(), vec![5432]);
    }

    #[test]
    fn postgres_without_password_logs_an_error_and_exits_1() {
        let r = run_for("postgres", ProcessSpec::default(), 60_000);
        assert_eq!(r.last, Step::Exited(1));
        assert_eq!(
            r.log[0],
            (
                0,
                Stream::Stderr,
                "Error: Database is uninitialized and superuser password is not specified.".into()
            )
        );
    }

    #[test]
    fn command_overrides_entrypoint_and_args_alone_override_cmd() {
        // args alone: nginx's entrypoint script runs them (exec "$@").
        let r = run_for(
            "nginx",
            ProcessSpec {
                args: Some(s(&["echo", "hello"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        assert_eq!((r.lines(), r.last), (vec!["hello"], Step::Exited(0)));
        // command replaces the entrypoint and drops CMD.
        let r = run_for(
            "busybox",
            ProcessSpec {
                command: Some(s(&["echo"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        assert_eq!(r.lines(), vec![""]);
        let r = run_for(
            "hashicorp/http-echo",
            ProcessSpec {
                args: Some(s(&["-text=bar"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        assert_eq!(r.last, Step::Serving);
        assert_eq!(r.process.http_get(5678, "/", t0()).unwrap().body, "bar\n");
    }

    #[test]
    fn missing_binary_is_a_start_error() {
        let p = Process::start(
            ProcessSpec {
                command: Some(s(&["foo"])),
                ..ProcessSpec::default()
            },
            &std::sync::Arc::new(lookup(&parse("busybox").unwrap())),
        );
        assert!(p
            .start_error()
            .unwrap()
            .ends_with("exec: \"foo\": executable file not found in $PATH: unknown"));
        let p = Process::start(
            sh("echo hi"),
            &std::sync::Arc::new(lookup(&parse("hashicorp/http-echo").unwrap())),
        );
        assert!(p.start_error().unwrap().contains("exec: \"sh\""));
    }

    #[test]
    fn busy_loop_without_sleep_yields_and_burns_cpu() {
        let r = run_for("busybox", sh("while true; do i=$((i+1)); done"), 250);
        assert_eq!(r.last, Step::Sleep(BUSY_SLICE_MS));
        assert_eq!(r.process.cpu_millis(), 1000);
        assert_eq!(r.elapsed, 200);
    }

    #[test]
    fn an_effect_free_spin_loop_is_caught_and_stays_busy_without_stepping() {
        // An hour of `while true; do :; done` would be 360 million steps if
        // each slice ran its budget; once caught, a slice costs nothing.
        for script in [
            "while true; do :; done",
            "while :; do true; done",
            "echo start; while true; do if false; then :; fi; done",
        ] {
            let r = run_for("busybox", sh(script), 3_600_000);
            assert_eq!(r.last, Step::Sleep(BUSY_SLICE_MS), "{script}");
            assert_eq!(r.process.cpu_millis(), 1000, "{script}");
        }
    }

    #[test]
    fn effect_free_loops_that_end_still_run_what_follows() {
        for script in [
            "while false; do :; done; echo after",
            "until true; do :; done; echo after",
            "while true; do if true; then break; fi; done; echo after",
        ] {
            let r = run_for("busybox", sh(script), 1_000);
            assert_eq!(r.last, Step::Exited(0), "{script}");
            assert_eq!(
                r.log.last().map(|l| l.2.as_str()),
                Some("after"),
                "{script}"
            );
        }
    }

    #[test]
    fn stress_uses_its_vm_bytes_so_it_can_be_oom_killed() {
        let r = run_for(
            "polinux/stress",
            ProcessSpec {
                command: Some(s(&["stress"])),
                args: Some(s(&["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        assert_eq!(r.last, Step::Serving);
        assert_eq!(r.process.memory_bytes(), 251 * 1024 * 1024);
    }

    #[test]
    fn init_container_waits_for_a_service_without_network() {
        let r = run_for(
            "busybox:1.28",
            sh("until nslookup myservice.default.svc.cluster.local; do echo waiting for myservice; sleep 2; done"),
            4_000,
        );
        assert_eq!(
            r.lines(),
            vec![
                ";; connection timed out; no servers could be reached",
                "",
                "waiting for myservice",
                ";; connection timed out; no servers could be reached",
                "",
                "waiting for myservice",
                ";; connection timed out; no servers could be reached",
                "",
                "waiting for myservice",
            ]
        );
    }

    struct FakeDns;
    impl Network for FakeDns {
        fn nameserver(&self) -> Option<String> {
            Some("10.96.0.10".into())
        }
        fn resolve(&mut self, name: &str) -> Result<(String, Vec<String>), NetError> {
            if name.starts_with("myservice") {
                Ok((
                    "myservice.default.svc.cluster.local".into(),
                    vec!["10.96.1.7".into()],
                ))
            } else {
                Err(NetError::NoSuchHost(format!(
                    "{name}.default.svc.cluster.local"
                )))
            }
        }
        fn http_get(&mut self, host: &str, _: u16, path: &str) -> Result<HttpResponse, NetError> {
            if host.starts_with("myservice") {
                Ok(HttpResponse {
                    status: 200,
                    body: format!("hello from {path}\n"),
                })
            } else {
                Err(NetError::NoSuchHost(host.into()))
            }
        }
    }

    #[test]
    fn network_trait_lets_the_kubelet_answer_dns_and_http() {
        let mut fs = ContainerFs::new();
        let r = exec_with(
            &s(&[
                "sh",
                "-c",
                "nslookup myservice && wget -qO- http://myservice/x; nslookup nope",
            ]),
            &BTreeMap::new(),
            &mut fs,
            t0(),
            None,
            &mut FakeDns,
        );
        assert_eq!(
            r.stdout,
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tmyservice.default.svc.cluster.local\nAddress: 10.96.1.7\n\nhello from /x\n\
             Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope.default.svc.cluster.local: NXDOMAIN\n\n"
        );
        assert_eq!(r.exit_code, 1);
        let r = ex("wget -qO- http://nothing/");
        assert_eq!(
            (r.stderr.as_str(), r.exit_code),
            ("wget: bad address 'nothing'\n", 1)
        );
    }

    #[test]
    fn appending_date_lines_to_a_log_file() {
        let r = run_for(
            "busybox",
            sh("while true; do echo \"$(date) hello\" >> /tmp/out.log; sleep 5; done"),
            10_000,
        );
        assert_eq!(
            r.fs.read("/tmp/out.log").unwrap(),
            "Mon Mar  3 09:00:00 UTC 2025 hello\nMon Mar  3 09:00:05 UTC 2025 hello\nMon Mar  3 09:00:10 UTC 2025 hello\n"
        );
        assert!(r.log.is_empty());
    }

    #[test]
    fn exit_code_of_the_script_is_the_container_exit_code() {
        let r = run_for("busybox", sh("echo bye; exit 3"), 1_000);
        assert_eq!(r.last, Step::Exited(3));
        let r = run_for("busybox", sh("false"), 1_000);
        assert_eq!(r.last, Step::Exited(1));
        let r = run_for("busybox", sh("sleep 5; echo done"), 10_000);
        assert_eq!(r.log, vec![(5_000, Stream::Stdout, "done".into())]);
        assert_eq!(r.last, Step::Exited(0));
    }

    #[test]
    fn sleep_infinity_and_tail_f_serve_forever() {
        assert_eq!(
            run_for("busybox", sh("echo up; sleep infinity"), 1_000).last,
            Step::Serving
        );
        assert_eq!(
            run_for("ubuntu", sh("tail -f /dev/null"), 1_000).last,
            Step::Serving
        );
        let r = run_for(
            "busybox",
            ProcessSpec {
                command: Some(s(&["sleep", "3600"])),
                ..ProcessSpec::default()
            },
            10_000,
        );
        assert_eq!(r.last, Step::Sleep(3_600_000));
    }

    #[test]
    fn unknown_command_is_not_found_with_status_127() {
        let r = ex("foo bar; echo $?");
        assert_eq!(r.stderr, "sh: foo: not found\n");
        assert_eq!(r.stdout, "127\n");
        let r = exec(
            &s(&["foo"]),
            &BTreeMap::new(),
            &mut ContainerFs::new(),
            t0(),
        );
        assert_eq!(r.exit_code, 127);
        assert!(r.stderr.starts_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"foo\": executable file not found in $PATH"));
    }

    #[test]
    fn syntax_errors_use_busybox_wording_and_exit_2() {
        let r = ex("if true; then echo x");
        assert_eq!(
            r.stderr,
            "sh: syntax error: unexpected end of file (expecting \"fi\")\n"
        );
        assert_eq!(r.exit_code, 2);
        let r = ex("echo a; done");
        assert_eq!(r.stderr, "sh: syntax error: unexpected \"done\"\n");
    }

    #[test]
    fn quoting_and_field_splitting_follow_posix() {
        assert_eq!(ex("X='a  b'; echo $X; echo \"$X\"").stdout, "a b\na  b\n");
        assert_eq!(
            ex("echo '$HOME' \"$HOME\" ${HOME}x").stdout,
            "$HOME /root /rootx\n"
        );
        assert_eq!(
            ex("set -- ; X=; for a in $X \"\" b; do echo \"[$a]\"; done").stdout,
            "[]\n[b]\n"
        );
        assert_eq!(ex("echo ${UNSET:-default} ${#HOME}").stdout, "default 5\n");
        assert_eq!(
            ex("echo `echo back` $(echo dollar)").stdout,
            "back dollar\n"
        );
        assert_eq!(ex("echo a\\ b \"q\\\"q\"").stdout, "a b q\"q\n");
    }

    #[test]
    fn control_flow_and_status() {
        assert_eq!(
            ex("for i in $(seq 1 3); do echo $i; done").stdout,
            "1\n2\n3\n"
        );
        assert_eq!(
            ex("true && echo yes || echo no; false && echo yes || echo no").stdout,
            "yes\nno\n"
        );
        assert_eq!(ex("! false; echo $?").stdout, "0\n");
        assert_eq!(
            ex("x=2; if [ $x -eq 1 ]; then echo one; elif [ $x -eq 2 ]; then echo two; else echo many; fi").stdout,
            "two\n"
        );
        assert_eq!(
            ex("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i").stdout,
            "3\n"
        );
        assert_eq!(
            ex("for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done").stdout,
            "1\n2\n"
        );
        assert_eq!(
            ex("for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done")
                .stdout,
            "1a\n2a\n"
        );
        assert_eq!(ex("set -e; echo a; false; echo b").stdout, "a\n");
        assert_eq!(ex("set -e; false || true; echo ok").stdout, "ok\n");
    }

    #[test]
    fn subshell_exit_and_assignments_stay_inside() {
        assert_eq!(ex("x=1; (x=2; exit 3); echo $? $x").stdout, "3 1\n");
    }

    #[test]
    fn positional_parameters_and_quoted_at() {
        assert_eq!(
            ex("set -- a b c; echo $# $1 $3; shift; echo $1 $@").stdout,
            "3 a c\nb b c\n"
        );
        assert_eq!(
            ex("set -- 'x y' z; for a in \"$@\"; do echo \"[$a]\"; done").stdout,
            "[x y]\n[z]\n"
        );
        assert_eq!(
            ex("for a in \"$@\"; do echo never; done; echo \"$@\"").stdout,
            "\n"
        );
    }

    #[test]
    fn prefix_assignment_reaches_a_child_shell_only() {
        assert_eq!(ex("X=1 sh -c 'echo $X'; echo \"[$X]\"").stdout, "1\n[]\n");
    }

    #[test]
    fn unquoted_default_value_is_field_split() {
        assert_eq!(ex("for w in ${X:-a b}; do echo $w; done").stdout, "a\nb\n");
        assert_eq!(ex("echo ~ ~/x").stdout, "/root /root/x\n");
    }

    #[test]
    fn arithmetic_errors_are_fatal_to_the_shell() {
        let r = ex("echo $((1 +)); echo after");
        assert_eq!((r.stdout.as_str(), r.exit_code), ("", 2));
        assert_eq!(ex("echo $((2**10)) $((3 > 2 ? 7 : 8))").stdout, "1024 7\n");
    }

    #[test]
    fn self_recursive_scripts_hit_a_limit_instead_of_crashing() {
        let mut fs = ContainerFs::new();
        fs.mount_file("/tmp/a.sh", "echo $(sh /tmp/a.sh)\n");
        let r = exec(&s(&["sh", "/tmp/a.sh"]), &BTreeMap::new(), &mut fs, t0());
        assert!(r.stderr.contains("can't fork"));
        fs.mount_file("/tmp/b.sh", "sh /tmp/b.sh\n");
        let r = exec(&s(&["sh", "/tmp/b.sh"]), &BTreeMap::new(), &mut fs, t0());
        assert!(r.stderr.contains("can't fork"));
    }

    #[test]
    fn perl_pi_job_example_prints_2000_digits_and_completes() {
        let r = run_for(
            "perl:5.34.0",
            ProcessSpec {
                command: Some(s(&["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"])),
                ..ProcessSpec::default()
            },
            60_000,
        );
        assert_eq!(r.last, Step::Exited(0));
        assert_eq!(r.log.len(), 1);
        assert!(r.log[0].2.starts_with("3.14159265358979"));
        assert_eq!(r.log[0].2.len(), 2001);
    }

    #[test]
    fn while_read_loops_over_lines_of_a_file_or_pipe() {
        assert_eq!(
            ex("printf 'a 1\\nb 2\\n' > /tmp/l; while read k v; do echo \"$v=$k\"; done < /tmp/l")
                .stdout,
            "1=a\n2=b\n"
        );
        assert_eq!(
            ex("seq 3 | while read n; do echo n$n; done").stdout,
            "n1\nn2\nn3\n"
        );
        assert_eq!(ex("read x < /dev/null; echo $? \"[$x]\"").stdout, "1 []\n");
        assert_eq!(ex("printf 'x\\ny\\n' | { read a; cat; }").stdout, "y\n");
    }

    #[test]
    fn case_statement_and_pathname_expansion() {
        let script = "for x in apple kiwi 7; do case $x in a*) echo A;; [0-9]) echo digit;; *) echo \"other $x\";; esac; done";
        assert_eq!(ex(script).stdout, "A\nother kiwi\ndigit\n");
        assert_eq!(
            ex("case x in \"*\") echo star;; *) echo any;; esac").stdout,
            "any\n"
        );
        assert_eq!(
            ex("mkdir -p /cfg && touch /cfg/b.conf /cfg/a.conf && echo /cfg/*.conf && echo '/cfg/*' /nomatch*").stdout,
            "/cfg/a.conf /cfg/b.conf\n/cfg/* /nomatch*\n"
        );
    }

    #[test]
    fn runaway_string_growth_is_stopped() {
        let r = ex("x=ab; while true; do x=$x$x; done");
        assert_eq!((r.stderr.as_str(), r.exit_code), ("sh: out of memory\n", 2));
    }

    #[test]
    fn random_scripts_never_panic() {
        const TOKENS: &[&str] = &[
            "echo", "x", "$x", "\"", "'", "(", ")", "{", "}", ";", "&&", "||", "|", ">", ">>", "<",
            "2>&1", "$(", "`", "$((", "))", "1+", "if", "then", "fi", "while", "do", "done", "for",
            "in", "case", "esac", ";;", "*)", "${", "}", ":-", "=", "x=1", "sleep", "1", "cat",
            "/tmp/f", "[", "]", "-f", "!", "\\", "\n", "exit", "break", "read", "sh", "-c", "seq",
            "3", "printf", "%s", "%999d", "#", "~", "*", "?", "test",
        ];
        let mut rng = crate::rng::Rng::stream(7, "fuzz-shell");
        for _ in 0..6000 {
            let n = rng.between(1, 14);
            let script: Vec<&str> = (0..n)
                .map(|_| TOKENS[rng.below(TOKENS.len() as u64) as usize])
                .collect();
            let _ = ex(&script.join(" "));
        }
    }

    #[test]
    fn pipes_and_redirections() {
        assert_eq!(ex("seq 1 10 | grep 1 | wc -l").stdout, "2\n");
        assert_eq!(
            ex("echo hi > /tmp/f; echo there >> /tmp/f; cat /tmp/f").stdout,
            "hi\nthere\n"
        );
        assert_eq!(
            ex("cat /nope 2>&1").stdout,
            "cat: can't open '/nope': No such file or directory\n"
        );
        assert_eq!(ex("echo err >&2").stderr, "err\n");
        assert_eq!(ex("echo abc > /tmp/x; wc -c < /tmp/x").stdout, "4\n");
        assert_eq!(
            ex("echo x > /nodir/f").stderr,
            "sh: can't create /nodir/f: nonexistent directory\n"
        );
        assert_eq!(
            ex("{ echo a; echo b; } > /tmp/g; cat /tmp/g | head -n 1").stdout,
            "a\n"
        );
    }

    #[test]
    fn nested_sh_c_has_its_own_variables_and_exit() {
        let r = ex("X=outer; export Y=exported; sh -c 'echo $X$Y; exit 4'; echo $?");
        assert_eq!(r.stdout, "exported\n4\n");
        assert_eq!(
            ex("/bin/sh -c \"echo \\$0 \\$1\" zero one").stdout,
            "zero one\n"
        );
    }

    #[test]
    fn builtins_behave_like_busybox() {
        assert_eq!(ex("echo -n a; echo -e 'b\\tc'").stdout, "ab\tc\n");
        assert_eq!(ex("printf '%s=%d\\n' a 1 b 2").stdout, "a=1\nb=2\n");
        assert_eq!(ex("hostname").stdout, "\n");
        assert_eq!(
            ex("date +%Y-%m-%dT%H:%M:%S").stdout,
            "2025-03-03T09:00:00\n"
        );
        assert_eq!(
            ex("mkdir -p /a/b && touch /a/b/c && ls /a/b && test -d /a && echo dir").stdout,
            "c\ndir\n"
        );
        assert_eq!(
            ex("rm /none").stderr,
            "rm: can't remove '/none': No such file or directory\n"
        );
        assert_eq!(ex("expr 2 + 3").stdout, "5\n");
        assert_eq!(
            ex("[ -z \"\" ] && [ -n x ] && [ a != b ] && echo ok").stdout,
            "ok\n"
        );
        assert_eq!(ex("[ 1 -lt 2").stderr, "sh: [: missing ]\n");
        assert_eq!(
            ex("echo a b c | tail -n 1; seq 3 | tail -n 2").stdout,
            "a b c\n2\n3\n"
        );
        assert_eq!(ex("exit 300").exit_code, 44);
    }

    #[test]
    fn exec_sleeps_take_no_time_and_blocking_is_cut_off() {
        let r = ex("sleep 100; echo done");
        assert_eq!(
            (r.stdout.as_str(), r.exit_code, r.timed_out),
            ("done\n", 0, false)
        );
        let r = ex("sleep infinity");
        assert!(r.timed_out);
        let r = ex("while true; do :; done");
        assert!(r.timed_out);
    }

    #[test]
    fn env_and_printenv_show_the_container_environment() {
        let mut spec = sh("printenv GREETING; env | grep -c HOSTNAME=pod-1");
        spec.env.insert("GREETING".into(), "hello".into());
        let r = run_for("busybox", spec, 1_000);
        assert_eq!(r.lines(), vec!["hello", "1"]);
    }

    #[test]
    fn partial_lines_are_flushed_at_exit() {
        let r = run_for(
            "busybox",
            sh("echo -n abc; sleep 1; echo def; echo -n tail"),
            5_000,
        );
        assert_eq!(
            r.log,
            vec![
                (1_000, Stream::Stdout, "abcdef".to_string()),
                (1_000, Stream::Stdout, "tail".to_string())
            ]
        );
    }

    #[test]
    fn shell_can_exec_the_image_server() {
        let r = run_for(
            "nginx",
            sh("echo configuring; exec nginx -g 'daemon off;'"),
            1_000,
        );
        assert_eq!(r.lines()[0], "configuring");
        assert_eq!(r.last, Step::Serving);
        assert_eq!(r.process.listening_ports(), vec![80]);
    }

    #[test]
    fn liveness_image_healthz_fails_ten_seconds_after_start() {
        let r = run_for(
            "registry.k8s.io/liveness",
            ProcessSpec {
                args: Some(s(&["/server"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        let p = &r.process;
        assert_eq!(
            p.http_get(8080, "/healthz", t0() + Duration::seconds(3))
                .unwrap()
                .status,
            200
        );
        assert_eq!(
            p.http_get(8080, "/healthz", t0() + Duration::seconds(11))
                .unwrap()
                .status,
            500
        );
    }

    #[test]
    fn unknown_image_runs_as_a_generic_server() {
        let r = run_for(
            "mycompany/app:1.2",
            ProcessSpec {
                command: Some(s(&["python", "app.py"])),
                ..ProcessSpec::default()
            },
            1_000,
        );
        assert_eq!(r.last, Step::Serving);
        assert!(r.process.listening_ports().is_empty());
    }
}
