//! The loaded model (on WebGPU, or on the CPU when WebGPU is missing) and the generation loop
//! that streams tokens and yields to the event loop between them.

use std::cell::Cell;

use super::js::{self, post};
use super::plan::file_type_name;
use crate::gguf::{GgufFile, MultiSlice};
use crate::gpu::{GpuContext, GpuModel, GpuModelError, GpuModelOptions, PendingToken, WeightStore};
use crate::model::{CpuModel, ModelConfig, ModelError};
use crate::ops::sample::SampleParams;
use crate::protocol::{ErrorKind, Event, FinishReason, GenParams, GenStats, ModelInfo, Phase};
use crate::sampler::{sample, RandomSource, SamplerConfig, SplitMix64};
use crate::tokenizer::{StreamDecoder, Tokenizer};

/// KV-cache positions the page's model gets.
pub const CONTEXT: u32 = 1024;

/// A failure with the kind the page needs to explain it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The kind.
    pub kind: ErrorKind,
    /// What happened and what to do.
    pub message: String,
}

impl Failure {
    /// A failure of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

fn model_failure(e: &ModelError) -> Failure {
    match e {
        ModelError::UnsupportedArch(_) => Failure::new(ErrorKind::Unsupported, e.to_string()),
        ModelError::ContextFull(n) => Failure::new(
            ErrorKind::BadRequest,
            format!(
                "the prompt and the tokens to generate do not fit in the context of {n} tokens"
            ),
        ),
        _ => Failure::new(
            ErrorKind::InvalidModel,
            format!("This file is not a usable GGUF model: {e}"),
        ),
    }
}

fn gpu_failure(e: GpuModelError) -> Failure {
    match e {
        GpuModelError::Model(m) => model_failure(&m),
        GpuModelError::Unsupported(_) => Failure::new(ErrorKind::Unsupported, e.to_string()),
        GpuModelError::Gpu(g) => Failure::new(ErrorKind::Gpu, g.to_string()),
    }
}

/// What runs the model.
pub enum Runner {
    /// WebGPU.
    Gpu(Box<GpuModel>),
    /// The f32 CPU reference (slow, single-threaded in the browser).
    Cpu(Box<CpuModel>),
}

/// A model ready to generate.
pub struct Loaded {
    /// What runs it.
    pub runner: Runner,
    /// Its tokenizer.
    pub tokenizer: Tokenizer,
    /// What the page shows about it.
    pub info: ModelInfo,
}

/// What the caller knows about the bytes being loaded.
pub struct LoadMeta {
    /// Display name when the file has none.
    pub name: String,
    /// Quantization name when known (from the manifest).
    pub quantization: Option<String>,
    /// Whether every byte came from the cache.
    pub from_cache: bool,
    /// When loading started (ms).
    pub started_ms: f64,
    /// Run on the CPU even with WebGPU.
    pub force_cpu: bool,
}

/// Parses the file, builds the tokenizer and loads the weights on WebGPU, falling back to the
/// CPU (with the reason recorded) when WebGPU cannot run it.
pub async fn load(parts: Vec<Vec<u8>>, meta: LoadMeta) -> Result<Loaded, Failure> {
    let size: u64 = parts.iter().map(|p| p.len() as u64).sum();
    let src = MultiSlice::new(parts);
    let f = GgufFile::parse(&src).map_err(|e| {
        Failure::new(
            ErrorKind::InvalidModel,
            format!("This file is not a usable GGUF model (truncated or corrupted?): {e}"),
        )
    })?;
    let cfg = ModelConfig::from_gguf(&f).map_err(|e| model_failure(&e))?;
    let tokenizer = Tokenizer::from_gguf(&f).map_err(|e| {
        Failure::new(
            ErrorKind::InvalidModel,
            format!("The file's tokenizer cannot be used: {e}"),
        )
    })?;
    let name = f
        .get_str("general.name")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| meta.name.clone());
    let quantization = meta
        .quantization
        .clone()
        .or_else(|| {
            f.get_u64("general.file_type")
                .ok()
                .and_then(file_type_name)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into());
    post(&Event::Progress {
        phase: Phase::Upload,
        loaded: 0,
        total: size,
    });
    let mut fallback_reason = None;
    let mut runner = None;
    if meta.force_cpu {
        fallback_reason = Some("the CPU was chosen".to_string());
    } else {
        match GpuContext::new().await {
            Err(e) => fallback_reason = Some(format!("WebGPU is unavailable: {e}")),
            Ok(ctx) => {
                let opts = GpuModelOptions {
                    max_context: CONTEXT,
                    ..GpuModelOptions::default()
                };
                match GpuModel::load(ctx, &f, &src, opts).await {
                    Ok(m) => runner = Some(Runner::Gpu(Box::new(m))),
                    Err(GpuModelError::Model(m)) => return Err(model_failure(&m)),
                    Err(e) => fallback_reason = Some(format!("the GPU cannot run it: {e}")),
                }
            }
        }
    }
    let runner = match runner {
        Some(r) => r,
        None => Runner::Cpu(Box::new(
            CpuModel::load(&f, &src).map_err(|e| model_failure(&e))?,
        )),
    };
    post(&Event::Progress {
        phase: Phase::Upload,
        loaded: size,
        total: size,
    });
    let (backend, adapter) = match &runner {
        Runner::Gpu(m) => {
            let a = m.context().adapter();
            ("webgpu", format!("{} ({})", a.name, a.backend))
        }
        Runner::Cpu(_) => ("cpu", "CPU (slow)".to_string()),
    };
    let context = match &runner {
        Runner::Gpu(_) => CONTEXT,
        Runner::Cpu(_) => CONTEXT.min(cfg.context_length as u32),
    };
    let info = ModelInfo {
        name,
        architecture: cfg.arch.name().to_string(),
        quantization,
        size_bytes: size,
        context,
        backend: backend.into(),
        adapter,
        from_cache: meta.from_cache,
        load_ms: js::now_ms() - meta.started_ms,
        fallback_reason,
        weights: match &runner {
            Runner::Gpu(m) => Some(
                match m.context().weight_store() {
                    WeightStore::Buffer => "buffers",
                    WeightStore::Texture => "textures",
                }
                .to_string(),
            ),
            Runner::Cpu(_) => None,
        },
    };
    Ok(Loaded {
        runner,
        tokenizer,
        info,
    })
}

fn rate(n: u32, ms: f64) -> f64 {
    if n > 0 && ms > 0.0 {
        f64::from(n) * 1000.0 / ms
    } else {
        0.0
    }
}

/// Generates from `prompt`, posting a [`Event::Token`] per token; checks `stop` after yielding
/// to the event loop between tokens. Returns the timings and any text held back at the end.
pub async fn generate(
    m: &mut Loaded,
    prompt: &str,
    params: &GenParams,
    stop: &Cell<bool>,
) -> Result<(GenStats, String), Failure> {
    let p = params.clamped();
    let t0 = js::now_ms();
    let ids = m.tokenizer.encode(prompt, true, true);
    let context = m.info.context as usize;
    if ids.len() + p.max_tokens as usize > context {
        return Err(Failure::new(
            ErrorKind::BadRequest,
            format!(
                "The prompt ({} tokens) and {} tokens to generate do not fit in the context of {context} tokens: shorten the prompt or lower max tokens.",
                ids.len(),
                p.max_tokens
            ),
        ));
    }
    let mut rng = SplitMix64::new(p.seed);
    let mut decoder = StreamDecoder::new(false);
    let mut history = ids.clone();
    let mut generated = 0u32;
    let mut finish = FinishReason::Length;
    let mut ttft_ms = 0.0;
    let mut pending: Option<PendingToken> = None;
    let mut t_first = t0;
    let host_sampler = SamplerConfig {
        temperature: if p.is_greedy() { 0.0 } else { p.temperature },
        top_k: p.top_k as usize,
        top_p: p.top_p,
        ..SamplerConfig::default()
    };
    // The first token.
    let mut next = match &mut m.runner {
        Runner::Gpu(g) => {
            let sp = if p.is_greedy() {
                SampleParams::GREEDY
            } else {
                SampleParams {
                    temperature: p.temperature,
                    top_k: p.top_k,
                    top_p: p.top_p,
                }
            };
            g.set_sampling(sp).map_err(gpu_failure)?;
            g.reset();
            g.prefill(&ids, rng.next_f32()).await.map_err(gpu_failure)?
        }
        Runner::Cpu(c) => {
            c.reset();
            let logits = c.forward(&ids).map_err(|e| model_failure(&e))?;
            sample(&logits, &history, &host_sampler, &mut rng)
                .map_err(|e| Failure::new(ErrorKind::Internal, e.to_string()))?
        }
    };
    loop {
        if generated == 0 {
            t_first = js::now_ms();
            ttft_ms = t_first - t0;
        }
        if m.tokenizer.is_end_of_generation(next) {
            finish = FinishReason::EndOfText;
            break;
        }
        generated += 1;
        history.push(next);
        let text = decoder.push(&m.tokenizer, next);
        post(&Event::Token { id: next, text });
        if generated >= p.max_tokens {
            break;
        }
        // GPU: keep the next step queued while the page shows this token (the GPU feeds its own
        // sampled token forward), so the readback latency hides behind GPU work.
        if let Runner::Gpu(g) = &mut m.runner {
            if pending.is_none() {
                pending = Some(g.submit_decode(None, rng.next_f32()).map_err(gpu_failure)?);
            }
        }
        js::yield_now().await;
        if stop.get() {
            finish = FinishReason::Stopped;
            break;
        }
        next = match &mut m.runner {
            Runner::Gpu(g) => {
                let current = match pending.take() {
                    Some(step) => step,
                    None => g.submit_decode(None, rng.next_f32()).map_err(gpu_failure)?,
                };
                if generated + 1 < p.max_tokens {
                    pending = Some(g.submit_decode(None, rng.next_f32()).map_err(gpu_failure)?);
                }
                g.read_pending(current).await.map_err(gpu_failure)?
            }
            Runner::Cpu(c) => {
                let logits = c.forward(&[next]).map_err(|e| model_failure(&e))?;
                sample(&logits, &history, &host_sampler, &mut rng)
                    .map_err(|e| Failure::new(ErrorKind::Internal, e.to_string()))?
            }
        };
    }
    if let Runner::Gpu(g) = &mut m.runner {
        // Steps still queued (after a stop or an end-of-text token) are dropped.
        g.reset();
    }
    let tail = decoder.finish();
    let t_end = js::now_ms();
    let stats = GenStats {
        prompt_tokens: ids.len() as u32,
        generated_tokens: generated,
        ttft_ms,
        prefill_tok_s: rate(ids.len() as u32, ttft_ms),
        decode_tok_s: rate(generated.saturating_sub(1), t_end - t_first),
        adapter: m.info.adapter.clone(),
        finish,
    };
    Ok((stats, tail))
}
