//! `/demo`: the on-device demo.

use crate::pages::unbuilt::NotBuiltYet;
use leptos::prelude::*;

#[component]
pub fn Demo() -> impl IntoView {
    view! {
        <NotBuiltYet
            title="On-device demo"
            coming="It will run Gemma 3 270M (quantized, 253 MB) in your browser through WebGPU, in a worker, stream its text, and measure your device's speed. Nothing you type will leave your device."
        />
    }
}
