//! Yew components. Each renders plain view-model data from [`crate::model`]
//! passed as props, and reports input back through callbacks.

pub mod clock;
pub mod cluster;
pub mod terminal;

pub use clock::Clock;
pub use cluster::ClusterPanel;
pub use terminal::Terminal;
