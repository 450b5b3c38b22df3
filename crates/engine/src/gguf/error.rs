//! GGUF parse errors.

use super::ValueType;
use crate::quant::QuantError;

/// Everything that can go wrong reading a GGUF file.
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    /// The file ended (or a read went) past the end of the source.
    #[error("read of {len} bytes at offset {offset} is out of bounds (file has {size} bytes)")]
    OutOfBounds {
        /// Start of the read.
        offset: u64,
        /// Length of the read.
        len: u64,
        /// Size of the source.
        size: u64,
    },
    /// The header is truncated or a field is malformed, with what was being read.
    #[error("{what} at offset {offset}: {source}")]
    At {
        /// What was being read, e.g. `value of key 'general.name'`.
        what: String,
        /// Offset where that read started.
        offset: u64,
        /// The underlying problem.
        #[source]
        source: Box<GgufError>,
    },
    /// The first four bytes are not `GGUF`.
    #[error("not a GGUF file (magic {0:02x?})")]
    BadMagic([u8; 4]),
    /// A version this reader does not handle.
    #[error("unsupported GGUF version {0} (supported: 2, 3)")]
    UnsupportedVersion(u32),
    /// The version looks byte-swapped: a big-endian file.
    #[error("GGUF version field {0:#x} suggests a big-endian file, which is not supported")]
    EndiannessMismatch(u32),
    /// A count in the header exceeds its cap or the bytes left in the file.
    #[error("{what} count {count} is too large (limit {limit})")]
    TooMany {
        /// What is being counted.
        what: &'static str,
        /// The count in the file.
        count: u64,
        /// The effective limit.
        limit: u64,
    },
    /// A count is negative.
    #[error("{what} count {count} is negative")]
    Negative {
        /// What is being counted.
        what: &'static str,
        /// The count in the file.
        count: i64,
    },
    /// A string is not valid UTF-8.
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    /// An unknown metadata value type.
    #[error("unknown metadata value type {0}")]
    UnknownValueType(u32),
    /// An array whose elements are arrays.
    #[error("nested arrays are not supported")]
    NestedArray,
    /// A metadata key appears twice.
    #[error("duplicate metadata key '{0}'")]
    DuplicateKey(String),
    /// A metadata key is empty.
    #[error("empty metadata key")]
    EmptyKey,
    /// `general.alignment` is not a power-of-two `u32`.
    #[error("invalid general.alignment: {0}")]
    BadAlignment(String),
    /// A tensor appears twice.
    #[error("duplicate tensor '{0}'")]
    DuplicateTensor(String),
    /// A tensor info is invalid.
    #[error("tensor '{name}': {reason}")]
    Tensor {
        /// Tensor name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A required metadata key is absent.
    #[error("missing metadata key '{0}'")]
    MissingKey(String),
    /// A metadata key has an unexpected type.
    #[error("metadata key '{key}' should be {expected}, found {found:?}")]
    WrongType {
        /// The key.
        key: String,
        /// What was expected.
        expected: &'static str,
        /// The type found.
        found: ValueType,
    },
    /// A metadata value does not fit the requested integer type.
    #[error("metadata key '{key}' is out of range")]
    ValueOutOfRange {
        /// The key.
        key: String,
    },
    /// A required tensor is absent.
    #[error("missing tensor '{0}'")]
    MissingTensor(String),
    /// Dequantizing a tensor failed.
    #[error("tensor '{name}': {source}")]
    Quant {
        /// Tensor name.
        name: String,
        /// The quant error.
        #[source]
        source: QuantError,
    },
}

impl GgufError {
    pub(crate) fn tensor(name: &str, reason: impl Into<String>) -> Self {
        GgufError::Tensor {
            name: name.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn at(self, what: impl Into<String>, offset: u64) -> Self {
        GgufError::At {
            what: what.into(),
            offset,
            source: Box::new(self),
        }
    }
}
