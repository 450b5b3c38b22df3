//! The GGUF reader on the bundled model, read from its four parts and as one buffer.

mod common;

use atlas_engine::gguf::{GgufFile, Source};
use atlas_engine::quant::GgmlType;

#[test]
fn parts_and_whole_file_agree_including_tensors_across_boundaries() {
    let m = common::model();
    let parts = m.src.parts();
    assert_eq!(parts.len(), 4);
    assert_eq!(m.src.len(), 253_113_024);
    let whole: Vec<u8> = parts.concat();
    let f = GgufFile::parse(whole.as_slice()).expect("parse whole file");
    assert_eq!(f.metadata, m.file.metadata);
    assert_eq!(f.tensors, m.file.tensors);
    assert_eq!((f.version, f.alignment), (3, 32));
    assert_eq!(f.tensors.len(), 2 + 18 * 13);

    // Part boundaries as file offsets.
    let mut bounds = Vec::new();
    let mut at = 0u64;
    for p in &parts[..parts.len() - 1] {
        at += p.len() as u64;
        bounds.push(at);
    }
    let mut crossing = 0;
    for t in &m.file.tensors {
        let start = m.file.data_offset + t.offset;
        let end = start + t.n_bytes;
        if bounds.iter().any(|&b| start < b && b < end) {
            crossing += 1;
            let split = m.file.tensor_bytes(&m.src, t).expect("read across parts");
            let one = f.tensor_bytes(whole.as_slice(), t).expect("read whole");
            assert!(
                split[..] == one[..],
                "tensor {} differs across a part boundary",
                t.name
            );
        }
    }
    // token_embd (178 MB) spans the first two boundaries; another tensor spans the third.
    assert!(
        crossing >= 2,
        "expected tensors spanning part boundaries, found {crossing}"
    );

    // The types the bundled model uses.
    let ty = |name: &str| m.file.tensor(name).map(|t| t.ty);
    assert_eq!(ty("token_embd.weight"), Some(GgmlType::Q8_0));
    assert_eq!(ty("blk.0.attn_q.weight"), Some(GgmlType::Q5_0));
    assert_eq!(ty("blk.0.attn_output.weight"), Some(GgmlType::Q4_K));
    assert_eq!(ty("blk.0.ffn_down.weight"), Some(GgmlType::Q6_K));
    assert_eq!(ty("output_norm.weight"), Some(GgmlType::F32));
    assert_eq!(m.file.get_str("general.architecture").unwrap(), "gemma3");
}
