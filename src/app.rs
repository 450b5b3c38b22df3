//! The router and the page shell.

use crate::components::dataset::provide_dataset;
use crate::components::shell::{Footer, Header};
use crate::pages::{
    about, claims, costs, demo, embed, hardware, model, models, not_found, overview,
};
use crate::theme::provide_theme;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::sync::OnceLock;
use wasm_bindgen::JsCast;

/// The path the site is served under, read once from the `<base href>` Trunk writes (`/` at a
/// domain's root, `/atlas/` under a sub-path), without its trailing slash, as the router wants it.
fn base_path() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let href = document().base_uri().ok().flatten().unwrap_or_default();
        router_base(&href)
    })
}

/// The address of an app route (`/models`) as a link must give it: the router leaves absolute
/// paths alone, so under a sub-path the prefix is added here.
pub fn href(route: &str) -> String {
    format!("{}{route}", base_path())
}

/// `http://host/atlas/` → `/atlas`; `http://host/` → `` (no base).
pub fn router_base(base_uri: &str) -> String {
    let after_scheme = base_uri
        .split_once("://")
        .map_or(base_uri, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    path.trim_end_matches('/').to_string()
}

/// Focuses the element with this id, if there is one.
pub fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        // Focusing an element cannot fail in a way worth reporting.
        let _ = el.focus();
    }
}

/// Moves focus to the page's content; the router would otherwise treat `#main` as a navigation.
fn skip_to_content(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    focus_by_id("main");
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_theme();
    provide_dataset();
    view! {
        <Router base=base_path()>
            <a class="skip-link" href="#main" on:click=skip_to_content>
                "Skip to content"
            </a>
            <Header />
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=overview::Overview />
                    <Route path=path!("/models") view=models::Models />
                    <Route path=path!("/models/:id") view=model::ModelPage />
                    <Route path=path!("/costs") view=costs::Costs />
                    <Route path=path!("/hardware") view=hardware::Hardware />
                    <Route path=path!("/demo") view=demo::Demo />
                    <Route path=path!("/embed/:chart") view=embed::Embed />
                    <Route path=path!("/claims") view=claims::Claims />
                    <Route path=path!("/about") view=about::About />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::router_base;

    #[test]
    fn base_from_base_uri() {
        assert_eq!(router_base("http://127.0.0.1:8080/"), "");
        assert_eq!(router_base("https://example.github.io/atlas/"), "/atlas");
        assert_eq!(router_base("https://example.org/a/b/?x=1"), "/a/b");
        assert_eq!(router_base(""), "");
    }
}
