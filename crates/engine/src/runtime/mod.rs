//! The simulated container runtime: images are not downloaded or run; a
//! catalogue gives well-known images a behaviour and a small shell runs
//! `command`/`args`.

pub mod catalog;
pub mod fs;
pub mod image;
pub mod shell;
