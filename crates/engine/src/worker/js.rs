//! Small bindings to the worker's global scope.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::Event;

/// The worker's global scope.
pub fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts an event to the page.
pub fn post(event: &Event) {
    // Posting a string to the page cannot fail while the worker runs.
    let _ = scope().post_message(&JsValue::from_str(&event.to_json()));
}

/// Milliseconds since the worker started (high resolution).
pub fn now_ms() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Resolves on a later turn of the event loop, so queued messages (a `Stop`) are handled first.
/// A `MessageChannel` message is a task without the 4 ms clamp nested `setTimeout`s get.
pub async fn yield_now() {
    let promise = Promise::new(&mut |resolve, _| {
        let sent = web_sys::MessageChannel::new().and_then(|ch| {
            ch.port2().set_onmessage(Some(&resolve));
            ch.port1().post_message(&JsValue::NULL)
        });
        if sent.is_err() {
            // No channel: resolve at once (the caller still continues on a microtask).
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A readable message for a thrown JS value (an `Error`, a `DOMException`, or anything else).
pub fn message(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s;
    }
    let get = |k: &str| {
        Reflect::get(v, &JsValue::from_str(k))
            .ok()
            .and_then(|x| x.as_string())
    };
    match (get("name"), get("message")) {
        (Some(n), Some(m)) if !m.is_empty() => format!("{n}: {m}"),
        (Some(n), _) => n,
        (None, Some(m)) => m,
        (None, None) => format!("{v:?}"),
    }
}

/// The `name` of a thrown `DOMException` or `Error` (`QuotaExceededError`, `AbortError`, …).
pub fn error_name(v: &JsValue) -> Option<String> {
    Reflect::get(v, &JsValue::from_str("name"))
        .ok()
        .and_then(|x| x.as_string())
}

/// A property as a number, if it is one.
pub fn get_f64(v: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .and_then(|x| x.as_f64())
}

/// Awaits a promise.
pub async fn wait(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}
