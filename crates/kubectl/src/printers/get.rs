//! `kubectl get` tables: the row functions of
//! `pkg/printers/internalversion/printers.go` (v1.32) for the kinds the
//! engine serves, plus the decorations kubectl's table printer adds
//! (`NAMESPACE` first for `-A`, `LABELS` last for `--show-labels`,
//! `kind/name` when several kinds are listed), and the `kubectl events` table.

mod batch;

pub use batch::{job_completions, job_status};

use super::age::{human_duration, since};
use super::get_sets::*;
use super::table::Table;
use k8s_openapi::chrono::{DateTime, Utc};
use kubarium_engine::api::{apps, coordination, core, meta, Object};
use std::collections::BTreeMap;

/// How to print a `get` table.
#[derive(Clone, Debug, Default)]
pub struct TableOptions {
    /// The virtual clock, Unix milliseconds (for AGE and `(5m ago)`).
    pub now_ms: i64,
    /// `-o wide`.
    pub wide: bool,
    /// `-A`/`--all-namespaces`: a NAMESPACE column first.
    pub with_namespace: bool,
    /// `--show-labels`: a LABELS column last.
    pub show_labels: bool,
    /// Several kinds in one `get`: names printed as `pod/nginx`.
    pub with_kind: bool,
}

/// The table `kubectl get` prints for `objects`, which must all be of one
/// kind (call once per kind and join with [`super::table::render_tables`]).
/// An empty slice gives an empty table.
pub fn table(objects: &[&Object], opts: &TableOptions) -> Table {
    let Some(first) = objects.first() else {
        return Table::default();
    };
    let (mut headers, name_col) = columns(first, opts.wide);
    let mut rows = Vec::new();
    for o in objects {
        let mut row = row_cells(o, opts);
        if opts.with_kind {
            if let Some(i) = name_col {
                row[i] = format!("{}/{}", kind_prefix(o), row[i]);
            }
        }
        if opts.with_namespace {
            row.insert(0, o.namespace().to_string());
        }
        if opts.show_labels {
            row.push(format_labels(o.meta().labels.as_ref()));
        }
        rows.push(row);
    }
    if opts.with_namespace {
        headers.insert(0, "NAMESPACE");
    }
    if opts.show_labels {
        headers.push("LABELS");
    }
    Table {
        headers: headers.into_iter().map(String::from).collect(),
        rows,
    }
}

/// `pod`, `replicaset.apps`, `lease.coordination.k8s.io`: what kubectl
/// prefixes names with when several kinds are listed.
pub fn kind_prefix(o: &Object) -> String {
    let kind = o.kind().to_lowercase();
    match o.api_version().split_once('/') {
        Some((group, _)) => format!("{kind}.{group}"),
        None => kind,
    }
}

fn columns(o: &Object, wide: bool) -> (Vec<&'static str>, Option<usize>) {
    let (normal, extra, name): (&[&str], &[&str], Option<usize>) = match o {
        Object::Pod(_) => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
            Some(0),
        ),
        Object::Node(_) => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
            Some(0),
        ),
        Object::Namespace(_) => (&["NAME", "STATUS", "AGE"], &[], Some(0)),
        Object::Event(_) => (
            &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            &["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"],
            None,
        ),
        Object::ConfigMap(_) => (&["NAME", "DATA", "AGE"], &[], Some(0)),
        Object::Secret(_) => (&["NAME", "TYPE", "DATA", "AGE"], &[], Some(0)),
        Object::ServiceAccount(_) => (&["NAME", "SECRETS", "AGE"], &[], Some(0)),
        Object::ReplicaSet(_) => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
            Some(0),
        ),
        Object::Deployment(_) => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
            Some(0),
        ),
        Object::Lease(_) => (&["NAME", "HOLDER", "AGE"], &[], Some(0)),
        Object::Job(_) => (
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
            Some(0),
        ),
        Object::CronJob(_) => (
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
            Some(0),
        ),
        Object::DaemonSet(_) => (DAEMON_SET_COLUMNS.0, DAEMON_SET_COLUMNS.1, Some(0)),
        Object::StatefulSet(_) => (STATEFUL_SET_COLUMNS.0, STATEFUL_SET_COLUMNS.1, Some(0)),
        Object::ControllerRevision(_) => (
            CONTROLLER_REVISION_COLUMNS.0,
            CONTROLLER_REVISION_COLUMNS.1,
            Some(0),
        ),
        Object::PersistentVolumeClaim(_) => (PVC_COLUMNS.0, PVC_COLUMNS.1, Some(0)),
        Object::PodDisruptionBudget(_) => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
            Some(0),
        ),
        Object::PriorityClass(_) => (
            &["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
            &[],
            Some(0),
        ),
        Object::HorizontalPodAutoscaler(_) => (
            &[
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ],
            &[],
            Some(0),
        ),
    };
    if let Object::Event(_) = o {
        // Wide event columns interleave: SUBOBJECT and SOURCE come before
        // MESSAGE, and the NAME column (the one kind/ prefixes) is last.
        if wide {
            return (
                vec![
                    "LAST SEEN",
                    "TYPE",
                    "REASON",
                    "OBJECT",
                    "SUBOBJECT",
                    "SOURCE",
                    "MESSAGE",
                    "FIRST SEEN",
                    "COUNT",
                    "NAME",
                ],
                Some(9),
            );
        }
        return (normal.to_vec(), None);
    }
    let mut h = normal.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    (h, name)
}

fn row_cells(o: &Object, opts: &TableOptions) -> Vec<String> {
    let now = opts.now_ms;
    let age = since(o.meta().creation_timestamp.as_ref().map(|t| &t.0), now);
    let name = o.name().to_string();
    match o {
        Object::Pod(p) => pod_row(p, opts),
        Object::Node(n) => node_row(n, opts),
        Object::Namespace(ns) => {
            let phase = ns
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default();
            vec![name, phase, age]
        }
        Object::Event(e) => event_row(e, opts),
        Object::ConfigMap(c) => {
            let n = c.data.as_ref().map_or(0, BTreeMap::len)
                + c.binary_data.as_ref().map_or(0, BTreeMap::len);
            vec![name, n.to_string(), age]
        }
        Object::Secret(s) => {
            let n = s.data.as_ref().map_or(0, BTreeMap::len);
            vec![
                name,
                s.type_.clone().unwrap_or_default(),
                n.to_string(),
                age,
            ]
        }
        Object::ServiceAccount(sa) => {
            vec![
                name,
                sa.secrets.as_ref().map_or(0, Vec::len).to_string(),
                age,
            ]
        }
        Object::ReplicaSet(rs) => replica_set_row(rs, name, age, opts.wide),
        Object::Deployment(d) => deployment_row(d, name, age, opts.wide),
        Object::Lease(l) => lease_row(l, name, age),
        Object::Job(j) => batch::job_row(j, name, age, now, opts.wide),
        Object::CronJob(cj) => batch::cron_job_row(cj, name, age, now, opts.wide),
        Object::DaemonSet(ds) => daemon_set_row(ds, name, age, opts.wide),
        Object::StatefulSet(sts) => stateful_set_row(sts, name, age, opts.wide),
        Object::ControllerRevision(cr) => controller_revision_row(cr, name, age),
        Object::PersistentVolumeClaim(pvc) => pvc_row(pvc, name, age, opts.wide),
        Object::PodDisruptionBudget(p) => pdb_row(p, name, age),
        Object::PriorityClass(pc) => priority_class_row(pc, name, age),
        Object::HorizontalPodAutoscaler(h) => hpa_row(h, name, age),
    }
}

/// printHorizontalPodAutoscaler.
fn hpa_row(
    h: &kubarium_engine::api::autoscaling::HorizontalPodAutoscaler,
    name: String,
    age: String,
) -> Vec<String> {
    let spec = h.spec.clone().unwrap_or_default();
    let status = h.status.clone().unwrap_or_default();
    let r = &spec.scale_target_ref;
    vec![
        name,
        format!("{}/{}", r.kind, r.name),
        hpa_metrics(
            spec.metrics.as_deref().unwrap_or(&[]),
            status.current_metrics.as_deref().unwrap_or(&[]),
        ),
        spec.min_replicas
            .map_or("<unset>".to_string(), |m| m.to_string()),
        spec.max_replicas.to_string(),
        status.current_replicas.unwrap_or(0).to_string(),
        age,
    ]
}

/// formatHPAMetrics: `cpu: 12%/50%`, at most two metrics then `+ N more...`.
pub fn hpa_metrics(
    specs: &[kubarium_engine::api::autoscaling::MetricSpec],
    statuses: &[kubarium_engine::api::autoscaling::MetricStatus],
) -> String {
    if specs.is_empty() {
        return "<none>".into();
    }
    let q = |v: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>| {
        v.map_or_else(|| "<nil>".to_string(), |q| q.0.clone())
    };
    let unknown = || "<unknown>".to_string();
    let mut list = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let st = statuses.get(i);
        let item = match spec.type_.as_str() {
            "External" => {
                let e = spec.external.clone().unwrap_or_default();
                if e.target.average_value.is_some() {
                    let cur = st
                        .and_then(|s| s.external.as_ref())
                        .filter(|x| x.current.average_value.is_some())
                        .map_or_else(unknown, |x| q(x.current.average_value.as_ref()));
                    format!("{cur}/{} (avg)", q(e.target.average_value.as_ref()))
                } else {
                    let cur = st
                        .and_then(|s| s.external.as_ref())
                        .map_or_else(unknown, |x| q(x.current.value.as_ref()));
                    format!("{cur}/{}", q(e.target.value.as_ref()))
                }
            }
            "Pods" => {
                let p = spec.pods.clone().unwrap_or_default();
                let cur = st
                    .and_then(|s| s.pods.as_ref())
                    .map_or_else(unknown, |x| q(x.current.average_value.as_ref()));
                format!("{cur}/{}", q(p.target.average_value.as_ref()))
            }
            "Object" => {
                let o = spec.object.clone().unwrap_or_default();
                if o.target.average_value.is_some() {
                    let cur = st
                        .and_then(|s| s.object.as_ref())
                        .filter(|x| x.current.average_value.is_some())
                        .map_or_else(unknown, |x| q(x.current.average_value.as_ref()));
                    format!("{cur}/{} (avg)", q(o.target.average_value.as_ref()))
                } else {
                    let cur = st
                        .and_then(|s| s.object.as_ref())
                        .map_or_else(unknown, |x| q(x.current.value.as_ref()));
                    format!("{cur}/{}", q(o.target.value.as_ref()))
                }
            }
            "Resource" | "ContainerResource" => {
                let ResourceMetric {
                    name, target, cur, ..
                } = resource_metric(spec, st);
                if target.average_value.is_some() {
                    let c = cur.map_or_else(unknown, |c| q(c.average_value.as_ref()));
                    format!("{name}: {c}/{}", q(target.average_value.as_ref()))
                } else {
                    let c = cur
                        .and_then(|c| c.average_utilization)
                        .map_or_else(unknown, |u| format!("{u}%"));
                    let t = target
                        .average_utilization
                        .map_or("<auto>".to_string(), |u| format!("{u}%"));
                    format!("{name}: {c}/{t}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(item);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// A Resource or ContainerResource metric of an HPA, with what its status
/// says of it (`get hpa`'s TARGETS and `describe hpa`'s Metrics read both).
pub(crate) struct ResourceMetric {
    /// The resource (`cpu`, `memory`).
    pub name: String,
    /// The container, for a ContainerResource metric.
    pub container: Option<String>,
    /// The target.
    pub target: kubarium_engine::api::autoscaling::MetricTarget,
    /// The current value, once the controller has measured it.
    pub cur: Option<kubarium_engine::api::autoscaling::MetricValueStatus>,
}

/// The [`ResourceMetric`] of `spec` (of type Resource or ContainerResource).
pub(crate) fn resource_metric(
    spec: &kubarium_engine::api::autoscaling::MetricSpec,
    st: Option<&kubarium_engine::api::autoscaling::MetricStatus>,
) -> ResourceMetric {
    if spec.type_ == "Resource" {
        let r = spec.resource.clone().unwrap_or_default();
        ResourceMetric {
            name: r.name,
            container: None,
            target: r.target,
            cur: st
                .and_then(|s| s.resource.as_ref())
                .map(|x| x.current.clone()),
        }
    } else {
        let r = spec.container_resource.clone().unwrap_or_default();
        ResourceMetric {
            name: r.name,
            container: Some(r.container),
            target: r.target,
            cur: st
                .and_then(|s| s.container_resource.as_ref())
                .map(|x| x.current.clone()),
        }
    }
}

/// printPodDisruptionBudget: `N/A` for the bound that is not set.
fn pdb_row(
    p: &kubarium_engine::api::policy::PodDisruptionBudget,
    name: String,
    age: String,
) -> Vec<String> {
    let show = |v: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>| match v {
        None => "N/A".to_string(),
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i)) => i.to_string(),
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s)) => s.clone(),
    };
    let spec = p.spec.as_ref();
    vec![
        name,
        show(spec.and_then(|s| s.min_available.as_ref())),
        show(spec.and_then(|s| s.max_unavailable.as_ref())),
        p.status
            .as_ref()
            .map_or(0, |s| s.disruptions_allowed)
            .to_string(),
        age,
    ]
}

/// `printPriorityClass` (pkg/printers/internalversion/printers.go).
fn priority_class_row(
    pc: &kubarium_engine::api::scheduling::PriorityClass,
    name: String,
    age: String,
) -> Vec<String> {
    vec![
        name,
        pc.value.to_string(),
        pc.global_default.unwrap_or(false).to_string(),
        age,
        pc.preemption_policy.clone().unwrap_or_default(),
    ]
}

fn lease_row(l: &coordination::Lease, name: String, age: String) -> Vec<String> {
    let holder = l
        .spec
        .as_ref()
        .and_then(|s| s.holder_identity.clone())
        .unwrap_or_default();
    vec![name, holder, age]
}

fn replica_set_row(rs: &apps::ReplicaSet, name: String, age: String, wide: bool) -> Vec<String> {
    let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = rs.status.as_ref();
    let current = status.map_or(0, |s| s.replicas);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    let mut row = vec![
        name,
        desired.to_string(),
        current.to_string(),
        ready.to_string(),
        age,
    ];
    if wide {
        let spec = rs.spec.as_ref();
        wide_workload_cells(
            &mut row,
            spec.and_then(|s| s.template.as_ref()),
            spec.map(|s| &s.selector),
        );
    }
    row
}

/// `layoutContainerCells` and the selector: the CONTAINERS, IMAGES and
/// SELECTOR cells of a workload's wide row.
fn wide_workload_cells(
    row: &mut Vec<String>,
    template: Option<&core::PodTemplateSpec>,
    selector: Option<&meta::LabelSelector>,
) {
    let containers: &[core::Container] = template
        .and_then(|t| t.spec.as_ref())
        .map_or(&[], |s| s.containers.as_slice());
    row.push(
        containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    row.push(
        containers
            .iter()
            .map(|c| c.image.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(","),
    );
    row.push(format_label_selector(selector));
}

/// `printDeployment`: NAME READY UP-TO-DATE AVAILABLE AGE (READY is
/// ready/desired).
fn deployment_row(d: &apps::Deployment, name: String, age: String, wide: bool) -> Vec<String> {
    let spec = d.spec.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let st = d.status.clone().unwrap_or_default();
    let mut row = vec![
        name,
        format!("{}/{desired}", st.ready_replicas.unwrap_or(0)),
        st.updated_replicas.unwrap_or(0).to_string(),
        st.available_replicas.unwrap_or(0).to_string(),
        age,
    ];
    if wide {
        wide_workload_cells(
            &mut row,
            spec.map(|s| &s.template),
            spec.map(|s| &s.selector),
        );
    }
    row
}

/// `labels.FormatLabels`: sorted `k=v` joined by `,`, or `<none>`.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    match labels {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

/// `labels.Selector.String()` of a label selector (`""` for everything).
pub fn selector_string(sel: Option<&meta::LabelSelector>) -> String {
    let Some(sel) = sel else { return String::new() };
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in sel.match_labels.iter().flatten() {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in sel.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        values.sort();
        let k = &e.key;
        let text = match e.operator.as_str() {
            "In" => format!("{k} in ({})", values.join(",")),
            "NotIn" => format!("{k} notin ({})", values.join(",")),
            "Exists" => k.clone(),
            "DoesNotExist" => format!("!{k}"),
            op => format!("{k} {op} ({})", values.join(",")),
        };
        reqs.push((k.clone(), text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    reqs.into_iter().map(|r| r.1).collect::<Vec<_>>().join(",")
}

/// `metav1.FormatLabelSelector`: [`selector_string`] or `<none>`.
pub fn format_label_selector(sel: Option<&meta::LabelSelector>) -> String {
    let s = selector_string(sel);
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

// ---------------------------------------------------------------- Pod

fn time_ms(t: Option<&meta::Time>) -> Option<i64> {
    t.map(|t| t.0.timestamp_millis())
}

fn is_restartable_init(c: Option<&core::Container>) -> bool {
    c.is_some_and(|c| c.restart_policy.as_deref() == Some("Always"))
}

fn condition_true(pod: &core::Pod, ty: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == ty && c.status == "True"))
}

/// The READY, STATUS and RESTARTS cells of a pod (`printPod`), with the
/// time of the last restart for `(5m ago)`.
pub struct PodSummary {
    /// Ready containers (restartable init containers included).
    pub ready: usize,
    /// Containers (restartable init containers included).
    pub total: usize,
    /// The STATUS column (`Running`, `Init:0/1`, `CrashLoopBackOff`, ...).
    pub reason: String,
    /// Restarts counted in the RESTARTS column.
    pub restarts: i64,
    /// When the last counted restart happened (Unix ms), if known.
    pub last_restart_ms: Option<i64>,
}

/// Ports `printPod`'s status logic (kubectl 1.32).
pub fn pod_summary(pod: &core::Pod) -> PodSummary {
    let empty_spec = core::PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty_spec);
    let empty_status = core::PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&empty_status);
    let init_specs: &[core::Container] = spec.init_containers.as_deref().unwrap_or(&[]);
    let mut restarts: i64 = 0;
    let mut restartable_restarts: i64 = 0;
    let mut total = spec.containers.len();
    let mut ready = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_restartable_restart: Option<i64> = None;
    let phase = status.phase.clone().unwrap_or_default();
    let mut reason = match status.reason.as_deref() {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => phase.clone(),
    };
    for c in status.conditions.iter().flatten() {
        if c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated") {
            reason = "SchedulingGated".into();
        }
    }
    let init_by_name: BTreeMap<&str, &core::Container> =
        init_specs.iter().map(|c| (c.name.as_str(), c)).collect();
    total += init_specs
        .iter()
        .filter(|c| is_restartable_init(Some(c)))
        .count();

    let later = |cur: Option<i64>, t: Option<i64>| match (cur, t) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (None, b) => b,
        (a, None) => a,
    };
    let mut initializing = false;
    for (i, cs) in status.init_container_statuses.iter().flatten().enumerate() {
        restarts += i64::from(cs.restart_count);
        let last_term = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        if let Some(t) = last_term {
            last_restart = later(last_restart, time_ms(t.finished_at.as_ref()));
        }
        let restartable = is_restartable_init(init_by_name.get(cs.name.as_str()).copied());
        if restartable {
            restartable_restarts += i64::from(cs.restart_count);
            if let Some(t) = last_term {
                last_restartable_restart =
                    later(last_restartable_restart, time_ms(t.finished_at.as_ref()));
            }
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => match t.signal {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{}/{}", i, init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") {
        restarts = restartable_restarts;
        last_restart = last_restartable_restart;
        let mut has_running = false;
        for cs in status.container_statuses.iter().flatten().rev() {
            restarts += i64::from(cs.restart_count);
            if let Some(t) = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref()) {
                last_restart = later(last_restart, time_ms(t.finished_at.as_ref()));
            }
            let state = cs.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => match t.signal {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    let deleting = pod.metadata.deletion_timestamp.is_some();
    if deleting && status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".into();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".into();
    }
    PodSummary {
        ready,
        total,
        reason,
        restarts,
        last_restart_ms: last_restart,
    }
}

fn pod_row(pod: &core::Pod, opts: &TableOptions) -> Vec<String> {
    let s = pod_summary(pod);
    let restarts = match s.last_restart_ms {
        Some(t) if s.restarts != 0 => {
            format!("{} ({} ago)", s.restarts, human_duration(opts.now_ms - t))
        }
        _ => s.restarts.to_string(),
    };
    let age = since(
        pod.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        opts.now_ms,
    );
    let mut row = vec![
        pod.metadata.name.clone().unwrap_or_default(),
        format!("{}/{}", s.ready, s.total),
        s.reason,
        restarts,
        age,
    ];
    if opts.wide {
        let status = pod.status.as_ref();
        let or_none = |s: Option<String>| {
            s.filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<none>".into())
        };
        let ip = status
            .and_then(|s| s.pod_ips.as_ref())
            .and_then(|ips| ips.first())
            .map(|ip| ip.ip.clone());
        let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let nominated = status.and_then(|s| s.nominated_node_name.clone());
        let gates = pod
            .spec
            .as_ref()
            .and_then(|s| s.readiness_gates.as_ref())
            .filter(|g| !g.is_empty());
        let gates = match gates {
            None => "<none>".to_string(),
            Some(gates) => {
                let conds = status.and_then(|s| s.conditions.as_ref());
                let n = gates
                    .iter()
                    .filter(|g| {
                        conds
                            .and_then(|cs| cs.iter().find(|c| c.type_ == g.condition_type))
                            .is_some_and(|c| c.status == "True")
                    })
                    .count();
                format!("{n}/{}", gates.len())
            }
        };
        row.extend([or_none(ip), or_none(node), or_none(nominated), gates]);
    }
    row
}

// ---------------------------------------------------------------- Node

/// Roles from `node-role.kubernetes.io/<role>` labels and the
/// `kubernetes.io/role` label, sorted (`findNodeRoles`).
pub fn node_roles(node: &core::Node) -> Vec<String> {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

fn node_address(node: &core::Node, ty: &str) -> String {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == ty))
        .map_or_else(|| "<none>".into(), |a| a.address.clone())
}

/// The STATUS column of a node (`Ready`, `NotReady,SchedulingDisabled`, `Unknown`).
pub fn node_status(node: &core::Node) -> String {
    let mut status = Vec::new();
    // Go keeps the last condition of each type.
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().rev().find(|c| c.type_ == "Ready"));
    if let Some(c) = ready {
        status.push(if c.status == "True" {
            "Ready".to_string()
        } else {
            "NotReady".to_string()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    status.join(",")
}

fn node_row(node: &core::Node, opts: &TableOptions) -> Vec<String> {
    let roles = node_roles(node).join(",");
    let info = node.status.as_ref().and_then(|s| s.node_info.as_ref());
    let mut row = vec![
        node.metadata.name.clone().unwrap_or_default(),
        node_status(node),
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles
        },
        since(
            node.metadata.creation_timestamp.as_ref().map(|t| &t.0),
            opts.now_ms,
        ),
        info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
    ];
    if opts.wide {
        let unknown = |s: Option<&String>| {
            s.filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| "<unknown>".into())
        };
        row.push(node_address(node, "InternalIP"));
        row.push(node_address(node, "ExternalIP"));
        row.push(unknown(info.map(|i| &i.os_image)));
        row.push(unknown(info.map(|i| &i.kernel_version)));
        row.push(unknown(info.map(|i| &i.container_runtime_version)));
    }
    row
}

// ---------------------------------------------------------------- Event

fn micro_since(t: Option<&meta::MicroTime>, now_ms: i64) -> String {
    since(t.map(|t| &t.0), now_ms)
}

fn time_since(t: Option<&meta::Time>, now_ms: i64) -> String {
    since(t.map(|t| &t.0), now_ms)
}

fn event_row(e: &core::Event, opts: &TableOptions) -> Vec<String> {
    let now = opts.now_ms;
    let first = if e.first_timestamp.is_none() {
        micro_since(e.event_time.as_ref(), now)
    } else {
        time_since(e.first_timestamp.as_ref(), now)
    };
    let mut last = if e.last_timestamp.is_none() {
        first.clone()
    } else {
        time_since(e.last_timestamp.as_ref(), now)
    };
    let mut count = e.count.unwrap_or(0);
    if let Some(series) = &e.series {
        last = micro_since(series.last_observed_time.as_ref(), now);
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = e
        .involved_object
        .kind
        .clone()
        .unwrap_or_default()
        .to_lowercase();
    let target = match e.involved_object.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{kind}/{n}"),
        _ => kind,
    };
    let message = e.message.as_deref().unwrap_or("").trim().to_string();
    let ty = e.type_.clone().unwrap_or_default();
    let reason = e.reason.clone().unwrap_or_default();
    if opts.wide {
        vec![
            last,
            ty,
            reason,
            target,
            e.involved_object.field_path.clone().unwrap_or_default(),
            event_source(e),
            message,
            first,
            count.to_string(),
            e.metadata.name.clone().unwrap_or_default(),
        ]
    } else {
        vec![last, ty, reason, target, message]
    }
}

/// `formatEventSource`: `component, host` (or the reporting controller and instance).
pub fn event_source(e: &core::Event) -> String {
    let src = e.source.as_ref();
    let first_non_empty = |a: Option<&String>, b: Option<&String>| {
        a.filter(|s| !s.is_empty())
            .or(b)
            .cloned()
            .unwrap_or_default()
    };
    let component = first_non_empty(
        src.and_then(|s| s.component.as_ref()),
        e.reporting_component.as_ref(),
    );
    let instance = first_non_empty(
        src.and_then(|s| s.host.as_ref()),
        e.reporting_instance.as_ref(),
    );
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}

/// The time an event sorts by in `kubectl events` (series last observed,
/// else last timestamp, else event time).
fn event_sort_time(e: &core::Event) -> Option<DateTime<Utc>> {
    if let Some(t) = e
        .series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
    {
        return Some(t.0);
    }
    if let Some(t) = &e.last_timestamp {
        return Some(t.0);
    }
    e.event_time.as_ref().map(|t| t.0)
}

/// The LAST SEEN cell of `kubectl events` and the Age cell of describe's
/// event table: `5m (x3 over 10m)` for repeated events.
pub fn event_interval(e: &core::Event, now_ms: i64) -> String {
    let first = if e.event_time.is_none() {
        time_since(e.first_timestamp.as_ref(), now_ms)
    } else {
        micro_since(e.event_time.as_ref(), now_ms)
    };
    if let Some(series) = &e.series {
        format!(
            "{} (x{} over {})",
            micro_since(series.last_observed_time.as_ref(), now_ms),
            series.count.unwrap_or(0),
            first
        )
    } else if e.count.unwrap_or(0) > 1 {
        format!(
            "{} (x{} over {})",
            time_since(e.last_timestamp.as_ref(), now_ms),
            e.count.unwrap_or(0),
            first
        )
    } else {
        first
    }
}

/// The `kubectl events` table (a different layout from `get events`:
/// OBJECT is `Kind/name`, LAST SEEN carries `(xN over M)`, rows sorted by
/// time). `all_namespaces` adds NAMESPACE first. When there are no events
/// kubectl prints `No events found in <ns> namespace.` on stderr.
pub fn events_table(events: &[&core::Event], now_ms: i64, all_namespaces: bool) -> Table {
    let mut sorted: Vec<&core::Event> = events.to_vec();
    sorted.sort_by_key(|e| event_sort_time(e));
    let mut headers: Vec<String> = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        .map(String::from)
        .to_vec();
    if all_namespaces {
        headers.insert(0, "NAMESPACE".into());
    }
    let rows = sorted
        .iter()
        .map(|e| {
            let mut row = vec![
                event_interval(e, now_ms),
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                format!(
                    "{}/{}",
                    e.involved_object.kind.as_deref().unwrap_or(""),
                    e.involved_object.name.as_deref().unwrap_or("")
                ),
                e.message.as_deref().unwrap_or("").trim().to_string(),
            ];
            if all_namespaces {
                row.insert(0, e.metadata.namespace.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    Table { headers, rows }
}

#[cfg(test)]
#[path = "get_tests.rs"]
mod tests;
