//! `cargo xtask`: the one entry point for set-up, building, serving, testing and benchmarks.
//!
//! ```text
//! cargo xtask setup              install what is missing (tools, npm packages, the bundled model)
//! cargo xtask build [--public-url /sub/] [--dist DIR]
//! cargo xtask serve [--port 8080]   set up, build and serve the site on 127.0.0.1
//! cargo xtask test               every check: fmt, clippy, native tests, wasm build, browser tests
//! cargo xtask bench-ui           UI benchmarks (10,000-model table, embed cost, first visit)
//! ```

mod bench;
mod bench_ui;
mod build;
mod cmd;
mod model;
mod server;
mod setup;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup                      install what is missing: the wasm target, trunk, wasm-bindgen-cli,
                             the npm packages, and the bundled model (verified by sha256)
  build [--public-url URL] [--dist DIR]
                             setup, then a release build of the site into dist/ (or DIR)
  serve [--port N] [--no-build]
                             setup, build, and serve the site on http://127.0.0.1:N (default 8080);
                             --no-build serves the dist/ already built
  test [--browser]           setup (and the Debian packages the browser tests need), then
                             fmt, clippy, native tests, the wasm build and the browser tests
                             (--browser: only the wasm build and the browser tests)
  bench-ui                   the UI benchmarks: a 10,000-model table, the embed page's cost, a first visit
  bench-demo [--tokens N] [--no-wllama] [--url URL]
                             build, then benchmark the on-device demo in Chromium beside wllama
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "setup" => setup::run(&setup::Options::default()),
        "build" => build::Options::parse(rest).and_then(|o| build::run(&o)),
        "serve" => server::ServeOptions::parse(rest).and_then(|o| server::serve(&o)),
        "test" => test::run(rest),
        "bench-ui" => bench_ui::run(rest),
        "bench-demo" => bench::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // An empty message: the command already reported (e.g. the test summary line).
        Err(message) if message.is_empty() => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
