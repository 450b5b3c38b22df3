//! The typed messages between the page and the inference worker.
//!
//! The page sends [`Request`]s and receives [`Event`]s; both are serde enums with named fields,
//! carried as JSON strings in `postMessage` (`{ "json": "...", "file": File? }` towards the
//! worker, a plain JSON string back). The worker posts [`Event::Ready`] first, downloads and
//! caches the model itself and streams [`Event::Progress`], so model weights never cross the main
//! thread. A local GGUF file travels as the `File` object next to the JSON (a `File` is a handle:
//! its bytes are read inside the worker, never uploaded anywhere).
//!
//! This module has no GPU or browser dependency, so the app (built without wgpu) can use it.

use serde::{Deserialize, Serialize};

/// The `localStorage` key under which "Benchmark this device" stores its result, as the JSON of
/// a [`DeviceBench`]. The self-hosting calculator reads it to offer a "this device" option.
pub const DEVICE_BENCH_KEY: &str = "atlas-device-bench";

/// The name of the Cache Storage cache that holds downloaded model parts.
pub const MODEL_CACHE: &str = "atlas-models-v1";

/// Where a model comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelSource {
    /// The model bundled with the site: a `manifest.json` listing its parts, resolved against the
    /// manifest's own URL.
    Bundled {
        /// Absolute URL of the manifest.
        manifest_url: String,
    },
    /// A GGUF file at a URL the visitor typed (e.g. a Hugging Face `resolve` URL). Fetched in
    /// parallel ranges when the server supports them.
    Url {
        /// The file's URL.
        url: String,
    },
    /// A GGUF file from the visitor's disk; the `File` object rides next to the request.
    File {
        /// The file's name, for messages.
        name: String,
        /// Its size in bytes.
        size: u64,
    },
}

/// How to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenParams {
    /// Most tokens to generate.
    pub max_tokens: u32,
    /// Softmax temperature; 0 is greedy.
    pub temperature: f32,
    /// Keep only the `top_k` most likely tokens.
    pub top_k: u32,
    /// Keep the smallest set of tokens whose probability reaches `top_p`.
    pub top_p: f32,
    /// Seed of the sampler's random numbers.
    pub seed: u64,
}

/// Most tokens one request may generate.
pub const MAX_TOKENS_LIMIT: u32 = 512;
/// Largest top-k (the GPU sampler's limit).
pub const TOP_K_LIMIT: u32 = 64;

impl Default for GenParams {
    fn default() -> Self {
        Self {
            max_tokens: 64,
            temperature: 0.7,
            top_k: 40,
            top_p: 0.95,
            seed: 42,
        }
    }
}

impl GenParams {
    /// The same settings brought into their valid ranges (non-finite numbers become defaults).
    pub fn clamped(&self) -> Self {
        let d = Self::default();
        let finite = |v: f32, fallback: f32| if v.is_finite() { v } else { fallback };
        Self {
            max_tokens: self.max_tokens.clamp(1, MAX_TOKENS_LIMIT),
            temperature: finite(self.temperature, d.temperature).clamp(0.0, 2.0),
            top_k: self.top_k.clamp(1, TOP_K_LIMIT),
            top_p: finite(self.top_p, d.top_p).clamp(0.01, 1.0),
            seed: self.seed,
        }
    }

    /// Whether these settings pick the most likely token every time.
    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0 || self.top_k <= 1
    }
}

/// A message from the page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Request {
    /// Load a model (replacing any loaded one).
    Load {
        /// Where it comes from.
        source: ModelSource,
        /// Run on the CPU even when WebGPU is available.
        #[serde(default)]
        force_cpu: bool,
    },
    /// Generate a continuation of `prompt` with the loaded model.
    Generate {
        /// The prompt text.
        prompt: String,
        /// Sampling settings.
        params: GenParams,
    },
    /// Stop what is running: a download, a generation or a benchmark.
    Stop,
    /// Run the fixed benchmark on the loaded model.
    Bench {
        /// A shortened run (16 prompt tokens, 4 decoded) for tests on slow software GPUs; its
        /// figures are noisier than the full run's.
        #[serde(default)]
        quick: bool,
    },
    /// Report what the model cache holds.
    CacheStatus,
    /// Delete every cached model.
    ClearCache,
}

/// What is being loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Bytes from the network.
    Download,
    /// Bytes from the browser's cache.
    Cache,
    /// Bytes from a local file.
    Read,
    /// Checking sha256 sums.
    Verify,
    /// Uploading weights to the GPU (or preparing them for the CPU).
    Upload,
}

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Display name.
    pub name: String,
    /// Architecture, e.g. `gemma3`.
    pub architecture: String,
    /// Quantization, e.g. `Q4_K_M` (or the dominant tensor type of a local file).
    pub quantization: String,
    /// File size in bytes.
    pub size_bytes: u64,
    /// Context length used (KV-cache positions).
    pub context: u32,
    /// `webgpu` or `cpu`.
    pub backend: String,
    /// What runs it: the GPU adapter's name, or "CPU (slow)".
    pub adapter: String,
    /// Whether every byte came from the browser's cache.
    pub from_cache: bool,
    /// Wall time of the whole load, in milliseconds.
    pub load_ms: f64,
    /// Why the CPU is used, when it is.
    pub fallback_reason: Option<String>,
    /// How the GPU holds the weights: `buffers`, or `textures` where the device reads those
    /// faster (SwiftShader); `None` on the CPU.
    #[serde(default)]
    pub weights: Option<String>,
}

/// Why a generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// `max_tokens` were generated.
    Length,
    /// The model produced an end-of-generation token.
    EndOfText,
    /// The visitor pressed Stop.
    Stopped,
}

/// Timings of one generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenStats {
    /// Prompt tokens (BOS included).
    pub prompt_tokens: u32,
    /// Generated tokens.
    pub generated_tokens: u32,
    /// From the request to the first generated token, in milliseconds.
    pub ttft_ms: f64,
    /// Prompt tokens per second.
    pub prefill_tok_s: f64,
    /// Generated tokens per second after the first (0 when fewer than two).
    pub decode_tok_s: f64,
    /// What ran it.
    pub adapter: String,
    /// Why it ended.
    pub finish: FinishReason,
}

/// The result of the fixed benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    /// Adapter name and backend.
    pub adapter: String,
    /// Decoded tokens per second, one step at a time.
    pub decode_tok_s: f64,
    /// Decoded tokens per second with the next step submitted before the previous id is read
    /// (as the demo generates).
    #[serde(default)]
    pub decode_tok_s_pipelined: f64,
    /// Prompt tokens per second.
    pub prefill_tok_s: f64,
    /// Prompt length of the prefill measurement.
    pub prefill_tokens: u32,
    /// Tokens decoded.
    pub decode_tokens: u32,
    /// Weight bytes one decoded token reads.
    pub weight_bytes_per_token: u64,
    /// The device's own read bandwidth from a plain read kernel, in GB/s.
    pub device_read_gb_s: f64,
    /// `decode_tok_s * weight_bytes_per_token / device bandwidth`: the share of the device's
    /// bandwidth decode reaches.
    pub decode_efficiency: f64,
    /// Compute dispatches per decoded token.
    #[serde(default)]
    pub dispatches_per_token: usize,
    /// Which kernel layouts ran: `gpu` or `cpu` (CPU adapters' layouts; see
    /// `gpu::Tuning`). Empty in results stored before it was recorded.
    #[serde(default)]
    pub kernels: String,
}

/// What is stored under [`DEVICE_BENCH_KEY`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceBench {
    /// The adapter measured.
    pub adapter: String,
    /// Decode tokens per second of the bundled model.
    pub decode_tok_s: f64,
    /// Measured read bandwidth, GB/s.
    pub device_read_gb_s: f64,
    /// When, as an ISO 8601 date-time.
    pub date: String,
}

/// One cached model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedModel {
    /// Its source URL (the manifest's for the bundled model).
    pub url: String,
    /// Bytes held.
    pub bytes: u64,
}

/// The kind of a failure, so the page can say what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The network failed or the server answered with an error status.
    Network,
    /// Downloaded bytes did not match the expected size or sha256 sum.
    Integrity,
    /// The browser refused to store more (QuotaExceededError).
    Quota,
    /// The bytes are not a usable GGUF model (truncated, corrupted, another format).
    InvalidModel,
    /// The model is valid but this engine cannot run it.
    Unsupported,
    /// WebGPU failed (no adapter, device lost, a limit too small).
    Gpu,
    /// A request needs a loaded model.
    NotLoaded,
    /// Something else is running.
    Busy,
    /// The request was malformed.
    BadRequest,
    /// The visitor cancelled.
    Cancelled,
    /// Anything else.
    Internal,
}

/// A message from the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// The worker is running; sent once, first.
    Ready {
        /// Engine version.
        version: String,
    },
    /// Loading progress (`total` is 0 when unknown).
    Progress {
        /// What is being loaded.
        phase: Phase,
        /// Bytes done (for [`Phase::Upload`]: 0 when it starts, `total` when it ends).
        loaded: u64,
        /// Bytes in all.
        total: u64,
    },
    /// A model is loaded and ready to generate.
    Loaded {
        /// What it is.
        model: ModelInfo,
    },
    /// One generated token.
    Token {
        /// Its id.
        id: u32,
        /// The text it completes (possibly empty while a UTF-8 sequence is incomplete).
        text: String,
    },
    /// A generation ended.
    Done {
        /// Its timings.
        stats: GenStats,
        /// Text held back at the end (an incomplete UTF-8 sequence, shown as U+FFFD); usually
        /// empty.
        #[serde(default)]
        tail: String,
    },
    /// The benchmark finished.
    BenchDone {
        /// Its result.
        result: BenchResult,
    },
    /// What the model cache holds.
    CacheInfo {
        /// Cached models.
        models: Vec<CachedModel>,
        /// Bytes this site stores (all storage types), if the browser says.
        usage: Option<u64>,
        /// Bytes it may store, if the browser says.
        quota: Option<u64>,
    },
    /// Something that did not stop the work (e.g. the cache was full, the model still loaded).
    Warning {
        /// The kind of problem.
        kind: ErrorKind,
        /// What happened and what to do.
        message: String,
    },
    /// A request failed.
    Error {
        /// The kind of failure.
        kind: ErrorKind,
        /// What happened and what to do.
        message: String,
    },
}

/// A message that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("malformed message: {0}")]
pub struct DecodeError(#[from] serde_json::Error);

macro_rules! json_codec {
    ($t:ty) => {
        impl $t {
            /// Encodes the message as JSON.
            pub fn to_json(&self) -> String {
                // These types hold only strings, numbers and enums: serialising cannot fail.
                serde_json::to_string(self).unwrap_or_default()
            }

            /// Decodes a message from JSON.
            pub fn from_json(s: &str) -> Result<Self, DecodeError> {
                Ok(serde_json::from_str(s)?)
            }
        }
    };
}
json_codec!(Request);
json_codec!(Event);
json_codec!(DeviceBench);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_with_named_fields() {
        let reqs = [
            Request::Load {
                source: ModelSource::Bundled {
                    manifest_url: "http://x/models/m/manifest.json".into(),
                },
                force_cpu: false,
            },
            Request::Load {
                source: ModelSource::File {
                    name: "a.gguf".into(),
                    size: 12,
                },
                force_cpu: true,
            },
            Request::Generate {
                prompt: "The meaning of life is".into(),
                params: GenParams::default(),
            },
            Request::Stop,
            Request::Bench { quick: false },
            Request::CacheStatus,
            Request::ClearCache,
        ];
        for r in reqs {
            let j = r.to_json();
            assert_eq!(Request::from_json(&j).unwrap(), r, "{j}");
        }
        let j = Request::Stop.to_json();
        assert_eq!(j, r#"{"type":"Stop"}"#);
        assert_eq!(
            Request::from_json(r#"{"type":"Bench"}"#).unwrap(),
            Request::Bench { quick: false }
        );
        let g = Request::Generate {
            prompt: "p".into(),
            params: GenParams::default(),
        }
        .to_json();
        assert!(
            g.contains(r#""prompt":"p""#) && g.contains(r#""max_tokens":64"#),
            "{g}"
        );
        // `force_cpu` may be left out.
        let l = r#"{"type":"Load","source":{"kind":"url","url":"https://h/m.gguf"}}"#;
        assert!(matches!(
            Request::from_json(l).unwrap(),
            Request::Load {
                force_cpu: false,
                ..
            }
        ));
    }

    #[test]
    fn events_round_trip() {
        let evs = [
            Event::Ready {
                version: "0.1.0".into(),
            },
            Event::Progress {
                phase: Phase::Download,
                loaded: 5,
                total: 10,
            },
            Event::Token {
                id: 711,
                text: " to".into(),
            },
            Event::Error {
                kind: ErrorKind::Quota,
                message: "full".into(),
            },
        ];
        for e in evs {
            let j = e.to_json();
            assert_eq!(Event::from_json(&j).unwrap(), e, "{j}");
        }
        assert_eq!(
            Event::Progress {
                phase: Phase::Cache,
                loaded: 1,
                total: 2
            }
            .to_json(),
            r#"{"type":"Progress","phase":"cache","loaded":1,"total":2}"#
        );
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert!(Request::from_json("{").is_err());
        assert!(Request::from_json(r#"{"type":"Explode"}"#).is_err());
        assert!(Request::from_json(r#"{"type":"Generate","prompt":"x"}"#).is_err());
    }

    #[test]
    fn params_are_clamped() {
        let p = GenParams {
            max_tokens: 0,
            temperature: f32::NAN,
            top_k: 1000,
            top_p: 7.0,
            seed: 1,
        }
        .clamped();
        assert_eq!(p.max_tokens, 1);
        assert_eq!(p.temperature, GenParams::default().temperature);
        assert_eq!(p.top_k, TOP_K_LIMIT);
        assert_eq!(p.top_p, 1.0);
        assert!(GenParams {
            temperature: 0.0,
            ..GenParams::default()
        }
        .is_greedy());
    }

    #[test]
    fn device_bench_json_has_the_documented_fields() {
        let d = DeviceBench {
            adapter: "SwiftShader".into(),
            decode_tok_s: 3.5,
            device_read_gb_s: 1.4,
            date: "2026-11-24T06:00:00Z".into(),
        };
        let j = d.to_json();
        for k in ["adapter", "decode_tok_s", "device_read_gb_s", "date"] {
            assert!(j.contains(&format!("\"{k}\"")), "{j}");
        }
        assert_eq!(DeviceBench::from_json(&j).unwrap(), d);
    }
}
