//! Reusable components.

pub mod dataset;
pub mod download;
pub mod shell;
pub mod sourced;
