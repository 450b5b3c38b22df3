//! Every WGSL shader of the engine parses and validates with naga: no GPU needed.
#![cfg(feature = "gpu")]

/// The capabilities every portable shader may use: pack/unpack2x16float are core WebGPU, but
/// naga gates them behind this one.
const PORTABLE: naga::valid::Capabilities = naga::valid::Capabilities::SHADER_FLOAT16_IN_FLOAT32;

/// Native-only shaders may also use 64-bit integers.
const NATIVE: naga::valid::Capabilities = PORTABLE.union(naga::valid::Capabilities::SHADER_INT64);

#[test]
fn all_shaders_validate_with_naga() {
    let shaders = atlas_engine::ops::SHADERS;
    assert!(!shaders.is_empty());
    let mut failures = Vec::new();
    let all = shaders.iter().map(|s| (s, PORTABLE)).chain(
        atlas_engine::ops::NATIVE_SHADERS
            .iter()
            .map(|s| (s, NATIVE)),
    );
    for ((name, source), caps) in all {
        let module = match naga::front::wgsl::parse_str(source) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!(
                    "{name}: parse error:\n{}",
                    e.emit_to_string(source)
                ));
                continue;
            }
        };
        let mut validator = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps);
        if let Err(e) = validator.validate(&module) {
            failures.push(format!("{name}: invalid:\n{}", e.emit_to_string(source)));
        }
        assert!(
            module
                .entry_points
                .iter()
                .any(|e| e.stage == naga::ShaderStage::Compute),
            "{name}: no compute entry point"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn native_shaders_need_their_native_capabilities() {
    // A native-only shader listed as portable would fail on WebGPU at pipeline creation; this
    // keeps the two lists honest.
    for (name, source) in atlas_engine::ops::NATIVE_SHADERS {
        let module = naga::front::wgsl::parse_str(source).expect("parses");
        let portable = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), PORTABLE)
            .validate(&module);
        assert!(
            portable.is_err(),
            "{name} validates without 64-bit integers: list it in SHADERS"
        );
    }
}

#[test]
fn the_step_prelude_leads_every_source_that_reads_step() {
    let (_, step) = atlas_engine::ops::SHARED
        .iter()
        .find(|(n, _)| *n == "step.wgsl")
        .expect("step.wgsl is shared");
    for (name, source) in atlas_engine::ops::SHADERS {
        if source.contains("step.") {
            assert!(
                source.starts_with(step),
                "{name} reads `step` without the prelude"
            );
            assert_eq!(
                source.matches("struct Step").count(),
                1,
                "{name} declares Step again"
            );
        }
    }
}

#[test]
fn every_wgsl_file_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let listed: Vec<&str> = atlas_engine::ops::SHADERS
        .iter()
        .chain(atlas_engine::ops::NATIVE_SHADERS)
        .chain(atlas_engine::ops::SHARED)
        .map(|(n, _)| *n)
        .collect();
    for entry in std::fs::read_dir(&dir).expect("read src/ops") {
        let name = entry.expect("dir entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".wgsl") {
            assert!(
                listed.contains(&name.as_ref()),
                "{name} is not in ops::SHADERS"
            );
        }
    }
}

/// Specialises `source` with `constants`, validates the result and translates it to SPIR-V, as a
/// driver would at pipeline creation.
fn specialise(
    name: &str,
    source: &str,
    entry: &str,
    constants: &[(&str, f64)],
) -> Result<(), String> {
    let module = naga::front::wgsl::parse_str(source).map_err(|e| e.emit_to_string(source))?;
    let caps = if atlas_engine::ops::NATIVE_SHADERS
        .iter()
        .any(|(_, s)| *s == source)
    {
        NATIVE
    } else {
        PORTABLE
    };
    let info = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps)
        .validate(&module)
        .map_err(|e| e.emit_to_string(source))?;
    let mut pc = naga::back::PipelineConstants::default();
    for (k, v) in constants {
        pc.insert((*k).to_string(), *v);
    }
    let (module, info) = naga::back::pipeline_constants::process_overrides(
        &module,
        &info,
        Some((naga::ShaderStage::Compute, entry)),
        &pc,
    )
    .map_err(|e| format!("{name} {entry} {constants:?}: overrides: {e}"))?;
    let pipeline = naga::back::spv::PipelineOptions {
        shader_stage: naga::ShaderStage::Compute,
        entry_point: entry.to_string(),
    };
    naga::back::spv::write_vec(
        &module,
        &info,
        &naga::back::spv::Options::default(),
        Some(&pipeline),
    )
    .map_err(|e| format!("{name} {entry} {constants:?}: SPIR-V: {e}"))?;
    Ok(())
}

#[test]
fn every_specialisation_the_engine_uses_compiles_to_spirv() {
    use atlas_engine::ops::*;
    let mut failures = Vec::new();
    let mut check = |name: &str, src: &str, entry: &str, c: &[(&str, f64)]| {
        if let Err(e) = specialise(name, src, entry, c) {
            failures.push(e);
        }
    };
    for qtype in [0.0, 1.0, 2.0, 6.0, 8.0, 12.0, 13.0, 14.0] {
        for ncols in [1.0, 16.0] {
            for rows in [2.0, 4.0, 64.0] {
                for geglu in [0.0, 1.0] {
                    // The CPU layout's prefill takes eight rows per thread (`prefill_rows8`).
                    let prefill4 = ncols > 1.0 && rows == 64.0;
                    check(
                        "matvec",
                        matvec::SOURCE,
                        if prefill4 { "prefill_rows8" } else { "main" },
                        &[
                            ("QTYPE", qtype),
                            ("NCOLS", ncols),
                            ("ROWS_PER_WG", rows),
                            ("GEGLU", geglu),
                            ("ROWS4", f64::from(u8::from(prefill4))),
                        ],
                    );
                }
            }
        }
        check("matvec", matvec::SOURCE, "embed", &[("QTYPE", qtype)]);
        // The decode variant that reads x as a uniform array (CPU rasterizers).
        let uniform_x = matvec::uniform_x_source(2048);
        assert_ne!(
            uniform_x,
            matvec::SOURCE,
            "the uniform x declaration was substituted"
        );
        for geglu in [0.0, 1.0] {
            // Q8_0, Q5_0, Q4_K and Q6_K decode eight rows per thread on CPU adapters (`main_rows8`),
            // Q8_0 and Q5_0 also sixteen (`ROWS16`).
            let four = [8.0, 6.0, 12.0, 14.0].contains(&qtype);
            let rows16: &[bool] = if [8.0, 6.0].contains(&qtype) {
                &[false, true]
            } else {
                &[false]
            };
            for &rows16 in rows16 {
                check(
                    "matvec (uniform x)",
                    &uniform_x,
                    if four { "main_rows8" } else { "main" },
                    &[
                        ("QTYPE", qtype),
                        ("NCOLS", 1.0),
                        ("ROWS_PER_WG", 64.0),
                        ("GEGLU", geglu),
                        ("ROWS4", f64::from(u8::from(four))),
                        ("ROWS16", f64::from(u8::from(rows16))),
                    ],
                );
            }
        }
    }
    check("rmsnorm", rmsnorm::SOURCE, "norm", &[]);
    check("rmsnorm", rmsnorm::SOURCE, "add_norm", &[]);
    // The smaller workgroups of CPU adapters.
    check("rmsnorm", rmsnorm::SOURCE, "add_norm", &[("WG", 8.0)]);
    check("rope", rope::SOURCE, "main", &[]);
    check("rope", rope::SOURCE, "qk", &[]);
    check("rope", rope::SOURCE, "qk", &[("WG", 8.0)]);
    check("attention", attention::SOURCE, "main", &[]);
    check("attention", attention::SOURCE, "main_cpu", &[("HPW", 1.0)]);
    check("attention", attention::SOURCE, "main_cpu", &[("HPW", 2.0)]);
    let uniform_q = attention::SOURCE.replace(
        attention::STORAGE_Q,
        "var<uniform> q: array<vec4<f32>, 256>;",
    );
    assert_ne!(
        uniform_q,
        attention::SOURCE,
        "the uniform q declaration was substituted"
    );
    for hpw in [1.0, 2.0] {
        check(
            "attention (uniform q)",
            &uniform_q,
            "main_cpu",
            &[("HPW", hpw), ("Q_DIRECT", 1.0)],
        );
    }
    check("attention", attention::SOURCE, "split", &[]);
    check("attention", attention::SOURCE, "merge", &[]);
    check("gelu", gelu::SOURCE, "main", &[]);
    check("sample", sample::SOURCE, "topk_partial", &[]);
    check("sample", sample::SOURCE, "topk_partial", &[("WG", 8.0)]);
    check("sample", sample::SOURCE, "topk_final", &[("WG", 8.0)]);
    check("sample", sample::SOURCE, "topk_final", &[]);
    check("readbw", readbw::SOURCE, "main", &[]);
    check("readbw", readbw::SOURCE, "runs", &[]);
    check("readbw64", readbw::SOURCE64, "runs", &[]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_texture_weight_variants_validate_and_agree_on_the_texture_width() {
    use atlas_engine::gpu::{buffers, WeightStore};
    use atlas_engine::ops::{matvec, readbw};
    let plain = matvec::weights_source(matvec::SOURCE, WeightStore::Buffer).expect("buffer");
    assert_eq!(
        plain,
        matvec::SOURCE,
        "the buffer store is the source itself"
    );
    let uniform_x = matvec::uniform_x_source(640);
    for (name, source) in [
        ("matvec", matvec::SOURCE.to_string()),
        ("matvec with a uniform x", uniform_x),
    ] {
        let tex = matvec::weights_source(&source, WeightStore::Texture).expect("texture");
        assert!(
            tex.contains("texture_2d<u32>") && !tex.contains("var<storage, read> w4"),
            "{name}: the texture variant reads no weight buffer"
        );
        let module = naga::front::wgsl::parse_str(&tex)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&tex)));
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), PORTABLE)
            .validate(&module)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&tex)));
    }
    let width = format!("const TEXTURE_WIDTH: u32 = {}u;", buffers::TEXTURE_WIDTH);
    assert!(
        readbw::SOURCE_TEXTURE.contains(&width),
        "the read probe's texture is laid out as the weight textures are"
    );
    assert!(matvec::weights_source(matvec::SOURCE, WeightStore::Texture)
        .expect("texture")
        .contains(&width));
}
