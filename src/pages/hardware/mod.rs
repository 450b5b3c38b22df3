//! `/hardware`: how much memory a model needs at each quantization, and whether it fits a GPU
//! setup. Every input lives in the URL.

pub mod plan;

use crate::app::href;
use crate::charts::memory::QUANTS;
use crate::components::dataset::{BenchmarkSelect, WithDataset};
use crate::components::echart::ChartPanel;
use crate::components::hardware_select::{hardware_groups, hardware_options};
use crate::components::jump::JumpToResults;
use crate::components::shell::PageHead;
use crate::components::url_state::{use_url_state, CheckList, Choice, NumberField, UrlState};
use crate::data::query::Column;
use crate::data::{field_label, Dataset};
use crate::econ::vram::{KvCacheType, Quant};
use crate::pages::model::model_href;
use crate::pages::models::cell_view;
use crate::pages::models::columns::format_params_b;
use leptos::prelude::*;
use plan::{
    best_per_setup, memory_figure, quality_memory_figure, runs_on, verdicts, HardwareInputs,
    ModelVerdicts, SetupChoice,
};
use std::sync::Arc;

#[component]
pub fn Hardware() -> impl IntoView {
    crate::components::echart::preload_echarts();
    view! {
        <PageHead title="Hardware" heading="Hardware: will it fit?">
            "Memory a model needs (weights, KV cache, overhead) at each quantization, against the GPUs you "
            "have in mind. The formulas are on the "
            <a href=href("/about#method-econ")>"about page"</a>
            "."
        </PageHead>
        <WithDataset let:ds>
            <HardwareView ds />
        </WithDataset>
    }
}

#[component]
fn HardwareView(ds: Arc<Dataset>) -> impl IntoView {
    let inputs: UrlState<HardwareInputs> = use_url_state("/hardware");
    let state = inputs.state;
    let d1 = ds.clone();
    let figure = Signal::derive(move || state.with(|s| memory_figure(&d1, s)));
    // Embeds and citations pin every input, so they outlive a change of the defaults.
    let query = Signal::derive(move || state.with(HardwareInputs::pinned_query));
    let dataset = (ds.meta.version.clone(), ds.meta.date.clone());
    let open: Vec<Choice> = ds
        .models
        .iter()
        .filter(|m| m.open_weights && m.params_total_b.is_some())
        .map(Choice::from)
        .collect();
    let hardware = hardware_groups(&ds);
    // Machines whose GPU shares the computer's one memory pool: several of them are a cluster.
    let unified: Vec<String> = ds
        .hardware
        .iter()
        .filter(|h| h.kind.is_unified())
        .map(|h| h.id.clone())
        .collect();
    let d2 = ds.clone();
    let d3 = ds.clone();
    let results = NodeRef::<leptos::html::Div>::new();
    view! {
        <JumpToResults results />
        <div class="calc">
            <form class="calc-inputs" on:submit=|ev| ev.prevent_default() aria-label="Memory inputs">
                <fieldset class="group">
                    <legend>"Models"</legend>
                    <CheckList state=inputs items=open noun="models" get=|s: &HardwareInputs| &s.models get_mut=|s: &mut HardwareInputs| &mut s.models />
                </fieldset>
                <fieldset class="group">
                    <legend>"Context"</legend>
                    <NumberField state=inputs label="Context length (tokens)" testid="ctx" step="1024" min=1.0 max=plan::MAX_CONTEXT_TOKENS as f64 get=|s: &HardwareInputs| Some(s.context_tokens as f64) set=|s: &mut HardwareInputs, v| if let Some(v) = v.filter(|v| *v >= 1.0) { s.context_tokens = v.round() as u64 } />
                    <label class="field">
                        <span>"KV cache precision"</span>
                        <select
                            data-testid="kv"
                            prop:value=move || state.with(|s| s.kv_cache.label().to_string())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                inputs.update(false, |s| s.kv_cache = KvCacheType::from_label(&v).unwrap_or(s.kv_cache))
                            }
                        >
                            {[KvCacheType::F16, KvCacheType::Q8_0, KvCacheType::Q4_0]
                                .into_iter()
                                .map(|k| view! { <option value=k.label()>{k.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <NumberField state=inputs label="Concurrent sequences" testid="seq" step="1" min=1.0 max=f64::from(plan::MAX_SEQUENCES) get=|s: &HardwareInputs| Some(f64::from(s.sequences)) set=|s: &mut HardwareInputs, v| if let Some(v) = v.filter(|v| *v >= 1.0) { s.sequences = v.round() as u32 } />
                </fieldset>
                <fieldset class="group">
                    <legend>"GPU setups"</legend>
                    {move || {
                        let hardware = hardware.clone();
                        let unified = unified.clone();
                        state
                            .with(|s| s.setups.clone())
                            .into_iter()
                            .enumerate()
                            .map(|(i, setup)| {
                                let hw = setup.hardware.clone();
                                let cluster = (setup.devices > 1 && unified.contains(&hw)).then(|| {
                                    view! {
                                        <p class="setup-note" data-testid=format!("setup-{i}-cluster")>
                                            {format!(
                                                "{} machines, each a whole computer: pooling their memory takes a network cluster (llama.cpp's RPC backend, exo), which adds network time to every token.",
                                                setup.devices
                                            )}
                                        </p>
                                    }
                                });
                                view! {
                                    <div class="setup-row" data-testid=format!("setup-{i}")>
                                        <select
                                            aria-label=format!("Setup {} hardware", i + 1)
                                            prop:value=hw
                                            on:change=move |ev| {
                                                let v = event_target_value(&ev);
                                                inputs.update(false, |s| if let Some(x) = s.setups.get_mut(i) { x.hardware = v })
                                            }
                                        >
                                            {hardware_options(&hardware)}
                                        </select>
                                        <input
                                            type="number"
                                            min="1"
                                            max="64"
                                            step="1"
                                            aria-label=format!("Setup {} devices", i + 1)
                                            prop:value=setup.devices.to_string()
                                            on:change=move |ev| {
                                                if let Ok(v) = event_target_value(&ev).trim().parse::<u32>() {
                                                    let v = v.clamp(1, 64);
                                                    inputs.update(false, |s| if let Some(x) = s.setups.get_mut(i) { x.devices = v })
                                                }
                                            }
                                        />
                                        <span class="setup-unit" aria-hidden="true">"devices"</span>
                                        <button type="button" aria-label=format!("Remove setup {}", i + 1) on:click=move |_| inputs.update(false, |s| { if i < s.setups.len() { s.setups.remove(i); } })>
                                            "×"
                                        </button>
                                        {cluster}
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                    <button
                        type="button"
                        data-testid="add-setup"
                        on:click=move |_| inputs.update(false, |s| s.setups.push(SetupChoice { hardware: "nvidia-rtx-5090".into(), devices: 2 }))
                    >
                        "Add a setup"
                    </button>
                    <NumberField state=inputs label="System RAM for offload (GB)" testid="ram" step="8" max=plan::MAX_SYSTEM_RAM_GB get=|s: &HardwareInputs| Some(s.system_ram_gb) set=|s: &mut HardwareInputs, v| if let Some(v) = v { s.system_ram_gb = v } />
                </fieldset>
            </form>
            <div class="calc-results" id="results" tabindex="-1" node_ref=results>
                <ChartPanel figure query dataset />
                <h2>"Verdicts"</h2>
                {move || {
                    state.with(|s| {
                        let setups = s.resolved_setups(&d2);
                        s.models
                            .iter()
                            .map(|id| {
                                let name = d2.model(id).map(|m| m.name.clone()).unwrap_or_else(|| id.clone());
                                match verdicts(&d2, s, id) {
                                    Ok(ModelVerdicts { kv_unknown, rows }) => view! {
                                        {kv_unknown.map(|field| view! {
                                            <p class="notice" data-testid=format!("kv-unknown-{id}")>
                                                {format!(
                                                    "{name}: the dataset lacks its {}, so its KV cache is not counted: the needs below are its weights and overhead alone, a lower bound. \u{201c}Won't run\u{201d} holds whatever the cache; \u{201c}weights fit\u{201d} does not count it yet.",
                                                    field_label(field)
                                                )}
                                            </p>
                                        })}
                                        <div class="table-scroll verdicts" tabindex="0" role="region" aria-label=format!("Verdicts for {name}")>
                                            <table data-testid=format!("verdicts-{id}")>
                                                <caption>{name.clone()}</caption>
                                                <thead>
                                                    <tr>
                                                        <th scope="col">"Quantization (need)"</th>
                                                        {setups.iter().map(|(l, _)| view! { <th scope="col">{l.clone()}</th> }).collect_view()}
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {rows
                                                        .into_iter()
                                                        .map(|(q, cells)| view! {
                                                            <tr>
                                                                <th scope="row">{q}</th>
                                                                {cells.into_iter().map(|c| view! { <td class=format!("verdict-{}", c.class)>{c.text}</td> }).collect_view()}
                                                            </tr>
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }
                                    .into_any(),
                                    Err(e) => view! { <p class="notice">{e}</p> }.into_any(),
                                }
                            })
                            .collect_view()
                    })
                }}
                <RunsOnTable ds=d3.clone() inputs />
                <QualityMemoryChart ds=d3 inputs />
            </div>
        </div>
    }
}

/// Every open model against the chosen setups: the most precise quantization each holds, in
/// order of size or of a benchmark's scores, with the best-scoring model each setup runs.
#[component]
fn RunsOnTable(ds: Arc<Dataset>, inputs: UrlState<HardwareInputs>) -> impl IntoView {
    let state = inputs.state;
    let no_setups = {
        let ds = ds.clone();
        move || state.with(|s| s.resolved_setups(&ds).is_empty())
    };
    // The controls stay outside the re-rendered part, so a keyboard keeps its place in them.
    let rank_options = ds
        .benchmarks
        .iter()
        .map(|b| view! { <option value=b.id.clone()>{b.name.clone()}</option> })
        .collect_view();
    let rank_value = {
        let ds = ds.clone();
        move || {
            state.with(|s| {
                s.rank
                    .clone()
                    .filter(|id| ds.benchmark(id).is_some())
                    .unwrap_or_default()
            })
        }
    };
    let body = move || {
        state.with(|s| {
            let setups = s.resolved_setups(&ds);
            if setups.is_empty() {
                return view! {
                    <p class="empty">"Add a GPU setup to see which models it runs."</p>
                }
                .into_any();
            }
            let bench = s.rank.as_deref().and_then(|id| ds.benchmark(id));
            let rows = runs_on(&ds, s);
            // Per setup, the model named as its best above the table and marked in its column.
            let best = match bench {
                Some(_) => best_per_setup(&rows, setups.len()),
                None => vec![None; setups.len()],
            };
            let best_ids: Vec<Option<String>> = best
                .iter()
                .map(|r| r.map(|r| r.model_id.clone()))
                .collect();
            let summary = bench.map(|b| {
                let items = best
                    .iter()
                    .copied()
                    .zip(&setups)
                    .enumerate()
                    .map(|(i, (best, (label, _)))| {
                        let what = match best {
                            Some(r) => {
                                let fit = r.best.get(i).copied().flatten();
                                let score = ds
                                    .model(&r.model_id)
                                    .map(|m| cell_view(&ds, m, &Column::Benchmark(b.id.clone())));
                                view! {
                                    <a href=model_href(&r.model_id)>{r.name.clone()}</a>
                                    ", "
                                    {score}
                                    {format!(
                                        " on {}{}{}",
                                        b.name,
                                        fit.map(|f| format!(", at {}", f.quant.label())).unwrap_or_default(),
                                        if r.kv_unknown.is_some() { " (its weights: the dataset lacks its KV cache layout)" } else { "" }
                                    )}
                                }
                                .into_any()
                            }
                            None => format!("no model with a {} score fits", b.name).into_any(),
                        };
                        view! { <li><strong>{label.clone()}</strong>": " {what}</li> }
                    })
                    .collect_view();
                let lead = format!("The best model by {} each setup runs:", b.name);
                view! {
                    <p class="best-runs-lead">{lead.clone()}</p>
                    <ul class="best-runs" data-testid="best-per-setup" aria-label=lead>
                        {items}
                    </ul>
                }
            });
            let heads = setups
                .iter()
                .map(|(label, _)| view! { <th scope="col">{label.clone()}</th> })
                .collect_view();
            let score_head = bench.map(|b| view! { <th scope="col" class="num">{b.name.clone()}</th> });
            let rows = rows
                .into_iter()
                .map(|r| {
                    let at_least = plan::at_least(r.kv_unknown);
                    let cells = r
                        .best
                        .iter()
                        .enumerate()
                        .map(|(i, b)| match b {
                            Some(b) => {
                                let best = best_ids.get(i).and_then(Option::as_ref) == Some(&r.model_id);
                                view! {
                                    <td class="verdict-fits" class:best-run=best>
                                        {format!("{} · {at_least}{:.0} GB", b.quant.label(), b.need_gb)}
                                        {best.then(|| view! { " " <span class="badge">"best"</span> })}
                                    </td>
                                }
                                .into_any()
                            }
                            None => view! {
                                <td class="verdict-wont">"not even Q2_K"</td>
                            }
                            .into_any(),
                        })
                        .collect_view();
                    let no_kv = r.kv_unknown.map(|field| {
                        let why = format!(
                            "The dataset lacks its {}: the memory counted is its weights and overhead alone.",
                            field_label(field)
                        );
                        view! { " " <span class="badge" title=why.clone() aria-label=why>"no KV cache"</span> }
                    });
                    let score = bench.map(|b| {
                        let value = ds
                            .model(&r.model_id)
                            .map(|m| cell_view(&ds, m, &Column::Benchmark(b.id.clone())));
                        view! { <td class="num score">{value}</td> }
                    });
                    view! {
                        <tr data-model=r.model_id.clone() class:kv-unknown=r.kv_unknown.is_some()>
                            <th scope="row">
                                <a href=model_href(&r.model_id)>{r.name}</a>
                                {no_kv}
                            </th>
                            <td class="num">{format_params_b(r.params_total_b)}</td>
                            {score}
                            {cells}
                        </tr>
                    }
                })
                .collect_view();
            let order = match bench {
                Some(b) => format!(
                    "best {} score first (most are the makers' own figures), then the models the dataset has no such score for, largest first",
                    b.name
                ),
                None => "largest first".to_string(),
            };
            let which = if s.fitting_only {
                "The open models at least one setup holds"
            } else {
                "Every open model in the dataset"
            };
            view! {
                <p class="sv-muted">
                    {format!("{which}, {order}, ")}
                    "with the most precise quantization each setup holds entirely in GPU memory at the "
                    "context, cache precision and sequences above (offloading to system RAM does not count "
                    "here). A model marked \u{201c}no KV cache\u{201d} lacks its attention layout in the "
                    "dataset: its weights and overhead are counted, not its cache."
                </p>
                {summary}
                <div class="table-scroll verdicts" tabindex="0" role="region" aria-label="What each setup runs">
                    <table class="runs-on" data-testid="runs-on">
                        <thead>
                            <tr>
                                <th scope="col">"Model"</th>
                                <th scope="col" class="num">"Params"</th>
                                {score_head}
                                {heads}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <h2 id="runs-on">"What each setup runs"</h2>
        <div class="runs-on-tools" hidden=no_setups>
            <label class="field inline-field">
                <span>"Order by"</span>
                <select
                    data-testid="rank"
                    prop:value=rank_value
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.update(false, |s| s.rank = (!v.is_empty()).then_some(v))
                    }
                >
                    <option value="">"Size, largest first"</option>
                    <optgroup label="Benchmark score, best first">{rank_options}</optgroup>
                </select>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="fitting-only"
                    prop:checked=move || state.with(|s| s.fitting_only)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        inputs.update(false, |s| s.fitting_only = on)
                    }
                />
                "Only the models a setup runs"
            </label>
        </div>
        {body}
    }
}

/// Quality against memory: the chosen benchmark's scores against the memory each open model
/// needs at the chosen quantization, with the setups' capacities.
#[component]
fn QualityMemoryChart(ds: Arc<Dataset>, inputs: UrlState<HardwareInputs>) -> impl IntoView {
    let state = inputs.state;
    let dataset = (ds.meta.version.clone(), ds.meta.date.clone());
    let d = ds.clone();
    let figure = Signal::derive(move || state.with(|s| quality_memory_figure(&d, s)));
    let d2 = ds.clone();
    let query = Signal::derive(move || state.with(HardwareInputs::pinned_query));
    let quants = QUANTS
        .iter()
        .map(|q| view! { <option value=q.label()>{q.label()}</option> })
        .collect_view();
    view! {
        <div class="chart-inputs">
            <BenchmarkSelect
                ds
                label="Quality measured by"
                testid="memory-quality-benchmark"
                value=Signal::derive(move || state.with(|s| s.quality_benchmark_in(&d2).to_string()))
                on_pick=move |v: String| inputs.update(false, |s| s.quality_benchmark = v)
            />
            <label class="field inline-field">
                <span>"Memory at"</span>
                <select
                    data-testid="quality-quant"
                    prop:value=move || state.with(|s| s.quality_quant.label().to_string())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.update(false, |s| s.quality_quant = Quant::from_label(&v).unwrap_or(s.quality_quant))
                    }
                >
                    {quants}
                </select>
            </label>
        </div>
        <ChartPanel figure query dataset />
    }
}
