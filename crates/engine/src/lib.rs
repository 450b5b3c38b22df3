//! The LLM Atlas inference engine: GGUF parsing, quant formats, tokenizer and models.
#![deny(missing_docs)]

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod files;
pub mod generate;
pub mod gguf;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod model;
#[cfg(feature = "gpu")]
pub mod ops;
pub mod protocol;
pub mod quant;
pub mod sampler;
pub mod tokenizer;
pub mod worker;
