// The `runs` pattern (readbw_runs.wgsl, after this source) over an rgba32uint texture read with
// textureLoad, laid out as the mat-vec's weight textures are (row-major, TEXTURE_WIDTH texels a
// row): SwiftShader loads a texel whole but a storage buffer four bytes a lane, so it reads
// weights faster this way, and the probe must measure the fastest read the device has.

const TEXTURE_WIDTH: u32 = 2048u;

@group(0) @binding(1) var src: texture_2d<u32>;

fn word(i: u32) -> vec4<f32> {
    return bitcast<vec4<f32>>(textureLoad(src, vec2<u32>(i % TEXTURE_WIDTH, i / TEXTURE_WIDTH), 0));
}
