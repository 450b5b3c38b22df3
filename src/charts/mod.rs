//! Chart builders: plain inputs in, a [`Figure`] out: an ECharts option built with charming, the
//! exact plotted data as a table (for the accessible table under the chart and the CSV download),
//! and the title and source line an embed shows. Pure, so they are unit-tested natively.

pub mod benchmarks;
pub mod cost_volume;
pub mod memory;
pub mod prices;
pub mod quality_memory;
pub mod quality_price;

use charming::component::{Axis, Grid, Legend, LegendType};
use charming::element::{AxisType, NameLocation, TextStyle};
use charming::Chart;

use crate::format::short_count;

/// An x axis whose name sits centred under its labels: a name at the axis's end is cut off by
/// the chart's edge when it is long. [`grid`] leaves the room.
pub(crate) fn x_axis(type_: AxisType, name: &str) -> Axis {
    Axis::new()
        .type_(type_)
        .name(name)
        .name_location(NameLocation::Middle)
        .name_gap(28)
}

/// A y axis whose name sits above it and starts at it, so the chart's left edge cannot cut it.
pub(crate) fn y_axis(type_: AxisType, name: &str) -> Axis {
    Axis::new()
        .type_(type_)
        .name(name)
        .name_text_style(TextStyle::new().align("left"))
}

/// The plot area, `top` pixels below the chart's top (room for the legend and a y axis name)
/// and with room under the x axis's labels for its name.
pub(crate) fn grid(top: i32) -> Grid {
    Grid::new()
        .left(8)
        .right(24)
        .top(top)
        .bottom(32)
        .contain_label(true)
}

/// A legend on one line at the top that scrolls when it is wider than the chart, rather than
/// wrapping onto the plot.
pub(crate) fn legend() -> Legend {
    Legend::new().top(0).type_(LegendType::Scroll)
}

/// The charts that can be embedded, by their address in `/embed/<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartId {
    Prices,
    CostVolume,
    QualityPrice,
    Memory,
    QualityMemory,
    Benchmarks,
}

impl ChartId {
    pub const ALL: [ChartId; 6] = [
        ChartId::Prices,
        ChartId::CostVolume,
        ChartId::QualityPrice,
        ChartId::Memory,
        ChartId::QualityMemory,
        ChartId::Benchmarks,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ChartId::Prices => "prices",
            ChartId::CostVolume => "cost-vs-volume",
            ChartId::QualityPrice => "quality-vs-price",
            ChartId::Memory => "memory",
            ChartId::QualityMemory => "quality-vs-memory",
            ChartId::Benchmarks => "benchmarks",
        }
    }

    pub fn parse(slug: &str) -> Option<ChartId> {
        ChartId::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// The page the chart lives on, where its inputs can be changed.
    pub fn page(self) -> &'static str {
        match self {
            ChartId::Prices | ChartId::CostVolume | ChartId::QualityPrice => "/costs",
            ChartId::Memory | ChartId::QualityMemory => "/hardware",
            ChartId::Benchmarks => "/models",
        }
    }
}

/// The data behind a chart, as a table with a header row.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DataTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    pub fn new(columns: &[&str]) -> DataTable {
        DataTable {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// RFC 4180 CSV, header first.
    pub fn to_csv(&self) -> String {
        let field = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let line = |cells: &[String]| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
        let mut out = line(&self.columns);
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }
}

/// A chart ready to draw, download, embed and cite.
#[derive(Clone, Debug)]
pub struct Figure {
    pub id: ChartId,
    pub title: String,
    /// One sentence under the title: what is plotted and under which assumptions.
    pub subtitle: String,
    /// "Sources: …" line with the publishers the numbers come from.
    pub source_line: String,
    pub chart: Chart,
    pub table: DataTable,
}

/// An axis label formatter that names no ECharts template but asks the chart component for
/// short counts ("100K", "10M", "1B"): ECharts takes such a formatter only as a function, which
/// an option in JSON cannot hold, so the component puts one in its place.
pub const SHORT_COUNT_LABELS: &str = "llm-atlas:short-count";

/// A legend formatter that names no ECharts template but asks the chart component for a
/// function showing each name without its parenthesised parts ([`short_legend_name`]), as
/// [`SHORT_COUNT_LABELS`] does for axis labels.
pub const SHORT_LEGEND_NAMES: &str = "llm-atlas:short-legend-name";

/// At most this many rows of legend are drawn wrapped; a longer legend keeps ECharts' scrolling
/// one. The chart grows by the rows it adds (see [`LegendLayout::extra_height`]), so the plot
/// keeps its size however many rows the legend takes.
pub const MAX_LEGEND_ROWS: usize = 6;

/// How far each row of a wrapped legend sits below the last: ECharts 6's 14 px items and the
/// 8 px it puts between its own rows.
pub const LEGEND_ROW_PX: f64 = 22.0;

/// The font a wrapped legend's names are measured and drawn in.
pub const LEGEND_FONT_FAMILY: &str = "sans-serif";
pub const LEGEND_FONT_PX: f64 = 12.0;

/// The widths ECharts adds to a legend item's text: the 25 px icon and the 5 px after it.
pub const LEGEND_ICON_PX: f64 = 30.0;

/// Where legend items of these widths (icons included) start new rows when wrapped within
/// `width` px: the index of each row's first item after the first row (ECharts puts 8 px
/// between items and 5 px of padding on each side; 4 px more are kept spare, since the names
/// are measured in ECharts' font but not by ECharts). `None` when an item alone is wider than
/// that, or when the items take more than [`MAX_LEGEND_ROWS`] rows.
pub fn legend_breaks(item_widths: &[f64], width: f64) -> Option<Vec<usize>> {
    let room = legend_room(width);
    let mut breaks = Vec::new();
    let mut x = 0.0;
    for (i, &w) in item_widths.iter().enumerate() {
        if w > room {
            return None;
        }
        if x > 0.0 && x + w > room {
            breaks.push(i);
            x = 0.0;
        }
        x += w + 8.0;
    }
    (breaks.len() < MAX_LEGEND_ROWS).then_some(breaks)
}

/// A name as a crowded legend shows it: without its parenthesised parts, which name the seller,
/// tier or set-up ("Gemma 4 31B on 1× Apple M4 Max (36 GB, Mac Studio base) (bought, Q4_K_M)"
/// -> "Gemma 4 31B on 1× Apple M4 Max"). The series keeps its full name: the legend's tooltip,
/// the chart's tooltip and the data table show it.
pub fn short_legend_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let short = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if short.is_empty() {
        name.to_string()
    } else {
        short
    }
}

/// How a chart's scrolling legend is drawn at some width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegendLayout {
    /// The legend's rows when it is wrapped: the names' indices where each row after the first
    /// starts (see [`legend_breaks`]), and the left edge of the rows, which are as one block
    /// centred in the chart. `None` leaves ECharts' one-row scrolling legend.
    pub rows: Option<(Vec<usize>, f64)>,
    /// Whether the names are shown short ([`short_legend_name`]).
    pub short_names: bool,
}

impl LegendLayout {
    /// ECharts' own legend: one row, scrolling when its names need more.
    pub const SCROLLING: LegendLayout = LegendLayout {
        rows: None,
        short_names: false,
    };

    /// The rows the legend takes.
    pub fn rows(&self) -> usize {
        self.rows.as_ref().map_or(1, |(breaks, _)| breaks.len() + 1)
    }

    /// The pixels the chart grows by so the plot keeps its size under the added rows.
    pub fn extra_height(&self) -> f64 {
        (self.rows() - 1) as f64 * LEGEND_ROW_PX
    }
}

/// How to draw a legend of these `names` (see [`scrolling_legend_names`]) in a chart `width` px
/// wide, given the width of a name's text: ECharts' own legend when every name fits on one row;
/// else every name in full in at most [`MAX_LEGEND_ROWS`] rows; else every name short, when
/// that fits and no two short names are alike (a phone-wide chart of long names, which would
/// otherwise show one name a page); else scrolling. `text_width` answers `None` when it cannot
/// measure, which keeps the scrolling legend.
pub fn legend_layout(
    names: &[String],
    width: f64,
    text_width: impl Fn(&str) -> Option<f64>,
) -> LegendLayout {
    let rows_of = |names: &[String]| {
        let widths: Vec<f64> = names
            .iter()
            .map(|n| Some(LEGEND_ICON_PX + text_width(n)?))
            .collect::<Option<_>>()?;
        let breaks = legend_breaks(&widths, width)?;
        // The widest row, items 8 px apart, plus the legend's 5 px padding on each side.
        let mut starts = vec![0];
        starts.extend(&breaks);
        starts.push(widths.len());
        let widest = starts
            .windows(2)
            .map(|r| widths[r[0]..r[1]].iter().sum::<f64>() + 8.0 * (r[1] - r[0] - 1) as f64)
            .fold(0.0, f64::max);
        Some((breaks, ((width - widest) / 2.0 - 5.0).max(0.0).floor()))
    };
    if names.is_empty() {
        return LegendLayout::SCROLLING;
    }
    if let Some(rows) = rows_of(names) {
        return LegendLayout {
            rows: (!rows.0.is_empty()).then_some(rows),
            short_names: false,
        };
    }
    let short: Vec<String> = names.iter().map(|n| short_legend_name(n)).collect();
    let distinct = short
        .iter()
        .enumerate()
        .all(|(i, n)| !short[..i].contains(n));
    match rows_of(&short) {
        Some(rows) if distinct && short != names => LegendLayout {
            rows: Some(rows),
            short_names: true,
        },
        _ => LegendLayout::SCROLLING,
    }
}

/// The names a scrolling legend shows, in order: its `data`, or else the named series (a name
/// that several series share once). Empty when the option has no scrolling legend.
pub fn scrolling_legend_names(option: &serde_json::Value) -> Vec<String> {
    let Some(legend) = option.get("legend").filter(|l| l["type"] == "scroll") else {
        return Vec::new();
    };
    let listed = legend["data"].as_array().map(|d| {
        d.iter()
            .filter_map(|n| n.as_str().or_else(|| n["name"].as_str()))
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    let names = listed.unwrap_or_else(|| {
        option["series"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str())
            .map(str::to_string)
            .collect()
    });
    let mut seen = Vec::new();
    for n in names {
        if !n.is_empty() && !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen
}

/// The width a wrapped legend's rows may take in a chart `width` px wide.
fn legend_room(width: f64) -> f64 {
    width - 2.0 * 5.0 - 4.0
}

/// The option drawn `width` px wide with its scrolling legend laid out as `layout` says: one
/// plain legend a row (ECharts keeps only one line break in a legend's names), the rows left
/// aligned as a block, the (first) plot moved down by the rows added, and with short names the
/// [`SHORT_LEGEND_NAMES`] formatter and a tooltip with each full name. ECharts keeps one
/// selection across the legends, so a name clicked in any row shows or hides its series.
pub fn wrap_legend(option: &mut serde_json::Value, layout: &LegendLayout) {
    let Some((breaks, left)) = &layout.rows else {
        return;
    };
    let names = scrolling_legend_names(option);
    if names.is_empty() {
        return;
    }
    let mut row = option["legend"].clone();
    let listed = row["data"].as_array().cloned().unwrap_or_default();
    let top = row["top"].as_f64().unwrap_or(0.0);
    row["type"] = "plain".into();
    row["left"] = (*left).into();
    row["itemGap"] = 8.into();
    // The font the names were measured in (ECharts' default, except on Windows).
    row["textStyle"]["fontFamily"] = LEGEND_FONT_FAMILY.into();
    row["textStyle"]["fontSize"] = LEGEND_FONT_PX.into();
    if layout.short_names {
        row["formatter"] = SHORT_LEGEND_NAMES.into();
        row["tooltip"]["show"] = true.into();
    }
    let mut starts = vec![0];
    starts.extend(breaks);
    starts.push(names.len());
    let rows: Vec<serde_json::Value> = starts
        .windows(2)
        .enumerate()
        .map(|(r, span)| {
            let data: Vec<serde_json::Value> = names[span[0]..span[1]]
                .iter()
                .map(|name| {
                    let item = listed
                        .iter()
                        .find(|d| d.as_str().or_else(|| d["name"].as_str()) == Some(name.as_str()));
                    item.cloned().unwrap_or_else(|| name.as_str().into())
                })
                .collect();
            let mut legend = row.clone();
            legend["data"] = data.into();
            legend["top"] = (top + r as f64 * LEGEND_ROW_PX).into();
            legend
        })
        .collect();
    option["legend"] = rows.into();
    let grid = match option.get_mut("grid") {
        Some(serde_json::Value::Array(g)) => g.first_mut(),
        other => other,
    };
    if let Some(grid) = grid.and_then(|g| g.as_object_mut()) {
        let top = grid.get("top").and_then(|t| t.as_f64()).unwrap_or(60.0);
        grid.insert("top".into(), (top + layout.extra_height()).into());
    }
}

/// The widest a category axis's label is drawn, in pixels, before it is cut with an ellipsis.
pub const CATEGORY_LABEL_WIDTH: u32 = 130;

/// The width of a scatter point on one of its chart's lines (the others are 12).
pub const ON_LINE_SYMBOL_SIZE: u32 = 16;

/// Two figures are the same when they would draw and export the same thing.
impl PartialEq for Figure {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.title == other.title
            && self.subtitle == other.subtitle
            && self.source_line == other.source_line
            && self.table == other.table
            && self.option_json() == other.option_json()
    }
}

impl Figure {
    /// The ECharts option, with what charming cannot express added: labelled scatter series
    /// hide the labels that would overlap (the point and its tooltip stay; the labels get a
    /// line height, without which ECharts misjudges their height), so a crowded quality chart
    /// stays readable; and a scatter point that lies on a line series (a model on
    /// the best-score or Pareto line) is drawn [`ON_LINE_SYMBOL_SIZE`] wide, which ECharts also
    /// takes as its label's priority, so the models on the line keep their names first. A log
    /// axis hides the labels that would overlap (long volumes on a phone-wide chart), and a
    /// category axis down the side cuts its labels at [`CATEGORY_LABEL_WIDTH`].
    pub fn option_value(&self) -> Result<serde_json::Value, String> {
        let mut json = serde_json::to_value(&self.chart).map_err(|e| e.to_string())?;
        for key in ["xAxis", "yAxis"] {
            let axes = match json.get_mut(key) {
                Some(serde_json::Value::Array(a)) => a.iter_mut().collect::<Vec<_>>(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for axis in axes {
                let Some(obj) = axis.as_object_mut() else {
                    continue;
                };
                let kind = obj.get("type").and_then(|t| t.as_str()).unwrap_or("");
                // Names of two lines need a line height: ECharts draws the lines on top of each
                // other without one (and one-line names keep the default, which packs more).
                let two_lines = obj.get("data").and_then(|d| d.as_array()).is_some_and(|d| {
                    d.iter()
                        .any(|n| n.as_str().is_some_and(|n| n.contains('\n')))
                });
                let mut settings: Vec<(&str, serde_json::Value)> = match (key, kind) {
                    (_, "log") => vec![("hideOverlap", true.into())],
                    // Names down the side: cut at a width that leaves a phone room for the
                    // bars (the tooltip and the data table keep them whole).
                    ("yAxis", "category") => vec![
                        ("width", CATEGORY_LABEL_WIDTH.into()),
                        ("overflow", "truncate".into()),
                    ],
                    _ => continue,
                };
                if two_lines {
                    settings.push(("lineHeight", 14.into()));
                }
                let label = obj
                    .entry("axisLabel")
                    .or_insert_with(|| serde_json::json!({}));
                if let Some(label) = label.as_object_mut() {
                    for (k, v) in settings {
                        label.insert(k.into(), v);
                    }
                }
            }
        }
        if let Some(series) = json.get_mut("series").and_then(|s| s.as_array_mut()) {
            let on_lines: Vec<serde_json::Value> = series
                .iter()
                .filter(|s| s.get("type").and_then(|t| t.as_str()) == Some("line"))
                .filter_map(|s| s.get("data").and_then(|d| d.as_array()))
                .flatten()
                .cloned()
                .collect();
            for s in series {
                let labelled_scatter = s.get("type").and_then(|t| t.as_str()) == Some("scatter")
                    && s.pointer("/label/show").and_then(|v| v.as_bool()) == Some(true);
                let Some(obj) = s.as_object_mut().filter(|_| labelled_scatter) else {
                    continue;
                };
                obj.insert(
                    "labelLayout".into(),
                    serde_json::json!({ "hideOverlap": true }),
                );
                // ECharts measures a label hosted by a scatter symbol a few pixels tall unless
                // it is given a line height, and then misses most overlaps.
                if let Some(label) = obj.get_mut("label").and_then(|l| l.as_object_mut()) {
                    let font = label
                        .get("fontSize")
                        .and_then(|f| f.as_f64())
                        .unwrap_or(12.0);
                    label
                        .entry("lineHeight")
                        .or_insert_with(|| (font * 1.2).round().into());
                }
                let points = obj.get_mut("data").and_then(|d| d.as_array_mut());
                for point in points.into_iter().flatten() {
                    let on_line = point.get("value").is_some_and(|v| on_lines.contains(v));
                    if let (true, Some(p)) = (on_line, point.as_object_mut()) {
                        p.insert("symbolSize".into(), ON_LINE_SYMBOL_SIZE.into());
                    }
                }
            }
        }
        Ok(json)
    }

    /// The ECharts option as JSON.
    pub fn option_json(&self) -> String {
        self.option_value()
            .map(|v| v.to_string())
            .unwrap_or_else(|_| "{}".to_string())
    }
}

/// A number for a table cell: up to 4 significant decimals, no exponent for usual sizes.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-4) {
        return format!("{x:e}");
    }
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "$1,234" / "$12.5K" style money for labels.
pub fn short_usd(x: f64) -> String {
    if x >= 1e3 {
        format!("${}", short_count(x))
    } else if x >= 10.0 {
        format!("${x:.0}")
    } else {
        format!("${x:.2}")
    }
}

/// The distinct publishers of the given source ids, in first-seen order: "Sources: A; B".
pub fn source_line(ds: &crate::data::Dataset, ids: impl IntoIterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for id in ids {
        if let Some(s) = ds.source(&id) {
            if !seen.contains(&s.publisher) {
                seen.push(s.publisher.clone());
            }
        }
    }
    if seen.is_empty() {
        "Source: LLM Atlas calculation".to_string()
    } else {
        format!("Sources: {}; LLM Atlas calculation", seen.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_ids_round_trip() {
        for id in ChartId::ALL {
            assert_eq!(ChartId::parse(id.slug()), Some(id));
        }
        assert_eq!(ChartId::parse("pie"), None);
    }

    #[test]
    fn tables_become_csv() {
        let mut t = DataTable::new(&["model", "usd"]);
        t.push(vec!["GPT-4o, 2024".into(), "2.5".into()]);
        assert_eq!(t.to_csv(), "model,usd\n\"GPT-4o, 2024\",2.5\n");
    }

    /// Names down the side are cut at one width; one-line names keep ECharts' own line height,
    /// which packs thirty of them into a phone-tall chart.
    #[test]
    fn one_line_names_down_the_side_are_cut_but_keep_their_line_height() {
        let ds = crate::data::bundled();
        let ids: Vec<String> = ds.models.iter().map(|m| m.id.clone()).collect();
        let json = benchmarks::figure(&ds, "gpqa_diamond", &ids)
            .option_value()
            .unwrap();
        let axis = json["yAxis"].get(0).unwrap_or(&json["yAxis"]);
        assert_eq!(axis["type"], "category");
        assert_eq!(axis["axisLabel"]["width"], CATEGORY_LABEL_WIDTH);
        assert_eq!(axis["axisLabel"]["overflow"], "truncate");
        assert!(axis["axisLabel"].get("lineHeight").is_none());
    }

    /// Legend items wrap greedily within the width, a row at a time; one item wider than the
    /// chart, or more rows than [`MAX_LEGEND_ROWS`], keep the scrolling legend.
    #[test]
    fn legend_items_wrap_within_the_width() {
        // Room: 500 - 10 - 4 = 486 px; items are 8 px apart.
        assert_eq!(legend_breaks(&[200.0, 200.0], 500.0), Some(vec![]));
        assert_eq!(legend_breaks(&[200.0, 200.0, 70.0], 500.0), Some(vec![]));
        assert_eq!(legend_breaks(&[200.0, 200.0, 71.0], 500.0), Some(vec![2]));
        assert_eq!(
            legend_breaks(&[300.0, 300.0, 100.0, 300.0], 500.0),
            Some(vec![1, 3])
        );
        assert_eq!(legend_breaks(&[487.0], 500.0), None);
        assert_eq!(legend_breaks(&[300.0; 6], 500.0), Some(vec![1, 2, 3, 4, 5]));
        assert_eq!(legend_breaks(&[300.0; 7], 500.0), None);
        assert_eq!(legend_breaks(&[], 500.0), Some(vec![]));
    }

    /// The names come from the legend's data or else the series, each once; wrapping gives each
    /// row a plain legend of its own, one row lower than the last, and moves the plot down by
    /// the added rows, by which the chart grows.
    #[test]
    fn a_wrapped_legend_moves_the_plot_down() {
        let mut option = serde_json::json!({
            "legend": { "type": "scroll", "top": 0 },
            "grid": [{ "top": 48 }],
            "series": [{ "name": "a" }, { "name": "Break-even" }, { "name": "Break-even" }, {}, { "name": "c" }],
        });
        assert_eq!(scrolling_legend_names(&option), ["a", "Break-even", "c"]);
        wrap_legend(&mut option, &LegendLayout::SCROLLING);
        assert_eq!(option["legend"]["type"], "scroll");
        let three = LegendLayout {
            rows: Some((vec![1, 2], 40.0)),
            short_names: false,
        };
        assert_eq!(three.rows(), 3);
        assert_eq!(three.extra_height(), 2.0 * LEGEND_ROW_PX);
        wrap_legend(&mut option, &three);
        let rows = option["legend"].as_array().expect("a legend a row");
        assert_eq!(rows.len(), 3);
        for (r, (legend, names)) in rows.iter().zip([["a"], ["Break-even"], ["c"]]).enumerate() {
            assert_eq!(legend["type"], "plain");
            assert_eq!(legend["data"], serde_json::json!(names));
            assert_eq!(legend["top"], r as f64 * LEGEND_ROW_PX);
            assert_eq!(legend["left"], 40.0);
            assert_eq!(legend["textStyle"]["fontFamily"], LEGEND_FONT_FAMILY);
            assert!(legend.get("formatter").is_none());
        }
        assert_eq!(option["grid"][0]["top"], 48.0 + 2.0 * LEGEND_ROW_PX);
        // Once wrapped, it is left alone.
        assert!(scrolling_legend_names(&option).is_empty());
        wrap_legend(&mut option, &three);
        assert_eq!(option["grid"][0]["top"], 48.0 + 2.0 * LEGEND_ROW_PX);
        // Items the legend lists itself keep their settings.
        let mut listed = serde_json::json!({
            "legend": { "type": "scroll", "data": [{ "name": "x", "icon": "circle" }, "y"] },
        });
        let two = LegendLayout {
            rows: Some((vec![1], 0.0)),
            short_names: false,
        };
        wrap_legend(&mut listed, &two);
        assert_eq!(
            listed["legend"][0]["data"],
            serde_json::json!([{ "name": "x", "icon": "circle" }])
        );
        assert_eq!(listed["legend"][1]["data"], serde_json::json!(["y"]));
    }

    #[test]
    fn short_names_drop_their_parenthesised_parts() {
        assert_eq!(
            short_legend_name(
                "Gemma 4 31B on 1× Apple M4 Max (36 GB, Mac Studio base) (bought, Q4_K_M)"
            ),
            "Gemma 4 31B on 1× Apple M4 Max"
        );
        assert_eq!(
            short_legend_name("Gemini 3.8 Flash API from 2027-01-01 (Google, announced)"),
            "Gemini 3.8 Flash API from 2027-01-01"
        );
        assert_eq!(short_legend_name("a (b (c) d) e"), "a e");
        assert_eq!(short_legend_name("Break-even"), "Break-even");
        assert_eq!(short_legend_name("(only)"), "(only)");
        assert_eq!(short_legend_name("unbalanced) (x"), "unbalanced)");
    }

    /// Full names when they fit in a few rows; short ones when only they fit and stay apart;
    /// otherwise the scrolling legend. Text is measured here at 7 px a character.
    #[test]
    fn a_crowded_legend_shows_short_names_when_they_fit() {
        let measure = |n: &str| Some(7.0 * n.chars().count() as f64);
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let long = names(&[
            "GPT-6.2 Sol API (OpenAI, prompts up to 272K input tokens)",
            "Gemma 4 31B on 1× Apple M4 Max (36 GB, Mac Studio base) (bought, Q4_K_M)",
            "Break-even",
        ]);
        // Wide enough for one row: ECharts' own legend.
        assert_eq!(
            legend_layout(&long, 1200.0, measure),
            LegendLayout::SCROLLING
        );
        // 800 px: two rows of 429 and 534 + 8 + 100 px, centred: (800 - 642) / 2 - 5.
        assert_eq!(
            legend_layout(&long, 800.0, measure),
            LegendLayout {
                rows: Some((vec![1], 74.0)),
                short_names: false
            }
        );
        // 380 px: the full names are each wider than the chart; short, they take two rows
        // (135 px, then 240 + 8 + 100).
        let phone = legend_layout(&long, 380.0, measure);
        assert_eq!(
            phone,
            LegendLayout {
                rows: Some((vec![1], 11.0)),
                short_names: true
            }
        );
        let mut option = serde_json::json!({ "legend": { "type": "scroll" }, "grid": {}, "series": [
            { "name": long[0] }, { "name": long[1] }, { "name": long[2] },
        ] });
        wrap_legend(&mut option, &phone);
        for legend in option["legend"].as_array().unwrap() {
            assert_eq!(legend["formatter"], SHORT_LEGEND_NAMES);
            assert_eq!(legend["tooltip"]["show"], true);
        }
        assert_eq!(
            option["legend"][1]["data"],
            serde_json::json!([long[1], long[2]])
        );
        assert_eq!(option["grid"]["top"], 60.0 + LEGEND_ROW_PX);
        // Short names that would read alike, or that still do not fit, keep it scrolling.
        let alike = names(&["Model (OpenAI, a long tier name here)", "Model (Azure)"]);
        assert_eq!(
            legend_layout(&alike, 300.0, measure),
            LegendLayout::SCROLLING
        );
        assert_eq!(
            legend_layout(&long, 100.0, measure),
            LegendLayout::SCROLLING
        );
        assert_eq!(
            legend_layout(&long, 800.0, |_| None),
            LegendLayout::SCROLLING
        );
        assert_eq!(legend_layout(&[], 300.0, measure), LegendLayout::SCROLLING);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(1_000_000.0), "1000000");
        assert_eq!(num(0.123456), "0.1235");
        assert_eq!(short_count(1_500_000.0), "1.5M");
        assert_eq!(short_count(10e9), "10B");
        assert_eq!(short_usd(12_500.0), "$12.5K");
        assert_eq!(short_usd(3.456), "$3.46");
    }
}
