//! Memory a model needs at each quantization (weights + KV cache + overhead), against the
//! capacity of chosen GPU setups.

use super::{grid, legend, num, source_line, x_axis, y_axis, ChartId, DataTable, Figure};
use crate::data::{field_label, Dataset};
use crate::econ::vram::{estimate_model_memory_or_weights, MemoryBound, MemoryOptions, Quant};
use charming::component::Title;
use charming::element::{
    AxisType, Label, LabelPosition, LineStyle, LineStyleType, MarkLine, MarkLineData,
    MarkLineVariant, Symbol, Tooltip, Trigger,
};
use charming::series::Bar;
use charming::Chart;

/// The quantizations the chart shows, largest first.
pub const QUANTS: [Quant; 7] = [
    Quant::F16,
    Quant::Q8_0,
    Quant::Q6K,
    Quant::Q5KM,
    Quant::Q4KM,
    Quant::Q3KM,
    Quant::Q2K,
];

/// A horizontal capacity line: "2× H100 SXM (160 GB)".
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    pub label: String,
    pub gb: f64,
}

pub fn figure(
    ds: &Dataset,
    model_ids: &[String],
    options: &MemoryOptions,
    capacities: &[Capacity],
) -> Figure {
    let quant_labels: Vec<String> = QUANTS.iter().map(|q| q.label().to_string()).collect();
    let mut table = DataTable::new(&[
        "model",
        "quant",
        "weights_gb",
        "kv_cache_gb",
        "overhead_gb",
        "total_gb",
    ]);
    let mut notes: Vec<String> = Vec::new();
    // Models whose attention layout the data lacks: their bars are weights and overhead.
    let mut lower_bounds: Vec<String> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(legend())
        .grid(grid(48))
        .x_axis(x_axis(AxisType::Category, "quantization").data(quant_labels))
        .y_axis(y_axis(AxisType::Log, "GB"))
        .title(Title::new().show(false).text("Memory by quantization"));
    let mut first = true;
    for id in model_ids {
        let Some(m) = ds.model(id) else { continue };
        let mut values = Vec::new();
        let mut kv_unknown = None;
        let mut ok = true;
        for q in QUANTS {
            match estimate_model_memory_or_weights(m, q, options) {
                Ok(MemoryBound {
                    estimate: e,
                    kv_unknown: unknown,
                }) => {
                    kv_unknown = unknown;
                    table.push(vec![
                        m.id.clone(),
                        q.label().into(),
                        num(e.weights_gb),
                        // Not counted is not zero: the CSV leaves it empty.
                        if unknown.is_some() {
                            String::new()
                        } else {
                            num(e.kv_cache_gb)
                        },
                        num(e.overhead_gb),
                        num(e.total_gb),
                    ]);
                    values.push(e.total_gb);
                }
                Err(e) => {
                    notes.push(format!("{}: {e}", m.name));
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        let name = match kv_unknown {
            Some(field) => {
                lower_bounds.push(format!("{} ({} unknown)", m.name, field_label(field)));
                format!("{} (no KV cache)", m.name)
            }
            None => m.name.clone(),
        };
        if let Some(p) = &m.params_total_b {
            sources.push(p.source.clone());
        }
        if let Some(l) = &m.architecture.layers {
            sources.push(l.source.clone());
        }
        let mut bar = Bar::new().name(name.as_str()).data(values);
        if first && !capacities.is_empty() {
            let above = labels_above(capacities);
            let lines: Vec<MarkLineVariant> = capacities
                .iter()
                .zip(above)
                .map(|(c, above)| {
                    let position = if above {
                        LabelPosition::InsideEndTop
                    } else {
                        LabelPosition::InsideEndBottom
                    };
                    MarkLineVariant::Simple(
                        MarkLineData::new()
                            .name(c.label.as_str())
                            .y_axis(c.gb)
                            .label(Label::new().position(position)),
                    )
                })
                .collect();
            for c in capacities {
                table.push(vec![
                    format!("capacity: {}", c.label),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    num(c.gb),
                ]);
            }
            // Each label at its line's right end, inside the plot (a label outside the grid
            // is cut off by the chart's edge when it is long); above or below: see
            // `labels_above`.
            bar = bar.mark_line(capacity_lines(lines));
            first = false;
        }
        chart = chart.series(bar);
    }
    let mut subtitle = format!(
        "Weights at llama.cpp's bits per weight, plus a {}-token KV cache in {} and overhead.",
        options.context_tokens,
        options.kv_cache.label()
    );
    if !lower_bounds.is_empty() {
        subtitle.push_str(&format!(
            " Without a KV cache, as the data lacks its attention layout (a lower bound): {}.",
            lower_bounds.join("; ")
        ));
    }
    if !notes.is_empty() {
        subtitle.push_str(&format!(" Not shown: {}.", notes.join("; ")));
    }
    Figure {
        id: ChartId::Memory,
        title: "Memory needed by quantization".into(),
        subtitle,
        source_line: source_line(ds, sources),
        chart,
        table,
    }
}

/// Capacity lines as a chart draws them: dashed, no end symbols, each labelled with its name
/// (where the label sits is up to each line's data).
pub(crate) fn capacity_lines(lines: Vec<MarkLineVariant>) -> MarkLine {
    MarkLine::new()
        .symbol(vec![Symbol::None, Symbol::None])
        .label(Label::new().show(true).formatter("{b}").font_size(10))
        .line_style(LineStyle::new().type_(LineStyleType::Dashed))
        .data(lines)
}

/// Whether each capacity line's label goes above it (else below). Above, unless the next line
/// up is within a factor of 1.6 (close on the log axis), where the two labels would overlap:
/// then below, in the gap under this line (in a cluster, every line but the highest).
pub fn labels_above(capacities: &[Capacity]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..capacities.len()).collect();
    order.sort_by(|&a, &b| capacities[b].gb.total_cmp(&capacities[a].gb));
    let mut above = vec![true; capacities.len()];
    for pair in order.windows(2) {
        let (higher, this) = (pair[0], pair[1]);
        let close = capacities[higher].gb < 1.6 * capacities[this].gb;
        above[this] = !close;
    }
    above
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(gbs: &[f64]) -> Vec<Capacity> {
        gbs.iter()
            .map(|&gb| Capacity {
                label: format!("{gb} GB"),
                gb,
            })
            .collect()
    }

    #[test]
    fn close_capacity_lines_put_their_labels_on_either_side() {
        // 27 and 24 GB are close: the higher label above, the lower below; 640 and 80 are far.
        assert_eq!(
            labels_above(&lines(&[24.0, 640.0, 27.0, 80.0])),
            vec![false, true, true, true]
        );
        // In a cluster of three, a label above the lowest line would meet the middle one's
        // below it: all but the highest go below.
        assert_eq!(
            labels_above(&lines(&[80.0, 94.0, 141.0])),
            vec![false, false, true]
        );
        assert_eq!(labels_above(&lines(&[])), Vec::<bool>::new());
    }
}
