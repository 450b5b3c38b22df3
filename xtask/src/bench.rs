//! `cargo xtask bench-demo`: the in-browser benchmark of the on-device demo beside wllama.
//!
//! Builds the site (with the set-up), then runs `node bench/demo.mjs`, which serves `dist/`,
//! drives Chromium through `/demo` and "Benchmark this device", then the demo again without WebGPU
//! (the CPU fallback), runs the wllama peer benchmark on the same model and prints them all.
//! Arguments after `bench-demo` go to the script (`--tokens N`, `--no-cpu`, `--no-wllama`,
//! `--url URL`).

use crate::cmd::{self, step};
use crate::{build, root};

pub fn run(args: &[String]) -> Result<(), String> {
    let root = root();
    if !args.iter().any(|a| a == "--url") {
        build::run(&build::Options::parse(&[])?)?;
    }
    step("in-browser benchmark of the demo (bench/demo.mjs)");
    let mut script: Vec<&str> = vec!["bench/demo.mjs"];
    script.extend(args.iter().map(String::as_str));
    cmd::run(&root, "node", &script)
}
