//! The page's side of the inference worker: starts it, queues requests until it posts `Ready`,
//! and hands every [`Event`] to a callback. Messages are the typed [`atlas_engine::protocol`]
//! enums, carried as JSON; a local model file rides next to its request as a `File` handle, so
//! its bytes are read inside the worker (never on the main thread, never uploaded).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use atlas_engine::protocol::ErrorKind;
pub use atlas_engine::protocol::{Event, Request};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

/// The worker's entry script (`web/worker_start.js`, copied next to `index.html`): it loads
/// the engine Trunk builds (`worker.js`, `worker_bg.wasm`) and reports an Error if that fails.
pub const WORKER_SCRIPT: &str = "worker_start.js";

/// Why the worker could not be started.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the inference worker could not start: {0}")]
pub struct StartError(String);

type Outgoing = (String, Option<File>);

/// A running inference worker.
pub struct WorkerClient {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    queue: Rc<RefCell<Vec<Outgoing>>>,
    /// Why the worker failed before it was ready (its engine did not load): requests are then
    /// refused with that reason instead of queued for a worker that will never answer.
    dead: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn message_of(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            Reflect::get(v, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

fn post_raw(worker: &Worker, json: &str, file: Option<&File>) -> Result<(), JsValue> {
    let msg = Object::new();
    Reflect::set(&msg, &JsValue::from_str("json"), &JsValue::from_str(json))?;
    if let Some(f) = file {
        Reflect::set(&msg, &JsValue::from_str("file"), f)?;
    }
    worker.post_message(&msg)
}

impl WorkerClient {
    /// Starts the worker at `script_url`; `on_event` receives every event (a worker that fails
    /// to load or crashes shows up as an [`Event::Error`]).
    pub fn spawn(script_url: &str, on_event: impl Fn(Event) + 'static) -> Result<Self, StartError> {
        let worker = Worker::new(script_url).map_err(|e| StartError(message_of(&e)))?;
        let ready = Rc::new(Cell::new(false));
        let queue: Rc<RefCell<Vec<Outgoing>>> = Rc::default();
        let dead: Rc<RefCell<Option<String>>> = Rc::default();
        let on_event = {
            let ready = Rc::clone(&ready);
            let dead = Rc::clone(&dead);
            Rc::new(move |event: Event| {
                // The worker says Ready first, so an error before it means the engine never
                // loaded: later requests are refused with its reason.
                if let Event::Error { message, .. } = &event {
                    if !ready.get() {
                        *dead.borrow_mut() = Some(message.clone());
                    }
                }
                on_event(event)
            })
        };
        let on_message = {
            let on_event = Rc::clone(&on_event);
            let ready = Rc::clone(&ready);
            let queue = Rc::clone(&queue);
            let worker = worker.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                let Some(json) = ev.data().as_string() else {
                    return;
                };
                let event = match Event::from_json(&json) {
                    Ok(e) => e,
                    Err(e) => Event::Error {
                        kind: ErrorKind::Internal,
                        message: format!("the worker sent {e}"),
                    },
                };
                if matches!(event, Event::Ready { .. }) && !ready.replace(true) {
                    let pending: Vec<Outgoing> = queue.borrow_mut().drain(..).collect();
                    for (json, file) in pending {
                        if let Err(e) = post_raw(&worker, &json, file.as_ref()) {
                            on_event(Event::Error {
                                kind: ErrorKind::Internal,
                                message: message_of(&e),
                            });
                        }
                    }
                }
                on_event(event);
            })
        };
        let on_error = {
            let on_event = Rc::clone(&on_event);
            Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
                let detail = ev.message();
                on_event(Event::Error {
                    kind: ErrorKind::Internal,
                    message: if detail.is_empty() {
                        "the inference worker failed to load".to_string()
                    } else {
                        format!("the inference worker failed: {detail}")
                    },
                });
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            ready,
            queue,
            dead,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Whether the worker has posted `Ready`.
    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    /// Sends a request (queued until the worker is ready).
    pub fn send(&self, request: &Request) -> Result<(), StartError> {
        self.send_inner(request.to_json(), None)
    }

    /// Sends a request with a local file handle next to it.
    pub fn send_with_file(&self, request: &Request, file: File) -> Result<(), StartError> {
        self.send_inner(request.to_json(), Some(file))
    }

    fn send_inner(&self, json: String, file: Option<File>) -> Result<(), StartError> {
        if let Some(why) = self.dead.borrow().clone() {
            return Err(StartError(why));
        }
        if !self.ready.get() {
            self.queue.borrow_mut().push((json, file));
            return Ok(());
        }
        post_raw(&self.worker, &json, file.as_ref()).map_err(|e| StartError(message_of(&e)))
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
