//! The dataset: serde types ([`schema`]), parsing and validation
//! ([`validate`]) and pure filtering/sorting for the tables ([`query`]).
//!
//! Pure Rust with no web dependencies: the app fetches the JSON texts and
//! hands them to [`Dataset::from_json_files`]; native tests do the same with
//! the files under `public/data/`.

pub mod query;
pub mod schema;
pub mod validate;

pub use query::{Cell, Column, Filter, Pinned, Query, Range, Sort, SortDir, MAX_PINNED};
pub use schema::*;
pub use validate::{DataError, Dataset, Date, FILES};
