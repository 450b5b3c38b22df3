//! GPU ops: one op = `op.rs` (pipeline set-up, binding, CPU reference) + `op.wgsl` side by side.
//!
//! Every shader is plain WGSL specialised with `override` constants; [`SHADERS`] lists them all so
//! a plain `cargo test` validates each with naga, without a GPU.

pub mod matvec;

/// Every WGSL source of the engine, by file name.
pub const SHADERS: &[(&str, &str)] = &[("matvec.wgsl", matvec::SOURCE)];
