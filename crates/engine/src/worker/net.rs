//! Fetching model bytes with progress and cancellation, and reading local files.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, File, Headers, ReadableStreamDefaultReader, RequestInit, Response};

use super::js::{self, scope, wait};
use super::plan::LoadError;

/// Bytes read from a local file per step.
const FILE_CHUNK: u64 = 8 << 20;

fn fetch_error(url: &str, e: &JsValue) -> LoadError {
    if js::error_name(e).as_deref() == Some("AbortError") {
        LoadError::Cancelled
    } else {
        LoadError::Network {
            url: url.to_string(),
            reason: js::message(e),
        }
    }
}

/// Fetches `url` (the byte range `start..end` when given), failing on an error status. The
/// response is not stored in the HTTP cache: the model cache keeps its own copy.
pub async fn fetch(
    url: &str,
    range: Option<(u64, u64)>,
    signal: &AbortSignal,
) -> Result<Response, LoadError> {
    let init = RequestInit::new();
    init.set_signal(Some(signal));
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some((start, end)) = range {
        let h = Headers::new().map_err(|e| LoadError::Browser(js::message(&e)))?;
        h.set("Range", &format!("bytes={start}-{}", end.saturating_sub(1)))
            .map_err(|e| LoadError::Browser(js::message(&e)))?;
        init.set_headers_headers(&h);
    }
    let r = wait(scope().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| fetch_error(url, &e))?;
    let resp: Response = r
        .dyn_into()
        .map_err(|_| LoadError::Browser("fetch did not return a Response".into()))?;
    if !resp.ok() {
        return Err(LoadError::Http {
            url: url.to_string(),
            status: resp.status(),
        });
    }
    Ok(resp)
}

/// Reads a response body chunk by chunk, handing each chunk to `sink`; stops with
/// [`LoadError::Cancelled`] as soon as `cancelled()` says so.
pub async fn read_body(
    resp: &Response,
    url: &str,
    cancelled: &dyn Fn() -> bool,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let Some(body) = resp.body() else {
        return Ok(());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut buf = Vec::new();
    loop {
        if cancelled() {
            // Stopping the stream is best effort; the error says why.
            let _ = reader.cancel();
            return Err(LoadError::Cancelled);
        }
        let chunk = wait(reader.read())
            .await
            .map_err(|e| fetch_error(url, &e))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(|e| LoadError::Browser(js::message(&e)))?;
        let arr: Uint8Array = value
            .dyn_into()
            .map_err(|_| LoadError::Browser("a body chunk was not bytes".into()))?;
        buf.resize(arr.length() as usize, 0);
        arr.copy_to(&mut buf);
        sink(&buf)?;
    }
}

/// Reads a local file in chunks, handing each to `sink`.
pub async fn read_file(
    file: &File,
    cancelled: &dyn Fn() -> bool,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let size = file.size() as u64;
    let mut at = 0u64;
    let mut buf = Vec::new();
    while at < size {
        if cancelled() {
            return Err(LoadError::Cancelled);
        }
        let end = (at + FILE_CHUNK).min(size);
        let blob = file
            .slice_with_f64_and_f64(at as f64, end as f64)
            .map_err(|e| LoadError::Browser(js::message(&e)))?;
        let ab = wait(blob.array_buffer()).await.map_err(|e| {
            LoadError::Invalid(format!(
                "the browser could not read the file: {}",
                js::message(&e)
            ))
        })?;
        let arr = Uint8Array::new(&ab);
        buf.resize(arr.length() as usize, 0);
        arr.copy_to(&mut buf);
        sink(&buf)?;
        at = end;
    }
    Ok(())
}
