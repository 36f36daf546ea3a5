//! The cluster panel: nodes and pods as tables.

use yew::prelude::*;

use crate::i18n;
use crate::model::{NodeRow, PodRow};

/// Props of [`ClusterPanel`].
#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    /// Node rows.
    pub nodes: Vec<NodeRow>,
    /// Pod rows.
    pub pods: Vec<PodRow>,
}

/// Lists the cluster's nodes and pods.
#[function_component(ClusterPanel)]
pub fn cluster_panel(props: &ClusterPanelProps) -> Html {
    let nodes = if props.nodes.is_empty() {
        html! { <p class="empty" id="no-nodes">{ i18n::NO_NODES }</p> }
    } else {
        html! {
            <div class="table-scroll"><table id="nodes">
                <thead><tr>{ for i18n::NODE_COLUMNS.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for props.nodes.iter().map(|n| html! {
                        <tr key={n.name.clone()}>
                            <td>{ &n.name }</td>
                            <td class={status_class(&n.status)}>{ &n.status }</td>
                            <td>{ &n.roles }</td>
                        </tr>
                    }) }
                </tbody>
            </table></div>
        }
    };
    let pods = if props.pods.is_empty() {
        html! { <p class="empty" id="no-pods">{ i18n::NO_PODS }</p> }
    } else {
        html! {
            <div class="table-scroll"><table id="pods">
                <thead><tr>{ for i18n::POD_COLUMNS.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for props.pods.iter().map(|p| html! {
                        <tr key={format!("{}/{}", p.namespace, p.name)}>
                            <td>{ &p.namespace }</td>
                            <td>{ &p.name }</td>
                            <td class={status_class(&p.status)}>{ &p.status }</td>
                            <td>{ &p.node }</td>
                        </tr>
                    }) }
                </tbody>
            </table></div>
        }
    };
    html! {
        <section class="panel cluster" aria-labelledby="nodes-heading">
            <h2 id="nodes-heading">{ i18n::NODES }</h2>
            { nodes }
            <h2>{ i18n::PODS }</h2>
            { pods }
        </section>
    }
}

/// A CSS class that colours a STATUS cell: good, bad or in between.
fn status_class(status: &str) -> &'static str {
    match status {
        "Ready" | "Running" | "Succeeded" | "Completed" => "status ok",
        s if s.starts_with("NotReady")
            || s.starts_with("Unknown")
            || s == "Failed"
            || s.contains("Err")
            || s.contains("BackOff") =>
        {
            "status bad"
        }
        _ => "status wait",
    }
}
