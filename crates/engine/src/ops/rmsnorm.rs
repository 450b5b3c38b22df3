//! RMSNorm, plain and fused with Gemma's post-norm + residual add + next pre-norm.

use crate::gpu::{buffers, kernel, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("rmsnorm.wgsl");

/// Threads a norm workgroup on CPU adapters: one SIMD group or two (lavapipe runs 8 lanes,
/// SwiftShader 4), so the reduction's barriers cost little. The 36 fused norms of a decode step
/// (640 floats each, `gpu_profile`): SwiftShader 3.9 ms with 64 threads, 1.9 with 8; lavapipe
/// 2.0 ms with 256 threads, 1.3 to 1.8 with 64 or 8 (noise).
const CPU_WORKGROUP: u32 = 8;

/// The two RMSNorm entry points.
#[derive(Debug, Clone)]
pub struct RmsNorm {
    norm: Kernel,
    add_norm: Kernel,
}

/// Row shape of a norm dispatch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormShape {
    /// Row length.
    pub n: u32,
    /// Rows per token (heads for per-head norms, else 1).
    pub rows_per_tok: u32,
    /// Tokens; 0 = the step uniform's count.
    pub n_tok: u32,
    /// Largest token count (sets the grid).
    pub max_tok: u32,
    /// Epsilon inside the square root.
    pub eps: f32,
}

impl RmsNorm {
    /// Compiles both entry points.
    pub async fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let wg = kernel::reduction_workgroup(ctx, 256, CPU_WORKGROUP);
        Self::with_workgroup(ctx, wg).await
    }

    /// Both entry points with `wg` threads a workgroup (a power of two, 1 to 256).
    pub async fn with_workgroup(ctx: &GpuContext, wg: u32) -> Result<Self, GpuError> {
        use Binding::*;
        kernel::check_workgroup("rmsnorm", wg, 256)?;
        let overrides = [("WG", f64::from(wg))];
        let norm = Kernel::new(
            ctx,
            "rmsnorm",
            SOURCE,
            "norm",
            &overrides,
            &[
                (0, Uniform),
                (1, Uniform),
                (2, ReadOnly),
                (3, ReadOnly),
                (6, Storage),
            ],
        )
        .await?;
        let add_norm = Kernel::new(
            ctx,
            "add_rmsnorm",
            SOURCE,
            "add_norm",
            &overrides,
            &[
                (0, Uniform),
                (1, Uniform),
                (2, ReadOnly),
                (3, ReadOnly),
                (4, ReadOnly),
                (5, Storage),
                (6, Storage),
            ],
        )
        .await?;
        Ok(Self { norm, add_norm })
    }

    fn params(ctx: &GpuContext, s: NormShape) -> (wgpu::Buffer, [u32; 3]) {
        let p = buffers::uniform(
            ctx,
            "norm params",
            &[s.n, s.rows_per_tok, s.n_tok, s.eps.to_bits()],
        );
        (p, [s.rows_per_tok * s.max_tok.max(1), 1, 1])
    }

    /// `y = rms(a) * w`.
    pub fn bind_norm(
        &self,
        ctx: &GpuContext,
        shape: NormShape,
        step: &wgpu::Buffer,
        a: &wgpu::Buffer,
        w: &wgpu::Buffer,
        y: &wgpu::Buffer,
    ) -> Result<Dispatch, GpuError> {
        let (p, g) = Self::params(ctx, shape);
        self.norm
            .bind(ctx, &[&p, step, a, w, y], g)
            .map(|d| d.tokens_on(0, 1, shape.rows_per_tok))
    }

    /// `res += rms(a) * w1; y = rms(res) * w2`.
    #[allow(clippy::too_many_arguments)]
    pub fn bind_add_norm(
        &self,
        ctx: &GpuContext,
        shape: NormShape,
        step: &wgpu::Buffer,
        a: &wgpu::Buffer,
        w1: &wgpu::Buffer,
        w2: &wgpu::Buffer,
        res: &wgpu::Buffer,
        y: &wgpu::Buffer,
    ) -> Result<Dispatch, GpuError> {
        let (p, g) = Self::params(ctx, shape);
        self.add_norm
            .bind(ctx, &[&p, step, a, w1, w2, res, y], g)
            .map(|d| d.tokens_on(0, 1, shape.rows_per_tok))
    }
}

/// CPU reference: each row of `x` (length `w.len()`) normalised and scaled by `w`.
pub fn reference(x: &[f32], w: &[f32], eps: f32) -> Vec<f32> {
    let n = w.len();
    x.chunks(n)
        .flat_map(|row| {
            let ms = row
                .iter()
                .map(|v| f64::from(*v) * f64::from(*v))
                .sum::<f64>()
                / n as f64;
            let inv = 1.0 / (ms as f32 + eps).sqrt();
            row.iter().zip(w).map(move |(v, g)| v * inv * g)
        })
        .collect()
}

/// CPU reference of the fused op: returns `(res', y)`.
pub fn add_norm_reference(
    a: &[f32],
    w1: &[f32],
    w2: &[f32],
    res: &[f32],
    eps: f32,
) -> (Vec<f32>, Vec<f32>) {
    let normed = reference(a, w1, eps);
    let res: Vec<f32> = res.iter().zip(&normed).map(|(r, v)| r + v).collect();
    let y = reference(&res, w2, eps);
    (res, y)
}
