//! Saving generated text (CSV, JSON, SVG) as a file, entirely in the browser.

use wasm_bindgen::JsCast;

/// Offers `contents` as a download named `filename`. Returns a readable error if the browser
/// refuses (no document, blocked object URLs).
pub fn download_text(filename: &str, mime: &str, contents: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not create a download link".to_string())?;
    let document = leptos::prelude::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| "could not create a link".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "could not create a link".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    // The click has started the download; the object URL can go.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Offers a `data:` or object URL (e.g. a PNG from the chart) as a download.
pub fn download_url(filename: &str, url: &str) -> Result<(), String> {
    let anchor = leptos::prelude::document()
        .create_element("a")
        .map_err(|_| "could not create a link".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "could not create a link".to_string())?;
    anchor.set_href(url);
    anchor.set_download(filename);
    anchor.click();
    Ok(())
}
