//! The model cache: downloaded parts kept in Cache Storage, so a second visit loads without the
//! network. Each entry is keyed by the part's URL and records, in headers, its size and the
//! model (manifest or file URL) it belongs to.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Cache, Headers, Request, Response, ResponseInit};

use super::js::{self, scope, wait};
use super::plan::LoadError;
use crate::protocol::{CachedModel, MODEL_CACHE};

const MODEL_HEADER: &str = "x-atlas-model";
const SIZE_HEADER: &str = "x-atlas-bytes";

fn browser(e: &JsValue) -> LoadError {
    LoadError::Browser(format!("the model cache failed: {}", js::message(e)))
}

/// Opens the model cache (fails where Cache Storage is unavailable, e.g. some private modes).
pub async fn open() -> Result<Cache, LoadError> {
    let storage = scope().caches().map_err(|e| browser(&e))?;
    let c = wait(storage.open(MODEL_CACHE))
        .await
        .map_err(|e| browser(&e))?;
    c.dyn_into()
        .map_err(|_| LoadError::Browser("caches.open returned no cache".into()))
}

/// The cached response for `url`, if any.
pub async fn get(cache: &Cache, url: &str) -> Result<Option<Response>, LoadError> {
    let r = wait(cache.match_with_str(url))
        .await
        .map_err(|e| browser(&e))?;
    if r.is_undefined() || r.is_null() {
        return Ok(None);
    }
    Ok(r.dyn_into().ok())
}

/// The size recorded with a cached response.
pub fn recorded_size(resp: &Response) -> Option<u64> {
    resp.headers()
        .get(SIZE_HEADER)
        .ok()
        .flatten()
        .and_then(|s| s.parse().ok())
}

/// Stores `bytes` under `url` as part of `model`. A full disk is [`LoadError::Quota`].
pub async fn put(cache: &Cache, url: &str, model: &str, bytes: &[u8]) -> Result<(), LoadError> {
    let arr = Uint8Array::new_with_length(bytes.len() as u32);
    arr.copy_from(bytes);
    let headers = Headers::new().map_err(|e| browser(&e))?;
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|e| browser(&e));
    set("content-type", "application/octet-stream")?;
    set(MODEL_HEADER, model)?;
    set(SIZE_HEADER, &bytes.len().to_string())?;
    let init = ResponseInit::new();
    init.set_headers_headers(&headers);
    let resp = Response::new_with_opt_buffer_source_and_init(Some(&arr), &init)
        .map_err(|e| browser(&e))?;
    wait(cache.put_with_str(url, &resp)).await.map_err(|e| {
        if js::error_name(&e).as_deref() == Some("QuotaExceededError") {
            LoadError::Quota(js::message(&e))
        } else {
            browser(&e)
        }
    })?;
    Ok(())
}

/// Cached models with the bytes each holds.
pub async fn list() -> Result<Vec<CachedModel>, LoadError> {
    let cache = open().await?;
    let keys = wait(cache.keys()).await.map_err(|e| browser(&e))?;
    let keys: Array = keys.unchecked_into();
    let mut models: Vec<CachedModel> = Vec::new();
    for k in keys.iter() {
        let Ok(req) = k.dyn_into::<Request>() else {
            continue;
        };
        let Some(resp) = get(&cache, &req.url()).await? else {
            continue;
        };
        let model = resp
            .headers()
            .get(MODEL_HEADER)
            .ok()
            .flatten()
            .unwrap_or_else(|| req.url());
        let bytes = recorded_size(&resp).unwrap_or(0);
        match models.iter_mut().find(|m| m.url == model) {
            Some(m) => m.bytes += bytes,
            None => models.push(CachedModel { url: model, bytes }),
        }
    }
    Ok(models)
}

/// Deletes every cached model.
pub async fn clear() -> Result<(), LoadError> {
    let storage = scope().caches().map_err(|e| browser(&e))?;
    wait(storage.delete(MODEL_CACHE))
        .await
        .map_err(|e| browser(&e))?;
    Ok(())
}

/// The browser's estimate of this site's storage use and quota, in bytes.
pub async fn estimate() -> (Option<u64>, Option<u64>) {
    let Ok(p) = scope().navigator().storage().estimate() else {
        return (None, None);
    };
    match wait(p).await {
        Ok(e) => (
            js::get_f64(&e, "usage").map(|v| v as u64),
            js::get_f64(&e, "quota").map(|v| v as u64),
        ),
        Err(_) => (None, None),
    }
}
