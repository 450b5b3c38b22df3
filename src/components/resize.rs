//! Following an element's size: the charts resize with their box, and an embedded chart tells
//! the page around it how tall it is.

use leptos::html::Div;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Calls `on_resize` with the element behind `node` whenever its size changes (and once when it
/// is first observed). One `ResizeObserver`, created when the element mounts and disconnected
/// when the calling component is cleaned up. Where the browser has no `ResizeObserver`, nothing
/// is called: the element keeps its first size.
pub fn watch_size(node: NodeRef<Div>, on_resize: impl Fn(&web_sys::HtmlElement) + 'static) {
    let on_resize = Rc::new(on_resize);
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        let target: web_sys::HtmlElement = el.clone().unchecked_into();
        let on_resize = Rc::clone(&on_resize);
        let callback = Closure::<dyn FnMut()>::new(move || on_resize(&target));
        if let Ok(obs) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some((obs, callback)));
        }
    });
    on_cleanup(move || {
        let _ = observer.try_update_value(|o| {
            if let Some((obs, _)) = o.take() {
                obs.disconnect();
            }
        });
    });
}
