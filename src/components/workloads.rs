//! The workloads story: each Deployment's ReplicaSets side by side during a
//! rollout, its surge/unavailable budget, and its revision history.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::cluster_view::width_class;
use crate::components::views::object_link;
use crate::i18n::{fill, pods, strings};
use crate::views::rollout::{DeploymentStory, RsCard};
use crate::views::ViewAction;

/// Props of [`WorkloadsView`].
#[derive(Properties, PartialEq)]
pub struct WorkloadsProps {
    /// Deployments.
    pub stories: Rc<Vec<DeploymentStory>>,
    /// Actions.
    pub on_action: Callback<ViewAction>,
}

fn pct(v: i32, of: i32) -> i64 {
    if of <= 0 {
        0
    } else {
        (i64::from(v) * 100 / i64::from(of)).clamp(0, 100)
    }
}

fn rs_card(c: &RsCard, scale: i32, on_action: &Callback<ViewAction>) -> Html {
    let s = strings();
    let row = |label: &'static str, v: i32, class: &'static str| {
        html! {
            <div class="rs-row">
                <span class="rs-label">{ label }</span>
                <span class="res-bar"><span class={classes!(class, width_class(pct(v, scale)))}></span></span>
                <span class="rs-n">{ v }</span>
            </div>
        }
    };
    html! {
        <div class={classes!("rs-card", if c.is_new { "new" } else { "old" })} key={c.obj.name.clone()}>
            <div class="rs-head">
                <span class="badge">{ if c.is_new { s.new_rs } else { s.old_rs } }</span>
                { object_link(&c.obj, c.obj.name.clone(), "rs-name", on_action) }
            </div>
            <div class="muted">{ format!("{} {} · {}", s.revision, c.revision, c.images) }</div>
            { row(s.desired, c.desired, "res-req") }
            { row(s.current, c.current, "res-req") }
            { row(s.ready, c.ready, "res-use") }
        </div>
    }
}

fn story(d: &DeploymentStory, on_action: &Callback<ViewAction>) -> Html {
    let s = strings();
    let scale = d.max_pods().max(1);
    html! {
        <article class="story" key={d.obj.key()} data-deployment={d.obj.name.clone()}>
            <header class="story-head">
                { object_link(&d.obj, format!("{}/{}", d.obj.namespace, d.obj.name), "dep-name", on_action) }
                <span class="badge">{ &d.strategy }</span>
                <span class="muted">{ fill(s.deployment_counts, &[("desired", &d.desired), ("updated", &d.updated), ("ready", &d.ready), ("available", &d.available)]) }</span>
            </header>
            <p class="budget">
                { fill(s.surge_budget, &[("spec", &d.surge_text), ("n", &d.max_surge), ("pods", &pods(d.max_pods().max(0) as usize))]) }
                <br />
                { fill(s.unavailable_budget, &[("spec", &d.unavailable_text), ("n", &d.max_unavailable), ("pods", &pods(d.min_available() as usize))]) }
            </p>
            <div class="rs-cards">{ for d.active.iter().map(|c| rs_card(c, scale, on_action)) }</div>
            <details class="history">
                <summary>{ format!("{} ({})", s.revisions, d.history.len()) }</summary>
                <div class="table-scroll"><table>
                    <thead><tr><th>{ s.revision }</th><th>{ s.replica_set }</th><th>{ s.images }</th><th>{ s.desired }</th><th>{ s.change_cause }</th></tr></thead>
                    <tbody>
                        { for d.history.iter().map(|c| html! {
                            <tr key={c.obj.name.clone()} class={c.is_new.then_some("current-rev")}>
                                <td>{ c.revision }</td>
                                <td>{ object_link(&c.obj, c.obj.name.clone(), "", on_action) }</td>
                                <td>{ &c.images }</td><td>{ c.desired }</td>
                                <td>{ if c.change_cause.is_empty() { "<none>".to_string() } else { c.change_cause.clone() } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table></div>
            </details>
        </article>
    }
}

/// Every Deployment's rollout.
#[function_component(WorkloadsView)]
pub fn workloads_view(props: &WorkloadsProps) -> Html {
    let s = strings();
    html! {
        <div class="workloads" id="workloads">
            if props.stories.is_empty() {
                <p class="empty">{ s.no_deployments }</p>
            }
            { for props.stories.iter().map(|d| story(d, &props.on_action)) }
        </div>
    }
}
