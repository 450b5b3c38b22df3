//! The LLM Atlas inference engine: GGUF parsing, quant formats, tokenizer and models.
#![deny(missing_docs)]

pub mod gguf;
#[cfg(feature = "gpu")]
pub mod gpu;
#[cfg(feature = "gpu")]
pub mod ops;
pub mod quant;
