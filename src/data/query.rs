//! Pure filtering, sorting and search over the models, for the /models table,
//! plus the pinned compare set. No I/O and no UI types: the page keeps a
//! [`Query`] (e.g. parsed from the URL) and calls [`run`].
//!
//! Sorting puts models without a value last in both directions, so "sort by
//! GPQA, descending" never starts with a wall of blanks.

use std::cmp::Ordering;
use std::fmt;

use super::schema::{CommercialUse, Modality, Model};
use super::validate::Dataset;
use crate::econ::vram::{estimate_model_memory, MemoryOptions, Quant};

/// A sortable column of the models table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Name,
    Vendor,
    Family,
    ReleaseDate,
    ParamsTotal,
    ParamsActive,
    Context,
    MaxOutput,
    OpenWeights,
    Reasoning,
    License,
    /// A benchmark score, by benchmark id (see `benchmarks.json`).
    Benchmark(String),
    /// Lowest current input price over providers, USD per million tokens.
    InputPrice,
    /// Lowest current output price over providers, USD per million tokens.
    OutputPrice,
    /// GPU memory at Q4_K_M with an 8K-token f16 KV cache, GB (see [`memory_gb`]).
    Memory,
}

impl Column {
    /// Stable key for URLs: `name`, `params_total`, `bench:gpqa_diamond`, ...
    pub fn key(&self) -> String {
        match self {
            Column::Name => "name".into(),
            Column::Vendor => "vendor".into(),
            Column::Family => "family".into(),
            Column::ReleaseDate => "release".into(),
            Column::ParamsTotal => "params_total".into(),
            Column::ParamsActive => "params_active".into(),
            Column::Context => "context".into(),
            Column::MaxOutput => "max_output".into(),
            Column::OpenWeights => "open".into(),
            Column::Reasoning => "reasoning".into(),
            Column::License => "license".into(),
            Column::Benchmark(id) => format!("bench:{id}"),
            Column::InputPrice => "price_in".into(),
            Column::OutputPrice => "price_out".into(),
            Column::Memory => "memory".into(),
        }
    }

    /// Inverse of [`Column::key`].
    pub fn parse(key: &str) -> Option<Column> {
        Some(match key {
            "name" => Column::Name,
            "vendor" => Column::Vendor,
            "family" => Column::Family,
            "release" => Column::ReleaseDate,
            "params_total" => Column::ParamsTotal,
            "params_active" => Column::ParamsActive,
            "context" => Column::Context,
            "max_output" => Column::MaxOutput,
            "open" => Column::OpenWeights,
            "reasoning" => Column::Reasoning,
            "license" => Column::License,
            "price_in" => Column::InputPrice,
            "price_out" => Column::OutputPrice,
            "memory" => Column::Memory,
            other => {
                let id = other.strip_prefix("bench:")?;
                if id.is_empty() {
                    return None;
                }
                Column::Benchmark(id.to_string())
            }
        })
    }

    /// The cell value of this column for a model.
    pub fn value(&self, ds: &Dataset, m: &Model) -> Cell {
        let num = |x: Option<f64>| x.map(Cell::Num).unwrap_or(Cell::Missing);
        match self {
            Column::Name => Cell::Text(m.name.clone()),
            Column::Vendor => Cell::Text(m.vendor.clone()),
            Column::Family => Cell::Text(m.family.clone()),
            // ISO dates sort correctly as text.
            Column::ReleaseDate => m
                .release_date
                .as_ref()
                .map(|d| Cell::Text(d.value.clone()))
                .unwrap_or(Cell::Missing),
            Column::ParamsTotal => num(m.params_total_b.as_ref().map(|s| s.value)),
            Column::ParamsActive => num(m.params_active_b.as_ref().map(|s| s.value)),
            Column::Context => num(m.context_window.as_ref().map(|s| s.value as f64)),
            Column::MaxOutput => num(m.max_output_tokens.as_ref().map(|s| s.value as f64)),
            Column::OpenWeights => Cell::Num(f64::from(u8::from(m.open_weights))),
            Column::Reasoning => Cell::Num(f64::from(u8::from(m.reasoning))),
            Column::License => Cell::Text(m.license.name.clone()),
            Column::Benchmark(id) => num(m.benchmarks.get(id).map(|s| s.value)),
            Column::InputPrice => num(cheapest(ds, m, |p| p.input_usd_per_mtok)),
            Column::OutputPrice => num(cheapest(ds, m, |p| p.output_usd_per_mtok)),
            Column::Memory => num(memory_gb(m)),
        }
    }
}

/// The quantization the models table's memory column counts at.
pub const MEMORY_QUANT: Quant = Quant::Q4KM;

/// What the memory column counts besides the weights: the calculators' defaults, an
/// 8,192-token f16 KV cache, one sequence and overhead.
pub fn memory_options() -> MemoryOptions {
    MemoryOptions::default()
}

/// What a model needs in GPU memory at [`MEMORY_QUANT`] with [`memory_options`], GB; `None`
/// where that is unknown: a closed model's size, or an attention layout the data lacks (its
/// weights alone would be a lower bound, which can neither sort nor pass a "less than" filter
/// honestly).
pub fn memory_gb(m: &Model) -> Option<f64> {
    estimate_model_memory(m, MEMORY_QUANT, &memory_options())
        .ok()
        .map(|e| e.total_gb)
}

fn cheapest(ds: &Dataset, m: &Model, f: impl Fn(&super::schema::Price) -> f64) -> Option<f64> {
    ds.current_prices(&m.id)
        .into_iter()
        .map(f)
        .fold(None, |acc: Option<f64>, x| {
            Some(acc.map_or(x, |a| a.min(x)))
        })
}

/// A table cell: a number, a text, or nothing known.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(f64),
    Text(String),
    Missing,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Num(x) => write!(f, "{x}"),
            Cell::Text(s) => f.write_str(s),
            Cell::Missing => f.write_str("—"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub dir: SortDir,
}

/// An inclusive numeric range; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Range {
    pub fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// A model whose value is unknown does not satisfy a bounded range.
    fn admits(&self, x: Option<f64>) -> bool {
        if self.is_open() {
            return true;
        }
        match x {
            None => false,
            Some(x) => self.min.is_none_or(|lo| x >= lo) && self.max.is_none_or(|hi| x <= hi),
        }
    }
}

/// Which models to show. The default shows everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// `Some(true)`: open weights only; `Some(false)`: closed only.
    pub open_weights: Option<bool>,
    /// `Some(true)`: reasoning models only; `Some(false)`: non-reasoning only.
    pub reasoning: Option<bool>,
    /// Keep models whose license name is one of these (case-insensitive); empty keeps all.
    pub licenses: Vec<String>,
    /// Keep models whose commercial-use class is one of these; empty keeps all.
    pub commercial_use: Vec<CommercialUse>,
    /// Keep models from one of these vendors (case-insensitive); empty keeps all.
    pub vendors: Vec<String>,
    /// Keep models that accept every one of these input modalities.
    pub input_modalities: Vec<Modality>,
    /// Keep models that produce every one of these output modalities.
    pub output_modalities: Vec<Modality>,
    /// Total parameters, billions.
    pub params_total_b: Range,
    /// Active parameters, billions.
    pub params_active_b: Range,
    /// GPU memory at Q4_K_M and an 8K context, GB ([`memory_gb`]).
    pub memory_gb: Range,
    /// Case-insensitive search over name, vendor, family and id; every
    /// whitespace-separated term must match somewhere.
    pub text: String,
}

impl Filter {
    pub fn matches(&self, m: &Model) -> bool {
        let eq_ci = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
        if self.open_weights.is_some_and(|o| o != m.open_weights) {
            return false;
        }
        if self.reasoning.is_some_and(|r| r != m.reasoning) {
            return false;
        }
        if !self.licenses.is_empty() && !self.licenses.iter().any(|l| eq_ci(l, &m.license.name)) {
            return false;
        }
        if !self.commercial_use.is_empty()
            && !self.commercial_use.contains(&m.license.commercial_use)
        {
            return false;
        }
        if !self.vendors.is_empty() && !self.vendors.iter().any(|v| eq_ci(v, &m.vendor)) {
            return false;
        }
        if !self
            .input_modalities
            .iter()
            .all(|x| m.modalities.input.contains(x))
        {
            return false;
        }
        if !self
            .output_modalities
            .iter()
            .all(|x| m.modalities.output.contains(x))
        {
            return false;
        }
        if !self
            .params_total_b
            .admits(m.params_total_b.as_ref().map(|s| s.value))
        {
            return false;
        }
        if !self
            .params_active_b
            .admits(m.params_active_b.as_ref().map(|s| s.value))
        {
            return false;
        }
        if !self.memory_gb.is_open() && !self.memory_gb.admits(memory_gb(m)) {
            return false;
        }
        text_matches(&self.text, m)
    }
}

fn text_matches(query: &str, m: &Model) -> bool {
    // Terms hold no whitespace, so a term matches within one field; fields are searched one by
    // one without building a combined, lower-cased copy per model (this runs for every model on
    // every keystroke).
    query.split_whitespace().all(|term| {
        let term = term.to_lowercase();
        [&m.name, &m.vendor, &m.family, &m.id]
            .iter()
            .any(|field| contains_ci(field, &term))
    })
}

/// Up to `limit` models for a quick search (the header's model finder): those whose name,
/// vendor, family or id hold every term of `text`, names that start with the text first, then
/// names that hold it, then the rest, each group in dataset order. Empty text finds nothing.
pub fn find_models<'a>(ds: &'a Dataset, text: &str, limit: usize) -> Vec<&'a Model> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    let mut found: Vec<(u8, &Model)> = ds
        .models
        .iter()
        .filter(|m| text_matches(text, m))
        .map(|m| {
            let name = m.name.to_lowercase();
            let rank = if name.starts_with(&lower) {
                0
            } else if name.contains(&lower) {
                1
            } else {
                2
            };
            (rank, m)
        })
        .collect();
    // Stable: equal ranks keep dataset order.
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().take(limit).map(|(_, m)| m).collect()
}

/// Whether `hay` contains `needle` (already lower-cased), ignoring case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty()
            || h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// Filter plus optional sort: the state of the models table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub filter: Filter,
    pub sort: Option<Sort>,
}

/// The models matching `q.filter`, sorted by `q.sort` (dataset order when none).
pub fn run<'a>(ds: &'a Dataset, q: &Query) -> Vec<&'a Model> {
    run_indices(ds, q)
        .into_iter()
        .map(|i| &ds.models[i])
        .collect()
}

/// [`run`], answering with positions in `ds.models` (what the table keys its rows by).
pub fn run_indices(ds: &Dataset, q: &Query) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..ds.models.len())
        .filter(|&i| q.filter.matches(&ds.models[i]))
        .collect();
    if let Some(sort) = &q.sort {
        sort_keyed(ds, &mut rows, |&i| &ds.models[i], sort);
    }
    rows
}

/// Sorts in place. Missing values go last in both directions; ties keep a
/// deterministic order by name, then id.
pub fn sort_models(ds: &Dataset, rows: &mut [&Model], sort: &Sort) {
    sort_keyed(ds, rows, |m| m, sort);
}

fn sort_keyed<'a, T: Copy>(
    ds: &Dataset,
    rows: &mut [T],
    model: impl Fn(&T) -> &'a Model,
    sort: &Sort,
) {
    // Keys are computed once per row (lower-cased texts included), not once per comparison:
    // this keeps a 10,000-row sort fast in the browser.
    let lower = |c: Cell| match c {
        Cell::Text(t) => Cell::Text(t.to_lowercase()),
        other => other,
    };
    let mut keyed: Vec<(Cell, String, &Model, T)> = rows
        .iter()
        .map(|row| {
            let m = model(row);
            (
                lower(sort.column.value(ds, m)),
                m.name.to_lowercase(),
                m,
                *row,
            )
        })
        .collect();
    keyed.sort_by(|(a, na, ma, _), (b, nb, mb, _)| {
        compare_cells(a, b, sort.dir).then_with(|| na.cmp(nb).then_with(|| ma.id.cmp(&mb.id)))
    });
    for (slot, (_, _, _, row)) in rows.iter_mut().zip(keyed) {
        *slot = row;
    }
}

fn compare_cells(a: &Cell, b: &Cell, dir: SortDir) -> Ordering {
    let directed = |o: Ordering| match dir {
        SortDir::Asc => o,
        SortDir::Desc => o.reverse(),
    };
    match (a, b) {
        (Cell::Missing, Cell::Missing) => Ordering::Equal,
        (Cell::Missing, _) => Ordering::Greater,
        (_, Cell::Missing) => Ordering::Less,
        (Cell::Num(x), Cell::Num(y)) => directed(x.total_cmp(y)),
        // Callers pass lower-cased texts (see `sort_models`).
        (Cell::Text(x), Cell::Text(y)) => directed(x.cmp(y)),
        // Mixed kinds do not occur within one column; keep numbers first.
        (Cell::Num(_), Cell::Text(_)) => Ordering::Less,
        (Cell::Text(_), Cell::Num(_)) => Ordering::Greater,
    }
}

/// How many models can be pinned for side-by-side comparison.
pub const MAX_PINNED: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinError {
    /// Already [`MAX_PINNED`] models are pinned.
    Full,
    AlreadyPinned,
    NotPinned,
}

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinError::Full => write!(f, "at most {MAX_PINNED} models can be compared"),
            PinError::AlreadyPinned => f.write_str("model is already pinned"),
            PinError::NotPinned => f.write_str("model is not pinned"),
        }
    }
}

impl std::error::Error for PinError {}

/// How many of the matching `rows` (indices into `ds.models`, in display order) a table that
/// shows `pages` pages of `page_rows` renders: those pages, and as many more whole pages as reach
/// the last pinned model, so a link that pins a model (its page's "rank" links) shows its row.
pub fn rows_to_show(
    ds: &Dataset,
    rows: &[usize],
    pinned: &Pinned,
    pages: usize,
    page_rows: usize,
) -> usize {
    let reach = rows
        .iter()
        .rposition(|&i| pinned.contains(&ds.models[i].id))
        .map_or(0, |pos| pos + 1);
    (page_rows * pages).max(reach.div_ceil(page_rows) * page_rows)
}

/// The pinned compare set: up to [`MAX_PINNED`] model ids, in pin order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pinned {
    ids: Vec<String>,
}

impl Pinned {
    /// From ids (e.g. a URL parameter): duplicates dropped, capped at [`MAX_PINNED`].
    pub fn from_ids<I, S>(ids: I) -> Pinned
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut p = Pinned::default();
        for id in ids {
            let _ = p.pin(id);
        }
        p
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ids.len() >= MAX_PINNED
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|x| x == id)
    }

    pub fn pin(&mut self, id: impl Into<String>) -> Result<(), PinError> {
        let id = id.into();
        if self.contains(&id) {
            return Err(PinError::AlreadyPinned);
        }
        if self.is_full() {
            return Err(PinError::Full);
        }
        self.ids.push(id);
        Ok(())
    }

    pub fn unpin(&mut self, id: &str) -> Result<(), PinError> {
        let before = self.ids.len();
        self.ids.retain(|x| x != id);
        if self.ids.len() == before {
            Err(PinError::NotPinned)
        } else {
            Ok(())
        }
    }

    /// Pins or unpins; returns whether the model is pinned afterwards.
    pub fn toggle(&mut self, id: &str) -> Result<bool, PinError> {
        if self.contains(id) {
            self.unpin(id).map(|()| false)
        } else {
            self.pin(id).map(|()| true)
        }
    }

    /// The pinned models that exist in the dataset, in pin order.
    pub fn models<'a>(&self, ds: &'a Dataset) -> Vec<&'a Model> {
        self.ids.iter().filter_map(|id| ds.model(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::*;
    use std::collections::BTreeMap;

    fn sourced<T>(value: T) -> Sourced<T> {
        Sourced {
            value,
            source: "s".into(),
            note: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn model(
        id: &str,
        vendor: &str,
        open: bool,
        reasoning: bool,
        total: Option<f64>,
        active: Option<f64>,
        gpqa: Option<f64>,
        input: &[Modality],
    ) -> Model {
        let mut benchmarks = BTreeMap::new();
        if let Some(v) = gpqa {
            benchmarks.insert(
                "gpqa_diamond".to_string(),
                Score {
                    value: v,
                    source: "s".into(),
                    self_reported: true,
                    setting: None,
                    as_of: None,
                    note: None,
                },
            );
        }
        Model {
            id: id.into(),
            name: id.to_uppercase(),
            vendor: vendor.into(),
            family: format!("{vendor} family"),
            variant_of: None,
            release_date: Some(sourced("2025-01-01".to_string())),
            open_weights: open,
            reasoning,
            params_total_b: total.map(sourced),
            params_active_b: active.map(sourced),
            architecture: Architecture::default(),
            context_window: None,
            max_output_tokens: None,
            license: License {
                name: if open {
                    "MIT".into()
                } else {
                    "Proprietary".into()
                },
                commercial_use: if open {
                    CommercialUse::Allowed
                } else {
                    CommercialUse::ApiTermsOnly
                },
                terms: "t".into(),
                source: "s".into(),
            },
            modalities: Modalities {
                input: input.to_vec(),
                output: vec![Modality::Text],
                source: "s".into(),
            },
            benchmarks,
            note: None,
        }
    }

    fn price(model: &str, provider: &str, input: f64, output: f64, as_of: &str) -> Price {
        Price {
            model: model.into(),
            provider: provider.into(),
            tier: None,
            input_usd_per_mtok: input,
            cached_input_usd_per_mtok: None,
            output_usd_per_mtok: output,
            as_of: Some(as_of.into()),
            source: "s".into(),
            retired: None,
            starts: None,
            note: None,
        }
    }

    fn dataset() -> Dataset {
        use Modality::*;
        Dataset {
            meta: Meta {
                version: "t".into(),
                date: "2026-01-01".into(),
                description: "t".into(),
                units: BTreeMap::new(),
            },
            sources: vec![],
            benchmarks: vec![],
            models: vec![
                model(
                    "alpha",
                    "Meta",
                    true,
                    false,
                    Some(400.0),
                    Some(17.0),
                    Some(69.8),
                    &[Text, Image],
                ),
                model(
                    "bravo",
                    "OpenAI",
                    false,
                    true,
                    None,
                    None,
                    Some(75.7),
                    &[Text],
                ),
                model(
                    "charlie",
                    "DeepSeek",
                    true,
                    true,
                    Some(671.0),
                    Some(37.0),
                    None,
                    &[Text],
                ),
                model(
                    "delta",
                    "Google",
                    true,
                    false,
                    Some(4.0),
                    Some(4.0),
                    Some(30.8),
                    &[Text, Image],
                ),
                model(
                    "echo",
                    "Google",
                    false,
                    true,
                    None,
                    None,
                    None,
                    &[Text, Image, Audio],
                ),
            ],
            prices: vec![
                price("alpha", "P1", 0.27, 0.85, "2025-04-05"),
                price("alpha", "P2", 0.17, 0.60, "2025-04-05"),
                price("bravo", "OpenAI", 10.0, 40.0, "2025-04-16"),
                price("bravo", "OpenAI", 2.0, 8.0, "2026-05-29"),
            ],
            hardware: vec![],
            stacks: vec![],
            claims: vec![],
        }
    }

    fn ids(rows: &[&Model]) -> Vec<String> {
        rows.iter().map(|m| m.id.clone()).collect()
    }

    fn sorted(column: Column, dir: SortDir) -> Vec<String> {
        let ds = dataset();
        let q = Query {
            filter: Filter::default(),
            sort: Some(Sort { column, dir }),
        };
        ids(&run(&ds, &q))
    }

    #[test]
    fn the_finder_puts_names_that_start_with_the_text_first() {
        let ds = dataset();
        // "ECHO" starts with it; "CHARLIE" and "DELTA" hold it; ALPHA and BRAVO only in their
        // vendor ("Meta", "OpenAI").
        assert_eq!(
            ids(&find_models(&ds, "e", 10)),
            ["echo", "charlie", "delta", "alpha", "bravo"]
        );
        assert_eq!(
            ids(&find_models(&ds, " E ", 3)),
            ["echo", "charlie", "delta"]
        );
        assert_eq!(ids(&find_models(&ds, "google", 10)), ["delta", "echo"]);
        assert_eq!(ids(&find_models(&ds, "google echo", 10)), ["echo"]);
        assert!(find_models(&ds, "   ", 10).is_empty());
        assert!(find_models(&ds, "zulu", 10).is_empty());
    }

    #[test]
    fn numeric_sort_puts_missing_last_both_ways() {
        let bench = Column::Benchmark("gpqa_diamond".into());
        assert_eq!(
            sorted(bench.clone(), SortDir::Asc),
            ["delta", "alpha", "bravo", "charlie", "echo"]
        );
        assert_eq!(
            sorted(bench, SortDir::Desc),
            ["bravo", "alpha", "delta", "charlie", "echo"]
        );
        assert_eq!(
            sorted(Column::ParamsTotal, SortDir::Desc),
            ["charlie", "alpha", "delta", "bravo", "echo"]
        );
        assert_eq!(
            sorted(Column::ParamsTotal, SortDir::Asc),
            ["delta", "alpha", "charlie", "bravo", "echo"]
        );
    }

    #[test]
    fn numbers_sort_numerically_not_as_text() {
        // 4 < 17 < 37; as text "17" < "37" < "4" would be wrong.
        assert_eq!(
            sorted(Column::ParamsActive, SortDir::Asc),
            ["delta", "alpha", "charlie", "bravo", "echo"]
        );
    }

    #[test]
    fn text_sort_is_case_insensitive_with_stable_ties() {
        assert_eq!(
            sorted(Column::Vendor, SortDir::Asc),
            ["charlie", "delta", "echo", "alpha", "bravo"]
        );
        assert_eq!(
            sorted(Column::Vendor, SortDir::Desc),
            ["bravo", "alpha", "delta", "echo", "charlie"]
        );
    }

    #[test]
    fn price_columns_use_the_cheapest_current_price() {
        // alpha: min(0.27, 0.17) = 0.17; bravo: newest price 2.0 replaces 10.0.
        let ds = dataset();
        let alpha = ds.model("alpha").unwrap();
        let bravo = ds.model("bravo").unwrap();
        assert_eq!(Column::InputPrice.value(&ds, alpha), Cell::Num(0.17));
        assert_eq!(Column::OutputPrice.value(&ds, bravo), Cell::Num(8.0));
        assert_eq!(
            Column::InputPrice.value(&ds, ds.model("echo").unwrap()),
            Cell::Missing
        );
        assert_eq!(
            sorted(Column::InputPrice, SortDir::Desc),
            ["bravo", "alpha", "charlie", "delta", "echo"]
        );
    }

    #[test]
    fn a_retired_price_is_history_and_an_announced_one_still_counts() {
        let mut ds = dataset(); // dated 2026-01-01
        let retire = |p: &mut Price, on: &str| {
            p.retired = Some(Sourced {
                value: on.into(),
                source: "s".into(),
                note: None,
            })
        };
        // alpha's cheaper provider retired: the other one is alpha's price now.
        retire(&mut ds.prices[1], "2025-12-31");
        let alpha = ds.model("alpha").unwrap().clone();
        assert_eq!(Column::InputPrice.value(&ds, &alpha), Cell::Num(0.27));
        // bravo's newest price retired: its older price does not come back.
        retire(&mut ds.prices[3], "2026-01-01");
        assert!(ds.current_prices("bravo").is_empty());
        let bravo = ds.model("bravo").unwrap().clone();
        assert_eq!(Column::InputPrice.value(&ds, &bravo), Cell::Missing);
        // A retirement announced for after the dataset's date leaves the price current.
        retire(&mut ds.prices[0], "2026-06-30");
        assert_eq!(ds.current_prices("alpha").len(), 1);
        assert!(ds.prices[0].retired_by("2026-06-30"));
        assert!(!ds.prices[0].retired_by("2026-06-29"));
    }

    #[test]
    fn the_rows_shown_reach_the_last_pinned_model() {
        let ds = dataset();
        let rows: Vec<usize> = (0..ds.models.len()).collect(); // alpha … echo
        let none = Pinned::default();
        assert_eq!(rows_to_show(&ds, &rows, &none, 1, 2), 2);
        assert_eq!(rows_to_show(&ds, &rows, &none, 2, 2), 4);
        // echo is 5th: three pages of two.
        let echo = Pinned::from_ids(["echo"]);
        assert_eq!(rows_to_show(&ds, &rows, &echo, 1, 2), 6);
        // bravo is 2nd: one page holds it; more pages pressed stay.
        let bravo = Pinned::from_ids(["bravo"]);
        assert_eq!(rows_to_show(&ds, &rows, &bravo, 1, 2), 2);
        assert_eq!(rows_to_show(&ds, &rows, &bravo, 3, 2), 6);
        // A pinned model the filter hides asks for nothing.
        let shown: Vec<usize> = rows[..2].to_vec();
        assert_eq!(rows_to_show(&ds, &shown, &echo, 1, 2), 2);
    }

    #[test]
    fn open_closed_and_reasoning_filters() {
        let ds = dataset();
        let mut q = Query::default();
        q.filter.open_weights = Some(true);
        assert_eq!(ids(&run(&ds, &q)), ["alpha", "charlie", "delta"]);
        q.filter.open_weights = Some(false);
        assert_eq!(ids(&run(&ds, &q)), ["bravo", "echo"]);
        q.filter.open_weights = None;
        q.filter.reasoning = Some(true);
        assert_eq!(ids(&run(&ds, &q)), ["bravo", "charlie", "echo"]);
    }

    #[test]
    fn license_vendor_and_commercial_use_filters() {
        let ds = dataset();
        let mut q = Query::default();
        q.filter.licenses = vec!["mit".into()];
        assert_eq!(ids(&run(&ds, &q)), ["alpha", "charlie", "delta"]);
        q.filter.licenses.clear();
        q.filter.vendors = vec!["google".into(), "META".into()];
        assert_eq!(ids(&run(&ds, &q)), ["alpha", "delta", "echo"]);
        q.filter.vendors.clear();
        q.filter.commercial_use = vec![CommercialUse::ApiTermsOnly];
        assert_eq!(ids(&run(&ds, &q)), ["bravo", "echo"]);
    }

    #[test]
    fn modality_filter_requires_every_listed_modality() {
        let ds = dataset();
        let mut q = Query::default();
        q.filter.input_modalities = vec![Modality::Image];
        assert_eq!(ids(&run(&ds, &q)), ["alpha", "delta", "echo"]);
        q.filter.input_modalities = vec![Modality::Image, Modality::Audio];
        assert_eq!(ids(&run(&ds, &q)), ["echo"]);
    }

    #[test]
    fn the_memory_filter_keeps_open_models_known_to_fit_and_sorts_by_memory() {
        let ds = crate::data::bundled();
        let mut q = Query::default();
        q.filter.memory_gb = Range {
            min: None,
            max: Some(24.0),
        };
        let fits = run(&ds, &q);
        assert!(fits.len() >= 10, "{} models fit in 24 GB", fits.len());
        for m in &fits {
            assert!(m.open_weights, "{}", m.name);
            assert!(memory_gb(m).unwrap() <= 24.0, "{}", m.name);
        }
        // Every open model known to need 24 GB or less is kept; one without a KV layout is
        // not (its weights alone are a lower bound).
        let known = ds
            .models
            .iter()
            .filter(|m| memory_gb(m).is_some_and(|gb| gb <= 24.0))
            .count();
        assert_eq!(fits.len(), known);
        let layoutless = ds
            .models
            .iter()
            .find(|m| m.open_weights && m.params_total_b.is_some() && memory_gb(m).is_none())
            .expect("an open model without a KV layout");
        assert!(!q.filter.matches(layoutless));
        // A model's memory grows with its size at one quantization: Gemma 3 27B needs more
        // than Gemma 3 4B.
        let gb = |id: &str| memory_gb(ds.model(id).unwrap()).unwrap();
        assert!(gb("gemma-3-27b") > gb("gemma-3-4b"));
        assert!(memory_gb(ds.model("gpt-4o").unwrap()).is_none());
        // Sorted by memory, smallest first: the known ones ascend, the unknown follow.
        q.filter = Filter::default();
        q.sort = Some(Sort {
            column: Column::Memory,
            dir: SortDir::Asc,
        });
        let rows = run(&ds, &q);
        let values: Vec<Option<f64>> = rows.iter().map(|m| memory_gb(m)).collect();
        let n = values.iter().take_while(|v| v.is_some()).count();
        assert!(values[n..].iter().all(Option::is_none));
        for w in values[..n].windows(2) {
            assert!(w[0] <= w[1]);
        }
        assert_eq!(Column::parse("memory"), Some(Column::Memory));
    }

    #[test]
    fn size_ranges_are_inclusive_and_exclude_unknown_sizes() {
        let ds = dataset();
        let mut q = Query::default();
        q.filter.params_total_b = Range {
            min: Some(4.0),
            max: Some(400.0),
        };
        assert_eq!(ids(&run(&ds, &q)), ["alpha", "delta"]);
        q.filter.params_total_b = Range::default();
        q.filter.params_active_b = Range {
            min: Some(20.0),
            max: None,
        };
        assert_eq!(ids(&run(&ds, &q)), ["charlie"]);
    }

    #[test]
    fn text_search_is_case_insensitive_over_name_vendor_family() {
        let ds = dataset();
        let mut q = Query::default();
        q.filter.text = "GOOGLE".into();
        assert_eq!(ids(&run(&ds, &q)), ["delta", "echo"]);
        q.filter.text = "google ech".into();
        assert_eq!(ids(&run(&ds, &q)), ["echo"]);
        q.filter.text = "deepseek family".into();
        assert_eq!(ids(&run(&ds, &q)), ["charlie"]);
        q.filter.text = "nothing-like-this".into();
        assert!(run(&ds, &q).is_empty());
        q.filter.text = "   ".into();
        assert_eq!(run(&ds, &q).len(), 5);
    }

    #[test]
    fn case_insensitive_containment_handles_non_ascii() {
        assert!(contains_ci("Gemma 3 12B", "3 12b"));
        assert!(contains_ci("Gemma", ""));
        assert!(!contains_ci("Gem", "gemma"));
        assert!(contains_ci("Ministral Ärger", "ärger"));
        assert!(!contains_ci("Ministral Ärger", "arger"));
    }

    #[test]
    fn column_keys_round_trip() {
        for c in [
            Column::Name,
            Column::Vendor,
            Column::Family,
            Column::ReleaseDate,
            Column::ParamsTotal,
            Column::ParamsActive,
            Column::Context,
            Column::MaxOutput,
            Column::OpenWeights,
            Column::Reasoning,
            Column::License,
            Column::Benchmark("mmlu_pro".into()),
            Column::InputPrice,
            Column::OutputPrice,
        ] {
            assert_eq!(Column::parse(&c.key()), Some(c));
        }
        assert_eq!(Column::parse("bench:"), None);
        assert_eq!(Column::parse("bogus"), None);
    }

    #[test]
    fn pinned_set_holds_at_most_four_unique_ids() {
        let mut p = Pinned::default();
        for id in ["a", "b", "c", "d"] {
            p.pin(id).unwrap();
        }
        assert!(p.is_full());
        assert_eq!(p.pin("e"), Err(PinError::Full));
        assert_eq!(p.toggle("e"), Err(PinError::Full));
        assert_eq!(p.toggle("b"), Ok(false));
        assert_eq!(p.pin("a"), Err(PinError::AlreadyPinned));
        assert_eq!(p.toggle("e"), Ok(true));
        assert_eq!(p.ids(), ["a", "c", "d", "e"]);
        assert_eq!(p.unpin("zzz"), Err(PinError::NotPinned));
        let from_url = Pinned::from_ids(["x", "y", "x", "z", "w", "v"]);
        assert_eq!(from_url.ids(), ["x", "y", "z", "w"]);
    }

    #[test]
    fn pinned_models_skip_unknown_ids() {
        let ds = dataset();
        let p = Pinned::from_ids(["echo", "gone", "alpha"]);
        assert_eq!(ids(&p.models(&ds)), ["echo", "alpha"]);
    }
}
