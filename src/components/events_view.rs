//! The events table (as `kubectl get events -A` prints it) with its filter,
//! and the trace timeline.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::cluster_view::width_class;
use crate::i18n::strings;
use crate::views::events::{EventFilter, EventsModel, Timeline, BUCKET_MS};
use crate::views::ViewAction;

/// Props of [`EventsView`].
#[derive(Properties, PartialEq)]
pub struct EventsProps {
    /// The table.
    pub model: Rc<EventsModel>,
    /// The current filter.
    pub filter: EventFilter,
    /// Actions.
    pub on_action: Callback<ViewAction>,
}

#[derive(Clone, Copy)]
enum Field {
    Namespace,
    Type,
    Reason,
}

/// The events table.
#[function_component(EventsView)]
pub fn events_view(props: &EventsProps) -> Html {
    let s = strings();
    let m = &props.model;
    let select = |field: Field,
                  id: &'static str,
                  label: &'static str,
                  options: &[String],
                  value: &str| {
        let on_action = props.on_action.clone();
        let filter = props.filter.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let mut f = filter.clone();
            let v = sel.value();
            match field {
                Field::Namespace => f.namespace = v,
                Field::Type => f.type_ = v,
                Field::Reason => f.reason = v,
            }
            on_action.emit(ViewAction::Filter(f));
        });
        html! {
            <label class="filter">
                <span>{ label }</span>
                <select id={id} {onchange}>
                    <option value="" selected={value.is_empty()}>{ s.any }</option>
                    { for options.iter().map(|o| html! { <option value={o.clone()} selected={o == value}>{ o }</option> }) }
                </select>
            </label>
        }
    };
    let on_object = {
        let on_action = props.on_action.clone();
        let filter = props.filter.clone();
        Callback::from(move |e: InputEvent| {
            let Some(i) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut f = filter.clone();
            f.object = i.value();
            on_action.emit(ViewAction::Filter(f));
        })
    };
    html! {
        <div class="events-view">
            <div class="filters">
                { select(Field::Namespace, "filter-namespace", s.filter_namespace, &m.namespaces, &props.filter.namespace) }
                { select(Field::Type, "filter-type", s.filter_type, &m.types, &props.filter.type_) }
                { select(Field::Reason, "filter-reason", s.filter_reason, &m.reasons, &props.filter.reason) }
                <label class="filter">
                    <span>{ s.filter_object }</span>
                    <input id="filter-object" type="search" value={props.filter.object.clone()} oninput={on_object}
                           placeholder="pod/nginx" autocomplete="off" spellcheck="false" />
                </label>
            </div>
            if m.rows.is_empty() {
                <p class="empty" id="no-events">{ s.no_matching_events }</p>
            } else {
                if m.matching > m.rows.len() {
                    <p class="muted">{ s.more_rows.of(m.matching - m.rows.len()) }</p>
                }
                <div class="table-scroll"><table id="events-table" class="events-table">
                    <thead><tr>{ for m.headers.iter().map(|h| html! { <th>{ h }</th> }) }</tr></thead>
                    <tbody>
                        { for m.rows.iter().zip(&m.tones).map(|(r, t)| html! {
                            <tr class={t.class()}>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr>
                        }) }
                    </tbody>
                </table></div>
            }
        </div>
    }
}

/// Props of [`TimelineView`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The timeline.
    pub model: Rc<Timeline>,
    /// Actions.
    pub on_action: Callback<ViewAction>,
}

/// Bars of trace entries per bucket of virtual time; a click lists a bucket.
#[function_component(TimelineView)]
pub fn timeline_view(props: &TimelineProps) -> Html {
    let s = strings();
    let m = &props.model;
    let sel = m.selected.as_ref().map(|(t, _)| *t);
    html! {
        <div class="timeline-view">
            <p class="muted">{ s.timeline_hint }</p>
            <div class="timeline" id="timeline" role="group" aria-label={s.timeline}>
                { for m.buckets.iter().map(|b| {
                    let pct = (b.count * 100).checked_div(m.max).unwrap_or(0) as i64;
                    let on_action = props.on_action.clone();
                    let start = b.start;
                    let is_sel = sel == Some(start);
                    let label = format!("{}: {}", b.label, s.trace_entries.of(b.count));
                    html! {
                        <button key={start.to_string()} class={classes!("tl-bar", is_sel.then_some("selected"))}
                                title={label.clone()} aria-label={label}
                                onclick={Callback::from(move |_| on_action.emit(ViewAction::Bucket(if is_sel { None } else { Some(start) })))}>
                            <span class={classes!("tl-fill", format!("h-{}", width_class(pct).trim_start_matches("w-")))}></span>
                        </button>
                    }
                }) }
            </div>
            <div class="tl-axis muted">
                <span>{ m.buckets.first().map(|b| b.label.clone()).unwrap_or_default() }</span>
                <span>{ m.buckets.last().map(|b| b.label.clone()).unwrap_or_default() }</span>
            </div>
            if let Some((start, lines)) = &m.selected {
                <h4>{ format!("{} + {} s · {}",
                    m.buckets.iter().find(|b| b.start == *start).map(|b| b.label.clone()).unwrap_or_default(),
                    BUCKET_MS / 1000, s.trace_entries.of(lines.len() + m.more)) }</h4>
                <pre class="trace-lines" id="timeline-entries">{ lines.join("\n") }</pre>
            }
        </div>
    }
}
