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
    "Virtual time of the simulated cluster (runs at 1× while this tab is visible)";
/// Heading of the nodes panel.
pub const NODES: &str = "Nodes";
/// Heading of the pods panel.
pub const PODS: &str = "Pods";
/// Shown when the cluster has no nodes.
pub const NO_NODES: &str = "No nodes yet";
/// Shown when the cluster has no pods.
pub const NO_PODS: &str = "No pods yet";
/// Column headings of the nodes table.
pub const NODE_COLUMNS: [&str; 3] = ["NAME", "STATUS", "ROLES"];
/// Column headings of the pods table.
pub const POD_COLUMNS: [&str; 4] = ["NAMESPACE", "NAME", "STATUS", "NODE"];
/// Heading of the terminal panel.
pub const TERMINAL: &str = "Terminal";
/// Placeholder of the command input.
pub const COMMAND_PLACEHOLDER: &str = "kubectl get pods";
/// Accessible label of the command input.
pub const COMMAND_LABEL: &str = "kubectl command";
/// Shown in the terminal before the first command.
pub const TERMINAL_HINT: &str = "Type a kubectl command and press Enter.";
