//! `--www DIR`: static files over plain HTTP, with MIME types browsers need
//! (`application/wasm` for streaming compilation, `text/javascript` for modules).

use std::path::Path;

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue},
    response::Response,
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Content types set by file extension, overriding the generic guess.
const CONTENT_TYPES: [(&str, &str); 11] = [
    ("wasm", "application/wasm"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("txt", "text/plain; charset=utf-8"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
];

/// Content type of the file named by a URL path, when its extension is in the
/// table; `/` and folders serve `index.html`.
pub(crate) fn content_type_for(path: &str) -> Option<&'static str> {
    let file = path.rsplit('/').next().unwrap_or_default();
    let extension = if file.is_empty() {
        "html"
    } else {
        file.rsplit_once('.')?.1
    };
    CONTENT_TYPES
        .iter()
        .find(|(ext, _)| ext.eq_ignore_ascii_case(extension))
        .map(|(_, content_type)| *content_type)
}

/// A service-like handler serving files under `dir` (GET `/` → `index.html`),
/// answering 404 for missing files. Responses are marked `no-store` so a
/// rebuilt page or wasm module is never served stale from a browser cache.
pub(crate) fn handler(
    dir: &Path,
) -> impl Fn(Request) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    let serve_dir = ServeDir::new(dir);
    move |request: Request| {
        let serve_dir = serve_dir.clone();
        Box::pin(serve(serve_dir, request))
    }
}

async fn serve(serve_dir: ServeDir, request: Request) -> Response {
    let content_type = content_type_for(request.uri().path());
    let response = match serve_dir.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        if headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::content_type_for;

    #[test]
    fn maps_extensions() {
        assert_eq!(
            content_type_for("/pkg/app_bg.wasm"),
            Some("application/wasm")
        );
        assert_eq!(
            content_type_for("/app.MJS"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type_for("/"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type_for("/docs/"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type_for("/LICENSE"), None);
        assert_eq!(content_type_for("/a.unknown"), None);
    }
}
