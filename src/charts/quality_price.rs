//! Quality against blended price: one point per model (its cheapest current price), and the
//! Pareto frontier: the models no other model beats on both price and score.

use super::{grid, legend, num, source_line, x_axis, y_axis, ChartId, DataTable, Figure};
use crate::data::Dataset;
use crate::econ::api_cost::{blended_usd_per_mtok, ApiPrice};
use charming::component::Title;
use charming::datatype::DataPointItem;
use charming::element::{AxisType, Label, LabelPosition, Tooltip, Trigger};
use charming::series::{Line, Scatter};
use charming::Chart;

#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub model_id: String,
    pub name: String,
    pub usd_per_mtok: f64,
    pub score: f64,
    pub price_source: String,
    pub score_source: String,
}

/// Models with both a current price and a score on `benchmark`.
pub fn points(ds: &Dataset, benchmark: &str, input_per_output: f64) -> Vec<Point> {
    ds.models
        .iter()
        .filter_map(|m| {
            let score = m.benchmarks.get(benchmark)?;
            let (price, p) = ds
                .current_prices(&m.id)
                .into_iter()
                .filter_map(|p| {
                    blended_usd_per_mtok(&ApiPrice::from_price(p), input_per_output)
                        .ok()
                        .map(|b| (b, p))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))?;
            Some(Point {
                model_id: m.id.clone(),
                name: m.name.clone(),
                usd_per_mtok: price,
                score: score.value,
                price_source: p.source.clone(),
                score_source: score.source.clone(),
            })
        })
        .collect()
}

/// The Pareto frontier, cheapest first: each point scores higher than every cheaper one.
pub fn frontier(points: &[Point]) -> Vec<Point> {
    let mut sorted: Vec<&Point> = points.iter().filter(|p| p.usd_per_mtok > 0.0).collect();
    sorted.sort_by(|a, b| {
        a.usd_per_mtok
            .total_cmp(&b.usd_per_mtok)
            .then(b.score.total_cmp(&a.score))
    });
    let mut best = f64::NEG_INFINITY;
    let mut out = Vec::new();
    for p in sorted {
        if p.score > best {
            best = p.score;
            out.push(p.clone());
        }
    }
    out
}

pub fn figure(ds: &Dataset, benchmark: &str, input_per_output: f64) -> Figure {
    let bench_name = ds
        .benchmark(benchmark)
        .map(|b| b.name.clone())
        .unwrap_or_else(|| benchmark.to_string());
    let pts: Vec<Point> = points(ds, benchmark, input_per_output)
        .into_iter()
        .filter(|p| p.usd_per_mtok > 0.0)
        .collect();
    let front = frontier(&pts);
    let scatter: Vec<DataPointItem> = pts
        .iter()
        .map(|p| DataPointItem::new(vec![p.usd_per_mtok, p.score]).name(p.name.as_str()))
        .collect();
    let chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(legend())
        .grid(grid(48))
        .x_axis(x_axis(
            AxisType::Log,
            &format!("blended $ per million tokens ({}:1)", num(input_per_output)),
        ))
        .y_axis(y_axis(AxisType::Value, &bench_name).scale(true))
        .series(
            Scatter::new()
                .name("Models")
                .symbol_size(12)
                .label(
                    Label::new()
                        .show(true)
                        .position(LabelPosition::Right)
                        .formatter("{b}")
                        .font_size(10),
                )
                .data(scatter),
        )
        .series(
            Line::new().name("Pareto frontier").data(
                front
                    .iter()
                    .map(|p| vec![p.usd_per_mtok, p.score])
                    .collect(),
            ),
        )
        .title(Title::new().show(false).text("Quality against price"));
    let mut table = DataTable::new(&[
        "model",
        "blended_usd_per_mtok",
        "score",
        "on_frontier",
        "price_source",
        "score_source",
    ]);
    for p in &pts {
        let url = |id: &str| ds.source(id).map(|s| s.url.clone()).unwrap_or_default();
        table.push(vec![
            p.model_id.clone(),
            num(p.usd_per_mtok),
            num(p.score),
            front.iter().any(|f| f.model_id == p.model_id).to_string(),
            url(&p.price_source),
            url(&p.score_source),
        ]);
    }
    Figure {
        id: ChartId::QualityPrice,
        title: format!("{bench_name} against price"),
        subtitle: "Each model at its cheapest current price; the line joins the models nothing beats on both.".into(),
        source_line: source_line(
            ds,
            pts.iter()
                .flat_map(|p| [p.price_source.clone(), p.score_source.clone()]),
        ),
        chart,
        table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, usd: f64, score: f64) -> Point {
        Point {
            model_id: id.into(),
            name: id.into(),
            usd_per_mtok: usd,
            score,
            price_source: String::new(),
            score_source: String::new(),
        }
    }

    #[test]
    fn frontier_keeps_models_nothing_beats() {
        let pts = [
            p("a", 1.0, 50.0),
            p("b", 2.0, 40.0),
            p("c", 3.0, 70.0),
            p("d", 0.5, 30.0),
            p("e", 3.0, 60.0),
        ];
        let ids: Vec<String> = frontier(&pts).into_iter().map(|p| p.model_id).collect();
        assert_eq!(ids, ["d", "a", "c"]);
    }
}
