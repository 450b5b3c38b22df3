// Attention for one (head, query token) per workgroup over a KV cache, with grouped KV heads and
// an optional sliding window. Query token t sits at position pos = step.pos0 + t and sees keys at
// positions [max(0, pos + 1 - window), pos] (window 0 = all). Q arrives already scaled.
// Keys are visited in tiles of WG positions with an online softmax (running max and sum), so the
// context length is bounded only by the cache.

const WG: u32 = 256u;
const MAX_HEAD_DIM: u32 = 512u;
const DIMS_PER_THREAD: u32 = 2u; // MAX_HEAD_DIM / WG

struct Params {
    head_dim: u32,
    n_head: u32,
    n_kv_head: u32,
    window: u32,
    q_stride: u32,  // floats between tokens in q and out
    kv_stride: u32, // floats between positions in the caches
    n_tok: u32,
    _pad: u32,
}

struct Step {
    pos0: u32,
    n_tok: u32,
    rand: f32,
    flags: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> kc: array<f32>;
@group(0) @binding(4) var<storage, read> vc: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> qs: array<f32, MAX_HEAD_DIM>;
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

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let h = wid.x;
    let t = wid.y;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (h >= p.n_head || t >= n_tok) {
        return;
    }
    let hd = p.head_dim;
    let kvh = h / (p.n_head / p.n_kv_head);
    let pos = step.pos0 + t;
    var start = 0u;
    if (p.window > 0u && pos + 1u > p.window) {
        start = pos + 1u - p.window;
    }
    let q0 = t * p.q_stride + h * hd;
    for (var i = lid; i < hd; i += WG) {
        qs[i] = q[q0 + i];
    }
    workgroupBarrier();

    var m = -3.0e38;
    var l = 0.0;
    var acc: array<f32, DIMS_PER_THREAD>;
    for (var j = 0u; j < DIMS_PER_THREAD; j++) {
        acc[j] = 0.0;
    }
    let kv0 = kvh * hd;
    for (var tile = start; tile <= pos; tile += WG) {
        let kp = tile + lid;
        var s = -3.0e38;
        if (kp <= pos) {
            let k0 = kp * p.kv_stride + kv0;
            var dotv = 0.0;
            for (var i = 0u; i < hd; i++) {
                dotv += qs[i] * kc[k0 + i];
            }
            s = dotv;
        }
        let m_new = max(m, reduce_max(s, lid));
        var e = 0.0;
        if (kp <= pos) {
            e = exp(s - m_new);
        }
        sc[lid] = e;
        let corr = exp(m - m_new);
        l = l * corr + reduce_sum(e, lid);
        m = m_new;
        let n_in_tile = min(WG, pos + 1u - tile);
        for (var j = 0u; j < DIMS_PER_THREAD; j++) {
            let d = lid + j * WG;
            if (d < hd) {
                var a = acc[j] * corr;
                for (var r = 0u; r < n_in_tile; r++) {
                    a += sc[r] * vc[(tile + r) * p.kv_stride + kv0 + d];
                }
                acc[j] = a;
            }
        }
        workgroupBarrier();
    }
    for (var j = 0u; j < DIMS_PER_THREAD; j++) {
        let d = lid + j * WG;
        if (d < hd) {
            out[q0 + d] = acc[j] / l;
        }
    }
}
