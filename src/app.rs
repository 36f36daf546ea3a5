//! The app shell: owns the [`Playground`], drives its virtual clock from
//! `requestAnimationFrame` at 1× real time, and renders the panels.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{Clock, Terminal, Views};
use crate::i18n;
use crate::model::Playground;
use crate::views::{ViewAction, ViewsHost};

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let playground = use_mut_ref(Playground::default);
    let redraw = use_force_update();
    let views = use_mut_ref(ViewsHost::default);

    // Remove the static loading indicator once the app is on screen, and
    // start the clock; stop it when the app unmounts.
    {
        let playground = playground.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            if let Some(el) = gloo::utils::document().get_element_by_id(crate::LOADING_ID) {
                el.remove();
            }
            let frames = FrameLoop::start(move |dt| {
                if playground.borrow_mut().tick(dt) {
                    redraw.force_update();
                }
            });
            move || frames.stop()
        });
    }

    let on_command = {
        let playground = playground.clone();
        let redraw = redraw.clone();
        Callback::from(move |line: String| {
            playground.borrow_mut().run(&line);
            redraw.force_update();
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

    let (view, entries) = {
        let p = playground.borrow();
        (p.view(), p.terminal().to_vec())
    };
    let views_model = views.borrow_mut().model(playground.borrow().sim());

    html! {
        <>
            <header class="topbar">
                <h1>{ i18n::APP_NAME }</h1>
                <span class="tagline">{ i18n::TAGLINE }</span>
                <Clock time={AttrValue::from(view.time)} />
            </header>
            <main class="layout">
                <Views model={views_model} on_action={on_view_action} />
                <Terminal {entries} {on_command} />
            </main>
        </>
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
