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

/// One box of a [`CheckList`]: the id written to the URL state, the label shown, the heading it
/// is listed under (a model's vendor) and a muted note after the label in the list only (not
/// where the chosen ones are named), e.g. "retires 2026-12-11".
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: String,
    pub label: String,
    pub group: String,
    pub note: Option<String>,
}

impl From<&crate::data::Model> for Choice {
    fn from(m: &crate::data::Model) -> Self {
        Choice {
            id: m.id.clone(),
            label: m.name.clone(),
            group: m.vendor.clone(),
            note: None,
        }
    }
}

/// `choices` under their headings: headings in alphabetical order, each heading's choices in
/// the order given (the dataset's, which keeps a family's sizes in order).
pub fn grouped(choices: Vec<Choice>) -> Vec<(String, Vec<Choice>)> {
    let mut groups: Vec<(String, Vec<Choice>)> = Vec::new();
    for c in choices {
        match groups.iter_mut().find(|(g, _)| *g == c.group) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.group.clone(), vec![c])),
        }
    }
    groups.sort_by_key(|g| g.0.to_lowercase());
    groups
}

/// Whether a choice matches a filter: every word of it appears in the label or the heading,
/// case and dashes aside ("qwen 32" finds "Qwen2.5 32B Instruct").
pub fn choice_matches(choice: &Choice, filter: &str) -> bool {
    let norm = |s: &str| s.to_lowercase().replace(['-', '_'], " ");
    let hay = format!("{} {}", norm(&choice.label), norm(&choice.group));
    norm(filter).split_whitespace().all(|w| hay.contains(w))
}

/// A group of checkboxes choosing ids for a list in the URL state (APIs to compare, models to
/// size), under their vendors' headings, with a filter for long lists (boxes already ticked stay
/// shown), how many are chosen, and a button that clears them. Each box carries `data-id`.
#[component]
pub fn CheckList<T: QueryState>(
    state: UrlState<T>,
    /// The boxes, in display order within their group.
    items: Vec<Choice>,
    /// What the list chooses, for the filter's label ("models", "APIs").
    noun: &'static str,
    /// The chosen ids in the state.
    get: fn(&T) -> &Vec<String>,
    get_mut: fn(&mut T) -> &mut Vec<String>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    // Ids in the address that are not in the list (an old link's retired model) are not counted:
    // the count matches the ticked boxes. Clear removes those too.
    let ids: Vec<String> = items.iter().map(|c| c.id.clone()).collect();
    let chosen = Memo::new(move |_| {
        state
            .state
            .with(|s| get(s).iter().filter(|id| ids.contains(id)).count())
    });
    let all = items.clone();
    let matches =
        Memo::new(move |_| filter.with(|f| all.iter().filter(|c| choice_matches(c, f)).count()));
    // The chosen ones by name, in the order chosen, above the (scrolling) boxes: each removes
    // itself.
    let labels: Vec<(String, String)> = items
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect();
    let chosen_labels = move || {
        state.state.with(|s| {
            get(s)
                .iter()
                .filter_map(|id| labels.iter().find(|(i, _)| i == id).cloned())
                .collect::<Vec<_>>()
        })
    };
    let groups = grouped(items);
    view! {
        <div class="check-tools">
            <input
                type="search"
                class="check-filter"
                placeholder=format!("Filter {noun}")
                aria-label=format!("Filter the {noun}")
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Escape" && !filter.with(String::is_empty) {
                        ev.prevent_default();
                        filter.set(String::new());
                    }
                }
            />
            <span class="check-status">
                <span class="check-count" aria-live="polite">
                    {move || match chosen.get() {
                        0 => "none chosen".to_string(),
                        n => format!("{n} chosen"),
                    }}
                </span>
                <button
                    type="button"
                    class="link-button"
                    disabled=move || state.state.with(|s| get(s).is_empty())
                    on:click=move |_| state.update(false, move |s| get_mut(s).clear())
                >
                    "Clear"
                </button>
            </span>
        </div>
        <ul class="check-chosen" aria-label=format!("Chosen {noun}")>
            {move || {
                chosen_labels()
                    .into_iter()
                    .map(|(id, label)| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="chip"
                                    data-id=id.clone()
                                    aria-label=format!("Remove {label}")
                                    on:click=move |_| {
                                        let id = id.clone();
                                        state.update(false, move |s| get_mut(s).retain(|x| *x != id))
                                    }
                                >
                                    {label.clone()}
                                    <span aria-hidden="true">" ×"</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <p class="check-empty" hidden=move || { matches.get() > 0 }>
            {move || {
                let kept = if chosen.get() > 0 { "; the chosen ones stay listed" } else { "" };
                format!("No {noun} match \u{201c}{}\u{201d}{kept}.", filter.get().trim())
            }}
        </p>
        <div class="checks">
            {groups
                .into_iter()
                .map(|(group, choices)| {
                    let members: Vec<Choice> = choices.clone();
                    let group_hidden = move || {
                        filter.with(|f| {
                            state.state.with(|s| {
                                !members
                                    .iter()
                                    .any(|c| choice_matches(c, f) || get(s).contains(&c.id))
                            })
                        })
                    };
                    view! {
                        <div class="check-group" role="group" aria-label=group.clone() hidden=group_hidden>
                            <span class="check-group-name" aria-hidden="true">{group.clone()}</span>
                            {choices
                                .into_iter()
                                .map(|choice| {
                                    let checked_id = choice.id.clone();
                                    let toggle_id = choice.id.clone();
                                    let shown_id = choice.id.clone();
                                    let for_filter = choice.clone();
                                    let hidden = move || {
                                        !filter.with(|f| choice_matches(&for_filter, f))
                                            && !state.state.with(|s| get(s).contains(&shown_id))
                                    };
                                    view! {
                                        <label class="check" hidden=hidden>
                                            <input
                                                type="checkbox"
                                                data-id=choice.id
                                                prop:checked=move || state.state.with(|s| get(s).contains(&checked_id))
                                                on:change=move |_| {
                                                    let id = toggle_id.clone();
                                                    state.update(false, move |s| toggle(get_mut(s), id))
                                                }
                                            />
                                            <span>
                                                {choice.label}
                                                {choice.note.map(|n| view! { " " <span class="sv-muted choice-note">{format!("({n})")}</span> })}
                                            </span>
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </div>
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
/// field is committed (Enter or leaving it), as a new history entry. An empty field hands `set`
/// `None` (its default). Text that is not a number of 0 or more, or a number outside `min` to
/// `max`, is not used: the field says why, keeps what was typed, and the state keeps its last
/// value.
#[component]
pub fn NumberField<T: QueryState>(
    state: UrlState<T>,
    label: &'static str,
    testid: &'static str,
    get: fn(&T) -> Option<f64>,
    /// Receives the typed number, or `None` for an empty entry.
    set: fn(&mut T, Option<f64>),
    #[prop(optional)] step: Option<&'static str>,
    #[prop(optional)] placeholder: Option<Signal<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    /// The smallest value the field takes (0 without it).
    #[prop(optional)]
    min: Option<f64>,
    /// The largest value the field takes.
    #[prop(optional)]
    max: Option<f64>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let error_id = format!("{testid}-error");
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type="number"
                min=min.unwrap_or(0.0).to_string()
                max=max.map(|m| m.to_string())
                step=step.unwrap_or("any")
                inputmode="decimal"
                data-testid=testid
                aria-invalid=move || error.with(|e| e.is_some()).then_some("true")
                aria-describedby={
                    let id = error_id.clone();
                    move || error.with(|e| e.is_some()).then(|| id.clone())
                }
                placeholder=move || placeholder.map(|p| p.get()).unwrap_or_default()
                prop:value=move || state.state.with(|s| get(s).map(|x| x.to_string()).unwrap_or_default())
                on:change=move |ev| match field_value(&event_target_value(&ev), min, max) {
                    Ok(v) => {
                        error.set(None);
                        state.update(false, |s| set(s, v))
                    }
                    Err(why) => error.set(Some(why)),
                }
            />
            {hint.map(|h| view! { <small class="sv-muted">{h}</small> })}
            <Show when=move || error.with(|e| e.is_some())>
                <small class="field-error" id=error_id.clone() data-testid=error_id.clone() role="alert">
                    {move || error.get().unwrap_or_default()}
                </small>
            </Show>
        </label>
    }
}

/// What a number field's text means: `Ok(None)` when empty, `Ok(Some(x))` for a number from
/// `min` (or 0) to `max`, or why it cannot be used.
pub fn field_value(text: &str, min: Option<f64>, max: Option<f64>) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let Some(x) = parse_number(text) else {
        return Err(format!(
            "“{text}” is not a number of 0 or more; the last value is kept."
        ));
    };
    match (min, max) {
        (Some(m), _) if x < m => Err(format!("At least {}; the last value is kept.", limit(m))),
        (_, Some(m)) if x > m => Err(format!("At most {}; the last value is kept.", limit(m))),
        _ => Ok(Some(x)),
    }
}

/// A field's limit as the message shows it: `1000000` → "1,000,000", `0.01` → "0.01".
fn limit(x: f64) -> String {
    if x >= 10_000.0 && x.fract() == 0.0 {
        crate::format::grouped(x as i64)
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(id: &str, label: &str, group: &str) -> Choice {
        Choice {
            id: id.into(),
            label: label.into(),
            group: group.into(),
            note: None,
        }
    }

    #[test]
    fn a_field_uses_a_number_within_its_limits_and_says_why_not_otherwise() {
        assert_eq!(field_value("  ", None, Some(1.0)), Ok(None));
        assert_eq!(field_value("0.5", None, Some(1.0)), Ok(Some(0.5)));
        assert_eq!(field_value("1", Some(1.0), Some(1.0)), Ok(Some(1.0)));
        assert_eq!(field_value("1e300", None, None), Ok(Some(1e300)));
        assert_eq!(
            field_value("2e15", None, Some(1e15)),
            Err("At most 1,000,000,000,000,000; the last value is kept.".into())
        );
        assert_eq!(
            field_value("1.5", None, Some(1.0)),
            Err("At most 1; the last value is kept.".into())
        );
        assert_eq!(
            field_value("0.001", Some(0.01), Some(1.0)),
            Err("At least 0.01; the last value is kept.".into())
        );
        assert_eq!(
            field_value("-3", None, None),
            Err("“-3” is not a number of 0 or more; the last value is kept.".into())
        );
    }

    #[test]
    fn groups_sort_by_heading_and_keep_the_given_order_inside() {
        let groups = grouped(vec![
            choice("g27", "Gemma 3 27B", "Google"),
            choice("ds", "DeepSeek-R1", "DeepSeek"),
            choice("g4", "Gemma 3 4B", "Google"),
            choice("l4", "Llama 4 Scout", "Meta"),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|(g, cs)| (g.as_str(), cs.iter().map(|c| c.id.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("DeepSeek", vec!["ds"]),
                ("Google", vec!["g27", "g4"]),
                ("Meta", vec!["l4"]),
            ]
        );
    }

    #[test]
    fn a_filter_matches_every_word_in_label_or_heading() {
        let qwen = choice("qwen2.5-32b", "Qwen2.5 32B Instruct", "Qwen (Alibaba)");
        assert!(choice_matches(&qwen, ""));
        assert!(choice_matches(&qwen, "qwen 32"));
        assert!(choice_matches(&qwen, "ALIBABA instruct"));
        assert!(!choice_matches(&qwen, "qwen 72"));
        let r1 = choice("deepseek-r1", "DeepSeek-R1", "DeepSeek");
        assert!(choice_matches(&r1, "deepseek r1"));
        assert!(choice_matches(&r1, "r1"));
        assert!(!choice_matches(&r1, "v3"));
    }
}
