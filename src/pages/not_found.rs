//! The page for an address the app does not know.

use crate::app::href;
use crate::components::shell::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn NotFound() -> impl IntoView {
    let location = use_location();
    view! {
        <PageTitle text="Page not found" />
        <h1>"Page not found"</h1>
        <p data-testid="not-found">
            "There is no page at " <code>{move || location.pathname.get()}</code> "."
        </p>
        <p>
            <A href=href("/")>"Go to the overview"</A>
        </p>
    }
}
