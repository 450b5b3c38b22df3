// Device read bandwidth probe, in two access patterns; the benchmark takes the faster one as the
// device's read bandwidth. The sums are written out so the reads cannot be optimised away.
//   main: neighbouring threads read neighbouring vec4s (what GPUs coalesce), reduced per
//         workgroup;
//   runs: each thread reads its own contiguous run of p.per_thread vec4s and writes its sum
//         (readbw_runs.wgsl, after this source).

const WG: u32 = 256u;

@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;

fn word(i: u32) -> vec4<f32> {
    return src[i];
}

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
