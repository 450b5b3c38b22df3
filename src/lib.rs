//! LLM Atlas: the client-side app (Leptos CSR, built by Trunk).
//!
//! Pages and components live here; the logic they show (data, economics, chart building) lives
//! in plain modules that are unit-tested natively.

pub mod app;
pub mod charts;
pub mod components;
pub mod data;
pub mod econ;
pub mod format;
pub mod pages;
pub mod theme;
pub mod worker_client;
