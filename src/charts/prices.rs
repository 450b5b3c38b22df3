//! Price per million tokens by model and provider: input, output and blended at a chosen
//! input:output ratio.

use super::{grid, legend, num, source_line, x_axis, ChartId, DataTable, Figure};
use crate::data::Dataset;
use crate::econ::api_cost::{blended_usd_per_mtok, ApiPrice};
use charming::component::{Axis, Title};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

/// One bar group: a model at one provider (its newest price).
#[derive(Clone, Debug, PartialEq)]
pub struct PriceRow {
    pub model_id: String,
    pub label: String,
    pub input: f64,
    pub output: f64,
    pub blended: f64,
    pub as_of: String,
    pub source: String,
}

/// The newest price of each (provider, tier) of the given models, cheapest blended first.
pub fn price_rows(ds: &Dataset, model_ids: &[String], input_per_output: f64) -> Vec<PriceRow> {
    let mut rows: Vec<PriceRow> = model_ids
        .iter()
        .filter_map(|id| ds.model(id))
        .flat_map(|m| {
            ds.current_prices(&m.id).into_iter().filter_map(move |p| {
                let blended =
                    blended_usd_per_mtok(&ApiPrice::from_price(p), input_per_output).ok()?;
                let mut label = format!("{} · {}", m.name, p.provider);
                if let Some(tier) = &p.tier {
                    label.push_str(&format!(" ({tier})"));
                }
                Some(PriceRow {
                    model_id: m.id.clone(),
                    label,
                    input: p.input_usd_per_mtok,
                    output: p.output_usd_per_mtok,
                    blended,
                    as_of: p.as_of.clone().unwrap_or_default(),
                    source: p.source.clone(),
                })
            })
        })
        .collect();
    rows.sort_by(|a, b| a.blended.total_cmp(&b.blended).then(a.label.cmp(&b.label)));
    rows
}

pub fn figure(ds: &Dataset, model_ids: &[String], input_per_output: f64) -> Figure {
    let rows = price_rows(ds, model_ids, input_per_output);
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let ratio = num(input_per_output);
    let blended_name = format!("Blended ({ratio}:1 in:out)");
    // Horizontal bars: cheapest at the top.
    let chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(legend())
        .grid(grid(36))
        .x_axis(x_axis(AxisType::Value, "$ per million tokens"))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .data(labels.clone()),
        )
        .series(
            Bar::new()
                .name("Input")
                .data(rows.iter().map(|r| r.input).collect()),
        )
        .series(
            Bar::new()
                .name("Output")
                .data(rows.iter().map(|r| r.output).collect()),
        )
        .series(
            Bar::new()
                .name(blended_name.as_str())
                .data(rows.iter().map(|r| r.blended).collect()),
        )
        .title(
            Title::new()
                .show(false)
                .text("API price per million tokens"),
        );
    let mut table = DataTable::new(&[
        "model",
        "provider",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "blended_usd_per_mtok",
        "as_of",
        "source",
    ]);
    for r in &rows {
        let provider = r.label.split(" · ").nth(1).unwrap_or_default().to_string();
        let url = ds
            .source(&r.source)
            .map(|s| s.url.clone())
            .unwrap_or_default();
        table.push(vec![
            r.model_id.clone(),
            provider,
            num(r.input),
            num(r.output),
            num(r.blended),
            r.as_of.clone(),
            url,
        ]);
    }
    Figure {
        id: ChartId::Prices,
        title: "API price per million tokens".into(),
        subtitle: format!(
            "Newest list price per provider; blended = (input × {ratio} + output) / ({ratio} + 1)."
        ),
        source_line: source_line(ds, rows.iter().map(|r| r.source.clone())),
        chart,
        table,
    }
}
