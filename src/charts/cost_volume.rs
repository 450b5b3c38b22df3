//! Monthly cost against monthly volume, on log axes: one line per API option (dotted for a
//! price announced for a later day), one per self-hosting option (dashed, a step each time
//! another node is needed), and a labelled dot where each API line crosses each self-hosting
//! line.

use super::{
    grid, legend, num, short_usd, x_axis, y_axis, ChartId, DataTable, Figure, SHORT_COUNT_LABELS,
};
use crate::econ::api_cost::{api_monthly_cost, ApiPrice, Workload};
use crate::econ::breakeven::{break_even, BreakEvenOutcome};
use crate::econ::self_host::SelfHostPlan;
use crate::format::short_count;
use charming::component::Title;
use charming::datatype::{DataPoint, DataPointItem};
use charming::element::{
    AxisLabel, AxisType, Label, LabelPosition, LineStyle, LineStyleType, Tooltip, Trigger,
};
use charming::series::{Line, Scatter};
use charming::Chart;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiOption {
    pub label: String,
    pub price: ApiPrice,
    /// The day this price starts, for a price its seller announced for a later day (drawn
    /// dotted); `None` for a price in force today.
    pub starts: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelfHostOption {
    pub label: String,
    pub plan: SelfHostPlan,
}

/// A break-even found between an API option and a self-hosting option.
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    pub api: String,
    pub self_host: String,
    pub tokens_per_month: f64,
    pub usd_per_month: f64,
}

/// `n` volumes spaced evenly on a log scale from `lo` to `hi`, both included.
pub fn log_space(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (a, b) = (lo.log10(), hi.log10());
    (0..n)
        .map(|i| 10f64.powf(a + (b - a) * i as f64 / (n.max(2) - 1) as f64))
        .collect()
}

/// Every break-even between the options, under the workload's mix.
pub fn crossings(apis: &[ApiOption], own: &[SelfHostOption], mix: &Workload) -> Vec<Crossing> {
    let mut out = Vec::new();
    for a in apis {
        for o in own {
            if let Ok(BreakEvenOutcome::Found(b)) = break_even(&a.price, &o.plan, mix) {
                out.push(Crossing {
                    api: a.label.clone(),
                    self_host: o.label.clone(),
                    tokens_per_month: b.tokens_per_month,
                    usd_per_month: b.node_usd_per_month,
                });
            }
        }
    }
    out
}

/// The name of the break-even dots' series.
pub const BREAK_EVEN: &str = "Break-even";

pub fn figure(
    apis: &[ApiOption],
    own: &[SelfHostOption],
    mix: &Workload,
    volume_range: (f64, f64),
    source_line: String,
) -> Figure {
    let volumes = log_space(volume_range.0, volume_range.1, 49);
    let found = crossings(apis, own, mix);
    let mut table = DataTable::new(&["series", "kind", "tokens_per_month", "usd_per_month"]);
    let mut chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(legend())
        .grid(grid(48))
        .x_axis(
            x_axis(AxisType::Log, "tokens per month")
                .min(volume_range.0)
                .max(volume_range.1)
                .axis_label(AxisLabel::new().formatter(SHORT_COUNT_LABELS)),
        )
        .y_axis(y_axis(AxisType::Log, "$ per month"))
        .title(
            Title::new()
                .show(false)
                .text("Monthly cost against monthly volume"),
        );
    for a in apis {
        let points: Vec<Vec<f64>> = volumes
            .iter()
            .filter_map(|&v| {
                let cost = api_monthly_cost(&a.price, &mix.with_tokens_per_month(v)).ok()?;
                (cost.total_usd > 0.0).then(|| vec![v, cost.total_usd])
            })
            .collect();
        let kind = if a.starts.is_some() {
            "api_announced"
        } else {
            "api"
        };
        for p in &points {
            table.push(vec![a.label.clone(), kind.into(), num(p[0]), num(p[1])]);
        }
        for c in found.iter().filter(|c| c.api == a.label) {
            table.push(vec![
                format!("break-even: {} vs {}", c.api, c.self_host),
                "break_even".into(),
                num(c.tokens_per_month),
                num(c.usd_per_month),
            ]);
        }
        let mut line = Line::new()
            .name(a.label.as_str())
            .show_symbol(false)
            .data(points);
        if a.starts.is_some() {
            line = line.line_style(LineStyle::new().type_(LineStyleType::Dotted).width(2));
        }
        chart = chart.series(line);
    }
    for o in own {
        let points: Vec<Vec<f64>> = volumes
            .iter()
            .filter_map(|&v| {
                let cost = o.plan.monthly_cost(&mix.with_tokens_per_month(v)).ok()?;
                (cost.total_usd_per_month > 0.0).then(|| vec![v, cost.total_usd_per_month])
            })
            .collect();
        for p in &points {
            table.push(vec![
                o.label.clone(),
                "self_host".into(),
                num(p[0]),
                num(p[1]),
            ]);
        }
        chart = chart.series(
            Line::new()
                .name(o.label.as_str())
                .show_symbol(false)
                .line_style(LineStyle::new().type_(LineStyleType::Dashed).width(2))
                .data(points),
        );
    }
    // Break-even points as labelled dots (small, so several near each other stay readable), in
    // volume order with labels alternately above and below, so neighbours' labels do not
    // overlap: two series of one name, which the legend shows as one entry.
    let mut marks: Vec<&Crossing> = found.iter().collect();
    marks.sort_by(|a, b| a.tokens_per_month.total_cmp(&b.tokens_per_month));
    for (parity, position) in [(0, LabelPosition::Top), (1, LabelPosition::Bottom)] {
        let points: Vec<DataPoint> = marks
            .iter()
            .skip(parity)
            .step_by(2)
            .map(|c| {
                DataPointItem::new(vec![c.tokens_per_month, c.usd_per_month])
                    .name(short_count(c.tokens_per_month))
                    .into()
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        chart = chart.series(
            Scatter::new()
                .name(BREAK_EVEN)
                .symbol_size(9)
                .label(
                    Label::new()
                        .show(true)
                        .formatter("{b}")
                        .position(position)
                        .font_size(10),
                )
                .data(points),
        );
    }
    let subtitle = match found.first() {
        Some(c) => format!(
            "Break-even: {} against {} at {} tokens/month ({} a month).",
            c.self_host,
            c.api,
            short_count(c.tokens_per_month),
            short_usd(c.usd_per_month)
        ),
        None if !apis.is_empty() && !own.is_empty() => {
            "No break-even in reach: at these prices one self-hosted node never undercuts the API before it is full.".into()
        }
        None => "Add an API option and a self-hosting option to see where they cross.".into(),
    };
    Figure {
        id: ChartId::CostVolume,
        title: "Monthly cost against monthly volume".into(),
        subtitle,
        source_line,
        chart,
        table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::econ::self_host::tests::h100_cloud_plan;

    fn api(label: &str, usd_per_mtok: f64) -> ApiOption {
        ApiOption {
            label: label.into(),
            price: ApiPrice {
                input_usd_per_mtok: usd_per_mtok,
                cached_input_usd_per_mtok: None,
                output_usd_per_mtok: usd_per_mtok,
            },
            starts: None,
        }
    }

    #[test]
    fn break_evens_are_labelled_dots_alternating_above_and_below_in_volume_order() {
        // One rented H100 ($2,153.5 a month) against three APIs: break-even at cost / price.
        let own = SelfHostOption {
            label: "27B on 1× H100".into(),
            plan: h100_cloud_plan(),
        };
        let apis = [api("b", 10.0), api("a", 20.0), api("c", 15.0)];
        let mix = Workload::new(0.0, 0.0);
        let fig = figure(&apis, &[own], &mix, (1e6, 1e9), String::new());
        let json: serde_json::Value = serde_json::from_str(&fig.option_json()).unwrap();
        let dots: Vec<&serde_json::Value> = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"] == BREAK_EVEN)
            .collect();
        assert_eq!(dots.len(), 2, "labels above and labels below");
        // Volumes read as short counts ("10M"), which the chart component formats.
        assert_eq!(json["xAxis"]["axisLabel"]["formatter"], SHORT_COUNT_LABELS);
        let volumes = |s: &serde_json::Value| -> Vec<f64> {
            s["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["value"][0].as_f64().unwrap())
                .collect()
        };
        // 2,153.5 / 20, / 15, / 10 per million: 107.7M, 143.6M, 215.4M tokens.
        let (above, below) = (volumes(dots[0]), volumes(dots[1]));
        assert_eq!((above.len(), below.len()), (2, 1));
        assert!((above[0] / 1e6 - 107.675).abs() < 1e-3, "{above:?}");
        assert!((below[0] / 1e6 - 143.567).abs() < 1e-3, "{below:?}");
        assert!((above[1] / 1e6 - 215.35).abs() < 1e-3, "{above:?}");
        assert_eq!(dots[0]["label"]["position"], "top");
        assert_eq!(dots[1]["label"]["position"], "bottom");
        assert_eq!(dots[0]["data"][0]["name"], "107.7M");
        // Every dot is also a row of the data table.
        let rows = fig
            .table
            .rows
            .iter()
            .filter(|r| r[1] == "break_even")
            .count();
        assert_eq!(rows, 3);
    }

    #[test]
    fn log_space_spans_the_range() {
        let v = log_space(1e6, 1e9, 4);
        assert_eq!(v.len(), 4);
        assert!((v[0] - 1e6).abs() < 1e-3);
        assert!((v[1] - 1e7).abs() < 1e-2);
        assert!((v[3] - 1e9).abs() < 1.0);
    }
}
