//! `<JumpToResults>`: a calculator's inputs come before its results where the page is one
//! column (a phone, a narrow window), which put the costs page's answer 3,000 px below its
//! first field. This link, shown only there, takes the reader (and the keyboard focus) to them.

use leptos::html::Div;
use leptos::prelude::*;

/// A link to `results`, the calculator's results box, which takes the focus when followed.
#[component]
pub fn JumpToResults(results: NodeRef<Div>) -> impl IntoView {
    let jump = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(el) = results.get_untracked() {
            // The box is focusable (tabindex -1): the focus moves there, so Tab goes on from
            // the results, and focusing scrolls it into view.
            let _ = el.focus();
            el.scroll_into_view();
        }
    };
    view! {
        <p class="jump-to-results">
            <a href="#results" data-testid="jump-to-results" on:click=jump>
                "Skip to the results"
                <span aria-hidden="true">" \u{2193}"</span>
            </a>
        </p>
    }
}
