//! "Benchmark this device" in the browser: the fixed benchmark of [`gpu::bench::measure`] (the
//! one `atlas-run bench` runs natively) on the already-loaded model, timed with the worker's
//! high-resolution clock.
//!
//! [`gpu::bench::measure`]: crate::gpu::bench::measure

use std::cell::Cell;

use super::engine::Failure;
use super::js;
use crate::gpu::bench::{measure, BenchError, BenchOptions};
use crate::gpu::GpuModel;
use crate::protocol::{BenchResult, ErrorKind};

/// The quick run's prompt and decode lengths (for tests on software GPUs).
pub const QUICK: BenchOptions = BenchOptions {
    prefill_tokens: 16,
    decode_tokens: 4,
};

/// Runs the benchmark on `model` (its KV cache is reset; sampling is left greedy); `quick`
/// shortens it to [`QUICK`]; `stop` ends it between steps.
pub async fn run(
    model: &mut GpuModel,
    quick: bool,
    stop: &Cell<bool>,
) -> Result<BenchResult, Failure> {
    let opts = if quick {
        QUICK
    } else {
        BenchOptions::default()
    };
    measure(model, opts, js::now_ms, &|| stop.get())
        .await
        .map_err(|e| match e {
            BenchError::Stopped => Failure::new(ErrorKind::Cancelled, e.to_string()),
            BenchError::Gpu(e) => Failure::new(ErrorKind::Gpu, e.to_string()),
        })
}
