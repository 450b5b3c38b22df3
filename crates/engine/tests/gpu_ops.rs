//! GPU ops against their CPU references, on odd sizes with a seeded RNG.
#![cfg(feature = "gpu")]

mod gpu_common;

use atlas_engine::gpu::{buffers, kernel, readback, Binding, GpuContext, GpuWeights, WeightStore};
use atlas_engine::ops::matvec::{self, MatVecLayout, XInput};
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
    // Both the GPU layout (4 rows x 16 lanes) and the CPU-rasterizer one (64 x 1), plus 2 x 32.
    for rows_per_wg in [4, 64, 2] {
        let k = matvec::kernel_with(ctx, ty, ncols, rows_per_wg).await?;
        run_matvec(ctx, &k, &weights, &w, &x, ty, rows, cols, n_tok, ncols).await?;
    }
    if n_tok == 1 {
        // x as a uniform array longer than this input (the runner sizes it for its longest).
        let x_input = XInput::Uniform {
            floats: cols as u32 + 36,
        };
        // 128: sixteen rows a thread (Q8_0 and Q5_0 on CPU adapters).
        let sixteen = matches!(ty, GgmlType::Q8_0 | GgmlType::Q5_0);
        for rows_per_wg in [64, 4].into_iter().chain(sixteen.then_some(128)) {
            let k = matvec::decode_kernel_with(ctx, ty, false, rows_per_wg, x_input).await?;
            run_matvec(ctx, &k, &weights, &w, &x, ty, rows, cols, n_tok, ncols).await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn run_matvec(
    ctx: &GpuContext,
    k: &atlas_engine::gpu::Kernel,
    weights: &GpuWeights,
    w: &[u8],
    x: &[f32],
    ty: GgmlType,
    rows: usize,
    cols: usize,
    n_tok: usize,
    ncols: u32,
) -> Result<(), atlas_engine::gpu::GpuError> {
    let rows_per_wg = k.constant("ROWS_PER_WG").unwrap_or(0.0);
    let step = buffers::uniform(ctx, "step", &[0, n_tok as u32, 0, 0]);
    // A buffer at least as long as a uniform x binding reads.
    let x_len = match k.binding(3) {
        Some(Binding::UniformPrefix(bytes)) => x.len().max(bytes as usize / 4),
        _ => x.len(),
    };
    let mut padded = x.to_vec();
    padded.resize(x_len, 0.0);
    let xb = buffers::storage_f32(ctx, "x", &padded)?;
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
    let dispatches = matvec::bind(ctx, k, weights, &step, &xb, &yb, layout)?;
    kernel::run(ctx, &dispatches.iter().collect::<Vec<_>>())?;
    let got = readback::read_f32(ctx, &yb, 0, rows * n_tok).await?;
    let want: Vec<f32> = matvec::reference(ty, w, rows, cols, x, n_tok)?
        .into_iter()
        .map(|v| v + 1.0)
        .collect();
    let scale = abs_scale(ty, w, rows, cols, x, n_tok);
    assert_close(
        &format!(
            "matvec {ty:?} {rows}x{cols} n_tok {n_tok} rows/wg {rows_per_wg} weights in {:?}",
            ctx.weight_store()
        ),
        &got,
        &want,
        &scale,
        1e-5,
        1e-4,
    );
    Ok(())
}

/// Both weight stores, so every mat-vec test runs on buffers and on textures whichever the
/// adapter would choose.
const STORES: [WeightStore; 2] = [WeightStore::Buffer, WeightStore::Texture];

/// Runs `check` on the GPU once with each weight store (storage buffers, then textures).
fn on_every_store(test: &str, check: impl Fn(&GpuContext)) {
    let Some(mut ctx) = context(test) else {
        return;
    };
    for store in STORES {
        ctx.set_weight_store(store);
        check(&ctx);
    }
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
    on_every_store("gpu_matvec_all_types_odd_sizes", matvec_all_types);
}

fn matvec_all_types(ctx: &GpuContext) {
    block(async {
        for (i, ty) in LEGACY.into_iter().enumerate() {
            check_matvec(ctx, ty, 37, 160, 1, None, 10 + i as u64).await?;
            check_matvec(ctx, ty, 5, 32 * 21, 1, None, 20 + i as u64).await?;
        }
        for (i, ty) in K_QUANTS.into_iter().enumerate() {
            check_matvec(ctx, ty, 37, 512, 1, None, 30 + i as u64).await?;
            check_matvec(ctx, ty, 3, 256 * 3, 1, None, 40 + i as u64).await?;
        }
        // More rows than one CPU-layout workgroup covers (64, or 128 with sixteen rows a
        // thread), the last one partial.
        for (i, ty) in [GgmlType::Q8_0, GgmlType::Q5_0, GgmlType::Q4_K]
            .into_iter()
            .enumerate()
        {
            let cols = if ty.block_size() == 256 { 256 } else { 64 };
            check_matvec(ctx, ty, 301, cols, 1, None, 45 + i as u64).await?;
        }
        Ok(())
    });
}

#[test]
fn gpu_matmul_batched_prefill() {
    on_every_store("gpu_matmul_batched_prefill", |ctx| {
        block(async {
            for (i, ty) in LEGACY.into_iter().chain(K_QUANTS).enumerate() {
                let cols = if ty.block_size() == 256 { 256 } else { 96 };
                // 21 tokens: a full group of PREFILL_COLS (16) and a partial one.
                check_matvec(ctx, ty, 19, cols, 21, None, 50 + i as u64).await?;
            }
            Ok(())
        })
    });
}

#[test]
fn gpu_matvec_row_chunks() {
    on_every_store("gpu_matvec_row_chunks", |ctx| {
        block(async {
            // Q8_0 and Q6_K chunks split between their device layout's eight-row groups: 8 rows
            // a chunk.
            check_matvec(ctx, GgmlType::Q8_0, 41, 64, 1, Some(8), 60).await?;
            check_matvec(ctx, GgmlType::Q6_K, 23, 256, 3, Some(8), 61).await?;
            Ok(())
        })
    });
}

use atlas_engine::ops::{attention, gelu, rmsnorm, rope, sample, Step};

fn step_buffer(ctx: &GpuContext, step: Step) -> wgpu::Buffer {
    let b = buffers::uniform(ctx, "step", &[0, 0, 0, 0]);
    ctx.queue.write_buffer(&b, 0, &step.bytes());
    b
}

/// The step uniform of `n_tok` tokens from position `pos0` (no sampling).
fn tokens_step(ctx: &GpuContext, pos0: u32, n_tok: u32) -> wgpu::Buffer {
    step_buffer(
        ctx,
        Step {
            pos0,
            n_tok,
            rand: 0.0,
            flags: 0,
        },
    )
}

#[test]
fn gpu_embedding_lookup_chunked() {
    on_every_store("gpu_embedding_lookup_chunked", embedding_lookup_chunked);
}

fn embedding_lookup_chunked(ctx: &GpuContext) {
    block(async {
        for (i, ty) in [
            GgmlType::Q8_0,
            GgmlType::Q6_K,
            GgmlType::Q5_0,
            GgmlType::F16,
        ]
        .into_iter()
        .enumerate()
        {
            let mut rng = Rng::new(70 + i as u64);
            let (rows, cols) = (53usize, if ty.block_size() == 256 { 256 } else { 96 });
            let w = random_weights(&mut rng, ty, rows, cols);
            // Room for two of Q8_0's eight-row groups a chunk: several chunks for 53 rows.
            let cap = GpuWeights::row_bytes(ty, cols as u32) * 17 + 64;
            let weights =
                GpuWeights::upload_chunked(ctx, "emb", ty, rows as u32, cols as u32, &w, cap)?;
            assert!(weights.chunks.len() > 1, "embedding should be chunked");
            let tokens = [52u32, 0, 7, 8, 31];
            let k = matvec::embed_kernel(ctx, ty).await?;
            let step = tokens_step(ctx, 0, 5);
            let tb = buffers::storage_u32(ctx, "tokens", &tokens)?;
            let yb = buffers::storage_zeroed(ctx, "y", (tokens.len() * cols * 4) as u64)?;
            let d = matvec::bind_embed(ctx, &k, &weights, &step, &tb, &yb, 0, 5, 1.5)?;
            kernel::run(ctx, &d.iter().collect::<Vec<_>>())?;
            let got = readback::read_f32(ctx, &yb, 0, tokens.len() * cols).await?;
            let want = matvec::embed_reference(ty, &w, cols, &tokens, 1.5)?;
            let scale = vec![1.0; want.len()];
            assert_close(
                &format!("embed {ty:?} weights in {:?}", ctx.weight_store()),
                &got,
                &want,
                &scale,
                1e-6,
                1e-6,
            );
        }
        Ok(())
    });
}

#[test]
fn gpu_rmsnorm_plain_and_fused() {
    let Some(ctx) = context("gpu_rmsnorm_plain_and_fused") else {
        return;
    };
    block(async {
        let mut rng = Rng::new(80);
        let (n, t) = (643usize, 3usize);
        let a: Vec<f32> = rng.vec(n * t).iter().map(|v| v * 30.0).collect();
        let res: Vec<f32> = rng.vec(n * t).iter().map(|v| v * 100.0).collect();
        let w1 = rng.vec(n);
        let w2 = rng.vec(n);
        let eps = 1e-6;
        // Every workgroup size the adapters use (GPUs 256, CPU adapters 8) and others.
        for wg in [256u32, 64, 8, 1] {
            let norm = rmsnorm::RmsNorm::with_workgroup(&ctx, wg).await?;
            let step = tokens_step(&ctx, 0, t as u32);
            let ab = buffers::storage_f32(&ctx, "a", &a)?;
            let w1b = buffers::storage_f32(&ctx, "w1", &w1)?;
            let w2b = buffers::storage_f32(&ctx, "w2", &w2)?;
            let rb = buffers::storage_f32(&ctx, "res", &res)?;
            let yb = buffers::storage_zeroed(&ctx, "y", (n * t * 4) as u64)?;
            let y2b = buffers::storage_zeroed(&ctx, "y2", (n * t * 4) as u64)?;
            let shape = rmsnorm::NormShape {
                n: n as u32,
                rows_per_tok: 1,
                n_tok: 0,
                max_tok: t as u32,
                eps,
            };
            let d1 = norm.bind_norm(&ctx, shape, &step, &ab, &w1b, &yb)?;
            let d2 = norm.bind_add_norm(&ctx, shape, &step, &ab, &w1b, &w2b, &rb, &y2b)?;
            kernel::run(&ctx, &[&d1, &d2])?;
            let ones = vec![1.0; n * t];
            let got = readback::read_f32(&ctx, &yb, 0, n * t).await?;
            assert_close(
                &format!("rmsnorm, {wg} threads"),
                &got,
                &rmsnorm::reference(&a, &w1, eps),
                &ones,
                1e-5,
                1e-5,
            );
            let (want_res, want_y) = rmsnorm::add_norm_reference(&a, &w1, &w2, &res, eps);
            let got_res = readback::read_f32(&ctx, &rb, 0, n * t).await?;
            let got_y = readback::read_f32(&ctx, &y2b, 0, n * t).await?;
            let scale: Vec<f32> = want_res.iter().map(|v| v.abs()).collect();
            assert_close(
                "add_rmsnorm residual",
                &got_res,
                &want_res,
                &scale,
                1e-5,
                1e-6,
            );
            assert_close("add_rmsnorm output", &got_y, &want_y, &ones, 1e-4, 1e-5);
        }
        assert!(rmsnorm::RmsNorm::with_workgroup(&ctx, 48).await.is_err());
        Ok(())
    });
}

#[test]
fn gpu_rope_neox_with_qk_norm_into_cache() {
    let Some(ctx) = context("gpu_rope_neox_with_qk_norm_into_cache") else {
        return;
    };
    block(async {
        let mut rng = Rng::new(90);
        let (hd, heads, t, pos0) = (66usize, 3usize, 2usize, 37u32);
        let src = rng.vec(t * heads * hd);
        let w = rng.vec(hd);
        let k = rope::kernel(&ctx).await?;
        let step = tokens_step(&ctx, pos0, t as u32);
        let sb = buffers::storage_f32(&ctx, "src", &src)?;
        let wb = buffers::storage_f32(&ctx, "w", &w)?;
        let cache_rows = 45usize;
        let db = buffers::storage_zeroed(&ctx, "cache", (cache_rows * heads * hd * 4) as u64)?;
        let shape = rope::RopeShape {
            head_dim: hd as u32,
            n_heads: heads as u32,
            src_stride: (heads * hd) as u32,
            dst_stride: (heads * hd) as u32,
            dst_base: 0,
            dst_by_pos: true,
            eps: Some(1e-6),
            n_tok: 0,
            max_tok: t as u32,
            theta_base: 10_000.0,
            freq_scale: 1.0,
            out_scale: 0.25,
        };
        let d = rope::bind(&ctx, &k, shape, &step, &wb, &sb, &db)?;
        kernel::run(&ctx, &[&d])?;
        let got = readback::read_f32(&ctx, &db, 0, cache_rows * heads * hd).await?;
        let mut want = vec![0f32; cache_rows * heads * hd];
        for ti in 0..t {
            for h in 0..heads {
                let mut x = src[(ti * heads + h) * hd..(ti * heads + h + 1) * hd].to_vec();
                rope::reference_head(
                    &mut x,
                    pos0 + ti as u32,
                    10_000.0,
                    1.0,
                    Some((&w, 1e-6)),
                    0.25,
                );
                let o = ((pos0 as usize + ti) * heads + h) * hd;
                want[o..o + hd].copy_from_slice(&x);
            }
        }
        let ones = vec![1.0; want.len()];
        // Vulkan allows sin/cos an absolute error of 2^-11: the tolerance is the API's, not ours.
        assert_close("rope", &got, &want, &ones, 1e-3, 0.0);
        Ok(())
    });
}

#[test]
fn gpu_attention_gqa_sliding_window() {
    let Some(ctx) = context("gpu_attention_gqa_sliding_window") else {
        return;
    };
    block(async {
        let k = attention::kernel(&ctx).await?;
        let cpu = [
            attention::cpu_kernel(&ctx, 1).await?,
            attention::cpu_kernel(&ctx, 2).await?,
        ];
        let split = attention::SplitAttention::new(&ctx).await?;
        // (A head of more than 256 dims takes the kernels' second word per thread.)
        for (seed, window, positions, t, head_dim, n_head) in [
            (100u64, 0u32, 300usize, 1usize, 72u32, 6u32),
            (101, 7, 21, 3, 72, 6),
            (102, 260, 530, 2, 72, 6),
            (103, 0, 40, 2, 264, 6),
            (104, 0, 600, 1, 256, 8),
            (105, 300, 700, 3, 264, 4),
        ] {
            let mut rng = Rng::new(seed);
            let s = attention::AttentionShape {
                head_dim,
                n_head,
                n_kv_head: 2,
                window,
                n_tok: 0,
                max_tok: t as u32,
            };
            let hd = s.head_dim as usize;
            let kv = s.n_kv_head as usize * hd;
            let qn = s.n_head as usize * hd;
            let kc: Vec<f32> = rng.vec(positions * kv).iter().map(|v| v * 2.0).collect();
            let vc = rng.vec(positions * kv);
            let q = rng.vec(t * qn);
            let pos0 = (positions - t) as u32;
            let step = tokens_step(&ctx, pos0, t as u32);
            let qb = buffers::storage_f32(&ctx, "q", &q)?;
            let kb = buffers::storage_f32(&ctx, "k", &kc)?;
            let vb = buffers::storage_f32(&ctx, "v", &vc)?;
            let ob = buffers::storage_zeroed(&ctx, "o", (t * qn * 4) as u64)?;
            let d = attention::bind(&ctx, &k, s, &step, &qb, &kb, &vb, &ob)?;
            kernel::run(&ctx, &[&d])?;
            let got = readback::read_f32(&ctx, &ob, 0, t * qn).await?;
            // The CPU-adapter kernel, one head and (for even KV groups) two heads a workgroup;
            // a pairing the groups do not allow is refused.
            let mut cpu_results = Vec::new();
            for (i, kc_) in cpu.iter().enumerate() {
                let hpw = i as u32 + 1;
                let ob3 = buffers::storage_zeroed(&ctx, "o3", (t * qn * 4) as u64)?;
                match attention::bind(&ctx, kc_, s, &step, &qb, &kb, &vb, &ob3) {
                    Ok(d) => {
                        kernel::run(&ctx, &[&d])?;
                        cpu_results.push((hpw, readback::read_f32(&ctx, &ob3, 0, t * qn).await?));
                    }
                    Err(e) => assert!(
                        !(s.n_head / s.n_kv_head).is_multiple_of(hpw),
                        "cpu attention, {hpw} heads: {e}"
                    ),
                }
            }
            assert_eq!(
                cpu_results.len(),
                if (s.n_head / s.n_kv_head).is_multiple_of(2) {
                    2
                } else {
                    1
                }
            );
            // The CPU decode kernel, q a uniform read in place: one token only.
            let mut decode_results = Vec::new();
            for hpw in [1u32, 2] {
                let kd = attention::cpu_decode_kernel(&ctx, hpw, qn as u32).await?;
                let ob4 = buffers::storage_zeroed(&ctx, "o4", (t * qn * 4) as u64)?;
                match attention::bind(&ctx, &kd, s, &step, &qb, &kb, &vb, &ob4) {
                    Ok(d) => {
                        kernel::run(&ctx, &[&d])?;
                        decode_results
                            .push((hpw, readback::read_f32(&ctx, &ob4, 0, t * qn).await?));
                    }
                    Err(e) => assert!(
                        t > 1 || !(s.n_head / s.n_kv_head).is_multiple_of(hpw),
                        "cpu decode attention, {hpw} heads: {e}"
                    ),
                }
            }
            assert_eq!(
                decode_results.len(),
                if t == 1 { cpu_results.len() } else { 0 }
            );
            // The split-K pair must give the same result, for split counts above and below
            // the number of visible keys.
            let mut split_results = Vec::new();
            for n_split in [1u32, 3, 16, 64] {
                let part = buffers::storage_zeroed(
                    &ctx,
                    "part",
                    attention::SplitAttention::scratch_len(s, n_split) * 4,
                )?;
                let ob2 = buffers::storage_zeroed(&ctx, "o2", (t * qn * 4) as u64)?;
                let [a, b] = split.bind(&ctx, s, n_split, &step, &qb, &kb, &vb, &part, &ob2)?;
                kernel::run(&ctx, &[&a, &b])?;
                split_results.push((n_split, readback::read_f32(&ctx, &ob2, 0, t * qn).await?));
            }
            let mut want = Vec::new();
            for ti in 0..t {
                want.extend(attention::reference(
                    s,
                    &q[ti * qn..(ti + 1) * qn],
                    &kc,
                    &vc,
                    pos0 as usize + ti,
                ));
            }
            let ones = vec![1.0; want.len()];
            assert_close(
                &format!("attention window {window}"),
                &got,
                &want,
                &ones,
                1e-4,
                0.0,
            );
            for (hpw, got3) in &cpu_results {
                assert_close(
                    &format!("cpu attention window {window}, {hpw} heads a workgroup"),
                    got3,
                    &want,
                    &ones,
                    1e-4,
                    0.0,
                );
            }
            for (hpw, got4) in &decode_results {
                assert_close(
                    &format!("cpu decode attention window {window}, {hpw} heads, uniform q"),
                    got4,
                    &want,
                    &ones,
                    1e-4,
                    0.0,
                );
            }
            for (n_split, got2) in &split_results {
                assert_close(
                    &format!("split attention window {window}, {n_split} splits"),
                    got2,
                    &want,
                    &ones,
                    1e-4,
                    0.0,
                );
            }
        }
        Ok(())
    });
}

#[test]
fn gpu_gelu_gate() {
    let Some(ctx) = context("gpu_gelu_gate") else {
        return;
    };
    block(async {
        let mut rng = Rng::new(110);
        let (n, t) = (1001usize, 3usize);
        let g: Vec<f32> = rng.vec(n * t).iter().map(|v| v * 8.0).collect();
        let u = rng.vec(n * t);
        let k = gelu::kernel(&ctx).await?;
        let step = tokens_step(&ctx, 0, t as u32);
        let gb = buffers::storage_f32(&ctx, "g", &g)?;
        let ub = buffers::storage_f32(&ctx, "u", &u)?;
        let ob = buffers::storage_zeroed(&ctx, "o", (n * t * 4) as u64)?;
        let d = gelu::bind(&ctx, &k, n as u32, 0, t as u32, &step, &gb, &ub, &ob)?;
        kernel::run(&ctx, &[&d])?;
        let got = readback::read_f32(&ctx, &ob, 0, n * t).await?;
        let ones = vec![1.0; n * t];
        assert_close("gelu", &got, &gelu::reference(&g, &u), &ones, 1e-5, 0.0);
        Ok(())
    });
}

#[test]
fn gpu_sampling_greedy_and_top_k_top_p() {
    let Some(ctx) = context("gpu_sampling_greedy_and_top_k_top_p") else {
        return;
    };
    block(async {
        // The workgroup sizes GPUs (256) and CPU adapters (8) use, and one between. (Below 8,
        // lavapipe 22.3 picks a wrong token for top-k 64 at rand 0.999; SwiftShader does not.)
        for wg in [256u32, 64, 8] {
            let sampler = sample::Sampler::with_workgroup(&ctx, wg).await?;
            check_sampling(&ctx, &sampler).await?;
        }
        assert!(sample::Sampler::with_workgroup(&ctx, 48).await.is_err());
        Ok(())
    });
}

async fn check_sampling(
    ctx: &GpuContext,
    sampler: &sample::Sampler,
) -> Result<(), atlas_engine::gpu::GpuError> {
    let mut rng = Rng::new(120);
    let n = 70_001usize;
    let mut logits: Vec<f32> = rng.vec(n).iter().map(|v| v * 4.0).collect();
    logits[n - 1] = 9.0; // the best is the last element of the last, partial slice
    logits[12_345] = 8.5;
    logits[40_000] = 8.5; // a tie: the smaller index ranks first
    let offset = 5usize;
    let mut padded = vec![100.0f32; offset];
    padded.extend(&logits);
    let lb = buffers::storage_f32(ctx, "logits", &padded)?;
    let tb = buffers::storage_u32(ctx, "tok", &[u32::MAX])?;
    let cases = [
        (sample::SampleParams::GREEDY, 0.3f32),
        (
            sample::SampleParams {
                temperature: 1.0,
                top_k: 40,
                top_p: 0.9,
            },
            0.0,
        ),
        (
            sample::SampleParams {
                temperature: 1.0,
                top_k: 40,
                top_p: 0.9,
            },
            0.7,
        ),
        (
            sample::SampleParams {
                temperature: 0.7,
                top_k: 64,
                top_p: 1.0,
            },
            0.999,
        ),
        (
            sample::SampleParams {
                temperature: 2.0,
                top_k: 5,
                top_p: 0.5,
            },
            0.45,
        ),
    ];
    for (i, (params, rand)) in cases.into_iter().enumerate() {
        let step = step_buffer(
            ctx,
            Step {
                pos0: 0,
                n_tok: 1,
                rand,
                flags: 0,
            },
        );
        let b = sampler.bind(ctx, params, n as u32, offset as u32, &step, &lb, &tb)?;
        kernel::run(ctx, &[&b.partial, &b.finalize])?;
        let got = readback::read_u32(ctx, &tb, 0, 1).await?[0];
        let want = sample::reference(&logits, params, rand).expect("non-empty");
        assert_eq!(got, want, "case {i}: {params:?} rand {rand}");
    }
    Ok(())
}

#[test]
fn gpu_fused_geglu_matvec_interleaved_chunks() {
    on_every_store(
        "gpu_fused_geglu_matvec_interleaved_chunks",
        geglu_interleaved_chunks,
    );
}

fn geglu_interleaved_chunks(ctx: &GpuContext) {
    block(async {
        for (i, ty) in [GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::Q8_0]
            .into_iter()
            .enumerate()
        {
            let mut rng = Rng::new(130 + i as u64);
            let (rows, cols) = (29usize, 256usize);
            let gate = random_weights(&mut rng, ty, rows, cols);
            let up = random_weights(&mut rng, ty, rows, cols);
            let cap = GpuWeights::row_bytes(ty, cols as u32) * 9 + 64; // odd: pairs must not split
            let w = GpuWeights::upload_interleaved(
                ctx,
                "gate+up",
                ty,
                rows as u32,
                cols as u32,
                &gate,
                &up,
                cap,
            )?;
            assert!(w.chunks.len() > 1 && w.chunks.iter().all(|c| c.rows % 2 == 0));
            for (n_tok, ncols) in [(1usize, 1u32), (5, matvec::PREFILL_COLS)] {
                let mut kernels = Vec::new();
                for rows_per_wg in [2, 4, 64] {
                    kernels.push(matvec::geglu_kernel_with(ctx, ty, ncols, rows_per_wg).await?);
                }
                if n_tok == 1 {
                    let x_input = XInput::Uniform {
                        floats: cols as u32,
                    };
                    let sixteen = (ty != GgmlType::Q4_K).then_some(128);
                    for rows_per_wg in [64, 2].into_iter().chain(sixteen) {
                        kernels.push(
                            matvec::decode_kernel_with(ctx, ty, true, rows_per_wg, x_input).await?,
                        );
                    }
                }
                for k in kernels {
                    let x = rng.vec(n_tok * cols);
                    let step = tokens_step(ctx, 0, n_tok as u32);
                    let xb = buffers::storage_f32(ctx, "x", &x)?;
                    let yb = buffers::storage_zeroed(ctx, "y", (rows * n_tok * 4) as u64)?;
                    let layout = MatVecLayout {
                        n_tok: 0,
                        ncols,
                        max_tok: n_tok as u32,
                        x_stride: cols as u32,
                        y_stride: rows as u32,
                        y_offset: 0,
                        y_pos_stride: 0,
                        accumulate: false,
                    };
                    let d = matvec::bind(ctx, &k, &w, &step, &xb, &yb, layout)?;
                    kernel::run(ctx, &d.iter().collect::<Vec<_>>())?;
                    let got = readback::read_f32(ctx, &yb, 0, rows * n_tok).await?;
                    let want = matvec::geglu_reference(ty, &gate, &up, rows, cols, &x, n_tok)?;
                    let scale: Vec<f32> = want.iter().map(|v| v.abs() + 1.0).collect();
                    assert_close(
                        &format!(
                            "geglu {ty:?} n_tok {n_tok} rows/wg {:?} x {:?} weights in {:?}",
                            k.constant("ROWS_PER_WG"),
                            k.binding(3),
                            ctx.weight_store()
                        ),
                        &got,
                        &want,
                        &scale,
                        1e-4,
                        1e-3,
                    );
                }
            }
        }
        Ok(())
    });
}

#[test]
fn gpu_fused_qk_norm_rope_into_q_and_cache() {
    let Some(ctx) = context("gpu_fused_qk_norm_rope_into_q_and_cache") else {
        return;
    };
    block(async {
        let mut rng = Rng::new(140);
        let (hd, nq, nk, t, pos0) = (34usize, 6usize, 2usize, 3usize, 11u32);
        let row = (nq + nk) * hd;
        let src = rng.vec(t * row);
        let (wq, wk) = (rng.vec(hd), rng.vec(hd));
        // The workgroup sizes GPUs (128) and CPU adapters (8) use, and others.
        for wg in [128u32, 32, 8, 1] {
            let k = rope::qk_kernel_with(&ctx, wg).await?;
            let step = tokens_step(&ctx, pos0, t as u32);
            let sb = buffers::storage_f32(&ctx, "src", &src)?;
            let wqb = buffers::storage_f32(&ctx, "wq", &wq)?;
            let wkb = buffers::storage_f32(&ctx, "wk", &wk)?;
            let qb = buffers::storage_zeroed(&ctx, "q", (t * nq * hd * 4) as u64)?;
            let cache_rows = 16usize;
            let kb = buffers::storage_zeroed(&ctx, "k cache", (cache_rows * nk * hd * 4) as u64)?;
            let shape = rope::QkRopeShape {
                head_dim: hd as u32,
                n_q_heads: nq as u32,
                n_k_heads: nk as u32,
                eps: 1e-6,
                n_tok: 0,
                max_tok: t as u32,
                theta_base: 1e6,
                freq_scale: 0.5,
                q_scale: 0.125,
            };
            let d = rope::bind_qk(&ctx, &k, shape, &step, &wqb, &wkb, &sb, &qb, &kb)?;
            kernel::run(&ctx, &[&d])?;
            let got_q = readback::read_f32(&ctx, &qb, 0, t * nq * hd).await?;
            let got_k = readback::read_f32(&ctx, &kb, 0, cache_rows * nk * hd).await?;
            let mut want_q = vec![0f32; t * nq * hd];
            let mut want_k = vec![0f32; cache_rows * nk * hd];
            for ti in 0..t {
                let pos = pos0 + ti as u32;
                for h in 0..nq + nk {
                    let mut x = src[ti * row + h * hd..ti * row + (h + 1) * hd].to_vec();
                    if h < nq {
                        rope::reference_head(&mut x, pos, 1e6, 0.5, Some((&wq, 1e-6)), 0.125);
                        want_q[(ti * nq + h) * hd..(ti * nq + h + 1) * hd].copy_from_slice(&x);
                    } else {
                        rope::reference_head(&mut x, pos, 1e6, 0.5, Some((&wk, 1e-6)), 1.0);
                        let o = (pos as usize * nk + h - nq) * hd;
                        want_k[o..o + hd].copy_from_slice(&x);
                    }
                }
            }
            // Vulkan allows sin/cos an absolute error of 2^-11 (SwiftShader uses it).
            assert_close(
                &format!("rope qk: q, {wg} threads"),
                &got_q,
                &want_q,
                &vec![1.0; want_q.len()],
                1e-3,
                0.0,
            );
            assert_close(
                &format!("rope qk: k cache, {wg} threads"),
                &got_k,
                &want_k,
                &vec![1.0; want_k.len()],
                1e-3,
                0.0,
            );
        }
        assert!(rope::qk_kernel_with(&ctx, 256).await.is_err());
        Ok(())
    });
}

#[test]
fn gpu_read_bandwidth_kernel_reads_every_word_once() {
    let Some(ctx) = context("gpu_read_bandwidth_kernel_reads_every_word_once") else {
        return;
    };
    block(async {
        use atlas_engine::ops::readbw;
        // Not a multiple of either pattern's share, so the tail guards are exercised too.
        let n_vec4: usize = 256 * 16 * 3 + 5;
        let values: Vec<f32> = (0..n_vec4 * 4).map(|i| (i % 7) as f32).collect();
        let want: f64 = values.iter().map(|v| f64::from(*v)).sum();
        let src = buffers::storage_f32(&ctx, "src", &values)?;
        // `storage_f32` pads the buffer; the kernel reads whole 16-byte words of all of it.
        assert_eq!(src.size() % 16, 8, "padding as the test expects");
        let exact = buffers::storage_zeroed(&ctx, "exact", (n_vec4 * 16) as u64)?;
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        enc.copy_buffer_to_buffer(&src, 0, &exact, 0, Some((n_vec4 * 16) as u64));
        ctx.queue.submit([enc.finish()]);
        let out_len = readbw::out_len(exact.size()) as usize;
        let patterns = readbw::patterns(&ctx);
        // lavapipe has 64-bit integers (its fastest read is in 64-bit words); SwiftShader not.
        assert_eq!(
            patterns.contains(&readbw::Pattern::Runs64),
            ctx.has_int64(),
            "the 64-bit pattern runs exactly where the device has 64-bit integers"
        );
        assert!(patterns.contains(&readbw::Pattern::Texture));
        // The same words in a texture, as the weight textures hold them (row-major, whole rows;
        // the rest zero).
        let row = buffers::TEXTURE_WIDTH as usize * 16;
        let tex_rows = (n_vec4 * 16).div_ceil(row);
        let staged = buffers::storage_zeroed(&ctx, "staged", (tex_rows * row) as u64)?;
        let tex = buffers::weight_texture(&ctx, "src texture", (n_vec4 * 16) as u64)?;
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        enc.copy_buffer_to_buffer(&src, 0, &staged, 0, Some((n_vec4 * 16) as u64));
        enc.copy_buffer_to_texture(
            wgpu::TexelCopyBufferInfo {
                buffer: &staged,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(row as u32),
                    rows_per_image: Some(tex_rows as u32),
                },
            },
            tex.as_image_copy(),
            wgpu::Extent3d {
                width: buffers::TEXTURE_WIDTH,
                height: tex_rows as u32,
                depth_or_array_layers: 1,
            },
        );
        ctx.queue.submit([enc.finish()]);
        let view = tex.create_view(&Default::default());
        for pattern in patterns {
            let out = buffers::storage_zeroed(&ctx, "out", (out_len * 4) as u64)?;
            let k = readbw::kernel(&ctx, pattern).await?;
            let d = match pattern {
                readbw::Pattern::Texture => {
                    readbw::bind_texture(&ctx, &k, &view, n_vec4 as u32, &out)?
                }
                _ => readbw::bind(&ctx, &k, pattern, &exact, &out)?,
            };
            kernel::run(&ctx, &[&d])?;
            let got: f64 = readback::read_f32(&ctx, &out, 0, out_len)
                .await?
                .iter()
                .map(|v| f64::from(*v))
                .sum();
            assert_eq!(
                got, want,
                "{pattern:?}: the sum of every word, each read once"
            );
        }
        Ok(())
    });
}

#[test]
fn gpu_read_probe_times_every_pattern_one_source_at_a_time() {
    let Some(ctx) = context("gpu_read_probe_times_every_pattern_one_source_at_a_time") else {
        return;
    };
    block(async {
        use atlas_engine::ops::readbw::{self, SourceKind};
        let probe = readbw::Probe::new(&ctx).await?;
        assert!(
            probe.bytes > 0 && probe.bytes <= 256 << 20,
            "{}",
            probe.bytes
        );
        assert_eq!(probe.sources(), [SourceKind::Buffer, SourceKind::Texture]);
        let mut seen = Vec::new();
        for kind in probe.sources() {
            let bound = probe.bind(&ctx, kind)?;
            for (pattern, d) in &bound.dispatches {
                assert_eq!(pattern.source(), kind, "{pattern:?} reads the bound source");
                kernel::run(&ctx, &[d])?;
                seen.push(*pattern);
            }
            ctx.device
                .poll(wgpu::PollType::wait_indefinitely())
                .map_err(|e| atlas_engine::gpu::GpuError::DeviceLost(e.to_string()))?;
            ctx.check()?;
            // `bound` (and its 256 MiB source) is freed here, before the next source is made.
        }
        let mut want = readbw::patterns(&ctx);
        assert_eq!(seen.len(), want.len(), "every pattern once: {seen:?}");
        want.retain(|p| !seen.contains(p));
        assert!(want.is_empty(), "patterns never timed: {want:?}");
        Ok(())
    });
}
