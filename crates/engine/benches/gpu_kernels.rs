//! Per-kernel GPU throughput: each quantized mat-vec at Gemma-3-270M shapes against a plain
//! read kernel on the same adapter. `cargo bench -p atlas-engine --bench gpu_kernels`.

use atlas_engine::gpu::bench::best_time;
use atlas_engine::gpu::{buffers, GpuContext, GpuError, GpuWeights};
use atlas_engine::ops::matvec::{self, MatVecLayout};
use atlas_engine::quant::GgmlType;

async fn bench() -> Result<(), GpuError> {
    let ctx = GpuContext::new().await?;
    println!("adapter: {:?}", ctx.adapter());
    let read = atlas_engine::gpu::bench::device_read_gb_s(&ctx).await?;
    println!("plain read kernel: {read:.2} GB/s");
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let cases = [
        ("lm_head", GgmlType::Q8_0, 65_536u32, 640u32),
        ("ffn_gate", GgmlType::Q5_0, 2048, 640),
        ("ffn_down", GgmlType::Q6_K, 640, 2048),
        ("ffn_down", GgmlType::Q4_K, 640, 2048),
        ("attn_q", GgmlType::Q8_0, 1024, 640),
        ("q8_4k", GgmlType::Q8_0, 4096, 640),
        ("f16", GgmlType::F16, 2048, 640),
        ("f32", GgmlType::F32, 2048, 640),
        ("q4_0", GgmlType::Q4_0, 2048, 640),
        ("q5_k", GgmlType::Q5_K, 640, 2048),
    ];
    for (name, ty, rows, cols) in cases {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let bytes = vec![0x11u8; GpuWeights::row_bytes(ty, cols) as usize * rows as usize];
        // The kernel decode uses: `x` as the adapter wants it (a uniform array on CPU adapters).
        let x_input = matvec::XInput::for_adapter(&ctx, cols);
        let k = matvec::decode_kernel(&ctx, ty, false, x_input).await?;
        let step = buffers::uniform(&ctx, "step", &[0, 1, 0, 0]);
        let x = buffers::storage_f32(&ctx, "x", &vec![0.5; cols.div_ceil(4) as usize * 4])?;
        let y = buffers::storage_zeroed(&ctx, "y", u64::from(rows) * 4)?;
        // Distinct copies, so one submission reads at least ~64 MB from memory, not from cache.
        let one = GpuWeights::row_bytes(ty, cols) * u64::from(rows);
        let reps = (64u64 << 20).div_ceil(one).max(1) as usize;
        let mut dispatches = Vec::new();
        for _ in 0..reps {
            let w = GpuWeights::upload(&ctx, name, ty, rows, cols, &bytes)?;
            dispatches.extend(matvec::bind(
                &ctx,
                &k,
                &w,
                &step,
                &x,
                &y,
                MatVecLayout::single(cols, rows),
            )?);
        }
        let list: Vec<&atlas_engine::gpu::Dispatch> = dispatches.iter().collect();
        let t = best_time(&ctx, &list, 3)?;
        let gbs = (one * reps as u64) as f64 / t / 1e9;
        println!(
            "{name:9} {ty:?} {rows}x{cols}: {:.3} ms/matvec, {gbs:.2} GB/s ({:.0}% of plain read)",
            t * 1e3 / reps as f64,
            100.0 * gbs / read
        );
    }
    Ok(())
}

fn main() {
    if let Err(e) = pollster::block_on(bench()) {
        eprintln!("gpu_kernels bench: {e}");
        std::process::exit(1);
    }
}
