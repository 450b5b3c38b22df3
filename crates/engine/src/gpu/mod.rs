//! GPU runtime on wgpu (WebGPU in the browser, Vulkan/Metal/DX12 natively).
//!
//! [`GpuContext`] owns the device and queue and turns wgpu's asynchronous failure modes (device loss,
//! uncaptured validation errors) into [`GpuError`] values. [`buffers`] uploads tensors (quantized
//! weights stay quantized, split into row chunks when a tensor exceeds the binding limit),
//! [`readback`] copies results back with one async API on every target and [`kernel`] builds compute
//! pipelines with explicit bind-group layouts. The kernels themselves live in [`crate::ops`].
//!
//! [`runner::GpuModel`] runs Gemma 3: every dispatch is recorded once at load (bind groups
//! included), a decoded token is one command submission (embedding lookup, per layer a stacked
//! Q+K mat-vec, V straight into the KV cache, one QK-norm+RoPE dispatch, attention (split-K plus a merge on GPUs), output
//! projection, a fused post-norm/residual/pre-norm, one GEGLU mat-vec over interleaved gate/up
//! rows, the down projection and a second fused norm; then the tied output mat-vec and two
//! sampling passes) and 4 bytes come back. [`runner::GpuModel::submit_decode`] keeps several
//! steps in flight. `bench::run` (native; `atlas-run bench`) reports decode and prefill speed
//! with the adapter's own read bandwidth measured in the same run; `cargo bench --bench
//! gpu_kernels` prints each mat-vec's throughput.

pub mod bench;
pub mod buffers;
pub mod context;
pub mod kernel;
pub mod readback;
pub mod runner;

pub use buffers::{GpuWeights, WeightChunk};
pub use context::{AdapterSummary, GpuContext, Tuning, WeightStore};
pub use kernel::{Binding, Dispatch, Kernel, Resource, TokenAxis};
pub use runner::{GpuModel, GpuModelError, GpuModelOptions, PendingToken};

/// The `limit` of a [`GpuError::LimitExceeded`] caused by a caller's chunk cap below the device's
/// binding limit (see [`GpuWeights::upload_chunked`]).
pub const CHUNK_CAP: &str = "chunk size cap";

/// Errors from the GPU runtime and the GPU ops.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GpuError {
    /// No adapter (GPU or software rasterizer) was found.
    #[error("no GPU adapter found: {0}")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("the GPU adapter refused to create a device: {0}")]
    RequestDevice(String),
    /// The device was lost (driver reset, out of memory, destroyed); create a new context.
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),
    /// A resource needs more than a device limit allows.
    #[error("{what} needs {needed}, over the {limit} of {allowed}")]
    LimitExceeded {
        /// What was being created.
        what: String,
        /// The limit that is too small: a device limit by its wgpu name, e.g.
        /// `max_storage_buffer_binding_size`, or [`CHUNK_CAP`] when the caller capped chunks below it.
        limit: &'static str,
        /// The amount required.
        needed: u64,
        /// The value of the limit.
        allowed: u64,
    },
    /// wgpu reported a validation, out-of-memory or internal error.
    #[error("GPU error: {0}")]
    Wgpu(String),
    /// Mapping a buffer for readback failed.
    #[error("GPU buffer mapping failed: {0}")]
    Map(String),
    /// The shapes or types handed to an op do not fit it.
    #[error("invalid GPU op input: {0}")]
    Shape(String),
    /// A quantized type has no GPU kernel.
    #[error("the GPU has no kernel for weights of type {0}")]
    UnsupportedType(String),
}
