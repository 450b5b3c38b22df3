//! Running external commands with clear errors.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Prints a step heading, so a long set-up shows where it is.
pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// Runs `program args…` in `dir` with inherited output; an error names the command and its status.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    run_env(dir, program, args, &[])
}

/// Like [`run`], with extra environment variables.
pub fn run_env(
    dir: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    let started = Instant::now();
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        println!(
            "    ({program} {} took {:.1} s)",
            args.first().copied().unwrap_or(""),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// The trimmed standard output of a command, or `None` if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The directory cargo installs binaries into, put first on PATH so installed tools are found.
pub fn cargo_bin_dir() -> Option<std::path::PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Some(Path::new(&home).join("bin"));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo").join("bin"))
}

/// PATH with cargo's bin directory first.
pub fn path_with_cargo_bin() -> String {
    let current = std::env::var("PATH").unwrap_or_default();
    match cargo_bin_dir() {
        Some(bin) => format!("{}:{current}", bin.display()),
        None => current,
    }
}
