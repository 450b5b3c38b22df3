//! A value with its provenance: the source it was read from, on hover and on keyboard focus.

use crate::app::href;
use crate::data::Dataset;
use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::JsCast;

/// Where a value was read, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    pub source_id: String,
    pub publisher: String,
    pub title: String,
    pub url: String,
    pub date_read: String,
    /// For benchmark scores: the vendor measured its own model.
    pub self_reported: Option<bool>,
    /// Setting, as-of date or note, where the value needs one.
    pub detail: Option<String>,
}

impl Provenance {
    /// Looks the source up in the dataset (validation guarantees it exists).
    pub fn new(ds: &Dataset, source_id: &str) -> Provenance {
        let source = ds.source(source_id);
        Provenance {
            source_id: source_id.to_string(),
            publisher: source.map(|s| s.publisher.clone()).unwrap_or_default(),
            title: source
                .map(|s| s.title.clone())
                .unwrap_or_else(|| format!("unknown source {source_id}")),
            url: source.map(|s| s.url.clone()).unwrap_or_default(),
            date_read: source.map(|s| s.date_read.clone()).unwrap_or_default(),
            self_reported: None,
            detail: None,
        }
    }

    pub fn self_reported(mut self, yes: bool) -> Self {
        self.self_reported = Some(yes);
        self
    }

    /// Joins the present parts into the detail line.
    pub fn detail(mut self, parts: &[Option<&str>]) -> Self {
        let parts: Vec<&str> = parts.iter().flatten().copied().collect();
        if !parts.is_empty() {
            self.detail = Some(parts.join(" · "));
        }
        self
    }
}

fn next_id() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("src-tip-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The value as text; focusing or hovering it shows the source, date read, self-reported badge
/// and detail. The tooltip's link is reachable with Tab, and Escape hides the tooltip. The tooltip
/// is built only while shown, so a long table stays light to render and re-sort.
#[component]
pub fn SourcedValue(#[prop(into)] text: String, provenance: Provenance) -> impl IntoView {
    let id = next_id();
    let self_reported = provenance.self_reported;
    let source_id = provenance.source_id.clone();
    let provenance = StoredValue::new(provenance);
    let hovering = RwSignal::new(false);
    let focused = RwSignal::new(false);
    let dismissed = RwSignal::new(false);
    // How far left of the value the tooltip starts (0: at the value), set as it opens.
    let shift = RwSignal::new(0.0_f64);
    let place = move |ev: &web_sys::Event| {
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            shift.set(tip_shift(&el));
        }
    };
    let open = Memo::new(move |_| (hovering.get() || focused.get()) && !dismissed.get());
    let tip_id = id.clone();
    view! {
        <span
            class="sv"
            class:sv-open=move || open.get()
            style=move || format!("--tip-shift: {}px", shift.get())
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    dismissed.set(true);
                }
            }
            on:focusin=move |ev| {
                place(&ev);
                dismissed.set(false);
                focused.set(true);
            }
            on:focusout=move |ev: web_sys::FocusEvent| {
                // Focus moving into the tooltip (its link) keeps it open.
                let inside = match (ev.current_target(), ev.related_target()) {
                    (Some(me), Some(to)) => match (me.dyn_into::<web_sys::Node>(), to.dyn_into::<web_sys::Node>()) {
                        (Ok(me), Ok(to)) => me.contains(Some(&to)),
                        _ => false,
                    },
                    _ => false,
                };
                if !inside {
                    focused.set(false);
                }
            }
            on:mouseenter=move |ev| {
                place(&ev);
                dismissed.set(false);
                hovering.set(true);
            }
            on:mouseleave=move |_| hovering.set(false)
        >
            <button
                type="button"
                class="sv-value"
                class:sv-self=self_reported == Some(true)
                aria-describedby=move || open.get().then(|| id.clone())
                data-source=source_id
            >
                {text}
            </button>
            <Show when=move || open.get()>
                {
                    let tip_id = tip_id.clone();
                    move || provenance.with_value(|p| tooltip(&tip_id, p))
                }
            </Show>
        </span>
    }
}

/// How far (in px, zero or negative) the tooltip must start left of its value for a tooltip of
/// its widest (`.sv-tip`: min(22rem, 80vw)) to stay inside what shows of it: the window, or the
/// scroll box the value sits in, which would cut it off.
fn tip_shift(value: &web_sys::Element) -> f64 {
    let (viewport, widest) = tip_widest();
    let (lo, hi) = value
        .closest(".table-scroll")
        .ok()
        .flatten()
        .map_or((0.0, viewport), |b| {
            let r = b.get_bounding_client_rect();
            (r.left(), r.right())
        });
    shift_to_fit(value.get_bounding_client_rect().left(), widest, lo, hi)
}

/// The window's width and a tooltip's widest there (`.sv-tip`'s max-width: min(22rem, 80vw)).
pub fn tip_widest() -> (f64, f64) {
    let viewport = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1024.0);
    (viewport, (22.0 * 16.0_f64).min(0.8 * viewport))
}

/// The shift that keeps `[left, left + width]` inside `[lo, hi]` with 4 px to spare on the right,
/// the left edge winning when both cannot hold.
pub fn shift_to_fit(left: f64, width: f64, lo: f64, hi: f64) -> f64 {
    let over = (left + width) - (hi - 4.0);
    let shift = if over > 0.0 { -over } else { 0.0 };
    shift.max((lo + 4.0) - left).min(0.0)
}

/// The tooltip body for a value's provenance, with the given element id.
pub fn tooltip(id: &str, p: &Provenance) -> impl IntoView + use<> {
    let self_reported = p.self_reported;
    view! {
        <span class="sv-tip" role="tooltip" id=id.to_string()>
            <span class="sv-line">
                "Source: " <a href=p.url.clone() target="_blank" rel="noopener noreferrer">
                    {p.publisher.clone()} ": " {p.title.clone()}
                </a>
            </span>
            <span class="sv-line sv-muted">"Read " {p.date_read.clone()}</span>
            {self_reported
                .map(|yes| {
                    view! {
                        <span class="sv-line">
                            <span class=if yes { "badge badge-self" } else { "badge badge-indep" }>
                                {if yes { "Self-reported by the vendor" } else { "Measured independently" }}
                            </span>
                        </span>
                    }
                })}
            {p.detail.clone().map(|d| view! { <span class="sv-line sv-muted">{d}</span> })}
            <span class="sv-line">
                <a href=href(&format!("/about#source-{}", p.source_id)) data-testid="source-values">
                    "Every value from this source"
                </a>
            </span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::shift_to_fit;

    #[test]
    fn a_tooltip_shifts_left_only_as_far_as_it_must() {
        // Room on the right: no shift.
        assert_eq!(shift_to_fit(100.0, 288.0, 0.0, 1280.0), 0.0);
        // A phone's comparison: value at 156 px, box 16..344 px, tooltip 288 px: 104 px left.
        assert_eq!(shift_to_fit(156.0, 288.0, 16.0, 344.0), -104.0);
        // A box narrower than the tooltip: its left edge wins.
        assert_eq!(shift_to_fit(156.0, 288.0, 16.0, 200.0), -136.0);
        // Never to the right.
        assert_eq!(shift_to_fit(0.0, 100.0, 50.0, 1000.0), 0.0);
    }
}
