//! LLM Atlas: the client-side app (Leptos CSR).
pub mod data;
