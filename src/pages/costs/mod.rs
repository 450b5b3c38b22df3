//! `/costs`: what a workload costs through each API and on your own hardware, where the two
//! cross, and what quality each price buys. Every input lives in the URL.

pub mod plan;

use crate::app::href;
use crate::charts::short_usd;
use crate::components::dataset::{BenchmarkSelect, WithDataset};
use crate::components::echart::ChartPanel;
use crate::components::hardware_select::{hardware_groups, hardware_options};
use crate::components::jump::JumpToResults;
use crate::components::shell::PageHead;
use crate::components::url_state::{
    parse_number, use_url_state, CheckList, Choice, NumberField, UrlState,
};
use crate::data::Dataset;
use crate::econ::api_cost::api_monthly_cost;
use crate::econ::breakeven::{break_even, payback, BreakEvenOutcome, PaybackOutcome};
use crate::econ::self_host::decode_throughput;
use crate::econ::vram::Quant;
use crate::format::short_count;
use atlas_engine::protocol::{DeviceBench, DEVICE_BENCH_KEY};
use leptos::prelude::*;
use plan::{
    cheapest_api, cost_volume_figure, limits::*, next_price, not_compared, prices_figure,
    quality_figure, self_host_plan, CostInputs, NextPrice, Offer, PRESETS, THIS_DEVICE,
};
use std::sync::Arc;

#[component]
pub fn Costs() -> impl IntoView {
    crate::components::echart::preload_echarts();
    view! {
        <PageHead title="Costs" heading="Costs: API or your own hardware?">
            "Set your workload and a self-hosting option; the charts follow. Every assumption is a field, "
            "and the method is on the "
            <a href=href("/about#method-econ")>"about page"</a>
            "."
        </PageHead>
        <WithDataset let:ds>
            <CostsView ds />
        </WithDataset>
    }
}

/// The inputs, in the URL.
pub type Inputs = UrlState<CostInputs>;

#[component]
fn CostsView(ds: Arc<Dataset>) -> impl IntoView {
    let inputs: Inputs = use_url_state("/costs");
    let s = inputs.state;
    // Embeds and citations pin every input, so they outlive a change of the defaults.
    let query = Signal::derive(move || s.with(CostInputs::pinned_query));
    let dataset = (ds.meta.version.clone(), ds.meta.date.clone());
    let d1 = ds.clone();
    let cost = Memo::new(move |_| s.with(|s| cost_volume_figure(&d1, s)));
    let d2 = ds.clone();
    let price_fig = Signal::derive(move || s.with(|s| prices_figure(&d2, s)));
    let d3 = ds.clone();
    let quality_fig = Signal::derive(move || s.with(|s| quality_figure(&d3, s)));
    let cost_fig = Signal::derive(move || cost.with(|(f, _)| f.clone()));
    let problem = move || cost.with(|(_, p)| p.clone());
    let results = NodeRef::<leptos::html::Div>::new();
    view! {
        <nav class="presets" aria-label="Scenarios">
            <span>"Scenarios: "</span>
            {PRESETS
                .iter()
                .map(|(name, q)| view! { <a href=format!("{}?{q}", href("/costs"))>{*name}</a> })
                .collect_view()}
        </nav>
        <JumpToResults results />
        <div class="calc">
            <form class="calc-inputs" on:submit=|ev| ev.prevent_default() aria-label="Cost inputs">
                <WorkloadFields inputs />
                <ApiChoices ds=ds.clone() inputs />
                <SelfHostFields ds=ds.clone() inputs />
            </form>
            <div class="calc-results" id="results" tabindex="-1" node_ref=results>
                <Summary ds=ds.clone() inputs />
                {move || problem().map(|p| view! { <p class="notice" role="status" data-testid="self-host-problem">{p}</p> })}
                <ChartPanel figure=cost_fig query dataset=dataset.clone() />
                <ChartPanel figure=price_fig query dataset=dataset.clone() />
                <BenchmarkPicker ds=ds.clone() inputs />
                <ChartPanel figure=quality_fig query dataset=dataset.clone() />
            </div>
        </div>
    }
}

#[component]
fn WorkloadFields(inputs: Inputs) -> impl IntoView {
    let s = inputs.state;
    view! {
        <fieldset class="group">
            <legend>"Workload"</legend>
            <label class="field">
                <span>
                    "Tokens per month: "
                    <strong data-testid="tokens-label">{move || short_count(s.with(|s| s.tokens_per_month))}</strong>
                </span>
                <input
                    type="range"
                    min="5"
                    max="12"
                    step="0.05"
                    data-testid="tokens-slider"
                    aria-valuetext=move || format!("{} tokens per month", short_count(s.with(|s| s.tokens_per_month)))
                    prop:value=move || s.with(|s| s.tokens_per_month.log10()).to_string()
                    on:input=move |ev| {
                        if let Some(v) = parse_number(&event_target_value(&ev)) {
                            let tokens = (10f64.powf(v) / 1e4).round() * 1e4;
                            inputs.update(true, |s| s.tokens_per_month = tokens)
                        }
                    }
                />
            </label>
            <NumberField state=inputs label="Tokens per month (exact)" testid="tokens" min=MIN_TOKENS_PER_MONTH max=MAX_TOKENS_PER_MONTH get=|s| Some(s.tokens_per_month) set=|s, v| if let Some(v) = v { s.tokens_per_month = v } />
            <NumberField state=inputs label="Input tokens per output token" testid="ratio" max=MAX_TOKENS_PER_OUTPUT get=|s| Some(s.input_per_output) set=|s, v| s.input_per_output = v.unwrap_or(3.0) hint="3 means 3:1, a common chat mix" />
            <NumberField state=inputs label="Cached input share (0–1)" testid="cache" step="0.05" max=1.0 get=|s| Some(s.cached_input_share) set=|s, v| s.cached_input_share = v.unwrap_or(0.0) />
            <NumberField state=inputs label="Reasoning tokens per output token" testid="reasoning" max=MAX_TOKENS_PER_OUTPUT get=|s| Some(s.reasoning_per_output) set=|s, v| s.reasoning_per_output = v.unwrap_or(0.0) hint="billed as output by reasoning models" />
        </fieldset>
    }
}

#[component]
fn ApiChoices(ds: Arc<Dataset>, inputs: Inputs) -> impl IntoView {
    // A model nobody will sell after an announced day says so in its label.
    let mix = CostInputs::default().workload();
    let priced: Vec<Choice> = ds
        .models
        .iter()
        .filter(|m| !ds.current_prices(&m.id).is_empty())
        .map(|m| {
            let mut choice = Choice::from(m);
            if let Some(NextPrice { day, price: None }) = next_price(&ds, &m.id, &mix) {
                choice.note = Some(format!("retires {day}"));
            }
            choice
        })
        .collect();
    view! {
        <fieldset class="group">
            <legend>"APIs to compare"</legend>
            <CheckList state=inputs items=priced noun="APIs" get=|s: &CostInputs| &s.apis get_mut=|s: &mut CostInputs| &mut s.apis />
        </fieldset>
    }
}

#[component]
fn SelfHostFields(ds: Arc<Dataset>, inputs: Inputs) -> impl IntoView {
    let s = inputs.state;
    let open_models: Vec<(String, String)> = ds
        .models
        .iter()
        .filter(|m| m.open_weights && m.params_active_b.is_some())
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    let hardware = hardware_groups(&ds);
    let d1 = ds.clone();
    let price_hint = Signal::derive(move || {
        s.with(|s| {
            d1.hardware
                .iter()
                .find(|h| h.id == s.hardware)
                .and_then(|h| {
                    h.purchase_price
                        .as_ref()
                        .map(|p| format!("dataset: {}", p.usd))
                })
                .unwrap_or_else(|| "not in the dataset".into())
        })
    });
    let d2 = ds.clone();
    let hour_hint = Signal::derive(move || {
        s.with(|s| {
            d2.hardware
                .iter()
                .find(|h| h.id == s.hardware)
                .and_then(|h| {
                    h.cloud
                        .first()
                        .map(|c| format!("dataset: {} ({})", c.usd_per_hour, c.provider))
                })
                .unwrap_or_else(|| "not in the dataset".into())
        })
    });
    view! {
        <fieldset class="group">
            <legend>"Self-hosting"</legend>
            <label class="field">
                <span>"Open model"</span>
                <select
                    data-testid="sh-model"
                    prop:value=move || s.with(|s| s.model.clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.update(false, |s| s.model = v)
                    }
                >
                    {open_models.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Quantization"</span>
                <select
                    data-testid="sh-quant"
                    prop:value=move || s.with(|s| s.quant.label().to_string())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.update(false, |s| s.quant = Quant::from_label(&v).unwrap_or(s.quant))
                    }
                >
                    {Quant::ALL.into_iter().map(|q| view! { <option value=q.label()>{q.label()}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Hardware"</span>
                <select
                    data-testid="sh-hardware"
                    prop:value=move || s.with(|s| s.hardware.clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.update(false, |s| s.hardware = v)
                    }
                >
                    {hardware_options(&hardware)}
                    <Show when=move || s.with(|s| s.hardware == THIS_DEVICE)>
                        <option value=THIS_DEVICE>"This device (measured)"</option>
                    </Show>
                </select>
            </label>
            <ThisDevice inputs />
            <NumberField state=inputs label="Devices per node" testid="sh-devices" step="1" min=1.0 max=f64::from(MAX_DEVICES) get=|s| Some(f64::from(s.devices)) set=|s, v| s.devices = v.map_or(1, |v| v.round() as u32) />
            <div class="field" role="radiogroup" aria-label="Buy or rent">
                <span>"Pay for it by"</span>
                <label class="check">
                    <input type="radio" name="buy" data-testid="sh-rent" prop:checked=move || !s.with(|s| s.buy) on:change=move |_| inputs.update(false, |s| s.buy = false) />
                    "renting (cloud $/hour)"
                </label>
                <label class="check">
                    <input type="radio" name="buy" data-testid="sh-buy" prop:checked=move || s.with(|s| s.buy) on:change=move |_| inputs.update(false, |s| s.buy = true) />
                    "buying (amortized)"
                </label>
            </div>
            <Show when=move || s.with(|s| s.buy) fallback=move || view! {
                <NumberField state=inputs label="Cloud $ per device-hour" testid="sh-usdh" max=MAX_USD_PER_DEVICE_HOUR get=|s| s.usd_per_hour set=|s, v| s.usd_per_hour = v placeholder=hour_hint />
            }>
                <NumberField state=inputs label="Purchase $ per device" testid="sh-price" max=MAX_USD_PER_DEVICE get=|s| s.usd_per_device set=|s, v| s.usd_per_device = v placeholder=price_hint />
                <NumberField state=inputs label="Amortized over (months)" testid="sh-months" min=MIN_AMORTIZATION_MONTHS max=MAX_AMORTIZATION_MONTHS get=|s| Some(s.amortization_months) set=|s, v| s.amortization_months = v.unwrap_or(36.0) />
            </Show>
            <NumberField state=inputs label="Power per device (W)" testid="sh-watts" max=MAX_WATTS_PER_DEVICE get=|s| Some(s.watts_per_device) set=|s, v| s.watts_per_device = v.unwrap_or(0.0) />
            <NumberField state=inputs label="Electricity ($/kWh)" testid="sh-kwh" max=MAX_USD_PER_KWH get=|s| Some(s.usd_per_kwh) set=|s, v| s.usd_per_kwh = v.unwrap_or(0.0) />
            <NumberField state=inputs label="Utilization (0–1)" testid="sh-util" step="0.05" min=MIN_SHARE max=1.0 get=|s| Some(s.utilization) set=|s, v| s.utilization = v.unwrap_or(0.5) hint="share of hours spent serving" />
            <NumberField state=inputs label="Operations ($/month)" testid="sh-ops" max=MAX_OPS_USD_PER_MONTH get=|s| Some(s.ops_usd_per_month) set=|s, v| s.ops_usd_per_month = v.unwrap_or(0.0) />
            <NumberField state=inputs label="Batching factor" testid="sh-batch" min=1.0 max=MAX_BATCHING_FACTOR get=|s| Some(s.batching_factor) set=|s, v| s.batching_factor = v.unwrap_or(1.0) hint="assumption: concurrent streams multiply throughput until compute-bound; 1 = one stream" />
            <NumberField state=inputs label="Bandwidth efficiency (0–1)" testid="sh-eff" step="0.05" min=MIN_SHARE max=1.0 get=|s| Some(s.efficiency) set=|s, v| s.efficiency = v.unwrap_or(0.6) />
        </fieldset>
    }
}

#[component]
fn BenchmarkPicker(ds: Arc<Dataset>, inputs: Inputs) -> impl IntoView {
    view! {
        <BenchmarkSelect
            ds
            label="Quality measured by"
            testid="quality-benchmark"
            value=Signal::derive(move || inputs.state.with(|s| s.benchmark.clone()))
            on_pick=move |v: String| inputs.update(false, |s| s.benchmark = v)
        />
    }
}

/// A payback time in words: months up to two years, years beyond, and a warning when the
/// hardware is written off before it pays back.
fn payback_words(months: f64, amortization_months: f64) -> String {
    let time = if months <= 24.0 {
        format!("{months:.1} months")
    } else {
        format!("{:.1} years", months / 12.0)
    };
    if months > amortization_months {
        format!("{time}, after the {amortization_months:.0} months it is amortized over")
    } else {
        time
    }
}

/// The numbers in words: what the volume costs each way, and where they cross.
#[component]
fn Summary(ds: Arc<Dataset>, inputs: Inputs) -> impl IntoView {
    let ds2 = ds.clone();
    let lines = move || {
        inputs.state.with(|s| {
            let mix = s.workload();
            let mut out: Vec<(String, String)> = Vec::new();
            let plan = self_host_plan(&ds, s).ok();
            for id in &s.apis {
                let (Some(m), Some(Offer { price, seller: provider, .. })) = (ds.model(id), cheapest_api(&ds, id, &mix)) else {
                    continue;
                };
                let Ok(cost) = api_monthly_cost(&price, &mix) else { continue };
                let mut text = format!("{} a month through {provider}", short_usd(cost.total_usd));
                // What its sellers announced: the price from its next change, or the end.
                match next_price(&ds, id, &mix) {
                    Some(NextPrice { day, price: Some(next) }) => {
                        if let (true, Ok(c)) = (next.costs_other_than(&price, &mix), api_monthly_cost(&next.price, &mix)) {
                            text.push_str(&format!(" ({} from {day} through {}, announced)", short_usd(c.total_usd), next.seller));
                        }
                    }
                    Some(NextPrice { day, price: None }) => {
                        text.push_str(&format!(" (no longer sold from {day}, announced)"))
                    }
                    None => {}
                }
                if let Some((plan, _, _)) = &plan {
                    match break_even(&price, plan, &mix) {
                        Ok(BreakEvenOutcome::Found(b)) => {
                            text.push_str(&format!("; self-hosting is cheaper from {} tokens/month", short_count(b.tokens_per_month)))
                        }
                        Ok(BreakEvenOutcome::NotFound(e)) => text.push_str(&format!("; {e}")),
                        Err(_) => {}
                    }
                    if let Ok(PaybackOutcome::Months(p)) = payback(&price, plan, &mix) {
                        text.push_str(&format!("; buying pays back in {}", payback_words(p.months, s.amortization_months)));
                    }
                }
                out.push((m.name.clone(), text));
            }
            if let Some((plan, model, hw)) = &plan {
                if let (Ok(own), Ok(t)) = (plan.monthly_cost(&mix), decode_throughput(&plan.throughput)) {
                    out.push((
                        format!("{} on {}× {}", model.name, s.devices, hw.name),
                        format!(
                            "{} a month for {} node{} (about {:.0} tokens/s each; one node serves {} tokens/month at {:.0}% utilization)",
                            short_usd(own.total_usd_per_month),
                            own.nodes,
                            if own.nodes == 1 { "" } else { "s" },
                            t.decode_tok_s,
                            short_count(own.capacity_tokens_per_month),
                            s.utilization * 100.0
                        ),
                    ));
                }
            }
            out
        })
    };
    // APIs in the address that cannot be priced (an old link to a retired model, a typo).
    let skipped = move || {
        inputs.state.with(|s| {
            s.apis
                .iter()
                .filter_map(|id| not_compared(&ds2, id))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="summary" aria-live="polite" data-testid="cost-summary">
            <h2>{move || format!("At {} tokens a month", short_count(inputs.state.with(|s| s.tokens_per_month)))}</h2>
            <dl>
                {move || lines().into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            {move || {
                let skipped = skipped();
                (!skipped.is_empty()).then(|| view! {
                    <p class="sv-muted" data-testid="not-compared">
                        "Not compared: " {skipped.join(" ")}
                    </p>
                })
            }}
        </section>
    }
}

/// The visitor's own device, if "Benchmark this device" on `/demo` measured it.
fn measured_device() -> Option<DeviceBench> {
    let storage = window().local_storage().ok().flatten()?;
    let text = storage.get_item(DEVICE_BENCH_KEY).ok().flatten()?;
    serde_json::from_str::<DeviceBench>(&text)
        .ok()
        .filter(|d| d.device_read_gb_s.is_finite() && d.device_read_gb_s > 0.0)
}

/// Offers the device measured on `/demo` as the self-hosting hardware.
#[component]
fn ThisDevice(inputs: Inputs) -> impl IntoView {
    let device = measured_device();
    let demo = href("/demo");
    match device {
        Some(d) => {
            let gbs = d.device_read_gb_s;
            let label = format!(
                "{}: {:.1} GB/s read, {:.1} tokens/s on the demo model (measured {})",
                d.adapter,
                gbs,
                d.decode_tok_s,
                d.date.get(..10).unwrap_or(&d.date)
            );
            view! {
                <div class="field this-device" data-testid="this-device">
                    <span>"Your device, as measured on the demo page"</span>
                    <small class="sv-muted">{label}</small>
                    <button
                        type="button"
                        data-testid="use-this-device"
                        on:click=move |_| {
                            inputs.update(false, |s| {
                                s.hardware = THIS_DEVICE.into();
                                s.device_gbs = Some(gbs);
                                s.buy = true;
                                s.devices = 1;
                            })
                        }
                    >
                        "Use this device"
                    </button>
                </div>
            }
            .into_any()
        }
        None => view! {
            <p class="sv-muted this-device">
                "Want your own computer here? Run “Benchmark this device” on the "
                <a href=demo>"demo page"</a>
                "."
            </p>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::payback_words;

    #[test]
    fn payback_reads_in_months_then_years_and_warns_past_the_amortization() {
        assert_eq!(payback_words(8.26, 36.0), "8.3 months");
        assert_eq!(payback_words(30.0, 36.0), "2.5 years");
        assert_eq!(
            payback_words(56.3, 36.0),
            "4.7 years, after the 36 months it is amortized over"
        );
        assert_eq!(
            payback_words(20.0, 12.0),
            "20.0 months, after the 12 months it is amortized over"
        );
    }
}
