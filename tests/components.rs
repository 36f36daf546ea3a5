//! Component tests: the app's real Yew components, mounted into a `<div>`
//! of a page in headless Chromium (wasm-bindgen-test), driven with real DOM
//! events and checked by the text they render. Each harness wires a
//! component to the real model ([`Playground`], [`ViewsHost`]) the way the
//! app shell does, so a test fails when the behaviour a learner sees breaks,
//! not only when a function's result changes. Logic is tested natively
//! (`cargo test -p kubarium-web`); these check what needs a browser: event
//! handling, rendering, focus, CSS layout.
//!
//! Run by `cargo xtask test` ("web components in Chromium"), or:
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p kubarium-web --target wasm32-unknown-unknown --test components
//! ```

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use kubarium_web::components::{
    EditorPanel, NewSession, NewSessionChoice, Terminal, TimeAction, TimeBar, Views,
};
use kubarium_web::model::Playground;
use kubarium_web::scenarios::SCENARIOS;
use kubarium_web::views::{Tab, ViewAction, ViewsHost};

wasm_bindgen_test_configure!(run_in_browser);

// ------------------------------------------------------------ the page

fn document() -> web_sys::Document {
    gloo::utils::document()
}

/// A fresh `<div>` in the page to mount into, `width` CSS pixels wide, with
/// the app's stylesheet loaded once (layout is part of what is tested).
fn mount_point(width: u32) -> Element {
    let doc = document();
    if doc.get_element_by_id("app-style").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("app-style");
        style.set_text_content(Some(include_str!("../static/style.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
    let div = doc.create_element("div").unwrap();
    div.set_attribute("style", &format!("width:{width}px"))
        .unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

/// Lets the browser run what is queued: Yew renders in a microtask after a
/// state change, effects after that.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits (a few event-loop turns) until `check` holds; fails with `what`.
async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..50 {
        if check() {
            return;
        }
        tick().await;
    }
    panic!("never happened: {what}");
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn get<T: JsCast>(root: &Element, selector: &str) -> T {
    find(root, selector)
        .unwrap_or_else(|| panic!("no {selector} in:\n{}", root.inner_html()))
        .dyn_into::<T>()
        .unwrap_or_else(|_| panic!("{selector} is not the expected element"))
}

fn text(root: &Element, selector: &str) -> String {
    get::<HtmlElement>(root, selector).inner_text()
}

fn all_text(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .map(|e| e.inner_text())
        .collect()
}

/// What the terminal's commands printed, one string per command, without
/// the final newline.
fn stdout(root: &Element) -> Vec<String> {
    all_text(root, ".term-stdout")
        .into_iter()
        .map(|t| t.trim_end_matches('\n').to_string())
        .collect()
}

fn click(root: &Element, selector: &str) {
    get::<HtmlElement>(root, selector).click();
}

/// A key press as the browser reports it to the page.
fn key(target: &Element, key: &str, composing: bool, key_code: u32) -> bool {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_is_composing(composing);
    init.set_key_code(key_code);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&e).unwrap()
}

fn fire(target: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let e = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&e).unwrap();
}

/// Types a line into the terminal's input and presses Enter.
async fn enter_line(root: &Element, line: &str) {
    let input: HtmlInputElement = get(root, "#command");
    input.set_value(line);
    fire(&input, "input");
    key(&input, "Enter", false, 13);
    tick().await;
}

// ------------------------------------------------------------ harnesses

/// The terminal wired to a playground, as the shell wires it.
#[function_component(TerminalHarness)]
fn terminal_harness() -> Html {
    let playground = use_mut_ref(Playground::default);
    let redraw = use_force_update();
    let act = |f: fn(&mut Playground, String)| {
        let playground = playground.clone();
        let redraw = redraw.clone();
        Callback::from(move |line: String| {
            f(&mut playground.borrow_mut(), line);
            redraw.force_update();
        })
    };
    let on_line = act(|p, line| {
        p.enter(&line);
    });
    let on_abort = act(|p, typed| p.abort(&typed));
    let on_clear = {
        let playground = playground.clone();
        let redraw = redraw.clone();
        Callback::from(move |()| {
            playground.borrow_mut().clear();
            redraw.force_update();
        })
    };
    let on_complete = {
        let playground = playground.clone();
        Callback::from(move |line: String| playground.borrow().complete(&line))
    };
    let p = playground.borrow();
    html! {
        <Terminal entries={p.screen()} history={p.history()}
                  pending={p.pending().map(AttrValue::from)}
                  {on_line} {on_abort} {on_clear} {on_complete} autofocus={false} />
    }
}

#[wasm_bindgen_test]
async fn the_terminal_runs_a_typed_line_on_enter_and_prints_kubectls_answer_as_text() {
    let root = mount_point(900);
    let app = yew::Renderer::<TerminalHarness>::with_root(root.clone()).render();
    tick().await;
    assert!(text(&root, "#terminal-output").contains("Type a kubectl command"));

    enter_line(
        &root,
        "kubectl create deployment web --image=nginx --replicas=3",
    )
    .await;
    until("the command's answer", || {
        stdout(&root).contains(&"deployment.apps/web created".to_string())
    })
    .await;
    assert_eq!(
        all_text(&root, ".term-command"),
        ["$ kubectl create deployment web --image=nginx --replicas=3"]
    );
    assert_eq!(get::<HtmlInputElement>(&root, "#command").value(), "");

    // Errors in kubectl's words, on standard error.
    enter_line(&root, "kubectl get deployment nope").await;
    until("the error", || {
        all_text(&root, ".term-stderr").iter().any(|t| {
            t.trim_end() == "Error from server (NotFound): deployments.apps \"nope\" not found"
        })
    })
    .await;

    // Markup typed by the learner stays text.
    enter_line(&root, "echo <b id=injected>bold</b>").await;
    until("the echo", || {
        stdout(&root).contains(&"<b id=injected>bold</b>".to_string())
    })
    .await;
    assert!(document().get_element_by_id("injected").is_none());

    // ↑ recalls the previous line; Ctrl-L clears the screen.
    let input: HtmlInputElement = get(&root, "#command");
    key(&input, "ArrowUp", false, 38);
    assert_eq!(input.value(), "echo <b id=injected>bold</b>");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("l");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&e).unwrap();
    until("a clear screen", || {
        root.query_selector_all(".term-entry").unwrap().length() == 0
    })
    .await;
    app.destroy();
}

#[wasm_bindgen_test]
async fn enter_while_an_input_method_composes_does_not_run_the_line() {
    let root = mount_point(900);
    let app = yew::Renderer::<TerminalHarness>::with_root(root.clone()).render();
    tick().await;
    let input: HtmlInputElement = get(&root, "#command");
    // A Korean learner types a name; the IME's Enter commits the syllable.
    input.set_value("kubectl run 웹 --image=nginx");
    let not_cancelled = key(&input, "Enter", true, 229);
    tick().await;
    assert!(not_cancelled, "the IME's Enter was taken from it");
    assert_eq!(input.value(), "kubectl run 웹 --image=nginx");
    assert_eq!(root.query_selector_all(".term-entry").unwrap().length(), 0);
    // Safari: the committing Enter after compositionend, keyCode 229 only.
    key(&input, "Enter", false, 229);
    tick().await;
    assert_eq!(root.query_selector_all(".term-entry").unwrap().length(), 0);
    // Arrows and Tab belong to the IME too.
    key(&input, "ArrowUp", true, 229);
    key(&input, "Tab", true, 229);
    tick().await;
    assert_eq!(input.value(), "kubectl run 웹 --image=nginx");
    // Composition over: Enter runs the line.
    key(&input, "Enter", false, 13);
    until("the line ran", || {
        all_text(&root, ".term-command") == ["$ kubectl run 웹 --image=nginx"]
    })
    .await;
    app.destroy();
}

#[wasm_bindgen_test]
async fn long_output_lines_wrap_inside_the_terminal_as_on_a_terminal() {
    let root = mount_point(320);
    let app = yew::Renderer::<TerminalHarness>::with_root(root.clone()).render();
    tick().await;
    let long = "0123456789".repeat(20);
    enter_line(&root, "echo short").await;
    enter_line(&root, &format!("echo {long}")).await;
    until("the echo", || stdout(&root) == ["short", long.as_str()]).await;
    let output: Element = get(&root, "#terminal-output");
    assert!(
        output.scroll_width() <= output.client_width(),
        "the terminal scrolls sideways: {} > {}",
        output.scroll_width(),
        output.client_width()
    );
    // Broken at the edge: one unbroken word spans several rows.
    let heights: Vec<i32> = (0..2)
        .map(|i| {
            root.query_selector_all(".term-stdout")
                .unwrap()
                .item(i)
                .unwrap()
                .dyn_into::<HtmlElement>()
                .unwrap()
                .offset_height()
        })
        .collect();
    assert!(
        heights[1] >= 3 * heights[0],
        "200 characters in 320 px take {} px, one row {} px",
        heights[1],
        heights[0]
    );
    app.destroy();
}

// ------------------------------------------------------------ editor

/// The editor wired to a playground: Apply runs `kubectl apply -f -` with
/// the text as stdin, as the shell does.
#[function_component(EditorHarness)]
fn editor_harness() -> Html {
    let playground = use_mut_ref(Playground::default);
    let text = use_state(|| String::from("apiVersion: v1\n"));
    let on_change = {
        let text = text.clone();
        Callback::from(move |t: String| text.set(t))
    };
    let on_submit = {
        let playground = playground.clone();
        Callback::from(move |(verb, text): (&'static str, String)| {
            playground
                .borrow_mut()
                .run_with(&format!("kubectl {verb} -f -"), Some(&text))
                .clone()
        })
    };
    html! { <EditorPanel text={AttrValue::from((*text).clone())} {on_change} {on_submit} /> }
}

#[wasm_bindgen_test]
async fn the_editor_applies_a_template_and_points_at_the_line_of_an_error() {
    let root = mount_point(900);
    let app = yew::Renderer::<EditorHarness>::with_root(root.clone()).render();
    tick().await;
    let select: HtmlSelectElement = get(&root, "#editor-template");
    select.set_value("Deployment");
    fire(&select, "change");
    tick().await;
    let area: HtmlTextAreaElement = get(&root, "#editor");
    assert!(
        area.value().contains("kind: Deployment"),
        "{}",
        area.value()
    );
    click(&root, "#editor-apply");
    until("the apply's answer", || {
        find(&root, "#editor-result.ok").is_some_and(|r| {
            r.text_content().unwrap_or_default() == "deployment.apps/web created\n"
        })
    })
    .await;

    // Without an image: kubectl's error, and a button to the line it means.
    let broken = area
        .value()
        .lines()
        .filter(|l| !l.trim_start().starts_with("image:"))
        .map(|l| l.replace("name: web", "name: web2"))
        .collect::<Vec<_>>()
        .join("\n");
    area.set_value(&broken);
    fire(&area, "input");
    tick().await;
    click(&root, "#editor-apply");
    until("the error", || find(&root, "#editor-result.bad").is_some()).await;
    let at = text(&root, "#editor-error-line");
    assert!(
        at.starts_with("Line ") && at.ends_with(": spec.template.spec.containers[0].image"),
        "{at}"
    );
    let line: usize = at["Line ".len()..at.find(':').unwrap()].parse().unwrap();
    click(&root, "#editor-error-line");
    tick().await;
    let start = area.selection_start().unwrap().unwrap() as usize;
    let end = area.selection_end().unwrap().unwrap() as usize;
    let chosen: String = area.value().chars().skip(start).take(end - start).collect();
    assert_eq!(
        Some(chosen.as_str()),
        area.value().lines().nth(line - 1),
        "the caret is not on line {line}"
    );
    assert_eq!(
        document().active_element().map(|e| e.id()),
        Some("editor".into())
    );
    app.destroy();
}

// ------------------------------------------------------------ time controls

/// The time controls over a playground, as the shell wires them; the clock
/// shows the virtual time in `#now` (ms).
#[function_component(TimeHarness)]
fn time_harness() -> Html {
    let playground = use_mut_ref(|| {
        let mut p = Playground::default();
        p.set_playing(false);
        p
    });
    let redraw = use_force_update();
    let on_action = {
        let playground = playground.clone();
        let redraw = redraw.clone();
        Callback::from(move |a: TimeAction| {
            let mut p = playground.borrow_mut();
            match a {
                TimeAction::Play(on) => p.set_playing(on),
                TimeAction::Step => p.step(),
                TimeAction::Speed(x) => p.set_speed(x),
                TimeAction::Settle => p.settle(),
                TimeAction::Rewind(t) => p.rewind(t).expect("rewinds"),
            }
            drop(p);
            redraw.force_update();
        })
    };
    let run = {
        let playground = playground.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            playground
                .borrow_mut()
                .run("kubectl create deployment web --image=nginx --replicas=2");
            redraw.force_update();
        })
    };
    let p = playground.borrow();
    let pods = p
        .view()
        .pods
        .iter()
        .filter(|r| r.name.starts_with("web-"))
        .map(|r| r.status.clone())
        .collect::<Vec<_>>()
        .join(",");
    html! {
        <div>
            <TimeBar playing={p.playing()} speed={p.speed()} start={p.start()} now={p.now()} {on_action} />
            <span id="now">{ p.now() }</span>
            <span id="start">{ p.start() }</span>
            <span id="web-pods">{ pods }</span>
            <button id="create" onclick={run}>{ "create" }</button>
        </div>
    }
}

#[wasm_bindgen_test]
async fn the_time_controls_play_step_change_speed_settle_and_rewind() {
    let root = mount_point(900);
    let app = yew::Renderer::<TimeHarness>::with_root(root.clone()).render();
    tick().await;
    let now = || text(&root, "#now").parse::<u64>().unwrap();
    let fresh = now();
    // Paused: Play shows; pressing it shows Pause instead.
    assert!(find(&root, "#pause").is_none());
    click(&root, "#play");
    until("Pause", || find(&root, "#pause").is_some()).await;
    click(&root, "#pause");
    until("Play", || find(&root, "#play").is_some()).await;

    // Step moves the clock to the next event.
    let t0 = now();
    click(&root, "#step");
    until("a step", || now() > t0).await;

    // The pressed speed is the one chosen.
    assert_eq!(
        get::<Element>(&root, "#speed-1")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    click(&root, "#speed-100");
    until("100× pressed", || {
        get::<Element>(&root, "#speed-100")
            .get_attribute("aria-pressed")
            .as_deref()
            == Some("true")
    })
    .await;
    assert_eq!(
        get::<Element>(&root, "#speed-1")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );

    // Until settled: the new pods run.
    let before_create = now();
    click(&root, "#create");
    tick().await;
    click(&root, "#settle");
    until("two running pods", || {
        text(&root, "#web-pods") == "Running,Running"
    })
    .await;

    // Rewind: nothing chosen, nothing to do; a moment chosen on the slider
    // (seconds since the start), and the cluster is as it was then.
    let rewind: HtmlElement = get(&root, "#rewind");
    assert!(rewind.has_attribute("disabled"));
    let slider: HtmlInputElement = get(&root, "#rewind-to");
    let start = text(&root, "#start").parse::<u64>().unwrap();
    assert_eq!(slider.max(), ((now() - start) / 1000).to_string());
    let back_s = (before_create - start) / 1000;
    slider.set_value(&back_s.to_string());
    fire(&slider, "input");
    tick().await;
    assert!(back_s < 60, "created {back_s} s after the start");
    assert_eq!(text(&root, ".rewind-value"), format!("+{back_s}s"));
    assert!(!rewind.has_attribute("disabled"));
    click(&root, "#rewind");
    tick().await;
    // (A fresh cluster's clock starts a little after the warm-up.)
    assert_eq!(
        now(),
        (start + back_s * 1000).max(fresh),
        "the rewound clock"
    );
    assert_eq!(text(&root, "#web-pods"), "", "the pods outlived the rewind");
    app.destroy();
}

// ------------------------------------------------------------ views

/// The views over a playground's cluster, with the shell's view host:
/// `tab` picks the view, actions go to the host.
#[derive(Properties, PartialEq)]
struct ViewsHarnessProps {
    tab: Tab,
    /// Lines run before the first render (then the cluster settles).
    setup: Vec<&'static str>,
}

#[function_component(ViewsHarness)]
fn views_harness(props: &ViewsHarnessProps) -> Html {
    let setup = props.setup.clone();
    let playground = use_mut_ref(move || {
        let mut p = Playground::default();
        for line in setup {
            p.run(line);
        }
        p.settle();
        p
    });
    let host = use_mut_ref(ViewsHost::default);
    let redraw = use_force_update();
    let on_action = {
        let host = host.clone();
        Callback::from(move |a: ViewAction| {
            host.borrow_mut().apply(a);
            redraw.force_update();
        })
    };
    let model = host
        .borrow_mut()
        .model(playground.borrow().sim(), props.tab);
    html! { <Views {model} label="view" {on_action} /> }
}

#[wasm_bindgen_test]
async fn clicking_a_pod_opens_the_details_drawer_with_its_yaml_owner_and_flow() {
    let root = mount_point(1100);
    let app = yew::Renderer::<ViewsHarness>::with_root_and_props(
        root.clone(),
        ViewsHarnessProps {
            tab: Tab::Cluster,
            setup: vec!["kubectl create deployment web --image=nginx --replicas=2"],
        },
    )
    .render();
    tick().await;
    assert!(find(&root, "#details").is_none());
    let chip: HtmlElement = get(&root, ".pod-chip[data-pod^='web-']");
    let pod = chip.get_attribute("data-pod").unwrap();
    assert_eq!(
        chip.get_attribute("data-status").as_deref(),
        Some("Running")
    );
    chip.click();
    until("the drawer", || find(&root, "#details-yaml").is_some()).await;
    assert_eq!(text(&root, "#details-title"), format!("Pod default/{pod}"));
    let yaml = text(&root, "#details-yaml");
    assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\n"), "{yaml}");
    assert!(yaml.contains(&format!("  name: {pod}\n")), "{yaml}");
    assert!(text(&root, "#details-status").starts_with("Running"));
    // The creation flow, from the trace, in order.
    let titles = all_text(&root, "#flow .flow-title");
    let at = |t: &str| titles.iter().position(|x| x.starts_with(t));
    let order = [
        "API server",
        "Scheduler: filter",
        "Scheduler: bind",
        "Runtime: container started",
    ]
    .map(at);
    assert!(
        order.iter().all(Option::is_some) && order.windows(2).all(|w| w[0] < w[1]),
        "{titles:?}"
    );
    // Focus moved into the drawer; the owner link leads on.
    assert_eq!(
        document().active_element().map(|e| e.id()),
        Some("details-close".into())
    );
    click(&root, "#details .obj-link[data-kind='ReplicaSet']");
    until("the ReplicaSet's details", || {
        text(&root, "#details-title").starts_with("ReplicaSet default/web-")
    })
    .await;
    click(&root, "#details .obj-link[data-kind='Deployment']");
    until("the Deployment's details", || {
        text(&root, "#details-title") == "Deployment default/web"
    })
    .await;
    assert!(text(&root, "#details-yaml").contains("kind: Deployment\n"));
    // Escape closes it.
    let drawer: Element = get(&root, "#details");
    key(&drawer, "Escape", false, 27);
    until("a closed drawer", || find(&root, "#details").is_none()).await;
    app.destroy();
}

#[wasm_bindgen_test]
async fn the_rollout_view_counts_one_pod_in_the_singular() {
    let root = mount_point(1100);
    let app = yew::Renderer::<ViewsHarness>::with_root_and_props(
        root.clone(),
        ViewsHarnessProps {
            tab: Tab::Workloads,
            setup: vec!["kubectl create deployment one --image=nginx:1.26"],
        },
    )
    .render();
    tick().await;
    // One replica, 25 %: maxSurge rounds up to 1, maxUnavailable down to 0.
    let story = text(&root, "[data-deployment='one'] .budget");
    assert_eq!(
        story,
        "maxSurge 25% → 1: at most 2 pods at once\nmaxUnavailable 25% → 0: at least 1 pod available"
    );
    app.destroy();
}

// ------------------------------------------------------------ new session

#[derive(Properties, PartialEq)]
struct NewSessionHarnessProps {
    started: Rc<RefCell<Vec<NewSessionChoice>>>,
}

#[function_component(NewSessionHarness)]
fn new_session_harness(props: &NewSessionHarnessProps) -> Html {
    let started = props.started.clone();
    let on_start = Callback::from(move |c: NewSessionChoice| started.borrow_mut().push(c));
    html! { <NewSession workers={2} {on_start} /> }
}

#[wasm_bindgen_test]
async fn the_new_session_form_offers_every_shipped_scenario_and_a_bounded_node_count() {
    let root = mount_point(900);
    let started = Rc::new(RefCell::new(Vec::new()));
    let app = yew::Renderer::<NewSessionHarness>::with_root_and_props(
        root.clone(),
        NewSessionHarnessProps {
            started: started.clone(),
        },
    )
    .render();
    tick().await;
    let options = root.query_selector_all("#new-scenario option").unwrap();
    let values: Vec<String> = (0..options.length())
        .map(|i| {
            options
                .item(i)
                .unwrap()
                .dyn_into::<web_sys::HtmlOptionElement>()
                .unwrap()
                .value()
        })
        .collect();
    let mut want = vec![String::new()];
    want.extend(SCENARIOS.iter().map(|s| s.name.to_string()));
    assert_eq!(values, want);
    assert!(SCENARIOS.len() >= 3);
    assert_eq!(
        document().active_element().map(|e| e.id()),
        Some("new-scenario".into())
    );
    assert_eq!(get::<HtmlInputElement>(&root, "#new-nodes").value(), "2");

    let select: HtmlSelectElement = get(&root, "#new-scenario");
    select.set_value("crashloop");
    fire(&select, "change");
    until("the scenario's summary", || {
        text(&root, "#new-scenario-summary").starts_with("A container that exits at once")
    })
    .await;

    let nodes: HtmlInputElement = get(&root, "#new-nodes");
    for bad in ["0", "21", ""] {
        nodes.set_value(bad);
        fire(&nodes, "input");
        until("a disabled Start", || {
            get::<Element>(&root, "#new-start").has_attribute("disabled")
        })
        .await;
        assert_eq!(nodes.get_attribute("aria-invalid").as_deref(), Some("true"));
    }
    nodes.set_value("7");
    fire(&nodes, "input");
    until("an enabled Start", || {
        !get::<Element>(&root, "#new-start").has_attribute("disabled")
    })
    .await;
    click(&root, "#new-start");
    tick().await;
    assert_eq!(
        *started.borrow(),
        [NewSessionChoice {
            scenario: Some("crashloop"),
            workers: 7
        }]
    );
    app.destroy();
}

// ------------------------------------------------------------ the app

#[wasm_bindgen_test]
async fn the_app_boots_takes_a_command_and_draws_the_new_pods_in_the_cluster_view() {
    gloo::utils::window()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = mount_point(1280);
    let app = yew::Renderer::<kubarium_web::app::App>::with_root(root.clone()).render();
    until("the terminal", || find(&root, "#command").is_some()).await;
    click(&root, "#pause");
    enter_line(
        &root,
        "kubectl create deployment web --image=nginx --replicas=3",
    )
    .await;
    until("the answer", || {
        stdout(&root).contains(&"deployment.apps/web created".to_string())
    })
    .await;
    click(&root, "#settle");
    until("three running pods in the cluster view", || {
        root.query_selector_all(".pod-chip[data-pod^='web-'][data-status='Running']")
            .unwrap()
            .length()
            == 3
    })
    .await;
    // The session is kept as it goes.
    let kept = gloo::utils::window()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(kubarium_web::persist::STORAGE_KEY)
        .unwrap()
        .unwrap_or_default();
    assert!(kept.contains("kubectl create deployment web"), "{kept}");
    app.destroy();
    gloo::utils::window()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}
