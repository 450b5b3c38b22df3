//! Pages whose features are not built yet. Each says so plainly instead of pretending.

use crate::app::href;
use crate::components::shell::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

/// A page's heading and an honest note of what is coming and what works today.
#[component]
pub fn NotBuiltYet(
    title: &'static str,
    /// What the page will offer.
    coming: &'static str,
) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <h1>{title}</h1>
        <div class="notice" role="status" data-testid="not-built">
            <p>
                <strong>"This page is not built yet. "</strong>
                {coming}
            </p>
            <p>
                <A href=href("/")>"Back to the overview"</A>
            </p>
        </div>
    }
}

#[component]
pub fn Costs() -> impl IntoView {
    view! {
        <NotBuiltYet
            title="Costs"
            coming="It will compute the monthly cost of a workload through each API and on your own hardware, with the break-even volume between them, as charts you can embed."
        />
    }
}

#[component]
pub fn Hardware() -> impl IntoView {
    view! {
        <NotBuiltYet
            title="Hardware"
            coming="It will estimate the memory a model needs at each quantization (weights, KV cache, overhead) and tell which GPUs it fits."
        />
    }
}
