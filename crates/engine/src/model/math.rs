//! f32 kernels of the CPU reference forward pass.

/// A row-major matrix: `rows` rows of `cols` values (GGUF dims `[cols, rows]`).
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Number of rows (output size of a mat-vec).
    pub rows: usize,
    /// Row length (input size of a mat-vec).
    pub cols: usize,
    /// `rows * cols` values.
    pub data: Vec<f32>,
}

impl Matrix {
    /// Row `r`.
    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// Dot product with eight independent accumulators (lets the compiler vectorise).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// `out[r] = W.row(r) · x` for rows `first..first + out.len()`.
fn matvec_rows(w: &Matrix, x: &[f32], first: usize, out: &mut [f32]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = dot(w.row(first + i), x);
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
    if threads <= 1 || total < 1 << 16 {
        for (w, out) in jobs.iter_mut() {
            matvec_rows(w, x, 0, out);
        }
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
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

/// `out = W x`.
pub fn matvec(w: &Matrix, x: &[f32], out: &mut [f32]) {
    matvecs(x, &mut [(w, out)]);
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
            .map(|r| w.row(r).iter().zip(x).map(|(a, b)| a * b).sum())
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
        let a = Matrix {
            rows: 1001,
            cols: 333,
            data: (0..1001 * 333).map(|_| rnd()).collect(),
        };
        let b = Matrix {
            rows: 7,
            cols: 333,
            data: (0..7 * 333).map(|_| rnd()).collect(),
        };
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
