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
