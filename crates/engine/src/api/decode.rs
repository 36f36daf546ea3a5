//! Strict decoding of request bodies.
