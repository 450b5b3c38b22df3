//! `/`: what LLM Atlas is and where to go.

use crate::app::href;
use crate::components::shell::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <PageTitle text="Choose a language model with numbers you can check" />
        <section class="hero">
            <h1>"Choose a language model with numbers you can check"</h1>
            <p class="lead">
                "Parameter counts, context windows, prices and benchmark scores for open and closed models, "
                "each with the source it was read from; calculators for API versus self-hosting costs and "
                "memory needs; and a small model running on your own device."
            </p>
        </section>
        <ul class="cards">
            <li class="card">
                <h2><A href=href("/models")>"Models"</A></h2>
                <p>"Compare open and closed models side by side: size, context, license, benchmarks."</p>
            </li>
            <li class="card">
                <h2><A href=href("/costs")>"Costs"</A></h2>
                <p>"API prices against self-hosting, and the monthly volume where one beats the other."</p>
            </li>
            <li class="card">
                <h2><A href=href("/hardware")>"Hardware"</A></h2>
                <p>"How much memory a model needs at each quantization, and which GPUs it fits."</p>
            </li>
            <li class="card">
                <h2><A href=href("/demo")>"On-device demo"</A></h2>
                <p>"Gemma 3 270M writing text in your browser through WebGPU, and how fast your device runs it."</p>
            </li>
        </ul>
    }
}
