// RMSNorm over rows of length n: y = x / sqrt(mean(x^2) + eps) * w.
// `norm`:     y[r] = rms(a[r]) * w1.
// `add_norm`: res[r] += rms(a[r]) * w1;  y[r] = rms(res[r]) * w2
//             (Gemma's post-norm + residual add + the next pre-norm, in one dispatch).
// One workgroup per row; rows = rows_per_tok * tokens (tokens = step.n_tok when n_tok is 0), so
// per-head norms use rows_per_tok = heads with n = head_dim.

// Threads a workgroup (a power of two up to 256): 256 on GPUs; CPU adapters run a workgroup's
// threads in turn on one core, where the reduction's barriers cost more than the row's work.
override WG: u32 = 256u;

struct Params {
    n: u32,
    rows_per_tok: u32,
    n_tok: u32,
    eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> w1: array<f32>;
@group(0) @binding(4) var<storage, read> w2: array<f32>;
@group(0) @binding(5) var<storage, read_write> res: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

var<workgroup> red: array<f32, 256>;

fn sum_all(v: f32, lid: u32) -> f32 {
    red[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red[lid] += red[lid + s];
        }
        workgroupBarrier();
    }
    let total = red[0];
    workgroupBarrier();
    return total;
}

fn row_count() -> u32 {
    return p.rows_per_tok * select(p.n_tok, step.n_tok, p.n_tok == 0u);
}

@compute @workgroup_size(WG)
fn norm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wid.x;
    if (row >= row_count()) {
        return;
    }
    let base = row * p.n;
    var ss = 0.0;
    for (var i = lid; i < p.n; i += WG) {
        ss += a[base + i] * a[base + i];
    }
    let inv = inverseSqrt(sum_all(ss, lid) / f32(p.n) + p.eps);
    for (var i = lid; i < p.n; i += WG) {
        y[base + i] = a[base + i] * inv * w1[i];
    }
}

@compute @workgroup_size(WG)
fn add_norm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wid.x;
    if (row >= row_count()) {
        return;
    }
    let base = row * p.n;
    var ss = 0.0;
    for (var i = lid; i < p.n; i += WG) {
        ss += a[base + i] * a[base + i];
    }
    let inv = inverseSqrt(sum_all(ss, lid) / f32(p.n) + p.eps);
    var ss2 = 0.0;
    for (var i = lid; i < p.n; i += WG) {
        let r = res[base + i] + a[base + i] * inv * w1[i];
        res[base + i] = r;
        ss2 += r * r;
    }
    let inv2 = inverseSqrt(sum_all(ss2, lid) / f32(p.n) + p.eps);
    for (var i = lid; i < p.n; i += WG) {
        y[base + i] = res[base + i] * inv2 * w2[i];
    }
}
