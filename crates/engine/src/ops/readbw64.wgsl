// The `runs` pattern of readbw.wgsl in 64-bit words, for native adapters with 64-bit integers
// (wgpu's SHADER_INT64; WebGPU has none). CPU rasterizers load a storage buffer lane by lane
// and component by component, so a 16-byte word read as two 64-bit halves takes half the loads
// of four 32-bit ones: lavapipe reads about twice as fast this way. Each 64-bit half is split
// back into its two f32 and summed like the other patterns, so every pattern writes the same
// total and a test can check that each word is read once.

struct Params {
    n_vec4: u32,
    per_thread: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec2<u64>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn halves(v: u64) -> vec2<f32> {
    return bitcast<vec2<f32>>(vec2<u32>(u32(v), u32(v >> 32u)));
}

@compute @workgroup_size(64)
fn runs(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = (wid.x + wid.y * nwg.x) * 64u + lid;
    let base = t * p.per_thread;
    var acc = vec2<f32>(0.0);
    for (var j = 0u; j < p.per_thread; j++) {
        let i = base + j;
        if (i < p.n_vec4) {
            let v = src[i];
            acc += halves(v.x) + halves(v.y);
        }
    }
    out[t] = acc.x + acc.y;
}
