//! The image catalogue: what well-known images do when "run", as data.
//!
//! Real images are never downloaded or run. Each known repository gets an
//! [`ImageBehavior`]: its default `ENTRYPOINT`/`CMD`, the program names that
//! start its long-running server, the ports it listens on, an HTTP model,
//! how long it takes to listen, its idle memory and CPU, its compressed size
//! and the log lines it prints. Any tag of a known repository behaves like the
//! repository (`nginx:1.19` serves the same page as `nginx:latest`). Unknown
//! images behave as a generic long-running process that listens on nothing.
//!
//! A few images read their arguments ([`Service`] is the behaviour after
//! `command`/`args` were applied): `hashicorp/http-echo` serves its `-text`,
//! `polinux/stress` uses `--vm-bytes` of memory (so `OOMKilled` is
//! reachable), `agnhost netexec` listens on `--http-port`, postgres and mysql
//! exit 1 without their password variables.
//!
//! Pulling ([`pull`]) succeeds for every image except these, which are
//! documented as "non-existent":
//! - registry hosts reserved by RFC 2606/6761 (`*.invalid`, `*.test`,
//!   `*.example`, `*.localhost`, `example.com`/`.net`/`.org` and their
//!   subdomains): `no such host`, as a real node reports;
//! - a repository whose name contains `does-not-exist`, `doesnotexist`,
//!   `nonexistent`, `non-existent` or `notexist`: `pull access denied`;
//! - a tag containing one of those words (e.g. `nginx:doesnotexist`): `not found`.

use std::collections::BTreeMap;

use k8s_openapi::chrono::{DateTime, Utc};

use super::fs::ContainerFs;
use super::image::ImageRef;
use crate::rng::{fnv1a, Rng};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// Which output stream a line went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A log line template. `{ts}` is replaced by the emission time in the
/// image's [`ImageBehavior::log_time_format`], `{date}` by
/// `2025-03-03 09:00:00+00:00` (mysql's entrypoint), `{hostname}` and `{ip}` by the
/// pod's hostname and IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The stream it is printed on.
    pub stream: Stream,
    /// The template text.
    pub text: String,
}

/// One HTTP route of a static server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRoute {
    /// The exact request path (query string ignored).
    pub path: String,
    /// The response status code.
    pub status: u16,
    /// The response body.
    pub body: String,
}

/// An HTTP response from a simulated server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// How an image's HTTP server answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpModel {
    /// Fixed routes; other paths get `not_found` (status 404).
    Static {
        /// The routes.
        routes: Vec<HttpRoute>,
        /// The 404 body.
        not_found: String,
    },
    /// `hashicorp/http-echo`: every path answers its `-text` argument.
    Echo,
    /// `gcr.io/google-samples/hello-app`.
    HelloApp,
    /// `gcr.io/google-samples/kubernetes-bootcamp`.
    Bootcamp,
    /// `registry.k8s.io/echoserver`: a description of the request.
    EchoServer,
    /// `registry.k8s.io/liveness` (and `agnhost liveness`): `/healthz`
    /// answers 200 `ok` for the first 10 s after start, then 500.
    Liveness,
    /// `traefik/whoami`.
    Whoami,
    /// `agnhost netexec`: `/`, `/hostname`, `/healthz`, `/echo?msg=`, `/clientip`.
    Netexec,
    /// `agnhost serve-hostname`: every path answers the hostname.
    ServeHostname,
}

/// A required environment variable check (postgres, mysql).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredEnv {
    /// At least one of these must be set and non-empty.
    pub any_of: Vec<String>,
    /// What the entrypoint prints when none is.
    pub error_lines: Vec<LogLine>,
    /// The exit code then.
    pub exit_code: i32,
}

/// What a known image does. Built by [`lookup`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageBehavior {
    /// The catalogue key: the normalized repository (`docker.io/library/nginx`),
    /// or empty for an unknown image.
    pub repository: String,
    /// The image's `ENTRYPOINT`.
    pub entrypoint: Vec<String>,
    /// The image's `CMD`.
    pub cmd: Vec<String>,
    /// Program names (compared by basename) that start the image's server.
    pub server_binaries: Vec<String>,
    /// Entrypoint scripts that run their arguments when those are not the
    /// server (the `exec "$@"` idiom of docker-entrypoint.sh).
    pub wrappers: Vec<String>,
    /// Whether the image contains `/bin/sh` (scratch images do not).
    pub has_shell: bool,
    /// Extra programs the image ships that the shell can run (`perl`).
    pub programs: Vec<String>,
    /// TCP ports the server listens on.
    pub ports: Vec<u16>,
    /// The HTTP server, if any: its port and model.
    pub http: Option<(u16, HttpModel)>,
    /// Further HTTP ports (CoreDNS serves /health on 8080 and /ready on 8181).
    pub extra_http: Vec<(u16, HttpModel)>,
    /// A port serving the gRPC health protocol, if any.
    pub grpc_health_port: Option<u16>,
    /// Time from process start until the ports listen.
    pub ready_after_ms: u64,
    /// Resident memory while idle.
    pub idle_memory_bytes: u64,
    /// CPU while idle, in millicores.
    pub idle_cpu_millis: u64,
    /// Compressed image size (pull duration and the `Image size: N bytes` event).
    pub size_bytes: u64,
    /// `chrono` format of `{ts}` in log lines.
    pub log_time_format: String,
    /// Lines printed when the server starts.
    pub startup_logs: Vec<LogLine>,
    /// Lines printed once it listens (after `ready_after_ms`).
    pub ready_logs: Vec<LogLine>,
    /// An environment check that makes the server exit at start.
    pub required_env: Option<RequiredEnv>,
    /// Files the image ships (path, contents).
    pub files: Vec<(String, String)>,
}

/// A running server: the image's behaviour after `command`/`args`/env applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Ports it listens on once ready.
    pub ports: Vec<u16>,
    /// The HTTP server: port, model and (for `http-echo`) the text.
    pub http: Option<(u16, HttpModel)>,
    /// Further HTTP ports.
    pub extra_http: Vec<(u16, HttpModel)>,
    /// The `-text` of `http-echo`.
    pub echo_text: String,
    /// A gRPC health port.
    pub grpc_health_port: Option<u16>,
    /// Time until it listens.
    pub ready_after_ms: u64,
    /// Memory in use once started.
    pub memory_bytes: u64,
    /// CPU in use, in millicores.
    pub cpu_millis: u64,
    /// Lines printed at start.
    pub startup_logs: Vec<LogLine>,
    /// Lines printed once ready.
    pub ready_logs: Vec<LogLine>,
    /// When set, the program exits right after printing `startup_logs`
    /// with this code (missing password, bad flags) instead of serving.
    pub exit_code: Option<i32>,
    /// `chrono` format of `{ts}`.
    pub log_time_format: String,
}

fn out(s: &str) -> LogLine {
    LogLine {
        stream: Stream::Stdout,
        text: s.to_string(),
    }
}

fn err(s: &str) -> LogLine {
    LogLine {
        stream: Stream::Stderr,
        text: s.to_string(),
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// nginx's default page (/usr/share/nginx/html/index.html).
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// nginx's 404 page.
pub const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.4</center>\r\n</body>\r\n</html>\r\n";

/// httpd's default page.
pub const HTTPD_IT_WORKS: &str = "<html><body><h1>It works!</h1></body></html>\n";

const HTTPD_404: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n";

impl ImageBehavior {
    /// A generic long-running process that listens on nothing (unknown images).
    pub fn generic() -> ImageBehavior {
        ImageBehavior {
            repository: String::new(),
            entrypoint: strs(&["/app"]),
            cmd: vec![],
            server_binaries: strs(&["/app"]),
            wrappers: vec![],
            has_shell: true,
            programs: vec![],
            ports: vec![],
            http: None,
            extra_http: vec![],
            grpc_health_port: None,
            ready_after_ms: 0,
            idle_memory_bytes: 8 * MIB,
            idle_cpu_millis: 1,
            size_bytes: 48_213_760,
            log_time_format: "%Y-%m-%dT%H:%M:%S%.3fZ".into(),
            startup_logs: vec![],
            ready_logs: vec![],
            required_env: None,
            files: vec![],
        }
    }

    fn shell_image(repository: &str, cmd: &[&str], size_bytes: u64) -> ImageBehavior {
        ImageBehavior {
            repository: repository.into(),
            entrypoint: vec![],
            cmd: strs(cmd),
            server_binaries: vec![],
            idle_memory_bytes: 300 * KIB,
            idle_cpu_millis: 0,
            size_bytes,
            ..ImageBehavior::generic()
        }
    }

    /// A fresh container filesystem: the image's files plus `/etc/hostname`
    /// (which the kubelet writes for every container).
    pub fn root_fs(&self, hostname: &str) -> ContainerFs {
        let mut fs = self.image_fs();
        fs.mount_file("/etc/hostname", &format!("{hostname}\n"));
        fs
    }

    /// The image's files alone: what [`ImageBehavior::root_fs`] starts from
    /// (a kubelet keeps one per image and copies it for each container).
    pub fn image_fs(&self) -> ContainerFs {
        let mut fs = ContainerFs::new();
        for (p, c) in &self.files {
            fs.mount_file(p, c);
        }
        fs
    }

    /// Whether `argv0` (compared by basename) starts this image's server.
    pub fn is_server_binary(&self, argv0: &str) -> bool {
        let b = basename(argv0);
        self.server_binaries.iter().any(|s| basename(s) == b)
    }

    /// Whether `argv0` is an entrypoint script that execs its arguments.
    pub fn is_wrapper(&self, argv0: &str) -> bool {
        let b = basename(argv0);
        self.wrappers.iter().any(|s| basename(s) == b)
    }

    /// The server this image runs for `argv` (which starts with a server
    /// binary) and `env`.
    pub fn serve(&self, argv: &[String], env: &BTreeMap<String, String>) -> Service {
        let mut s = Service {
            ports: self.ports.clone(),
            http: self.http.clone(),
            extra_http: self.extra_http.clone(),
            echo_text: String::new(),
            grpc_health_port: self.grpc_health_port,
            ready_after_ms: self.ready_after_ms,
            memory_bytes: self.idle_memory_bytes,
            cpu_millis: self.idle_cpu_millis,
            startup_logs: self.startup_logs.clone(),
            ready_logs: self.ready_logs.clone(),
            exit_code: None,
            log_time_format: self.log_time_format.clone(),
        };
        if let Some(req) = &self.required_env {
            let set = req
                .any_of
                .iter()
                .any(|k| env.get(k).is_some_and(|v| !v.is_empty()));
            if !set {
                s.startup_logs = req.error_lines.clone();
                s.ready_logs.clear();
                s.ports.clear();
                s.http = None;
                s.exit_code = Some(req.exit_code);
                return s;
            }
        }
        let args = &argv[1.min(argv.len())..];
        match self.repository.as_str() {
            "docker.io/hashicorp/http-echo" => {
                let mut text = None;
                let mut port = 5678;
                for a in args {
                    if let Some(t) = flag_value(a, "text") {
                        text = Some(t.to_string());
                    } else if let Some(l) = flag_value(a, "listen") {
                        port = l
                            .rsplit(':')
                            .next()
                            .and_then(|p| p.parse().ok())
                            .unwrap_or(port);
                    }
                }
                match text {
                    Some(t) => {
                        s.echo_text = t;
                        s.ports = vec![port];
                        s.http = Some((port, HttpModel::Echo));
                        s.startup_logs = vec![err(&format!(
                            "{{ts}} [INFO] server is listening on :{port}"
                        ))];
                    }
                    None => {
                        s.startup_logs = vec![err("Missing -text option!")];
                        s.ports.clear();
                        s.http = None;
                        s.exit_code = Some(127);
                    }
                }
            }
            "docker.io/polinux/stress" | "docker.io/vish/stress" => stress(&mut s, args),
            "registry.k8s.io/e2e-test-images/agnhost" => agnhost(&mut s, args),
            "gcr.io/google-samples/hello-app" => {
                if let Some(p) = env.get("PORT").and_then(|p| p.parse().ok()) {
                    s.ports = vec![p];
                    s.http = Some((p, HttpModel::HelloApp));
                    s.startup_logs = vec![err(&format!("{{ts}} Server listening on port {p}"))];
                }
            }
            "docker.io/traefik/whoami" => {
                let port = args
                    .iter()
                    .enumerate()
                    .find_map(|(i, a)| {
                        flag_value(a, "port").map(str::to_string).or_else(|| {
                            (a == "--port" || a == "-port")
                                .then(|| args.get(i + 1).cloned())
                                .flatten()
                        })
                    })
                    .or_else(|| env.get("WHOAMI_PORT_NUMBER").cloned())
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(80);
                s.ports = vec![port];
                s.http = Some((port, HttpModel::Whoami));
                s.startup_logs = vec![err(&format!("{{ts}} Starting up on port {port}"))];
            }
            _ => {}
        }
        s
    }
}

/// `-name=value` / `--name=value`.
fn flag_value<'a>(arg: &'a str, name: &str) -> Option<&'a str> {
    let a = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-'))?;
    a.strip_prefix(name)?.strip_prefix('=')
}

/// The value of `--name V`, `--name=V`, `-name V` or `-name=V`.
fn flag(args: &[String], names: &[&str]) -> Option<String> {
    for (i, a) in args.iter().enumerate() {
        for n in names {
            if let Some(v) = flag_value(a, n) {
                return Some(v.to_string());
            }
            if a == &format!("--{n}") || a == &format!("-{n}") {
                return args.get(i + 1).cloned();
            }
        }
    }
    None
}

/// stress's size syntax: `150M`, `1G`, `512k`, `1024` (bytes); `B` suffix allowed.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim_end_matches(['b', 'B']);
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], KIB),
        'm' | 'M' => (&s[..s.len() - 1], MIB),
        'g' | 'G' => (&s[..s.len() - 1], 1024 * MIB),
        _ => (s, 1),
    };
    num.parse::<u64>().ok().map(|n| n.saturating_mul(mult))
}

fn stress(s: &mut Service, args: &[String]) {
    // polinux/stress: `stress --vm N --vm-bytes B [--cpu N] [--vm-hang S]`;
    // vish/stress (the docs' CPU example): `-cpus N`, `-mem-total B`.
    let vm = flag(args, &["vm", "m"])
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let vm_bytes = flag(args, &["vm-bytes"])
        .and_then(|v| parse_size(&v))
        .unwrap_or(256 * MIB);
    let cpu = flag(args, &["cpu", "c", "cpus"])
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let mem_total = flag(args, &["mem-total"])
        .and_then(|v| parse_size(&v))
        .unwrap_or(0);
    s.memory_bytes = MIB + vm * vm_bytes + mem_total;
    s.cpu_millis = cpu * 1000 + if vm > 0 { 1000 } else { 0 };
    if args.iter().any(|a| a == "-cpus") || args.iter().any(|a| a.starts_with("-mem")) {
        s.startup_logs = vec![err(&format!("I{{ts}}       1 main.go:26] Allocating \"{}\" memory, in \"4Ki\" chunks, with a 1ms sleep between allocations", mem_total)), err("I{ts}       1 main.go:29] Spawning a thread to consume CPU")];
        s.log_time_format = "%m%d %H:%M:%S%.6f".into();
    } else {
        s.startup_logs = vec![out(&format!(
            "stress: info: [1] dispatching hogs: {cpu} cpu, 0 io, {vm} vm, 0 hdd"
        ))];
    }
}

fn agnhost(s: &mut Service, args: &[String]) {
    let sub = args.first().map(String::as_str).unwrap_or("");
    let rest = &args[1.min(args.len())..];
    s.memory_bytes = 12 * MIB;
    match sub {
        "netexec" => {
            let port = flag(rest, &["http-port"])
                .and_then(|p| p.parse().ok())
                .unwrap_or(8080);
            let udp = flag(rest, &["udp-port"])
                .and_then(|p| p.parse().ok())
                .unwrap_or(8081u16);
            s.ports = vec![port];
            let _ = udp;
            s.http = Some((port, HttpModel::Netexec));
            s.startup_logs = vec![
                err(&format!(
                    "I{{ts}}       1 log.go:245] Started HTTP server on port {port}"
                )),
                err(&format!(
                    "I{{ts}}       1 log.go:245] Started UDP server on port  {udp}"
                )),
            ];
        }
        "serve-hostname" => {
            let port = flag(rest, &["port"])
                .and_then(|p| p.parse().ok())
                .unwrap_or(9376);
            s.ports = vec![port];
            s.http = Some((port, HttpModel::ServeHostname));
            s.startup_logs = vec![err(&format!("{{ts}} Serving on port {port}."))];
        }
        "liveness" => {
            s.ports = vec![8080];
            s.http = Some((8080, HttpModel::Liveness));
            s.startup_logs = vec![];
        }
        "pause" => {
            s.ports.clear();
            s.http = None;
            s.startup_logs = vec![out("Paused")];
        }
        "grpc-health-checking" => {
            let port = flag(rest, &["port"])
                .and_then(|p| p.parse().ok())
                .unwrap_or(5000);
            s.ports = vec![port, 8080];
            s.grpc_health_port = Some(port);
            s.http = None;
        }
        _ => {
            let mut lines = vec![];
            if !sub.is_empty() {
                lines.push(err(&format!(
                    "Error: unknown command \"{sub}\" for \"agnhost\""
                )));
                lines.push(err("Run 'agnhost --help' for usage."));
            } else {
                for l in [
                    "agnhost is a test application used by Kubernetes e2e tests.",
                    "",
                    "Usage:",
                    "  agnhost [command]",
                    "",
                    "Available Commands:",
                    "  grpc-health-checking Serves the gRPC health protocol",
                    "  liveness             Starts a http server that fails /healthz after 10 seconds",
                    "  netexec              Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints",
                    "  pause                Pauses",
                    "  serve-hostname       Serves the hostname",
                ] {
                    lines.push(out(l));
                }
            }
            s.exit_code = Some(if sub.is_empty() { 0 } else { 1 });
            s.startup_logs = lines;
            s.ports.clear();
            s.http = None;
        }
    }
}

impl Service {
    /// Answers `GET path` on `port`, `uptime_ms` after the process started;
    /// `None` when nothing listens there (connection refused). The kubelet
    /// should only call this once the process is serving and ready.
    pub fn http_get(
        &self,
        port: u16,
        path: &str,
        uptime_ms: u64,
        hostname: &str,
        now: DateTime<Utc>,
    ) -> Option<HttpResponse> {
        let (_, model) = self
            .http
            .iter()
            .chain(self.extra_http.iter())
            .find(|(p, _)| *p == port)?;
        let (bare, query) = path.split_once('?').unwrap_or((path, ""));
        let ok = |body: String| HttpResponse { status: 200, body };
        Some(match model {
            HttpModel::Static { routes, not_found } => routes
                .iter()
                .find(|r| r.path == bare)
                .map(|r| HttpResponse {
                    status: r.status,
                    body: r.body.clone(),
                })
                .unwrap_or(HttpResponse {
                    status: 404,
                    body: not_found.clone(),
                }),
            HttpModel::Echo => ok(format!("{}\n", self.echo_text)),
            HttpModel::HelloApp => ok(format!(
                "Hello, world!\nVersion: 1.0.0\nHostname: {hostname}\n"
            )),
            HttpModel::Bootcamp => ok(format!(
                "Hello Kubernetes bootcamp! | Running on: {hostname} | v=1\n"
            )),
            HttpModel::EchoServer => ok(format!(
                "\n\nHostname: {hostname}\n\nPod Information:\n\t-no pod information available-\n\n\
                 Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n\
                 Request Information:\n\tmethod=GET\n\treal path={bare}\n\tquery={query}\n\
                 \trequest_version=1.1\n\trequest_scheme=http\n\n\
                 Request Headers:\n\taccept=*/*\n\nRequest Body:\n\t-no body in request-\n\n"
            )),
            HttpModel::Liveness => {
                if bare == "/healthz" {
                    if uptime_ms > 10_000 {
                        HttpResponse {
                            status: 500,
                            body: format!("error: {}", uptime_ms as f64 / 1000.0),
                        }
                    } else {
                        ok("ok".into())
                    }
                } else {
                    HttpResponse {
                        status: 404,
                        body: "404 page not found\n".into(),
                    }
                }
            }
            HttpModel::Whoami => ok(format!(
                "Hostname: {hostname}\nIP: 127.0.0.1\nRemoteAddr: 10.244.0.1:49152\nGET {path} HTTP/1.1\nHost: localhost:{port}\nUser-Agent: curl/8.5.0\nAccept: */*\n\n"
            )),
            HttpModel::Netexec => match bare {
                "/hostname" => ok(hostname.to_string()),
                "/healthz" => ok(String::new()),
                "/clientip" => ok("10.244.0.1:49152".into()),
                "/echo" => ok(query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("msg="))
                    .unwrap_or("")
                    .to_string()),
                "/" => ok(format!("NOW: {}", now.format("%Y-%m-%d %H:%M:%S%.9f %z UTC"))),
                _ => HttpResponse {
                    status: 404,
                    body: "404 page not found\n".into(),
                },
            },
            HttpModel::ServeHostname => ok(hostname.to_string()),
        })
    }
}

fn os_release(name: &str, id: &str, version: &str, pretty: &str) -> Vec<(String, String)> {
    vec![(
        "/etc/os-release".into(),
        format!("PRETTY_NAME=\"{pretty}\"\nNAME=\"{name}\"\nID={id}\nVERSION_ID=\"{version}\"\n"),
    )]
}

/// The base name of a path (`/usr/bin/env` → `env`).
pub fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The behaviour of `image` (any tag of a known repository).
pub fn lookup(image: &ImageRef) -> ImageBehavior {
    let name = image.name();
    // Old registry names serve the same images.
    let name = name
        .replace("k8s.gcr.io/", "registry.k8s.io/")
        .replace("gcr.io/google-containers/", "registry.k8s.io/")
        .replace("gcr.io/google_containers/", "registry.k8s.io/");
    let static_http = |port: u16, routes: Vec<(&str, &str)>, not_found: &str| {
        Some((
            port,
            HttpModel::Static {
                routes: routes
                    .into_iter()
                    .map(|(p, b)| HttpRoute {
                        path: p.into(),
                        status: 200,
                        body: b.into(),
                    })
                    .collect(),
                not_found: not_found.into(),
            },
        ))
    };
    let g = ImageBehavior::generic();
    let mut b = match name.as_str() {
        "docker.io/library/nginx" | "registry.k8s.io/nginx-slim" => ImageBehavior {
            entrypoint: strs(&["/docker-entrypoint.sh"]),
            cmd: strs(&["nginx", "-g", "daemon off;"]),
            server_binaries: strs(&["nginx"]),
            wrappers: strs(&["/docker-entrypoint.sh"]),
            ports: vec![80],
            http: static_http(80, vec![("/", NGINX_WELCOME), ("/index.html", NGINX_WELCOME)], NGINX_404),
            ready_after_ms: 50,
            idle_memory_bytes: 3 * MIB + 300 * KIB,
            idle_cpu_millis: 0,
            size_bytes: 72_195_292,
            log_time_format: "%Y/%m/%d %H:%M:%S".into(),
            startup_logs: vec![
                out("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"),
                out("/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/"),
                out("/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh"),
                out("10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf"),
                out("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf"),
                out("/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh"),
                out("/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"),
                out("/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh"),
                out("/docker-entrypoint.sh: Configuration complete; ready for start up"),
                err("{ts} [notice] 1#1: using the \"epoll\" event method"),
                err("{ts} [notice] 1#1: nginx/1.27.4"),
                err("{ts} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) "),
                err("{ts} [notice] 1#1: OS: Linux 6.8.0-1021-gcp"),
                err("{ts} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576"),
                err("{ts} [notice] 1#1: start worker processes"),
                err("{ts} [notice] 1#1: start worker process 29"),
            ],
            files: vec![
                ("/usr/share/nginx/html/index.html".into(), NGINX_WELCOME.into()),
                ("/usr/share/nginx/html/50x.html".into(), "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n".into()),
                ("/etc/nginx/conf.d/default.conf".into(), "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n".into()),
            ],
            ..g
        },
        "docker.io/library/httpd" => ImageBehavior {
            cmd: strs(&["httpd-foreground"]),
            entrypoint: vec![],
            server_binaries: strs(&["httpd-foreground", "httpd"]),
            ports: vec![80],
            http: static_http(80, vec![("/", HTTPD_IT_WORKS), ("/index.html", HTTPD_IT_WORKS)], HTTPD_404),
            ready_after_ms: 100,
            idle_memory_bytes: 6 * MIB,
            idle_cpu_millis: 1,
            size_bytes: 58_347_020,
            log_time_format: "%a %b %d %H:%M:%S%.6f %Y".into(),
            startup_logs: vec![
                err("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message"),
                err("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message"),
                err("[{ts}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix) configured -- resuming normal operations"),
                err("[{ts}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"),
            ],
            files: vec![("/usr/local/apache2/htdocs/index.html".into(), HTTPD_IT_WORKS.into())],
            ..g
        },
        "docker.io/library/redis" => ImageBehavior {
            entrypoint: strs(&["docker-entrypoint.sh"]),
            cmd: strs(&["redis-server"]),
            server_binaries: strs(&["redis-server"]),
            wrappers: strs(&["docker-entrypoint.sh"]),
            ports: vec![6379],
            ready_after_ms: 20,
            idle_memory_bytes: 3 * MIB,
            idle_cpu_millis: 2,
            size_bytes: 45_208_592,
            log_time_format: "%d %b %Y %H:%M:%S%.3f".into(),
            startup_logs: vec![
                out("1:C {ts} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
                out("1:C {ts} * Redis version=7.4.2, bits=64, commit=00000000, modified=0, pid=1, just started"),
                out("1:C {ts} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"),
                out("1:M {ts} * monotonic clock: POSIX clock_gettime"),
                out("1:M {ts} * Running mode=standalone, port=6379."),
                out("1:M {ts} * Server initialized"),
            ],
            ready_logs: vec![out("1:M {ts} * Ready to accept connections tcp")],
            ..g
        },
        "docker.io/library/postgres" => ImageBehavior {
            entrypoint: strs(&["docker-entrypoint.sh"]),
            cmd: strs(&["postgres"]),
            server_binaries: strs(&["postgres"]),
            wrappers: strs(&["docker-entrypoint.sh"]),
            ports: vec![5432],
            ready_after_ms: 4_000,
            idle_memory_bytes: 40 * MIB,
            idle_cpu_millis: 3,
            size_bytes: 153_761_437,
            log_time_format: "%Y-%m-%d %H:%M:%S%.3f UTC".into(),
            startup_logs: vec![
                out("The files belonging to this database system will be owned by user \"postgres\"."),
                out("This user must also own the server process."),
                out(""),
                out("The database cluster will be initialized with locale \"en_US.utf8\"."),
                out("fixing permissions on existing directory /var/lib/postgresql/data ... ok"),
                out("creating subdirectories ... ok"),
                out("performing post-bootstrap initialization ... ok"),
                out("syncing data to disk ... ok"),
                out(""),
                out("Success. You can now start the database server using:"),
                out(""),
                out("PostgreSQL init process complete; ready for start up."),
                out(""),
            ],
            ready_logs: vec![
                err("{ts} [1] LOG:  starting PostgreSQL 17.4 (Debian 17.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit"),
                err("{ts} [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432"),
                err("{ts} [1] LOG:  listening on IPv6 address \"::\", port 5432"),
                err("{ts} [1] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\""),
                err("{ts} [1] LOG:  database system is ready to accept connections"),
            ],
            required_env: Some(RequiredEnv {
                any_of: strs(&["POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"]),
                error_lines: vec![
                    err("Error: Database is uninitialized and superuser password is not specified."),
                    err("       You must specify POSTGRES_PASSWORD to a non-empty value for the"),
                    err("       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\"."),
                    err(""),
                    err("       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all"),
                    err("       connections without a password. This is *not* recommended."),
                    err(""),
                    err("       See PostgreSQL documentation about \"trust\":"),
                    err("       https://www.postgresql.org/docs/current/auth-trust.html"),
                ],
                exit_code: 1,
            }),
            ..g
        },
        "docker.io/library/mysql" => ImageBehavior {
            entrypoint: strs(&["docker-entrypoint.sh"]),
            cmd: strs(&["mysqld"]),
            server_binaries: strs(&["mysqld"]),
            wrappers: strs(&["docker-entrypoint.sh"]),
            ports: vec![3306, 33060],
            ready_after_ms: 12_000,
            idle_memory_bytes: 360 * MIB,
            idle_cpu_millis: 5,
            size_bytes: 169_861_143,
            log_time_format: "%Y-%m-%dT%H:%M:%S%.6fZ".into(),
            startup_logs: vec![
                out("{date} [Note] [Entrypoint]: Entrypoint script for MySQL Server 9.2.0-1.el9 started."),
                out("{date} [Note] [Entrypoint]: Initializing database files"),
                out("{date} [Note] [Entrypoint]: Database files initialized"),
                out("{date} [Note] [Entrypoint]: MySQL init process done. Ready for start up."),
            ],
            ready_logs: vec![
                err("{ts} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '9.2.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL."),
            ],
            required_env: Some(RequiredEnv {
                any_of: strs(&["MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"]),
                error_lines: vec![
                    out("{date} [Note] [Entrypoint]: Entrypoint script for MySQL Server 9.2.0-1.el9 started."),
                    err("{date} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified"),
                    err("    You need to specify one of the following as an environment variable:"),
                    err("    - MYSQL_ROOT_PASSWORD"),
                    err("    - MYSQL_ALLOW_EMPTY_PASSWORD"),
                    err("    - MYSQL_RANDOM_ROOT_PASSWORD"),
                ],
                exit_code: 1,
            }),
            ..g
        },
        "docker.io/library/busybox" | "registry.k8s.io/busybox" => {
            ImageBehavior::shell_image(&name, &["sh"], if name.starts_with("registry") { 1_311_818 } else { 2_166_802 })
        }
        "docker.io/library/alpine" => ImageBehavior {
            files: os_release("Alpine Linux", "alpine", "3.21.3", "Alpine Linux v3.21"),
            ..ImageBehavior::shell_image(&name, &["/bin/sh"], 3_653_068)
        },
        "docker.io/library/ubuntu" => ImageBehavior {
            files: os_release("Ubuntu", "ubuntu", "24.04", "Ubuntu 24.04.2 LTS"),
            ..ImageBehavior::shell_image(&name, &["/bin/bash"], 29_754_290)
        },
        "docker.io/library/debian" => ImageBehavior {
            files: os_release("Debian GNU/Linux", "debian", "12", "Debian GNU/Linux 12 (bookworm)"),
            ..ImageBehavior::shell_image(&name, &["bash"], 48_494_272)
        },
        "docker.io/library/perl" => ImageBehavior {
            programs: strs(&["perl"]),
            ..ImageBehavior::shell_image(&name, &["perl", "-de0"], 339_207_544)
        },
        "gcr.io/google-samples/node-hello" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["node", "server.js"]),
            server_binaries: strs(&["node"]),
            ports: vec![8080],
            http: static_http(8080, vec![("/", "Hello Kubernetes!")], "Hello Kubernetes!"),
            idle_memory_bytes: 9 * MIB,
            size_bytes: 243_187_432,
            ..g
        },
        "registry.k8s.io/hpa-example" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["apache2-foreground"]),
            server_binaries: strs(&["apache2-foreground"]),
            ports: vec![80],
            http: static_http(80, vec![("/", "OK!"), ("/index.php", "OK!")], HTTPD_404),
            idle_memory_bytes: 9 * MIB,
            size_bytes: 180_735_082,
            startup_logs: vec![
                err("AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message"),
                err("[{ts}] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.30 configured -- resuming normal operations"),
                err("[{ts}] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'"),
            ],
            log_time_format: "%a %b %d %H:%M:%S%.6f %Y".into(),
            ..g
        },
        "registry.k8s.io/pause" => ImageBehavior {
            entrypoint: strs(&["/pause"]),
            server_binaries: strs(&["/pause"]),
            has_shell: false,
            idle_memory_bytes: 200 * KIB,
            idle_cpu_millis: 0,
            size_bytes: 320_368,
            ..g
        },
        // The cluster's own components, so kube-system pods run and pass
        // their probes as on a kubeadm cluster.
        "registry.k8s.io/coredns/coredns" => ImageBehavior {
            entrypoint: strs(&["/coredns"]),
            server_binaries: strs(&["/coredns"]),
            has_shell: false,
            ports: vec![53, 8080, 8181, 9153],
            http: static_http(8080, vec![("/health", "OK")], "404 page not found\n"),
            extra_http: vec![(8181, HttpModel::Static { routes: vec![HttpRoute { path: "/ready".into(), status: 200, body: "OK".into() }], not_found: "404 page not found\n".into() })],
            ready_after_ms: 200,
            idle_memory_bytes: 14 * MIB,
            idle_cpu_millis: 3,
            size_bytes: 18_562_039,
            startup_logs: vec![out(".:53"), out("[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908"), out("CoreDNS-1.11.3"), out("linux/amd64, go1.21.11, a6338e9")],
            ..g.clone()
        },
        "registry.k8s.io/etcd" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["/usr/local/bin/etcd"]),
            server_binaries: strs(&["etcd"]),
            has_shell: false,
            ports: vec![2379, 2380, 2381],
            http: static_http(2381, vec![("/health", "{\"health\":\"true\",\"reason\":\"\"}"), ("/readyz", "ok")], "404 page not found\n"),
            idle_memory_bytes: 45 * MIB,
            idle_cpu_millis: 20,
            size_bytes: 57_680_541,
            ..g.clone()
        },
        "registry.k8s.io/kube-apiserver" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["kube-apiserver"]),
            server_binaries: strs(&["kube-apiserver"]),
            has_shell: false,
            ports: vec![6443],
            http: static_http(6443, vec![("/livez", "ok"), ("/readyz", "ok"), ("/healthz", "ok")], "404 page not found\n"),
            idle_memory_bytes: 250 * MIB,
            idle_cpu_millis: 40,
            size_bytes: 28_673_208,
            ..g.clone()
        },
        "registry.k8s.io/kube-controller-manager" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["kube-controller-manager"]),
            server_binaries: strs(&["kube-controller-manager"]),
            has_shell: false,
            ports: vec![10257],
            http: static_http(10257, vec![("/healthz", "ok")], "404 page not found\n"),
            idle_memory_bytes: 50 * MIB,
            idle_cpu_millis: 15,
            size_bytes: 26_260_312,
            ..g.clone()
        },
        "registry.k8s.io/kube-scheduler" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["kube-scheduler"]),
            server_binaries: strs(&["kube-scheduler"]),
            has_shell: false,
            ports: vec![10259],
            http: static_http(10259, vec![("/healthz", "ok")], "404 page not found\n"),
            idle_memory_bytes: 20 * MIB,
            idle_cpu_millis: 3,
            size_bytes: 20_657_536,
            ..g.clone()
        },
        "registry.k8s.io/kube-proxy" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["/usr/local/bin/kube-proxy"]),
            server_binaries: strs(&["kube-proxy"]),
            ports: vec![10249, 10256],
            http: static_http(10256, vec![("/healthz", "ok"), ("/livez", "ok")], "404 page not found\n"),
            idle_memory_bytes: 15 * MIB,
            idle_cpu_millis: 1,
            size_bytes: 30_906_747,
            ..g.clone()
        },
        "registry.k8s.io/echoserver" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["/usr/local/bin/run.sh"]),
            server_binaries: strs(&["run.sh", "nginx"]),
            ports: vec![8080, 8443],
            http: Some((8080, HttpModel::EchoServer)),
            idle_memory_bytes: 5 * MIB,
            size_bytes: 46_179_344,
            log_time_format: "%d/%b/%Y:%H:%M:%S +0000".into(),
            startup_logs: vec![out("Generating self-signed cert"), out("Generating a 2048 bit RSA private key"), out("writing new private key to '/certs/privateKey.key'"), out("-----"), out("Starting nginx")],
            ..g
        },
        "docker.io/hashicorp/http-echo" => ImageBehavior {
            entrypoint: strs(&["/http-echo"]),
            server_binaries: strs(&["/http-echo"]),
            has_shell: false,
            ports: vec![5678],
            idle_memory_bytes: 2 * MIB,
            size_bytes: 3_587_040,
            log_time_format: "%Y/%m/%d %H:%M:%S".into(),
            ..g
        },
        "gcr.io/google-samples/hello-app" | "us-docker.pkg.dev/google-samples/containers/gke/hello-app" => ImageBehavior {
            entrypoint: strs(&["/hello-app"]),
            server_binaries: strs(&["/hello-app"]),
            has_shell: false,
            ports: vec![8080],
            http: Some((8080, HttpModel::HelloApp)),
            idle_memory_bytes: 2 * MIB,
            size_bytes: 4_276_712,
            log_time_format: "%Y/%m/%d %H:%M:%S".into(),
            startup_logs: vec![err("{ts} Server listening on port 8080")],
            ..g
        },
        "gcr.io/google-samples/kubernetes-bootcamp" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["node", "server.js"]),
            server_binaries: strs(&["node"]),
            ports: vec![8080],
            http: Some((8080, HttpModel::Bootcamp)),
            idle_memory_bytes: 9 * MIB,
            size_bytes: 83_432_914,
            log_time_format: "%Y-%m-%dT%H:%M:%S%.3fZ".into(),
            startup_logs: vec![out("Kubernetes Bootcamp App Started At: {ts} | Running On:  {hostname} "), out("")],
            ..g
        },
        "registry.k8s.io/liveness" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["/server"]),
            server_binaries: strs(&["/server"]),
            has_shell: false,
            ports: vec![8080],
            http: Some((8080, HttpModel::Liveness)),
            idle_memory_bytes: 2 * MIB,
            size_bytes: 2_391_546,
            ..g
        },
        "docker.io/polinux/stress" => ImageBehavior {
            entrypoint: vec![],
            cmd: strs(&["stress", "--vm", "1", "--vm-bytes", "128M", "--vm-hang", "1"]),
            server_binaries: strs(&["stress"]),
            idle_memory_bytes: MIB,
            size_bytes: 4_046_357,
            ..g
        },
        "docker.io/vish/stress" => ImageBehavior {
            entrypoint: strs(&["/stress"]),
            server_binaries: strs(&["/stress"]),
            has_shell: false,
            size_bytes: 1_917_632,
            ..g
        },
        "registry.k8s.io/e2e-test-images/agnhost" => ImageBehavior {
            entrypoint: strs(&["/agnhost"]),
            server_binaries: strs(&["/agnhost"]),
            size_bytes: 54_297_683,
            log_time_format: "%m%d %H:%M:%S%.6f".into(),
            ..g
        },
        "docker.io/traefik/whoami" => ImageBehavior {
            entrypoint: strs(&["/whoami"]),
            server_binaries: strs(&["/whoami"]),
            has_shell: false,
            ports: vec![80],
            http: Some((80, HttpModel::Whoami)),
            idle_memory_bytes: 2 * MIB,
            size_bytes: 3_370_126,
            log_time_format: "%Y/%m/%d %H:%M:%S".into(),
            startup_logs: vec![err("{ts} Starting up on port 80")],
            ..g
        },
        _ => g,
    };
    if !b.repository.is_empty() || name_is_known(&name) {
        b.repository = name;
    }
    b
}

fn name_is_known(name: &str) -> bool {
    KNOWN.contains(&name)
}

/// The repositories the catalogue knows.
pub const KNOWN: &[&str] = &[
    "docker.io/library/nginx",
    "registry.k8s.io/nginx-slim",
    "docker.io/library/perl",
    "gcr.io/google-samples/node-hello",
    "registry.k8s.io/hpa-example",
    "docker.io/library/httpd",
    "docker.io/library/redis",
    "docker.io/library/postgres",
    "docker.io/library/mysql",
    "docker.io/library/busybox",
    "docker.io/library/alpine",
    "docker.io/library/ubuntu",
    "docker.io/library/debian",
    "registry.k8s.io/busybox",
    "registry.k8s.io/pause",
    "registry.k8s.io/coredns/coredns",
    "registry.k8s.io/etcd",
    "registry.k8s.io/kube-apiserver",
    "registry.k8s.io/kube-controller-manager",
    "registry.k8s.io/kube-scheduler",
    "registry.k8s.io/kube-proxy",
    "registry.k8s.io/echoserver",
    "docker.io/hashicorp/http-echo",
    "gcr.io/google-samples/hello-app",
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app",
    "gcr.io/google-samples/kubernetes-bootcamp",
    "registry.k8s.io/liveness",
    "docker.io/polinux/stress",
    "docker.io/vish/stress",
    "registry.k8s.io/e2e-test-images/agnhost",
    "docker.io/traefik/whoami",
];

/// A successful pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullResult {
    /// How long the pull takes, in virtual milliseconds.
    pub duration_ms: u64,
    /// The compressed size (`Image size: N bytes`).
    pub size_bytes: u64,
    /// The image ID (`sha256:` + 64 hex), the container status's `imageID`
    /// is `<normalized name>@<digest>`.
    pub image_id: String,
    /// The repository digest (`sha256:` + 64 hex).
    pub digest: String,
}

/// A failed pull; `message` follows `Failed to pull image "<image>": ` in
/// the kubelet's `Failed` event (containerd's gRPC error text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullError {
    /// containerd's error, e.g. `rpc error: code = NotFound desc = ...`.
    pub message: String,
}

/// A deterministic `sha256:`-shaped digest derived from `seed`.
pub fn fake_digest(seed: &str) -> String {
    let mut hex = String::with_capacity(64);
    for i in 0..4u8 {
        let mut b = seed.as_bytes().to_vec();
        b.push(i);
        hex.push_str(&format!("{:016x}", fnv1a(&b)));
    }
    format!("sha256:{hex}")
}

const NONEXISTENT_WORDS: &[&str] = &[
    "does-not-exist",
    "doesnotexist",
    "nonexistent",
    "non-existent",
    "notexist",
];

/// Whether `host` is reserved by RFC 2606 / RFC 6761 and never resolves.
pub fn is_reserved_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let h = h.trim_end_matches('.');
    let tld = h.rsplit('.').next().unwrap_or(h);
    let reserved_tld = matches!(tld, "invalid" | "test" | "example") && h.contains('.');
    let reserved_tld = reserved_tld || matches!(h, "invalid" | "test" | "example");
    let example_domain = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")));
    reserved_tld || example_domain || (h != "localhost" && h.ends_with(".localhost"))
}

/// Pulls `image`: a duration drawn from the size at 20–40 MB/s plus 300–900 ms
/// of registry round trips, or containerd's error for a non-existent image
/// (see the module docs for which those are).
pub fn pull(image: &ImageRef, rng: &mut Rng) -> Result<PullResult, PullError> {
    pull_with(image, || lookup(image).size_bytes, rng)
}

/// [`pull`], with the image's size from `size_bytes` (the kubelet keeps the
/// catalogue's behaviours and need not build one per pull).
pub fn pull_with(
    image: &ImageRef,
    size_bytes: impl FnOnce() -> u64,
    rng: &mut Rng,
) -> Result<PullResult, PullError> {
    let reference = image.normalized();
    let host = image.host();
    if is_reserved_host(host) {
        let tag_or_digest = image
            .digest
            .clone()
            .or_else(|| image.effective_tag().map(str::to_string))
            .unwrap_or_default();
        return Err(PullError {
            message: format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{reference}\": \
                 failed to resolve reference \"{reference}\": failed to do request: Head \
                 \"https://{domain}/v2/{path}/manifests/{tag_or_digest}\": dial tcp: lookup {host}: no such host",
                domain = image.domain,
                path = image.path,
            ),
        });
    }
    let bad = |s: &str| NONEXISTENT_WORDS.iter().any(|w| s.contains(w));
    if bad(&image.path) {
        return Err(PullError {
            message: format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{reference}\": \
                 failed to resolve reference \"{reference}\": pull access denied, repository does \
                 not exist or may require authorization: server message: insufficient_scope: \
                 authorization failed"
            ),
        });
    }
    if image.tag.as_deref().is_some_and(bad) {
        return Err(PullError {
            message: format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": \
                 failed to resolve reference \"{reference}\": {reference}: not found"
            ),
        });
    }
    let size_bytes = size_bytes();
    let mb_per_s = rng.between(20, 40);
    let transfer_ms = size_bytes / (mb_per_s * 1000);
    let duration_ms = transfer_ms + rng.between(300, 900);
    let digest = image
        .digest
        .clone()
        .unwrap_or_else(|| fake_digest(&format!("digest:{reference}")));
    Ok(PullResult {
        duration_ms,
        size_bytes,
        image_id: fake_digest(&format!("id:{reference}")),
        digest,
    })
}

/// Formats a log template at `now`.
pub fn render(
    line: &LogLine,
    format: &str,
    now: DateTime<Utc>,
    hostname: &str,
    ip: &str,
) -> String {
    LogRenderer::new(format, now, hostname, ip).render(line)
}

/// Renders the log lines a process prints at one moment: the timestamps
/// are formatted once for all of them (an image prints a dozen lines at
/// start, and this runs for every container started).
pub struct LogRenderer<'a> {
    format: &'a str,
    now: DateTime<Utc>,
    hostname: &'a str,
    ip: &'a str,
    ts: Option<String>,
    date: Option<String>,
}

impl<'a> LogRenderer<'a> {
    /// A renderer for lines printed at `now`.
    pub fn new(format: &'a str, now: DateTime<Utc>, hostname: &'a str, ip: &'a str) -> Self {
        LogRenderer {
            format,
            now,
            hostname,
            ip,
            ts: None,
            date: None,
        }
    }

    /// The line with `{hostname}`, `{ip}`, `{ts}` and `{date}` replaced.
    pub fn render(&mut self, line: &LogLine) -> String {
        let mut out = String::with_capacity(line.text.len() + 16);
        let mut rest = line.text.as_str();
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let (value, len) = if rest.starts_with("{hostname}") {
                (self.hostname, "{hostname}".len())
            } else if rest.starts_with("{ip}") {
                (self.ip, "{ip}".len())
            } else if rest.starts_with("{ts}") {
                let (now, format) = (self.now, self.format);
                let ts = self
                    .ts
                    .get_or_insert_with(|| now.format(format).to_string());
                (ts.as_str(), "{ts}".len())
            } else if rest.starts_with("{date}") {
                let now = self.now;
                let date = self
                    .date
                    .get_or_insert_with(|| now.format("%Y-%m-%d %H:%M:%S+00:00").to_string());
                (date.as_str(), "{date}".len())
            } else {
                ("{", 1)
            };
            out.push_str(value);
            rest = &rest[len..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::image::parse;
    use k8s_openapi::chrono::TimeZone;

    fn img(s: &str) -> ImageRef {
        parse(s).unwrap()
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap()
    }

    #[test]
    fn any_tag_of_nginx_serves_the_welcome_page_and_404s_elsewhere() {
        let b = lookup(&img("nginx:1.19"));
        let s = b.serve(&strs(&["nginx", "-g", "daemon off;"]), &BTreeMap::new());
        let r = s.http_get(80, "/", 0, "web", t0()).unwrap();
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Welcome to nginx!"));
        assert_eq!(s.http_get(80, "/nope", 0, "web", t0()).unwrap().status, 404);
        assert_eq!(s.http_get(8080, "/", 0, "web", t0()), None);
    }

    #[test]
    fn root_fs_has_the_image_files_and_hostname() {
        let fs = lookup(&img("nginx")).root_fs("web-0");
        assert_eq!(fs.read("/etc/hostname"), Ok("web-0\n"));
        assert!(fs
            .read("/usr/share/nginx/html/index.html")
            .unwrap()
            .contains("Welcome to nginx!"));
        let fs = lookup(&img("alpine:3.21")).root_fs("a");
        assert!(fs.read("/etc/os-release").unwrap().contains("ID=alpine"));
    }

    #[test]
    fn tutorial_images_are_known() {
        for name in KNOWN {
            let b = lookup(&img(name));
            assert_eq!(&b.repository, name);
        }
        assert_eq!(
            lookup(&img("k8s.gcr.io/echoserver:1.4")).repository,
            "registry.k8s.io/echoserver"
        );
    }

    #[test]
    fn httpd_says_it_works() {
        let b = lookup(&img("httpd:2.4"));
        let s = b.serve(&b.cmd, &BTreeMap::new());
        assert!(s
            .http_get(80, "/", 0, "h", t0())
            .unwrap()
            .body
            .contains("It works!"));
    }

    #[test]
    fn unknown_image_is_a_generic_process_listening_on_nothing() {
        let b = lookup(&img("example/unknown-app:2"));
        assert_eq!(b.repository, "");
        assert!(b.ports.is_empty());
        assert!(b.http.is_none());
    }

    #[test]
    fn postgres_without_password_exits_with_code_1() {
        let b = lookup(&img("postgres:17"));
        let s = b.serve(&b.cmd, &BTreeMap::new());
        assert_eq!(s.exit_code, Some(1));
        assert!(s.startup_logs[0]
            .text
            .starts_with("Error: Database is uninitialized"));
        let env = BTreeMap::from([("POSTGRES_PASSWORD".to_string(), "pw".to_string())]);
        assert_eq!(b.serve(&b.cmd, &env).exit_code, None);
    }

    #[test]
    fn http_echo_serves_its_text_argument() {
        let b = lookup(&img("hashicorp/http-echo"));
        let s = b.serve(&strs(&["/http-echo", "-text=apple"]), &BTreeMap::new());
        assert_eq!(s.http_get(5678, "/", 0, "h", t0()).unwrap().body, "apple\n");
    }

    #[test]
    fn hello_app_prints_version_and_hostname() {
        let b = lookup(&img("gcr.io/google-samples/hello-app:1.0"));
        let s = b.serve(&b.entrypoint, &BTreeMap::new());
        assert_eq!(
            s.http_get(8080, "/", 0, "web-1", t0()).unwrap().body,
            "Hello, world!\nVersion: 1.0.0\nHostname: web-1\n"
        );
    }

    #[test]
    fn liveness_healthz_fails_after_ten_seconds() {
        let b = lookup(&img("registry.k8s.io/liveness"));
        let s = b.serve(&strs(&["/server"]), &BTreeMap::new());
        assert_eq!(
            s.http_get(8080, "/healthz", 9_000, "h", t0())
                .unwrap()
                .status,
            200
        );
        assert_eq!(
            s.http_get(8080, "/healthz", 10_500, "h", t0())
                .unwrap()
                .status,
            500
        );
    }

    #[test]
    fn stress_memory_follows_vm_bytes() {
        let b = lookup(&img("polinux/stress"));
        let s = b.serve(
            &strs(&[
                "stress",
                "--vm",
                "1",
                "--vm-bytes",
                "250M",
                "--vm-hang",
                "1",
            ]),
            &BTreeMap::new(),
        );
        assert_eq!(s.memory_bytes, 251 * MIB);
    }

    #[test]
    fn agnhost_netexec_listens_on_http_port() {
        let b = lookup(&img("registry.k8s.io/e2e-test-images/agnhost:2.39"));
        let s = b.serve(
            &strs(&["/agnhost", "netexec", "--http-port=9000"]),
            &BTreeMap::new(),
        );
        assert_eq!(s.ports, vec![9000]);
        assert_eq!(
            s.http_get(9000, "/hostname", 0, "pod-a", t0())
                .unwrap()
                .body,
            "pod-a"
        );
        let s = b.serve(&strs(&["/agnhost", "netexec"]), &BTreeMap::new());
        assert_eq!(s.ports, vec![8080]);
    }

    #[test]
    fn nginx_pull_takes_a_few_seconds_and_is_deterministic() {
        let mut rng = Rng::stream(1, "pull");
        let a = pull(&img("nginx"), &mut rng).unwrap();
        assert!(
            (2_000..=6_000).contains(&a.duration_ms),
            "{}",
            a.duration_ms
        );
        assert_eq!(a.size_bytes, 72_195_292);
        assert_eq!(a.image_id.len(), 71);
        let b = pull(&img("nginx"), &mut Rng::stream(1, "pull")).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn reserved_registry_host_fails_to_pull() {
        let e = pull(&img("registry.invalid/app:1.0"), &mut Rng::stream(1, "p")).unwrap_err();
        assert_eq!(
            e.message,
            "rpc error: code = Unknown desc = failed to pull and unpack image \"registry.invalid/app:1.0\": \
             failed to resolve reference \"registry.invalid/app:1.0\": failed to do request: Head \
             \"https://registry.invalid/v2/app/manifests/1.0\": dial tcp: lookup registry.invalid: no such host"
        );
        assert!(pull(&img("example.com/app"), &mut Rng::stream(1, "p")).is_err());
        assert!(pull(&img("foo.test:5000/app"), &mut Rng::stream(1, "p")).is_err());
        assert!(pull(&img("gcr.io/app"), &mut Rng::stream(1, "p")).is_ok());
    }

    #[test]
    fn nonexistent_tag_is_not_found_and_repository_is_access_denied() {
        let e = pull(&img("nginx:doesnotexist"), &mut Rng::stream(1, "p")).unwrap_err();
        assert!(e.message.starts_with("rpc error: code = NotFound"));
        assert!(e
            .message
            .ends_with("docker.io/library/nginx:doesnotexist: not found"));
        let e = pull(&img("does-not-exist"), &mut Rng::stream(1, "p")).unwrap_err();
        assert!(e.message.contains(
            "pull access denied, repository does not exist or may require authorization"
        ));
    }

    #[test]
    fn log_templates_render_timestamps_in_the_image_format() {
        let b = lookup(&img("nginx"));
        let line = render(
            &b.startup_logs[10],
            &b.log_time_format,
            t0(),
            "h",
            "10.0.0.1",
        );
        assert_eq!(line, "2025/03/03 09:00:00 [notice] 1#1: nginx/1.27.4");
    }

    #[test]
    fn every_placeholder_is_replaced_and_other_braces_kept() {
        let line = LogLine {
            stream: Stream::Stdout,
            text: "{ts} {hostname}@{ip} {json} {date} {ts}{".into(),
        };
        assert_eq!(
            render(&line, "%H:%M", t0(), "web-0", "10.0.0.1"),
            "09:00 web-0@10.0.0.1 {json} 2025-03-03 09:00:00+00:00 09:00{"
        );
    }
}
