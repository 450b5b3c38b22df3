//! The inference worker's entry point (a Trunk `data-type="worker"` target): registers the
//! message handler and posts `Ready`. The logic lives in `atlas_engine::worker`.

#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
fn main() {
    atlas_engine::worker::start();
}

#[cfg(not(all(target_arch = "wasm32", feature = "gpu")))]
fn main() {
    eprintln!(
        "the inference worker runs in a browser (wasm32, feature `gpu`): build the site with `cargo xtask build`"
    );
    std::process::exit(2);
}
