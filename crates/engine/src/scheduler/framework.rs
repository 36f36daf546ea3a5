//! The scheduling framework: extension points, Status, the scheduling cycle.
