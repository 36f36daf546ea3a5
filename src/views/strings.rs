//! Every string the views show a user. English first; a translation is one
//! more `Strings` value (Korean comes with the lessons issue), chosen by
//! [`strings`]. Kubernetes words (`Pending`, `Running`, plugin names, reasons,
//! kubectl's column headings) are not translated: they are what the learner
//! will meet in a real cluster.

/// The views' user-visible strings.
#[derive(Debug)]
pub struct Strings {
    /// Heading of the control plane box.
    pub control_plane: &'static str,
    /// The API server, as labelled in the control plane.
    pub api_server: &'static str,
    /// etcd.
    pub etcd: &'static str,
    /// The scheduler.
    pub scheduler: &'static str,
    /// The controller manager.
    pub controller_manager: &'static str,
    /// A control-plane component without a pod.
    pub missing: &'static str,
    /// Node agent: the kubelet.
    pub kubelet: &'static str,
    /// Node agent: kube-proxy.
    pub kube_proxy: &'static str,
    /// Node agent: the container runtime.
    pub runtime: &'static str,
    /// Heading of the lane of pods no node has taken.
    pub unscheduled: &'static str,
    /// Shown in the unscheduled lane when it is empty.
    pub no_unscheduled: &'static str,
    /// Checkbox: group pods by owner.
    pub group_by_owner: &'static str,
    /// Group of pods without a controller.
    pub no_owner: &'static str,
    /// Resource rows: CPU.
    pub cpu: &'static str,
    /// Resource rows: memory.
    pub memory: &'static str,
    /// Resource legend: requested.
    pub requested: &'static str,
    /// Resource legend: in use (metrics).
    pub in_use: &'static str,
    /// Resource legend: allocatable.
    pub allocatable: &'static str,
    /// Shown on a node box when pods are summarised instead of drawn.
    pub aggregated_note: &'static str,
    /// A status count's label for running pods not all ready (kubectl's
    /// READY column); `{ready}` is filled in (`1/2`).
    pub running_ready: &'static str,
    /// A count of one pod.
    pub one_pod: &'static str,
    /// A count of pods other than one; `{n}` is filled in.
    pub n_pods: &'static str,
    /// Where the control plane runs; `{node}` is filled in.
    pub control_plane_on: &'static str,
    /// Shown when the cluster has no nodes.
    pub no_nodes: &'static str,
    /// Details: close button.
    pub close: &'static str,
    /// Details: YAML heading.
    pub yaml: &'static str,
    /// Details: events heading.
    pub events: &'static str,
    /// Details: no events.
    pub no_events: &'static str,
    /// Details: the events table's headings (as `kubectl describe` prints them).
    pub event_columns: [&'static str; 5],
    /// Details: owner heading.
    pub owner: &'static str,
    /// Details: children heading.
    pub children: &'static str,
    /// Details: the object is gone.
    pub not_found: &'static str,
    /// Flow heading.
    pub flow: &'static str,
    /// Flow: play.
    pub play: &'static str,
    /// Flow: pause.
    pub pause: &'static str,
    /// Flow: step back.
    pub step_back: &'static str,
    /// Flow: step forward.
    pub step_forward: &'static str,
    /// Flow: show every step.
    pub show_all: &'static str,
    /// Flow: no trace entries.
    pub no_flow: &'static str,
    /// Verdicts heading.
    pub verdicts: &'static str,
    /// Verdicts: node column.
    pub node: &'static str,
    /// Verdicts: filter plugins group.
    pub filters: &'static str,
    /// Verdicts: score plugins group.
    pub scores: &'static str,
    /// Verdicts: total column.
    pub total: &'static str,
    /// Verdicts: plugin passed.
    pub passed: &'static str,
    /// Verdicts: plugin did not run on this node.
    pub not_run: &'static str,
    /// Verdicts: chosen node.
    pub chosen: &'static str,
    /// Verdicts: a score cell's tooltip; `{raw}` is the plugin's raw score.
    pub raw_score: &'static str,
    /// Verdicts: nothing recorded.
    pub no_record: &'static str,
    /// Events filter: namespace.
    pub filter_namespace: &'static str,
    /// Events filter: type.
    pub filter_type: &'static str,
    /// Events filter: reason.
    pub filter_reason: &'static str,
    /// Events filter: object.
    pub filter_object: &'static str,
    /// Events filter: any value.
    pub any: &'static str,
    /// Events: nothing matches.
    pub no_matching_events: &'static str,
    /// Events: more rows than shown.
    pub more_rows: &'static str,
    /// Timeline: bucket tooltip suffix.
    pub entries_word: &'static str,
    /// Timeline: accessible label of the bars.
    pub timeline: &'static str,
    /// Timeline: hint.
    pub timeline_hint: &'static str,
    /// Workloads: no deployments.
    pub no_deployments: &'static str,
    /// Workloads: desired.
    pub desired: &'static str,
    /// Workloads: current.
    pub current: &'static str,
    /// Workloads: ready.
    pub ready: &'static str,
    /// Workloads: available.
    pub available: &'static str,
    /// Workloads: max surge.
    pub max_surge: &'static str,
    /// Workloads: max unavailable.
    pub max_unavailable: &'static str,
    /// Workloads: the surge budget; `{spec}`, `{n}`, `{total}` are filled in.
    pub surge_budget: &'static str,
    /// Workloads: the unavailability budget; `{spec}`, `{n}`, `{min}` are filled in.
    pub unavailable_budget: &'static str,
    /// Workloads: the deployment's counts; `{desired}`, `{updated}`, `{ready}`, `{available}`.
    pub deployment_counts: &'static str,
    /// Workloads: revision history heading.
    pub revisions: &'static str,
    /// Workloads: revision.
    pub revision: &'static str,
    /// Workloads: the new ReplicaSet.
    pub new_rs: &'static str,
    /// Workloads: an old ReplicaSet.
    pub old_rs: &'static str,
    /// Workloads: image column.
    pub images: &'static str,
    /// Workloads: change cause column.
    pub change_cause: &'static str,
    /// Workloads: the ReplicaSet column.
    pub replica_set: &'static str,
    /// Flow stage: the create request.
    pub stage_create: &'static str,
    /// Flow stage: a write committed to etcd.
    pub stage_store: &'static str,
    /// Flow stage: scheduling.
    pub stage_schedule: &'static str,
    /// Flow stage: scheduling failed.
    pub stage_unschedulable: &'static str,
    /// Flow stage: binding.
    pub stage_bind: &'static str,
    /// Flow stage: the kubelet's status write.
    pub stage_status: &'static str,
    /// Flow stage: a status write by another component than the kubelet.
    pub stage_status_other: &'static str,
    /// Flow stage: image pull.
    pub stage_image: &'static str,
    /// Flow stage: container created.
    pub stage_container_create: &'static str,
    /// Flow stage: container started.
    pub stage_container_start: &'static str,
    /// Flow stage: container state change.
    pub stage_container: &'static str,
    /// Flow stage: probe.
    pub stage_probe: &'static str,
    /// Flow stage: an event was recorded.
    pub stage_event: &'static str,
    /// Flow stage: deletion.
    pub stage_delete: &'static str,
    /// Flow stage: another API request.
    pub stage_request: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    control_plane: "Control plane",
    api_server: "API server",
    etcd: "etcd",
    scheduler: "Scheduler",
    controller_manager: "Controller manager",
    missing: "no pod",
    kubelet: "kubelet",
    kube_proxy: "kube-proxy",
    runtime: "runtime",
    unscheduled: "Unscheduled (Pending, no node yet)",
    no_unscheduled: "Every pod has a node.",
    group_by_owner: "Group by owner",
    no_owner: "(no controller)",
    cpu: "CPU",
    memory: "Memory",
    requested: "requested",
    in_use: "in use",
    allocatable: "allocatable",
    aggregated_note: "Many pods: counts per status are shown instead of each pod.",
    running_ready: "Running {ready}",
    one_pod: "1 pod",
    n_pods: "{n} pods",
    control_plane_on: "static pods on {node}",
    no_nodes: "No nodes yet",
    close: "Close",
    yaml: "YAML (kubectl get -o yaml)",
    events: "Events",
    no_events: "<none>",
    event_columns: ["Type", "Reason", "Age", "From", "Message"],
    owner: "Owner",
    children: "Children",
    not_found: "This object no longer exists.",
    flow: "How this pod came to be (from the trace)",
    play: "Play",
    pause: "Pause",
    step_back: "Previous step",
    step_forward: "Next step",
    show_all: "Show all",
    no_flow: "The trace has no entries about this pod (it may predate the trace).",
    verdicts: "Scheduler's verdicts, per node and plugin",
    node: "Node",
    filters: "Filter",
    scores: "Score (normalized × weight)",
    total: "Total",
    passed: "pass",
    not_run: "—",
    chosen: "chosen",
    raw_score: "raw {raw}",
    no_record: "No scheduling record is kept for this pod.",
    filter_namespace: "Namespace",
    filter_type: "Type",
    filter_reason: "Reason",
    filter_object: "Object",
    any: "(any)",
    no_matching_events: "No events match.",
    more_rows: "older rows not shown",
    entries_word: "trace entries",
    timeline: "Trace timeline",
    timeline_hint: "Trace entries per bucket of virtual time. Click a bar to list its entries.",
    no_deployments:
        "No Deployments yet. Try: kubectl create deployment web --image=nginx --replicas=3",
    desired: "desired",
    current: "current",
    ready: "ready",
    available: "available",
    max_surge: "maxSurge",
    max_unavailable: "maxUnavailable",
    surge_budget: "maxSurge {spec} → {n}: at most {total} pods at once",
    unavailable_budget: "maxUnavailable {spec} → {n}: at least {min} pods available",
    deployment_counts:
        "{desired} desired · {updated} up-to-date · {ready} ready · {available} available",
    revisions: "Revision history",
    revision: "Revision",
    new_rs: "new",
    old_rs: "old",
    images: "Images",
    change_cause: "Change cause",
    replica_set: "ReplicaSet",
    stage_create: "API server: authenticate, authorize, admit, validate, then store in etcd",
    stage_store: "etcd: write committed, watchers notified",
    stage_schedule: "Scheduler: filter and score the nodes",
    stage_unschedulable: "Scheduler: no node fits",
    stage_bind: "Scheduler: bind to the node (the node’s kubelet sees it through its watch)",
    stage_status: "kubelet: pod status update",
    stage_status_other: "API server: pod status written",
    stage_image: "kubelet: image",
    stage_container_create: "Runtime: container created",
    stage_container_start: "Runtime: container started",
    stage_container: "Runtime: container state",
    stage_probe: "kubelet: probe",
    stage_event: "Event recorded",
    stage_delete: "API server: delete",
    stage_request: "API request",
};

/// Fills `{name}` placeholders of a template (word order differs between
/// languages, so sentences with numbers are templates, not fragments).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), &v.to_string());
    }
    out
}

/// `1 pod`, `3 pods`.
pub fn pods(n: usize) -> String {
    if n == 1 {
        strings().one_pod.to_string()
    } else {
        fill(strings().n_pods, &[("n", &n)])
    }
}

/// The strings in the current language (English until a language switch exists).
pub fn strings() -> &'static Strings {
    &EN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_every_placeholder() {
        let t = fill(
            EN.surge_budget,
            &[("spec", &"25%"), ("n", &1), ("total", &5)],
        );
        assert_eq!(t, "maxSurge 25% → 1: at most 5 pods at once");
        assert!(!t.contains('{'));
    }
}
