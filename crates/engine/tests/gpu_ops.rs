//! GPU ops against their CPU references, on odd sizes with a seeded RNG.
#![cfg(feature = "gpu")]

mod gpu_common;

use atlas_engine::gpu::{buffers, kernel, readback, GpuContext, GpuWeights};
use atlas_engine::ops::matvec::{self, MatVecLayout};
use atlas_engine::quant::GgmlType;
use gpu_common::{assert_close, context, random_weights, Rng};

fn block(f: impl std::future::Future<Output = Result<(), atlas_engine::gpu::GpuError>>) {
    if let Err(e) = pollster::block_on(f) {
        panic!("GPU error: {e}");
    }
}

/// |W| |x|: the scale of each mat-vec output, for a relative tolerance.
fn abs_scale(ty: GgmlType, w: &[u8], rows: usize, cols: usize, x: &[f32], n: usize) -> Vec<f32> {
    let mut deq = vec![0f32; rows * cols];
    atlas_engine::quant::dequantize(ty, w, &mut deq).expect("dequantize");
    let mut out = vec![0f32; rows * n];
    for t in 0..n {
        for r in 0..rows {
            out[t * rows + r] = (0..cols)
                .map(|k| (deq[r * cols + k] * x[t * cols + k]).abs())
                .sum();
        }
    }
    out
}

async fn check_matvec(
    ctx: &GpuContext,
    ty: GgmlType,
    rows: usize,
    cols: usize,
    n_tok: usize,
    chunk_rows: Option<usize>,
    seed: u64,
) -> Result<(), atlas_engine::gpu::GpuError> {
    let mut rng = Rng::new(seed);
    let w = random_weights(&mut rng, ty, rows, cols);
    let x = rng.vec(n_tok * cols);
    let cap = match chunk_rows {
        Some(r) => (GpuWeights::row_bytes(ty, cols as u32) * r as u64) + 64,
        None => u64::MAX,
    };
    let weights = GpuWeights::upload_chunked(ctx, "w", ty, rows as u32, cols as u32, &w, cap)?;
    if let Some(r) = chunk_rows {
        assert_eq!(
            weights.chunks.len(),
            rows.div_ceil(r),
            "{ty:?}: chunk count"
        );
    }
    let ncols = if n_tok == 1 { 1 } else { matvec::PREFILL_COLS };
    let k = matvec::kernel(ctx, ty, ncols).await?;
    let step = buffers::uniform(ctx, "step", &[0, n_tok as u32, 0, 0]);
    let xb = buffers::storage_f32(ctx, "x", &x)?;
    // Pre-fill y with ones and accumulate, to check the fused residual add too.
    let y_init = vec![1f32; rows * n_tok];
    let yb = buffers::storage_f32(ctx, "y", &y_init)?;
    let layout = MatVecLayout {
        n_tok: 0,
        ncols,
        max_tok: n_tok as u32,
        x_stride: cols as u32,
        y_stride: rows as u32,
        y_offset: 0,
        y_pos_stride: 0,
        accumulate: true,
    };
    let dispatches = matvec::bind(ctx, &k, &weights, &step, &xb, &yb, layout)?;
    kernel::run(ctx, &dispatches.iter().collect::<Vec<_>>())?;
    let got = readback::read_f32(ctx, &yb, 0, rows * n_tok).await?;
    let want: Vec<f32> = matvec::reference(ty, &w, rows, cols, &x, n_tok)?
        .into_iter()
        .map(|v| v + 1.0)
        .collect();
    let scale = abs_scale(ty, &w, rows, cols, &x, n_tok);
    assert_close(
        &format!("matvec {ty:?} {rows}x{cols} n_tok {n_tok}"),
        &got,
        &want,
        &scale,
        1e-5,
        1e-4,
    );
    Ok(())
}

const LEGACY: [GgmlType; 5] = [
    GgmlType::F32,
    GgmlType::F16,
    GgmlType::Q4_0,
    GgmlType::Q5_0,
    GgmlType::Q8_0,
];
const K_QUANTS: [GgmlType; 3] = [GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K];

#[test]
fn gpu_matvec_all_types_odd_sizes() {
    let Some(ctx) = context("gpu_matvec_all_types_odd_sizes") else {
        return;
    };
    block(async {
        for (i, ty) in LEGACY.into_iter().enumerate() {
            check_matvec(&ctx, ty, 37, 160, 1, None, 10 + i as u64).await?;
            check_matvec(&ctx, ty, 5, 32 * 21, 1, None, 20 + i as u64).await?;
        }
        for (i, ty) in K_QUANTS.into_iter().enumerate() {
            check_matvec(&ctx, ty, 37, 512, 1, None, 30 + i as u64).await?;
            check_matvec(&ctx, ty, 3, 256 * 3, 1, None, 40 + i as u64).await?;
        }
        Ok(())
    });
}

#[test]
fn gpu_matmul_batched_prefill() {
    let Some(ctx) = context("gpu_matmul_batched_prefill") else {
        return;
    };
    block(async {
        for (i, ty) in LEGACY.into_iter().chain(K_QUANTS).enumerate() {
            let cols = if ty.block_size() == 256 { 256 } else { 96 };
            check_matvec(&ctx, ty, 19, cols, 11, None, 50 + i as u64).await?;
        }
        Ok(())
    });
}

#[test]
fn gpu_matvec_row_chunks() {
    let Some(ctx) = context("gpu_matvec_row_chunks") else {
        return;
    };
    block(async {
        check_matvec(&ctx, GgmlType::Q8_0, 41, 64, 1, Some(6), 60).await?;
        check_matvec(&ctx, GgmlType::Q6_K, 23, 256, 3, Some(5), 61).await?;
        Ok(())
    });
}
