//! `/models/<id>`: one model's page: every fact the dataset holds about it with its source, its
//! scores with their rank, its API prices cheapest first (and the ones they replaced), the
//! memory it needs per quantization with the smallest listed setup that holds it, the claims
//! about it and its relatives, with links into the calculators already set to it.

pub mod sheet;

use crate::app::href;
use crate::components::dataset::WithDataset;
use crate::components::shell::PageTitle;
use crate::components::sourced::{Provenance, SourcedValue};
use crate::components::url_state::QueryState;
use crate::data::{
    field_label, Column, CommercialUse, Dataset, Model, Pinned, Price, Sort, SortDir, MAX_PINNED,
};
use crate::econ::vram::{estimate_model_memory, MemoryOptions, Quant, VramError};
use crate::pages::claims::{verdict_class, verdict_label};
use crate::pages::demo::BUNDLED_MODEL_ID;
use crate::pages::hardware::plan::HardwareInputs;
use crate::pages::models::cell_view;
use crate::pages::models::columns::{
    format_score, format_tokens, format_usd, format_usd_approx, label,
};
use crate::pages::models::state::TableState;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use sheet::{
    arch_facts, better_and_smaller, blended_usd_per_mtok, claims_about, memory_rows, ordinal,
    prices, relatives, score_rows, suggestions, weights_rows, ModelPrices, COMPARE_QUANT,
};
use std::sync::Arc;

/// The address of a model's page.
pub fn model_href(id: &str) -> String {
    href(&format!("/models/{id}"))
}

#[component]
pub fn ModelPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <WithDataset let:ds>
            {move || {
                let id = id.get();
                match ds.model(&id) {
                    Some(m) => view! { <Sheet ds=ds.clone() model=m.clone() /> }.into_any(),
                    None => view! { <Unknown ds=ds.clone() id /> }.into_any(),
                }
            }}
        </WithDataset>
    }
}

/// An id no model has: say so, and offer the models whose names share a word with it.
#[component]
fn Unknown(ds: Arc<Dataset>, id: String) -> impl IntoView {
    let near: Vec<(String, String)> = suggestions(&ds, &id)
        .into_iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    view! {
        <PageTitle text="Model not found" />
        <h1>"Model not found"</h1>
        <p data-testid="model-not-found">
            "The dataset has no model with the id " <code>{id}</code> "."
        </p>
        {(!near.is_empty())
            .then(|| {
                view! {
                    <p>"Did you mean:"</p>
                    <ul class="link-list" data-testid="model-suggestions">
                        {near
                            .into_iter()
                            .map(|(id, name)| view! { <li><A href=model_href(&id)>{name}</A></li> })
                            .collect_view()}
                    </ul>
                }
            })}
        <p>
            <A href=href("/models")>"See every model"</A>
        </p>
    }
}

fn sourced(ds: &Dataset, text: String, source: &str, detail: &[Option<&str>]) -> impl IntoView {
    view! { <SourcedValue text provenance=Provenance::new(ds, source).detail(detail) /> }
}

/// Links into the table and the calculators, set to this model.
fn actions(ds: &Dataset, m: &Model) -> impl IntoView {
    let compare = TableState {
        pinned: Pinned::from_ids([m.id.clone()]),
        ..TableState::default()
    }
    .to_query();
    let sizable = m.open_weights && m.params_total_b.is_some();
    let priced = !ds.current_prices(&m.id).is_empty();
    let id = m.id.clone();
    let on_device = (m.id == BUNDLED_MODEL_ID).then(|| {
        view! {
            <li>
                <A href=href("/demo")>"Run it in your browser"</A>
            </li>
        }
    });
    view! {
        <ul class="model-actions" aria-label="Use this model elsewhere">
            {on_device}
            <li>
                <A href=href(&format!("/models{compare}"))>"Compare it with other models"</A>
            </li>
            {priced
                .then(|| {
                    view! {
                        <li>
                            <A href=href(&format!("/costs?api={id}"))>"Its API cost at your volume"</A>
                        </li>
                    }
                })}
            {sizable
                .then(|| {
                    view! {
                        <li>
                            <A href=href(&format!("/hardware?m={}", m.id))>"Will it fit your GPUs?"</A>
                        </li>
                        <li>
                            <A href=href(&format!("/costs?model={}", m.id))>"Self-hosting it against an API"</A>
                        </li>
                    }
                })}
        </ul>
    }
}

#[component]
fn Sheet(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let m = &model;
    let kind = if m.license.commercial_use == CommercialUse::Unreleased {
        "not released"
    } else if m.open_weights {
        "open weights"
    } else {
        "closed weights"
    };
    let facts = [
        Column::ReleaseDate,
        Column::ParamsTotal,
        Column::ParamsActive,
        Column::Context,
        Column::MaxOutput,
        Column::License,
    ]
    .into_iter()
    .map(|col| {
        view! {
            <dt>{label(&ds, &col)}</dt>
            <dd data-col=col.key()>{cell_view(&ds, m, &col)}</dd>
        }
    })
    .collect_view();
    let modalities =
        |ms: &[crate::data::Modality]| ms.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ");
    let modality_text = format!(
        "{} → {}",
        modalities(&m.modalities.input),
        modalities(&m.modalities.output)
    );
    view! {
        <PageTitle text=m.name.clone() />
        <nav class="crumbs" aria-label="Breadcrumb">
            <A href=href("/models")>"Models"</A>
            <span aria-hidden="true">" › "</span>
            <span aria-current="page">{m.name.clone()}</span>
        </nav>
        <h1 data-testid="model-name">{m.name.clone()}</h1>
        <p class="lead">
            {format!("{} · {} family · {kind}", m.vendor, m.family)}
            {m.reasoning.then_some(" · reasoning model")}
        </p>
        {m.note.clone().map(|n| view! { <p class="sv-muted">{n}</p> })}
        {actions(&ds, m)}
        <div class="model-sheet model-page">
            <section aria-labelledby="facts-title" data-testid="model-facts">
                <h2 id="facts-title">"Facts"</h2>
                <dl class="facts">
                    {facts}
                    <dt>"Terms"</dt>
                    <dd>{m.license.terms.clone()}</dd>
                    <dt>"Modalities"</dt>
                    <dd>{sourced(&ds, modality_text, &m.modalities.source, &[])}</dd>
                </dl>
            </section>
            <Architecture ds=ds.clone() model=model.clone() />
        </div>
        <div class="model-page">
        <Scores ds=ds.clone() model=model.clone() />
        <Prices ds=ds.clone() model=model.clone() />
        <Memory ds=ds.clone() model=model.clone() />
        <Claims ds=ds.clone() model=model.clone() />
        <Relatives ds=ds.clone() model=model.clone() />
        </div>
    }
}

#[component]
fn Architecture(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let facts = arch_facts(&model);
    let body = if facts.is_empty() {
        let why = if model.open_weights {
            "The dataset holds no architecture numbers for it yet."
        } else {
            "Closed: its maker publishes no architecture numbers."
        };
        view! { <p class="empty">{why}</p> }.into_any()
    } else {
        let rows = facts
            .into_iter()
            .map(|f| {
                view! {
                    <dt>{f.label}</dt>
                    <dd>{sourced(&ds, f.value, f.source, &[f.note])}</dd>
                }
            })
            .collect_view();
        view! { <dl class="facts">{rows}</dl> }.into_any()
    };
    view! {
        <section aria-labelledby="arch-title" data-testid="model-architecture">
            <h2 id="arch-title">"Architecture"</h2>
            {body}
        </section>
    }
}

/// The models table sorted by one benchmark, this model highlighted, that benchmark charted.
fn ranked_table_href(model_id: &str, benchmark: &str, higher_is_better: bool) -> String {
    let state = TableState {
        pinned: Pinned::from_ids([model_id.to_string()]),
        chart: benchmark.to_string(),
        ..TableState::default()
    };
    let mut state = state;
    state.query.sort = Some(Sort {
        column: Column::Benchmark(benchmark.to_string()),
        dir: if higher_is_better {
            SortDir::Desc
        } else {
            SortDir::Asc
        },
    });
    href(&format!("/models{}", state.to_query()))
}

#[component]
fn Scores(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let rows = score_rows(&ds, &model);
    let body = if rows.is_empty() {
        view! { <p class="empty">"The dataset holds no benchmark scores for it yet."</p> }
            .into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|r| {
                let col = Column::Benchmark(r.benchmark.id.clone());
                let who = if r.score.self_reported {
                    "its maker"
                } else {
                    "independent"
                };
                let rank = format!("{} of {}", ordinal(r.rank), r.of);
                let rank_label = format!("{rank} on {}: see the ranking", r.benchmark.name);
                let link =
                    ranked_table_href(&model.id, &r.benchmark.id, r.benchmark.higher_is_better);
                view! {
                    <tr data-benchmark=r.benchmark.id.clone()>
                        <th scope="row">{r.benchmark.name.clone()}</th>
                        <td class="num">{cell_view(&ds, &model, &col)}</td>
                        <td>
                            <A href=link attr:aria-label=rank_label>
                                {rank}
                            </A>
                        </td>
                        <td>{who}</td>
                        <td class="sv-muted wrap">{r.score.setting.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        sheet_table(
            "Benchmark scores",
            &[
                ("Benchmark", false),
                ("Score", true),
                ("Rank here", false),
                ("Measured by", false),
                ("Setting", false),
            ],
            rows.into_any(),
        )
    };
    view! {
        <section aria-labelledby="scores-title" data-testid="model-scores">
            <h2 id="scores-title">"Benchmark scores"</h2>
            <p class="sv-muted">
                "A rank counts only the models in this dataset with a score on that benchmark; "
                "scores a maker reported about its own model are not independent."
            </p>
            {body}
        </section>
    }
}

/// What the last cell of an earlier price says: since when it was retired (with its source), or
/// that a newer price replaced it.
fn ended(ds: &Dataset, p: &Price) -> AnyView {
    match &p.retired {
        Some(r) if p.retired_by(&ds.meta.date) => {
            let detail = [r.note.as_deref()];
            sourced(ds, format!("retired {}", r.value), &r.source, &detail).into_any()
        }
        _ => view! { "replaced by a newer price" }.into_any(),
    }
}

/// Which of a model's price lists a row sits in, which decides its last cell.
#[derive(Clone, Copy, PartialEq)]
enum PriceList {
    /// On offer now; `cheapest` marks the cheapest of several. A price whose retirement is
    /// announced says when it goes.
    Current { cheapest: bool },
    /// Announced for a later day: the last cell gives the day it starts.
    Announced,
    /// Replaced or retired: the last cell says which.
    Earlier,
}

/// A price's row in `list`.
/// A price's row; with a tier cell when its table has the tier column (see [`price_columns`]).
fn price_row(ds: &Dataset, p: &Price, list: PriceList, tiers: bool) -> impl IntoView {
    let cheapest = list == PriceList::Current { cheapest: true };
    let tier =
        tiers.then(|| view! { <td class="wrap-narrow">{p.tier.clone().unwrap_or_default()}</td> });
    let as_of = p.as_of.clone().unwrap_or_default();
    let detail = [p.note.as_deref()];
    let usd = |x: f64| sourced(ds, format_usd(x), &p.source, &detail);
    let retiring = p
        .retired
        .as_ref()
        .filter(|_| matches!(list, PriceList::Current { .. }))
        .map(|r| {
            let detail = [r.note.as_deref()];
            view! {
                " "
                <span class="badge badge-warn">
                    {sourced(ds, format!("retires {}", r.value), &r.source, &detail)}
                </span>
            }
        });
    let last = match list {
        PriceList::Current { .. } => None,
        PriceList::Announced => p.starts.as_ref().map(|st| {
            let detail = [st.note.as_deref()];
            view! {
                <td class="wrap-narrow" data-testid="price-starts">
                    {sourced(ds, st.value.clone(), &st.source, &detail)}
                </td>
            }
            .into_any()
        }),
        PriceList::Earlier => Some(
            view! { <td class="wrap-narrow" data-testid="price-ended">{ended(ds, p)}</td> }
                .into_any(),
        ),
    };
    view! {
        <tr class:cheapest=cheapest>
            <th scope="row" class="wrap-narrow">
                {p.provider.clone()}
                {cheapest.then(|| view! { " " <span class="badge">"cheapest"</span> })}
                {retiring}
            </th>
            {tier}
            <td class="num">{usd(p.input_usd_per_mtok)}</td>
            <td class="num">
                {match p.cached_input_usd_per_mtok {
                    Some(c) => usd(c).into_any(),
                    None => view! { <span class="missing" aria-label="not offered">"—"</span> }.into_any(),
                }}
            </td>
            <td class="num">{usd(p.output_usd_per_mtok)}</td>
            <td class="num">{format_usd_approx(blended_usd_per_mtok(p))}</td>
            <td>{as_of}</td>
            {last}
        </tr>
    }
}

/// A table of the page: a labelled region (it scrolls sideways on a phone) with one header row;
/// `columns` are (heading, numeric), numbers right-aligned.
fn sheet_table(label: &'static str, columns: &[(&'static str, bool)], rows: AnyView) -> AnyView {
    let heads = columns
        .iter()
        .map(|(text, num)| view! { <th scope="col" class:num=*num>{*text}</th> })
        .collect_view();
    view! {
        <div class="sheet-scroll" tabindex="0" role="region" aria-label=label>
            <table class="data-table">
                <thead>
                    <tr>{heads}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A price table's columns, (heading, numeric): the tier only when a price in it has one (most
/// sellers have none, and on a phone the empty column pushed the output price off the screen),
/// then `last` when given.
fn price_columns(tiers: bool, last: Option<&'static str>) -> Vec<(&'static str, bool)> {
    let mut columns = vec![("Provider", false)];
    if tiers {
        columns.push(("Tier", false));
    }
    columns.extend([
        ("Input $/M", true),
        ("Cached input $/M", true),
        ("Output $/M", true),
        ("Blend 3:1 $/M", true),
        ("As of", false),
    ]);
    columns.extend(last.map(|l| (l, false)));
    columns
}

/// Whether any of these prices has a tier.
fn has_tiers(list: &[&Price]) -> bool {
    list.iter().any(|p| p.tier.is_some())
}

#[component]
fn Prices(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let ModelPrices {
        current,
        announced,
        earlier,
    } = prices(&ds, &model.id);
    let rows = |list: &[&Price], kind: &dyn Fn(usize) -> PriceList| {
        let tiers = has_tiers(list);
        list.iter()
            .enumerate()
            .map(|(i, p)| price_row(&ds, p, kind(i), tiers))
            .collect_view()
            .into_any()
    };
    let upcoming = (!announced.is_empty()).then(|| {
        let rows = rows(&announced, &|_| PriceList::Announced);
        view! {
            <div data-testid="announced-prices">
                <h3>"Announced"</h3>
                <p class="sv-muted">
                    "Prices a provider has announced for a later day. No calculator uses them before that day."
                </p>
                {sheet_table("Announced API prices", &price_columns(has_tiers(&announced), Some("Starts")), rows)}
            </div>
        }
    });
    let history = (!earlier.is_empty()).then(|| {
        let n = earlier.len();
        let rows = rows(&earlier, &|_| PriceList::Earlier);
        // With no current price the history is the section's content: open.
        view! {
            <details class="earlier-prices" data-testid="earlier-prices" open=current.is_empty()>
                <summary>{format!("Earlier prices ({n})")}</summary>
                {sheet_table("Earlier API prices", &price_columns(has_tiers(&earlier), Some("Why not current")), rows)}
            </details>
        }
    });
    let now = if current.is_empty() {
        let why = if !announced.is_empty() {
            "No provider in the dataset sells it yet: its first price is announced below."
        } else if !earlier.is_empty() {
            "No provider in the dataset sells it now: every price listed for it has been retired or replaced."
        } else if model.open_weights {
            "The dataset lists no API offering it. Its weights are open: see what serving it yourself costs."
        } else {
            "The dataset lists no API price for it."
        };
        view! { <p class="empty" data-testid="no-current-price">{why}</p> }.into_any()
    } else {
        let several = current.len() > 1;
        let rows = rows(&current, &|i| PriceList::Current {
            cheapest: i == 0 && several,
        });
        sheet_table(
            "API prices",
            &price_columns(has_tiers(&current), None),
            rows,
        )
    };
    view! {
        <section aria-labelledby="prices-title" data-testid="model-prices">
            <h2 id="prices-title">"API prices"</h2>
            <p class="sv-muted">
                "US dollars per million tokens, the newest list price per provider and tier, cheapest first by "
                "a blend of three input tokens to one output token. A price whose provider has stopped "
                "selling the model is history: no calculator uses it."
            </p>
            {now}
            {upcoming}
            {history}
        </section>
    }
}

/// A size in GB as the memory table shows it: "0.5", "16.3", "427".
fn gb(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The hardware page set to `model` at `context_tokens`; `None` for a model whose weights are
/// not published (only an open model can be sized there).
fn hardware_href(model: &Model, context_tokens: u64) -> Option<String> {
    model.open_weights.then(|| {
        let inputs = HardwareInputs {
            models: vec![model.id.clone()],
            context_tokens,
            ..HardwareInputs::default()
        };
        href(&format!("/hardware{}", inputs.to_query()))
    })
}

/// Per benchmark the model has a score on, the open models that score better in less memory
/// (at [`COMPARE_QUANT`] and the section's context), or that none does; each with a link to
/// that benchmark's quality-against-memory chart. Nothing for a model whose memory is unknown.
fn better_in_less_memory(ds: &Dataset, model: &Model, options: &MemoryOptions) -> Option<AnyView> {
    const SHOWN: usize = 3;
    let rows = better_and_smaller(ds, model, COMPARE_QUANT, options);
    if rows.is_empty() {
        return None;
    }
    // The benchmark's quality-against-memory chart, at this section's context.
    let chart_href = |bench: &str| {
        let chart = HardwareInputs {
            models: vec![model.id.clone()],
            context_tokens: options.context_tokens,
            quality_benchmark: bench.to_string(),
            quality_quant: COMPARE_QUANT,
            ..HardwareInputs::default()
        };
        href(&format!("/hardware{}", chart.to_query()))
    };
    let (beaten, on_line): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, _, r)| !r.is_empty());
    // The benchmarks nothing beats it on, in one sentence, each naming its chart.
    let line = (!on_line.is_empty()).then(|| {
        let n = on_line.len();
        let names = on_line
            .iter()
            .map(|(b, mine, _)| {
                (
                    chart_href(&b.id),
                    b.name.clone(),
                    format!(" ({})", format_score(Some(b.unit), *mine)),
                )
            })
            .enumerate()
            .map(|(i, (to, name, score))| {
                let sep = match (i, n - i) {
                    (0, _) => "",
                    (_, 1) => " and ",
                    _ => ", ",
                };
                view! {
                    {sep}
                    <A href=to>{name}</A>
                    {score}
                }
            })
            .collect_view();
        let benches = on_line
            .iter()
            .map(|(b, _, _)| b.id.clone())
            .collect::<Vec<_>>()
            .join(",");
        view! {
            <p data-testid="on-the-line" data-benches=benches>
                "On " {names} ", no open model in the dataset scores higher in less memory."
            </p>
        }
    });
    let items = beaten
        .into_iter()
        .map(|(b, mine, rivals)| {
            let more = rivals.len().saturating_sub(SHOWN);
            let named = rivals
                .iter()
                .take(SHOWN)
                .map(|r| {
                    (
                        model_href(&r.model.id),
                        r.model.name.clone(),
                        format!(" ({}, {:.0} GB)", format_score(Some(b.unit), r.score), r.gb),
                    )
                })
                .enumerate()
                .map(|(i, (to, name, detail))| {
                    view! {
                        {(i > 0).then_some(", ")}
                        <A href=to>{name}</A>
                        {detail}
                    }
                })
                .collect_view();
            view! {
                <li data-bench=b.id.clone() data-count=rivals.len().to_string()>
                    <strong>{b.name.clone()}</strong>
                    {format!(" (its {}): ", format_score(Some(b.unit), mine))}
                    {named}
                    {(more > 0).then(|| format!(" and {more} more"))}
                    " · "
                    <A href=chart_href(&b.id)>"on the chart"</A>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <h3>"Better scores in less memory"</h3>
            <p class="sv-muted">
                {format!(
                    "Open models in the dataset that score higher than {} and need less memory at {} and this context, best first. Most scores are the makers' own; models whose attention layout the dataset lacks are not compared.",
                    model.name,
                    COMPARE_QUANT.label()
                )}
            </p>
            {line}
            <ul class="link-list better-smaller" data-testid="better-smaller">{items}</ul>
        }
        .into_any(),
    )
}

/// The memory section's content at a context of `context_tokens`.
fn memory_body(ds: &Dataset, model: &Model, context_tokens: u64) -> AnyView {
    let options = MemoryOptions {
        context_tokens,
        ..MemoryOptions::default()
    };
    let method = view! { <A href=href("/about#weights")>"method"</A> };
    match memory_rows(ds, model, &options) {
        Ok(rows) => {
            let rows = rows
                .into_iter()
                .map(|r| {
                    let e = r.estimate;
                    let smallest = r
                        .smallest
                        .map(|s| s.label())
                        .unwrap_or_else(|| "more than 8 of any listed device".into());
                    view! {
                        <tr data-quant=r.quant.label()>
                            <th scope="row">{r.quant.label()}</th>
                            <td class="num">{gb(e.weights_gb)}</td>
                            <td class="num">{gb(e.kv_cache_gb)}</td>
                            <td class="num">{gb(e.total_gb)}</td>
                            <td>{smallest}</td>
                        </tr>
                    }
                })
                .collect_view();
            let compare = hardware_href(model, context_tokens).map(|to| {
                view! {
                    " "
                    <A href=to>"Compare setups on the hardware page"</A>
                    "."
                }
            });
            view! {
                <p class="sv-muted">
                    {format!(
                        "Weights at llama.cpp's bits per weight, a {}-token KV cache in {}, one sequence, and overhead (",
                        crate::format::grouped(options.context_tokens as i64),
                        options.kv_cache.label()
                    )}
                    {method}
                    "). A setup is 1, 2, 4 or 8 of one graphics card from the hardware list, or one Mac or mini PC, all in GPU memory."
                    {compare}
                </p>
                {sheet_table(
                    "Memory by quantization",
                    &[
                        ("Quantization", false),
                        ("Weights GB", true),
                        ("KV cache GB", true),
                        ("Total GB", true),
                        ("Smallest listed setup that holds it", false),
                    ],
                    rows.into_any(),
                )}
                {better_in_less_memory(ds, model, &options)}
            }
            .into_any()
        }
        // The size is known but not the attention layout: the weights alone, said as such.
        Err(VramError::KvFieldUnknown { field }) => {
            let rows = weights_rows(model)
                .into_iter()
                .map(|(quant, weights)| {
                    view! {
                        <tr data-quant=quant.label()>
                            <th scope="row">{quant.label()}</th>
                            <td class="num">{gb(weights)}</td>
                        </tr>
                    }
                })
                .collect_view();
            // The hardware page judges setups by the weights and overhead, as a lower bound.
            let compare = hardware_href(model, context_tokens).map(|to| {
                view! {
                    " "
                    <A href=to>"Which setups hold its weights"</A>
                    " (a lower bound) is on the hardware page."
                }
            });
            view! {
                <p class="sv-muted" data-testid="weights-only">
                    {format!(
                        "The weights alone, at llama.cpp's bits per weight: the dataset lacks its {}, so the KV cache and a total are not estimated (",
                        field_label(field)
                    )}
                    {method}
                    ")."
                    {compare}
                </p>
                {sheet_table(
                    "Weights by quantization",
                    &[("Quantization", false), ("Weights GB", true)],
                    rows.into_any(),
                )}
            }
            .into_any()
        }
        Err(e) => {
            let why = match e {
                VramError::ParamsUnknown if !model.open_weights => format!(
                    "{} does not publish its parameter count, and it cannot be downloaded to run.",
                    model.vendor
                ),
                VramError::ParamsUnknown => {
                    "The dataset holds no parameter count for it yet.".to_string()
                }
                other => other.to_string(),
            };
            view! { <p class="empty">{why}</p> }.into_any()
        }
    }
}

/// Context lengths offered for the memory table, up to the model's own window.
fn context_choices(model: &Model) -> Vec<u64> {
    let mut out = vec![4096, 8192, 32_768, 131_072];
    if let Some(w) = model.context_window.as_ref().map(|c| c.value) {
        out.retain(|c| *c <= w);
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[component]
fn Memory(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let query = use_query_map();
    let default = MemoryOptions::default().context_tokens;
    let choices = context_choices(&model);
    let allowed = choices.clone();
    let context = Memo::new(move |_| {
        query
            .with(|q| q.get("ctx"))
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|c| allowed.contains(c))
            .unwrap_or(default)
    });
    let navigate = use_navigate();
    let id = model.id.clone();
    let set_context = move |ev: leptos::ev::Event| {
        let v: u64 = event_target_value(&ev).parse().unwrap_or(default);
        let query = if v == default {
            String::new()
        } else {
            format!("?ctx={v}")
        };
        navigate(
            &format!("{}{query}", model_href(&id)),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    // The context matters only where the KV cache can be sized (one estimate tells).
    let sized = estimate_model_memory(&model, Quant::Q4KM, &MemoryOptions::default()).is_ok();
    let picker = sized.then(|| {
        view! {
            <label class="field inline-field">
                <span>"Context"</span>
                <select data-testid="memory-context" prop:value=move || context.get().to_string() on:change=set_context>
                    {choices
                        .into_iter()
                        .map(|c| view! { <option value=c.to_string()>{format!("{} tokens", format_tokens(c))}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    });
    view! {
        <section aria-labelledby="memory-title" data-testid="model-memory">
            <h2 id="memory-title">"Memory to run it"</h2>
            {picker}
            {move || memory_body(&ds, &model, context.get())}
        </section>
    }
}

#[component]
fn Claims(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let claims = claims_about(&ds, &model.id);
    (!claims.is_empty()).then(|| {
        let items = claims
            .into_iter()
            .map(|c| {
                let (verdict, text) = (c.verdict, c.text.clone());
                view! {
                    <li>
                        <span class=verdict_class(verdict)>{verdict_label(verdict)}</span>
                        " "
                        <A href=href(&format!("/claims#{}", c.id))>{text}</A>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="claims-title" data-testid="model-claims">
                <h2 id="claims-title">"Claims about it, checked"</h2>
                <ul class="link-list">{items}</ul>
            </section>
        }
    })
}

#[component]
fn Relatives(ds: Arc<Dataset>, model: Model) -> impl IntoView {
    let rel = relatives(&ds, &model);
    (!rel.is_empty()).then(|| {
        // This model and its nearest relatives, pinned side by side in the table.
        let pinned: Vec<String> = std::iter::once(model.id.clone())
            .chain(rel.iter().map(|(_, m)| m.id.clone()))
            .take(MAX_PINNED)
            .collect();
        let shown = pinned.len();
        let compare = TableState {
            pinned: Pinned::from_ids(pinned),
            ..TableState::default()
        }
        .to_query();
        let items = rel
            .into_iter()
            .map(|(why, m)| {
                let name = m.name.clone();
                view! {
                    <li>
                        <A href=model_href(&m.id)>{name}</A>
                        <span class="sv-muted">{format!(" ({why})")}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="related-title" data-testid="model-related">
                <h2 id="related-title">"Related models"</h2>
                <ul class="link-list">{items}</ul>
                <p>
                    <A href=href(&format!("/models{compare}"))>
                        {format!("Compare {shown} of them side by side")}
                    </A>
                </p>
            </section>
        }
    })
}
