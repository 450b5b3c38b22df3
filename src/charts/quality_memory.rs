//! Quality against memory: each open model's score on a benchmark against the GPU memory it
//! needs at one quantization, the best score within each amount of memory, and the chosen
//! setups' capacities. The hardware counterpart of quality against price.

use super::memory::{capacity_lines, Capacity};
use super::{grid, legend, num, source_line, x_axis, y_axis, ChartId, DataTable, Figure};
use crate::data::Dataset;
use crate::econ::vram::{estimate_model_memory_or_weights, MemoryOptions, Quant};
use charming::component::Title;
use charming::datatype::DataPointItem;
use charming::element::{
    AxisType, Label, LabelPosition, MarkLineData, MarkLineVariant, Step, Symbol, Tooltip, Trigger,
};
use charming::series::{Line, Scatter};
use charming::Chart;

/// One open model: the memory it needs at the chart's quantization, and its score.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub model_id: String,
    pub name: String,
    /// Weights, KV cache and overhead, GB; without the KV cache when `kv_unknown`.
    pub gb: f64,
    pub score: f64,
    /// The data lacks the model's attention layout: `gb` is a lower bound.
    pub kv_unknown: bool,
    pub score_source: String,
    pub size_source: String,
}

/// The open models with a score on `benchmark` and a memory estimate at `quant`.
pub fn points(ds: &Dataset, benchmark: &str, quant: Quant, options: &MemoryOptions) -> Vec<Point> {
    ds.models
        .iter()
        .filter(|m| m.open_weights)
        .filter_map(|m| {
            let score = m.benchmarks.get(benchmark)?;
            let bound = estimate_model_memory_or_weights(m, quant, options).ok()?;
            Some(Point {
                model_id: m.id.clone(),
                name: m.name.clone(),
                gb: bound.estimate.total_gb,
                score: score.value,
                kv_unknown: bound.kv_unknown.is_some(),
                score_source: score.source.clone(),
                size_source: m.params_total_b.as_ref()?.source.clone(),
            })
        })
        .collect()
}

/// The best score within each amount of memory, smallest first: each point scores better
/// than every point that needs less. Points whose memory is a lower bound are left out (they
/// may need more than they show). `higher_is_better` says which way "better" goes.
pub fn frontier(points: &[Point], higher_is_better: bool) -> Vec<Point> {
    let better = |a: f64, b: f64| if higher_is_better { a > b } else { a < b };
    let mut known: Vec<&Point> = points.iter().filter(|p| !p.kv_unknown).collect();
    known.sort_by(|a, b| {
        a.gb.total_cmp(&b.gb).then(if higher_is_better {
            b.score.total_cmp(&a.score)
        } else {
            a.score.total_cmp(&b.score)
        })
    });
    let mut out: Vec<Point> = Vec::new();
    for p in known {
        if out.last().is_none_or(|best| better(p.score, best.score)) {
            out.push(p.clone());
        }
    }
    out
}

pub fn figure(
    ds: &Dataset,
    benchmark: &str,
    quant: Quant,
    options: &MemoryOptions,
    capacities: &[Capacity],
) -> Figure {
    let bench = ds.benchmark(benchmark);
    let bench_name = bench
        .map(|b| b.name.clone())
        .unwrap_or_else(|| benchmark.to_string());
    let higher_is_better = bench.is_none_or(|b| b.higher_is_better);
    let pts = points(ds, benchmark, quant, options);
    let front = frontier(&pts, higher_is_better);
    let scatter = |lower_bound: bool| -> Vec<DataPointItem> {
        pts.iter()
            .filter(|p| p.kv_unknown == lower_bound)
            .map(|p| DataPointItem::new(vec![p.gb, p.score]).name(p.name.as_str()))
            .collect()
    };
    let label = || {
        Label::new()
            .show(true)
            .position(LabelPosition::Right)
            .formatter("{b}")
            .font_size(10)
    };
    let mut models = Scatter::new()
        .name("Models")
        .symbol_size(12)
        .label(label())
        .data(scatter(false));
    if !capacities.is_empty() {
        let lines: Vec<MarkLineVariant> = capacities
            .iter()
            .map(|c| {
                MarkLineVariant::Simple(
                    MarkLineData::new()
                        .name(c.label.as_str())
                        .x_axis(c.gb)
                        .label(Label::new().position(LabelPosition::InsideStartTop)),
                )
            })
            .collect();
        models = models.mark_line(capacity_lines(lines));
    }
    let mut chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(legend())
        .grid(grid(48))
        .x_axis(x_axis(
            AxisType::Log,
            &format!("GB of GPU memory at {}", quant.label()),
        ))
        .y_axis(y_axis(AxisType::Value, &bench_name).scale(true))
        .series(models)
        .series(
            Line::new()
                .name("Best within this memory")
                .step(Step::End)
                .show_symbol(false)
                .data(front.iter().map(|p| vec![p.gb, p.score]).collect()),
        )
        .title(Title::new().show(false).text("Quality against memory"));
    let unknown = scatter(true);
    if !unknown.is_empty() {
        chart = chart.series(
            Scatter::new()
                .name("Weights only (KV layout unknown)")
                .symbol(Symbol::Custom("emptyCircle".into()))
                .symbol_size(12)
                .label(label())
                .data(unknown),
        );
    }
    let mut table = DataTable::new(&[
        "model",
        "memory_gb",
        "kv_cache_counted",
        "score",
        "best_within_memory",
        "score_source",
    ]);
    let url = |id: &str| ds.source(id).map(|s| s.url.clone()).unwrap_or_default();
    let mut sorted: Vec<&Point> = pts.iter().collect();
    sorted.sort_by(|a, b| a.gb.total_cmp(&b.gb));
    for p in sorted {
        table.push(vec![
            p.model_id.clone(),
            num(p.gb),
            (!p.kv_unknown).to_string(),
            num(p.score),
            front.iter().any(|f| f.model_id == p.model_id).to_string(),
            url(&p.score_source),
        ]);
    }
    for c in capacities {
        table.push(vec![
            format!("capacity: {}", c.label),
            num(c.gb),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let mut subtitle = format!(
        "Each open model with a {bench_name} score, at {} with a {}-token KV cache in {} and overhead; the line is the best score within each amount of memory. Most scores are the makers' own.",
        quant.label(),
        options.context_tokens,
        options.kv_cache.label()
    );
    if pts.is_empty() {
        subtitle = format!("No open model in the dataset has a {bench_name} score yet.");
    } else if pts.iter().any(|p| p.kv_unknown) {
        subtitle.push_str(
            " Hollow points lack their attention layout in the data: weights and overhead only, a lower bound, so the line leaves them out.",
        );
    }
    Figure {
        id: ChartId::QualityMemory,
        title: format!("{bench_name} against memory"),
        subtitle,
        source_line: source_line(
            ds,
            pts.iter()
                .flat_map(|p| [p.size_source.clone(), p.score_source.clone()]),
        ),
        chart,
        table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, gb: f64, score: f64, kv_unknown: bool) -> Point {
        Point {
            model_id: id.into(),
            name: id.into(),
            gb,
            score,
            kv_unknown,
            score_source: String::new(),
            size_source: String::new(),
        }
    }

    fn ids(points: &[Point]) -> Vec<&str> {
        points.iter().map(|p| p.model_id.as_str()).collect()
    }

    #[test]
    fn the_line_keeps_each_model_that_beats_everything_smaller() {
        let pts = [
            p("big-weak", 400.0, 60.0, false),
            p("small", 10.0, 50.0, false),
            p("mid", 40.0, 70.0, false),
            p("mid-worse", 50.0, 65.0, false),
            p("huge", 800.0, 90.0, false),
            // A lower bound never joins the line, however good.
            p("unknown", 20.0, 95.0, true),
        ];
        assert_eq!(ids(&frontier(&pts, true)), ["small", "mid", "huge"]);
        // Where lower is better, the line follows the lowest scores.
        assert_eq!(ids(&frontier(&pts, false)), ["small"]);
        assert!(frontier(&[], true).is_empty());
    }

    #[test]
    fn a_benchmark_no_open_model_has_says_so() {
        let ds = crate::data::bundled();
        let fig = figure(&ds, "no-such", Quant::Q4KM, &MemoryOptions::default(), &[]);
        assert!(fig.table.rows.is_empty());
        assert_eq!(
            fig.subtitle,
            "No open model in the dataset has a no-such score yet."
        );
    }

    #[test]
    fn the_bundled_data_draws_every_scored_open_model_once() {
        let ds = crate::data::bundled();
        let options = MemoryOptions::default();
        let fig = figure(&ds, "gpqa_diamond", Quant::Q4KM, &options, &[]);
        let scored = ds
            .models
            .iter()
            .filter(|m| m.open_weights && m.params_total_b.is_some())
            .filter(|m| m.benchmarks.contains_key("gpqa_diamond"))
            .count();
        assert!(scored >= 10);
        assert_eq!(fig.table.rows.len(), scored);
        let pts = points(&ds, "gpqa_diamond", Quant::Q4KM, &options);
        let line = frontier(&pts, true);
        assert!(line.len() >= 3, "{} points on the line", line.len());
        // Along the line, more memory always buys a better score.
        for pair in line.windows(2) {
            assert!(pair[0].gb <= pair[1].gb && pair[0].score < pair[1].score);
        }
        // Every model scores no better than the line at its memory.
        for pt in pts.iter().filter(|p| !p.kv_unknown) {
            let best = line
                .iter()
                .filter(|l| l.gb <= pt.gb)
                .map(|l| l.score)
                .fold(f64::MIN, f64::max);
            assert!(pt.score <= best, "{} above the line", pt.name);
        }
        // A more precise quantization needs more memory for the same model.
        let q8 = points(&ds, "gpqa_diamond", Quant::Q8_0, &options);
        for (a, b) in pts.iter().zip(&q8) {
            assert_eq!(a.model_id, b.model_id);
            assert!(b.gb > a.gb);
        }
    }
}
