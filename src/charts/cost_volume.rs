//! Monthly cost against monthly volume, on log axes: one line per API option, one per
//! self-hosting option (a step each time another node is needed), and a marker where each API
//! line crosses each self-hosting line.

use super::{num, short_count, short_usd, ChartId, DataTable, Figure};
use crate::econ::api_cost::{api_monthly_cost, ApiPrice, Workload};
use crate::econ::breakeven::{break_even, BreakEvenOutcome};
use crate::econ::self_host::SelfHostPlan;
use charming::component::{Axis, Grid, Legend, Title};
use charming::element::{
    AxisType, LineStyle, LineStyleType, MarkPoint, MarkPointData, Tooltip, Trigger,
};
use charming::series::Line;
use charming::Chart;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiOption {
    pub label: String,
    pub price: ApiPrice,
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
        .legend(Legend::new().top(0))
        .grid(
            Grid::new()
                .left(8)
                .right(32)
                .top(48)
                .bottom(8)
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Log)
                .name("tokens per month")
                .min(volume_range.0)
                .max(volume_range.1),
        )
        .y_axis(Axis::new().type_(AxisType::Log).name("$ per month"))
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
        for p in &points {
            table.push(vec![a.label.clone(), "api".into(), num(p[0]), num(p[1])]);
        }
        let marks: Vec<MarkPointData> = found
            .iter()
            .filter(|c| c.api == a.label)
            .map(|c| {
                table.push(vec![
                    format!("break-even: {} vs {}", c.api, c.self_host),
                    "break_even".into(),
                    num(c.tokens_per_month),
                    num(c.usd_per_month),
                ]);
                MarkPointData::new()
                    .name(format!(
                        "Break-even with {}: {} tokens/month",
                        c.self_host,
                        short_count(c.tokens_per_month)
                    ))
                    .x_axis(c.tokens_per_month)
                    .y_axis(c.usd_per_month)
                    .value(c.tokens_per_month)
            })
            .collect();
        let mut line = Line::new()
            .name(a.label.as_str())
            .show_symbol(false)
            .data(points);
        if !marks.is_empty() {
            line = line.mark_point(MarkPoint::new().data(marks));
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

    #[test]
    fn log_space_spans_the_range() {
        let v = log_space(1e6, 1e9, 4);
        assert_eq!(v.len(), 4);
        assert!((v[0] - 1e6).abs() < 1e-3);
        assert!((v[1] - 1e7).abs() < 1e-2);
        assert!((v[3] - 1e9).abs() < 1.0);
    }
}
