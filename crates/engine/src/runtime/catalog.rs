//! The image catalogue.
