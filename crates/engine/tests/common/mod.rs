//! Shared loading of the bundled model and the llama.cpp reference fixtures.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use atlas_engine::gguf::{GgufFile, MultiSlice};
use serde::Deserialize;

/// The bundled model's manifest, relative to the workspace root.
pub const MANIFEST: &str = "public/models/gemma-3-270m-q4_k_m/manifest.json";

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub struct Model {
    pub src: MultiSlice<Vec<u8>>,
    pub file: GgufFile,
}

/// The bundled model, read once per test binary. Panics (fails the test) when it is absent.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = workspace_root().join(MANIFEST);
        assert!(
            path.exists(),
            "model missing: run `cargo xtask setup` ({} not found)",
            path.display()
        );
        let src = atlas_engine::files::read_model(&path).unwrap_or_else(|e| {
            panic!("model missing or unreadable: run `cargo xtask setup` ({e})")
        });
        let file = GgufFile::parse(&src).expect("parse bundled GGUF");
        Model { src, file }
    })
}

#[derive(Debug, Deserialize)]
pub struct Reference {
    pub tokenize: Vec<TokenizeCase>,
    pub generate: Vec<GenerateCase>,
}

#[derive(Debug, Deserialize)]
pub struct TokenizeCase {
    pub text: String,
    pub ids: Vec<u32>,
}

#[derive(Debug, Deserialize)]
pub struct GenerateCase {
    pub prompt: String,
    pub prompt_ids: Vec<u32>,
    pub greedy_ids: Vec<u32>,
    pub greedy_text: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
pub struct Step {
    pub top: Vec<(u32, f32)>,
}

impl Step {
    /// llama.cpp's margin between its best and second-best logits.
    pub fn margin(&self) -> f32 {
        self.top[0].1 - self.top[1].1
    }
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gemma3-270m")
}

pub fn reference() -> Reference {
    let path = fixtures_dir().join("llamacpp_reference.json");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).expect("reference JSON")
}
