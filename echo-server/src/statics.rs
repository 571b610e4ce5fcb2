//! `--www DIR`: static files over plain HTTP, with MIME types browsers need
//! (`application/wasm` for streaming compilation, `text/javascript` for modules).
//!
//! Every static response forbids framing with `Content-Security-Policy:
//! frame-ancestors 'none'`; an HTML page that sets its policy in a `<meta
//! http-equiv="Content-Security-Policy">` gets that policy as the header, with
//! `frame-ancestors 'none'` added (a `<meta>` policy cannot say `frame-ancestors`).
//! `X-Content-Type-Options: nosniff` is on every response of the server.
//!
//! Before `tower-http`'s `ServeDir` sees a path, each of its segments is
//! percent-decoded and the path is refused with `404` (with the headers above and
//! `no-store`) when a segment starts with `.` (dotfiles, dot-folders, `..`), holds
//! `/`, `\` or NUL once decoded, or is empty anywhere but at the end (`//sub` would
//! be redirected to `//sub/`, another host to a browser); then when the file (or the
//! folder and its `index.html`) resolves, symlinks followed, outside the folder. A
//! missing file is left to `ServeDir`, which answers `404` too.

use std::{
    io,
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    response::Response,
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::handshake::plain;

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

/// A service-like handler serving files under `root` (GET `/` → `index.html`),
/// answering 404 for missing files and for paths that may not be served (see the
/// module). `root` must be canonical (every symlink resolved). Responses are marked
/// `no-store` so a rebuilt page or wasm module is never served stale from a browser
/// cache.
pub(crate) fn handler(
    root: PathBuf,
) -> impl Fn(Request) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    let serve_dir = ServeDir::new(&root);
    let root: Arc<Path> = Arc::from(root);
    move |request: Request| {
        let serve_dir = serve_dir.clone();
        let root = Arc::clone(&root);
        Box::pin(serve(serve_dir, root, request))
    }
}

async fn serve(serve_dir: ServeDir, root: Arc<Path>, request: Request) -> Response {
    let servable = match segments(request.uri().path()) {
        Some(segments) => resolves_inside(&root, &segments).await,
        None => false,
    };
    if !servable {
        return with_static_headers(plain(StatusCode::NOT_FOUND, "not found"), None).await;
    }
    let content_type = content_type_for(request.uri().path());
    let response = match serve_dir.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    with_static_headers(response.map(Body::new), content_type).await
}

/// Adds the headers of every static response: `content_type` (from the table, for
/// a file served), `no-store`, and the `Content-Security-Policy`.
async fn with_static_headers(
    mut response: Response,
    content_type: Option<&'static str>,
) -> Response {
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

/// The percent-decoded segments of a request path, or `None` if the path may not
/// be served: a segment that starts with `.` (`..`, dotfiles, dot-folders), holds
/// `/`, `\` or NUL once decoded, is not UTF-8, or is empty anywhere but at the end
/// (`/sub/` is a folder, `//sub` and `/a//b` are refused).
fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    let mut parts = rest.split('/').peekable();
    let mut segments = Vec::new();
    while let Some(part) = parts.next() {
        if part.is_empty() {
            if parts.peek().is_none() {
                break;
            }
            return None;
        }
        let segment = String::from_utf8(percent_decode(part)).ok()?;
        if segment.starts_with('.') || segment.contains(['/', '\\', '\0']) {
            return None;
        }
        segments.push(segment);
    }
    Some(segments)
}

/// `%XX` escapes decoded to bytes; a `%` not followed by two hex digits is kept.
fn percent_decode(text: &str) -> Vec<u8> {
    fn hex(byte: Option<&u8>) -> Option<u8> {
        char::from(*byte?)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%' {
            if let (Some(high), Some(low)) = (hex(bytes.get(at + 1)), hex(bytes.get(at + 2))) {
                decoded.push(high << 4 | low);
                at += 3;
                continue;
            }
        }
        decoded.push(byte);
        at += 1;
    }
    decoded
}

/// Whether the file `segments` names under `root` (canonical) stays under it with
/// every symlink followed, and for a folder its `index.html` too (what `ServeDir`
/// serves for it). A missing file passes: `ServeDir` answers `404`.
async fn resolves_inside(root: &Path, segments: &[String]) -> bool {
    let mut file = root.to_path_buf();
    file.extend(segments);
    let real = match tokio::fs::canonicalize(&file).await {
        Ok(real) => real,
        Err(err) => return err.kind() == io::ErrorKind::NotFound,
    };
    if !real.starts_with(root) {
        return false;
    }
    let is_dir = tokio::fs::metadata(&real)
        .await
        .is_ok_and(|metadata| metadata.is_dir());
    if !is_dir {
        return true;
    }
    match tokio::fs::canonicalize(real.join("index.html")).await {
        Ok(index) => index.starts_with(root),
        Err(err) => err.kind() == io::ErrorKind::NotFound,
    }
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
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file");
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
    use super::{content_type_for, header_policy, page_policy, percent_decode, segments};

    #[test]
    fn splits_and_decodes_servable_paths() {
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(
            segments("/sub/a%20b.txt"),
            Some(vec!["sub".to_owned(), "a b.txt".to_owned()])
        );
        assert_eq!(segments("/sub/"), Some(vec!["sub".to_owned()]));
        assert_eq!(
            segments("/a.b/c..d"),
            Some(vec!["a.b".to_owned(), "c..d".to_owned()])
        );
        assert_eq!(segments("/%252e"), Some(vec!["%2e".to_owned()]));
    }

    #[test]
    fn refuses_dots_separators_nul_and_empty_segments() {
        for path in [
            "",
            "*",
            "//",
            "//sub",
            "/a//b",
            "/sub//",
            "/.hidden",
            "/sub/.git/config",
            "/..",
            "/.",
            "/%2e%2e",
            "/%2Ehidden",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(segments(path), None, "{path}");
        }
    }

    #[test]
    fn percent_decoding_keeps_stray_percent_signs() {
        assert_eq!(percent_decode("a%2Fb%zz%4"), b"a/b%zz%4");
        assert_eq!(percent_decode("%e2%9c%93"), "✓".as_bytes());
    }

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
