//! The worker's message loop: one job at a time (load, generate, benchmark), `Stop` at any
//! moment, cache queries in between.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::join_all;
use js_sys::Reflect;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal, File, MessageEvent};

use super::engine::{self, Failure, LoadMeta, Loaded, Runner};
use super::js::{self, post, scope, wait};
use super::manifest::{Manifest, MAX_MODEL_BYTES};
use super::plan::{self, LoadError, PartCheck};
use super::{bench, cache, net};
use crate::protocol::{ErrorKind, Event, ModelSource, Phase, Request};

/// Parallel range requests for a model given by URL.
const URL_STREAMS: usize = 4;
/// Smallest range worth a request of its own.
const MIN_RANGE: u64 = 8 << 20;
/// Least time between two progress events, in milliseconds.
const PROGRESS_EVERY_MS: f64 = 100.0;

#[derive(Default)]
struct State {
    /// The loaded model, taken out while a job uses it.
    loaded: Option<Loaded>,
    /// What is running.
    busy: Option<&'static str>,
    /// The running job's stop flag.
    stop: Rc<Cell<bool>>,
    /// Aborts the running job's downloads.
    abort: Option<AbortController>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::new(e.kind(), e.to_string())
    }
}

fn fail(f: &Failure) {
    post(&Event::Error {
        kind: f.kind,
        message: f.message.clone(),
    });
}

/// Registers the message handler and posts [`Event::Ready`].
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("the engine crashed: {info}. Reload the page to start again.");
        web_sys::console::error_1(&JsValue::from_str(&message));
        post(&Event::Error {
            kind: ErrorKind::Internal,
            message,
        });
    }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    post(&Event::Ready {
        version: env!("CARGO_PKG_VERSION").to_string(),
    });
}

fn on_message(ev: MessageEvent) {
    let data = ev.data();
    let json = data.as_string().or_else(|| {
        Reflect::get(&data, &JsValue::from_str("json"))
            .ok()
            .and_then(|j| j.as_string())
    });
    let file = Reflect::get(&data, &JsValue::from_str("file"))
        .ok()
        .and_then(|f| f.dyn_into::<File>().ok());
    let request = match json.as_deref().map(Request::from_json) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return fail(&Failure::new(ErrorKind::BadRequest, e.to_string()));
        }
        None => {
            return fail(&Failure::new(
                ErrorKind::BadRequest,
                "a message without a JSON request",
            ))
        }
    };
    match request {
        Request::Stop => STATE.with(|s| {
            let s = s.borrow();
            s.stop.set(true);
            if let Some(a) = &s.abort {
                a.abort();
            }
        }),
        Request::Load { source, force_cpu } => {
            if let Some((stop, signal)) = begin("loading a model", true) {
                wasm_bindgen_futures::spawn_local(async move {
                    let r = load(source, file, force_cpu, &stop, &signal).await;
                    finish();
                    match r {
                        Ok(m) => {
                            post(&Event::Loaded {
                                model: m.info.clone(),
                            });
                            STATE.with(|s| s.borrow_mut().loaded = Some(m));
                        }
                        Err(f) => fail(&f),
                    }
                });
            }
        }
        Request::Generate { prompt, params } => {
            let Some(mut m) = take_model() else { return };
            if let Some((stop, _)) = begin("generating", false) {
                wasm_bindgen_futures::spawn_local(async move {
                    let r = engine::generate(&mut m, &prompt, &params, &stop).await;
                    let lost = matches!(&r, Err(f) if f.kind == ErrorKind::Gpu);
                    if !lost {
                        STATE.with(|s| s.borrow_mut().loaded = Some(m));
                    }
                    finish();
                    match r {
                        Ok((stats, tail)) => post(&Event::Done { stats, tail }),
                        Err(f) if lost => fail(&Failure::new(
                            ErrorKind::Gpu,
                            format!("{} Load the model again.", f.message),
                        )),
                        Err(f) => fail(&f),
                    }
                });
            } else {
                STATE.with(|s| s.borrow_mut().loaded = Some(m));
            }
        }
        Request::Bench { quick } => {
            let Some(mut m) = take_model() else { return };
            if let Some((stop, _)) = begin("running the benchmark", false) {
                wasm_bindgen_futures::spawn_local(async move {
                    let r = match &mut m.runner {
                        Runner::Gpu(g) => bench::run(g, quick, &stop).await,
                        Runner::Cpu(_) => Err(Failure::new(
                            ErrorKind::Gpu,
                            "The benchmark measures WebGPU, and this model runs on the CPU.",
                        )),
                    };
                    STATE.with(|s| s.borrow_mut().loaded = Some(m));
                    finish();
                    match r {
                        Ok(result) => post(&Event::BenchDone { result }),
                        Err(f) => fail(&f),
                    }
                });
            } else {
                STATE.with(|s| s.borrow_mut().loaded = Some(m));
            }
        }
        Request::CacheStatus => wasm_bindgen_futures::spawn_local(cache_status()),
        Request::ClearCache => {
            if STATE.with(|s| s.borrow().busy == Some("loading a model")) {
                return fail(&Failure::new(
                    ErrorKind::Busy,
                    "a model is loading: stop it before clearing the cache",
                ));
            }
            wasm_bindgen_futures::spawn_local(async {
                if let Err(e) = cache::clear().await {
                    fail(&e.into());
                }
                cache_status().await;
            });
        }
    }
}

/// Marks a job as running; `None` (after posting [`ErrorKind::Busy`]) when another one is.
fn begin(job: &'static str, abortable: bool) -> Option<(Rc<Cell<bool>>, AbortSignal)> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(other) = s.busy {
            drop(s);
            fail(&Failure::new(
                ErrorKind::Busy,
                format!("the worker is {other}: wait for it or press Stop"),
            ));
            return None;
        }
        let controller = match AbortController::new() {
            Ok(c) => c,
            Err(e) => {
                drop(s);
                fail(&Failure::new(ErrorKind::Internal, js::message(&e)));
                return None;
            }
        };
        let signal = controller.signal();
        s.busy = Some(job);
        s.stop = Rc::new(Cell::new(false));
        s.abort = abortable.then_some(controller);
        Some((Rc::clone(&s.stop), signal))
    })
}

fn finish() {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.busy = None;
        s.abort = None;
    });
}

/// Takes the loaded model out for a job; posts the reason when there is none to take.
fn take_model() -> Option<Loaded> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(job) = s.busy {
            drop(s);
            fail(&Failure::new(
                ErrorKind::Busy,
                format!("the worker is {job}: wait for it or press Stop"),
            ));
            return None;
        }
        let m = s.loaded.take();
        if m.is_none() {
            drop(s);
            fail(&Failure::new(ErrorKind::NotLoaded, "load a model first"));
        }
        m
    })
}

async fn cache_status() {
    let models = match cache::list().await {
        Ok(m) => m,
        Err(e) => {
            post(&Event::Warning {
                kind: ErrorKind::Internal,
                message: e.to_string(),
            });
            Vec::new()
        }
    };
    let (usage, quota) = cache::estimate().await;
    post(&Event::CacheInfo {
        models,
        usage,
        quota,
    });
}

/// Posts progress at most every [`PROGRESS_EVERY_MS`] (and always at the end).
struct Progress {
    phase: Cell<Phase>,
    loaded: Cell<u64>,
    total: u64,
    last: Cell<f64>,
}

impl Progress {
    fn new(phase: Phase, total: u64) -> Self {
        let p = Self {
            phase: Cell::new(phase),
            loaded: Cell::new(0),
            total,
            last: Cell::new(f64::MIN),
        };
        p.post();
        p
    }

    fn post(&self) {
        self.last.set(js::now_ms());
        post(&Event::Progress {
            phase: self.phase.get(),
            loaded: self.loaded.get(),
            total: self.total,
        });
    }

    fn add(&self, n: u64) {
        self.loaded.set(self.loaded.get() + n);
        if js::now_ms() - self.last.get() >= PROGRESS_EVERY_MS || self.loaded.get() >= self.total {
            self.post();
        }
    }
}

async fn load(
    source: ModelSource,
    file: Option<File>,
    force_cpu: bool,
    stop: &Cell<bool>,
    signal: &AbortSignal,
) -> Result<Loaded, Failure> {
    let started_ms = js::now_ms();
    // Free the old model's GPU memory before loading the next one.
    STATE.with(|s| s.borrow_mut().loaded = None);
    let cancelled = || stop.get();
    let (parts, name, quantization, from_cache) = match source {
        ModelSource::Bundled { manifest_url } => {
            let (parts, m, from_cache) = bundled(&manifest_url, &cancelled, signal).await?;
            (parts, m.name, Some(m.quantization), from_cache)
        }
        ModelSource::Url { url } => {
            let (bytes, from_cache) = from_url(&url, &cancelled, signal).await?;
            (
                vec![bytes],
                plan::url_file_name(&url).to_string(),
                None,
                from_cache,
            )
        }
        ModelSource::File { name, .. } => {
            let file = file
                .ok_or_else(|| Failure::new(ErrorKind::BadRequest, "the File object is missing"))?;
            let bytes = from_file(&file, &cancelled).await?;
            (vec![bytes], name, None, false)
        }
    };
    if stop.get() {
        return Err(LoadError::Cancelled.into());
    }
    engine::load(
        parts,
        LoadMeta {
            name,
            quantization: quantization.filter(|q| !q.is_empty()),
            from_cache,
            started_ms,
            force_cpu,
        },
    )
    .await
}

/// Reads a response body into a new buffer of `expected` bytes, checking size and sum.
async fn read_part(
    resp: &web_sys::Response,
    url: &str,
    mut check: PartCheck,
    expected: u64,
    progress: &Progress,
    cancelled: &dyn Fn() -> bool,
) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::with_capacity(expected as usize);
    net::read_body(resp, url, cancelled, &mut |chunk| {
        check.update(chunk)?;
        bytes.extend_from_slice(chunk);
        progress.add(chunk.len() as u64);
        Ok(())
    })
    .await?;
    check.finish()?;
    Ok(bytes)
}

/// The bundled model: manifest (network first, cache as fallback), then every part from the
/// cache or, in parallel, from the network with size and sha256 checks; fresh parts are cached.
async fn bundled(
    manifest_url: &str,
    cancelled: &dyn Fn() -> bool,
    signal: &AbortSignal,
) -> Result<(Vec<Vec<u8>>, Manifest, bool), Failure> {
    let cache = match cache::open().await {
        Ok(c) => Some(c),
        Err(e) => {
            post(&Event::Warning {
                kind: ErrorKind::Internal,
                message: format!("{e}; the model will be downloaded on every visit"),
            });
            None
        }
    };
    let text = match net::fetch(manifest_url, None, signal).await {
        Ok(resp) => {
            let t = wait(
                resp.text()
                    .map_err(|e| LoadError::Browser(js::message(&e)))?,
            )
            .await
            .map_err(|e| LoadError::Browser(js::message(&e)))?;
            t.as_string().unwrap_or_default()
        }
        Err(LoadError::Cancelled) => return Err(LoadError::Cancelled.into()),
        Err(e) => {
            // Offline: the cached copy of the manifest, if any.
            let cached = match &cache {
                Some(c) => cache::get(c, manifest_url).await.ok().flatten(),
                None => None,
            };
            let Some(resp) = cached else {
                return Err(e.into());
            };
            let t = wait(
                resp.text()
                    .map_err(|e| LoadError::Browser(js::message(&e)))?,
            )
            .await
            .map_err(|e| LoadError::Browser(js::message(&e)))?;
            t.as_string().unwrap_or_default()
        }
    };
    let m =
        Manifest::parse(&text).map_err(|e| Failure::new(ErrorKind::InvalidModel, e.to_string()))?;
    let urls = m.part_urls(manifest_url);
    let mut cached = Vec::with_capacity(urls.len());
    for (u, p) in urls.iter().zip(&m.parts) {
        let hit = match &cache {
            Some(c) => cache::get(c, u).await?,
            None => None,
        };
        cached.push(hit.filter(|r| cache::recorded_size(r) == Some(p.size)));
    }
    let from_cache = cached.iter().all(Option::is_some);
    let progress = Progress::new(
        if from_cache {
            Phase::Cache
        } else {
            Phase::Download
        },
        m.size,
    );
    let quota_warned = Cell::new(false);
    let jobs = urls
        .iter()
        .zip(&m.parts)
        .zip(cached)
        .map(|((url, part), hit)| {
            let progress = &progress;
            let cache = &cache;
            let quota_warned = &quota_warned;
            let model = manifest_url.to_string();
            async move {
                if let Some(resp) = hit {
                    // Verified when it was stored; the size is checked again.
                    let check = PartCheck::new(&part.name, Some(part.size), None);
                    return read_part(&resp, url, check, part.size, progress, cancelled).await;
                }
                let resp = net::fetch(url, None, signal).await?;
                let check = PartCheck::new(&part.name, Some(part.size), part.sha256.as_deref());
                let bytes = read_part(&resp, url, check, part.size, progress, cancelled).await?;
                if let Some(c) = cache {
                    match cache::put(c, url, &model, &bytes).await {
                        Ok(()) => {}
                        Err(e @ LoadError::Quota(_)) => {
                            if !quota_warned.replace(true) {
                                post(&Event::Warning {
                                    kind: ErrorKind::Quota,
                                    message: e.to_string(),
                                });
                            }
                        }
                        Err(e) => post(&Event::Warning {
                            kind: e.kind(),
                            message: e.to_string(),
                        }),
                    }
                }
                Ok(bytes)
            }
        });
    let results = join_all(jobs).await;
    let mut parts = Vec::with_capacity(results.len());
    for r in results {
        parts.push(r?);
    }
    progress.post();
    if let Some(c) = &cache {
        // Keep the manifest for offline visits (best effort).
        let _ = cache::put(c, manifest_url, manifest_url, text.as_bytes()).await;
    }
    Ok((parts, m, from_cache))
}

/// A GGUF file at a URL: from the cache, or fetched in parallel ranges when the server allows
/// them (one stream otherwise), then cached.
async fn from_url(
    url: &str,
    cancelled: &dyn Fn() -> bool,
    signal: &AbortSignal,
) -> Result<(Vec<u8>, bool), Failure> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Failure::new(
            ErrorKind::BadRequest,
            "the model URL must start with https://",
        ));
    }
    let cache = cache::open().await.ok();
    if let Some(c) = &cache {
        if let Some(resp) = cache::get(c, url).await? {
            let size = cache::recorded_size(&resp).unwrap_or(0);
            let progress = Progress::new(Phase::Cache, size);
            let check = PartCheck::new(url, Some(size), None);
            let bytes = read_part(&resp, url, check, size, &progress, cancelled).await?;
            return Ok((bytes, true));
        }
    }
    let too_big = |n: u64| {
        Failure::new(
            ErrorKind::Unsupported,
            format!(
                "the file has {n} bytes; the browser engine loads models up to {MAX_MODEL_BYTES} bytes"
            ),
        )
    };
    let probe = net::fetch(url, Some((0, 1)), signal).await?;
    let total = if probe.status() == 206 {
        probe
            .headers()
            .get("content-range")
            .ok()
            .flatten()
            .and_then(|h| plan::content_range_total(&h))
    } else {
        None
    };
    let bytes = match total {
        Some(total) => {
            if let Some(b) = probe.body() {
                let _ = b.cancel();
            }
            if total > MAX_MODEL_BYTES {
                return Err(too_big(total));
            }
            let progress = Progress::new(Phase::Download, total);
            let buf = RefCell::new(vec![0u8; total as usize]);
            let jobs =
                plan::ranges(total, URL_STREAMS, MIN_RANGE)
                    .into_iter()
                    .map(|(start, end)| {
                        let buf = &buf;
                        let progress = &progress;
                        async move {
                            let resp = net::fetch(url, Some((start, end)), signal).await?;
                            if resp.status() != 206 {
                                return Err(LoadError::Browser(format!(
                                    "the server ignored a range request (status {})",
                                    resp.status()
                                )));
                            }
                            let mut at = start;
                            let mut check = PartCheck::new(url, Some(end - start), None);
                            net::read_body(&resp, url, cancelled, &mut |chunk| {
                                check.update(chunk)?;
                                let to = at + chunk.len() as u64;
                                buf.borrow_mut()[at as usize..to as usize].copy_from_slice(chunk);
                                at = to;
                                progress.add(chunk.len() as u64);
                                Ok(())
                            })
                            .await?;
                            check.finish()
                        }
                    });
            for r in join_all(jobs).await {
                r?;
            }
            buf.into_inner()
        }
        None => {
            // No ranges: the probe's own response is the whole file.
            let len = probe
                .headers()
                .get("content-length")
                .ok()
                .flatten()
                .and_then(|s| s.parse::<u64>().ok());
            if let Some(n) = len.filter(|&n| n > MAX_MODEL_BYTES) {
                return Err(too_big(n));
            }
            let progress = Progress::new(Phase::Download, len.unwrap_or(0));
            let check = PartCheck::new(url, len, None);
            read_part(&probe, url, check, len.unwrap_or(0), &progress, cancelled).await?
        }
    };
    if let Some(c) = &cache {
        if let Err(e) = cache::put(c, url, url, &bytes).await {
            post(&Event::Warning {
                kind: e.kind(),
                message: e.to_string(),
            });
        }
    }
    Ok((bytes, false))
}

/// A local file, read in chunks inside the worker (never uploaded).
async fn from_file(file: &File, cancelled: &dyn Fn() -> bool) -> Result<Vec<u8>, Failure> {
    let size = file.size() as u64;
    if size > MAX_MODEL_BYTES {
        return Err(Failure::new(
            ErrorKind::Unsupported,
            format!(
                "the file has {size} bytes; the browser engine loads models up to {MAX_MODEL_BYTES} bytes"
            ),
        ));
    }
    let progress = Progress::new(Phase::Read, size);
    let mut bytes = Vec::with_capacity(size as usize);
    net::read_file(file, cancelled, &mut |chunk| {
        bytes.extend_from_slice(chunk);
        progress.add(chunk.len() as u64);
        Ok(())
    })
    .await?;
    Ok(bytes)
}
