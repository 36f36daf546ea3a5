//! Every string the app shows a user, in one table per language so it can
//! be translated. English is the only table today; a translation is one
//! more [`Strings`] value (Korean comes with the lessons issue), chosen by
//! [`strings`]. Sentences with numbers or names are templates with `{name}`
//! placeholders ([`fill`]), never fragments glued together, because word
//! order differs between languages; counts of pods go through [`pods`],
//! which knows the plural.
//!
//! Kubernetes words (`Pending`, `Running`, plugin names, reasons, kubectl's
//! column headings, kubectl's own output) are not translated: they are what
//! the learner will meet in a real cluster. The loading indicator's text is
//! in `index.html`, as it must show before the WebAssembly has loaded.

/// The names of the navigation's panels, by [`crate::persist::Panel`].
#[derive(Debug)]
pub struct PanelNames {
    /// The cluster view.
    pub cluster: &'static str,
    /// The trace timeline.
    pub timeline: &'static str,
    /// The events table.
    pub events: &'static str,
    /// The workloads story.
    pub workloads: &'static str,
    /// Services (to come).
    pub services: &'static str,
    /// Ingress (to come).
    pub ingress: &'static str,
    /// Volumes (to come).
    pub volumes: &'static str,
    /// The terminal.
    pub terminal: &'static str,
    /// The YAML editor.
    pub editor: &'static str,
}

/// Why a share link could not be opened.
#[derive(Debug)]
pub struct LinkErrors {
    /// `{n}` characters, at most `{max}`.
    pub too_long: &'static str,
    /// Not a session link at all.
    pub not_a_link: &'static str,
    /// Not base64.
    pub base64: &'static str,
    /// Damaged or a decompression bomb.
    pub inflate: &'static str,
    /// Unpacks but holds no session; `{why}` is the decoder's message.
    pub json: &'static str,
}

/// Why the stored session could not be restored.
#[derive(Debug)]
pub struct StorageErrors {
    /// Over the size cap.
    pub too_large: &'static str,
    /// Not a session; `{why}` is the decoder's message.
    pub unreadable: &'static str,
    /// An unknown format `{version}`.
    pub version: &'static str,
}

/// What the terminal refuses, and why.
#[derive(Debug)]
pub struct SessionLimits {
    /// The input log is full (`{max}` inputs).
    pub full: &'static str,
    /// The session's cluster time is used up (`{hours}`).
    pub time: &'static str,
    /// One `sleep` longer than `{hours}`.
    pub sleep: &'static str,
}

/// The user-visible strings of one language.
#[derive(Debug)]
pub struct Strings {
    // ---- The shell: header, navigation, notices.
    /// Product name in the header.
    pub app_name: &'static str,
    /// Tagline beside the product name.
    pub tagline: &'static str,
    /// The skip link to the panels (keyboard users).
    pub skip_to_panels: &'static str,
    /// Accessible label of the main navigation.
    pub nav_label: &'static str,
    /// Accessible label of the view tabs (left column).
    pub views_label: &'static str,
    /// Accessible label of the tool buttons (right column).
    pub tools_label: &'static str,
    /// Panel names in the navigation.
    pub panels: PanelNames,
    /// Placeholder of the Services and Ingress panels.
    pub comes_with_networking: &'static str,
    /// Placeholder of the Volumes panel.
    pub comes_with_storage: &'static str,
    /// Copy-link button.
    pub copy_link: &'static str,
    /// Shown once the link is copied.
    pub link_copied: &'static str,
    /// Shown when the clipboard refused; the link is in the field to copy.
    pub link_ready: &'static str,
    /// Accessible label of the share link field.
    pub share_link_label: &'static str,
    /// Reset button.
    pub reset: &'static str,
    /// Reset button's tooltip.
    pub reset_title: &'static str,
    /// Dismiss button of a notice.
    pub dismiss: &'static str,
    /// Notice when stored data could not be restored; `{why}` is filled in.
    pub storage_notice: &'static str,
    /// Notice when a share link could not be opened; `{why}` is filled in.
    pub link_notice: &'static str,
    /// Notice when a scenario is unknown; `{name}` is filled in.
    pub scenario_notice: &'static str,
    /// Notice when a rewind failed; `{why}` is filled in.
    pub rewind_notice: &'static str,
    /// Notice when `?nodes=` is not a worker count; `{value}` and `{max}`
    /// are filled in.
    pub nodes_notice: &'static str,
    /// Why a share link could not be opened (the notice's `{why}`).
    pub link_errors: LinkErrors,
    /// Why the stored session could not be restored (the notice's `{why}`).
    pub storage_errors: StorageErrors,
    /// The terminal's refusals, printed as `kubarium: ...` on stderr.
    pub session_limits: SessionLimits,

    // ---- New session: a scenario and the cluster's shape.
    /// The button that opens the form.
    pub new_session: &'static str,
    /// Its tooltip.
    pub new_session_title: &'static str,
    /// Accessible label of the form.
    pub new_session_label: &'static str,
    /// Label of the scenario picker.
    pub scenario_label: &'static str,
    /// The picker's first choice: no scenario.
    pub no_scenario: &'static str,
    /// What the empty choice gives.
    pub no_scenario_summary: &'static str,
    /// Label of the worker count.
    pub workers_label: &'static str,
    /// The start button.
    pub start: &'static str,
    /// What starting does to the current session.
    pub new_session_note: &'static str,

    // ---- Clock and time controls.
    /// Label before the virtual clock.
    pub clock_label: &'static str,
    /// Tooltip of the virtual clock.
    pub clock_title: &'static str,
    /// Accessible label of the time controls.
    pub time_label: &'static str,
    /// Play button (time controls, the pod flow).
    pub play: &'static str,
    /// Pause button (time controls, the pod flow).
    pub pause: &'static str,
    /// Step button.
    pub step: &'static str,
    /// Step button's tooltip.
    pub step_title: &'static str,
    /// Label of the speed buttons.
    pub speed_label: &'static str,
    /// Settle button.
    pub settle: &'static str,
    /// Settle button's tooltip.
    pub settle_title: &'static str,
    /// Label of the rewind slider.
    pub rewind_label: &'static str,
    /// Rewind button.
    pub rewind: &'static str,
    /// Rewind button's tooltip.
    pub rewind_title: &'static str,

    // ---- Terminal.
    /// Heading of the terminal panel.
    pub terminal: &'static str,
    /// Placeholder of the command input.
    pub command_placeholder: &'static str,
    /// Accessible label of the command input.
    pub command_label: &'static str,
    /// Shown in the terminal before the first command.
    pub terminal_hint: &'static str,
    /// Prompt shown while a here-document is open.
    pub heredoc_prompt: &'static str,
    /// Accessible label of the list of completions.
    pub completions_label: &'static str,
    /// Keyboard help under the terminal.
    pub terminal_keys: &'static str,

    // ---- Editor.
    /// Heading of the editor panel.
    pub editor: &'static str,
    /// Accessible label of the YAML text area.
    pub editor_label: &'static str,
    /// Label of the template picker.
    pub template_label: &'static str,
    /// First option of the template picker.
    pub template_pick: &'static str,
    /// Apply button.
    pub apply: &'static str,
    /// Delete button.
    pub delete: &'static str,
    /// The line an error points at; `{line}` is filled in.
    pub error_at_line: &'static str,
    /// The line and field path an error points at; `{line}` and `{path}`
    /// are filled in.
    pub error_at_path: &'static str,

    // ---- Chaos.
    /// Accessible label of the chaos controls.
    pub chaos_label: &'static str,
    /// Label of the node picker.
    pub chaos_node: &'static str,
    /// Label of the pod picker.
    pub chaos_pod: &'static str,
    /// Stop-node button.
    pub node_stop: &'static str,
    /// Start-node button.
    pub node_start: &'static str,
    /// Kill-container button.
    pub container_kill: &'static str,
    /// Delete-pod button.
    pub pod_delete: &'static str,

    // ---- The views.
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
    /// A count of pods ([`pods`]).
    pub pods: Plural,
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
    /// Events: how many rows are not shown.
    pub more_rows: Plural,
    /// Timeline: a count of trace entries.
    pub trace_entries: Plural,
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
    /// Workloads: the surge budget; `{spec}`, `{n}` and `{pods}` (a count of
    /// pods, [`pods`]) are filled in.
    pub surge_budget: &'static str,
    /// Workloads: the unavailability budget; `{spec}`, `{n}` and `{pods}` are
    /// filled in.
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
    app_name: "Kubarium",
    tagline: "a Kubernetes cluster in your browser tab",
    skip_to_panels: "Skip to the panels",
    nav_label: "Panels",
    views_label: "Views of the cluster",
    tools_label: "Tools",
    panels: PanelNames {
        cluster: "Cluster",
        timeline: "Timeline",
        events: "Events",
        workloads: "Workloads",
        services: "Services",
        ingress: "Ingress",
        volumes: "Volumes",
        terminal: "Terminal",
        editor: "Editor",
    },
    comes_with_networking:
        "This view comes with the networking work (Services, EndpointSlices, DNS, Ingress).",
    comes_with_storage:
        "This view comes with the storage work (PersistentVolumes, claims, StorageClasses).",
    copy_link: "Copy link",
    link_copied: "Link copied.",
    link_ready: "Copy the link from the field.",
    share_link_label: "Share link",
    reset: "Reset",
    reset_title: "Start a new, empty playground (your session is discarded)",
    dismiss: "Dismiss",
    storage_notice:
        "Your saved session could not be restored ({why}). A fresh playground was started.",
    link_notice: "This link could not be opened: {why}. An empty playground is shown instead.",
    scenario_notice:
        "There is no scenario named \u{201c}{name}\u{201d}. An empty playground is shown instead.",
    rewind_notice: "Could not rewind: {why}.",
    nodes_notice:
        "\u{201c}nodes={value}\u{201d} was ignored: the number of worker nodes is a whole number from 1 to {max}.",
    link_errors: LinkErrors {
        too_long: "the link is {n} characters long (at most {max})",
        not_a_link: "the link is not a Kubarium session link",
        base64: "the link is damaged (not base64)",
        inflate: "the link is damaged or too large once unpacked",
        json: "the link does not hold a session ({why})",
    },
    storage_errors: StorageErrors {
        too_large: "it is too large",
        unreadable: "it is unreadable ({why})",
        version: "it has an unknown format (version {version})",
    },
    session_limits: SessionLimits {
        full: "kubarium: this session is full ({max} inputs); reset to go on",
        time: "kubarium: a playground session runs at most {hours} h of cluster time; reset to go on",
        sleep: "kubarium: the playground sleeps at most {hours} h at once",
    },

    new_session: "New session…",
    new_session_title: "Start again from a shipped scenario, on as many worker nodes as you like",
    new_session_label: "New session",
    scenario_label: "Scenario",
    no_scenario: "Empty cluster",
    no_scenario_summary: "A control plane and the worker nodes, with nothing of yours running yet.",
    workers_label: "Worker nodes",
    start: "Start",
    new_session_note: "This replaces your session (copy its link first to keep it). The number of nodes is part of the session and of its link.",

    clock_label: "Cluster time",
    clock_title:
        "Virtual time of the simulated cluster (runs while this tab is visible, at the chosen speed)",
    time_label: "Time controls",
    play: "Play",
    pause: "Pause",
    step: "Step",
    step_title: "Advance to the cluster's next event",
    speed_label: "Speed",
    settle: "Until settled",
    settle_title: "Run until the cluster is quiet (at most 10 minutes)",
    rewind_label: "Rewind to",
    rewind: "Rewind",
    rewind_title:
        "Go back to the chosen moment by replaying your inputs up to it (later inputs are dropped)",

    terminal: "Terminal",
    command_placeholder: "kubectl get pods",
    command_label: "kubectl command",
    terminal_hint: "Type a kubectl command and press Enter.",
    heredoc_prompt: ">",
    completions_label: "Completions",
    terminal_keys:
        "Tab completes · ↑/↓ history · Ctrl-C abandons the line · Ctrl-L or `clear` clears",

    editor: "Editor",
    editor_label: "YAML manifest",
    template_label: "Example",
    template_pick: "Insert an example…",
    apply: "Apply",
    delete: "Delete",
    error_at_line: "Line {line}",
    error_at_path: "Line {line}: {path}",

    chaos_label: "Chaos",
    chaos_node: "Node",
    chaos_pod: "Pod",
    node_stop: "Stop node",
    node_start: "Start node",
    container_kill: "Kill container",
    pod_delete: "Delete pod",

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
    pods: Plural {
        one: "{n} pod",
        other: "{n} pods",
    },
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
    more_rows: Plural {
        one: "{n} older row not shown",
        other: "{n} older rows not shown",
    },
    trace_entries: Plural {
        one: "{n} trace entry",
        other: "{n} trace entries",
    },
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
    surge_budget: "maxSurge {spec} → {n}: at most {pods} at once",
    unavailable_budget: "maxUnavailable {spec} → {n}: at least {pods} available",
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

/// Fills `{name}` placeholders of a template.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), &v.to_string());
    }
    out
}

/// A counted noun: the sentence for one and for any other count, each with
/// `{n}`. (English needs two forms; a language without plurals gives the
/// same text twice; one with more forms would add fields here.)
#[derive(Debug)]
pub struct Plural {
    /// For a count of 1.
    pub one: &'static str,
    /// For any other count.
    pub other: &'static str,
}

impl Plural {
    /// The sentence for `n`.
    pub fn of(&self, n: usize) -> String {
        fill(if n == 1 { self.one } else { self.other }, &[("n", &n)])
    }
}

/// `1 pod`, `3 pods`.
pub fn pods(n: usize) -> String {
    strings().pods.of(n)
}

/// The strings in the current language (English until a language switch exists).
pub fn strings() -> &'static Strings {
    &EN
}

impl Strings {
    /// The navigation's name of a panel.
    pub fn panel_name(&self, panel: crate::persist::Panel) -> &'static str {
        use crate::persist::Panel;
        let p = &self.panels;
        match panel {
            Panel::Cluster => p.cluster,
            Panel::Timeline => p.timeline,
            Panel::Events => p.events,
            Panel::Workloads => p.workloads,
            Panel::Services => p.services,
            Panel::Ingress => p.ingress,
            Panel::Volumes => p.volumes,
            Panel::Terminal => p.terminal,
            Panel::Editor => p.editor,
        }
    }

    /// Where an editor error points: its line, and the field path if known.
    pub fn error_at(&self, line: usize, path: Option<&str>) -> String {
        match path {
            Some(p) => fill(self.error_at_path, &[("line", &line), ("path", &p)]),
            None => fill(self.error_at_line, &[("line", &line)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_every_placeholder() {
        let t = fill(
            EN.surge_budget,
            &[("spec", &"25%"), ("n", &1), ("pods", &pods(5))],
        );
        assert_eq!(t, "maxSurge 25% → 1: at most 5 pods at once");
        assert!(!t.contains('{'));
    }

    #[test]
    fn a_count_of_one_pod_is_singular() {
        assert_eq!(pods(1), "1 pod");
        assert_eq!(pods(0), "0 pods");
        assert_eq!(
            fill(
                EN.unavailable_budget,
                &[("spec", &"25%"), ("n", &0), ("pods", &pods(1))]
            ),
            "maxUnavailable 25% → 0: at least 1 pod available"
        );
    }

    #[test]
    fn the_merged_table_keeps_what_users_saw() {
        // The strings of the two former tables, unchanged by the merge.
        assert_eq!(EN.panel_name(crate::persist::Panel::Workloads), "Workloads");
        assert_eq!(
            fill(EN.storage_notice, &[("why", &"bad json")]),
            "Your saved session could not be restored (bad json). A fresh playground was started."
        );
        assert_eq!(
            fill(EN.scenario_notice, &[("name", &"x")]),
            "There is no scenario named \u{201c}x\u{201d}. An empty playground is shown instead."
        );
        assert_eq!(
            EN.error_at(3, Some("spec.replicas")),
            "Line 3: spec.replicas"
        );
        assert_eq!(EN.error_at(3, None), "Line 3");
        assert_eq!(EN.stage_probe, "kubelet: probe");
        assert_eq!(EN.trace_entries.of(1), "1 trace entry");
        assert_eq!(EN.more_rows.of(2), "2 older rows not shown");
    }
}
