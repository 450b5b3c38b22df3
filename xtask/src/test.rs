//! `cargo xtask test`: every check the project has, in the order a failure is cheapest to find,
//! ending with one line `N passed, M failed` over all suites.

use crate::cmd::{self, step};
use crate::server::{Mount, StaticServer};
use crate::{build, root, setup};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The sub-path the browser tests serve a second build under, as a project page would be.
const SUB_PATH: &str = "/atlas/";

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    lines: Vec<String>,
}

impl Tally {
    fn record(&mut self, suite: &str, passed: u64, failed: u64, seconds: f64) {
        self.passed += passed;
        self.failed += failed;
        self.lines.push(format!(
            "  {suite:<28} {passed:>5} passed {failed:>4} failed  {seconds:>7.1} s"
        ));
    }

    /// A suite that is one check (fmt, clippy, a build): pass or fail.
    fn check(&mut self, suite: &str, started: Instant, result: Result<(), String>) -> bool {
        let ok = result.is_ok();
        if let Err(e) = result {
            eprintln!("xtask: {suite} failed: {e}");
        }
        self.record(
            suite,
            ok as u64,
            (!ok) as u64,
            started.elapsed().as_secs_f64(),
        );
        ok
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    // `--browser`: only the wasm build and the browser tests, for a quick loop on the UI.
    let browser_only = match args {
        [] => false,
        [flag] if flag == "--browser" => true,
        [arg, ..] => return Err(format!("test: unknown argument `{arg}`")),
    };
    let root = root();
    let all = Instant::now();
    setup::run(&setup::Options {
        system_packages: true,
    })?;
    let mut tally = Tally::default();
    if !browser_only {
        native_checks(&root, &mut tally);
    }
    browser_checks(&root, &mut tally);

    println!(
        "\n==> summary ({:.0} s in all)",
        all.elapsed().as_secs_f64()
    );
    for line in &tally.lines {
        println!("{line}");
    }
    // The summary is the last line printed; a failure only sets the exit status.
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(String::new())
    }
}

fn native_checks(root: &Path, tally: &mut Tally) {
    step("cargo fmt --check");
    let t = Instant::now();
    let r = cmd::run(root, "cargo", &["fmt", "--all", "--", "--check"]);
    tally.check("fmt", t, r);

    step("cargo clippy (warnings are errors)");
    let t = Instant::now();
    let r = cmd::run(
        root,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    tally.check("clippy", t, r);

    step("native tests (cargo test --workspace; GPU tests on software Vulkan)");
    let t = Instant::now();
    match cargo_tests(root) {
        Ok((p, f)) => tally.record("native tests", p, f, t.elapsed().as_secs_f64()),
        Err(e) => {
            eprintln!("xtask: native tests did not run: {e}");
            tally.record("native tests", 0, 1, t.elapsed().as_secs_f64());
        }
    }
}

fn browser_checks(root: &Path, tally: &mut Tally) {
    let t = Instant::now();
    let dist = root.join("dist");
    let sub_dist = root.join("target/dist-subpath");
    let built = build::run(&build::Options {
        public_url: "/".into(),
        dist: dist.clone(),
        setup: false,
    })
    .and_then(|()| {
        build::run(&build::Options {
            public_url: SUB_PATH.into(),
            dist: sub_dist.clone(),
            setup: false,
        })
    });
    if tally.check("wasm release build", t, built) {
        step("browser tests (Playwright driving Chromium, WebGPU on SwiftShader)");
        let t = Instant::now();
        match browser_tests(root, &dist, &sub_dist) {
            Ok((p, f)) => tally.record("browser tests", p, f, t.elapsed().as_secs_f64()),
            Err(e) => {
                eprintln!("xtask: browser tests did not run: {e}");
                tally.record("browser tests", 0, 1, t.elapsed().as_secs_f64());
            }
        }
    } else {
        eprintln!("xtask: the browser tests cannot run without a build");
        tally.record("browser tests (not run)", 0, 1, 0.0);
    }
}

/// Runs a command, echoing its output, and hands every line to `parse`.
fn run_counting(
    dir: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
    mut parse: impl FnMut(&str),
) -> Result<bool, String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            parse(&line);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok(status.success())
}

fn cargo_tests(root: &Path) -> Result<(u64, u64), String> {
    let (mut passed, mut failed) = (0, 0);
    let ok = run_counting(
        root,
        "cargo",
        &["test", "--workspace", "--no-fail-fast"],
        &[("ATLAS_REQUIRE_GPU", "1")],
        |line| {
            if let Some((p, f)) = parse_cargo_result(line) {
                passed += p;
                failed += f;
            }
        },
    )?;
    if !ok && failed == 0 {
        // A build error: no test ran, which must not read as green.
        failed += 1;
    }
    Ok((passed, failed))
}

/// `test result: ok. 12 passed; 0 failed; 1 ignored; …` → (12, 0).
fn parse_cargo_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ")
                    .strip_suffix(word)
            })
            .and_then(|n| n.trim().parse::<u64>().ok())
    };
    Some((count(" passed")?, count(" failed")?))
}

fn browser_tests(root: &Path, dist: &Path, sub_dist: &Path) -> Result<(u64, u64), String> {
    let site = StaticServer::bind(0, vec![Mount::new("/", dist)])?.spawn();
    let sub = StaticServer::bind(0, vec![Mount::new(SUB_PATH, sub_dist)])?.spawn();
    // A blog on another origin, for the embed tests.
    let host = StaticServer::bind(0, vec![Mount::new("/", &root.join("tests/e2e/host"))])?.spawn();
    let screenshots = root.join("target/screenshots");
    std::fs::create_dir_all(&screenshots).map_err(|e| e.to_string())?;
    let site_url = format!("http://127.0.0.1:{site}/");
    let sub_url = format!("http://127.0.0.1:{sub}{SUB_PATH}");
    let host_url = format!("http://127.0.0.1:{host}/");
    let screenshots = screenshots.to_string_lossy().into_owned();
    let (mut passed, mut failed) = (0, 0);
    let ok = run_counting(
        root,
        "node",
        &[
            "--test",
            "--test-concurrency=1",
            "--test-reporter=tap",
            "tests/e2e/",
        ],
        &[
            ("ATLAS_URL", &site_url),
            ("ATLAS_SUBPATH_URL", &sub_url),
            ("ATLAS_HOST_URL", &host_url),
            ("ATLAS_SCREENSHOTS", &screenshots),
        ],
        |line| {
            if let Some(n) = line.strip_prefix("# pass ") {
                passed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("# fail ") {
                failed += n.trim().parse::<u64>().unwrap_or(0);
            }
        },
    )?;
    if !ok && failed == 0 {
        failed += 1;
    }
    if passed == 0 && failed == 0 {
        return Err("node --test ran no browser test".into());
    }
    Ok((passed, failed))
}

#[cfg(test)]
mod tests {
    use super::parse_cargo_result;

    #[test]
    fn reads_cargo_test_summaries() {
        assert_eq!(
            parse_cargo_result("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"),
            Some((12, 0))
        );
        assert_eq!(
            parse_cargo_result(
                "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out"
            ),
            Some((3, 2))
        );
        assert_eq!(parse_cargo_result("running 3 tests"), None);
    }
}
