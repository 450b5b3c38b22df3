//! Decode/prefill benchmark of the GPU runner, with the device's own read bandwidth measured in
//! the same run so the result says what fraction of the hardware decode reaches.

use std::time::Instant;

use super::{kernel, GpuContext, GpuError, GpuModel, GpuModelError, GpuModelOptions};
use crate::gguf::{GgufFile, Source};
use crate::ops::readbw;

/// What [`run`] measured. Serialises to the JSON the CLI prints.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchReport {
    /// Adapter name and backend.
    pub adapter: String,
    /// Decoded tokens per second (one submission and a 4-byte readback per token).
    pub decode_tok_s: f64,
    /// Decoded tokens per second with two steps in flight (the next step is submitted before
    /// the previous id is read back).
    pub decode_tok_s_pipelined: f64,
    /// Prompt tokens per second for a prompt of `prefill_tokens` tokens.
    pub prefill_tok_s: f64,
    /// Prompt length used for `prefill_tok_s`.
    pub prefill_tokens: u32,
    /// Tokens decoded for `decode_tok_s`.
    pub decode_tokens: u32,
    /// Weight bytes one decoded token reads.
    pub weight_bytes_per_token: u64,
    /// A plain read kernel's bandwidth on the same adapter, in GB/s (1e9 bytes): the best of
    /// its runs before and after the model's.
    pub device_read_gb_s: f64,
    /// `decode_tok_s * weight_bytes_per_token / (device_read_gb_s * 1e9)`.
    pub decode_efficiency: f64,
    /// Compute dispatches per decoded token.
    pub dispatches_per_token: usize,
}

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

/// Measures the device's read bandwidth (GB/s) with a plain read kernel over up to 256 MiB
/// (within the binding limit): the best of several runs of each access pattern the device runs
/// ([`readbw::patterns`]), one source (buffer, then texture) allocated at a time.
pub async fn device_read_gb_s(ctx: &GpuContext) -> Result<f64, GpuError> {
    let probe = readbw::Probe::new(ctx).await?;
    let mut best = f64::MAX;
    for kind in probe.sources() {
        let bound = probe.bind(ctx, kind)?;
        for (_, d) in &bound.dispatches {
            best = best.min(best_time(ctx, &[d], 3)?);
        }
    }
    Ok(probe.bytes as f64 / best / 1e9)
}

/// The fastest of `runs` timed submissions of `dispatches` (one command buffer each, waited
/// for), in seconds, after one untimed warm-up submission.
pub fn best_time(
    ctx: &GpuContext,
    dispatches: &[&kernel::Dispatch],
    runs: u32,
) -> Result<f64, GpuError> {
    kernel::run(ctx, dispatches)?;
    wait_idle(ctx)?;
    let mut best = f64::MAX;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        kernel::run(ctx, dispatches)?;
        wait_idle(ctx)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
}

fn wait_idle(ctx: &GpuContext) -> Result<(), GpuError> {
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::DeviceLost(e.to_string()))?;
    ctx.check()
}

/// Loads the model on `ctx` and measures decode and prefill speed, the device's read bandwidth
/// and decode's share of it. Greedy sampling; token ids are fixed so runs are comparable.
pub async fn run<S: Source + ?Sized>(
    ctx: GpuContext,
    f: &GgufFile,
    src: &S,
    opts: BenchOptions,
) -> Result<BenchReport, GpuModelError> {
    // The read bandwidth is measured before and after the model runs and the better figure
    // kept: a probe that happens to run while the machine is busy would otherwise flatter the
    // efficiency (on a shared 2-core machine single probes vary by a fifth).
    let read_before = device_read_gb_s(&ctx).await?;
    let adapter = format!("{} ({})", ctx.adapter().name, ctx.adapter().backend);
    let prefill_tokens = opts.prefill_tokens.max(1);
    let decode_tokens = opts.decode_tokens.max(1);
    let model_opts = GpuModelOptions {
        max_context: prefill_tokens + decode_tokens + 8,
        prefill_chunk: prefill_tokens.min(128),
        ..GpuModelOptions::default()
    };
    let mut model = GpuModel::load(ctx, f, src, model_opts).await?;
    let n_vocab = model.config().n_vocab as u32;
    // A fixed, valid prompt: BOS then ordinary ids.
    let prompt: Vec<u32> = (0..prefill_tokens)
        .map(|i| {
            if i == 0 {
                2
            } else {
                1000 + (i * 7919) % (n_vocab - 1000).max(1)
            }
        })
        .collect();
    // Warm-up (pipelines, first-touch allocation).
    model.prefill(&prompt[..prompt.len().min(8)], 0.0).await?;
    model.decode(None, 0.0).await?;
    model.reset();

    let start = Instant::now();
    model.prefill(&prompt, 0.0).await?;
    let prefill_s = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..decode_tokens {
        model.decode(None, 0.0).await?;
    }
    let decode_s = start.elapsed().as_secs_f64();

    let decode_tok_s = f64::from(decode_tokens) / decode_s;

    model.reset();
    model.prefill(&prompt, 0.0).await?;
    let start = Instant::now();
    let mut pending = model.submit_decode(None, 0.0)?;
    for _ in 1..decode_tokens {
        let next = model.submit_decode(None, 0.0)?;
        model.read_pending(pending).await?;
        pending = next;
    }
    model.read_pending(pending).await?;
    let pipelined_s = start.elapsed().as_secs_f64();
    let wb = model.weight_bytes_per_token();
    let read_gb_s = read_before.max(device_read_gb_s(model.context()).await?);
    Ok(BenchReport {
        adapter,
        decode_tok_s,
        decode_tok_s_pipelined: f64::from(decode_tokens) / pipelined_s,
        prefill_tok_s: f64::from(prefill_tokens) / prefill_s,
        prefill_tokens,
        decode_tokens,
        weight_bytes_per_token: wb,
        device_read_gb_s: read_gb_s,
        decode_efficiency: decode_tok_s * wb as f64 / (read_gb_s * 1e9),
        dispatches_per_token: model.dispatches_per_token(),
    })
}

/// [`run`] on the best adapter, blocking (for the CLI).
pub fn run_blocking<S: Source + ?Sized>(
    f: &GgufFile,
    src: &S,
    opts: BenchOptions,
) -> Result<BenchReport, GpuModelError> {
    pollster::block_on(async {
        let ctx = GpuContext::new().await?;
        run(ctx, f, src, opts).await
    })
}
