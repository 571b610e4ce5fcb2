//! `--www DIR`: static files over plain HTTP, with MIME types browsers need
//! (`application/wasm` for streaming compilation, `text/javascript` for modules).
//!
//! Every static response forbids framing with `Content-Security-Policy:
//! frame-ancestors 'none'`; an HTML page that sets its policy in a `<meta
//! http-equiv="Content-Security-Policy">` gets that policy as the header, with
//! `frame-ancestors 'none'` added (a `<meta>` policy cannot say `frame-ancestors`).
//! `X-Content-Type-Options: nosniff` is on every response of the server. Paths are
//! resolved by `tower-http`'s `ServeDir`, which decodes percent-escapes before it
//! refuses any `..` (so `%2e%2e` and `%2f` cannot leave the folder).

use std::path::Path;

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
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

/// The header of a response that carries no page policy.
const NO_FRAMING: &str = "frame-ancestors 'none'";

/// Largest HTML file whose `<meta>` policy is read (larger pages get [`NO_FRAMING`]).
const MAX_HTML_SCAN: usize = 1 << 20;

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
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html && response.status() == StatusCode::OK {
        return with_page_policy(response).await;
    }
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(NO_FRAMING),
    );
    response
}

/// Sets the `Content-Security-Policy` header of an HTML page from its `<meta>`
/// policy plus `frame-ancestors 'none'` (only that when it has none).
async fn with_page_policy(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let small = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|len| len <= MAX_HTML_SCAN);
    if !small {
        parts.headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NO_FRAMING),
        );
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HTML_SCAN).await else {
        return crate::handshake::plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file");
    };
    let policy = page_policy(&String::from_utf8_lossy(&bytes));
    let value = HeaderValue::from_str(&header_policy(policy.as_deref()))
        .unwrap_or_else(|_| HeaderValue::from_static(NO_FRAMING));
    parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    Response::from_parts(parts, Body::from(bytes))
}

/// The page's policy with `frame-ancestors 'none'` unless it has its own.
fn header_policy(page: Option<&str>) -> String {
    match page.map(|p| p.trim().trim_end_matches(';').trim_end()) {
        None | Some("") => NO_FRAMING.to_owned(),
        Some(policy) if policy.to_ascii_lowercase().contains("frame-ancestors") => {
            policy.to_owned()
        }
        Some(policy) => format!("{policy}; {NO_FRAMING}"),
    }
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`
/// tags (several are joined as a policy list), if it has any.
fn page_policy(html: &str) -> Option<String> {
    // ASCII lowercasing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let mut policies = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<meta") {
        let start = from + found;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &html[start..end];
        let is_csp = attribute(tag, "http-equiv")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"));
        if is_csp {
            if let Some(content) = attribute(tag, "content") {
                policies.push(decode_entities(content));
            }
        }
        from = end;
    }
    (!policies.is_empty()).then(|| policies.join(", "))
}

/// The value of attribute `name` (lowercase) in a start tag without its `>`.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        if !lower[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let Some(value) = tag[from..].trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &value[1..];
                &inner[..inner.find(quote).unwrap_or(inner.len())]
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_ascii_whitespace() || c == '/')
                    .unwrap_or(value.len());
                &value[..end]
            }
        });
    }
    None
}

/// Decodes the character references an attribute value is likely to hold.
fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::{content_type_for, header_policy, page_policy};

    #[test]
    fn lifts_the_pages_meta_policy() {
        let page = r#"<!doctype html><head><meta charset="utf-8">
  <META HTTP-EQUIV="Content-Security-Policy"
        content="default-src 'none'; script-src 'self'">
  <meta name="viewport" content="width=device-width"></head>"#;
        assert_eq!(
            page_policy(page).as_deref(),
            Some("default-src 'none'; script-src 'self'")
        );
        assert_eq!(
            page_policy(
                "<meta http-equiv='content-security-policy' content='img-src &apos;self&apos;'>"
            )
            .as_deref(),
            Some("img-src 'self'")
        );
        assert_eq!(page_policy("<meta name=\"viewport\" content=\"x\">"), None);
        assert_eq!(
            page_policy("<meta data-http-equiv=\"Content-Security-Policy\" content=\"x\">"),
            None
        );
        assert_eq!(page_policy("<p>no head</p>"), None);
        assert_eq!(
            page_policy("<meta http-equiv=\"Content-Security-Policy\""),
            None
        );
    }

    #[test]
    fn the_header_policy_always_forbids_framing() {
        assert_eq!(header_policy(None), "frame-ancestors 'none'");
        assert_eq!(
            header_policy(Some("default-src 'self';")),
            "default-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(
            header_policy(Some("frame-ancestors 'self'")),
            "frame-ancestors 'self'"
        );
    }

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
