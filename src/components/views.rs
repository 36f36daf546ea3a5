//! The views a learner looks at: the cluster, workloads, events or the
//! timeline (the shell's navigation picks which; see [`crate::app`]), and a
//! details drawer for the selected object. Renders the plain models of
//! [`crate::views`]; every action goes back as a [`ViewAction`].

use std::rc::Rc;

use yew::prelude::*;

use crate::components::cluster_view::ClusterView;
use crate::components::details::DetailsDrawer;
use crate::components::events_view::{EventsView, TimelineView};
use crate::components::workloads::WorkloadsView;
use crate::views::{Tab, ViewAction, ViewsModel};

/// Props of [`Views`].
#[derive(Properties, PartialEq)]
pub struct ViewsProps {
    /// What to draw (its `tab` is the view shown).
    pub model: Rc<ViewsModel>,
    /// The view's name, for assistive technology.
    pub label: AttrValue,
    /// Where the learner's actions go.
    pub on_action: Callback<ViewAction>,
}

/// One view and the details drawer.
#[function_component(Views)]
pub fn views(props: &ViewsProps) -> Html {
    let m = &props.model;
    let body = match m.tab {
        Tab::Cluster => html! {
            <ClusterView model={m.cluster.clone()} grouped={m.grouped}
                         selected={m.details.as_ref().map(|d| d.details.obj.clone())}
                         on_action={props.on_action.clone()} />
        },
        Tab::Workloads => html! {
            <WorkloadsView stories={m.stories.clone().unwrap_or_default()}
                           on_action={props.on_action.clone()} />
        },
        Tab::Events => match &m.events {
            Some(e) => html! {
                <EventsView model={e.clone()} filter={m.filter.clone()}
                            on_action={props.on_action.clone()} />
            },
            None => html! {},
        },
        Tab::Timeline => match &m.timeline {
            Some(t) => {
                html! { <TimelineView model={t.clone()} on_action={props.on_action.clone()} /> }
            }
            None => html! {},
        },
    };
    html! {
        <section class="panel views" aria-label={props.label.clone()}>
            <div class="view-body">{ body }</div>
            if let Some(d) = &m.details {
                <DetailsDrawer model={d.clone()} on_action={props.on_action.clone()} />
            }
        </section>
    }
}

/// A button that opens an object's details: what every object name in the
/// views is. Rendered as text.
pub fn object_link(
    r: &crate::views::ObjRef,
    text: String,
    class: &'static str,
    on_action: &Callback<ViewAction>,
) -> Html {
    let on_action = on_action.clone();
    let target = r.clone();
    html! {
        <button class={classes!("obj-link", class)} data-kind={r.kind.clone()} data-name={r.name.clone()}
                title={r.label()}
                onclick={Callback::from(move |_| on_action.emit(ViewAction::Select(target.clone())))}>
            { text }
        </button>
    }
}
