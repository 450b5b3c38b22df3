//! The `atlas-run` contract that scripts rely on, run on the bundled model.

mod common;

use std::process::Command;

fn atlas_run(args: &[&str]) -> std::process::Output {
    let manifest = common::workspace_root().join(common::MANIFEST);
    assert!(
        manifest.exists(),
        "model missing: run `cargo xtask setup` ({} not found)",
        manifest.display()
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas-run"));
    cmd.args(&args[..1])
        .arg("--model")
        .arg(&manifest)
        .args(&args[1..]);
    cmd.output().expect("run atlas-run")
}

#[test]
fn tokenize_prints_ids_without_bos() {
    let r = common::reference();
    let case = &r.tokenize[0];
    let out = atlas_run(&["tokenize", "--text", &case.text]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<u32> = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(ids, case.ids);
}

#[test]
fn generate_json_contract() {
    let r = common::reference();
    let case = &r.generate[2]; // every step of this case has a clear margin in llama.cpp
    let out = atlas_run(&[
        "generate",
        "--prompt",
        &case.prompt,
        "-n",
        "6",
        "--temperature",
        "0",
        "--seed",
        "1",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let ids = |k: &str| -> Vec<u32> { serde_json::from_value(v[k].clone()).expect(k) };
    assert_eq!(ids("prompt_ids"), case.prompt_ids);
    assert_eq!(ids("ids"), case.greedy_ids[..6]);
    assert_eq!(v["backend"], "cpu");
    assert!(v["adapter"].as_str().is_some_and(|a| !a.is_empty()));
    assert!(v["text"]
        .as_str()
        .is_some_and(|t| case.greedy_text.starts_with(t)));
    assert!(v["prefill_tok_s"].as_f64().is_some_and(|x| x > 0.0));
    assert!(v["decode_tok_s"].as_f64().is_some_and(|x| x > 0.0));
}

#[test]
fn bad_input_fails_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_atlas-run"))
        .args([
            "tokenize",
            "--model",
            "/nonexistent/model.gguf",
            "--text",
            "x",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/model.gguf"));
    let out = Command::new(env!("CARGO_BIN_EXE_atlas-run"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}

/// Without the `gpu` feature, `--backend gpu` is a clear error.
#[cfg(not(feature = "gpu"))]
#[test]
fn gpu_backend_without_the_feature_fails_clearly() {
    let out = atlas_run(&[
        "generate",
        "--prompt",
        "x",
        "-n",
        "1",
        "--backend",
        "gpu",
        "--json",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backend 'gpu' is unavailable"), "{err}");
}

/// With the `gpu` feature, `--backend gpu` follows the same contract and agrees with
/// llama.cpp on steps where llama.cpp's choice was clear (or fails with a clear error when
/// this machine has no adapter, which the GPU tests report loudly).
#[cfg(feature = "gpu")]
#[test]
fn gpu_backend_follows_the_contract() {
    let r = common::reference();
    let case = &r.generate[2];
    let out = atlas_run(&[
        "generate",
        "--prompt",
        &case.prompt,
        "-n",
        "6",
        "--temperature",
        "0",
        "--backend",
        "gpu",
        "--json",
    ]);
    if !out.status.success() {
        gpu_unavailable(&out);
        return;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["backend"], "gpu");
    let ids: Vec<u32> = serde_json::from_value(v["ids"].clone()).expect("ids");
    assert_eq!(ids, case.greedy_ids[..6]);
}

#[test]
fn seeded_sampling_is_reproducible() {
    let run = |seed: &str| {
        let out = atlas_run(&[
            "generate",
            "--prompt",
            "Once upon a time",
            "-n",
            "8",
            "--temperature",
            "0.9",
            "--top-k",
            "40",
            "--top-p",
            "0.95",
            "--repeat-penalty",
            "1.1",
            "--seed",
            seed,
            "--json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["ids"].clone()
    };
    assert_eq!(run("7"), run("7"));
}

/// A GPU command failed: it must say the GPU is unavailable, and with `ATLAS_REQUIRE_GPU=1`
/// (as `cargo xtask test` sets) that is a failure, not a skip.
#[cfg(feature = "gpu")]
fn gpu_unavailable(out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backend 'gpu' is unavailable"), "{err}");
    let required = std::env::var("ATLAS_REQUIRE_GPU").is_ok_and(|v| v == "1");
    assert!(!required, "ATLAS_REQUIRE_GPU=1 but no GPU: {err}");
    eprintln!("NOTE: the GPU is unavailable here: {err}");
}

/// `atlas-run bench --json` prints one object with the documented fields, and its efficiency
/// is its own formula over its own figures.
#[cfg(feature = "gpu")]
#[test]
fn bench_json_contract() {
    let out = atlas_run(&["bench", "--prompt-tokens", "8", "-n", "3", "--json"]);
    if !out.status.success() {
        gpu_unavailable(&out);
        return;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert!(v["adapter"].as_str().is_some_and(|a| !a.is_empty()), "{v}");
    assert_eq!(v["prefill_tokens"], 8);
    assert_eq!(v["decode_tokens"], 3);
    // A software device runs the CPU adapters' kernels unless ATLAS_TUNING says otherwise.
    let want = match std::env::var("ATLAS_TUNING").as_deref() {
        Ok("gpu") => "gpu",
        Ok("cpu") => "cpu",
        _ if v["adapter"]
            .as_str()
            .is_some_and(|a| atlas_engine::gpu::context::is_software_rasterizer(a, "")) =>
        {
            "cpu"
        }
        _ => "gpu",
    };
    assert_eq!(v["kernels"], want, "{v}");
    let num = |k: &str| -> f64 {
        let x = v[k]
            .as_f64()
            .unwrap_or_else(|| panic!("{k} missing in {v}"));
        assert!(x.is_finite() && x > 0.0, "{k} = {x}");
        x
    };
    let (decode, read, wb) = (
        num("decode_tok_s"),
        num("device_read_gb_s"),
        num("weight_bytes_per_token"),
    );
    num("decode_tok_s_pipelined");
    num("prefill_tok_s");
    num("dispatches_per_token");
    let model_bytes = atlas_engine::gguf::Source::len(&common::model().src) as f64;
    assert!(
        wb > model_bytes / 2.0 && wb < model_bytes,
        "{wb} of a {model_bytes}-byte file"
    );
    let eff = num("decode_efficiency");
    assert!(
        (eff - decode * wb / (read * 1e9)).abs() < 1e-9 * eff.max(1.0),
        "{v}"
    );
}
