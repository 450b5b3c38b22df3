//! Every WGSL shader of the engine parses and validates with naga: no GPU needed.
#![cfg(feature = "gpu")]

#[test]
fn all_shaders_validate_with_naga() {
    let shaders = atlas_engine::ops::SHADERS;
    assert!(!shaders.is_empty());
    let mut failures = Vec::new();
    for (name, source) in shaders {
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
        let mut validator = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            // pack/unpack2x16float are core WebGPU; naga gates them behind this capability.
            naga::valid::Capabilities::SHADER_FLOAT16_IN_FLOAT32,
        );
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
fn every_wgsl_file_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let listed: Vec<&str> = atlas_engine::ops::SHADERS.iter().map(|(n, _)| *n).collect();
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
