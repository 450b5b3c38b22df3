//! `cargo xtask setup`: installs what is missing and skips what is there.

use crate::cmd::{self, step};
use crate::{model, root};
use std::path::Path;

/// The Trunk version this project builds with (0.22 needs a newer rustc than these machines have).
pub const TRUNK_VERSION: &str = "0.21.14";

/// What to set up beyond the always-needed tools.
#[derive(Default)]
pub struct Options {
    /// Also install the Debian packages the browser and GPU tests need.
    pub system_packages: bool,
}

pub fn run(options: &Options) -> Result<(), String> {
    let root = root();
    if options.system_packages {
        system_packages()?;
    }
    wasm_target()?;
    trunk()?;
    wasm_bindgen(&root)?;
    npm(&root)?;
    model::ensure(&root)?;
    println!("\nset-up complete");
    Ok(())
}

fn wasm_target() -> Result<(), String> {
    step("Rust target wasm32-unknown-unknown");
    let installed = cmd::output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("    present");
        return Ok(());
    }
    cmd::run(
        &root(),
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    )
}

fn installed_version(program: &str) -> Option<String> {
    let path = cmd::cargo_bin_dir()?.join(program);
    let program = if path.exists() {
        path.to_string_lossy().into_owned()
    } else {
        program.to_string()
    };
    cmd::output(&program, &["--version"])
}

fn trunk() -> Result<(), String> {
    step(&format!("trunk {TRUNK_VERSION}"));
    match installed_version("trunk") {
        Some(v) if v.contains(TRUNK_VERSION) => {
            println!("    present ({v})");
            Ok(())
        }
        found => {
            if let Some(v) = found {
                println!("    found {v}; installing {TRUNK_VERSION}");
            }
            println!("    cargo install trunk (about 13 minutes on 2 cores; done once)");
            cmd::run(
                &root(),
                "cargo",
                &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
            )
        }
    }
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next() {
                if let Some(v) = version.trim().strip_prefix("version = ") {
                    return Ok(v.trim_matches('"').to_string());
                }
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = locked_wasm_bindgen_version(root)?;
    step(&format!(
        "wasm-bindgen-cli {version} (the version in Cargo.lock)"
    ));
    check_trunk_pin(root, "wasm_bindgen", &version, "Cargo.lock")?;
    match installed_version("wasm-bindgen") {
        Some(v) if v.split_whitespace().nth(1) == Some(version.as_str()) => {
            println!("    present ({v})");
            Ok(())
        }
        _ => {
            println!("    cargo install wasm-bindgen-cli (about 4 minutes; done once)");
            // Not `--locked`: a dependency version in its lockfile is missing from the registry.
            cmd::run(
                root,
                "cargo",
                &["install", "wasm-bindgen-cli", "--version", &version],
            )
        }
    }
}

/// Trunk.toml must pin `key = "value"` under `[tools]` (the version installed from `origin`), or
/// Trunk tries to download its own copy of the tool, which fails offline less helpfully.
fn check_trunk_pin(root: &Path, key: &str, value: &str, origin: &str) -> Result<(), String> {
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    let expected = format!("{key} = \"{value}\"");
    if trunk_toml.contains(&expected) {
        Ok(())
    } else {
        Err(format!(
            "Trunk.toml must pin `{expected}` under [tools] to match {origin}"
        ))
    }
}

fn npm(root: &Path) -> Result<(), String> {
    step("npm packages (package-lock.json)");
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let up_to_date = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => match (s.modified(), l.modified()) {
            (Ok(s), Ok(l)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if up_to_date
        && root
            .join("node_modules/echarts/dist/echarts.min.js")
            .exists()
        && root.join(WASM_OPT).exists()
    {
        println!("    present");
    } else {
        cmd::run(root, "npm", &["ci", "--no-audit", "--no-fund"])?;
    }
    check_wasm_opt_pin(root)
}

/// npm's `binaryen` package provides the wasm-opt that Trunk runs on the release build.
const WASM_OPT: &str = "node_modules/.bin/wasm-opt";

/// The wasm-opt version npm installed, which Trunk.toml must pin (Trunk uses a wasm-opt on PATH
/// only at its pinned version).
fn check_wasm_opt_pin(root: &Path) -> Result<(), String> {
    let path = root.join(WASM_OPT);
    let version = cmd::output(&path.to_string_lossy(), &["--version"])
        .ok_or_else(|| format!("`{} --version` did not run", path.display()))?;
    // "wasm-opt version 132 (version_132)"
    let tag = version
        .rsplit_once('(')
        .and_then(|(_, t)| t.strip_suffix(')'))
        .ok_or_else(|| format!("unexpected wasm-opt version output `{version}`"))?;
    check_trunk_pin(root, "wasm_opt", tag, "the binaryen in package.json")?;
    println!("    wasm-opt {tag}");
    Ok(())
}

/// The Debian packages the browser and GPU tests need.
const DEBIAN_PACKAGES: &[&str] = &["chromium", "mesa-vulkan-drivers", "libvulkan1"];

fn system_packages() -> Result<(), String> {
    step("Debian packages for the browser and GPU tests");
    let have_chromium = Path::new("/usr/bin/chromium").exists();
    let have_lavapipe = Path::new("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json").exists()
        || Path::new("/usr/share/vulkan/icd.d/lvp_icd.aarch64.json").exists();
    if have_chromium && have_lavapipe {
        println!("    present (chromium, lavapipe)");
        return Ok(());
    }
    let install = format!(
        "apt-get update && apt-get install -y {}",
        DEBIAN_PACKAGES.join(" ")
    );
    let is_root = cmd::output("id", &["-u"]).as_deref() == Some("0");
    if !is_root {
        return Err(format!(
            "the browser and GPU tests need Debian packages that are missing; run as root:\n\n    sudo sh -c '{install}'\n\nthen run `cargo xtask test` again"
        ));
    }
    cmd::run_env(
        &root(),
        "sh",
        &["-c", &install],
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}
