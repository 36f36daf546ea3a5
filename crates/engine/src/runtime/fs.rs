//! A container filesystem.
