//! The header parser. Every read is bounds-checked against the source and every count is
//! checked against a cap and against the bytes that remain before anything is allocated.

use std::collections::HashSet;

use super::{
    GgufError, GgufFile, Source, TensorInfo, Value, ValueType, DEFAULT_ALIGNMENT, MAGIC,
    MAX_ARRAY_LEN, MAX_DIMS, MAX_KV, MAX_STRING_LEN, MAX_TENSORS,
};
use crate::quant::GgmlType;

struct Reader<'a, S: ?Sized> {
    src: &'a S,
    pos: u64,
}

impl<'a, S: Source + ?Sized> Reader<'a, S> {
    fn remaining(&self) -> u64 {
        self.src.len().saturating_sub(self.pos)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], GgufError> {
        let bytes = self.src.bytes(self.pos, N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&bytes);
        self.pos += N as u64;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, GgufError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, GgufError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A count stored as `i64` (v3 header counts), checked against `cap` and against the bytes
    /// left, given that each counted item occupies at least `min_item_size` bytes.
    fn count(
        &mut self,
        what: &'static str,
        cap: u64,
        min_item_size: u64,
    ) -> Result<u64, GgufError> {
        let raw = self.u64()?;
        let signed = raw as i64;
        if signed < 0 {
            return Err(GgufError::Negative {
                what,
                count: signed,
            });
        }
        let fits = self.remaining() / min_item_size.max(1);
        let limit = cap.min(fits);
        if raw > limit {
            return Err(GgufError::TooMany {
                what,
                count: raw,
                limit,
            });
        }
        Ok(raw)
    }

    fn string(&mut self) -> Result<String, GgufError> {
        let len = self.count("string length", MAX_STRING_LEN, 1)?;
        // `len` <= remaining bytes <= source length, which is addressable.
        let bytes = self.src.bytes(self.pos, len as usize)?;
        let s = std::str::from_utf8(&bytes)
            .map_err(|_| GgufError::InvalidUtf8)?
            .to_owned();
        self.pos += len;
        Ok(s)
    }

    fn value_type(&mut self) -> Result<ValueType, GgufError> {
        let id = self.u32()?;
        ValueType::from_u32(id).ok_or(GgufError::UnknownValueType(id))
    }

    fn scalar(&mut self, ty: ValueType) -> Result<Value, GgufError> {
        Ok(match ty {
            ValueType::U8 => Value::U8(self.u8()?),
            ValueType::I8 => Value::I8(self.u8()? as i8),
            ValueType::U16 => Value::U16(self.u16()?),
            ValueType::I16 => Value::I16(self.u16()? as i16),
            ValueType::U32 => Value::U32(self.u32()?),
            ValueType::I32 => Value::I32(self.u32()? as i32),
            ValueType::F32 => Value::F32(f32::from_bits(self.u32()?)),
            ValueType::Bool => Value::Bool(self.u8()? != 0),
            ValueType::String => Value::String(self.string()?),
            ValueType::U64 => Value::U64(self.u64()?),
            ValueType::I64 => Value::I64(self.u64()? as i64),
            ValueType::F64 => Value::F64(f64::from_bits(self.u64()?)),
            ValueType::Array => return Err(GgufError::NestedArray),
        })
    }

    fn value(&mut self, ty: ValueType) -> Result<Value, GgufError> {
        if ty != ValueType::Array {
            return self.scalar(ty);
        }
        let elem = self.value_type()?;
        if elem == ValueType::Array {
            return Err(GgufError::NestedArray);
        }
        let n = self.count("array length", MAX_ARRAY_LEN, elem.min_size())?;
        // n * min_size <= remaining, so this allocation is bounded by the file size.
        let mut items = Vec::with_capacity(n as usize);
        for i in 0..n {
            let at = self.pos;
            let v = self
                .scalar(elem)
                .map_err(|e| e.at(format!("array element {i}"), at))?;
            items.push(v);
        }
        Ok(Value::Array(elem, items))
    }

    fn tensor_info(&mut self) -> Result<(String, Vec<u64>, u32, u64), GgufError> {
        let name = self.string()?;
        let n_dims = self.u32()?;
        if n_dims > MAX_DIMS {
            return Err(GgufError::tensor(
                &name,
                format!("{n_dims} dimensions (max {MAX_DIMS})"),
            ));
        }
        let mut dims = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            let d = self.u64()? as i64;
            if d < 0 {
                return Err(GgufError::tensor(&name, format!("negative dimension {d}")));
            }
            dims.push(d as u64);
        }
        let ty = self.u32()?;
        let offset = self.u64()?;
        Ok((name, dims, ty, offset))
    }
}

pub(super) fn parse<S: Source + ?Sized>(src: &S) -> Result<GgufFile, GgufError> {
    let mut r = Reader { src, pos: 0 };
    let magic = r.array::<4>().map_err(|e| e.at("magic", 0))?;
    if magic != MAGIC {
        return Err(GgufError::BadMagic(magic));
    }
    let version = r.u32().map_err(|e| e.at("version", 4))?;
    match version {
        2 | 3 => {}
        v if v & 0xffff == 0 && v != 0 => return Err(GgufError::EndiannessMismatch(v)),
        v => return Err(GgufError::UnsupportedVersion(v)),
    }
    // Each tensor info takes at least 8 (name len) + 4 (n_dims) + 4 (type) + 8 (offset) bytes;
    // each kv at least 8 (key len) + 4 (type) + 1 (value).
    let n_tensors = r
        .count("tensor", MAX_TENSORS, 24)
        .map_err(|e| e.at("tensor count", 8))?;
    let n_kv = r
        .count("metadata", MAX_KV, 13)
        .map_err(|e| e.at("metadata count", 16))?;

    let mut metadata: Vec<(String, Value)> = Vec::with_capacity(n_kv as usize);
    let mut keys = HashSet::with_capacity(n_kv as usize);
    for i in 0..n_kv {
        let at = r.pos;
        let key = r
            .string()
            .map_err(|e| e.at(format!("key of metadata entry {i}"), at))?;
        if key.is_empty() {
            return Err(GgufError::EmptyKey.at(format!("metadata entry {i}"), at));
        }
        if !keys.insert(key.clone()) {
            return Err(GgufError::DuplicateKey(key));
        }
        let vat = r.pos;
        let value = r
            .value_type()
            .and_then(|t| r.value(t))
            .map_err(|e| e.at(format!("value of key '{key}'"), vat))?;
        metadata.push((key, value));
    }

    let alignment = match metadata.iter().find(|(k, _)| k == "general.alignment") {
        None => DEFAULT_ALIGNMENT,
        Some((_, Value::U32(a))) if *a != 0 && a.is_power_of_two() => u64::from(*a),
        Some((_, v)) => return Err(GgufError::BadAlignment(format!("{v:?}"))),
    };

    let mut raw_infos = Vec::with_capacity(n_tensors as usize);
    let mut names = HashSet::with_capacity(n_tensors as usize);
    for i in 0..n_tensors {
        let at = r.pos;
        let info = r
            .tensor_info()
            .map_err(|e| e.at(format!("tensor info {i}"), at))?;
        if !names.insert(info.0.clone()) {
            return Err(GgufError::DuplicateTensor(info.0));
        }
        raw_infos.push(info);
    }

    let data_offset = if n_tensors > 0 {
        r.pos.div_ceil(alignment) * alignment
    } else {
        r.pos
    };
    let size = src.len();
    let mut tensors = Vec::with_capacity(raw_infos.len());
    for (name, dims, ty_id, offset) in raw_infos {
        let ty = GgmlType::from_u32(ty_id)
            .map_err(|_| GgufError::tensor(&name, format!("unknown type id {ty_id}")))?;
        let n_elements = dims
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| GgufError::tensor(&name, "element count overflows"))?;
        let row = dims.first().copied().unwrap_or(1);
        if row % ty.block_size() as u64 != 0 {
            return Err(GgufError::tensor(
                &name,
                format!(
                    "row length {row} is not a multiple of the {ty:?} block size {}",
                    ty.block_size()
                ),
            ));
        }
        let n_bytes = ty
            .bytes_for(n_elements)
            .ok_or_else(|| GgufError::tensor(&name, "byte size overflows"))?;
        if offset % alignment != 0 {
            return Err(GgufError::tensor(
                &name,
                format!("offset {offset} is not aligned to {alignment}"),
            ));
        }
        let end = data_offset
            .checked_add(offset)
            .and_then(|s| s.checked_add(n_bytes))
            .ok_or_else(|| GgufError::tensor(&name, "data range overflows"))?;
        if end > size {
            return Err(GgufError::tensor(
                &name,
                format!("data ends at {end}, past the end of the file ({size} bytes)"),
            ));
        }
        tensors.push(TensorInfo {
            name,
            dims,
            ty,
            offset,
            n_elements,
            n_bytes,
        });
    }
    Ok(GgufFile::from_parts(
        version,
        metadata,
        tensors,
        alignment,
        data_offset,
    ))
}
