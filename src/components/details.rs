//! The details drawer: an object's YAML, events, owner and children; for a
//! pod also its creation flow (play, pause, step) and the scheduler's
//! verdicts. Everything user-supplied is rendered as text.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::components::views::object_link;
use crate::i18n::{fill, strings};
use crate::views::flow::{offset_text, FlowStep};
use crate::views::host::DetailsModel;
use crate::views::verdicts::{Cell, VerdictTable};
use crate::views::ViewAction;

/// Props of [`DetailsDrawer`].
#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    /// The model.
    pub model: Rc<DetailsModel>,
    /// Actions.
    pub on_action: Callback<ViewAction>,
}

/// The drawer.
#[function_component(DetailsDrawer)]
pub fn details_drawer(props: &DetailsProps) -> Html {
    let s = strings();
    let d = &props.model.details;
    let close = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(ViewAction::CloseDetails))
    };
    // Move focus into the drawer when it opens on a new object, so the
    // keyboard continues there (Escape closes it).
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with(d.obj.clone(), move |_| {
            if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let onkeydown = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_action.emit(ViewAction::CloseDetails);
            }
        })
    };
    let links = |refs: &[crate::views::ObjRef]| -> Html {
        html! {
            <ul class="links">
                { for refs.iter().map(|r| html! { <li key={r.key()}>{ object_link(r, r.label(), "", &props.on_action) }</li> }) }
            </ul>
        }
    };
    html! {
        <aside class="details" id="details" aria-labelledby="details-title" {onkeydown}>
            <header class="details-head">
                <h3 id="details-title">
                    <span class="muted">{ format!("{} ", d.obj.kind) }</span>
                    { if d.obj.namespace.is_empty() { d.obj.name.clone() } else { format!("{}/{}", d.obj.namespace, d.obj.name) } }
                </h3>
                if let Some((text, tone)) = &d.status {
                    <span class={classes!("badge", tone.class())} id="details-status">{ text }</span>
                }
                <button class="close" id="details-close" ref={close_ref} onclick={close} aria-label={s.close} title={s.close}>{ "×" }</button>
            </header>
            if !d.exists {
                <p class="empty">{ s.not_found }</p>
            } else {
                if !d.owners.is_empty() {
                    <h4>{ s.owner }</h4>
                    { links(&d.owners) }
                }
                if !d.children.is_empty() {
                    <h4>{ s.children }</h4>
                    { links(&d.children) }
                }
                if let Some(flow) = &props.model.flow {
                    <FlowPlayer steps={flow.clone()} />
                }
                if let Some(v) = &props.model.verdicts {
                    { verdict_table(v) }
                }
                <h4>{ s.events }</h4>
                if d.events.is_empty() {
                    <p class="muted">{ s.no_events }</p>
                } else {
                    <div class="table-scroll"><table class="events-table" id="details-events">
                        <thead><tr>{ for s.event_columns.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                        <tbody>
                            { for d.events.iter().map(|e| html! {
                                <tr class={if e.type_ == "Warning" { "tone-bad" } else { "" }}>
                                    <td>{ &e.type_ }</td><td>{ &e.reason }</td><td>{ &e.age }</td>
                                    <td>{ &e.from }</td><td class="msg">{ &e.message }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table></div>
                }
                <h4>{ s.yaml }</h4>
                <pre class="yaml" id="details-yaml">{ d.yaml.clone() }</pre>
            }
        </aside>
    }
}

fn verdict_table(v: &VerdictTable) -> Html {
    let s = strings();
    let nf = v.filter_plugins.len();
    html! {
        <section class="verdicts" id="verdicts">
            <h4>{ s.verdicts }</h4>
            <p class="verdict-message">{ &v.message }</p>
            if let Some(p) = &v.pre_filter {
                <p class="tone-bad">{ p }</p>
            }
            <div class="table-scroll"><table class="verdict-table">
                <thead>
                    <tr>
                        <th rowspan="2">{ s.node }</th>
                        if nf > 0 { <th colspan={nf.to_string()} class="group">{ s.filters }</th> }
                        if !v.score_plugins.is_empty() {
                            <th colspan={v.score_plugins.len().to_string()} class="group">{ s.scores }</th>
                            <th rowspan="2">{ s.total }</th>
                        }
                    </tr>
                    <tr>
                        { for v.filter_plugins.iter().chain(v.score_plugins.iter()).map(|p| html! { <th class="plugin">{ p }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for v.rows.iter().map(|r| html! {
                        <tr key={r.node.clone()} class={classes!(r.chosen.then_some("chosen"), (!r.feasible).then_some("infeasible"))}>
                            <th scope="row">{ &r.node }{ if r.chosen { format!(" ({})", s.chosen) } else { String::new() } }</th>
                            { for r.cells.iter().map(|c| match c {
                                Cell::NotRun => html! { <td class="muted">{ s.not_run }</td> },
                                Cell::Passed => html! { <td class="tone-ok">{ "✓ " }{ s.passed }</td> },
                                Cell::Rejected { code, reasons } => html! {
                                    <td class="tone-bad rejected" title={code.clone()}>{ "✗ " }{ reasons.join("; ") }</td>
                                },
                                Cell::Score { normalized, weight, raw } => html! {
                                    <td title={fill(s.raw_score, &[("raw", raw)])}>{ format!("{normalized}×{weight}") }</td>
                                },
                            }) }
                            if !v.score_plugins.is_empty() {
                                <td class="total">{ r.total.map(|t| t.to_string()).unwrap_or_else(|| s.not_run.to_string()) }</td>
                            }
                        </tr>
                    }) }
                </tbody>
            </table></div>
        </section>
    }
}

/// Props of [`FlowPlayer`].
#[derive(Properties, PartialEq)]
pub struct FlowProps {
    /// The steps.
    pub steps: Rc<Vec<FlowStep>>,
}

/// How long each step shows while playing (real time).
const STEP_MS: u32 = 700;

/// The flow, stepped through: play, pause, previous, next, show all.
/// While showing every step it follows new ones as they happen.
#[function_component(FlowPlayer)]
pub fn flow_player(props: &FlowProps) -> Html {
    let s = strings();
    let len = props.steps.len();
    // How many steps are shown; `None` = all, following new ones.
    let shown = use_state(|| None::<usize>);
    let playing = use_state(|| false);
    {
        let shown = shown.clone();
        let playing = playing.clone();
        use_effect_with((*playing, *shown, len), move |&(is_playing, n, len)| {
            let timer = is_playing.then(|| {
                Timeout::new(STEP_MS, move || {
                    let next = n.unwrap_or(len) + 1;
                    if next >= len {
                        shown.set(None);
                        playing.set(false);
                    } else {
                        shown.set(Some(next));
                    }
                })
            });
            move || drop(timer)
        });
    }
    let count = shown.unwrap_or(len).min(len);
    let set = |n: Option<usize>, play: bool| {
        let shown = shown.clone();
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| {
            shown.set(n);
            playing.set(play);
        })
    };
    let on_play = if *playing {
        set(Some(count), false)
    } else if count >= len {
        set(Some(1.min(len)), true)
    } else {
        set(Some(count), true)
    };
    let prev = set(Some(count.saturating_sub(1).max(1.min(len))), false);
    let next = set(
        if count + 1 >= len {
            None
        } else {
            Some(count + 1)
        },
        false,
    );
    let all = set(None, false);
    let start = props.steps.first().map(|s| s.time).unwrap_or(0);
    html! {
        <section class="flow" id="flow">
            <h4>{ s.flow }</h4>
            if len == 0 {
                <p class="muted">{ s.no_flow }</p>
            } else {
                <div class="flow-controls">
                    <button id="flow-play" onclick={on_play}>{ if *playing { s.pause } else { s.play } }</button>
                    <button id="flow-prev" onclick={prev} aria-label={s.step_back} title={s.step_back}>{ "◀" }</button>
                    <button id="flow-next" onclick={next} aria-label={s.step_forward} title={s.step_forward}>{ "▶" }</button>
                    <button id="flow-all" onclick={all}>{ s.show_all }</button>
                    <span class="muted" aria-live="polite">{ format!("{count}/{len}") }</span>
                </div>
                <ol class="flow-steps">
                    { for props.steps.iter().take(count).enumerate().map(|(i, st)| {
                        let current = i + 1 == count;
                        html! {
                            <li key={i} class={classes!("flow-step", st.stage.class(), st.tone.class(), current.then_some("current"))}>
                                <div class="flow-line">
                                    <span class="flow-time">{ offset_text(st.time, start) }</span>
                                    <span class="flow-actor">{ &st.actor }</span>
                                </div>
                                <div class="flow-title">{ st.stage.label() }</div>
                                <div class="flow-summary">{ &st.summary }</div>
                                if current {
                                    <pre class="flow-trace">{ st.trace.join("\n") }</pre>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
