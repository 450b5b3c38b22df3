//! Model configuration and the CPU reference implementation.

pub mod config;
pub mod cpu;
pub mod math;

pub use config::{Activation, Arch, ModelConfig, RopeStyle};
pub use cpu::CpuModel;

use crate::gguf::GgufError;

/// Errors loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Reading metadata or tensors failed.
    #[error(transparent)]
    Gguf(#[from] GgufError),
    /// `general.architecture` names an architecture this crate does not run.
    #[error("unsupported architecture '{0}' (supported: gemma3, llama, qwen2, qwen3)")]
    UnsupportedArch(String),
    /// The hyper-parameters are inconsistent.
    #[error("invalid model configuration: {0}")]
    Config(String),
    /// A required tensor is absent.
    #[error("missing tensor '{0}'")]
    MissingTensor(String),
    /// A tensor's shape does not match the configuration.
    #[error("tensor '{name}' has dims {got:?}, expected {expected:?}")]
    Shape {
        /// Tensor name.
        name: String,
        /// Expected GGUF dims.
        expected: Vec<u64>,
        /// Dims in the file.
        got: Vec<u64>,
    },
    /// A token id is not in the vocabulary.
    #[error("token {token} is outside the vocabulary of {n_vocab}")]
    TokenOutOfRange {
        /// The token.
        token: u32,
        /// Vocabulary size.
        n_vocab: usize,
    },
    /// The context is full.
    #[error("context length {0} exceeded")]
    ContextFull(usize),
}
