//! The `/hardware` page's inputs as URL parameters, and the memory figure they produce.

use crate::charts::memory::{self, Capacity, QUANTS};
use crate::charts::quality_memory;
use crate::charts::Figure;
use crate::components::url_state::QueryState;
use crate::data::Dataset;
use std::cmp::Ordering;

use crate::econ::vram::{
    estimate_model_memory_or_weights, fit, Fit, KvCacheType, MemoryBound, MemoryOptions, Quant,
    Setup,
};

/// A GPU setup: `n` devices of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct SetupChoice {
    pub hardware: String,
    pub devices: u32,
}

/// The quality-against-memory chart's benchmark unless the reader picks another.
pub const DEFAULT_QUALITY_BENCHMARK: &str = "gpqa_diamond";

/// The largest context a link or the field takes (ten million tokens: above every model's window).
pub const MAX_CONTEXT_TOKENS: u64 = 10_000_000;
/// The most concurrent sequences.
pub const MAX_SEQUENCES: u32 = 1024;
/// The most system RAM for offload, GB (100 TB).
pub const MAX_SYSTEM_RAM_GB: f64 = 100_000.0;

#[derive(Clone, Debug, PartialEq)]
pub struct HardwareInputs {
    pub models: Vec<String>,
    pub context_tokens: u64,
    pub kv_cache: KvCacheType,
    pub sequences: u32,
    pub setups: Vec<SetupChoice>,
    /// System RAM a runtime can offload layers to (not for unified memory).
    pub system_ram_gb: f64,
    /// How "what each setup runs" orders the models: `None` by size, largest first; or a
    /// benchmark id, best score first (models without a score follow, by size).
    pub rank: Option<String>,
    /// "What each setup runs" lists only the models at least one setup holds in GPU memory.
    pub fitting_only: bool,
    /// The quality-against-memory chart's benchmark (an id from `benchmarks.json`).
    pub quality_benchmark: String,
    /// The quantization the quality-against-memory chart counts each model's memory at.
    pub quality_quant: Quant,
}

impl Default for HardwareInputs {
    fn default() -> Self {
        HardwareInputs {
            // A dense model for one GPU, a hybrid MoE for a server, an MLA giant for a node.
            models: vec![
                "gemma-4-31b".into(),
                "nemotron-3-super-120b-a12b".into(),
                "deepseek-v3.2".into(),
            ],
            context_tokens: 8192,
            kv_cache: KvCacheType::F16,
            sequences: 1,
            setups: vec![
                SetupChoice {
                    hardware: "nvidia-rtx-5090".into(),
                    devices: 1,
                },
                SetupChoice {
                    hardware: "nvidia-h100-sxm".into(),
                    devices: 1,
                },
                SetupChoice {
                    hardware: "nvidia-h100-sxm".into(),
                    devices: 8,
                },
            ],
            system_ram_gb: 64.0,
            rank: None,
            fitting_only: false,
            quality_benchmark: DEFAULT_QUALITY_BENCHMARK.into(),
            quality_quant: Quant::Q4KM,
        }
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn setups_key(setups: &[SetupChoice]) -> String {
    setups
        .iter()
        .map(|s| format!("{}:{}", s.hardware, s.devices))
        .collect::<Vec<_>>()
        .join(",")
}

impl QueryState for HardwareInputs {
    fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> HardwareInputs {
        let mut s = HardwareInputs::default();
        for (k, v) in params {
            match k {
                "m" => s.models = list(v),
                "ctx" => {
                    s.context_tokens = v
                        .parse::<u64>()
                        .ok()
                        .filter(|c| (1..=MAX_CONTEXT_TOKENS).contains(c))
                        .unwrap_or(s.context_tokens)
                }
                "kv" => s.kv_cache = KvCacheType::from_label(v).unwrap_or(s.kv_cache),
                "seq" => {
                    s.sequences = v
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_SEQUENCES).contains(n))
                        .unwrap_or(s.sequences)
                }
                "gpus" => {
                    let parsed: Vec<SetupChoice> = list(v)
                        .iter()
                        .filter_map(|item| {
                            let (hw, n) = item.split_once(':').unwrap_or((item.as_str(), "1"));
                            let devices = n.parse::<u32>().ok().filter(|n| (1..=64).contains(n))?;
                            Some(SetupChoice {
                                hardware: hw.to_string(),
                                devices,
                            })
                        })
                        .collect();
                    s.setups = parsed;
                }
                "ram" => {
                    s.system_ram_gb = v
                        .parse::<f64>()
                        .ok()
                        .filter(|x| (0.0..=MAX_SYSTEM_RAM_GB).contains(x))
                        .unwrap_or(s.system_ram_gb)
                }
                "rank" => s.rank = (!v.is_empty()).then(|| v.to_string()),
                "fit" => s.fitting_only = v == "1",
                "qb" if !v.is_empty() => s.quality_benchmark = v.to_string(),
                "qq" => {
                    s.quality_quant = Quant::from_label(v)
                        .filter(|q| QUANTS.contains(q))
                        .unwrap_or(s.quality_quant)
                }
                _ => {}
            }
        }
        s
    }

    fn to_query(&self) -> String {
        self.query(false)
    }
}

impl HardwareInputs {
    /// Every input as `?k=v&…`, defaults included, so an embedded chart or a citation shows
    /// the same view after a later release changes the defaults.
    pub fn pinned_query(&self) -> String {
        self.query(true)
    }

    fn query(&self, pin: bool) -> String {
        let d = HardwareInputs::default();
        let mut out = Vec::new();
        if pin || self.models != d.models {
            out.push(format!("m={}", self.models.join(",")));
        }
        if pin || self.context_tokens != d.context_tokens {
            out.push(format!("ctx={}", self.context_tokens));
        }
        if pin || self.kv_cache != d.kv_cache {
            out.push(format!("kv={}", self.kv_cache.label()));
        }
        if pin || self.sequences != d.sequences {
            out.push(format!("seq={}", self.sequences));
        }
        if pin || self.setups != d.setups {
            out.push(format!("gpus={}", setups_key(&self.setups)));
        }
        if pin || self.system_ram_gb != d.system_ram_gb {
            out.push(format!("ram={}", self.system_ram_gb));
        }
        if pin || self.quality_benchmark != d.quality_benchmark {
            out.push(format!("qb={}", self.quality_benchmark));
        }
        if pin || self.quality_quant != d.quality_quant {
            out.push(format!("qq={}", self.quality_quant.label()));
        }
        // The table's order and filter: no chart depends on them, so a pinned query names
        // them only when they are set.
        if let Some(id) = &self.rank {
            out.push(format!("rank={id}"));
        }
        if self.fitting_only {
            out.push("fit=1".into());
        }
        if out.is_empty() {
            String::new()
        } else {
            format!("?{}", out.join("&"))
        }
    }
}

impl HardwareInputs {
    /// The quality chart's benchmark if the dataset defines it, else the default's (an old or
    /// mistyped link still draws a chart, and its picker shows what is drawn).
    pub fn quality_benchmark_in<'a>(&'a self, ds: &Dataset) -> &'a str {
        if ds.benchmark(&self.quality_benchmark).is_some() {
            &self.quality_benchmark
        } else {
            DEFAULT_QUALITY_BENCHMARK
        }
    }

    pub fn options(&self) -> MemoryOptions {
        MemoryOptions {
            context_tokens: self.context_tokens,
            kv_cache: self.kv_cache,
            sequences: self.sequences,
            ..MemoryOptions::default()
        }
    }

    /// The setups that name known hardware, with their labels.
    pub fn resolved_setups(&self, ds: &Dataset) -> Vec<(String, Setup)> {
        self.setups
            .iter()
            .filter_map(|c| {
                let hw = ds.hardware.iter().find(|h| h.id == c.hardware)?;
                let setup = Setup::from_hardware(hw, c.devices, self.system_ram_gb);
                Some((format!("{}× {}", c.devices, hw.name), setup))
            })
            .collect()
    }
}

pub fn memory_figure(ds: &Dataset, s: &HardwareInputs) -> Figure {
    memory::figure(ds, &s.models, &s.options(), &capacities(ds, s))
}

/// Each open model's score on the chosen benchmark against its memory at the chosen
/// quantization, with the setups' capacities.
pub fn quality_memory_figure(ds: &Dataset, s: &HardwareInputs) -> Figure {
    quality_memory::figure(
        ds,
        s.quality_benchmark_in(ds),
        s.quality_quant,
        &s.options(),
        &capacities(ds, s),
    )
}

/// The chosen setups as capacity lines.
fn capacities(ds: &Dataset, s: &HardwareInputs) -> Vec<Capacity> {
    s.resolved_setups(ds)
        .into_iter()
        .map(|(label, setup)| Capacity {
            label: capacity_label(&label, &setup),
            gb: setup.gpu_gb(),
        })
        .collect()
}

/// A capacity line's label: the setup, and the memory the line stands at where the device's
/// own name ("NVIDIA H100 SXM (80 GB)") does not say it: several devices' total ("8× NVIDIA
/// H100 SXM (80 GB) = 640 GB") or the usable share of unified memory ("= 27 GB usable").
fn capacity_label(label: &str, setup: &Setup) -> String {
    let gb = setup.gpu_gb();
    match (setup.devices > 1, setup.usable_fraction < 1.0) {
        (_, true) => format!("{label} = {gb:.0} GB usable"),
        (true, false) => format!("{label} = {gb:.0} GB"),
        (false, false) => label.to_string(),
    }
}

/// One verdict cell: "fits", "needs offload", "won't run", or why it cannot be estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub class: &'static str,
    pub text: String,
}

/// Verdicts for a model: one row per quantization, one column per setup.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelVerdicts {
    /// `Some(field)`: the data lacks `field` of the model's attention layout, so no KV cache is
    /// counted and every need is a lower bound ("won't run" stays certain; "fits" means the
    /// weights fit).
    pub kv_unknown: Option<&'static str>,
    /// ("Q4_K_M (23 GB)", one verdict per setup), largest quantization first.
    pub rows: Vec<(String, Vec<Verdict>)>,
}

/// Verdicts for a model: one row per quantization, one column per setup. A model whose size is
/// known but not its attention layout gets lower bounds (weights and overhead alone), said so
/// in every cell.
pub fn verdicts(ds: &Dataset, s: &HardwareInputs, model_id: &str) -> Result<ModelVerdicts, String> {
    let model = ds
        .model(model_id)
        .ok_or_else(|| format!("unknown model “{model_id}”"))?;
    let setups = s.resolved_setups(ds);
    let bounds = QUANTS
        .iter()
        .map(|q| estimate_model_memory_or_weights(model, *q, &s.options()).map(|b| (*q, b)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", model.name))?;
    // The same for every quantization: it is the model's attention layout that is unknown.
    let kv_unknown = bounds.first().and_then(|(_, b)| b.kv_unknown);
    let at_least = at_least(kv_unknown);
    let rows = bounds
        .into_iter()
        .map(|(q, MemoryBound { estimate, .. })| {
            let cells = setups
                .iter()
                .map(|(_, setup)| match fit(&estimate, setup) {
                    Ok(Fit::Fits { need_gb, .. }) if kv_unknown.is_some() => Verdict {
                        class: "fits",
                        text: format!("weights fit ({need_gb:.0} GB)"),
                    },
                    Ok(f @ Fit::Fits { need_gb, .. }) => Verdict {
                        class: "fits",
                        text: format!("{} ({need_gb:.0} GB)", f.label()),
                    },
                    Ok(f @ Fit::NeedsOffload { offload_gb, .. }) => Verdict {
                        class: "offload",
                        text: format!("{} ({at_least}{offload_gb:.0} GB to RAM)", f.label()),
                    },
                    Ok(f @ Fit::WontRun { short_gb, .. }) => Verdict {
                        class: "wont",
                        text: format!("{} ({at_least}{short_gb:.0} GB short)", f.label()),
                    },
                    Err(e) => Verdict {
                        class: "wont",
                        text: e.to_string(),
                    },
                })
                .collect();
            (
                format!("{} ({at_least}{:.0} GB)", q.label(), estimate.total_gb),
                cells,
            )
        })
        .collect();
    Ok(ModelVerdicts { kv_unknown, rows })
}

/// "≥ " before a memory need that leaves out an unknown KV cache (a lower bound), else "".
pub fn at_least(kv_unknown: Option<&str>) -> &'static str {
    if kv_unknown.is_some() {
        "≥ "
    } else {
        ""
    }
}

/// The most precise quantization of a model that a setup holds entirely in GPU memory, with
/// the memory it needs there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BestFit {
    pub quant: Quant,
    pub need_gb: f64,
}

/// One row of "what runs on each setup": a model, and per chosen setup its best fit (`None`:
/// not even the smallest quantization fits in GPU memory).
#[derive(Clone, Debug, PartialEq)]
pub struct RunsOn {
    pub model_id: String,
    pub name: String,
    pub params_total_b: f64,
    /// `Some(field)`: the data lacks `field` of its attention layout, so the fits count the
    /// weights and overhead alone (see [`ModelVerdicts::kv_unknown`]).
    pub kv_unknown: Option<&'static str>,
    pub best: Vec<Option<BestFit>>,
    /// Its score on the benchmark the table ranks by, if it has one.
    pub score: Option<f64>,
}

/// Every open model with a known size, with the most precise quantization (of those the
/// memory chart shows) each setup holds at the page's context, cache type and sequences; for a
/// model whose attention layout the data lacks, the most precise whose weights it holds.
/// Offloading to system RAM does not count as fitting here. Largest first, or, when the inputs
/// rank by a benchmark the dataset defines, best score first and the unscored after them by
/// size; with `fitting_only`, only the models some setup holds.
pub fn runs_on(ds: &Dataset, s: &HardwareInputs) -> Vec<RunsOn> {
    let setups = s.resolved_setups(ds);
    let options = s.options();
    let bench = s.rank.as_deref().and_then(|id| ds.benchmark(id));
    let mut rows: Vec<RunsOn> = ds
        .models
        .iter()
        .filter(|m| m.open_weights)
        .filter_map(|m| {
            // Largest first: the first quantization that fits is the most precise one.
            let estimates = QUANTS
                .iter()
                .map(|q| estimate_model_memory_or_weights(m, *q, &options).map(|b| (*q, b)))
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            let kv_unknown = estimates.first().and_then(|(_, b)| b.kv_unknown);
            let best = setups
                .iter()
                .map(|(_, setup)| {
                    estimates
                        .iter()
                        .find_map(|(quant, b)| match fit(&b.estimate, setup) {
                            Ok(Fit::Fits { need_gb, .. }) => Some(BestFit {
                                quant: *quant,
                                need_gb,
                            }),
                            _ => None,
                        })
                })
                .collect();
            Some(RunsOn {
                model_id: m.id.clone(),
                name: m.name.clone(),
                params_total_b: m.params_total_b.as_ref()?.value,
                kv_unknown,
                best,
                score: bench.and_then(|b| m.benchmarks.get(&b.id)).map(|x| x.value),
            })
        })
        .filter(|r: &RunsOn| !s.fitting_only || r.best.iter().any(Option::is_some))
        .collect();
    let higher_is_better = bench.is_none_or(|b| b.higher_is_better);
    rows.sort_by(|a, b| {
        let by_score = match (a.score, b.score) {
            (Some(x), Some(y)) if higher_is_better => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_score.then(b.params_total_b.total_cmp(&a.params_total_b))
    });
    rows
}

/// For each of `setups` setups, the first row of `rows` (ranked by [`runs_on`]) with a score
/// that the setup holds: the best-scoring model it runs.
pub fn best_per_setup(rows: &[RunsOn], setups: usize) -> Vec<Option<&RunsOn>> {
    (0..setups)
        .map(|i| {
            rows.iter()
                .find(|r| r.score.is_some() && r.best.get(i).is_some_and(Option::is_some))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::econ::vram::UNIFIED_USABLE_FRACTION;

    #[test]
    fn defaults_are_an_empty_query_and_changes_round_trip() {
        assert_eq!(HardwareInputs::default().to_query(), "");
        let s = HardwareInputs {
            models: vec!["gemma-3-4b".into()],
            context_tokens: 32768,
            kv_cache: KvCacheType::Q8_0,
            setups: vec![SetupChoice {
                hardware: "nvidia-rtx-3090".into(),
                devices: 2,
            }],
            ..HardwareInputs::default()
        };
        assert_eq!(HardwareInputs::from_params(pairs(&s.to_query())), s);
    }

    /// A query's `(key, value)` pairs.
    fn pairs(q: &str) -> Vec<(&str, &str)> {
        q.trim_start_matches('?')
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect()
    }

    /// An embed of the default view names every input (see the costs page's test).
    #[test]
    fn a_pinned_query_names_every_input() {
        let d = HardwareInputs::default();
        let every = HardwareInputs {
            models: vec!["gemma-3-4b".into()],
            context_tokens: 32768,
            kv_cache: KvCacheType::Q8_0,
            sequences: 4,
            setups: vec![SetupChoice {
                hardware: "nvidia-rtx-3090".into(),
                devices: 2,
            }],
            system_ram_gb: 128.0,
            // The table's order and filter stay out of a pinned query unless set (below).
            rank: None,
            fitting_only: false,
            quality_benchmark: "swe_bench_verified".into(),
            quality_quant: Quant::Q8_0,
        };
        let keys =
            |q: &str| -> Vec<String> { pairs(q).iter().map(|(k, _)| k.to_string()).collect() };
        assert_eq!(keys(&d.pinned_query()), keys(&every.to_query()));
        assert_eq!(every.pinned_query(), every.to_query());
        assert_eq!(HardwareInputs::from_params(pairs(&d.pinned_query())), d);
    }

    #[test]
    fn the_tables_order_and_filter_round_trip_and_are_pinned_only_when_set() {
        let s = HardwareInputs {
            rank: Some("gpqa_diamond".into()),
            fitting_only: true,
            ..HardwareInputs::default()
        };
        assert_eq!(s.to_query(), "?rank=gpqa_diamond&fit=1");
        assert_eq!(HardwareInputs::from_params(pairs(&s.to_query())), s);
        assert!(s.pinned_query().ends_with("&rank=gpqa_diamond&fit=1"));
        assert!(!HardwareInputs::default().pinned_query().contains("rank="));
        // An empty rank is the default order; any other `fit` leaves the filter off.
        let d = HardwareInputs::from_params([("rank", ""), ("fit", "yes")]);
        assert_eq!(d, HardwareInputs::default());
    }

    #[test]
    fn ranked_by_a_benchmark_the_scored_models_come_first_best_first() {
        let ds = crate::data::bundled();
        let by_size = runs_on(&ds, &HardwareInputs::default());
        let s = HardwareInputs {
            rank: Some("gpqa_diamond".into()),
            ..HardwareInputs::default()
        };
        let ranked = runs_on(&ds, &s);
        // The same models, in another order.
        let ids = |rows: &[RunsOn]| {
            let mut v: Vec<String> = rows.iter().map(|r| r.model_id.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&ranked), ids(&by_size));
        assert!(by_size.iter().all(|r| r.score.is_none()));
        let scored = ranked.iter().take_while(|r| r.score.is_some()).count();
        assert!(
            scored >= 10,
            "{scored} open models with a GPQA Diamond score"
        );
        // Every open model with the score is among the first rows, in descending order ...
        let with_score = ds
            .models
            .iter()
            .filter(|m| m.open_weights && m.params_total_b.is_some())
            .filter(|m| m.benchmarks.contains_key("gpqa_diamond"))
            .count();
        assert_eq!(scored, with_score);
        for pair in ranked[..scored].windows(2) {
            assert!(
                pair[0].score >= pair[1].score,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        // ... and the rest follow, largest first.
        for pair in ranked[scored..].windows(2) {
            assert!(pair[0].params_total_b >= pair[1].params_total_b);
        }
        // An id the dataset does not define ranks by size.
        let unknown = HardwareInputs {
            rank: Some("no-such-benchmark".into()),
            ..HardwareInputs::default()
        };
        let rows = runs_on(&ds, &unknown);
        assert_eq!(
            rows.iter().map(|r| &r.model_id).collect::<Vec<_>>(),
            by_size.iter().map(|r| &r.model_id).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_best_model_a_setup_runs_is_the_first_scored_row_it_holds() {
        let ds = crate::data::bundled();
        let s = HardwareInputs {
            rank: Some("gpqa_diamond".into()),
            fitting_only: true,
            ..HardwareInputs::default()
        };
        let rows = runs_on(&ds, &s);
        // Only models some setup holds.
        assert!(rows.iter().all(|r| r.best.iter().any(Option::is_some)));
        let everything = runs_on(
            &ds,
            &HardwareInputs {
                fitting_only: false,
                ..s.clone()
            },
        );
        assert!(rows.len() < everything.len());
        let best = best_per_setup(&rows, s.setups.len());
        assert_eq!(best.len(), 3);
        for (i, b) in best.iter().enumerate() {
            let b = b.expect("each default setup runs a model with a GPQA Diamond score");
            assert!(b.best[i].is_some());
            // No model that setup holds scores higher.
            for r in everything.iter().filter(|r| r.best[i].is_some()) {
                assert!(
                    r.score.unwrap_or(f64::MIN) <= b.score.unwrap(),
                    "{} vs {}",
                    r.name,
                    b.name
                );
            }
        }
        // The single RTX 5090 holds less than eight H100s, so its best scores no higher.
        assert!(best[0].unwrap().score <= best[2].unwrap().score);
        // Ranked by size, nothing is "best".
        let unranked = runs_on(&ds, &HardwareInputs::default());
        assert!(best_per_setup(&unranked, 3).iter().all(Option::is_none));
    }

    #[test]
    fn an_unknown_quality_benchmark_or_quantization_draws_the_default() {
        let ds = crate::data::bundled();
        let s = HardwareInputs::from_params([("qb", "no-such-benchmark"), ("qq", "Q3_K_S")]);
        assert_eq!(s.quality_quant, Quant::Q4KM);
        assert_eq!(s.quality_benchmark_in(&ds), DEFAULT_QUALITY_BENCHMARK);
        let fig = quality_memory_figure(&ds, &s);
        assert_eq!(fig.title, "GPQA Diamond against memory");
        assert!(!fig.table.rows.is_empty());
        let s = HardwareInputs::from_params([("qb", "hle"), ("qq", "q8_0")]);
        assert_eq!(
            (s.quality_benchmark_in(&ds), s.quality_quant),
            ("hle", Quant::Q8_0)
        );
    }

    #[test]
    fn values_outside_their_limits_keep_the_defaults() {
        let ctx = (MAX_CONTEXT_TOKENS + 1).to_string();
        let seq = (MAX_SEQUENCES + 1).to_string();
        let s =
            HardwareInputs::from_params([("ctx", ctx.as_str()), ("seq", &seq), ("ram", "1e300")]);
        assert_eq!(s, HardwareInputs::default());
        let ctx = MAX_CONTEXT_TOKENS.to_string();
        let s = HardwareInputs::from_params([("ctx", ctx.as_str()), ("ram", "100000")]);
        assert_eq!(
            (s.context_tokens, s.system_ram_gb),
            (MAX_CONTEXT_TOKENS, MAX_SYSTEM_RAM_GB)
        );
    }

    #[test]
    fn bad_setups_are_dropped() {
        let s = HardwareInputs::from_params([("gpus", "a:0,b:x,c:2"), ("ctx", "0")]);
        assert_eq!(
            s.setups,
            vec![SetupChoice {
                hardware: "c".into(),
                devices: 2
            }]
        );
        assert_eq!(s.context_tokens, 8192);
    }

    #[test]
    fn a_capacity_label_adds_only_what_the_device_name_does_not_say() {
        let gpu = |devices| Setup {
            devices,
            memory_gb_per_device: 80.0,
            usable_fraction: 1.0,
            system_ram_gb: 64.0,
        };
        let h100 = "NVIDIA H100 SXM (80 GB)";
        assert_eq!(
            capacity_label(&format!("1× {h100}"), &gpu(1)),
            format!("1× {h100}")
        );
        assert_eq!(
            capacity_label(&format!("8× {h100}"), &gpu(8)),
            format!("8× {h100} = 640 GB")
        );
        let mac = Setup {
            devices: 1,
            memory_gb_per_device: 36.0,
            usable_fraction: UNIFIED_USABLE_FRACTION,
            system_ram_gb: 0.0,
        };
        assert_eq!(
            capacity_label("1× Mac (36 GB)", &mac),
            "1× Mac (36 GB) = 27 GB usable"
        );
    }
}
