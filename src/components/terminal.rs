//! The terminal: an input line for kubectl (and `kubarium`, `sleep`,
//! `echo`, `clear`) and what the commands printed, exactly as text in `pre`
//! (never as HTML). Keys: Enter runs (or continues a here-document), ↑/↓
//! walk the history, Tab completes, Ctrl-C abandons the line, Ctrl-L clears.
//! The line discipline and completion live in the model, tested natively.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::complete::Completion;
use crate::i18n::strings;
use crate::model::TerminalEntry;

/// Props of [`Terminal`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// What the screen shows, oldest first.
    pub entries: Rc<Vec<TerminalEntry>>,
    /// Commands typed so far, oldest first (the ↑/↓ history).
    pub history: Vec<String>,
    /// The open here-document's lines, if any (the prompt shows `>`).
    #[prop_or_default]
    pub pending: Option<AttrValue>,
    /// Called with each line entered.
    pub on_line: Callback<String>,
    /// Ctrl-C, with the abandoned text.
    pub on_abort: Callback<String>,
    /// Ctrl-L.
    pub on_clear: Callback<()>,
    /// Completes a line.
    pub on_complete: Callback<String, Completion>,
    /// Whether to focus the input when shown.
    #[prop_or(true)]
    pub autofocus: bool,
}

/// The terminal panel.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let input = use_node_ref();
    let output = use_node_ref();
    // Position in the command history while browsing it with the arrow keys.
    let history_pos = use_mut_ref(|| None::<usize>);
    let candidates = use_state(Vec::<String>::new);

    // Keep the newest output in view.
    {
        let output = output.clone();
        let key = (
            props.entries.last().map(|e| e.id),
            props.pending.clone(),
            candidates.len(),
        );
        use_effect_with(key, move |_| {
            if let Some(el) = output.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let props_line = props.on_line.clone();
        let on_abort = props.on_abort.clone();
        let on_clear = props.on_clear.clone();
        let on_complete = props.on_complete.clone();
        let commands = props.history.clone();
        let history_pos = history_pos.clone();
        let candidates = candidates.clone();
        Callback::from(move |e: KeyboardEvent| {
            // While an input method composes (Korean, Japanese, Chinese),
            // Enter, Tab and the arrows belong to it: Enter commits the
            // syllable, it does not run the line. Chromium and Firefox say
            // so with `isComposing`; Safari sends the committing Enter after
            // `compositionend` with keyCode 229 only.
            if is_ime_key(&e) {
                return;
            }
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let mut pos = history_pos.borrow_mut();
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *pos = None;
                    candidates.set(Vec::new());
                    props_line.emit(line);
                }
                "Tab" if !e.shift_key() => {
                    let line = field.value();
                    // An empty line: let Tab move focus on (keyboard users
                    // must be able to leave the terminal).
                    if line.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    let c = on_complete.emit(line);
                    field.set_value(&c.line);
                    candidates.set(c.candidates);
                }
                "c" | "C" if ctrl => {
                    // Copy when text is selected, as terminals do.
                    let selected = gloo::utils::window()
                        .get_selection()
                        .ok()
                        .flatten()
                        .and_then(|s| s.to_string().as_string())
                        .unwrap_or_default();
                    let has_field_selection = field
                        .selection_start()
                        .ok()
                        .flatten()
                        .zip(field.selection_end().ok().flatten())
                        .is_some_and(|(a, b)| a != b);
                    if !selected.is_empty() || has_field_selection {
                        return;
                    }
                    e.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *pos = None;
                    candidates.set(Vec::new());
                    on_abort.emit(line);
                }
                "l" | "L" if ctrl => {
                    e.prevent_default();
                    candidates.set(Vec::new());
                    on_clear.emit(());
                }
                "ArrowUp" if !commands.is_empty() => {
                    e.prevent_default();
                    let next = match *pos {
                        None => commands.len() - 1,
                        Some(p) => p.saturating_sub(1),
                    };
                    *pos = Some(next);
                    field.set_value(&commands[next]);
                }
                "ArrowDown" => {
                    if let Some(p) = *pos {
                        e.prevent_default();
                        if p + 1 < commands.len() {
                            *pos = Some(p + 1);
                            field.set_value(&commands[p + 1]);
                        } else {
                            *pos = None;
                            field.set_value("");
                        }
                    }
                }
                _ => {}
            }
        })
    };

    // A paste of several lines is entered line by line (a heredoc pasted
    // whole works); the last line stays in the input.
    let onpaste = {
        let input = input.clone();
        let on_line = props.on_line.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = text.replace("\r\n", "\n");
            let mut lines: Vec<&str> = text.split('\n').collect();
            let last = lines.pop().unwrap_or("");
            let mut first = true;
            for l in lines {
                let line = if first {
                    format!("{}{l}", field.value())
                } else {
                    l.to_string()
                };
                first = false;
                on_line.emit(line);
            }
            field.set_value(last);
        })
    };

    // Typing on after a Tab hides the listed candidates.
    let oninput = {
        let candidates = candidates.clone();
        Callback::from(move |_: InputEvent| {
            if !candidates.is_empty() {
                candidates.set(Vec::new());
            }
        })
    };

    let focus_input = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Leave a text selection alone (the user is copying).
            let selecting = gloo::utils::window()
                .get_selection()
                .ok()
                .flatten()
                .is_some_and(|s| !s.is_collapsed());
            if selecting {
                return;
            }
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };

    let prompt = if props.pending.is_some() {
        strings().heredoc_prompt
    } else {
        "$"
    };

    html! {
        <section class="panel terminal" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading">{ strings().terminal }</h2>
            <div class="term-output" id="terminal-output" ref={output} onclick={focus_input}
                 role="log" aria-live="polite">
                if props.entries.is_empty() && props.pending.is_none() {
                    <p class="term-hint">{ strings().terminal_hint }</p>
                }
                { for props.entries.iter().map(entry) }
                if let Some(p) = &props.pending {
                    <pre class="term-command term-pending" id="terminal-pending">{ format!("$ {p}") }</pre>
                }
                if !candidates.is_empty() {
                    <pre class="term-candidates" id="completions" aria-label={strings().completions_label}>
                        { candidates.join("  ") }
                    </pre>
                }
            </div>
            <div class="term-input">
                <span class="prompt" aria-hidden="true">{ prompt }</span>
                <input ref={input} id="command" type="text" {onkeydown} {onpaste} {oninput}
                       placeholder={strings().command_placeholder}
                       aria-label={strings().command_label}
                       aria-describedby="terminal-keys"
                       autocomplete="off" autocapitalize="off" spellcheck="false"
                       autofocus={props.autofocus} />
            </div>
            <p class="term-keys" id="terminal-keys">{ strings().terminal_keys }</p>
        </section>
    }
}

/// One command and its output, as text.
fn entry(e: &TerminalEntry) -> Html {
    let command = match &e.stdin {
        // Shown as typed: the heredoc and its closing marker.
        Some(doc) => format!("$ {} <<EOF\n{doc}EOF", e.command),
        None => format!("$ {}", e.command),
    };
    html! {
        <div class="term-entry" key={e.id.to_string()}>
            <pre class="term-command">{ command }</pre>
            if !e.stdout.is_empty() {
                <pre class="term-stdout">{ e.stdout.clone() }</pre>
            }
            if !e.stderr.is_empty() {
                <pre class="term-stderr">{ e.stderr.clone() }</pre>
            }
        </div>
    }
}

/// Whether a key press belongs to an input method's composition (keyCode
/// 229 is what browsers report for keys the IME took).
pub fn is_ime_key(e: &KeyboardEvent) -> bool {
    e.is_composing() || e.key_code() == 229
}
