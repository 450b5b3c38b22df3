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
    /// There is nothing to condition on: the prompt has no tokens.
    #[error("the prompt has no tokens")]
    EmptyPrompt,
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
    if prompt_ids.is_empty() {
        return Err(EngineError::EmptyPrompt);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::SplitMix64;
    use crate::tokenizer::{SpecialTokens, TokenType};

    /// A backend whose logits favour `(last token + 1) % n`, so greedy output is predictable.
    struct Counter {
        n: usize,
        calls: Vec<Vec<u32>>,
    }

    impl Backend for Counter {
        fn name(&self) -> &str {
            "counter"
        }
        fn adapter(&self) -> String {
            "test".into()
        }
        fn reset(&mut self) {
            self.calls.clear();
        }
        fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, EngineError> {
            self.calls.push(tokens.to_vec());
            let last = *tokens.last().ok_or(EngineError::EmptyPrompt)? as usize;
            let mut l = vec![0.0; self.n];
            l[(last + 1) % self.n] = 5.0;
            Ok(l)
        }
    }

    fn vocab() -> Tokenizer {
        let pieces = ["<eos>", "<bos>", "a", "b", "c", "d"]
            .map(String::from)
            .to_vec();
        let mut types = vec![TokenType::Normal; 6];
        types[0] = TokenType::Control;
        types[1] = TokenType::Control;
        let special = SpecialTokens {
            bos: Some(1),
            eos: Some(0),
            unk: None,
            pad: None,
            add_bos: true,
            add_eos: false,
            add_space_prefix: false,
            end_of_generation: vec![],
        };
        Tokenizer::new(pieces, vec![0.0; 6], types, special).unwrap()
    }

    fn params(n: usize) -> GenerateParams {
        GenerateParams {
            max_new_tokens: n,
            sampler: SamplerConfig::default(),
            stop_at_eog: true,
        }
    }

    #[test]
    fn greedy_loop_streams_and_stops_at_eos() {
        let tok = vocab();
        let mut b = Counter {
            n: 6,
            calls: vec![],
        };
        let mut streamed = String::new();
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let g = generate(
            &mut b,
            &tok,
            &[1, 2],
            &params(10),
            &mut SplitMix64::new(0),
            &now,
            &mut |s| streamed.push_str(s),
        )
        .unwrap();
        // 2 -> 3 -> 4 -> 5 -> 0 (EOS, not emitted).
        assert_eq!(g.ids, [3, 4, 5]);
        assert_eq!(g.text, "bcd");
        assert_eq!(streamed, "bcd");
        assert_eq!(b.calls, [vec![1, 2], vec![3], vec![4], vec![5]]);
        assert!(g.prefill_tok_s > 0.0 && g.decode_tok_s > 0.0);
    }

    #[test]
    fn max_tokens_and_empty_prompt() {
        let tok = vocab();
        let mut b = Counter {
            n: 6,
            calls: vec![],
        };
        let now = || 0.0;
        let g = generate(
            &mut b,
            &tok,
            &[2],
            &params(2),
            &mut SplitMix64::new(0),
            &now,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(g.ids, [3, 4]);
        assert_eq!(b.calls.len(), 2, "no forward pass after the last token");
        let e = generate(
            &mut b,
            &tok,
            &[],
            &params(2),
            &mut SplitMix64::new(0),
            &now,
            &mut |_| {},
        );
        assert!(matches!(e, Err(EngineError::EmptyPrompt)));
    }
}
