//! `/demo`: Gemma 3 270M writing text in the visitor's browser.
//!
//! The model runs in a Web Worker ([`crate::worker_client`]); this page only sends typed requests
//! and shows events, so it stays responsive while the worker downloads, loads and generates.
//! `?prompt=…&max_tokens=N&temperature=T` fill the form and `&autorun=1` starts generating as
//! soon as the model is loaded. "Benchmark this device" stores its result in `localStorage`
//! under [`DEVICE_BENCH_KEY`] for the self-hosting calculator.

use crate::components::shell::PageHead;
use crate::worker_client::{WorkerClient, WORKER_SCRIPT};
use atlas_engine::protocol::{
    BenchResult, CachedModel, DeviceBench, ErrorKind, Event, FinishReason, GenParams, GenStats,
    ModelInfo, ModelSource, Phase, Request, DEVICE_BENCH_KEY, MAX_TOKENS_LIMIT, TOP_K_LIMIT,
};
use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The dataset's id of the model the demo bundles (its page links here).
pub const BUNDLED_MODEL_ID: &str = "gemma-3-270m";
/// Where the bundled model's manifest is, relative to the site's base.
pub const BUNDLED_MANIFEST: &str = "models/gemma-3-270m-q4_k_m/manifest.json";
/// The bundled model's size, for the "Load" button before the manifest is read.
const BUNDLED_BYTES: u64 = 253_113_024;
const GEMMA_TERMS: &str = "https://ai.google.dev/gemma/terms";

/// What the page is doing; `data-state` on the status element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiState {
    /// The worker has not said `Ready` yet.
    Starting,
    /// Nothing loaded.
    Idle,
    /// Downloading or loading the model.
    Loading,
    /// A model is loaded.
    Ready,
    /// Generating.
    Generating,
    /// A generation finished.
    Done,
    /// A generation was stopped.
    Stopped,
    /// The benchmark runs.
    Benchmarking,
    /// The last request failed.
    Error,
}

impl UiState {
    /// The `data-state` value.
    pub fn key(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Idle => "idle",
            Self::Loading => "loading",
            Self::Ready => "ready",
            Self::Generating => "generating",
            Self::Done => "done",
            Self::Stopped => "stopped",
            Self::Benchmarking => "benchmarking",
            Self::Error => "error",
        }
    }

    fn busy(self) -> bool {
        matches!(
            self,
            Self::Starting | Self::Loading | Self::Generating | Self::Benchmarking
        )
    }
}

/// What the main thread learned about WebGPU before anything is downloaded.
#[derive(Debug, Clone, PartialEq)]
pub enum GpuCheck {
    /// Still asking.
    Checking,
    /// `navigator.gpu` is missing.
    Missing,
    /// `requestAdapter()` gave no adapter.
    NoAdapter,
    /// An adapter exists.
    Available {
        /// Vendor / architecture / description, as the browser reports them.
        name: String,
        /// `maxStorageBufferBindingSize`.
        max_binding: u64,
        /// `maxBufferSize`.
        max_buffer: u64,
        /// A software renderer (SwiftShader, llvmpipe, Microsoft WARP): WebGPU running on the CPU.
        software: bool,
    },
}

/// Whether an adapter is a software renderer, from the browser's fallback flag or its name.
fn is_software_adapter(name: &str, fallback_flag: bool) -> bool {
    let name = name.to_ascii_lowercase();
    fallback_flag
        || ["swiftshader", "llvmpipe", "lavapipe", "basic render driver"]
            .iter()
            .any(|s| name.contains(s))
}

/// The smallest storage-buffer binding the engine needs (WebGPU's own minimum default).
pub const MIN_BINDING: u64 = 128 << 20;

impl GpuCheck {
    fn key(&self) -> &'static str {
        match self {
            Self::Checking => "checking",
            Self::Missing => "missing",
            Self::NoAdapter => "no-adapter",
            Self::Available { max_binding, .. } if *max_binding < MIN_BINDING => "too-small",
            Self::Available { .. } => "available",
        }
    }
}

/// Download or load progress with the rate measured since the phase began.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressView {
    /// The phase.
    pub phase: Phase,
    /// Done so far.
    pub loaded: u64,
    /// In all (0 when unknown).
    pub total: u64,
    /// When the phase began (ms) and how much was done then.
    pub started: (f64, u64),
    /// Now (ms).
    pub now: f64,
}

impl ProgressView {
    /// Bytes per second since the phase began.
    pub fn rate(&self) -> Option<f64> {
        let secs = (self.now - self.started.0) / 1000.0;
        let done = self.loaded.saturating_sub(self.started.1);
        (secs > 0.2 && done > 0).then(|| done as f64 / secs)
    }

    /// Seconds left at the current rate.
    pub fn eta(&self) -> Option<f64> {
        let rate = self.rate()?;
        (self.total > self.loaded).then(|| (self.total - self.loaded) as f64 / rate)
    }

    /// One line for people: "63.9 MB of 253.1 MB · 41.2 MB/s · 5 s left".
    pub fn describe(&self) -> String {
        let what = match self.phase {
            Phase::Download => "Downloading",
            Phase::Cache => "Reading from the browser's cache",
            Phase::Read => "Reading the file",
            Phase::Verify => "Checking",
            Phase::Upload => "Loading the weights",
        };
        if self.phase == Phase::Upload {
            return format!("{what} ({})…", format_bytes(self.total));
        }
        let mut s = if self.total > 0 {
            format!(
                "{what}: {} of {}",
                format_bytes(self.loaded),
                format_bytes(self.total)
            )
        } else {
            format!("{what}: {}", format_bytes(self.loaded))
        };
        if let Some(r) = self.rate() {
            s.push_str(&format!(" · {}/s", format_bytes(r as u64)));
        }
        if let Some(t) = self.eta() {
            s.push_str(&format!(" · {} left", format_duration(t)));
        }
        s
    }
}

/// The adapter as shown: wgpu in a browser worker names only the backend (`(BrowserWebGpu)`),
/// so the name the page's own WebGPU check read goes in front of it.
pub fn adapter_label(worker: &str, browser: Option<String>) -> String {
    let unnamed = worker.trim().is_empty() || worker.trim_start().starts_with('(');
    match browser {
        Some(name) if unnamed => format!("{name} {}", worker.trim()).trim().to_string(),
        _ => worker.to_string(),
    }
}

/// `253113024` → `253.1 MB` (SI units, as download sizes are usually given).
pub fn format_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

/// A setting for a number input: at most three decimals, so `0.95_f32` shows as `0.95` (and the
/// browser's step check is not tripped by `0.949999988`).
pub fn format_setting(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    format!("{r}")
}

/// `75.2` → `1 min 15 s`.
pub fn format_duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// The form as the URL query fills it (`prompt`, `max_tokens`, `temperature`, `top_k`,
/// `top_p`, `seed`; unknown or malformed values keep the defaults).
pub fn form_from_query(get: impl Fn(&str) -> Option<String>) -> (String, GenParams) {
    let d = GenParams::default();
    let prompt = get("prompt").unwrap_or_else(|| "The meaning of life is".to_string());
    let num = |k: &str| get(k).and_then(|v| v.trim().parse::<f64>().ok());
    let params = GenParams {
        max_tokens: num("max_tokens").map_or(d.max_tokens, |v| v as u32),
        temperature: num("temperature").map_or(d.temperature, |v| v as f32),
        top_k: num("top_k").map_or(d.top_k, |v| v as u32),
        top_p: num("top_p").map_or(d.top_p, |v| v as f32),
        seed: num("seed").map_or(d.seed, |v| v as u64),
    }
    .clamped();
    (prompt, params)
}

/// The absolute URL of `path` under the document's base (works under a sub-path).
fn site_url(path: &str) -> String {
    let base = document()
        .base_uri()
        .ok()
        .flatten()
        .unwrap_or_else(|| "/".to_string());
    let base = base.split(['?', '#']).next().unwrap_or("/");
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => base,
    };
    format!("{dir}{path}")
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// Asks the browser for a WebGPU adapter (nothing is downloaded before this answers).
async fn detect_webgpu() -> GpuCheck {
    let gpu = get(&window().navigator(), "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return GpuCheck::Missing;
    }
    let Ok(request) = get(&gpu, "requestAdapter").dyn_into::<Function>() else {
        return GpuCheck::Missing;
    };
    let Ok(promise) = request.call0(&gpu).and_then(|p| p.dyn_into::<Promise>()) else {
        return GpuCheck::NoAdapter;
    };
    let adapter = match JsFuture::from(promise).await {
        Ok(a) if !a.is_null() && !a.is_undefined() => a,
        _ => return GpuCheck::NoAdapter,
    };
    let info = get(&adapter, "info");
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|k| get(&info, k).as_string())
        .filter(|s| !s.is_empty())
        .collect();
    let limits = get(&adapter, "limits");
    let num = |k: &str| get(&limits, k).as_f64().unwrap_or(0.0) as u64;
    // `info.isFallbackAdapter` in current browsers, `adapter.isFallbackAdapter` in older ones.
    let fallback = [
        get(&info, "isFallbackAdapter"),
        get(&adapter, "isFallbackAdapter"),
    ]
    .iter()
    .any(|v| v.as_bool() == Some(true));
    let name = if parts.is_empty() {
        "a WebGPU adapter".to_string()
    } else {
        parts.join(" · ")
    };
    GpuCheck::Available {
        software: is_software_adapter(&name, fallback),
        name,
        max_binding: num("maxStorageBufferBindingSize"),
        max_buffer: num("maxBufferSize"),
    }
}

fn join_ids(ids: &[u32]) -> String {
    let s: Vec<String> = ids.iter().map(u32::to_string).collect();
    s.join(" ")
}

fn today_iso() -> String {
    js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// What the benchmark's `kernels` field means to a reader.
fn kernels_label(kernels: &str) -> &'static str {
    match kernels {
        "gpu" => "laid out for GPUs",
        "cpu" => "laid out for a CPU-emulated GPU",
        _ => "not recorded",
    }
}

fn store_device_bench(r: &BenchResult) -> Result<(), String> {
    let entry = DeviceBench {
        adapter: r.adapter.clone(),
        // The speed generation reaches (pipelined when that is faster).
        decode_tok_s: r.decode_tok_s.max(r.decode_tok_s_pipelined),
        device_read_gb_s: r.device_read_gb_s,
        date: today_iso(),
    };
    let storage = window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or("this browser does not allow local storage")?;
    storage
        .set_item(DEVICE_BENCH_KEY, &entry.to_json())
        .map_err(|_| "the browser refused to store the result".to_string())
}

/// Everything the page shows, as signals.
#[derive(Clone, Copy)]
struct Demo {
    state: RwSignal<UiState>,
    status: RwSignal<String>,
    error_kind: RwSignal<Option<ErrorKind>>,
    warnings: RwSignal<Vec<(ErrorKind, String)>>,
    progress: RwSignal<Option<ProgressView>>,
    model: RwSignal<Option<ModelInfo>>,
    output: RwSignal<String>,
    ids: RwSignal<Vec<u32>>,
    stats: RwSignal<Option<GenStats>>,
    live: RwSignal<(f64, f64, u32)>,
    bench: RwSignal<Option<BenchResult>>,
    bench_saved: RwSignal<Option<String>>,
    cache: RwSignal<Option<CacheView>>,
    pending: RwSignal<Option<Pending>>,
    client: StoredValue<Option<WorkerClient>, LocalStorage>,
    prompt: RwSignal<String>,
    params: RwSignal<GenParams>,
    force_cpu: RwSignal<bool>,
    /// The adapter's name as the page's own WebGPU check read it (wgpu in the worker reports
    /// none in browsers).
    gpu_name: RwSignal<Option<String>>,
    /// `?bench=quick`: the shortened benchmark (for tests on software GPUs).
    quick_bench: bool,
}

/// What the cache holds: models, and the site's storage use and quota when the browser says.
type CacheView = (Vec<CachedModel>, Option<u64>, Option<u64>);

/// What to do once the model is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Generate,
    Bench,
}

impl Demo {
    fn send(&self, req: &Request) {
        let sent = self
            .client
            .with_value(|c| c.as_ref().map(|c| c.send(req).map_err(|e| e.to_string())));
        match sent {
            Some(Ok(())) => {}
            Some(Err(e)) => self.failed(ErrorKind::Internal, e),
            None => self.failed(
                ErrorKind::Internal,
                "the inference worker is not running".into(),
            ),
        }
    }

    fn failed(&self, kind: ErrorKind, message: String) {
        self.state.set(UiState::Error);
        self.error_kind.set(Some(kind));
        self.status.set(message);
        self.progress.set(None);
        self.pending.set(None);
    }

    fn begin_load(&self) {
        self.state.set(UiState::Loading);
        self.error_kind.set(None);
        self.warnings.set(Vec::new());
        self.status.set("Loading the model…".into());
        self.model.set(None);
    }

    fn load_bundled(&self) {
        self.begin_load();
        self.send(&Request::Load {
            source: ModelSource::Bundled {
                manifest_url: site_url(BUNDLED_MANIFEST),
            },
            force_cpu: self.force_cpu.get_untracked(),
        });
    }

    fn load_url(&self, url: String) {
        self.begin_load();
        self.send(&Request::Load {
            source: ModelSource::Url { url },
            force_cpu: self.force_cpu.get_untracked(),
        });
    }

    fn load_file(&self, file: web_sys::File) {
        self.begin_load();
        let req = Request::Load {
            source: ModelSource::File {
                name: file.name(),
                size: file.size() as u64,
            },
            force_cpu: self.force_cpu.get_untracked(),
        };
        let sent = self.client.with_value(|c| {
            c.as_ref()
                .map(|c| c.send_with_file(&req, file).map_err(|e| e.to_string()))
        });
        if let Some(Err(e)) = sent {
            self.failed(ErrorKind::Internal, e);
        }
    }

    fn generate(&self) {
        if self.model.get_untracked().is_none() {
            self.pending.set(Some(Pending::Generate));
            self.load_bundled();
            return;
        }
        self.output.set(String::new());
        self.ids.set(Vec::new());
        self.stats.set(None);
        self.error_kind.set(None);
        self.live.set((now_ms(), 0.0, 0));
        self.state.set(UiState::Generating);
        self.status.set("Generating…".into());
        self.send(&Request::Generate {
            prompt: self.prompt.get_untracked(),
            params: self.params.get_untracked().clamped(),
        });
    }

    fn run_bench(&self) {
        if self.model.get_untracked().is_none() {
            self.pending.set(Some(Pending::Bench));
            self.load_bundled();
            return;
        }
        self.bench.set(None);
        self.bench_saved.set(None);
        self.state.set(UiState::Benchmarking);
        let quick = self.quick_bench;
        self.status.set(if quick {
            "Running the quick benchmark (a 16-token prompt, then 4 tokens)…".into()
        } else {
            "Running the benchmark (a 128-token prompt, then 32 tokens)…".into()
        });
        self.send(&Request::Bench { quick });
    }

    fn on_event(&self, ev: Event) {
        match ev {
            Event::Ready { .. } => {
                if self.state.get_untracked() == UiState::Starting {
                    self.state.set(UiState::Idle);
                    self.status.set("Ready to load the model.".into());
                }
                self.send(&Request::CacheStatus);
            }
            Event::Progress {
                phase,
                loaded,
                total,
            } => {
                let now = now_ms();
                self.progress.update(|p| {
                    let started = match p {
                        Some(old) if old.phase == phase => old.started,
                        _ => (now, loaded),
                    };
                    *p = Some(ProgressView {
                        phase,
                        loaded,
                        total,
                        started,
                        now,
                    });
                });
            }
            Event::Loaded { mut model } => {
                model.adapter = adapter_label(&model.adapter, self.gpu_name.get_untracked());
                self.progress.set(None);
                self.status.set(format!(
                    "Loaded {} in {:.1} s{} on {}.",
                    model.name,
                    model.load_ms / 1000.0,
                    if model.from_cache {
                        " from the browser's cache"
                    } else {
                        ""
                    },
                    model.adapter
                ));
                self.model.set(Some(model));
                self.state.set(UiState::Ready);
                self.send(&Request::CacheStatus);
                match self.pending.get_untracked() {
                    Some(Pending::Generate) => {
                        self.pending.set(None);
                        self.generate();
                    }
                    Some(Pending::Bench) => {
                        self.pending.set(None);
                        self.run_bench();
                    }
                    None => {}
                }
            }
            Event::Token { id, text } => {
                self.ids.update(|v| v.push(id));
                self.output.update(|o| o.push_str(&text));
                let t = now_ms();
                self.live.update(|(start, first, n)| {
                    if *n == 0 {
                        *first = t - *start;
                    }
                    *n += 1;
                });
            }
            Event::Done { stats, tail } => {
                if !tail.is_empty() {
                    self.output.update(|o| o.push_str(&tail));
                }
                let stopped = stats.finish == FinishReason::Stopped;
                self.status.set(format!(
                    "{} after {} tokens.",
                    match stats.finish {
                        FinishReason::Stopped => "Stopped",
                        FinishReason::EndOfText => "The model ended its text",
                        FinishReason::Length => "Done",
                    },
                    stats.generated_tokens
                ));
                self.stats.set(Some(stats));
                self.state.set(if stopped {
                    UiState::Stopped
                } else {
                    UiState::Done
                });
            }
            Event::BenchDone { mut result } => {
                result.adapter = adapter_label(&result.adapter, self.gpu_name.get_untracked());
                self.status.set("Benchmark done.".into());
                self.bench.set(Some(result));
                self.state.set(UiState::Ready);
            }
            Event::CacheInfo {
                models,
                usage,
                quota,
            } => self.cache.set(Some((models, usage, quota))),
            Event::Warning { kind, message } => self.warnings.update(|w| w.push((kind, message))),
            Event::Error { kind, message } => {
                if kind == ErrorKind::Cancelled {
                    self.progress.set(None);
                    self.pending.set(None);
                    let loaded = self.model.get_untracked().is_some();
                    self.state.set(if loaded {
                        UiState::Ready
                    } else {
                        UiState::Idle
                    });
                    self.status.set(format!("Cancelled: {message}."));
                } else {
                    if matches!(kind, ErrorKind::InvalidModel | ErrorKind::Unsupported) {
                        self.model.set(None);
                    }
                    self.failed(kind, message);
                }
                self.send(&Request::CacheStatus);
            }
        }
    }
}

/// The `/demo` page.
#[component]
pub fn Demo() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let (prompt0, params0) = form_from_query(|k| query.get(k));
    let autorun = query
        .get("autorun")
        .is_some_and(|v| v == "1" || v == "true");
    let d = Demo {
        state: RwSignal::new(UiState::Starting),
        status: RwSignal::new("Starting the inference worker…".into()),
        error_kind: RwSignal::new(None),
        warnings: RwSignal::new(Vec::new()),
        progress: RwSignal::new(None),
        model: RwSignal::new(None),
        output: RwSignal::new(String::new()),
        ids: RwSignal::new(Vec::new()),
        stats: RwSignal::new(None),
        live: RwSignal::new((0.0, 0.0, 0)),
        bench: RwSignal::new(None),
        bench_saved: RwSignal::new(None),
        cache: RwSignal::new(None),
        pending: RwSignal::new(autorun.then_some(Pending::Generate)),
        client: StoredValue::new_local(None),
        prompt: RwSignal::new(prompt0),
        params: RwSignal::new(params0),
        force_cpu: RwSignal::new(false),
        gpu_name: RwSignal::new(None),
        quick_bench: query.get("bench").is_some_and(|v| v == "quick"),
    };
    let gpu = RwSignal::new(GpuCheck::Checking);
    leptos::task::spawn_local(async move {
        let check = detect_webgpu().await;
        if let GpuCheck::Available { name, .. } = &check {
            d.gpu_name.set(Some(name.clone()));
        }
        gpu.set(check);
    });

    match WorkerClient::spawn(&site_url(WORKER_SCRIPT), move |ev| d.on_event(ev)) {
        Ok(c) => d.client.set_value(Some(c)),
        Err(e) => d.failed(ErrorKind::Internal, e.to_string()),
    }
    if autorun {
        // Queued until the worker is ready; generation follows the `Loaded` event.
        d.load_bundled();
    }
    on_cleanup(move || d.client.set_value(None));

    view! {
        <PageHead title="On-device demo" heading="On-device demo">
            "Gemma 3 270M, quantized to 253 MB, writing text in your browser through WebGPU. "
            "The model is downloaded once from this site, kept in your browser's cache, and runs in a "
            "background worker: nothing you type leaves your device."
        </PageHead>
        <div class="demo">
            <GpuPanel gpu />
            <ModelCard d gpu />
            <section class="demo-run" aria-label="Prompt and output">
                <PromptForm d />
                <Output d />
                <Stats d gpu />
            </section>
            <OtherModels d />
            <BenchPanel d />
            <CachePanel d />
        </div>
    }
}

/// What ticking "Run on the CPU" means on this device: slower than a real GPU, usually faster
/// than a software renderer.
fn cpu_hint(gpu: &GpuCheck) -> &'static str {
    match gpu {
        GpuCheck::Available { software: true, .. } => " (usually faster on this device)",
        GpuCheck::Available { max_binding, .. } if *max_binding < MIN_BINDING => "",
        GpuCheck::Available { .. } => " (slower than your GPU)",
        GpuCheck::Checking | GpuCheck::Missing | GpuCheck::NoAdapter => "",
    }
}

#[component]
fn GpuPanel(gpu: RwSignal<GpuCheck>) -> impl IntoView {
    let body = move || {
        match gpu.get() {
        GpuCheck::Checking => view! { <p>"Checking for WebGPU…"</p> }.into_any(),
        GpuCheck::Available { name, max_binding, max_buffer, .. } if max_binding < MIN_BINDING => view! {
            <p>
                <strong>"Your GPU's WebGPU limits are too small for this model. "</strong>
                {format!(
                    "{name} allows storage buffers of {} (buffers up to {}); the model needs {}. ",
                    format_bytes(max_binding),
                    format_bytes(max_buffer),
                    format_bytes(MIN_BINDING)
                )}
                "It can still run on the CPU, slowly. A desktop browser on a computer with a discrete or recent integrated GPU will do better."
            </p>
        }
        .into_any(),
        GpuCheck::Available { name, software: true, .. } => view! {
            <p data-testid="software-adapter">
                "WebGPU is available: " <strong>{name}</strong>
                ", a software renderer that runs on your CPU rather than a GPU. On such a device the "
                "engine's own CPU backend is usually faster: tick “Run on the CPU” below."
            </p>
        }
        .into_any(),
        GpuCheck::Available { name, .. } => view! {
            <p>"WebGPU is available: " <strong>{name}</strong> "."</p>
        }
        .into_any(),
        GpuCheck::Missing => view! {
            <div>
                <p>
                    <strong>"This browser does not offer WebGPU"</strong>
                    ", which the demo uses to run the model on your GPU."
                </p>
                <ul>
                    <li>"Use a recent Chrome or Edge (version 113 or later) on Windows, macOS or ChromeOS, Chrome 121+ on Android, Safari 26+, or Firefox 141+ on Windows."</li>
                    <li>"On Linux, Chrome needs WebGPU switched on: open chrome://flags, enable “Unsafe WebGPU Support” and “Vulkan”, and restart."</li>
                    <li>"You can still run the model on the CPU below: it works, several times more slowly than on a GPU."</li>
                </ul>
            </div>
        }
        .into_any(),
        GpuCheck::NoAdapter => view! {
            <div>
                <p>
                    <strong>"WebGPU is present but found no usable GPU"</strong>
                    " (the browser or its driver block list turned the GPU off, or the GPU is too old)."
                </p>
                <ul>
                    <li>"Update the browser and the graphics driver; check chrome://gpu for “WebGPU: Hardware accelerated”."</li>
                    <li>"Make sure hardware acceleration is on in the browser's settings."</li>
                    <li>"You can still run the model on the CPU below: it works, slowly."</li>
                </ul>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <section
            class=move || {
                if matches!(gpu.get().key(), "available" | "checking") { "demo-gpu" } else { "demo-gpu notice" }
            }
            data-testid="webgpu"
            data-state=move || gpu.get().key()
            aria-live="polite"
        >
            {body}
        </section>
    }
}

#[component]
fn ModelCard(d: Demo, gpu: RwSignal<GpuCheck>) -> impl IntoView {
    view! {
        <section class="demo-card" data-testid="model-card" aria-label="The model">
            <h2>"Gemma 3 270M (base)"</h2>
            <dl>
                <dt>"Quantization"</dt>
                <dd>"GGUF Q4_K_M"</dd>
                <dt>"Download"</dt>
                <dd>{format_bytes(BUNDLED_BYTES)} " in four parts, from this site"</dd>
                <dt>"License"</dt>
                <dd>
                    <a href=GEMMA_TERMS rel="noopener noreferrer" target="_blank">"Gemma Terms of Use"</a>
                </dd>
                {move || d.model.get().map(|m| view! {
                    <dt>"Loaded"</dt>
                    <dd data-testid="loaded-model" data-backend=m.backend.clone() data-from-cache=m.from_cache.to_string() data-weights=m.weights.clone().unwrap_or_default()>
                        {format!("{} · {} · {} · {}", m.name, m.quantization, format_bytes(m.size_bytes), m.adapter)}
                        {m.fallback_reason.map(|r| format!(" (CPU because {r})"))}
                    </dd>
                })}
            </dl>
            <p class="demo-note">
                "A small base model: it continues text rather than following instructions, and often says untrue things. "
                <a href=crate::pages::model::model_href(BUNDLED_MODEL_ID)>"Its sizes and sources"</a>
                "."
            </p>
            <div class="demo-actions">
                <button
                    type="button"
                    data-testid="load"
                    disabled=move || d.state.get().busy()
                    on:click=move |_| d.load_bundled()
                >
                    {move || if d.model.get().is_some() { "Reload the model" } else { "Load the model" }}
                </button>
                <label class="demo-check">
                    <input
                        type="checkbox"
                        data-testid="force-cpu"
                        prop:checked=move || d.force_cpu.get()
                        on:change=move |ev| d.force_cpu.set(event_target_checked(&ev))
                    />
                    " Run on the CPU"
                    <span class="demo-hint" data-testid="force-cpu-hint">{move || cpu_hint(&gpu.get())}</span>
                </label>
            </div>
            <ProgressBar d />
        </section>
    }
}

#[component]
fn ProgressBar(d: Demo) -> impl IntoView {
    view! {
        {move || d.progress.get().map(|p| {
            let (value, max) = if p.total > 0 { (p.loaded as f64, p.total as f64) } else { (0.0, 1.0) };
            view! {
                <div class="demo-progress" data-testid="progress" data-phase=format!("{:?}", p.phase).to_lowercase()>
                    <progress value=value max=max></progress>
                    <span>{p.describe()}</span>
                    <button type="button" data-testid="cancel" on:click=move |_| d.send(&Request::Stop)>
                        "Cancel"
                    </button>
                </div>
            }
        })}
    }
}

#[component]
fn PromptForm(d: Demo) -> impl IntoView {
    let num_input = move |label: &'static str,
                          testid: &'static str,
                          min: &'static str,
                          max: String,
                          step: &'static str,
                          read: fn(&GenParams) -> f64,
                          write: fn(&mut GenParams, f64)| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type="number"
                    data-testid=testid
                    min=min
                    max=max
                    step=step
                    prop:value=move || format_setting(read(&d.params.get()))
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                            d.params.update(|p| {
                                write(p, v);
                                *p = p.clamped();
                            });
                        }
                    }
                />
            </label>
        }
    };
    view! {
        <form class="demo-form" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            d.generate();
        }>
            <label class="demo-prompt">
                <span>"Prompt"</span>
                <textarea
                    data-testid="prompt"
                    rows="3"
                    prop:value=move || d.prompt.get()
                    on:input=move |ev| d.prompt.set(event_target_value(&ev))
                ></textarea>
            </label>
            <fieldset class="demo-settings">
                <legend>"Settings"</legend>
                {num_input("Max tokens", "max-tokens", "1", MAX_TOKENS_LIMIT.to_string(), "1",
                    |p| f64::from(p.max_tokens), |p, v| p.max_tokens = v as u32)}
                {num_input("Temperature (0 = greedy)", "temperature", "0", "2".into(), "0.05",
                    |p| f64::from(p.temperature), |p, v| p.temperature = v as f32)}
                {num_input("Top-k", "top-k", "1", TOP_K_LIMIT.to_string(), "1",
                    |p| f64::from(p.top_k), |p, v| p.top_k = v as u32)}
                {num_input("Top-p", "top-p", "0.01", "1".into(), "0.01",
                    |p| f64::from(p.top_p), |p, v| p.top_p = v as f32)}
                {num_input("Seed", "seed", "0", "4294967295".into(), "1",
                    |p| p.seed as f64, |p, v| p.seed = v as u64)}
            </fieldset>
            <div class="demo-actions">
                <button
                    type="submit"
                    class="primary"
                    data-testid="generate"
                    disabled=move || d.state.get().busy()
                >
                    "Generate"
                </button>
                <button
                    type="button"
                    data-testid="stop"
                    disabled=move || !matches!(d.state.get(), UiState::Generating | UiState::Benchmarking | UiState::Loading)
                    on:click=move |_| d.send(&Request::Stop)
                >
                    "Stop"
                </button>
            </div>
        </form>
    }
}

#[component]
fn Output(d: Demo) -> impl IntoView {
    view! {
        <p
            class=move || if d.state.get() == UiState::Error { "demo-status notice error" } else { "demo-status" }
            data-testid="status"
            data-state=move || d.state.get().key()
            data-error-kind=move || d.error_kind.get().map(|k| format!("{k:?}").to_lowercase())
            role="status"
            aria-live="polite"
        >
            {move || d.status.get()}
        </p>
        {move || {
            let w = d.warnings.get();
            (!w.is_empty()).then(|| view! {
                <div class="notice" data-testid="warnings">
                    {w.into_iter().map(|(_, m)| view! { <p>{m}</p> }).collect_view()}
                </div>
            })
        }}
        <div class="demo-output" aria-live="off">
            <span class="demo-output-prompt">{move || d.prompt.get()}</span>
            <span
                data-testid="output"
                data-ids=move || join_ids(&d.ids.get())
            >
                {move || d.output.get()}
            </span>
        </div>
    }
}

#[component]
fn Stats(d: Demo, gpu: RwSignal<GpuCheck>) -> impl IntoView {
    let adapter = move || {
        d.model
            .get()
            .map(|m| m.adapter)
            .or_else(|| match gpu.get() {
                GpuCheck::Available { name, .. } => Some(name),
                _ => None,
            })
            .unwrap_or_else(|| "—".into())
    };
    let live_rate = move || {
        let (start, first, n) = d.live.get();
        let elapsed = now_ms() - start - first;
        (n > 1 && elapsed > 0.0).then(|| f64::from(n - 1) * 1000.0 / elapsed)
    };
    view! {
        <dl
            class="demo-stats"
            data-testid="stats"
            data-ttft-ms=move || d.stats.get().map(|s| format!("{:.1}", s.ttft_ms))
            data-prefill-tok-s=move || d.stats.get().map(|s| format!("{:.2}", s.prefill_tok_s))
            data-decode-tok-s=move || d.stats.get().map(|s| format!("{:.2}", s.decode_tok_s))
            data-tokens=move || d.stats.get().map(|s| s.generated_tokens.to_string())
        >
            <div>
                <dt>"Time to first token"</dt>
                <dd>{move || match d.stats.get() {
                    Some(s) => format!("{:.0} ms", s.ttft_ms),
                    None => {
                        let (_, first, n) = d.live.get();
                        if n > 0 { format!("{first:.0} ms") } else { "—".into() }
                    }
                }}</dd>
            </div>
            <div>
                <dt>"Prefill"</dt>
                <dd>{move || d.stats.get().map_or("—".into(), |s| format!("{:.1} tokens/s ({} tokens)", s.prefill_tok_s, s.prompt_tokens))}</dd>
            </div>
            <div>
                <dt>"Decode"</dt>
                <dd>{move || match d.stats.get() {
                    Some(s) => format!("{:.1} tokens/s ({} tokens)", s.decode_tok_s, s.generated_tokens),
                    None => live_rate().map_or("—".into(), |r| format!("{r:.1} tokens/s ({} so far)", d.live.get().2)),
                }}</dd>
            </div>
            <div>
                <dt>"Runs on"</dt>
                <dd data-testid="adapter">{adapter}</dd>
            </div>
        </dl>
    }
}

#[component]
fn OtherModels(d: Demo) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0));
        if let Some(f) = file {
            d.load_file(f);
        }
    };
    view! {
        <details class="demo-other">
            <summary>"Run another GGUF model"</summary>
            <p>
                "A Gemma 3 model in GGUF format (other architectures may run on the CPU only). "
                "A local file is read inside your browser and never uploaded; a URL is fetched directly from its server "
                "(for example a Hugging Face “resolve” link) and cached."
            </p>
            <div
                class=move || if dragging.get() { "demo-drop dragging" } else { "demo-drop" }
                data-testid="drop-zone"
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label>
                    "Drop a .gguf file here, or choose one: "
                    <input
                        type="file"
                        accept=".gguf"
                        data-testid="file"
                        disabled=move || d.state.get().busy()
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                                d.load_file(f);
                            }
                            input.set_value("");
                        }
                    />
                </label>
            </div>
            <form class="demo-url" on:submit=move |ev| {
                ev.prevent_default();
                let u = url.get_untracked().trim().to_string();
                if !u.is_empty() {
                    d.load_url(u);
                }
            }>
                <label>
                    <span>"Model URL"</span>
                    <input
                        type="url"
                        data-testid="model-url"
                        placeholder="https://huggingface.co/…/resolve/main/model.gguf"
                        prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" data-testid="load-url" disabled=move || d.state.get().busy()>
                    "Load from URL"
                </button>
            </form>
        </details>
    }
}

#[component]
fn BenchPanel(d: Demo) -> impl IntoView {
    view! {
        <section class="demo-bench" data-testid="bench" aria-label="Benchmark">
            <h2>"Benchmark this device"</h2>
            <p>
                "Runs the engine's fixed benchmark on your GPU: a 128-token prompt, 32 generated tokens, and a plain "
                "read of GPU memory to measure your device's bandwidth. Decode speed is bounded by that bandwidth "
                "(every token reads all 245 MB of weights), so the efficiency says how close the engine gets."
            </p>
            <button
                type="button"
                data-testid="bench-run"
                disabled=move || d.state.get().busy()
                on:click=move |_| d.run_bench()
            >
                "Benchmark this device"
            </button>
            {move || d.bench.get().map(|b| {
                let b2 = b.clone();
                view! {
                    <dl class="demo-stats" data-testid="bench-result"
                        data-decode-tok-s=format!("{:.3}", b.decode_tok_s)
                        data-decode-pipelined-tok-s=format!("{:.3}", b.decode_tok_s_pipelined)
                        data-efficiency=format!("{:.4}", b.decode_efficiency)
                        data-read-gb-s=format!("{:.3}", b.device_read_gb_s)
                        data-kernels=b.kernels.clone()
                    >
                        <div><dt>"Decode"</dt><dd>{format!("{:.1} tokens/s", b.decode_tok_s)}</dd></div>
                        <div><dt>"Decode, pipelined"</dt><dd>{format!("{:.1} tokens/s", b.decode_tok_s_pipelined)}</dd></div>
                        <div><dt>"Prefill"</dt><dd>{format!("{:.1} tokens/s", b.prefill_tok_s)}</dd></div>
                        <div><dt>"Device read bandwidth"</dt><dd>{format!("{:.1} GB/s", b.device_read_gb_s)}</dd></div>
                        <div><dt>"Bandwidth efficiency"</dt><dd>{format!("{:.0} %", b.decode_efficiency * 100.0)}</dd></div>
                        <div><dt>"Adapter"</dt><dd>{b.adapter.clone()}</dd></div>
                        <div><dt>"Kernels"</dt><dd>{kernels_label(&b.kernels)}</dd></div>
                    </dl>
                    <button type="button" data-testid="bench-use" on:click=move |_| {
                        match store_device_bench(&b2) {
                            Ok(()) => d.bench_saved.set(Some(
                                "Saved: the self-hosting calculator on the Costs page now offers “this device”.".into(),
                            )),
                            Err(e) => d.bench_saved.set(Some(e)),
                        }
                    }>
                        "Use this speed in the cost calculator"
                    </button>
                }
            })}
            {move || d.bench_saved.get().map(|m| view! { <p data-testid="bench-saved">{m}</p> })}
        </section>
    }
}

#[component]
fn CachePanel(d: Demo) -> impl IntoView {
    view! {
        <section class="demo-cache" data-testid="cache" aria-label="Storage">
            <h2>"Storage"</h2>
            {move || match d.cache.get() {
                None => view! { <p>"Checking the browser's cache…"</p> }.into_any(),
                Some((models, usage, quota)) => {
                    let held: u64 = models.iter().map(|m| m.bytes).sum();
                    view! {
                        <p data-testid="cache-bytes" data-bytes=held.to_string()>
                            {if models.is_empty() {
                                "No model is cached: the next load downloads it.".to_string()
                            } else {
                                format!("Cached models: {} ({} in all).", models.len(), format_bytes(held))
                            }}
                            {match (usage, quota) {
                                (Some(u), Some(q)) => format!(" This site uses {} of the {} your browser allows it.", format_bytes(u), format_bytes(q)),
                                _ => String::new(),
                            }}
                        </p>
                    }.into_any()
                }
            }}
            <button
                type="button"
                data-testid="clear-cache"
                disabled=move || d.state.get() == UiState::Loading
                on:click=move |_| d.send(&Request::ClearCache)
            >
                "Clear cache"
            </button>
            {move || {
                let full = d.error_kind.get() == Some(ErrorKind::Quota)
                    || d.warnings.get().iter().any(|(k, _)| *k == ErrorKind::Quota);
                full.then(|| view! {
                <p class="notice" data-testid="quota-help">
                    "Your browser has no room left for this site. Free disk space, or remove other sites' data in the browser's settings (Privacy → Site data), then try again. Private windows allow much less storage."
                </p>
                })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_hint_follows_the_adapter() {
        let adapter = |software, max_binding| GpuCheck::Available {
            name: "x".into(),
            max_binding,
            max_buffer: max_binding,
            software,
        };
        assert_eq!(
            cpu_hint(&adapter(true, MIN_BINDING)),
            " (usually faster on this device)"
        );
        assert_eq!(
            cpu_hint(&adapter(false, MIN_BINDING)),
            " (slower than your GPU)"
        );
        // Limits too small for the model: the CPU is the only way, the panel says so.
        assert_eq!(cpu_hint(&adapter(false, MIN_BINDING - 1)), "");
        assert_eq!(cpu_hint(&GpuCheck::Missing), "");
    }

    #[test]
    fn bytes_and_durations() {
        assert_eq!(format_bytes(253_113_024), "253.1 MB");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(3_200_000_000), "3.20 GB");
        assert_eq!(format_duration(75.2), "1 min 15 s");
        assert_eq!(format_duration(4.4), "4 s");
        assert_eq!(format_setting(f64::from(0.95_f32)), "0.95");
        assert_eq!(format_setting(64.0), "64");
    }

    #[test]
    fn progress_rate_and_eta() {
        let p = ProgressView {
            phase: Phase::Download,
            loaded: 50_000_000,
            total: 250_000_000,
            started: (1000.0, 0),
            now: 6000.0,
        };
        assert_eq!(p.rate(), Some(10_000_000.0));
        assert_eq!(p.eta(), Some(20.0));
        assert!(p.describe().contains("10.0 MB/s"), "{}", p.describe());
        assert!(p.describe().contains("20 s left"), "{}", p.describe());
        let fresh = ProgressView { now: 1000.0, ..p };
        assert_eq!(fresh.rate(), None);
    }

    #[test]
    fn query_fills_the_form() {
        let q = |k: &str| match k {
            "prompt" => Some("Hello".to_string()),
            "max_tokens" => Some("8".to_string()),
            "temperature" => Some("0".to_string()),
            "top_k" => Some("junk".to_string()),
            _ => None,
        };
        let (prompt, p) = form_from_query(q);
        assert_eq!(prompt, "Hello");
        assert_eq!(p.max_tokens, 8);
        assert_eq!(p.temperature, 0.0);
        assert_eq!(p.top_k, GenParams::default().top_k);
        assert!(p.is_greedy());
        let (_, p) = form_from_query(|k| (k == "max_tokens").then(|| "100000".to_string()));
        assert_eq!(p.max_tokens, MAX_TOKENS_LIMIT);
    }

    #[test]
    fn adapter_labels() {
        assert_eq!(
            adapter_label("(BrowserWebGpu)", Some("google · swiftshader".into())),
            "google · swiftshader (BrowserWebGpu)"
        );
        assert_eq!(
            adapter_label("NVIDIA RTX (Vulkan)", Some("x".into())),
            "NVIDIA RTX (Vulkan)"
        );
        assert_eq!(adapter_label("CPU (slow)", Some("x".into())), "CPU (slow)");
        assert_eq!(adapter_label("(BrowserWebGpu)", None), "(BrowserWebGpu)");
    }

    #[test]
    fn gpu_check_keys() {
        assert_eq!(GpuCheck::Missing.key(), "missing");
        let small = GpuCheck::Available {
            name: "x".into(),
            max_binding: 1 << 20,
            max_buffer: 1 << 20,
            software: false,
        };
        assert_eq!(small.key(), "too-small");
    }

    #[test]
    fn software_renderers_are_told_apart_from_gpus() {
        assert!(is_software_adapter("google · swiftshader", false));
        assert!(is_software_adapter(
            "mesa · llvmpipe (LLVM 15.0.6, 256 bits)",
            false
        ));
        assert!(is_software_adapter("Microsoft Basic Render Driver", false));
        assert!(is_software_adapter("a WebGPU adapter", true));
        assert!(!is_software_adapter("nvidia · ampere", false));
        assert!(!is_software_adapter("apple · metal-3", false));
    }
}
