// NEOX RoPE (pairs (i, i + head_dim / 2)), optionally preceded by a per-head RMSNorm (Gemma's
// QK-norm) and followed by a scale (the attention scale, folded into Q).
// Grid: (heads, tokens). Token t sits at position step.pos0 + t. The result goes to
//   dst[dst_base + (select(0, pos0, dst_by_pos) + t) * dst_stride + h * head_dim + i]
// so K lands straight in the KV cache.
// `qk` does Q and K of one layer in one dispatch: grid (n_heads + n_k_heads, tokens); Q heads
// as `main`, K heads read at src + k_src_offset, use norm weight `wk`, and go to
// dst_k[(pos0 + t) * k_dst_stride + h_k * head_dim + i] unscaled.

// Threads a workgroup (a power of two up to 128): 128 on GPUs, fewer on CPU adapters (as in
// rmsnorm.wgsl).
override WG: u32 = 128u;

struct Params {
    head_dim: u32,
    n_heads: u32,
    src_stride: u32,
    dst_stride: u32,
    dst_base: u32,
    dst_by_pos: u32,
    has_norm: u32,
    n_tok: u32,
    theta_base: f32,
    freq_scale: f32,
    eps: f32,
    out_scale: f32,
    n_k_heads: u32,
    k_src_offset: u32,
    k_dst_stride: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
@group(0) @binding(5) var<storage, read> wk: array<f32>;
@group(0) @binding(6) var<storage, read_write> dst_k: array<f32>;

var<workgroup> red: array<f32, 128>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_heads || t >= n_tok) {
        return;
    }
    let hd = p.head_dim;
    let half = hd / 2u;
    let s0 = t * p.src_stride + h * hd;
    var inv = 1.0;
    if (p.has_norm == 1u) {
        var ss = 0.0;
        for (var i = lid; i < hd; i += WG) {
            ss += src[s0 + i] * src[s0 + i];
        }
        red[lid] = ss;
        workgroupBarrier();
        for (var s = WG / 2u; s > 0u; s >>= 1u) {
            if (lid < s) {
                red[lid] += red[lid + s];
            }
            workgroupBarrier();
        }
        inv = inverseSqrt(red[0] / f32(hd) + p.eps);
    }
    let pos = step.pos0 + t;
    let d0 = p.dst_base + (select(0u, step.pos0, p.dst_by_pos == 1u) + t) * p.dst_stride + h * hd;
    for (var i = lid; i < half; i += WG) {
        var x0 = src[s0 + i];
        var x1 = src[s0 + i + half];
        if (p.has_norm == 1u) {
            x0 = x0 * inv * w[i];
            x1 = x1 * inv * w[i + half];
        }
        // theta_i = pos * freq_scale * base^(-2i / head_dim)
        let theta = f32(pos) * p.freq_scale * pow(p.theta_base, -2.0 * f32(i) / f32(hd));
        let c = cos(theta);
        let s = sin(theta);
        dst[d0 + i] = (x0 * c - x1 * s) * p.out_scale;
        dst[d0 + i + half] = (x0 * s + x1 * c) * p.out_scale;
    }
}

// 1 / rms of src[s0 .. s0 + hd] (a workgroup-wide reduction; call from uniform control flow).
fn inv_rms(s0: u32, hd: u32, lid: u32) -> f32 {
    var ss = 0.0;
    for (var i = lid; i < hd; i += WG) {
        ss += src[s0 + i] * src[s0 + i];
    }
    red[lid] = ss;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red[lid] += red[lid + s];
        }
        workgroupBarrier();
    }
    return inverseSqrt(red[0] / f32(hd) + p.eps);
}

// The rotated pair (i, i + hd / 2) at position `pos`.
fn rotate(x0: f32, x1: f32, i: u32, hd: u32, pos: u32) -> vec2<f32> {
    let theta = f32(pos) * p.freq_scale * pow(p.theta_base, -2.0 * f32(i) / f32(hd));
    let c = cos(theta);
    let s = sin(theta);
    return vec2<f32>(x0 * c - x1 * s, x0 * s + x1 * c);
}

@compute @workgroup_size(WG)
fn qk(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_heads + p.n_k_heads || t >= n_tok) {
        return;
    }
    let hd = p.head_dim;
    let half = hd / 2u;
    let is_k = h >= p.n_heads;
    let hh = select(h, h - p.n_heads, is_k);
    let s0 = t * p.src_stride + select(0u, p.k_src_offset, is_k) + hh * hd;
    let inv = inv_rms(s0, hd, lid);
    let pos = step.pos0 + t;
    if (is_k) {
        let d0 = (step.pos0 + t) * p.k_dst_stride + hh * hd;
        for (var i = lid; i < half; i += WG) {
            let r = rotate(src[s0 + i] * inv * wk[i], src[s0 + i + half] * inv * wk[i + half], i, hd, pos);
            dst_k[d0 + i] = r.x;
            dst_k[d0 + i + half] = r.y;
        }
    } else {
        let d0 = t * p.dst_stride + hh * hd;
        for (var i = lid; i < half; i += WG) {
            let r = rotate(src[s0 + i] * inv * w[i], src[s0 + i + half] * inv * w[i + half], i, hd, pos);
            dst[d0 + i] = r.x * p.out_scale;
            dst[d0 + i + half] = r.y * p.out_scale;
        }
    }
}
