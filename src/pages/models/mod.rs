//! `/models`: the model table: sort, filter, search, choose columns, pin up to four models to
//! compare, download what is shown. All of it lives in the URL.

pub mod columns;
pub mod export;
pub mod state;

use crate::charts::benchmarks;
use crate::components::dataset::{BenchmarkSelect, WithDataset};
use crate::components::download::download_text;
use crate::components::echart::ChartPanel;
use crate::components::shell::PageHead;
use crate::components::sourced::{shift_to_fit, tip_widest, tooltip, Provenance, SourcedValue};
use crate::components::url_state::{toggle, use_url_state, UrlState};
use crate::data::{query, Column, Dataset, Modality, Model, SortDir, MAX_PINNED};
use crate::pages::model::model_href;
use columns::{all_columns, cell, is_numeric, label, CellInfo};
use leptos::prelude::*;
use leptos_router::components::A;
use state::{commercial_use_key, TableState, COMMERCIAL_USES};
use std::collections::BTreeSet;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Rows rendered at first; "Show more" adds as many again. Keeping the page short keeps sorting
/// and filtering a 10,000-model table fast (see `bench/models-scale.mjs`).
const PAGE_ROWS: usize = 25;

#[component]
pub fn Models() -> impl IntoView {
    // No ECharts preload: the chart under the table asks for it as the reader scrolls near.
    view! {
        <PageHead title="Models" heading="Models">
            "Open and closed models with their sizes, context windows, licenses, prices and benchmark scores. "
            "A model's name opens its page. Focus or hover a value to see where it was read; "
            <span class="sv-muted">"ˢ"</span>
            " marks a score the vendor reported about its own model. "
            "Memory (a column and a filter) is what an open model needs in GPU memory at Q4_K_M with "
            "an 8K-token cache ("
            <a href=crate::app::href("/about#method-econ")>"method"</a>
            "); \u{2265} marks the weights alone where its attention layout is unknown."
        </PageHead>
        <WithDataset let:ds>
            <ModelsTable ds />
        </WithDataset>
    }
}

/// The table's state in the URL.
type Table = UrlState<TableState>;

#[component]
fn ModelsTable(ds: Arc<Dataset>) -> impl IntoView {
    let table: Table = use_url_state("/models");
    let state = table.state;

    let rows = {
        let ds = ds.clone();
        Memo::new(move |_| state.with(|s| query::run_indices(&ds, &s.query)))
    };
    let columns = Memo::new(move |_| state.with(|s| s.columns.clone()));
    // Rows shown: one page, plus one per "Show more" pressed since the filter last changed (a new
    // set of matching rows starts again at one page; a new sort keeps what is shown).
    let filter = Memo::new(move |_| state.with(|s| s.query.filter.clone()));
    let presses = RwSignal::new(0usize);
    let presses_at_filter = Memo::new(move |prev: Option<&(query::Filter, usize)>| {
        let f = filter.get();
        match prev {
            Some((was, at)) if *was == f => (f, *at),
            _ => (f, presses.get_untracked()),
        }
    });
    // …and at least as far as the last pinned model, so a link that pins one shows its row.
    let shown = {
        let ds = ds.clone();
        Memo::new(move |_| {
            let pages = 1 + presses.get() - presses_at_filter.with(|(_, at)| *at);
            state.with(|s| rows.with(|r| query::rows_to_show(&ds, r, &s.pinned, pages, PAGE_ROWS)))
        })
    };
    let show_more = move |_| presses.update(|n| *n += 1);
    let total = ds.models.len();
    let ds_chart = ds.clone();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let tip = RwSignal::new(None::<TipAt>);

    view! {
        <Filters ds=ds.clone() table />
        <div class="table-tools">
            <p class="result-count" role="status" aria-live="polite" data-testid="result-count">
                {move || {
                    let n = rows.with(Vec::len);
                    if n == total {
                        format!("{total} models")
                    } else {
                        format!("{n} of {total} models")
                    }
                }}
            </p>
            <ColumnChooser ds=ds.clone() table />
            <Downloads ds=ds.clone() table />
        </div>
        <Compare ds=ds.clone() table />
        <Show
            when=move || rows.with(|r| !r.is_empty())
            fallback=move || {
                view! {
                    <div class="empty" data-testid="empty">
                        <p>"No model matches these filters."</p>
                        <button type="button" on:click=move |_| table.update(false, |s| *s = s.without_filters())>
                            "Clear filters"
                        </button>
                    </div>
                }
            }
        >
            <div
                class="table-scroll models-scroll"
                tabindex="0"
                role="region"
                aria-label="Models table"
                node_ref=scroller
                on:mouseover=move |ev| {
                    if let (Some(t), Some(c)) = (tip_target(&ev), scroller.get()) {
                        tip.set(tip_at(&t, &c));
                    }
                }
                on:mouseout=move |ev| {
                    let focused = document()
                        .active_element()
                        .and_then(|e| e.closest("[data-tip]").ok().flatten())
                        .is_some();
                    if !stays_on_tip(ev.related_target()) && !focused {
                        tip.set(None);
                    }
                }
                on:focusin=move |ev| {
                    if let (Some(t), Some(c)) = (tip_target(&ev), scroller.get()) {
                        tip.set(tip_at(&t, &c));
                    }
                }
                on:focusout=move |ev: web_sys::FocusEvent| {
                    if !stays_on_tip(ev.related_target()) {
                        tip.set(None);
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        tip.set(None);
                    }
                }
                on:change=move |ev| {
                    let pin = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.get_attribute("data-pin"));
                    if let Some(id) = pin {
                        table.update(false, move |s| {
                            // A full set refuses; its unchecked boxes are disabled anyway.
                            let _ = s.pinned.toggle(&id);
                        })
                    }
                }
                on:click=move |ev| {
                    // Enter or a click on a value moves focus into its tooltip, so the source link
                    // is reachable from the keyboard.
                    if tip_target(&ev).is_some() {
                        request_animation_frame(|| {
                            if let Some(link) = document()
                                .query_selector(&format!("#{TABLE_TIP_ID} a"))
                                .ok()
                                .flatten()
                                .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
                            {
                                let _ = link.focus();
                            }
                        });
                    }
                }
            >
                <table class="models" data-testid="models-table">

                    <thead>
                        <tr>
                            <th scope="col" class="pin-col">
                                <span class="visually-hidden">"Compare"</span>
                            </th>
                            <HeaderCell ds=ds.clone() table column=Column::Name />
                            {
                                let ds = ds.clone();
                                move || {
                                    columns
                                        .get()
                                        .into_iter()
                                        .map(|c| view! { <HeaderCell ds=ds.clone() table column=c /> })
                                        .collect_view()
                                }
                            }
                        </tr>
                    </thead>
                    <TableBody ds=ds.clone() table columns rows shown />
                </table>
                <TableTip ds=ds.clone() tip />
            </div>
            <Show when=move || { rows.with(Vec::len) > shown.get() }>
                <button type="button" class="show-more" on:click=show_more>
                    {move || format!("Show more ({} not shown)", rows.with(Vec::len) - shown.get())}
                </button>
            </Show>
        </Show>
        <BenchmarkChart ds=ds_chart table rows />
    }
}

/// The models table's one tooltip: the source of the value under the pointer or the focus.
#[component]
fn TableTip(ds: Arc<Dataset>, tip: RwSignal<Option<TipAt>>) -> impl IntoView {
    move || {
        // `try_`: a link in the tooltip can leave the page, and the browser's focus and pointer
        // events from that leaving can re-run this after the page's signals are gone.
        let at = tip.try_get().flatten()?;
        let m = ds.models.get(at.row)?;
        let column = Column::parse(&at.column)?;
        let p = provenance_of(&ds, &cell(&ds, m, &column))?;
        Some(view! {
            <div
                class=if at.above { "table-tip above" } else { "table-tip" }
                style:left=format!("{}px", at.left)
                style:top=format!("{}px", at.top)
            >
                {tooltip(TABLE_TIP_ID, &p)}
            </div>
        })
    }
}

#[component]
fn TableBody(
    ds: Arc<Dataset>,
    table: Table,
    columns: Memo<Vec<Column>>,
    rows: Memo<Vec<usize>>,
    shown: Memo<usize>,
) -> impl IntoView {
    let visible = move || {
        let n = shown.get();
        rows.with(|r| r.iter().take(n).copied().collect::<Vec<usize>>())
    };
    view! {
        <tbody>
            <For each=visible key=|i| *i let:i>
                <Row ds=ds.clone() model=i table columns />
            </For>
        </tbody>
    }
}

#[component]
fn HeaderCell(ds: Arc<Dataset>, table: Table, column: Column) -> impl IntoView {
    let text = label(&ds, &column);
    let numeric = is_numeric(&column);
    let col = column.clone();
    let sort = Memo::new(move |_| {
        table.state.with(|s| match &s.query.sort {
            Some(sort) if sort.column == col => Some(sort.dir),
            _ => None,
        })
    });
    let aria = move || match sort.get() {
        Some(SortDir::Asc) => "ascending",
        Some(SortDir::Desc) => "descending",
        None => "none",
    };
    let arrow = move || match sort.get() {
        Some(SortDir::Asc) => "▲",
        Some(SortDir::Desc) => "▼",
        None => "",
    };
    let key = column.key();
    view! {
        <th scope="col" aria-sort=aria class:num=numeric data-col=key>
            <button
                type="button"
                class="sort"
                on:click=move |_| {
                    let c = column.clone();
                    table.update(false, |s| *s = s.sorted_by(c, numeric))
                }
            >
                {text}
                <span class="arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// Where a cell's value was read, if it came from a source.
fn provenance_of(ds: &Dataset, info: &CellInfo) -> Option<Provenance> {
    let source = info.source.as_ref()?;
    let mut p = Provenance::new(ds, source);
    if let Some(sr) = info.self_reported {
        p = p.self_reported(sr);
    }
    Some(p.detail(&[info.detail.as_deref()]))
}

/// A cell with its own tooltip component (the comparison table: a handful of cells).
pub(crate) fn cell_view(ds: &Dataset, m: &Model, col: &Column) -> AnyView {
    let info = cell(ds, m, col);
    if info.is_missing() {
        return view! { <span inner_html=missing_html(ds, m, col) /> }.into_any();
    }
    match provenance_of(ds, &info) {
        Some(p) => view! { <SourcedValue text=info.text provenance=p /> }.into_any(),
        None => info.text.into_any(),
    }
}

/// An empty cell. A price column is empty either because no price was ever listed or because
/// every listed one was retired: it says which (the model's page has the dates).
fn missing_html(ds: &Dataset, m: &Model, col: &Column) -> &'static str {
    let retired = matches!(col, Column::InputPrice | Column::OutputPrice)
        && ds.prices_for(&m.id).next().is_some();
    if retired {
        "<span class=\"missing\" title=\"No longer sold: the model's page lists when its prices were retired.\">retired</span>"
    } else {
        "<span class=\"missing\" aria-label=\"not published\">—</span>"
    }
}

/// The id of the one tooltip the models table shares between its cells.
const TABLE_TIP_ID: &str = "models-tip";

/// Which value the table's tooltip describes, and where to draw it (relative to the table's box).
#[derive(Clone, Debug, PartialEq)]
struct TipAt {
    row: usize,
    column: String,
    left: f64,
    /// The tooltip's top edge, or its bottom edge when `above`.
    top: f64,
    /// Drawn above its value (near the bottom of the table, where below there is no room).
    above: bool,
}

/// The value element an event came from, if any.
fn tip_target(ev: &web_sys::Event) -> Option<web_sys::Element> {
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    el.closest("[data-tip]").ok().flatten()
}

/// Whether the event's new target stays on a value or inside the tooltip.
fn stays_on_tip(to: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = to.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    el.closest(&format!("[data-tip], #{TABLE_TIP_ID}"))
        .ok()
        .flatten()
        .is_some()
}

fn tip_at(target: &web_sys::Element, container: &web_sys::Element) -> Option<TipAt> {
    let key = target.get_attribute("data-tip")?;
    let (row, column) = key.split_once('|')?;
    let t = target.get_bounding_client_rect();
    let c = container.get_bounding_client_rect();
    let scroll_left = f64::from(container.scroll_left());
    let (_, widest) = tip_widest();
    let above = tip_goes_above(c.bottom() - t.bottom(), t.top() - c.top());
    Some(TipAt {
        row: row.parse().ok()?,
        column: column.to_string(),
        left: tip_left(
            t.left() - c.left() + scroll_left,
            scroll_left,
            f64::from(container.client_width()),
            widest,
        ),
        top: if above {
            t.top() - c.top() + f64::from(container.scroll_top()) - 4.0
        } else {
            t.bottom() - c.top() + f64::from(container.scroll_top()) + 4.0
        },
        above,
    })
}

/// Height a tooltip may need below its value (source, its date, whether self-reported, and
/// padding): about 170 px for a benchmark score at 1,280 px.
const TIP_ROOM: f64 = 192.0;

/// Whether the tooltip goes above its value: when the table's box has less than [`TIP_ROOM`]
/// below it and more above (the box grows with its rows, so a tooltip under the last rows would
/// spill out of it, hidden behind its scroll). A table of fewer than ten rows keeps room below
/// its rows instead (`style/models.css`), so there a tooltip that fits neither way goes below.
fn tip_goes_above(space_below: f64, space_above: f64) -> bool {
    space_below < TIP_ROOM && space_above > space_below
}

/// Where the tooltip starts: under its value, moved left as far as needed for a tooltip of up
/// to `width` to fit the scroll box's visible part (its link would be cut off otherwise).
fn tip_left(under_value: f64, scroll_left: f64, visible_width: f64, width: f64) -> f64 {
    under_value + shift_to_fit(under_value, width, scroll_left, scroll_left + visible_width)
}

/// Escapes text for HTML element bodies and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A row's markup: the pin checkbox, the name and one cell per column. Rows are written as
/// markup, not components: a 10,000-model table re-sorts by rebuilding 50 of them, and markup is
/// the cheapest way to build them. The table's delegated handlers give them behaviour: pinning
/// (`data-pin`) and the source tooltip (`data-tip`).
fn row_html(
    ds: &Dataset,
    m: &Model,
    row: usize,
    columns: &[Column],
    pinned: bool,
    full: bool,
) -> String {
    let mut h = String::with_capacity(256 + columns.len() * 160);
    h.push_str(&format!(
        "<td class=\"pin-col\"><input type=\"checkbox\" data-pin=\"{}\" aria-label=\"Compare {}\"{}{}></td>",
        esc(&m.id),
        esc(&m.name),
        if pinned { " checked" } else { "" },
        if full && !pinned { " disabled" } else { "" }
    ));
    h.push_str(&format!(
        "<th scope=\"row\" class=\"model-name\"><a href=\"{}\">{}</a>",
        esc(&model_href(&m.id)),
        esc(&m.name)
    ));
    if m.open_weights {
        h.push_str(" <span class=\"badge\">open</span>");
    }
    if m.reasoning {
        h.push_str(" <span class=\"badge\">reasoning</span>");
    }
    h.push_str("</th>");
    for col in columns {
        let key = esc(&col.key());
        let class = if is_numeric(col) {
            " class=\"num\""
        } else {
            ""
        };
        let info = cell(ds, m, col);
        let body = if info.is_missing() {
            missing_html(ds, m, col).to_string()
        } else if info.source.is_none() {
            esc(&info.text)
        } else {
            format!(
                "<span class=\"sv\"><button type=\"button\" class=\"sv-value{}\" data-tip=\"{row}|{key}\" aria-describedby=\"{TABLE_TIP_ID}\">{}</button></span>",
                if info.self_reported == Some(true) { " sv-self" } else { "" },
                esc(&info.text)
            )
        };
        h.push_str(&format!("<td{class} data-col=\"{key}\">{body}</td>"));
    }
    h
}

#[component]
fn Row(ds: Arc<Dataset>, model: usize, table: Table, columns: Memo<Vec<Column>>) -> impl IntoView {
    let Some(m) = ds.models.get(model).cloned() else {
        return ().into_any();
    };
    let id = m.id.clone();
    let row_id = id.clone();
    let pinned = Memo::new(move |_| table.state.with(|s| s.pinned.contains(&id)));
    let full = Memo::new(move |_| table.state.with(|s| s.pinned.is_full()));
    let html =
        move || columns.with(|cols| row_html(&ds, &m, model, cols, pinned.get(), full.get()));
    view! { <tr data-model=row_id class:pinned=move || pinned.get() inner_html=html></tr> }
        .into_any()
}

/// Sorted distinct values of a model field, for a filter's options.
fn distinct(ds: &Dataset, f: impl Fn(&Model) -> String) -> Vec<String> {
    ds.models
        .iter()
        .map(f)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
}

fn num_text(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
fn Filters(ds: Arc<Dataset>, table: Table) -> impl IntoView {
    let s = table.state;
    let vendors = distinct(&ds, |m| m.vendor.clone());
    let licenses = distinct(&ds, |m| m.license.name.clone());
    let select_value = move |f: fn(&TableState) -> String| move || s.with(f);
    view! {
        <form class="filters" role="search" aria-label="Filter models" on:submit=|ev| ev.prevent_default()>
            <label class="field field-wide">
                <span>"Search"</span>
                <input
                    type="search"
                    placeholder="Name, vendor or family"
                    data-testid="search"
                    prop:value=move || s.with(|s| s.query.filter.text.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        table.update(true, |s| s.query.filter.text = text)
                    }
                />
            </label>
            <label class="field">
                <span>"Weights"</span>
                <select
                    data-testid="filter-open"
                    prop:value=select_value(|s| match s.query.filter.open_weights {
                        Some(true) => "open".into(),
                        Some(false) => "closed".into(),
                        None => String::new(),
                    })
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| s.query.filter.open_weights = match v.as_str() {
                            "open" => Some(true),
                            "closed" => Some(false),
                            _ => None,
                        })
                    }
                >
                    <option value="">"Open and closed"</option>
                    <option value="open">"Open weights"</option>
                    <option value="closed">"Closed (API only)"</option>
                </select>
            </label>
            <label class="field">
                <span>"Reasoning"</span>
                <select
                    data-testid="filter-reasoning"
                    prop:value=select_value(|s| match s.query.filter.reasoning {
                        Some(true) => "yes".into(),
                        Some(false) => "no".into(),
                        None => String::new(),
                    })
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| s.query.filter.reasoning = match v.as_str() {
                            "yes" => Some(true),
                            "no" => Some(false),
                            _ => None,
                        })
                    }
                >
                    <option value="">"Any"</option>
                    <option value="yes">"Reasoning models"</option>
                    <option value="no">"Non-reasoning"</option>
                </select>
            </label>
            <label class="field">
                <span>"Vendor"</span>
                <select
                    data-testid="filter-vendor"
                    prop:value=select_value(|s| s.query.filter.vendors.first().cloned().unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| s.query.filter.vendors = if v.is_empty() { vec![] } else { vec![v] })
                    }
                >
                    <option value="">"Any vendor"</option>
                    {vendors.into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"License"</span>
                <select
                    data-testid="filter-license"
                    prop:value=select_value(|s| s.query.filter.licenses.first().cloned().unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| s.query.filter.licenses = if v.is_empty() { vec![] } else { vec![v] })
                    }
                >
                    <option value="">"Any license"</option>
                    {licenses.into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Commercial use"</span>
                <select
                    data-testid="filter-use"
                    prop:value=select_value(|s| s.query.filter.commercial_use.first().map(|c| commercial_use_key(*c).to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| {
                            s.query.filter.commercial_use = COMMERCIAL_USES
                                .into_iter()
                                .filter(|c| commercial_use_key(*c) == v)
                                .collect()
                        })
                    }
                >
                    <option value="">"Any terms"</option>
                    <option value="allowed">"Allowed (permissive)"</option>
                    <option value="conditional">"Allowed with conditions"</option>
                    <option value="non_commercial">"Non-commercial only"</option>
                    <option value="api_terms_only">"API terms only"</option>
                </select>
            </label>
            <label class="field">
                <span>"Accepts"</span>
                <select
                    data-testid="filter-input"
                    prop:value=select_value(|s| s.query.filter.input_modalities.first().map(|m| m.as_str().to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        table.update(false, |s| {
                            s.query.filter.input_modalities = [Modality::Text, Modality::Image, Modality::Audio, Modality::Video]
                                .into_iter()
                                .filter(|m| m.as_str() == v)
                                .collect()
                        })
                    }
                >
                    <option value="">"Any input"</option>
                    <option value="text">"Text"</option>
                    <option value="image">"Images"</option>
                    <option value="audio">"Audio"</option>
                    <option value="video">"Video"</option>
                </select>
            </label>
            <RangeField
                label="Total params (B)"
                testid="total"
                table
                get=|s| s.query.filter.params_total_b
                set=|s, r| s.query.filter.params_total_b = r
            />
            <RangeField
                label="Active params (B)"
                testid="active"
                table
                get=|s| s.query.filter.params_active_b
                set=|s, r| s.query.filter.params_active_b = r
            />
            <RangeField
                label="Memory Q4_K_M (GB)"
                testid="memory"
                table
                get=|s| s.query.filter.memory_gb
                set=|s, r| s.query.filter.memory_gb = r
            />
            <Show when=move || s.with(TableState::is_filtered)>
                <button type="button" class="clear" on:click=move |_| table.update(false, |s| *s = s.without_filters())>
                    "Clear filters"
                </button>
            </Show>
        </form>
    }
}

#[component]
fn RangeField(
    label: &'static str,
    testid: &'static str,
    table: Table,
    get: fn(&TableState) -> crate::data::Range,
    set: fn(&mut TableState, crate::data::Range),
) -> impl IntoView {
    let s = table.state;
    view! {
        <fieldset class="field range">
            <legend>{label}</legend>
            <input
                type="number"
                min="0"
                step="any"
                inputmode="decimal"
                placeholder="min"
                aria-label=format!("{label}: minimum")
                data-testid=format!("{testid}-min")
                prop:value=move || num_text(s.with(|s| get(s).min))
                on:change=move |ev| {
                    let v = parse_number(&event_target_value(&ev));
                    table.update(false, |s| {
                        let mut r = get(s);
                        r.min = v;
                        set(s, r)
                    })
                }
            />
            <span aria-hidden="true">"–"</span>
            <input
                type="number"
                min="0"
                step="any"
                inputmode="decimal"
                placeholder="max"
                aria-label=format!("{label}: maximum")
                data-testid=format!("{testid}-max")
                prop:value=move || num_text(s.with(|s| get(s).max))
                on:change=move |ev| {
                    let v = parse_number(&event_target_value(&ev));
                    table.update(false, |s| {
                        let mut r = get(s);
                        r.max = v;
                        set(s, r)
                    })
                }
            />
        </fieldset>
    }
}

#[component]
fn ColumnChooser(ds: Arc<Dataset>, table: Table) -> impl IntoView {
    let options = all_columns(&ds)
        .into_iter()
        .map(|col| {
            let text = label(&ds, &col);
            let c1 = col.clone();
            let c2 = col.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-col=col.key()
                        prop:checked=move || table.state.with(|s| s.columns.contains(&c1))
                        on:change=move |_| {
                            let c = c2.clone();
                            table.update(false, move |s| toggle(&mut s.columns, c))
                        }
                    />
                    {text}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="column-chooser" data-testid="column-chooser">
            <summary>"Columns"</summary>
            <div class="column-options">
                {options}
                <button type="button" on:click=move |_| table.update(false, |s| s.columns = state::default_columns())>
                    "Reset columns"
                </button>
            </div>
        </details>
    }
}

#[component]
fn Downloads(ds: Arc<Dataset>, table: Table) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let save = move |json: bool| {
        let s = table.state.get_untracked();
        let rows = query::run(&ds, &s.query);
        let (name, mime, text) = if json {
            (
                "llm-atlas-models.json",
                "application/json",
                export::to_json(&ds, &rows, &s.columns),
            )
        } else {
            (
                "llm-atlas-models.csv",
                "text/csv",
                export::to_csv(&ds, &rows, &s.columns),
            )
        };
        error.set(download_text(name, mime, &text).err());
    };
    let save_json = save.clone();
    view! {
        <div class="downloads" title="Every row that matches the filters (not only the rows shown so far), with the chosen columns and their sources">
            <button type="button" data-testid="download-csv" on:click=move |_| save(false)>
                "Download CSV"
            </button>
            <button type="button" data-testid="download-json" on:click=move |_| save_json(true)>
                "JSON"
            </button>
            {move || error.get().map(|e| view! { <span role="alert" class="inline-error">{e}</span> })}
        </div>
    }
}

#[component]
fn Compare(ds: Arc<Dataset>, table: Table) -> impl IntoView {
    let pinned = Memo::new(move |_| table.state.with(|s| s.pinned.ids().to_vec()));
    let ds2 = ds.clone();
    view! {
        <Show when=move || pinned.with(|p| !p.is_empty())>
            {
                let ds = ds2.clone();
                move || {
                    let ids = pinned.get();
                    let models: Vec<Model> = ids.iter().filter_map(|id| ds.model(id)).cloned().collect();
                    let heads = models
                        .iter()
                        .map(|m| {
                            let id = m.id.clone();
                            let name = m.name.clone();
                            view! {
                                <th scope="col">
                                    <A href=model_href(&m.id)>{name}</A>
                                    <button
                                        type="button"
                                        class="unpin"
                                        aria-label=format!("Remove {} from the comparison", m.name)
                                        on:click=move |_| {
                                            let id = id.clone();
                                            table.update(false, move |s| {
                                                let _ = s.pinned.unpin(&id);
                                            })
                                        }
                                    >
                                        "×"
                                    </button>
                                </th>
                            }
                        })
                        .collect_view();
                    let rows = all_columns(&ds)
                        .into_iter()
                        .map(|col| {
                            let texts: BTreeSet<String> = models.iter().map(|m| cell(&ds, m, &col).text).collect();
                            let differs = models.len() > 1 && texts.len() > 1;
                            let cells = models
                                .iter()
                                .map(|m| view! { <td>{cell_view(&ds, m, &col)}</td> })
                                .collect_view();
                            view! {
                                <tr class:differs=differs data-col=col.key()>
                                    <th scope="row">{label(&ds, &col)}</th>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="compare" aria-labelledby="compare-title" data-testid="compare">
                            <div class="compare-head">
                                <h2 id="compare-title">{format!("Compare ({} of {MAX_PINNED})", models.len())}</h2>
                                <p class="sv-muted">"Rows where the models differ are highlighted."</p>
                                <button type="button" on:click=move |_| table.update(false, |s| s.pinned = Default::default())>
                                    "Clear comparison"
                                </button>
                            </div>
                            <div class="table-scroll" tabindex="0" role="region" aria-label="Comparison">
                                <table class="compare-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">
                                                <span class="visually-hidden">"Attribute"</span>
                                            </th>
                                            {heads}
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        </section>
                    }
                }
            }
        </Show>
    }
}

/// One benchmark's scores for the rows the table shows, as an embeddable chart.
#[component]
fn BenchmarkChart(ds: Arc<Dataset>, table: Table, rows: Memo<Vec<usize>>) -> impl IntoView {
    // The chart follows the table one frame later: a sort or filter repaints the table first
    // (what the reader is looking at), then the chart under it redraws.
    let charted = RwSignal::new(rows.get_untracked());
    Effect::new(move |_| {
        let shown = rows.get();
        request_animation_frame(move || {
            set_timeout(move || charted.set(shown), std::time::Duration::ZERO)
        });
    });
    let d = ds.clone();
    let ids = Memo::new(move |_| {
        charted.with(|r| {
            r.iter()
                .filter_map(|i| d.models.get(*i).map(|m| m.id.clone()))
                .collect::<Vec<String>>()
        })
    });
    let bench = Memo::new(move |_| table.state.with(|s| s.chart.clone()));
    let d2 = ds.clone();
    // A memo: re-sorting the table leaves the chart's figure equal, so the chart is not redrawn.
    let figure =
        Memo::new(move |_| bench.with(|b| ids.with(|ids| benchmarks::figure(&d2, b, ids))));
    let figure = Signal::from(figure);
    let query = Signal::derive(move || {
        format!(
            "?bench={}&m={}",
            state::encode(&bench.get()),
            state::encode(&ids.get().join(","))
        )
    });
    let dataset = (ds.meta.version.clone(), ds.meta.date.clone());
    view! {
        <section class="bench-chart" aria-label="Benchmark chart">
            <BenchmarkSelect
                ds
                label="Chart the shown models by"
                testid="chart-benchmark"
                value=bench
                on_pick=move |v: String| table.update(false, |s| s.chart = v)
            />
            <ChartPanel figure query dataset />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn a_tooltip_near_the_right_edge_moves_left_to_fit() {
        // Far from the edge: under its value.
        assert_eq!(super::tip_left(100.0, 0.0, 1000.0, 352.0), 100.0);
        // A phone (360 px box, tip up to 288 px) with a value at 250 px: moved to 68 px.
        assert_eq!(super::tip_left(250.0, 0.0, 360.0, 288.0), 68.0);
        // Scrolled right by 400 px, the same holds inside the visible part.
        assert_eq!(super::tip_left(650.0, 400.0, 360.0, 288.0), 468.0);
        // A box narrower than the tip: its left edge, not beyond.
        assert_eq!(super::tip_left(50.0, 0.0, 200.0, 288.0), 4.0);
    }

    #[test]
    fn a_tooltip_near_the_bottom_of_the_table_goes_above_its_value() {
        // Rows below: under the value.
        assert!(!super::tip_goes_above(400.0, 40.0));
        // The last row of a long table: above.
        assert!(super::tip_goes_above(8.0, 900.0));
        // A one-row table (no room either way): under, where the page has room.
        assert!(!super::tip_goes_above(8.0, 6.0));
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc("a<b> & \"c\" 'd'"),
            "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
    }
}
