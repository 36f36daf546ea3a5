//! The simulated container runtime: images are not downloaded or run; a
//! catalogue gives well-known images a behaviour and a small shell runs
//! `command`/`args`.

mod arith;
pub mod catalog;
mod commands;
pub mod fs;
mod glob;
pub mod image;
mod interp;
mod parse;
pub mod shell;
