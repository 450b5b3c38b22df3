// The `runs` read pattern, shared by readbw.wgsl (32-bit words) and readbw64.wgsl (64-bit words,
// native only): each thread reads its own contiguous run of p.per_thread 16-byte words through
// `word(i)`, which the source in front defines, and writes its sum (how CPU rasterizers stream
// memory, and how their mat-vecs read: a row per thread).

struct Params {
    n_vec4: u32,
    per_thread: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

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
            acc += word(i);
        }
    }
    out[t] = acc.x + acc.y + acc.z + acc.w;
}
