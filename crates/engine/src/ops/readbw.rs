//! A plain read kernel, to measure the device's own read bandwidth in the benchmark.

use crate::gpu::kernel::{grid, seq};
use crate::gpu::{buffers, Binding, Dispatch, GpuContext, GpuError, Kernel};

/// The WGSL source.
pub const SOURCE: &str = include_str!("readbw.wgsl");

const PER_THREAD: u32 = 16;

/// Compiles the kernel.
pub async fn kernel(ctx: &GpuContext) -> Result<Kernel, GpuError> {
    use Binding::*;
    Kernel::new(
        ctx,
        "readbw",
        SOURCE,
        "main",
        &[],
        &seq(&[Uniform, ReadOnly, Storage]),
    )
    .await
}

/// Binds a dispatch that reads all of `src` (its size a multiple of 16 bytes) once; `out` needs
/// one float per workgroup ([`out_len`]).
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    src: &wgpu::Buffer,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    let n_vec4 = u32::try_from(src.size() / 16)
        .map_err(|_| GpuError::Shape("bandwidth probe buffer too large".into()))?;
    let p = buffers::uniform(ctx, "readbw params", &[n_vec4, PER_THREAD]);
    let groups = n_vec4.div_ceil(256 * PER_THREAD);
    let g = grid(groups, ctx.limits().max_compute_workgroups_per_dimension);
    kernel.bind(ctx, &[&p, src, out], g)
}

/// Floats `out` must hold for a source of `bytes` bytes.
pub fn out_len(bytes: u64) -> u64 {
    let groups = (bytes / 16).div_ceil(u64::from(256 * PER_THREAD));
    // The 2-D grid may round up to a few more workgroups than needed.
    groups + 65_536
}
