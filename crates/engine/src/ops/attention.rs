//! Causal attention over a KV cache with grouped KV heads and an optional sliding window.

use crate::gpu::kernel::seq;
use crate::gpu::{buffers, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("attention.wgsl");

/// Largest head dimension the kernel handles (which must also be a multiple of 4).
pub const MAX_HEAD_DIM: u32 = 512;

/// Compiles the kernel.
pub async fn kernel(ctx: &GpuContext) -> Result<Kernel, GpuError> {
    use Binding::*;
    Kernel::new(
        ctx,
        "attention",
        SOURCE,
        "main",
        &[],
        &seq(&[Uniform, Uniform, ReadOnly, ReadOnly, ReadOnly, Storage]),
    )
    .await
}

/// The CPU-adapter kernel (entry point `main_cpu`): `heads_per_wg` (1 or 2) query heads of one
/// KV group per workgroup, so each cached key and value is loaded once for them. Bind it with
/// [`bind`] like [`kernel`]; the KV group size must be a multiple of `heads_per_wg`.
pub async fn cpu_kernel(ctx: &GpuContext, heads_per_wg: u32) -> Result<Kernel, GpuError> {
    cpu_build(ctx, heads_per_wg, None).await
}

/// [`cpu_kernel`] for decode (one query token) with `q` bound as a uniform array of `q_floats`
/// floats (the query heads of one token), read in the score loop as it is: CPU adapters load a
/// uniform with a vector gather but workgroup memory lane by lane. When one token's q exceeds
/// the adapter's uniform binding limit, this is [`cpu_kernel`]. Bind it with [`bind`].
pub async fn cpu_decode_kernel(
    ctx: &GpuContext,
    heads_per_wg: u32,
    q_floats: u32,
) -> Result<Kernel, GpuError> {
    let vec4s = q_floats.div_ceil(4).max(1);
    let fits = u64::from(vec4s) * 16 <= ctx.limits().max_uniform_buffer_binding_size;
    cpu_build(ctx, heads_per_wg, fits.then_some(vec4s)).await
}

/// `main_cpu` with q in a storage buffer, or (`uniform_q` = its size in 16-byte words) in a
/// uniform array read in place (`Q_DIRECT`).
async fn cpu_build(
    ctx: &GpuContext,
    heads_per_wg: u32,
    uniform_q: Option<u32>,
) -> Result<Kernel, GpuError> {
    use Binding::*;
    if !(1..=2).contains(&heads_per_wg) {
        return Err(GpuError::Shape(format!(
            "attention: {heads_per_wg} heads a workgroup (1 or 2)"
        )));
    }
    let (source, q_binding, variant) = match uniform_q {
        None => (std::borrow::Cow::Borrowed(SOURCE), ReadOnly, ""),
        Some(vec4s) => (
            std::borrow::Cow::Owned(SOURCE.replace(
                STORAGE_Q,
                &format!("var<uniform> q: array<vec4<f32>, {vec4s}>;"),
            )),
            UniformPrefix(u64::from(vec4s) * 16),
            "_uniform_q",
        ),
    };
    Kernel::new(
        ctx,
        &format!("attention_cpu_h{heads_per_wg}{variant}"),
        &source,
        "main_cpu",
        &[
            ("HPW", f64::from(heads_per_wg)),
            ("Q_DIRECT", f64::from(u8::from(uniform_q.is_some()))),
        ],
        &seq(&[Uniform, Uniform, q_binding, ReadOnly, ReadOnly, Storage]),
    )
    .await
}

/// The declaration of `q` in [`SOURCE`] that [`cpu_decode_kernel`] replaces.
pub const STORAGE_Q: &str = "var<storage, read> q: array<vec4<f32>>;";

/// Query heads a [`cpu_kernel`] workgroup takes for KV groups of `group` heads: two when they
/// pair up.
pub fn cpu_heads_per_wg(group: u32) -> u32 {
    if group.is_multiple_of(2) {
        2
    } else {
        1
    }
}

/// Shape of an attention dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttentionShape {
    /// Head dimension.
    pub head_dim: u32,
    /// Query heads.
    pub n_head: u32,
    /// KV heads (divides `n_head`).
    pub n_kv_head: u32,
    /// Sliding window in positions (0 = full causal attention).
    pub window: u32,
    /// Tokens; 0 = the step uniform's count.
    pub n_tok: u32,
    /// Largest token count (sets the grid).
    pub max_tok: u32,
}

#[allow(clippy::too_many_arguments)]
/// Records a dispatch: `out[t][h] = softmax(q[t][h] . K) V` over the cached positions.
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    s: AttentionShape,
    step: &wgpu::Buffer,
    q: &wgpu::Buffer,
    k_cache: &wgpu::Buffer,
    v_cache: &wgpu::Buffer,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    if s.head_dim > MAX_HEAD_DIM
        || !s.head_dim.is_multiple_of(4)
        || s.n_kv_head == 0
        || !s.n_head.is_multiple_of(s.n_kv_head)
    {
        return Err(GpuError::Shape(format!(
            "attention: head_dim {} (a multiple of 4, max {MAX_HEAD_DIM}), {} heads over {} KV heads",
            s.head_dim, s.n_head, s.n_kv_head
        )));
    }
    if let Some(Binding::UniformPrefix(bytes)) = kernel.binding(2) {
        let needed = u64::from(s.n_head) * u64::from(s.head_dim) * 4;
        if s.max_tok > 1 || needed > bytes {
            return Err(GpuError::Shape(format!(
                "attention: the kernel's uniform q holds {bytes} bytes of one token; this needs \
                 {needed} bytes for {} tokens",
                s.max_tok
            )));
        }
    }
    let hpw = kernel.constant("HPW").map_or(1, |h| h as u32);
    if !(s.n_head / s.n_kv_head).is_multiple_of(hpw) {
        return Err(GpuError::Shape(format!(
            "attention: KV groups of {} heads for a kernel of {hpw} heads a workgroup",
            s.n_head / s.n_kv_head
        )));
    }
    let p = buffers::uniform(
        ctx,
        "attention params",
        &[
            s.head_dim,
            s.n_head,
            s.n_kv_head,
            s.window,
            s.n_head * s.head_dim,
            s.n_kv_head * s.head_dim,
            s.n_tok,
            1,
        ],
    );
    kernel
        .bind(
            ctx,
            &[&p, step, q, k_cache, v_cache, out],
            [s.n_head / hpw, s.max_tok.max(1), 1],
        )
        .map(|d| d.tokens_on(1, 1, 1))
}

/// CPU reference for one query token at position `pos`: `q` is `[n_head * head_dim]`, the caches
/// are `[positions][n_kv_head * head_dim]`.
pub fn reference(
    s: AttentionShape,
    q: &[f32],
    k_cache: &[f32],
    v_cache: &[f32],
    pos: usize,
) -> Vec<f32> {
    let hd = s.head_dim as usize;
    let kv_stride = s.n_kv_head as usize * hd;
    let group = (s.n_head / s.n_kv_head) as usize;
    let start = if s.window > 0 && pos + 1 > s.window as usize {
        pos + 1 - s.window as usize
    } else {
        0
    };
    let mut out = vec![0f32; s.n_head as usize * hd];
    for h in 0..s.n_head as usize {
        let kv0 = (h / group) * hd;
        let qh = &q[h * hd..(h + 1) * hd];
        let scores: Vec<f32> = (start..=pos)
            .map(|p| {
                let k = &k_cache[p * kv_stride + kv0..p * kv_stride + kv0 + hd];
                qh.iter().zip(k).map(|(a, b)| a * b).sum()
            })
            .collect();
        let m = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = scores.iter().map(|v| (v - m).exp()).collect();
        let sum: f32 = e.iter().sum();
        for (j, p) in (start..=pos).enumerate() {
            let v = &v_cache[p * kv_stride + kv0..p * kv_stride + kv0 + hd];
            for d in 0..hd {
                out[h * hd + d] += e[j] / sum * v[d];
            }
        }
    }
    out
}

/// The split-K pair: `split` (grid heads x tokens x splits) and `merge`.
#[derive(Debug, Clone)]
pub struct SplitAttention {
    split: Kernel,
    merge: Kernel,
}

impl SplitAttention {
    /// Compiles both entry points.
    pub async fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        use Binding::*;
        let split = Kernel::new(
            ctx,
            "attention_split",
            SOURCE,
            "split",
            &[],
            &[
                (0, Uniform),
                (1, Uniform),
                (2, ReadOnly),
                (3, ReadOnly),
                (4, ReadOnly),
                (6, Storage),
            ],
        )
        .await?;
        let merge = Kernel::new(
            ctx,
            "attention_merge",
            SOURCE,
            "merge",
            &[],
            &[(0, Uniform), (1, Uniform), (5, Storage), (6, Storage)],
        )
        .await?;
        Ok(Self { split, merge })
    }

    /// Floats of scratch `part` needs for `max_tok` tokens and `n_split` splits.
    pub fn scratch_len(s: AttentionShape, n_split: u32) -> u64 {
        u64::from(s.max_tok.max(1))
            * u64::from(s.n_head)
            * u64::from(n_split)
            * (u64::from(s.head_dim) + 2)
    }

    /// Records the two dispatches: each (head, token) spreads its keys over `n_split`
    /// workgroups, then `merge` combines them into `out`.
    #[allow(clippy::too_many_arguments)]
    pub fn bind(
        &self,
        ctx: &GpuContext,
        s: AttentionShape,
        n_split: u32,
        step: &wgpu::Buffer,
        q: &wgpu::Buffer,
        k_cache: &wgpu::Buffer,
        v_cache: &wgpu::Buffer,
        part: &wgpu::Buffer,
        out: &wgpu::Buffer,
    ) -> Result<[Dispatch; 2], GpuError> {
        if s.head_dim > MAX_HEAD_DIM
            || !s.head_dim.is_multiple_of(4)
            || s.n_kv_head == 0
            || !s.n_head.is_multiple_of(s.n_kv_head)
            || n_split == 0
        {
            return Err(GpuError::Shape(format!(
                "split attention: head_dim {}, {} heads over {} KV heads, {n_split} splits",
                s.head_dim, s.n_head, s.n_kv_head
            )));
        }
        if part.size() < Self::scratch_len(s, n_split) * 4 {
            return Err(GpuError::Shape("split attention scratch too small".into()));
        }
        let p = buffers::uniform(
            ctx,
            "attention split params",
            &[
                s.head_dim,
                s.n_head,
                s.n_kv_head,
                s.window,
                s.n_head * s.head_dim,
                s.n_kv_head * s.head_dim,
                s.n_tok,
                n_split,
            ],
        );
        let split = self
            .split
            .bind(
                ctx,
                &[&p, step, q, k_cache, v_cache, part],
                [s.n_head, s.max_tok.max(1), n_split],
            )?
            .tokens_on(1, 1, 1);
        let merge = self
            .merge
            .bind(ctx, &[&p, step, out, part], [s.n_head, s.max_tok.max(1), 1])?
            .tokens_on(1, 1, 1);
        Ok([split, merge])
    }
}
