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

/// A row range of a weight matrix in its own buffer.
#[derive(Debug, Clone)]
pub struct WeightChunk {
    /// The chunk's raw bytes (as stored in the GGUF), padded.
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
        let rows_per_chunk = budget / row_bytes;
        if rows_per_chunk == 0 {
            return Err(GpuError::LimitExceeded {
                what: format!("{label}: one row"),
                limit: "max_storage_buffer_binding_size",
                needed: row_bytes + TAIL_PAD as u64,
                allowed: ctx.max_binding(),
            });
        }
        // Interleaved pairs must not be split across chunks.
        let rows_per_chunk = if interleaved {
            rows_per_chunk - rows_per_chunk % 2
        } else {
            rows_per_chunk
        };
        if rows_per_chunk == 0 {
            return Err(GpuError::LimitExceeded {
                what: format!("{label}: a row pair"),
                limit: "max_storage_buffer_binding_size",
                needed: 2 * row_bytes + TAIL_PAD as u64,
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
            let buffer = storage_from_bytes(ctx, &format!("{label}[{row}..]"), &bytes[a..b])?;
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
