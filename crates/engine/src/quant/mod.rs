//! GGML tensor element types, their block layouts and CPU dequantization.
//!
//! Every quantized type stores its elements in fixed-size blocks; [`GgmlType::block_size`] is the
//! number of elements per block and [`GgmlType::type_size`] the number of bytes per block. The
//! layouts follow ggml's `ggml-common.h`; [`dequantize`] turns whole blocks into `f32`.

mod blocks;
mod half;

pub use half::{bf16_to_f32, f16_to_f32, f32_to_f16};

/// Errors from quant type lookup and dequantization.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantError {
    /// The numeric type id is not one this crate knows about.
    #[error("unknown ggml type id {0}")]
    UnknownType(u32),
    /// The type is known but this crate cannot dequantize it.
    #[error("dequantization of {0:?} is not supported")]
    Unsupported(GgmlType),
    /// The input is not a whole number of blocks.
    #[error("{ty:?}: input of {len} bytes is not a whole number of {type_size}-byte blocks")]
    PartialBlock {
        /// Element type.
        ty: GgmlType,
        /// Input length in bytes.
        len: usize,
        /// Bytes per block.
        type_size: usize,
    },
    /// The output slice does not match the number of elements in the input.
    #[error("{ty:?}: {blocks} blocks hold {expected} values but the output has room for {got}")]
    OutputLength {
        /// Element type.
        ty: GgmlType,
        /// Number of blocks in the input.
        blocks: usize,
        /// Number of values the input holds.
        expected: usize,
        /// Length of the output slice.
        got: usize,
    },
}

/// A ggml tensor element type, with the numeric ids used in GGUF files.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GgmlType {
    /// 32-bit IEEE float.
    F32,
    /// 16-bit IEEE float.
    F16,
    /// 32 values: f16 scale + 4-bit quants, offset 8.
    Q4_0,
    /// 32 values: f16 scale and min + 4-bit quants (layout only; no dequantization).
    Q4_1,
    /// 32 values: f16 scale + 5-bit quants, offset 16.
    Q5_0,
    /// 32 values: f16 scale and min + 5-bit quants (layout only).
    Q5_1,
    /// 32 values: f16 scale + int8 quants.
    Q8_0,
    /// 32 values: f16 scale and sum + int8 quants (layout only).
    Q8_1,
    /// 256-value super-block, 2-bit (layout only).
    Q2_K,
    /// 256-value super-block, 3-bit (layout only).
    Q3_K,
    /// 256-value super-block: f16 d, dmin, 6-bit sub-block scales/mins, 4-bit quants.
    Q4_K,
    /// 256-value super-block: like Q4_K with a fifth high bit.
    Q5_K,
    /// 256-value super-block: 6-bit quants with int8 scales per 16 values.
    Q6_K,
    /// 256-value super-block used for intermediate products (layout only).
    Q8_K,
    /// 8-bit integer.
    I8,
    /// 16-bit integer.
    I16,
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 64-bit IEEE float.
    F64,
    /// bfloat16.
    BF16,
}

impl GgmlType {
    /// Maps a GGUF/ggml numeric type id to a type.
    pub fn from_u32(id: u32) -> Result<Self, QuantError> {
        use GgmlType::*;
        Ok(match id {
            0 => F32,
            1 => F16,
            2 => Q4_0,
            3 => Q4_1,
            6 => Q5_0,
            7 => Q5_1,
            8 => Q8_0,
            9 => Q8_1,
            10 => Q2_K,
            11 => Q3_K,
            12 => Q4_K,
            13 => Q5_K,
            14 => Q6_K,
            15 => Q8_K,
            24 => I8,
            25 => I16,
            26 => I32,
            27 => I64,
            28 => F64,
            30 => BF16,
            other => return Err(QuantError::UnknownType(other)),
        })
    }

    /// The numeric id of this type in GGUF files.
    pub fn to_u32(self) -> u32 {
        use GgmlType::*;
        match self {
            F32 => 0,
            F16 => 1,
            Q4_0 => 2,
            Q4_1 => 3,
            Q5_0 => 6,
            Q5_1 => 7,
            Q8_0 => 8,
            Q8_1 => 9,
            Q2_K => 10,
            Q3_K => 11,
            Q4_K => 12,
            Q5_K => 13,
            Q6_K => 14,
            Q8_K => 15,
            I8 => 24,
            I16 => 25,
            I32 => 26,
            I64 => 27,
            F64 => 28,
            BF16 => 30,
        }
    }

    /// Number of elements in one block.
    pub fn block_size(self) -> usize {
        use GgmlType::*;
        match self {
            F32 | F16 | BF16 | I8 | I16 | I32 | I64 | F64 => 1,
            Q4_0 | Q4_1 | Q5_0 | Q5_1 | Q8_0 | Q8_1 => 32,
            Q2_K | Q3_K | Q4_K | Q5_K | Q6_K | Q8_K => 256,
        }
    }

    /// Number of bytes in one block.
    pub fn type_size(self) -> usize {
        use GgmlType::*;
        match self {
            F32 | I32 => 4,
            F16 | BF16 | I16 => 2,
            I8 => 1,
            I64 | F64 => 8,
            Q4_0 => 18,
            Q4_1 => 20,
            Q5_0 => 22,
            Q5_1 => 24,
            Q8_0 => 34,
            Q8_1 => 36,
            Q2_K => 84,
            Q3_K => 110,
            Q4_K => 144,
            Q5_K => 176,
            Q6_K => 210,
            Q8_K => 292,
        }
    }

    /// Whether [`dequantize`] supports this type.
    pub fn can_dequantize(self) -> bool {
        use GgmlType::*;
        matches!(
            self,
            F32 | F16 | BF16 | Q4_0 | Q5_0 | Q8_0 | Q4_K | Q5_K | Q6_K
        )
    }

    /// Bytes needed for `n_elements` values, or `None` if `n_elements` is not a whole number
    /// of blocks or the size overflows.
    pub fn bytes_for(self, n_elements: u64) -> Option<u64> {
        let bs = self.block_size() as u64;
        if !n_elements.is_multiple_of(bs) {
            return None;
        }
        (n_elements / bs).checked_mul(self.type_size() as u64)
    }
}

/// Dequantizes whole blocks of type `ty` from `bytes` into `out`.
///
/// `bytes.len()` must be a multiple of [`GgmlType::type_size`] and `out.len()` must equal the
/// number of blocks times [`GgmlType::block_size`].
pub fn dequantize(ty: GgmlType, bytes: &[u8], out: &mut [f32]) -> Result<(), QuantError> {
    let ts = ty.type_size();
    if !bytes.len().is_multiple_of(ts) {
        return Err(QuantError::PartialBlock {
            ty,
            len: bytes.len(),
            type_size: ts,
        });
    }
    let blocks = bytes.len() / ts;
    let bs = ty.block_size();
    if out.len() != blocks * bs {
        return Err(QuantError::OutputLength {
            ty,
            blocks,
            expected: blocks * bs,
            got: out.len(),
        });
    }
    let kernel: fn(&[u8], &mut [f32]) = match ty {
        GgmlType::F32 => blocks::f32_block,
        GgmlType::F16 => blocks::f16_block,
        GgmlType::BF16 => blocks::bf16_block,
        GgmlType::Q4_0 => blocks::q4_0,
        GgmlType::Q5_0 => blocks::q5_0,
        GgmlType::Q8_0 => blocks::q8_0,
        GgmlType::Q4_K => blocks::q4_k,
        GgmlType::Q5_K => blocks::q5_k,
        GgmlType::Q6_K => blocks::q6_k,
        other => return Err(QuantError::Unsupported(other)),
    };
    for (b, o) in bytes.chunks_exact(ts).zip(out.chunks_exact_mut(bs)) {
        kernel(b, o);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
