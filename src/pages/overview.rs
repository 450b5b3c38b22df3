//! `/`: what LLM Atlas is, where to go, and what the dataset holds.

use crate::app::href;
use crate::components::dataset::WithDataset;
use crate::components::shell::PageTitle;
use crate::data::Dataset;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

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
            <li class="card">
                <h2><A href=href("/claims")>"Claims checked"</A></h2>
                <p>"Figures from a widely shared article about choosing a model, each checked against its source."</p>
            </li>
        </ul>
        <section class="glance" aria-labelledby="glance-heading">
            <h2 id="glance-heading">"In the dataset"</h2>
            <WithDataset let:ds>
                <Glance ds />
            </WithDataset>
        </section>
    }
}

/// What the dataset holds, counted from it.
#[component]
fn Glance(ds: Arc<Dataset>) -> impl IntoView {
    let models = ds.models.len();
    let open = ds.models.iter().filter(|m| m.open_weights).count();
    let scores: usize = ds.models.iter().map(|m| m.benchmarks.len()).sum();
    let item = |n: usize, what: String, testid: &'static str| {
        view! { <li data-testid=testid><strong>{n}</strong>" "{what}</li> }
    };
    view! {
        <ul class="glance-stats" data-testid="dataset-glance">
            {item(models, format!("models ({open} open weights, {} closed)", models - open), "glance-models")}
            {item(scores, format!("benchmark scores on {} benchmarks", ds.benchmarks.len()), "glance-scores")}
            {item(ds.prices.len(), "dated API prices".into(), "glance-prices")}
            {item(ds.hardware.len(), "GPUs and Macs with memory and bandwidth".into(), "glance-hardware")}
            {item(ds.claims.len(), "claims checked".into(), "glance-claims")}
            {item(ds.sources.len(), "sources: every number cites one".into(), "glance-sources")}
        </ul>
        <p class="glance-note">
            {format!("Dataset version {} of {}. ", ds.meta.version, ds.meta.date)}
            "How numbers are read and checked: "
            <A href=href("/about")>"method and sources"</A>
            "."
        </p>
    }
}
