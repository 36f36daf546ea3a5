//! Chaos controls: stop or start a node, kill a container, delete a pod.
//! Each is an input like a typed one (`kubarium node stop node-1`,
//! `kubectl delete pod web`), so it is in the input log, replayed, shared.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::strings;
use crate::model::{NodeRow, PodRow};

/// Props of [`ChaosBar`].
#[derive(Properties, PartialEq)]
pub struct ChaosBarProps {
    /// Nodes to pick from.
    pub nodes: Vec<NodeRow>,
    /// Pods to pick from.
    pub pods: Vec<PodRow>,
    /// Called with the input line to run.
    pub on_input: Callback<String>,
}

/// The chaos line for a (namespace, pod): `kubarium container kill`.
pub fn kill_line(namespace: &str, pod: &str) -> String {
    format!("kubarium container kill {pod} -n {namespace}")
}

/// The chaos line that deletes a pod.
pub fn delete_line(namespace: &str, pod: &str) -> String {
    format!("kubectl delete pod {pod} -n {namespace}")
}

/// The chaos controls.
#[function_component(ChaosBar)]
pub fn chaos_bar(props: &ChaosBarProps) -> Html {
    let node = use_state(String::new);
    let pod = use_state(String::new);
    let workers: Vec<&NodeRow> = props.nodes.iter().collect();
    let node_value = if workers.iter().any(|n| n.name == *node) {
        (*node).clone()
    } else {
        workers
            .iter()
            .find(|n| !n.roles.contains("control-plane"))
            .or(workers.first())
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    let pod_key = |p: &PodRow| format!("{}/{}", p.namespace, p.name);
    let pod_value = if props.pods.iter().any(|p| pod_key(p) == *pod) {
        (*pod).clone()
    } else {
        props
            .pods
            .iter()
            .find(|p| p.namespace != "kube-system")
            .or(props.pods.first())
            .map(pod_key)
            .unwrap_or_default()
    };
    let on_node = {
        let node = node.clone();
        Callback::from(move |e: Event| {
            node.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_pod = {
        let pod = pod.clone();
        Callback::from(move |e: Event| {
            pod.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let node_action = |verb: &'static str| {
        let cb = props.on_input.clone();
        let n = node_value.clone();
        Callback::from(move |_: MouseEvent| {
            if !n.is_empty() {
                cb.emit(format!("kubarium node {verb} {n}"));
            }
        })
    };
    let pod_action = |f: fn(&str, &str) -> String| {
        let cb = props.on_input.clone();
        let p = pod_value.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some((ns, name)) = p.split_once('/') {
                cb.emit(f(ns, name));
            }
        })
    };
    html! {
        // Folded by default: a secondary tool, and room is short on phones.
        <details class="chaos" id="chaos">
            <summary class="chaos-title">{ strings().chaos_label }</summary>
            <div class="chaos-body" role="group" aria-label={strings().chaos_label}>
            <label class="pick">
                <span>{ strings().chaos_node }</span>
                <select id="chaos-node" onchange={on_node}>
                    { for workers.iter().map(|n| html! {
                        <option value={n.name.clone()} selected={n.name == node_value}>{ &n.name }</option>
                    }) }
                </select>
            </label>
            <button id="node-stop" class="btn" onclick={node_action("stop")}>{ strings().node_stop }</button>
            <button id="node-start" class="btn" onclick={node_action("start")}>{ strings().node_start }</button>
            <label class="pick">
                <span>{ strings().chaos_pod }</span>
                <select id="chaos-pod" onchange={on_pod} disabled={props.pods.is_empty()}>
                    { for props.pods.iter().map(|p| { let k = pod_key(p); html! {
                        <option value={k.clone()} selected={k == pod_value}>{ k }</option>
                    }}) }
                </select>
            </label>
            <button id="container-kill" class="btn" disabled={props.pods.is_empty()} onclick={pod_action(kill_line)}>{ strings().container_kill }</button>
            <button id="pod-delete" class="btn" disabled={props.pods.is_empty()} onclick={pod_action(delete_line)}>{ strings().pod_delete }</button>
            </div>
        </details>
    }
}
