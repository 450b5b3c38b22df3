//! Buffer creation and weight upload (quantized bytes kept as they are, split into row chunks).

use wgpu::util::DeviceExt;

use super::{GpuContext, GpuError};
use crate::quant::GgmlType;

/// Usage of every storage buffer the engine creates: bindable, writable by the queue, copyable
/// to staging.
pub const STORAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::UNIFORM)
    .union(wgpu::BufferUsages::COPY_DST)
    .union(wgpu::BufferUsages::COPY_SRC);

/// Bytes appended to every uploaded byte buffer, so kernels that read an unaligned `u32` at the
/// last byte stay inside the binding.
pub const TAIL_PAD: usize = 8;

/// Creates a storage buffer holding `bytes`, zero-padded to a multiple of 4 plus [`TAIL_PAD`].
pub fn storage_from_bytes(
    ctx: &GpuContext,
    label: &str,
    bytes: &[u8],
) -> Result<wgpu::Buffer, GpuError> {
    let len = bytes.len().div_ceil(4) * 4 + TAIL_PAD;
    ctx.check_binding(label, len as u64)?;
    let mut padded = Vec::with_capacity(len);
    padded.extend_from_slice(bytes);
    padded.resize(len, 0);
    Ok(ctx
        .device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: &padded,
            usage: STORAGE,
        }))
}

/// Creates a storage buffer holding `values`.
pub fn storage_f32(
    ctx: &GpuContext,
    label: &str,
    values: &[f32],
) -> Result<wgpu::Buffer, GpuError> {
    storage_from_bytes(ctx, label, bytemuck::cast_slice(values))
}

/// Creates a storage buffer holding `values`.
pub fn storage_u32(
    ctx: &GpuContext,
    label: &str,
    values: &[u32],
) -> Result<wgpu::Buffer, GpuError> {
    storage_from_bytes(ctx, label, bytemuck::cast_slice(values))
}

/// Creates a zero-filled storage buffer of at least `bytes` bytes (rounded up to 16).
pub fn storage_zeroed(ctx: &GpuContext, label: &str, bytes: u64) -> Result<wgpu::Buffer, GpuError> {
    let size = bytes.div_ceil(16).max(1) * 16;
    ctx.check_binding(label, size)?;
    Ok(ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size,
        usage: STORAGE,
        mapped_at_creation: false,
    }))
}

/// Creates a uniform buffer from 32-bit words (floats go in as `f32::to_bits`), padded to 16 bytes.
pub fn uniform(ctx: &GpuContext, label: &str, words: &[u32]) -> wgpu::Buffer {
    let mut w = words.to_vec();
    w.resize(words.len().div_ceil(4).max(1) * 4, 0);
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(&w),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        })
}

/// Rows per group in the Q8_0 device layout (see [`device_layout`]).
pub const Q8_GROUP_ROWS: u32 = 4;

/// Bytes of one group of [`Q8_GROUP_ROWS`] Q8_0 rows of `cols` columns in the device layout.
pub fn q8_group_bytes(cols: u32) -> u64 {
    let rows = u64::from(Q8_GROUP_ROWS);
    let raw = rows * u64::from(cols) + rows * 2 * u64::from(cols / 32);
    raw.div_ceil(16) * 16
}

/// The bytes of `rows` rows of type `ty` as the kernels read them: the GGUF blocks as they are,
/// except Q8_0. Its blocks (an f16 scale, then 32 quants: 34 bytes, so 2-byte aligned) are
/// regrouped four rows at a time: the four rows' quants row-major (16-byte aligned, so a
/// mat-vec loads them 16 bytes at a time), then their scales block by block, the four rows'
/// scales of block `b` side by side (one 8-byte load serves a thread that handles the four
/// rows). A group is padded to 16 bytes (never for 128-multiple widths), the last group to four
/// rows with zeros: the same bytes otherwise, reordered, kept next to each other in memory.
pub fn device_layout(
    ty: GgmlType,
    cols: u32,
    rows: u32,
    bytes: &[u8],
) -> std::borrow::Cow<'_, [u8]> {
    if ty != GgmlType::Q8_0 {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let blocks = (cols / 32) as usize;
    let cols = cols as usize;
    let group_rows = Q8_GROUP_ROWS as usize;
    let group = q8_group_bytes(cols as u32) as usize;
    debug_assert_eq!(bytes.len(), blocks * 34 * rows as usize);
    let mut out = vec![0u8; (rows as usize).div_ceil(group_rows) * group];
    for (r, row) in bytes.chunks_exact(blocks * 34).enumerate() {
        let (g, j) = (r / group_rows, r % group_rows);
        let base = g * group;
        for (b, block) in row.chunks_exact(34).enumerate() {
            let q = base + j * cols + 32 * b;
            out[q..q + 32].copy_from_slice(&block[2..]);
            let s = base + group_rows * cols + 2 * (group_rows * b + j);
            out[s..s + 2].copy_from_slice(&block[..2]);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A row range of a weight matrix in its own buffer.
#[derive(Debug, Clone)]
pub struct WeightChunk {
    /// The chunk's bytes in [`device_layout`], padded.
    pub buffer: wgpu::Buffer,
    /// First row held.
    pub row_start: u32,
    /// Number of rows held.
    pub rows: u32,
}

/// A `rows x cols` weight matrix (ggml order: `cols` contiguous) kept in its quantized form, split
/// into row chunks that each fit one storage binding.
#[derive(Debug, Clone)]
pub struct GpuWeights {
    /// Element type.
    pub ty: GgmlType,
    /// Number of rows (output features).
    pub rows: u32,
    /// Number of columns (input features).
    pub cols: u32,
    /// The chunks, in row order.
    pub chunks: Vec<WeightChunk>,
}

impl GpuWeights {
    /// Bytes of one row.
    pub fn row_bytes(ty: GgmlType, cols: u32) -> u64 {
        (u64::from(cols) / ty.block_size() as u64) * ty.type_size() as u64
    }

    /// Total bytes of the weights (what one full mat-vec reads).
    pub fn byte_len(&self) -> u64 {
        Self::row_bytes(self.ty, self.cols) * u64::from(self.rows)
    }

    /// Uploads `bytes` (exactly `rows` rows of `cols` elements of type `ty`), splitting into
    /// row chunks no larger than the device's storage-binding limit.
    pub fn upload(
        ctx: &GpuContext,
        label: &str,
        ty: GgmlType,
        rows: u32,
        cols: u32,
        bytes: &[u8],
    ) -> Result<Self, GpuError> {
        Self::upload_chunked(ctx, label, ty, rows, cols, bytes, ctx.max_binding())
    }

    /// Like [`GpuWeights::upload`] with an explicit chunk-size cap in bytes (tests use a small
    /// cap to exercise chunking on small matrices).
    pub fn upload_chunked(
        ctx: &GpuContext,
        label: &str,
        ty: GgmlType,
        rows: u32,
        cols: u32,
        bytes: &[u8],
        max_chunk_bytes: u64,
    ) -> Result<Self, GpuError> {
        Self::upload_impl(ctx, label, ty, rows, cols, bytes, max_chunk_bytes, false)
    }

    /// Uploads two `rows x cols` matrices of type `ty` with their rows interleaved
    /// (`a0, b0, a1, b1, ...`: `2 * rows` rows, pairs never split across chunks), the layout
    /// the fused GEGLU mat-vec reads.
    #[allow(clippy::too_many_arguments)]
    pub fn upload_interleaved(
        ctx: &GpuContext,
        label: &str,
        ty: GgmlType,
        rows: u32,
        cols: u32,
        a: &[u8],
        b: &[u8],
        max_chunk_bytes: u64,
    ) -> Result<Self, GpuError> {
        let row_bytes = Self::row_bytes(ty, cols) as usize;
        let want = row_bytes * rows as usize;
        if a.len() != want || b.len() != want || row_bytes == 0 {
            return Err(GpuError::Shape(format!(
                "{label}: {} and {} bytes for two {rows} x {cols} {ty:?} matrices",
                a.len(),
                b.len()
            )));
        }
        let mut both = Vec::with_capacity(2 * want);
        for (ra, rb) in a.chunks_exact(row_bytes).zip(b.chunks_exact(row_bytes)) {
            both.extend_from_slice(ra);
            both.extend_from_slice(rb);
        }
        Self::upload_impl(ctx, label, ty, 2 * rows, cols, &both, max_chunk_bytes, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn upload_impl(
        ctx: &GpuContext,
        label: &str,
        ty: GgmlType,
        rows: u32,
        cols: u32,
        bytes: &[u8],
        max_chunk_bytes: u64,
        interleaved: bool,
    ) -> Result<Self, GpuError> {
        if cols == 0 || rows == 0 || !(cols as usize).is_multiple_of(ty.block_size()) {
            return Err(GpuError::Shape(format!(
                "{label}: {rows} x {cols} is not a whole number of {ty:?} blocks per row"
            )));
        }
        let row_bytes = Self::row_bytes(ty, cols);
        if bytes.len() as u64 != row_bytes * u64::from(rows) {
            return Err(GpuError::Shape(format!(
                "{label}: {} bytes for {rows} rows of {row_bytes} bytes",
                bytes.len()
            )));
        }
        let budget = max_chunk_bytes
            .min(ctx.max_binding())
            .saturating_sub(TAIL_PAD as u64 + 4);
        // Chunks split between whole row groups: pairs when gate and up rows are interleaved,
        // and Q8_0's groups of four rows (its device layout).
        let (group_rows, group_bytes) = if ty == GgmlType::Q8_0 {
            (u64::from(Q8_GROUP_ROWS), q8_group_bytes(cols))
        } else if interleaved {
            (2, 2 * row_bytes)
        } else {
            (1, row_bytes)
        };
        let rows_per_chunk = budget / group_bytes * group_rows;
        if rows_per_chunk == 0 {
            return Err(GpuError::LimitExceeded {
                what: format!("{label}: {group_rows} row(s) of {row_bytes} bytes"),
                limit: "max_storage_buffer_binding_size",
                needed: group_bytes + TAIL_PAD as u64,
                allowed: ctx.max_binding(),
            });
        }
        let rows_per_chunk = rows_per_chunk.min(u64::from(rows)) as u32;
        let mut chunks = Vec::new();
        let mut row = 0u32;
        while row < rows {
            let n = rows_per_chunk.min(rows - row);
            let a = (u64::from(row) * row_bytes) as usize;
            let b = (u64::from(row + n) * row_bytes) as usize;
            let device = device_layout(ty, cols, n, &bytes[a..b]);
            let buffer = storage_from_bytes(ctx, &format!("{label}[{row}..]"), &device)?;
            chunks.push(WeightChunk {
                buffer,
                row_start: row,
                rows: n,
            });
            row += n;
        }
        ctx.check()?;
        Ok(Self {
            ty,
            rows,
            cols,
            chunks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_0_is_regrouped_four_rows_at_a_time_other_types_are_untouched() {
        // Five rows of 64 columns (two blocks each): block (r, b) has scale [r, b] and quants
        // 100 + 10 * r + b + k.
        let mut gguf = Vec::new();
        for r in 0..5u8 {
            for b in 0..2u8 {
                gguf.extend([r, b]);
                gguf.extend((0..32u8).map(|k| 100 + 10 * r + b + k));
            }
        }
        let group = q8_group_bytes(64) as usize;
        assert_eq!(group, 272); // 4 * 64 quants + 4 * 2 scales of 2 bytes, a multiple of 16
        let dev = device_layout(GgmlType::Q8_0, 64, 5, &gguf);
        assert_eq!(
            dev.len(),
            2 * group,
            "the fifth row starts a zero-padded group"
        );
        for r in 0..5usize {
            let base = (r / 4) * group;
            for b in 0..2usize {
                let q = &dev[base + (r % 4) * 64 + 32 * b..][..32];
                assert!(q
                    .iter()
                    .enumerate()
                    .all(|(k, &v)| v as usize == 100 + 10 * r + b + k));
                let s = base + 256 + 2 * (4 * b + r % 4);
                assert_eq!(&dev[s..s + 2], &[r as u8, b as u8]);
            }
        }
        assert!(dev[group + 64..group + 256].iter().all(|&v| v == 0));
        let f32_bytes = [1u8, 2, 3, 4];
        assert!(matches!(
            device_layout(GgmlType::F32, 1, 1, &f32_bytes),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
