// Attention for one (head, query token) per workgroup over a KV cache, with grouped KV heads and
// an optional sliding window. Query token t sits at position pos = step.pos0 + t and sees keys at
// positions [max(0, pos + 1 - window), pos] (window 0 = all). Q arrives already scaled.
// Keys are visited in tiles of WG positions with an online softmax (running max and sum), so the
// context length is bounded only by the cache.

const WG: u32 = 256u;
const MAX_HEAD_DIM: u32 = 512u;

struct Params {
    head_dim: u32,
    n_head: u32,
    n_kv_head: u32,
    window: u32,
    q_stride: u32,  // floats between tokens in q and out
    kv_stride: u32, // floats between positions in the caches
    n_tok: u32,
    n_split: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
// q as 16-byte words (head_dim and q_stride are multiples of 4). The CPU decode kernel binds it
// as a uniform array instead (attention::cpu_decode_kernel, with Q_DIRECT).
@group(0) @binding(2) var<storage, read> q: array<vec4<f32>>;
// The caches as 16-byte words (head_dim and the strides are multiples of 4): CPU adapters load
// a storage buffer lane by lane, so one load per four floats instead of one per float.
@group(0) @binding(3) var<storage, read> kc: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> vc: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;

var<workgroup> qs: array<vec4<f32>, 128>; // MAX_HEAD_DIM / 4
// The value sums of the four position groups (see attend): dims 0..256, then 256..512.
var<workgroup> vsum: array<vec4<f32>, 512>;
var<workgroup> sc: array<f32, WG>;
var<workgroup> red: array<f32, WG>;

fn reduce_max(v: f32, lid: u32) -> f32 {
    red[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red[lid] = max(red[lid], red[lid + s]);
        }
        workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
}

fn reduce_sum(v: f32, lid: u32) -> f32 {
    red[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red[lid] += red[lid + s];
        }
        workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
}

// A softmax-weighted partial sum over keys [k_lo, k_hi): running max m, sum l and this thread's
// output dims (lid and lid + WG) before division by l.
struct Partial {
    m: f32,
    l: f32,
    a0: f32,
    a1: f32,
}

// Loads q of head h, token t into workgroup memory (call before `attend`).
fn load_q(t: u32, h: u32, lid: u32) {
    let q0 = t * p.q_stride + h * p.head_dim;
    for (var i = lid; i < p.head_dim / 4u; i += WG) {
        qs[i] = q[q0 / 4u + i];
    }
    workgroupBarrier();
}

// Keys [k_lo, k_hi) of KV head `kvh` for the query in `qs`. Scores: one key per thread. Values:
// thread `lid` sums the 16-byte words d4 = lid % 64 and d4 + 64 of the positions r of a tile
// with r % 4 = lid / 64, and the four groups' sums are added at the end.
fn attend(kvh: u32, k_lo: u32, k_hi: u32, lid: u32) -> Partial {
    let hd4 = p.head_dim / 4u;
    let stride4 = p.kv_stride / 4u;
    let kv0 = kvh * hd4;
    let d4 = lid % 64u;
    let grp = lid / 64u;
    var m = -3.0e38;
    var l = 0.0;
    var acc_a = vec4<f32>(0.0);
    var acc_b = vec4<f32>(0.0);
    for (var tile = k_lo; tile < k_hi; tile += WG) {
        let kp = tile + lid;
        var s = -3.0e38;
        if (kp < k_hi) {
            let k0 = kp * stride4 + kv0;
            var dotv = 0.0;
            for (var i = 0u; i < hd4; i++) {
                dotv += dot(qs[i], kc[k0 + i]);
            }
            s = dotv;
        }
        let m_new = max(m, reduce_max(s, lid));
        var e = 0.0;
        if (kp < k_hi) {
            e = exp(s - m_new);
        }
        sc[lid] = e;
        let corr = exp(m - m_new);
        l = l * corr + reduce_sum(e, lid);
        m = m_new;
        let n_in_tile = min(WG, k_hi - tile);
        acc_a *= corr;
        acc_b *= corr;
        for (var r = grp; r < n_in_tile; r += 4u) {
            let v0 = (tile + r) * stride4 + kv0;
            if (d4 < hd4) {
                acc_a += sc[r] * vc[v0 + d4];
            }
            if (d4 + 64u < hd4) {
                acc_b += sc[r] * vc[v0 + d4 + 64u];
            }
        }
        workgroupBarrier();
    }
    vsum[lid] = acc_a;
    vsum[WG + lid] = acc_b;
    workgroupBarrier();
    // Dim lid (word lid / 4) and dim lid + 256 (word 64 + lid / 4), summed over the groups.
    let c = lid % 4u;
    let w = lid / 4u;
    let a0 = vsum[w][c] + vsum[64u + w][c] + vsum[128u + w][c] + vsum[192u + w][c];
    let a1 = vsum[WG + w][c] + vsum[WG + 64u + w][c] + vsum[WG + 128u + w][c] + vsum[WG + 192u + w][c];
    return Partial(m, l, a0, a1);
}

fn first_key(pos: u32) -> u32 {
    if (p.window > 0u && pos + 1u > p.window) {
        return pos + 1u - p.window;
    }
    return 0u;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_head || t >= n_tok) {
        return;
    }
    let pos = step.pos0 + t;
    load_q(t, h, lid);
    let r = attend(h / (p.n_head / p.n_kv_head), first_key(pos), pos + 1u, lid);
    let q0 = t * p.q_stride + h * p.head_dim;
    if (lid < p.head_dim) {
        out[q0 + lid] = r.a0 / r.l;
    }
    if (lid + WG < p.head_dim) {
        out[q0 + lid + WG] = r.a1 / r.l;
    }
}

// Split-K ("flash decoding"): grid (heads, tokens, n_split); split z takes an equal share of
// the visible keys and writes its Partial to part[((t * n_head + h) * n_split + z) * (hd + 2)]
// as [m, l, acc[hd]]. `merge` then combines the splits, so long contexts use many workgroups.
@compute @workgroup_size(256)
fn split(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let z = wid.z;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_head || t >= n_tok || z >= p.n_split) {
        return;
    }
    let pos = step.pos0 + t;
    let lo = first_key(pos);
    let n_keys = pos + 1u - lo;
    let share = (n_keys + p.n_split - 1u) / p.n_split;
    let k_lo = min(lo + z * share, pos + 1u);
    let k_hi = min(k_lo + share, pos + 1u);
    load_q(t, h, lid);
    let r = attend(h / (p.n_head / p.n_kv_head), k_lo, k_hi, lid);
    let hd = p.head_dim;
    let base = ((t * p.n_head + h) * p.n_split + z) * (hd + 2u);
    if (lid == 0u) {
        part[base] = r.m;
        part[base + 1u] = r.l;
    }
    if (lid < hd) {
        part[base + 2u + lid] = r.a0;
    }
    if (lid + WG < hd) {
        part[base + 2u + lid + WG] = r.a1;
    }
}

@compute @workgroup_size(256)
fn merge(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_head || t >= n_tok) {
        return;
    }
    let hd = p.head_dim;
    let first = (t * p.n_head + h) * p.n_split;
    var m = -3.0e38;
    for (var z = 0u; z < p.n_split; z++) {
        m = max(m, part[(first + z) * (hd + 2u)]);
    }
    var l = 0.0;
    for (var z = 0u; z < p.n_split; z++) {
        let b = (first + z) * (hd + 2u);
        l += part[b + 1u] * exp(part[b] - m);
    }
    let q0 = t * p.q_stride + h * hd;
    for (var d = lid; d < hd; d += WG) {
        var a = 0.0;
        for (var z = 0u; z < p.n_split; z++) {
            let b = (first + z) * (hd + 2u);
            a += part[b + 2u + d] * exp(part[b] - m);
        }
        out[q0 + d] = a / l;
    }
}

// Attention on a CPU adapter (entry point main_cpu): HPW query heads of one KV group per
// workgroup of 64 threads, so each key and value row is loaded once for HPW heads (the caches'
// loads, lane by lane, bound attention there). Scores: thread lid takes keys lid, lid + 64, ...
// of a tile; values: thread lid sums the 16-byte words lid and lid + 64 of the head. Four
// barriers a tile, with the max and the sum over per-thread partials.
override HPW: u32 = 1u;
// main_cpu reads q straight from its binding in the score loop instead of from a copy in
// workgroup memory: for a uniform q (CPU adapters load a uniform with a vector gather, but
// workgroup memory lane by lane like a storage buffer).
override Q_DIRECT: bool = false;
const CWG: u32 = 64u;
const CTILE: u32 = 256u;

var<workgroup> qc: array<vec4<f32>, 256>;  // 2 heads x MAX_HEAD_DIM / 4
var<workgroup> sc2: array<f32, 512>;       // 2 heads x CTILE: scores, then their exponentials
var<workgroup> part2: array<f32, 128>;     // 2 heads x CWG per-thread maxima, then sums

@compute @workgroup_size(64)
fn main_cpu(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h0 = wid.x * HPW;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h0 >= p.n_head || t >= n_tok) {
        return;
    }
    let pos = step.pos0 + t;
    let hd4 = p.head_dim / 4u;
    let q0 = t * p.q_stride + h0 * p.head_dim;
    let qw = q0 / 4u;
    if (!Q_DIRECT) {
        for (var i = lid; i < HPW * hd4; i += CWG) {
            qc[i] = q[qw + i];
        }
    }
    workgroupBarrier();
    let stride4 = p.kv_stride / 4u;
    let kv0 = (h0 / (p.n_head / p.n_kv_head)) * hd4;
    let k_lo = first_key(pos);
    let k_hi = pos + 1u;
    var m = vec2<f32>(-3.0e38);
    var l = vec2<f32>(0.0);
    var acc = array<vec4<f32>, 4>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
    for (var tile = k_lo; tile < k_hi; tile += CTILE) {
        let n = min(CTILE, k_hi - tile);
        var lm = vec2<f32>(-3.0e38);
        for (var r = lid; r < n; r += CWG) {
            let k0 = (tile + r) * stride4 + kv0;
            var d = vec2<f32>(0.0);
            for (var i = 0u; i < hd4; i++) {
                let kv = kc[k0 + i];
                if (Q_DIRECT) {
                    d.x += dot(q[qw + i], kv);
                    if (HPW == 2u) {
                        d.y += dot(q[qw + hd4 + i], kv);
                    }
                } else {
                    d.x += dot(qc[i], kv);
                    if (HPW == 2u) {
                        d.y += dot(qc[hd4 + i], kv);
                    }
                }
            }
            sc2[r] = d.x;
            sc2[CTILE + r] = d.y;
            lm = max(lm, d);
        }
        part2[lid] = lm.x;
        part2[CWG + lid] = lm.y;
        workgroupBarrier();
        var mt = m;
        for (var j = 0u; j < CWG; j++) {
            mt = max(mt, vec2<f32>(part2[j], part2[CWG + j]));
        }
        workgroupBarrier();
        var ls = vec2<f32>(0.0);
        for (var r = lid; r < n; r += CWG) {
            let e = exp(vec2<f32>(sc2[r], sc2[CTILE + r]) - mt);
            sc2[r] = e.x;
            sc2[CTILE + r] = e.y;
            ls += e;
        }
        part2[lid] = ls.x;
        part2[CWG + lid] = ls.y;
        workgroupBarrier();
        var st = vec2<f32>(0.0);
        for (var j = 0u; j < CWG; j++) {
            st += vec2<f32>(part2[j], part2[CWG + j]);
        }
        let corr = exp(m - mt);
        l = l * corr + st;
        m = mt;
        acc[0] *= corr.x;
        acc[1] *= corr.x;
        acc[2] *= corr.y;
        acc[3] *= corr.y;
        for (var r = 0u; r < n; r++) {
            let v0 = (tile + r) * stride4 + kv0;
            let e = vec2<f32>(sc2[r], sc2[CTILE + r]);
            if (lid < hd4) {
                let v = vc[v0 + lid];
                acc[0] += e.x * v;
                acc[2] += e.y * v;
            }
            if (lid + CWG < hd4) {
                let v = vc[v0 + lid + CWG];
                acc[1] += e.x * v;
                acc[3] += e.y * v;
            }
        }
        workgroupBarrier();
    }
    for (var hh = 0u; hh < HPW; hh++) {
        let o = q0 + hh * p.head_dim;
        let inv = 1.0 / l[hh];
        for (var w = 0u; w < 2u; w++) {
            let d4 = lid + w * CWG;
            if (d4 < hd4) {
                let a = acc[2u * hh + w] * inv;
                out[o + 4u * d4] = a.x;
                out[o + 4u * d4 + 1u] = a.y;
                out[o + 4u * d4 + 2u] = a.z;
                out[o + 4u * d4 + 3u] = a.w;
            }
        }
    }
}
