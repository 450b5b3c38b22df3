//! A plain read kernel, to measure the device's own read bandwidth in the benchmark.

use crate::gpu::kernel::{grid, seq};
use crate::gpu::{buffers, Binding, Dispatch, GpuContext, GpuError, Kernel, Resource};

/// The WGSL source: both patterns, the `runs` kernel from `readbw_runs.wgsl`.
pub const SOURCE: &str = concat!(
    include_str!("readbw.wgsl"),
    include_str!("readbw_runs.wgsl")
);

/// The `Runs` pattern in 64-bit words ([`Pattern::Runs64`]): native adapters with 64-bit
/// integers only (it needs wgpu's `SHADER_INT64`).
pub const SOURCE64: &str = concat!(
    include_str!("readbw64.wgsl"),
    include_str!("readbw_runs.wgsl")
);

/// The `Runs` pattern over a weight texture ([`Pattern::Texture`]).
pub const SOURCE_TEXTURE: &str = concat!(
    include_str!("readbw_tex.wgsl"),
    include_str!("readbw_runs.wgsl")
);

const PER_THREAD: u32 = 16;

/// How the threads of the read kernel walk the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Neighbouring threads read neighbouring 16-byte words (coalesced on GPUs).
    Strided,
    /// Each thread reads its own contiguous run (how CPU rasterizers stream memory).
    Runs,
    /// `Runs` loading 64-bit words ([`SOURCE64`]): where the device has 64-bit integers
    /// (natively; not in WebGPU). lavapipe loads a storage buffer lane by lane and component by
    /// component, so this reads about twice as fast there as 32-bit words do.
    Runs64,
    /// `Runs` over an `rgba32uint` texture read with `textureLoad` ([`SOURCE_TEXTURE`]), laid
    /// out as weight textures are ([`crate::gpu::WeightStore::Texture`]). SwiftShader reads
    /// this about 1.8 times as fast as a storage buffer.
    Texture,
}

/// The patterns that run everywhere.
pub const PATTERNS: [Pattern; 3] = [Pattern::Strided, Pattern::Runs, Pattern::Texture];

/// The patterns `ctx` can run: [`PATTERNS`], and [`Pattern::Runs64`] where the device has 64-bit
/// integers. The fastest is the device's read bandwidth.
pub fn patterns(ctx: &GpuContext) -> Vec<Pattern> {
    let mut all = PATTERNS.to_vec();
    if ctx.has_int64() {
        all.push(Pattern::Runs64);
    }
    all
}

/// Compiles the kernel for `pattern`.
pub async fn kernel(ctx: &GpuContext, pattern: Pattern) -> Result<Kernel, GpuError> {
    use Binding::*;
    let (source, entry) = match pattern {
        Pattern::Strided => (SOURCE, "main"),
        Pattern::Runs => (SOURCE, "runs"),
        Pattern::Texture => (SOURCE_TEXTURE, "runs"),
        Pattern::Runs64 => {
            if !ctx.has_int64() {
                return Err(GpuError::Shape(
                    "the Runs64 read pattern needs 64-bit integers, which this device lacks".into(),
                ));
            }
            (SOURCE64, "runs")
        }
    };
    Kernel::new(
        ctx,
        &format!("readbw {pattern:?}"),
        source,
        entry,
        &[],
        &seq(&[
            Uniform,
            if pattern == Pattern::Texture {
                Texture
            } else {
                ReadOnly
            },
            Storage,
        ]),
    )
    .await
}

/// Vec4s (16 bytes) each thread of the `Runs` pattern reads: 2,560 bytes, a row of a 640-wide
/// F32 matrix.
const RUN: u32 = 160;

/// Binds a dispatch of `kernel` (compiled for `pattern`) that reads all of `src` (its size a
/// multiple of 16 bytes) once; `out` needs [`out_len`] floats.
pub fn bind(
    ctx: &GpuContext,
    kernel: &Kernel,
    pattern: Pattern,
    src: &wgpu::Buffer,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    let n_vec4 = u32::try_from(src.size() / 16)
        .map_err(|_| GpuError::Shape("bandwidth probe buffer too large".into()))?;
    bind_source(ctx, kernel, pattern, Resource::Buffer(src), n_vec4, out)
}

/// Binds a dispatch of `kernel` (compiled for [`Pattern::Texture`]) that reads the first
/// `n_vec4` texels of `src` (a weight texture: [`buffers::weight_texture`]) once.
pub fn bind_texture(
    ctx: &GpuContext,
    kernel: &Kernel,
    src: &wgpu::TextureView,
    n_vec4: u32,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    bind_source(
        ctx,
        kernel,
        Pattern::Texture,
        Resource::Texture(src),
        n_vec4,
        out,
    )
}

fn bind_source(
    ctx: &GpuContext,
    kernel: &Kernel,
    pattern: Pattern,
    src: Resource,
    n_vec4: u32,
    out: &wgpu::Buffer,
) -> Result<Dispatch, GpuError> {
    let (per_thread, groups) = match pattern {
        Pattern::Strided => (PER_THREAD, n_vec4.div_ceil(256 * PER_THREAD)),
        Pattern::Runs | Pattern::Runs64 | Pattern::Texture => {
            (RUN, n_vec4.div_ceil(RUN).div_ceil(64))
        }
    };
    let p = buffers::uniform(ctx, "readbw params", &[n_vec4, per_thread]);
    let g = grid(groups, ctx.limits().max_compute_workgroups_per_dimension);
    kernel.bind_resources(ctx, &[Resource::Buffer(&p), src, Resource::Buffer(out)], g)
}

/// Floats `out` must hold for a source of `bytes` bytes (any pattern).
pub fn out_len(bytes: u64) -> u64 {
    let n_vec4 = bytes / 16;
    // The 2-D grid may round up by at most one workgroup per row of the grid.
    let slack = |groups: u64| groups + groups / 65_535 + 1;
    let strided = slack(n_vec4.div_ceil(u64::from(256 * PER_THREAD)));
    let runs = slack(n_vec4.div_ceil(u64::from(RUN)).div_ceil(64)) * 64;
    strided.max(runs)
}

/// What a pattern reads: a storage buffer or a weight texture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A storage buffer ([`Pattern::Strided`], [`Pattern::Runs`], [`Pattern::Runs64`]).
    Buffer,
    /// A weight texture ([`Pattern::Texture`]).
    Texture,
}

impl Pattern {
    /// What this pattern reads.
    pub fn source(self) -> SourceKind {
        match self {
            Pattern::Texture => SourceKind::Texture,
            Pattern::Strided | Pattern::Runs | Pattern::Runs64 => SourceKind::Buffer,
        }
    }
}

/// The read-bandwidth probe: one compiled kernel per access pattern the device runs
/// ([`patterns`]), each reading the same number of bytes (up to 256 MiB, within the binding and
/// texture limits). A source is allocated only while its patterns are timed ([`Probe::bind`]), so
/// the probe holds one 256 MiB source at a time beside a loaded model. The native and the
/// in-browser benchmarks time the dispatches with their own clocks and take the fastest.
pub struct Probe {
    /// Bytes each dispatch reads.
    pub bytes: u64,
    kernels: Vec<(Pattern, Kernel)>,
    out: wgpu::Buffer,
}

/// One source of the probe and the dispatches of its patterns that read it; dropping it frees
/// the source once the GPU is done with it.
pub struct Bound {
    /// `(pattern, dispatch)` for each pattern that reads this source.
    pub dispatches: Vec<(Pattern, Dispatch)>,
    // Kept so the source lives exactly as long as its dispatches.
    _source: Source,
}

enum Source {
    Buffer(wgpu::Buffer),
    Texture(wgpu::Texture),
}

impl Drop for Source {
    fn drop(&mut self) {
        // Free the memory now rather than when the last bind group referring to it goes.
        match self {
            Source::Buffer(b) => b.destroy(),
            Source::Texture(t) => t.destroy(),
        }
    }
}

impl Probe {
    /// Compiles every pattern's kernel; allocates only the small output buffer.
    pub async fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let row = u64::from(buffers::TEXTURE_WIDTH) * 16;
        let bytes = (256u64 << 20)
            .min(ctx.max_binding())
            .min(row * u64::from(ctx.limits().max_texture_dimension_2d))
            / row
            * row;
        let out = buffers::storage_zeroed(ctx, "bandwidth out", out_len(bytes) * 4)?;
        let mut kernels = Vec::new();
        for pattern in patterns(ctx) {
            kernels.push((pattern, kernel(ctx, pattern).await?));
        }
        Ok(Self {
            bytes,
            kernels,
            out,
        })
    }

    /// The sources the patterns read, in the order to time them.
    pub fn sources(&self) -> Vec<SourceKind> {
        let mut kinds: Vec<SourceKind> = Vec::new();
        for (p, _) in &self.kernels {
            if !kinds.contains(&p.source()) {
                kinds.push(p.source());
            }
        }
        kinds
    }

    /// Allocates the source `kind` ([`Probe::bytes`] bytes) and binds every pattern that reads it.
    pub fn bind(&self, ctx: &GpuContext, kind: SourceKind) -> Result<Bound, GpuError> {
        let n_vec4 = u32::try_from(self.bytes / 16)
            .map_err(|_| GpuError::Shape("bandwidth probe too large".into()))?;
        let kernels = self.kernels.iter().filter(|(p, _)| p.source() == kind);
        let mut dispatches = Vec::new();
        let source = match kind {
            SourceKind::Buffer => {
                let b = buffers::storage_zeroed(ctx, "bandwidth source", self.bytes)?;
                for (pattern, k) in kernels {
                    dispatches.push((*pattern, bind(ctx, k, *pattern, &b, &self.out)?));
                }
                Source::Buffer(b)
            }
            SourceKind::Texture => {
                let t = buffers::weight_texture(ctx, "bandwidth source texture", self.bytes)?;
                let v = t.create_view(&wgpu::TextureViewDescriptor::default());
                for (pattern, k) in kernels {
                    dispatches.push((*pattern, bind_texture(ctx, k, &v, n_vec4, &self.out)?));
                }
                Source::Texture(t)
            }
        };
        Ok(Bound {
            dispatches,
            _source: source,
        })
    }
}
