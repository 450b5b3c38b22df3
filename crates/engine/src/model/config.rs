//! Model hyper-parameters from GGUF metadata.
//!
//! The supported architectures share one decoder layout and differ in a handful of switches
//! (norms around attention/FFN, per-head Q/K norms, embedding scale, activation, RoPE pairing,
//! sliding-window layers), so each is a [`ModelConfig`] rather than its own code path.

use crate::gguf::{GgufError, GgufFile};

use super::ModelError;

/// A decoder architecture this crate knows how to configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// Google Gemma 3.
    Gemma3,
    /// Meta Llama (and most Llama-shaped models).
    Llama,
    /// Alibaba Qwen 2 / 2.5 (Q/K/V biases).
    Qwen2,
    /// Alibaba Qwen 3 (per-head Q/K norms).
    Qwen3,
}

impl Arch {
    /// Maps `general.architecture`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "gemma3" => Arch::Gemma3,
            "llama" => Arch::Llama,
            "qwen2" => Arch::Qwen2,
            "qwen3" => Arch::Qwen3,
            _ => return None,
        })
    }

    /// The metadata key prefix (`general.architecture`).
    pub fn name(self) -> &'static str {
        match self {
            Arch::Gemma3 => "gemma3",
            Arch::Llama => "llama",
            Arch::Qwen2 => "qwen2",
            Arch::Qwen3 => "qwen3",
        }
    }
}

/// The FFN gate activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// GELU, tanh approximation (Gemma).
    GeluTanh,
    /// SiLU / swish (Llama, Qwen).
    Silu,
}

/// How RoPE pairs the channels of a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RopeStyle {
    /// Channels `i` and `i + n_rot/2` (GPT-NeoX; Gemma, Qwen).
    Neox,
    /// Channels `2i` and `2i + 1` (original Llama).
    Interleaved,
}

/// Hyper-parameters and architecture switches of a decoder-only transformer.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    /// Architecture.
    pub arch: Arch,
    /// Vocabulary size (rows of the embedding).
    pub n_vocab: usize,
    /// Hidden size.
    pub n_embd: usize,
    /// Number of layers.
    pub n_layer: usize,
    /// Query heads.
    pub n_head: usize,
    /// Key/value heads (grouped-query attention when fewer than `n_head`).
    pub n_head_kv: usize,
    /// Channels per head.
    pub head_dim: usize,
    /// FFN inner size.
    pub n_ff: usize,
    /// Trained context length.
    pub context_length: usize,
    /// RMSNorm epsilon.
    pub rms_eps: f32,
    /// Channels rotated by RoPE (from the start of each head).
    pub rope_dim: usize,
    /// RoPE base on global (full-attention) layers.
    pub rope_base: f32,
    /// RoPE base on sliding-window layers.
    pub rope_base_swa: f32,
    /// RoPE frequency scale on global layers (1 / linear scaling factor).
    pub rope_freq_scale: f32,
    /// RoPE channel pairing.
    pub rope_style: RopeStyle,
    /// Sliding-window size, when some layers use local attention.
    pub sliding_window: Option<usize>,
    /// With a window: layer `il` is sliding when `il % swa_pattern < swa_pattern - 1`.
    pub swa_pattern: usize,
    /// Per-head RMSNorm on Q and K before RoPE.
    pub qk_norm: bool,
    /// RMSNorm after attention and after the FFN, before the residual add.
    pub post_norms: bool,
    /// Q/K/V projections carry biases.
    pub qkv_bias: bool,
    /// Multiplier applied to token embeddings (Gemma: sqrt(n_embd)).
    pub embed_scale: Option<f32>,
    /// FFN activation.
    pub activation: Activation,
    /// Multiplier applied to Q before attention scores.
    pub attention_scale: f32,
    /// `cap * tanh(logits / cap)` on the output logits, if set.
    pub final_logit_softcap: Option<f32>,
}

impl ModelConfig {
    /// Reads the configuration of a supported architecture from GGUF metadata.
    pub fn from_gguf(f: &GgufFile) -> Result<Self, ModelError> {
        let arch_name = f.get_str("general.architecture")?;
        let arch = Arch::from_name(arch_name)
            .ok_or_else(|| ModelError::UnsupportedArch(arch_name.to_string()))?;
        let p = arch.name();
        let key = |k: &str| format!("{p}.{k}");
        let opt_usize = |k: &str| -> Result<Option<usize>, GgufError> {
            match f.get(&key(k)) {
                None => Ok(None),
                Some(_) => f.get_usize(&key(k)).map(Some),
            }
        };
        let opt_f32 = |k: &str| -> Result<Option<f32>, GgufError> {
            match f.get(&key(k)) {
                None => Ok(None),
                Some(_) => f.get_f32(&key(k)).map(Some),
            }
        };
        let n_embd = f.get_usize(&key("embedding_length"))?;
        let n_layer = f.get_usize(&key("block_count"))?;
        let n_head = f.get_usize(&key("attention.head_count"))?;
        let n_head_kv = opt_usize("attention.head_count_kv")?.unwrap_or(n_head);
        let n_ff = f.get_usize(&key("feed_forward_length"))?;
        if n_head == 0 || n_head_kv == 0 || n_head % n_head_kv != 0 || n_embd == 0 || n_layer == 0 {
            return Err(ModelError::Config(format!(
                "invalid head counts {n_head}/{n_head_kv} or sizes (n_embd {n_embd}, layers {n_layer})"
            )));
        }
        let head_dim = match opt_usize("attention.key_length")? {
            Some(d) => d,
            None => n_embd / n_head,
        };
        if let Some(v) = opt_usize("attention.value_length")? {
            if v != head_dim {
                return Err(ModelError::Config(format!(
                    "key length {head_dim} != value length {v} is not supported"
                )));
            }
        }
        if head_dim == 0 || head_dim % 2 != 0 {
            return Err(ModelError::Config(format!(
                "head dim {head_dim} must be even"
            )));
        }
        let rope_dim = opt_usize("rope.dimension_count")?.unwrap_or(head_dim);
        if rope_dim > head_dim || rope_dim % 2 != 0 {
            return Err(ModelError::Config(format!(
                "rope dim {rope_dim} for head dim {head_dim}"
            )));
        }
        let n_vocab = match f.tensor("token_embd.weight") {
            Some(t) if t.dims.len() == 2 => t.dims[1] as usize,
            _ => return Err(ModelError::MissingTensor("token_embd.weight".into())),
        };
        let rms_eps = opt_f32("attention.layer_norm_rms_epsilon")?.unwrap_or(1e-6);
        let rope_base = opt_f32("rope.freq_base")?.unwrap_or(10_000.0);
        let rope_freq_scale = match (
            f.get(&key("rope.scaling.type")).and_then(|v| v.as_str()),
            opt_f32("rope.scaling.factor")?,
        ) {
            (Some("linear"), Some(factor)) if factor > 0.0 => 1.0 / factor,
            _ => 1.0,
        };
        let context_length = opt_usize("context_length")?.unwrap_or(2048);
        let window = opt_usize("attention.sliding_window")?.filter(|&w| w > 0);

        let mut c = ModelConfig {
            arch,
            n_vocab,
            n_embd,
            n_layer,
            n_head,
            n_head_kv,
            head_dim,
            n_ff,
            context_length,
            rms_eps,
            rope_dim,
            rope_base,
            rope_base_swa: rope_base,
            rope_freq_scale,
            rope_style: RopeStyle::Neox,
            sliding_window: None,
            swa_pattern: 1,
            qk_norm: false,
            post_norms: false,
            qkv_bias: false,
            embed_scale: None,
            activation: Activation::Silu,
            attention_scale: 1.0 / (head_dim as f32).sqrt(),
            final_logit_softcap: None,
        };
        match arch {
            Arch::Gemma3 => {
                c.qk_norm = true;
                c.post_norms = true;
                c.embed_scale = Some((n_embd as f32).sqrt());
                c.activation = Activation::GeluTanh;
                if let Some(w) = window {
                    c.sliding_window = Some(w);
                    c.swa_pattern = 6;
                    c.rope_base_swa = opt_f32("rope.freq_base_swa")?.unwrap_or(10_000.0);
                }
                // Gemma 3 27B scales by 1/sqrt(n_embd / n_head) instead of the head size.
                if n_layer == 62 {
                    c.attention_scale = 1.0 / ((n_embd / n_head) as f32).sqrt();
                }
                c.final_logit_softcap = opt_f32("final_logit_softcapping")?.filter(|&s| s > 0.0);
            }
            Arch::Llama => c.rope_style = RopeStyle::Interleaved,
            Arch::Qwen2 => c.qkv_bias = true,
            Arch::Qwen3 => c.qk_norm = true,
        }
        Ok(c)
    }

    /// Whether layer `il` uses sliding-window attention.
    pub fn is_sliding(&self, il: usize) -> bool {
        self.sliding_window.is_some() && il % self.swa_pattern < self.swa_pattern - 1
    }

    /// RoPE base and frequency scale of layer `il`.
    pub fn rope_for_layer(&self, il: usize) -> (f32, f32) {
        if self.is_sliding(il) {
            (self.rope_base_swa, 1.0)
        } else {
            (self.rope_base, self.rope_freq_scale)
        }
    }
}
