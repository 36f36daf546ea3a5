//! The cluster view: control plane, nodes with their agents, resource use
//! and pods (as chips, grouped by owner, or counted when there are many),
//! and the unscheduled lane.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::views::object_link;
use crate::i18n::{fill, pods, strings};
use crate::views::cluster::{
    bytes_text, cpu_text, ClusterModel, NodeView, OwnerGroup, PodChip, ResourceUse, StatusCount,
};
use crate::views::{ObjRef, ViewAction};

/// Props of [`ClusterView`].
#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// The model.
    pub model: Rc<ClusterModel>,
    /// Whether pods are grouped by owner.
    pub grouped: bool,
    /// The object whose details are open (highlighted).
    pub selected: Option<ObjRef>,
    /// Actions.
    pub on_action: Callback<ViewAction>,
}

/// A CSS width class for a percentage, in 5 % steps (the page's CSP forbids
/// inline styles).
pub fn width_class(pct: i64) -> String {
    format!("w-{}", (pct.clamp(0, 100) + 2) / 5 * 5)
}

fn pod_chip(p: &PodChip, selected: Option<&ObjRef>, on_action: &Callback<ViewAction>) -> Html {
    let on_action = on_action.clone();
    let target = p.obj.clone();
    let is_sel = selected == Some(&p.obj);
    let ready_suffix = if p.status.text == "Running" && p.status.all_ready {
        String::new()
    } else {
        format!(" {}", p.status.ready)
    };
    html! {
        <button key={p.obj.key()} class={classes!("pod-chip", p.status.tone.class(), is_sel.then_some("selected"))}
                data-pod={p.obj.name.clone()} data-status={p.status.text.clone()}
                title={format!("{}/{}: {} {}", p.obj.namespace, p.obj.name, p.status.text, p.status.ready)}
                onclick={Callback::from(move |_| on_action.emit(ViewAction::Select(target.clone())))}>
            <span class="pod-name">{ &p.obj.name }</span>
            <span class="pod-status">{ format!("{}{}", p.status.text, ready_suffix) }</span>
        </button>
    }
}

fn counts(c: &[StatusCount]) -> Html {
    html! {
        <ul class="status-counts">
            { for c.iter().map(|c| html! {
                <li class={classes!("count", c.tone.class())} key={c.status.clone()}>
                    <span class="count-n">{ c.count }</span>{ " " }<span>{ &c.status }</span>
                </li>
            }) }
        </ul>
    }
}

fn bar(label: &str, u: &ResourceUse, fmt: fn(i64) -> String) -> Html {
    let s = strings();
    let used = u
        .used
        .map(|v| format!(" · {} {}", fmt(v), s.in_use))
        .unwrap_or_default();
    let text = format!(
        "{label}: {} / {} {}{used}",
        fmt(u.requested),
        fmt(u.allocatable),
        s.requested
    );
    html! {
        <div class="res">
            <div class="res-text">{ text.clone() }</div>
            <div class="res-bar" role="img" aria-label={text}>
                <span class={classes!("res-req", width_class(u.requested_pct()))}></span>
                if let Some(p) = u.used_pct() {
                    <span class={classes!("res-use", width_class(p))}></span>
                }
            </div>
        </div>
    }
}

fn group(g: &OwnerGroup, selected: Option<&ObjRef>, on_action: &Callback<ViewAction>) -> Html {
    let s = strings();
    let key = format!(
        "{}|{}",
        g.top.as_ref().map(ObjRef::key).unwrap_or_default(),
        g.middle.as_ref().map(ObjRef::key).unwrap_or_default()
    );
    html! {
        <div class="owner-group" key={key}>
            <div class="owner-chain">
                { match &g.top {
                    Some(t) => object_link(t, t.label(), "owner", on_action),
                    None => html! { <span class="muted">{ s.no_owner }</span> },
                } }
                if let Some(m) = &g.middle {
                    <span class="arrow" aria-hidden="true">{ "→" }</span>
                    { object_link(m, m.label(), "owner", on_action) }
                }
            </div>
            <div class="chips">{ for g.pods.iter().map(|p| pod_chip(p, selected, on_action)) }</div>
        </div>
    }
}

fn node_card(
    n: &NodeView,
    m: &ClusterModel,
    selected: Option<&ObjRef>,
    on_action: &Callback<ViewAction>,
) -> Html {
    let s = strings();
    let pod_list = if m.aggregated {
        html! { <>{ counts(&n.counts) }</> }
    } else if m.grouped {
        html! { <div class="groups">{ for n.groups.iter().map(|g| group(g, selected, on_action)) }</div> }
    } else {
        html! { <div class="chips">{ for n.pods.iter().map(|p| pod_chip(p, selected, on_action)) }</div> }
    };
    html! {
        <article class={classes!("node-card", n.tone.class())} key={n.obj.name.clone()} data-node={n.obj.name.clone()}>
            <header class="node-head">
                { object_link(&n.obj, n.obj.name.clone(), "node-name", on_action) }
                <span class={classes!("badge", n.tone.class())}>{ &n.status }</span>
                if !n.roles.is_empty() {
                    <span class="badge role">{ &n.roles }</span>
                }
                <span class="muted pod-count">{ pods(n.pod_count) }</span>
            </header>
            <ul class="agents">
                { for n.agents.iter().map(|a| {
                    let inner = html! { <><span class="agent-label">{ a.label }</span>{ " " }<span class="agent-detail">{ &a.detail }</span></> };
                    html! {
                        <li class={classes!("agent", a.tone.class())} key={a.label}>
                            { match &a.pod {
                                Some(p) => { let on_action = on_action.clone(); let p = p.clone();
                                    html! { <button class="obj-link agent-link" onclick={Callback::from(move |_| on_action.emit(ViewAction::Select(p.clone())))}>{ inner }</button> } }
                                None => inner,
                            } }
                        </li>
                    }
                }) }
            </ul>
            { bar(s.cpu, &n.cpu, cpu_text) }
            { bar(s.memory, &n.memory, bytes_text) }
            { pod_list }
        </article>
    }
}

/// The cluster view.
#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let s = strings();
    let m = &props.model;
    let sel = props.selected.as_ref();
    let on_group = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let checked = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.checked())
                .unwrap_or(false);
            on_action.emit(ViewAction::GroupByOwner(checked));
        })
    };
    html! {
        <div class="cluster-view">
            <div class="view-controls">
                <label class="toggle">
                    <input type="checkbox" id="group-by-owner" checked={props.grouped} onchange={on_group}
                           disabled={m.aggregated} />
                    { " " }{ s.group_by_owner }
                </label>
                <span class="muted" id="pod-total">{ pods(m.total_pods) }</span>
            </div>
            if m.aggregated {
                <p class="note" id="aggregated-note">{ s.aggregated_note }</p>
            }
            <section class="control-plane" aria-label={s.control_plane}>
                <h3>
                    { s.control_plane }
                    if let Some(n) = &m.control_plane_node {
                        <span class="muted cp-node">{ " · " }{ fill(s.control_plane_on, &[("node", n)]) }</span>
                    }
                </h3>
                <ul class="components">
                    { for m.control_plane.iter().map(|c| html! {
                        <li key={c.label}>
                            { match &c.pod {
                                Some(p) => { let on_action = props.on_action.clone(); let t = p.obj.clone();
                                    html! {
                                        <button class={classes!("component", p.status.tone.class(), (sel == Some(&p.obj)).then_some("selected"))}
                                                data-pod={p.obj.name.clone()}
                                                onclick={Callback::from(move |_| on_action.emit(ViewAction::Select(t.clone())))}>
                                            <span class="component-label">{ c.label }</span>
                                            <span class="pod-status">{ format!("{} {}", p.status.text, p.status.ready) }</span>
                                        </button>
                                    } }
                                None => html! { <span class="component tone-bad">{ c.label }{ " " }{ s.missing }</span> },
                            } }
                        </li>
                    }) }
                </ul>
            </section>
            if m.nodes.is_empty() {
                <p class="empty" id="no-nodes">{ s.no_nodes }</p>
            } else {
                <div class="nodes" id="nodes">
                    { for m.nodes.iter().map(|n| node_card(n, m, sel, &props.on_action)) }
                </div>
            }
            <section class="lane unscheduled" id="unscheduled" aria-label={s.unscheduled}>
                <h3>{ format!("{} · {}", s.unscheduled, m.unscheduled_count) }</h3>
                if m.unscheduled_count == 0 {
                    <p class="muted">{ s.no_unscheduled }</p>
                } else {
                    if m.aggregated { { counts(&m.unscheduled_counts) } }
                    <div class="chips">{ for m.unscheduled.iter().map(|p| pod_chip(p, sel, &props.on_action)) }</div>
                }
            </section>
        </div>
    }
}
