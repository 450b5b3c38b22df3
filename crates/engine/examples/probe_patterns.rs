//! Prints the read probe's bandwidth per access pattern on the default adapter.
//! `cargo run --release -p atlas-engine --example probe_patterns`
use atlas_engine::gpu::bench::best_time;
use atlas_engine::gpu::GpuContext;
use atlas_engine::ops::readbw;

fn main() {
    pollster::block_on(async {
        let ctx = match GpuContext::new().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("no GPU adapter: {e}");
                std::process::exit(1);
            }
        };
        println!("{}", ctx.adapter().name);
        let probe = match readbw::Probe::new(&ctx).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("probe: {e}");
                std::process::exit(1);
            }
        };
        for kind in probe.sources() {
            let bound = match probe.bind(&ctx, kind) {
                Ok(b) => b,
                Err(e) => {
                    println!("{kind:?}: {e}");
                    continue;
                }
            };
            for (pattern, d) in &bound.dispatches {
                match best_time(&ctx, &[d], 3) {
                    Ok(t) => println!("{pattern:?}: {:.2} GB/s", probe.bytes as f64 / t / 1e9),
                    Err(e) => println!("{pattern:?}: {e}"),
                }
            }
        }
    });
}
