//! Quantized mat-vec (decode) and batched mat-mul (prefill) over weights kept quantized (Q8_0,
//! Q5_0, Q4_K and Q6_K regrouped at upload: see [`buffers::device_layout`]).
//!
//! Supported weight types: F32, F16, Q4_0, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K. The kernel is
//! `matvec.wgsl`, specialised per type (`QTYPE`) and per tokens-per-workgroup (`NCOLS`) with
//! override constants; on CPU adapters the decode takes eight or sixteen rows a thread
//! (`ROWS4`, `ROWS16`) and the prefill four (`ROWS4`). The weights are read from storage
//! buffers or, where the context keeps them there ([`WeightStore::Texture`]), from textures: see
//! [`weights_source`].

use crate::gpu::kernel::grid;
use crate::gpu::{
    buffers, Binding, Dispatch, GpuContext, GpuError, GpuWeights, Kernel, Resource, WeightStore,
};
use crate::quant::{dequantize, GgmlType};

/// The WGSL source.
pub const SOURCE: &str = super::with_step!("matvec.wgsl");

/// Tokens handled by one workgroup in the batched (prefill) variant.
pub const PREFILL_COLS: u32 = 16;

/// Rows per 64-thread workgroup; the remaining threads split each row's columns.
///
/// GPUs want several lanes per row (coalesced reads, many rows in flight); CPU rasterizers
/// (lavapipe, SwiftShader) run fastest with one thread per row and no reduction.
pub fn rows_per_workgroup(ctx: &GpuContext) -> u32 {
    if let Ok(v) = std::env::var("ATLAS_MATVEC_ROWS") {
        if let Ok(n) = v.parse::<u32>() {
            if n.is_power_of_two() && n <= 64 {
                return n;
            }
        }
    }
    if ctx.cpu_tuned() {
        64
    } else {
        4
    }
}

/// Whether the GPU mat-vec handles weights of type `ty`.
pub fn supports(ty: GgmlType) -> bool {
    matches!(
        ty,
        GgmlType::F32
            | GgmlType::F16
            | GgmlType::Q4_0
            | GgmlType::Q5_0
            | GgmlType::Q8_0
            | GgmlType::Q4_K
            | GgmlType::Q5_K
            | GgmlType::Q6_K
    )
}

/// Where a kernel reads its input vector `x` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XInput {
    /// A storage buffer (any length, any number of tokens).
    Storage,
    /// The first `floats` floats of the buffer, bound as a uniform array (decode only: one
    /// token). CPU rasterizers (lavapipe, SwiftShader) load a uniform with a plain vector gather
    /// but a storage buffer lane by lane with a bounds check, and a quantized mat-vec loads one
    /// `x` element per weight, so this alone makes their mat-vecs up to twice as fast.
    Uniform {
        /// Floats the uniform array holds (the longest input it serves).
        floats: u32,
    },
}

impl XInput {
    /// The choice for `ctx` when the longest input is `floats` floats: a uniform array with the
    /// CPU-adapter kernels ([`crate::gpu::Tuning::Cpu`]) when it fits the adapter's uniform
    /// binding limit (`ATLAS_MATVEC_X` = `storage` or `uniform` overrides), a storage buffer
    /// otherwise.
    pub fn for_adapter(ctx: &GpuContext, floats: u32) -> Self {
        let floats = floats.div_ceil(4).max(1) * 4;
        let fits = u64::from(floats) * 4 <= ctx.limits().max_uniform_buffer_binding_size;
        let uniform = match std::env::var("ATLAS_MATVEC_X").as_deref() {
            Ok("storage") => false,
            Ok("uniform") => true,
            _ => ctx.cpu_tuned(),
        };
        if uniform && fits {
            Self::Uniform { floats }
        } else {
            Self::Storage
        }
    }
}

/// Compiles the kernel for weights of type `ty`; `ncols` = 1 for decode, up to 8 for prefill.
/// Rows per workgroup follow [`rows_per_workgroup`].
pub async fn kernel(ctx: &GpuContext, ty: GgmlType, ncols: u32) -> Result<Kernel, GpuError> {
    kernel_with(ctx, ty, ncols, rows_per_workgroup(ctx)).await
}

/// [`kernel`] with an explicit number of rows per 64-thread workgroup (a power of two up to 64).
pub async fn kernel_with(
    ctx: &GpuContext,
    ty: GgmlType,
    ncols: u32,
    rows_per_wg: u32,
) -> Result<Kernel, GpuError> {
    build(ctx, ty, ncols, rows_per_wg, false, XInput::Storage).await
}

/// The decode (one-token) kernel, with `x` read as `x_input` says; `geglu` for the fused
/// feed-forward (see [`geglu_kernel`]). Rows per workgroup follow
/// [`decode_rows_per_workgroup`].
pub async fn decode_kernel(
    ctx: &GpuContext,
    ty: GgmlType,
    geglu: bool,
    x_input: XInput,
) -> Result<Kernel, GpuError> {
    decode_kernel_with(ctx, ty, geglu, decode_rows_per_workgroup(ctx, ty), x_input).await
}

/// [`decode_kernel`] with an explicit number of rows per workgroup: a power of two up to 64,
/// or 128 for Q8_0 and Q5_0 (the CPU decode with sixteen rows a thread).
pub async fn decode_kernel_with(
    ctx: &GpuContext,
    ty: GgmlType,
    geglu: bool,
    rows_per_wg: u32,
    x_input: XInput,
) -> Result<Kernel, GpuError> {
    let rows_per_wg = if geglu {
        rows_per_wg.max(2)
    } else {
        rows_per_wg
    };
    build(ctx, ty, 1, rows_per_wg, geglu, x_input).await
}

/// Rows per workgroup of the decode kernels for weights of type `ty`: [`rows_per_workgroup`],
/// except on CPU adapters 128 (sixteen rows a thread, `ROWS16`) for Q5_0, and for Q8_0 on
/// SwiftShader: each input loaded then serves sixteen rows. Measured with `gpu_kernels` (with
/// the earlier four-row layout): Q5_0 ffn_gate -8 % on lavapipe and -9 % on SwiftShader, the
/// Q8_0 output matrix -6 % on SwiftShader and +3 % on lavapipe (tried again with the eight-row
/// layout: no change there).
pub fn decode_rows_per_workgroup(ctx: &GpuContext, ty: GgmlType) -> u32 {
    let rows = rows_per_workgroup(ctx);
    let sixteen = match ty {
        GgmlType::Q5_0 => true,
        GgmlType::Q8_0 => ctx.adapter().is_swiftshader(),
        _ => false,
    };
    if rows == ROWS4_ROWS_PER_WG && sixteen {
        2 * ROWS4_ROWS_PER_WG
    } else {
        rows
    }
}

/// Rows a `main_rows8` or `prefill_rows8` workgroup covers (8 threads of eight rows);
/// `main_rows8` with `ROWS16` covers twice as many.
const ROWS4_ROWS_PER_WG: u32 = 64;

/// Whether the kernel runs the CPU layout's many-rows-per-thread entry points (`ROWS4`): the
/// decode (`main_rows8`, eight rows a thread, sixteen with [`rows16`]) for types in the grouped
/// device layout (Q8_0, Q5_0, Q4_K, Q6_K: one eight-row group a thread, two with sixteen), the
/// prefill (`prefill_rows8`, eight rows a thread) for every type. Each input loaded serves all
/// the rows.
fn rows4(ty: GgmlType, ncols: u32, rows_per_wg: u32) -> bool {
    // (ROWS4_ROWS_PER_WG rows a workgroup either way, or twice that with ROWS16.)
    rows_per_wg >= ROWS4_ROWS_PER_WG && (ncols > 1 || buffers::grouped_planes(ty).is_some())
}

/// Whether a kernel with these settings is the sixteen-rows-a-thread decode (`ROWS16`).
fn rows16(ty: GgmlType, ncols: u32, rows_per_wg: u32) -> bool {
    rows_per_wg == 2 * ROWS4_ROWS_PER_WG
        && ncols == 1
        && matches!(ty, GgmlType::Q8_0 | GgmlType::Q5_0)
}

/// The fused feed-forward kernel: weights from [`GpuWeights::upload_interleaved`] (gate, up)
/// and `y[t][r] = gelu(gate_r . x_t) * (up_r . x_t)`. Bind it with `rows` = the interleaved
/// row count and `y_stride` = rows / 2.
pub async fn geglu_kernel(ctx: &GpuContext, ty: GgmlType, ncols: u32) -> Result<Kernel, GpuError> {
    geglu_kernel_with(ctx, ty, ncols, rows_per_workgroup(ctx)).await
}

/// [`geglu_kernel`] with an explicit number of rows per workgroup (even, at least 2).
pub async fn geglu_kernel_with(
    ctx: &GpuContext,
    ty: GgmlType,
    ncols: u32,
    rows_per_wg: u32,
) -> Result<Kernel, GpuError> {
    build(ctx, ty, ncols, rows_per_wg.max(2), true, XInput::Storage).await
}

async fn build(
    ctx: &GpuContext,
    ty: GgmlType,
    ncols: u32,
    rows_per_wg: u32,
    geglu: bool,
    x_input: XInput,
) -> Result<Kernel, GpuError> {
    if !supports(ty) {
        return Err(GpuError::UnsupportedType(format!("{ty:?}")));
    }
    if ncols == 0 || ncols > 16 {
        return Err(GpuError::Shape(format!("ncols {ncols} not in 1..=16")));
    }
    let sixteen = rows16(ty, ncols, rows_per_wg);
    if !rows_per_wg.is_power_of_two() || (rows_per_wg > 64 && !sixteen) {
        return Err(GpuError::Shape(format!(
            "rows per workgroup {rows_per_wg} is not a power of two up to 64 (or 128 for the \
             Q8_0 and Q5_0 decode)"
        )));
    }
    let store = ctx.weight_store();
    let (source, x_binding) = match x_input {
        XInput::Storage => (weights_source(SOURCE, store)?, Binding::ReadOnly),
        XInput::Uniform { floats } => {
            let vec4s = floats.div_ceil(4).max(1);
            let limit = ctx.limits().max_uniform_buffer_binding_size;
            if ncols != 1 || u64::from(vec4s) * 16 > limit {
                return Err(GpuError::Shape(format!(
                    "a uniform x of {floats} floats for {ncols} tokens per workgroup (one token \
                     and at most {limit} bytes)"
                )));
            }
            (
                weights_source(&uniform_x_source(vec4s * 4), store)?,
                Binding::UniformPrefix(u64::from(vec4s) * 16),
            )
        }
    };
    let four = rows4(ty, ncols, rows_per_wg);
    Kernel::new(
        ctx,
        &format!("matvec_{ty:?}_x{ncols}_r{rows_per_wg}_geglu{geglu}_{x_input:?}_{store:?}"),
        &source,
        match (four, ncols) {
            (false, _) => "main",
            (true, 1) => "main_rows8",
            (true, _) => "prefill_rows8",
        },
        &[
            ("QTYPE", f64::from(ty.to_u32())),
            ("NCOLS", f64::from(ncols)),
            ("ROWS_PER_WG", f64::from(rows_per_wg.min(64))),
            ("GEGLU", f64::from(u8::from(geglu))),
            ("ROWS4", f64::from(u8::from(four))),
            ("ROWS16", f64::from(u8::from(sixteen))),
        ],
        &weight_layout(
            store,
            &[
                (0, Binding::Uniform),
                (1, Binding::Uniform),
                (3, x_binding),
                (4, Binding::Storage),
            ],
        ),
    )
    .await
}

/// The block of [`SOURCE`] that declares the weights and their accessors `wd`, `wd2` and `wq`.
const WEIGHTS_BLOCK: (&str, &str) = ("// weights: storage\n", "// end weights\n");

/// The weights read from an `rgba32uint` texture ([`WeightStore::Texture`]), row-major in rows
/// of [`buffers::TEXTURE_WIDTH`] texels.
const TEXTURE_WEIGHTS: &str = "// weights: texture
@group(0) @binding(6) var wt: texture_2d<u32>;
fn wq(i: u32) -> vec4<u32> {
    return textureLoad(wt, vec2<u32>(i % TEXTURE_WIDTH, i / TEXTURE_WIDTH), 0);
}
fn wd(i: u32) -> u32 { return wq(i >> 2u)[i & 3u]; }
fn wd2(i: u32) -> vec2<u32> {
    let t = wq(i >> 2u);
    return select(t.zw, t.xy, (i & 2u) == 0u);
}
";

/// `source` (SOURCE or a variant of it) with its weights read from `store`.
pub fn weights_source(source: &str, store: WeightStore) -> Result<String, GpuError> {
    match store {
        WeightStore::Buffer => Ok(source.to_string()),
        WeightStore::Texture => {
            let (begin, end) = WEIGHTS_BLOCK;
            match (source.find(begin), source.find(end)) {
                (Some(a), Some(b)) if a < b => Ok(format!(
                    "{}{TEXTURE_WEIGHTS}const TEXTURE_WIDTH: u32 = {}u;\n{}",
                    &source[..a],
                    buffers::TEXTURE_WIDTH,
                    &source[b..]
                )),
                _ => Err(GpuError::Wgpu(
                    "matvec.wgsl: the weights block's markers are missing".into(),
                )),
            }
        }
    }
}

/// A mat-vec or embedding kernel's layout: `others` (in binding order) and the weights, `w` and
/// `w4` (bindings 2 and 6, the same buffer) from a buffer or the texture (binding 6) alone.
fn weight_layout(store: WeightStore, others: &[(u32, Binding)]) -> Vec<(u32, Binding)> {
    let mut layout = others.to_vec();
    match store {
        WeightStore::Buffer => layout.extend([(2, Binding::ReadOnly), (6, Binding::ReadOnly)]),
        WeightStore::Texture => layout.push((6, Binding::Texture)),
    }
    layout.sort_by_key(|(i, _)| *i);
    layout
}

/// The resources for a [`weight_layout`]: `others` (in binding order) and the chunk's weights
/// where the layout has them.
fn with_weights<'a>(
    data: &'a buffers::ChunkData,
    others: &[(u32, &'a wgpu::Buffer)],
) -> Vec<Resource<'a>> {
    let w = data.resource();
    let mut r: Vec<(u32, Resource)> = others
        .iter()
        .map(|(i, b)| (*i, Resource::Buffer(b)))
        .collect();
    if matches!(w, Resource::Buffer(_)) {
        r.push((2, w));
    }
    r.push((6, w));
    r.sort_by_key(|(i, _)| *i);
    r.into_iter().map(|(_, res)| res).collect()
}

/// The declaration of `x` in [`SOURCE`] that a uniform input replaces.
const STORAGE_X: &str = "var<storage, read> x: array<vec4<f32>>;";

/// [`SOURCE`] with `x` declared as a uniform array of `floats` floats (a multiple of 4).
pub fn uniform_x_source(floats: u32) -> String {
    debug_assert!(SOURCE.contains(STORAGE_X));
    SOURCE.replace(
        STORAGE_X,
        &format!(
            "var<uniform> x: array<vec4<f32>, {}>;",
            floats.div_ceil(4).max(1)
        ),
    )
}

/// Where the input comes from and where the output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatVecLayout {
    /// Tokens in `x`; 0 = read the count from the step uniform at run time.
    pub n_tok: u32,
    /// Tokens handled per workgroup (must equal the kernel's `ncols`).
    pub ncols: u32,
    /// Largest token count this dispatch will see (sets the grid's z size).
    pub max_tok: u32,
    /// Floats between consecutive tokens in `x` (a multiple of 4, at least `cols`).
    pub x_stride: u32,
    /// Floats between consecutive tokens in `y`.
    pub y_stride: u32,
    /// First element of `y` written (row 0 of the matrix).
    pub y_offset: u32,
    /// Added to `y_offset` per position of the step uniform (writes into a KV cache).
    pub y_pos_stride: u32,
    /// Add into `y` instead of overwriting (a fused residual add).
    pub accumulate: bool,
}

impl MatVecLayout {
    /// A plain single-token mat-vec: `y[0..rows] = W x`.
    pub fn single(cols: u32, rows: u32) -> Self {
        Self {
            n_tok: 1,
            ncols: 1,
            max_tok: 1,
            x_stride: cols,
            y_stride: rows,
            y_offset: 0,
            y_pos_stride: 0,
            accumulate: false,
        }
    }
}

/// Records the dispatches (one per weight chunk) computing `y = W x` under `layout`.
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    weights: &GpuWeights,
    step: &wgpu::Buffer,
    x: &wgpu::Buffer,
    y: &wgpu::Buffer,
    layout: MatVecLayout,
) -> Result<Vec<Dispatch>, GpuError> {
    if !weights.cols.is_multiple_of(32)
        || !layout.x_stride.is_multiple_of(4)
        || layout.x_stride < weights.cols
    {
        return Err(GpuError::Shape(format!(
            "mat-vec needs cols % 32 == 0 and a 4-aligned x stride >= cols (cols {}, stride {})",
            weights.cols, layout.x_stride
        )));
    }
    if let Some(Binding::UniformPrefix(bytes)) = kernel.binding(3) {
        let needed = u64::from(layout.max_tok.max(1) - 1) * u64::from(layout.x_stride)
            + u64::from(weights.cols);
        if needed * 4 > bytes {
            return Err(GpuError::Shape(format!(
                "the kernel's uniform x holds {} floats; this input needs {needed}",
                bytes / 4
            )));
        }
    }
    let row_bytes = GpuWeights::row_bytes(weights.ty, weights.cols);
    let row_bytes = u32::try_from(row_bytes)
        .map_err(|_| GpuError::Shape(format!("row of {row_bytes} bytes")))?;
    let max_dim = ctx.limits().max_compute_workgroups_per_dimension;
    let rows_per_wg = kernel.constant("ROWS_PER_WG").unwrap_or(4.0) as u32;
    let rows_per_wg = if kernel.constant("ROWS16") == Some(1.0) {
        2 * ROWS4_ROWS_PER_WG
    } else if kernel.constant("ROWS4") == Some(1.0) {
        ROWS4_ROWS_PER_WG
    } else {
        rows_per_wg
    };
    let z = layout.max_tok.max(1).div_ceil(layout.ncols.max(1));
    weights
        .chunks
        .iter()
        .map(|chunk| {
            let params = buffers::uniform(
                ctx,
                "matvec params",
                &[
                    chunk.rows,
                    weights.cols,
                    row_bytes,
                    layout.n_tok,
                    layout.x_stride,
                    layout.y_stride,
                    layout.y_offset + chunk.row_start,
                    layout.y_pos_stride,
                    u32::from(layout.accumulate),
                ],
            );
            let [gx, gy, _] = grid(chunk.rows.div_ceil(rows_per_wg), max_dim);
            kernel
                .bind_resources(
                    ctx,
                    &with_weights(&chunk.data, &[(0, &params), (1, step), (3, x), (4, y)]),
                    [gx, gy, z],
                )
                .map(|d| d.tokens_on(2, layout.ncols.max(1), 1))
        })
        .collect()
}

/// CPU reference of the fused feed-forward: `gelu(gate x) * (up x)` per token.
#[allow(clippy::too_many_arguments)]
pub fn geglu_reference(
    ty: GgmlType,
    gate: &[u8],
    up: &[u8],
    rows: usize,
    cols: usize,
    x: &[f32],
    n_tok: usize,
) -> Result<Vec<f32>, GpuError> {
    let g = reference(ty, gate, rows, cols, x, n_tok)?;
    let u = reference(ty, up, rows, cols, x, n_tok)?;
    Ok(super::gelu::reference(&g, &u))
}

/// CPU reference: `y[t * rows + r] = sum_k W[r][k] x[t * cols + k]` for `n_tok` tokens.
pub fn reference(
    ty: GgmlType,
    bytes: &[u8],
    rows: usize,
    cols: usize,
    x: &[f32],
    n_tok: usize,
) -> Result<Vec<f32>, GpuError> {
    let mut w = vec![0f32; rows * cols];
    dequantize(ty, bytes, &mut w).map_err(|e| GpuError::Shape(e.to_string()))?;
    if x.len() < n_tok * cols {
        return Err(GpuError::Shape("x too short".into()));
    }
    let mut y = vec![0f32; n_tok * rows];
    for t in 0..n_tok {
        let xt = &x[t * cols..(t + 1) * cols];
        for r in 0..rows {
            let row = &w[r * cols..(r + 1) * cols];
            y[t * rows + r] = row.iter().zip(xt).map(|(a, b)| a * b).sum();
        }
    }
    Ok(y)
}

/// Compiles the embedding-lookup entry point for rows of type `ty`.
pub async fn embed_kernel(ctx: &GpuContext, ty: GgmlType) -> Result<Kernel, GpuError> {
    if !supports(ty) {
        return Err(GpuError::UnsupportedType(format!("{ty:?}")));
    }
    let store = ctx.weight_store();
    Kernel::new(
        ctx,
        &format!("embed_{ty:?}_{store:?}"),
        &weights_source(SOURCE, store)?,
        "embed",
        &[("QTYPE", f64::from(ty.to_u32()))],
        &weight_layout(
            store,
            &[
                (0, Binding::Uniform),
                (1, Binding::Uniform),
                (4, Binding::Storage),
                (5, Binding::ReadOnly),
            ],
        ),
    )
    .await
}

/// Records the dispatches (one per chunk) writing `y[t] = scale * W[tokens[t]]` for `max_tok`
/// tokens (`n_tok` = 0 reads the token count from the step uniform).
#[allow(clippy::too_many_arguments)]
pub fn bind_embed(
    ctx: &GpuContext,
    kernel: &Kernel,
    weights: &GpuWeights,
    step: &wgpu::Buffer,
    tokens: &wgpu::Buffer,
    y: &wgpu::Buffer,
    n_tok: u32,
    max_tok: u32,
    scale: f32,
) -> Result<Vec<Dispatch>, GpuError> {
    if !weights.cols.is_multiple_of(32) {
        return Err(GpuError::Shape(format!(
            "embedding width {} % 8 != 0",
            weights.cols
        )));
    }
    let row_bytes = u32::try_from(GpuWeights::row_bytes(weights.ty, weights.cols))
        .map_err(|_| GpuError::Shape("embedding row too large".into()))?;
    weights
        .chunks
        .iter()
        .map(|chunk| {
            let params = buffers::uniform(
                ctx,
                "embed params",
                &[
                    chunk.rows,
                    weights.cols,
                    row_bytes,
                    n_tok,
                    0,
                    weights.cols,
                    0,
                    0,
                    0,
                    chunk.row_start,
                    scale.to_bits(),
                ],
            );
            let units = weights.cols / 8;
            kernel
                .bind_resources(
                    ctx,
                    &with_weights(&chunk.data, &[(0, &params), (1, step), (4, y), (5, tokens)]),
                    [units.div_ceil(64), max_tok.max(1), 1],
                )
                .map(|d| d.tokens_on(1, 1, 1))
        })
        .collect()
}

/// CPU reference of the embedding lookup.
pub fn embed_reference(
    ty: GgmlType,
    bytes: &[u8],
    cols: usize,
    tokens: &[u32],
    scale: f32,
) -> Result<Vec<f32>, GpuError> {
    let row_bytes = cols / ty.block_size() * ty.type_size();
    let mut out = vec![0f32; tokens.len() * cols];
    for (t, &tok) in tokens.iter().enumerate() {
        let a = tok as usize * row_bytes;
        let row = bytes
            .get(a..a + row_bytes)
            .ok_or_else(|| GpuError::Shape(format!("token {tok} out of range")))?;
        let o = &mut out[t * cols..(t + 1) * cols];
        dequantize(ty, row, o).map_err(|e| GpuError::Shape(e.to_string()))?;
        o.iter_mut().for_each(|v| *v *= scale);
    }
    Ok(out)
}
