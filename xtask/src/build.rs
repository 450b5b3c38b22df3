//! `cargo xtask build`: a release build of the static site with Trunk, ready for any static host.

use crate::cmd::{self, step};
use crate::{root, setup};
use std::path::{Path, PathBuf};

pub struct Options {
    /// The path the site is served under (`/` at a domain's root, `/atlas/` under a sub-path).
    pub public_url: String,
    /// Where the built site goes.
    pub dist: PathBuf,
    /// Run the set-up first (off when the caller already did).
    pub setup: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            public_url: "/".into(),
            dist: root().join("dist"),
            setup: true,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--public-url" => {
                    options.public_url = it.next().ok_or("--public-url needs a value")?.clone()
                }
                "--dist" => options.dist = PathBuf::from(it.next().ok_or("--dist needs a value")?),
                other => return Err(format!("build: unknown argument `{other}`")),
            }
        }
        if !options.public_url.starts_with('/') || !options.public_url.ends_with('/') {
            return Err(format!(
                "--public-url must start and end with `/` (got `{}`)",
                options.public_url
            ));
        }
        Ok(options)
    }
}

pub fn run(options: &Options) -> Result<(), String> {
    let root = root();
    if options.setup {
        setup::run(&setup::Options::default())?;
    }
    step(&format!(
        "trunk build --release (public URL {}) into {}",
        options.public_url,
        options.dist.display()
    ));
    let dist = options.dist.to_string_lossy().into_owned();
    // Trunk finds wasm-opt (npm's binaryen, installed by the set-up) and the cargo-installed tools
    // on PATH.
    let path = format!(
        "{}:{}",
        root.join("node_modules/.bin").display(),
        cmd::path_with_cargo_bin()
    );
    cmd::run_env(
        &root,
        "trunk",
        &[
            "build",
            "--release",
            "--offline",
            "--public-url",
            &options.public_url,
            "--dist",
            &dist,
        ],
        &[("PATH", path.as_str())],
    )?;
    spa_fallback(&options.dist)
}

/// Static hosts (GitHub Pages among them) answer an unknown path with `404.html`: making it the
/// app's own page lets a deep link such as `/models?sort=gpqa` survive a reload.
fn spa_fallback(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    std::fs::copy(&index, dist.join("404.html"))
        .map(|_| ())
        .map_err(|e| format!("copying {} to 404.html: {e}", index.display()))
}
