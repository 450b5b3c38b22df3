//! "Benchmark this device" in the browser: the fixed benchmark of `gpu::bench` (a 128-token
//! prefill, 32 greedy decode steps one at a time and again pipelined, and the device's own read
//! bandwidth from the same plain read kernel, before and after), run on the already-loaded model
//! with browser timers. `gpu::bench` itself times with `std::time::Instant` and blocking device
//! polls, which do not exist in the browser; the settings and formulas here are the same, so the
//! two report comparable numbers.

use std::cell::Cell;

use super::engine::Failure;
use super::js;
use crate::gpu::{kernel, GpuContext, GpuError, GpuModel};
use crate::ops::readbw;
use crate::ops::sample::SampleParams;
use crate::protocol::{BenchResult, ErrorKind};

/// Prompt tokens of the prefill measurement (as `gpu::bench::BenchOptions::default()`).
pub const PREFILL_TOKENS: u32 = 128;
/// Decoded tokens (as `gpu::bench::BenchOptions::default()`).
pub const DECODE_TOKENS: u32 = 32;
/// The quick run's prompt and decode lengths (for tests on software GPUs).
pub const QUICK: (u32, u32) = (16, 4);

fn gpu(e: impl std::fmt::Display) -> Failure {
    Failure::new(ErrorKind::Gpu, e.to_string())
}

/// Resolves when the GPU has finished the work submitted so far.
async fn idle(ctx: &GpuContext) -> Result<(), GpuError> {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    ctx.queue.on_submitted_work_done(move || {
        let _ = tx.send(());
    });
    rx.await
        .map_err(|_| GpuError::DeviceLost("the GPU never finished".into()))?;
    ctx.check()
}

/// The device's read bandwidth in GB/s: the best of three timed passes of each access pattern
/// ([`readbw::patterns`]) over a buffer of up to 256 MiB, each after one warm-up.
async fn read_gb_s(ctx: &GpuContext) -> Result<f64, GpuError> {
    let probe = readbw::Probe::new(ctx).await?;
    let mut best = f64::MAX;
    for kind in probe.sources() {
        // One 256 MiB source at a time beside the model; freed before the next is made.
        let bound = probe.bind(ctx, kind)?;
        for (_, d) in &bound.dispatches {
            for i in 0..4 {
                let t = js::now_ms();
                kernel::run(ctx, &[d])?;
                idle(ctx).await?;
                let ms = js::now_ms() - t;
                if i > 0 {
                    best = best.min(ms);
                }
            }
        }
    }
    Ok(probe.bytes as f64 / (best.max(0.001) / 1000.0) / 1e9)
}

/// Runs the benchmark on `model` (its KV cache is reset; sampling is left greedy); `quick`
/// shortens it to [`QUICK`].
pub async fn run(
    model: &mut GpuModel,
    quick: bool,
    stop: &Cell<bool>,
) -> Result<BenchResult, Failure> {
    let (prefill_tokens, decode_tokens) = if quick {
        QUICK
    } else {
        (PREFILL_TOKENS, DECODE_TOKENS)
    };
    let read = read_gb_s(model.context()).await.map_err(gpu)?;
    let a = model.context().adapter();
    let adapter = format!("{} ({})", a.name, a.backend);
    model.set_sampling(SampleParams::GREEDY).map_err(gpu)?;
    let n_vocab = model.config().n_vocab as u32;
    // A fixed, valid prompt: BOS then ordinary ids (as gpu::bench).
    let prompt: Vec<u32> = (0..prefill_tokens)
        .map(|i| {
            if i == 0 {
                2
            } else {
                1000 + (i * 7919) % n_vocab.saturating_sub(1000).max(1)
            }
        })
        .collect();
    // Warm-up.
    model.reset();
    model.prefill(&prompt[..8], 0.0).await.map_err(gpu)?;
    model.decode(None, 0.0).await.map_err(gpu)?;
    model.reset();

    let t = js::now_ms();
    model.prefill(&prompt, 0.0).await.map_err(gpu)?;
    let prefill_ms = js::now_ms() - t;

    let t = js::now_ms();
    for _ in 0..decode_tokens {
        model.decode(None, 0.0).await.map_err(gpu)?;
        if stop.get() {
            return Err(Failure::new(
                ErrorKind::Cancelled,
                "the benchmark was stopped",
            ));
        }
    }
    let decode_ms = js::now_ms() - t;

    // Pipelined: two steps in flight, as the demo generates.
    model.reset();
    model.prefill(&prompt, 0.0).await.map_err(gpu)?;
    let t = js::now_ms();
    let mut pending = model.submit_decode(None, 0.0).map_err(gpu)?;
    for _ in 1..decode_tokens {
        let next = model.submit_decode(None, 0.0).map_err(gpu)?;
        model.read_pending(pending).await.map_err(gpu)?;
        pending = next;
        if stop.get() {
            model.reset();
            return Err(Failure::new(
                ErrorKind::Cancelled,
                "the benchmark was stopped",
            ));
        }
    }
    model.read_pending(pending).await.map_err(gpu)?;
    let pipelined_ms = js::now_ms() - t;
    model.reset();
    // The read bandwidth again after the model's runs, the better figure kept (as gpu::bench).
    let read = read.max(read_gb_s(model.context()).await.map_err(gpu)?);
    let decode_tok_s = f64::from(decode_tokens) * 1000.0 / decode_ms.max(0.001);
    let wb = model.weight_bytes_per_token();
    Ok(BenchResult {
        adapter,
        decode_tok_s,
        decode_tok_s_pipelined: f64::from(decode_tokens) * 1000.0 / pipelined_ms.max(0.001),
        prefill_tok_s: f64::from(prefill_tokens) * 1000.0 / prefill_ms.max(0.001),
        prefill_tokens,
        decode_tokens,
        weight_bytes_per_token: wb,
        device_read_gb_s: read,
        decode_efficiency: decode_tok_s * wb as f64 / (read * 1e9),
    })
}
