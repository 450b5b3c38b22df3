//! What each column of the models table shows: its label, its cells as text, and where each
//! cell's value was read. Pure, so the CSV/JSON exports and the page agree.

use crate::data::query::{memory_options, MEMORY_QUANT};
use crate::data::{BenchmarkUnit, Column, CommercialUse, Dataset, Model, Price, Sourced};
use crate::econ::vram::estimate_model_memory_or_weights;

/// Every column a reader can choose, in chooser order (the name is always shown).
pub fn all_columns(ds: &Dataset) -> Vec<Column> {
    let mut cols = vec![
        Column::Vendor,
        Column::Family,
        Column::ReleaseDate,
        Column::ParamsTotal,
        Column::ParamsActive,
        Column::Context,
        Column::MaxOutput,
        Column::License,
        Column::OpenWeights,
        Column::Reasoning,
        Column::InputPrice,
        Column::OutputPrice,
        Column::Memory,
    ];
    cols.extend(
        ds.benchmarks
            .iter()
            .map(|b| Column::Benchmark(b.id.clone())),
    );
    cols
}

pub fn label(ds: &Dataset, col: &Column) -> String {
    match col {
        Column::Name => "Model".into(),
        Column::Vendor => "Vendor".into(),
        Column::Family => "Family".into(),
        Column::ReleaseDate => "Released".into(),
        Column::ParamsTotal => "Params (total)".into(),
        Column::ParamsActive => "Params (active)".into(),
        Column::Context => "Context".into(),
        Column::MaxOutput => "Max output".into(),
        Column::OpenWeights => "Weights".into(),
        Column::Reasoning => "Reasoning".into(),
        Column::License => "License".into(),
        Column::InputPrice => "Input $/M".into(),
        Column::OutputPrice => "Output $/M".into(),
        Column::Memory => format!("Memory {}", MEMORY_QUANT.label()),
        Column::Benchmark(id) => ds
            .benchmark(id)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| id.clone()),
    }
}

/// Numbers sort "most first" on the first click.
pub fn is_numeric(col: &Column) -> bool {
    matches!(
        col,
        Column::ParamsTotal
            | Column::ParamsActive
            | Column::Context
            | Column::MaxOutput
            | Column::InputPrice
            | Column::OutputPrice
            | Column::Memory
            | Column::Benchmark(_)
    )
}

/// One cell: the text shown, the plain value for exports, and its provenance.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CellInfo {
    /// As shown in the table ("400 B", "1M", "$0.15"); empty when unknown.
    pub text: String,
    /// The plain value for CSV/JSON (`400`, `1048576`, `0.15`); empty when unknown.
    pub raw: String,
    pub source: Option<String>,
    pub self_reported: Option<bool>,
    /// Setting, as-of date or note.
    pub detail: Option<String>,
}

impl CellInfo {
    fn plain(text: impl Into<String>) -> CellInfo {
        let text = text.into();
        CellInfo {
            raw: text.clone(),
            text,
            ..CellInfo::default()
        }
    }

    fn sourced(text: String, raw: String, source: &str, note: Option<&str>) -> CellInfo {
        CellInfo {
            text,
            raw,
            source: Some(source.to_string()),
            self_reported: None,
            detail: note.map(String::from),
        }
    }

    pub fn is_missing(&self) -> bool {
        self.text.is_empty()
    }
}

/// `131072` → "128K"; `128000` → "128K"; `1048576` → "1M"; `10_000_000` → "10M".
/// Vendors state windows in either decimal or binary thousands; both read as "K".
pub fn format_tokens(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_048_576 && n.is_multiple_of(1_048_576) {
        format!("{}M", n / 1_048_576)
    } else if n >= 1_000_000 {
        format!("{}M", trim(n as f64 / 1e6))
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}K", n / 1000)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{}K", n / 1024)
    } else if n >= 1000 {
        format!("{}K", trim(n as f64 / 1e3))
    } else {
        n.to_string()
    }
}

/// `400` → "400 B"; `2000` → "2 T"; `0.27` → "270 M".
pub fn format_params_b(b: f64) -> String {
    if b < 1.0 {
        format!("{} M", trim(b * 1000.0))
    } else if b >= 1000.0 {
        format!("{} T", trim(b / 1000.0))
    } else {
        format!("{} B", trim(b))
    }
}

/// A published price as published, in cents at least: `0.4` → "$0.40", `0.075` → "$0.075",
/// `0.0028` → "$0.0028", `15` → "$15.00". It never rounds a price a seller lists (up to six
/// decimals, the most any seller uses), so a cached-input price of $0.0028 is not shown as
/// $0.003.
pub fn format_usd(x: f64) -> String {
    format!("${}", cents_at_least(trim_to(x, 6)))
}

/// A price computed from published ones (a blend): cents from a dollar up, three significant
/// digits below it, and never fewer than two decimals: `0.19333` → "$0.193", `0.26` → "$0.26",
/// `0.0031` → "$0.0031", `12.345` → "$12.35".
pub fn format_usd_approx(x: f64) -> String {
    let decimals = if x >= 1.0 || x <= 0.0 {
        2
    } else {
        // Leading zeros after the point, plus three significant digits.
        (2 - x.log10().floor() as i32).clamp(2, 6) as usize
    };
    format!("${}", cents_at_least(trim_to(x, decimals)))
}

/// "0.4" → "0.40", "15" → "15.00": money reads in cents.
fn cents_at_least(s: String) -> String {
    match s.split_once('.') {
        None => format!("{s}.00"),
        Some((_, frac)) if frac.len() < 2 => format!("{s}0"),
        Some(_) => s,
    }
}

/// Up to two decimals, no trailing zeros.
/// A benchmark score as the table shows it: a percentage to two decimals at most, a rating
/// or arena score whole (`None`: a benchmark the dataset does not define, shown as a
/// percentage).
pub fn format_score(unit: Option<BenchmarkUnit>, value: f64) -> String {
    match unit {
        Some(BenchmarkUnit::Percent) | None => trim(value),
        Some(_) => format!("{}", value.round() as i64),
    }
}

fn trim(x: f64) -> String {
    trim_to(x, 2)
}

fn trim_to(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn commercial(c: CommercialUse) -> &'static str {
    match c {
        CommercialUse::Allowed => "commercial use allowed",
        CommercialUse::Conditional => "commercial use with conditions",
        CommercialUse::NonCommercial => "non-commercial only",
        CommercialUse::ApiTermsOnly => "API terms only",
        CommercialUse::Unreleased => "not released",
    }
}

fn cheapest<'a>(ds: &'a Dataset, m: &Model, f: impl Fn(&Price) -> f64) -> Option<&'a Price> {
    ds.current_prices(&m.id)
        .into_iter()
        .min_by(|a, b| f(a).total_cmp(&f(b)))
}

/// A sourced dataset value as a cell: `text` formats it for the table, the raw value goes to exports.
fn sourced<T: ToString>(v: Option<&Sourced<T>>, text: impl Fn(&T) -> String) -> CellInfo {
    v.map(|v| {
        CellInfo::sourced(
            text(&v.value),
            v.value.to_string(),
            &v.source,
            v.note.as_deref(),
        )
    })
    .unwrap_or_default()
}

/// GB as the memory column shows it: whole above 10, one decimal below.
pub fn format_gb(gb: f64) -> String {
    if gb >= 10.0 {
        format!("{gb:.0} GB")
    } else {
        format!("{gb:.1} GB")
    }
}

pub fn cell(ds: &Dataset, m: &Model, col: &Column) -> CellInfo {
    match col {
        // The weights alone where the attention layout is unknown: a lower bound, shown as
        // such and left out of the column's sorting and filtering (`memory_gb`).
        Column::Memory => estimate_model_memory_or_weights(m, MEMORY_QUANT, &memory_options())
            .map(|b| match b.kv_unknown {
                None => CellInfo {
                    text: format_gb(b.estimate.total_gb),
                    raw: crate::charts::num(b.estimate.total_gb),
                    ..CellInfo::default()
                },
                Some(_) => CellInfo {
                    text: format!("≥ {}", format_gb(b.estimate.total_gb)),
                    ..CellInfo::default()
                },
            })
            .unwrap_or_default(),
        Column::Name => CellInfo::plain(m.name.clone()),
        Column::Vendor => CellInfo::plain(m.vendor.clone()),
        Column::Family => CellInfo::plain(m.family.clone()),
        Column::ReleaseDate => sourced(m.release_date.as_ref(), |d| d.clone()),
        Column::ParamsTotal => sourced(m.params_total_b.as_ref(), |b| format_params_b(*b)),
        Column::ParamsActive => sourced(m.params_active_b.as_ref(), |b| format_params_b(*b)),
        Column::Context => sourced(m.context_window.as_ref(), |n| format_tokens(*n)),
        Column::MaxOutput => sourced(m.max_output_tokens.as_ref(), |n| format_tokens(*n)),
        Column::OpenWeights => CellInfo::plain(if m.open_weights { "open" } else { "closed" }),
        Column::Reasoning => CellInfo::plain(if m.reasoning { "yes" } else { "no" }),
        Column::License => CellInfo {
            text: m.license.name.clone(),
            raw: m.license.name.clone(),
            source: Some(m.license.source.clone()),
            self_reported: None,
            detail: Some(format!(
                "{}: {}",
                commercial(m.license.commercial_use),
                m.license.terms
            )),
        },
        Column::InputPrice | Column::OutputPrice => {
            let input = matches!(col, Column::InputPrice);
            let f = |p: &Price| {
                if input {
                    p.input_usd_per_mtok
                } else {
                    p.output_usd_per_mtok
                }
            };
            cheapest(ds, m, f)
                .map(|p| {
                    let mut detail = p.provider.clone();
                    if let Some(tier) = &p.tier {
                        detail.push_str(&format!(" ({tier})"));
                    }
                    if let Some(as_of) = &p.as_of {
                        detail.push_str(&format!(", as of {as_of}"));
                    }
                    if input {
                        if let Some(c) = p.cached_input_usd_per_mtok {
                            detail.push_str(&format!("; cached input {}", format_usd(c)));
                        }
                    }
                    // What its sellers announced: this price's end, and prices for a later day.
                    if let Some(r) = &p.retired {
                        detail.push_str(&format!("; this price ends {}", r.value));
                    }
                    for a in ds.announced_prices(&m.id) {
                        if let Some(st) = &a.starts {
                            detail.push_str(&format!(
                                "; announced: {} at {} from {}",
                                format_usd(f(a)),
                                a.provider,
                                st.value
                            ));
                        }
                    }
                    CellInfo::sourced(format_usd(f(p)), f(p).to_string(), &p.source, Some(&detail))
                })
                .unwrap_or_default()
        }
        Column::Benchmark(id) => m
            .benchmarks
            .get(id)
            .map(|s| {
                let text = format_score(ds.benchmark(id).map(|b| b.unit), s.value);
                let parts: Vec<&str> =
                    [s.setting.as_deref(), s.as_of.as_deref(), s.note.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                CellInfo {
                    text,
                    raw: s.value.to_string(),
                    source: Some(s.source.clone()),
                    self_reported: Some(s.self_reported),
                    detail: (!parts.is_empty()).then(|| parts.join(" · ")),
                }
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_spec_sheet() {
        assert_eq!(format_params_b(400.0), "400 B");
        assert_eq!(format_params_b(0.27), "270 M");
        assert_eq!(format_params_b(3.8), "3.8 B");
        assert_eq!(format_params_b(2000.0), "2 T");
        assert_eq!(format_tokens(131_072), "128K");
        assert_eq!(format_tokens(128_000), "128K");
        assert_eq!(format_tokens(1_048_576), "1M");
        assert_eq!(format_tokens(10_000_000), "10M");
        assert_eq!(format_tokens(200_000), "200K");
        assert_eq!(format_tokens(32_768), "32K");
        assert_eq!(format_usd(0.15), "$0.15");
        assert_eq!(format_usd(15.0), "$15.00");
        assert_eq!(format_usd(0.075), "$0.075");
    }

    #[test]
    fn published_prices_are_never_rounded() {
        assert_eq!(format_usd(0.4), "$0.40");
        assert_eq!(format_usd(2.5), "$2.50");
        assert_eq!(format_usd(0.0028), "$0.0028");
        assert_eq!(format_usd(0.003625), "$0.003625");
        assert_eq!(format_usd(0.0375), "$0.0375");
        assert_eq!(format_usd(0.0), "$0.00");
        // Every price in the dataset reads back as the number it is.
        let prices: serde_json::Value =
            serde_json::from_str(include_str!("../../../public/data/prices.json")).unwrap();
        let mut checked = 0;
        for p in prices.as_array().unwrap() {
            for key in [
                "input_usd_per_mtok",
                "cached_input_usd_per_mtok",
                "output_usd_per_mtok",
            ] {
                if let Some(x) = p[key].as_f64() {
                    let shown: f64 = format_usd(x)[1..].parse().unwrap();
                    assert_eq!(shown, x, "{key} of {} by {}", p["model"], p["provider"]);
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked}");
    }

    /// A price cell's detail says when the price ends and what is announced after it.
    #[test]
    fn a_price_cell_names_its_announced_end_and_the_next_price() {
        let ds = crate::data::bundled();
        let announced = ds
            .prices
            .iter()
            .find(|p| p.starts_after(&ds.meta.date))
            .expect("an announced price");
        let m = ds.model(&announced.model).unwrap();
        let shown = cell(&ds, m, &Column::InputPrice);
        let detail = shown.detail.expect("a detail");
        let day = &announced.starts.as_ref().unwrap().value;
        assert!(
            detail.contains(&format!(
                "announced: {} at {} from {day}",
                format_usd(announced.input_usd_per_mtok),
                announced.provider
            )),
            "{detail}"
        );
        // The cell itself shows today's price, not the announced one.
        let today = ds.current_prices(&m.id);
        assert!(today
            .iter()
            .any(|p| shown.raw == p.input_usd_per_mtok.to_string()));
        assert_ne!(shown.raw, announced.input_usd_per_mtok.to_string());
    }

    #[test]
    fn computed_prices_read_in_cents_or_three_digits() {
        assert_eq!(format_usd_approx(0.19333), "$0.193");
        assert_eq!(format_usd_approx(0.26), "$0.26");
        assert_eq!(format_usd_approx(0.535), "$0.535");
        assert_eq!(format_usd_approx(0.0031), "$0.0031");
        assert_eq!(format_usd_approx(12.345), "$12.35");
        assert_eq!(format_usd_approx(4.0), "$4.00");
        assert_eq!(format_usd_approx(0.0), "$0.00");
    }
}
