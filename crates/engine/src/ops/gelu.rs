//! Gated GELU (tanh form), Gemma's feed-forward activation.

use crate::gpu::kernel::{grid, seq};
use crate::gpu::{buffers, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("gelu.wgsl");

/// Compiles the kernel.
pub async fn kernel(ctx: &GpuContext) -> Result<Kernel, GpuError> {
    use Binding::*;
    Kernel::new(
        ctx,
        "gelu",
        SOURCE,
        "main",
        &[],
        &seq(&[Uniform, Uniform, ReadOnly, ReadOnly, Storage]),
    )
    .await
}

/// Records `out = gelu(gate) * up` over `n` elements per token (`n_tok` = 0: step count).
#[allow(clippy::too_many_arguments)]
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    n: u32,
    n_tok: u32,
    max_tok: u32,
    step: &wgpu::Buffer,
    gate: &wgpu::Buffer,
    up: &wgpu::Buffer,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    let p = buffers::uniform(ctx, "gelu params", &[n, n_tok]);
    let total = n.saturating_mul(max_tok.max(1)).div_ceil(256);
    let g = grid(total, ctx.limits().max_compute_workgroups_per_dimension);
    kernel.bind(ctx, &[&p, step, gate, up, out], g)
}

/// CPU reference of the tanh GELU.
pub fn gelu(x: f32) -> f32 {
    let inner = (0.797_884_6 * x * (1.0 + 0.044_715 * x * x)).clamp(-15.0, 15.0);
    0.5 * x * (1.0 + inner.tanh())
}

/// CPU reference: `gelu(gate) * up`.
pub fn reference(gate: &[f32], up: &[f32]) -> Vec<f32> {
    gate.iter().zip(up).map(|(g, u)| gelu(*g) * u).collect()
}
