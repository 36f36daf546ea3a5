//! The small shell.
