//! `kubectl describe` as `k8s.io/kubectl/pkg/describe/describe.go` (v1.32)
//! lays it out: lines written through a prefix writer (`LEVEL_n` = two
//! spaces each) into a tab writer (minwidth 0, padding 2).

mod batch;

pub use batch::{describe_cron_job, describe_job};

use super::age::{rfc1123z, since, ZERO_RFC1123Z};
use super::get::{event_interval, format_label_selector, format_labels, node_roles};
use super::table::describe_align;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::chrono::{DateTime, Utc};
use kubarium_engine::api::quantity;
use kubarium_engine::api::{apps, coordination, core, meta};
use std::collections::BTreeMap;
use std::fmt::Write as _;

mod deployment;
pub use deployment::{describe_deployment, describe_pod_template};
mod sets;
pub use sets::{describe_daemon_set, describe_persistent_volume_claim, describe_stateful_set};
mod policy;
pub use policy::describe_pod_disruption_budget;
mod autoscaling;
pub use autoscaling::describe_horizontal_pod_autoscaler;

const MAX_ANNOTATION_LEN: usize = 140;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The prefix writer: text with `\t` cell separators, aligned at the end.
#[derive(Default)]
struct W {
    buf: String,
}

impl W {
    /// `PrefixWriter.Write`: the level's indent, then the text with
    /// terminal escapes made harmless (`printers.WriteEscaped`).
    fn w(&mut self, level: usize, s: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        self.buf.push_str(&escape_terminal(s));
    }

    fn line(&mut self, s: &str) {
        self.buf.push_str(&escape_terminal(s));
        self.buf.push('\n');
    }

    fn finish(self) -> String {
        describe_align(&self.buf)
    }
}

/// cli-runtime's terminal escaper: ESC becomes `^[`, CR becomes `\\r`.
fn escape_terminal(s: &str) -> String {
    s.replace('\x1b', "^[").replace('\r', "\\r")
}

/// Several describe outputs as `kubectl describe a b` prints them.
pub fn join_describes(parts: &[String]) -> String {
    parts.join("\n\n")
}

fn time_text(t: Option<&DateTime<Utc>>) -> String {
    t.map_or_else(|| ZERO_RFC1123Z.to_string(), rfc1123z)
}

fn labels_multiline(
    w: &mut W,
    initial_indent: &str,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    w.w(0, &format!("{initial_indent}{title}:\t"));
    let labels = labels.filter(|l| !l.is_empty());
    let Some(labels) = labels else {
        w.line("<none>");
        return;
    };
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.w(0, initial_indent);
            w.w(0, "\t");
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

fn annotations_multiline(
    w: &mut W,
    initial_indent: &str,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
    skip_last_applied: bool,
) {
    w.w(0, &format!("{initial_indent}{title}:\t"));
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| !(skip_last_applied && k.as_str() == LAST_APPLIED))
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let indent = format!("{initial_indent}\t");
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.w(0, &indent);
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                w.w(
                    0,
                    &format!("{indent}  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s.to_string()
    }
}

fn tolerations_multiline(
    w: &mut W,
    initial_indent: &str,
    title: &str,
    tolerations: &[core::Toleration],
) {
    w.w(0, &format!("{initial_indent}{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&core::Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, initial_indent);
            w.w(0, "\t");
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            let _ = write!(s, "={value}");
        }
        if !effect.is_empty() {
            let _ = write!(s, ":{effect}");
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            s.push_str(if !key.is_empty() || !effect.is_empty() {
                " op=Exists"
            } else {
                "op=Exists"
            });
        }
        if let Some(secs) = t.toleration_seconds {
            let _ = write!(s, " for {secs}s");
        }
        w.w(0, &format!("{s}\n"));
    }
}

fn controller_of(m: &meta::ObjectMeta) -> Option<String> {
    kubarium_engine::api::podutil::get_controller_of(m).map(|r| format!("{}/{}", r.kind, r.name))
}

/// describe's `Events:` section (`DescribeEvents`): sorted by last
/// timestamp, `Events:  <none>` when there are none.
fn events_section(w: &mut W, events: &[&core::Event], now_ms: i64) {
    if events.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    let mut sorted: Vec<&core::Event> = events.to_vec();
    sorted.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                event_interval(e, now_ms),
                source,
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
}

// ---------------------------------------------------------------- Pod

/// `kubectl describe pod`. `events` are the events about this pod.
pub fn describe_pod(pod: &core::Pod, events: &[&core::Event], now_ms: i64) -> String {
    let mut w = W::default();
    let m = &pod.metadata;
    let empty_spec = core::PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty_spec);
    let empty_status = core::PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&empty_status);
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    if let Some(p) = spec.priority {
        w.w(0, &format!("Priority:\t{p}\n"));
    }
    if let Some(pc) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = spec.runtime_class_name.as_deref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_deref().filter(|s| !s.is_empty()) {
        None => w.w(0, "Node:\t<none>\n"),
        Some(n) => w.w(
            0,
            &format!("Node:\t{n}/{}\n", status.host_ip.as_deref().unwrap_or("")),
        ),
    }
    if let Some(t) = &status.start_time {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(&t.0)));
    }
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    let phase = status.phase.as_deref().unwrap_or("");
    if let Some(del) = &m.deletion_timestamp {
        if phase != "Failed" && phase != "Succeeded" {
            w.w(
                0,
                &format!(
                    "Status:\tTerminating (lasts {})\n",
                    since(Some(&del.0), now_ms)
                ),
            );
            w.w(
                0,
                &format!(
                    "Termination Grace Period:\t{}s\n",
                    m.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        } else {
            w.w(0, &format!("Status:\t{phase}\n"));
        }
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = status.reason.as_deref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(msg) = status.message.as_deref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Message:\t{msg}\n"));
    }
    if let Some(sp) = spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref())
    {
        w.w(0, &format!("SeccompProfile:\t{}\n", sp.type_));
        if sp.type_ == "Localhost" {
            w.w(
                0,
                &format!(
                    "LocalhostProfile:\t{}\n",
                    sp.localhost_profile.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.w(
        0,
        &format!("IP:\t{}\n", status.pod_ip.as_deref().unwrap_or("")),
    );
    match status.pod_ips.as_ref().filter(|ips| !ips.is_empty()) {
        None => w.w(0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.w(0, "IPs:\n");
            for ip in ips {
                w.w(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(c) = controller_of(m) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(n) = status
        .nominated_node_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    let init = spec.init_containers.as_deref().unwrap_or(&[]);
    if !init.is_empty() {
        containers(
            &mut w,
            "Init Containers",
            init,
            status.init_container_statuses.as_deref(),
            Some(pod),
            "",
        );
    }
    containers(
        &mut w,
        "Containers",
        &spec.containers,
        status.container_statuses.as_deref(),
        Some(pod),
        "",
    );
    if let Some(gates) = spec.readiness_gates.as_ref().filter(|g| !g.is_empty()) {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let st = status
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == g.condition_type)
                .map_or("<none>", |c| c.status.as_str());
            w.w(1, &format!("{} \t{st} \n", g.condition_type));
        }
    }
    if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.w(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    volumes(&mut w, spec.volumes.as_deref().unwrap_or(&[]), "");
    let qos = status
        .qos_class
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| qos_class(spec));
    w.w(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut w, "", "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(
        &mut w,
        "",
        "Tolerations",
        spec.tolerations.as_deref().unwrap_or(&[]),
    );
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `qos.GetPodQOS`, as the API server computes it.
pub fn qos_class(spec: &core::PodSpec) -> String {
    kubarium_engine::apiserver::qos_class(Some(spec))
}

fn containers(
    w: &mut W,
    label: &str,
    cs: &[core::Container],
    statuses: Option<&[core::ContainerStatus]>,
    pod: Option<&core::Pod>,
    space: &str,
) {
    let none = if cs.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let by_name: BTreeMap<&str, &core::ContainerStatus> = statuses
        .into_iter()
        .flatten()
        .map(|s| (s.name.as_str(), s))
        .collect();
    for c in cs {
        let st = by_name.get(c.name.as_str()).copied();
        let name_indent = if space.is_empty() { "" } else { " " };
        w.w(1, &format!("{name_indent}{}:\n", c.name));
        if let Some(st) = st {
            w.w(
                2,
                &format!(
                    "Container ID:\t{}\n",
                    st.container_id.as_deref().unwrap_or("")
                ),
            );
        }
        w.w(
            2,
            &format!("Image:\t{}\n", c.image.as_deref().unwrap_or("")),
        );
        if let Some(st) = st {
            w.w(2, &format!("Image ID:\t{}\n", st.image_id));
        }
        let ports = c.ports.as_deref().unwrap_or(&[]);
        let proto = |p: &core::ContainerPort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
        let port_str = ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, proto(p)))
            .collect::<Vec<_>>()
            .join(", ");
        if port_str.contains(',') {
            w.w(2, &format!("Ports:\t{port_str}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(&port_str)));
        }
        let host_str = ports
            .iter()
            .map(|p| format!("{}/{}", p.host_port.unwrap_or(0), proto(p)))
            .collect::<Vec<_>>()
            .join(", ");
        if host_str.contains(',') {
            w.w(2, &format!("Host Ports:\t{host_str}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(&host_str)));
        }
        if let Some(sp) = c
            .security_context
            .as_ref()
            .and_then(|s| s.seccomp_profile.as_ref())
        {
            w.w(2, &format!("SeccompProfile:\t{}\n", sp.type_));
            if sp.type_ == "Localhost" {
                w.w(
                    3,
                    &format!(
                        "LocalhostProfile:\t{}\n",
                        sp.localhost_profile.as_deref().unwrap_or("")
                    ),
                );
            }
        }
        for (title, items) in [("Command", &c.command), ("Args", &c.args)] {
            if let Some(items) = items.as_ref().filter(|i| !i.is_empty()) {
                w.w(2, &format!("{title}:\n"));
                for item in items {
                    for s in item.split('\n') {
                        w.w(3, &format!("{s}\n"));
                    }
                }
            }
        }
        if let Some(st) = st {
            state(w, "State", st.state.as_ref());
            if let Some(last) = st.last_state.as_ref().filter(|s| s.terminated.is_some()) {
                state(w, "Last State", Some(last));
            }
            w.w(
                2,
                &format!("Ready:\t{}\n", if st.ready { "True" } else { "False" }),
            );
            w.w(2, &format!("Restart Count:\t{}\n", st.restart_count));
        }
        if let Some(r) = &c.resources {
            for (title, list) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
                    w.w(2, &format!("{title}:\n"));
                    for (k, q) in list {
                        w.w(3, &format!("{k}:\t{}\n", q.0));
                    }
                }
            }
        }
        for (title, p) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = p {
                w.w(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        if let Some(from) = c.env_from.as_ref().filter(|f| !f.is_empty()) {
            w.w(2, "Environment Variables from:\n");
            for e in from {
                let (kind, name, optional) = if let Some(r) = &e.config_map_ref {
                    ("ConfigMap", r.name.clone(), r.optional == Some(true))
                } else if let Some(r) = &e.secret_ref {
                    ("Secret", r.name.clone(), r.optional == Some(true))
                } else {
                    ("", String::new(), false)
                };
                match e.prefix.as_deref().filter(|p| !p.is_empty()) {
                    None => w.w(3, &format!("{name}\t{kind}\tOptional: {optional}\n")),
                    Some(p) => w.w(
                        3,
                        &format!("{name}\t{kind} with prefix '{p}'\tOptional: {optional}\n"),
                    ),
                }
            }
        }
        env(w, c, pod);
        let mounts = c.volume_mounts.as_deref().unwrap_or(&[]);
        w.w(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        let mut mounts: Vec<&core::VolumeMount> = mounts.iter().collect();
        mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
        for mnt in mounts {
            let mut flags = vec![if mnt.read_only == Some(true) {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            if let Some(sp) = mnt.sub_path.as_deref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w.w(
                3,
                &format!(
                    "{} from {} ({})\n",
                    mnt.mount_path,
                    mnt.name,
                    flags.join(",")
                ),
            );
        }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

fn state(w: &mut W, name: &str, s: Option<&core::ContainerState>) {
    let s = s.cloned().unwrap_or_default();
    if let Some(r) = &s.running {
        w.w(2, &format!("{name}:\tRunning\n"));
        w.w(
            3,
            &format!(
                "Started:\t{}\n",
                time_text(r.started_at.as_ref().map(|t| &t.0))
            ),
        );
    } else if let Some(wt) = &s.waiting {
        w.w(2, &format!("{name}:\tWaiting\n"));
        if let Some(r) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
    } else if let Some(t) = &s.terminated {
        w.w(2, &format!("{name}:\tTerminated\n"));
        if let Some(r) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
        if let Some(msg) = t.message.as_deref().filter(|r| !r.is_empty()) {
            w.w(3, &format!("Message:\t{msg}\n"));
        }
        w.w(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(sig) = t.signal.filter(|s| *s > 0) {
            w.w(3, &format!("Signal:\t{sig}\n"));
        }
        w.w(
            3,
            &format!(
                "Started:\t{}\n",
                time_text(t.started_at.as_ref().map(|t| &t.0))
            ),
        );
        w.w(
            3,
            &format!(
                "Finished:\t{}\n",
                time_text(t.finished_at.as_ref().map(|t| &t.0))
            ),
        );
    } else {
        w.w(2, &format!("{name}:\tWaiting\n"));
    }
}

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `DescribeProbe`: `http-get http://:8080/healthz delay=3s timeout=1s
/// period=3s #success=1 #failure=3`. Unset fields read as the API server's
/// defaults (timeout 1, period 10, success 1, failure 3).
pub fn describe_probe(p: &core::Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = &p.exec {
        format!(
            "exec [{}] {attrs}",
            e.command.clone().unwrap_or_default().join(" ")
        )
    } else if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        let host = h.host.as_deref().unwrap_or("");
        let port = int_or_string(&h.port);
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let authority = if port.is_empty() {
            host
        } else {
            format!("{host}:{port}")
        };
        let path = h.path.as_deref().unwrap_or("");
        let path = if !path.is_empty() && !path.starts_with('/') {
            format!("/{path}")
        } else {
            path.to_string()
        };
        format!("http-get {scheme}://{authority}{path} {attrs}")
    } else if let Some(t) = &p.tcp_socket {
        format!(
            "tcp-socket {}:{} {attrs}",
            t.host.as_deref().unwrap_or(""),
            int_or_string(&t.port)
        )
    } else if let Some(g) = &p.grpc {
        format!(
            "grpc <pod>:{} {} {attrs}",
            g.port,
            g.service.as_deref().unwrap_or("")
        )
    } else {
        format!("unknown {attrs}")
    }
}

fn field_value(pod: &core::Pod, path: &str) -> String {
    let m = &pod.metadata;
    let st = pod.status.as_ref();
    let sp = pod.spec.as_ref();
    let s = |o: Option<&String>| o.cloned().unwrap_or_default();
    let bracketed = |prefix: &str| -> Option<String> {
        path.strip_prefix(prefix)?
            .strip_suffix("']")
            .map(str::to_string)
    };
    if let Some(k) = bracketed("metadata.labels['") {
        return s(m.labels.as_ref().and_then(|l| l.get(&k)));
    }
    if let Some(k) = bracketed("metadata.annotations['") {
        return s(m.annotations.as_ref().and_then(|l| l.get(&k)));
    }
    match path {
        "metadata.name" => s(m.name.as_ref()),
        "metadata.namespace" => s(m.namespace.as_ref()),
        "metadata.uid" => s(m.uid.as_ref()),
        "spec.nodeName" => s(sp.and_then(|x| x.node_name.as_ref())),
        "spec.serviceAccountName" => s(sp.and_then(|x| x.service_account_name.as_ref())),
        "status.hostIP" => s(st.and_then(|x| x.host_ip.as_ref())),
        "status.podIP" => s(st.and_then(|x| x.pod_ip.as_ref())),
        "status.podIPs" => st
            .and_then(|x| x.pod_ips.as_ref())
            .map(|ips| {
                ips.iter()
                    .map(|i| i.ip.clone())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        "metadata.labels" => format_labels(m.labels.as_ref()),
        _ => String::new(),
    }
}

fn env(w: &mut W, c: &core::Container, pod: Option<&core::Pod>) {
    let vars = c.env.as_deref().unwrap_or(&[]);
    w.w(
        2,
        &format!(
            "Environment:{}\n",
            if vars.is_empty() { "\t<none>" } else { "" }
        ),
    );
    for e in vars {
        let Some(from) = &e.value_from else {
            for (i, s) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                if i == 0 {
                    w.w(3, &format!("{}:\t{s}\n", e.name));
                } else {
                    w.w(3, &format!("\t{s}\n"));
                }
            }
            continue;
        };
        if let Some(f) = &from.field_ref {
            let v = pod
                .map(|p| field_value(p, &f.field_path))
                .unwrap_or_default();
            let api = f.api_version.as_deref().unwrap_or("v1");
            w.w(3, &format!("{}:\t{v} ({api}:{})\n", e.name, f.field_path));
        } else if let Some(r) = &from.resource_field_ref {
            let res = r.resource.as_str();
            let lookup = |list: Option<&BTreeMap<String, Quantity>>, key: &str| {
                list.and_then(|l| l.get(key)).map(|q| q.0.clone())
            };
            let reqs = c.resources.as_ref();
            let v = match res.split_once('.') {
                Some(("limits", k)) => lookup(reqs.and_then(|r| r.limits.as_ref()), k),
                Some(("requests", k)) => lookup(reqs.and_then(|r| r.requests.as_ref()), k),
                _ => None,
            };
            let v = match v {
                Some(v) => v,
                None if res == "limits.cpu" || res == "limits.memory" => "node allocatable".into(),
                None => "0".into(),
            };
            w.w(3, &format!("{}:\t{v} ({res})\n", e.name));
        } else if let Some(r) = &from.secret_key_ref {
            w.w(
                3,
                &format!(
                    "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    e.name,
                    r.key,
                    r.name,
                    r.optional == Some(true)
                ),
            );
        } else if let Some(r) = &from.config_map_key_ref {
            w.w(
                3,
                &format!(
                    "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    e.name,
                    r.key,
                    r.name,
                    r.optional == Some(true)
                ),
            );
        }
    }
}

fn opt_bool(b: Option<bool>) -> String {
    b.map_or_else(|| "<nil>".to_string(), |b| b.to_string())
}

fn volumes(w: &mut W, vols: &[core::Volume], space: &str) {
    if vols.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.w(1, &format!("{name_indent}{}:\n", v.name));
        if let Some(h) = &v.host_path {
            w.w(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    h.path,
                    h.type_.as_deref().unwrap_or("<none>")
                ),
            );
        } else if let Some(e) = &v.empty_dir {
            let size = e
                .size_limit
                .as_ref()
                .filter(|q| quantity::parse(&q.0).is_ok_and(|m| m.0 > 0))
                .map_or_else(|| "<unset>".to_string(), |q| q.0.clone());
            w.w(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    e.medium.as_deref().unwrap_or("")
                ),
            );
        } else if let Some(s) = &v.secret {
            w.w(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    s.secret_name.as_deref().unwrap_or(""),
                    s.optional == Some(true)
                ),
            );
        } else if let Some(c) = &v.config_map {
            w.w(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    c.name,
                    c.optional == Some(true)
                ),
            );
        } else if let Some(c) = &v.persistent_volume_claim {
            w.w(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    c.claim_name,
                    c.read_only == Some(true)
                ),
            );
        } else if let Some(p) = &v.projected {
            w.w(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for src in p.sources.iter().flatten() {
                if let Some(s) = &src.secret {
                    w.w(
                        2,
                        &format!(
                            "SecretName:\t{}\n    SecretOptionalName:\t{}\n",
                            s.name,
                            opt_bool(s.optional)
                        ),
                    );
                } else if src.downward_api.is_some() {
                    w.w(2, "DownwardAPI:\ttrue\n");
                } else if let Some(c) = &src.config_map {
                    w.w(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n",
                            c.name,
                            opt_bool(c.optional)
                        ),
                    );
                } else if let Some(t) = &src.service_account_token {
                    w.w(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            t.expiration_seconds.unwrap_or(3600)
                        ),
                    );
                }
            }
        } else {
            w.w(1, "<unknown>\n");
        }
    }
}

// ---------------------------------------------------------------- Node

fn cpu_text(millis: i64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

/// The canonical text of a byte count, binary (`Ki`, `Mi`...) or decimal (`k`, `M`...).
fn bytes_text(v: i64, binary: bool) -> String {
    if v == 0 {
        return "0".into();
    }
    if binary && v.abs() >= 1024 {
        let mut n = v;
        let mut i = 0;
        while n % 1024 == 0 && i < 6 {
            n /= 1024;
            i += 1;
        }
        return format!("{n}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i]);
    }
    let mut n = v;
    let mut i = 0;
    while n % 1000 == 0 && i < 6 {
        n /= 1000;
        i += 1;
    }
    format!("{n}{}", ["", "k", "M", "G", "T", "P", "E"][i])
}

/// A sum of quantities of one resource, printed like Go's `Quantity.String()`
/// of the sum (the format of the first non-zero term).
#[derive(Default, Clone, Copy)]
struct Sum {
    value: i64,
    binary: Option<bool>,
}

impl Sum {
    fn add(&mut self, q: &Quantity, cpu: bool) {
        let v = if cpu {
            quantity::cpu_millis(&q.0)
        } else {
            quantity::bytes(&q.0)
        };
        if self.value == 0 && v != 0 {
            self.binary = Some(q.0.ends_with('i'));
        }
        self.value += v;
    }

    fn text(&self, cpu: bool) -> String {
        if cpu {
            cpu_text(self.value)
        } else {
            bytes_text(self.value, self.binary.unwrap_or(false))
        }
    }
}

fn max_sum(a: Sum, b: Sum) -> Sum {
    if b.value > a.value {
        b
    } else {
        a
    }
}

/// `resourcehelper.PodRequestsAndLimits` for one resource: containers and
/// sidecars summed, then the max with each regular init container.
fn pod_total(pod: &core::Pod, res: &str, limits: bool) -> Sum {
    let cpu = res == "cpu";
    let get = |c: &core::Container| {
        let mut s = Sum::default();
        if let Some(q) = c
            .resources
            .as_ref()
            .and_then(|r| {
                if limits {
                    r.limits.as_ref()
                } else {
                    r.requests.as_ref()
                }
            })
            .and_then(|m| m.get(res))
        {
            s.add(q, cpu);
        }
        s
    };
    let Some(spec) = &pod.spec else {
        return Sum::default();
    };
    let mut total = Sum::default();
    for c in &spec.containers {
        let s = get(c);
        if s.value != 0 {
            if total.value == 0 {
                total.binary = s.binary;
            }
            total.value += s.value;
        }
    }
    let mut sidecars = Sum::default();
    for c in spec.init_containers.iter().flatten() {
        let s = get(c);
        if c.restart_policy.as_deref() == Some("Always") {
            if total.value == 0 {
                total.binary = s.binary;
            }
            total.value += s.value;
            sidecars.value += s.value;
        } else {
            let with = Sum {
                value: s.value + sidecars.value,
                binary: s.binary,
            };
            total = max_sum(total, with);
        }
    }
    total
}

fn pct(v: i64, of: i64) -> i64 {
    if of == 0 {
        0
    } else {
        (v as f64 / of as f64 * 100.0) as i64
    }
}

/// `kubectl describe node`. `pods` are the non-terminated pods on the node
/// (in the API's order), `lease` its Lease in `kube-node-lease`.
pub fn describe_node(
    node: &core::Node,
    pods: &[&core::Pod],
    events: &[&core::Event],
    lease: Option<&coordination::Lease>,
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    let roles = node_roles(node);
    w.w(
        0,
        &format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            }
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_text(m.creation_timestamp.as_ref().map(|t| &t.0))
        ),
    );
    let mut taints: Vec<core::Taint> = spec.taints.clone().unwrap_or_default();
    w.w(0, "Taints:\t");
    if taints.is_empty() {
        w.line("<none>");
    } else {
        taints.sort_by(|a, b| {
            format!("{},{}", a.effect, a.key).cmp(&format!("{},{}", b.effect, b.key))
        });
        for (i, t) in taints.iter().enumerate() {
            if i != 0 {
                w.w(0, "\t");
            }
            match t.value.as_deref().filter(|v| !v.is_empty()) {
                None => w.w(0, &format!("{}:{}\n", t.key, t.effect)),
                Some(v) => w.w(0, &format!("{}={v}:{}\n", t.key, t.effect)),
            }
        }
    }
    w.w(
        0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable == Some(true)),
    );
    let Some(lease) = lease else {
        w.w(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{}\" not found\n",
                m.name.as_deref().unwrap_or("")
            ),
        );
        return describe_node_rest(w, node, &spec, &status, pods, events, now_ms);
    };
    w.w(0, "Lease:\n");
    let ls = lease.spec.as_ref();
    w.w(
        1,
        &format!(
            "HolderIdentity:\t{}\n",
            ls.and_then(|s| s.holder_identity.clone())
                .unwrap_or_else(|| "<unset>".into())
        ),
    );
    let micro =
        |t: Option<&meta::MicroTime>| t.map_or_else(|| "<unset>".to_string(), |t| rfc1123z(&t.0));
    w.w(
        1,
        &format!(
            "AcquireTime:\t{}\n",
            micro(ls.and_then(|s| s.acquire_time.as_ref()))
        ),
    );
    w.w(
        1,
        &format!(
            "RenewTime:\t{}\n",
            micro(ls.and_then(|s| s.renew_time.as_ref()))
        ),
    );
    describe_node_rest(w, node, &spec, &status, pods, events, now_ms)
}

/// describe node after the Lease section.
fn describe_node_rest(
    mut w: W,
    node: &core::Node,
    spec: &core::NodeSpec,
    status: &core::NodeStatus,
    pods: &[&core::Pod],
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conds {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    time_text(c.last_heartbeat_time.as_ref().map(|t| &t.0)),
                    time_text(c.last_transition_time.as_ref().map(|t| &t.0)),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        w.w(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.w(0, &format!("{title}:\n"));
            for (k, q) in list {
                w.w(0, &format!("  {k}:\t{}\n", q.0));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.w(0, "System Info:\n");
    for (k, v) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.w(0, &format!("  {k}:\t{v}\n"));
    }
    if let Some(c) = spec.pod_cidr.as_deref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("PodCIDR:\t{c}\n"));
    }
    if let Some(c) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, &format!("PodCIDRs:\t{}\n", c.join(",")));
    }
    if let Some(p) = spec.provider_id.as_deref().filter(|s| !s.is_empty()) {
        w.w(0, &format!("ProviderID:\t{p}\n"));
    }
    node_resources(&mut w, node, pods, status, now_ms);
    events_section(&mut w, events, now_ms);
    w.finish()
}

fn node_resources(
    w: &mut W,
    _node: &core::Node,
    pods: &[&core::Pod],
    status: &core::NodeStatus,
    now_ms: i64,
) {
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let alloc = status
        .allocatable
        .clone()
        .filter(|a| !a.is_empty())
        .or_else(|| status.capacity.clone())
        .unwrap_or_default();
    let alloc_cpu = alloc.get("cpu").map_or(0, |q| quantity::cpu_millis(&q.0));
    let alloc_mem = alloc.get("memory").map_or(0, |q| quantity::bytes(&q.0));
    let alloc_eph = alloc
        .get("ephemeral-storage")
        .map_or(0, |q| quantity::bytes(&q.0));
    let mut totals: BTreeMap<(&str, bool), Sum> = BTreeMap::new();
    for p in pods {
        let cr = pod_total(p, "cpu", false);
        let cl = pod_total(p, "cpu", true);
        let mr = pod_total(p, "memory", false);
        let ml = pod_total(p, "memory", true);
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or(""),
                cr.text(true),
                pct(cr.value, alloc_cpu),
                cl.text(true),
                pct(cl.value, alloc_cpu),
                mr.text(false),
                pct(mr.value, alloc_mem),
                ml.text(false),
                pct(ml.value, alloc_mem),
                since(p.metadata.creation_timestamp.as_ref().map(|t| &t.0), now_ms)
            ),
        );
        for res in ["cpu", "memory", "ephemeral-storage"] {
            for limits in [false, true] {
                let s = pod_total(p, res, limits);
                let t = totals.entry((res, limits)).or_default();
                if t.value == 0 && s.value != 0 {
                    t.binary = s.binary;
                }
                t.value += s.value;
            }
        }
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    for (res, of) in [
        ("cpu", alloc_cpu),
        ("memory", alloc_mem),
        ("ephemeral-storage", alloc_eph),
    ] {
        let cpu = res == "cpu";
        let r = totals.get(&(res, false)).copied().unwrap_or_default();
        let l = totals.get(&(res, true)).copied().unwrap_or_default();
        w.w(
            1,
            &format!(
                "{res}\t{} ({}%)\t{} ({}%)\n",
                r.text(cpu),
                pct(r.value, of),
                l.text(cpu),
                pct(l.value, of)
            ),
        );
    }
    for k in alloc.keys().filter(|k| k.starts_with("hugepages-")) {
        w.w(1, &format!("{k}\t0 (0%)\t0 (0%)\n"));
    }
}

// ---------------------------------------------------------------- ReplicaSet

/// `kubectl describe replicaset`. `pods` are the pods it controls (for the
/// `Pods Status:` line).
pub fn describe_replica_set(
    rs: &apps::ReplicaSet,
    pods: &[&core::Pod],
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    if let Some(c) = controller_of(m) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    let current = rs.status.as_ref().map_or(0, |s| s.replicas);
    w.w(
        0,
        &format!(
            "Replicas:\t{current} current / {} desired\n",
            spec.replicas.unwrap_or(1)
        ),
    );
    let count = |phase: &str| {
        pods.iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some(phase))
            .count()
    };
    w.w(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
    pod_template(&mut w, spec.template.as_ref());
    if let Some(conds) = rs
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .filter(|c| !c.is_empty())
    {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    c.type_,
                    c.status,
                    c.reason.as_deref().unwrap_or("")
                ),
            );
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

fn pod_template(w: &mut W, t: Option<&core::PodTemplateSpec>) {
    w.w(0, "Pod Template:\n");
    let Some(t) = t else {
        w.w(1, "<unset>");
        return;
    };
    let m = t.metadata.clone().unwrap_or_default();
    labels_multiline(w, "  ", "Labels", m.labels.as_ref());
    if m.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations_multiline(w, "  ", "Annotations", m.annotations.as_ref(), true);
    }
    let spec = t.spec.clone().unwrap_or_default();
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(1, &format!("Service Account:\t{sa}\n"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(w, "Init Containers", init, None, None, "  ");
    }
    containers(w, "Containers", &spec.containers, None, None, "  ");
    volumes(w, spec.volumes.as_deref().unwrap_or(&[]), "  ");
    if let Some(pc) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(w, "  ", "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(
        w,
        "  ",
        "Tolerations",
        spec.tolerations.as_deref().unwrap_or(&[]),
    );
}

// ---------------------------------------------------------------- small kinds

/// `kubectl describe namespace` (the engine has no ResourceQuota or
/// LimitRange, so both sections read as empty).
pub fn describe_namespace(ns: &core::Namespace) -> String {
    let mut w = W::default();
    let m = &ns.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    let st = ns.status.clone().unwrap_or_default();
    w.w(
        0,
        &format!("Status:\t{}\n", st.phase.as_deref().unwrap_or("")),
    );
    if let Some(conds) = st.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    time_text(c.last_transition_time.as_ref().map(|t| &t.0)),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.w(0, "\nNo resource quota.\n");
    w.w(0, "\nNo LimitRange resource.\n");
    w.finish()
}

/// `kubectl describe configmap`.
pub fn describe_config_map(cm: &core::ConfigMap, events: &[&core::Event], now_ms: i64) -> String {
    let mut w = W::default();
    let m = &cm.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    w.w(0, "\nData\n====\n");
    for (k, v) in cm.data.iter().flatten() {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in cm.binary_data.iter().flatten() {
        w.w(0, &format!("{k}: {} bytes\n", v.0.len()));
    }
    w.w(0, "\n");
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe secret` (sizes, never values, except a
/// service-account token).
pub fn describe_secret(s: &core::Secret) -> String {
    let mut w = W::default();
    let m = &s.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    let ty = s.type_.as_deref().unwrap_or("");
    w.w(0, &format!("\nType:\t{ty}\n"));
    w.w(0, "\nData\n====\n");
    for (k, v) in s.data.iter().flatten() {
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            w.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&v.0)));
        } else {
            w.w(0, &format!("{k}:\t{} bytes\n", v.0.len()));
        }
    }
    w.finish()
}

/// `kubectl describe serviceaccount`.
pub fn describe_service_account(
    sa: &core::ServiceAccount,
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &sa.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "", "Labels", m.labels.as_ref());
    annotations_multiline(&mut w, "", "Annotations", m.annotations.as_ref(), true);
    let pull: Vec<String> = sa
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|s| s.name.clone())
        .collect();
    let mount: Vec<String> = sa
        .secrets
        .iter()
        .flatten()
        .map(|s| s.name.clone().unwrap_or_default())
        .collect();
    for (header, names) in [
        ("Image pull secrets:", pull),
        ("Mountable secrets: ", mount),
        ("Tokens:            ", Vec::new()),
    ] {
        if names.is_empty() {
            w.w(0, &format!("{header}\t<none>\n"));
        } else {
            for (i, n) in names.iter().enumerate() {
                let h = if i == 0 {
                    header
                } else {
                    "                   "
                };
                w.w(0, &format!("{h}\t{n}\n"));
            }
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `describePriorityClass` (staging/src/k8s.io/kubectl/pkg/describe/describe.go).
pub fn describe_priority_class(
    pc: &kubarium_engine::api::scheduling::PriorityClass,
    events: &[&core::Event],
    now_ms: i64,
) -> String {
    let mut w = W::default();
    let m = &pc.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.w(0, &format!("Value:\t{}\n", pc.value));
    w.w(
        0,
        &format!("GlobalDefault:\t{}\n", pc.global_default.unwrap_or(false)),
    );
    w.w(
        0,
        &format!(
            "PreemptionPolicy:\t{}\n",
            pc.preemption_policy.as_deref().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "Description:\t{}\n",
            pc.description.as_deref().unwrap_or("")
        ),
    );
    // labels.FormatLabels: one line, `<none>` when empty.
    w.w(
        0,
        &format!(
            "Annotations:\t{}\n",
            super::get::format_labels(m.annotations.as_ref())
        ),
    );
    events_section(&mut w, events, now_ms);
    w.finish()
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
