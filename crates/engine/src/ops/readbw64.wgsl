// The `runs` pattern (readbw_runs.wgsl, after this source) in 64-bit words, for native adapters
// with 64-bit integers (wgpu's SHADER_INT64; WebGPU has none). CPU rasterizers load a storage
// buffer lane by lane and component by component, so a 16-byte word read as two 64-bit halves
// takes half the loads of four 32-bit ones: lavapipe reads about twice as fast this way. Each
// 64-bit half is split back into its two f32 and summed like the other patterns, so every
// pattern writes the same total and a test can check that each word is read once.

@group(0) @binding(1) var<storage, read> src: array<vec2<u64>>;

fn halves(v: u64) -> vec2<f32> {
    return bitcast<vec2<f32>>(vec2<u32>(u32(v), u32(v >> 32u)));
}

// The two halves summed as they are loaded (a vec2 add; four lanes cost lavapipe about 5% of
// the probe's bandwidth), in the first two lanes: the total is the same.
fn word(i: u32) -> vec4<f32> {
    let v = src[i];
    return vec4<f32>(halves(v.x) + halves(v.y), 0.0, 0.0);
}
