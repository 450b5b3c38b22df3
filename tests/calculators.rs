//! The calculators' pages on the shipped dataset: the figures they draw and the self-hosting
//! plans they build, including the visitor's own measured device.

use llm_atlas::charts::memory::QUANTS;
use llm_atlas::charts::{ChartId, ON_LINE_SYMBOL_SIZE};
use llm_atlas::components::url_state::QueryState;
use llm_atlas::data::{Dataset, Date, FILES};
use llm_atlas::econ::api_cost::ApiPrice;
use llm_atlas::econ::self_host::HardwareCost;
use llm_atlas::econ::vram::{
    estimate_model_memory, estimate_model_memory_or_weights, fit, Fit, MemoryOptions, Quant,
};
use llm_atlas::pages::costs::plan::{
    cheapest_api, cost_volume_figure, next_price, not_compared, self_host_plan, CostInputs, Offer,
    PRESETS, THIS_DEVICE,
};
use llm_atlas::pages::embed::figure_for;
use llm_atlas::pages::hardware::plan::{memory_figure, runs_on, verdicts, HardwareInputs};

fn dataset() -> Dataset {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data");
    let texts: Vec<(&str, String)> = FILES
        .iter()
        .map(|f| {
            (
                *f,
                std::fs::read_to_string(dir.join(f)).expect("dataset file"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Dataset::from_json_files(&refs, Date::new(2100, 1, 1).expect("date")).expect("valid dataset")
}

fn params(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_default_cost_view_draws_apis_self_hosting_and_a_break_even() {
    let ds = dataset();
    let (fig, problem) = cost_volume_figure(&ds, &CostInputs::default());
    assert_eq!(problem, None);
    let option: serde_json::Value = serde_json::from_str(&fig.option_json()).expect("json");
    let series = option["series"].as_array().expect("series");
    let lines = series.iter().filter(|s| s["type"] == "line").count();
    // An API whose seller announced a new price for a later day gets a second, dotted line.
    let inputs = CostInputs::default();
    let announced = inputs
        .apis
        .iter()
        .filter(|id| next_price(&ds, id, &inputs.workload()).is_some_and(|n| n.price.is_some()))
        .count();
    assert_eq!(
        lines,
        inputs.apis.len() + announced + 1,
        "one line per API and per announced price, and one self-hosting line"
    );
    assert!(
        fig.table.rows.iter().any(|r| r[1] == "break_even"),
        "a break-even against at least one API"
    );
    // Each break-even in the table is a dot of the break-even series.
    let dots: usize = series
        .iter()
        .filter(|s| s["name"] == llm_atlas::charts::cost_volume::BREAK_EVEN)
        .map(|s| s["data"].as_array().map_or(0, Vec::len))
        .sum();
    let rows = fig
        .table
        .rows
        .iter()
        .filter(|r| r[1] == "break_even")
        .count();
    assert_eq!(dots, rows);
}

#[test]
fn every_preset_builds_a_self_hosting_plan() {
    let ds = dataset();
    for (name, query) in PRESETS {
        let p = params(query);
        let inputs = CostInputs::from_params(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(
            self_host_plan(&ds, &inputs).is_ok(),
            "preset {name}: {:?}",
            self_host_plan(&ds, &inputs).err()
        );
    }
}

#[test]
fn this_device_uses_the_measured_bandwidth_and_is_already_owned() {
    let ds = dataset();
    let unmeasured = CostInputs {
        hardware: THIS_DEVICE.into(),
        ..CostInputs::default()
    };
    let err = self_host_plan(&ds, &unmeasured).expect_err("needs a measurement");
    assert!(err.contains("Benchmark this device"), "{err}");
    let measured = CostInputs {
        device_gbs: Some(100.0),
        ..unmeasured
    };
    let (plan, _, host) = self_host_plan(&ds, &measured).expect("a plan");
    assert_eq!(host.bandwidth_gbs, 100.0);
    assert_eq!(plan.throughput.bandwidth_gbs_per_device, 100.0);
    assert!(
        matches!(plan.hardware, HardwareCost::Purchase { usd_per_device, .. } if usd_per_device == 0.0)
    );
}

#[test]
fn the_memory_view_covers_its_models_and_setups() {
    let ds = dataset();
    let inputs = HardwareInputs::default();
    let fig = memory_figure(&ds, &inputs);
    let option: serde_json::Value = serde_json::from_str(&fig.option_json()).expect("json");
    assert_eq!(
        option["series"].as_array().map(Vec::len),
        Some(inputs.models.len())
    );
    for id in &inputs.models {
        let v = verdicts(&ds, &inputs, id).expect("verdicts");
        assert_eq!(v.kv_unknown, None, "{id}: its KV cache is estimated");
        let rows = v.rows;
        assert_eq!(rows.len(), 7, "{id}: one row per quantization");
        assert!(rows
            .iter()
            .all(|(_, cells)| cells.len() == inputs.setups.len()));
    }
}

#[test]
fn a_model_without_a_kv_layout_gets_lower_bounds_said_as_such() {
    let ds = dataset();
    // An open model with a size whose attention layout the data lacks, found in the data.
    let m = ds
        .models
        .iter()
        .find(|m| {
            m.open_weights
                && m.params_total_b.is_some()
                && estimate_model_memory(m, Quant::Q4KM, &MemoryOptions::default()).is_err()
        })
        .expect("such a model");
    let inputs = HardwareInputs {
        models: vec![m.id.clone()],
        ..HardwareInputs::default()
    };
    let v = verdicts(&ds, &inputs, &m.id).expect("verdicts, not an error");
    assert!(v.kv_unknown.is_some());
    assert_eq!(v.rows.len(), 7);
    for (heading, cells) in &v.rows {
        assert!(heading.contains("(≥ "), "{heading}: a lower bound");
        for c in cells {
            let certain = c.text.starts_with("weights fit (")
                || c.text.starts_with("needs offload (≥ ")
                || c.text.starts_with("won't run (≥ ");
            assert!(certain, "{}", c.text);
        }
    }
    // The bound is the weights and overhead: the same as a model with no cache at all.
    let b = estimate_model_memory_or_weights(m, Quant::Q4KM, &inputs.options()).unwrap();
    assert_eq!(b.estimate.kv_cache_gb, 0.0);
    assert!(b.estimate.total_gb > b.estimate.weights_gb);
    // The chart draws it, named as such, and says why in its subtitle; its CSV leaves the
    // cache empty rather than zero.
    let fig = memory_figure(&ds, &inputs);
    let option: serde_json::Value = serde_json::from_str(&fig.option_json()).expect("json");
    assert_eq!(
        option["series"][0]["name"],
        serde_json::json!(format!("{} (no KV cache)", m.name))
    );
    assert!(fig.subtitle.contains("a lower bound"), "{}", fig.subtitle);
    assert!(!fig.subtitle.contains("Not shown"), "{}", fig.subtitle);
    let csv = fig.table.to_csv();
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{},Q4_K_M,", m.id)) && l.contains(",,")),
        "{csv}"
    );
}

#[test]
fn each_setup_runs_the_most_precise_quantization_that_fits_and_no_more() {
    let ds = dataset();
    let inputs = HardwareInputs::default();
    let setups = inputs.resolved_setups(&ds);
    let rows = runs_on(&ds, &inputs);
    // Every open model with a size, those without a KV layout included (marked).
    let sized: Vec<&str> = ds
        .models
        .iter()
        .filter(|m| m.open_weights && m.params_total_b.is_some())
        .map(|m| m.id.as_str())
        .collect();
    let listed: Vec<&str> = rows.iter().map(|r| r.model_id.as_str()).collect();
    assert_eq!(listed.len(), sized.len(), "listed {listed:?}");
    for id in &sized {
        assert!(listed.contains(id), "{id} is listed");
    }
    assert!(
        rows.iter().any(|r| r.kv_unknown.is_some()) && rows.iter().any(|r| r.kv_unknown.is_none()),
        "the dataset has open models with and without a KV layout"
    );
    for w in rows.windows(2) {
        assert!(w[0].params_total_b >= w[1].params_total_b, "largest first");
    }
    let mut fits_somewhere = 0;
    for row in &rows {
        let m = ds.model(&row.model_id).expect("a dataset model");
        assert!(m.open_weights);
        assert_eq!(row.best.len(), setups.len());
        for (best, (label, setup)) in row.best.iter().zip(&setups) {
            // Every more precise quantization than the one chosen does not fit; the chosen one does.
            let chosen = best.map(|b| b.quant);
            for q in QUANTS {
                let b =
                    estimate_model_memory_or_weights(m, q, &inputs.options()).expect("estimate");
                assert_eq!(b.kv_unknown, row.kv_unknown, "{}", m.id);
                let fits = matches!(fit(&b.estimate, setup), Ok(Fit::Fits { .. }));
                if Some(q) == chosen {
                    assert!(fits, "{} on {label}: {}", m.id, q.label());
                    break;
                }
                assert!(
                    !fits,
                    "{} on {label}: {} fits but was not chosen",
                    m.id,
                    q.label()
                );
            }
            fits_somewhere += usize::from(best.is_some());
        }
    }
    assert!(fits_somewhere > 0);
    // 8× H100 holds a 27B model at full 16-bit precision.
    let gemma = rows
        .iter()
        .find(|r| r.model_id == "gemma-3-27b")
        .expect("gemma");
    let h100x8 = setups
        .iter()
        .position(|(l, _)| l.starts_with("8×"))
        .expect("8× H100");
    assert_eq!(gemma.best[h100x8].map(|b| b.quant.label()), Some("F16"));
}

/// The pages open on models a reader can use today: every default API is sold at the
/// dataset's date (a data update that retires one fails here, not silently on the page), the
/// self-hosted model runs on the default hardware, and the memory chart's models all have
/// the attention layout their KV cache needs.
#[test]
fn the_defaults_are_current_models() {
    let ds = dataset();
    let costs = CostInputs::default();
    for id in &costs.apis {
        assert_eq!(not_compared(&ds, id), None, "{id}");
    }
    let (_, model, _) = self_host_plan(&ds, &costs).expect("the default self-hosting plan");
    assert!(model.open_weights);
    let hw = HardwareInputs::default();
    for id in &hw.models {
        let m = ds
            .model(id)
            .unwrap_or_else(|| panic!("{id} is in the dataset"));
        estimate_model_memory(m, Quant::Q4KM, &hw.options())
            .unwrap_or_else(|e| panic!("{id}: {e:?}"));
    }
    assert_eq!(hw.resolved_setups(&ds).len(), hw.setups.len());
}

#[test]
fn every_chart_can_be_embedded_from_its_defaults() {
    let ds = dataset();
    for id in ChartId::ALL {
        let fig = figure_for(&ds, id, &[]);
        assert_eq!(fig.id, id);
        assert!(!fig.table.rows.is_empty(), "{} plots data", id.slug());
        assert!(fig.source_line.starts_with("Source"), "{}", fig.source_line);
    }
}

#[test]
fn labelled_scatter_series_and_log_axes_hide_overlapping_labels_and_nothing_else_changes() {
    let ds = dataset();
    let fig = figure_for(&ds, ChartId::QualityPrice, &[]);
    let json = fig.option_value().expect("serializes");
    let series = json["series"].as_array().expect("series");
    let models = series
        .iter()
        .find(|s| s["name"] == "Models")
        .expect("scatter");
    assert_eq!(models["label"]["show"], true);
    assert_eq!(models["labelLayout"]["hideOverlap"], true);
    // 10-pixel labels get a 12-pixel line height, so ECharts sees how far they reach.
    assert_eq!(models["label"]["lineHeight"], 12.0);
    // The frontier line has no labels to hide, and the rest of the option is charming's.
    let line = series
        .iter()
        .find(|s| s["type"] == "line")
        .expect("frontier");
    assert!(line.get("labelLayout").is_none());
    // The models on the frontier are drawn larger (their labels win overlaps), and only they.
    let frontier = line["data"].as_array().expect("frontier points");
    assert!(!frontier.is_empty());
    let mut enlarged = 0;
    for d in models["data"].as_array().expect("points") {
        let on_line = frontier.contains(&d["value"]);
        assert_eq!(d.get("symbolSize").is_some(), on_line, "{d}");
        if on_line {
            assert_eq!(d["symbolSize"], ON_LINE_SYMBOL_SIZE);
            enlarged += 1;
        }
    }
    assert_eq!(enlarged, frontier.len());
    let mut plain = serde_json::to_value(&fig.chart).expect("serializes");
    plain["series"]
        .as_array_mut()
        .expect("series")
        .iter_mut()
        .filter(|s| s["name"] == "Models")
        .for_each(|s| {
            s["labelLayout"] = serde_json::json!({ "hideOverlap": true });
            s["label"]["lineHeight"] = serde_json::json!(12.0);
            for d in s["data"].as_array_mut().expect("points") {
                if frontier.contains(&d["value"]) {
                    d["symbolSize"] = ON_LINE_SYMBOL_SIZE.into();
                }
            }
        });
    // Its log axis (the price) hides the labels that would overlap.
    assert_eq!(json["xAxis"]["type"], "log");
    assert_eq!(json["xAxis"]["axisLabel"]["hideOverlap"], true);
    plain["xAxis"]["axisLabel"] = serde_json::json!({ "hideOverlap": true });
    assert_eq!(json, plain);
}

#[test]
fn a_price_that_differs_by_tier_names_the_tier_it_was_chosen_from() {
    let ds = dataset();
    let mix = CostInputs::default().workload();
    // Gemini 2.5 Pro at Google: long prompts cost more.
    let offer = cheapest_api(&ds, "gemini-2.5-pro", &mix).expect("priced");
    assert_eq!(offer.seller, "Google, prompts up to 200k tokens");
    assert_eq!(offer.price.output_usd_per_mtok, 10.0);
    // A single price keeps the provider alone.
    let offer = cheapest_api(&ds, "gpt-4o", &mix).expect("priced");
    assert_eq!(offer.seller, "OpenAI");
}

#[test]
fn a_retired_price_is_never_the_cheapest_and_a_link_to_it_says_why() {
    let ds = dataset();
    let mix = CostInputs::default().workload();
    let date = ds.meta.date.clone();
    for m in &ds.models {
        if let Some(Offer { price, seller, .. }) = cheapest_api(&ds, &m.id, &mix) {
            let listed = ds
                .prices_for(&m.id)
                .find(|p| seller.starts_with(&p.provider) && ApiPrice::from_price(p) == price)
                .expect("the price is listed");
            assert!(!listed.retired_by(&date), "{} at {seller}", m.id);
            assert_eq!(not_compared(&ds, &m.id), None);
        }
    }
    // Qwen3-32B's only seller, Alibaba Cloud, retired it: both tiers' prices are history.
    assert!(cheapest_api(&ds, "qwen3-32b", &mix).is_none());
    let why = not_compared(&ds, "qwen3-32b").expect("not compared");
    let day = &ds
        .prices_for("qwen3-32b")
        .next()
        .unwrap()
        .retired
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(
        why,
        format!("Qwen3-32B is no longer sold: retired by Alibaba Cloud on {day}.")
    );
    // An id from a typo, and an open model nobody sells.
    assert_eq!(
        not_compared(&ds, "gpt-9").as_deref(),
        Some("\u{201c}gpt-9\u{201d} is no model in the dataset.")
    );
    assert_eq!(
        not_compared(&ds, "gemma-3-1b").as_deref(),
        Some("Gemma 3 1B has no API price in the dataset.")
    );
}
