//! The virtual clock readout.

use yew::prelude::*;

use crate::i18n;

/// Props of [`Clock`].
#[derive(Properties, PartialEq)]
pub struct ClockProps {
    /// Virtual time as RFC 3339.
    pub time: AttrValue,
}

/// Shows the cluster's virtual date and time.
#[function_component(Clock)]
pub fn clock(props: &ClockProps) -> Html {
    html! {
        <div class="clock" title={i18n::CLOCK_TITLE}>
            <span class="clock-label">{ i18n::CLOCK_LABEL }</span>
            <time id="virtual-clock" class="clock-time" datetime={props.time.clone()}>
                { props.time.clone() }
            </time>
        </div>
    }
}
