//! The app shell: boots the session (from a share link, a scenario, or
//! browser storage), drives the virtual clock from `requestAnimationFrame`,
//! keeps the session in storage, and lays out the top bar (clock, time
//! controls, share, reset), the panel navigation, the chaos controls and
//! the panels. In embed mode (`?embed=1`) it shows only the requested
//! panels and talks to the embedding page (see [`crate::embed`]).
//!
//! The navigation is the one place that picks what shows: its view tabs
//! (one tab list) choose the left column's view — the [`Views`] component
//! draws the one it is given and has no tabs of its own — and its tool
//! buttons choose the right column's tool. The choice is the saved
//! [`Layout`], so the highlighted tab and the view shown agree after a
//! reload too. Every input — typed, from the editor,
//! from a chaos button, from the embedding page — goes through
//! [`Shell::input`], so it is logged, saved and reported the same way.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser;
use crate::components::{
    ChaosBar, Clock, EditorPanel, NewSession, NewSessionChoice, Terminal, TimeAction, TimeBar,
    Views,
};
use crate::embed::{self, PageOptions};
use crate::i18n::{fill, strings};
use crate::model::{Playground, TerminalEntry};
use crate::persist::{self, Layout, Panel, Saved};
use crate::scenarios;
use crate::session::{parse_workers, Live, DEFAULT_WORKERS, MAX_WORKERS};
use crate::share;
use crate::views::{Tab, ViewAction, ViewsHost};

/// The id of the element the view tabs control (the left column).
const VIEW_PANEL_ID: &str = "view-panel";

/// How often (real ms) a running session is saved while the clock runs;
/// inputs are saved at once.
const SAVE_EVERY_MS: f64 = 2_000.0;

/// Everything the shell keeps: the playground and the page's state.
pub struct Shell {
    /// The session.
    pub playground: Playground,
    /// The editor's text.
    pub editor: String,
    /// Which panels show.
    pub layout: Layout,
    /// The query string's options.
    pub options: PageOptions,
    /// A notice to show (bad link, unreadable storage).
    pub notice: Option<String>,
    /// Whether the session is kept in storage (not in embed mode).
    pub persist: bool,
    /// After a bad link: the empty playground shown is not saved over the
    /// kept session until the learner gives an input.
    pub hold_save: bool,
}

impl Shell {
    /// Starts the page: a share link in the fragment wins, then a scenario
    /// named in the query, then the kept session, then a fresh one.
    fn boot() -> Shell {
        let options = embed::parse(&browser::query());
        let mut shell = Shell {
            playground: Playground::default(),
            editor: crate::editor::TEMPLATES[0].1.to_string(),
            layout: Layout::default(),
            persist: !options.embed,
            options,
            notice: None,
            hold_save: false,
        };
        let fragment = browser::fragment();
        if share::is_link(&fragment) {
            browser::clear_fragment();
            match share::decode(&fragment)
                .map_err(|e| e.to_string())
                .and_then(|log| Playground::from_log(&log).map_err(|e| e.to_string()))
            {
                Ok(p) => {
                    shell.playground = p;
                    // The opened link becomes the kept session (the editor
                    // and layout stay the learner's own).
                    shell.keep_own_editor_and_layout();
                    shell.save();
                }
                // An empty playground; the kept session stays kept until
                // the learner gives an input (a reload brings it back).
                Err(why) => {
                    shell.notice = Some(fill(strings().link_notice, &[("why", &why)]));
                    shell.hold_save = true;
                }
            }
            return shell;
        }
        // `nodes=N`: the shape of the cluster a scenario or a fresh session
        // starts on (a share link and a kept session carry their own).
        let workers = match shell.options.nodes.as_deref() {
            None => None,
            Some(text) => {
                let n = parse_workers(text);
                if n.is_none() {
                    shell.notice = Some(fill(
                        strings().nodes_notice,
                        &[("value", &text), ("max", &MAX_WORKERS)],
                    ));
                }
                n
            }
        };
        if shell.persist && shell.options.nodes.is_some() {
            browser::replace_query(&embed::without(&browser::query(), "nodes"));
        }
        if shell.options.scenario.is_some() || workers.is_some() {
            let scenario = shell.options.scenario.clone();
            match Shell::start(scenario.as_deref(), workers.unwrap_or(DEFAULT_WORKERS)) {
                Ok(p) => shell.playground = p,
                // As for a bad link: the kept session stays kept until the
                // learner gives an input.
                Err(notice) => {
                    shell.notice = Some(notice);
                    shell.hold_save = true;
                }
            }
            if shell.persist {
                // The new session becomes the kept one, and the scenario
                // leaves the address bar: a reload shows the session as the
                // learner left it instead of starting the scenario over.
                // (Embedded, nothing is kept; a reload starts it again.)
                // The editor's text and the layout stay the learner's own.
                browser::replace_query(&embed::without(&browser::query(), "scenario"));
                shell.keep_own_editor_and_layout();
                shell.save();
            }
            return shell;
        }
        if !shell.persist {
            return shell;
        }
        if let Some(text) = browser::storage_get(persist::STORAGE_KEY) {
            match persist::from_json(&text) {
                Ok(saved) => match Playground::from_log(&saved.log) {
                    Ok(p) => {
                        shell.playground = p;
                        shell.editor = saved.editor;
                        shell.layout = saved.layout;
                    }
                    Err(e) => {
                        shell.notice =
                            Some(fill(strings().storage_notice, &[("why", &e.to_string())]))
                    }
                },
                Err(e) => {
                    shell.notice = Some(fill(strings().storage_notice, &[("why", &e.to_string())]))
                }
            }
        }
        shell
    }

    /// A new playground: a shipped scenario's transcript run on a fresh
    /// cluster of `workers` workers, or just the cluster. `Err` is the
    /// notice to show (an unknown scenario, a transcript that does not parse).
    fn start(scenario: Option<&str>, workers: u32) -> Result<Playground, String> {
        let seed = kubarium_engine::rng::DEFAULT_SEED;
        let live = match scenario {
            None => Live::fresh(seed, workers),
            Some(name) => {
                let text = scenarios::find(name)
                    .ok_or_else(|| fill(strings().scenario_notice, &[("name", &name)]))?;
                Live::from_transcript(seed, workers, text)
                    .map_err(|why| fill(strings().link_notice, &[("why", &why)]))?
            }
        };
        Ok(Playground::from_live(live))
    }

    /// Takes the editor's text and the layout from the kept session, if
    /// any: a new session replaces the cluster, not the learner's text.
    fn keep_own_editor_and_layout(&mut self) {
        if let Some(text) = browser::storage_get(persist::STORAGE_KEY) {
            if let Ok(saved) = persist::from_json(&text) {
                self.editor = saved.editor;
                self.layout = saved.layout;
            }
        }
    }

    /// Keeps the session in storage (unless embedded).
    fn save(&self) {
        if !self.persist || self.hold_save {
            return;
        }
        let saved = Saved {
            version: persist::VERSION,
            log: self.playground.log().clone(),
            editor: self.editor.clone(),
            layout: self.layout,
        };
        browser::storage_set(persist::STORAGE_KEY, &persist::to_json(&saved));
    }

    /// Runs one input line with its stdin, saves, and reports progress to
    /// an embedding page.
    fn input(&mut self, line: &str, stdin: Option<&str>) -> TerminalEntry {
        let entry = self.playground.run_with(line, stdin).clone();
        self.after_input(&entry);
        entry
    }

    /// A terminal line (may open or continue a here-document).
    fn enter(&mut self, line: &str) {
        if let Some(entry) = self.playground.enter(line).cloned() {
            self.after_input(&entry);
        }
    }

    /// Saves after the learner changed something of their own.
    fn touch(&mut self) {
        self.hold_save = false;
        self.save();
    }

    fn after_input(&mut self, entry: &TerminalEntry) {
        self.touch();
        if self.options.embed {
            browser::post_to_parent(&serde_json::json!({
                "type": "progress",
                "command": entry.command,
                "exitCode": entry.exit_code,
                "inputs": self.playground.log().entries.len(),
                "time": self.playground.view().time,
            }));
        }
    }
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let shell = use_mut_ref(Shell::boot);
    let redraw = use_force_update();
    let views = use_mut_ref(ViewsHost::default);
    let share_link = use_state(|| None::<String>);
    let share_status = use_state(|| None::<&'static str>);
    let new_open = use_state(|| false);

    // Remove the static loading indicator once the app is on screen, start
    // the clock, and (embedded) greet the parent and take its commands.
    {
        let shell = shell.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            if let Some(el) = gloo::utils::document().get_element_by_id(crate::LOADING_ID) {
                el.remove();
            }
            let embed = shell.borrow().options.embed;
            if embed {
                if let Some(root) = gloo::utils::document().document_element() {
                    let _ = root.class_list().add_1("embed");
                }
            }
            let hash = browser::reload_on_share_link(share::is_link);
            let listener = embed.then(|| {
                let shell = shell.clone();
                let redraw = redraw.clone();
                browser::on_parent_command(move |command| {
                    shell.borrow_mut().enter(&command);
                    redraw.force_update();
                })
            });
            if embed {
                browser::post_to_parent(&serde_json::json!({ "type": "ready" }));
            }
            let mut since_save = 0.0;
            let frames = FrameLoop::start(move |dt| {
                let mut s = shell.borrow_mut();
                let changed = s.playground.tick(dt);
                if s.playground.playing() {
                    since_save += dt;
                    if since_save >= SAVE_EVERY_MS {
                        since_save = 0.0;
                        s.save();
                    }
                }
                drop(s);
                if changed {
                    redraw.force_update();
                }
            });
            move || {
                frames.stop();
                drop(listener);
                drop(hash);
            }
        });
    }

    // Embedded: tell the parent our height after every render that changed it.
    {
        let last_height = use_mut_ref(|| 0);
        let embed = shell.borrow().options.embed;
        use_effect(move || {
            if embed {
                let h = gloo::utils::document()
                    .get_element_by_id(crate::ROOT_ID)
                    .map(|e| e.scroll_height())
                    .unwrap_or_else(browser::document_height);
                if h != *last_height.borrow() {
                    *last_height.borrow_mut() = h;
                    browser::post_to_parent(&serde_json::json!({ "type": "height", "height": h }));
                }
            }
        });
    }

    let update = |f: Rc<dyn Fn(&mut Shell)>| {
        let shell = shell.clone();
        let redraw = redraw.clone();
        move || {
            f(&mut shell.borrow_mut());
            redraw.force_update();
        }
    };

    let on_line = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Callback::from(move |line: String| {
            shell.borrow_mut().enter(&line);
            redraw.force_update();
        })
    };
    let on_input = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Callback::from(move |line: String| {
            shell.borrow_mut().input(&line, None);
            redraw.force_update();
        })
    };
    let on_abort = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Callback::from(move |typed: String| {
            shell.borrow_mut().playground.abort(&typed);
            redraw.force_update();
        })
    };
    let on_clear = {
        let f = update(Rc::new(|s: &mut Shell| s.playground.clear()));
        Callback::from(move |()| f())
    };
    let on_complete = {
        let shell = shell.clone();
        Callback::from(move |line: String| shell.borrow().playground.complete(&line))
    };
    let on_time = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        let views = views.clone();
        Callback::from(move |a: TimeAction| {
            {
                let mut s = shell.borrow_mut();
                match a {
                    TimeAction::Play(on) => s.playground.set_playing(on),
                    TimeAction::Step => s.playground.step(),
                    TimeAction::Speed(x) => s.playground.set_speed(x),
                    TimeAction::Settle => s.playground.settle(),
                    TimeAction::Rewind(t) => {
                        if let Err(e) = s.playground.rewind(t) {
                            s.notice =
                                Some(fill(strings().rewind_notice, &[("why", &e.to_string())]));
                        }
                        views.borrow_mut().cluster_replaced();
                    }
                }
                s.save();
            }
            redraw.force_update();
        })
    };
    let on_editor_change = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Callback::from(move |text: String| {
            let mut s = shell.borrow_mut();
            s.editor = text;
            s.touch();
            drop(s);
            redraw.force_update();
        })
    };
    let on_editor_submit = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Callback::from(move |(verb, text): (&'static str, String)| {
            let entry = shell
                .borrow_mut()
                .input(&format!("kubectl {verb} -f -"), Some(&text));
            redraw.force_update();
            entry
        })
    };
    let on_view_action = {
        let views = views.clone();
        let redraw = redraw.clone();
        Callback::from(move |a: ViewAction| {
            views.borrow_mut().apply(a);
            redraw.force_update();
        })
    };
    let select = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        Rc::new(move |panel: Panel| {
            let mut s = shell.borrow_mut();
            s.layout.select(panel);
            s.save();
            drop(s);
            redraw.force_update();
        })
    };
    let on_select = |panel: Panel| {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select(panel))
    };
    // The view tabs' keys (WAI-ARIA tabs pattern, automatic activation):
    // ←/→ go to the previous/next tab (wrapping), Home/End to the first/last.
    let on_tab_key = |panel: Panel| {
        let select = select.clone();
        Callback::from(move |e: KeyboardEvent| {
            let tabs: Vec<Panel> = Panel::ALL.into_iter().filter(|p| !p.is_tool()).collect();
            let Some(i) = tabs.iter().position(|&p| p == panel) else {
                return;
            };
            let n = tabs.len();
            let to = match e.key().as_str() {
                "ArrowRight" => (i + 1) % n,
                "ArrowLeft" => (i + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            e.prevent_default();
            select(tabs[to]);
            if let Some(el) = gloo::utils::document()
                .get_element_by_id(&format!("tab-{}", tabs[to].id()))
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        })
    };
    let on_dismiss = {
        let f = update(Rc::new(|s: &mut Shell| s.notice = None));
        Callback::from(move |_: MouseEvent| f())
    };
    let on_reset = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        let views = views.clone();
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| {
            let mut s = shell.borrow_mut();
            s.playground = Playground::default();
            views.borrow_mut().cluster_replaced();
            s.editor = crate::editor::TEMPLATES[0].1.to_string();
            s.layout = Layout::default();
            s.notice = None;
            browser::storage_remove(persist::STORAGE_KEY);
            s.touch();
            drop(s);
            share_link.set(None);
            redraw.force_update();
        })
    };
    let on_new_toggle = {
        let new_open = new_open.clone();
        Callback::from(move |_: MouseEvent| new_open.set(!*new_open))
    };
    let on_start = {
        let shell = shell.clone();
        let redraw = redraw.clone();
        let views = views.clone();
        let share_link = share_link.clone();
        let new_open = new_open.clone();
        Callback::from(move |c: NewSessionChoice| {
            let mut s = shell.borrow_mut();
            match Shell::start(c.scenario, c.workers) {
                Ok(p) => {
                    s.playground = p;
                    s.notice = None;
                    views.borrow_mut().cluster_replaced();
                }
                Err(notice) => s.notice = Some(notice),
            }
            s.touch();
            drop(s);
            share_link.set(None);
            new_open.set(false);
            redraw.force_update();
        })
    };
    let on_share = {
        let shell = shell.clone();
        let share_link = share_link.clone();
        let share_status = share_status.clone();
        Callback::from(move |_: MouseEvent| {
            let link = browser::link_with_fragment(&share::encode(shell.borrow().playground.log()));
            share_link.set(Some(link.clone()));
            share_status.set(None);
            let share_status = share_status.clone();
            browser::copy_text(&link, move |ok| {
                share_status.set(Some(if ok {
                    strings().link_copied
                } else {
                    strings().link_ready
                }));
            });
        })
    };

    let s = shell.borrow();
    let p = &s.playground;
    let view = p.view();
    let history = p.history();
    let terminal = html! {
        <Terminal entries={p.screen()} {history}
                  pending={p.pending().map(AttrValue::from)}
                  on_line={on_line.clone()} {on_abort} {on_clear} {on_complete}
                  autofocus={!s.options.embed} />
    };
    let editor = html! {
        <EditorPanel text={AttrValue::from(s.editor.clone())}
                     on_change={on_editor_change} on_submit={on_editor_submit} />
    };
    let render = |panel: Panel| -> Html {
        match panel {
            Panel::Terminal => terminal.clone(),
            Panel::Editor => editor.clone(),
            view_panel => match views_tab(view_panel) {
                Some(tab) => html! {
                    <Views model={views.borrow_mut().model(p.sim(), tab)}
                           label={strings().panel_name(view_panel)}
                           on_action={on_view_action.clone()} />
                },
                None => placeholder(view_panel),
            },
        }
    };
    let clock = html! { <Clock time={AttrValue::from(view.time.clone())} /> };
    let notice = s.notice.as_ref().map(|n| {
        html! {
            <div class="notice" id="notice" role="alert">
                <p>{ n.clone() }</p>
                <button class="btn" onclick={on_dismiss}>{ strings().dismiss }</button>
            </div>
        }
    });
    let timebar = |compact: bool| {
        html! {
            <TimeBar playing={p.playing()} speed={p.speed()} start={p.start()} now={p.now()}
                     on_action={on_time.clone()} {compact} />
        }
    };

    if s.options.embed {
        return html! {
            <div class="shell embed-shell">
                <div class="embed-bar">
                    <span class="embed-name">{ strings().app_name }</span>
                    { clock }
                    { timebar(true) }
                </div>
                { for notice }
                <main class="embed-panels">
                    { for s.options.panels.iter().map(|&panel| render(panel)) }
                </main>
            </div>
        };
    }

    let layout = s.layout;
    let focus_class = if layout.focus.is_tool() {
        "focus-tool"
    } else {
        "focus-view"
    };
    html! {
        <div class="shell">
            <a class="skip-link" href="#panels">{ strings().skip_to_panels }</a>
            <header class="topbar">
                <div class="brand">
                    <h1>{ strings().app_name }</h1>
                    <span class="tagline">{ strings().tagline }</span>
                </div>
                { clock }
                { timebar(false) }
                <div class="actions">
                    <button id="share" class="btn" onclick={on_share}>{ strings().copy_link }</button>
                    <button id="new-session" class="btn" title={strings().new_session_title}
                            aria-expanded={if *new_open { "true" } else { "false" }}
                            aria-controls="new-session-form" onclick={on_new_toggle}>{ strings().new_session }</button>
                    <button id="reset" class="btn" title={strings().reset_title} onclick={on_reset}>{ strings().reset }</button>
                </div>
                if *new_open {
                    <NewSession workers={p.log().workers} {on_start} />
                }
                if let Some(link) = &*share_link {
                    <div class="share-out">
                        <input id="share-link" type="text" readonly=true value={link.clone()}
                               aria-label={strings().share_link_label}
                               onfocus={Callback::from(|e: FocusEvent| {
                                   let el: web_sys::HtmlInputElement = e.target_unchecked_into();
                                   el.select();
                               })} />
                        if let Some(st) = *share_status {
                            <span id="share-status" role="status">{ st }</span>
                        }
                    </div>
                }
            </header>
            { for notice }
            <nav class="tabs" aria-label={strings().nav_label}>
                <div class="tab-group" role="tablist" aria-label={strings().views_label}>
                    { for Panel::ALL.iter().filter(|p| !p.is_tool()).map(|&panel| {
                        let selected = panel == layout.view;
                        let class = classes!("tab", selected.then_some("shown"), (panel == layout.focus).then_some("focus"));
                        html! {
                            <button id={format!("tab-{}", panel.id())} {class} role="tab"
                                    aria-selected={if selected { "true" } else { "false" }}
                                    aria-controls={VIEW_PANEL_ID}
                                    tabindex={if selected { "0" } else { "-1" }}
                                    onclick={on_select(panel)} onkeydown={on_tab_key(panel)}>
                                { strings().panel_name(panel) }
                            </button>
                        }
                    }) }
                </div>
                <div class="tab-group tools" role="group" aria-label={strings().tools_label}>
                    { for Panel::ALL.iter().filter(|p| p.is_tool()).map(|&panel| {
                        let shown = panel == layout.tool;
                        let class = classes!("tab", "tool", shown.then_some("shown"), (panel == layout.focus).then_some("focus"));
                        html! {
                            <button id={format!("tab-{}", panel.id())} {class}
                                    aria-pressed={if shown { "true" } else { "false" }}
                                    onclick={on_select(panel)}>{ strings().panel_name(panel) }</button>
                        }
                    }) }
                </div>
            </nav>
            <ChaosBar nodes={view.nodes.clone()} pods={view.pods.clone()} {on_input} />
            <main id="panels" class={classes!("layout", focus_class)} tabindex="-1">
                <div class="col view-col" id={VIEW_PANEL_ID} role="tabpanel"
                     aria-labelledby={format!("tab-{}", layout.view.id())}>{ render(layout.view) }</div>
                <div class="col tool-col">{ render(layout.tool) }</div>
            </main>
        </div>
    }
}

/// The view a navigation entry shows, if the views draw it. Services,
/// Ingress and Volumes come with the networking and storage work.
fn views_tab(panel: Panel) -> Option<Tab> {
    match panel {
        Panel::Cluster => Some(Tab::Cluster),
        Panel::Timeline => Some(Tab::Timeline),
        Panel::Events => Some(Tab::Events),
        Panel::Workloads => Some(Tab::Workloads),
        _ => None,
    }
}

/// A view still to come.
fn placeholder(panel: Panel) -> Html {
    let text = match panel {
        Panel::Volumes => strings().comes_with_storage,
        _ => strings().comes_with_networking,
    };
    let heading = format!("{}-heading", panel.id());
    html! {
        <section class="panel placeholder" id={format!("panel-{}", panel.id())} aria-labelledby={heading.clone()}>
            <h2 id={heading}>{ strings().panel_name(panel) }</h2>
            <p class="empty">{ text }</p>
        </section>
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// A `requestAnimationFrame` loop that calls `on_frame` with the real
/// milliseconds elapsed since the previous frame. Browsers pause it in hidden
/// tabs, which pauses the cluster.
struct FrameLoop {
    closure: Rc<RefCell<Option<FrameCallback>>>,
    request_id: Rc<RefCell<Option<i32>>>,
}

impl FrameLoop {
    fn start(mut on_frame: impl FnMut(f64) + 'static) -> FrameLoop {
        let closure: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(RefCell::new(None));
        let mut last: Option<f64> = None;
        let (me, id) = (closure.clone(), request_id.clone());
        *closure.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            let dt = last.map_or(0.0, |t| timestamp - t);
            last = Some(timestamp);
            on_frame(dt);
            *id.borrow_mut() = request(&me);
        }));
        *request_id.borrow_mut() = request(&closure);
        FrameLoop {
            closure,
            request_id,
        }
    }

    /// Cancels the pending frame and frees the callback.
    fn stop(self) {
        if let Some(id) = self.request_id.borrow_mut().take() {
            let _ = gloo::utils::window().cancel_animation_frame(id);
        }
        self.closure.borrow_mut().take();
    }
}

/// Requests the next animation frame, unless the loop has been stopped.
fn request(closure: &Rc<RefCell<Option<FrameCallback>>>) -> Option<i32> {
    let slot = closure.borrow();
    let f = slot.as_ref()?;
    gloo::utils::window()
        .request_animation_frame(f.as_ref().unchecked_ref())
        .ok()
}
