//! The YAML editor: a text area with example manifests, Apply and Delete
//! (`kubectl apply -f -` / `kubectl delete -f -` with the text as stdin,
//! logged like typed commands), and kubectl's answer with the line it
//! points at.

use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::editor::{locate, TEMPLATES};
use crate::i18n::strings;
use crate::model::TerminalEntry;

/// Props of [`EditorPanel`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text (kept by the app, saved across reloads).
    pub text: AttrValue,
    /// Called as the text changes.
    pub on_change: Callback<String>,
    /// Called with (`apply` or `delete`, text); returns kubectl's answer.
    pub on_submit: Callback<(&'static str, String), TerminalEntry>,
}

/// The editor panel.
#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorProps) -> Html {
    let result = use_state(|| None::<TerminalEntry>);
    let area = use_node_ref();
    let oninput = {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_template = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some((_, yaml)) = TEMPLATES.iter().find(|(n, _)| *n == select.value()) {
                cb.emit(yaml.to_string());
            }
            select.set_value("");
        })
    };
    let submit = |verb: &'static str| {
        let cb = props.on_submit.clone();
        let text = props.text.to_string();
        let result = result.clone();
        Callback::from(move |_: MouseEvent| result.set(Some(cb.emit((verb, text.clone())))))
    };
    let spot = result.as_ref().and_then(|r| {
        (r.exit_code != 0)
            .then(|| locate(&props.text, &r.stderr))
            .flatten()
    });
    // Put the caret on the line the error points at.
    let goto = {
        let area = area.clone();
        let text = props.text.clone();
        let line = spot.as_ref().map(|s| s.line);
        Callback::from(move |_: MouseEvent| {
            let (Some(el), Some(line)) = (area.cast::<HtmlTextAreaElement>(), line) else {
                return;
            };
            let start: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(|l| l.encode_utf16().count())
                .sum();
            let len = text
                .split_inclusive('\n')
                .nth(line.saturating_sub(1))
                .map(|l| l.trim_end_matches('\n').encode_utf16().count())
                .unwrap_or(0);
            let _ = el.focus();
            let _ = el.set_selection_range(start as u32, (start + len) as u32);
        })
    };
    html! {
        <section class="panel editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">{ strings().editor }</h2>
            <div class="editor-bar">
                <label class="pick">
                    <span>{ strings().template_label }</span>
                    <select id="editor-template" onchange={on_template}>
                        <option value="" selected=true>{ strings().template_pick }</option>
                        { for TEMPLATES.iter().map(|(n, _)| html! { <option value={*n}>{ *n }</option> }) }
                    </select>
                </label>
                <button id="editor-apply" class="btn primary" onclick={submit("apply")}>{ strings().apply }</button>
                <button id="editor-delete" class="btn" onclick={submit("delete")}>{ strings().delete }</button>
            </div>
            <textarea id="editor" ref={area} class="editor-text" aria-label={strings().editor_label}
                      spellcheck="false" autocapitalize="off" autocomplete="off"
                      value={props.text.clone()} {oninput} />
            if let Some(r) = &*result {
                <div id="editor-result" class={if r.exit_code == 0 { "editor-result ok" } else { "editor-result bad" }}
                     role="status">
                    if let Some(s) = &spot {
                        <button id="editor-error-line" class="btn link" onclick={goto}>
                            { strings().error_at(s.line, s.path.as_deref()) }
                        </button>
                    }
                    <pre>{ format!("{}{}", r.stdout, r.stderr) }</pre>
                </div>
            }
        </section>
    }
}
