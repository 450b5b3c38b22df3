//! NEOX RoPE with optional per-head RMSNorm (QK-norm) and output scale; writes K into the cache.

use crate::gpu::kernel::{self, seq};
use crate::gpu::{buffers, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("rope.wgsl");

/// Compiles the kernel.
pub async fn kernel(ctx: &GpuContext) -> Result<Kernel, GpuError> {
    use Binding::*;
    Kernel::new(
        ctx,
        "rope",
        SOURCE,
        "main",
        &[],
        &seq(&[Uniform, Uniform, ReadOnly, ReadOnly, Storage]),
    )
    .await
}

/// Shape and placement of one RoPE dispatch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RopeShape {
    /// Head dimension (rotated in full, NEOX pairing).
    pub head_dim: u32,
    /// Heads per token.
    pub n_heads: u32,
    /// Floats between tokens in the source.
    pub src_stride: u32,
    /// Floats between tokens (or positions) in the destination.
    pub dst_stride: u32,
    /// First destination float.
    pub dst_base: u32,
    /// Place token `t` at row `pos0 + t` of the destination (a KV cache) instead of row `t`.
    pub dst_by_pos: bool,
    /// RMSNorm epsilon when a norm weight is applied.
    pub eps: Option<f32>,
    /// Tokens; 0 = the step uniform's count.
    pub n_tok: u32,
    /// Largest token count (sets the grid).
    pub max_tok: u32,
    /// RoPE base frequency.
    pub theta_base: f32,
    /// Position scale (1 / linear scaling factor).
    pub freq_scale: f32,
    /// Factor applied to the output.
    pub out_scale: f32,
}

/// Records a dispatch; `norm_w` (length `head_dim`) is used when `shape.eps` is set.
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    shape: RopeShape,
    step: &wgpu::Buffer,
    norm_w: &wgpu::Buffer,
    src: &wgpu::Buffer,
    dst: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    if !shape.head_dim.is_multiple_of(2) {
        return Err(GpuError::Shape(format!("odd head_dim {}", shape.head_dim)));
    }
    let p = buffers::uniform(
        ctx,
        "rope params",
        &[
            shape.head_dim,
            shape.n_heads,
            shape.src_stride,
            shape.dst_stride,
            shape.dst_base,
            u32::from(shape.dst_by_pos),
            u32::from(shape.eps.is_some()),
            shape.n_tok,
            shape.theta_base.to_bits(),
            shape.freq_scale.to_bits(),
            shape.eps.unwrap_or(0.0).to_bits(),
            shape.out_scale.to_bits(),
            0,
            0,
            0,
            0,
        ],
    );
    kernel
        .bind(
            ctx,
            &[&p, step, norm_w, src, dst],
            [shape.n_heads, shape.max_tok.max(1), 1],
        )
        .map(|d| d.tokens_on(1, 1, 1))
}

/// CPU reference for one head vector at position `pos` (in place): optional RMSNorm with `w`,
/// NEOX rotation, then `out_scale`.
pub fn reference_head(
    x: &mut [f32],
    pos: u32,
    theta_base: f32,
    freq_scale: f32,
    norm: Option<(&[f32], f32)>,
    out_scale: f32,
) {
    let hd = x.len();
    if let Some((w, eps)) = norm {
        let ms = x.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>() / hd as f64;
        let inv = 1.0 / (ms as f32 + eps).sqrt();
        x.iter_mut().zip(w).for_each(|(v, g)| *v = *v * inv * g);
    }
    let half = hd / 2;
    for i in 0..half {
        let theta = pos as f32 * freq_scale * theta_base.powf(-2.0 * i as f32 / hd as f32);
        let (s, c) = theta.sin_cos();
        let (x0, x1) = (x[i], x[i + half]);
        x[i] = (x0 * c - x1 * s) * out_scale;
        x[i + half] = (x0 * s + x1 * c) * out_scale;
    }
}

/// Threads a `qk` workgroup on CPU adapters: few, so the per-head norm's barriers cost little
/// (18 dispatches of a decode step, `gpu_profile`: SwiftShader 2.0 ms with 32 threads, 0.8 with
/// 8; lavapipe 0.63 to 0.92 ms either way).
const CPU_WORKGROUP: u32 = 8;

/// Compiles the fused Q+K entry point (128 threads a workgroup, `CPU_WORKGROUP` on CPU
/// adapters).
pub async fn qk_kernel(ctx: &GpuContext) -> Result<Kernel, GpuError> {
    let wg = kernel::reduction_workgroup(ctx, 128, CPU_WORKGROUP);
    qk_kernel_with(ctx, wg).await
}

/// The fused Q+K entry point with `wg` threads a workgroup (a power of two, 1 to 128).
pub async fn qk_kernel_with(ctx: &GpuContext, wg: u32) -> Result<Kernel, GpuError> {
    use Binding::*;
    kernel::check_workgroup("rope", wg, 128)?;
    Kernel::new(
        ctx,
        "rope_qk",
        SOURCE,
        "qk",
        &[("WG", f64::from(wg))],
        &[
            (0, Uniform),
            (1, Uniform),
            (2, ReadOnly),
            (3, ReadOnly),
            (4, Storage),
            (5, ReadOnly),
            (6, Storage),
        ],
    )
    .await
}

/// Shape of the fused Q+K dispatch: Q and K of each token sit side by side in one source row
/// (`[q (n_q_heads * head_dim) | k (n_k_heads * head_dim)]`), both are RMS-normed per head;
/// Q is scaled and written row by row, K is written into the cache at its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QkRopeShape {
    /// Head dimension.
    pub head_dim: u32,
    /// Query heads.
    pub n_q_heads: u32,
    /// Key heads.
    pub n_k_heads: u32,
    /// RMSNorm epsilon.
    pub eps: f32,
    /// Tokens; 0 = the step uniform's count.
    pub n_tok: u32,
    /// Largest token count (sets the grid).
    pub max_tok: u32,
    /// RoPE base frequency.
    pub theta_base: f32,
    /// Position scale.
    pub freq_scale: f32,
    /// Factor applied to Q (the attention scale).
    pub q_scale: f32,
}

/// Records the fused Q+K dispatch.
#[allow(clippy::too_many_arguments)]
pub fn bind_qk(
    ctx: &GpuContext,
    kernel: &Kernel,
    s: QkRopeShape,
    step: &wgpu::Buffer,
    q_norm: &wgpu::Buffer,
    k_norm: &wgpu::Buffer,
    src: &wgpu::Buffer,
    q_out: &wgpu::Buffer,
    k_cache: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    if !s.head_dim.is_multiple_of(2) {
        return Err(GpuError::Shape(format!("odd head_dim {}", s.head_dim)));
    }
    let q_dim = s.n_q_heads * s.head_dim;
    let kv_dim = s.n_k_heads * s.head_dim;
    let p = buffers::uniform(
        ctx,
        "rope qk params",
        &[
            s.head_dim,
            s.n_q_heads,
            q_dim + kv_dim,
            q_dim,
            0,
            0,
            1,
            s.n_tok,
            s.theta_base.to_bits(),
            s.freq_scale.to_bits(),
            s.eps.to_bits(),
            s.q_scale.to_bits(),
            s.n_k_heads,
            q_dim,
            kv_dim,
        ],
    );
    kernel
        .bind(
            ctx,
            &[&p, step, q_norm, src, q_out, k_norm, k_cache],
            [s.n_q_heads + s.n_k_heads, s.max_tok.max(1), 1],
        )
        .map(|d| d.tokens_on(1, 1, 1))
}
