// Device read bandwidth probe, in two access patterns; the benchmark takes the faster one as the
// device's read bandwidth. The sums are written out so the reads cannot be optimised away.
//   main: neighbouring threads read neighbouring vec4s (what GPUs coalesce), reduced per
//         workgroup;
//   runs: each thread reads its own contiguous run of p.per_thread vec4s and writes its sum
//         (how CPU rasterizers stream memory, and how their mat-vecs read: a row per thread).

const WG: u32 = 256u;

struct Params {
    n_vec4: u32,
    per_thread: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let g = wid.x + wid.y * nwg.x;
    let base = g * WG * p.per_thread;
    var acc = vec4<f32>(0.0);
    for (var j = 0u; j < p.per_thread; j++) {
        let i = base + j * WG + lid;
        if (i < p.n_vec4) {
            acc += src[i];
        }
    }
    red[lid] = acc.x + acc.y + acc.z + acc.w;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red[lid] += red[lid + s];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        out[g] = red[0];
    }
}

@compute @workgroup_size(64)
fn runs(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = (wid.x + wid.y * nwg.x) * 64u + lid;
    let base = t * p.per_thread;
    var acc = vec4<f32>(0.0);
    for (var j = 0u; j < p.per_thread; j++) {
        let i = base + j;
        if (i < p.n_vec4) {
            acc += src[i];
        }
    }
    out[t] = acc.x + acc.y + acc.z + acc.w;
}
