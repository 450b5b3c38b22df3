//! The `/costs` page's inputs as URL parameters, and the figures they produce. Pure, so the page,
//! the embed page and the tests agree.

use crate::charts::cost_volume::{self, ApiOption, SelfHostOption};
use crate::charts::{prices, quality_price, source_line, Figure};
use crate::components::url_state::{parse_number, QueryState};
use crate::data::{Dataset, Hardware, Model};
use crate::econ::api_cost::{workload_usd_per_mtok, ApiPrice, Workload};
use crate::econ::self_host::{HardwareCost, OpsCost, SelfHostPlan, ThroughputInput};
use crate::econ::vram::{active_params_b, Quant};
use crate::econ::HOURS_PER_MONTH;

/// Everything the reader sets on `/costs`.
#[derive(Clone, Debug, PartialEq)]
pub struct CostInputs {
    pub tokens_per_month: f64,
    pub input_per_output: f64,
    pub cached_input_share: f64,
    pub reasoning_per_output: f64,
    /// Models whose API prices are compared.
    pub apis: Vec<String>,
    /// The open model served on your own hardware.
    pub model: String,
    pub quant: Quant,
    pub hardware: String,
    pub devices: u32,
    /// Buy the hardware (amortized) rather than rent it by the hour.
    pub buy: bool,
    /// Purchase price per device; `None` takes the dataset's.
    pub usd_per_device: Option<f64>,
    /// Cloud price per device-hour; `None` takes the dataset's.
    pub usd_per_hour: Option<f64>,
    pub amortization_months: f64,
    pub watts_per_device: f64,
    pub usd_per_kwh: f64,
    pub utilization: f64,
    pub ops_usd_per_month: f64,
    pub batching_factor: f64,
    pub efficiency: f64,
    /// Measured read bandwidth of the visitor's device (GB/s), for `hw=this-device`.
    pub device_gbs: Option<f64>,
    /// The benchmark of the quality chart.
    pub benchmark: String,
}

impl Default for CostInputs {
    fn default() -> Self {
        CostInputs {
            tokens_per_month: 10_000_000.0,
            input_per_output: 3.0,
            cached_input_share: 0.0,
            reasoning_per_output: 0.0,
            // Current models a team weighs today: two frontier APIs, a fast one, and the
            // self-hosted model's own API price (`tests/calculators.rs` checks each is sold).
            apis: vec![
                "gpt-6.2-sol".into(),
                "claude-sonnet-5-5".into(),
                "gemini-3.8-flash".into(),
                "gemma-4-31b".into(),
            ],
            model: "gemma-4-31b".into(),
            quant: Quant::Q4KM,
            // A desk machine the reader can buy; the data-centre cases are presets.
            hardware: "apple-m4-max-36gb".into(),
            devices: 1,
            buy: true,
            usd_per_device: None,
            usd_per_hour: None,
            amortization_months: 36.0,
            watts_per_device: 150.0,
            usd_per_kwh: 0.15,
            utilization: 0.5,
            ops_usd_per_month: 0.0,
            batching_factor: 1.0,
            efficiency: ThroughputInput::DEFAULT_EFFICIENCY,
            device_gbs: None,
            benchmark: "gpqa_diamond".into(),
        }
    }
}

/// Presets: the article's scenarios, as links a reader can open and change.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "Article: 1B tokens/month on 8× H100 (bought)",
        "tok=1000000000&hw=nvidia-h100-sxm&n=8&buy=1&w=700&model=llama-4-maverick&q=Q8_0&api=gpt-4o,o1,o3",
    ),
    (
        "Article: 10–15M tokens/month, one rented H100",
        "tok=12000000&hw=nvidia-h100-sxm&n=1&buy=0&w=700&model=gemma-3-27b&q=Q4_K_M&api=gpt-4o,o3,claude-3-5-sonnet",
    ),
    (
        "A Mac Studio on the desk, a smaller model",
        "tok=10000000&model=gemma-3-12b&api=gpt-4o,gemini-2.5-flash",
    ),
];

/// The range of each number on `/costs`, from a link or a field. The largest values are far
/// above any one deployment (a quadrillion tokens a month is about 380 million tokens a
/// second) and the smallest far below any sensible one, so every cost the page derives from
/// them stays a finite number that reads. A link with a value outside keeps the default; a
/// field says so and keeps its last value.
pub mod limits {
    pub const MIN_TOKENS_PER_MONTH: f64 = 1.0;
    pub const MAX_TOKENS_PER_MONTH: f64 = 1e15;
    /// Input or reasoning tokens per output token.
    pub const MAX_TOKENS_PER_OUTPUT: f64 = 10_000.0;
    pub const MAX_USD_PER_DEVICE: f64 = 100_000_000.0;
    pub const MAX_USD_PER_DEVICE_HOUR: f64 = 100_000.0;
    pub const MIN_AMORTIZATION_MONTHS: f64 = 1.0;
    pub const MAX_AMORTIZATION_MONTHS: f64 = 1_200.0;
    pub const MAX_WATTS_PER_DEVICE: f64 = 100_000.0;
    pub const MAX_USD_PER_KWH: f64 = 100.0;
    /// Utilization and bandwidth efficiency: a share of the hours, of the bandwidth.
    pub const MIN_SHARE: f64 = 0.01;
    pub const MAX_OPS_USD_PER_MONTH: f64 = 1_000_000_000.0;
    pub const MAX_BATCHING_FACTOR: f64 = 10_000.0;
    /// A device's read bandwidth, GB/s.
    pub const MAX_DEVICE_GB_S: f64 = 100_000.0;
    pub const MAX_DEVICES: u32 = 64;
}

/// A number from a link: finite and from `min` to `max`.
fn num_in(v: &str, min: f64, max: f64) -> Option<f64> {
    parse_number(v).filter(|x| (min..=max).contains(x))
}

/// A number as the URL carries it: the shortest text that reads back the same value.
fn fmt(x: f64) -> String {
    x.to_string()
}

impl QueryState for CostInputs {
    fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> CostInputs {
        use limits::*;
        let mut s = CostInputs::default();
        for (k, v) in params {
            match k {
                "tok" => {
                    s.tokens_per_month = num_in(v, MIN_TOKENS_PER_MONTH, MAX_TOKENS_PER_MONTH)
                        .unwrap_or(s.tokens_per_month)
                }
                "io" => {
                    s.input_per_output =
                        num_in(v, 0.0, MAX_TOKENS_PER_OUTPUT).unwrap_or(s.input_per_output)
                }
                "cache" => {
                    s.cached_input_share = num_in(v, 0.0, 1.0).unwrap_or(s.cached_input_share)
                }
                "reason" => {
                    s.reasoning_per_output =
                        num_in(v, 0.0, MAX_TOKENS_PER_OUTPUT).unwrap_or(s.reasoning_per_output)
                }
                "api" => {
                    s.apis = v
                        .split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect()
                }
                "model" if !v.is_empty() => s.model = v.to_string(),
                "q" => s.quant = Quant::from_label(v).unwrap_or(s.quant),
                "hw" if !v.is_empty() => s.hardware = v.to_string(),
                "n" => {
                    s.devices = v
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_DEVICES).contains(n))
                        .unwrap_or(s.devices)
                }
                "buy" => s.buy = v == "1",
                "price" => s.usd_per_device = num_in(v, 0.0, MAX_USD_PER_DEVICE),
                "usdh" => s.usd_per_hour = num_in(v, 0.0, MAX_USD_PER_DEVICE_HOUR),
                "months" => {
                    s.amortization_months =
                        num_in(v, MIN_AMORTIZATION_MONTHS, MAX_AMORTIZATION_MONTHS)
                            .unwrap_or(s.amortization_months)
                }
                "w" => {
                    s.watts_per_device =
                        num_in(v, 0.0, MAX_WATTS_PER_DEVICE).unwrap_or(s.watts_per_device)
                }
                "kwh" => s.usd_per_kwh = num_in(v, 0.0, MAX_USD_PER_KWH).unwrap_or(s.usd_per_kwh),
                "util" => s.utilization = num_in(v, MIN_SHARE, 1.0).unwrap_or(s.utilization),
                "ops" => {
                    s.ops_usd_per_month =
                        num_in(v, 0.0, MAX_OPS_USD_PER_MONTH).unwrap_or(s.ops_usd_per_month)
                }
                "batch" => {
                    s.batching_factor =
                        num_in(v, 1.0, MAX_BATCHING_FACTOR).unwrap_or(s.batching_factor)
                }
                "eff" => s.efficiency = num_in(v, MIN_SHARE, 1.0).unwrap_or(s.efficiency),
                "dgbs" => s.device_gbs = num_in(v, 0.0, MAX_DEVICE_GB_S),
                "bench" if !v.is_empty() => s.benchmark = v.to_string(),
                _ => {}
            }
        }
        s
    }

    /// Non-default inputs as `?k=v&…` (empty for the defaults).
    fn to_query(&self) -> String {
        self.query(false)
    }
}

impl CostInputs {
    /// Every input as `?k=v&…`, defaults included (only unset optional prices left out), so
    /// an embedded chart or a citation shows the same view after a later release changes the
    /// defaults: an empty query means "whatever the page opens with today".
    pub fn pinned_query(&self) -> String {
        self.query(true)
    }

    fn query(&self, pin: bool) -> String {
        let d = CostInputs::default();
        let mut out: Vec<String> = Vec::new();
        let mut put = |k: &str, v: String, default: String| {
            if v != default || (pin && !v.is_empty()) {
                out.push(format!("{k}={}", crate::pages::models::state::encode(&v)));
            }
        };
        put("tok", fmt(self.tokens_per_month), fmt(d.tokens_per_month));
        put("io", fmt(self.input_per_output), fmt(d.input_per_output));
        put(
            "cache",
            fmt(self.cached_input_share),
            fmt(d.cached_input_share),
        );
        put(
            "reason",
            fmt(self.reasoning_per_output),
            fmt(d.reasoning_per_output),
        );
        put("api", self.apis.join(","), d.apis.join(","));
        put("model", self.model.clone(), d.model.clone());
        put("q", self.quant.label().into(), d.quant.label().into());
        put("hw", self.hardware.clone(), d.hardware.clone());
        put("n", self.devices.to_string(), d.devices.to_string());
        put(
            "buy",
            if self.buy { "1" } else { "0" }.into(),
            if d.buy { "1" } else { "0" }.into(),
        );
        put(
            "price",
            self.usd_per_device.map(fmt).unwrap_or_default(),
            String::new(),
        );
        put(
            "usdh",
            self.usd_per_hour.map(fmt).unwrap_or_default(),
            String::new(),
        );
        put(
            "months",
            fmt(self.amortization_months),
            fmt(d.amortization_months),
        );
        put("w", fmt(self.watts_per_device), fmt(d.watts_per_device));
        put("kwh", fmt(self.usd_per_kwh), fmt(d.usd_per_kwh));
        put("util", fmt(self.utilization), fmt(d.utilization));
        put("ops", fmt(self.ops_usd_per_month), fmt(d.ops_usd_per_month));
        put("batch", fmt(self.batching_factor), fmt(d.batching_factor));
        put("eff", fmt(self.efficiency), fmt(d.efficiency));
        put(
            "dgbs",
            self.device_gbs.map(fmt).unwrap_or_default(),
            String::new(),
        );
        put("bench", self.benchmark.clone(), d.benchmark.clone());
        if out.is_empty() {
            String::new()
        } else {
            format!("?{}", out.join("&"))
        }
    }
}

impl CostInputs {
    pub fn workload(&self) -> Workload {
        Workload {
            tokens_per_month: self.tokens_per_month,
            input_per_output: self.input_per_output,
            cached_input_share: self.cached_input_share,
            reasoning_per_output: self.reasoning_per_output,
        }
    }
}

/// The `hw` value of the visitor's own device, measured by the demo's benchmark.
pub const THIS_DEVICE: &str = "this-device";

/// What serves the self-hosted model: its name and bandwidth, and where that was read.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    pub name: String,
    pub bandwidth_gbs: f64,
    /// The dataset source of the bandwidth (none for a measured device).
    pub source: Option<String>,
}

/// The self-hosting plan the inputs describe, or why there is none.
pub fn self_host_plan<'a>(
    ds: &'a Dataset,
    s: &CostInputs,
) -> Result<(SelfHostPlan, &'a Model, Host), String> {
    let model = ds
        .model(&s.model)
        .ok_or_else(|| format!("unknown model “{}”", s.model))?;
    let active = active_params_b(model).map_err(|e| format!("{}: {e}", model.name))?;
    let (host, hardware) = if s.hardware == THIS_DEVICE {
        // The visitor's device, measured on /demo: already owned unless a price is entered.
        let gbs = s.device_gbs.filter(|g| *g > 0.0).ok_or(
            "“this device” needs a measurement: run “Benchmark this device” on the demo page",
        )?;
        let host = Host {
            name: "this device (measured)".into(),
            bandwidth_gbs: gbs,
            source: None,
        };
        let cost = HardwareCost::Purchase {
            usd_per_device: s.usd_per_device.unwrap_or(0.0),
            amortization_months: s.amortization_months,
        };
        (host, cost)
    } else {
        let hw = ds
            .hardware
            .iter()
            .find(|h| h.id == s.hardware)
            .ok_or_else(|| format!("unknown hardware “{}”", s.hardware))?;
        let cost = hardware_cost(hw, s)?;
        let host = Host {
            name: hw.name.clone(),
            bandwidth_gbs: hw.bandwidth_gbs.value,
            source: Some(hw.bandwidth_gbs.source.clone()),
        };
        (host, cost)
    };
    let mut throughput = ThroughputInput::new(host.bandwidth_gbs, active, s.quant);
    throughput.devices = s.devices;
    throughput.batching_factor = s.batching_factor;
    throughput.efficiency = s.efficiency;
    let plan = SelfHostPlan {
        hardware,
        watts_per_device: s.watts_per_device,
        usd_per_kwh: s.usd_per_kwh,
        utilization: s.utilization,
        ops: OpsCost::UsdPerMonth(s.ops_usd_per_month),
        throughput,
    };
    plan.validate().map_err(|e| e.to_string())?;
    Ok((plan, model, host))
}

/// Buying (amortized) or renting a device from the dataset, with the reader's prices first.
fn hardware_cost(hw: &Hardware, s: &CostInputs) -> Result<HardwareCost, String> {
    if s.buy {
        let usd = s
            .usd_per_device
            .or(hw.purchase_price.as_ref().map(|p| p.usd))
            .ok_or_else(|| {
                format!(
                    "enter a purchase price for the {} (the dataset has none)",
                    hw.name
                )
            })?;
        Ok(HardwareCost::Purchase {
            usd_per_device: usd,
            amortization_months: s.amortization_months,
        })
    } else {
        let usd = s
            .usd_per_hour
            .or(hw.cloud.first().map(|c| c.usd_per_hour))
            .ok_or_else(|| {
                format!(
                    "enter a cloud price per hour for the {} (the dataset has none)",
                    hw.name
                )
            })?;
        Ok(HardwareCost::Cloud {
            usd_per_device_hour: usd,
            hours_per_month: HOURS_PER_MONTH,
        })
    }
}

/// A price a model is sold at, for one workload: the price, who sells it at that price (the
/// provider, and the tier where prices differ by one: "Alibaba Cloud, non-thinking") and the
/// source it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub price: ApiPrice,
    pub seller: String,
    pub source: String,
}

impl Offer {
    /// Whether this offer charges the workload otherwise than `price` does (a change of seller
    /// or tier at the same cost is no change to show).
    pub fn costs_other_than(&self, price: &ApiPrice, mix: &Workload) -> bool {
        let cost = |p: &ApiPrice| workload_usd_per_mtok(p, mix).ok();
        cost(&self.price) != cost(price)
    }
}

/// The cheapest current price of a model for this workload.
pub fn cheapest_api(ds: &Dataset, model_id: &str, mix: &Workload) -> Option<Offer> {
    cheapest_on(ds, model_id, mix, &ds.meta.date)
}

/// What a model's price does next, as its sellers announced it.
#[derive(Debug, Clone, PartialEq)]
pub struct NextPrice {
    /// The first day after the dataset's date on which one of its current prices ends or an
    /// announced price starts.
    pub day: String,
    /// The cheapest price for the workload from that day; `None`: no seller in the dataset
    /// sells it from then.
    pub price: Option<Offer>,
}

/// The next announced change to what `model_id` costs for this workload, if any: a price that
/// ends (a retirement) or starts (an announced price) after the dataset's date.
pub fn next_price(ds: &Dataset, model_id: &str, mix: &Workload) -> Option<NextPrice> {
    let today = ds.meta.date.as_str();
    let ends = ds
        .current_prices(model_id)
        .into_iter()
        .filter_map(|p| p.retired.as_ref().map(|r| r.value.as_str()));
    let starts = ds
        .announced_prices(model_id)
        .into_iter()
        .filter_map(|p| p.starts.as_ref().map(|s| s.value.as_str()));
    let day = ends.chain(starts).filter(|d| *d > today).min()?.to_string();
    let price = cheapest_on(ds, model_id, mix, &day);
    Some(NextPrice { day, price })
}

/// The cheapest price of a model in force on `date` for this workload (see [`cheapest_api`]).
fn cheapest_on(ds: &Dataset, model_id: &str, mix: &Workload, date: &str) -> Option<Offer> {
    ds.prices_on(model_id, date)
        .into_iter()
        .filter_map(|p| {
            let price = ApiPrice::from_price(p);
            workload_usd_per_mtok(&price, mix)
                .ok()
                .map(|c| (c, price, p))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, price, p)| Offer {
            price,
            seller: match &p.tier {
                Some(tier) => format!("{}, {tier}", p.provider),
                None => p.provider.clone(),
            },
            source: p.source.clone(),
        })
}

/// Why an API chosen in the address is not compared, when it is not: the id names no model, or
/// no seller in the dataset offers the model now (its prices retired, or none listed). `None`
/// when it has a current price.
pub fn not_compared(ds: &Dataset, id: &str) -> Option<String> {
    let Some(m) = ds.model(id) else {
        return Some(format!("\u{201c}{id}\u{201d} is no model in the dataset."));
    };
    if !ds.current_prices(id).is_empty() {
        return None;
    }
    let mut retired: Vec<(&str, &str)> = ds
        .prices_for(id)
        .filter(|p| p.retired_by(&ds.meta.date))
        .filter_map(|p| Some((p.provider.as_str(), p.retired.as_ref()?.value.as_str())))
        .collect();
    retired.sort_unstable();
    retired.dedup();
    Some(if retired.is_empty() {
        format!("{} has no API price in the dataset.", m.name)
    } else {
        let when: Vec<String> = retired
            .iter()
            .map(|(provider, day)| format!("{provider} on {day}"))
            .collect();
        format!(
            "{} is no longer sold: retired by {}.",
            m.name,
            when.join(", ")
        )
    })
}

pub fn cost_volume_figure(ds: &Dataset, s: &CostInputs) -> (Figure, Option<String>) {
    let mix = s.workload();
    let mut sources: Vec<String> = Vec::new();
    let mut apis: Vec<ApiOption> = Vec::new();
    for id in &s.apis {
        let (Some(m), Some(now)) = (ds.model(id), cheapest_api(ds, id, &mix)) else {
            continue;
        };
        // The price its sellers announced for a later day, drawn beside today's when it changes
        // what this workload costs (a retirement with nothing after it draws nothing).
        let next = next_price(ds, id, &mix).and_then(|n| {
            let offer = n.price?;
            offer
                .costs_other_than(&now.price, &mix)
                .then_some((n.day, offer))
        });
        sources.push(now.source);
        apis.push(ApiOption {
            label: format!("{} API ({})", m.name, now.seller),
            price: now.price,
            starts: None,
        });
        if let Some((day, offer)) = next {
            sources.push(offer.source);
            apis.push(ApiOption {
                label: format!("{} API from {day} ({}, announced)", m.name, offer.seller),
                price: offer.price,
                starts: Some(day),
            });
        }
    }
    let (own, problem) = match self_host_plan(ds, s) {
        Ok((plan, model, hw)) => {
            sources.extend(hw.source.clone());
            if let Some(p) = &model.params_active_b {
                sources.push(p.source.clone());
            }
            let how = if s.buy { "bought" } else { "rented" };
            (
                vec![SelfHostOption {
                    label: format!(
                        "{} on {}× {} ({how}, {})",
                        model.name,
                        s.devices,
                        hw.name,
                        s.quant.label()
                    ),
                    plan,
                }],
                None,
            )
        }
        Err(e) => (Vec::new(), Some(e)),
    };
    let lo = (s.tokens_per_month / 100.0).max(1e5);
    let hi = (s.tokens_per_month * 100.0).min(1e13);
    let fig = cost_volume::figure(&apis, &own, &mix, (lo, hi), source_line(ds, sources));
    (fig, problem)
}

pub fn prices_figure(ds: &Dataset, s: &CostInputs) -> Figure {
    prices::figure(ds, &s.apis, s.input_per_output)
}

pub fn quality_figure(ds: &Dataset, s: &CostInputs) -> Figure {
    quality_price::figure(ds, &s.benchmark, s.input_per_output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_make_an_empty_query_and_changes_round_trip() {
        assert_eq!(CostInputs::default().to_query(), "");
        let s = CostInputs {
            tokens_per_month: 1e9,
            devices: 8,
            buy: true,
            quant: Quant::Q8_0,
            apis: vec!["gpt-4o".into(), "o1".into()],
            usd_per_device: Some(30_000.0),
            ..CostInputs::default()
        };
        assert_eq!(CostInputs::from_params(pairs(&s.to_query())), s);
    }

    /// An announced rise is the next price from its day; a retirement with nothing after it
    /// says nothing is sold from then; a model with no announcement has no next price.
    #[test]
    fn the_next_price_is_the_cheapest_from_the_first_announced_day() {
        use crate::data::Sourced;
        let mut ds = crate::data::bundled();
        let mix = CostInputs::default().workload();
        let i = ds
            .prices
            .iter()
            .position(|p| {
                let current = ds.current_prices(&p.model);
                p.retired.is_none()
                    && current.len() == 1
                    && std::ptr::eq(current[0], p)
                    && ds.announced_prices(&p.model).is_empty()
            })
            .expect("a model with one current price and nothing announced");
        let model = ds.prices[i].model.clone();
        assert_eq!(next_price(&ds, &model, &mix), None);
        let day = |d: &str| {
            Some(Sourced {
                value: d.to_string(),
                source: ds.prices[i].source.clone(),
                note: None,
            })
        };
        let mut rise = ds.prices[i].clone();
        rise.output_usd_per_mtok *= 2.0;
        rise.starts = day("2099-01-01");
        ds.prices[i].retired = day("2099-01-01");
        ds.prices.push(rise);
        let next = next_price(&ds, &model, &mix).expect("an announced change");
        assert_eq!(next.day, "2099-01-01");
        let offer = next.price.expect("the announced price");
        assert_eq!(
            offer.price.output_usd_per_mtok,
            2.0 * ds.prices[i].output_usd_per_mtok
        );
        assert_eq!(offer.seller, ds.prices[i].provider);
        // Today's price is unchanged by the announcement.
        let today = cheapest_api(&ds, &model, &mix).unwrap().price;
        assert_eq!(today.output_usd_per_mtok, ds.prices[i].output_usd_per_mtok);
        // Without the announced price, the retirement leaves nothing to sell.
        ds.prices.pop();
        let next = next_price(&ds, &model, &mix).expect("an announced end");
        assert_eq!((next.day.as_str(), next.price), ("2099-01-01", None));
    }

    /// A compared API whose seller announced a new price draws it beside today's, dotted and
    /// named by its day, with its own break-even; one whose sellers only announced an end, or
    /// nothing, draws today's line alone.
    #[test]
    fn an_announced_price_is_drawn_dotted_beside_todays() {
        let ds = crate::data::bundled();
        let base = CostInputs::default();
        let mix = base.workload();
        let changing = |ends_only: bool| {
            ds.models
                .iter()
                .find(|m| match next_price(&ds, &m.id, &mix) {
                    Some(n) => n.price.is_none() == ends_only,
                    None => false,
                })
                .expect("the bundled data announces a price and an end")
        };
        let (rising, ending) = (changing(false), changing(true));
        let s = CostInputs {
            apis: vec![rising.id.clone(), ending.id.clone()],
            ..base
        };
        let (fig, problem) = cost_volume_figure(&ds, &s);
        assert_eq!(problem, None);
        let next = next_price(&ds, &rising.id, &mix).unwrap();
        let offer = next.price.unwrap();
        let json: serde_json::Value = serde_json::from_str(&fig.option_json()).unwrap();
        let lines: Vec<&serde_json::Value> = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"].as_str().unwrap().contains(" API "))
            .collect();
        let name = format!(
            "{} API from {} ({}, announced)",
            rising.name, next.day, offer.seller
        );
        let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names[0].starts_with(&format!("{} API (", rising.name)));
        assert_eq!(names[1], name);
        assert!(names[2].starts_with(&format!("{} API (", ending.name)));
        assert_eq!(lines[1]["lineStyle"]["type"], "dotted");
        assert!(lines[0]["lineStyle"].is_null());
        // Its points are the announced price's monthly cost, marked as such in the data table.
        let rows: Vec<&Vec<String>> = fig.table.rows.iter().filter(|r| r[0] == name).collect();
        assert!(!rows.is_empty());
        for r in rows {
            assert_eq!(r[1], "api_announced");
            let v: f64 = r[2].parse().unwrap();
            let want = crate::econ::api_cost::api_monthly_cost(
                &offer.price,
                &mix.with_tokens_per_month(v),
            )
            .unwrap()
            .total_usd;
            let got: f64 = r[3].parse().unwrap();
            // The table's numbers keep four significant digits, volumes included.
            assert!((got - want).abs() <= 2e-3 * want, "{got} against {want}");
        }
        // The self-hosting line crosses it too.
        assert!(fig
            .table
            .rows
            .iter()
            .any(|r| r[1] == "break_even" && r[0].contains(&name)));
    }

    /// A query's `(key, value)` pairs.
    fn pairs(q: &str) -> Vec<(&str, &str)> {
        q.trim_start_matches('?')
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect()
    }

    /// A query's keys, sorted.
    fn keys(query: &str) -> Vec<String> {
        let mut k: Vec<String> = pairs(query).iter().map(|(k, _)| k.to_string()).collect();
        k.sort();
        k
    }

    /// An embed of the default view names every input, so it keeps showing the same view
    /// when a later release picks other defaults; it still opens as the defaults today.
    #[test]
    fn a_pinned_query_names_every_input() {
        let d = CostInputs::default();
        let every = CostInputs {
            tokens_per_month: 1e9,
            input_per_output: 1.0,
            cached_input_share: 0.5,
            reasoning_per_output: 2.0,
            apis: vec!["o1".into()],
            model: "gemma-3-4b".into(),
            quant: Quant::Q8_0,
            hardware: "nvidia-h100-sxm".into(),
            devices: 2,
            buy: false,
            usd_per_device: Some(1.0),
            usd_per_hour: Some(2.0),
            amortization_months: 12.0,
            watts_per_device: 700.0,
            usd_per_kwh: 0.3,
            utilization: 0.9,
            ops_usd_per_month: 10.0,
            batching_factor: 4.0,
            efficiency: 0.8,
            device_gbs: Some(100.0),
            benchmark: "mmlu_pro".into(),
        };
        // Every field differs from the default, so its plain query lists every key.
        let all = keys(&every.to_query());
        let unset = ["dgbs", "price", "usdh"];
        let pinned = keys(&d.pinned_query());
        let expected: Vec<String> = all
            .iter()
            .filter(|k| !unset.contains(&k.as_str()))
            .cloned()
            .collect();
        assert_eq!(pinned, expected);
        assert_eq!(CostInputs::from_params(pairs(&d.pinned_query())), d);
        // A cleared API list stays cleared in both forms.
        let none = CostInputs {
            apis: vec![],
            ..CostInputs::default()
        };
        assert!(none.to_query().contains("api="));
        assert!(none.pinned_query().contains("api=&") || none.pinned_query().ends_with("api="));
        assert_eq!(every.pinned_query(), every.to_query());
    }

    #[test]
    fn this_device_reads_its_measurement_from_the_url() {
        let s = CostInputs::from_params([("hw", THIS_DEVICE), ("dgbs", "42.5")]);
        assert_eq!(s.hardware, THIS_DEVICE);
        assert_eq!(s.device_gbs, Some(42.5));
        assert!(s.to_query().contains("dgbs=42.5"));
    }

    #[test]
    fn nonsense_is_ignored() {
        let s = CostInputs::from_params([("tok", "-5"), ("n", "0"), ("q", "Q9"), ("util", "abc")]);
        assert_eq!(s, CostInputs::default());
    }

    #[test]
    fn values_outside_their_limits_keep_the_defaults() {
        use limits::*;
        let too_far = [
            ("tok", MAX_TOKENS_PER_MONTH * 10.0),
            ("tok", MIN_TOKENS_PER_MONTH / 10.0),
            ("io", MAX_TOKENS_PER_OUTPUT * 10.0),
            ("reason", MAX_TOKENS_PER_OUTPUT * 10.0),
            ("cache", 1.5),
            ("months", MIN_AMORTIZATION_MONTHS / 10.0),
            ("months", MAX_AMORTIZATION_MONTHS * 10.0),
            ("w", MAX_WATTS_PER_DEVICE * 10.0),
            ("kwh", MAX_USD_PER_KWH * 10.0),
            ("util", MIN_SHARE / 10.0),
            ("eff", 1.5),
            ("ops", MAX_OPS_USD_PER_MONTH * 10.0),
            ("batch", MAX_BATCHING_FACTOR * 10.0),
            ("tok", 1e300),
        ];
        for (k, v) in too_far {
            let text = v.to_string();
            assert_eq!(
                CostInputs::from_params([(k, text.as_str())]),
                CostInputs::default(),
                "{k}={text}"
            );
        }
        let s = CostInputs::from_params([("price", "1e300"), ("usdh", "1e300"), ("dgbs", "1e300")]);
        assert_eq!(
            (s.usd_per_device, s.usd_per_hour, s.device_gbs),
            (None, None, None)
        );
        let at_limit = MAX_TOKENS_PER_MONTH.to_string();
        let s = CostInputs::from_params([("tok", at_limit.as_str())]);
        assert_eq!(s.tokens_per_month, MAX_TOKENS_PER_MONTH);
    }

    /// A figure as the page words it: a number, not "inf" or three hundred digits.
    fn readable(words: &str) {
        assert!(
            words.len() <= 24
                && words.chars().any(|c| c.is_ascii_digit())
                && !words.contains("inf"),
            "{words}"
        );
    }

    /// Every input at the end of its range that makes costs largest, on the slowest listed
    /// hardware with the largest open model: every figure the page words is still finite (a
    /// link with 1e300 tokens once read "$inf/M" and a 300-digit volume).
    #[test]
    fn costs_stay_finite_at_the_limits() {
        use crate::charts::short_usd;
        use crate::econ::{api_monthly_cost, break_even, payback, BreakEvenOutcome, NoBreakEven};
        use crate::format::short_count;
        use limits::*;
        let ds = crate::data::bundled();
        let largest = ds
            .models
            .iter()
            .filter(|m| m.open_weights && active_params_b(m).is_ok())
            .max_by(|a, b| {
                let size = |m: &Model| m.params_total_b.as_ref().map_or(0.0, |p| p.value);
                size(a).total_cmp(&size(b))
            })
            .expect("an open model");
        let slowest = ds
            .hardware
            .iter()
            .min_by(|a, b| a.bandwidth_gbs.value.total_cmp(&b.bandwidth_gbs.value))
            .expect("hardware");
        let apis: Vec<String> = ds
            .models
            .iter()
            .filter(|m| !ds.current_prices(&m.id).is_empty())
            .map(|m| m.id.clone())
            .collect();
        for buy in [true, false] {
            let s = CostInputs {
                tokens_per_month: MAX_TOKENS_PER_MONTH,
                input_per_output: MAX_TOKENS_PER_OUTPUT,
                reasoning_per_output: MAX_TOKENS_PER_OUTPUT,
                apis: apis.clone(),
                model: largest.id.clone(),
                hardware: slowest.id.clone(),
                devices: MAX_DEVICES,
                buy,
                usd_per_device: Some(MAX_USD_PER_DEVICE),
                usd_per_hour: Some(MAX_USD_PER_DEVICE_HOUR),
                amortization_months: MIN_AMORTIZATION_MONTHS,
                watts_per_device: MAX_WATTS_PER_DEVICE,
                usd_per_kwh: MAX_USD_PER_KWH,
                utilization: MIN_SHARE,
                ops_usd_per_month: MAX_OPS_USD_PER_MONTH,
                efficiency: MIN_SHARE,
                ..CostInputs::default()
            };
            let mix = s.workload();
            let (plan, _, _) = self_host_plan(&ds, &s).expect("plan");
            let own = plan.monthly_cost(&mix).expect("monthly cost");
            readable(&short_usd(own.total_usd_per_month));
            readable(&short_usd(own.usd_per_mtok_at_capacity));
            readable(&short_count(own.capacity_tokens_per_month));
            for id in &s.apis {
                let price = cheapest_api(&ds, id, &mix).expect("priced").price;
                let cost = api_monthly_cost(&price, &mix).expect("api cost");
                readable(&short_usd(cost.total_usd));
                match break_even(&price, &plan, &mix).expect("break-even") {
                    BreakEvenOutcome::Found(b) => readable(&short_count(b.tokens_per_month)),
                    BreakEvenOutcome::NotFound(e) => {
                        if let NoBreakEven::BeyondCapacity {
                            break_even_tokens_per_month,
                            ..
                        } = e
                        {
                            readable(&short_count(break_even_tokens_per_month));
                        }
                        let words = e.to_string();
                        assert!(!words.contains("inf") && !words.contains("NaN"), "{words}");
                    }
                }
                if buy {
                    payback(&price, &plan, &mix).expect("payback");
                }
            }
        }
    }

    #[test]
    fn presets_parse() {
        for (name, q) in PRESETS {
            let pairs: Vec<(&str, &str)> =
                q.split('&').filter_map(|kv| kv.split_once('=')).collect();
            let s = CostInputs::from_params(pairs.iter().copied());
            assert_ne!(s, CostInputs::default(), "{name}");
        }
    }
}
