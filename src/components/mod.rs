//! Reusable components.

pub mod shell;
