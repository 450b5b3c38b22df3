//! `/embed/:chart`: a chart alone, for an iframe in someone's blog post.

use crate::components::shell::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn Embed() -> impl IntoView {
    let params = use_params_map();
    let chart = move || params.read().get("chart").unwrap_or_default();
    view! {
        <PageTitle text="Embedded chart" />
        <div class="embed notice" role="status" data-testid="not-built">
            <p>
                <strong>"Embeddable charts are not built yet. "</strong>
                "This address will show the chart “" {chart} "” alone, sized for an iframe, with its source and a link back to LLM Atlas."
            </p>
        </div>
    }
}
