//! What a model's page says, worked out from the dataset: its architecture facts, each score's
//! rank among the models that have one, its API prices cheapest first (and the earlier ones),
//! the memory it needs per quantization with the smallest listed setup that holds it, the claims
//! about it and its relatives. Pure, so the page and the tests agree.

use crate::charts::memory::QUANTS;
use crate::charts::quality_memory::points;
use crate::data::{ArchKind, Benchmark, Claim, Dataset, Hardware, Model, Price, Score, Sourced};
use crate::econ::vram::{
    estimate_model_memory, fit, weights_gb, Fit, MemoryEstimate, MemoryOptions, Quant, Setup,
    VramError,
};

/// One architecture number with its label: ("Layers", 48 from the config).
pub struct ArchFact<'a> {
    pub label: &'static str,
    pub value: String,
    pub source: &'a str,
    pub note: Option<&'a str>,
}

/// The architecture numbers the dataset holds for `m`, in reading order.
pub fn arch_facts(m: &Model) -> Vec<ArchFact<'_>> {
    let a = &m.architecture;
    let mut out = Vec::new();
    if let Some(k) = &a.kind {
        out.push(ArchFact {
            label: "Design",
            value: match k.value {
                ArchKind::Dense => "dense".into(),
                ArchKind::Moe => "mixture of experts".into(),
            },
            source: &k.source,
            note: k.note.as_deref(),
        });
    }
    let numbers: [(&'static str, &Option<Sourced<u32>>); 22] = [
        ("Layers", &a.layers),
        ("Hidden size", &a.hidden_size),
        ("Attention heads", &a.attention_heads),
        ("KV heads", &a.kv_heads),
        ("Head dimension", &a.head_dim),
        ("Routed experts", &a.experts),
        ("Experts active per token", &a.experts_active),
        ("Shared experts", &a.shared_experts),
        ("Sliding window (tokens)", &a.sliding_window),
        ("Sliding-window layers", &a.sliding_window_layers),
        ("KV heads (global layers)", &a.global_kv_heads),
        ("Head dimension (global layers)", &a.global_head_dim),
        ("Layers per local/global group", &a.sliding_window_period),
        ("Layers reusing another's KV cache", &a.kv_shared_layers),
        (
            "Attention layers (holding the KV cache)",
            &a.attention_layers,
        ),
        ("Compressed layers (CSA)", &a.compressed_layers),
        ("Tokens per compressed entry (CSA)", &a.compress_ratio),
        (
            "Heavily compressed layers (HCA)",
            &a.heavily_compressed_layers,
        ),
        ("Tokens per compressed entry (HCA)", &a.heavy_compress_ratio),
        ("Latent KV size (MLA)", &a.kv_lora_rank),
        ("RoPE key size (MLA)", &a.qk_rope_head_dim),
        ("Vocabulary", &a.vocab_size),
    ];
    for (label, v) in numbers {
        if let Some(v) = v {
            out.push(ArchFact {
                label,
                value: crate::format::grouped(i64::from(v.value)),
                source: &v.source,
                note: v.note.as_deref(),
            });
        }
    }
    out
}

/// A score with its place among every model in the dataset that has one for that benchmark.
pub struct ScoreRow<'a> {
    pub benchmark: &'a Benchmark,
    pub score: &'a Score,
    /// 1 for the best; models with equal scores share a rank.
    pub rank: usize,
    /// How many models have a score on this benchmark.
    pub of: usize,
}

/// `m`'s scores in the order of `benchmarks.json`, each ranked.
pub fn score_rows<'a>(ds: &'a Dataset, m: &'a Model) -> Vec<ScoreRow<'a>> {
    ds.benchmarks
        .iter()
        .filter_map(|b| {
            let score = m.benchmarks.get(&b.id)?;
            let others: Vec<f64> = ds
                .models
                .iter()
                .filter_map(|o| o.benchmarks.get(&b.id).map(|s| s.value))
                .collect();
            let better = others
                .iter()
                .filter(|v| {
                    if b.higher_is_better {
                        **v > score.value
                    } else {
                        **v < score.value
                    }
                })
                .count();
            Some(ScoreRow {
                benchmark: b,
                score,
                rank: better + 1,
                of: others.len(),
            })
        })
        .collect()
}

/// "1st", "2nd", "3rd", "11th", "22nd".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A price for three input tokens to one output token, per million: the usual blend (the one
/// Artificial Analysis uses) for ordering offers of one model.
pub fn blended_usd_per_mtok(p: &Price) -> f64 {
    (3.0 * p.input_usd_per_mtok + p.output_usd_per_mtok) / 4.0
}

/// A model's prices in three lists, which together hold every price listed for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPrices<'a> {
    /// The newest price in force per provider and tier, cheapest blend first.
    pub current: Vec<&'a Price>,
    /// Prices announced for a later day, soonest first.
    pub announced: Vec<&'a Price>,
    /// The older ones that were replaced or retired, newest first.
    pub earlier: Vec<&'a Price>,
}

/// `m`'s prices: current, announced and earlier.
pub fn prices<'a>(ds: &'a Dataset, model_id: &str) -> ModelPrices<'a> {
    let mut current = ds.current_prices(model_id);
    current.sort_by(|a, b| blended_usd_per_mtok(a).total_cmp(&blended_usd_per_mtok(b)));
    let announced = ds.announced_prices(model_id);
    let listed = |p: &Price| {
        current
            .iter()
            .chain(&announced)
            .any(|c| std::ptr::eq(*c, p))
    };
    let mut earlier: Vec<&Price> = ds
        .prices
        .iter()
        .filter(|p| p.model == model_id && !listed(p))
        .collect();
    earlier.sort_by(|a, b| b.as_of.cmp(&a.as_of).then(a.provider.cmp(&b.provider)));
    ModelPrices {
        current,
        announced,
        earlier,
    }
}

/// The smallest setup among the dataset's devices (1, 2, 4 or 8 of one kind) that holds a
/// memory estimate entirely in GPU memory.
#[derive(Clone, Debug, PartialEq)]
pub struct SmallestSetup<'a> {
    pub hardware: &'a Hardware,
    pub devices: u32,
    /// GPU memory the runtime may use over all devices.
    pub gpu_gb: f64,
}

impl SmallestSetup<'_> {
    /// "NVIDIA GeForce RTX 4090: 24 GB", "8× NVIDIA H100 SXM (80 GB): 640 GB", "Apple M4 Max
    /// (36 GB, Mac Studio base): 27 GB usable".
    pub fn label(&self) -> String {
        let name = if self.devices == 1 {
            self.hardware.name.clone()
        } else {
            format!("{}× {}", self.devices, self.hardware.name)
        };
        let usable = if self.hardware.kind.is_unified() {
            " usable"
        } else {
            ""
        };
        format!("{name}: {:.0} GB{usable}", self.gpu_gb)
    }
}

/// Device counts tried for a setup of graphics cards.
const DEVICE_COUNTS: [u32; 4] = [1, 2, 4, 8];

/// The device counts a setup of `h` is tried at: 1, 2, 4 or 8 cards in one server, but one
/// unified-memory machine (a Mac or a mini PC is a whole computer: several of them are a
/// cluster over a network, not a server with more GPU memory).
fn device_counts(h: &Hardware) -> &'static [u32] {
    if h.kind.is_unified() {
        &DEVICE_COUNTS[..1]
    } else {
        &DEVICE_COUNTS
    }
}

/// The setup with the least usable memory that holds `estimate` without offloading to system
/// RAM (fewer devices first on a tie); `None` when not even eight of the largest device do.
pub fn smallest_setup<'a>(ds: &'a Dataset, estimate: &MemoryEstimate) -> Option<SmallestSetup<'a>> {
    let mut best: Option<SmallestSetup<'a>> = None;
    for h in &ds.hardware {
        for &devices in device_counts(h) {
            let setup = Setup::from_hardware(h, devices, 0.0);
            if !matches!(fit(estimate, &setup), Ok(Fit::Fits { .. })) {
                continue;
            }
            let candidate = SmallestSetup {
                hardware: h,
                devices,
                gpu_gb: setup.gpu_gb(),
            };
            let better = match &best {
                None => true,
                Some(b) => (candidate.gpu_gb, candidate.devices) < (b.gpu_gb, b.devices),
            };
            if better {
                best = Some(candidate);
            }
            // More devices of this kind only add memory.
            break;
        }
    }
    best
}

/// One quantization's memory and the smallest setup that holds it.
pub struct MemoryRow<'a> {
    pub quant: Quant,
    pub estimate: MemoryEstimate,
    pub smallest: Option<SmallestSetup<'a>>,
}

/// `m`'s memory at each quantization the memory chart shows, or why it cannot be estimated
/// (a closed model's size, a missing architecture number).
pub fn memory_rows<'a>(
    ds: &'a Dataset,
    m: &Model,
    options: &MemoryOptions,
) -> Result<Vec<MemoryRow<'a>>, VramError> {
    QUANTS
        .into_iter()
        .map(|quant| {
            let estimate = estimate_model_memory(m, quant, options)?;
            Ok(MemoryRow {
                quant,
                smallest: smallest_setup(ds, &estimate),
                estimate,
            })
        })
        .collect()
}

/// `m`'s weights alone at each quantization the memory chart shows (empty when its parameter
/// count is unknown): what can be said of a model whose attention layout the data lacks.
pub fn weights_rows(m: &Model) -> Vec<(Quant, f64)> {
    let Some(params) = m.params_total_b.as_ref().map(|p| p.value) else {
        return Vec::new();
    };
    QUANTS
        .into_iter()
        .filter_map(|q| weights_gb(params, q).ok().map(|gb| (q, gb)))
        .collect()
}

/// An open model that scores better than the page's model on a benchmark in less memory.
pub struct BetterSmaller<'a> {
    pub model: &'a Model,
    pub score: f64,
    /// Its memory at the comparison's quantization and context, GB.
    pub gb: f64,
}

/// The quantization the "better in less memory" comparison counts memory at.
pub const COMPARE_QUANT: Quant = Quant::Q4KM;

/// For each benchmark `m` has a score on (in the dataset's order), the open models that score
/// better and need less memory at `quant` and the options' context, best first. Only models
/// whose memory is known count on either side (a lower bound cannot say "less"), so an open
/// `m` without a KV layout, or a closed one, gets nothing. An empty list for a benchmark puts
/// `m` on that benchmark's quality-against-memory line.
pub fn better_and_smaller<'a>(
    ds: &'a Dataset,
    m: &Model,
    quant: Quant,
    options: &MemoryOptions,
) -> Vec<(&'a Benchmark, f64, Vec<BetterSmaller<'a>>)> {
    let Ok(own) = estimate_model_memory(m, quant, options) else {
        return Vec::new();
    };
    if !m.open_weights {
        return Vec::new();
    }
    ds.benchmarks
        .iter()
        .filter_map(|b| {
            let mine = m.benchmarks.get(&b.id)?.value;
            let better = |x: f64| {
                if b.higher_is_better {
                    x > mine
                } else {
                    x < mine
                }
            };
            // The quality-against-memory chart's points, so the two always agree.
            let mut rivals: Vec<BetterSmaller<'a>> = points(ds, &b.id, quant, options)
                .into_iter()
                .filter(|p| !p.kv_unknown && p.model_id != m.id)
                .filter(|p| better(p.score) && p.gb < own.total_gb)
                .filter_map(|p| {
                    Some(BetterSmaller {
                        model: ds.model(&p.model_id)?,
                        score: p.score,
                        gb: p.gb,
                    })
                })
                .collect();
            rivals.sort_by(|x, y| {
                let by_score = if b.higher_is_better {
                    y.score.total_cmp(&x.score)
                } else {
                    x.score.total_cmp(&y.score)
                };
                by_score.then(x.gb.total_cmp(&y.gb))
            });
            Some((b, mine, rivals))
        })
        .collect()
}

/// The claims that name `model_id`.
pub fn claims_about<'a>(ds: &'a Dataset, model_id: &str) -> Vec<&'a Claim> {
    ds.claims
        .iter()
        .filter(|c| c.models.iter().any(|m| m == model_id))
        .collect()
}

/// Models related to `m`: the one it is a variant of, its own variants, then the rest of its
/// family, each once, in dataset order within each group.
pub fn relatives<'a>(ds: &'a Dataset, m: &Model) -> Vec<(&'static str, &'a Model)> {
    let mut out: Vec<(&'static str, &'a Model)> = Vec::new();
    let mut push = |why: &'static str, o: &'a Model| {
        if o.id != m.id && !out.iter().any(|(_, x)| x.id == o.id) {
            out.push((why, o));
        }
    };
    if let Some(parent) = m.variant_of.as_deref().and_then(|id| ds.model(id)) {
        push("variant of", parent);
    }
    for o in ds
        .models
        .iter()
        .filter(|o| o.variant_of.as_deref() == Some(&m.id))
    {
        push("variant", o);
    }
    for o in ds.models.iter().filter(|o| o.family == m.family) {
        push("same family", o);
    }
    out
}

/// Letters and digits only, lower-cased: "GPT-4o" and "gpt4o" both read "gpt4o".
fn compact(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Models whose id or name shares a word with `wanted` (an unknown id from a link), the most
/// shared words first: "llama-4" suggests the Llama 4 models. A model whose id, written
/// without its dashes, holds the text so written counts as one more word ("gpt4o", "r10528").
pub fn suggestions<'a>(ds: &'a Dataset, wanted: &str) -> Vec<&'a Model> {
    let words: Vec<String> = wanted
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let squeezed = compact(wanted);
    let mut scored: Vec<(usize, &Model)> = ds
        .models
        .iter()
        .filter_map(|m| {
            let hay: Vec<String> =
                m.id.split('-')
                    .map(str::to_string)
                    .chain(m.name.split_whitespace().map(str::to_lowercase))
                    .collect();
            let n = words.iter().filter(|w| hay.contains(w)).count()
                + usize::from(squeezed.len() >= 3 && compact(&m.id).contains(&squeezed));
            (n > 0).then_some((n, m))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().take(6).map(|(_, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset() -> Dataset {
        crate::data::bundled()
    }

    #[test]
    fn ordinals_read_in_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn ranks_count_the_better_scores_and_ties_share_a_place() {
        let ds = dataset();
        for m in &ds.models {
            for row in score_rows(&ds, m) {
                let b = row.benchmark;
                let scores: Vec<f64> = ds
                    .models
                    .iter()
                    .filter_map(|o| o.benchmarks.get(&b.id).map(|s| s.value))
                    .collect();
                assert_eq!(row.of, scores.len());
                let best = if b.higher_is_better {
                    scores.iter().copied().fold(f64::MIN, f64::max)
                } else {
                    scores.iter().copied().fold(f64::MAX, f64::min)
                };
                assert_eq!(row.rank == 1, row.score.value == best, "{} {}", m.id, b.id);
                assert!(row.rank <= row.of);
            }
        }
    }

    #[test]
    fn prices_come_cheapest_first_and_history_apart() {
        let ds = dataset();
        let (mut with_history, mut retired) = (0, 0);
        for m in &ds.models {
            let ModelPrices {
                current,
                announced,
                earlier,
            } = prices(&ds, &m.id);
            assert_eq!(
                current.len() + announced.len() + earlier.len(),
                ds.prices_for(&m.id).count(),
                "{}",
                m.id
            );
            for w in current.windows(2) {
                assert!(blended_usd_per_mtok(w[0]) <= blended_usd_per_mtok(w[1]));
            }
            for old in &earlier {
                // An earlier price was retired, or a newer one from the same seller replaced it.
                if old.retired_by(&ds.meta.date) {
                    retired += 1;
                    continue;
                }
                let newer = ds
                    .prices_for(&m.id)
                    .filter(|c| c.provider == old.provider && c.tier == old.tier)
                    .max_by(|a, b| a.as_of.cmp(&b.as_of))
                    .expect("the seller's newest price");
                assert!(newer.as_of > old.as_of, "{}: {}", m.id, old.provider);
                with_history += 1;
            }
            for c in &current {
                assert!(!c.retired_by(&ds.meta.date), "{}: {}", m.id, c.provider);
                assert!(!c.starts_after(&ds.meta.date), "{}: {}", m.id, c.provider);
            }
            for a in &announced {
                assert!(a.starts_after(&ds.meta.date), "{}: {}", m.id, a.provider);
            }
        }
        assert!(with_history > 0, "the dataset holds price changes");
        assert!(retired > 0, "the dataset holds retired prices");
    }

    #[test]
    fn the_smallest_setup_holds_the_model_and_nothing_smaller_does() {
        let ds = dataset();
        let gemma = ds.model("gemma-3-27b").unwrap();
        let rows = memory_rows(&ds, gemma, &MemoryOptions::default()).unwrap();
        assert_eq!(rows.len(), QUANTS.len());
        for row in &rows {
            let s = row
                .smallest
                .as_ref()
                .expect("27B fits somewhere at every quant");
            assert!(s.gpu_gb >= row.estimate.total_gb);
            // No device of the dataset, at any count tried, holds it in less.
            for h in &ds.hardware {
                for &n in device_counts(h) {
                    let setup = Setup::from_hardware(h, n, 0.0);
                    if setup.gpu_gb() < s.gpu_gb {
                        assert!(!matches!(fit(&row.estimate, &setup), Ok(Fit::Fits { .. })));
                    }
                }
            }
        }
        // Smaller quantizations never need a larger setup.
        for w in rows.windows(2) {
            assert!(
                w[1].smallest.as_ref().unwrap().gpu_gb <= w[0].smallest.as_ref().unwrap().gpu_gb
            );
        }
        // A Mac or a mini PC is suggested alone, never as a cluster of several.
        for m in &ds.models {
            for row in memory_rows(&ds, m, &MemoryOptions::default()).unwrap_or_default() {
                if let Some(s) = row.smallest.filter(|s| s.hardware.kind.is_unified()) {
                    assert_eq!(s.devices, 1, "{}: {}", m.id, s.label());
                }
            }
        }
        // A closed model says why there is no estimate.
        let gpt = ds.model("gpt-4o").unwrap();
        assert!(matches!(
            memory_rows(&ds, gpt, &MemoryOptions::default()),
            Err(VramError::ParamsUnknown)
        ));
    }

    #[test]
    fn without_an_attention_layout_only_the_weights_are_sized() {
        let ds = dataset();
        let behemoth = ds.model("llama-4-behemoth").unwrap();
        assert!(matches!(
            memory_rows(&ds, behemoth, &MemoryOptions::default()),
            Err(VramError::KvFieldUnknown { .. })
        ));
        let rows = weights_rows(behemoth);
        assert_eq!(rows.len(), QUANTS.len());
        let params = behemoth.params_total_b.as_ref().unwrap().value;
        let q8 = rows.iter().find(|(q, _)| *q == Quant::Q8_0).unwrap().1;
        assert_eq!(q8, params * 8.5 / 8.0);
        assert!(weights_rows(ds.model("gpt-4o").unwrap()).is_empty());
    }

    #[test]
    fn setups_are_labelled_with_their_usable_memory() {
        let ds = dataset();
        let h100 = ds
            .hardware
            .iter()
            .find(|h| h.id == "nvidia-h100-sxm")
            .unwrap();
        let one = SmallestSetup {
            hardware: h100,
            devices: 1,
            gpu_gb: 80.0,
        };
        assert_eq!(one.label(), format!("{}: 80 GB", h100.name));
        let eight = SmallestSetup {
            hardware: h100,
            devices: 8,
            gpu_gb: 640.0,
        };
        assert_eq!(eight.label(), format!("8× {}: 640 GB", h100.name));
        let mac = ds
            .hardware
            .iter()
            .find(|h| h.id == "apple-m4-max-36gb")
            .unwrap();
        let mac = SmallestSetup {
            hardware: mac,
            devices: 1,
            gpu_gb: 27.0,
        };
        assert!(mac.label().ends_with(": 27 GB usable"), "{}", mac.label());
    }

    #[test]
    fn relatives_and_suggestions_find_the_family() {
        let ds = dataset();
        let maverick = ds.model("llama-4-maverick").unwrap();
        let rel = relatives(&ds, maverick);
        assert!(rel.iter().all(|(_, m)| m.id != maverick.id));
        assert!(rel
            .iter()
            .any(|(why, m)| *why == "same family" && m.id == "llama-4-scout"));
        let ids: Vec<&str> = rel.iter().map(|(_, m)| m.id.as_str()).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique);

        let found: Vec<&str> = suggestions(&ds, "llama-4")
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert!(
            found.contains(&"llama-4-maverick") && found.contains(&"llama-4-scout"),
            "{found:?}"
        );
        assert!(suggestions(&ds, "zzzz").is_empty());
        // Written without dashes, or with other ones.
        let ids = |text: &str| -> Vec<String> {
            suggestions(&ds, text)
                .iter()
                .map(|m| m.id.clone())
                .collect()
        };
        assert_eq!(ids("gpt4o").first().map(String::as_str), Some("gpt-4o"));
        assert!(ids("deepseek_r1").contains(&"deepseek-r1".to_string()));
        assert!(
            ids("xx").is_empty(),
            "two letters match nothing by themselves"
        );
    }

    #[test]
    fn architecture_facts_follow_the_data() {
        let ds = dataset();
        let gemma = ds.model("gemma-3-27b").unwrap();
        let facts = arch_facts(gemma);
        let layers = facts.iter().find(|f| f.label == "Layers").expect("layers");
        assert_eq!(
            layers.value,
            gemma
                .architecture
                .layers
                .as_ref()
                .unwrap()
                .value
                .to_string()
        );
        assert!(arch_facts(ds.model("gpt-4o").unwrap()).is_empty());
    }

    /// On each benchmark, a model has no better-and-smaller rival exactly when it is on that
    /// benchmark's quality-against-memory line; every rival listed beats it on both counts.
    #[test]
    fn better_in_less_memory_agrees_with_the_quality_against_memory_line() {
        use crate::charts::quality_memory::{frontier, points};
        let ds = dataset();
        let options = MemoryOptions::default();
        let mut checked = 0;
        for b in &ds.benchmarks {
            let pts = points(&ds, &b.id, COMPARE_QUANT, &options);
            let line: Vec<String> = frontier(&pts, b.higher_is_better)
                .into_iter()
                .map(|p| p.model_id)
                .collect();
            for p in pts.iter().filter(|p| !p.kv_unknown) {
                let m = ds.model(&p.model_id).unwrap();
                let all = better_and_smaller(&ds, m, COMPARE_QUANT, &options);
                let (_, mine, rivals) = all.iter().find(|(x, _, _)| x.id == b.id).unwrap();
                assert_eq!(*mine, p.score);
                // Ties aside (another model as good in no more memory, or in the same memory),
                // the line's models are the ones with no rival.
                let tied = pts.iter().filter(|q| !q.kv_unknown).any(|q| {
                    q.model_id != p.model_id
                        && (q.gb == p.gb || (q.gb < p.gb && q.score == p.score))
                });
                if !tied {
                    assert_eq!(
                        rivals.is_empty(),
                        line.contains(&p.model_id),
                        "{} on {}",
                        m.name,
                        b.name
                    );
                }
                for r in rivals {
                    assert!(
                        r.gb < p.gb && r.score > p.score,
                        "{} vs {}",
                        r.model.name,
                        m.name
                    );
                    assert!(r.model.open_weights);
                }
                for pair in rivals.windows(2) {
                    assert!(pair[0].score >= pair[1].score);
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} model-benchmark pairs");
        // Llama 3.1 405B is far from the line on GPQA Diamond.
        let big = ds.model("llama-3.1-405b").unwrap();
        let gpqa = better_and_smaller(&ds, big, COMPARE_QUANT, &options)
            .into_iter()
            .find(|(b, _, _)| b.id == "gpqa_diamond")
            .unwrap();
        assert!(gpqa.2.len() >= 10);
        // Closed models and models without a KV layout get nothing.
        assert!(
            better_and_smaller(&ds, ds.model("gpt-4o").unwrap(), COMPARE_QUANT, &options)
                .is_empty()
        );
    }
}
