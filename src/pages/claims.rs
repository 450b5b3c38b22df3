//! `/claims`: the article's claims, each checked against the sources.

use crate::app::href;
use crate::components::dataset::WithDataset;
use crate::components::shell::PageHead;
use crate::data::{Claim, Dataset, Quantity, Verdict};
use crate::format::grouped;
use crate::pages::model::model_href;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Confirmed => "Confirmed",
        Verdict::Wrong => "Wrong",
        Verdict::Outdated => "Outdated",
        Verdict::Unverifiable => "Unverifiable",
    }
}

pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Confirmed => "verdict verdict-confirmed",
        Verdict::Wrong => "verdict verdict-wrong",
        Verdict::Outdated => "verdict verdict-outdated",
        Verdict::Unverifiable => "verdict verdict-unverifiable",
    }
}

/// `1.6 TB`, `96 percent` → `96%`, `10000000 tokens` → `10,000,000 tokens`.
pub fn quantity(q: &Quantity) -> String {
    let value = if q.value.fract() == 0.0 && q.value.abs() < 1e15 {
        grouped(q.value as i64)
    } else {
        format!("{}", q.value)
    };
    match q.unit.as_str() {
        "percent" => format!("{value}%"),
        "USD" | "usd" => format!("${value}"),
        unit => format!("{value} {unit}"),
    }
}

#[component]
pub fn Claims() -> impl IntoView {
    view! {
        <PageHead title="Claims checked" heading="Claims checked">
            "Figures quoted in a widely shared article about choosing a model, each checked against the sources "
            "it should have come from. Claims marked “typical” are common phrasings we checked too."
        </PageHead>
        <WithDataset let:ds>
            <ClaimList ds />
        </WithDataset>
    }
}

#[component]
fn ClaimList(ds: Arc<Dataset>) -> impl IntoView {
    let verdicts = [
        Verdict::Confirmed,
        Verdict::Wrong,
        Verdict::Outdated,
        Verdict::Unverifiable,
    ];
    let summary = verdicts
        .iter()
        .map(|v| {
            let n = ds.claims.iter().filter(|c| c.verdict == *v).count();
            view! {
                <li>
                    <span class=verdict_class(*v)>{verdict_label(*v)}</span>
                    " " {n}
                </li>
            }
        })
        .collect_view();
    let claims: Vec<Claim> = ds.claims.clone();
    view! {
        <ul class="verdict-summary" aria-label="Verdicts">{summary}</ul>
        <ol class="claims" data-testid="claims">
            {claims
                .into_iter()
                .map(|c| {
                    let sources = c
                        .sources
                        .iter()
                        .filter_map(|id| ds.source(id))
                        .map(|s| {
                            view! {
                                <li>
                                    <a href=s.url.clone() rel="noopener noreferrer" target="_blank">
                                        {s.publisher.clone()} ": " {s.title.clone()}
                                    </a>
                                    <span class="sv-muted">" (read " {s.date_read.clone()} "; "</span>
                                    <a class="sv-muted" href=href(&format!("/about#source-{}", s.id))>"every value from it"</a>
                                    <span class="sv-muted">")"</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li class="claim" id=c.id.clone()>
                            <div class="claim-head">
                                <span class=verdict_class(c.verdict)>{verdict_label(c.verdict)}</span>
                                <blockquote>{c.text.clone()}</blockquote>
                                {(!c.from_article).then(|| view! { <span class="badge">"typical"</span> })}
                            </div>
                            <dl class="claim-values">
                                <dt>"Claimed"</dt>
                                <dd>{quantity(&c.claimed)}</dd>
                                {c
                                    .sourced
                                    .as_ref()
                                    .map(|s| {
                                        view! {
                                            <dt>"Sources say"</dt>
                                            <dd>{quantity(s)}</dd>
                                        }
                                    })}
                            </dl>
                            <p>{c.explanation.clone()}</p>
                            {(!c.models.is_empty())
                                .then(|| {
                                    let links = c
                                        .models
                                        .iter()
                                        .filter_map(|id| ds.model(id))
                                        .map(|m| {
                                            let name = m.name.clone();
                                            view! {
                                                <li>
                                                    <A href=model_href(&m.id)>{name}</A>
                                                </li>
                                            }
                                        })
                                        .collect_view();
                                    view! {
                                        <div class="claim-models">
                                            <span>"About: "</span>
                                            <ul class="inline-list" data-testid="claim-models">{links}</ul>
                                        </div>
                                    }
                                })}
                            <ul class="claim-sources">{sources}</ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[cfg(test)]
mod tests {
    use super::quantity;
    use crate::data::Quantity;

    #[test]
    fn quantities_read_naturally() {
        let q = |value, unit: &str| Quantity {
            value,
            unit: unit.into(),
        };
        assert_eq!(quantity(&q(96.0, "percent")), "96%");
        assert_eq!(quantity(&q(1.6, "TB")), "1.6 TB");
        assert_eq!(quantity(&q(400.0, "B params")), "400 B params");
        assert_eq!(
            quantity(&q(2000.0, "billion parameters")),
            "2000 billion parameters"
        );
        assert_eq!(quantity(&q(128000.0, "tokens")), "128,000 tokens");
        assert_eq!(quantity(&q(10_000_000.0, "tokens")), "10,000,000 tokens");
        assert_eq!(quantity(&q(-12345.0, "USD")), "$-12,345");
        assert_eq!(
            quantity(&q(143.6, "million tokens")),
            "143.6 million tokens"
        );
    }
}
