//! Model configuration and the CPU forward pass on tiny synthetic GGUF files.

use atlas_engine::gguf::writer::GgufBuilder;
use atlas_engine::gguf::{GgufFile, Value};
use atlas_engine::model::{Activation, Arch, CpuModel, ModelConfig, ModelError, RopeStyle};

const VOCAB: u64 = 10;
const EMBD: u64 = 8;
const HEAD_DIM: u64 = 4;
const N_HEAD: u64 = 2;
const N_KV: u64 = 1;
const FF: u64 = 16;

struct Rng(u64);
impl Rng {
    fn vals(&mut self, n: u64) -> Vec<f32> {
        (0..n)
            .map(|_| {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 1.5
            })
            .collect()
    }
}

/// A tiny model of architecture `arch` with `layers` layers and optional sliding window.
fn tiny(arch: &str, layers: u32, window: Option<u32>) -> Vec<u8> {
    let mut r = Rng(42);
    let k = |s: &str| format!("{arch}.{s}");
    let mut b = GgufBuilder::new()
        .kv("general.architecture", Value::String(arch.into()))
        .kv(&k("embedding_length"), Value::U32(EMBD as u32))
        .kv(&k("block_count"), Value::U32(layers))
        .kv(&k("feed_forward_length"), Value::U32(FF as u32))
        .kv(&k("attention.head_count"), Value::U32(N_HEAD as u32))
        .kv(&k("attention.head_count_kv"), Value::U32(N_KV as u32))
        .kv(&k("attention.key_length"), Value::U32(HEAD_DIM as u32))
        .kv(&k("attention.value_length"), Value::U32(HEAD_DIM as u32))
        .kv(&k("attention.layer_norm_rms_epsilon"), Value::F32(1e-6))
        .kv(&k("context_length"), Value::U32(128))
        .kv(&k("rope.freq_base"), Value::F32(10_000.0));
    if let Some(w) = window {
        b = b.kv(&k("attention.sliding_window"), Value::U32(w));
    }
    b = b
        .tensor_f32("token_embd.weight", &[EMBD, VOCAB], &r.vals(EMBD * VOCAB))
        .tensor_f32("output_norm.weight", &[EMBD], &r.vals(EMBD));
    let (q, kv) = (N_HEAD * HEAD_DIM, N_KV * HEAD_DIM);
    for i in 0..layers {
        let n = |s: &str| format!("blk.{i}.{s}");
        b = b
            .tensor_f32(&n("attn_norm.weight"), &[EMBD], &r.vals(EMBD))
            .tensor_f32(&n("attn_q.weight"), &[EMBD, q], &r.vals(EMBD * q))
            .tensor_f32(&n("attn_k.weight"), &[EMBD, kv], &r.vals(EMBD * kv))
            .tensor_f32(&n("attn_v.weight"), &[EMBD, kv], &r.vals(EMBD * kv))
            .tensor_f32(&n("attn_output.weight"), &[q, EMBD], &r.vals(q * EMBD))
            .tensor_f32(&n("ffn_norm.weight"), &[EMBD], &r.vals(EMBD))
            .tensor_f32(&n("ffn_gate.weight"), &[EMBD, FF], &r.vals(EMBD * FF))
            .tensor_f32(&n("ffn_up.weight"), &[EMBD, FF], &r.vals(EMBD * FF))
            .tensor_f32(&n("ffn_down.weight"), &[FF, EMBD], &r.vals(FF * EMBD));
        if arch == "gemma3" || arch == "qwen3" {
            b = b
                .tensor_f32(&n("attn_q_norm.weight"), &[HEAD_DIM], &r.vals(HEAD_DIM))
                .tensor_f32(&n("attn_k_norm.weight"), &[HEAD_DIM], &r.vals(HEAD_DIM));
        }
        if arch == "gemma3" {
            b = b
                .tensor_f32(&n("post_attention_norm.weight"), &[EMBD], &r.vals(EMBD))
                .tensor_f32(&n("post_ffw_norm.weight"), &[EMBD], &r.vals(EMBD));
        }
        if arch == "qwen2" {
            b = b
                .tensor_f32(&n("attn_q.bias"), &[q], &r.vals(q))
                .tensor_f32(&n("attn_k.bias"), &[kv], &r.vals(kv))
                .tensor_f32(&n("attn_v.bias"), &[kv], &r.vals(kv));
        }
    }
    b.build()
}

fn load(bytes: &[u8]) -> CpuModel {
    let f = GgufFile::parse(bytes).expect("parse");
    CpuModel::load(&f, bytes).expect("load")
}

fn run(m: &mut CpuModel, tokens: &[u32]) -> Vec<f32> {
    m.reset();
    m.forward(tokens).expect("forward")
}

fn assert_close(a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol, "logit {i}: {x} vs {y}");
    }
}

#[test]
fn configs_per_architecture() {
    let cfg = |arch, layers, window| {
        ModelConfig::from_gguf(&GgufFile::parse(tiny(arch, layers, window).as_slice()).unwrap())
            .unwrap()
    };
    let g = cfg("gemma3", 7, Some(3));
    assert_eq!(g.arch, Arch::Gemma3);
    assert_eq!(
        (g.n_vocab, g.n_embd, g.head_dim, g.n_head, g.n_head_kv),
        (10, 8, 4, 2, 1)
    );
    assert_eq!(g.activation, Activation::GeluTanh);
    assert_eq!(g.embed_scale, Some(8f32.sqrt()));
    let sliding: Vec<bool> = (0..7).map(|l| g.is_sliding(l)).collect();
    assert_eq!(sliding, [true, true, true, true, true, false, true]);
    assert_eq!(g.rope_for_layer(0).0, 10_000.0);
    let l = cfg("llama", 1, None);
    assert_eq!(l.rope_style, RopeStyle::Interleaved);
    assert!(!l.qk_norm && !l.post_norms && l.embed_scale.is_none());
    assert_eq!(l.activation, Activation::Silu);
    assert!(!l.is_sliding(0));
    assert!(cfg("qwen2", 1, None).qkv_bias);
    assert!(cfg("qwen3", 1, None).qk_norm);
    let bad = GgufBuilder::new()
        .kv("general.architecture", Value::String("mamba".into()))
        .build();
    assert!(matches!(
        ModelConfig::from_gguf(&GgufFile::parse(bad.as_slice()).unwrap()),
        Err(ModelError::UnsupportedArch(_))
    ));
}

#[test]
fn every_architecture_runs_and_the_kv_cache_is_consistent() {
    for arch in ["gemma3", "llama", "qwen2", "qwen3"] {
        let bytes = tiny(arch, 2, None);
        let mut m = load(&bytes);
        let all = run(&mut m, &[1, 2, 3, 4]);
        assert_eq!(all.len(), VOCAB as usize);
        assert!(all.iter().all(|v| v.is_finite()), "{arch}");
        // Prefill in two pieces through the cache gives the same logits.
        m.reset();
        m.forward(&[1, 2]).unwrap();
        let split = m.forward(&[3, 4]).unwrap();
        assert_close(&all, &split, 1e-5);
        assert_eq!(m.n_past(), 4);
        // And one token at a time.
        m.reset();
        let mut single = Vec::new();
        for t in [1, 2, 3, 4] {
            single = m.forward(&[t]).unwrap();
        }
        assert_close(&all, &single, 1e-5);
        // Earlier tokens matter (attention is not a no-op).
        let other = run(&mut m, &[5, 2, 3, 4]);
        assert!(
            all.iter().zip(&other).any(|(a, b)| (a - b).abs() > 1e-4),
            "{arch}"
        );
    }
}

#[test]
fn long_prompts_batch_in_chunks_like_single_steps() {
    // 100 tokens cross the 64-token prefill batch; a window of 5 is active on layer 0.
    let mut m = load(&tiny("gemma3", 6, Some(5)));
    let prompt: Vec<u32> = (0..100).map(|i| (i * 7 % VOCAB) as u32).collect();
    let batched = run(&mut m, &prompt);
    m.reset();
    let mut single = Vec::new();
    for &t in &prompt {
        single = m.forward(&[t]).unwrap();
    }
    assert_close(&batched, &single, 1e-4);
}

#[test]
fn sliding_window_hides_old_positions() {
    // One layer, sliding (layer 0 of a gemma3 model), window 2: the last position sees itself
    // and one before it, so the first token cannot change the result.
    let mut m = load(&tiny("gemma3", 1, Some(2)));
    let a = run(&mut m, &[1, 2, 3]);
    let b = run(&mut m, &[7, 2, 3]);
    assert_close(&a, &b, 1e-6);
    // With a window of 3 it can.
    let mut m = load(&tiny("gemma3", 1, Some(3)));
    let a = run(&mut m, &[1, 2, 3]);
    let b = run(&mut m, &[7, 2, 3]);
    assert!(a.iter().zip(&b).any(|(x, y)| (x - y).abs() > 1e-4));
}

#[test]
fn load_and_run_errors() {
    let bytes = tiny("llama", 1, None);
    let f = GgufFile::parse(bytes.as_slice()).unwrap();
    let mut m = CpuModel::load(&f, bytes.as_slice()).unwrap();
    assert!(matches!(
        m.forward(&[VOCAB as u32]),
        Err(ModelError::TokenOutOfRange { .. })
    ));
    assert!(matches!(
        m.forward(&[1; 129]),
        Err(ModelError::ContextFull(128))
    ));
    assert!(m.forward(&[]).unwrap().is_empty());
    // A file that lacks a layer tensor or has a wrongly shaped one.
    let cut = GgufBuilder::new()
        .kv("general.architecture", Value::String("llama".into()))
        .kv("llama.embedding_length", Value::U32(8))
        .kv("llama.block_count", Value::U32(1))
        .kv("llama.feed_forward_length", Value::U32(16))
        .kv("llama.attention.head_count", Value::U32(2))
        .tensor_f32("token_embd.weight", &[8, 10], &[0.0; 80])
        .tensor_f32("output_norm.weight", &[7], &[0.0; 7])
        .build();
    let f = GgufFile::parse(cut.as_slice()).unwrap();
    assert!(matches!(
        CpuModel::load(&f, cut.as_slice()),
        Err(ModelError::Shape { .. })
    ));
}
