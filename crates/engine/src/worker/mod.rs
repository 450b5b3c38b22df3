//! The inference worker: the engine inside a dedicated Web Worker.
//!
//! The page talks to it with the typed messages of [`crate::protocol`]. The worker downloads the
//! model itself (parts in parallel, sha256-checked, cached in Cache Storage), loads it on WebGPU
//! (or, without WebGPU, on the CPU, clearly labelled slow), streams tokens, and yields to its event
//! loop between tokens so a `Stop` is seen at once.
//!
//! [`manifest`] and [`plan`] are plain logic, unit-tested natively; everything that touches the
//! browser is compiled for `wasm32` (with the `gpu` feature) only.

pub mod manifest;
pub mod plan;

#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod bench;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod cache;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod engine;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod net;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod runtime;

#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
pub use runtime::start;
