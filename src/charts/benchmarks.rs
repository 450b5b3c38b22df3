//! One benchmark's scores as bars, self-reported scores told apart from independent ones.

use super::{grid, num, source_line, x_axis, ChartId, DataTable, Figure};
use crate::data::Dataset;
use charming::component::{Axis, Legend, Title};
use charming::datatype::DataPointItem;
use charming::element::{AxisType, ItemStyle, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

/// Bar colours: vendor-reported and independently measured scores.
pub const SELF_REPORTED_COLOR: &str = "#e0a33a";
pub const INDEPENDENT_COLOR: &str = "#3d6fd9";

/// A bar chart stays readable up to this many bars: the best scores are shown.
pub const MAX_BARS: usize = 30;

pub fn figure(ds: &Dataset, benchmark: &str, model_ids: &[String]) -> Figure {
    let bench_name = ds
        .benchmark(benchmark)
        .map(|b| b.name.clone())
        .unwrap_or_else(|| benchmark.to_string());
    // One pass to index the models: the table can ask for thousands of them.
    let by_id: std::collections::HashMap<&str, &crate::data::Model> =
        ds.models.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut scored: Vec<(&crate::data::Model, &crate::data::Score)> = model_ids
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).copied())
        .filter_map(|m| m.benchmarks.get(benchmark).map(|s| (m, s)))
        .collect();
    scored.sort_by(|a, b| {
        b.1.value
            .total_cmp(&a.1.value)
            .then(a.0.name.cmp(&b.0.name))
    });
    let scored_total = scored.len();
    scored.truncate(MAX_BARS);
    let names: Vec<String> = scored.iter().map(|(m, _)| m.name.clone()).collect();
    let points: Vec<DataPointItem> = scored
        .iter()
        .map(|(_, s)| {
            let color = if s.self_reported {
                SELF_REPORTED_COLOR
            } else {
                INDEPENDENT_COLOR
            };
            DataPointItem::new(s.value).item_style(ItemStyle::new().color(color))
        })
        .collect();
    let chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().show(false))
        .grid(grid(16))
        .x_axis(x_axis(AxisType::Value, &bench_name))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .data(names),
        )
        .series(Bar::new().name(bench_name.as_str()).data(points))
        .title(Title::new().show(false).text(bench_name.as_str()));
    let mut table = DataTable::new(&["model", "score", "self_reported", "setting", "source"]);
    for (m, s) in &scored {
        table.push(vec![
            m.id.clone(),
            num(s.value),
            s.self_reported.to_string(),
            s.setting.clone().unwrap_or_default(),
            ds.source(&s.source)
                .map(|x| x.url.clone())
                .unwrap_or_default(),
        ]);
    }
    Figure {
        id: ChartId::Benchmarks,
        title: format!("{bench_name} scores"),
        subtitle: if scored_total > MAX_BARS {
            format!("The best {MAX_BARS} of {scored_total} scored models. Amber bars: reported by the model's own vendor; blue: measured independently.")
        } else {
            "Amber bars: reported by the model's own vendor; blue: measured independently.".into()
        },
        source_line: source_line(ds, scored.iter().map(|(_, s)| s.source.clone())),
        chart,
        table,
    }
}
