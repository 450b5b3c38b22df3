//! Parses arbitrary bytes as GGUF, whole and split into two parts at a fuzz-chosen point, and
//! reads every tensor it declares. Must never panic, hang or allocate without bound.
#![no_main]

use atlas_engine::gguf::{GgufFile, MultiSlice, Source};
use libfuzzer_sys::fuzz_target;

fn exercise<S: Source + ?Sized>(src: &S) {
    let Ok(file) = GgufFile::parse(src) else {
        return;
    };
    for t in &file.tensors {
        let _ = file.tensor_bytes(src, t);
        if t.n_elements <= 1 << 20 && t.ty.can_dequantize() {
            let _ = file.tensor_f32(src, &t.name);
        }
    }
    let _ = atlas_engine::tokenizer::Tokenizer::from_gguf(&file);
    let _ = atlas_engine::model::ModelConfig::from_gguf(&file);
}

fuzz_target!(|data: &[u8]| {
    exercise(data);
    if let Some((&cut, rest)) = data.split_first() {
        let at = (cut as usize * rest.len()) / 255;
        let parts = MultiSlice::new(vec![&rest[..at], &rest[at..]]);
        exercise(&parts);
    }
});
