//! The new-session form: pick a shipped scenario (or none) and the number
//! of worker nodes, then start. Both are part of the new session's input
//! log, so a reload, a rewind and a share link rebuild the same cluster.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::strings;
use crate::scenarios::{self, SCENARIOS};
use crate::session::{parse_workers, MAX_WORKERS};

/// What to start: a scenario's name (`None`: an empty cluster) and the
/// number of workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSessionChoice {
    /// A name of [`SCENARIOS`], or none.
    pub scenario: Option<&'static str>,
    /// Worker nodes, 1 to [`MAX_WORKERS`].
    pub workers: u32,
}

/// Props of [`NewSession`].
#[derive(Properties, PartialEq)]
pub struct NewSessionProps {
    /// The workers of the current session (the form's starting value).
    pub workers: u32,
    /// Called with the choice when the learner starts.
    pub on_start: Callback<NewSessionChoice>,
}

/// The form.
#[function_component(NewSession)]
pub fn new_session(props: &NewSessionProps) -> Html {
    let s = strings();
    let scenario = use_state(|| None::<&'static str>);
    let workers = use_state(|| props.workers.to_string());
    let on_scenario = {
        let scenario = scenario.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            scenario.set(scenarios::get(&name).map(|s| s.name));
        })
    };
    let on_workers = {
        let workers = workers.clone();
        Callback::from(move |e: InputEvent| {
            workers.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // Keyboard users land in the form when it opens.
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let chosen = parse_workers(&workers);
    let onsubmit = {
        let on_start = props.on_start.clone();
        let scenario = *scenario;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(workers) = chosen {
                on_start.emit(NewSessionChoice { scenario, workers });
            }
        })
    };
    let summary = scenario
        .and_then(scenarios::get)
        .map_or(s.no_scenario_summary, |sc| sc.summary);
    html! {
        <form class="new-session" id="new-session-form" aria-label={s.new_session_label} {onsubmit}>
            <label class="pick">
                <span>{ s.scenario_label }</span>
                <select id="new-scenario" ref={first} onchange={on_scenario} aria-describedby="new-scenario-summary">
                    <option value="" selected={scenario.is_none()}>{ s.no_scenario }</option>
                    { for SCENARIOS.iter().map(|sc| html! {
                        <option value={sc.name} selected={*scenario == Some(sc.name)}>{ sc.name }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                <span>{ s.workers_label }</span>
                <input id="new-nodes" type="number" min="1" max={MAX_WORKERS.to_string()} step="1"
                       required=true value={(*workers).clone()} oninput={on_workers}
                       aria-invalid={if chosen.is_none() { "true" } else { "false" }} />
            </label>
            <button id="new-start" class="btn primary" type="submit" disabled={chosen.is_none()}>{ s.start }</button>
            <p class="new-summary" id="new-scenario-summary">{ summary }</p>
            <p class="muted new-note">{ s.new_session_note }</p>
        </form>
    }
}
