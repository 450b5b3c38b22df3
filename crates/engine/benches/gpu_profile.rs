//! Where a decoded token's time goes: each dispatch of one decode step timed on its own,
//! summed per kernel. `cargo bench -p atlas-engine --bench gpu_profile [-- MODEL]` (default: the
//! bundled model's manifest). Each dispatch runs `REPEAT` times in one submission, so the
//! figures leave out submission overhead; dispatches that accumulate into a buffer get garbage
//! values, which does not change their speed. Then the whole step, and the step without each
//! kernel in turn: a kernel's in-step cost, with its weights coming from memory rather than from
//! the cache a repeated dispatch warms (about +-2 ms of noise on a 2-core machine). Last, the
//! ceiling these kernels put on decode efficiency: the step without its mat-vecs plus every
//! weight byte at the read kernel's speed.

use atlas_engine::gguf::GgufFile;
use atlas_engine::gpu::bench::best_time;
use atlas_engine::gpu::GpuModelOptions;
use std::collections::BTreeMap;
use std::path::PathBuf;

const REPEAT: usize = 20;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../public/models/gemma-3-270m-q4_k_m/manifest.json")
        });
    if let Err(e) = profile(&path) {
        eprintln!("gpu_profile: {e}");
        std::process::exit(1);
    }
}

fn profile(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let src = atlas_engine::files::read_model(path)?;
    let file = GgufFile::parse(&src)?;
    let opts = GpuModelOptions {
        max_context: 512,
        ..Default::default()
    };
    let mut model = atlas_engine::gpu::runner::open_blocking(&file, &src, opts)?;
    // A 128-token context, as in `atlas-run bench --prompt-tokens 128`.
    let prompt: Vec<u32> = (0..128).map(|i| 1000 + 7 * i).collect();
    pollster::block_on(model.prefill(&prompt, 0.5))?;
    let ctx = model.context();
    println!("adapter: {:?}", ctx.adapter());
    let mut per_kernel: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut total = 0.0;
    let sampling = model.sampling_dispatches();
    for d in model.decode_dispatches().iter().chain(sampling) {
        let list: Vec<_> = std::iter::repeat_n(d, REPEAT).collect();
        let best = best_time(ctx, &list, 2)? / REPEAT as f64;
        let e = per_kernel.entry(d.label.to_string()).or_default();
        e.0 += 1;
        e.1 += best;
        total += best;
    }
    let mut rows: Vec<_> = per_kernel.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
    println!("{:>9} {:>6} {:>6}  kernel", "ms/token", "share", "count");
    for (label, (n, t)) in rows {
        println!("{:9.3} {:5.1}% {n:6}  {label}", t * 1e3, 100.0 * t / total);
    }
    println!(
        "{:9.3} (sum of {} dispatches)",
        total * 1e3,
        model.decode_dispatches().len() + sampling.len()
    );
    // The same dispatches in order in one submission, as a decode step runs them: weights come
    // from memory, not from the cache a repeated dispatch warms.
    let all: Vec<_> = model.decode_dispatches().iter().chain(sampling).collect();
    let whole = best_time(ctx, &all, 3)?;
    println!("{:9.3} (the whole step in one submission)", whole * 1e3);
    // What each kernel costs inside the step: the step timed without it. Dispatches left out
    // leave stale inputs for later ones, which does not change their speed.
    println!(
        "{:>9}  kernel (the step without it, in order of cost)",
        "ms saved"
    );
    let mut saved = Vec::new();
    for label in all
        .iter()
        .map(|d| d.label.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let rest: Vec<_> = all.iter().copied().filter(|d| d.label != label).collect();
        saved.push((whole - best_time(ctx, &rest, 3)?, label));
    }
    saved.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (t, label) in saved {
        println!("{:9.3}  {label}", t * 1e3);
    }
    // The ceiling on decode efficiency these kernels allow: the step without any mat-vec, plus
    // every weight byte read at the read kernel's speed (as if each mat-vec cost only its reads).
    let others: Vec<_> = all
        .iter()
        .copied()
        .filter(|d| !d.label.starts_with("matvec_"))
        .collect();
    let rest = best_time(ctx, &others, 3)?;
    let read_gb_s = pollster::block_on(atlas_engine::gpu::bench::device_read_gb_s(ctx))?;
    let bytes = model.weight_bytes_per_token() as f64;
    let ideal = rest + bytes / (read_gb_s * 1e9);
    println!(
        "{:9.3} (the step without its {} mat-vecs)",
        rest * 1e3,
        all.len() - others.len()
    );
    println!(
        "read kernel {read_gb_s:.2} GB/s, {:.1} MB of weights a token: with every mat-vec at \
         that speed the step would take {:.1} ms, a decode efficiency of {:.2} (now {:.2})",
        bytes / 1e6,
        ideal * 1e3,
        bytes / (read_gb_s * 1e9) / ideal,
        bytes / (read_gb_s * 1e9) / whole,
    );
    Ok(())
}
