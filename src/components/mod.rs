//! Yew components. Each renders plain view-model data from [`crate::model`]
//! or [`crate::views`] passed as props, and reports input back through
//! callbacks.

pub mod chaos;
pub mod clock;
pub mod cluster_view;
pub mod details;
pub mod editor;
pub mod events_view;
pub mod newsession;
pub mod terminal;
pub mod timebar;
pub mod views;
pub mod workloads;

pub use chaos::ChaosBar;
pub use clock::Clock;
pub use editor::EditorPanel;
pub use newsession::{NewSession, NewSessionChoice};
pub use terminal::Terminal;
pub use timebar::{TimeAction, TimeBar};
pub use views::Views;
