// Entry points: `main` (below), `main_rows8` and `prefill_rows8` (CPU adapters: eight rows per
// thread) and `embed` (an embedding lookup from the same quantized rows).
// Quantized mat-vec (NCOLS = 1, decode) and batched mat-mul (NCOLS > 1, prefill):
//   y[t][row] (+)= sum_k W[row][k] * x[t][k]
// W keeps its quantized blocks (a ggml type, QTYPE = its type id) in a u32 array and is
// dequantized here. Q8_0, Q5_0, Q4_K and Q6_K are regrouped at upload eight rows at a time,
// block by block, in aligned fields (see q8_base, q5_base, q4k_block, q6_plane); the other
// types keep their GGUF blocks (Q4_0's 18 bytes are not 4-aligned, so its reads go through byte
// offsets).
// In `main`, a workgroup of 64 threads handles ROWS_PER_WG rows; the 64 / ROWS_PER_WG lanes of a
// row walk its 32-element units (a legacy block or a K-quant sub-block: one scale each) and the
// partial sums are reduced in workgroup memory (skipped when a row has one lane). Each thread
// keeps NCOLS accumulators, so one weight read serves NCOLS tokens.

override QTYPE: u32 = 8u;
override NCOLS: u32 = 1u;
override ROWS_PER_WG: u32 = 4u;
// GEGLU: the matrix holds gate and up rows interleaved (g0, u0, g1, u1, ...); the even row's
// thread writes gelu(g) * u to y[row / 2] (Gemma's feed-forward in one dispatch).
override GEGLU: bool = false;
// Decode on CPU adapters, eight rows per thread (entry point main_rows8, see decode_rows8).
override ROWS4: bool = false;
// With ROWS4, sixteen rows per thread (Q8_0 and Q5_0 only).
override ROWS16: bool = false;

const WG: u32 = 64u;
const MAX_NCOLS: u32 = 16u;

struct Params {
    rows: u32,         // rows held by this weight chunk
    cols: u32,         // K
    row_bytes: u32,
    n_tok: u32,        // tokens in x; 0 = take step.n_tok
    x_stride: u32,     // floats between tokens in x (multiple of 4)
    y_stride: u32,     // floats between tokens in y
    y_offset: u32,     // first y element (the chunk's first row)
    y_pos_stride: u32, // y_offset += step.pos0 * y_pos_stride (KV-cache writes)
    accumulate: u32,   // 1: y += W x (fused residual add)
    row_start: u32,    // embed: first matrix row held by this chunk
    scale: f32,        // embed: factor applied to the looked-up row
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read> tokens: array<u32>;
// The weights, read through wd (word i) and wq (16-byte word i). matvec.rs swaps this block
// for one that reads them from a texture (see matvec::WeightStore).
// weights: storage
@group(0) @binding(2) var<storage, read> w: array<u32>;
// The same weight buffer as `w`, read 16 bytes at a time where the layout is 16-byte aligned:
// CPU rasterizers load a vec4 with one per-lane loop instead of four.
@group(0) @binding(6) var<storage, read> w4: array<vec4<u32>>;
fn wd(i: u32) -> u32 { return w[i]; }
fn wq(i: u32) -> vec4<u32> { return w4[i]; }
// Words i and i + 1 for i % 4 of 0 or 2 (both in one 16-byte word).
fn wd2(i: u32) -> vec2<u32> { return vec2<u32>(w[i], w[i + 1u]); }
// end weights

var<workgroup> partial: array<f32, 1024>; // WG * MAX_NCOLS

fn byte_at(off: u32) -> u32 {
    return (wd(off >> 2u) >> ((off & 3u) * 8u)) & 0xFFu;
}

// Little-endian u32 starting at any byte offset.
fn u32_at(off: u32) -> u32 {
    let i = off >> 2u;
    let s = (off & 3u) * 8u;
    let lo = wd(i) >> s;
    let hi = select(wd(i + 1u) << ((32u - s) & 31u), 0u, s == 0u);
    return lo | hi;
}

fn f16_at(off: u32) -> f32 {
    return unpack2x16float(u32_at(off) & 0xFFFFu).x;
}

// One `mask`-wide field at bit `shift` of each of the four bytes of `a`.
fn fields(a: u32, shift: u32, mask: u32) -> vec4<f32> {
    let v = (vec4<u32>(a) >> (vec4<u32>(0u, 8u, 16u, 24u) + vec4<u32>(shift))) & vec4<u32>(mask);
    return vec4<f32>(v);
}

fn nibbles(a: u32, shift: u32) -> vec4<f32> {
    return fields(a, shift, 0xFu);
}

// The four bytes of `a` as signed values times 2^24 (each moved to the top byte, the rest
// cleared: exact floats; callers fold in TOP8 = 2^-24 with the block scale). No arithmetic
// shifts: SwiftShader runs them slowly (its lm_head mat-vec was twice as slow with them).
fn signed_top(a: u32) -> vec4<f32> {
    let v = vec4<i32>(bitcast<i32>(a << 24u), bitcast<i32>((a << 16u) & 0xFF000000u),
                      bitcast<i32>((a << 8u) & 0xFF000000u), bitcast<i32>(a & 0xFF000000u));
    return vec4<f32>(v);
}

const TOP8: f32 = 5.9604644775390625e-8; // 2^-24

// Q4_K / Q5_K 6-bit scale and min of sub-block j (0..8); `s` = byte offset of scales[12].
fn scale_min_k4(s: u32, j: u32) -> vec2<f32> {
    if (j < 4u) {
        return vec2<f32>(f32(byte_at(s + j) & 63u), f32(byte_at(s + j + 4u) & 63u));
    }
    let sc = (byte_at(s + j + 4u) & 0xFu) | ((byte_at(s + j - 4u) >> 6u) << 4u);
    let m = (byte_at(s + j + 4u) >> 4u) | ((byte_at(s + j) >> 6u) << 4u);
    return vec2<f32>(f32(sc), f32(m));
}

struct Unit {
    a: vec4<f32>,
    b: vec4<f32>,
}

// The 8 weights of unit `u` (elements 8u..8u+8) of the row starting at byte `rb`.
fn dequant8(row: u32, u: u32) -> Unit {
    let rb = row * p.row_bytes;
    let e = u * 8u;
    switch QTYPE {
        case 0u: { // F32
            let i = (rb >> 2u) + u * 8u;
            return Unit(bitcast<vec4<f32>>(vec4<u32>(wd(i), wd(i + 1u), wd(i + 2u), wd(i + 3u))),
                        bitcast<vec4<f32>>(vec4<u32>(wd(i + 4u), wd(i + 5u), wd(i + 6u), wd(i + 7u))));
        }
        case 1u: { // F16
            let i = (rb >> 2u) + u * 4u;
            return Unit(vec4<f32>(unpack2x16float(wd(i)), unpack2x16float(wd(i + 1u))),
                        vec4<f32>(unpack2x16float(wd(i + 2u)), unpack2x16float(wd(i + 3u))));
        }
        case 2u: { // Q4_0: 18 bytes = d, qs[16]; low nibbles = elements 0..16
            let bo = rb + (e / 32u) * 18u;
            let q = (e % 32u) / 8u;
            let d = f16_at(bo);
            let off = bo + 2u + (q % 2u) * 8u;
            let sh = select(0u, 4u, q >= 2u);
            return Unit((nibbles(u32_at(off), sh) - 8.0) * d, (nibbles(u32_at(off + 4u), sh) - 8.0) * d);
        }
        case 6u: { // Q5_0, regrouped at upload (see q5_base): qs[16] low nibbles = elements 0..16
            let j = e % 32u;
            let q = j / 8u;
            let i = (q5_quants(row, e / 32u) + (q % 2u) * 8u) >> 2u;
            let qh = wd(q5_high(row, e / 32u) >> 2u);
            let sh = select(0u, 4u, q >= 2u);
            let q2 = wd2(i);
            let a = nibbles(q2.x, sh) + 16.0 * fields(qh, q5_high_bit(j), 1u) - 16.0;
            let b = nibbles(q2.y, sh) + 16.0 * fields(qh, q5_high_bit(j + 4u), 1u) - 16.0;
            let d = q5_scale(row, e / 32u);
            return Unit(a * d, b * d);
        }
        case 8u: { // Q8_0, regrouped at upload (see q8_base)
            let i = (q8_quants(row, e / 32u) + e % 32u) >> 2u;
            let d = q8_scale(row, e / 32u) * TOP8;
            let q2 = wd2(i);
            return Unit(signed_top(q2.x) * d, signed_top(q2.y) * d);
        }
        case 12u: { // Q4_K: 144 bytes = d, dmin, scales[12], qs[128]
            let bo = q4k_block(row, e / 256u);
            let ee = e % 256u;
            let c = ee / 64u;
            let h = (ee % 64u) / 32u;
            let l0 = ee % 32u;
            let sm = scale_min_k4(bo + 4u, 2u * c + h);
            let dm = unpack2x16float(wd(bo >> 2u)) * sm;
            // 8-byte aligned: blocks are 16-aligned, l0 a multiple of 8.
            let q2 = wd2((bo + 16u + 32u * c + l0) >> 2u);
            return Unit(nibbles(q2.x, 4u * h) * dm.x - dm.y, nibbles(q2.y, 4u * h) * dm.x - dm.y);
        }
        case 13u: { // Q5_K: 176 bytes = d, dmin, scales[12], qh[32], qs[128]
            let bo = rb + (e / 256u) * 176u;
            let ee = e % 256u;
            let c = ee / 64u;
            let h = (ee % 64u) / 32u;
            let l0 = ee % 32u;
            let j = 2u * c + h;
            let sm = scale_min_k4(bo + 4u, j);
            let d = f16_at(bo) * sm.x;
            let m = f16_at(bo + 2u) * sm.y;
            let off = bo + 48u + 32u * c + l0;
            let hoff = bo + 16u + l0;
            let a = nibbles(u32_at(off), 4u * h) + 16.0 * fields(u32_at(hoff), j, 1u);
            let b = nibbles(u32_at(off + 4u), 4u * h) + 16.0 * fields(u32_at(hoff + 4u), j, 1u);
            return Unit(a * d - m, b * d - m);
        }
        case 14u: { // Q6_K, regrouped at upload (see q6_plane): ql[128], qh[64], scales[16] (i8), d
            let blk = e / 256u;
            let ee = e % 256u;
            let n = ee / 128u;
            let r = ee % 128u;
            let q4 = r / 32u;
            let l0 = r % 32u;
            let d = q6_d(row, blk);
            let sc = f32(bitcast<i32>(byte_at(q6_plane(row, blk, 192u, 16u) + n * 8u + l0 / 16u + 2u * q4) << 24u) >> 24u);
            // Both 8-byte aligned (16-aligned planes, l0 a multiple of 8).
            let ql = wd2((q6_plane(row, blk, 0u, 128u) + n * 64u + (q4 % 2u) * 32u + l0) >> 2u);
            let qh = wd2((q6_plane(row, blk, 128u, 64u) + n * 32u + l0) >> 2u);
            let sh = select(0u, 4u, q4 >= 2u);
            let a = nibbles(ql.x, sh) + 16.0 * fields(qh.x, 2u * q4, 3u) - 32.0;
            let b = nibbles(ql.y, sh) + 16.0 * fields(qh.y, 2u * q4, 3u) - 32.0;
            return Unit(a * (d * sc), b * (d * sc));
        }
        default: {
            return Unit(vec4<f32>(0.0), vec4<f32>(0.0));
        }
    }
}

// Q8_0, Q5_0, Q4_K and Q6_K weights are regrouped at upload (`buffers::device_layout`) eight
// rows per group, block by block: for each block, each field of the eight rows' blocks side by
// side. The byte offset where block `b` of `row`'s group starts, for blocks of `block_bytes`
// (a group is 8 * row_bytes, and eight blocks a multiple of 16 bytes):
fn grouped_at(row: u32, b: u32, block_bytes: u32) -> u32 {
    return (row / 8u) * 8u * p.row_bytes + b * 8u * block_bytes;
}

// Q8_0: the eight rows' 32 quants (256 bytes), then their eight f16 scales (16 bytes).
fn q8_base(row: u32, block: u32) -> u32 {
    return grouped_at(row, block, 34u);
}

// Byte offset of the quants of block `block` of `row` (Q8_0).
fn q8_quants(row: u32, block: u32) -> u32 {
    return q8_base(row, block) + (row % 8u) * 32u;
}

fn q8_scale(row: u32, block: u32) -> f32 {
    return f16_even(q8_base(row, block) + 256u + (row % 8u) * 2u);
}

// Q5_0: the eight rows' 16 bytes of quants (128), their 4 bytes of high bits (32, see
// q5_high_bit) and their f16 scales (16).
fn q5_base(row: u32, block: u32) -> u32 {
    return grouped_at(row, block, 22u);
}

// Byte offset of the quants of block `block` of `row` (Q5_0).
fn q5_quants(row: u32, block: u32) -> u32 {
    return q5_base(row, block) + (row % 8u) * 16u;
}

// Q6_K: the eight rows' ql (128 bytes each), qh (64), scales (16) and d (2). The byte offset
// of the `len`-byte field at `at` in a GGUF block, of block `b` of `row`:
fn q6_plane(row: u32, b: u32, at: u32, len: u32) -> u32 {
    return grouped_at(row, b, 210u) + 8u * at + (row % 8u) * len;
}

fn q6_d(row: u32, b: u32) -> f32 {
    return f16_even(q6_plane(row, b, 208u, 2u));
}

// Q4_K: the whole 144-byte block is the one field. The byte offset of block `b` of `row`:
fn q4k_block(row: u32, b: u32) -> u32 {
    return grouped_at(row, b, 144u) + (row % 8u) * 144u;
}

// Byte offset of the high bits of block `block` of `row` (Q5_0).
fn q5_high(row: u32, block: u32) -> u32 {
    return q5_base(row, block) + 128u + (row % 8u) * 4u;
}

fn q5_scale(row: u32, block: u32) -> f32 {
    return f16_even(q5_base(row, block) + 160u + (row % 8u) * 2u);
}

// f16 at an even byte offset (every f16 field of every block is): one load.
fn f16_even(off: u32) -> f32 {
    return unpack2x16float((wd(off >> 2u) >> ((off & 2u) * 8u)) & 0xFFFFu).x;
}

// The little-endian word at byte `off` + 4k, given the two aligned words around it.
fn join(lo: u32, hi: u32, s: u32) -> u32 {
    return select((lo >> s) | (hi << ((32u - s) & 31u)), lo, s == 0u);
}

const ONES: vec4<f32> = vec4<f32>(1.0);

// sum over the 32 weights of unit `u` (elements 32u..32u+32) of the row at byte `rb`, times
// x[4 xi ..]: the matrix-vector inner loop, one scale decode per unit.
fn dot32(row: u32, u: u32, xi: u32) -> f32 {
    let rb = row * p.row_bytes;
    switch QTYPE {
        case 0u: { // F32
            let i = (rb >> 2u) + u * 32u;
            var acc = 0.0;
            for (var k = 0u; k < 8u; k++) {
                let j = i + 4u * k;
                acc += dot(bitcast<vec4<f32>>(vec4<u32>(wd(j), wd(j + 1u), wd(j + 2u), wd(j + 3u))), x[xi + k]);
            }
            return acc;
        }
        case 1u: { // F16
            let i = (rb >> 2u) + u * 16u;
            var acc = 0.0;
            for (var k = 0u; k < 8u; k++) {
                let j = i + 2u * k;
                acc += dot(vec4<f32>(unpack2x16float(wd(j)), unpack2x16float(wd(j + 1u))), x[xi + k]);
            }
            return acc;
        }
        case 2u: { // Q4_0
            let bo = rb + u * 18u;
            let off = bo + 2u;
            let i = off >> 2u;
            let s = (off & 3u) * 8u;
            var acc = 0.0;
            var lo = wd(i);
            for (var k = 0u; k < 4u; k++) {
                let hi = wd(i + k + 1u);
                let q = join(lo, hi, s);
                acc += dot(nibbles(q, 0u) - 8.0, x[xi + k]) + dot(nibbles(q, 4u) - 8.0, x[xi + 4u + k]);
                lo = hi;
            }
            return f16_even(bo) * acc;
        }
        case 6u: { // Q5_0, regrouped at upload (see q5_base): one aligned 16-byte load
            let xs = array<vec4<f32>, 8>(x[xi], x[xi + 1u], x[xi + 2u], x[xi + 3u],
                                         x[xi + 4u], x[xi + 5u], x[xi + 6u], x[xi + 7u]);
            let q = wq(q5_quants(row, u) >> 4u);
            return q5_scale(row, u) * q5_dot(q, wd(q5_high(row, u) >> 2u), scaled(xs, SCALE8), sum32(xs));
        }
        case 8u: { // Q8_0, regrouped at upload (see q8_base): two aligned 16-byte loads
            let q = q8_quants(row, u) >> 4u;
            let xs = array<vec4<f32>, 8>(x[xi], x[xi + 1u], x[xi + 2u], x[xi + 3u],
                                         x[xi + 4u], x[xi + 5u], x[xi + 6u], x[xi + 7u]);
            return q8_scale(row, u) * q8_dot(wq(q), wq(q + 1u), xs);
        }
        case 12u: { // Q4_K (144-byte blocks: 4-aligned)
            let bo = q4k_block(row, u / 8u);
            let j = u % 8u;
            let sm = scale_min_k4(bo + 4u, j);
            let i = (bo + 16u + 32u * (j / 2u)) >> 2u;
            let sh = 4u * (j % 2u);
            var acc = 0.0;
            var sx = 0.0;
            for (var k = 0u; k < 8u; k++) {
                let xv = x[xi + k];
                acc += dot(nibbles(wd(i + k), sh), xv);
                sx += dot(xv, ONES);
            }
            return f16_even(bo) * sm.x * acc - f16_even(bo + 2u) * sm.y * sx;
        }
        case 13u: { // Q5_K (176-byte blocks: 4-aligned)
            let bo = rb + (u / 8u) * 176u;
            let j = u % 8u;
            let sm = scale_min_k4(bo + 4u, j);
            let i = (bo + 48u + 32u * (j / 2u)) >> 2u;
            let ih = (bo + 16u) >> 2u;
            let sh = 4u * (j % 2u);
            var acc = 0.0;
            var sx = 0.0;
            for (var k = 0u; k < 8u; k++) {
                let xv = x[xi + k];
                acc += dot(nibbles(wd(i + k), sh) + 16.0 * fields(wd(ih + k), j, 1u), xv);
                sx += dot(xv, ONES);
            }
            return f16_even(bo) * sm.x * acc - f16_even(bo + 2u) * sm.y * sx;
        }
        case 14u: { // Q6_K, regrouped at upload (see q6_plane)
            let blk = u / 8u;
            let n = (u % 8u) / 4u;
            let q4 = u % 4u;
            let ql = q6_plane(row, blk, 0u, 128u) + n * 64u + (q4 % 2u) * 32u;
            let qh = q6_plane(row, blk, 128u, 64u) + n * 32u;
            let sh = 4u * (q4 / 2u);
            let il = ql >> 2u;
            let sl = (ql & 3u) * 8u;
            let ih = qh >> 2u;
            let s_h = (qh & 3u) * 8u;
            var acc0 = 0.0;
            var acc1 = 0.0;
            var lo = wd(il);
            var loh = wd(ih);
            for (var k = 0u; k < 8u; k++) {
                let hi = wd(il + k + 1u);
                let hih = wd(ih + k + 1u);
                let q = nibbles(join(lo, hi, sl), sh) + 16.0 * fields(join(loh, hih, s_h), 2u * q4, 3u) - 32.0;
                let d = dot(q, x[xi + k]);
                if (k < 4u) {
                    acc0 += d;
                } else {
                    acc1 += d;
                }
                lo = hi;
                loh = hih;
            }
            let sc = q6_plane(row, blk, 192u, 16u) + n * 8u + 2u * q4;
            let s0 = f32(bitcast<i32>(byte_at(sc) << 24u) >> 24u);
            let s1 = f32(bitcast<i32>(byte_at(sc + 1u) << 24u) >> 24u);
            return q6_d(row, blk) * (s0 * acc0 + s1 * acc1);
        }
        default: {
            return 0.0;
        }
    }
}

// The 32 quants `a`, `b` of a Q8_0 block against its 32 inputs, unscaled.
fn q8_dot(a: vec4<u32>, b: vec4<u32>, xs: array<vec4<f32>, 8>) -> f32 {
    return TOP8 * (dot(signed_top(a.x), xs[0]) + dot(signed_top(a.y), xs[1])
        + dot(signed_top(a.z), xs[2]) + dot(signed_top(a.w), xs[3])
        + dot(signed_top(b.x), xs[4]) + dot(signed_top(b.y), xs[5])
        + dot(signed_top(b.z), xs[6]) + dot(signed_top(b.w), xs[7]));
}

// Word k of a Q5_0 block's quants (low nibbles: elements 4k.., high: 16 + 4k..) with their high
// bits already at bit 4 of each byte, `ha` (elements 4k..) and `hb` (16 + 4k..), against the
// inputs `xa` (elements 4k..) and `xb` (16 + 4k..), scaled by SCALE8: the 5-bit values are
// assembled four at a time in a word before each byte becomes a float.
fn q5_word(q: u32, ha: u32, hb: u32, xa: vec4<f32>, xb: vec4<f32>) -> f32 {
    let a = (q & 0x0F0F0F0Fu) | ha;
    let b = ((q >> 4u) & 0x0F0F0F0Fu) | hb;
    return dot(in_place4(a), xa) + dot(in_place4(b), xb);
}

// Where a Q5_0 block's high bits are after upload (`buffers::q5_0_high_bits`): the bit of
// element 4k + i is bit 8i + 4 + k, that of element 16 + 4k + i bit 8i + k, so word k's bits
// come to bit 4 of each byte with one shift by a literal amount and one mask. The bit of
// element j (0..32) in byte 0, for j a multiple of 4:
fn q5_high_bit(j: u32) -> u32 {
    return select(0u, 4u, j < 16u) + (j % 16u) / 4u;
}

// The four bytes of `v` (each below 128) as floats where they sit (byte k times 256^k, exact),
// for inputs scaled by SCALE8: a mask and a conversion a byte, no shifts; the products equal
// those of the shifted-down bytes with unscaled inputs (scaling by powers of two is exact).
fn in_place4(v: u32) -> vec4<f32> {
    return vec4<f32>(vec4<i32>(bitcast<i32>(v & 0xFFu), bitcast<i32>(v & 0xFF00u),
                               bitcast<i32>(v & 0xFF0000u), bitcast<i32>(v & 0xFF000000u)));
}

const SCALE8: vec4<f32> = vec4<f32>(1.0, 0.00390625, 0.0000152587890625, 5.9604644775390625e-8);

// Eight input words each scaled by `s` (SCALE8 or SCALE_HIGH), for the conversions in place.
fn scaled(xs: array<vec4<f32>, 8>, s: vec4<f32>) -> array<vec4<f32>, 8> {
    return array<vec4<f32>, 8>(xs[0] * s, xs[1] * s, xs[2] * s, xs[3] * s,
                               xs[4] * s, xs[5] * s, xs[6] * s, xs[7] * s);
}

// The quants `q` and high bits `h` (see q5_high_bit) of a Q5_0 block against its 32 inputs
// scaled by SCALE8 (whose plain sum is `sx`), unscaled.
fn q5_dot(q: vec4<u32>, h: u32, xs: array<vec4<f32>, 8>, sx: f32) -> f32 {
    // Shifts by literal amounts: SwiftShader runs a shift by a computed amount lane by lane.
    let m = 0x10101010u;
    return q5_word(q.x, h & m, (h << 4u) & m, xs[0], xs[4])
        + q5_word(q.y, (h >> 1u) & m, (h << 3u) & m, xs[1], xs[5])
        + q5_word(q.z, (h >> 2u) & m, (h << 2u) & m, xs[2], xs[6])
        + q5_word(q.w, (h >> 3u) & m, (h << 1u) & m, xs[3], xs[7])
        - 16.0 * sx;
}

fn sum32(xs: array<vec4<f32>, 8>) -> f32 {
    return dot(xs[0] + xs[1] + xs[2] + xs[3] + xs[4] + xs[5] + xs[6] + xs[7], ONES);
}

// Decode on a CPU adapter: Q8_0 and Q5_0 here (one eight-row group a thread, two with ROWS16,
// see grouped_at); Q4_K and Q6_K in their own functions. Each input loaded serves every row of
// the thread (CPU rasterizers load the lane-uniform inputs lane by lane or with a gather,
// costly either way), and a thread's groups are each one stream of loads. Past the last row a
// group is zero padding or a repeat of the last: read, never written.
fn decode_rows8(t: u32) {
    if (QTYPE == 12u) {
        q4k_rows(t);
        return;
    }
    if (QTYPE == 14u) {
        q6k_rows(t);
        return;
    }
    let n = select(1u, 2u, ROWS16);
    let last = (p.rows - 1u) / 8u;
    let g0 = min(n * t, last);
    let g1 = min(n * t + 1u, last);
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var u = 0u; u < p.cols / 32u; u++) {
        let xi = u * 8u;
        let xs = array<vec4<f32>, 8>(x[xi], x[xi + 1u], x[xi + 2u], x[xi + 3u],
                                     x[xi + 4u], x[xi + 5u], x[xi + 6u], x[xi + 7u]);
        let xq = scaled(xs, SCALE8);
        var sx = sum32(xs);
        if (QTYPE == 8u) {
            // 128 times the inputs of bytes 0..2 of each word (see q8_dot_in_place).
            let s3 = xs[0] + xs[1] + xs[2] + xs[3] + xs[4] + xs[5] + xs[6] + xs[7];
            sx = 128.0 * (s3.x + s3.y + s3.z);
        }
        let a = group_block(g0, u, xq, sx);
        acc0 += a[0];
        acc1 += a[1];
        if (ROWS16) {
            let b = group_block(g1, u, xq, sx);
            acc2 += b[0];
            acc3 += b[1];
        }
    }
    write_rows4(2u * n * t, acc0);
    write_rows4(2u * n * t + 1u, acc1);
    if (ROWS16) {
        write_rows4(2u * n * t + 2u, acc2);
        write_rows4(2u * n * t + 3u, acc3);
    }
}

// Block `u` of eight-row group `g` (Q8_0 or Q5_0) against its inputs `xs` scaled by SCALE8,
// with `sx` the in-place conversion's correction: rows 0..4 and 4..8's scaled dots.
fn group_block(g: u32, u: u32, xs: array<vec4<f32>, 8>, sx: f32) -> array<vec4<f32>, 2> {
    if (QTYPE == 8u) {
        return q8_group_block(g, u, xs, sx);
    }
    return q5_group_block(g, u, xs, sx);
}

// Block `u` of eight-row Q5_0 group `g` against its inputs `xs` scaled by SCALE8, with `sx` the
// inputs' plain sum (the in-place conversion's correction): rows 0..4 and 4..8's scaled dots.
fn q5_group_block(g: u32, u: u32, xs: array<vec4<f32>, 8>, sx: f32) -> array<vec4<f32>, 2> {
    let q = q5_base(8u * g, u) >> 4u; // in 16-byte words: 8 of quants, 2 of high bits, scales
    let ha = wq(q + 8u);
    let hb = wq(q + 9u);
    let sc = wq(q + 10u);
    let lo = vec4<f32>(q5_dot(wq(q), ha.x, xs, sx), q5_dot(wq(q + 1u), ha.y, xs, sx),
                       q5_dot(wq(q + 2u), ha.z, xs, sx), q5_dot(wq(q + 3u), ha.w, xs, sx));
    let hi = vec4<f32>(q5_dot(wq(q + 4u), hb.x, xs, sx), q5_dot(wq(q + 5u), hb.y, xs, sx),
                       q5_dot(wq(q + 6u), hb.z, xs, sx), q5_dot(wq(q + 7u), hb.w, xs, sx));
    return array<vec4<f32>, 2>(
        vec4<f32>(unpack2x16float(sc.x), unpack2x16float(sc.y)) * lo,
        vec4<f32>(unpack2x16float(sc.z), unpack2x16float(sc.w)) * hi,
    );
}

// The 32 quants `a`, `b` of a Q8_0 block against its inputs scaled by SCALE8, plus 128 times
// the inputs of bytes 0..2 of each word (which the caller subtracts): bytes 0..2 are offset by
// 128 (one xor a word) and converted where they sit, byte 3 is signed where it sits.
fn q8_dot_in_place(a: vec4<u32>, b: vec4<u32>, xs: array<vec4<f32>, 8>) -> f32 {
    return dot(q8_in_place(a.x), xs[0]) + dot(q8_in_place(a.y), xs[1])
        + dot(q8_in_place(a.z), xs[2]) + dot(q8_in_place(a.w), xs[3])
        + dot(q8_in_place(b.x), xs[4]) + dot(q8_in_place(b.y), xs[5])
        + dot(q8_in_place(b.z), xs[6]) + dot(q8_in_place(b.w), xs[7]);
}

fn q8_in_place(a: u32) -> vec4<f32> {
    let u = a ^ 0x00808080u;
    return vec4<f32>(vec4<i32>(bitcast<i32>(u & 0xFFu), bitcast<i32>(u & 0xFF00u),
                               bitcast<i32>(u & 0xFF0000u), bitcast<i32>(a & 0xFF000000u)));
}

// Block `u` of eight-row Q8_0 group `g` against its inputs `xs` scaled by SCALE8, with `sx` the
// in-place conversion's correction (see q8_dot_in_place): rows 0..4 and 4..8's scaled dots.
fn q8_group_block(g: u32, u: u32, xs: array<vec4<f32>, 8>, sx: f32) -> array<vec4<f32>, 2> {
    let q = q8_base(8u * g, u) >> 4u; // in 16-byte words: 16 of quants, then the scales
    let sc = wq(q + 16u);
    let lo = vec4<f32>(
        q8_dot_in_place(wq(q), wq(q + 1u), xs), q8_dot_in_place(wq(q + 2u), wq(q + 3u), xs),
        q8_dot_in_place(wq(q + 4u), wq(q + 5u), xs), q8_dot_in_place(wq(q + 6u), wq(q + 7u), xs),
    ) - sx;
    let hi = vec4<f32>(
        q8_dot_in_place(wq(q + 8u), wq(q + 9u), xs), q8_dot_in_place(wq(q + 10u), wq(q + 11u), xs),
        q8_dot_in_place(wq(q + 12u), wq(q + 13u), xs), q8_dot_in_place(wq(q + 14u), wq(q + 15u), xs),
    ) - sx;
    return array<vec4<f32>, 2>(
        vec4<f32>(unpack2x16float(sc.x), unpack2x16float(sc.y)) * lo,
        vec4<f32>(unpack2x16float(sc.z), unpack2x16float(sc.w)) * hi,
    );
}

// The four sums of thread `t`'s rows to `y` (rows past the last one are not written).
fn write_rows4(t: u32, acc: vec4<f32>) {
    if (GEGLU) {
        // Rows alternate gate, up: the group holds two outputs.
        for (var j = 0u; j < 4u; j += 2u) {
            let row = t * 4u + j;
            if (row + 1u < p.rows) {
                y[(p.y_offset + row) / 2u] = gelu_gate(acc[j], acc[j + 1u]);
            }
        }
        return;
    }
    for (var j = 0u; j < 4u; j++) {
        let row = t * 4u + j;
        if (row < p.rows) {
            let yi = p.y_offset + step.pos0 * p.y_pos_stride + row;
            let prev = select(0.0, y[yi], p.accumulate == 1u);
            y[yi] = prev + acc[j];
        }
    }
}

// Q4_K on a CPU adapter, the eight-row group of thread `t` (see q4k_block: 144-byte blocks,
// 16-byte aligned): one 64-element chunk per step, the inputs loaded once for all the
// rows, each row's block header (d, dmin, scales) one 16-byte load a block and its 32 quant
// bytes two a chunk.
fn q4k_rows(t: u32) {
    let last = p.rows - 1u;
    let r0 = 8u * t;
    let ra = vec4<u32>(min(r0, last), min(r0 + 1u, last), min(r0 + 2u, last), min(r0 + 3u, last));
    let rb = vec4<u32>(min(r0 + 4u, last), min(r0 + 5u, last), min(r0 + 6u, last), min(r0 + 7u, last));
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    for (var b = 0u; b < p.cols / 256u; b++) {
        // Each row's block header (d, dmin, scales) once for the block's four chunks.
        let ha = array<vec4<u32>, 4>(q4k_header(ra.x, b), q4k_header(ra.y, b), q4k_header(ra.z, b),
                                     q4k_header(ra.w, b));
        let hb = array<vec4<u32>, 4>(q4k_header(rb.x, b), q4k_header(rb.y, b), q4k_header(rb.z, b),
                                     q4k_header(rb.w, b));
        for (var c = 0u; c < 4u; c++) {
            let xi = b * 64u + c * 16u;
            let lo = array<vec4<f32>, 8>(x[xi], x[xi + 1u], x[xi + 2u], x[xi + 3u],
                                         x[xi + 4u], x[xi + 5u], x[xi + 6u], x[xi + 7u]);
            let hi = array<vec4<f32>, 8>(x[xi + 8u], x[xi + 9u], x[xi + 10u], x[xi + 11u],
                                         x[xi + 12u], x[xi + 13u], x[xi + 14u], x[xi + 15u]);
            let sums = vec2<f32>(dot(lo[0] + lo[1] + lo[2] + lo[3] + lo[4] + lo[5] + lo[6] + lo[7], ONES),
                                 dot(hi[0] + hi[1] + hi[2] + hi[3] + hi[4] + hi[5] + hi[6] + hi[7], ONES));
            let los = scaled(lo, SCALE8);
            let his = scaled(hi, SCALE_HIGH);
            acc0 += vec4<f32>(q4k_chunk(ra.x, b, c, ha[0], los, his, sums), q4k_chunk(ra.y, b, c, ha[1], los, his, sums),
                              q4k_chunk(ra.z, b, c, ha[2], los, his, sums), q4k_chunk(ra.w, b, c, ha[3], los, his, sums));
            acc1 += vec4<f32>(q4k_chunk(rb.x, b, c, hb[0], los, his, sums), q4k_chunk(rb.y, b, c, hb[1], los, his, sums),
                              q4k_chunk(rb.z, b, c, hb[2], los, his, sums), q4k_chunk(rb.w, b, c, hb[3], los, his, sums));
        }
    }
    write_rows4(2u * t, acc0);
    write_rows4(2u * t + 1u, acc1);
}

// The low and the high nibbles of the four bytes of `q` as floats where they sit (see
// in_place4), for inputs scaled by SCALE8 (low) and SCALE_HIGH (high): the top byte's high
// nibble is shifted down to bits 24..28 (above, it would not be a positive i32).
fn low_in_place(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<i32>(bitcast<i32>(q & 0xFu), bitcast<i32>(q & 0xF00u),
                               bitcast<i32>(q & 0xF0000u), bitcast<i32>(q & 0xF000000u)));
}

fn high_in_place(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<i32>(bitcast<i32>(q & 0xF0u), bitcast<i32>(q & 0xF000u),
                               bitcast<i32>(q & 0xF00000u), bitcast<i32>((q >> 4u) & 0xF000000u)));
}

const SCALE_HIGH: vec4<f32> = vec4<f32>(0.0625, 0.000244140625, 9.5367431640625e-7, 5.9604644775390625e-8);


// The 16-byte header of block `b` of `row` (Q4_K): d, dmin | scales 0..4 | 4..8 | 8..12.
fn q4k_header(row: u32, b: u32) -> vec4<u32> {
    return wq(q4k_block(row, b) >> 4u);
}

// Chunk `c` (elements 64c..64c+64, sub-blocks 2c and 2c+1) of block `b` of `row`, whose header
// is `h`, against the inputs `lo` (its first 32 elements, scaled by SCALE8), `hi` (the next 32,
// by SCALE_HIGH) and their plain sums.
fn q4k_chunk(row: u32, b: u32, c: u32, h: vec4<u32>, lo: array<vec4<f32>, 8>, hi: array<vec4<f32>, 8>, sums: vec2<f32>) -> f32 {
    let bo = q4k_block(row, b);
    let dm = unpack2x16float(h.x);
    // scale_min_k4 for j = 2c and 2c + 1, from the header words: bytes 2(c % 2) and 2(c % 2) + 1
    // of scales 0..4 (y), 4..8 (z) and 8..12 (w), so the odd chunks take the words' upper
    // halves. Shifts by literal amounts only (SwiftShader runs computed ones lane by lane).
    let odd = (c & 1u) == 1u;
    let y = select(h.y, h.y >> 16u, odd);
    let z = select(h.z, h.z >> 16u, odd);
    let w = select(h.w, h.w >> 16u, odd);
    var sc: vec2<f32>;
    var mn: vec2<f32>;
    if (c < 2u) {
        sc = vec2<f32>(f32(y & 63u), f32((y >> 8u) & 63u));
        mn = vec2<f32>(f32(z & 63u), f32((z >> 8u) & 63u));
    } else {
        sc = vec2<f32>(f32((w & 0xFu) | (((y >> 6u) & 3u) << 4u)),
                       f32(((w >> 8u) & 0xFu) | (((y >> 14u) & 3u) << 4u)));
        mn = vec2<f32>(f32(((w >> 4u) & 0xFu) | (((z >> 6u) & 3u) << 4u)),
                       f32(((w >> 12u) & 0xFu) | (((z >> 14u) & 3u) << 4u)));
    }
    let q = (bo + 16u + 32u * c) >> 4u;
    let qa = wq(q);
    let qb = wq(q + 1u);
    let dl = dot(low_in_place(qa.x), lo[0]) + dot(low_in_place(qa.y), lo[1])
        + dot(low_in_place(qa.z), lo[2]) + dot(low_in_place(qa.w), lo[3])
        + dot(low_in_place(qb.x), lo[4]) + dot(low_in_place(qb.y), lo[5])
        + dot(low_in_place(qb.z), lo[6]) + dot(low_in_place(qb.w), lo[7]);
    let dh = dot(high_in_place(qa.x), hi[0]) + dot(high_in_place(qa.y), hi[1])
        + dot(high_in_place(qa.z), hi[2]) + dot(high_in_place(qa.w), hi[3])
        + dot(high_in_place(qb.x), hi[4]) + dot(high_in_place(qb.y), hi[5])
        + dot(high_in_place(qb.z), hi[6]) + dot(high_in_place(qb.w), hi[7]);
    return dm.x * (sc.x * dl + sc.y * dh) - dm.y * (mn.x * sums.x + mn.y * sums.y);
}

// Q6_K on a CPU adapter, the eight-row group of thread `t` (see q6_plane), as two halves of
// four rows (`ra` and `rb`, the last four-row half repeated past the last row): 16 elements
// of each of the four 32-element quarters of a 128-element half at a time, the inputs loaded once
// for all the rows; per row three 16-byte loads of quants and one of the block's 16 scales.
fn q6k_rows(t: u32) {
    let last = (p.rows - 1u) / 4u;
    let ra = 4u * min(2u * t, last);
    let rb = 4u * min(2u * t + 1u, last);
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    for (var b = 0u; b < p.cols / 256u; b++) {
        // Each row's 16 scales and d once for the block's four parts.
        let sa = array<vec4<u32>, 4>(q6_scales(ra, b), q6_scales(ra + 1u, b), q6_scales(ra + 2u, b),
                                     q6_scales(ra + 3u, b));
        let sb = array<vec4<u32>, 4>(q6_scales(rb, b), q6_scales(rb + 1u, b), q6_scales(rb + 2u, b),
                                     q6_scales(rb + 3u, b));
        let da = q6_d4(ra, b);
        let db = q6_d4(rb, b);
        for (var n = 0u; n < 2u; n++) {
            for (var k = 0u; k < 2u; k++) {
                let xb = b * 64u + n * 32u + 4u * k;
                let x0 = array<vec4<f32>, 4>(x[xb], x[xb + 1u], x[xb + 2u], x[xb + 3u]);
                let x1 = array<vec4<f32>, 4>(x[xb + 8u], x[xb + 9u], x[xb + 10u], x[xb + 11u]);
                let x2 = array<vec4<f32>, 4>(x[xb + 16u], x[xb + 17u], x[xb + 18u], x[xb + 19u]);
                let x3 = array<vec4<f32>, 4>(x[xb + 24u], x[xb + 25u], x[xb + 26u], x[xb + 27u]);
                let sums = vec4<f32>(dot(x0[0] + x0[1] + x0[2] + x0[3], ONES), dot(x1[0] + x1[1] + x1[2] + x1[3], ONES),
                                     dot(x2[0] + x2[1] + x2[2] + x2[3], ONES), dot(x3[0] + x3[1] + x3[2] + x3[3], ONES));
                let s0 = scaled4(x0);
                let s1 = scaled4(x1);
                let s2 = scaled4(x2);
                let s3 = scaled4(x3);
                acc0 += da * vec4<f32>(q6_part(ra, b, n, k, sa[0], s0, s1, s2, s3, sums),
                                       q6_part(ra + 1u, b, n, k, sa[1], s0, s1, s2, s3, sums),
                                       q6_part(ra + 2u, b, n, k, sa[2], s0, s1, s2, s3, sums),
                                       q6_part(ra + 3u, b, n, k, sa[3], s0, s1, s2, s3, sums));
                acc1 += db * vec4<f32>(q6_part(rb, b, n, k, sb[0], s0, s1, s2, s3, sums),
                                       q6_part(rb + 1u, b, n, k, sb[1], s0, s1, s2, s3, sums),
                                       q6_part(rb + 2u, b, n, k, sb[2], s0, s1, s2, s3, sums),
                                       q6_part(rb + 3u, b, n, k, sb[3], s0, s1, s2, s3, sums));
            }
        }
    }
    write_rows4(2u * t, acc0);
    write_rows4(2u * t + 1u, acc1);
}

fn scaled4(xs: array<vec4<f32>, 4>) -> array<vec4<f32>, 4> {
    return array<vec4<f32>, 4>(xs[0] * SCALE8, xs[1] * SCALE8, xs[2] * SCALE8, xs[3] * SCALE8);
}

// One word (4 elements of each quarter) of a Q6_K half: ql words `a` (quarters 0, 2) and `b`
// (1, 3), qh word `h`, against the inputs of each quarter (scaled by SCALE8): the four unshifted,
// unscaled dots. The 6-bit values are assembled four per word and converted where they sit (as
// in q5_word).
fn q6_word(a: u32, b: u32, h: u32, x0: vec4<f32>, x1: vec4<f32>, x2: vec4<f32>, x3: vec4<f32>) -> vec4<f32> {
    let lo = 0x0F0F0F0Fu;
    let hi = 0x30303030u;
    return vec4<f32>(dot(in_place4((a & lo) | ((h << 4u) & hi)), x0),
                     dot(in_place4((b & lo) | ((h << 2u) & hi)), x1),
                     dot(in_place4(((a >> 4u) & lo) | (h & hi)), x2),
                     dot(in_place4(((b >> 4u) & lo) | ((h >> 2u) & hi)), x3));
}

// The 16 scales (i8) of block `b` of `row` (Q6_K, see q6_plane).
fn q6_scales(row: u32, b: u32) -> vec4<u32> {
    return wq(q6_plane(row, b, 192u, 16u) >> 4u);
}

// The d of block `b` of the four rows from `r0` (a multiple of 4; side by side: two loads).
fn q6_d4(r0: u32, b: u32) -> vec4<f32> {
    let i = q6_plane(r0, b, 208u, 2u) >> 2u;
    return vec4<f32>(unpack2x16float(wd(i)), unpack2x16float(wd(i + 1u)));
}

// Elements 16k..16k+16 of the four quarters of half `n` of block `b` of `row`, whose scales are
// `sc`; `sums` = the sum of each quarter's 16 inputs (for the -32 offset), the inputs x0..x3
// scaled by SCALE8. Not yet multiplied by the block's d.
fn q6_part(row: u32, b: u32, n: u32, k: u32, sc: vec4<u32>, x0: array<vec4<f32>, 4>,
           x1: array<vec4<f32>, 4>, x2: array<vec4<f32>, 4>, x3: array<vec4<f32>, 4>,
           sums: vec4<f32>) -> f32 {
    let ql = q6_plane(row, b, 0u, 128u) + n * 64u + 16u * k;
    let qa = wq(ql >> 4u);
    let qb = wq((ql + 32u) >> 4u);
    let qh = wq((q6_plane(row, b, 128u, 64u) + n * 32u + 16u * k) >> 4u);
    let dots = q6_word(qa.x, qb.x, qh.x, x0[0], x1[0], x2[0], x3[0])
        + q6_word(qa.y, qb.y, qh.y, x0[1], x1[1], x2[1], x3[1])
        + q6_word(qa.z, qb.z, qh.z, x0[2], x1[2], x2[2], x3[2])
        + q6_word(qa.w, qb.w, qh.w, x0[3], x1[3], x2[3], x3[3]);
    // Scales 8n + k + (0, 2, 4, 6): bytes k and k + 2 of words 2n and 2n + 1, each moved to the
    // top byte (times 2^24, folded into TOP8) by constant shifts: no arithmetic or variable
    // shifts, which SwiftShader runs slowly.
    let ua = select(select(sc.x, sc.z, n == 1u), select(sc.x, sc.z, n == 1u) >> 8u, k == 1u);
    let ub = select(select(sc.y, sc.w, n == 1u), select(sc.y, sc.w, n == 1u) >> 8u, k == 1u);
    let scales = vec4<f32>(vec4<i32>(bitcast<i32>(ua << 24u), bitcast<i32>((ua << 8u) & 0xFF000000u),
                                     bitcast<i32>(ub << 24u), bitcast<i32>((ub << 8u) & 0xFF000000u)));
    return TOP8 * dot(scales, dots - 32.0 * sums);
}

// gelu(g) * u (tanh approximation), Gemma's feed-forward gate.
fn gelu_gate(g: f32, u: f32) -> f32 {
    let inner = clamp(0.7978845608028654 * g * (1.0 + 0.044715 * g * g), -15.0, 15.0);
    return 0.5 * g * (1.0 + tanh(inner)) * u;
}

// The decode entry point with ROWS4 (see decode_rows8): 8 threads of eight rows (sixteen with
// ROWS16), so 64 (128) rows, a workgroup. Small workgroups spread a small matrix over every
// core of a CPU adapter (a workgroup runs on one core: 640 rows in workgroups of 256 rows would
// keep one of two cores idle a third of the time).
@compute @workgroup_size(8)
fn main_rows8(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    if (ROWS4) {
        decode_rows8((wid.x + wid.y * nwg.x) * 8u + lid);
    }
}

// Prefill on a CPU adapter (entry point prefill_rows8, with ROWS4): eight rows and NCOLS tokens
// per thread, 8 threads a workgroup (64 rows, as `main_rows8`). Each 8-weight unit is dequantized
// once per row and used for NCOLS tokens, and each input loaded serves the eight rows: the input
// loads, not the weights, bound the one-row-per-thread prefill there, and eight rows instead of
// four made a 128-token prefill about a fifth faster on both lavapipe and SwiftShader.
// Tokens past the chunk's last are not computed (the bound is the same for every lane).
@compute @workgroup_size(8)
fn prefill_rows8(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let r0 = 8u * ((wid.x + wid.y * nwg.x) * 8u + lid);
    let t0 = wid.z * NCOLS;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    let last = p.rows - 1u;
    let last_tok = max(n_tok, 1u) - 1u;
    var acc: array<vec4<f32>, MAX_NCOLS>;
    var acc2: array<vec4<f32>, MAX_NCOLS>;
    for (var c = 0u; c < MAX_NCOLS; c++) {
        acc[c] = vec4<f32>(0.0);
        acc2[c] = vec4<f32>(0.0);
    }
    for (var u = 0u; u < p.cols / 8u; u++) {
        let v0 = dequant8(min(r0, last), u);
        let v1 = dequant8(min(r0 + 1u, last), u);
        let v2 = dequant8(min(r0 + 2u, last), u);
        let v3 = dequant8(min(r0 + 3u, last), u);
        let v4 = dequant8(min(r0 + 4u, last), u);
        let v5 = dequant8(min(r0 + 5u, last), u);
        let v6 = dequant8(min(r0 + 6u, last), u);
        let v7 = dequant8(min(r0 + 7u, last), u);
        for (var c = 0u; c < NCOLS; c++) {
            if (t0 + c > last_tok) {
                break;
            }
            let xi = ((t0 + c) * p.x_stride + u * 8u) / 4u;
            let xa = x[xi];
            let xb = x[xi + 1u];
            acc[c] += vec4<f32>(dot(v0.a, xa) + dot(v0.b, xb), dot(v1.a, xa) + dot(v1.b, xb),
                                dot(v2.a, xa) + dot(v2.b, xb), dot(v3.a, xa) + dot(v3.b, xb));
            acc2[c] += vec4<f32>(dot(v4.a, xa) + dot(v4.b, xb), dot(v5.a, xa) + dot(v5.b, xb),
                                 dot(v6.a, xa) + dot(v6.b, xb), dot(v7.a, xa) + dot(v7.b, xb));
        }
    }
    for (var c = 0u; c < NCOLS; c++) {
        let t = t0 + c;
        if (t >= n_tok) {
            break;
        }
        for (var half = 0u; half < 2u; half++) {
            let sums = select(acc[c], acc2[c], half == 1u);
            let rh = r0 + 4u * half;
            if (GEGLU) {
                for (var j = 0u; j < 4u; j += 2u) {
                    let row = rh + j;
                    if (row + 1u < p.rows) {
                        y[(p.y_offset + row) / 2u + t * p.y_stride] = gelu_gate(sums[j], sums[j + 1u]);
                    }
                }
            } else {
                for (var j = 0u; j < 4u; j++) {
                    let row = rh + j;
                    if (row < p.rows) {
                        let yi = p.y_offset + step.pos0 * p.y_pos_stride + t * p.y_stride + row;
                        let prev = select(0.0, y[yi], p.accumulate == 1u);
                        y[yi] = prev + sums[j];
                    }
                }
            }
        }
    }
}

@compute @workgroup_size(64)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let lanes = WG / ROWS_PER_WG;
    let lane = lid % lanes;
    let row = (wid.x + wid.y * nwg.x) * ROWS_PER_WG + lid / lanes;
    let t0 = wid.z * NCOLS;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    var acc: array<f32, MAX_NCOLS>;
    for (var c = 0u; c < MAX_NCOLS; c++) {
        acc[c] = 0.0;
    }
    if (NCOLS == 1u) {
        // Decode: one token, a whole 32-element unit per step. No branch encloses the loop: CPU
        // adapters run it for all lanes at once, and a load every lane shares (x) stays one
        // load. Lanes past the last row or token compute on a valid one and never write.
        let r = min(row, p.rows - 1u);
        let units = p.cols / 32u;
        let xt = min(t0, max(n_tok, 1u) - 1u) * p.x_stride / 4u;
        var sum = 0.0;
        for (var u = lane; u < units; u += lanes) {
            sum += dot32(r, u, xt + u * 8u);
        }
        acc[0] = sum;
    } else if (row < p.rows) {
        {
            // Prefill: each 8-weight unit is dequantized once and used for NCOLS tokens.
            let units = p.cols / 8u;
            for (var u = lane; u < units; u += lanes) {
                let v = dequant8(row, u);
                for (var c = 0u; c < NCOLS; c++) {
                    let t = t0 + c;
                    if (t < n_tok) {
                        let xi = (t * p.x_stride + u * 8u) / 4u;
                        acc[c] += dot(v.a, x[xi]) + dot(v.b, x[xi + 1u]);
                    }
                }
            }
        }
    }
    for (var c = 0u; c < NCOLS; c++) {
        partial[c * WG + lid] = acc[c];
    }
    workgroupBarrier();
    for (var s = lanes / 2u; s > 0u; s >>= 1u) {
        if (lane < s) {
            for (var c = 0u; c < NCOLS; c++) {
                partial[c * WG + lid] += partial[c * WG + lid + s];
            }
        }
        workgroupBarrier();
    }
    if (GEGLU) {
        if (lane == 0u && row % 2u == 0u && row + 1u < p.rows) {
            for (var c = 0u; c < NCOLS; c++) {
                let t = t0 + c;
                if (t < n_tok) {
                    let g = partial[c * WG + lid];
                    let u = partial[c * WG + lid + lanes];
                    y[(p.y_offset + row) / 2u + t * p.y_stride] = gelu_gate(g, u);
                }
            }
        }
        return;
    }
    if (lane == 0u && row < p.rows) {
        for (var c = 0u; c < NCOLS; c++) {
            let t = t0 + c;
            if (t < n_tok) {
                let yi = p.y_offset + step.pos0 * p.y_pos_stride + t * p.y_stride + row;
                let prev = select(0.0, y[yi], p.accumulate == 1u);
                y[yi] = prev + partial[c * WG + lid];
            }
        }
    }
}

// Embedding lookup: y[t][k] = scale * W[tokens[t]][k] for the rows this chunk holds (other chunks'
// dispatches write the rest). Grid: (ceil(cols / 8 / 64), tokens).
@compute @workgroup_size(64)
fn embed(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = gid.y;
    let u = gid.x;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (t >= n_tok || u >= p.cols / 8u) {
        return;
    }
    let tok = tokens[t];
    if (tok < p.row_start || tok >= p.row_start + p.rows) {
        return;
    }
    let v = dequant8(tok - p.row_start, u);
    let o = t * p.y_stride + u * 8u;
    for (var i = 0u; i < 4u; i++) {
        y[o + i] = v.a[i] * p.scale;
        y[o + 4u + i] = v.b[i] * p.scale;
    }
}
