//! The header's model finder: type part of a name, vendor or family and open a model's page.
//! A WAI-ARIA combobox with a listbox popup: arrows move through the matches, Enter opens the
//! highlighted one (or the table searched for the text when nothing matches), Escape closes
//! the list and then clears the text; "/" anywhere else on the page focuses it.

use crate::app::{focus_by_id, href};
use crate::components::dataset::use_dataset;
use crate::components::url_state::QueryState;
use crate::data::find_models;
use crate::pages::model::model_href;
use crate::pages::models::state::TableState;
use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

/// Matches listed at most.
const MAX_MATCHES: usize = 8;

const INPUT_ID: &str = "finder-input";
const LIST_ID: &str = "finder-list";

/// One listed match.
#[derive(Clone, Debug, PartialEq)]
struct Match {
    id: String,
    name: String,
    detail: String,
}

/// The models table searched for `text`.
fn table_search_href(text: &str) -> String {
    let mut state = TableState::default();
    state.query.filter.text = text.trim().to_string();
    href(&format!("/models{}", state.to_query()))
}

fn option_id(i: usize) -> String {
    format!("finder-option-{i}")
}

/// Whether a key press came from a place where "/" is typed, not a shortcut.
fn typing_in(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

#[component]
pub fn ModelFinder() -> impl IntoView {
    let data = use_dataset();
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    // The highlighted match, if any.
    let active = RwSignal::new(None::<usize>);
    let matches = Memo::new(move |_| {
        let t = text.get();
        match data.loaded() {
            Some(ds) => find_models(&ds, &t, MAX_MATCHES)
                .into_iter()
                .map(|m| Match {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    detail: format!(
                        "{}{}",
                        m.vendor,
                        if m.open_weights { " · open" } else { "" }
                    ),
                })
                .collect::<Vec<_>>(),
            None => Vec::new(),
        }
    });
    let loading = move || data.is_loading();
    // The popup shows (matches, or why there are none) ...
    let expanded = Memo::new(move |_| open.get() && !text.with(|t| t.trim().is_empty()));
    // ... and the combobox is expanded while the popup holds its listbox.
    let listed = Memo::new(move |_| expanded.get() && matches.with(|m| !m.is_empty()));

    // Empties and closes the finder once it has taken the reader somewhere.
    let reset = move || {
        text.set(String::new());
        open.set(false);
        active.set(None);
    };
    let navigate = use_navigate();
    let go = Callback::new(move |route: String| {
        reset();
        navigate(&route, NavigateOptions::default());
        // The new page's content, as the skip link does.
        focus_by_id("main");
    });
    let open_model = move |id: &str| go.run(model_href(id));
    let search_table = move || go.run(table_search_href(&text.get_untracked()));

    let _slash = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "/" && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() && !typing_in(&ev) {
            ev.prevent_default();
            focus_by_id(INPUT_ID);
        }
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let n = matches.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                open.set(true);
                if n == 0 {
                    return;
                }
                let down = ev.key() == "ArrowDown";
                active.update(|a| {
                    *a = Some(match (*a, down) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    })
                });
            }
            "Enter" => {
                if text.with_untracked(|t| t.trim().is_empty()) {
                    return;
                }
                ev.prevent_default();
                let chosen = matches.with_untracked(|ms| {
                    active
                        .get_untracked()
                        .and_then(|i| ms.get(i))
                        .or_else(|| ms.first())
                        .map(|m| m.id.clone())
                });
                match chosen {
                    Some(id) => open_model(&id),
                    None => search_table(),
                }
            }
            "Escape" => {
                if expanded.get_untracked() {
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                }
            }
            _ => {}
        }
    };

    let listbox = move || {
        let ms = matches.get();
        if ms.is_empty() {
            let note = if loading() {
                view! { <p class="finder-empty" role="status">"Loading the dataset…"</p> }
                    .into_any()
            } else {
                view! {
                    <p class="finder-empty" role="status">
                        "No model matches. "
                        <a
                            href=table_search_href(&text.get())
                            on:click=move |_| reset()
                        >
                            "Search the table"
                        </a>
                    </p>
                }
                .into_any()
            };
            return note;
        }
        let count = ms.len();
        let items = ms
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let selected = move || active.get() == Some(i);
                let id = m.id.clone();
                view! {
                    <li
                        id=option_id(i)
                        role="option"
                        class="finder-option"
                        class:active=selected
                        aria-selected=move || if selected() { "true" } else { "false" }
                        data-model=m.id.clone()
                        on:click=move |_| open_model(&id)
                        on:mousemove=move |_| active.set(Some(i))
                    >
                        <span class="finder-name">{m.name}</span>
                        <span class="finder-detail">{m.detail}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul id=LIST_ID role="listbox" aria-label="Models">{items}</ul>
            <p class="visually-hidden" role="status">
                {format!("{count} {} found", if count == 1 { "model" } else { "models" })}
            </p>
        }
        .into_any()
    };

    view! {
        <div class="finder" data-testid="finder">
            <label for=INPUT_ID class="visually-hidden">"Find a model"</label>
            <input
                id=INPUT_ID
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                placeholder="Find a model  ( / )"
                aria-autocomplete="list"
                aria-controls=move || listed.get().then_some(LIST_ID)
                aria-expanded=move || if listed.get() { "true" } else { "false" }
                aria-activedescendant=move || {
                    listed.get().then(|| active.get().map(option_id)).flatten()
                }
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    open.set(true);
                    active.set(None);
                }
                on:focus=move |_| open.set(true)
                on:blur=move |_| {
                    open.set(false);
                    active.set(None);
                }
                on:keydown=on_keydown
            />
            <Show when=move || expanded.get()>
                // A press inside keeps focus in the input (so its link or option gets the click).
                <div class="finder-popup" on:mousedown=move |ev| ev.prevent_default()>
                    {listbox}
                </div>
            </Show>
        </div>
    }
}
