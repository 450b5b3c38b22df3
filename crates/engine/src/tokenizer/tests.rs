use super::*;

/// A toy vocabulary: control tokens, byte tokens, a few user-defined and normal pieces.
fn toy() -> Tokenizer {
    let mut pieces: Vec<(String, f32, TokenType)> = vec![
        ("<pad>".into(), 0.0, TokenType::Control),
        ("<eos>".into(), 0.0, TokenType::Control),
        ("<bos>".into(), 0.0, TokenType::Control),
        ("<unk>".into(), 0.0, TokenType::Unknown),
        ("<end_of_turn>".into(), 0.0, TokenType::Control),
        ("\n".into(), 0.0, TokenType::UserDefined),
        ("\n\n".into(), 0.0, TokenType::UserDefined),
        ("<b>".into(), 0.0, TokenType::UserDefined),
    ];
    for b in 0..=255u8 {
        pieces.push((format!("<0x{b:02X}>"), 0.0, TokenType::Byte));
    }
    for (p, s) in [
        ("a", -1.0),
        ("b", -1.0),
        ("c", -1.0),
        ("▁", -1.0),
        ("ab", -5.0),
        ("bc", -2.0), // beats "ab": "abc" -> "a" + "bc"
        ("abc", -9.0),
        ("▁a", -3.0),
        ("aa", -4.0),
        ("é", -1.0),
    ] {
        pieces.push((p.into(), s, TokenType::Normal));
    }
    let special = SpecialTokens {
        bos: Some(2),
        eos: Some(1),
        unk: Some(3),
        pad: Some(0),
        add_bos: true,
        add_eos: false,
        add_space_prefix: false,
        end_of_generation: vec![],
    };
    let (p, rest): (Vec<_>, Vec<_>) = pieces.into_iter().map(|(p, s, t)| (p, (s, t))).unzip();
    let (s, t) = rest.into_iter().unzip();
    Tokenizer::new(p, s, t, special).expect("toy vocab")
}

fn ids(t: &Tokenizer, pieces: &[&str]) -> Vec<u32> {
    pieces.iter().map(|p| t.token_id(p).expect(p)).collect()
}

#[test]
fn merges_by_score_then_leftmost() {
    let t = toy();
    // "bc" (-2) beats "ab" (-5); then "abc" needs "a"+"bc" which is a token.
    assert_eq!(t.encode("abc", false, false), ids(&t, &["abc"]));
    // "aaa": the pairs (0,1) and (1,2) tie; the leftmost merges first.
    assert_eq!(t.encode("aaa", false, false), ids(&t, &["aa", "a"]));
    // Spaces become ▁ and merge with what follows.
    assert_eq!(t.encode(" a b", false, false), ids(&t, &["▁a", "▁", "b"]));
    assert_eq!(t.encode("", true, false), vec![2]);
    assert_eq!(
        t.encode("a", true, false),
        vec![2, t.token_id("a").unwrap()]
    );
    assert!(t.is_end_of_generation(1));
    assert!(t.is_end_of_generation(4));
}

#[test]
fn byte_fallback() {
    let t = toy();
    // 'z' is not in the vocabulary: its byte token; "é" is; "€" (3 bytes) falls back per byte.
    assert_eq!(t.encode("zé€", false, false), {
        let mut v = ids(&t, &["<0x7A>", "é"]);
        v.extend(ids(&t, &["<0xE2>", "<0x82>", "<0xAC>"]));
        v
    });
}

#[test]
fn special_split_longest_first_and_parse_special() {
    let t = toy();
    // User-defined tokens are always matched; "\n\n" before "\n".
    assert_eq!(
        t.encode("a\n\n\nb<b>", false, false),
        ids(&t, &["a", "\n\n", "\n", "b", "<b>"])
    );
    // Control tokens only with parse_special.
    let literal = t.encode("<bos>", false, false);
    assert!(!literal.contains(&2));
    assert_eq!(
        t.encode("<bos>a", false, true),
        vec![2, t.token_id("a").unwrap()]
    );
    assert_eq!(t.decode(&literal, false), "<bos>");
}

#[test]
fn decode_and_stream() {
    let t = toy();
    let text = " a\n\nbé€z <b>";
    let enc = t.encode(text, true, false);
    assert_eq!(t.decode(&enc, false), text);
    assert_eq!(t.decode(&enc, true), format!("<bos>{text}"));
    // Stream the tokens one by one: the 3-byte "€" is held back until complete.
    let mut dec = StreamDecoder::new(false);
    let mut chunks = Vec::new();
    for &id in &enc {
        chunks.push(dec.push(&t, id));
    }
    chunks.push(dec.finish());
    assert_eq!(chunks.concat(), text);
    let euro = ids(&t, &["<0xE2>", "<0x82>", "<0xAC>"]);
    let mut dec = StreamDecoder::new(false);
    assert_eq!(dec.push(&t, euro[0]), "");
    assert_eq!(dec.push(&t, euro[1]), "");
    assert_eq!(dec.push(&t, euro[2]), "€");
    // An invalid byte is replaced, an unfinished sequence is flushed as U+FFFD.
    let mut dec = StreamDecoder::new(false);
    assert_eq!(dec.push(&t, t.token_id("<0xFF>").unwrap()), "\u{FFFD}");
    assert_eq!(dec.push(&t, euro[0]), "");
    assert_eq!(dec.finish(), "\u{FFFD}");
    // Out-of-range ids decode to nothing instead of panicking.
    assert_eq!(t.decode(&[u32::MAX], true), "");
}

#[test]
fn space_prefix_vocabularies() {
    let base = toy();
    let mut special = base.special().clone();
    special.add_space_prefix = true;
    let n = base.vocab_size() as u32;
    let pieces: Vec<String> = (0..n).map(|i| base.piece(i).unwrap().to_string()).collect();
    let types = (0..n).map(|i| base.token_type(i).unwrap()).collect();
    let scores = pieces
        .iter()
        .map(|p| if p == "▁a" { -3.0 } else { -1.0 })
        .collect();
    let t = Tokenizer::new(pieces, scores, types, special).unwrap();
    // "a" becomes "▁a" (a space is inserted first), and decoding drops it again.
    let ids = t.encode("a a", false, false);
    assert_eq!(ids, ids_of(&t, &["▁a", "▁a"]));
    assert_eq!(t.decode(&ids, false), "a a");
    let mut dec = StreamDecoder::new(false);
    let s: String = ids.iter().map(|&id| dec.push(&t, id)).collect();
    assert_eq!(s + &dec.finish(), "a a");
}

fn ids_of(t: &Tokenizer, pieces: &[&str]) -> Vec<u32> {
    ids(t, pieces)
}
