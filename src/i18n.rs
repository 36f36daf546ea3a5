//! Every string the app shows a user, in one place so it can be translated.
//! (English only for now.) The loading indicator's text is in `index.html`,
//! as it must show before the WebAssembly has loaded.

/// Product name in the header.
pub const APP_NAME: &str = "Kubarium";
/// Tagline beside the product name.
pub const TAGLINE: &str = "a Kubernetes cluster in your browser tab";
/// Label before the virtual clock.
pub const CLOCK_LABEL: &str = "Cluster time";
/// Tooltip of the virtual clock.
pub const CLOCK_TITLE: &str =
    "Virtual time of the simulated cluster (runs while this tab is visible, at the chosen speed)";
/// Heading of the terminal panel.
pub const TERMINAL: &str = "Terminal";
/// Placeholder of the command input.
pub const COMMAND_PLACEHOLDER: &str = "kubectl get pods";
/// Accessible label of the command input.
pub const COMMAND_LABEL: &str = "kubectl command";
/// Shown in the terminal before the first command.
pub const TERMINAL_HINT: &str = "Type a kubectl command and press Enter.";
/// Prompt shown while a here-document is open.
pub const HEREDOC_PROMPT: &str = ">";
/// Accessible label of the list of completions.
pub const COMPLETIONS_LABEL: &str = "Completions";
/// Keyboard help under the terminal.
pub const TERMINAL_KEYS: &str =
    "Tab completes · ↑/↓ history · Ctrl-C abandons the line · Ctrl-L or `clear` clears";

/// Accessible label of the main navigation.
pub const NAV_LABEL: &str = "Panels";
/// Accessible label of the view tabs (left column).
pub const VIEWS_LABEL: &str = "Views of the cluster";
/// Accessible label of the tool buttons (right column).
pub const TOOLS_LABEL: &str = "Tools";
/// Panel names in the navigation, by [`crate::persist::Panel::id`].
pub fn panel_name(id: &str) -> &'static str {
    match id {
        "cluster" => "Cluster",
        "timeline" => "Timeline",
        "events" => "Events",
        "workloads" => "Workloads",
        "services" => "Services",
        "ingress" => "Ingress",
        "volumes" => "Volumes",
        "terminal" => "Terminal",
        "editor" => "Editor",
        _ => "",
    }
}
/// Placeholder of the Services, Ingress and Volumes panels.
pub const COMES_WITH_NETWORKING: &str =
    "This view comes with the networking work (Services, EndpointSlices, DNS, Ingress).";
/// Placeholder of the Volumes panel.
pub const COMES_WITH_STORAGE: &str =
    "This view comes with the storage work (PersistentVolumes, claims, StorageClasses).";

/// Accessible label of the time controls.
pub const TIME_LABEL: &str = "Time controls";
/// Play button.
pub const PLAY: &str = "Play";
/// Pause button.
pub const PAUSE: &str = "Pause";
/// Step button.
pub const STEP: &str = "Step";
/// Step button's tooltip.
pub const STEP_TITLE: &str = "Advance to the cluster's next event";
/// Label of the speed buttons.
pub const SPEED_LABEL: &str = "Speed";
/// Settle button.
pub const SETTLE: &str = "Until settled";
/// Settle button's tooltip.
pub const SETTLE_TITLE: &str = "Run until the cluster is quiet (at most 10 minutes)";
/// Label of the rewind slider.
pub const REWIND_LABEL: &str = "Rewind to";
/// Rewind button.
pub const REWIND: &str = "Rewind";
/// Rewind button's tooltip.
pub const REWIND_TITLE: &str =
    "Go back to the chosen moment by replaying your inputs up to it (later inputs are dropped)";

/// Accessible label of the chaos controls.
pub const CHAOS_LABEL: &str = "Chaos";
/// Label of the node picker.
pub const CHAOS_NODE: &str = "Node";
/// Label of the pod picker.
pub const CHAOS_POD: &str = "Pod";
/// Stop-node button.
pub const NODE_STOP: &str = "Stop node";
/// Start-node button.
pub const NODE_START: &str = "Start node";
/// Kill-container button.
pub const CONTAINER_KILL: &str = "Kill container";
/// Delete-pod button.
pub const POD_DELETE: &str = "Delete pod";

/// Copy-link button.
pub const COPY_LINK: &str = "Copy link";
/// Shown once the link is copied.
pub const LINK_COPIED: &str = "Link copied.";
/// Shown when the clipboard refused; the link is in the field to copy.
pub const LINK_READY: &str = "Copy the link from the field.";
/// Accessible label of the share link field.
pub const SHARE_LINK_LABEL: &str = "Share link";
/// Reset button.
pub const RESET: &str = "Reset";
/// Reset button's tooltip.
pub const RESET_TITLE: &str = "Start a new, empty playground (your session is discarded)";
/// Dismiss button of a notice.
pub const DISMISS: &str = "Dismiss";
/// Notice when stored data could not be restored.
pub fn storage_notice(why: &str) -> String {
    format!("Your saved session could not be restored ({why}). A fresh playground was started.")
}
/// Notice when a share link could not be opened.
pub fn link_notice(why: &str) -> String {
    format!("This link could not be opened: {why}. An empty playground is shown instead.")
}
/// Notice when a scenario is unknown.
pub fn scenario_notice(name: &str) -> String {
    format!(
        "There is no scenario named \u{201c}{name}\u{201d}. An empty playground is shown instead."
    )
}
/// Notice when a rewind failed.
pub fn rewind_notice(why: &str) -> String {
    format!("Could not rewind: {why}.")
}

/// Heading of the editor panel.
pub const EDITOR: &str = "Editor";
/// Accessible label of the YAML text area.
pub const EDITOR_LABEL: &str = "YAML manifest";
/// Label of the template picker.
pub const TEMPLATE_LABEL: &str = "Example";
/// First option of the template picker.
pub const TEMPLATE_PICK: &str = "Insert an example…";
/// Apply button.
pub const APPLY: &str = "Apply";
/// Delete button.
pub const DELETE: &str = "Delete";
/// Shown with the line an error points at.
pub fn error_at(line: usize, path: Option<&str>) -> String {
    match path {
        Some(p) => format!("Line {line}: {p}"),
        None => format!("Line {line}"),
    }
}
/// The skip link to the panels (keyboard users).
pub const SKIP_TO_PANELS: &str = "Skip to the panels";
