//! The prober (pkg/kubelet/prober): one worker per (pod, container, probe
//! kind). Initial results differ by kind — readiness starts as failure,
//! liveness as success, startup as unknown — and a startup probe gates the
//! other two until it succeeds. Results are evaluated against what the
//! simulated container really serves: nothing listening is "connection
//! refused", an unknown path on nginx is a 404, an exec probe runs the shell
//! in the container's filesystem.

use super::{Kubelet, RunState, Work};
use crate::api::core;
use crate::clock::{Millis, SECOND};
use crate::runtime::shell;
use crate::simulation::{Ctx, Event};
use crate::trace::TraceKind;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    /// livenessProbe.
    Liveness,
    /// readinessProbe.
    Readiness,
    /// startupProbe.
    Startup,
}

impl ProbeKind {
    /// `Liveness`, as in `Liveness probe failed: ...`.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }
}

/// One probe worker's state.
#[derive(Clone, Debug)]
pub struct ProbeWorker {
    /// Which probe.
    pub kind: ProbeKind,
    /// The probe spec.
    pub probe: core::Probe,
    /// initialDelaySeconds.
    pub initial_delay: Millis,
    /// periodSeconds.
    pub period: Millis,
    consecutive_ok: i32,
    consecutive_fail: i32,
    /// The last result: `None` is Unknown.
    pub result: Option<bool>,
}

/// The probe workers of a container.
pub fn workers_for(c: &core::Container) -> Vec<ProbeWorker> {
    let mut v = Vec::new();
    for (kind, p) in [
        (ProbeKind::Startup, &c.startup_probe),
        (ProbeKind::Liveness, &c.liveness_probe),
        (ProbeKind::Readiness, &c.readiness_probe),
    ] {
        if let Some(p) = p {
            v.push(ProbeWorker {
                kind,
                probe: p.clone(),
                initial_delay: p.initial_delay_seconds.unwrap_or(0).max(0) as Millis * SECOND,
                period: p.period_seconds.unwrap_or(10).max(1) as Millis * SECOND,
                consecutive_ok: 0,
                consecutive_fail: 0,
                result: match kind {
                    ProbeKind::Readiness => Some(false),
                    ProbeKind::Liveness => Some(true),
                    ProbeKind::Startup => None,
                },
            });
        }
    }
    v
}

/// Runs one probe and applies its result.
pub(super) fn run_probe(
    k: &mut Kubelet,
    key: &str,
    container: &str,
    kind: ProbeKind,
    ctx: &mut Ctx,
) {
    let now = ctx.now();
    let node = k.node.clone();
    let Some(w) = k.workers.get(key) else { return };
    if w.terminating_since.is_some() {
        return;
    }
    let ip = w.ip.clone();
    let Some(c) = w.containers.iter().find(|c| c.name == container) else {
        return;
    };
    let RunState::Running { started_at } = c.state else {
        return;
    };
    let Some(pw) = c.probes.iter().find(|p| p.kind == kind).cloned() else {
        return;
    };
    let generation = c.generation;
    let reschedule = |ctx: &mut Ctx| {
        ctx.after(
            pw.period,
            Event::Kubelet(
                node.clone(),
                Work::Probe {
                    pod: key.to_string(),
                    container: container.to_string(),
                    kind,
                    generation,
                },
            ),
        );
    };
    // A startup probe gates the others; it stops once it has succeeded.
    if kind != ProbeKind::Startup && !c.started {
        reschedule(ctx);
        return;
    }
    if kind == ProbeKind::Startup && c.started {
        return;
    }
    let (ns, name) = key.split_once('/').unwrap_or(("", key));
    let pod = ctx
        .api
        .get_typed::<core::Pod>(
            crate::api::registry::by_kind("v1", "Pod").unwrap(),
            ns,
            name,
        )
        .cloned();
    let Some(pod) = pod else { return };
    let cspec = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|x| x.name == container))
        .cloned()
        .unwrap_or_default();
    let (ok, output) = evaluate(
        k,
        key,
        container,
        &pw.probe,
        &cspec,
        &ip,
        now.saturating_sub(started_at),
        ctx,
    );

    let title = kind.title();
    ctx.api.trace.record(
        now,
        format!("kubelet/{node}"),
        TraceKind::ProbeResult {
            pod: key.to_string(),
            container: container.to_string(),
            probe: title,
            result: if ok {
                "success".into()
            } else {
                format!("failure: {output}")
            },
        },
    );
    if !ok {
        k.pod_event(
            key,
            container,
            ctx,
            "Warning",
            "Unhealthy",
            &format!("{title} probe failed: {output}"),
        );
    }
    let success_threshold = pw.probe.success_threshold.unwrap_or(1).max(1);
    let failure_threshold = pw.probe.failure_threshold.unwrap_or(3).max(1);
    let w = k.workers.get_mut(key).unwrap();
    let c = w
        .containers
        .iter_mut()
        .find(|c| c.name == container)
        .unwrap();
    let p = c.probes.iter_mut().find(|p| p.kind == kind).unwrap();
    if ok {
        p.consecutive_ok += 1;
        p.consecutive_fail = 0;
        if p.consecutive_ok >= success_threshold {
            p.result = Some(true);
        }
    } else {
        p.consecutive_fail += 1;
        p.consecutive_ok = 0;
        if p.consecutive_fail >= failure_threshold {
            p.result = Some(false);
        }
    }
    let result = p.result;
    match kind {
        ProbeKind::Readiness => c.ready = result == Some(true),
        ProbeKind::Startup if result == Some(true) => c.started = true,
        _ => {}
    }
    if !c.probes.iter().any(|p| p.kind == ProbeKind::Readiness) && c.started {
        c.ready = true;
    }
    let kill = result == Some(false) && matches!(kind, ProbeKind::Liveness | ProbeKind::Startup);
    if kill {
        let what = if kind == ProbeKind::Liveness {
            "liveness"
        } else {
            "startup"
        };
        let graceful = c
            .process
            .as_ref()
            .is_some_and(|p| !p.listening_ports().is_empty());
        c.probes.clear();
        k.pod_event(
            key,
            container,
            ctx,
            "Normal",
            "Killing",
            &format!("Container {container} failed {what} probe, will be restarted"),
        );
        // A process that handles SIGTERM stops at once; a shell as PID 1
        // ignores it and is killed (137) when the grace period ends.
        let grace = pw
            .probe
            .termination_grace_period_seconds
            .or(pod
                .spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds))
            .unwrap_or(30)
            .max(0) as Millis
            * SECOND;
        let (delay, code) = if graceful {
            (1, 0)
        } else {
            (grace.max(1), 137)
        };
        ctx.after(
            delay,
            Event::Kubelet(
                node,
                Work::KillContainer {
                    pod: key.to_string(),
                    container: container.to_string(),
                    generation,
                    exit_code: code,
                },
            ),
        );
        return;
    }
    reschedule(ctx);
}

fn resolve_port(port: &IntOrString, c: &core::Container) -> Option<u16> {
    match port {
        IntOrString::Int(p) => u16::try_from(*p).ok(),
        IntOrString::String(name) => c
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| u16::try_from(p.container_port).ok()),
    }
}

#[allow(clippy::too_many_arguments)]
fn evaluate(
    k: &mut Kubelet,
    key: &str,
    container: &str,
    probe: &core::Probe,
    cspec: &core::Container,
    ip: &str,
    uptime: Millis,
    ctx: &Ctx,
) -> (bool, String) {
    let now = ctx.api.clock.datetime(ctx.now());
    let hostname = key
        .split_once('/')
        .map(|(_, n)| n.to_string())
        .unwrap_or_default();
    let Some(w) = k.workers.get_mut(key) else {
        return (false, String::new());
    };
    let Some(c) = w.containers.iter_mut().find(|c| c.name == container) else {
        return (false, String::new());
    };
    let _ = (uptime, &hostname);
    let process = c.process.as_ref();
    if let Some(h) = &probe.http_get {
        let Some(port) = resolve_port(&h.port, cspec) else {
            return (false, format!("unable to resolve port {:?}", h.port));
        };
        let host = h.host.clone().unwrap_or_else(|| ip.to_string());
        let path = h.path.clone().unwrap_or_else(|| "/".into());
        let scheme = h
            .scheme
            .clone()
            .unwrap_or_else(|| "HTTP".into())
            .to_lowercase();
        let url = format!("{scheme}://{host}:{port}{path}");
        return match process.and_then(|p| p.http_get(port, &path, now)) {
            Some(r) if (200..400).contains(&r.status) => (true, String::new()),
            Some(r) => (
                false,
                format!("HTTP probe failed with statuscode: {}", r.status),
            ),
            None => (
                false,
                format!("Get \"{url}\": dial tcp {host}:{port}: connect: connection refused"),
            ),
        };
    }
    if let Some(t) = &probe.tcp_socket {
        let Some(port) = resolve_port(&t.port, cspec) else {
            return (false, format!("unable to resolve port {:?}", t.port));
        };
        let host = t.host.clone().unwrap_or_else(|| ip.to_string());
        return if process.is_some_and(|p| p.listening_ports().contains(&port)) {
            (true, String::new())
        } else {
            (
                false,
                format!("dial tcp {host}:{port}: connect: connection refused"),
            )
        };
    }
    if let Some(e) = &probe.exec {
        let argv = e.command.clone().unwrap_or_default();
        let r = shell::exec_with(
            &argv,
            &c.env,
            &mut c.fs,
            now,
            c.behavior.as_deref(),
            &mut shell::NoNetwork,
        );
        if r.timed_out {
            let secs = probe.timeout_seconds.unwrap_or(1);
            return (
                false,
                format!(
                    "command timed out: \"{}\" timed out after {secs}s",
                    argv.join(" ")
                ),
            );
        }
        let out = format!("{}{}", r.stdout, r.stderr);
        return (r.exit_code == 0, out.trim_end().to_string());
    }
    if let Some(g) = &probe.grpc {
        let port = u16::try_from(g.port).unwrap_or(0);
        return if process.and_then(|p| p.grpc_health_port()) == Some(port) {
            (true, String::new())
        } else {
            (false, format!("timeout: failed to connect service \"{ip}:{port}\" within 1s: context deadline exceeded"))
        };
    }
    (false, "probe has no handler".into())
}
