//! f32 kernels of the CPU reference forward pass.

/// The storage of a [`Matrix`].
#[derive(Debug, Clone)]
pub enum MatrixData {
    /// `rows * cols` f32 values, row-major.
    F32(Vec<f32>),
    /// Q8_0 blocks, row-major (`cols` is a multiple of 32). Used for large matrices whose
    /// mat-vec is memory-bound (e.g. the tied output projection): the dot product
    /// `d * sum(q * x)` gives the same values as dequantizing first.
    Q8_0(Vec<u8>),
}

/// A row-major matrix: `rows` rows of `cols` values (GGUF dims `[cols, rows]`).
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Number of rows (output size of a mat-vec).
    pub rows: usize,
    /// Row length (input size of a mat-vec).
    pub cols: usize,
    /// The values.
    pub data: MatrixData,
}

const Q8_BLOCK: usize = 34;

impl Matrix {
    /// An f32 matrix.
    pub fn f32(rows: usize, cols: usize, data: Vec<f32>) -> Self {
        debug_assert_eq!(data.len(), rows * cols);
        Self {
            rows,
            cols,
            data: MatrixData::F32(data),
        }
    }

    /// Row `r` as f32 values.
    pub fn row_f32(&self, r: usize) -> Vec<f32> {
        match &self.data {
            MatrixData::F32(d) => d[r * self.cols..(r + 1) * self.cols].to_vec(),
            MatrixData::Q8_0(b) => {
                let bytes_per_row = self.cols / 32 * Q8_BLOCK;
                let mut out = vec![0.0; self.cols];
                let row = &b[r * bytes_per_row..(r + 1) * bytes_per_row];
                for (blk, o) in row.chunks_exact(Q8_BLOCK).zip(out.chunks_exact_mut(32)) {
                    let d = crate::quant::f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
                    for (y, &q) in o.iter_mut().zip(&blk[2..]) {
                        *y = d * (q as i8) as f32;
                    }
                }
                out
            }
        }
    }

    /// `row(r) · x`.
    #[inline]
    fn row_dot(&self, r: usize, x: &[f32]) -> f32 {
        match &self.data {
            MatrixData::F32(d) => dot(&d[r * self.cols..(r + 1) * self.cols], x),
            MatrixData::Q8_0(b) => {
                let bytes_per_row = self.cols / 32 * Q8_BLOCK;
                dot_q8_0(&b[r * bytes_per_row..(r + 1) * bytes_per_row], x)
            }
        }
    }
}

/// Dot product of one row of Q8_0 blocks with `x`.
#[inline]
fn dot_q8_0(row: &[u8], x: &[f32]) -> f32 {
    let mut total = 0.0;
    for (blk, xs) in row.chunks_exact(Q8_BLOCK).zip(x.chunks_exact(32)) {
        let d = crate::quant::f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
        total += d * simd::dot_i8_f32_32(&blk[2..34], xs);
    }
    total
}

/// Dot product of two equal-length slices.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    simd::dot_f32(a, b)
}

/// Explicit SIMD on x86_64 (SSE2 is part of the baseline) and on wasm32 (simd128), so the hot
/// loops are fast even in size-optimised builds where the auto-vectoriser is off; portable code
/// elsewhere.
mod simd {
    #[cfg(target_arch = "x86_64")]
    pub fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        use std::arch::x86_64::*;
        let n = a.len().min(b.len());
        let chunks = n / 8;
        // SAFETY: SSE/SSE2 are always available on x86_64; every load reads 4 floats at
        // index `8 * i + {0, 4}` with `8 * i + 8 <= n`, inside both slices.
        let mut s = unsafe {
            let mut acc0 = _mm_setzero_ps();
            let mut acc1 = _mm_setzero_ps();
            for i in 0..chunks {
                let pa = a.as_ptr().add(8 * i);
                let pb = b.as_ptr().add(8 * i);
                acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(pa), _mm_loadu_ps(pb)));
                acc1 = _mm_add_ps(
                    acc1,
                    _mm_mul_ps(_mm_loadu_ps(pa.add(4)), _mm_loadu_ps(pb.add(4))),
                );
            }
            let mut lanes = [0f32; 4];
            _mm_storeu_ps(lanes.as_mut_ptr(), _mm_add_ps(acc0, acc1));
            (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        };
        for i in chunks * 8..n {
            s += a[i] * b[i];
        }
        s
    }

    /// `sum(q[i] as i8 * x[i])` over 32 values.
    #[cfg(target_arch = "x86_64")]
    pub fn dot_i8_f32_32(q: &[u8], x: &[f32]) -> f32 {
        use std::arch::x86_64::*;
        assert!(q.len() >= 32 && x.len() >= 32);
        // SAFETY: SSE2 is baseline on x86_64; loads stay within the 32 checked elements.
        unsafe {
            let mut acc = _mm_setzero_ps();
            for half in 0..2 {
                let v = _mm_loadu_si128(q.as_ptr().add(16 * half) as *const __m128i);
                // Sign-extend bytes to i16 by placing them in the high byte and shifting.
                let lo16 = _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
                let hi16 = _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8);
                for (k, w) in [lo16, hi16].into_iter().enumerate() {
                    let lo32 = _mm_srai_epi32(_mm_unpacklo_epi16(w, w), 16);
                    let hi32 = _mm_srai_epi32(_mm_unpackhi_epi16(w, w), 16);
                    let px = x.as_ptr().add(16 * half + 8 * k);
                    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_cvtepi32_ps(lo32), _mm_loadu_ps(px)));
                    acc = _mm_add_ps(
                        acc,
                        _mm_mul_ps(_mm_cvtepi32_ps(hi32), _mm_loadu_ps(px.add(4))),
                    );
                }
            }
            let mut lanes = [0f32; 4];
            _mm_storeu_ps(lanes.as_mut_ptr(), acc);
            (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        }
    }

    /// WebAssembly SIMD: the same lanes and the same order of additions as the SSE versions,
    /// so the browser's CPU backend computes the dot products bit for bit as the native tests
    /// check. Only these functions are compiled with simd128 (not the whole build), so the app,
    /// which does not link them, still loads in a browser without SIMD; the worker needs it.
    #[cfg(target_arch = "wasm32")]
    pub fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        // SAFETY: a wasm module that uses SIMD only validates where SIMD exists, so if this
        // runs, the instructions are supported.
        unsafe { wasm::dot_f32(a, b) }
    }

    /// `sum(q[i] as i8 * x[i])` over 32 values, as the SSE version.
    #[cfg(target_arch = "wasm32")]
    pub fn dot_i8_f32_32(q: &[u8], x: &[f32]) -> f32 {
        assert!(q.len() >= 32 && x.len() >= 32);
        // SAFETY: as in `dot_f32`, and the 32 elements were checked.
        unsafe { wasm::dot_i8_f32_32(q, x) }
    }

    #[cfg(target_arch = "wasm32")]
    mod wasm {
        use std::arch::wasm32::*;

        #[target_feature(enable = "simd128")]
        pub unsafe fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
            let n = a.len().min(b.len());
            let chunks = n / 8;
            let (mut acc0, mut acc1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            for i in 0..chunks {
                // SAFETY: each load reads 4 floats at index `8 * i + {0, 4}` with
                // `8 * i + 8 <= n`, inside both slices; wasm loads need no alignment.
                unsafe {
                    let pa = a.as_ptr().add(8 * i) as *const v128;
                    let pb = b.as_ptr().add(8 * i) as *const v128;
                    acc0 = f32x4_add(acc0, f32x4_mul(v128_load(pa), v128_load(pb)));
                    acc1 = f32x4_add(acc1, f32x4_mul(v128_load(pa.add(1)), v128_load(pb.add(1))));
                }
            }
            let mut s = lanes_sum(f32x4_add(acc0, acc1));
            for i in chunks * 8..n {
                s += a[i] * b[i];
            }
            s
        }

        /// The caller checked that `q` and `x` hold at least 32 elements.
        #[target_feature(enable = "simd128")]
        pub unsafe fn dot_i8_f32_32(q: &[u8], x: &[f32]) -> f32 {
            let mut acc = f32x4_splat(0.0);
            for half in 0..2 {
                // SAFETY: the loads stay within the first 32 elements of `q` and `x`.
                unsafe {
                    let v = v128_load(q.as_ptr().add(16 * half) as *const v128);
                    for (k, w) in [i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v)]
                        .into_iter()
                        .enumerate()
                    {
                        let px = x.as_ptr().add(16 * half + 8 * k) as *const v128;
                        let lo = f32x4_convert_i32x4(i32x4_extend_low_i16x8(w));
                        let hi = f32x4_convert_i32x4(i32x4_extend_high_i16x8(w));
                        acc = f32x4_add(acc, f32x4_mul(lo, v128_load(px)));
                        acc = f32x4_add(acc, f32x4_mul(hi, v128_load(px.add(1))));
                    }
                }
            }
            lanes_sum(acc)
        }

        /// `(l0 + l2) + (l1 + l3)`: the SSE version's horizontal sum.
        #[target_feature(enable = "simd128")]
        fn lanes_sum(v: v128) -> f32 {
            (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v))
                + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
        }
    }

    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    pub fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        let ca = a.chunks_exact(8);
        let cb = b.chunks_exact(8);
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            for k in 0..8 {
                acc[k] += x[k] * y[k];
            }
        }
        let mut s =
            ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        for (x, y) in ra.iter().zip(rb) {
            s += x * y;
        }
        s
    }

    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    pub fn dot_i8_f32_32(q: &[u8], x: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        for k in 0..4 {
            for j in 0..8 {
                acc[j] += (q[8 * k + j] as i8) as f32 * x[8 * k + j];
            }
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    }
}

/// `out[r] = W.row(r) · x` for rows `first..first + out.len()`.
fn matvec_rows(w: &Matrix, x: &[f32], first: usize, out: &mut [f32]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = w.row_dot(first + i, x);
    }
}

/// Number of worker threads used for mat-vecs.
pub fn n_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        static N: OnceLock<usize> = OnceLock::new();
        *N.get_or_init(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 16)
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// Several mat-vecs over the same input `x`, spread over the available cores in one fork/join.
/// `jobs[i] = (W, out)` computes `out = W x`.
pub fn matvecs(x: &[f32], jobs: &mut [(&Matrix, &mut [f32])]) {
    let threads = n_threads();
    let total: usize = jobs.iter().map(|(w, _)| w.rows * w.cols).sum();
    if threads > 1 && total >= 1 << 16 {
        parallel_matvecs(x, jobs, threads);
    } else {
        for (w, out) in jobs.iter_mut() {
            matvec_rows(w, x, 0, out);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn parallel_matvecs(x: &[f32], jobs: &mut [(&Matrix, &mut [f32])], threads: usize) {
    std::thread::scope(|s| {
        // Split every output into `threads` row ranges; thread t takes range t of every job.
        let mut per_thread: Vec<Vec<(&Matrix, usize, &mut [f32])>> =
            (0..threads).map(|_| Vec::new()).collect();
        for (w, out) in jobs.iter_mut() {
            let chunk = w.rows.div_ceil(threads).max(1);
            for (t, piece) in out.chunks_mut(chunk).enumerate() {
                per_thread[t].push((*w, t * chunk, piece));
            }
        }
        let mut work = per_thread.into_iter();
        let mine = work.next().unwrap_or_default();
        for list in work {
            s.spawn(move || {
                for (w, first, out) in list {
                    matvec_rows(w, x, first, out);
                }
            });
        }
        for (w, first, out) in mine {
            matvec_rows(w, x, first, out);
        }
    });
}

/// No threads on wasm32 (`n_threads` is 1 there, so this is never reached).
#[cfg(target_arch = "wasm32")]
fn parallel_matvecs(x: &[f32], jobs: &mut [(&Matrix, &mut [f32])], _threads: usize) {
    for (w, out) in jobs.iter_mut() {
        matvec_rows(w, x, 0, out);
    }
}

/// `out = W x`.
pub fn matvec(w: &Matrix, x: &[f32], out: &mut [f32]) {
    matvecs(x, &mut [(w, out)]);
}

/// Rows `first..first + len` of `W` times each of the `n` inputs in `x` (`n` rows of
/// `W.cols`), as `local[(r - first) * n + t]`: each weight row is read once for all inputs.
fn matmul_rows(w: &Matrix, x: &[f32], n: usize, first: usize, len: usize) -> Vec<f32> {
    let mut local = vec![0.0; len * n];
    for (i, dst) in local.chunks_exact_mut(n).enumerate() {
        let r = first + i;
        for (t, o) in dst.iter_mut().enumerate() {
            *o = w.row_dot(r, &x[t * w.cols..(t + 1) * w.cols]);
        }
    }
    local
}

/// Batched [`matvecs`]: `x` holds `n` inputs of `cols` values each; `jobs[i] = (W, out)` with
/// `out` holding `n` outputs of `W.rows` values each (`out[t * rows + r]`).
pub fn matmuls(x: &[f32], n: usize, jobs: &mut [(&Matrix, &mut [f32])]) {
    if n == 1 {
        return matvecs(x, jobs);
    }
    let mut results: Vec<Vec<(usize, usize, Vec<f32>)>> = Vec::with_capacity(jobs.len());
    #[cfg(not(target_arch = "wasm32"))]
    if n_threads() > 1 {
        let threads = n_threads();
        let ranges = |rows: usize| {
            let chunk = rows.div_ceil(threads).max(1);
            (0..threads)
                .map(move |t| (t * chunk, ((t + 1) * chunk).min(rows)))
                .filter(|(a, b)| a < b)
        };
        let work: Vec<(usize, usize, usize)> = jobs
            .iter()
            .enumerate()
            .flat_map(|(j, (w, _))| ranges(w.rows).map(move |(a, b)| (j, a, b)))
            .collect();
        let mut per_thread: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); threads];
        for (i, item) in work.into_iter().enumerate() {
            per_thread[i % threads].push(item);
        }
        let mats: Vec<&Matrix> = jobs.iter().map(|(w, _)| *w).collect();
        let done: Vec<(usize, usize, usize, Vec<f32>)> = std::thread::scope(|s| {
            let handles: Vec<_> = per_thread
                .into_iter()
                .map(|list| {
                    let mats = &mats;
                    s.spawn(move || {
                        list.into_iter()
                            .map(|(j, a, b)| (j, a, b, matmul_rows(mats[j], x, n, a, b - a)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        results = (0..jobs.len()).map(|_| Vec::new()).collect();
        for (j, a, b, v) in done {
            results[j].push((a, b, v));
        }
    }
    if results.is_empty() {
        results = jobs
            .iter()
            .map(|(w, _)| vec![(0, w.rows, matmul_rows(w, x, n, 0, w.rows))])
            .collect();
    }
    for ((w, out), pieces) in jobs.iter_mut().zip(results) {
        for (a, b, local) in pieces {
            for r in a..b {
                for t in 0..n {
                    out[t * w.rows + r] = local[(r - a) * n + t];
                }
            }
        }
    }
}

/// RMSNorm in place: `x = x / sqrt(mean(x^2) + eps) * w` (sum of squares in f64, as ggml).
pub fn rms_norm(x: &mut [f32], w: &[f32], eps: f32) {
    let ss: f64 = x.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
    let scale = (1.0 / (ss / x.len() as f64 + f64::from(eps)).sqrt()) as f32;
    for (v, g) in x.iter_mut().zip(w) {
        *v = *v * scale * g;
    }
}

/// GELU, tanh approximation.
pub fn gelu_tanh(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * x * (1.0 + 0.044_715 * x * x)).tanh())
}

/// SiLU.
pub fn silu(x: f32) -> f32 {
    x / (1.0 + (-x).exp())
}

/// Rotates the first `n_rot` channels of one head for position `pos`.
pub fn rope(head: &mut [f32], pos: usize, n_rot: usize, base: f32, freq_scale: f32, neox: bool) {
    let half = n_rot / 2;
    let theta_scale = base.powf(-2.0 / n_rot as f32);
    let mut theta = pos as f32 * freq_scale;
    for i in 0..half {
        let (sin, cos) = theta.sin_cos();
        let (a, b) = if neox {
            (i, i + half)
        } else {
            (2 * i, 2 * i + 1)
        };
        let (x0, x1) = (head[a], head[b]);
        head[a] = x0 * cos - x1 * sin;
        head[b] = x0 * sin + x1 * cos;
        theta *= theta_scale;
    }
}

/// Softmax in place (max-subtracted).
pub fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    if sum > 0.0 {
        for v in x.iter_mut() {
            *v /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(w: &Matrix, x: &[f32]) -> Vec<f32> {
        (0..w.rows)
            .map(|r| w.row_f32(r).iter().zip(x).map(|(a, b)| a * b).sum())
            .collect()
    }

    #[test]
    fn matvecs_match_naive_on_odd_sizes() {
        let mut seed = 7u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let x: Vec<f32> = (0..333).map(|_| rnd()).collect();
        let a = Matrix::f32(1001, 333, (0..1001 * 333).map(|_| rnd()).collect());
        let b = Matrix::f32(7, 333, (0..7 * 333).map(|_| rnd()).collect());
        let mut oa = vec![0.0; 1001];
        let mut ob = vec![0.0; 7];
        matvecs(&x, &mut [(&a, &mut oa), (&b, &mut ob)]);
        for (i, (g, w)) in oa.iter().zip(naive(&a, &x)).enumerate() {
            assert!((g - w).abs() < 1e-4, "row {i}: {g} vs {w}");
        }
        for (g, w) in ob.iter().zip(naive(&b, &x)) {
            assert!((g - w).abs() < 1e-4);
        }
    }

    #[test]
    fn batched_matmuls_match_matvecs() {
        let mut seed = 3u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let (cols, n) = (96, 5);
        let a = Matrix::f32(517, cols, (0..517 * cols).map(|_| rnd()).collect());
        let b = Matrix::f32(3, cols, (0..3 * cols).map(|_| rnd()).collect());
        let x: Vec<f32> = (0..n * cols).map(|_| rnd()).collect();
        let (mut oa, mut ob) = (vec![0.0; n * 517], vec![0.0; n * 3]);
        matmuls(&x, n, &mut [(&a, &mut oa), (&b, &mut ob)]);
        for t in 0..n {
            let xt = &x[t * cols..(t + 1) * cols];
            let (mut va, mut vb) = (vec![0.0; 517], vec![0.0; 3]);
            matvecs(xt, &mut [(&a, &mut va), (&b, &mut vb)]);
            assert_eq!(&oa[t * 517..(t + 1) * 517], &va[..], "input {t}");
            assert_eq!(&ob[t * 3..(t + 1) * 3], &vb[..], "input {t}");
        }
    }

    #[test]
    fn q8_0_matvec_matches_dequantized() {
        let (rows, cols) = (301, 96);
        let mut state = 11u32;
        let mut next = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            state >> 8
        };
        let mut bytes = Vec::new();
        for _ in 0..rows * cols / 32 {
            let d = crate::quant::f32_to_f16((next() % 1000) as f32 / 50_000.0);
            bytes.extend(d.to_le_bytes());
            bytes.extend((0..32).map(|_| next() as u8));
        }
        let mut deq = vec![0.0; rows * cols];
        crate::quant::dequantize(crate::quant::GgmlType::Q8_0, &bytes, &mut deq).unwrap();
        let x: Vec<f32> = (0..cols)
            .map(|_| (next() % 200) as f32 / 100.0 - 1.0)
            .collect();
        let q = Matrix {
            rows,
            cols,
            data: MatrixData::Q8_0(bytes),
        };
        let f = Matrix::f32(rows, cols, deq.clone());
        let (mut oq, mut of) = (vec![0.0; rows], vec![0.0; rows]);
        matvecs(&x, &mut [(&q, &mut oq), (&f, &mut of)]);
        for r in 0..rows {
            assert!(
                (oq[r] - of[r]).abs() < 1e-4,
                "row {r}: {} vs {}",
                oq[r],
                of[r]
            );
            assert_eq!(q.row_f32(r), deq[r * cols..(r + 1) * cols]);
        }
    }

    #[test]
    fn kernels() {
        let mut x = [3.0, 4.0];
        rms_norm(&mut x, &[1.0, 2.0], 0.0);
        let r = (12.5f32).sqrt();
        assert!((x[0] - 3.0 / r).abs() < 1e-6 && (x[1] - 8.0 / r).abs() < 1e-6);
        assert!((gelu_tanh(1.0) - 0.841_192).abs() < 1e-5);
        assert!((silu(1.0) - 0.731_058_6).abs() < 1e-6);
        let mut p = [1.0, 2.0, 3.0];
        softmax(&mut p);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6 && p[2] > p[1]);
        // NEOX: pair (0, 2) and (1, 3); position 1, base 1 -> every angle is 1 radian.
        let mut h = [1.0, 0.0, 0.0, 1.0];
        rope(&mut h, 1, 4, 1.0, 1.0, true);
        let (s, c) = 1f32.sin_cos();
        assert!((h[0] - c).abs() < 1e-6 && (h[2] - s).abs() < 1e-6);
        assert!((h[1] + s).abs() < 1e-6 && (h[3] - c).abs() < 1e-6);
        // Interleaved pairs (0, 1), (2, 3); position 0 leaves the head unchanged.
        let mut h = [1.0, 2.0, 3.0, 4.0];
        rope(&mut h, 0, 4, 10_000.0, 1.0, false);
        assert_eq!(h, [1.0, 2.0, 3.0, 4.0]);
    }
}
