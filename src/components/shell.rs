//! The site's header (navigation, theme toggle) and footer.

use crate::app::href;
use crate::components::finder::ModelFinder;
use crate::theme::{use_theme, Theme};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// The sections in the header, in order: (path, label).
pub const NAV: &[(&str, &str)] = &[
    ("/models", "Models"),
    ("/costs", "Costs"),
    ("/hardware", "Hardware"),
    ("/demo", "On-device demo"),
    ("/claims", "Claims checked"),
    ("/about", "About"),
];

/// Whether the current route is a bare embed (no header or footer).
fn on_embed() -> Memo<bool> {
    let location = use_location();
    Memo::new(move |_| location.pathname.get().contains("/embed/"))
}

/// The document title of a page: `"Models · LLM Atlas"`.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=format!("{text} · LLM Atlas") /> }
}

/// The top of a content page: its document title, its heading and its lead paragraph.
#[component]
pub fn PageHead(
    /// The document title (see [`PageTitle`]).
    title: &'static str,
    /// The page's `h1`.
    heading: &'static str,
    /// The lead paragraph's content.
    children: Children,
) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <h1>{heading}</h1>
        <p class="lead">{children()}</p>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let embed = on_embed();
    view! {
        <Show when=move || !embed.get()>
            <header class="site-header">
                <A href=href("/") attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"A"</span>
                    <span>"LLM Atlas"</span>
                </A>
                <nav aria-label="Main" class="site-nav">
                    <ul>
                        {NAV
                            .iter()
                            .map(|(route, label)| {
                                view! {
                                    <li>
                                        <A href=href(route) attr:data-label=*label>{*label}</A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <ModelFinder />
                <ThemeToggle />
            </header>
        </Show>
    }
}

#[component]
fn ThemeToggle() -> impl IntoView {
    let theme = use_theme();
    let label = move || match theme.get() {
        Theme::Light => "Switch to dark theme",
        Theme::Dark => "Switch to light theme",
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            aria-label=label
            title=label
            on:click=move |_| theme.toggle()
        >
            <span aria-hidden="true">
                {move || match theme.get() {
                    Theme::Light => "☾",
                    Theme::Dark => "☀",
                }}
            </span>
        </button>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let embed = on_embed();
    view! {
        <Show when=move || !embed.get()>
            <footer class="site-footer">
                <p>
                    "LLM Atlas runs entirely in your browser: no server, and no prompt leaves your device. "
                    <A href=href("/about")>"Method and sources"</A>
                </p>
            </footer>
        </Show>
    }
}
