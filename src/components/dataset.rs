//! The dataset in the browser: fetched once from `data/*.json` (relative to the site's base, so it
//! works under a sub-path), validated with the same code the native tests run, and shared through
//! context. A malformed file shows every error with its path instead of a blank page.

use crate::data::{DataError, Dataset, Date, FILES};
use futures::future::join_all;
use leptos::prelude::*;
use std::sync::Arc;

/// Why the dataset could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// The request failed (offline, blocked).
    Network { file: String, reason: String },
    /// The server answered, but not with the file.
    Http { file: String, status: u16 },
    /// The files arrived but do not pass validation.
    Invalid(Vec<DataError>),
}

impl LoadError {
    /// One line per problem, as the panel lists them.
    pub fn messages(&self) -> Vec<String> {
        match self {
            LoadError::Network { file, reason } => {
                vec![format!("data/{file}: could not be fetched ({reason})")]
            }
            LoadError::Http { file, status } => {
                vec![format!("data/{file}: the server answered HTTP {status}")]
            }
            LoadError::Invalid(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }
}

type Loaded = Result<Arc<Dataset>, LoadError>;

/// The dataset resource, in context.
#[derive(Clone, Copy)]
pub struct DatasetContext(LocalResource<Loaded>);

impl DatasetContext {
    /// The dataset once it has loaded and passed validation (tracked: a reactive reader
    /// updates when it arrives).
    pub fn loaded(&self) -> Option<Arc<Dataset>> {
        self.0.get().and_then(Result::ok)
    }

    /// Whether the dataset is still on its way (tracked).
    pub fn is_loading(&self) -> bool {
        self.0.get().is_none()
    }
}

/// Starts loading the dataset (once, for every page).
pub fn provide_dataset() {
    provide_context(DatasetContext(LocalResource::new(load)));
}

pub fn use_dataset() -> DatasetContext {
    use_context::<DatasetContext>().expect("provide_dataset() runs in App before any page")
}

/// Today's date in the visitor's clock, the bound for "a date in the future".
fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_full_year() as u16,
        (now.get_month() + 1) as u8,
        now.get_date() as u8,
    )
    .unwrap_or(Date::new(2100, 1, 1).expect("a valid constant date"))
}

async fn fetch_text(file: &'static str) -> Result<(&'static str, String), LoadError> {
    let url = format!("data/{file}");
    let network = |e: gloo_net::Error| LoadError::Network {
        file: file.to_string(),
        reason: e.to_string(),
    };
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(LoadError::Http {
            file: file.to_string(),
            status: response.status(),
        });
    }
    let text = response.text().await.map_err(network)?;
    Ok((file, text))
}

async fn load() -> Loaded {
    let fetched = join_all(FILES.iter().map(|f| fetch_text(f))).await;
    let texts = fetched.into_iter().collect::<Result<Vec<_>, _>>()?;
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    Dataset::from_json_files(&pairs, today())
        .map(Arc::new)
        .map_err(LoadError::Invalid)
}

/// Shows `children` with the dataset once it is loaded and valid; a loading line before, and the
/// error panel if it cannot be shown.
#[component]
pub fn WithDataset<V: IntoView + 'static>(
    children: impl Fn(Arc<Dataset>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let DatasetContext(resource) = use_dataset();
    let children = std::sync::Arc::new(children);
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="loading" role="status">
                    "Loading the dataset…"
                </p>
            }
        }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(data) => children(data).into_any(),
                            Err(e) => view! { <DataErrorPanel error=e /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// Every problem with the served data, each with its path, and what a reader can do.
#[component]
pub fn DataErrorPanel(error: LoadError) -> impl IntoView {
    let title = match &error {
        LoadError::Invalid(errors) => format!(
            "The dataset failed validation ({} problem{})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ),
        _ => "The dataset could not be loaded".to_string(),
    };
    view! {
        <div class="error-panel" role="alert" data-testid="data-error">
            <h2>{title}</h2>
            <p>
                "Nothing on this page can be shown until the data is fixed. The problems, each with the path of the value:"
            </p>
            <ul>
                {error
                    .messages()
                    .into_iter()
                    .map(|m| view! { <li><code>{m}</code></li> })
                    .collect_view()}
            </ul>
            <p>"Reload the page to try again; if it persists, the site's data files are at fault."</p>
        </div>
    }
}

/// A labelled drop-down of the dataset's benchmarks.
#[component]
pub fn BenchmarkSelect(
    ds: Arc<Dataset>,
    /// The label before the drop-down.
    label: &'static str,
    /// The `data-testid` of the `<select>`.
    testid: &'static str,
    /// The chosen benchmark's id.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the id the reader picks.
    #[prop(into)]
    on_pick: Callback<String>,
) -> impl IntoView {
    let options = ds
        .benchmarks
        .iter()
        .map(|b| view! { <option value=b.id.clone()>{b.name.clone()}</option> })
        .collect_view();
    view! {
        <label class="field inline-field">
            <span>{label}</span>
            <select
                data-testid=testid
                prop:value=move || value.get()
                on:change=move |ev| on_pick.run(event_target_value(&ev))
            >
                {options}
            </select>
        </label>
    }
}
