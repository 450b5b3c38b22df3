//! Page state kept in the URL query, so a view can be shared and the back button works: a
//! memo of the parsed state, and a way to change it that writes a new address.

use crate::app::href;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// A page's state that round-trips through query parameters.
pub trait QueryState: Clone + PartialEq + Send + Sync + 'static {
    /// Reads the state; unknown or malformed parameters are ignored so old links still open.
    fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self;
    /// `?k=v&…` with defaults left out (empty for the default state).
    fn to_query(&self) -> String;
}

/// The state and a setter that navigates.
pub struct UrlState<T: QueryState> {
    pub state: Memo<T>,
    go: Callback<(T, bool)>,
}

impl<T: QueryState> Clone for UrlState<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: QueryState> Copy for UrlState<T> {}

impl<T: QueryState> UrlState<T> {
    /// Changes the state: a new history entry, or (`replace`, e.g. while typing) the current one.
    pub fn update(&self, replace: bool, f: impl FnOnce(&mut T)) {
        let mut next = self.state.get_untracked();
        f(&mut next);
        self.go.run((next, replace));
    }
}

/// The state of the page at `route` (`/models`), read from and written to its URL.
pub fn use_url_state<T: QueryState>(route: &'static str) -> UrlState<T> {
    let params = use_query_map();
    let state = Memo::new(move |_| {
        params.with(|p| T::from_params(p.latest_values().map(|(k, v)| (k.as_ref(), v))))
    });
    let navigate = use_navigate();
    let go = Callback::new(move |(next, replace): (T, bool)| {
        navigate(
            &format!("{}{}", href(route), next.to_query()),
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    });
    UrlState { state, go }
}

/// Adds `item` to `list`, or removes it if it is there.
pub fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(item),
    }
}

/// A group of checkboxes choosing ids for a list in the URL state (APIs to compare, models to
/// size). Each box carries `data-id`.
#[component]
pub fn CheckList<T: QueryState>(
    state: UrlState<T>,
    /// `(id, label)` pairs, in display order.
    items: Vec<(String, String)>,
    /// The chosen ids in the state.
    get: fn(&T) -> &Vec<String>,
    get_mut: fn(&mut T) -> &mut Vec<String>,
) -> impl IntoView {
    view! {
        <div class="checks">
            {items
                .into_iter()
                .map(|(id, label)| {
                    let checked_id = id.clone();
                    let toggle_id = id.clone();
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-id=id
                                prop:checked=move || state.state.with(|s| get(s).contains(&checked_id))
                                on:change=move |_| {
                                    let id = toggle_id.clone();
                                    state.update(false, move |s| toggle(get_mut(s), id))
                                }
                            />
                            {label}
                        </label>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A non-negative number as typed; anything else is `None`.
pub fn parse_number(v: &str) -> Option<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
}

/// A labelled number field bound to one value of the URL state; the change is written when the
/// field is committed (Enter or leaving it), as a new history entry.
#[component]
pub fn NumberField<T: QueryState>(
    state: UrlState<T>,
    label: &'static str,
    testid: &'static str,
    get: fn(&T) -> Option<f64>,
    /// Receives the typed number, or `None` for an empty or invalid entry.
    set: fn(&mut T, Option<f64>),
    #[prop(optional)] step: Option<&'static str>,
    #[prop(optional)] placeholder: Option<Signal<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type="number"
                min="0"
                step=step.unwrap_or("any")
                inputmode="decimal"
                data-testid=testid
                placeholder=move || placeholder.map(|p| p.get()).unwrap_or_default()
                prop:value=move || state.state.with(|s| get(s).map(|x| x.to_string()).unwrap_or_default())
                on:change=move |ev| {
                    let v = parse_number(&event_target_value(&ev));
                    state.update(false, |s| set(s, v))
                }
            />
            {hint.map(|h| view! { <small class="sv-muted">{h}</small> })}
        </label>
    }
}
