//! The `/models` table's state as URL query parameters, so a view can be shared and the back
//! button works. Pure: a list of `(key, value)` pairs in, a [`TableState`] out, and back.
//!
//! ```text
//! ?q=llama&sort=bench:gpqa_diamond&dir=desc&open=open&reasoning=yes&vendor=Meta,Google
//!  &license=Apache-2.0&use=allowed&in=image&tmin=1&tmax=100&amin=&amax=30
//!  &cols=name,vendor,params_total&pin=llama-4-scout,gemma-3-27b
//! ```

use crate::components::url_state::QueryState;
use crate::data::{Column, CommercialUse, Filter, Modality, Pinned, Query, Sort, SortDir};

/// Everything the table shows that a link should carry.
#[derive(Clone, Debug, PartialEq)]
pub struct TableState {
    pub query: Query,
    /// Visible columns, in order. The model name is always shown first and is not listed.
    pub columns: Vec<Column>,
    pub pinned: Pinned,
    /// The benchmark charted under the table.
    pub chart: String,
}

/// The benchmark charted when the URL names none.
pub const DEFAULT_CHART: &str = "gpqa_diamond";

/// The order when the URL names none: newest first, since a reader choosing a model today
/// starts from the current ones (a model without a release date comes last).
pub fn default_sort() -> Sort {
    Sort {
        column: Column::ReleaseDate,
        dir: SortDir::Desc,
    }
}

/// The columns shown when the URL names none: the release date the rows are sorted by, and
/// the benchmarks most of the recent models report (GPQA Diamond, SWE-bench Verified and
/// Humanity's Last Exam).
pub fn default_columns() -> Vec<Column> {
    [
        "release",
        "vendor",
        "params_total",
        "params_active",
        "context",
        "license",
        "bench:gpqa_diamond",
        "bench:swe_bench_verified",
        "bench:hle",
        "price_in",
        "price_out",
    ]
    .iter()
    .filter_map(|k| Column::parse(k))
    .collect()
}

impl Default for TableState {
    fn default() -> Self {
        TableState {
            query: Query {
                sort: Some(default_sort()),
                ..Query::default()
            },
            columns: default_columns(),
            pinned: Pinned::default(),
            chart: DEFAULT_CHART.to_string(),
        }
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn yes_no(value: &str, yes: &str, no: &str) -> Option<bool> {
    if value == yes {
        Some(true)
    } else if value == no {
        Some(false)
    } else {
        None
    }
}

fn modality(s: &str) -> Option<Modality> {
    [
        Modality::Text,
        Modality::Image,
        Modality::Audio,
        Modality::Video,
    ]
    .into_iter()
    .find(|m| m.as_str() == s)
}

pub fn commercial_use_key(c: CommercialUse) -> &'static str {
    match c {
        CommercialUse::Allowed => "allowed",
        CommercialUse::Conditional => "conditional",
        CommercialUse::NonCommercial => "non_commercial",
        CommercialUse::ApiTermsOnly => "api_terms_only",
        CommercialUse::Unreleased => "unreleased",
    }
}

pub const COMMERCIAL_USES: [CommercialUse; 5] = [
    CommercialUse::Allowed,
    CommercialUse::Conditional,
    CommercialUse::NonCommercial,
    CommercialUse::ApiTermsOnly,
    CommercialUse::Unreleased,
];

fn number(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

impl QueryState for TableState {
    /// Reads the state from query parameters; unknown or malformed values are ignored, so an old
    /// or hand-edited link still opens.
    fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> TableState {
        let mut s = TableState::default();
        let mut dir = SortDir::Asc;
        let mut sort_column = None;
        let f: &mut Filter = &mut s.query.filter;
        for (key, value) in params {
            match key {
                "q" => f.text = value.to_string(),
                "sort" => sort_column = Column::parse(value),
                "dir" if value == "desc" => dir = SortDir::Desc,
                "open" => f.open_weights = yes_no(value, "open", "closed"),
                "reasoning" => f.reasoning = yes_no(value, "yes", "no"),
                "vendor" => f.vendors = list(value),
                "license" => f.licenses = list(value),
                "use" => {
                    f.commercial_use = list(value)
                        .iter()
                        .filter_map(|k| {
                            COMMERCIAL_USES
                                .into_iter()
                                .find(|c| commercial_use_key(*c) == k)
                        })
                        .collect()
                }
                "in" => {
                    f.input_modalities = list(value).iter().filter_map(|m| modality(m)).collect()
                }
                "out" => {
                    f.output_modalities = list(value).iter().filter_map(|m| modality(m)).collect()
                }
                "tmin" => f.params_total_b.min = number(value),
                "tmax" => f.params_total_b.max = number(value),
                "amin" => f.params_active_b.min = number(value),
                "amax" => f.params_active_b.max = number(value),
                "mmin" => f.memory_gb.min = number(value),
                "mmax" => f.memory_gb.max = number(value),
                "cols" => {
                    let cols: Vec<Column> = list(value)
                        .iter()
                        .filter_map(|k| Column::parse(k))
                        .filter(|c| *c != Column::Name)
                        .collect();
                    if !cols.is_empty() {
                        s.columns = cols;
                    }
                }
                "pin" => s.pinned = Pinned::from_ids(list(value)),
                "chart" if !value.is_empty() => s.chart = value.to_string(),
                _ => {}
            }
        }
        if let Some(column) = sort_column {
            s.query.sort = Some(Sort { column, dir });
        }
        s
    }

    /// `?q=…&sort=…` (empty when everything is default).
    fn to_query(&self) -> String {
        let params = self.to_params();
        if params.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("?{}", encoded.join("&"))
    }
}

impl TableState {
    /// The query parameters of this state, defaults left out, in a stable order.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let f = &self.query.filter;
        let mut out: Vec<(&'static str, String)> = Vec::new();
        let mut put = |k: &'static str, v: String| {
            if !v.is_empty() {
                out.push((k, v));
            }
        };
        put("q", f.text.clone());
        if let Some(sort) = self.query.sort.as_ref().filter(|s| **s != default_sort()) {
            put("sort", sort.column.key());
            if sort.dir == SortDir::Desc {
                put("dir", "desc".into());
            }
        }
        put(
            "open",
            match f.open_weights {
                Some(true) => "open".into(),
                Some(false) => "closed".into(),
                None => String::new(),
            },
        );
        put(
            "reasoning",
            match f.reasoning {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
        );
        put("vendor", f.vendors.join(","));
        put("license", f.licenses.join(","));
        put(
            "use",
            f.commercial_use
                .iter()
                .map(|c| commercial_use_key(*c))
                .collect::<Vec<_>>()
                .join(","),
        );
        let mods = |m: &[Modality]| m.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",");
        put("in", mods(&f.input_modalities));
        put("out", mods(&f.output_modalities));
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        put("tmin", num(f.params_total_b.min));
        put("tmax", num(f.params_total_b.max));
        put("amin", num(f.params_active_b.min));
        put("amax", num(f.params_active_b.max));
        put("mmin", num(f.memory_gb.min));
        put("mmax", num(f.memory_gb.max));
        if self.columns != default_columns() {
            put(
                "cols",
                self.columns
                    .iter()
                    .map(Column::key)
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        put("pin", self.pinned.ids().join(","));
        if self.chart != DEFAULT_CHART {
            put("chart", self.chart.clone());
        }
        out
    }

    /// Clicking a column header: ascending first (descending first for numbers, where "best"
    /// is usually "most"), then flip.
    pub fn sorted_by(&self, column: Column, numeric: bool) -> TableState {
        let mut next = self.clone();
        let dir = match &self.query.sort {
            Some(s) if s.column == column => match s.dir {
                SortDir::Asc => SortDir::Desc,
                SortDir::Desc => SortDir::Asc,
            },
            _ if numeric => SortDir::Desc,
            _ => SortDir::Asc,
        };
        next.query.sort = Some(Sort { column, dir });
        next
    }

    /// Whether any filter narrows the rows.
    pub fn is_filtered(&self) -> bool {
        self.query.filter != Filter::default()
    }

    pub fn without_filters(&self) -> TableState {
        let mut next = self.clone();
        next.query.filter = Filter::default();
        next
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters and `,` `:` are kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Range;

    fn parse(qs: &str) -> TableState {
        let pairs: Vec<(&str, &str)> = qs.split('&').filter_map(|kv| kv.split_once('=')).collect();
        TableState::from_params(pairs)
    }

    #[test]
    fn empty_url_is_the_default_view() {
        let s = TableState::from_params([]);
        assert_eq!(s, TableState::default());
        assert_eq!(s.to_query(), "");
    }

    #[test]
    fn the_table_opens_newest_first_and_other_orders_are_written() {
        let d = TableState::default();
        assert_eq!(d.query.sort, Some(default_sort()));
        assert_eq!(d.columns[0], Column::ReleaseDate);
        // The default order written out in full is still the default view.
        assert_eq!(parse("sort=release&dir=desc"), d);
        let oldest_first = d.sorted_by(Column::ReleaseDate, true);
        assert_eq!(oldest_first.to_query(), "?sort=release");
        assert_eq!(parse("sort=release"), oldest_first);
        let by_name = d.sorted_by(Column::Name, false);
        assert_eq!(parse(by_name.to_query().trim_start_matches('?')), by_name);
    }

    #[test]
    fn state_round_trips_through_the_url() {
        let s = parse(
            "q=llama 4&sort=bench:gpqa_diamond&dir=desc&open=open&reasoning=no&vendor=Meta,Google\
             &use=allowed,conditional&in=image&tmin=1&tmax=500&amax=40&mmax=24&cols=vendor,context,memory&pin=a,b&chart=aime_2025",
        );
        assert_eq!(
            s.query.filter.memory_gb,
            Range {
                min: None,
                max: Some(24.0)
            }
        );
        assert!(s.columns.contains(&Column::Memory));
        assert_eq!(s.query.filter.text, "llama 4");
        assert_eq!(
            s.query.sort,
            Some(Sort {
                column: Column::Benchmark("gpqa_diamond".into()),
                dir: SortDir::Desc
            })
        );
        assert_eq!(s.query.filter.open_weights, Some(true));
        assert_eq!(s.query.filter.reasoning, Some(false));
        assert_eq!(s.query.filter.vendors, vec!["Meta", "Google"]);
        assert_eq!(
            s.query.filter.commercial_use,
            vec![CommercialUse::Allowed, CommercialUse::Conditional]
        );
        assert_eq!(s.query.filter.input_modalities, vec![Modality::Image]);
        assert_eq!(
            s.query.filter.params_total_b,
            Range {
                min: Some(1.0),
                max: Some(500.0)
            }
        );
        assert_eq!(
            s.query.filter.params_active_b,
            Range {
                min: None,
                max: Some(40.0)
            }
        );
        assert_eq!(
            s.columns,
            vec![Column::Vendor, Column::Context, Column::Memory]
        );
        assert_eq!(s.pinned.ids(), ["a", "b"]);
        assert_eq!(s.chart, "aime_2025");
        let again: Vec<(String, String)> = s
            .to_params()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let back = TableState::from_params(again.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(back, s);
    }

    #[test]
    fn malformed_values_are_ignored() {
        let s = parse("sort=nonsense&dir=sideways&open=maybe&tmin=abc&in=smell&cols=bogus&pin=");
        assert_eq!(s, TableState::default());
    }

    #[test]
    fn header_clicks_cycle_the_direction() {
        let s = TableState::default();
        let a = s.sorted_by(Column::Name, false);
        assert_eq!(a.query.sort.as_ref().map(|s| s.dir), Some(SortDir::Asc));
        let b = a.sorted_by(Column::Name, false);
        assert_eq!(b.query.sort.as_ref().map(|s| s.dir), Some(SortDir::Desc));
        let n = s.sorted_by(Column::ParamsTotal, true);
        assert_eq!(n.query.sort.as_ref().map(|s| s.dir), Some(SortDir::Desc));
    }

    #[test]
    fn values_are_percent_encoded() {
        assert_eq!(encode("llama 4&x=y"), "llama%204%26x%3Dy");
        assert_eq!(encode("bench:gpqa_diamond,a-b"), "bench:gpqa_diamond,a-b");
        assert_eq!(encode("naïve"), "na%C3%AFve");
    }
}
