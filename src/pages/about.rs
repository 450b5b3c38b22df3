//! `/about`: method, sources, privacy and licenses.

use crate::components::dataset::WithDataset;
use crate::components::shell::PageTitle;
use crate::data::{Dataset, SourceKind};
use crate::econ::method::METHOD;
use crate::pages::model::model_href;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use std::sync::Arc;
use wasm_bindgen::JsCast;

#[component]
pub fn About() -> impl IntoView {
    view! {
        <PageTitle text="About: method and sources" />
        <h1>"About LLM Atlas"</h1>
        <section>
            <h2>"Method"</h2>
            <p>
                "Numbers about language models travel far from where they were measured: blog posts misquote "
                "parameter counts, prices and scores. LLM Atlas keeps every number with the source it was read "
                "from (a model card, a vendor's pricing page, a paper, a leaderboard), the date it was read, and "
                "whether the vendor reported it about its own model. A number without a source is left out."
            </p>
            <p>
                "The dataset is a set of static JSON files served with the site and checked by the project's tests: "
                "unknown fields, dangling sources, out-of-range values, duplicate ids, future dates and prices without "
                "an as-of date are errors, and the app shows such an error instead of a blank page."
            </p>
            <p>
                "An API price is the seller's list price on the day it was read. When the seller stops "
                "selling the model (a retirement on its deprecation page, with its own source), the price "
                "stays in the dataset as history but no longer counts: the tables, charts and cost "
                "calculator use only prices still on offer on the dataset's date, and a model's page lists "
                "the retired ones with the day they ended. A price a seller announces for a later day (a "
                "rise at the end of an introductory price, say) is read with the day it starts and counts "
                "only from then: until that day a model's page lists it as announced, and the cost summary "
                "says what the monthly cost becomes."
            </p>
        </section>
        <section id="sources">
            <h2>"Sources"</h2>
            <WithDataset let:ds>
                <SourceList ds />
            </WithDataset>
        </section>
        <section id="method-econ">
            <h2>"How the calculators work"</h2>
            <p>
                "Every formula and assumption behind the cost and memory figures. Each default is a field "
                "you can change on the page, and each number from the dataset shows its source there."
            </p>
            {METHOD
                .iter()
                .map(|m| {
                    view! {
                        <article class="method" id=m.id>
                            <h3>{m.title}</h3>
                            <pre class="formula">{m.formula}</pre>
                            <ul>{m.assumptions.iter().map(|a| view! { <li>{*a}</li> }).collect_view()}</ul>
                            <p class="sv-muted">"Sources: " {m.sources.join(" ")}</p>
                        </article>
                    }
                })
                .collect_view()}
        </section>
        <section>
            <h2>"Privacy"</h2>
            <p>
                "The site is plain files on a static host. Nothing runs on a server: the calculators and the "
                "on-device demo run in your browser, and no prompt you type leaves your device."
            </p>
        </section>
        <section>
            <h2>"Licenses"</h2>
            <p>
                "The on-device demo runs Google's Gemma 3 270M (base model) quantized to GGUF Q4_K_M, provided "
                "under and subject to the "
                <a href="https://ai.google.dev/gemma/terms" rel="noopener">"Gemma Terms of Use"</a>
                ". Charts are drawn with Apache ECharts (Apache-2.0). LLM Atlas's own code is MIT or Apache-2.0."
            </p>
        </section>
    }
}

fn kind_label(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::ModelCard => "model card",
        SourceKind::VendorPage => "vendor page",
        SourceKind::Paper => "paper",
        SourceKind::PricingPage => "pricing page",
        SourceKind::Leaderboard => "leaderboard",
        SourceKind::Other => "other",
    }
}

/// The source a `#source-<id>` address points at (a value's tooltip links there).
fn targeted_source(hash: &str) -> Option<String> {
    hash.strip_prefix('#')
        .unwrap_or(hash)
        .strip_prefix("source-")
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// Every source of the dataset, by publisher, with the date it was read and the values that
/// cite it. `/about#source-<id>` opens the list at that source, with its values shown.
#[component]
fn SourceList(ds: Arc<Dataset>) -> impl IntoView {
    let cited = ds.cited_by();
    let total: usize = cited.values().map(Vec::len).sum();
    let mut sources: Vec<_> = ds.sources.iter().collect();
    sources.sort_by(|a, b| {
        (a.publisher.to_lowercase(), a.title.to_lowercase())
            .cmp(&(b.publisher.to_lowercase(), b.title.to_lowercase()))
    });
    let n = sources.len();
    let location = use_location();
    let target = Memo::new(move |_| targeted_source(&location.hash.get()));
    // Bring the targeted row into view once it is rendered (the list is closed otherwise).
    Effect::new(move |_| {
        if let Some(id) = target.get() {
            request_animation_frame(move || {
                if let Some(row) = document().get_element_by_id(&format!("source-{id}")) {
                    row.scroll_into_view();
                    if let Ok(row) = row.dyn_into::<web_sys::HtmlElement>() {
                        // Focus follows, so a keyboard user continues from the source.
                        let _ = row.focus();
                    }
                }
            });
        }
    });
    let rows = sources
        .into_iter()
        .map(|s| {
            let values = cited.get(&s.id).cloned().unwrap_or_default();
            let count = values.len();
            let id = s.id.clone();
            let is_target = Memo::new(move |_| target.get().as_deref() == Some(id.as_str()));
            view! {
                <tr
                    id=format!("source-{}", s.id)
                    data-testid="source-row"
                    data-source=s.id.clone()
                    tabindex="-1"
                    class:source-target=move || is_target.get()
                >
                    <td>{s.publisher.clone()}</td>
                    <td>
                        <a href=s.url.clone() rel="noopener">{s.title.clone()}</a>
                        {s.note.clone().map(|note| view! { <div class="sv-muted source-note">{note}</div> })}
                        <details class="cited-by" prop:open=move || is_target.get()>
                            <summary>
                                {if count == 1 { "The value it backs".to_string() } else { format!("The {count} values it backs") }}
                            </summary>
                            <ul data-testid="cited-by">
                                {values
                                    .into_iter()
                                    .map(|v| match v.model {
                                        Some(id) => view! {
                                            <li>
                                                <a href=model_href(&id)>{v.label}</a>
                                            </li>
                                        }
                                        .into_any(),
                                        None => view! { <li>{v.label}</li> }.into_any(),
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    </td>
                    <td>{kind_label(s.kind)}</td>
                    <td class="num">{s.date_read.clone()}</td>
                    <td class="num" data-testid="source-cited">{count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>
            {format!(
                "Every number in the dataset names one of these {n} sources: {total} citations in all, counted per source under \"Cited\", \
                 and each source lists the values it backs. A source read through a stored copy says so in its note."
            )}
        </p>
        <details class="source-list" prop:open=move || target.get().is_some()>
            <summary>{format!("All {n} sources, with the date each was read")}</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Sources">
                <table class="sources-table">
                    <thead>
                        <tr>
                            <th scope="col">"Publisher"</th>
                            <th scope="col">"Document"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Read"</th>
                            <th scope="col" title="How many values in the dataset cite it">"Cited"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::targeted_source;

    #[test]
    fn an_address_targets_a_source_only_with_its_prefix_and_an_id() {
        assert_eq!(
            targeted_source("#source-meta-llama4-card").as_deref(),
            Some("meta-llama4-card")
        );
        assert_eq!(targeted_source("source-x").as_deref(), Some("x"));
        for none in ["", "#", "#sources", "#source-", "#method-econ"] {
            assert_eq!(targeted_source(none), None, "{none}");
        }
    }
}
