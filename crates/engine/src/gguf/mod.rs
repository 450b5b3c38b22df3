//! A bounded, typed reader for GGUF v2/v3 files.
//!
//! [`GgufFile::parse`] reads the header (metadata and tensor infos) from any [`Source`] and
//! validates every tensor against the source's length, so later reads through
//! [`GgufFile::tensor_bytes`] cannot go out of bounds. Counts and lengths in the header are
//! capped and checked against the bytes that remain before anything is allocated for them.

mod error;
mod parse;
mod source;
mod value;
pub mod writer;

use std::borrow::Cow;
use std::collections::HashMap;

pub use error::GgufError;
pub use source::{MultiSlice, Source};
pub use value::{Value, ValueType};

use crate::quant::{dequantize, GgmlType};

/// The GGUF magic, `"GGUF"`.
pub const MAGIC: [u8; 4] = *b"GGUF";
/// Alignment of the data section when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;
/// Most tensors a file may declare.
pub const MAX_TENSORS: u64 = 1 << 20;
/// Most metadata entries a file may declare.
pub const MAX_KV: u64 = 1 << 20;
/// Longest string (key, value or tensor name) accepted, in bytes.
pub const MAX_STRING_LEN: u64 = 64 << 20;
/// Most elements an array value may hold.
pub const MAX_ARRAY_LEN: u64 = 1 << 26;
/// Most dimensions a tensor may have.
pub const MAX_DIMS: u32 = 4;

/// Where one tensor lives and how it is shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    pub name: String,
    /// Dimensions, innermost (contiguous, row length) first.
    pub dims: Vec<u64>,
    /// Element type.
    pub ty: GgmlType,
    /// Offset of the data relative to the start of the data section.
    pub offset: u64,
    /// Number of elements.
    pub n_elements: u64,
    /// Size of the data in bytes.
    pub n_bytes: u64,
}

impl TensorInfo {
    /// Row length (`dims[0]`).
    pub fn row_len(&self) -> u64 {
        self.dims.first().copied().unwrap_or(1)
    }

    /// Number of rows (product of all dims but the first).
    pub fn n_rows(&self) -> u64 {
        self.dims.iter().skip(1).product()
    }
}

/// A parsed GGUF header.
#[derive(Debug, Clone)]
pub struct GgufFile {
    /// Format version (2 or 3).
    pub version: u32,
    /// Metadata in file order.
    pub metadata: Vec<(String, Value)>,
    /// Tensor infos in file order.
    pub tensors: Vec<TensorInfo>,
    /// Data alignment.
    pub alignment: u64,
    /// Absolute offset of the data section.
    pub data_offset: u64,
    kv_index: HashMap<String, usize>,
    tensor_index: HashMap<String, usize>,
}

impl GgufFile {
    /// Parses and validates the header of the GGUF file in `src`.
    pub fn parse<S: Source + ?Sized>(src: &S) -> Result<Self, GgufError> {
        parse::parse(src)
    }

    pub(crate) fn from_parts(
        version: u32,
        metadata: Vec<(String, Value)>,
        tensors: Vec<TensorInfo>,
        alignment: u64,
        data_offset: u64,
    ) -> Self {
        let kv_index = metadata
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect();
        let tensor_index = tensors
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        Self {
            version,
            metadata,
            tensors,
            alignment,
            data_offset,
            kv_index,
            tensor_index,
        }
    }

    /// The value of metadata key `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.kv_index.get(key).map(|&i| &self.metadata[i].1)
    }

    fn require(&self, key: &str) -> Result<&Value, GgufError> {
        self.get(key)
            .ok_or_else(|| GgufError::MissingKey(key.to_string()))
    }

    fn wrong(key: &str, expected: &'static str, v: &Value) -> GgufError {
        GgufError::WrongType {
            key: key.to_string(),
            expected,
            found: v.value_type(),
        }
    }

    /// A required non-negative integer that fits in `u64`.
    pub fn get_u64(&self, key: &str) -> Result<u64, GgufError> {
        let v = self.require(key)?;
        v.as_u64()
            .ok_or_else(|| Self::wrong(key, "unsigned integer", v))
    }

    /// A required non-negative integer that fits in `usize`.
    pub fn get_usize(&self, key: &str) -> Result<usize, GgufError> {
        let v = self.get_u64(key)?;
        usize::try_from(v).map_err(|_| GgufError::ValueOutOfRange {
            key: key.to_string(),
        })
    }

    /// A required number (float or integer) as `f32`.
    pub fn get_f32(&self, key: &str) -> Result<f32, GgufError> {
        let v = self.require(key)?;
        v.as_f64()
            .map(|x| x as f32)
            .ok_or_else(|| Self::wrong(key, "number", v))
    }

    /// A required string.
    pub fn get_str(&self, key: &str) -> Result<&str, GgufError> {
        let v = self.require(key)?;
        v.as_str().ok_or_else(|| Self::wrong(key, "string", v))
    }

    /// A required array.
    pub fn get_array(&self, key: &str) -> Result<&[Value], GgufError> {
        let v = self.require(key)?;
        v.as_array().ok_or_else(|| Self::wrong(key, "array", v))
    }

    /// An optional boolean (`Ok(None)` when absent, an error when of another type).
    pub fn get_opt_bool(&self, key: &str) -> Result<Option<bool>, GgufError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| Self::wrong(key, "bool", v)),
        }
    }

    /// The info of tensor `name`, if present.
    pub fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensor_index.get(name).map(|&i| &self.tensors[i])
    }

    /// The raw bytes of `info` (borrowed when they sit in one part of the source).
    pub fn tensor_bytes<'s, S: Source + ?Sized>(
        &self,
        src: &'s S,
        info: &TensorInfo,
    ) -> Result<Cow<'s, [u8]>, GgufError> {
        let start = self
            .data_offset
            .checked_add(info.offset)
            .ok_or_else(|| GgufError::tensor(&info.name, "offset overflows"))?;
        let len = usize::try_from(info.n_bytes)
            .map_err(|_| GgufError::tensor(&info.name, "too large for this platform"))?;
        src.bytes(start, len)
    }

    /// Tensor `name` dequantized to `f32`.
    pub fn tensor_f32<S: Source + ?Sized>(
        &self,
        src: &S,
        name: &str,
    ) -> Result<Vec<f32>, GgufError> {
        let info = self
            .tensor(name)
            .ok_or_else(|| GgufError::MissingTensor(name.to_string()))?;
        let bytes = self.tensor_bytes(src, info)?;
        let n = usize::try_from(info.n_elements)
            .map_err(|_| GgufError::tensor(name, "too large for this platform"))?;
        let mut out = vec![0f32; n];
        dequantize(info.ty, &bytes, &mut out).map_err(|source| GgufError::Quant {
            name: name.to_string(),
            source,
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
