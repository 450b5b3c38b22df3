//! The tokenizer against llama.cpp's ids on the bundled Gemma 3 vocabulary, plus round trips.

mod common;

use std::sync::OnceLock;

use atlas_engine::tokenizer::{StreamDecoder, Tokenizer};
use proptest::prelude::*;

fn tokenizer() -> &'static Tokenizer {
    static TOK: OnceLock<Tokenizer> = OnceLock::new();
    TOK.get_or_init(|| Tokenizer::from_gguf(&common::model().file).expect("tokenizer"))
}

#[test]
fn metadata_special_tokens() {
    let t = tokenizer();
    let s = t.special();
    assert_eq!(t.vocab_size(), 262_144);
    assert_eq!(
        (s.bos, s.eos, s.unk, s.pad),
        (Some(2), Some(1), Some(3), Some(0))
    );
    assert!(s.add_bos && !s.add_eos && !s.add_space_prefix);
    assert!(t.is_end_of_generation(1));
    assert!(t.is_end_of_generation(106), "<end_of_turn> ends generation");
}

#[test]
fn equals_llamacpp_on_every_case() {
    let t = tokenizer();
    let r = common::reference();
    let mut failures = Vec::new();
    for case in &r.tokenize {
        let got = t.encode(&case.text, false, false);
        if got != case.ids {
            failures.push(format!("{:?}: got {got:?}, want {:?}", case.text, case.ids));
        }
    }
    for case in &r.generate {
        let got = t.encode(&case.prompt, true, false);
        if got != case.prompt_ids {
            failures.push(format!(
                "prompt {:?}: got {got:?}, want {:?}",
                case.prompt, case.prompt_ids
            ));
        }
        // The reference continuation decodes to the reference text.
        assert_eq!(t.decode(&case.greedy_ids, false), case.greedy_text);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn chat_markers_with_parse_special() {
    let t = tokenizer();
    let ids = t.encode("<start_of_turn>user\nhi<end_of_turn>", true, true);
    assert_eq!(ids[0], 2);
    assert_eq!(ids[1], t.token_id("<start_of_turn>").unwrap());
    assert_eq!(*ids.last().unwrap(), 106);
    // Without parse_special the markers are plain text.
    assert!(!t.encode("<start_of_turn>", false, false).contains(&105));
}

#[test]
fn long_text_is_fast() {
    let t = tokenizer();
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(2000);
    let start = std::time::Instant::now();
    let ids = t.encode(&text, false, false);
    let took = start.elapsed();
    assert_eq!(t.decode(&ids, false), text);
    assert!(took.as_secs_f64() < 2.0, "90 KB took {took:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// text -> ids -> text is the identity (the vocabulary's ▁ stands for a space, so the
    /// input avoids a literal U+2581).
    #[test]
    fn round_trip(text in "\\PC{0,40}|[ a-zA-Z0-9\\n\\t.,!?éü日本🦙]{0,60}") {
        prop_assume!(!text.contains('\u{2581}'));
        let t = tokenizer();
        let ids = t.encode(&text, false, false);
        prop_assert_eq!(t.decode(&ids, false), text.clone());
        let mut dec = StreamDecoder::new(false);
        let streamed: String = ids.iter().map(|&id| dec.push(t, id)).collect::<String>() + &dec.finish();
        prop_assert_eq!(streamed, text);
    }
}
