//! The virtual clock readout.

use yew::prelude::*;

use crate::i18n::strings;

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
        <div class="clock" title={strings().clock_title}>
            <span class="clock-label">{ strings().clock_label }</span>
            <time id="virtual-clock" class="clock-time" datetime={props.time.clone()}>
                { props.time.clone() }
            </time>
        </div>
    }
}
