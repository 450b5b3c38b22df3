//! Dequantization tests. Blocks are built by an independent *encoder* written here from the
//! layout description (element index -> which bytes/bits hold it), and the decoded values are
//! compared with the formula applied element by element.

use super::*;

fn h(x: f32) -> [u8; 2] {
    f32_to_f16(x).to_le_bytes()
}

/// Deterministic small PRNG for test data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

fn decode(ty: GgmlType, bytes: &[u8]) -> Vec<f32> {
    let n = bytes.len() / ty.type_size() * ty.block_size();
    let mut out = vec![f32::NAN; n];
    dequantize(ty, bytes, &mut out).expect("dequantize");
    out
}

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6 * w.abs().max(1.0),
            "index {i}: got {g}, want {w}"
        );
    }
}

#[test]
fn half_conversions() {
    assert_eq!(f16_to_f32(0x3c00), 1.0);
    assert_eq!(f16_to_f32(0xc000), -2.0);
    assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
    assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24)); // smallest subnormal
    assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
    assert_eq!(f16_to_f32(0x7bff), 65504.0);
    assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
    assert!(f16_to_f32(0x7e00).is_nan());
    assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
    // Every f16 survives a round trip through f32.
    for bits in 0..=u16::MAX {
        let x = f16_to_f32(bits);
        if x.is_nan() {
            continue;
        }
        assert_eq!(f32_to_f16(x), bits, "bits {bits:#06x}");
    }
    assert_eq!(f32_to_f16(1.0 + 2f32.powi(-11)), 0x3c00); // tie -> even
    assert_eq!(f32_to_f16(1e6), 0x7c00);
    assert_eq!(bf16_to_f32(0x3f80), 1.0);
    assert_eq!(bf16_to_f32(0xc040), -3.0);
}

#[test]
fn type_ids_and_sizes() {
    for id in 0..64u32 {
        if let Ok(t) = GgmlType::from_u32(id) {
            assert_eq!(t.to_u32(), id);
        }
    }
    assert_eq!(GgmlType::from_u32(4), Err(QuantError::UnknownType(4)));
    assert_eq!(GgmlType::from_u32(12), Ok(GgmlType::Q4_K));
    let expect = [
        (GgmlType::F32, 1, 4),
        (GgmlType::F16, 1, 2),
        (GgmlType::BF16, 1, 2),
        (GgmlType::Q4_0, 32, 18),
        (GgmlType::Q5_0, 32, 22),
        (GgmlType::Q8_0, 32, 34),
        (GgmlType::Q4_K, 256, 144),
        (GgmlType::Q5_K, 256, 176),
        (GgmlType::Q6_K, 256, 210),
    ];
    for (t, bs, ts) in expect {
        assert_eq!((t.block_size(), t.type_size()), (bs, ts), "{t:?}");
        assert!(t.can_dequantize());
    }
    assert_eq!(GgmlType::Q4_K.bytes_for(512), Some(288));
    assert_eq!(GgmlType::Q4_K.bytes_for(100), None);
}

#[test]
fn length_errors() {
    let mut out = [0.0; 32];
    assert!(matches!(
        dequantize(GgmlType::Q8_0, &[0; 33], &mut out),
        Err(QuantError::PartialBlock { .. })
    ));
    assert!(matches!(
        dequantize(GgmlType::Q8_0, &[0; 68], &mut out),
        Err(QuantError::OutputLength {
            expected: 64,
            got: 32,
            ..
        })
    ));
    assert_eq!(
        dequantize(GgmlType::Q4_1, &[0; 20], &mut out),
        Err(QuantError::Unsupported(GgmlType::Q4_1))
    );
    assert!(dequantize(GgmlType::Q8_0, &[], &mut []).is_ok());
}

#[test]
fn float_types() {
    let vals = [1.5f32, -0.25, 3.0e-3, 65504.0];
    let mut f32b = Vec::new();
    let mut f16b = Vec::new();
    let mut bf16b = Vec::new();
    for v in vals {
        f32b.extend_from_slice(&v.to_le_bytes());
        f16b.extend_from_slice(&h(v));
        bf16b.extend_from_slice(&((v.to_bits() >> 16) as u16).to_le_bytes());
    }
    assert_eq!(decode(GgmlType::F32, &f32b), vals);
    // 3e-3 = 1572.86 * 2^-19 rounds to 1573 * 2^-19 in f16.
    assert_eq!(
        decode(GgmlType::F16, &f16b),
        [1.5, -0.25, 1573.0 * 2f32.powi(-19), 65504.0]
    );
    // bf16 truncates the low mantissa bits.
    assert_eq!(
        decode(GgmlType::BF16, &bf16b),
        [1.5, -0.25, 0.002_990_722_7, 65280.0]
    );
}

#[test]
fn q8_0_hand_values() {
    // d = 0.5; quants 0, 1, -1, 127, -128, ...
    let mut b = vec![0u8; 34];
    b[..2].copy_from_slice(&h(0.5));
    let qs: [i8; 5] = [0, 1, -1, 127, -128];
    for (i, q) in qs.iter().enumerate() {
        b[2 + i] = *q as u8;
    }
    let out = decode(GgmlType::Q8_0, &b);
    assert_eq!(&out[..5], &[0.0, 0.5, -0.5, 63.5, -64.0]);
    assert!(out[5..].iter().all(|&x| x == 0.0));
}

#[test]
fn q4_0_hand_values() {
    // d = 2; byte 0 = 0xF3: element 0 <- low nibble 3 -> (3-8)*2 = -10, element 16 <- 15 -> 14.
    let mut b = vec![0x88u8; 18]; // 8 in both nibbles decodes to zero
    b[..2].copy_from_slice(&h(2.0));
    b[2] = 0xf3;
    b[17] = 0x08; // element 15 <- 8 -> 0, element 31 <- 0 -> -16
    let out = decode(GgmlType::Q4_0, &b);
    assert_eq!(out[0], -10.0);
    assert_eq!(out[16], 14.0);
    assert_eq!(out[15], 0.0);
    assert_eq!(out[31], -16.0);
    assert!(out
        .iter()
        .enumerate()
        .all(|(i, &x)| [0, 16, 31].contains(&i) || x == 0.0));
}

fn encode_q4_0(d: f32, q: &[u8; 32]) -> Vec<u8> {
    let mut b = h(d).to_vec();
    for j in 0..16 {
        b.push(q[j] | (q[j + 16] << 4));
    }
    b
}

#[test]
fn q4_0_random_blocks() {
    let mut rng = Lcg(1);
    let mut bytes = Vec::new();
    let mut want = Vec::new();
    for blk in 0..5 {
        let d = 0.125 * (blk as f32 + 1.0);
        let q: [u8; 32] = std::array::from_fn(|_| rng.below(16) as u8);
        bytes.extend(encode_q4_0(d, &q));
        want.extend(q.iter().map(|&v| (v as f32 - 8.0) * d));
    }
    assert_close(&decode(GgmlType::Q4_0, &bytes), &want);
}

#[test]
fn q5_0_blocks() {
    let mut rng = Lcg(2);
    let mut bytes = Vec::new();
    let mut want = Vec::new();
    for blk in 0..4 {
        let d = -0.75 + blk as f32;
        let q: [u32; 32] = std::array::from_fn(|_| rng.below(32));
        let mut b = h(d).to_vec();
        let mut qh = 0u32;
        for (i, &v) in q.iter().enumerate() {
            qh |= (v >> 4) << i; // element i's fifth bit is bit i of qh
        }
        b.extend_from_slice(&qh.to_le_bytes());
        for j in 0..16 {
            b.push(((q[j] & 15) | ((q[j + 16] & 15) << 4)) as u8);
        }
        bytes.extend(b);
        want.extend(q.iter().map(|&v| (v as f32 - 16.0) * d));
    }
    let got = decode(GgmlType::Q5_0, &bytes);
    assert_close(&got, &want);
    // A worked value: d = -0.75, quant 31 -> 15 * -0.75.
    let mut b = vec![0u8; 22];
    b[..2].copy_from_slice(&h(-0.75));
    b[2..6].copy_from_slice(&(1u32 << 20).to_le_bytes()); // high bit of element 20
    b[6 + 4] = 0xf0; // element 20 (high nibble of byte 4) low bits = 15
    let out = decode(GgmlType::Q5_0, &b);
    assert_eq!(out[20], -11.25);
    assert_eq!(out[4], 12.0); // element 4: quant 0 -> -16 * -0.75
}

/// Packs 8 six-bit scales and mins into the 12-byte K-quant layout.
fn pack_scales(sc: &[u8; 8], m: &[u8; 8]) -> [u8; 12] {
    let mut s = [0u8; 12];
    for j in 0..4 {
        s[j] = sc[j] | ((sc[j + 4] >> 4) << 6);
        s[j + 4] = m[j] | ((m[j + 4] >> 4) << 6);
        s[j + 8] = (sc[j + 4] & 15) | ((m[j + 4] & 15) << 4);
    }
    s
}

/// Index of the byte and nibble holding element `i` of a 4-bit K-quant block:
/// chunk c = i / 64 uses bytes 32c..32c+32, low nibbles first then high nibbles.
fn k4_position(i: usize) -> (usize, bool) {
    let c = i / 64;
    let r = i % 64;
    (32 * c + r % 32, r >= 32)
}

#[test]
fn q4_k_blocks() {
    let mut rng = Lcg(3);
    for trial in 0..3 {
        let d = 0.01 * (trial as f32 + 1.0);
        let dmin = 0.003;
        let sc: [u8; 8] = std::array::from_fn(|_| rng.below(64) as u8);
        let m: [u8; 8] = std::array::from_fn(|_| rng.below(64) as u8);
        let q: Vec<u8> = (0..256).map(|_| rng.below(16) as u8).collect();
        let mut qs = [0u8; 128];
        for (i, &v) in q.iter().enumerate() {
            let (byte, high) = k4_position(i);
            qs[byte] |= if high { v << 4 } else { v };
        }
        let mut b = Vec::new();
        b.extend(h(d));
        b.extend(h(dmin));
        b.extend(pack_scales(&sc, &m));
        b.extend(qs);
        let (d, dmin) = (f16_to_f32(f32_to_f16(d)), f16_to_f32(f32_to_f16(dmin)));
        let want: Vec<f32> = (0..256)
            .map(|i| d * sc[i / 32] as f32 * q[i] as f32 - dmin * m[i / 32] as f32)
            .collect();
        assert_close(&decode(GgmlType::Q4_K, &b), &want);
    }
}

#[test]
fn q4_k_worked_value() {
    // d = 1, dmin = 0.5; sub-block 5 (elements 160..192) has scale 33 and min 40.
    // scale 33 = 0b10_0001: low 4 bits (1) in byte 9 low nibble, top 2 bits (2) in byte 1 bits 6-7.
    // min 40 = 0b10_1000: low 4 bits (8) in byte 9 high nibble, top 2 bits (2) in byte 5 bits 6-7.
    let mut b = vec![0u8; 144];
    b[..2].copy_from_slice(&h(1.0));
    b[2..4].copy_from_slice(&h(0.5));
    b[4 + 1] = 2 << 6;
    b[4 + 5] = 2 << 6;
    b[4 + 9] = 0x81;
    // Element 170: chunk 2, high nibble of qs byte 64 + 10.
    b[16 + 74] = 0x70;
    let out = decode(GgmlType::Q4_K, &b);
    assert_eq!(out[170], 33.0 * 7.0 - 0.5 * 40.0);
    assert_eq!(out[160], -20.0);
    assert_eq!(out[0], 0.0);
}

#[test]
fn q5_k_blocks() {
    let mut rng = Lcg(4);
    let d = 0.02;
    let dmin = 0.01;
    let sc: [u8; 8] = std::array::from_fn(|_| rng.below(64) as u8);
    let m: [u8; 8] = std::array::from_fn(|_| rng.below(64) as u8);
    let q: Vec<u8> = (0..256).map(|_| rng.below(32) as u8).collect();
    let mut qh = [0u8; 32];
    let mut qs = [0u8; 128];
    for (i, &v) in q.iter().enumerate() {
        let (byte, high) = k4_position(i);
        qs[byte] |= if high { (v & 15) << 4 } else { v & 15 };
        // The fifth bit of element i sits in qh[i % 32], bit i / 32.
        qh[i % 32] |= (v >> 4) << (i / 32);
    }
    let mut b = Vec::new();
    b.extend(h(d));
    b.extend(h(dmin));
    b.extend(pack_scales(&sc, &m));
    b.extend(qh);
    b.extend(qs);
    assert_eq!(b.len(), 176);
    let (d, dmin) = (f16_to_f32(f32_to_f16(d)), f16_to_f32(f32_to_f16(dmin)));
    let want: Vec<f32> = (0..256)
        .map(|i| d * sc[i / 32] as f32 * q[i] as f32 - dmin * m[i / 32] as f32)
        .collect();
    assert_close(&decode(GgmlType::Q5_K, &b), &want);
}

#[test]
fn q6_k_blocks() {
    let mut rng = Lcg(5);
    let d = 0.0625;
    let sc: [i8; 16] = std::array::from_fn(|_| rng.below(256) as u8 as i8);
    let q: Vec<u8> = (0..256).map(|_| rng.below(64) as u8).collect();
    let mut ql = [0u8; 128];
    let mut qh = [0u8; 64];
    for (i, &v) in q.iter().enumerate() {
        // Half n = i / 128; within it, quarter k = (i % 128) / 32 and lane l = i % 32.
        let (n, k, l) = (i / 128, (i % 128) / 32, i % 32);
        let ql_byte = 64 * n + l + if k % 2 == 1 { 32 } else { 0 };
        ql[ql_byte] |= if k >= 2 { (v & 15) << 4 } else { v & 15 };
        qh[32 * n + l] |= (v >> 4) << (2 * k);
    }
    let mut b = Vec::new();
    b.extend(ql);
    b.extend(qh);
    b.extend(sc.iter().map(|&s| s as u8));
    b.extend(h(d));
    assert_eq!(b.len(), 210);
    // Scale index: 16 values per scale.
    let want: Vec<f32> = (0..256)
        .map(|i| d * sc[i / 16] as f32 * (q[i] as f32 - 32.0))
        .collect();
    assert_close(&decode(GgmlType::Q6_K, &b), &want);
}

#[test]
fn q6_k_worked_value() {
    // d = 0.5, scale 3 = -4 (elements 48..64), element 50: quarter 1 (ql byte 32 + 18 low
    // nibble), high bits at qh[18] bits 2-3. q = 0b11_0101 = 53 -> (53 - 32) * -4 * 0.5 = -42.
    let mut b = vec![0u8; 210];
    b[208..].copy_from_slice(&h(0.5));
    b[192 + 3] = (-4i8) as u8;
    b[50] = 0x05;
    b[128 + 18] = 0b11 << 2;
    let out = decode(GgmlType::Q6_K, &b);
    assert_eq!(out[50], -42.0);
    // Element 49 shares scale 3 and has q = 0: (0 - 32) * -4 * 0.5 = 64.
    assert_eq!(out[49], 64.0);
    // Elements with scale 0 decode to zero.
    assert_eq!(out[0], 0.0);
}
