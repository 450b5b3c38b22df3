//! The generation loop, over any [`Backend`].

use crate::model::{CpuModel, ModelError};
use crate::sampler::{sample, RandomSource, SamplerConfig, SamplerError};
use crate::tokenizer::{StreamDecoder, Tokenizer};

/// Errors from running a model.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The model failed.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Sampling failed.
    #[error(transparent)]
    Sampler(#[from] SamplerError),
    /// The backend is not available in this build or on this machine.
    #[error("backend '{backend}' is unavailable: {reason}")]
    BackendUnavailable {
        /// Backend name.
        backend: String,
        /// Why.
        reason: String,
    },
    /// A backend-specific failure.
    #[error("{0}")]
    Backend(String),
}

/// Something that turns tokens into next-token logits, keeping its own KV cache.
pub trait Backend {
    /// Short name, e.g. `cpu` or `gpu`.
    fn name(&self) -> &str;
    /// What runs the model, e.g. the GPU adapter's name.
    fn adapter(&self) -> String;
    /// Forgets all positions.
    fn reset(&mut self);
    /// Appends `tokens` at the next positions and returns the logits after the last one.
    fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, EngineError>;
}

impl Backend for CpuModel {
    fn name(&self) -> &str {
        "cpu"
    }

    fn adapter(&self) -> String {
        format!(
            "cpu f32 reference ({} threads)",
            crate::model::math::n_threads()
        )
    }

    fn reset(&mut self) {
        CpuModel::reset(self);
    }

    fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, EngineError> {
        Ok(CpuModel::forward(self, tokens)?)
    }
}

/// Generation settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateParams {
    /// Most tokens to generate.
    pub max_new_tokens: usize,
    /// Sampling settings.
    pub sampler: SamplerConfig,
    /// Stop at an end-of-generation token (it is not included in the output).
    pub stop_at_eog: bool,
}

/// What a generation produced, with timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The prompt's ids, as run (BOS first when the tokenizer adds it).
    pub prompt_ids: Vec<u32>,
    /// The generated ids.
    pub ids: Vec<u32>,
    /// The generated text.
    pub text: String,
    /// Prompt tokens per second.
    pub prefill_tok_s: f64,
    /// Generated tokens per second after the first (0 when fewer than two).
    pub decode_tok_s: f64,
}

/// Runs `prompt_ids` and samples up to `max_new_tokens` tokens, calling `on_text` with each
/// newly complete piece of text. `now` returns seconds from any fixed origin (timings only).
pub fn generate(
    backend: &mut dyn Backend,
    tokenizer: &Tokenizer,
    prompt_ids: &[u32],
    params: &GenerateParams,
    rng: &mut dyn RandomSource,
    now: &dyn Fn() -> f64,
    on_text: &mut dyn FnMut(&str),
) -> Result<Generation, EngineError> {
    backend.reset();
    let mut history = prompt_ids.to_vec();
    let mut ids = Vec::new();
    let mut text = String::new();
    let mut decoder = StreamDecoder::new(false);
    let t0 = now();
    let mut logits = if params.max_new_tokens > 0 {
        backend.forward(prompt_ids)?
    } else {
        Vec::new()
    };
    let t1 = now();
    let mut decode_steps = 0usize;
    for i in 0..params.max_new_tokens {
        let next = sample(&logits, &history, &params.sampler, rng)?;
        if params.stop_at_eog && tokenizer.is_end_of_generation(next) {
            break;
        }
        ids.push(next);
        history.push(next);
        let piece = decoder.push(tokenizer, next);
        if !piece.is_empty() {
            on_text(&piece);
            text.push_str(&piece);
        }
        if i + 1 < params.max_new_tokens {
            logits = backend.forward(&[next])?;
            decode_steps += 1;
        }
    }
    let rest = decoder.finish();
    if !rest.is_empty() {
        on_text(&rest);
        text.push_str(&rest);
    }
    let t2 = now();
    let rate = |n: usize, secs: f64| {
        if n > 0 && secs > 0.0 {
            n as f64 / secs
        } else {
            0.0
        }
    };
    Ok(Generation {
        prompt_ids: prompt_ids.to_vec(),
        ids,
        text,
        prefill_tok_s: rate(prompt_ids.len(), t1 - t0),
        decode_tok_s: rate(decode_steps, t2 - t1),
    })
}
