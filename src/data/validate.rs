//! Parsing and validation of the dataset. Pure: no I/O, so the app runs the
//! same checks on the texts it fetched as the native tests run on the files.
//!
//! Every problem is reported as a [`DataError`] with a precise path into the
//! JSON (e.g. `models[7].benchmarks.gpqa_diamond.value`) and a reason, and all
//! problems are collected rather than stopping at the first one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::de::DeserializeOwned;

use super::schema::*;

/// A calendar date parsed from "YYYY-MM-DD" (no time zone, no chrono).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub y: u16,
    pub m: u8,
    pub d: u8,
}

impl Date {
    pub fn new(y: u16, m: u8, d: u8) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { y, m, d })
    }

    /// Parses exactly "YYYY-MM-DD" and checks that the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format!("\"{s}\" is not a date of the form YYYY-MM-DD"));
        }
        let num = |r: std::ops::Range<usize>| -> u16 {
            b[r].iter()
                .fold(0u16, |acc, c| acc * 10 + u16::from(c - b'0'))
        };
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        // m and d have two digits, so they fit in u8.
        Date::new(y, m as u8, d as u8).ok_or_else(|| format!("\"{s}\" is not a calendar date"))
    }
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        Date::parse(s)
    }
}

/// One problem in the dataset: where (a JSON path prefixed by the file's
/// name without `.json`) and why. Displays as `path: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub path: String,
    pub reason: String,
}

impl DataError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> DataError {
        DataError {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for DataError {}

/// The files the dataset is made of, in load order.
pub const FILES: [&str; 8] = [
    "meta.json",
    "sources.json",
    "benchmarks.json",
    "models.json",
    "prices.json",
    "hardware.json",
    "stacks.json",
    "claims.json",
];

/// The whole dataset, parsed and validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub meta: Meta,
    pub sources: Vec<Source>,
    pub benchmarks: Vec<Benchmark>,
    pub models: Vec<Model>,
    pub prices: Vec<Price>,
    pub hardware: Vec<Hardware>,
    pub stacks: Vec<Stack>,
    pub claims: Vec<Claim>,
}

/// Parses one file's text with a precise error path, prefixed by `root`.
fn parse<T: DeserializeOwned>(root: &str, text: &str) -> Result<T, DataError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        // serde_path_to_error writes "?" for a segment it could not name
        // (e.g. at an unexpected end of input): drop those.
        let full = e.path().to_string();
        let mut inner = full.as_str();
        while let Some(rest) = inner.strip_suffix(".?").or_else(|| inner.strip_suffix('?')) {
            inner = rest;
        }
        let path = if inner == "." || inner.is_empty() {
            root.to_string()
        } else if inner.starts_with('[') {
            format!("{root}{inner}")
        } else {
            format!("{root}.{inner}")
        };
        DataError::new(path, e.into_inner().to_string())
    })
}

impl Dataset {
    /// Parses and validates the dataset from `(file name, text)` pairs, e.g.
    /// `("models.json", text)`. Every file in [`FILES`] must be present.
    /// `today` bounds every date (nothing may be dated in the future).
    pub fn from_json_files(files: &[(&str, &str)], today: Date) -> Result<Dataset, Vec<DataError>> {
        let mut errors = Vec::new();
        let texts: HashMap<&str, &str> = files.iter().copied().collect();
        for (name, _) in files {
            if !FILES.contains(name) {
                errors.push(DataError::new(*name, "not a dataset file"));
            }
        }
        fn load<T: DeserializeOwned>(
            texts: &HashMap<&str, &str>,
            name: &str,
            errors: &mut Vec<DataError>,
        ) -> Option<T> {
            let root = name.trim_end_matches(".json");
            match texts.get(name) {
                None => {
                    errors.push(DataError::new(root, format!("file {name} is missing")));
                    None
                }
                Some(text) => parse(root, text).map_err(|e| errors.push(e)).ok(),
            }
        }
        let meta = load::<Meta>(&texts, "meta.json", &mut errors);
        let sources = load::<Vec<Source>>(&texts, "sources.json", &mut errors);
        let benchmarks = load::<Vec<Benchmark>>(&texts, "benchmarks.json", &mut errors);
        let models = load::<Vec<Model>>(&texts, "models.json", &mut errors);
        let prices = load::<Vec<Price>>(&texts, "prices.json", &mut errors);
        let hardware = load::<Vec<Hardware>>(&texts, "hardware.json", &mut errors);
        let stacks = load::<Vec<Stack>>(&texts, "stacks.json", &mut errors);
        let claims = load::<Vec<Claim>>(&texts, "claims.json", &mut errors);
        match (
            meta, sources, benchmarks, models, prices, hardware, stacks, claims,
        ) {
            (
                Some(meta),
                Some(sources),
                Some(benchmarks),
                Some(models),
                Some(prices),
                Some(hardware),
                Some(stacks),
                Some(claims),
            ) if errors.is_empty() => {
                let ds = Dataset {
                    meta,
                    sources,
                    benchmarks,
                    models,
                    prices,
                    hardware,
                    stacks,
                    claims,
                };
                let errors = ds.validate(today);
                if errors.is_empty() {
                    Ok(ds)
                } else {
                    Err(errors)
                }
            }
            _ => Err(errors),
        }
    }

    /// Semantic checks over a parsed dataset; returns every problem found.
    pub fn validate(&self, today: Date) -> Vec<DataError> {
        let mut v = Validator {
            errors: Vec::new(),
            today,
            sources: self.sources.iter().map(|s| s.id.as_str()).collect(),
        };
        v.meta(&self.meta);
        v.sources(&self.sources);
        let bench: BTreeMap<&str, &Benchmark> =
            self.benchmarks.iter().map(|b| (b.id.as_str(), b)).collect();
        v.benchmarks(&self.benchmarks);
        v.models(&self.models, &bench);
        let model_ids: HashSet<&str> = self.models.iter().map(|m| m.id.as_str()).collect();
        v.prices(&self.prices, &model_ids);
        v.hardware(&self.hardware);
        v.stacks(&self.stacks);
        v.claims(&self.claims, &model_ids);
        v.errors
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Every value that cites each source id, readable ("Gemma 3 270M › context window"), in
    /// dataset order: every `source` field and `sources` list in the models, benchmarks, prices,
    /// hardware, serving stacks and claims. A model's values and prices name the model's id.
    pub fn cited_by(&self) -> HashMap<String, Vec<Citation>> {
        let mut out: HashMap<String, Vec<Citation>> = HashMap::new();
        let bench = |id: &str| self.benchmark(id).map(|b| b.name.clone());
        let model = |id: &str| self.model(id).map_or(id.to_string(), |m| m.name.clone());
        let mut cite = |item: Item, value: Result<serde_json::Value, serde_json::Error>| {
            // Serializing the dataset's own types cannot fail; nothing to cite if it did.
            if let Ok(v) = value {
                collect_citations(&v, &item, &mut Vec::new(), &bench, &mut out);
            }
        };
        let of_model = |label: String, id: &str| Item {
            label,
            model: Some(id.to_string()),
        };
        for m in &self.models {
            cite(of_model(m.name.clone(), &m.id), serde_json::to_value(m));
        }
        for b in &self.benchmarks {
            cite(
                Item::plain(format!("{} (what it measures)", b.name)),
                serde_json::to_value(b),
            );
        }
        for p in &self.prices {
            let tier = p.tier.as_deref().map(|t| format!(", {t}"));
            let as_of = p.as_of.as_deref().map(|d| format!(", {d}"));
            let starts = p.starts.as_ref().map(|s| format!(", from {}", s.value));
            let label = format!(
                "{} price at {}{}{}{}",
                model(&p.model),
                p.provider,
                tier.unwrap_or_default(),
                as_of.unwrap_or_default(),
                starts.unwrap_or_default()
            );
            cite(of_model(label, &p.model), serde_json::to_value(p));
        }
        for h in &self.hardware {
            cite(Item::plain(h.name.clone()), serde_json::to_value(h));
        }
        for s in &self.stacks {
            cite(Item::plain(s.name.clone()), serde_json::to_value(s));
        }
        for c in &self.claims {
            cite(
                Item::plain(format!("Claim \u{201c}{}\u{201d}", c.text)),
                serde_json::to_value(c),
            );
        }
        out
    }

    /// How many values cite each source id (see [`Dataset::cited_by`]).
    pub fn citations(&self) -> HashMap<String, usize> {
        self.cited_by()
            .into_iter()
            .map(|(id, values)| (id, values.len()))
            .collect()
    }

    pub fn model(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }

    pub fn benchmark(&self, id: &str) -> Option<&Benchmark> {
        self.benchmarks.iter().find(|b| b.id == id)
    }

    /// Every price listed for a model (its history included).
    pub fn prices_for<'a>(&'a self, model_id: &'a str) -> impl Iterator<Item = &'a Price> + 'a {
        self.prices.iter().filter(move |p| p.model == model_id)
    }

    /// The newest price in force per (provider, tier) for a model, sorted by provider; a
    /// provider and tier whose newest price was retired by the dataset's date has none (an
    /// older price of theirs is history too). A price announced for a later day is not in
    /// force yet (see [`Dataset::announced_prices`]); once its day comes it is the newest.
    pub fn current_prices(&self, model_id: &str) -> Vec<&Price> {
        self.prices_on(model_id, &self.meta.date)
    }

    /// The prices of a model in force on `date` ("YYYY-MM-DD"), as [`Dataset::current_prices`]
    /// gives them for the dataset's date: for a later day, what the announced retirements and
    /// prices make of them.
    pub fn prices_on(&self, model_id: &str, date: &str) -> Vec<&Price> {
        let mut latest: BTreeMap<(&str, Option<&str>), &Price> = BTreeMap::new();
        for p in self
            .prices
            .iter()
            .filter(|p| p.model == model_id && !p.starts_after(date))
        {
            let key = (p.provider.as_str(), p.tier.as_deref());
            let newer = match latest.get(&key) {
                None => true,
                Some(old) => (p.effective_day(), &p.as_of) > (old.effective_day(), &old.as_of),
            };
            if newer {
                latest.insert(key, p);
            }
        }
        latest
            .into_values()
            .filter(|p| !p.retired_by(date))
            .collect()
    }

    /// A model's prices announced for a day after the dataset's date, soonest first (then by
    /// provider and tier).
    pub fn announced_prices(&self, model_id: &str) -> Vec<&Price> {
        let mut announced: Vec<&Price> = self
            .prices
            .iter()
            .filter(|p| p.model == model_id && p.starts_after(&self.meta.date))
            .collect();
        announced.sort_by(|a, b| {
            (a.effective_day(), &a.provider, &a.tier).cmp(&(
                b.effective_day(),
                &b.provider,
                &b.tier,
            ))
        });
        announced
    }
}

struct Validator<'a> {
    errors: Vec<DataError>,
    today: Date,
    sources: HashSet<&'a str>,
}

impl Validator<'_> {
    fn err(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(DataError::new(path, reason));
    }

    fn source_ref(&mut self, path: &str, id: &str) {
        if id.trim().is_empty() {
            self.err(path, "source id is empty");
        } else if !self.sources.contains(id) {
            self.err(path, format!("unknown source id \"{id}\""));
        }
    }

    fn nonempty(&mut self, path: &str, s: &str) {
        if s.trim().is_empty() {
            self.err(path, "is empty");
        }
    }

    fn date(&mut self, path: &str, s: &str) -> Option<Date> {
        match Date::parse(s) {
            Err(e) => {
                self.err(path, e);
                None
            }
            Ok(d) if d > self.today => {
                self.err(
                    path,
                    format!("{d} is in the future (today is {})", self.today),
                );
                None
            }
            Ok(d) => Some(d),
        }
    }

    fn required_date(&mut self, path: &str, s: &Option<String>, what: &str) {
        match s {
            None => self.err(path, format!("{what} has no as-of date")),
            Some(s) => {
                self.date(path, s);
            }
        }
    }

    fn number(&mut self, path: &str, x: f64, min: f64, max: f64) {
        if !x.is_finite() {
            self.err(path, format!("{x} is not a finite number"));
        } else if x < min {
            self.err(path, format!("{x} is below {min}"));
        } else if x > max {
            self.err(path, format!("{x} is above {max}"));
        }
    }

    fn positive(&mut self, path: &str, x: f64) {
        if !x.is_finite() {
            self.err(path, format!("{x} is not a finite number"));
        } else if x <= 0.0 {
            self.err(path, format!("{x} is not above 0"));
        }
    }

    fn unique<'s>(&mut self, list: &str, ids: impl Iterator<Item = &'s str>) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            let path = format!("{list}[{i}].id");
            if id.trim().is_empty() {
                self.err(&path, "id is empty");
            } else if !is_slug(id) {
                self.err(
                    &path,
                    format!("\"{id}\" is not a slug (lowercase letters, digits, '-', '_', '.')"),
                );
            }
            if let Some(first) = seen.insert(id, i) {
                self.err(
                    &path,
                    format!("duplicate id \"{id}\" (first at {list}[{first}])"),
                );
                seen.insert(id, first);
            }
        }
    }

    fn meta(&mut self, meta: &Meta) {
        self.nonempty("meta.version", &meta.version);
        self.date("meta.date", &meta.date);
    }

    fn sources(&mut self, sources: &[Source]) {
        self.unique("sources", sources.iter().map(|s| s.id.as_str()));
        for (i, s) in sources.iter().enumerate() {
            let p = format!("sources[{i}]");
            if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
                self.err(
                    format!("{p}.url"),
                    format!("\"{}\" is not an http(s) URL", s.url),
                );
            }
            self.nonempty(&format!("{p}.publisher"), &s.publisher);
            self.nonempty(&format!("{p}.title"), &s.title);
            self.date(&format!("{p}.date_read"), &s.date_read);
        }
    }

    fn benchmarks(&mut self, benchmarks: &[Benchmark]) {
        self.unique("benchmarks", benchmarks.iter().map(|b| b.id.as_str()));
        for (i, b) in benchmarks.iter().enumerate() {
            let p = format!("benchmarks[{i}]");
            self.nonempty(&format!("{p}.name"), &b.name);
            self.source_ref(&format!("{p}.source"), &b.source);
        }
    }

    fn sourced_positive<T: Copy + Into<f64>>(&mut self, path: &str, s: &Option<Sourced<T>>) {
        if let Some(s) = s {
            self.positive(&format!("{path}.value"), s.value.into());
            self.source_ref(&format!("{path}.source"), &s.source);
        }
    }

    fn models(&mut self, models: &[Model], bench: &BTreeMap<&str, &Benchmark>) {
        self.unique("models", models.iter().map(|m| m.id.as_str()));
        let ids: HashSet<&str> = models.iter().map(|m| m.id.as_str()).collect();
        for (i, m) in models.iter().enumerate() {
            let p = format!("models[{i}]");
            self.nonempty(&format!("{p}.name"), &m.name);
            self.nonempty(&format!("{p}.vendor"), &m.vendor);
            self.nonempty(&format!("{p}.family"), &m.family);
            if let Some(parent) = &m.variant_of {
                if parent == &m.id || !ids.contains(parent.as_str()) {
                    self.err(
                        format!("{p}.variant_of"),
                        format!("\"{parent}\" is not another model's id"),
                    );
                }
            }
            if let Some(r) = &m.release_date {
                self.date(&format!("{p}.release_date.value"), &r.value);
                self.source_ref(&format!("{p}.release_date.source"), &r.source);
            }

            if let Some(t) = &m.params_total_b {
                self.positive(&format!("{p}.params_total_b.value"), t.value);
                self.source_ref(&format!("{p}.params_total_b.source"), &t.source);
            }
            if let Some(a) = &m.params_active_b {
                self.positive(&format!("{p}.params_active_b.value"), a.value);
                self.source_ref(&format!("{p}.params_active_b.source"), &a.source);
                if let Some(t) = &m.params_total_b {
                    if a.value > t.value {
                        self.err(
                            format!("{p}.params_active_b.value"),
                            format!("{} active is above {} total", a.value, t.value),
                        );
                    }
                }
            }
            self.architecture(&format!("{p}.architecture"), &m.architecture, m);
            if let Some(c) = &m.context_window {
                self.positive(&format!("{p}.context_window.value"), c.value as f64);
                self.source_ref(&format!("{p}.context_window.source"), &c.source);
            }
            if let Some(c) = &m.max_output_tokens {
                self.positive(&format!("{p}.max_output_tokens.value"), c.value as f64);
                self.source_ref(&format!("{p}.max_output_tokens.source"), &c.source);
            }
            self.nonempty(&format!("{p}.license.name"), &m.license.name);
            self.source_ref(&format!("{p}.license.source"), &m.license.source);
            let closed_use = matches!(
                m.license.commercial_use,
                CommercialUse::ApiTermsOnly | CommercialUse::Unreleased
            );
            if !m.open_weights && !closed_use {
                self.err(
                    format!("{p}.license.commercial_use"),
                    "a model without open weights is \"api_terms_only\" or \"unreleased\"",
                );
            }
            if m.open_weights && closed_use {
                self.err(
                    format!("{p}.license.commercial_use"),
                    "an open-weights model has a license, not \"api_terms_only\" or \"unreleased\"",
                );
            }
            if m.modalities.input.is_empty() {
                self.err(format!("{p}.modalities.input"), "is empty");
            }
            if m.modalities.output.is_empty() {
                self.err(format!("{p}.modalities.output"), "is empty");
            }
            self.source_ref(&format!("{p}.modalities.source"), &m.modalities.source);
            for (key, s) in &m.benchmarks {
                let bp = format!("{p}.benchmarks.{key}");
                let Some(b) = bench.get(key.as_str()) else {
                    self.err(&bp, format!("unknown benchmark id \"{key}\""));
                    continue;
                };
                let (lo, hi) = b.unit.range();
                self.number(&format!("{bp}.value"), s.value, lo, hi);
                self.source_ref(&format!("{bp}.source"), &s.source);
                match &s.as_of {
                    Some(d) => {
                        self.date(&format!("{bp}.as_of"), d);
                    }
                    None if b.requires_as_of => self.err(
                        format!("{bp}.as_of"),
                        format!("a {} score needs an as_of date", b.name),
                    ),
                    None => {}
                }
            }
        }
    }

    fn architecture(&mut self, p: &str, a: &Architecture, m: &Model) {
        if let Some(k) = &a.kind {
            self.source_ref(&format!("{p}.kind.source"), &k.source);
            let moe_fields = a.experts.is_some() || a.experts_active.is_some();
            if k.value == ArchKind::Dense && moe_fields {
                self.err(format!("{p}.kind.value"), "a dense model has no experts");
            }
            if k.value == ArchKind::Dense {
                if let (Some(t), Some(act)) = (&m.params_total_b, &m.params_active_b) {
                    if (t.value - act.value).abs() > 1e-9 {
                        self.err(
                            format!("{p}.kind.value"),
                            "a dense model's active parameters equal its total",
                        );
                    }
                }
            }
        }
        let fields: [(&str, &Option<Sourced<u32>>); 21] = [
            ("experts", &a.experts),
            ("experts_active", &a.experts_active),
            ("shared_experts", &a.shared_experts),
            ("layers", &a.layers),
            ("hidden_size", &a.hidden_size),
            ("attention_heads", &a.attention_heads),
            ("kv_heads", &a.kv_heads),
            ("head_dim", &a.head_dim),
            ("sliding_window", &a.sliding_window),
            ("sliding_window_layers", &a.sliding_window_layers),
            ("global_kv_heads", &a.global_kv_heads),
            ("global_head_dim", &a.global_head_dim),
            ("kv_shared_layers", &a.kv_shared_layers),
            ("attention_layers", &a.attention_layers),
            ("sliding_window_period", &a.sliding_window_period),
            ("compressed_layers", &a.compressed_layers),
            ("compress_ratio", &a.compress_ratio),
            ("heavily_compressed_layers", &a.heavily_compressed_layers),
            ("heavy_compress_ratio", &a.heavy_compress_ratio),
            ("kv_lora_rank", &a.kv_lora_rank),
            ("vocab_size", &a.vocab_size),
        ];
        for (name, f) in fields {
            self.sourced_positive(&format!("{p}.{name}"), f);
        }
        // An MLA model may cache no RoPE part (GLM-5.3-Flash: qk_rope_head_dim 0), but only
        // next to a latent.
        if let Some(r) = &a.qk_rope_head_dim {
            self.source_ref(&format!("{p}.qk_rope_head_dim.source"), &r.source);
            if a.kv_lora_rank.is_none() {
                self.err(
                    format!("{p}.qk_rope_head_dim"),
                    "a RoPE key size (MLA) needs the KV latent rank (kv_lora_rank) next to it",
                );
            }
        }
        let val = |f: &Option<Sourced<u32>>| f.as_ref().map(|s| s.value);
        if let (Some(e), Some(act)) = (val(&a.experts), val(&a.experts_active)) {
            if act > e {
                self.err(
                    format!("{p}.experts_active.value"),
                    format!("{act} active experts is above {e} experts"),
                );
            }
        }
        // KV heads (of all layers, or of the global ones) must divide the query heads.
        for (name, what, kv) in [
            ("kv_heads", "KV heads", &a.kv_heads),
            ("global_kv_heads", "global KV heads", &a.global_kv_heads),
        ] {
            if let (Some(h), Some(kv)) = (val(&a.attention_heads), val(kv)) {
                if kv > h || h % kv != 0 {
                    self.err(
                        format!("{p}.{name}.value"),
                        format!("{kv} {what} do not divide {h} attention heads"),
                    );
                }
            }
        }
        if let (Some(l), Some(s)) = (val(&a.layers), val(&a.sliding_window_layers)) {
            if s > l {
                self.err(
                    format!("{p}.sliding_window_layers.value"),
                    format!("{s} sliding-window layers is above {l} layers"),
                );
            }
        }
        // Global-layer KV numbers qualify kv_heads and head_dim for models with sliding-window
        // layers; they come together.
        if a.global_kv_heads.is_some() || a.global_head_dim.is_some() {
            let missing = [
                ("global_kv_heads", a.global_kv_heads.is_none()),
                ("global_head_dim", a.global_head_dim.is_none()),
                ("kv_heads", a.kv_heads.is_none()),
                ("head_dim", a.head_dim.is_none()),
                ("sliding_window_layers", a.sliding_window_layers.is_none()),
            ];
            for (name, absent) in missing {
                if absent {
                    self.err(
                        format!("{p}.{name}"),
                        "needed with global-layer KV heads and head size".to_string(),
                    );
                }
            }
        }
        // Shared KV layers need the layer pattern, and leave at least one layer caching.
        if a.kv_shared_layers.is_some() != a.sliding_window_period.is_some() {
            let name = if a.kv_shared_layers.is_none() {
                "kv_shared_layers"
            } else {
                "sliding_window_period"
            };
            self.err(
                format!("{p}.{name}"),
                "kv_shared_layers and sliding_window_period come together".to_string(),
            );
        }
        // The pattern says which layers are global (the last of each group), so it must agree
        // with the count of sliding-window layers when both are given.
        if let (Some(l), Some(period), Some(s)) = (
            val(&a.layers),
            val(&a.sliding_window_period),
            val(&a.sliding_window_layers),
        ) {
            // A zero period is reported as not positive above.
            let sliding = l - l.checked_div(period).unwrap_or(0);
            if period > 0 && s != sliding {
                self.err(
                    format!("{p}.sliding_window_layers.value"),
                    format!(
                        "{s} sliding-window layers, but {l} layers in groups of {period} \
                         (the last of each global) make {sliding}"
                    ),
                );
            }
        }
        if let (Some(l), Some(n)) = (val(&a.layers), val(&a.attention_layers)) {
            if n > l {
                self.err(
                    format!("{p}.attention_layers.value"),
                    format!("{n} attention layers is above {l} layers"),
                );
            }
        }
        if let (Some(l), Some(n)) = (val(&a.layers), val(&a.kv_shared_layers)) {
            if n >= l {
                self.err(
                    format!("{p}.kv_shared_layers.value"),
                    format!("{n} shared-KV layers leave none of {l} layers holding a cache"),
                );
            }
        }
    }

    fn price_number(&mut self, path: &str, x: f64) {
        self.number(path, x, 0.0, f64::MAX);
    }

    fn prices(&mut self, prices: &[Price], models: &HashSet<&str>) {
        // (model, provider, tier, the day it applies) -> first index
        type PriceKey<'k> = (&'k str, &'k str, Option<&'k str>, Option<&'k str>);
        let mut seen: HashMap<PriceKey, usize> = HashMap::new();
        for (i, pr) in prices.iter().enumerate() {
            let p = format!("prices[{i}]");
            if !models.contains(pr.model.as_str()) {
                self.err(
                    format!("{p}.model"),
                    format!("unknown model id \"{}\"", pr.model),
                );
            }
            self.nonempty(&format!("{p}.provider"), &pr.provider);
            self.price_number(&format!("{p}.input_usd_per_mtok"), pr.input_usd_per_mtok);
            if let Some(c) = pr.cached_input_usd_per_mtok {
                self.price_number(&format!("{p}.cached_input_usd_per_mtok"), c);
            }
            self.price_number(&format!("{p}.output_usd_per_mtok"), pr.output_usd_per_mtok);
            self.required_date(&format!("{p}.as_of"), &pr.as_of, "a price");
            self.source_ref(&format!("{p}.source"), &pr.source);
            if let Some(r) = &pr.retired {
                // An announced retirement may lie ahead, so no "not in the future" rule here.
                if let Err(e) = Date::parse(&r.value) {
                    self.err(format!("{p}.retired.value"), e);
                }
                self.source_ref(&format!("{p}.retired.source"), &r.source);
            }
            if let Some(st) = &pr.starts {
                // An announced price: read before the day it applies, which may lie ahead.
                match Date::parse(&st.value) {
                    Err(e) => self.err(format!("{p}.starts.value"), e),
                    Ok(_) => {
                        if pr.as_of.as_deref().is_some_and(|d| d >= st.value.as_str()) {
                            self.err(
                                format!("{p}.starts.value"),
                                format!(
                                    "a price that starts on {} must have been read before then, not on {}",
                                    st.value,
                                    pr.as_of.as_deref().unwrap_or_default()
                                ),
                            );
                        }
                        if let Some(r) = pr.retired.as_ref().filter(|r| r.value <= st.value) {
                            self.err(
                                format!("{p}.retired.value"),
                                format!(
                                    "retired on {}, not after it starts on {}",
                                    r.value, st.value
                                ),
                            );
                        }
                    }
                }
                self.source_ref(&format!("{p}.starts.source"), &st.source);
            }
            let key = (
                pr.model.as_str(),
                pr.provider.as_str(),
                pr.tier.as_deref(),
                pr.effective_day(),
            );
            if let Some(first) = seen.insert(key, i) {
                self.err(
                    &p,
                    format!(
                        "duplicate price for model \"{}\" at provider \"{}\" from the same date (first at prices[{first}])",
                        pr.model, pr.provider
                    ),
                );
            }
        }
    }

    fn hardware(&mut self, hardware: &[Hardware]) {
        self.unique("hardware", hardware.iter().map(|h| h.id.as_str()));
        for (i, h) in hardware.iter().enumerate() {
            let p = format!("hardware[{i}]");
            self.nonempty(&format!("{p}.name"), &h.name);
            self.positive(&format!("{p}.memory_gb.value"), h.memory_gb.value);
            self.source_ref(&format!("{p}.memory_gb.source"), &h.memory_gb.source);
            self.positive(&format!("{p}.bandwidth_gbs.value"), h.bandwidth_gbs.value);
            self.source_ref(
                &format!("{p}.bandwidth_gbs.source"),
                &h.bandwidth_gbs.source,
            );
            if let Some(pp) = &h.purchase_price {
                self.positive(&format!("{p}.purchase_price.usd"), pp.usd);
                self.required_date(&format!("{p}.purchase_price.as_of"), &pp.as_of, "a price");
                self.source_ref(&format!("{p}.purchase_price.source"), &pp.source);
            }
            for (j, c) in h.cloud.iter().enumerate() {
                let cp = format!("{p}.cloud[{j}]");
                self.nonempty(&format!("{cp}.provider"), &c.provider);
                self.positive(&format!("{cp}.usd_per_hour"), c.usd_per_hour);
                self.required_date(&format!("{cp}.as_of"), &c.as_of, "a price");
                self.source_ref(&format!("{cp}.source"), &c.source);
            }
        }
    }

    fn stacks(&mut self, stacks: &[Stack]) {
        self.unique("stacks", stacks.iter().map(|s| s.id.as_str()));
        for (i, s) in stacks.iter().enumerate() {
            let p = format!("stacks[{i}]");
            self.nonempty(&format!("{p}.name"), &s.name);
            if let Some(l) = &s.license {
                self.nonempty(&format!("{p}.license"), l);
            }
            if s.sources.is_empty() {
                self.err(format!("{p}.sources"), "no source given");
            }
            for (j, id) in s.sources.iter().enumerate() {
                self.source_ref(&format!("{p}.sources[{j}]"), id);
            }
        }
    }

    fn claims(&mut self, claims: &[Claim], models: &HashSet<&str>) {
        self.unique("claims", claims.iter().map(|c| c.id.as_str()));
        for (i, c) in claims.iter().enumerate() {
            let p = format!("claims[{i}]");
            self.nonempty(&format!("{p}.text"), &c.text);
            self.nonempty(&format!("{p}.explanation"), &c.explanation);
            for (j, m) in c.models.iter().enumerate() {
                if !models.contains(m.as_str()) {
                    self.err(
                        format!("{p}.models[{j}]"),
                        format!("unknown model id \"{m}\""),
                    );
                }
            }
            if c.verdict != Verdict::Unverifiable && c.sources.is_empty() {
                self.err(format!("{p}.sources"), "a checked claim needs a source");
            }
            for (j, id) in c.sources.iter().enumerate() {
                self.source_ref(&format!("{p}.sources[{j}]"), id);
            }
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
        })
}

/// Walks one dataset item's JSON, recording `item › field` under each source id it cites.
/// One value that cites a source, as `/about` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Citation {
    /// The value in words: "Llama 4 Maverick › release date".
    pub label: String,
    /// The model it is a value of (its own field, or one of its prices), to link to its page.
    pub model: Option<String>,
}

/// What a citation belongs to: a readable name, and the model it is a value of, if any.
struct Item {
    label: String,
    model: Option<String>,
}

impl Item {
    fn plain(label: String) -> Item {
        Item { label, model: None }
    }
}

fn collect_citations(
    v: &serde_json::Value,
    item: &Item,
    path: &mut Vec<String>,
    bench: &dyn Fn(&str) -> Option<String>,
    out: &mut HashMap<String, Vec<Citation>>,
) {
    use serde_json::Value;
    fn record(out: &mut HashMap<String, Vec<Citation>>, item: &Item, id: &str, path: &[String]) {
        let label = if path.is_empty() {
            item.label.clone()
        } else {
            format!("{} \u{203a} {}", item.label, path.join(" \u{203a} "))
        };
        let list = out.entry(id.to_string()).or_default();
        // Entries of one list that read alike cite once (a GPU's two cloud rentals from one
        // source are both "cloud rental").
        if list.last().map(|c| &c.label) != Some(&label) {
            list.push(Citation {
                label,
                model: item.model.clone(),
            });
        }
    }
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("source", Value::String(id)) => record(out, item, id, path),
                    ("sources", Value::Array(ids)) if ids.iter().all(Value::is_string) => {
                        for id in ids.iter().filter_map(Value::as_str) {
                            record(out, item, id, path);
                        }
                    }
                    _ => {
                        // A model's benchmark scores are keyed by benchmark id: say its name.
                        let in_benchmarks = path.last().is_some_and(|p| p == "benchmarks");
                        let name = in_benchmarks
                            .then(|| bench(k))
                            .flatten()
                            .unwrap_or_else(|| field_label(k).into_owned());
                        path.push(name);
                        collect_citations(x, item, path, bench, out);
                        path.pop();
                    }
                }
            }
        }
        Value::Array(items) => {
            for x in items {
                collect_citations(x, item, path, bench, out);
            }
        }
        _ => {}
    }
}

/// A dataset field's name as a reader says it: `"head_dim"` → "head size".
pub fn field_label(key: &str) -> std::borrow::Cow<'_, str> {
    let known = match key {
        "params_total_b" => "total parameters",
        "params_active_b" => "active parameters",
        "kv_heads" => "KV heads",
        "head_dim" => "head size",
        "vocab_size" => "vocabulary",
        "kv_lora_rank" => "KV latent rank",
        "qk_rope_head_dim" => "RoPE head size",
        "global_kv_heads" => "KV heads of the global layers",
        "global_head_dim" => "head size of the global layers",
        "kv_shared_layers" => "layers reusing another's KV cache",
        "attention_layers" => "attention layers",
        "sliding_window_period" => "layers per sliding-window group",
        "compressed_layers" => "compressed-attention layers",
        "compress_ratio" => "tokens per compressed entry",
        "heavily_compressed_layers" => "heavily compressed layers",
        "heavy_compress_ratio" => "tokens per heavily compressed entry",
        "memory_gb" => "memory",
        "bandwidth_gbs" => "memory bandwidth",
        "cloud" => "cloud rental",
        _ => return std::borrow::Cow::Owned(key.replace('_', " ")),
    };
    std::borrow::Cow::Borrowed(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates() {
        assert_eq!(
            Date::parse("2026-11-24"),
            Ok(Date {
                y: 2026,
                m: 11,
                d: 24
            })
        );
        assert_eq!(Date::parse("2024-02-29").map(|d| d.d), Ok(29));
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2025-13-01").is_err());
        assert!(Date::parse("2025-1-01").is_err());
        assert!(Date::parse("2025/01/01").is_err());
        assert!(Date::parse("").is_err());
        assert_eq!(Date::new(2025, 4, 5).unwrap().to_string(), "2025-04-05");
        assert!(Date::new(2025, 4, 5) < Date::new(2025, 4, 6));
    }

    #[test]
    fn error_displays_path_and_reason() {
        let e = DataError::new("models[7].benchmarks.gpqa_diamond.value", "-3 is below 0");
        assert_eq!(
            e.to_string(),
            "models[7].benchmarks.gpqa_diamond.value: -3 is below 0"
        );
    }

    #[test]
    fn parse_error_path_is_prefixed_with_the_file() {
        let e = parse::<Vec<Source>>("sources", r#"[{"id": 3}]"#).unwrap_err();
        assert_eq!(e.path, "sources[0].id");
        let e = parse::<Meta>("meta", "{").unwrap_err();
        assert_eq!(e.path, "meta");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("qwen2.5-vl-72b"));
        assert!(!is_slug("Qwen 2.5"));
    }
}
