//! Kubarium's web app: a Yew single-page app that runs the simulated cluster
//! in WebAssembly and shows what it does.
//!
//! Layout: [`model`] holds the domain state (the kubectl session over the
//! engine) and turns it into plain view models; it knows nothing of the
//! browser and is tested natively. [`components`] renders view models; [`app`]
//! wires the two together and drives the virtual clock. Every user-visible
//! string lives in [`i18n`].

pub mod app;
pub mod browser;
pub mod complete;
pub mod components;
pub mod editor;
pub mod embed;
pub mod i18n;
pub mod lineedit;
pub mod model;
pub mod persist;
pub mod scenarios;
pub mod session;
pub mod share;
pub mod views;

/// The id of the element the app mounts into (see `index.html`).
pub const ROOT_ID: &str = "app";
/// The id of the static loading indicator in `index.html`, removed once the
/// app has rendered.
pub const LOADING_ID: &str = "loading";

/// Mounts the app into `#app` (or `<body>` if the page has no such element).
pub fn start() {
    let document = gloo::utils::document();
    match document.get_element_by_id(ROOT_ID) {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
