//! Token sampling: greedy, or seeded temperature / top-k / top-p with a repetition penalty.
//! The random source is always passed in, so results are reproducible on every target.

/// A source of uniform random numbers in `[0, 1)`.
pub trait RandomSource {
    /// The next uniform value in `[0, 1)`.
    fn next_f32(&mut self) -> f32;
}

/// A small seeded PRNG (SplitMix64). Deterministic, no OS entropy, works on wasm32.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl RandomSource for SplitMix64 {
    fn next_f32(&mut self) -> f32 {
        // 24 random bits -> exactly representable multiples of 2^-24 in [0, 1).
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// Sampling settings. The defaults are greedy decoding with no penalty.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerConfig {
    /// Softmax temperature; `<= 0` means greedy (argmax).
    pub temperature: f32,
    /// Keep only the `top_k` most likely tokens (0 = no limit).
    pub top_k: usize,
    /// Keep the smallest set of tokens whose probability reaches `top_p` (1 = no limit).
    pub top_p: f32,
    /// Divide positive / multiply negative logits of recent tokens by this (1 = off).
    pub repeat_penalty: f32,
    /// How many recent tokens the penalty looks at.
    pub repeat_last_n: usize,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        Self {
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            repeat_penalty: 1.0,
            repeat_last_n: 64,
        }
    }
}

/// Errors from sampling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamplerError {
    /// No logits, or none of them is a finite number.
    #[error("no finite logits to sample from")]
    NoCandidates,
}

/// Index of the largest finite logit (lowest index on ties).
pub fn argmax(logits: &[f32]) -> Option<u32> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &l) in logits.iter().enumerate() {
        if l.is_finite() && best.is_none_or(|(_, b)| l > b) {
            best = Some((i, l));
        }
    }
    best.map(|(i, _)| i as u32)
}

/// Applies the repetition penalty to the logits of tokens seen in `recent`.
pub fn apply_repeat_penalty(logits: &mut [f32], recent: &[u32], penalty: f32) {
    if penalty == 1.0 {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for &t in recent {
        if !seen.insert(t) {
            continue;
        }
        if let Some(l) = logits.get_mut(t as usize) {
            *l = if *l > 0.0 { *l / penalty } else { *l * penalty };
        }
    }
}

/// Picks the next token from `logits`, given the tokens so far (`history`, for the penalty).
///
/// Order, as llama.cpp's default chain: repetition penalty, top-k, top-p (on the untempered
/// distribution), temperature, then one draw from `rng`.
pub fn sample(
    logits: &[f32],
    history: &[u32],
    cfg: &SamplerConfig,
    rng: &mut dyn RandomSource,
) -> Result<u32, SamplerError> {
    let mut penalised;
    let logits = if cfg.repeat_penalty != 1.0 && !history.is_empty() {
        penalised = logits.to_vec();
        let recent = &history[history.len().saturating_sub(cfg.repeat_last_n)..];
        apply_repeat_penalty(&mut penalised, recent, cfg.repeat_penalty);
        &penalised[..]
    } else {
        logits
    };
    if cfg.temperature <= 0.0 {
        return argmax(logits).ok_or(SamplerError::NoCandidates);
    }
    let mut cand: Vec<(u32, f32)> = logits
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite())
        .map(|(i, &l)| (i as u32, l))
        .collect();
    if cand.is_empty() {
        return Err(SamplerError::NoCandidates);
    }
    let by_logit = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if cfg.top_k > 0 && cfg.top_k < cand.len() {
        cand.select_nth_unstable_by(cfg.top_k - 1, by_logit);
        cand.truncate(cfg.top_k);
    }
    cand.sort_unstable_by(by_logit);
    let max = cand[0].1;
    // As in llama.cpp's default chain: top-p is decided on the untempered distribution,
    // then the temperature shapes the probabilities of what is left.
    if cfg.top_p < 1.0 {
        let weights: Vec<f32> = cand.iter().map(|&(_, l)| (l - max).exp()).collect();
        let total: f32 = weights.iter().sum();
        let mut cum = 0.0;
        let mut keep = cand.len();
        for (i, w) in weights.iter().enumerate() {
            cum += w / total;
            if cum >= cfg.top_p {
                keep = i + 1;
                break;
            }
        }
        cand.truncate(keep);
    }
    let probs: Vec<f32> = cand
        .iter()
        .map(|&(_, l)| ((l - max) / cfg.temperature).exp())
        .collect();
    let total: f32 = probs.iter().sum();
    let r = rng.next_f32() * total;
    let mut acc = 0.0;
    for (i, p) in probs.iter().enumerate() {
        acc += p;
        if r < acc {
            return Ok(cand[i].0);
        }
    }
    Ok(cand[probs.len() - 1].0)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<f32>);
    impl RandomSource for Fixed {
        fn next_f32(&mut self) -> f32 {
            self.0.remove(0)
        }
    }

    #[test]
    fn greedy_and_errors() {
        let cfg = SamplerConfig::default();
        let mut rng = SplitMix64::new(1);
        assert_eq!(sample(&[0.1, 3.0, 3.0, -1.0], &[], &cfg, &mut rng), Ok(1));
        assert_eq!(sample(&[f32::NAN, 0.5], &[], &cfg, &mut rng), Ok(1));
        assert_eq!(
            sample(&[], &[], &cfg, &mut rng),
            Err(SamplerError::NoCandidates)
        );
        let hot = SamplerConfig {
            temperature: 1.0,
            ..cfg
        };
        assert_eq!(
            sample(&[f32::NAN], &[], &hot, &mut rng),
            Err(SamplerError::NoCandidates)
        );
    }

    #[test]
    fn repetition_penalty() {
        let mut l = [2.0, -2.0, 1.0];
        apply_repeat_penalty(&mut l, &[0, 1, 0], 2.0);
        assert_eq!(l, [1.0, -4.0, 1.0]);
        // With the penalty, greedy picks a token not seen recently.
        let cfg = SamplerConfig {
            repeat_penalty: 3.0,
            ..SamplerConfig::default()
        };
        assert_eq!(
            sample(&[2.0, 1.0], &[0], &cfg, &mut SplitMix64::new(0)),
            Ok(1)
        );
        // Only the last `repeat_last_n` tokens count.
        let cfg = SamplerConfig {
            repeat_last_n: 1,
            ..cfg
        };
        assert_eq!(
            sample(&[2.0, 1.0], &[0, 1], &cfg, &mut SplitMix64::new(0)),
            Ok(0)
        );
    }

    #[test]
    fn temperature_top_k_top_p_with_fixed_draws() {
        // Probabilities at T = 1 for logits ln(0.5), ln(0.3), ln(0.2): 0.5, 0.3, 0.2.
        let logits = [0.2f32.ln(), 0.5f32.ln(), 0.3f32.ln()];
        let cfg = SamplerConfig {
            temperature: 1.0,
            ..SamplerConfig::default()
        };
        // Sorted: id1 (0.5), id2 (0.3), id0 (0.2); cumulative 0.5, 0.8, 1.0.
        for (draw, want) in [
            (0.0, 1),
            (0.49, 1),
            (0.51, 2),
            (0.79, 2),
            (0.81, 0),
            (0.999, 0),
        ] {
            assert_eq!(
                sample(&logits, &[], &cfg, &mut Fixed(vec![draw])),
                Ok(want),
                "draw {draw}"
            );
        }
        // top_k = 2 renormalises over {id1, id2}: 0.625 / 0.375.
        let k2 = SamplerConfig {
            top_k: 2,
            ..cfg.clone()
        };
        assert_eq!(sample(&logits, &[], &k2, &mut Fixed(vec![0.6])), Ok(1));
        assert_eq!(sample(&logits, &[], &k2, &mut Fixed(vec![0.63])), Ok(2));
        assert_eq!(sample(&logits, &[], &k2, &mut Fixed(vec![0.999])), Ok(2));
        // top_p = 0.7 keeps {id1, id2} (cumulative 0.8 >= 0.7); top_p = 0.4 keeps only id1.
        let p7 = SamplerConfig {
            top_p: 0.7,
            ..cfg.clone()
        };
        assert_eq!(sample(&logits, &[], &p7, &mut Fixed(vec![0.999])), Ok(2));
        let p4 = SamplerConfig {
            top_p: 0.4,
            ..cfg.clone()
        };
        assert_eq!(sample(&logits, &[], &p4, &mut Fixed(vec![0.999])), Ok(1));
        // Top-p is decided before the temperature: at T = 10 the three are nearly equally
        // likely, but top_p = 0.5 already kept only id1 (0.5 >= 0.5 at T = 1).
        let hot_p = SamplerConfig {
            top_p: 0.5,
            temperature: 10.0,
            ..cfg.clone()
        };
        assert_eq!(sample(&logits, &[], &hot_p, &mut Fixed(vec![0.999])), Ok(1));
        // A low temperature sharpens: at T = 0.1 id1 gets 0.5^10 / (0.5^10 + 0.3^10 + 0.2^10) ~ 0.994.
        let cold = SamplerConfig {
            temperature: 0.1,
            ..cfg
        };
        assert_eq!(sample(&logits, &[], &cold, &mut Fixed(vec![0.99])), Ok(1));
    }

    #[test]
    fn seeded_sampling_is_reproducible_and_follows_probabilities() {
        let logits = [0.0f32, 1.0, 2.0];
        let cfg = SamplerConfig {
            temperature: 1.0,
            ..SamplerConfig::default()
        };
        let run = |seed| {
            let mut rng = SplitMix64::new(seed);
            (0..3000)
                .map(|_| sample(&logits, &[], &cfg, &mut rng).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        let draws = run(7);
        let z: f32 = logits.iter().map(|l| l.exp()).sum();
        for id in 0..3u32 {
            let freq = draws.iter().filter(|&&d| d == id).count() as f32 / draws.len() as f32;
            let p = logits[id as usize].exp() / z;
            assert!((freq - p).abs() < 0.03, "token {id}: {freq} vs {p}");
        }
        let mut rng = SplitMix64::new(0);
        assert!((0..1000)
            .map(|_| rng.next_f32())
            .all(|x| (0.0..1.0).contains(&x)));
    }
}
