//! The fixed decode/prefill benchmark of the GPU runner, with the device's own read bandwidth
//! measured in the same run so the result says what fraction of the hardware decode reaches.
//!
//! One procedure ([`measure`]) serves both callers: `atlas-run bench` natively ([`run`]) and
//! "Benchmark this device" in the browser's worker. They differ only in their clock (passed in)
//! and in how they wait for the GPU ([`idle`]), so the two report comparable numbers.

use super::{kernel, GpuContext, GpuError, GpuModel, GpuModelError};
use crate::ops::readbw;
use crate::ops::sample::SampleParams;
use crate::protocol::BenchResult;

/// Benchmark settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchOptions {
    /// Prompt length for the prefill measurement.
    pub prefill_tokens: u32,
    /// Tokens to decode.
    pub decode_tokens: u32,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            prefill_tokens: 128,
            decode_tokens: 32,
        }
    }
}

/// Why [`measure`] gave no result.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The GPU or the model failed.
    #[error(transparent)]
    Gpu(#[from] GpuModelError),
    /// The caller's `stopped` said so between steps.
    #[error("the benchmark was stopped")]
    Stopped,
}

impl From<GpuError> for BenchError {
    fn from(e: GpuError) -> Self {
        BenchError::Gpu(e.into())
    }
}

/// Resolves when the GPU has finished the work submitted so far.
pub async fn idle(ctx: &GpuContext) -> Result<(), GpuError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        ctx.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::DeviceLost(e.to_string()))?;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        ctx.queue.on_submitted_work_done(move || {
            let _ = tx.send(());
        });
        rx.await
            .map_err(|_| GpuError::DeviceLost("the GPU never finished".into()))?;
    }
    ctx.check()
}

/// The device's read bandwidth (GB/s) from a plain read kernel over up to 256 MiB (within the
/// binding limit): the best of three timed runs, after one warm-up, of each access pattern the
/// device runs ([`readbw::patterns`]), one source (buffer, then texture) allocated at a time
/// (each 256 MiB source beside a loaded model is freed before the next is made).
pub async fn read_gb_s(ctx: &GpuContext, now_ms: fn() -> f64) -> Result<f64, GpuError> {
    let probe = readbw::Probe::new(ctx).await?;
    let mut best_ms = f64::MAX;
    for kind in probe.sources() {
        let bound = probe.bind(ctx, kind)?;
        for (_, d) in &bound.dispatches {
            for run in 0..4 {
                let t = now_ms();
                kernel::run(ctx, &[d])?;
                idle(ctx).await?;
                if run > 0 {
                    best_ms = best_ms.min(now_ms() - t);
                }
            }
        }
    }
    Ok(probe.bytes as f64 / (best_ms.max(1e-3) / 1e3) / 1e9)
}

/// A fixed, valid prompt of `n` tokens: BOS then ordinary ids, the same on every run.
fn prompt(n: u32, n_vocab: u32) -> Vec<u32> {
    (0..n)
        .map(|i| {
            if i == 0 {
                2
            } else {
                1000 + (i * 7919) % n_vocab.saturating_sub(1000).max(1)
            }
        })
        .collect()
}

/// Runs the benchmark on `model` (its KV cache is reset and its sampling set to greedy): the
/// read bandwidth, a warm-up, the prefill of `opts.prefill_tokens`, `opts.decode_tokens`
/// decode steps one at a time and again pipelined (the next step submitted before the previous
/// id is read, as the demo generates), and the read bandwidth again; the better of the two
/// read figures is kept (a probe that happens to run while the machine is busy would otherwise
/// flatter the efficiency: on a shared 2-core machine single probes vary by a fifth).
/// `now_ms` is the caller's clock; `stopped` is asked between steps.
pub async fn measure(
    model: &mut GpuModel,
    opts: BenchOptions,
    now_ms: fn() -> f64,
    stopped: &dyn Fn() -> bool,
) -> Result<BenchResult, BenchError> {
    let prefill_tokens = opts.prefill_tokens.max(1);
    let decode_tokens = opts.decode_tokens.max(1);
    let check = || {
        if stopped() {
            Err(BenchError::Stopped)
        } else {
            Ok(())
        }
    };
    let read_before = read_gb_s(model.context(), now_ms).await?;
    check()?;
    let a = model.context().adapter();
    let adapter = format!("{} ({})", a.name, a.backend);
    model.set_sampling(SampleParams::GREEDY)?;
    let prompt = prompt(prefill_tokens, model.config().n_vocab as u32);

    // Warm-up (pipelines, first-touch allocation).
    model.reset();
    model.prefill(&prompt[..prompt.len().min(8)], 0.0).await?;
    model.decode(None, 0.0).await?;
    model.reset();

    let t = now_ms();
    model.prefill(&prompt, 0.0).await?;
    let prefill_ms = now_ms() - t;
    check()?;

    let t = now_ms();
    for _ in 0..decode_tokens {
        model.decode(None, 0.0).await?;
        check()?;
    }
    let decode_ms = now_ms() - t;

    model.reset();
    model.prefill(&prompt, 0.0).await?;
    let t = now_ms();
    let mut pending = model.submit_decode(None, 0.0)?;
    for _ in 1..decode_tokens {
        let next = model.submit_decode(None, 0.0)?;
        model.read_pending(pending).await?;
        pending = next;
        if stopped() {
            model.read_pending(pending).await?;
            model.reset();
            return Err(BenchError::Stopped);
        }
    }
    model.read_pending(pending).await?;
    let pipelined_ms = now_ms() - t;
    model.reset();

    let read = read_before.max(read_gb_s(model.context(), now_ms).await?);
    let per_s = |n: u32, ms: f64| f64::from(n) * 1e3 / ms.max(1e-3);
    let decode_tok_s = per_s(decode_tokens, decode_ms);
    let wb = model.weight_bytes_per_token();
    Ok(BenchResult {
        adapter,
        decode_tok_s,
        decode_tok_s_pipelined: per_s(decode_tokens, pipelined_ms),
        prefill_tok_s: per_s(prefill_tokens, prefill_ms),
        prefill_tokens,
        decode_tokens,
        weight_bytes_per_token: wb,
        device_read_gb_s: read,
        decode_efficiency: 0.0, // set by against_read
        dispatches_per_token: model.dispatches_per_token(),
        kernels: model.context().tuning().name().to_string(),
    }
    .against_read(read))
}

impl BenchResult {
    /// This result against the read bandwidth `gb_s` if that is the better figure:
    /// `decode_efficiency = decode_tok_s * weight_bytes_per_token / (device_read_gb_s * 1e9)`.
    pub fn against_read(mut self, gb_s: f64) -> Self {
        self.device_read_gb_s = self.device_read_gb_s.max(gb_s);
        self.decode_efficiency =
            self.decode_tok_s * self.weight_bytes_per_token as f64 / (self.device_read_gb_s * 1e9);
        self
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

/// Native helpers: the CLI's entry points and the timing the benches use.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{idle, measure, read_gb_s, BenchError, BenchOptions};
    use crate::gguf::{GgufFile, Source};
    use crate::gpu::{kernel, GpuContext, GpuError, GpuModel, GpuModelOptions};
    use crate::protocol::BenchResult;
    use std::sync::OnceLock;
    use std::time::Instant;

    /// Milliseconds since the first call (a monotonic clock for [`measure`]).
    pub fn now_ms() -> f64 {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }

    /// [`read_gb_s`] with the native clock.
    pub async fn device_read_gb_s(ctx: &GpuContext) -> Result<f64, GpuError> {
        read_gb_s(ctx, now_ms).await
    }

    /// Loads the model on `ctx` (with room for the benchmark's context) and [`measure`]s it.
    pub async fn run<S: Source + ?Sized>(
        ctx: GpuContext,
        f: &GgufFile,
        src: &S,
        opts: BenchOptions,
    ) -> Result<BenchResult, BenchError> {
        let model_opts = GpuModelOptions {
            max_context: opts.prefill_tokens.max(1) + opts.decode_tokens.max(1) + 8,
            prefill_chunk: opts.prefill_tokens.clamp(1, 128),
            ..GpuModelOptions::default()
        };
        // Natively the probe also runs before the model is loaded: with lavapipe it reads up
        // to a sixth faster then than beside the model's 250 MB, and the better figure is kept.
        let before = device_read_gb_s(&ctx).await?;
        let mut model = GpuModel::load(ctx, f, src, model_opts).await?;
        Ok(measure(&mut model, opts, now_ms, &|| false)
            .await?
            .against_read(before))
    }

    /// [`run`] on the best adapter, blocking (for the CLI).
    pub fn run_blocking<S: Source + ?Sized>(
        f: &GgufFile,
        src: &S,
        opts: BenchOptions,
    ) -> Result<BenchResult, BenchError> {
        pollster::block_on(async {
            let ctx = GpuContext::new().await?;
            run(ctx, f, src, opts).await
        })
    }

    /// The fastest of `runs` timed submissions of `dispatches` (one command buffer each, waited
    /// for), in seconds, after one untimed warm-up submission (for the per-kernel benches).
    pub fn best_time(
        ctx: &GpuContext,
        dispatches: &[&kernel::Dispatch],
        runs: u32,
    ) -> Result<f64, GpuError> {
        kernel::run(ctx, dispatches)?;
        pollster::block_on(idle(ctx))?;
        let mut best = f64::MAX;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            kernel::run(ctx, dispatches)?;
            pollster::block_on(idle(ctx))?;
            best = best.min(start.elapsed().as_secs_f64());
        }
        Ok(best)
    }
}
