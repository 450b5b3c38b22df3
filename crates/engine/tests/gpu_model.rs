//! The Gemma 3 GPU runner against the CPU reference forward pass and llama.cpp's outputs on the
//! bundled model (crates/engine/tests/fixtures/gemma3-270m/README.md states the rule).
#![cfg(feature = "gpu")]

mod common;
mod gpu_common;

use std::sync::{Mutex, OnceLock};

use atlas_engine::gpu::{GpuModel, GpuModelOptions};
use atlas_engine::model::CpuModel;

fn gpu_model(test: &str) -> Option<&'static Mutex<GpuModel>> {
    static M: OnceLock<Option<Mutex<GpuModel>>> = OnceLock::new();
    M.get_or_init(|| {
        let ctx = gpu_common::context(test)?;
        let m = common::model();
        let start = std::time::Instant::now();
        let opts = GpuModelOptions {
            max_context: 256,
            prefill_chunk: 16,
            attention_splits: 0,
        };
        let model = pollster::block_on(GpuModel::load(ctx, &m.file, &m.src, opts))
            .unwrap_or_else(|e| panic!("load GPU model: {e}"));
        eprintln!(
            "GPU model loaded in {:?}: {} weight bytes/token, {} dispatches/token",
            start.elapsed(),
            model.weight_bytes_per_token(),
            model.dispatches_per_token()
        );
        Some(Mutex::new(model))
    })
    .as_ref()
}

/// The shared model, a second one loaded with `opts` on a fresh context that `change` has set
/// up, and what `change` returned (`None` after a loud skip when there is no adapter). `what`
/// names the second model in messages.
fn shared_and_second<T>(
    test: &str,
    what: &str,
    opts: GpuModelOptions,
    change: impl FnOnce(&mut atlas_engine::gpu::GpuContext) -> T,
) -> Option<(&'static Mutex<GpuModel>, GpuModel, T)> {
    let model = gpu_model(test)?;
    let mut ctx = gpu_common::context(&format!("{test} ({what})"))?;
    let changed = change(&mut ctx);
    let m = common::model();
    let second = pollster::block_on(GpuModel::load(ctx, &m.file, &m.src, opts))
        .unwrap_or_else(|e| panic!("load the {what}: {e}"));
    Some((model, second, changed))
}

fn log_softmax(x: &[f32]) -> Vec<f64> {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let lse = x.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
    x.iter().map(|&v| v as f64 - lse).collect()
}

/// KL(p || q) of the softmaxes of two logit vectors.
fn kl(p: &[f32], q: &[f32]) -> f64 {
    let (lp, lq) = (log_softmax(p), log_softmax(q));
    lp.iter().zip(&lq).map(|(a, b)| a.exp() * (a - b)).sum()
}

fn top(x: &[f32], n: usize) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..x.len() as u32).collect();
    idx.sort_by(|&a, &b| x[b as usize].total_cmp(&x[a as usize]));
    idx.truncate(n);
    idx
}

#[test]
fn gpu_logits_match_cpu_reference_and_llamacpp() {
    let Some(model) = gpu_model("gpu_logits_match_cpu_reference_and_llamacpp") else {
        return;
    };
    let r = common::reference();
    let prompt = &r.generate[0].prompt_ids;
    let gpu = {
        let mut m = model.lock().expect("model lock");
        m.reset();
        pollster::block_on(m.prefill_logits(prompt)).unwrap_or_else(|e| panic!("GPU forward: {e}"))
    };
    let cpu = {
        let m = common::model();
        let mut cpu = CpuModel::load(&m.file, &m.src).expect("load CPU model");
        cpu.forward(prompt).expect("CPU forward")
    };
    assert_eq!(gpu.len(), cpu.len());
    let max_diff = gpu
        .iter()
        .zip(&cpu)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    let kl_cpu = kl(&cpu, &gpu);
    eprintln!("GPU vs CPU reference: KL {kl_cpu:.2e}, max |logit diff| {max_diff:.6}");
    assert!(kl_cpu < 1e-3, "KL(cpu || gpu) = {kl_cpu}");
    assert!(max_diff < 0.05, "max logit difference {max_diff}");
    assert_eq!(top(&gpu, 1), top(&cpu, 1), "argmax differs");

    let raw = std::fs::read(common::fixtures_dir().join("logits_prompt0_next.f32"))
        .expect("llama.cpp logits");
    let llama: Vec<f32> = raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let kl_llama = kl(&llama, &gpu);
    eprintln!("GPU vs llama.cpp: KL {kl_llama:.2e}");
    assert!(kl_llama < 0.01, "KL(llama.cpp || gpu) = {kl_llama}");
}

#[test]
fn gpu_greedy_decoding_follows_llamacpp() {
    let Some(model) = gpu_model("gpu_greedy_decoding_follows_llamacpp") else {
        return;
    };
    let mut m = model.lock().expect("model lock");
    let (agree, total) = follow_llamacpp(&mut m, &common::reference().generate, "");
    eprintln!("forced-decoding top-1 agreement with llama.cpp: {agree}/{total}");
}

/// Checks `m`'s greedy decoding against llama.cpp's on `cases` (the fixture rule: every step
/// whose llama.cpp margin is clear must agree, free-running and forced), and returns the forced
/// steps' top-1 agreement (agreeing, total). `what` names the model in failures.
fn follow_llamacpp(m: &mut GpuModel, cases: &[common::GenerateCase], what: &str) -> (usize, usize) {
    let (mut agree, mut total) = (0usize, 0usize);
    for case in cases {
        // Free-running greedy generation, one submission and a 4-byte readback per token.
        m.reset();
        let mut generated = Vec::new();
        let mut next = pollster::block_on(m.prefill(&case.prompt_ids, 0.0))
            .unwrap_or_else(|e| panic!("{what}prefill: {e}"));
        for (i, step) in case.steps.iter().enumerate() {
            if step.margin() < 0.3 {
                break;
            }
            assert_eq!(
                next,
                case.greedy_ids[i],
                "{what}'{}': greedy step {i} (llama.cpp margin {:.2}) after {generated:?}",
                case.prompt,
                step.margin()
            );
            generated.push(next);
            next = pollster::block_on(m.decode(None, 0.0))
                .unwrap_or_else(|e| panic!("{what}decode: {e}"));
        }
        // Forced decoding on llama.cpp's sequence: every clear-margin step must agree.
        m.reset();
        let mut pred = pollster::block_on(m.prefill(&case.prompt_ids, 0.0))
            .unwrap_or_else(|e| panic!("{what}prefill: {e}"));
        for (i, step) in case.steps.iter().enumerate() {
            total += 1;
            agree += usize::from(pred == case.greedy_ids[i]);
            if step.margin() >= 0.3 {
                assert_eq!(
                    pred,
                    case.greedy_ids[i],
                    "{what}'{}': forced step {i} with llama.cpp margin {:.2}",
                    case.prompt,
                    step.margin()
                );
            }
            pred = pollster::block_on(m.decode(Some(case.greedy_ids[i]), 0.0))
                .unwrap_or_else(|e| panic!("{what}decode: {e}"));
        }
    }
    (agree, total)
}

/// The kernels users' GPUs take (several lanes a row with workgroup reductions, 256-thread
/// split-K attention, inputs from storage buffers) are not the ones a software device picks for
/// itself, so they are run here on purpose: the same model with [`Tuning::Gpu`] must give the
/// CPU-tuned model's logits up to summation order, and follow llama.cpp.
#[test]
fn gpu_tuned_kernels_give_the_same_logits_and_follow_llamacpp() {
    use atlas_engine::gpu::Tuning;
    let opts = GpuModelOptions {
        max_context: 256,
        prefill_chunk: 16,
        attention_splits: 0,
    };
    let Some((model, mut second, other)) = shared_and_second(
        "gpu_tuned_kernels_give_the_same_logits",
        "model with the other kernel tuning",
        opts,
        |ctx| {
            let other = match ctx.tuning() {
                Tuning::Cpu => Tuning::Gpu,
                Tuning::Gpu => Tuning::Cpu,
            };
            ctx.set_tuning(other);
            other
        },
    ) else {
        return;
    };
    let r = common::reference();
    let mut first = model.lock().expect("model lock");
    for case in &r.generate[..2] {
        let diffs = logit_diffs(&mut first, &mut second, case);
        eprintln!("{other:?} tuning, largest logit differences: {diffs:?}");
        for (i, max_diff) in diffs.into_iter().enumerate() {
            // Sums taken in another order (lanes and a reduction instead of one thread a row).
            assert!(
                max_diff < 1e-3,
                "'{}' step {i}: {other:?} kernels move a logit by {max_diff}",
                case.prompt
            );
        }
    }
    drop(first);
    // Greedy sampling through the GPU-tuned sampler too (one case: the logits above already
    // tie the two models together, and these kernels are slow on a CPU).
    let what = format!("{other:?} tuning: ");
    let (agree, total) = follow_llamacpp(&mut second, &r.generate[..1], &what);
    eprintln!("{what}forced-decoding top-1 agreement with llama.cpp: {agree}/{total}");
}

#[test]
fn gpu_pipelined_decode_matches_step_by_step() {
    let Some(model) = gpu_model("gpu_pipelined_decode_matches_step_by_step") else {
        return;
    };
    let r = common::reference();
    let prompt = &r.generate[2].prompt_ids;
    let mut m = model.lock().expect("model lock");
    let run = |m: &mut GpuModel, pipelined: bool| -> Vec<u32> {
        m.reset();
        let first = pollster::block_on(m.prefill(prompt, 0.0)).expect("prefill");
        let mut ids = vec![first];
        if pipelined {
            // Three steps in flight before the first read.
            let mut queue: Vec<_> = (0..3)
                .map(|_| m.submit_decode(None, 0.0).expect("submit"))
                .collect();
            for _ in 0..3 {
                queue.push(m.submit_decode(None, 0.0).expect("submit"));
                let p = queue.remove(0);
                ids.push(pollster::block_on(m.read_pending(p)).expect("read"));
            }
            for p in queue {
                ids.push(pollster::block_on(m.read_pending(p)).expect("read"));
            }
        } else {
            for _ in 0..6 {
                ids.push(pollster::block_on(m.decode(None, 0.0)).expect("decode"));
            }
        }
        ids
    };
    let step_by_step = run(&mut m, false);
    let pipelined = run(&mut m, true);
    assert_eq!(pipelined, step_by_step);
    assert_eq!(&step_by_step[..5], &r.generate[2].greedy_ids[..5]);
    // Reading out of order is an error, not a wrong token.
    m.reset();
    pollster::block_on(m.prefill(prompt, 0.0)).expect("prefill");
    let a = m.submit_decode(None, 0.0).expect("submit");
    let b = m.submit_decode(None, 0.0).expect("submit");
    assert!(pollster::block_on(m.read_pending(b)).is_err());
    pollster::block_on(m.read_pending(a)).expect("oldest first");
}

#[test]
fn gpu_split_k_attention_gives_the_same_logits() {
    let opts = GpuModelOptions {
        max_context: 64,
        prefill_chunk: 4,
        attention_splits: 5,
    };
    let Some((model, mut split, ())) = shared_and_second(
        "gpu_split_k_attention_gives_the_same_logits",
        "split-K model",
        opts,
        |_| {},
    ) else {
        return;
    };
    let r = common::reference();
    let mut single = model.lock().expect("model lock");
    // Prefill (two 4-token chunks in the split model) then three decode steps.
    let diffs = logit_diffs(&mut single, &mut split, &r.generate[2]);
    for (i, max_diff) in diffs.into_iter().enumerate() {
        assert!(max_diff < 1e-3, "step {i}: max logit difference {max_diff}");
    }
}

/// The largest logit difference between two models (both reset first) at each of: the prefill
/// of `case`'s prompt, then three decode steps on llama.cpp's greedy tokens.
fn logit_diffs(a: &mut GpuModel, b: &mut GpuModel, case: &common::GenerateCase) -> Vec<f32> {
    a.reset();
    b.reset();
    let mut steps: Vec<Vec<u32>> = vec![case.prompt_ids.clone()];
    steps.extend(case.greedy_ids[..3].iter().map(|&t| vec![t]));
    steps
        .iter()
        .map(|tokens| {
            let x = pollster::block_on(a.forward_logits(tokens)).expect("first model's forward");
            let y = pollster::block_on(b.forward_logits(tokens)).expect("second model's forward");
            x.iter()
                .zip(&y)
                .map(|(p, q)| (p - q).abs())
                .fold(0f32, f32::max)
        })
        .collect()
}

#[test]
fn gpu_weights_in_textures_and_in_buffers_give_the_same_logits() {
    use atlas_engine::gpu::WeightStore;
    let opts = GpuModelOptions {
        max_context: 64,
        prefill_chunk: 16,
        attention_splits: 0,
    };
    let Some((model, mut second, other)) = shared_and_second(
        "gpu_weights_in_textures_and_in_buffers_give_the_same_logits",
        "model with weights in the other store",
        opts,
        |ctx| {
            // The other store than the shared model's (which follows the adapter: buffers on
            // lavapipe, textures on SwiftShader).
            let other = match ctx.weight_store() {
                WeightStore::Buffer => WeightStore::Texture,
                WeightStore::Texture => WeightStore::Buffer,
            };
            ctx.set_weight_store(other);
            other
        },
    ) else {
        return;
    };
    let r = common::reference();
    let case = &r.generate[1];
    let mut first = model.lock().expect("model lock");
    for (i, max_diff) in logit_diffs(&mut first, &mut second, case)
        .into_iter()
        .enumerate()
    {
        // The same arithmetic on the same bytes: only where they are loaded from differs.
        assert!(
            max_diff < 1e-4,
            "step {i}: weights in {other:?} move a logit by {max_diff}"
        );
    }
    second.reset();
    let next = pollster::block_on(second.prefill(&case.prompt_ids, 0.0)).expect("prefill");
    assert_eq!(
        next, case.greedy_ids[0],
        "greedy token with weights in {other:?}"
    );
}
