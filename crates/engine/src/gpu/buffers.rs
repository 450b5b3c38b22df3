//! Buffer creation and weight upload (quantized bytes kept as they are, split into row chunks).

use wgpu::util::DeviceExt;

use super::{GpuContext, GpuError, Resource, WeightStore};
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

/// A buffer's length for `bytes` bytes: a multiple of 4 plus [`TAIL_PAD`].
fn padded_len(bytes: usize) -> usize {
    bytes.div_ceil(4) * 4 + TAIL_PAD
}

/// Creates a storage buffer holding `bytes`, zero-padded to a multiple of 4 plus [`TAIL_PAD`].
pub fn storage_from_bytes(
    ctx: &GpuContext,
    label: &str,
    bytes: &[u8],
) -> Result<wgpu::Buffer, GpuError> {
    let len = padded_len(bytes.len());
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

/// Rows per group in the grouped device layout (see [`device_layout`]).
pub const GROUP_ROWS: u32 = 8;

/// One field of a block in the grouped layout: `len` bytes at `at` in the GGUF block, stored
/// for the group's rows side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plane {
    /// Offset in the GGUF block.
    pub at: usize,
    /// Bytes.
    pub len: usize,
}

const fn plane(at: usize, len: usize) -> Plane {
    Plane { at, len }
}

/// The planes, in device order, of a type kept in the grouped layout; `None` for types kept as
/// their GGUF blocks. A plane's eight fields take a multiple of 16 bytes, so each starts
/// 16-byte aligned.
pub fn grouped_planes(ty: GgmlType) -> Option<&'static [Plane]> {
    const Q8_0: [Plane; 2] = [plane(2, 32), plane(0, 2)];
    const Q5_0: [Plane; 3] = [plane(6, 16), plane(2, 4), plane(0, 2)];
    const Q4_K: [Plane; 1] = [plane(0, 144)];
    const Q6_K: [Plane; 4] = [
        plane(0, 128),  // ql
        plane(128, 64), // qh
        plane(192, 16), // scales
        plane(208, 2),  // d
    ];
    match ty {
        GgmlType::Q8_0 => Some(&Q8_0),
        GgmlType::Q5_0 => Some(&Q5_0),
        GgmlType::Q4_K => Some(&Q4_K),
        GgmlType::Q6_K => Some(&Q6_K),
        _ => None,
    }
}

/// Bytes of one group of [`GROUP_ROWS`] rows of `cols` columns in the grouped layout (`None`
/// for types kept as their GGUF blocks). Eight blocks of any grouped type are a multiple of 16
/// bytes, so groups need no padding.
pub fn group_bytes(ty: GgmlType, cols: u32) -> Option<u64> {
    grouped_planes(ty)?;
    let blocks = u64::from(cols) / ty.block_size() as u64;
    let raw = u64::from(GROUP_ROWS) * blocks * ty.type_size() as u64;
    Some(raw.div_ceil(16) * 16)
}

/// The bytes of `rows` rows of type `ty` as the kernels read them: the GGUF blocks as they are,
/// except Q8_0, Q5_0, Q4_K and Q6_K (the model's large matrices). Those are regrouped eight rows
/// at a time, block by block: for block 0 of the eight rows, each field ([`grouped_planes`]:
/// quants, high bits, scales) of the eight rows side by side, then block 1, and so on. So a CPU
/// adapter's decode thread, which takes a whole group (each input it loads serves eight rows),
/// reads one stream of memory instead of a stream per row and field, each field 16-byte aligned
/// (loaded 16 bytes at a time) and a field the kernel needs for all eight rows (Q8_0's and
/// Q5_0's scales, Q5_0's high bits) one or two loads. Q5_0's high bits are reordered by
/// [`q5_0_high_bits`]. On lavapipe, against a stream per row and field: the output mat-vec
/// 6.0-6.6 -> 6.6-7.3 GB/s, Q5_0 ffn_gate 0.26-0.38 -> 0.23-0.26 ms (`gpu_kernels`). The last
/// group is padded to eight rows with zeros: the same bytes otherwise, reordered, and a group's
/// bytes stay next to each other in memory.
pub fn device_layout(
    ty: GgmlType,
    cols: u32,
    rows: u32,
    bytes: &[u8],
) -> std::borrow::Cow<'_, [u8]> {
    let (Some(planes), Some(group)) = (grouped_planes(ty), group_bytes(ty, cols)) else {
        return std::borrow::Cow::Borrowed(bytes);
    };
    let blocks = cols as usize / ty.block_size();
    let block = ty.type_size();
    let group = group as usize;
    let n = GROUP_ROWS as usize;
    debug_assert_eq!(bytes.len(), blocks * block * rows as usize);
    let mut out = vec![0u8; (rows as usize).div_ceil(n) * group];
    for (r, row) in bytes.chunks_exact(blocks * block).enumerate() {
        let (base, j) = ((r / n) * group, r % n);
        for (b, src) in row.chunks_exact(block).enumerate() {
            // Block `b`'s fields of the group's rows take n * block bytes.
            let mut plane_base = base + b * n * block;
            for p in planes {
                let at = plane_base + p.len * j;
                let field = &src[p.at..p.at + p.len];
                if ty == GgmlType::Q5_0 && p.at == 2 {
                    let qh = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
                    out[at..at + 4].copy_from_slice(&q5_0_high_bits(qh).to_le_bytes());
                } else {
                    out[at..at + p.len].copy_from_slice(field);
                }
                plane_base += n * p.len;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A Q5_0 block's 32 high bits (bit j: element j) reordered for the kernels: the bit of element
/// 4k + i goes to bit 8i + 4 + k and that of element 16 + 4k + i to bit 8i + k (k, i in 0..4),
/// so the bits of the four elements each quant word k holds, low nibbles and high, reach bit 4
/// of each byte with one shift and one mask (`q5_dot` in `matvec.wgsl`). A permutation: the
/// same 32 bits.
pub fn q5_0_high_bits(qh: u32) -> u32 {
    let mut out = 0;
    for k in 0..4 {
        for i in 0..4 {
            out |= ((qh >> (4 * k + i)) & 1) << (8 * i + 4 + k);
            out |= ((qh >> (16 + 4 * k + i)) & 1) << (8 * i + k);
        }
    }
    out
}

/// Bytes regrouped and written per queue write when a weight chunk is uploaded: what an upload
/// holds on the host beyond the source bytes (not a copy of the whole chunk, up to 128 MiB).
const UPLOAD_SLICE_BYTES: usize = 4 << 20;

/// A storage buffer holding `rows` rows of a weight matrix (`bytes`, its GGUF layout) in its
/// [`device_layout`], padded as [`storage_from_bytes`] pads, written a slice at a time.
fn upload_chunk(
    ctx: &GpuContext,
    label: &str,
    ty: GgmlType,
    cols: u32,
    rows: u32,
    bytes: &[u8],
) -> Result<ChunkData, GpuError> {
    let group = group_bytes(ty, cols).map(|g| g as usize);
    let dev_len = group.map_or(bytes.len(), |g| {
        (rows as usize).div_ceil(GROUP_ROWS as usize) * g
    });
    let len = padded_len(dev_len);
    let mut sink = match ctx.weight_store() {
        WeightStore::Buffer => {
            ctx.check_binding(label, len as u64)?;
            // wgpu zero-initialises the buffer, so the padding needs no write.
            Sink::Buffer(ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: len as u64,
                usage: STORAGE,
                mapped_at_creation: false,
            }))
        }
        WeightStore::Texture => Sink::Texture(TextureSink::new(ctx, label, len)?),
    };
    let mut offset = 0usize;
    match group {
        // The grouped layout, regrouped a run of whole groups at a time (groups are
        // independent, 16-byte multiples, and in row order).
        Some(g) => {
            let row_bytes = bytes.len() / rows as usize;
            let per_slice = (UPLOAD_SLICE_BYTES / g).max(1) * GROUP_ROWS as usize;
            for (i, src) in bytes.chunks(per_slice * row_bytes).enumerate() {
                let n = (rows as usize - i * per_slice).min(per_slice) as u32;
                let dev = device_layout(ty, cols, n, src);
                sink.write(ctx, offset, &dev);
                offset += dev.len();
            }
        }
        None => {
            for src in bytes.chunks(UPLOAD_SLICE_BYTES) {
                sink.write(ctx, offset, src);
                offset += src.len();
            }
        }
    }
    let data = sink.finish(ctx);
    ctx.check()?;
    Ok(data)
}

/// Bytes one weight texture can hold: [`TEXTURE_WIDTH`] texels of 16 bytes a row, as many rows
/// as the device allows.
pub fn texture_capacity(ctx: &GpuContext) -> u64 {
    TEXTURE_ROW_BYTES as u64 * u64::from(ctx.limits().max_texture_dimension_2d)
}

/// An `rgba32uint` texture [`TEXTURE_WIDTH`] texels wide with room for `bytes` bytes (whole
/// rows, zero-initialised), as weights and the read probe use; a typed error naming
/// `max_texture_dimension_2d` if the device's textures are not that tall.
pub fn weight_texture(
    ctx: &GpuContext,
    label: &str,
    bytes: u64,
) -> Result<wgpu::Texture, GpuError> {
    let row = TEXTURE_ROW_BYTES as u64;
    let max = ctx.limits().max_texture_dimension_2d;
    let rows = bytes.div_ceil(row).max(1);
    let height = u32::try_from(rows)
        .ok()
        .filter(|&h| h <= max)
        .ok_or_else(|| GpuError::LimitExceeded {
            what: format!("{label}: a texture of {bytes} bytes"),
            limit: "max_texture_dimension_2d",
            needed: rows,
            allowed: u64::from(max),
        })?;
    Ok(ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d {
            width: TEXTURE_WIDTH,
            height,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba32Uint,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    }))
}

/// Where [`upload_chunk`] writes a chunk's bytes, in order.
enum Sink {
    Buffer(wgpu::Buffer),
    Texture(TextureSink),
}

impl Sink {
    fn write(&mut self, ctx: &GpuContext, offset: usize, data: &[u8]) {
        match self {
            Self::Buffer(b) => write_padded(ctx, b, offset, data),
            Self::Texture(t) => t.write(ctx, data),
        }
    }

    fn finish(self, ctx: &GpuContext) -> ChunkData {
        match self {
            Self::Buffer(b) => ChunkData::Buffer(b),
            Self::Texture(mut t) => {
                t.flush(ctx, true);
                let view = t
                    .texture
                    .create_view(&wgpu::TextureViewDescriptor::default());
                ChunkData::Texture(t.texture, view)
            }
        }
    }
}

/// Writes a chunk's bytes into a weight texture a few whole texture rows at a time (a texture
/// write covers whole rows; the last one is zero-padded).
struct TextureSink {
    texture: wgpu::Texture,
    /// Bytes not yet written, less than a flush's worth.
    pending: Vec<u8>,
    /// Texture rows written so far.
    row: u32,
}

/// Texture rows written at once.
const TEXTURE_ROWS_PER_WRITE: usize = 64;

impl TextureSink {
    fn new(ctx: &GpuContext, label: &str, len: usize) -> Result<Self, GpuError> {
        Ok(Self {
            texture: weight_texture(ctx, label, len as u64)?,
            pending: Vec::new(),
            row: 0,
        })
    }

    fn write(&mut self, ctx: &GpuContext, data: &[u8]) {
        let batch = TEXTURE_ROWS_PER_WRITE * TEXTURE_ROW_BYTES;
        let mut data = data;
        while !data.is_empty() {
            let take = (batch - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == batch {
                self.flush(ctx, false);
            }
        }
    }

    /// Writes the whole rows pending (and, when `last`, the partial row zero-padded).
    fn flush(&mut self, ctx: &GpuContext, last: bool) {
        if last {
            let whole = self.pending.len().div_ceil(TEXTURE_ROW_BYTES) * TEXTURE_ROW_BYTES;
            self.pending.resize(whole, 0);
        }
        let rows = (self.pending.len() / TEXTURE_ROW_BYTES) as u32;
        if rows == 0 {
            return;
        }
        let bytes = rows as usize * TEXTURE_ROW_BYTES;
        ctx.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &self.texture,
                mip_level: 0,
                origin: wgpu::Origin3d {
                    x: 0,
                    y: self.row,
                    z: 0,
                },
                aspect: wgpu::TextureAspect::All,
            },
            &self.pending[..bytes],
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(TEXTURE_ROW_BYTES as u32),
                rows_per_image: Some(rows),
            },
            wgpu::Extent3d {
                width: TEXTURE_WIDTH,
                height: rows,
                depth_or_array_layers: 1,
            },
        );
        ctx.queue.submit(std::iter::empty());
        self.pending.drain(..bytes);
        self.row += rows;
    }
}

/// Writes `data` at `offset` (a multiple of 4), its last partial word padded with zeros, and
/// submits the write so its staging copy is released rather than held until the next submission.
fn write_padded(ctx: &GpuContext, buffer: &wgpu::Buffer, offset: usize, data: &[u8]) {
    let whole = data.len() / 4 * 4;
    if whole > 0 {
        ctx.queue
            .write_buffer(buffer, offset as u64, &data[..whole]);
    }
    if whole < data.len() {
        let mut tail = [0u8; 4];
        tail[..data.len() - whole].copy_from_slice(&data[whole..]);
        ctx.queue
            .write_buffer(buffer, (offset + whole) as u64, &tail);
    }
    ctx.queue.submit(std::iter::empty());
}

/// Texels per row of a weight texture ([`WeightStore::Texture`]): 32 KiB rows, so a chunk's
/// last row wastes at most that, and a texture within WebGPU's default 8,192-texel limit holds
/// 256 MiB.
pub const TEXTURE_WIDTH: u32 = 2048;

/// Bytes per row of a weight texture.
const TEXTURE_ROW_BYTES: usize = TEXTURE_WIDTH as usize * 16;

/// Where a weight chunk's bytes are: a storage buffer or a texture ([`WeightStore`]).
#[derive(Debug, Clone)]
pub enum ChunkData {
    /// A storage buffer.
    Buffer(wgpu::Buffer),
    /// An `rgba32uint` texture, [`TEXTURE_WIDTH`] texels wide, and its view.
    Texture(wgpu::Texture, wgpu::TextureView),
}

impl ChunkData {
    /// The resource a kernel binds.
    pub fn resource(&self) -> Resource<'_> {
        match self {
            Self::Buffer(b) => Resource::Buffer(b),
            Self::Texture(_, v) => Resource::Texture(v),
        }
    }
}

/// A row range of a weight matrix in its own buffer or texture.
#[derive(Debug, Clone)]
pub struct WeightChunk {
    /// The chunk's bytes in [`device_layout`], padded.
    pub data: ChunkData,
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
        let device = match ctx.weight_store() {
            WeightStore::Buffer => ctx.max_binding(),
            WeightStore::Texture => texture_capacity(ctx),
        };
        let cap = max_chunk_bytes.min(device);
        let budget = cap.saturating_sub(TAIL_PAD as u64 + 4);
        // Chunks split between whole row groups: pairs when gate and up rows are interleaved,
        // and the eight-row groups of the grouped device layout.
        let (group_rows, group_bytes) = if let Some(bytes) = group_bytes(ty, cols) {
            (u64::from(GROUP_ROWS), bytes)
        } else if interleaved {
            (2, 2 * row_bytes)
        } else {
            (1, row_bytes)
        };
        let rows_per_chunk = budget / group_bytes * group_rows;
        if rows_per_chunk == 0 {
            return Err(GpuError::LimitExceeded {
                what: format!("{label}: {group_rows} row(s) of {row_bytes} bytes"),
                limit: if cap < device {
                    super::CHUNK_CAP
                } else if ctx.weight_store() == WeightStore::Texture {
                    "max_texture_dimension_2d"
                } else {
                    "max_storage_buffer_binding_size"
                },
                needed: group_bytes + TAIL_PAD as u64,
                allowed: cap,
            });
        }
        let rows_per_chunk = rows_per_chunk.min(u64::from(rows)) as u32;
        let mut chunks = Vec::new();
        let mut row = 0u32;
        while row < rows {
            let n = rows_per_chunk.min(rows - row);
            let a = (u64::from(row) * row_bytes) as usize;
            let b = (u64::from(row + n) * row_bytes) as usize;
            let data = upload_chunk(ctx, &format!("{label}[{row}..]"), ty, cols, n, &bytes[a..b])?;
            chunks.push(WeightChunk {
                data,
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
    fn q8_0_is_regrouped_eight_rows_at_a_time_block_by_block() {
        // Nine rows of 64 columns (two blocks each): block (r, b) has scale [r, b] and quants
        // 100 + 10 * r + b + k.
        let mut gguf = Vec::new();
        for r in 0..9u8 {
            for b in 0..2u8 {
                gguf.extend([r, b]);
                gguf.extend((0..32u8).map(|k| 100 + 10 * r + b + k));
            }
        }
        assert_eq!(GROUP_ROWS, 8);
        let group = group_bytes(GgmlType::Q8_0, 64).unwrap() as usize;
        // Per block 8 x 32 quants and 8 f16 scales: 272 bytes, a multiple of 16.
        assert_eq!(group, 2 * 272);
        let dev = device_layout(GgmlType::Q8_0, 64, 9, &gguf);
        assert_eq!(
            dev.len(),
            2 * group,
            "the ninth row starts a zero-padded group"
        );
        for r in 0..9usize {
            let (base, j) = ((r / 8) * group, r % 8);
            for b in 0..2usize {
                let at = base + 272 * b;
                let q = &dev[at + 32 * j..][..32];
                assert!(q
                    .iter()
                    .enumerate()
                    .all(|(k, &v)| v as usize == 100 + 10 * r + b + k));
                let s = at + 256 + 2 * j;
                assert_eq!(&dev[s..s + 2], &[r as u8, b as u8]);
            }
        }
        // Row 8 is the padded group's first; its other seven rows are zeros.
        for b in 0..2usize {
            let at = group + 272 * b;
            assert!(dev[at + 32..at + 256].iter().all(|&v| v == 0));
            assert!(dev[at + 258..at + 272].iter().all(|&v| v == 0));
        }
    }

    #[test]
    fn q6_k_and_q4_k_are_regrouped_eight_rows_at_a_time_block_by_block() {
        // Nine rows of 512 columns (two blocks each): byte k of block (r, b) is
        // (r + 3b + k) mod 251.
        let byte = |r: usize, b: usize, k: usize| ((r + 3 * b + k) % 251) as u8;
        for (ty, planes) in [
            (
                GgmlType::Q6_K,
                &[(0usize, 128usize), (128, 64), (192, 16), (208, 2)][..],
            ),
            (GgmlType::Q4_K, &[(0, 144)][..]),
        ] {
            let block = ty.type_size();
            let gguf: Vec<u8> = (0..9usize)
                .flat_map(|r| (0..2usize).flat_map(move |b| (0..block).map(move |k| byte(r, b, k))))
                .collect();
            let group = group_bytes(ty, 512).unwrap() as usize;
            assert_eq!(
                group,
                8 * 2 * block,
                "{ty:?}: eight blocks are a multiple of 16 bytes"
            );
            let dev = device_layout(ty, 512, 9, &gguf);
            assert_eq!(dev.len(), 2 * group);
            for r in 0..9usize {
                let (base, j) = ((r / 8) * group, r % 8);
                for b in 0..2usize {
                    let mut at = base + b * 8 * block;
                    for &(field, len) in planes {
                        for k in 0..len {
                            assert_eq!(
                                dev[at + len * j + k],
                                byte(r, b, field + k),
                                "{ty:?} row {r} block {b} byte {}",
                                field + k
                            );
                        }
                        at += 8 * len;
                    }
                }
            }
            // The padded group's rows 1..8 are zeros.
            for b in 0..2usize {
                let at = group + b * 8 * block;
                let mut off = at;
                for &(_, len) in planes {
                    assert!(dev[off + len..off + 8 * len].iter().all(|&v| v == 0));
                    off += 8 * len;
                }
            }
        }
    }

    #[test]
    fn q5_0_high_bits_are_a_permutation_to_the_documented_places() {
        let mut seen = 0u32;
        for j in 0..32 {
            let moved = q5_0_high_bits(1 << j);
            assert_eq!(moved.count_ones(), 1, "element {j}");
            // Element 4k + i (low nibbles) -> bit 8i + 4 + k; 16 + 4k + i -> bit 8i + k.
            let (k, i) = ((j % 16) / 4, j % 4);
            let want = 8 * i + k + if j < 16 { 4 } else { 0 };
            assert_eq!(moved, 1 << want, "element {j}");
            seen |= moved;
        }
        assert_eq!(seen, u32::MAX);
        assert_eq!(
            q5_0_high_bits(0xDEAD_BEEF).count_ones(),
            0xDEAD_BEEFu32.count_ones()
        );
    }

    #[test]
    fn q5_0_is_regrouped_eight_rows_at_a_time_block_by_block() {
        // Nine rows of 64 columns: block (r, b) = scale [r, b], high bits [r, b, 7, 7], quants
        // 10 * r + b + k.
        let mut gguf = Vec::new();
        for r in 0..9u8 {
            for b in 0..2u8 {
                gguf.extend([r, b, r, b, 7, 7]);
                gguf.extend((0..16u8).map(|k| 10 * r + b + k));
            }
        }
        assert_eq!(GROUP_ROWS, 8);
        let group = group_bytes(GgmlType::Q5_0, 64).unwrap() as usize;
        assert_eq!(group, 352); // 8 rows x 2 blocks x 22 bytes, already a multiple of 16
        let dev = device_layout(GgmlType::Q5_0, 64, 9, &gguf);
        assert_eq!(dev.len(), 2 * group);
        for r in 0..9usize {
            let (base, j) = ((r / 8) * group, r % 8);
            for b in 0..2usize {
                let at = base + 176 * b;
                let q = &dev[at + 16 * j..][..16];
                assert!(q
                    .iter()
                    .enumerate()
                    .all(|(k, &v)| v as usize == 10 * r + b + k));
                let h = at + 128 + 4 * j;
                let qh = u32::from_le_bytes([r as u8, b as u8, 7, 7]);
                assert_eq!(&dev[h..h + 4], &q5_0_high_bits(qh).to_le_bytes());
                let s = at + 160 + 2 * j;
                assert_eq!(&dev[s..s + 2], &[r as u8, b as u8]);
            }
        }
        let f32_bytes = [1u8, 2, 3, 4];
        assert!(matches!(
            device_layout(GgmlType::F32, 1, 1, &f32_bytes),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
