//! Time controls: play/pause, step to the next event, speeds, run until
//! settled, and rewind (replaying the input log up to a chosen moment).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::strings;
use crate::model::SPEEDS;

/// What the time controls ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeAction {
    /// Run or stop the clock.
    Play(bool),
    /// Advance to the next event.
    Step,
    /// Set the speed.
    Speed(u32),
    /// Run until the cluster is quiet.
    Settle,
    /// Go back to this virtual time (ms).
    Rewind(u64),
}

/// Props of [`TimeBar`].
#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    /// Whether the clock runs.
    pub playing: bool,
    /// The current speed.
    pub speed: u32,
    /// Virtual ms when the session began (the rewind slider's start).
    pub start: u64,
    /// Virtual ms now (the slider's end).
    pub now: u64,
    /// Called with each action.
    pub on_action: Callback<TimeAction>,
    /// Minimal controls (embed mode): play/pause and step only.
    #[prop_or_default]
    pub compact: bool,
}

/// `1m05s` after the session's start, as the slider's readout.
fn elapsed(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("+{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60)
    } else if s >= 60 {
        format!("+{}m{:02}s", s / 60, s % 60)
    } else {
        format!("+{s}s")
    }
}

/// A 16×16 icon drawn with `path` (no font needed), hidden from assistive
/// technology: the button's text names it.
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

/// The time controls.
#[function_component(TimeBar)]
pub fn time_bar(props: &TimeBarProps) -> Html {
    // The slider's value while the user picks a moment (seconds since start).
    let target = use_state(|| None::<u64>);
    let act = |a: TimeAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a))
    };
    let span_s = props.now.saturating_sub(props.start) / 1000;
    let chosen = target.unwrap_or(span_s).min(span_s);
    let oninput = {
        let target = target.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            target.set(el.value().parse().ok());
        })
    };
    let rewind = {
        let target = target.clone();
        let cb = props.on_action.clone();
        let start = props.start;
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = *target {
                cb.emit(TimeAction::Rewind(start + s * 1000));
            }
            target.set(None);
        })
    };
    let play = if props.playing {
        html! { <button id="pause" class="btn" aria-pressed="false" onclick={act(TimeAction::Play(false))}>{ icon("M3 2h3v12H3zM10 2h3v12h-3z") }{ strings().pause }</button> }
    } else {
        html! { <button id="play" class="btn" aria-pressed="false" onclick={act(TimeAction::Play(true))}>{ icon("M4 2l10 6-10 6z") }{ strings().play }</button> }
    };
    html! {
        <div class="timebar" role="group" aria-label={strings().time_label}>
            { play }
            <button id="step" class="btn" title={strings().step_title} onclick={act(TimeAction::Step)}>{ icon("M2 2l8 6-8 6zM11 2h3v12h-3z") }{ strings().step }</button>
            if !props.compact {
                <span class="speeds" role="group" aria-label={strings().speed_label}>
                    { for SPEEDS.iter().map(|&s| html! {
                        <button id={format!("speed-{s}")} class="btn seg"
                                aria-pressed={(props.speed == s).to_string()}
                                onclick={act(TimeAction::Speed(s))}>{ format!("{s}×") }</button>
                    }) }
                </span>
                <button id="settle" class="btn" title={strings().settle_title} onclick={act(TimeAction::Settle)}>{ strings().settle }</button>
                <span class="rewind">
                    <label for="rewind-to">{ strings().rewind_label }</label>
                    <input id="rewind-to" type="range" min="0" max={span_s.to_string()} step="1"
                           value={chosen.to_string()} {oninput}
                           aria-valuetext={elapsed(chosen * 1000)} />
                    <output for="rewind-to" class="rewind-value">{ elapsed(chosen * 1000) }</output>
                    <button id="rewind" class="btn" title={strings().rewind_title}
                            disabled={target.is_none()} onclick={rewind}>{ icon("M8 2v12L1 8zM15 2v12L8 8z") }{ strings().rewind }</button>
                </span>
            }
        </div>
    }
}
