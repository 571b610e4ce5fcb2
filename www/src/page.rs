//! The page's elements, looked up once by id and typed.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// Every element the demo reads or writes.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) status: HtmlElement,
    pub(crate) socket_url: HtmlElement,
    pub(crate) response: HtmlElement,
    pub(crate) data: HtmlElement,
    pub(crate) source_info: HtmlElement,
    pub(crate) source: HtmlCanvasElement,
    pub(crate) destination: HtmlCanvasElement,
    pub(crate) text: HtmlInputElement,
    pub(crate) file: HtmlInputElement,
    pub(crate) format: HtmlSelectElement,
    pub(crate) connect: HtmlElement,
    pub(crate) disconnect: HtmlElement,
    pub(crate) send_text: HtmlElement,
    pub(crate) send_image: HtmlElement,
    pub(crate) send_pixels: HtmlElement,
    pub(crate) reset_source: HtmlElement,
}

impl Page {
    /// Finds every element, failing with the id of the first one missing.
    pub(crate) fn find(document: &Document) -> Result<Self, JsValue> {
        Ok(Self {
            status: by_id(document, "serverStatus")?,
            socket_url: by_id(document, "socketUrl")?,
            response: by_id(document, "serverResponse")?,
            data: by_id(document, "serverData")?,
            source_info: by_id(document, "sourceInfo")?,
            source: by_id(document, "source")?,
            destination: by_id(document, "destination")?,
            text: by_id(document, "textmessage")?,
            file: by_id(document, "imageFile")?,
            format: by_id(document, "imageFormat")?,
            connect: by_id(document, "connect")?,
            disconnect: by_id(document, "disconnect")?,
            send_text: by_id(document, "sendText")?,
            send_image: by_id(document, "sendImage")?,
            send_pixels: by_id(document, "sendPixels")?,
            reset_source: by_id(document, "resetSource")?,
        })
    }
}

/// Sets an element's text. Everything the demo shows goes through here (or another
/// `textContent`): nothing from the network is ever parsed as HTML.
pub(crate) fn show(element: &HtmlElement, text: &str) {
    element.set_text_content(Some(text));
}

fn by_id<T: JsCast>(document: &Document, id: &str) -> Result<T, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| js_sys::Error::new(&format!("the page has no element #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| {
            js_sys::Error::new(&format!("#{id} is not the kind of element expected")).into()
        })
}
