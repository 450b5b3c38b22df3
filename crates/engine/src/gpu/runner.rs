//! The GPU model runner: Gemma 3 on wgpu with weights kept quantized, every dispatch recorded
//! once at load, one command submission per decoded token and sampling on the GPU (4 bytes read
//! back per token).

use std::collections::HashMap;

use super::kernel::Dispatch;
use super::readback::{read_f32, Staging};
use super::{buffers, GpuContext, GpuError, GpuWeights, Kernel};
use crate::gguf::{GgufFile, Source};
use crate::model::{Activation, ModelConfig, ModelError, RopeStyle};
use crate::ops::attention::{self, AttentionShape};
use crate::ops::matvec::{self, MatVecLayout, PREFILL_COLS};
use crate::ops::rmsnorm::{NormShape, RmsNorm};
use crate::ops::rope::{self, QkRopeShape};
use crate::ops::sample::{BoundSampler, SampleParams, Sampler};
use crate::ops::{gelu, Step};
use crate::quant::GgmlType;

/// Errors from loading or running a model on the GPU.
#[derive(Debug, thiserror::Error)]
pub enum GpuModelError {
    /// A GPU failure (device lost, limit exceeded, ...).
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// Reading the model failed.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The model uses a feature the GPU runner does not implement.
    #[error("the GPU runner does not support this model: {0}")]
    Unsupported(String),
}

impl From<crate::gguf::GgufError> for GpuModelError {
    fn from(e: crate::gguf::GgufError) -> Self {
        Self::Model(ModelError::Gguf(e))
    }
}

/// Sizes fixed at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuModelOptions {
    /// KV-cache length in positions (capped at the model's context length).
    pub max_context: u32,
    /// Tokens per prefill submission (a longer prompt runs in several).
    pub prefill_chunk: u32,
    /// Workgroups each (head, token) spreads its keys over in attention (split-K, then a merge
    /// dispatch); 1 = one workgroup and no merge; 0 = choose by adapter (1 on CPU rasterizers,
    /// [`GPU_ATTENTION_SPLITS`] on GPUs, where few heads would otherwise leave the GPU idle).
    pub attention_splits: u32,
}

/// Attention splits chosen for GPU adapters when [`GpuModelOptions::attention_splits`] is 0.
pub const GPU_ATTENTION_SPLITS: u32 = 16;

impl Default for GpuModelOptions {
    fn default() -> Self {
        Self {
            max_context: 1024,
            prefill_chunk: 64,
            attention_splits: 0,
        }
    }
}

/// Activations, sized for `prefill_chunk` tokens.
struct Acts {
    x: wgpu::Buffer,
    h: wgpu::Buffer,
    /// Q and K projections of each token side by side (`[q | k]`).
    qk_raw: wgpu::Buffer,
    q: wgpu::Buffer,
    att: wgpu::Buffer,
    o: wgpu::Buffer,
    gate: wgpu::Buffer,
    up: wgpu::Buffer,
    act: wgpu::Buffer,
    last: wgpu::Buffer,
    /// Split-K attention scratch.
    part: wgpu::Buffer,
    logits: wgpu::Buffer,
}

struct LayerWeights {
    attn_norm: wgpu::Buffer,
    q_norm: wgpu::Buffer,
    k_norm: wgpu::Buffer,
    post_attn_norm: wgpu::Buffer,
    ffn_norm: wgpu::Buffer,
    post_ffn_norm: wgpu::Buffer,
    qk: Qk,
    wv: GpuWeights,
    wo: GpuWeights,
    ffn: Ffn,
    w_down: GpuWeights,
    k_cache: wgpu::Buffer,
    v_cache: wgpu::Buffer,
}

/// Gate and up projections: fused (interleaved rows, one GEGLU dispatch) when both have the
/// same type, else two mat-vecs and a GELU dispatch.
enum Ffn {
    Fused(GpuWeights),
    Split { gate: GpuWeights, up: GpuWeights },
}

/// Q and K projections: stacked into one matrix (one mat-vec) when both have the same type.
enum Qk {
    Stacked(GpuWeights),
    Split { q: GpuWeights, k: GpuWeights },
}

/// Compiled kernels shared by every dispatch.
struct Kernels {
    matvec: HashMap<(GgmlType, u32), Kernel>,
    geglu: HashMap<(GgmlType, u32), Kernel>,
    embed: Kernel,
    norm: RmsNorm,
    rope_qk: Kernel,
    attention: Kernel,
    /// The decode (one-token) attention: `attention` except on CPU adapters (a uniform q).
    attention_decode: Kernel,
    split_attention: attention::SplitAttention,
    gelu: Kernel,
    sampler: Sampler,
}

/// Gemma 3 on the GPU.
pub struct GpuModel {
    ctx: GpuContext,
    cfg: ModelConfig,
    opts: GpuModelOptions,
    step: wgpu::Buffer,
    tokens: wgpu::Buffer,
    acts: Acts,
    /// Dispatches of one decode step up to (not including) sampling.
    decode: Vec<Dispatch>,
    /// Dispatches of one prefill chunk (all layers, every token).
    prefill: Vec<Dispatch>,
    /// Output projection of the last prefill token (reads `acts.last`).
    prefill_head: Vec<Dispatch>,
    decode_sampler: BoundSampler,
    prefill_sampler: BoundSampler,
    kernels: Kernels,
    sampling: SampleParams,
    staging: Staging,
    /// Staging buffers for decoded token ids in flight ([`GpuModel::submit_decode`]).
    ring: Vec<Staging>,
    /// Ring slots submitted and not yet read, oldest first.
    in_flight: std::collections::VecDeque<(usize, wgpu::SubmissionIndex)>,
    next_slot: usize,
    n_past: u32,
    weight_bytes: u64,
}

/// Decoded tokens that may be in flight at once (see [`GpuModel::submit_decode`]).
pub const MAX_IN_FLIGHT: usize = 4;

/// A decoded token whose id is still on its way back from the GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingToken {
    slot: usize,
}

fn f32_bytes(n: u64) -> u64 {
    n * 4
}

impl GpuModel {
    /// Checks that the GPU runner implements this configuration (Gemma 3 style: QK-norm,
    /// post-norms, GELU(tanh), NEOX RoPE, no biases, no softcap).
    pub fn supports(cfg: &ModelConfig) -> Result<(), GpuModelError> {
        let mut missing = Vec::new();
        if !cfg.post_norms {
            missing.push("pre-norm-only layers");
        }
        if !cfg.qk_norm {
            missing.push("models without QK-norm");
        }
        if cfg.qkv_bias {
            missing.push("QKV biases");
        }
        if cfg.activation != Activation::GeluTanh {
            missing.push("activations other than GELU(tanh)");
        }
        if cfg.rope_style != RopeStyle::Neox || cfg.rope_dim != cfg.head_dim {
            missing.push("non-NEOX or partial RoPE");
        }
        if cfg.final_logit_softcap.is_some() {
            missing.push("final logit soft-capping");
        }
        if cfg.head_dim as u32 > attention::MAX_HEAD_DIM {
            missing.push("head_dim above 512");
        }
        if !cfg.head_dim.is_multiple_of(4) {
            missing.push("head_dim not a multiple of 4");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(GpuModelError::Unsupported(missing.join(", ")))
        }
    }

    /// Uploads the model's weights (still quantized) and records every dispatch.
    pub async fn load<S: Source + ?Sized>(
        ctx: GpuContext,
        f: &GgufFile,
        src: &S,
        opts: GpuModelOptions,
    ) -> Result<Self, GpuModelError> {
        let cfg = ModelConfig::from_gguf(f)?;
        Self::supports(&cfg)?;
        let attention_splits = match opts.attention_splits {
            0 if ctx.cpu_tuned() => 1,
            0 => GPU_ATTENTION_SPLITS,
            n => n.min(256),
        };
        let opts = GpuModelOptions {
            max_context: opts.max_context.min(cfg.context_length as u32).max(1),
            prefill_chunk: opts.prefill_chunk.clamp(1, 256),
            attention_splits,
        };
        let e = cfg.n_embd as u32;
        let hd = cfg.head_dim as u32;
        let q_dim = cfg.n_head as u32 * hd;
        let kv_dim = cfg.n_head_kv as u32 * hd;
        let n_ff = cfg.n_ff as u32;
        let n_vocab = cfg.n_vocab as u32;
        let p = opts.prefill_chunk;
        let mut weight_bytes = 0u64;

        let tensor = |name: &str| {
            f.tensor(name)
                .ok_or_else(|| ModelError::MissingTensor(name.to_string()))
        };
        let mut upload = |name: &str, rows: u32, cols: u32| -> Result<GpuWeights, GpuModelError> {
            let info = tensor(name)?;
            if info.dims.len() != 2
                || info.dims[0] != u64::from(cols)
                || info.dims[1] != u64::from(rows)
            {
                return Err(ModelError::Shape {
                    name: name.to_string(),
                    expected: vec![u64::from(cols), u64::from(rows)],
                    got: info.dims.clone(),
                }
                .into());
            }
            if !matvec::supports(info.ty) {
                return Err(GpuError::UnsupportedType(format!("{:?} ({name})", info.ty)).into());
            }
            let bytes = f.tensor_bytes(src, info)?;
            let w = GpuWeights::upload(&ctx, name, info.ty, rows, cols, &bytes)?;
            weight_bytes += w.byte_len();
            Ok(w)
        };
        let token_embd = upload("token_embd.weight", n_vocab, e)?;
        let output = match f.tensor("output.weight") {
            Some(_) => upload("output.weight", n_vocab, e)?,
            None => token_embd.clone(),
        };
        let vector = |name: &str, len: usize| -> Result<wgpu::Buffer, GpuModelError> {
            let info = tensor(name)?;
            if info.n_elements != len as u64 {
                return Err(ModelError::Shape {
                    name: name.to_string(),
                    expected: vec![len as u64],
                    got: info.dims.clone(),
                }
                .into());
            }
            let v = f.tensor_f32(src, name)?;
            Ok(buffers::storage_f32(&ctx, name, &v)?)
        };
        let output_norm = vector("output_norm.weight", cfg.n_embd)?;
        let mut fused_bytes = 0u64;
        let mut stacked_bytes = 0u64;
        let cache_bytes = f32_bytes(u64::from(opts.max_context) * u64::from(kv_dim));
        let mut layers = Vec::with_capacity(cfg.n_layer);
        for i in 0..cfg.n_layer {
            let n = |s: &str| format!("blk.{i}.{s}");
            layers.push(LayerWeights {
                attn_norm: vector(&n("attn_norm.weight"), cfg.n_embd)?,
                q_norm: vector(&n("attn_q_norm.weight"), cfg.head_dim)?,
                k_norm: vector(&n("attn_k_norm.weight"), cfg.head_dim)?,
                post_attn_norm: vector(&n("post_attention_norm.weight"), cfg.n_embd)?,
                ffn_norm: vector(&n("ffn_norm.weight"), cfg.n_embd)?,
                post_ffn_norm: vector(&n("post_ffw_norm.weight"), cfg.n_embd)?,
                qk: {
                    let (qi, ki) = (tensor(&n("attn_q.weight"))?, tensor(&n("attn_k.weight"))?);
                    let stackable = qi.ty == ki.ty
                        && qi.dims == [u64::from(e), u64::from(q_dim)]
                        && ki.dims == [u64::from(e), u64::from(kv_dim)];
                    if stackable && matvec::supports(qi.ty) {
                        let mut both = f.tensor_bytes(src, qi)?.into_owned();
                        both.extend_from_slice(&f.tensor_bytes(src, ki)?);
                        let w = GpuWeights::upload(
                            &ctx,
                            &n("attn_q+k"),
                            qi.ty,
                            q_dim + kv_dim,
                            e,
                            &both,
                        )?;
                        stacked_bytes += w.byte_len();
                        Qk::Stacked(w)
                    } else {
                        Qk::Split {
                            q: upload(&n("attn_q.weight"), q_dim, e)?,
                            k: upload(&n("attn_k.weight"), kv_dim, e)?,
                        }
                    }
                },
                wv: upload(&n("attn_v.weight"), kv_dim, e)?,
                wo: upload(&n("attn_output.weight"), e, q_dim)?,
                ffn: {
                    let (g, u) = (tensor(&n("ffn_gate.weight"))?, tensor(&n("ffn_up.weight"))?);
                    let dims = [u64::from(e), u64::from(n_ff)];
                    if g.ty == u.ty && g.dims == dims && u.dims == dims {
                        if !matvec::supports(g.ty) {
                            return Err(
                                GpuError::UnsupportedType(format!("{:?} (ffn)", g.ty)).into()
                            );
                        }
                        let gb = f.tensor_bytes(src, g)?;
                        let ub = f.tensor_bytes(src, u)?;
                        let w = GpuWeights::upload_interleaved(
                            &ctx,
                            &n("ffn_gate+up"),
                            g.ty,
                            n_ff,
                            e,
                            &gb,
                            &ub,
                            ctx.max_binding(),
                        )?;
                        fused_bytes += w.byte_len();
                        Ffn::Fused(w)
                    } else {
                        Ffn::Split {
                            gate: upload(&n("ffn_gate.weight"), n_ff, e)?,
                            up: upload(&n("ffn_up.weight"), n_ff, e)?,
                        }
                    }
                },
                w_down: upload(&n("ffn_down.weight"), e, n_ff)?,
                k_cache: buffers::storage_zeroed(&ctx, "k cache", cache_bytes)?,
                v_cache: buffers::storage_zeroed(&ctx, "v cache", cache_bytes)?,
            });
        }
        weight_bytes += fused_bytes + stacked_bytes;
        // The token embedding is read once per token as a lookup (one row); the output
        // projection reads it whole.
        weight_bytes -= token_embd.byte_len();
        weight_bytes += GpuWeights::row_bytes(token_embd.ty, e);
        if f.tensor("output.weight").is_none() {
            weight_bytes += output.byte_len();
        }

        let first_layer = layers
            .first()
            .ok_or_else(|| GpuModelError::Unsupported("a model without layers".into()))?;
        // Decode mat-vecs read x as the adapter prefers (see `XInput`); a uniform x binds the
        // first `x_floats` floats of its buffer, so every activation is at least that long.
        let x_input = matvec::XInput::for_adapter(&ctx, e.max(q_dim).max(n_ff));
        let x_floats = match x_input {
            matvec::XInput::Uniform { floats } => u64::from(floats),
            matvec::XInput::Storage => 0,
        };
        let pz = |n: u32| {
            let floats = (u64::from(n) * u64::from(p)).max(x_floats);
            buffers::storage_zeroed(&ctx, "activation", f32_bytes(floats))
        };
        let acts = Acts {
            x: pz(e)?,
            h: pz(e)?,
            qk_raw: pz(q_dim + kv_dim)?,
            q: pz(q_dim)?,
            att: pz(q_dim)?,
            o: pz(e)?,
            gate: pz(n_ff)?,
            up: pz(n_ff)?,
            act: pz(n_ff)?,
            last: buffers::storage_zeroed(&ctx, "last", f32_bytes(u64::from(e).max(x_floats)))?,
            part: buffers::storage_zeroed(
                &ctx,
                "attention scratch",
                f32_bytes(
                    u64::from(p)
                        * cfg.n_head as u64
                        * u64::from(opts.attention_splits)
                        * (u64::from(hd) + 2),
                ),
            )?,
            logits: buffers::storage_zeroed(&ctx, "logits", f32_bytes(u64::from(n_vocab)))?,
        };
        let step = buffers::uniform(&ctx, "step", &[0, 0, 0, 0]);
        let tokens = buffers::storage_zeroed(&ctx, "tokens", f32_bytes(u64::from(p)))?;

        let mut types: Vec<GgmlType> = vec![token_embd.ty, output.ty];
        let mut geglu_types: Vec<GgmlType> = Vec::new();
        for l in &layers {
            types.extend([l.wv.ty, l.wo.ty, l.w_down.ty]);
            match &l.qk {
                Qk::Stacked(w) => types.push(w.ty),
                Qk::Split { q, k } => types.extend([q.ty, k.ty]),
            }
            match &l.ffn {
                Ffn::Fused(w) => geglu_types.push(w.ty),
                Ffn::Split { gate, up } => types.extend([gate.ty, up.ty]),
            }
        }
        geglu_types.sort_by_key(|t| t.to_u32());
        geglu_types.dedup();
        let mut gg = HashMap::new();
        for ty in geglu_types {
            gg.insert(
                (ty, 1),
                matvec::decode_kernel(&ctx, ty, true, x_input).await?,
            );
            gg.insert(
                (ty, PREFILL_COLS),
                matvec::geglu_kernel(&ctx, ty, PREFILL_COLS).await?,
            );
        }
        types.sort_by_key(|t| t.to_u32());
        types.dedup();
        let mut mv = HashMap::new();
        for ty in types {
            mv.insert(
                (ty, 1),
                matvec::decode_kernel(&ctx, ty, false, x_input).await?,
            );
            mv.insert(
                (ty, PREFILL_COLS),
                matvec::kernel(&ctx, ty, PREFILL_COLS).await?,
            );
        }
        let cpu_heads = attention::cpu_heads_per_wg((cfg.n_head / cfg.n_head_kv) as u32);
        // CPU adapters: query heads in pairs over one load of the cache (attention 2-3x faster on
        // lavapipe than one head of 256 threads a workgroup), and for decode q as a uniform.
        let (attention_kernel, attention_decode) = if ctx.cpu_tuned() {
            let q_floats = (cfg.n_head * cfg.head_dim) as u32;
            (
                attention::cpu_kernel(&ctx, cpu_heads).await?,
                attention::cpu_decode_kernel(&ctx, cpu_heads, q_floats).await?,
            )
        } else {
            let k = attention::kernel(&ctx).await?;
            (k.clone(), k)
        };
        let kernels = Kernels {
            matvec: mv,
            geglu: gg,
            embed: matvec::embed_kernel(&ctx, token_embd.ty).await?,
            norm: RmsNorm::new(&ctx).await?,
            rope_qk: rope::qk_kernel(&ctx).await?,
            attention: attention_kernel,
            attention_decode,
            split_attention: attention::SplitAttention::new(&ctx).await?,
            gelu: gelu::kernel(&ctx).await?,
            sampler: Sampler::new(&ctx).await?,
        };

        let record = |max_tok: u32, ncols: u32| -> Result<Vec<Dispatch>, GpuModelError> {
            let k = &kernels;
            let a = &acts;
            let eps = cfg.rms_eps;
            let mut d = Vec::new();
            let mv = |w: &GpuWeights,
                      x: &wgpu::Buffer,
                      y: &wgpu::Buffer,
                      layout: MatVecLayout|
             -> Result<Vec<Dispatch>, GpuModelError> {
                let kern = k
                    .matvec
                    .get(&(w.ty, ncols))
                    .ok_or_else(|| GpuError::UnsupportedType(format!("{:?}", w.ty)))?;
                Ok(matvec::bind(&ctx, kern, w, &step, x, y, layout)?)
            };
            let lay = |cols: u32, rows: u32| MatVecLayout {
                n_tok: 0,
                ncols,
                max_tok,
                x_stride: cols,
                y_stride: rows,
                y_offset: 0,
                y_pos_stride: 0,
                accumulate: false,
            };
            let norm_shape = |n: u32, rows_per_tok: u32| NormShape {
                n,
                rows_per_tok,
                n_tok: 0,
                max_tok,
                eps,
            };
            let embed_scale = cfg.embed_scale.unwrap_or(1.0);
            d.extend(matvec::bind_embed(
                &ctx,
                &k.embed,
                &token_embd,
                &step,
                &tokens,
                &a.x,
                0,
                max_tok,
                embed_scale,
            )?);
            d.push(k.norm.bind_norm(
                &ctx,
                norm_shape(e, 1),
                &step,
                &a.x,
                &first_layer.attn_norm,
                &a.h,
            )?);
            for (il, l) in layers.iter().enumerate() {
                let qk_row = MatVecLayout {
                    y_stride: q_dim + kv_dim,
                    ..lay(e, q_dim + kv_dim)
                };
                match &l.qk {
                    Qk::Stacked(w) => d.extend(mv(w, &a.h, &a.qk_raw, qk_row)?),
                    Qk::Split { q, k } => {
                        d.extend(mv(q, &a.h, &a.qk_raw, qk_row)?);
                        d.extend(mv(
                            k,
                            &a.h,
                            &a.qk_raw,
                            MatVecLayout {
                                y_offset: q_dim,
                                ..qk_row
                            },
                        )?);
                    }
                }
                // V goes straight into the cache at the step's positions.
                d.extend(mv(
                    &l.wv,
                    &a.h,
                    &l.v_cache,
                    MatVecLayout {
                        y_pos_stride: kv_dim,
                        ..lay(e, kv_dim)
                    },
                )?);
                let (base, fscale) = cfg.rope_for_layer(il);
                d.push(rope::bind_qk(
                    &ctx,
                    &k.rope_qk,
                    QkRopeShape {
                        head_dim: hd,
                        n_q_heads: cfg.n_head as u32,
                        n_k_heads: cfg.n_head_kv as u32,
                        eps,
                        n_tok: 0,
                        max_tok,
                        theta_base: base,
                        freq_scale: fscale,
                        q_scale: cfg.attention_scale,
                    },
                    &step,
                    &l.q_norm,
                    &l.k_norm,
                    &a.qk_raw,
                    &a.q,
                    &l.k_cache,
                )?);
                let window = match cfg.sliding_window {
                    Some(w) if cfg.is_sliding(il) => w as u32,
                    _ => 0,
                };
                let shape = AttentionShape {
                    head_dim: hd,
                    n_head: cfg.n_head as u32,
                    n_kv_head: cfg.n_head_kv as u32,
                    window,
                    n_tok: 0,
                    max_tok,
                };
                if opts.attention_splits > 1 {
                    d.extend(k.split_attention.bind(
                        &ctx,
                        shape,
                        opts.attention_splits,
                        &step,
                        &a.q,
                        &l.k_cache,
                        &l.v_cache,
                        &a.part,
                        &a.att,
                    )?);
                } else {
                    d.push(attention::bind(
                        &ctx,
                        if ncols == 1 && max_tok == 1 {
                            &k.attention_decode
                        } else {
                            &k.attention
                        },
                        shape,
                        &step,
                        &a.q,
                        &l.k_cache,
                        &l.v_cache,
                        &a.att,
                    )?);
                }
                d.extend(mv(&l.wo, &a.att, &a.o, lay(q_dim, e))?);
                d.push(k.norm.bind_add_norm(
                    &ctx,
                    norm_shape(e, 1),
                    &step,
                    &a.o,
                    &l.post_attn_norm,
                    &l.ffn_norm,
                    &a.x,
                    &a.h,
                )?);
                match &l.ffn {
                    Ffn::Fused(w) => {
                        let kern = k
                            .geglu
                            .get(&(w.ty, ncols))
                            .ok_or_else(|| GpuError::UnsupportedType(format!("{:?}", w.ty)))?;
                        d.extend(matvec::bind(
                            &ctx,
                            kern,
                            w,
                            &step,
                            &a.h,
                            &a.act,
                            lay(e, n_ff),
                        )?);
                    }
                    Ffn::Split { gate, up } => {
                        d.extend(mv(gate, &a.h, &a.gate, lay(e, n_ff))?);
                        d.extend(mv(up, &a.h, &a.up, lay(e, n_ff))?);
                        d.push(gelu::bind(
                            &ctx, &k.gelu, n_ff, 0, max_tok, &step, &a.gate, &a.up, &a.act,
                        )?);
                    }
                }
                d.extend(mv(&l.w_down, &a.act, &a.o, lay(n_ff, e))?);
                let next_norm = layers.get(il + 1).map_or(&output_norm, |n| &n.attn_norm);
                d.push(k.norm.bind_add_norm(
                    &ctx,
                    norm_shape(e, 1),
                    &step,
                    &a.o,
                    &l.post_ffn_norm,
                    next_norm,
                    &a.x,
                    &a.h,
                )?);
            }
            Ok(d)
        };
        let mut decode = record(1, 1)?;
        let prefill = record(p, PREFILL_COLS)?;
        let head_kernel = kernels
            .matvec
            .get(&(output.ty, 1))
            .ok_or_else(|| GpuError::UnsupportedType(format!("{:?}", output.ty)))?;
        decode.extend(matvec::bind(
            &ctx,
            head_kernel,
            &output,
            &step,
            &acts.h,
            &acts.logits,
            MatVecLayout::single(e, n_vocab),
        )?);
        let prefill_head = matvec::bind(
            &ctx,
            head_kernel,
            &output,
            &step,
            &acts.last,
            &acts.logits,
            MatVecLayout::single(e, n_vocab),
        )?;
        let sampling = SampleParams::GREEDY;
        let decode_sampler =
            kernels
                .sampler
                .bind(&ctx, sampling, n_vocab, 0, &step, &acts.logits, &tokens)?;
        let prefill_sampler = decode_sampler.clone();
        let staging = Staging::new(&ctx, 4);
        let ring = (0..MAX_IN_FLIGHT).map(|_| Staging::new(&ctx, 4)).collect();
        ctx.check()?;
        Ok(Self {
            ctx,
            cfg,
            opts,
            step,
            tokens,
            acts,
            decode,
            prefill,
            prefill_head,
            decode_sampler,
            prefill_sampler,
            kernels,
            sampling,
            staging,
            ring,
            in_flight: std::collections::VecDeque::new(),
            next_slot: 0,
            n_past: 0,
            weight_bytes,
        })
    }

    /// The model configuration.
    pub fn config(&self) -> &ModelConfig {
        &self.cfg
    }

    /// The GPU context.
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Positions in the KV cache.
    pub fn n_past(&self) -> u32 {
        self.n_past
    }

    /// Forgets the KV cache (the buffers are reused) and any unread decode steps.
    pub fn reset(&mut self) {
        self.n_past = 0;
        self.in_flight.clear();
    }

    /// Weight bytes one decoded token reads (every matrix once, one embedding row).
    pub fn weight_bytes_per_token(&self) -> u64 {
        self.weight_bytes
    }

    /// The dispatches of one decode step before sampling, in order (for profiles: see the
    /// `gpu_profile` bench).
    pub fn decode_dispatches(&self) -> &[Dispatch] {
        &self.decode
    }

    /// The two dispatches that sample a decoded token on the GPU (for profiles).
    pub fn sampling_dispatches(&self) -> [&Dispatch; 2] {
        [&self.decode_sampler.partial, &self.decode_sampler.finalize]
    }

    /// Compute dispatches per decoded token, sampling included.
    pub fn dispatches_per_token(&self) -> usize {
        self.decode.len() + 2
    }

    /// Sets how tokens are picked from now on.
    pub fn set_sampling(&mut self, params: SampleParams) -> Result<(), GpuModelError> {
        if params == self.sampling {
            return Ok(());
        }
        let n_vocab = self.cfg.n_vocab as u32;
        let s = self.kernels.sampler.bind(
            &self.ctx,
            params,
            n_vocab,
            0,
            &self.step,
            &self.acts.logits,
            &self.tokens,
        )?;
        self.decode_sampler = s.clone();
        self.prefill_sampler = s;
        self.sampling = params;
        Ok(())
    }

    fn write_step(&self, pos0: u32, n_tok: u32, rand: f32) {
        let step = Step {
            pos0,
            n_tok,
            rand,
            flags: 0,
        };
        self.ctx.queue.write_buffer(&self.step, 0, &step.bytes());
    }

    fn check_room(&self, n: u32) -> Result<(), GpuModelError> {
        if self.n_past + n > self.opts.max_context {
            return Err(ModelError::ContextFull(self.opts.max_context as usize).into());
        }
        Ok(())
    }

    /// Runs `tokens` through the model (in prefill chunks); the logits of the last token are
    /// left on the GPU and the sampled next token id in the token buffer. `rand` in [0, 1) is
    /// the sampler's random number.
    async fn run_prompt(
        &mut self,
        tokens: &[u32],
        rand: f32,
        sample: bool,
    ) -> Result<(), GpuModelError> {
        if tokens.is_empty() {
            return Err(GpuError::Shape("empty prompt".into()).into());
        }
        if let Some(&t) = tokens.iter().find(|&&t| t as usize >= self.cfg.n_vocab) {
            return Err(ModelError::TokenOutOfRange {
                token: t,
                n_vocab: self.cfg.n_vocab,
            }
            .into());
        }
        self.check_room(tokens.len() as u32)?;
        let chunk = self.opts.prefill_chunk as usize;
        let n_chunks = tokens.len().div_ceil(chunk);
        for (ci, part) in tokens.chunks(chunk).enumerate() {
            let n = part.len() as u32;
            self.ctx
                .queue
                .write_buffer(&self.tokens, 0, bytemuck::cast_slice(part));
            self.write_step(self.n_past, n, rand);
            let mut enc = self
                .ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("prefill"),
                });
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("prefill"),
                    timestamp_writes: None,
                });
                for d in &self.prefill {
                    d.encode_tokens(&mut pass, n);
                }
            }
            let last = ci + 1 == n_chunks;
            if last {
                let row = f32_bytes(u64::from(self.cfg.n_embd as u32));
                enc.copy_buffer_to_buffer(
                    &self.acts.h,
                    row * u64::from(n - 1),
                    &self.acts.last,
                    0,
                    row,
                );
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("prefill head"),
                    timestamp_writes: None,
                });
                for d in &self.prefill_head {
                    d.encode(&mut pass);
                }
                if sample {
                    self.prefill_sampler.partial.encode(&mut pass);
                    self.prefill_sampler.finalize.encode(&mut pass);
                }
            }
            self.ctx.submit([enc.finish()])?;
            self.n_past += n;
        }
        Ok(())
    }

    async fn read_token(&self, enc: wgpu::CommandEncoder) -> Result<u32, GpuModelError> {
        let mut enc = enc;
        enc.copy_buffer_to_buffer(&self.tokens, 0, self.staging.buffer(), 0, 4);
        self.ctx.submit([enc.finish()])?;
        let b = self.staging.read(&self.ctx, 4).await?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Runs the prompt and returns the sampled next token.
    pub async fn prefill(&mut self, tokens: &[u32], rand: f32) -> Result<u32, GpuModelError> {
        self.run_prompt(tokens, rand, true).await?;
        let enc = self
            .ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("read"),
            });
        self.read_token(enc).await
    }

    /// Runs the prompt and reads back all logits after its last token.
    pub async fn prefill_logits(&mut self, tokens: &[u32]) -> Result<Vec<f32>, GpuModelError> {
        self.run_prompt(tokens, 0.0, false).await?;
        Ok(read_f32(&self.ctx, &self.acts.logits, 0, self.cfg.n_vocab).await?)
    }

    /// Records one decode step (feeding `token`, or the last sampled one) into an encoder.
    fn encode_decode(
        &mut self,
        token: Option<u32>,
        rand: f32,
        sample: bool,
    ) -> Result<wgpu::CommandEncoder, GpuModelError> {
        self.check_room(1)?;
        if let Some(t) = token {
            if t as usize >= self.cfg.n_vocab {
                return Err(ModelError::TokenOutOfRange {
                    token: t,
                    n_vocab: self.cfg.n_vocab,
                }
                .into());
            }
            self.ctx
                .queue
                .write_buffer(&self.tokens, 0, &t.to_le_bytes());
        }
        self.write_step(self.n_past, 1, rand);
        let mut enc = self
            .ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("decode"),
            });
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("decode"),
                timestamp_writes: None,
            });
            for d in &self.decode {
                d.encode(&mut pass);
            }
            if sample {
                self.decode_sampler.partial.encode(&mut pass);
                self.decode_sampler.finalize.encode(&mut pass);
            }
        }
        self.n_past += 1;
        Ok(enc)
    }

    /// Decodes one token: feeds `token` (or, with `None`, the token the GPU sampled last),
    /// runs every layer, samples on the GPU and returns the new token id. One submission.
    pub async fn decode(&mut self, token: Option<u32>, rand: f32) -> Result<u32, GpuModelError> {
        let enc = self.encode_decode(token, rand, true)?;
        self.read_token(enc).await
    }

    /// Submits one decode step without waiting for its result: the GPU feeds its own sampled
    /// token to the next step, so a caller can keep up to [`MAX_IN_FLIGHT`] steps queued and read
    /// the ids (oldest first, with [`GpuModel::read_pending`]) while later steps run. This hides
    /// the readback latency (large with WebGPU's `mapAsync`) behind GPU work.
    pub fn submit_decode(
        &mut self,
        token: Option<u32>,
        rand: f32,
    ) -> Result<PendingToken, GpuModelError> {
        if self.in_flight.len() >= MAX_IN_FLIGHT {
            return Err(GpuError::Shape(format!(
                "{MAX_IN_FLIGHT} decode steps already in flight; read one first"
            ))
            .into());
        }
        let mut enc = self.encode_decode(token, rand, true)?;
        let slot = self.next_slot;
        self.next_slot = (slot + 1) % MAX_IN_FLIGHT;
        let staging = self
            .ring
            .get(slot)
            .ok_or_else(|| GpuError::Shape("token ring slot".into()))?;
        enc.copy_buffer_to_buffer(&self.tokens, 0, staging.buffer(), 0, 4);
        let index = self.ctx.submit([enc.finish()])?;
        self.in_flight.push_back((slot, index));
        Ok(PendingToken { slot })
    }

    /// Reads the id of a step from [`GpuModel::submit_decode`]; steps must be read oldest first.
    pub async fn read_pending(&mut self, pending: PendingToken) -> Result<u32, GpuModelError> {
        let index = match self.in_flight.front() {
            Some((slot, index)) if *slot == pending.slot => index.clone(),
            _ => {
                return Err(GpuError::Shape("decode steps must be read oldest first".into()).into())
            }
        };
        self.in_flight.pop_front();
        let staging = self
            .ring
            .get(pending.slot)
            .ok_or_else(|| GpuError::Shape("token ring slot".into()))?;
        let b = staging.read_after(&self.ctx, 4, Some(index)).await?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Steps submitted and not yet read.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Appends `tokens` and reads back all logits after the last one (a single token takes the
    /// decode path). For callers that sample on the host.
    pub async fn forward_logits(&mut self, tokens: &[u32]) -> Result<Vec<f32>, GpuModelError> {
        if let [t] = tokens {
            let enc = self.encode_decode(Some(*t), 0.0, false)?;
            self.ctx.submit([enc.finish()])?;
            self.logits().await
        } else {
            self.prefill_logits(tokens).await
        }
    }

    /// Reads the logits left by the last prefill or decode (for tests and debugging).
    pub async fn logits(&self) -> Result<Vec<f32>, GpuModelError> {
        Ok(read_f32(&self.ctx, &self.acts.logits, 0, self.cfg.n_vocab).await?)
    }
}

/// Creates a context on the best adapter and loads the model (native callers without an
/// executor, such as the CLI).
#[cfg(not(target_arch = "wasm32"))]
pub fn open_blocking<S: Source + ?Sized>(
    f: &GgufFile,
    src: &S,
    opts: GpuModelOptions,
) -> Result<GpuModel, GpuModelError> {
    pollster::block_on(async {
        let ctx = GpuContext::new().await?;
        GpuModel::load(ctx, f, src, opts).await
    })
}

#[cfg(not(target_arch = "wasm32"))]
impl crate::generate::Backend for GpuModel {
    fn name(&self) -> &str {
        "gpu"
    }

    fn adapter(&self) -> String {
        let a = self.ctx.adapter();
        format!("{} ({})", a.name, a.backend)
    }

    fn reset(&mut self) {
        GpuModel::reset(self);
    }

    fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, crate::generate::EngineError> {
        pollster::block_on(self.forward_logits(tokens)).map_err(|e| match e {
            GpuModelError::Model(m) => crate::generate::EngineError::Model(m),
            other => crate::generate::EngineError::Backend(other.to_string()),
        })
    }
}
