//! Yew components. Each renders plain view-model data from [`crate::model`]
//! passed as props, and reports input back through callbacks.

pub mod chaos;
pub mod clock;
pub mod cluster;
pub mod editor;
pub mod terminal;
pub mod timebar;

pub use chaos::ChaosBar;
pub use clock::Clock;
pub use cluster::ClusterPanel;
pub use editor::EditorPanel;
pub use terminal::Terminal;
pub use timebar::{TimeAction, TimeBar};
