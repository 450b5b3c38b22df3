//! Shared helpers for the GPU tests: adapter acquisition that never passes silently, a seeded
//! RNG, random valid quant blocks and a comparison that names the failing index.
#![allow(dead_code)]

use atlas_engine::gpu::GpuContext;
use atlas_engine::quant::{f32_to_f16, GgmlType};

/// A GPU context, or `None` after a loud skip message. With `ATLAS_REQUIRE_GPU=1` a missing
/// adapter is a test failure.
pub fn context(test: &str) -> Option<GpuContext> {
    match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => {
            eprintln!("[{test}] running on GPU adapter: {:?}", ctx.adapter());
            Some(ctx)
        }
        Err(e) => {
            let required = std::env::var("ATLAS_REQUIRE_GPU").is_ok_and(|v| v == "1");
            assert!(!required, "[{test}] ATLAS_REQUIRE_GPU=1 but no GPU: {e}");
            eprintln!(
                "\n==================== SKIPPED [{test}] ====================\n\
                 no GPU adapter ({e}); install mesa-vulkan-drivers (lavapipe) or set \
                 VK_ICD_FILENAMES; ATLAS_REQUIRE_GPU=1 turns this into a failure\n\
                 ===========================================================\n"
            );
            None
        }
    }
}

/// SplitMix64: small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in [-1, 1).
    pub fn sym(&mut self) -> f32 {
        self.unit() * 2.0 - 1.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.sym()).collect()
    }
}

/// `rows` rows of `cols` random but valid elements of type `ty` (finite scales).
pub fn random_weights(rng: &mut Rng, ty: GgmlType, rows: usize, cols: usize) -> Vec<u8> {
    let n = rows * cols;
    match ty {
        GgmlType::F32 => (0..n).flat_map(|_| rng.sym().to_le_bytes()).collect(),
        GgmlType::F16 => (0..n)
            .flat_map(|_| f32_to_f16(rng.sym()).to_le_bytes())
            .collect(),
        _ => {
            let ts = ty.type_size();
            let blocks = n / ty.block_size();
            let mut bytes: Vec<u8> = (0..blocks * ts).map(|_| rng.next_u64() as u8).collect();
            for b in bytes.chunks_exact_mut(ts) {
                let mut put = |off: usize, v: f32| {
                    b[off..off + 2].copy_from_slice(&f32_to_f16(v).to_le_bytes());
                };
                match ty {
                    GgmlType::Q4_0 | GgmlType::Q5_0 | GgmlType::Q8_0 => put(0, rng.sym() * 0.05),
                    GgmlType::Q4_K | GgmlType::Q5_K => {
                        put(0, rng.sym() * 0.01);
                        put(2, rng.sym() * 0.01);
                    }
                    GgmlType::Q6_K => put(208, rng.sym() * 0.01),
                    other => panic!("no random blocks for {other:?}"),
                }
            }
            bytes
        }
    }
}

/// Asserts `got` matches `want` within `abs + rel * scale[i]`, naming the first failing index.
pub fn assert_close(what: &str, got: &[f32], want: &[f32], scale: &[f32], abs: f32, rel: f32) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for i in 0..got.len() {
        let tol = abs + rel * scale.get(i).copied().unwrap_or(1.0).abs();
        let ok = (got[i] - want[i]).abs() <= tol;
        assert!(
            ok,
            "{what}: index {i}: gpu {} vs cpu {} (tolerance {tol})",
            got[i], want[i]
        );
    }
}
