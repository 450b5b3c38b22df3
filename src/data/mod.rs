//! The dataset: serde types ([`schema`]), parsing and validation
//! ([`validate`]) and pure filtering/sorting for the tables ([`query`]).
//!
//! Pure Rust with no web dependencies: the app fetches the JSON texts and
//! hands them to [`Dataset::from_json_files`]; native tests do the same with
//! the files under `public/data/`.
//!
//! # Loading
//!
//! ```
//! use llm_atlas::data::{Dataset, Date, FILES};
//! # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data");
//! # let texts: Vec<(&str, String)> = FILES
//! #     .iter()
//! #     .map(|f| (*f, std::fs::read_to_string(dir.join(f)).unwrap()))
//! #     .collect();
//! // `texts`: one (file name, text) pair per name in FILES, e.g. fetched from /data/<name>.
//! let pairs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
//! // Today's date (the app reads the browser's clock): no date in the data may be after it.
//! let today = Date::parse("2030-01-01").unwrap();
//! match Dataset::from_json_files(&pairs, today) {
//!     Ok(ds) => assert!(ds.model("llama-4-maverick").is_some()),
//!     // Every problem, each displayed as `path: reason`, e.g.
//!     // `models[7].benchmarks.gpqa_diamond.value: -3 is below 0`.
//!     Err(errors) => panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")),
//! }
//! ```
//!
//! # Files and shapes
//!
//! `meta.json` is an object; the others are arrays:
//! `sources.json` ([`Source`]), `benchmarks.json` ([`Benchmark`]),
//! `models.json` ([`Model`]), `prices.json` ([`Price`]),
//! `hardware.json` ([`Hardware`]), `stacks.json` ([`Stack`]) and
//! `claims.json` ([`Claim`]).
//!
//! Every number names the id of the source it was read from. A sourced value
//! is `{"value": 400, "source": "meta-llama4-card", "note": "..."}`
//! ([`Sourced`]); a benchmark score adds who measured it and how:
//! `{"value": 80.5, "source": "meta-llama4-card", "self_reported": true,
//! "setting": "instruct model, 0-shot, macro_avg/acc", "as_of": "2025-12-11"}`
//! ([`Score`]). Values nobody published (e.g. a closed model's parameter
//! count) are absent, never guessed.
//!
//! # Tables
//!
//! [`query::run`] applies a [`Query`] (a [`Filter`] and an optional [`Sort`]
//! on a [`Column`]) and returns the matching models; [`Pinned`] holds the
//! compare set (at most [`MAX_PINNED`]). [`Column::key`] / [`Column::parse`]
//! give URL-safe names for the sort column.

pub mod changes;
pub mod query;
pub mod schema;
pub mod validate;

pub use query::{
    find_models, Cell, Column, Filter, Pinned, Query, Range, Sort, SortDir, MAX_PINNED,
};
pub use schema::*;
pub use validate::{field_label, Citation, DataError, Dataset, Date, FILES};

/// The bundled dataset (`public/data`), for unit tests; "no date in the future" is checked
/// against a far date, so data read later does not fail them.
#[cfg(test)]
pub(crate) fn bundled() -> Dataset {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/public/data");
    let texts: Vec<(&str, String)> = FILES
        .iter()
        .map(|f| (*f, std::fs::read_to_string(format!("{dir}/{f}")).unwrap()))
        .collect();
    let files: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    Dataset::from_json_files(&files, Date::new(2100, 1, 1).unwrap()).unwrap()
}
