//! Copying GPU buffers back to the host with one async API on every target.
//!
//! Natively the device is polled until the copy is done (so `pollster::block_on` works); in the
//! browser the future resolves when WebGPU calls back.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::{GpuContext, GpuError};

#[derive(Default)]
struct Slot {
    result: Option<Result<(), String>>,
    waker: Option<Waker>,
}

/// Resolves when the `map_async` callback fires.
struct MapFuture {
    slot: Arc<Mutex<Slot>>,
}

impl Future for MapFuture {
    type Output = Result<(), GpuError>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Ok(mut slot) = self.slot.lock() else {
            return Poll::Ready(Err(GpuError::Map("readback state poisoned".into())));
        };
        match slot.result.take() {
            Some(r) => Poll::Ready(r.map_err(GpuError::Map)),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A reusable `MAP_READ` staging buffer.
pub struct Staging {
    buffer: wgpu::Buffer,
    size: u64,
}

impl Staging {
    /// Creates a staging buffer of `size` bytes (rounded up to 4).
    pub fn new(ctx: &GpuContext, size: u64) -> Self {
        let size = size.div_ceil(4).max(1) * 4;
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("staging"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self { buffer, size }
    }

    /// The staging buffer, for `copy_buffer_to_buffer` into it.
    pub fn buffer(&self) -> &wgpu::Buffer {
        &self.buffer
    }

    /// Maps the first `len` bytes (after the submitted copy completes) and returns them.
    pub async fn read(&self, ctx: &GpuContext, len: u64) -> Result<Vec<u8>, GpuError> {
        self.read_after(ctx, len, None).await
    }

    /// [`Staging::read`] for a copy made by submission `index`: natively the wait ends when that
    /// submission is done, not when everything submitted since is (which would leave the device
    /// idle between pipelined decode steps). `None` waits for the latest submission.
    pub async fn read_after(
        &self,
        ctx: &GpuContext,
        len: u64,
        index: Option<wgpu::SubmissionIndex>,
    ) -> Result<Vec<u8>, GpuError> {
        let len4 = len.div_ceil(4) * 4;
        if len4 == 0 || len4 > self.size {
            return Err(GpuError::Shape(format!(
                "readback of {len} bytes from a {}-byte staging buffer",
                self.size
            )));
        }
        let slot = Arc::new(Mutex::new(Slot::default()));
        {
            let slot = Arc::clone(&slot);
            self.buffer
                .map_async(wgpu::MapMode::Read, 0..len4, move |r| {
                    if let Ok(mut s) = slot.lock() {
                        s.result = Some(r.map_err(|e| e.to_string()));
                        if let Some(w) = s.waker.take() {
                            w.wake();
                        }
                    }
                });
        }
        #[cfg(target_arch = "wasm32")]
        let _ = index;
        #[cfg(not(target_arch = "wasm32"))]
        {
            ctx.device
                .poll(wgpu::PollType::Wait {
                    submission_index: index,
                    timeout: None,
                })
                .map_err(|e| GpuError::DeviceLost(e.to_string()))?;
        }
        MapFuture { slot }.await?;
        ctx.check()?;
        let bytes = {
            let view = self
                .buffer
                .get_mapped_range(0..len4)
                .map_err(|e| GpuError::Map(e.to_string()))?;
            view[..len as usize].to_vec()
        };
        self.buffer.unmap();
        Ok(bytes)
    }
}

/// Reads `len` bytes at `offset` of `src` (which needs `COPY_SRC`); offsets and lengths are
/// rounded to wgpu's 4-byte copy alignment internally.
pub async fn read_bytes(
    ctx: &GpuContext,
    src: &wgpu::Buffer,
    offset: u64,
    len: u64,
) -> Result<Vec<u8>, GpuError> {
    if !offset.is_multiple_of(4) || offset + len > src.size() {
        return Err(GpuError::Shape(format!(
            "readback of {len} bytes at {offset} from a {}-byte buffer",
            src.size()
        )));
    }
    let len4 = (len.div_ceil(4) * 4).min(src.size() - offset);
    let staging = Staging::new(ctx, len4);
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("readback"),
        });
    enc.copy_buffer_to_buffer(src, offset, staging.buffer(), 0, len4);
    ctx.submit([enc.finish()])?;
    staging.read(ctx, len).await
}

/// Reads `n` little-endian `f32` values at element `offset` of `src`.
pub async fn read_f32(
    ctx: &GpuContext,
    src: &wgpu::Buffer,
    offset: u64,
    n: usize,
) -> Result<Vec<f32>, GpuError> {
    let bytes = read_bytes(ctx, src, offset * 4, n as u64 * 4).await?;
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Reads `n` little-endian `u32` values at element `offset` of `src`.
pub async fn read_u32(
    ctx: &GpuContext,
    src: &wgpu::Buffer,
    offset: u64,
    n: usize,
) -> Result<Vec<u32>, GpuError> {
    let bytes = read_bytes(ctx, src, offset * 4, n as u64 * 4).await?;
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}
