//! Native model file loading: a single GGUF file, or a manifest JSON listing the file's parts.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::gguf::MultiSlice;

/// Errors while reading model files from disk.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Reading a file failed.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of the expected shape.
    #[error("manifest {path}: {source}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A part's size differs from the manifest.
    #[error("part {path} has {got} bytes, manifest says {want}")]
    PartSize {
        /// The part.
        path: PathBuf,
        /// Size on disk.
        got: u64,
        /// Size in the manifest.
        want: u64,
    },
    /// A part name tries to leave the manifest's folder.
    #[error("manifest part name {0:?} must be a plain file name")]
    BadPartName(String),
}

/// The subset of a model manifest this crate reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Parts of the GGUF file, in order.
    pub parts: Vec<ManifestPart>,
    /// Total size, if given.
    #[serde(default)]
    pub size: Option<u64>,
}

/// One part of a split model file.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestPart {
    /// File name, relative to the manifest's folder.
    pub name: String,
    /// Size in bytes, if given.
    #[serde(default)]
    pub size: Option<u64>,
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a model: `path` is either a `.json` manifest (its parts are read in order) or the
/// GGUF file itself.
pub fn read_model(path: &Path) -> Result<MultiSlice<Vec<u8>>, LoadError> {
    if path.extension().is_some_and(|e| e == "json") {
        let text = read(path)?;
        let manifest: Manifest =
            serde_json::from_slice(&text).map_err(|source| LoadError::Manifest {
                path: path.to_path_buf(),
                source,
            })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut parts = Vec::with_capacity(manifest.parts.len());
        for p in &manifest.parts {
            let plain = Path::new(&p.name)
                .file_name()
                .is_some_and(|f| f == p.name.as_str());
            if !plain {
                return Err(LoadError::BadPartName(p.name.clone()));
            }
            let part_path = dir.join(&p.name);
            let bytes = read(&part_path)?;
            if let Some(want) = p.size {
                if bytes.len() as u64 != want {
                    return Err(LoadError::PartSize {
                        path: part_path,
                        got: bytes.len() as u64,
                        want,
                    });
                }
            }
            parts.push(bytes);
        }
        Ok(MultiSlice::new(parts))
    } else {
        Ok(MultiSlice::new(vec![read(path)?]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gguf::Source;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("atlas-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn manifest_parts_are_joined_in_order() {
        let dir = temp_dir("ok");
        std::fs::write(dir.join("m.part0"), b"GGU").unwrap();
        std::fs::write(dir.join("m.part1"), b"F rest").unwrap();
        let manifest = r#"{"parts": [{"name": "m.part0", "size": 3}, {"name": "m.part1"}]}"#;
        std::fs::write(dir.join("manifest.json"), manifest).unwrap();
        let src = read_model(&dir.join("manifest.json")).unwrap();
        assert_eq!(src.len(), 9);
        assert_eq!(&*src.bytes(0, 9).unwrap(), b"GGUF rest");
        let single = read_model(&dir.join("m.part1")).unwrap();
        assert_eq!(single.len(), 6);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn manifest_errors_name_the_problem() {
        let dir = temp_dir("bad");
        std::fs::write(dir.join("p"), b"abc").unwrap();
        let cases = [
            (
                r#"{"parts": [{"name": "p", "size": 4}]}"#,
                "has 3 bytes, manifest says 4",
            ),
            (r#"{"parts": [{"name": "../p"}]}"#, "plain file name"),
            (r#"{"parts": [{"name": "missing"}]}"#, "missing"),
            (r#"{"parts": 3}"#, "manifest"),
        ];
        for (i, (json, want)) in cases.iter().enumerate() {
            let path = dir.join(format!("m{i}.json"));
            std::fs::write(&path, json).unwrap();
            let e = read_model(&path).unwrap_err().to_string();
            assert!(e.contains(want), "{json}: {e}");
        }
        let e = read_model(&dir.join("nope.gguf")).unwrap_err().to_string();
        assert!(e.contains("nope.gguf"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
