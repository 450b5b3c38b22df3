//! `/embed/:chart`: a chart alone, for an iframe in someone's blog post: its title, the chart, a
//! source line and a link back to the page where its inputs can be changed. It follows
//! `?theme=light|dark`, and tells its host page how tall it is (`llm-atlas:resize` messages).

use crate::app::href;
use crate::charts::{benchmarks, ChartId, Figure};
use crate::components::dataset::WithDataset;
use crate::components::echart::{ChartHandle, EChart};
use crate::components::resize::watch_size;
use crate::components::shell::PageTitle;
use crate::components::url_state::QueryState;
use crate::data::Dataset;
use crate::pages::costs::plan::{cost_volume_figure, prices_figure, quality_figure, CostInputs};
use crate::pages::hardware::plan::{memory_figure, quality_memory_figure, HardwareInputs};
use crate::theme::{use_theme, Theme};
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::sync::Arc;

/// The figure an embed address describes, drawn from its query parameters.
pub fn figure_for(ds: &Dataset, id: ChartId, params: &[(String, String)]) -> Figure {
    let pairs = || params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match id {
        ChartId::Prices => prices_figure(ds, &CostInputs::from_params(pairs())),
        ChartId::CostVolume => cost_volume_figure(ds, &CostInputs::from_params(pairs())).0,
        ChartId::QualityPrice => quality_figure(ds, &CostInputs::from_params(pairs())),
        ChartId::Memory => memory_figure(ds, &HardwareInputs::from_params(pairs())),
        ChartId::QualityMemory => quality_memory_figure(ds, &HardwareInputs::from_params(pairs())),
        ChartId::Benchmarks => {
            let bench = params
                .iter()
                .find(|(k, _)| k == "bench")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "gpqa_diamond".into());
            let models: Vec<String> = match params.iter().find(|(k, _)| k == "m") {
                Some((_, v)) => v
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect(),
                None => ds.models.iter().map(|m| m.id.clone()).collect(),
            };
            benchmarks::figure(ds, &bench, &models)
        }
    }
}

#[component]
pub fn Embed() -> impl IntoView {
    crate::components::echart::preload_echarts();
    let params = use_params_map();
    let query = use_query_map();
    let theme = use_theme();
    Effect::new(move |_| {
        if let Some(t) = query
            .with(|q| q.get("theme"))
            .and_then(|t| Theme::parse(&t))
        {
            theme.show(t);
        }
    });
    let slug = move || params.with(|p| p.get("chart").unwrap_or_default());
    view! {
        <PageTitle text="Embedded chart" />
        {move || match ChartId::parse(&slug()) {
            Some(id) => view! {
                <WithDataset let:ds>
                    <EmbedChart ds id />
                </WithDataset>
            }
            .into_any(),
            None => view! {
                <div class="notice" role="alert" data-testid="embed-unknown">
                    <p>
                        "There is no chart called “" {slug()} "”. Charts that can be embedded: "
                        {ChartId::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>().join(", ")} "."
                    </p>
                    <p><a href=href("/") target="_blank" rel="noopener">"LLM Atlas"</a></p>
                </div>
            }
            .into_any(),
        }}
    }
}

/// Posts the embed's height to the page that holds the iframe.
fn post_height(root: &web_sys::HtmlElement, slug: &str) {
    let window = window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let height = root.scroll_height() + 16;
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"llm-atlas:resize".into());
    let _ = js_sys::Reflect::set(&msg, &"chart".into(), &slug.into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
    // The chart is public; any host may size its frame.
    let _ = parent.post_message(&msg, "*");
}

#[component]
fn EmbedChart(ds: Arc<Dataset>, id: ChartId) -> impl IntoView {
    let query = use_query_map();
    let figure = Signal::derive(move || {
        let params: Vec<(String, String)> = query.with(|q| {
            q.latest_values()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        });
        figure_for(&ds, id, &params)
    });
    let back = move || {
        let q = query.with(|q| q.to_query_string());
        format!(
            "{}{}",
            href(id.page()),
            if q.is_empty() || q == "?" {
                String::new()
            } else {
                q
            }
        )
    };
    let root = NodeRef::<Div>::new();
    watch_size(root, move |target| post_height(target, id.slug()));
    let handle = ChartHandle::new();
    view! {
        <div class="embed-page" node_ref=root data-testid="embed">
            <h1 class="embed-title">{move || figure.with(|f| f.title.clone())}</h1>
            <p class="sv-muted embed-subtitle">{move || figure.with(|f| f.subtitle.clone())}</p>
            <EChart figure handle height="360px" />
            <p class="chart-source">
                {move || figure.with(|f| f.source_line.clone())} " · "
                <a class="embed-back" href=back target="_blank" rel="noopener">
                    "Open in LLM Atlas"
                </a>
            </p>
        </div>
    }
}
