//! `cargo xtask bench-ui`: the UI benchmarks, printing their figures: the models table with a
//! generated 10,000-model dataset (sort and filter times), and what an embedded chart costs a
//! reader (bytes and time to the first drawn chart).

use crate::cmd::{self, step};
use crate::server::{Mount, StaticServer};
use crate::{build, root};

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("bench-ui: unknown argument `{arg}`"));
    }
    let root = root();
    let options = build::Options::parse(&[])?;
    build::run(&options)?;
    let port = StaticServer::bind(0, vec![Mount::new("/", &options.dist)])?.spawn();
    let url = format!("http://127.0.0.1:{port}/");
    for script in [
        "bench/models-scale.mjs",
        "bench/embed-cost.mjs",
        "bench/page-load.mjs",
    ] {
        step(&format!("node {script}"));
        cmd::run_env(&root, "node", &[script], &[("ATLAS_URL", url.as_str())])?;
    }
    Ok(())
}
