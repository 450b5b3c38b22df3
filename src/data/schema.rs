//! Serde types of the JSON dataset under `public/data/`.
//!
//! Every struct rejects unknown fields, so a typo in the data is an error with
//! a precise path instead of a silently ignored value. Every number carries the
//! id of the source it was read from (see [`Source`]); values that could not be
//! sourced are absent (`None`), never guessed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `meta.json`: the dataset's version and the date it was last checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Semantic version of the dataset, e.g. "0.1.0".
    pub version: String,
    /// Date the data was last checked against its sources, "YYYY-MM-DD".
    pub date: String,
    /// One sentence on what the dataset is.
    pub description: String,
    /// Units used in the dataset, for readers of the raw JSON.
    pub units: BTreeMap<String, String>,
}

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    ModelCard,
    VendorPage,
    Paper,
    PricingPage,
    Leaderboard,
    Other,
}

/// One entry of `sources.json`: a document a number was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub url: String,
    pub publisher: String,
    pub title: String,
    /// Date the (stored copy of the) document was read, "YYYY-MM-DD".
    pub date_read: String,
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A value together with the id of the source it was read from.
///
/// JSON: `{ "value": 400, "source": "meta-llama4-card", "note": "..." }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A benchmark score: a [`Sourced`] number plus who measured it and how.
///
/// JSON: `{ "value": 80.5, "source": "meta-llama4-card", "self_reported": true,
/// "setting": "instruct, 0-shot, macro_avg/acc" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub value: f64,
    pub source: String,
    /// True when the model's own vendor published the number.
    pub self_reported: bool,
    /// Evaluation setting where it matters: shots, pass@k, samples, base or instruct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// Date the score was taken (required for leaderboard scores such as Arena), "YYYY-MM-DD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Dense or mixture-of-experts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchKind {
    Dense,
    Moe,
}

/// Architecture numbers a memory (weights + KV cache) estimate needs.
/// All optional: closed models publish none of them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Sourced<ArchKind>>,
    /// Routed experts per MoE layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts: Option<Sourced<u32>>,
    /// Routed experts active per token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts_active: Option<Sourced<u32>>,
    /// Shared (always active) experts per MoE layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_experts: Option<Sourced<u32>>,
    /// Transformer blocks of the language model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Sourced<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_size: Option<Sourced<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_heads: Option<Sourced<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<Sourced<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_dim: Option<Sourced<u32>>,
    /// Sliding-window (local attention) span in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window: Option<Sourced<u32>>,
    /// How many of the `layers` use the sliding window (the rest attend globally).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window_layers: Option<Sourced<u32>>,
    /// KV heads of the global (non-sliding) layers where they differ from `kv_heads`, which then
    /// describes the sliding-window layers (Gemma 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_kv_heads: Option<Sourced<u32>>,
    /// Head size of the global layers where it differs from `head_dim` (with `global_kv_heads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_head_dim: Option<Sourced<u32>>,
    /// The last layers that reuse an earlier layer's KV cache instead of holding their own
    /// (Gemma 4 E2B and E4B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_shared_layers: Option<Sourced<u32>>,
    /// In hybrid models, how many of the `layers` attend and cache keys and values; the others
    /// hold no KV cache (Gated DeltaNet linear attention in Qwen3.5 and Qwen3.6, which keeps a
    /// fixed-size state; Mamba-2 and MoE-only blocks in Nemotron 3, whose `layers` counts every
    /// block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_layers: Option<Sourced<u32>>,
    /// With `kv_shared_layers`: the layers come in groups of this many, the last of each group
    /// attending globally and the others through the sliding window (5 for four local layers
    /// and one global), which says how many of the caching layers are global.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window_period: Option<Sourced<u32>>,
    /// DeepSeek-V4: how many layers also cache the sequence compressed `compress_ratio`-fold
    /// (compressed sparse attention, CSA), one entry per that many tokens, besides the
    /// `sliding_window` every layer keeps. Its entries are `kv_heads` × `head_dim` wide (one
    /// shared key and value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compressed_layers: Option<Sourced<u32>>,
    /// With `compressed_layers`: tokens per compressed entry (4 for DeepSeek-V4's CSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress_ratio: Option<Sourced<u32>>,
    /// DeepSeek-V4: layers compressed much further (heavily compressed attention, HCA), one
    /// entry per `heavy_compress_ratio` tokens, besides their sliding window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heavily_compressed_layers: Option<Sourced<u32>>,
    /// With `heavily_compressed_layers`: tokens per entry (128 for DeepSeek-V4's HCA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heavy_compress_ratio: Option<Sourced<u32>>,
    /// DeepSeek multi-head latent attention: compressed KV size per token and layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_lora_rank: Option<Sourced<u32>>,
    /// DeepSeek MLA: decoupled RoPE key dimension cached next to the latent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qk_rope_head_dim: Option<Sourced<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<Sourced<u32>>,
}

/// What the license allows commercially, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommercialUse {
    /// Permissive (Apache-2.0, MIT and the like).
    Allowed,
    /// Allowed with conditions (user caps, acceptable-use policy, attribution).
    Conditional,
    /// Research or non-commercial use only.
    NonCommercial,
    /// Closed model: usable through the vendor's API under its terms only.
    ApiTermsOnly,
    /// Announced but not released: neither weights nor an API.
    Unreleased,
}

/// The license a model is offered under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// Its name, e.g. "Apache-2.0" or "Llama 4 Community License".
    pub name: String,
    pub commercial_use: CommercialUse,
    /// The commercial terms in a sentence.
    pub terms: String,
    pub source: String,
}

/// Input or output modality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Text,
    Image,
    Audio,
    Video,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Text => "text",
            Modality::Image => "image",
            Modality::Audio => "audio",
            Modality::Video => "video",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modalities {
    pub input: Vec<Modality>,
    pub output: Vec<Modality>,
    pub source: String,
}

/// One entry of `models.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Slug, unique, e.g. "llama-4-maverick".
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub family: String,
    /// Id of the model this one is a variant of (a reasoning variant, a distill).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_of: Option<String>,
    /// Release (or announcement) date, "YYYY-MM-DD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<Sourced<String>>,
    pub open_weights: bool,
    /// Trained to think before answering (a reasoning / "thinking" model).
    pub reasoning: bool,
    /// Total parameters in billions (absent for closed models that do not publish it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params_total_b: Option<Sourced<f64>>,
    /// Parameters active per token in billions (equal to total for dense models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params_active_b: Option<Sourced<f64>>,
    #[serde(default)]
    pub architecture: Architecture,
    /// Context window in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<Sourced<u64>>,
    /// Maximum output tokens per request, where the vendor states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<Sourced<u64>>,
    pub license: License,
    pub modalities: Modalities,
    /// Benchmark id (see `benchmarks.json`) to score.
    #[serde(default)]
    pub benchmarks: BTreeMap<String, Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The unit of a benchmark's scores, which fixes its valid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkUnit {
    /// 0..=100.
    Percent,
    /// Codeforces rating, 0..=4000.
    CodeforcesRating,
    /// LMArena (Bradley-Terry) score, 500..=2500.
    ArenaScore,
}

impl BenchmarkUnit {
    /// Inclusive valid range of a score in this unit.
    pub fn range(self) -> (f64, f64) {
        match self {
            BenchmarkUnit::Percent => (0.0, 100.0),
            BenchmarkUnit::CodeforcesRating => (0.0, 4000.0),
            BenchmarkUnit::ArenaScore => (500.0, 2500.0),
        }
    }
}

/// One entry of `benchmarks.json`: the definition of a benchmark column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// Key used in `Model::benchmarks`, e.g. "gpqa_diamond".
    pub id: String,
    pub name: String,
    pub unit: BenchmarkUnit,
    pub higher_is_better: bool,
    /// Scores must carry `as_of` (leaderboards that move).
    pub requires_as_of: bool,
    pub description: String,
    /// Where the benchmark itself is defined.
    pub source: String,
}

/// One entry of `prices.json`: a provider's list price for a model's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Model id from `models.json`.
    pub model: String,
    /// Who sells it, e.g. "OpenAI", "DeepSeek", "Google".
    pub provider: String,
    /// Optional tier, e.g. "prompts <= 200k tokens" or "batch".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// USD per million input tokens.
    pub input_usd_per_mtok: f64,
    /// USD per million cached input tokens (cache hit), where offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_usd_per_mtok: Option<f64>,
    /// USD per million output tokens.
    pub output_usd_per_mtok: f64,
    /// Date the price was read, "YYYY-MM-DD". Required (an `Option` only so that a
    /// missing date is reported by validation with its path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub source: String,
    /// The day the provider stopped selling the model ("YYYY-MM-DD"), with where that was read.
    /// From that day the price is history, not an offer: no calculator or chart uses it. A day
    /// after the dataset's date is an announced retirement; the price stays current until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<Sourced<String>>,
    /// The day the price takes effect ("YYYY-MM-DD"), with where that was read, for a price the
    /// seller announced before it applied (read on `as_of`, before this day). Until this day it
    /// is an announcement, not an offer: no calculator or chart uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<Sourced<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Price {
    /// Whether the provider had stopped selling at this price by `date` ("YYYY-MM-DD").
    pub fn retired_by(&self, date: &str) -> bool {
        self.retired
            .as_ref()
            .is_some_and(|r| r.value.as_str() <= date)
    }

    /// Whether the price is announced for a day after `date` ("YYYY-MM-DD"): not yet in force.
    pub fn starts_after(&self, date: &str) -> bool {
        self.starts
            .as_ref()
            .is_some_and(|s| s.value.as_str() > date)
    }

    /// The day from which the price applies: its announced start, else the day it was read.
    pub fn effective_day(&self) -> Option<&str> {
        self.starts
            .as_ref()
            .map(|s| s.value.as_str())
            .or(self.as_of.as_deref())
    }
}

/// A sourced amount of money at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedPrice {
    pub usd: f64,
    /// Required, see [`Price::as_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An hourly cloud rental price of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudPrice {
    pub provider: String,
    /// USD per device per hour.
    pub usd_per_hour: f64,
    /// Required, see [`Price::as_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareKind {
    /// Data-centre accelerator.
    DatacenterGpu,
    /// Consumer or workstation graphics card.
    ConsumerGpu,
    /// Apple silicon with unified memory.
    AppleSilicon,
    /// Another machine whose CPU and GPU share one memory pool (NVIDIA GB10, AMD Strix Halo).
    UnifiedMemory,
}

impl HardwareKind {
    /// Whether the GPU's memory is the machine's one pool, shared with the CPU: only part of it
    /// is the GPU's, and there is no separate RAM to offload to.
    pub fn is_unified(self) -> bool {
        matches!(
            self,
            HardwareKind::AppleSilicon | HardwareKind::UnifiedMemory
        )
    }
}

/// One entry of `hardware.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hardware {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub kind: HardwareKind,
    /// Memory (VRAM, or the largest unified-memory configuration) in GB.
    pub memory_gb: Sourced<f64>,
    /// Memory bandwidth in GB/s.
    pub bandwidth_gbs: Sourced<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_price: Option<DatedPrice>,
    #[serde(default)]
    pub cloud: Vec<CloudPrice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One entry of `stacks.json`: a serving stack and what it offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    pub id: String,
    pub name: String,
    pub url: String,
    /// Software license; absent when not read from a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Weight formats and quantizations it loads (e.g. "GGUF", "AWQ", "GPTQ", "FP8").
    pub quant_formats: Vec<String>,
    /// Serves an OpenAI-compatible HTTP API (absent: not stated in the sources read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_compatible_api: Option<bool>,
    /// Batches concurrent requests (continuous / in-flight batching).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous_batching: Option<bool>,
    /// Platforms or back-ends it runs on.
    pub platforms: Vec<String>,
    /// Ships a graphical (desktop or web) user interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_gui: Option<bool>,
    /// Sources the facts above were read from.
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Confirmed,
    Wrong,
    Outdated,
    Unverifiable,
}

/// A number with its unit, as claimed or as sourced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

/// One entry of `claims.json`: a claim from the article, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: String,
    /// The claim in the article's words.
    pub text: String,
    /// True for claims known to be in the article; false for typical claims we added.
    pub from_article: bool,
    pub claimed: Quantity,
    /// e.g. "benchmark", "memory", "price", "economics", "parameters", "context".
    pub topic: String,
    /// Models the claim is about (ids from `models.json`).
    #[serde(default)]
    pub models: Vec<String>,
    pub verdict: Verdict,
    /// What the sources say, where a single number answers the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sourced: Option<Quantity>,
    pub sources: Vec<String>,
    pub explanation: String,
}
