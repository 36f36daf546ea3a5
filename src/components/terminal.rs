//! A minimal terminal: an input line for kubectl commands and the output of
//! the ones run so far. Output is rendered as text, never as HTML.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n;
use crate::model::TerminalEntry;

/// Props of [`Terminal`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// Commands run so far with their output, oldest first.
    pub entries: Vec<TerminalEntry>,
    /// Called with a line when the user presses Enter.
    pub on_command: Callback<String>,
}

/// The terminal panel.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let input = use_node_ref();
    let output = use_node_ref();
    // Position in the command history while browsing it with the arrow keys.
    let history_pos = use_mut_ref(|| None::<usize>);

    // Keep the newest output in view.
    {
        let output = output.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = output.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let on_command = props.on_command.clone();
        let commands: Vec<String> = props.entries.iter().map(|e| e.command.clone()).collect();
        let history_pos = history_pos.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let mut pos = history_pos.borrow_mut();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *pos = None;
                    on_command.emit(line);
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

    let focus_input = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };

    html! {
        <section class="panel terminal" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading">{ i18n::TERMINAL }</h2>
            <div class="term-output" id="terminal-output" ref={output} onclick={focus_input}
                 role="log" aria-live="polite">
                if props.entries.is_empty() {
                    <p class="term-hint">{ i18n::TERMINAL_HINT }</p>
                }
                { for props.entries.iter().map(entry) }
            </div>
            <div class="term-input">
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                <input ref={input} id="command" type="text" {onkeydown}
                       placeholder={i18n::COMMAND_PLACEHOLDER}
                       aria-label={i18n::COMMAND_LABEL}
                       autocomplete="off" autocapitalize="off" spellcheck="false"
                       autofocus=true />
            </div>
        </section>
    }
}

/// One command and its output, as text.
fn entry(e: &TerminalEntry) -> Html {
    html! {
        <div class="term-entry" key={e.id.to_string()}>
            <pre class="term-command">{ format!("$ {}", e.command) }</pre>
            if !e.stdout.is_empty() {
                <pre class="term-stdout">{ e.stdout.clone() }</pre>
            }
            if !e.stderr.is_empty() {
                <pre class="term-stderr">{ e.stderr.clone() }</pre>
            }
        </div>
    }
}
