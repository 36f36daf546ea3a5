//! The few browser services the shell uses, each failing softly: storage
//! (may be disabled or full), the URL, the clipboard, and `postMessage` to
//! the embedding page. Nothing here panics.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Reads a `localStorage` item; `None` when missing or when storage is
/// unavailable (disabled by the user: the playground then keeps nothing).
pub fn storage_get(key: &str) -> Option<String> {
    let storage = gloo::utils::window().local_storage().ok().flatten()?;
    storage.get_item(key).ok().flatten()
}

/// Writes a `localStorage` item; false if storage refused (disabled, full).
pub fn storage_set(key: &str, value: &str) -> bool {
    gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Removes a `localStorage` item.
pub fn storage_remove(key: &str) {
    if let Some(s) = gloo::utils::window().local_storage().ok().flatten() {
        let _ = s.remove_item(key);
    }
}

/// The URL's fragment without the `#`.
pub fn fragment() -> String {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_string()
}

/// The URL's query string without the `?`.
pub fn query() -> String {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    search.strip_prefix('?').unwrap_or(&search).to_string()
}

/// Drops the fragment from the address bar without reloading (a share link
/// has been opened; a reload should show the kept session).
pub fn clear_fragment() {
    let window = gloo::utils::window();
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Replaces the query string in the address bar (without the `?`; empty:
/// none) without reloading; the fragment stays.
pub fn replace_query(query: &str) {
    let window = gloo::utils::window();
    let location = window.location();
    let url = format!(
        "{}{}{}{}",
        location.pathname().unwrap_or_default(),
        if query.is_empty() { "" } else { "?" },
        query,
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// This page's URL with `fragment` (a share link).
pub fn link_with_fragment(fragment: &str) -> String {
    let location = gloo::utils::window().location();
    format!(
        "{}{}{}#{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

/// Copies text to the clipboard; `done(true)` once copied, `done(false)` if
/// the browser refused.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let clipboard = gloo::utils::window().navigator().clipboard();
    let promise = clipboard.write_text(text);
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let (ok_done, err_done) = (done.clone(), done);
    let ok = Closure::once(move |_: JsValue| {
        if let Some(f) = ok_done.borrow_mut().take() {
            f(true);
        }
    });
    let err = Closure::once(move |_: JsValue| {
        if let Some(f) = err_done.borrow_mut().take() {
            f(false);
        }
    });
    let _ = promise.then2(&ok, &err);
    // The promise settles once; the closures live until then.
    ok.forget();
    err.forget();
}

/// Whether the page runs inside a frame.
pub fn in_frame() -> bool {
    let window = gloo::utils::window();
    match window.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &window),
        _ => false,
    }
}

/// Posts a message (a JSON value) to the embedding page.
pub fn post_to_parent(message: &serde_json::Value) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if js_sys::Object::is(&parent, &window) {
        return;
    }
    let Ok(value) = js_sys::JSON::parse(&message.to_string()) else {
        return;
    };
    // Only the embedding page may read them; `*` only when the browser does
    // not say who that is (see `crate::embed::target_origin`).
    let target = PARENT_ORIGIN.with(|o| o.get_or_init(parent_target_origin).clone());
    let _ = parent.post_message(&value, &target);
}

thread_local! {
    /// The embedding page's origin as a `postMessage` target, found once:
    /// a frame's ancestors do not change while its document lives.
    static PARENT_ORIGIN: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
}

/// The `targetOrigin` for messages to the parent: its origin from
/// `location.ancestorOrigins` (Chromium, Safari) or `document.referrer`
/// (the page that loaded the frame), `*` when neither tells.
fn parent_target_origin() -> String {
    let window = gloo::utils::window();
    let ancestor = js_sys::Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins"))
        .ok()
        .filter(|list| !list.is_undefined() && !list.is_null())
        .and_then(|list| js_sys::Reflect::get(&list, &JsValue::from_f64(0.0)).ok())
        .and_then(|first| first.as_string());
    let referrer = gloo::utils::document().referrer();
    crate::embed::target_origin(ancestor.as_deref(), &referrer)
}

/// Listens for `{type: "run", command}` messages from the embedding page
/// only (`event.source === window.parent`); returns a guard that stops
/// listening when dropped.
pub fn on_parent_command(on_command: impl Fn(String) + 'static) -> Listener {
    listen("message", move |e: web_sys::Event| {
        let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let window = gloo::utils::window();
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        let from_parent = e
            .source()
            .is_some_and(|s| js_sys::Object::is(&s, &parent) && !js_sys::Object::is(&s, &window));
        if !from_parent {
            return;
        }
        let data = e.data();
        let field = |name: &str| {
            js_sys::Reflect::get(&data, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        if field("type").as_deref() == Some("run") {
            if let Some(command) = field("command") {
                on_command(command);
            }
        }
    })
}

/// Reloads the page when a share link is pasted into the address bar of an
/// open tab (only the fragment changes, so the page would not reload).
pub fn reload_on_share_link(is_link: fn(&str) -> bool) -> Listener {
    listen("hashchange", move |_| {
        if is_link(&fragment()) {
            let _ = gloo::utils::window().location().reload();
        }
    })
}

/// Calls `f` on each `event` at the window until the guard is dropped.
pub fn listen(event: &'static str, f: impl Fn(web_sys::Event) + 'static) -> Listener {
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(f);
    let _ = gloo::utils::window()
        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    Listener { event, closure }
}

/// Stops listening when dropped.
pub struct Listener {
    event: &'static str,
    closure: Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = gloo::utils::window()
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}

/// The document's full height in CSS pixels (for the embedder's iframe).
pub fn document_height() -> i32 {
    gloo::utils::document()
        .document_element()
        .map(|e| e.scroll_height())
        .unwrap_or(0)
}
