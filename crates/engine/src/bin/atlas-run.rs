//! `atlas-run`: tokenize or generate with the engine from the command line.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let result = atlas_engine::cli::parse_args(std::env::args().skip(1))
        .and_then(|cmd| atlas_engine::cli::run(cmd, &mut std::io::stdout().lock()));
    if let Err(e) = result {
        eprintln!("atlas-run: {e}");
        let code = if matches!(e, atlas_engine::cli::CliError::Usage(_)) {
            2
        } else {
            1
        };
        std::process::exit(code);
    }
}

/// `atlas-run` is a native tool; on wasm32 (where the crate's binaries are built for the
/// worker) it is an empty program so `--bins` builds still succeed.
#[cfg(target_arch = "wasm32")]
fn main() {}
