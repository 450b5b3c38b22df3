//! `<EChart>`: one ECharts instance per chart, created when the element mounts, given a new
//! option (not merged) whenever the figure changes, recreated when the theme changes, resized
//! with its box, and disposed on unmount. `<ChartPanel>` adds the title, the source line, the
//! downloads, the embed snippet, the citation and the data table.
//!
//! ECharts itself is `echarts.min.js` from npm, copied next to the app. It is loaded on the
//! first chart a page draws ([`echarts_loaded`]), so the pages without a chart (the overview, a
//! model's page, the claims, the demo) never download its 1.1 MB and the app starts without
//! waiting for it. A chart asks for it only once its box comes near the viewport or its page
//! asked first ([`preload_echarts`]): the models page's chart, under a table of a hundred rows,
//! costs nothing to a reader who stays with the table.

use crate::app::href;
use crate::charts::{
    legend_layout, scrolling_legend_names, short_legend_name, wrap_legend, Figure, LegendLayout,
    LEGEND_FONT_FAMILY, LEGEND_FONT_PX, SHORT_COUNT_LABELS, SHORT_LEGEND_NAMES,
};
use crate::components::download::{download_text, download_url};
use crate::components::resize::{watch_near_viewport, watch_size};
use crate::format::short_count;
use crate::theme::{use_theme, Theme};
use leptos::html::Div;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    pub type EchartsInstance;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(
        el: Option<&web_sys::HtmlElement>,
        theme: Option<String>,
        opts: &JsValue,
    ) -> Result<EchartsInstance, JsValue>;

    #[wasm_bindgen(catch, method, js_name = setOption)]
    fn set_option(this: &EchartsInstance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn resize(this: &EchartsInstance);

    #[wasm_bindgen(method)]
    fn dispose(this: &EchartsInstance);

    #[wasm_bindgen(catch, method, js_name = getDataURL)]
    fn get_data_url(this: &EchartsInstance, opts: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(catch, method, js_name = renderToSVGString)]
    fn render_to_svg_string(this: &EchartsInstance) -> Result<String, JsValue>;

    #[wasm_bindgen(method)]
    fn on(this: &EchartsInstance, event: &str, handler: &JsValue);

    #[wasm_bindgen(catch, method, js_name = dispatchAction)]
    fn dispatch_action(this: &EchartsInstance, payload: &JsValue) -> Result<(), JsValue>;
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|err| String::from(err.message()))
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

thread_local! {
    /// The one load of `echarts.min.js` every chart awaits (`None` before the first chart, and
    /// again after a failed load, so a later chart tries once more).
    static ECHARTS_LOAD: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

thread_local! {
    /// Whether anything on the page asked for ECharts yet: a page that preloads it, or a chart
    /// that came near the viewport. Every chart then loads it (one shared load) and draws.
    static ECHARTS_WANTED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

fn echarts_wanted() -> ArcRwSignal<bool> {
    ECHARTS_WANTED.with(ArcRwSignal::clone)
}

fn has_echarts() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"echarts".into()).is_ok_and(|v| v.is_object())
}

/// Adds `<script src="echarts.min.js">` to the document's head (the address is the app's own,
/// under a sub-path too): resolves when it has run, rejects if it did not load.
fn start_echarts_load() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let doc = document();
        let added = doc
            .create_element("script")
            .map(|el| el.unchecked_into::<web_sys::HtmlScriptElement>())
            .and_then(|script| {
                script.set_src(&href("/echarts.min.js"));
                let loaded = Closure::once_into_js(move || resolve.call0(&JsValue::NULL));
                let reject = reject.clone();
                let failed = Closure::once_into_js(move || {
                    reject.call1(&JsValue::NULL, &"echarts.min.js did not load".into())
                });
                script.set_onload(Some(loaded.unchecked_ref()));
                script.set_onerror(Some(failed.unchecked_ref()));
                let head = doc
                    .head()
                    .ok_or_else(|| JsValue::from("the page has no head"))?;
                head.append_child(&script).map(|_| ())
            });
        if let Err(e) = added {
            // Nothing can be done with the result of rejecting a promise.
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    })
}

/// Resolves once ECharts is there: at once if it already is, otherwise after the one shared
/// load of `echarts.min.js`. The error says why it is not.
pub async fn echarts_loaded() -> Result<(), String> {
    if has_echarts() {
        return Ok(());
    }
    let load = ECHARTS_LOAD.with(|l| {
        l.borrow_mut()
            .get_or_insert_with(start_echarts_load)
            .clone()
    });
    match JsFuture::from(load).await {
        Ok(_) if has_echarts() => Ok(()),
        Ok(_) => Err("echarts.min.js ran but defined no echarts".to_string()),
        Err(e) => {
            ECHARTS_LOAD.with(|l| l.borrow_mut().take());
            Err(js_error(e))
        }
    }
}

fn theme_name(theme: Theme) -> Option<String> {
    match theme {
        Theme::Dark => Some("dark".to_string()),
        Theme::Light => None,
    }
}

/// The page background, so exported images match what the reader saw.
fn background(theme: Theme) -> &'static str {
    match theme {
        Theme::Dark => "#171a21",
        Theme::Light => "#ffffff",
    }
}

/// The option as ECharts takes it, on `background` (a CSS colour), without animation, with a
/// function in place of each [`SHORT_COUNT_LABELS`] axis label formatter and of a
/// [`SHORT_LEGEND_NAMES`] legend formatter, and, drawn `width` px wide, its legend laid out so
/// it shows every name at once where it can (see [`legend_layout`]).
fn option_value(figure: &Figure, background: &str, width: f64) -> Result<Drawn, String> {
    let mut json = figure.option_value()?;
    let legend_names = scrolling_legend_names(&json);
    let layout = legend_layout_of(&legend_names, width);
    wrap_legend(&mut json, &layout);
    if let Some(obj) = json.as_object_mut() {
        obj.insert("backgroundColor".into(), background.into());
        obj.insert("animation".into(), false.into());
    }
    let option = js_sys::JSON::parse(&json.to_string()).map_err(js_error)?;
    for key in ["xAxis", "yAxis"] {
        for axis in components(&option, key) {
            let label =
                js_sys::Reflect::get(&axis, &"axisLabel".into()).unwrap_or(JsValue::UNDEFINED);
            if label.is_object() {
                put_function(&label, SHORT_COUNT_LABELS, &SHORT_COUNT)?;
            }
        }
    }
    for legend in components(&option, "legend") {
        put_function(&legend, SHORT_LEGEND_NAMES, &SHORT_NAME)?;
    }
    Ok(Drawn {
        option,
        layout,
        legend_names,
    })
}

/// A figure made ready to draw at some width ([`option_value`]).
struct Drawn {
    /// The option as ECharts takes it.
    option: JsValue,
    /// How its legend is laid out at that width.
    layout: LegendLayout,
    /// The names its scrolling legend shows, in order (empty without one).
    legend_names: Vec<String>,
}

/// The option's components of one kind (`option[key]`, one or an array of them).
fn components(option: &JsValue, key: &str) -> Vec<JsValue> {
    let found = js_sys::Reflect::get(option, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let all: Vec<JsValue> = if js_sys::Array::is_array(&found) {
        js_sys::Array::from(&found).iter().collect()
    } else {
        vec![found]
    };
    all.into_iter().filter(JsValue::is_object).collect()
}

/// Marks the `hidden` names unselected in each of the option's legends, so it draws without
/// their series.
fn keep_hidden(option: &JsValue, hidden: &[String]) {
    if hidden.is_empty() {
        return;
    }
    let selected = js_sys::Object::new();
    for name in hidden {
        let _ = js_sys::Reflect::set(&selected, &name.into(), &JsValue::FALSE);
    }
    for legend in components(option, "legend") {
        let _ = js_sys::Reflect::set(&legend, &"selected".into(), &selected);
    }
}

/// Puts the function `f` in `target.formatter` when that is the marker `marker`.
fn put_function(
    target: &JsValue,
    marker: &str,
    f: &'static std::thread::LocalKey<JsValue>,
) -> Result<(), String> {
    let formatter = js_sys::Reflect::get(target, &"formatter".into()).ok();
    if formatter.and_then(|f| f.as_string()).as_deref() == Some(marker) {
        f.with(|f| js_sys::Reflect::set(target, &"formatter".into(), f))
            .map_err(js_error)?;
    }
    Ok(())
}

/// How a scrolling legend of these `names` is drawn `width` px wide, its names measured in the
/// font a wrapped legend is drawn in; scrolling when it has none or nothing can measure them.
fn legend_layout_of(names: &[String], width: f64) -> LegendLayout {
    LEGEND_TEXT.with(|ctx| match ctx {
        Some(ctx) => legend_layout(names, width, |n| {
            ctx.measure_text(n).ok().map(|m| m.width())
        }),
        None => LegendLayout::SCROLLING,
    })
}

/// A canvas context set to the font a wrapped legend is drawn in, to measure its names.
fn legend_text_context() -> Option<web_sys::CanvasRenderingContext2d> {
    let canvas = document()
        .create_element("canvas")
        .ok()?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    let ctx = canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .ok()?;
    ctx.set_font(&format!("{LEGEND_FONT_PX}px {LEGEND_FONT_FAMILY}"));
    Some(ctx)
}

thread_local! {
    static LEGEND_TEXT: Option<web_sys::CanvasRenderingContext2d> = legend_text_context();

    /// The axis label formatter for [`SHORT_COUNT_LABELS`]: made once, kept for the page's life.
    static SHORT_COUNT: JsValue =
        Closure::<dyn Fn(f64) -> String>::new(short_count).into_js_value();

    /// The legend formatter for [`SHORT_LEGEND_NAMES`]: made once, kept for the page's life.
    static SHORT_NAME: JsValue =
        Closure::<dyn Fn(String) -> String>::new(|n: String| short_legend_name(&n)).into_js_value();
}

fn not_merge() -> JsValue {
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"notMerge".into(), &JsValue::TRUE);
    opts.into()
}

/// Where the chart's instance lives, so the panel's downloads and series buttons can reach it.
#[derive(Clone, Copy)]
pub struct ChartHandle {
    instance: StoredValue<Option<EchartsInstance>, LocalStorage>,
    /// The legend's names whose series the reader hid (by the legend or the series buttons).
    hidden: RwSignal<Vec<String>>,
    /// The names the drawn figure's scrolling legend shows, in order (none until it is drawn).
    legend_names: RwSignal<Vec<String>>,
}

impl ChartHandle {
    pub fn new() -> ChartHandle {
        ChartHandle {
            instance: StoredValue::new_local(None),
            hidden: RwSignal::new(Vec::new()),
            legend_names: RwSignal::new(Vec::new()),
        }
    }

    /// Follows the instance's legend: its hidden names become [`ChartHandle::hidden`].
    fn follow_legend(&self, instance: &EchartsInstance) {
        let hidden = self.hidden;
        let changed = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            let selected =
                js_sys::Reflect::get(&event, &"selected".into()).unwrap_or(JsValue::UNDEFINED);
            let names: Vec<String> = js_sys::Object::entries(&selected.unchecked_into())
                .iter()
                .filter_map(|pair| {
                    let pair = js_sys::Array::from(&pair);
                    (pair.get(1) == JsValue::FALSE).then(|| pair.get(0).as_string())?
                })
                .collect();
            let _ = hidden.try_set(names);
        });
        instance.on("legendselectchanged", &changed.into_js_value());
    }

    /// The names whose series are hidden now.
    pub fn hidden(&self) -> Signal<Vec<String>> {
        self.hidden.into()
    }

    /// The names the drawn chart's legend shows, in order (none before it is drawn).
    pub fn legend_names(&self) -> Signal<Vec<String>> {
        self.legend_names.into()
    }

    /// Shows the series named `name` if hidden, hides it if shown, as a click on its legend
    /// item does.
    pub fn toggle_series(&self, name: &str) -> Result<(), String> {
        let payload = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&payload, &"type".into(), &"legendToggleSelect".into());
        let _ = js_sys::Reflect::set(&payload, &"name".into(), &name.into());
        self.instance
            .with_value(|i| i.as_ref().map(|i| i.dispatch_action(&payload)))
            .unwrap_or(Ok(()))
            .map_err(js_error)
    }

    /// Draws `drawn` on the instance, in place of what it drew (none yet: nothing to do). For
    /// a new figure every series shows; for the one drawn before (at another width, in another
    /// theme) the series the reader hid stay hidden.
    fn set_option(&self, drawn: Drawn, new_figure: bool) -> Result<(), String> {
        let option = &drawn.option;
        if new_figure {
            self.hidden.set(Vec::new());
        } else {
            self.hidden
                .with_untracked(|hidden| keep_hidden(option, hidden));
        }
        if self
            .legend_names
            .with_untracked(|n| *n != drawn.legend_names)
        {
            self.legend_names.set(drawn.legend_names);
        }
        self.instance
            .with_value(|i| i.as_ref().map(|i| i.set_option(option, &not_merge())))
            .unwrap_or(Ok(()))
            .map_err(js_error)
    }

    fn dispose(&self) {
        let _ = self.instance.try_update_value(|i| {
            if let Some(i) = i.take() {
                i.dispose();
            }
        });
    }

    /// A PNG data URL at twice the screen resolution.
    pub fn png(&self, theme: Theme) -> Result<String, String> {
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"type".into(), &"png".into());
        let _ = js_sys::Reflect::set(&opts, &"pixelRatio".into(), &2.into());
        let _ = js_sys::Reflect::set(&opts, &"backgroundColor".into(), &background(theme).into());
        self.instance
            .try_with_value(|i| match i {
                Some(i) => i.get_data_url(&opts.into()).map_err(js_error),
                None => Err("the chart is not drawn yet".to_string()),
            })
            .unwrap_or_else(|| Err("the chart is gone".to_string()))
    }
}

impl Default for ChartHandle {
    fn default() -> Self {
        ChartHandle::new()
    }
}

/// The figure as a standalone SVG document, drawn by ECharts' SVG renderer off-screen.
pub fn svg(figure: &Figure, theme: Theme, width: u32, height: u32) -> Result<String, String> {
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"renderer".into(), &"svg".into());
    let _ = js_sys::Reflect::set(&opts, &"ssr".into(), &JsValue::TRUE);
    let _ = js_sys::Reflect::set(&opts, &"width".into(), &width.into());
    let Drawn { option, layout, .. } = option_value(figure, background(theme), f64::from(width))?;
    // Taller by the rows the legend wraps onto, as on the page.
    let height = f64::from(height) + layout.extra_height();
    let _ = js_sys::Reflect::set(&opts, &"height".into(), &height.into());
    let chart = echarts_init(None, theme_name(theme), &opts.into()).map_err(js_error)?;
    let result = chart
        .set_option(&option, &not_merge())
        .map_err(js_error)
        .and_then(|()| chart.render_to_svg_string().map_err(js_error));
    chart.dispose();
    result
}

/// What a chart says in place of its drawing when ECharts is not there, and why.
fn library_missing(reason: &str) -> String {
    format!("The chart library did not load ({reason}); the data table below has the same numbers.")
}

/// Starts loading ECharts without waiting for it: a page with charts calls this as it opens,
/// so the library downloads while the dataset does instead of after it.
pub fn preload_echarts() {
    echarts_wanted().set(true);
    leptos::task::spawn_local(async {
        // A failure is reported by each chart that needs the library.
        let _ = echarts_loaded().await;
    });
}

#[component]
pub fn EChart(
    figure: Signal<Figure>,
    handle: ChartHandle,
    /// CSS height of the drawing area.
    #[prop(default = "420px")]
    height: &'static str,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let theme = use_theme();
    let error = RwSignal::new(None::<String>);
    // ECharts: `None` until it is asked for and has loaded, then whether it did. This chart
    // asks once its box nears the viewport (most of a screen ahead, so the drawing is there
    // when the reader scrolls to it), unless its page or another chart asked first.
    let library = RwSignal::new(None::<Result<(), String>>);
    // How the legend was last drawn: the box grows by the rows it wraps onto.
    let drawn_legend = RwSignal::new(LegendLayout::SCROLLING);
    // The figure last drawn, to tell a new figure from the same one redrawn.
    let drawn_figure = StoredValue::new(None::<Figure>);
    let wanted = echarts_wanted();
    watch_near_viewport(node, "600px 0px", {
        let wanted = wanted.clone();
        move || wanted.set(true)
    });
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        if !(wanted.get() || has_echarts()) {
            return false;
        }
        leptos::task::spawn_local(async move {
            let loaded = echarts_loaded().await;
            // The chart may have been unmounted meanwhile.
            let _ = library.try_set(Some(loaded));
        });
        true
    });
    // Draw: (re)create the instance when there is none or the theme changed, then set the option.
    Effect::new(move |previous: Option<Theme>| {
        let current = theme.get();
        let fig = figure.get();
        match library.get() {
            None => return current,
            Some(Err(e)) => {
                error.set(Some(library_missing(&e)));
                return current;
            }
            Some(Ok(())) => {}
        }
        let Some(el) = node.get() else {
            return current;
        };
        let missing = handle.instance.with_value(Option::is_none);
        if missing || previous != Some(current) {
            handle.dispose();
            match echarts_init(Some(&el), theme_name(current), &JsValue::UNDEFINED) {
                Ok(i) => {
                    handle.follow_legend(&i);
                    handle.instance.set_value(Some(i));
                }
                Err(e) => {
                    error.set(Some(library_missing(&js_error(e))));
                    return current;
                }
            }
        }
        let drawn =
            option_value(&fig, "transparent", f64::from(el.client_width())).and_then(|drawn| {
                drawn_legend.set(drawn.layout.clone());
                let new_figure = drawn_figure.with_value(|f| f.as_ref() != Some(&fig));
                if new_figure {
                    drawn_figure.set_value(Some(fig.clone()));
                }
                handle.set_option(drawn, new_figure)
            });
        error.set(drawn.err());
        current
    });
    // Follow the box's size, and draw again when the legend is then laid out otherwise.
    watch_size(node, move |_| {
        let _ = handle.instance.try_with_value(|i| {
            if let Some(i) = i {
                i.resize();
            }
        });
        let (Some(el), Some(fig)) = (node.get_untracked(), figure.try_get_untracked()) else {
            return;
        };
        // Resizes come a frame at a time while a window is dragged: only the legend is laid
        // out, and the option is built again only when its layout changes (for a wrapped
        // legend, whose rows are centred as a block, at each new width; for the others, when
        // they start or stop wrapping).
        let width = f64::from(el.client_width());
        let layout = handle
            .legend_names
            .with_untracked(|names| legend_layout_of(names, width));
        if drawn_legend
            .try_with_untracked(|drawn| *drawn == layout)
            .unwrap_or(true)
        {
            return;
        }
        let redrawn = option_value(&fig, "transparent", width).and_then(|drawn| {
            drawn_legend.set(drawn.layout.clone());
            handle.set_option(drawn, false)
        });
        error.set(redrawn.err());
    });
    on_cleanup(move || {
        handle.dispose();
    });
    let label = move || figure.with(|f| f.title.clone());
    view! {
        <div
            class="echart"
            node_ref=node
            role="img"
            aria-label=label
            data-chart=move || figure.with(|f| f.id.slug())
            style:height=move || {
                format!("calc({height} + {}px)", drawn_legend.with(LegendLayout::extra_height))
            }
            aria-busy=move || library.with(Option::is_none).to_string()
        ></div>
        {move || error.get().map(|e| view! { <p class="inline-error" role="alert">{e}</p> })}
    }
}

/// The absolute URL of this chart's embed page with the given query (`?a=b` or empty).
pub fn embed_url(slug: &str, query: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{}{query}", href(&format!("/embed/{slug}")))
}

/// The iframe a blogger pastes, plus the few lines that let the chart size its frame.
pub fn embed_snippet(url: &str, title: &str) -> String {
    let title = title.replace('"', "&quot;");
    format!(
        "<iframe src=\"{url}\" title=\"{title}\" width=\"100%\" height=\"520\" style=\"border:0\" loading=\"lazy\" sandbox=\"allow-scripts allow-popups\"></iframe>\n\
         <script>\n\
         addEventListener(\"message\", function (e) {{\n  \
           if (!e.data || e.data.type !== \"llm-atlas:resize\") return;\n  \
           document.querySelectorAll(\"iframe\").forEach(function (f) {{\n    \
             if (f.contentWindow === e.source) f.style.height = e.data.height + \"px\";\n  \
           }});\n\
         }});\n\
         </script>"
    )
}

/// A citation a reader can paste: title, URL with its state, date, dataset version.
pub fn citation(
    title: &str,
    url: &str,
    dataset_version: &str,
    dataset_date: &str,
    today: &str,
) -> String {
    format!(
        "LLM Atlas, “{title}”, {url} (dataset v{dataset_version} of {dataset_date}), retrieved {today}."
    )
}

fn today_iso() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Which panel drawer is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Drawer {
    None,
    Embed,
    Cite,
}

/// The chart's legend as buttons, a keyboard's way to hide and show its series (ECharts' legend
/// takes only clicks), from the legend as drawn (none before the chart is). Out of sight until
/// the focus reaches them, as a skip link is; pressed while their series shows, following
/// clicks on the legend too.
#[component]
fn SeriesToggles(handle: ChartHandle) -> impl IntoView {
    let names = handle.legend_names();
    let hidden = handle.hidden();
    let message = RwSignal::new(None::<String>);
    view! {
        <Show when=move || names.with(|n| n.len() > 1)>
            <div class="series-toggles" role="group" aria-label="Show or hide the chart's series">
                <span aria-hidden="true">"Series: "</span>
                <For each=move || names.get() key=|n| n.clone() let:name>
                    {
                        let shown = name.clone();
                        let toggled = name.clone();
                        view! {
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || hidden.with(|h| !h.contains(&shown)).to_string()
                                on:click=move |_| message.set(handle.toggle_series(&toggled).err())
                            >
                                {name}
                            </button>
                        }
                    }
                </For>
                {move || message.get().map(|m| view! { <p class="inline-error" role="alert">{m}</p> })}
            </div>
        </Show>
    }
}

/// A chart with its title, source line, tools (embed, PNG, SVG, CSV, cite) and data table.
#[component]
pub fn ChartPanel(
    figure: Signal<Figure>,
    /// The page state the chart was drawn from, as `?…`, carried into embed and cite URLs.
    #[prop(into)]
    query: Signal<String>,
    /// Dataset version and date for citations.
    dataset: (String, String),
) -> impl IntoView {
    let handle = ChartHandle::new();
    let theme = use_theme();
    let drawer = RwSignal::new(Drawer::None);
    let message = RwSignal::new(None::<String>);
    let slug = move || figure.with(|f| f.id.slug());
    let url = move || embed_url(slug(), &query.get());
    let file = move |ext: &str| format!("llm-atlas-{}.{ext}", slug());
    let save_png = move |_| {
        let r = handle
            .png(theme.0.get_untracked())
            .and_then(|data| download_url(&file("png"), &data));
        message.set(r.err());
    };
    let save_svg = move |_| {
        let r = figure
            .with_untracked(|f| svg(f, theme.0.get_untracked(), 960, 540))
            .and_then(|text| download_text(&file("svg"), "image/svg+xml", &text));
        message.set(r.err());
    };
    let save_csv = move |_| {
        let r =
            figure.with_untracked(|f| download_text(&file("csv"), "text/csv", &f.table.to_csv()));
        message.set(r.err());
    };
    let (version, date) = dataset;
    let cite_text =
        move || figure.with(|f| citation(&f.title, &url(), &version, &date, &today_iso()));
    let toggle =
        move |d: Drawer| drawer.update(|cur| *cur = if *cur == d { Drawer::None } else { d });
    view! {
        <figure class="chart-panel" data-testid=move || format!("chart-{}", slug())>
            <figcaption>
                <h2>{move || figure.with(|f| f.title.clone())}</h2>
                <p class="sv-muted">{move || figure.with(|f| f.subtitle.clone())}</p>
            </figcaption>
            <EChart figure handle />
            <SeriesToggles handle />
            <p class="chart-source">{move || figure.with(|f| f.source_line.clone())}</p>
            <div class="chart-tools" role="toolbar" aria-label="Chart tools">
                <button type="button" data-testid="embed" aria-expanded=move || (drawer.get() == Drawer::Embed).to_string() on:click=move |_| toggle(Drawer::Embed)>
                    "Embed"
                </button>
                <button type="button" data-testid="png" on:click=save_png>"PNG"</button>
                <button type="button" data-testid="svg" on:click=save_svg>"SVG"</button>
                <button type="button" data-testid="csv" on:click=save_csv>"CSV"</button>
                <button type="button" data-testid="cite" aria-expanded=move || (drawer.get() == Drawer::Cite).to_string() on:click=move |_| toggle(Drawer::Cite)>
                    "Cite"
                </button>
            </div>
            {move || message.get().map(|m| view! { <p class="inline-error" role="alert">{m}</p> })}
            <Show when=move || drawer.get() == Drawer::Embed>
                <label class="drawer">
                    <span>"Paste this into your page: the chart keeps the settings above and sizes its own frame."</span>
                    <textarea readonly rows="9" data-testid="embed-code" prop:value=move || figure.with(|f| embed_snippet(&url(), &f.title))></textarea>
                </label>
            </Show>
            <Show when=move || drawer.get() == Drawer::Cite>
                <label class="drawer">
                    <span>"Cite this chart"</span>
                    <textarea readonly rows="3" data-testid="cite-text" prop:value=cite_text.clone()></textarea>
                </label>
            </Show>
            <details class="chart-data">
                <summary>"Data table"</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Chart data">
                    <table data-testid="chart-table">
                        <thead>
                            <tr>
                                {move || figure.with(|f| f.table.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view())}
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                figure.with(|f| {
                                    f.table
                                        .rows
                                        .iter()
                                        .map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> })
                                        .collect_view()
                                })
                            }}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{citation, embed_snippet};

    #[test]
    fn the_snippet_embeds_and_resizes() {
        let s = embed_snippet("https://x.test/embed/memory?m=a", "Memory \"needed\"");
        assert!(s.contains("<iframe src=\"https://x.test/embed/memory?m=a\""));
        assert!(s.contains("title=\"Memory &quot;needed&quot;\""));
        assert!(s.contains("llm-atlas:resize"));
        assert!(s.contains("sandbox=\"allow-scripts allow-popups\""));
    }

    #[test]
    fn citations_carry_url_and_dataset() {
        let c = citation(
            "Prices",
            "https://x.test/embed/prices?r=3",
            "0.1.0",
            "2026-11-24",
            "2026-11-25",
        );
        assert_eq!(
            c,
            "LLM Atlas, “Prices”, https://x.test/embed/prices?r=3 (dataset v0.1.0 of 2026-11-24), retrieved 2026-11-25."
        );
    }
}
