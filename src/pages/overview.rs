//! `/`: what LLM Atlas is, where to go, and what the dataset holds.

use crate::app::href;
use crate::components::dataset::WithDataset;
use crate::components::shell::PageTitle;
use crate::components::sourced::{Provenance, SourcedValue};
use crate::data::changes::{price_changes, PriceChange};
use crate::data::{Dataset, Model};
use crate::pages::model::model_href;
use crate::pages::models::columns::format_usd;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <PageTitle text="Choose a language model with numbers you can check" />
        <section class="hero">
            <h1>"Choose a language model with numbers you can check"</h1>
            <p class="lead">
                "Parameter counts, context windows, prices and benchmark scores for open and closed models, "
                "each with the source it was read from; calculators for API versus self-hosting costs and "
                "memory needs; and a small model running on your own device."
            </p>
        </section>
        <ul class="cards">
            <li class="card">
                <h2><A href=href("/models")>"Models"</A></h2>
                <p>"Compare open and closed models side by side: size, context, license, benchmarks."</p>
            </li>
            <li class="card">
                <h2><A href=href("/costs")>"Costs"</A></h2>
                <p>"API prices against self-hosting, and the monthly volume where one beats the other."</p>
            </li>
            <li class="card">
                <h2><A href=href("/hardware")>"Hardware"</A></h2>
                <p>"How much memory a model needs at each quantization, which GPUs it fits, and the best open model your GPUs run."</p>
            </li>
            <li class="card">
                <h2><A href=href("/demo")>"On-device demo"</A></h2>
                <p>"Gemma 3 270M writing text in your browser through WebGPU, and how fast your device runs it."</p>
            </li>
            <li class="card">
                <h2><A href=href("/claims")>"Claims checked"</A></h2>
                <p>"Figures from a widely shared article about choosing a model, each checked against its source."</p>
            </li>
        </ul>
        // One wait for the data (and one error panel if it fails) for both sections.
        <WithDataset let:ds>
            <section class="glance" aria-labelledby="glance-heading">
                <h2 id="glance-heading">"In the dataset"</h2>
                <Glance ds=ds.clone() />
            </section>
            <section class="glance" aria-labelledby="newest-heading">
                <h2 id="newest-heading">"Newest models in the dataset"</h2>
                <Newest ds=ds.clone() />
            </section>
            <section class="glance" aria-labelledby="changes-heading">
                <h2 id="changes-heading">"Latest price changes"</h2>
                <PriceChanges ds />
            </section>
        </WithDataset>
    }
}

/// How many of the newest models the overview lists.
pub const NEWEST: usize = 8;

/// The `n` most recently released models, newest first (same day: by name); models without a
/// release date are left out.
pub fn newest(ds: &Dataset, n: usize) -> Vec<&Model> {
    let mut dated: Vec<&Model> = ds
        .models
        .iter()
        .filter(|m| m.release_date.is_some())
        .collect();
    dated.sort_by(|a, b| {
        let (da, db) = (a.release_date.as_ref(), b.release_date.as_ref());
        db.map(|d| &d.value)
            .cmp(&da.map(|d| &d.value))
            .then_with(|| a.name.cmp(&b.name))
    });
    dated.truncate(n);
    dated
}

/// The models table sorted newest first, with the release date as its first column: its
/// default view (`models::state::default_sort`, `default_columns`; the shell's browser test
/// checks the order and the column this link promises).
fn by_release_href() -> String {
    href("/models")
}

/// The newest models, each linking to its page, with its maker, release date and whether its
/// weights are open.
#[component]
fn Newest(ds: Arc<Dataset>) -> impl IntoView {
    let items = newest(&ds, NEWEST)
        .into_iter()
        .map(|m| {
            let day = m
                .release_date
                .as_ref()
                .map(|d| d.value.clone())
                .unwrap_or_default();
            let open = m
                .open_weights
                .then(|| view! { " " <span class="badge">"open"</span> });
            view! {
                <li>
                    <a href=model_href(&m.id)>{m.name.clone()}</a>
                    {open}
                    <span class="sv-muted">{format!(" {} · {day}", m.vendor)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="newest" data-testid="newest-models">{items}</ul>
        <p class="glance-note">
            <A href=by_release_href()>"All models by release date"</A>
        </p>
    }
}

/// How many lines of price changes the overview lists.
pub const CHANGES: usize = 8;
/// At most this many of them announced, so the changes already made keep their room.
pub const ANNOUNCED: usize = 4;

/// One line of the overview's price changes: a change, or a seller's stops on one day (no
/// price after them), which read as one piece of news ("OpenAI stops selling GPT-5, GPT-5
/// mini and o3 on 2026-12-11").
pub type Line<'b, 'a> = Vec<&'b PriceChange<'a>>;

/// What makes a stop join another's line: its day, seller and whether it is announced. `None`
/// for a change of price, which stands alone.
fn stop_key<'a>(c: &PriceChange<'a>) -> Option<(&'a str, &'a str, bool)> {
    c.next
        .is_none()
        .then(|| (c.day(), c.ended.provider.as_str(), c.announced))
}

/// `changes` in lines: each stop joins the line of an earlier stop by the same seller on the
/// same day (announced alike; several tiers of one model among them); every other change is a
/// line of its own. Order kept.
fn lines<'a, 'b>(changes: impl IntoIterator<Item = &'b PriceChange<'a>>) -> Vec<Line<'b, 'a>> {
    let mut out: Vec<Line<'b, 'a>> = Vec::new();
    for c in changes {
        let joined =
            stop_key(c).and_then(|key| out.iter_mut().find(|line| stop_key(line[0]) == Some(key)));
        match joined {
            Some(line) => line.push(c),
            None => out.push(vec![c]),
        }
    }
    out
}

/// The lines the overview lists: up to [`ANNOUNCED`] of announced changes, the soonest first
/// (what a reader must act on next), then the latest made ones, newest first; [`CHANGES`] in
/// all. `changes` is [`price_changes`]'s list (newest day first, then by name).
pub fn listed<'a, 'b>(changes: &'b [PriceChange<'a>]) -> Vec<Line<'b, 'a>> {
    let mut announced: Vec<&PriceChange<'a>> = changes.iter().filter(|c| c.announced).collect();
    // A stable sort: one day's changes keep their order by name.
    announced.sort_by(|a, b| a.day().cmp(b.day()));
    let mut announced = lines(announced);
    announced.truncate(ANNOUNCED);
    let mut made = lines(changes.iter().filter(|c| !c.announced));
    made.truncate(CHANGES - announced.len());
    announced.into_iter().chain(made).collect()
}

/// What changed, in words: "cached input $0.20 → $0.10 per million tokens", "input $2.00 →
/// $4.00, output $10.00 → $20.00 per million tokens", or that the seller stops (or stopped)
/// selling it, with the price it sells (or sold) at.
pub fn change_words(c: &PriceChange) -> String {
    let price = |x: Option<f64>| x.map_or_else(|| "none".to_string(), format_usd);
    let deltas = c.deltas();
    if deltas.is_empty() {
        let (verb, then) = if c.announced {
            ("stops selling it", "now")
        } else {
            ("stopped selling it", "was")
        };
        return format!(
            "{verb} ({then} {} in, {} out)",
            format_usd(c.ended.input_usd_per_mtok),
            format_usd(c.ended.output_usd_per_mtok)
        );
    }
    let parts: Vec<String> = deltas
        .iter()
        .map(|d| format!("{} {} → {}", d.what, price(d.before), price(d.after)))
        .collect();
    format!("{} per million tokens", parts.join(", "))
}

/// The latest price changes, announced ones first (see [`listed`]): the model, the seller (and tier), what
/// changed (sourced to the new price, or to the retirement where nothing replaced it) and the
/// day (sourced to where the end was read).
#[component]
fn PriceChanges(ds: Arc<Dataset>) -> impl IntoView {
    let changes = price_changes(&ds);
    if changes.is_empty() {
        return view! { <p class="glance-note">"No price in the dataset has changed yet."</p> }
            .into_any();
    }
    let items = listed(&changes)
        .into_iter()
        .map(|line| {
            let c = line[0];
            let seller = match (&c.ended.tier, line.len()) {
                (Some(tier), 1) => format!("{}, {tier}", c.ended.provider),
                _ => c.ended.provider.clone(),
            };
            let words_source = c.next.map_or(&c.retired.source, |n| &n.source);
            let words = Provenance::new(&ds, words_source)
                .detail(&[c.next.and_then(|n| n.note.as_deref())]);
            let day = Provenance::new(&ds, &c.retired.source).detail(&[c.retired.note.as_deref()]);
            let when = match (c.announced, c.next.is_some()) {
                (true, true) => "from ",
                (true, false) => "on ",
                (false, _) => "",
            };
            // The models of the line, each once (a model may stop in several tiers).
            let mut models: Vec<&Model> = Vec::new();
            for c in &line {
                if !models.iter().any(|m| m.id == c.model.id) {
                    models.push(c.model);
                }
            }
            let n = models.len();
            let names = models
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let sep = match i {
                        0 => "",
                        i if i + 1 == n => " and ",
                        _ => ", ",
                    };
                    view! { {sep}<a href=model_href(&m.id)>{m.name.clone()}</a> }
                })
                .collect_view();
            let what = match (line.len(), n, c.announced) {
                (1, _, _) => change_words(c),
                (_, 1, true) => "stops selling it".to_string(),
                (_, 1, false) => "stopped selling it".to_string(),
                (_, _, true) => "stops selling them".to_string(),
                (_, _, false) => "stopped selling them".to_string(),
            };
            let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
            let ids = ids.join(" ");
            view! {
                <li data-testid="price-change" data-models=ids>
                    {names}
                    <span class="sv-muted">{format!(" · {seller}: ")}</span>
                    <SourcedValue text=what provenance=words />
                    <span class="sv-muted">{format!(" · {when}")}</span>
                    <SourcedValue text=c.day().to_string() provenance=day />
                    {c.announced.then(|| view! { " " <span class="badge badge-warn">"announced"</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="price-changes" data-testid="price-changes">{items}</ul> }.into_any()
}

/// What the dataset holds, counted from it.
#[component]
fn Glance(ds: Arc<Dataset>) -> impl IntoView {
    let models = ds.models.len();
    let open = ds.models.iter().filter(|m| m.open_weights).count();
    let scores: usize = ds.models.iter().map(|m| m.benchmarks.len()).sum();
    let item = |n: usize, what: String, testid: &'static str| {
        view! { <li data-testid=testid><strong>{n}</strong>" "{what}</li> }
    };
    view! {
        <ul class="glance-stats" data-testid="dataset-glance">
            {item(models, format!("models ({open} open weights, {} closed)", models - open), "glance-models")}
            {item(scores, format!("benchmark scores on {} benchmarks", ds.benchmarks.len()), "glance-scores")}
            {item(ds.prices.len(), "dated API prices".into(), "glance-prices")}
            {item(ds.hardware.len(), "GPUs, Macs and mini PCs with memory and bandwidth".into(), "glance-hardware")}
            {item(ds.claims.len(), "claims checked".into(), "glance-claims")}
            {item(ds.sources.len(), "sources: every number cites one".into(), "glance-sources")}
        </ul>
        <p class="glance-note">
            {format!("Dataset version {} of {}. ", ds.meta.version, ds.meta.date)}
            "How numbers are read and checked: "
            <A href=href("/about")>"method and sources"</A>
            "."
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_says_what_moved_or_that_the_seller_stops() {
        let ds = crate::data::bundled();
        let changes = price_changes(&ds);
        let sonnet = changes
            .iter()
            .find(|c| c.model.id == "claude-sonnet-5-5")
            .unwrap();
        assert_eq!(
            change_words(sonnet),
            "cached input $0.20 → $0.10 per million tokens"
        );
        let mut stop = *sonnet;
        stop.next = None;
        assert_eq!(
            change_words(&stop),
            "stopped selling it (was $2.00 in, $10.00 out)"
        );
        stop.announced = true;
        assert_eq!(
            change_words(&stop),
            "stops selling it (now $2.00 in, $10.00 out)"
        );
    }

    #[test]
    fn announced_changes_come_soonest_first_and_leave_room_for_made_ones() {
        let ds = crate::data::bundled();
        let changes = price_changes(&ds);
        let shown = listed(&changes);
        assert!(shown.len() <= CHANGES);
        // A line is one change, or one seller's stops on one day; no two lines are such stops
        // of the same seller and day.
        for line in &shown {
            assert!(!line.is_empty());
            if line.len() > 1 {
                assert!(line.iter().all(|c| c.next.is_none()));
                assert!(line.iter().all(|c| stop_key(c) == stop_key(line[0])));
            }
        }
        for (i, a) in shown.iter().enumerate() {
            for b in &shown[i + 1..] {
                let stops = a[0].next.is_none() && b[0].next.is_none();
                assert!(
                    !(stops && stop_key(a[0]) == stop_key(b[0])),
                    "{:?}",
                    stop_key(a[0])
                );
            }
        }
        let announced: Vec<_> = shown.iter().take_while(|l| l[0].announced).collect();
        assert!(!announced.is_empty() && announced.len() <= ANNOUNCED);
        for w in announced.windows(2) {
            assert!(
                w[0][0].day() <= w[1][0].day(),
                "{} before {}",
                w[0][0].day(),
                w[1][0].day()
            );
        }
        // No announced change left out is sooner than the last announced line shown.
        let is_shown = |c: &PriceChange| shown.iter().flatten().any(|s| std::ptr::eq(*s, c));
        let last = announced.last().unwrap()[0].day();
        for c in changes.iter().filter(|c| c.announced && !is_shown(c)) {
            assert!(c.day() >= last);
        }
        // Then the changes made, newest first, and the newest of them all.
        let made: Vec<_> = shown.iter().skip(announced.len()).collect();
        assert!(made.iter().flat_map(|l| l.iter()).all(|c| !c.announced));
        assert_eq!(made.len(), CHANGES - announced.len());
        for w in made.windows(2) {
            assert!(w[0][0].day() >= w[1][0].day());
        }
        let newest_made = changes.iter().find(|c| !c.announced).unwrap();
        assert!(std::ptr::eq(made[0][0], newest_made));
    }

    /// Stops by one seller on one day share a line; a change of price never joins one.
    #[test]
    fn a_sellers_stops_on_one_day_share_a_line() {
        let ds = crate::data::bundled();
        let changes = price_changes(&ds);
        let stop = changes.iter().find(|c| c.next.is_none()).expect("a stop");
        let moved = changes
            .iter()
            .find(|c| c.next.is_some())
            .expect("a change of price");
        let mut other = *stop;
        let someone_else = ds.models.iter().find(|m| m.id != stop.model.id).unwrap();
        other.model = someone_else;
        let mut same_day_move = *moved;
        same_day_move.retired = stop.retired;
        let mut provider_moved = moved.ended.clone();
        provider_moved.provider = stop.ended.provider.clone();
        same_day_move.ended = &provider_moved;
        let got = lines([stop, &same_day_move, &other, stop]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), 3, "the stops, in order");
        assert!(std::ptr::eq(got[0][1], &other));
        assert!(std::ptr::eq(got[0][2], stop));
        assert!(std::ptr::eq(got[1][0], &same_day_move));
    }

    #[test]
    fn the_newest_come_first_and_none_is_newer_than_the_last_listed() {
        let ds = crate::data::bundled();
        let day = |m: &Model| m.release_date.as_ref().unwrap().value.clone();
        let list = newest(&ds, NEWEST);
        assert_eq!(list.len(), NEWEST);
        for w in list.windows(2) {
            assert!(day(w[0]) >= day(w[1]));
        }
        let last = day(list[NEWEST - 1]);
        let newer_left_out = ds
            .models
            .iter()
            .filter(|m| m.release_date.is_some() && !list.iter().any(|l| l.id == m.id))
            .any(|m| day(m) > last);
        assert!(!newer_left_out);
        assert!(newest(&ds, 0).is_empty());
    }
}
