// Token sampling on the GPU; only the chosen id is read back.
// `topk_partial`: workgroup g finds the K best (value desc, index asc) logits of its slice.
// `topk_final`:   one workgroup merges all candidates into the global top K, then picks greedily
//                 (temperature <= 0 or K = 1) or samples from softmax(top K / temperature)
//                 restricted to the smallest prefix whose mass reaches top_p, using step.rand in
//                 [0, 1) drawn by the host's seeded RNG. Writes tokens[0] (the next step's input).
// K rounds of "best below the previous pick" avoid any sorting or marking.

// Threads a workgroup (a power of two up to MAX_WG): 256 on GPUs; CPU adapters run a
// workgroup's threads in turn on one core, where the reductions' barriers dominate.
override WG: u32 = 256u;
const MAX_WG: u32 = 256u;
const MAX_K: u32 = 64u;
const NONE: u32 = 0xFFFFFFFFu;
const NEG: f32 = -3.0e38;

struct Params {
    n: u32,           // partial: logits; final: candidates
    k: u32,
    slice_len: u32,   // partial: logits per workgroup
    logits_offset: u32,
    temperature: f32,
    top_p: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read> vals_in: array<f32>;
@group(0) @binding(3) var<storage, read> idx_in: array<u32>;
@group(0) @binding(4) var<storage, read_write> vals_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> idx_out: array<u32>;
@group(0) @binding(6) var<storage, read_write> tokens: array<u32>;

var<workgroup> rv: array<f32, MAX_WG>;
var<workgroup> ri: array<u32, MAX_WG>;
var<workgroup> top_v: array<f32, MAX_K>;
var<workgroup> top_i: array<u32, MAX_K>;

// Whether (v, i) ranks before (bv, bi): larger value, then smaller index.
fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
    return i != NONE && (bi == NONE || v > bv || (v == bv && i < bi));
}

// Whether (v, i) ranks strictly after the previous pick.
fn below(v: f32, i: u32, pv: f32, pi: u32, first: bool) -> bool {
    return first || v < pv || (v == pv && i > pi);
}

fn reduce_best(v: f32, i: u32, lid: u32) {
    rv[lid] = v;
    ri[lid] = i;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s && better(rv[lid + s], ri[lid + s], rv[lid], ri[lid])) {
            rv[lid] = rv[lid + s];
            ri[lid] = ri[lid + s];
        }
        workgroupBarrier();
    }
}

@compute @workgroup_size(WG)
fn topk_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let g = wid.x;
    let begin = g * p.slice_len;
    let end = min(begin + p.slice_len, p.n);
    var pv = 0.0;
    var pi = NONE;
    for (var r = 0u; r < p.k; r++) {
        var bv = NEG;
        var bi = NONE;
        for (var i = begin + lid; i < end; i += WG) {
            let v = vals_in[p.logits_offset + i];
            if (v == v && below(v, i, pv, pi, r == 0u) && better(v, i, bv, bi)) {
                bv = v;
                bi = i;
            }
        }
        reduce_best(bv, bi, lid);
        pv = rv[0];
        pi = ri[0];
        if (lid == 0u) {
            vals_out[g * p.k + r] = pv;
            idx_out[g * p.k + r] = pi;
        }
        workgroupBarrier();
        if (pi == NONE) {
            pi = 0u;
            pv = NEG;
        }
    }
}

@compute @workgroup_size(WG)
fn topk_final(@builtin(local_invocation_index) lid: u32) {
    var pv = 0.0;
    var pi = NONE;
    let k = min(p.k, MAX_K);
    for (var r = 0u; r < k; r++) {
        var bv = NEG;
        var bi = NONE;
        for (var j = lid; j < p.n; j += WG) {
            let v = vals_in[j];
            let i = idx_in[j];
            if (i != NONE && below(v, i, pv, pi, r == 0u) && better(v, i, bv, bi)) {
                bv = v;
                bi = i;
            }
        }
        reduce_best(bv, bi, lid);
        pv = rv[0];
        pi = ri[0];
        if (lid == 0u) {
            top_v[r] = pv;
            top_i[r] = pi;
        }
        workgroupBarrier();
        if (pi == NONE) {
            pi = 0u;
            pv = NEG;
        }
    }
    if (lid != 0u) {
        return;
    }
    var chosen = top_i[0];
    if (p.temperature > 0.0 && k > 1u && chosen != NONE) {
        var total = 0.0;
        var kept = 0u;
        for (var r = 0u; r < k; r++) {
            if (top_i[r] == NONE) {
                break;
            }
            total += exp((top_v[r] - top_v[0]) / p.temperature);
            kept = r + 1u;
        }
        // Smallest prefix whose mass reaches top_p.
        var mass = 0.0;
        var n_keep = kept;
        for (var r = 0u; r < kept; r++) {
            mass += exp((top_v[r] - top_v[0]) / p.temperature);
            if (mass >= p.top_p * total) {
                n_keep = r + 1u;
                break;
            }
        }
        let goal = step.rand * mass;
        var acc = 0.0;
        chosen = top_i[n_keep - 1u];
        for (var r = 0u; r < n_keep; r++) {
            acc += exp((top_v[r] - top_v[0]) / p.temperature);
            if (goal < acc) {
                chosen = top_i[r];
                break;
            }
        }
    }
    tokens[0] = chosen;
}
