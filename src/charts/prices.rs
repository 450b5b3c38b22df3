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
    /// "Model · seller", the seller being the provider and its tier where it has one.
    pub label: String,
    pub model_name: String,
    pub seller: String,
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
                let seller = match &p.tier {
                    Some(tier) => format!("{} ({tier})", p.provider),
                    None => p.provider.clone(),
                };
                Some(PriceRow {
                    model_id: m.id.clone(),
                    label: format!("{} · {seller}", m.name),
                    model_name: m.name.clone(),
                    seller,
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

/// The most bars one model gets: its cheapest sellers (and tiers). An open model sold by many
/// hosts would otherwise fill the chart; the data table keeps every price.
pub const SELLERS_PER_MODEL: usize = 3;

/// The rows the chart draws: each model's [`SELLERS_PER_MODEL`] cheapest (the rows come
/// cheapest first), and how many were left out.
fn charted(rows: &[PriceRow]) -> (Vec<&PriceRow>, usize) {
    let mut per_model: std::collections::HashMap<&str, usize> = Default::default();
    let kept: Vec<&PriceRow> = rows
        .iter()
        .filter(|r| {
            let n = per_model.entry(r.model_id.as_str()).or_default();
            *n += 1;
            *n <= SELLERS_PER_MODEL
        })
        .collect();
    let left_out = rows.len() - kept.len();
    (kept, left_out)
}

pub fn figure(ds: &Dataset, model_ids: &[String], input_per_output: f64) -> Figure {
    let all = price_rows(ds, model_ids, input_per_output);
    let (rows, left_out) = charted(&all);
    // Model and seller on two lines, so a phone-wide chart keeps room for its bars.
    let labels: Vec<String> = rows
        .iter()
        .map(|r| format!("{}\n{}", r.model_name, r.seller))
        .collect();
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
    for r in &all {
        let url = ds
            .source(&r.source)
            .map(|s| s.url.clone())
            .unwrap_or_default();
        table.push(vec![
            r.model_id.clone(),
            r.seller.clone(),
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
        subtitle: match left_out {
            0 => format!(
                "Newest list price per provider; blended = (input × {ratio} + output) / ({ratio} + 1)."
            ),
            n => format!(
                "Newest list price per provider, the {SELLERS_PER_MODEL} cheapest of each model \
                 ({n} more in the data table); blended = (input × {ratio} + output) / ({ratio} + 1)."
            ),
        },
        source_line: source_line(ds, all.iter().map(|r| r.source.clone())),
        chart,
        table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model sold by many hosts gets its three cheapest bars; the table keeps every price.
    #[test]
    fn the_chart_keeps_each_models_cheapest_sellers_and_the_table_all() {
        let ds = crate::data::bundled();
        let crowded = ds
            .models
            .iter()
            .find(|m| ds.current_prices(&m.id).len() > SELLERS_PER_MODEL)
            .expect("a model with many sellers");
        let ids = vec![crowded.id.clone(), "gpt-4o".to_string()];
        let all = price_rows(&ds, &ids, 3.0);
        let fig = figure(&ds, &ids, 3.0);
        assert_eq!(fig.table.rows.len(), all.len());
        let json = fig.option_value().expect("option");
        // One axis serializes as an object, several as a list.
        let axis = json["yAxis"].get(0).unwrap_or(&json["yAxis"]);
        let labels: Vec<&str> = axis["data"]
            .as_array()
            .expect("labels")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let prefix = format!("{}\n", crowded.name);
        let bars = labels.iter().filter(|l| l.starts_with(&prefix)).count();
        assert_eq!(bars, SELLERS_PER_MODEL);
        // The ones drawn are its cheapest.
        let cheapest: Vec<String> = all
            .iter()
            .filter(|r| r.model_id == crowded.id)
            .take(SELLERS_PER_MODEL)
            .map(|r| format!("{}\n{}", r.model_name, r.seller))
            .collect();
        assert!(
            cheapest.iter().all(|c| labels.contains(&c.as_str())),
            "{labels:?}"
        );
        let more = all.len() - labels.len();
        assert!(fig
            .subtitle
            .contains(&format!("({more} more in the data table)")));
        // Each name is the model over its seller, cut to fit beside the bars on a phone, with
        // the line height two lines need.
        assert!(labels.iter().all(|l| l.lines().count() == 2), "{labels:?}");
        assert_eq!(
            axis["axisLabel"]["width"],
            crate::charts::CATEGORY_LABEL_WIDTH
        );
        assert_eq!(axis["axisLabel"]["overflow"], "truncate");
        assert_eq!(axis["axisLabel"]["lineHeight"], 14);
        // Few sellers: every price drawn, the plain subtitle.
        let one = figure(&ds, &["gpt-4o".to_string()], 3.0);
        assert!(one.subtitle.starts_with("Newest list price per provider;"));
    }
}
