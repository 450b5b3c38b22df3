//! SentencePiece-style tokenizer (`tokenizer.ggml.model = "llama"`), as llama.cpp implements it.
//!
//! Encoding: the text is first split on special tokens (user-defined tokens always; control and
//! unknown tokens only when `parse_special`), longest token text first. Each remaining fragment
//! has its spaces replaced by `▁` and is merged greedily: adjacent symbols whose concatenation is
//! a vocabulary token are merged in order of that token's score (ties: leftmost first). Symbols
//! that are not tokens fall back to byte tokens `<0xXX>`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::gguf::{GgufError, GgufFile};

/// The whitespace marker SentencePiece uses in place of a space.
const SPACE_MARK: &str = "\u{2581}";

/// Errors building a tokenizer from GGUF metadata.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    /// A required key is missing or malformed.
    #[error(transparent)]
    Gguf(#[from] GgufError),
    /// The tokenizer model is not one this module implements.
    #[error("unsupported tokenizer model '{0}' (only 'llama' / SentencePiece)")]
    UnsupportedModel(String),
    /// The vocabulary arrays are inconsistent.
    #[error("invalid vocabulary: {0}")]
    InvalidVocab(String),
}

/// The kind of a vocabulary entry (`tokenizer.ggml.token_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// Type 0 or an unknown value.
    Undefined,
    /// An ordinary piece.
    Normal,
    /// The unknown token.
    Unknown,
    /// A control token such as `<bos>`.
    Control,
    /// A user-defined token, always matched verbatim in the input.
    UserDefined,
    /// An unused slot.
    Unused,
    /// A byte-fallback token `<0xXX>`.
    Byte,
}

impl TokenType {
    fn from_i64(v: i64) -> Self {
        match v {
            1 => TokenType::Normal,
            2 => TokenType::Unknown,
            3 => TokenType::Control,
            4 => TokenType::UserDefined,
            5 => TokenType::Unused,
            6 => TokenType::Byte,
            _ => TokenType::Undefined,
        }
    }
}

/// Special token ids and flags read from metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialTokens {
    /// Beginning of sequence.
    pub bos: Option<u32>,
    /// End of sequence.
    pub eos: Option<u32>,
    /// Unknown.
    pub unk: Option<u32>,
    /// Padding.
    pub pad: Option<u32>,
    /// Whether BOS is prepended when adding special tokens.
    pub add_bos: bool,
    /// Whether EOS is appended when adding special tokens.
    pub add_eos: bool,
    /// Whether a space is inserted before the first piece of text.
    pub add_space_prefix: bool,
    /// Tokens that end generation (EOS, `<end_of_turn>`, ...).
    pub end_of_generation: Vec<u32>,
}

/// A SentencePiece-style tokenizer.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    pieces: Vec<String>,
    scores: Vec<f32>,
    types: Vec<TokenType>,
    piece_to_id: HashMap<String, u32>,
    byte_tokens: [Option<u32>; 256],
    /// User-defined, control and unknown tokens, for the pre-split.
    specials: HashMap<String, u32>,
    /// Distinct byte lengths of `specials`, longest first.
    special_lens: Vec<usize>,
    special: SpecialTokens,
}

/// A merge candidate: two adjacent symbols whose concatenation is a token.
#[derive(Debug)]
struct Bigram {
    left: usize,
    right: usize,
    score: f32,
    size: usize,
}

impl PartialEq for Bigram {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Bigram {}
impl PartialOrd for Bigram {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Bigram {
    /// Higher score first; on ties the leftmost pair first.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.left.cmp(&self.left))
    }
}

#[derive(Debug, Clone, Copy)]
struct Symbol {
    start: usize,
    len: usize,
    prev: Option<usize>,
    next: Option<usize>,
}

/// A piece of the input after the special-token split.
enum Fragment<'a> {
    Text(&'a str),
    Token(u32),
}

fn opt_id(f: &GgufFile, key: &str, n_vocab: usize) -> Result<Option<u32>, TokenizerError> {
    match f.get(key) {
        None => Ok(None),
        Some(v) => {
            let id = v.as_u64().ok_or_else(|| {
                TokenizerError::InvalidVocab(format!("{key} is not an unsigned integer"))
            })?;
            if id as usize >= n_vocab {
                // llama.cpp treats out-of-range ids as absent; do the same.
                return Ok(None);
            }
            Ok(Some(id as u32))
        }
    }
}

impl Tokenizer {
    /// Builds the tokenizer from the `tokenizer.ggml.*` metadata of a GGUF file.
    pub fn from_gguf(f: &GgufFile) -> Result<Self, TokenizerError> {
        let model = f.get_str("tokenizer.ggml.model")?;
        if model != "llama" {
            return Err(TokenizerError::UnsupportedModel(model.to_string()));
        }
        let tokens = f.get_array("tokenizer.ggml.tokens")?;
        let n = tokens.len();
        let pieces = tokens
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    TokenizerError::InvalidVocab(format!("token {i} is not a string"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let scores = match f.get("tokenizer.ggml.scores") {
            None => vec![0.0; n],
            Some(v) => {
                let a = v.as_array().unwrap_or(&[]);
                if a.len() != n {
                    return Err(TokenizerError::InvalidVocab(format!(
                        "{} scores for {n} tokens",
                        a.len()
                    )));
                }
                a.iter().map(|s| s.as_f64().unwrap_or(0.0) as f32).collect()
            }
        };
        let types = match f.get("tokenizer.ggml.token_type") {
            None => vec![TokenType::Normal; n],
            Some(v) => {
                let a = v.as_array().unwrap_or(&[]);
                if a.len() != n {
                    return Err(TokenizerError::InvalidVocab(format!(
                        "{} token types for {n} tokens",
                        a.len()
                    )));
                }
                a.iter()
                    .map(|t| TokenType::from_i64(t.as_i64().unwrap_or(0)))
                    .collect()
            }
        };
        let bool_key = |key: &str, default: bool| -> Result<bool, TokenizerError> {
            Ok(f.get_opt_bool(key)?.unwrap_or(default))
        };
        let special = SpecialTokens {
            bos: opt_id(f, "tokenizer.ggml.bos_token_id", n)?,
            eos: opt_id(f, "tokenizer.ggml.eos_token_id", n)?,
            unk: opt_id(f, "tokenizer.ggml.unknown_token_id", n)?,
            pad: opt_id(f, "tokenizer.ggml.padding_token_id", n)?,
            add_bos: bool_key("tokenizer.ggml.add_bos_token", true)?,
            add_eos: bool_key("tokenizer.ggml.add_eos_token", false)?,
            add_space_prefix: bool_key("tokenizer.ggml.add_space_prefix", true)?,
            end_of_generation: Vec::new(),
        };
        // `build` adds EOS and chat-turn terminators to `end_of_generation`.
        Ok(Self::build(pieces, scores, types, special))
    }

    /// Builds a tokenizer from vocabulary arrays (all three of equal length).
    pub fn new(
        pieces: Vec<String>,
        scores: Vec<f32>,
        types: Vec<TokenType>,
        special: SpecialTokens,
    ) -> Result<Self, TokenizerError> {
        if scores.len() != pieces.len() || types.len() != pieces.len() {
            return Err(TokenizerError::InvalidVocab(
                "pieces, scores and types differ in length".into(),
            ));
        }
        Ok(Self::build(pieces, scores, types, special))
    }

    fn build(
        pieces: Vec<String>,
        scores: Vec<f32>,
        types: Vec<TokenType>,
        mut special: SpecialTokens,
    ) -> Self {
        let mut piece_to_id = HashMap::with_capacity(pieces.len());
        // On duplicate pieces the first id wins (llama.cpp keeps the first, too).
        for (i, p) in pieces.iter().enumerate() {
            piece_to_id.entry(p.clone()).or_insert(i as u32);
        }
        let mut byte_tokens = [None; 256];
        for (b, slot) in byte_tokens.iter_mut().enumerate() {
            *slot = piece_to_id.get(&format!("<0x{b:02X}>")).copied();
        }
        let mut specials = HashMap::new();
        for (i, (p, t)) in pieces.iter().zip(&types).enumerate() {
            let is_special = matches!(
                t,
                TokenType::Control | TokenType::UserDefined | TokenType::Unknown
            );
            if is_special && !p.is_empty() {
                specials.entry(p.clone()).or_insert(i as u32);
            }
        }
        let mut special_lens: Vec<usize> = specials.keys().map(String::len).collect();
        special_lens.sort_unstable_by(|a, b| b.cmp(a));
        special_lens.dedup();
        // EOS and chat-turn terminators end generation, as in llama.cpp.
        if let Some(eos) = special.eos {
            if !special.end_of_generation.contains(&eos) {
                special.end_of_generation.push(eos);
            }
        }
        for text in ["<end_of_turn>", "<|eot_id|>", "<|im_end|>", "<|endoftext|>"] {
            if let Some(&id) = piece_to_id.get(text) {
                if !special.end_of_generation.contains(&id) {
                    special.end_of_generation.push(id);
                }
            }
        }
        Self {
            pieces,
            scores,
            types,
            piece_to_id,
            byte_tokens,
            specials,
            special_lens,
            special,
        }
    }

    /// Vocabulary size.
    pub fn vocab_size(&self) -> usize {
        self.pieces.len()
    }

    /// Special token ids and flags.
    pub fn special(&self) -> &SpecialTokens {
        &self.special
    }

    /// The id of a piece, if it is in the vocabulary.
    pub fn token_id(&self, piece: &str) -> Option<u32> {
        self.piece_to_id.get(piece).copied()
    }

    /// The raw vocabulary text of a token.
    pub fn piece(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).map(String::as_str)
    }

    /// The type of a token.
    pub fn token_type(&self, id: u32) -> Option<TokenType> {
        self.types.get(id as usize).copied()
    }

    /// Whether `id` ends generation.
    pub fn is_end_of_generation(&self, id: u32) -> bool {
        self.special.end_of_generation.contains(&id)
    }

    /// Tokenizes `text`. With `add_special`, BOS/EOS are added as the metadata says; with
    /// `parse_special`, control tokens written in the text (e.g. `<start_of_turn>`) are recognised.
    pub fn encode(&self, text: &str, add_special: bool, parse_special: bool) -> Vec<u32> {
        let mut out = Vec::new();
        if add_special && self.special.add_bos {
            out.extend(self.special.bos);
        }
        let mut prev_special = true;
        let mut buf = String::new();
        for frag in self.split_special(text, parse_special) {
            match frag {
                Fragment::Token(id) => {
                    out.push(id);
                    prev_special = true;
                }
                Fragment::Text(t) => {
                    buf.clear();
                    if self.special.add_space_prefix && prev_special {
                        buf.push(' ');
                    }
                    buf.push_str(t);
                    let escaped = buf.replace(' ', SPACE_MARK);
                    self.encode_fragment(&escaped, &mut out);
                    prev_special = false;
                }
            }
        }
        if add_special && self.special.add_eos {
            out.extend(self.special.eos);
        }
        out
    }

    /// Splits `text` on special tokens, longest token text first (then lowest id), each
    /// token splitting every raw fragment at its non-overlapping occurrences, left to right.
    fn split_special<'a>(&self, text: &'a str, parse_special: bool) -> Vec<Fragment<'a>> {
        let usable = |id: u32| {
            parse_special
                || !matches!(
                    self.types[id as usize],
                    TokenType::Control | TokenType::Unknown
                )
        };
        // Which special tokens occur at all: one hash probe per position and distinct length.
        let mut present: Vec<u32> = Vec::new();
        for (i, _) in text.char_indices() {
            for &len in &self.special_lens {
                let Some(candidate) = text.get(i..i + len) else {
                    continue;
                };
                if let Some(&id) = self.specials.get(candidate) {
                    if usable(id) && !present.contains(&id) {
                        present.push(id);
                    }
                }
            }
        }
        let mut frags = vec![Fragment::Text(text)];
        if present.is_empty() {
            return frags;
        }
        present.sort_by(|&a, &b| {
            let (la, lb) = (self.pieces[a as usize].len(), self.pieces[b as usize].len());
            lb.cmp(&la).then(a.cmp(&b))
        });
        for id in present {
            let piece = self.pieces[id as usize].as_str();
            let mut next = Vec::with_capacity(frags.len());
            for f in frags {
                match f {
                    Fragment::Text(mut t) => {
                        while let Some(pos) = t.find(piece) {
                            if pos > 0 {
                                next.push(Fragment::Text(&t[..pos]));
                            }
                            next.push(Fragment::Token(id));
                            t = &t[pos + piece.len()..];
                        }
                        if !t.is_empty() {
                            next.push(Fragment::Text(t));
                        }
                    }
                    tok => next.push(tok),
                }
            }
            frags = next;
        }
        frags
    }

    /// Greedy score-ordered merging of one escaped fragment.
    fn encode_fragment(&self, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        let mut symbols: Vec<Symbol> = Vec::with_capacity(text.len());
        for (i, (start, c)) in text.char_indices().enumerate() {
            symbols.push(Symbol {
                start,
                len: c.len_utf8(),
                prev: i.checked_sub(1),
                next: None,
            });
        }
        let n = symbols.len();
        for (i, s) in symbols.iter_mut().enumerate() {
            s.next = (i + 1 < n).then_some(i + 1);
        }
        let mut heap = BinaryHeap::new();
        let try_add = |heap: &mut BinaryHeap<Bigram>, syms: &[Symbol], l: usize, r: usize| {
            let (a, b) = (syms[l], syms[r]);
            let piece = &text[a.start..b.start + b.len];
            if let Some(&id) = self.piece_to_id.get(piece) {
                heap.push(Bigram {
                    left: l,
                    right: r,
                    score: self.scores[id as usize],
                    size: piece.len(),
                });
            }
        };
        for i in 1..n {
            try_add(&mut heap, &symbols, i - 1, i);
        }
        while let Some(bg) = heap.pop() {
            let (l, r) = (symbols[bg.left], symbols[bg.right]);
            if l.len == 0 || r.len == 0 || l.len + r.len != bg.size {
                continue; // stale: one side was merged since this pair was queued
            }
            symbols[bg.left].len += r.len;
            symbols[bg.right].len = 0;
            symbols[bg.left].next = r.next;
            if let Some(nx) = r.next {
                symbols[nx].prev = Some(bg.left);
            }
            if let Some(p) = symbols[bg.left].prev {
                try_add(&mut heap, &symbols, p, bg.left);
            }
            if let Some(nx) = symbols[bg.left].next {
                try_add(&mut heap, &symbols, bg.left, nx);
            }
        }
        let mut cur = Some(0);
        while let Some(i) = cur {
            let s = symbols[i];
            let piece = &text[s.start..s.start + s.len];
            // Merged symbols are always tokens; single characters may not be.
            if let Some(&id) = self.piece_to_id.get(piece) {
                out.push(id);
            } else {
                for b in piece.bytes() {
                    if let Some(id) = self.byte_tokens[b as usize].or(self.special.unk) {
                        out.push(id);
                    }
                }
            }
            cur = s.next;
        }
    }

    /// The bytes a token stands for. Control tokens give their text only when `special`.
    pub fn token_bytes(&self, id: u32, special: bool) -> Cow<'_, [u8]> {
        let Some(piece) = self.pieces.get(id as usize) else {
            return Cow::Borrowed(&[]);
        };
        match self.types[id as usize] {
            TokenType::Normal | TokenType::Undefined => {
                if piece.contains(SPACE_MARK) {
                    Cow::Owned(piece.replace(SPACE_MARK, " ").into_bytes())
                } else {
                    Cow::Borrowed(piece.as_bytes())
                }
            }
            TokenType::UserDefined => Cow::Borrowed(piece.as_bytes()),
            TokenType::Byte => match parse_byte_piece(piece) {
                Some(b) => Cow::Owned(vec![b]),
                None => Cow::Borrowed(piece.as_bytes()),
            },
            TokenType::Unknown => Cow::Borrowed("\u{2585}".as_bytes()),
            TokenType::Control | TokenType::Unused => {
                if special {
                    Cow::Borrowed(piece.as_bytes())
                } else {
                    Cow::Borrowed(&[])
                }
            }
        }
    }

    /// Decodes ids to text (invalid UTF-8 from byte tokens becomes U+FFFD).
    pub fn decode(&self, ids: &[u32], special: bool) -> String {
        let mut bytes = Vec::new();
        for &id in ids {
            bytes.extend_from_slice(&self.token_bytes(id, special));
        }
        if self.special.add_space_prefix && bytes.first() == Some(&b' ') {
            bytes.remove(0);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn parse_byte_piece(piece: &str) -> Option<u8> {
    let hex = piece.strip_prefix("<0x")?.strip_suffix('>')?;
    u8::from_str_radix(hex, 16).ok()
}

/// Turns a stream of token ids into text, holding back bytes of an incomplete UTF-8 sequence
/// until the token that completes it arrives.
#[derive(Debug, Default, Clone)]
pub struct StreamDecoder {
    pending: Vec<u8>,
    special: bool,
    /// Whether any byte has been produced (the leading-space rule applies only before that).
    started: bool,
}

impl StreamDecoder {
    /// A decoder; `special` controls whether control tokens are printed.
    pub fn new(special: bool) -> Self {
        Self {
            pending: Vec::new(),
            special,
            started: false,
        }
    }

    /// Adds one token and returns the text that is now complete (possibly empty).
    pub fn push(&mut self, tok: &Tokenizer, id: u32) -> String {
        let bytes = tok.token_bytes(id, self.special);
        let mut bytes: &[u8] = &bytes;
        if !self.started && !bytes.is_empty() {
            self.started = true;
            // Same rule as `Tokenizer::decode`: the space the encoder inserted is dropped.
            if tok.special.add_space_prefix && bytes[0] == b' ' {
                bytes = &bytes[1..];
            }
        }
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // The prefix was just validated.
                    out.push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match e.error_len() {
                        None => {
                            // Incomplete sequence at the end: keep it for the next token.
                            self.pending.drain(..valid);
                            return out;
                        }
                        Some(bad) => {
                            out.push('\u{FFFD}');
                            self.pending.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    /// Flushes what is left (an incomplete sequence becomes U+FFFD).
    pub fn finish(&mut self) -> String {
        let s = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        s
    }
}

#[cfg(test)]
mod tests;
