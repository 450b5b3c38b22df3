//! Reusable components.

pub mod dataset;
pub mod shell;
pub mod sourced;
