//! Greedy and top-k / top-p sampling on the GPU; the chosen token id lands in a one-element
//! buffer (the next step's embedding input), so decode reads back 4 bytes per token.

use crate::gpu::{buffers, kernel, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("sample.wgsl");

/// Largest top-k the kernel handles.
pub const MAX_K: u32 = 64;

/// Logits scanned by one workgroup of the first pass: 16 workgroups for Gemma's 262,144. Each
/// pays a workgroup reduction per round, costly on CPU adapters: with 1,024 (256 workgroups)
/// greedy sampling took 4.2 ms a token on lavapipe, with 8,192 0.87 ms, with 32,768 0.51 ms.
const SLICE: u32 = 16384;

/// How to pick the next token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleParams {
    /// Softmax temperature; `<= 0` is greedy.
    pub temperature: f32,
    /// Keep the `top_k` best logits (1 = greedy, at most [`MAX_K`]).
    pub top_k: u32,
    /// Then the smallest prefix whose probability mass reaches `top_p` (1 = all).
    pub top_p: f32,
}

impl SampleParams {
    /// Argmax.
    pub const GREEDY: Self = Self {
        temperature: 0.0,
        top_k: 1,
        top_p: 1.0,
    };
}

/// The two sampling passes and their scratch buffers.
#[derive(Debug, Clone)]
pub struct Sampler {
    partial: Kernel,
    finalize: Kernel,
}

/// A bound sampler for one logits buffer.
#[derive(Debug, Clone)]
pub struct BoundSampler {
    /// First pass (per-slice top k).
    pub partial: Dispatch,
    /// Second pass (merge and pick).
    pub finalize: Dispatch,
}

/// Threads a sampling workgroup on CPU adapters (one or two SIMD groups): greedy sampling of
/// Gemma's 262,144 logits (`gpu_profile`, both passes) 4.5 -> 2.0 ms on SwiftShader and 0.68 ->
/// 0.43 ms on lavapipe with 8 threads instead of 256.
const CPU_WORKGROUP: u32 = 8;

impl Sampler {
    /// Compiles both passes (256 threads a workgroup, `CPU_WORKGROUP` on CPU adapters).
    pub async fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let wg = kernel::reduction_workgroup(ctx, 256, CPU_WORKGROUP);
        Self::with_workgroup(ctx, wg).await
    }

    /// Both passes with `wg` threads a workgroup (a power of two, 1 to 256).
    pub async fn with_workgroup(ctx: &GpuContext, wg: u32) -> Result<Self, GpuError> {
        use Binding::*;
        kernel::check_workgroup("sampling", wg, 256)?;
        let constants = [("WG", f64::from(wg))];
        let partial = Kernel::new(
            ctx,
            "topk_partial",
            SOURCE,
            "topk_partial",
            &constants,
            &[(0, Uniform), (2, ReadOnly), (4, Storage), (5, Storage)],
        )
        .await?;
        let finalize = Kernel::new(
            ctx,
            "topk_final",
            SOURCE,
            "topk_final",
            &constants,
            &[
                (0, Uniform),
                (1, Uniform),
                (2, ReadOnly),
                (3, ReadOnly),
                (6, Storage),
            ],
        )
        .await?;
        Ok(Self { partial, finalize })
    }

    /// Binds sampling over `n` logits starting at float `offset` of `logits`; the token id is
    /// written to `tokens[0]`. `step.rand` supplies the uniform random number.
    #[allow(clippy::too_many_arguments)]
    pub fn bind(
        &self,
        ctx: &GpuContext,
        params: SampleParams,
        n: u32,
        offset: u32,
        step: &wgpu::Buffer,
        logits: &wgpu::Buffer,
        tokens: &wgpu::Buffer,
    ) -> Result<BoundSampler, GpuError> {
        if n == 0 || params.top_k == 0 || params.top_k > MAX_K {
            return Err(GpuError::Shape(format!(
                "sampling {n} logits with top_k {} (1..={MAX_K})",
                params.top_k
            )));
        }
        let k = if params.temperature <= 0.0 {
            1
        } else {
            params.top_k
        };
        let groups = n.div_ceil(SLICE);
        if groups > ctx.limits().max_compute_workgroups_per_dimension {
            return Err(GpuError::Shape(format!("{n} logits is too many to sample")));
        }
        let cand = groups * k;
        let vals = buffers::storage_zeroed(ctx, "sample vals", u64::from(cand) * 4)?;
        let idx = buffers::storage_zeroed(ctx, "sample idx", u64::from(cand) * 4)?;
        let pp = buffers::uniform(
            ctx,
            "sample params",
            &[n, k, SLICE, offset, 0f32.to_bits(), 1f32.to_bits()],
        );
        let partial = self
            .partial
            .bind(ctx, &[&pp, logits, &vals, &idx], [groups, 1, 1])?;
        let fp = buffers::uniform(
            ctx,
            "sample final params",
            &[
                cand,
                k,
                0,
                0,
                params.temperature.max(0.0).to_bits(),
                params.top_p.clamp(0.0, 1.0).to_bits(),
            ],
        );
        let finalize = self
            .finalize
            .bind(ctx, &[&fp, step, &vals, &idx, tokens], [1, 1, 1])?;
        Ok(BoundSampler { partial, finalize })
    }
}

/// CPU reference of the GPU sampler: same ordering (value desc, index asc), same top-k / top-p
/// cut and the same use of `rand` in [0, 1).
pub fn reference(logits: &[f32], params: SampleParams, rand: f32) -> Option<u32> {
    let mut order: Vec<u32> = (0..logits.len() as u32)
        .filter(|&i| !logits[i as usize].is_nan())
        .collect();
    order.sort_by(|&a, &b| {
        logits[b as usize]
            .total_cmp(&logits[a as usize])
            .then(a.cmp(&b))
    });
    let first = *order.first()?;
    if params.temperature <= 0.0 || params.top_k <= 1 {
        return Some(first);
    }
    let top: Vec<u32> = order.into_iter().take(params.top_k as usize).collect();
    let v0 = logits[first as usize];
    let w: Vec<f32> = top
        .iter()
        .map(|&i| ((logits[i as usize] - v0) / params.temperature).exp())
        .collect();
    let total: f32 = w.iter().sum();
    let mut mass = 0.0;
    let mut keep = top.len();
    for (r, x) in w.iter().enumerate() {
        mass += x;
        if mass >= params.top_p * total {
            keep = r + 1;
            break;
        }
    }
    let target = rand * mass;
    let mut acc = 0.0;
    for r in 0..keep {
        acc += w[r];
        if target < acc {
            return Some(top[r]);
        }
    }
    Some(top[keep - 1])
}
