//! GPU ops.
