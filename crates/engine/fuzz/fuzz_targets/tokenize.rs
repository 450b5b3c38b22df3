//! Tokenizes arbitrary text with a small synthetic vocabulary and checks the round trip.
#![no_main]

use atlas_engine::tokenizer::{SpecialTokens, TokenType, Tokenizer};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn tokenizer() -> &'static Tokenizer {
    static T: OnceLock<Tokenizer> = OnceLock::new();
    T.get_or_init(|| {
        let mut pieces = vec![
            "<unk>".to_string(),
            "<s>".into(),
            "</s>".into(),
            "\n".into(),
        ];
        let mut types = vec![
            TokenType::Unknown,
            TokenType::Control,
            TokenType::Control,
            TokenType::UserDefined,
        ];
        for b in 0..=255u8 {
            pieces.push(format!("<0x{b:02X}>"));
            types.push(TokenType::Byte);
        }
        for p in ["▁", "a", "b", "ab", "▁a", "ba", "aba", "é"] {
            pieces.push(p.to_string());
            types.push(TokenType::Normal);
        }
        let scores = (0..pieces.len()).map(|i| -(i as f32)).collect();
        let special = SpecialTokens {
            bos: Some(1),
            eos: Some(2),
            unk: Some(0),
            pad: None,
            add_bos: true,
            add_eos: false,
            add_space_prefix: false,
            end_of_generation: vec![2],
        };
        Tokenizer::new(pieces, scores, types, special).expect("vocab")
    })
}

fuzz_target!(|text: &str| {
    if text.contains('\u{2581}') {
        return;
    }
    let t = tokenizer();
    let ids = t.encode(text, false, false);
    assert_eq!(t.decode(&ids, false), text);
    let _ = t.encode(text, true, true);
});
