//! GPU ops: one op = `op.rs` (pipeline set-up, binding, CPU reference) + `op.wgsl` side by side.
//!
//! Every shader is plain WGSL specialised with `override` constants; [`SHADERS`] lists them all so
//! a plain `cargo test` validates each with naga, without a GPU. All kernels share one
//! convention: a 16-byte `Step` uniform (`pos0`, `n_tok`, `rand`, `flags`, declared once in
//! `step.wgsl` and put in front of each source by `with_step!`) written once per forward call,
//! so dispatches are recorded once and replayed for every token.

/// An op's WGSL source with the shared `Step` uniform (`step.wgsl`, binding 1) in front.
macro_rules! with_step {
    ($file:literal) => {
        concat!(include_str!("step.wgsl"), include_str!($file))
    };
}
pub(crate) use with_step;

pub mod attention;
pub mod gelu;
pub mod matvec;
pub mod readbw;
pub mod rmsnorm;
pub mod rope;
pub mod sample;

/// Every WGSL source of the engine, by file name.
pub const SHADERS: &[(&str, &str)] = &[
    ("attention.wgsl", attention::SOURCE),
    ("gelu.wgsl", gelu::SOURCE),
    ("matvec.wgsl", matvec::SOURCE),
    ("readbw.wgsl", readbw::SOURCE),
    ("readbw_tex.wgsl", readbw::SOURCE_TEXTURE),
    ("rmsnorm.wgsl", rmsnorm::SOURCE),
    ("rope.wgsl", rope::SOURCE),
    ("sample.wgsl", sample::SOURCE),
];

/// WGSL joined to other sources rather than compiled alone, by file name: the `Step` uniform
/// in front of each op's source, the read probe's `runs` kernel after both of its sources.
pub const SHARED: &[(&str, &str)] = &[
    ("step.wgsl", include_str!("step.wgsl")),
    ("readbw_runs.wgsl", include_str!("readbw_runs.wgsl")),
];

/// WGSL sources that need native-only features (64-bit integers), by file name: validated
/// with those capabilities, and only compiled where the device has them.
pub const NATIVE_SHADERS: &[(&str, &str)] = &[("readbw64.wgsl", readbw::SOURCE64)];

/// The per-forward-call uniform every kernel reads.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Step {
    /// Position of the first token of this call.
    pub pos0: u32,
    /// Tokens in this call.
    pub n_tok: u32,
    /// Uniform random number in [0, 1) for sampling.
    pub rand: f32,
    /// Reserved.
    pub flags: u32,
}

impl Step {
    /// The uniform's bytes.
    pub fn bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0..4].copy_from_slice(&self.pos0.to_le_bytes());
        b[4..8].copy_from_slice(&self.n_tok.to_le_bytes());
        b[8..12].copy_from_slice(&self.rand.to_le_bytes());
        b[12..16].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}
