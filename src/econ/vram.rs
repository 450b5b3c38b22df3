//! Memory a model needs: weights at a quantization + KV cache + overhead, and whether that fits
//! a setup (fits in GPU memory / needs offload to system RAM / won't run).
//!
//! ```text
//! weights_gb = params_total_b × bits_per_weight / 8
//! kv_bytes   = 2 × kv_heads × head_dim × bytes_per_element
//!              × (global_layers × context + sliding_layers × min(context, window)) × sequences
//! kv_bytes   = layers × (kv_lora_rank + qk_rope_head_dim) × context × bytes_per_element × sequences   (MLA)
//! total_gb   = weights_gb + kv_gb + fixed_gb_per_device + fraction × (weights_gb + kv_gb)
//! ```
//!
//! Architecture numbers come from the dataset's [`Architecture`]; when one is missing the
//! estimate is a typed [`VramError::KvFieldUnknown`], never a guess.

use crate::data::{Architecture, Hardware, Model, Sourced};

use super::{non_negative, positive, positive_fraction, EconError, BYTES_PER_GB};

/// A weight format of a GGUF file, by llama.cpp's name.
///
/// Bits per weight are *effective* values: the file size of a whole model divided by its
/// parameter count, so they include the block scales and the `_M` mixes' higher-precision
/// tensors (attention V, part of the FFN down projections, the output matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quant {
    /// 32-bit float.
    F32,
    /// 16-bit float.
    F16,
    /// bfloat16.
    BF16,
    /// 8-bit blocks of 32 weights with an f16 scale.
    Q8_0,
    /// 6-bit k-quant.
    Q6K,
    /// 5-bit k-quant, medium mix.
    Q5KM,
    /// 4-bit k-quant, medium mix.
    Q4KM,
    /// 3-bit k-quant, medium mix.
    Q3KM,
    /// 2-bit k-quant.
    Q2K,
}

impl Quant {
    /// Every quantization, from the largest to the smallest.
    pub const ALL: [Quant; 9] = [
        Quant::F32,
        Quant::F16,
        Quant::BF16,
        Quant::Q8_0,
        Quant::Q6K,
        Quant::Q5KM,
        Quant::Q4KM,
        Quant::Q3KM,
        Quant::Q2K,
    ];

    /// Effective bits per weight.
    ///
    /// Sources (read 2026-11-24):
    /// - Q2_K 3.1593, Q4_K_M 4.8944, Q5_K_M 5.7036, Q6_K 6.5633: the "bits/weight" column of the
    ///   meta-llama/Llama-3.1-8B table in ggml-org/llama.cpp `tools/quantize/README.md` (that
    ///   table also lists Q8_0 8.5008 and F16 16.0005; the excess over 8.5 and 16 is a few f32
    ///   norm vectors, so the nominal 8.5 = 34 bytes per 32 weights and 16 are used here).
    /// - Q3_K_M 4.00: that README's 3.1 table has no Q3_K_M row; ggml-org/llama.cpp
    ///   `tools/quantize/quantize.cpp` (`QUANT_OPTIONS`) gives "3.74G @ Llama-3-8B", and
    ///   3.74 GiB × 2^30 × 8 bits / 8.03e9 parameters = 4.00 bits per weight. (The README's older
    ///   Llama-2-7B table lists 3.91: Llama 3's larger vocabulary puts more weights into the
    ///   output matrix, which the mix keeps at a higher precision.)
    /// - F32 32, F16 16, BF16 16: the element sizes.
    ///
    /// Effective bpw shifts a little from model to model (vocabulary size, tensor shapes), so
    /// these are 8B-Llama values used as estimates for every model.
    pub fn bits_per_weight(self) -> f64 {
        match self {
            Quant::F32 => 32.0,
            Quant::F16 | Quant::BF16 => 16.0,
            Quant::Q8_0 => 8.5,
            Quant::Q6K => 6.5633,
            Quant::Q5KM => 5.7036,
            Quant::Q4KM => 4.8944,
            Quant::Q3KM => 4.00,
            Quant::Q2K => 3.1593,
        }
    }

    /// llama.cpp's name, e.g. "Q4_K_M".
    pub fn label(self) -> &'static str {
        match self {
            Quant::F32 => "F32",
            Quant::F16 => "F16",
            Quant::BF16 => "BF16",
            Quant::Q8_0 => "Q8_0",
            Quant::Q6K => "Q6_K",
            Quant::Q5KM => "Q5_K_M",
            Quant::Q4KM => "Q4_K_M",
            Quant::Q3KM => "Q3_K_M",
            Quant::Q2K => "Q2_K",
        }
    }

    /// The quantization named `label` (case-insensitive), e.g. from a URL query.
    pub fn from_label(label: &str) -> Option<Quant> {
        Quant::ALL
            .into_iter()
            .find(|q| q.label().eq_ignore_ascii_case(label))
    }
}

/// The element type of the KV cache (llama.cpp `--cache-type-k` / `--cache-type-v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KvCacheType {
    /// 2 bytes per element (the default).
    F16,
    /// 34 bytes per block of 32 elements.
    Q8_0,
    /// 18 bytes per block of 32 elements.
    Q4_0,
}

impl KvCacheType {
    /// Every cache type, largest first.
    pub const ALL: [KvCacheType; 3] = [KvCacheType::F16, KvCacheType::Q8_0, KvCacheType::Q4_0];

    /// Bytes per cached element: f16 = 2, q8_0 = 34 / 32 = 1.0625, q4_0 = 18 / 32 = 0.5625 (ggml
    /// block sizes: an f16 scale plus 32 int8 or 32 packed 4-bit values).
    pub fn bytes_per_element(self) -> f64 {
        match self {
            KvCacheType::F16 => 2.0,
            KvCacheType::Q8_0 => 34.0 / 32.0,
            KvCacheType::Q4_0 => 18.0 / 32.0,
        }
    }

    /// llama.cpp's name, e.g. "q8_0".
    pub fn label(self) -> &'static str {
        match self {
            KvCacheType::F16 => "f16",
            KvCacheType::Q8_0 => "q8_0",
            KvCacheType::Q4_0 => "q4_0",
        }
    }

    /// The cache type named `label` (case-insensitive).
    pub fn from_label(label: &str) -> Option<KvCacheType> {
        KvCacheType::ALL
            .into_iter()
            .find(|k| k.label().eq_ignore_ascii_case(label))
    }
}

/// Why a memory estimate cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VramError {
    /// The model's total parameter count is not published (closed models).
    #[error("cannot estimate weights: total parameter count unknown")]
    ParamsUnknown,
    /// The model's active parameter count is not published, so decode speed is unknown.
    #[error("cannot estimate decode speed: active parameter count unknown")]
    ActiveParamsUnknown,
    /// An architecture number the KV cache formula needs is not in the data.
    #[error("cannot estimate KV cache: {field} unknown")]
    KvFieldUnknown {
        /// The missing field of [`Architecture`], e.g. "kv_heads".
        field: &'static str,
    },
    /// An input is out of range.
    #[error(transparent)]
    Invalid(#[from] EconError),
}

/// Sliding-window (local) attention on some layers: their cache holds at most `window` tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlidingWindow {
    /// The window in tokens.
    pub window: u32,
    /// How many layers use it (the others attend to the whole context).
    pub layers: u32,
    /// KV heads and head size of the global layers where they differ from the sliding layers'
    /// (Gemma 4); `None`: the same as the sliding layers'.
    pub global_heads: Option<KvHeads>,
}

/// Key/value heads of a group of layers and the size of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvHeads {
    /// Key/value heads.
    pub heads: u32,
    /// Dimension of one head.
    pub dim: u32,
}

/// Layers that cache the sequence compressed: one entry per `ratio` tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompressedLayers {
    pub layers: u32,
    pub ratio: u32,
}

/// The shape of a model's KV cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvLayout {
    /// Multi-head or grouped-query attention: a key and a value vector per KV head, per layer
    /// and token.
    Standard {
        /// Transformer blocks that hold a KV cache (all of them, but for layers that reuse an
        /// earlier layer's cache, `kv_shared_layers`, and in hybrid models all but the
        /// `attention_layers`).
        layers: u32,
        /// Key/value heads (`num_key_value_heads`, not the query heads).
        kv_heads: u32,
        /// Dimension of one head (from the config, not hidden / heads).
        head_dim: u32,
        /// Sliding-window layers, if any.
        sliding_window: Option<SlidingWindow>,
    },
    /// DeepSeek-V4: one shared key-value entry of `width` (KV heads × head size) per cached
    /// position. Every layer keeps the last `window` tokens; the compressed layers also keep one
    /// entry per `ratio` tokens of the whole sequence (CSA 4, HCA 128; a group of 0 layers is
    /// absent).
    Compressed {
        /// Transformer blocks, each with its sliding window.
        layers: u32,
        /// Elements per cached entry.
        width: u32,
        /// The sliding window in tokens.
        window: u32,
        groups: [CompressedLayers; 2],
    },
    /// DeepSeek multi-head latent attention: one compressed latent plus a RoPE key per layer and
    /// token.
    Mla {
        /// Transformer blocks.
        layers: u32,
        /// Size of the compressed KV latent.
        kv_lora_rank: u32,
        /// Size of the decoupled RoPE key.
        qk_rope_head_dim: u32,
    },
}

fn required(field: &'static str, value: &Option<Sourced<u32>>) -> Result<u32, VramError> {
    let value = value
        .as_ref()
        .ok_or(VramError::KvFieldUnknown { field })?
        .value;
    if value == 0 {
        return Err(EconError::Invalid {
            field,
            value: 0.0,
            expected: "> 0",
        }
        .into());
    }
    Ok(value)
}

impl KvLayout {
    /// The KV layout of a dataset architecture. MLA when `kv_lora_rank` or `qk_rope_head_dim` is
    /// present; otherwise standard attention, with sliding-window layers when both
    /// `sliding_window` and `sliding_window_layers` are present.
    ///
    /// ```
    /// use llm_atlas::data::Architecture;
    /// use llm_atlas::econ::{KvLayout, VramError};
    /// let err = KvLayout::from_architecture(&Architecture::default()).unwrap_err();
    /// assert_eq!(err, VramError::KvFieldUnknown { field: "layers" });
    /// assert_eq!(err.to_string(), "cannot estimate KV cache: layers unknown");
    /// ```
    pub fn from_architecture(arch: &Architecture) -> Result<KvLayout, VramError> {
        let layers = required("layers", &arch.layers)?;
        // In a hybrid model only the attention layers cache keys and values; the others keep a
        // fixed-size state (linear attention, Mamba) or none (MoE-only blocks).
        let layers = match arch.attention_layers {
            None => layers,
            Some(_) => {
                let attention = required("attention_layers", &arch.attention_layers)?;
                if attention > layers {
                    return Err(EconError::Invalid {
                        field: "attention_layers",
                        value: f64::from(attention),
                        expected: "at most the number of layers",
                    }
                    .into());
                }
                attention
            }
        };
        if arch.kv_lora_rank.is_some() || arch.qk_rope_head_dim.is_some() {
            // The RoPE part may be absent (0: GLM-5.3-Flash caches the latent alone), the latent
            // may not.
            let qk_rope_head_dim = arch
                .qk_rope_head_dim
                .as_ref()
                .ok_or(VramError::KvFieldUnknown {
                    field: "qk_rope_head_dim",
                })?
                .value;
            return Ok(KvLayout::Mla {
                layers,
                kv_lora_rank: required("kv_lora_rank", &arch.kv_lora_rank)?,
                qk_rope_head_dim,
            });
        }
        let kv_heads = required("kv_heads", &arch.kv_heads)?;
        let head_dim = required("head_dim", &arch.head_dim)?;
        // A compressed group's two numbers come together: both, or neither.
        let group = |layers_field: &'static str,
                     layers: &Option<Sourced<u32>>,
                     ratio_field: &'static str,
                     ratio: &Option<Sourced<u32>>|
         -> Result<Option<CompressedLayers>, VramError> {
            if layers.is_none() && ratio.is_none() {
                return Ok(None);
            }
            Ok(Some(CompressedLayers {
                layers: required(layers_field, layers)?,
                ratio: required(ratio_field, ratio)?,
            }))
        };
        let csa = group(
            "compressed_layers",
            &arch.compressed_layers,
            "compress_ratio",
            &arch.compress_ratio,
        )?;
        let hca = group(
            "heavily_compressed_layers",
            &arch.heavily_compressed_layers,
            "heavy_compress_ratio",
            &arch.heavy_compress_ratio,
        )?;
        if csa.is_some() || hca.is_some() {
            // The first group makes the layout; the heavily compressed one may be absent.
            let groups = [
                csa.ok_or(VramError::KvFieldUnknown {
                    field: "compressed_layers",
                })?,
                hca.unwrap_or(CompressedLayers {
                    layers: 0,
                    ratio: 1,
                }),
            ];
            let total = groups[0].layers + groups[1].layers;
            if total > layers {
                return Err(EconError::Invalid {
                    field: "compressed_layers",
                    value: f64::from(total),
                    expected: "at most the number of layers, with heavily_compressed_layers",
                }
                .into());
            }
            return Ok(KvLayout::Compressed {
                layers,
                width: kv_heads * head_dim,
                window: required("sliding_window", &arch.sliding_window)?,
                groups,
            });
        }
        let sliding_window = match (&arch.sliding_window, &arch.sliding_window_layers) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(VramError::KvFieldUnknown {
                    field: "sliding_window_layers",
                })
            }
            (None, Some(_)) => {
                return Err(VramError::KvFieldUnknown {
                    field: "sliding_window",
                })
            }
            (Some(w), Some(n)) => {
                if n.value > layers {
                    return Err(EconError::Invalid {
                        field: "sliding_window_layers",
                        value: f64::from(n.value),
                        expected: "at most the number of layers",
                    }
                    .into());
                }
                let global_heads = match (&arch.global_kv_heads, &arch.global_head_dim) {
                    (None, None) => None,
                    (heads, dim) => Some(KvHeads {
                        heads: required("global_kv_heads", heads)?,
                        dim: required("global_head_dim", dim)?,
                    }),
                };
                Some(SlidingWindow {
                    window: required("sliding_window", &Some(w.clone()))?,
                    layers: n.value,
                    global_heads,
                })
            }
        };
        if sliding_window.is_none()
            && (arch.global_kv_heads.is_some() || arch.global_head_dim.is_some())
        {
            // Global-layer heads only qualify a model with sliding-window layers.
            return Err(VramError::KvFieldUnknown {
                field: "sliding_window",
            });
        }
        // Layers that reuse an earlier layer's cache hold none: count only the first
        // `layers - kv_shared_layers`, of which every `period`-th attends globally.
        let (layers, sliding_window) = match (&arch.kv_shared_layers, &arch.sliding_window_period) {
            (None, None) => (layers, sliding_window),
            (shared, period) => {
                let shared = required("kv_shared_layers", shared)?;
                let period = required("sliding_window_period", period)?;
                let Some(sw) = sliding_window else {
                    return Err(VramError::KvFieldUnknown {
                        field: "sliding_window",
                    });
                };
                if shared >= layers {
                    return Err(EconError::Invalid {
                        field: "kv_shared_layers",
                        value: f64::from(shared),
                        expected: "fewer than the number of layers",
                    }
                    .into());
                }
                let caching = layers - shared;
                let global = caching / period;
                (
                    caching,
                    Some(SlidingWindow {
                        layers: caching - global,
                        ..sw
                    }),
                )
            }
        };
        Ok(KvLayout::Standard {
            layers,
            kv_heads,
            head_dim,
            sliding_window,
        })
    }

    /// Bytes of KV cache for one sequence of `context_tokens` tokens.
    pub fn bytes(&self, context_tokens: u64, cache: KvCacheType) -> f64 {
        let ctx = context_tokens as f64;
        let b = cache.bytes_per_element();
        match *self {
            KvLayout::Standard {
                layers,
                kv_heads,
                head_dim,
                sliding_window,
            } => {
                // K and V, per layer and cached token (llama.cpp stores both even where a
                // model's values are its keys, as Gemma 4's global layers are).
                let per_token = |h: KvHeads| 2.0 * f64::from(h.heads) * f64::from(h.dim) * b;
                let local = KvHeads {
                    heads: kv_heads,
                    dim: head_dim,
                };
                match sliding_window {
                    None => per_token(local) * f64::from(layers) * ctx,
                    Some(sw) => {
                        let global = sw.global_heads.unwrap_or(local);
                        per_token(global) * f64::from(layers.saturating_sub(sw.layers)) * ctx
                            + per_token(local)
                                * f64::from(sw.layers)
                                * ctx.min(f64::from(sw.window))
                    }
                }
            }
            KvLayout::Compressed {
                layers,
                width,
                window,
                groups,
            } => {
                let entries = f64::from(layers) * ctx.min(f64::from(window))
                    + groups
                        .iter()
                        .map(|g| f64::from(g.layers) * ctx / f64::from(g.ratio))
                        .sum::<f64>();
                entries * f64::from(width) * b
            }
            KvLayout::Mla {
                layers,
                kv_lora_rank,
                qk_rope_head_dim,
            } => f64::from(layers) * f64::from(kv_lora_rank + qk_rope_head_dim) * ctx * b,
        }
    }
}

/// Memory beyond weights and KV cache: CUDA/Metal context, compute (graph) buffers, fragmentation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overhead {
    /// Fixed GB per device (each GPU holds its own context and compute buffer).
    pub fixed_gb_per_device: f64,
    /// Fraction of weights + KV cache added on top.
    pub fraction: f64,
}

impl Overhead {
    /// The assumption used unless the caller states another: 0.5 GB per device + 10% of weights
    /// and KV cache. Calculators quote a fixed 0.3 to 1.5 GB (0.5 GB by ggufvram.radicchio.page,
    /// which reports 200–800 MB measured) or a percentage (12% by canitrun.dev); llama.cpp's
    /// compute buffer grows with context (about 2.4 GB for DeepSeek-V2-Lite at 32K).
    pub const DEFAULT: Overhead = Overhead {
        fixed_gb_per_device: 0.5,
        fraction: 0.10,
    };
}

impl Default for Overhead {
    fn default() -> Overhead {
        Overhead::DEFAULT
    }
}

/// What to size the memory for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryOptions {
    /// Context length per sequence in tokens.
    pub context_tokens: u64,
    /// KV cache element type.
    pub kv_cache: KvCacheType,
    /// Concurrent sequences, each with its own KV cache (batching).
    pub sequences: u32,
    /// Overhead assumption.
    pub overhead: Overhead,
}

impl Default for MemoryOptions {
    /// 8,192 tokens of context, f16 cache, one sequence, [`Overhead::DEFAULT`].
    fn default() -> MemoryOptions {
        MemoryOptions {
            context_tokens: 8192,
            kv_cache: KvCacheType::F16,
            sequences: 1,
            overhead: Overhead::DEFAULT,
        }
    }
}

/// A memory estimate for one device; see [`fit`] for several.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryEstimate {
    /// Weights: params_total_b × bits_per_weight / 8.
    pub weights_gb: f64,
    /// KV cache of all sequences.
    pub kv_cache_gb: f64,
    /// Overhead on one device: fixed + fraction × (weights + KV).
    pub overhead_gb: f64,
    /// The fixed part of the overhead, paid again by every extra device.
    pub fixed_overhead_gb_per_device: f64,
    /// weights + KV + overhead.
    pub total_gb: f64,
}

/// Weights in GB: params_total_b × 10^9 × bits_per_weight / 8 / 10^9.
///
/// ```
/// use llm_atlas::econ::{weights_gb, Quant};
/// // Llama 4 Maverick, 400B parameters in fp32: 400 × 32 / 8 = 1,600 GB = 1.6 TB.
/// assert_eq!(weights_gb(400.0, Quant::F32).unwrap(), 1600.0);
/// ```
pub fn weights_gb(params_total_b: f64, quant: Quant) -> Result<f64, EconError> {
    positive("params_total_b", params_total_b)?;
    Ok(params_total_b * quant.bits_per_weight() / 8.0)
}

/// Memory of a model given by numbers: `params_total_b` parameters at `quant`, KV cache of
/// `layout` at `options` (context, cache type, sequences), plus the overhead assumption.
pub fn estimate_memory(
    params_total_b: f64,
    quant: Quant,
    layout: &KvLayout,
    options: &MemoryOptions,
) -> Result<MemoryEstimate, VramError> {
    positive("sequences", f64::from(options.sequences))?;
    let kv_cache_gb = layout.bytes(options.context_tokens, options.kv_cache)
        * f64::from(options.sequences)
        / BYTES_PER_GB;
    with_kv_cache(params_total_b, quant, kv_cache_gb, options)
}

/// Weights at `quant`, `kv_cache_gb` of cache, and the overhead on both.
fn with_kv_cache(
    params_total_b: f64,
    quant: Quant,
    kv_cache_gb: f64,
    options: &MemoryOptions,
) -> Result<MemoryEstimate, VramError> {
    let weights_gb = weights_gb(params_total_b, quant)?;
    non_negative(
        "overhead.fixed_gb_per_device",
        options.overhead.fixed_gb_per_device,
    )?;
    non_negative("overhead.fraction", options.overhead.fraction)?;
    let overhead_gb = options.overhead.fixed_gb_per_device
        + options.overhead.fraction * (weights_gb + kv_cache_gb);
    Ok(MemoryEstimate {
        weights_gb,
        kv_cache_gb,
        overhead_gb,
        fixed_overhead_gb_per_device: options.overhead.fixed_gb_per_device,
        total_gb: weights_gb + kv_cache_gb + overhead_gb,
    })
}

/// Memory of a dataset model at `quant`. Fails with [`VramError::ParamsUnknown`] or
/// [`VramError::KvFieldUnknown`] when the data lacks a number the formula needs.
///
/// ```
/// use llm_atlas::data::Model;
/// use llm_atlas::econ::{estimate_model_memory, MemoryOptions, Quant, VramError};
/// let s = |v: f64| serde_json::json!({ "value": v, "source": "config" });
/// let n = |v: u32| serde_json::json!({ "value": v, "source": "config" });
/// let mut model: Model = serde_json::from_value(serde_json::json!({
///     "id": "llama-3.1-8b", "name": "Llama 3.1 8B", "vendor": "Meta", "family": "Llama 3.1",
///     "open_weights": true, "reasoning": false, "params_total_b": s(8.03),
///     "architecture": { "layers": n(32), "kv_heads": n(8), "head_dim": n(128) },
///     "license": { "name": "Llama 3.1", "commercial_use": "conditional", "terms": "-", "source": "card" },
///     "modalities": { "input": ["text"], "output": ["text"], "source": "card" }
/// })).unwrap();
/// // 8.03 × 4.8944 / 8 = 4.913 GB of weights + 1.074 GB of KV cache at 8K + 0.5 + 10% = 7.085 GB.
/// let est = estimate_model_memory(&model, Quant::Q4KM, &MemoryOptions::default()).unwrap();
/// assert!((est.total_gb - 7.085).abs() < 0.001);
/// model.architecture.head_dim = None;
/// assert_eq!(
///     estimate_model_memory(&model, Quant::Q4KM, &MemoryOptions::default()),
///     Err(VramError::KvFieldUnknown { field: "head_dim" })
/// );
/// ```
pub fn estimate_model_memory(
    model: &Model,
    quant: Quant,
    options: &MemoryOptions,
) -> Result<MemoryEstimate, VramError> {
    let params = total_params_b(model)?;
    let layout = KvLayout::from_architecture(&model.architecture)?;
    estimate_memory(params, quant, &layout, options)
}

/// A dataset model's memory where the data allows it, or else a lower bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryBound {
    /// The estimate; without a KV cache when `kv_unknown` is set.
    pub estimate: MemoryEstimate,
    /// `Some(field)`: the data lacks `field` of the attention layout, so the KV cache is not
    /// counted and `estimate` is the weights and their overhead alone: a lower bound.
    pub kv_unknown: Option<&'static str>,
}

/// Like [`estimate_model_memory`], but a model whose size is known and whose attention layout
/// is not still gets a figure: its weights and overhead, marked as a lower bound, so a page can
/// say what is certain ("won't run" stays true with any cache) instead of nothing.
///
/// ```
/// use llm_atlas::data::Model;
/// use llm_atlas::econ::{estimate_model_memory_or_weights, MemoryOptions, Quant};
/// let s = |v: f64| serde_json::json!({ "value": v, "source": "card" });
/// let model: Model = serde_json::from_value(serde_json::json!({
///     "id": "x", "name": "X", "vendor": "V", "family": "F", "open_weights": true,
///     "reasoning": false, "params_total_b": s(100.0), "architecture": {},
///     "license": { "name": "MIT", "commercial_use": "allowed", "terms": "-", "source": "card" },
///     "modalities": { "input": ["text"], "output": ["text"], "source": "card" }
/// })).unwrap();
/// let b = estimate_model_memory_or_weights(&model, Quant::Q8_0, &MemoryOptions::default()).unwrap();
/// assert_eq!(b.kv_unknown, Some("layers"));
/// assert_eq!(b.estimate.kv_cache_gb, 0.0);
/// // 100 × 8.5 / 8 = 106.25 GB of weights + 0.5 + 10 %.
/// assert!((b.estimate.total_gb - 117.375).abs() < 1e-9);
/// ```
pub fn estimate_model_memory_or_weights(
    model: &Model,
    quant: Quant,
    options: &MemoryOptions,
) -> Result<MemoryBound, VramError> {
    let params = total_params_b(model)?;
    match KvLayout::from_architecture(&model.architecture) {
        Ok(layout) => Ok(MemoryBound {
            estimate: estimate_memory(params, quant, &layout, options)?,
            kv_unknown: None,
        }),
        Err(VramError::KvFieldUnknown { field }) => Ok(MemoryBound {
            estimate: with_kv_cache(params, quant, 0.0, options)?,
            kv_unknown: Some(field),
        }),
        Err(e) => Err(e),
    }
}

/// The memory estimate of a dataset model at every [`Quant`], largest first (for a table with
/// one row per quantization). Each row fails on its own with the same typed reason when the
/// data lacks a number.
pub fn memory_by_quant(
    model: &Model,
    options: &MemoryOptions,
) -> Vec<(Quant, Result<MemoryEstimate, VramError>)> {
    Quant::ALL
        .into_iter()
        .map(|q| (q, estimate_model_memory(model, q, options)))
        .collect()
}

/// Active parameters per token of a dataset model, in billions (what decode reads per token).
pub fn active_params_b(model: &Model) -> Result<f64, VramError> {
    Ok(model
        .params_active_b
        .as_ref()
        .ok_or(VramError::ActiveParamsUnknown)?
        .value)
}

/// A model's total parameters in billions, or the error that says the dataset lacks them.
fn total_params_b(model: &Model) -> Result<f64, VramError> {
    Ok(model
        .params_total_b
        .as_ref()
        .ok_or(VramError::ParamsUnknown)?
        .value)
}

/// Where a model is to run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// Number of identical GPUs (usually 1 for a unified-memory machine).
    pub devices: u32,
    /// Memory of one device in GB.
    pub memory_gb_per_device: f64,
    /// Fraction of that memory the runtime may use: 1.0 for a discrete GPU, 0.75 for unified
    /// memory (macOS keeps the rest for the system, per canitrun.dev; assumed alike elsewhere).
    pub usable_fraction: f64,
    /// System RAM layers can be offloaded to, in GB (0 for unified memory: it is the same pool).
    pub system_ram_gb: f64,
}

/// Usable share of unified memory assumed for the GPU (canitrun.dev: ~75% on Apple silicon;
/// assumed the same for other unified-memory machines, whose OS shares the pool too).
pub const UNIFIED_USABLE_FRACTION: f64 = 0.75;

impl Setup {
    /// `devices` × a dataset device, with `system_ram_gb` of host RAM (ignored for unified
    /// memory, where the RAM is the GPU memory).
    pub fn from_hardware(hardware: &Hardware, devices: u32, system_ram_gb: f64) -> Setup {
        let unified = hardware.kind.is_unified();
        Setup {
            devices,
            memory_gb_per_device: hardware.memory_gb.value,
            usable_fraction: if unified {
                UNIFIED_USABLE_FRACTION
            } else {
                1.0
            },
            system_ram_gb: if unified { 0.0 } else { system_ram_gb },
        }
    }

    /// GPU memory the runtime may use in total: devices × memory × usable_fraction.
    pub fn gpu_gb(&self) -> f64 {
        f64::from(self.devices) * self.memory_gb_per_device * self.usable_fraction
    }
}

/// Whether a model fits a setup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// Everything in GPU memory.
    Fits {
        /// Memory needed over all devices.
        need_gb: f64,
        /// GPU memory available.
        gpu_gb: f64,
        /// gpu_gb − need_gb.
        headroom_gb: f64,
    },
    /// Runs with part of the model in system RAM (much slower: offloaded layers run at system
    /// RAM bandwidth).
    NeedsOffload {
        /// Memory needed over all devices.
        need_gb: f64,
        /// GPU memory available.
        gpu_gb: f64,
        /// need_gb − gpu_gb, to hold in system RAM.
        offload_gb: f64,
    },
    /// Not even GPU + system RAM hold it.
    WontRun {
        /// Memory needed over all devices.
        need_gb: f64,
        /// GPU memory + system RAM.
        available_gb: f64,
        /// need_gb − available_gb.
        short_gb: f64,
    },
}

impl Fit {
    /// "fits", "needs offload" or "won't run".
    pub fn label(&self) -> &'static str {
        match self {
            Fit::Fits { .. } => "fits",
            Fit::NeedsOffload { .. } => "needs offload",
            Fit::WontRun { .. } => "won't run",
        }
    }
}

/// The verdict for `estimate` on `setup`. Memory is pooled over the devices (layers split
/// across GPUs); each device after the first adds its own fixed overhead.
///
/// ```
/// use llm_atlas::econ::{fit, Fit, MemoryEstimate, Setup};
/// let est = MemoryEstimate { weights_gb: 40.0, kv_cache_gb: 2.0, overhead_gb: 4.7,
///     fixed_overhead_gb_per_device: 0.5, total_gb: 46.7 };
/// let one_4090 = Setup { devices: 1, memory_gb_per_device: 24.0, usable_fraction: 1.0, system_ram_gb: 64.0 };
/// assert_eq!(fit(&est, &one_4090).unwrap().label(), "needs offload");
/// ```
pub fn fit(estimate: &MemoryEstimate, setup: &Setup) -> Result<Fit, EconError> {
    positive("devices", f64::from(setup.devices))?;
    positive("memory_gb_per_device", setup.memory_gb_per_device)?;
    positive_fraction("usable_fraction", setup.usable_fraction)?;
    non_negative("system_ram_gb", setup.system_ram_gb)?;
    let need_gb =
        estimate.total_gb + f64::from(setup.devices - 1) * estimate.fixed_overhead_gb_per_device;
    let gpu_gb = setup.gpu_gb();
    Ok(if need_gb <= gpu_gb {
        Fit::Fits {
            need_gb,
            gpu_gb,
            headroom_gb: gpu_gb - need_gb,
        }
    } else if need_gb <= gpu_gb + setup.system_ram_gb {
        Fit::NeedsOffload {
            need_gb,
            gpu_gb,
            offload_gb: need_gb - gpu_gb,
        }
    } else {
        let available_gb = gpu_gb + setup.system_ram_gb;
        Fit::WontRun {
            need_gb,
            available_gb,
            short_gb: need_gb - available_gb,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::econ::assert_close;

    fn s(value: u32) -> Option<Sourced<u32>> {
        Some(Sourced {
            value,
            source: "test".into(),
            note: None,
        })
    }

    const LLAMA_31_8B: KvLayout = KvLayout::Standard {
        layers: 32,
        kv_heads: 8,
        head_dim: 128,
        sliding_window: None,
    };

    #[test]
    fn quant_table() {
        // Llama 3.1 8B (8.03e9 parameters) at Q4_K_M: 8.03e9 × 4.8944 / 8 = 4.9128e9 bytes
        // = 4.575 GiB, the README's "4.58" GiB.
        let bytes = 8.03 * 4.8944 / 8.0 * 1e9;
        assert_close(bytes / (1u64 << 30) as f64, 4.58, 0.01);
        // Q3_K_M: 3.74 GiB × 2^30 × 8 / 8.03e9 = 4.0015 bits.
        assert_close(
            3.74 * (1u64 << 30) as f64 * 8.0 / 8.03e9,
            Quant::Q3KM.bits_per_weight(),
            0.01,
        );
        // Sizes fall strictly from F16 to Q2_K.
        let bpw: Vec<f64> = Quant::ALL[2..]
            .iter()
            .map(|q| q.bits_per_weight())
            .collect();
        assert!(bpw.windows(2).all(|w| w[0] > w[1]), "{bpw:?}");
        for q in Quant::ALL {
            assert_eq!(Quant::from_label(&q.label().to_lowercase()), Some(q));
        }
        assert_eq!(Quant::from_label("Q4_K_S"), None);
    }

    #[test]
    fn kv_cache_types() {
        // 34 / 32 = 1.0625 and 18 / 32 = 0.5625 bytes per element.
        assert_eq!(KvCacheType::Q8_0.bytes_per_element(), 1.0625);
        assert_eq!(KvCacheType::Q4_0.bytes_per_element(), 0.5625);
        assert_eq!(KvCacheType::from_label("Q8_0"), Some(KvCacheType::Q8_0));
    }

    #[test]
    fn gqa_kv_cache_llama_31_8b() {
        // 2 × 32 layers × 8 KV heads × 128 × 2 bytes = 131,072 B = 128 KiB per token;
        // × 8,192 tokens = 1,073,741,824 B = 1 GiB.
        assert_eq!(LLAMA_31_8B.bytes(1, KvCacheType::F16), 131_072.0);
        assert_eq!(LLAMA_31_8B.bytes(8192, KvCacheType::F16), 1_073_741_824.0);
        // q8_0 at 32K: 2 × 32 × 8 × 128 × 32,768 × 1.0625 = 2,281,701,376 B = 2.125 GiB.
        assert_eq!(
            LLAMA_31_8B.bytes(32_768, KvCacheType::Q8_0),
            2_281_701_376.0
        );
    }

    #[test]
    fn sliding_window_kv_cache_gemma_3_27b() {
        // 62 layers, 16 KV heads, head_dim 128, 52 layers with a 1,024-token window.
        let layout = KvLayout::Standard {
            layers: 62,
            kv_heads: 16,
            head_dim: 128,
            sliding_window: Some(SlidingWindow {
                window: 1024,
                layers: 52,
                global_heads: None,
            }),
        };
        // Per layer and token: 2 × 16 × 128 × 2 = 8,192 B.
        // At 32,768 tokens: global 10 × 32,768 × 8,192 = 2,684,354,560
        //                 + local 52 × 1,024 × 8,192 =   436,207,616
        //                 = 3,120,562,176 B (2.906 GiB).
        assert_eq!(layout.bytes(32_768, KvCacheType::F16), 3_120_562_176.0);
        // Below the window every layer holds the whole context: 62 × 512 × 8,192 = 260,046,848.
        assert_eq!(layout.bytes(512, KvCacheType::F16), 260_046_848.0);
    }

    #[test]
    fn global_layer_heads_kv_cache_gemma_4_31b() {
        // Gemma 4 31B (Google's gemma4 configs): 60 layers; 50 sliding (1,024 tokens) with 16 KV
        // heads of 256; 10 global with 4 KV heads of 512.
        let mut arch = Architecture {
            layers: s(60),
            kv_heads: s(16),
            head_dim: s(256),
            sliding_window: s(1024),
            sliding_window_layers: s(50),
            global_kv_heads: s(4),
            ..Architecture::default()
        };
        // Both global numbers or neither.
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "global_head_dim"
            })
        );
        arch.global_head_dim = s(512);
        let layout = KvLayout::from_architecture(&arch).unwrap();
        // Per token: global 2 × 4 × 512 × 2 B = 8,192 B a layer; sliding 2 × 16 × 256 × 2 B =
        // 16,384 B a layer. At 32,768 tokens: 10 × 32,768 × 8,192 = 2,684,354,560
        //                                   + 50 × 1,024 × 16,384 =   838,860,800
        //                                   = 3,523,215,360 B.
        assert_eq!(layout.bytes(32_768, KvCacheType::F16), 3_523_215_360.0);
        // With the sliding layers' heads on every layer it would be 10 × 32,768 × 16,384 +
        // 838,860,800 = 6,207,569,920 B: the global heads halve this model's cache at 32K.
        let mut same = arch.clone();
        same.global_kv_heads = None;
        same.global_head_dim = None;
        assert_eq!(
            KvLayout::from_architecture(&same)
                .unwrap()
                .bytes(32_768, KvCacheType::F16),
            6_207_569_920.0
        );
        // Global heads without sliding-window layers describe nothing: refused.
        arch.sliding_window = None;
        arch.sliding_window_layers = None;
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "sliding_window"
            })
        );
    }

    #[test]
    fn shared_kv_layers_gemma_4_e2b() {
        // Gemma 4 E2B (Google's gemma4 configs): 35 layers in groups of five (four sliding with a
        // 512-token window, then one global); 1 KV head of 256 on sliding layers, 1 of 512 on
        // global ones; the last 20 layers reuse earlier caches (frac_shared_layers = 20 / 35).
        let mut arch = Architecture {
            layers: s(35),
            kv_heads: s(1),
            head_dim: s(256),
            sliding_window: s(512),
            sliding_window_layers: s(28),
            global_kv_heads: s(1),
            global_head_dim: s(512),
            kv_shared_layers: s(20),
            ..Architecture::default()
        };
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "sliding_window_period"
            })
        );
        arch.sliding_window_period = s(5);
        // The first 15 layers cache: 3 global (layers 4, 9, 14) and 12 sliding.
        let layout = KvLayout::from_architecture(&arch).unwrap();
        let KvLayout::Standard {
            layers,
            sliding_window: Some(sw),
            ..
        } = layout
        else {
            panic!("{layout:?}")
        };
        assert_eq!((layers, sw.layers), (15, 12));
        // At 32,768 tokens in f16: global 3 × 32,768 × (2 × 1 × 512 × 2 B) = 201,326,592
        //                        + sliding 12 × 512 × (2 × 1 × 256 × 2 B) =   6,291,456
        //                        = 207,618,048 B.
        assert_eq!(layout.bytes(32_768, KvCacheType::F16), 207_618_048.0);
        // Not fewer caching layers than none.
        arch.kv_shared_layers = s(35);
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Err(VramError::Invalid(_))
        ));
    }

    #[test]
    fn only_the_attention_layers_of_a_hybrid_hold_a_kv_cache_qwen3_5() {
        // Qwen3.5-397B-A17B (its card): 60 layers laid out 15 × (3 Gated DeltaNet, 1 Gated
        // Attention); the attention layers have 2 KV heads of 256.
        let mut arch = Architecture {
            layers: s(60),
            kv_heads: s(2),
            head_dim: s(256),
            attention_layers: s(15),
            ..Architecture::default()
        };
        let layout = KvLayout::from_architecture(&arch).unwrap();
        assert!(
            matches!(layout, KvLayout::Standard { layers: 15, .. }),
            "{layout:?}"
        );
        // 15 layers × 32,768 tokens × (2 × 2 × 256 × 2 B) = 1,006,632,960 B, a quarter of what
        // all 60 layers would hold.
        assert_eq!(layout.bytes(32_768, KvCacheType::F16), 1_006_632_960.0);
        arch.attention_layers = None;
        assert_eq!(
            KvLayout::from_architecture(&arch)
                .unwrap()
                .bytes(32_768, KvCacheType::F16),
            4.0 * 1_006_632_960.0
        );
        // Not more attention layers than layers, and not none.
        arch.attention_layers = s(61);
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Err(VramError::Invalid(_))
        ));
        arch.attention_layers = s(0);
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Err(VramError::Invalid(_))
        ));
    }

    #[test]
    fn mla_kv_cache_deepseek() {
        // 61 layers × (512 + 64) × 32,768 tokens × 1.0625 B = 1,223,294,976 B = 1,166.62 MiB,
        // the "KV self size = 1166.62 MiB, c^KV (q8_0)" of ik_llama.cpp PR #259's log.
        let layout = KvLayout::Mla {
            layers: 61,
            kv_lora_rank: 512,
            qk_rope_head_dim: 64,
        };
        let bytes = layout.bytes(32_768, KvCacheType::Q8_0);
        assert_eq!(bytes, 1_223_294_976.0);
        // 1,223,294,976 / 2^20 = 1,166.625 exactly, which the log prints as 1166.62.
        assert_eq!(bytes / (1u64 << 20) as f64, 1166.625);
    }

    /// DeepSeek-V4-Flash's shape: 43 layers, each with a 128-token window of 512-wide shared
    /// key-value entries; 21 CSA layers keep one entry per 4 tokens, 20 HCA layers one per 128.
    #[test]
    fn compressed_kv_cache_deepseek_v4() {
        let mut arch = Architecture {
            layers: s(43),
            kv_heads: s(1),
            head_dim: s(512),
            sliding_window: s(128),
            compressed_layers: s(21),
            compress_ratio: s(4),
            heavily_compressed_layers: s(20),
            heavy_compress_ratio: s(128),
            ..Architecture::default()
        };
        let layout = KvLayout::from_architecture(&arch).unwrap();
        assert_eq!(
            layout,
            KvLayout::Compressed {
                layers: 43,
                width: 512,
                window: 128,
                groups: [
                    CompressedLayers {
                        layers: 21,
                        ratio: 4
                    },
                    CompressedLayers {
                        layers: 20,
                        ratio: 128
                    }
                ],
            }
        );
        // At 1,048,576 tokens: 43 × 128 + 21 × 262,144 + 20 × 8,192 = 5,674,368 entries of 512
        // f16 values = 5,810,552,832 bytes (vLLM's bf16 cache holds the same entries).
        assert_eq!(layout.bytes(1_048_576, KvCacheType::F16), 5_810_552_832.0);
        // Below the window every layer holds every token once, plus the compressed entries.
        assert_eq!(
            layout.bytes(64, KvCacheType::F16),
            (43.0 * 64.0 + 21.0 * 16.0 + 20.0 * 0.5) * 512.0 * 2.0
        );
        // One group is enough (no HCA).
        arch.heavily_compressed_layers = None;
        arch.heavy_compress_ratio = None;
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Ok(KvLayout::Compressed {
                groups: [_, CompressedLayers { layers: 0, .. }],
                ..
            })
        ));
        // A ratio without its layers, a missing window, or more compressed layers than layers.
        arch.heavy_compress_ratio = s(128);
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "heavily_compressed_layers"
            })
        );
        arch.heavily_compressed_layers = s(23);
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Err(VramError::Invalid(EconError::Invalid {
                field: "compressed_layers",
                ..
            }))
        ));
        arch.heavily_compressed_layers = s(20);
        arch.sliding_window = None;
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "sliding_window"
            })
        );
    }

    #[test]
    fn layout_from_architecture() {
        let mut arch = Architecture {
            layers: s(61),
            kv_lora_rank: s(512),
            ..Architecture::default()
        };
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "qk_rope_head_dim"
            })
        );
        arch.qk_rope_head_dim = s(64);
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Ok(KvLayout::Mla {
                layers: 61,
                kv_lora_rank: 512,
                qk_rope_head_dim: 64
            })
        );
        // No RoPE part: the latent alone is cached (GLM-5.3-Flash's 11 attention layers of 45).
        arch.qk_rope_head_dim = s(0);
        arch.layers = s(45);
        arch.attention_layers = s(11);
        let layout = KvLayout::from_architecture(&arch).unwrap();
        assert_eq!(
            layout,
            KvLayout::Mla {
                layers: 11,
                kv_lora_rank: 512,
                qk_rope_head_dim: 0
            }
        );
        assert_eq!(
            layout.bytes(1000, KvCacheType::F16),
            11.0 * 512.0 * 1000.0 * 2.0
        );
        // A latent of size zero is no layout.
        arch.kv_lora_rank = s(0);
        assert!(KvLayout::from_architecture(&arch).is_err());

        let mut arch = Architecture {
            layers: s(32),
            kv_heads: s(8),
            ..Architecture::default()
        };
        let err = KvLayout::from_architecture(&arch).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot estimate KV cache: head_dim unknown"
        );
        arch.head_dim = s(128);
        assert_eq!(KvLayout::from_architecture(&arch), Ok(LLAMA_31_8B));
        arch.sliding_window = s(4096);
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Err(VramError::KvFieldUnknown {
                field: "sliding_window_layers"
            })
        );
        arch.sliding_window_layers = s(40);
        assert!(matches!(
            KvLayout::from_architecture(&arch),
            Err(VramError::Invalid(_))
        ));
        arch.sliding_window_layers = s(16);
        assert_eq!(
            KvLayout::from_architecture(&arch),
            Ok(KvLayout::Standard {
                layers: 32,
                kv_heads: 8,
                head_dim: 128,
                sliding_window: Some(SlidingWindow {
                    window: 4096,
                    layers: 16,
                    global_heads: None,
                })
            })
        );
    }

    #[test]
    fn memory_estimate_llama_31_8b_q4_k_m() {
        // Weights 8.03 × 4.8944 / 8 = 4.912754 GB; KV at 8,192 tokens, f16 = 1.073741824 GB;
        // overhead 0.5 + 0.10 × (4.912754 + 1.073742) = 0.5 + 0.5986496 = 1.0986496 GB;
        // total 4.912754 + 1.073742 + 1.098650 = 7.085146 GB.
        let est =
            estimate_memory(8.03, Quant::Q4KM, &LLAMA_31_8B, &MemoryOptions::default()).unwrap();
        assert_close(est.weights_gb, 4.912_754, 1e-6);
        assert_close(est.kv_cache_gb, 1.073_741_824, 1e-9);
        assert_close(est.overhead_gb, 1.098_649_6, 1e-6);
        assert_close(est.total_gb, 7.085_146, 1e-5);
        // Four sequences quadruple the cache: 4 × 1.073741824 = 4.294967296 GB.
        let four = MemoryOptions {
            sequences: 4,
            ..MemoryOptions::default()
        };
        let est4 = estimate_memory(8.03, Quant::Q4KM, &LLAMA_31_8B, &four).unwrap();
        assert_close(est4.kv_cache_gb, 4.294_967_296, 1e-9);
    }

    #[test]
    fn verdicts() {
        // 70B at Q4_K_M, no KV, no overhead: 70 × 4.8944 / 8 = 42.826 GB.
        let opts = MemoryOptions {
            context_tokens: 0,
            overhead: Overhead {
                fixed_gb_per_device: 0.5,
                fraction: 0.0,
            },
            ..MemoryOptions::default()
        };
        let est = estimate_memory(70.0, Quant::Q4KM, &LLAMA_31_8B, &opts).unwrap();
        assert_close(est.total_gb, 43.326, 1e-9);
        // One 24 GB card + 32 GB RAM: 43.326 − 24 = 19.326 GB offloaded.
        let one = Setup {
            devices: 1,
            memory_gb_per_device: 24.0,
            usable_fraction: 1.0,
            system_ram_gb: 32.0,
        };
        match fit(&est, &one).unwrap() {
            Fit::NeedsOffload { offload_gb, .. } => assert_close(offload_gb, 19.326, 1e-9),
            other => panic!("{other:?}"),
        }
        // Two cards: 43.326 + 0.5 (second device's fixed overhead) = 43.826 ≤ 48 → fits, 4.174 spare.
        let two = Setup { devices: 2, ..one };
        match fit(&est, &two).unwrap() {
            Fit::Fits {
                need_gb,
                headroom_gb,
                ..
            } => {
                assert_close(need_gb, 43.826, 1e-9);
                assert_close(headroom_gb, 4.174, 1e-9);
            }
            other => panic!("{other:?}"),
        }
        // One card, 16 GB RAM: 43.326 > 40 → won't run, 3.326 short.
        let small = Setup {
            system_ram_gb: 16.0,
            ..one
        };
        match fit(&est, &small).unwrap() {
            Fit::WontRun { short_gb, .. } => assert_close(short_gb, 3.326, 1e-9),
            other => panic!("{other:?}"),
        }
        // Apple unified memory, 64 GB × 0.75 = 48 GB usable, no separate RAM: fits.
        let mac = Setup {
            devices: 1,
            memory_gb_per_device: 64.0,
            usable_fraction: 0.75,
            system_ram_gb: 0.0,
        };
        assert_eq!(fit(&est, &mac).unwrap().label(), "fits");
        let bad = Setup { devices: 0, ..one };
        assert!(fit(&est, &bad).is_err());
    }

    #[test]
    fn weights_need_a_parameter_count() {
        assert!(weights_gb(0.0, Quant::F16).is_err());
        // 27 × 16 / 8 = 54 GB in F16.
        assert_eq!(weights_gb(27.0, Quant::F16).unwrap(), 54.0);
    }
}
