//! The bundled model's `manifest.json`: which parts make the GGUF file, their sizes and sha256
//! sums. Parsed with bounded, typed errors: a manifest is data from the network.

use serde::Deserialize;

/// Largest model file a manifest may describe (the wasm32 address space is 4 GiB).
pub const MAX_MODEL_BYTES: u64 = 3 << 30;
/// Most parts a manifest may list.
pub const MAX_PARTS: usize = 256;

/// One part of the model file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ManifestPart {
    /// File name, next to the manifest.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex sha256 of the part, when known.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// A model described by a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// Display name.
    pub name: String,
    /// The whole file's name.
    pub file: String,
    /// Architecture, e.g. `gemma3`.
    #[serde(default)]
    pub architecture: String,
    /// Quantization, e.g. `Q4_K_M`.
    #[serde(default)]
    pub quantization: String,
    /// License name.
    #[serde(default)]
    pub license: String,
    /// License URL.
    #[serde(default)]
    pub license_url: String,
    /// Whole file size in bytes.
    pub size: u64,
    /// The whole file's sha256, when known.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The parts, in order.
    pub parts: Vec<ManifestPart>,
}

/// Why a manifest is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    /// Not JSON of the expected shape.
    #[error("the model manifest is not valid: {0}")]
    Json(String),
    /// The parts do not add up or a field is out of range.
    #[error("the model manifest is inconsistent: {0}")]
    Inconsistent(String),
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Manifest {
    /// Parses and checks a manifest: parts listed, plain file names, sizes that add up to the
    /// whole and stay under [`MAX_MODEL_BYTES`], well-formed sha256 sums.
    pub fn parse(json: &str) -> Result<Self, ManifestError> {
        let m: Manifest =
            serde_json::from_str(json).map_err(|e| ManifestError::Json(e.to_string()))?;
        let bad = |s: String| Err(ManifestError::Inconsistent(s));
        if m.parts.is_empty() || m.parts.len() > MAX_PARTS {
            return bad(format!("{} parts listed", m.parts.len()));
        }
        if m.size == 0 || m.size > MAX_MODEL_BYTES {
            return bad(format!("size {} is out of range", m.size));
        }
        let mut sum = 0u64;
        for p in &m.parts {
            if p.name.is_empty()
                || p.name.contains(['/', '\\', '?', '#'])
                || p.name.starts_with('.')
            {
                return bad(format!("part name `{}` is not a plain file name", p.name));
            }
            if let Some(h) = &p.sha256 {
                if !is_sha256_hex(h) {
                    return bad(format!("part `{}` has a malformed sha256", p.name));
                }
            }
            sum = sum.saturating_add(p.size);
        }
        if sum != m.size {
            return bad(format!("the parts add up to {sum} bytes, not {}", m.size));
        }
        if let Some(h) = &m.sha256 {
            if !is_sha256_hex(h) {
                return bad("the file's sha256 is malformed".into());
            }
        }
        Ok(m)
    }

    /// Absolute URLs of the parts, next to the manifest at `manifest_url`.
    pub fn part_urls(&self, manifest_url: &str) -> Vec<String> {
        self.parts
            .iter()
            .map(|p| sibling_url(manifest_url, &p.name))
            .collect()
    }
}

/// The URL of `name` in the same directory as `url` (query and fragment dropped).
pub fn sibling_url(url: &str, name: &str) -> String {
    let base = url.split(['?', '#']).next().unwrap_or(url);
    match base.rfind('/') {
        Some(i) => format!("{}{name}", &base[..=i]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
      "name": "Gemma 3 270M", "file": "m.gguf", "architecture": "gemma3",
      "quantization": "Q4_K_M", "license": "Gemma Terms of Use",
      "license_url": "https://ai.google.dev/gemma/terms", "size": 30,
      "sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
      "parts": [
        { "name": "m.gguf.part00", "size": 20, "sha256": "d47b1ae926d2c8f811264dd879ba155e80f120bed270189051c09c3542e59e83" },
        { "name": "m.gguf.part01", "size": 10 }
      ]
    }"#;

    #[test]
    fn parses_and_resolves_parts() {
        let m = Manifest::parse(GOOD).unwrap();
        assert_eq!(m.parts.len(), 2);
        assert_eq!(
            m.part_urls("http://h/atlas/models/g/manifest.json?v=1"),
            vec![
                "http://h/atlas/models/g/m.gguf.part00",
                "http://h/atlas/models/g/m.gguf.part01"
            ]
        );
        assert_eq!(m.parts[1].sha256, None);
    }

    #[test]
    fn the_committed_manifest_is_valid() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../public/models/gemma-3-270m-q4_k_m/manifest.json"
        );
        let json = std::fs::read_to_string(path).unwrap();
        let m = Manifest::parse(&json).unwrap();
        assert_eq!(m.size, 253_113_024);
        assert_eq!(m.parts.len(), 4);
        assert!(m.parts.iter().all(|p| p.sha256.is_some()));
    }

    #[test]
    fn rejects_bad_manifests() {
        let cases = [
            ("{", "not JSON"),
            (
                r#"{"name":"x","file":"f","size":10,"parts":[]}"#,
                "no parts",
            ),
            (
                r#"{"name":"x","file":"f","size":10,"parts":[{"name":"a","size":9}]}"#,
                "sizes",
            ),
            (
                r#"{"name":"x","file":"f","size":10,"parts":[{"name":"../a","size":10}]}"#,
                "path",
            ),
            (
                r#"{"name":"x","file":"f","size":10,"parts":[{"name":"a","size":10,"sha256":"zz"}]}"#,
                "hash",
            ),
            (
                r#"{"name":"x","file":"f","size":18446744073709551615,"parts":[{"name":"a","size":18446744073709551615}]}"#,
                "huge",
            ),
        ];
        for (json, why) in cases {
            assert!(Manifest::parse(json).is_err(), "{why}");
        }
    }
}
