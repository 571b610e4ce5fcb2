//! Plain HTTP: refusals, 404, static files with their MIME types, and the headers
//! and checks that make them safe next to a browser:
//!
//! - `nosniff` on every response; static files forbid framing with a CSP header,
//!   an HTML page gets its own `<meta>` policy as that header
//! - percent-encoded path traversal (`%2e%2e`, `%2f`, double encoding, backslashes)
//!   never leaves the `--www` folder; a segment holding an encoded `/`, `\` or NUL
//!   is `404`
//! - a symlink in the folder that points out of it (folder or file) is `404`, one
//!   that points to another file inside is served
//! - dotfiles and dot-folders (`/.hidden`, `/.git/config`) are `404`, with the
//!   headers of every static response
//! - an empty segment (`//sub`, `/a//b`) is `404`, never a redirect to `//sub/`
//!   (which a browser would follow to the host `sub`)
//! - a `Host` that is not a loopback name (DNS rebinding) gets `403`, a missing
//!   one `400`, also for WebSocket paths and absolute request URIs; the server
//!   still serves a normal client afterwards; two `Host` headers get `400`, and a
//!   bracketed IPv6 host followed by anything but `:port` gets `403`

use std::fs;

use echo_server::Config;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::{
    assert_echo, config, connect, http_get, http_get_with, raw_exchange, raw_handshake, start,
    start_with, url, within, RawResponse,
};

async fn refused_status(server: &echo_server::Server, path: &str) -> u16 {
    match within(
        "connect",
        tokio_tungstenite::connect_async(url(server, path)),
    )
    .await
    {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected {path} to refuse the upgrade"),
    }
}

#[tokio::test]
async fn reject_refuses_with_403() {
    let server = start().await;
    assert_eq!(refused_status(&server, "/reject").await, 403);
    assert_eq!(http_get(server.local_addr(), "/reject").await.status, 403);
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let server = start().await;
    assert_eq!(refused_status(&server, "/nope").await, 404);
    assert_eq!(refused_status(&server, "/echo/extra").await, 404);
    assert_eq!(http_get(server.local_addr(), "/").await.status, 404);
    assert_eq!(
        http_get(server.local_addr(), "/index.html").await.status,
        404
    );
}

#[tokio::test]
async fn a_plain_request_to_a_websocket_path_is_refused() {
    let server = start().await;
    for path in [
        "/echo",
        "/close",
        "/abrupt?after=1",
        "/slow?ms=10",
        "/silent",
    ] {
        let response = http_get(server.local_addr(), path).await;
        assert_eq!(response.status, 426, "{path}");
        assert_eq!(response.header("upgrade"), Some("websocket"));
    }
    // The server is still fine.
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still here")).await;
}

#[tokio::test]
async fn serves_static_files_with_mime_types() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir(root.join("pkg")).expect("mkdir");
    let wasm: &[u8] = b"\0asm\x01\0\0\0";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n";
    let files: [(&str, &[u8], &str); 7] = [
        (
            "index.html",
            b"<!doctype html><h1>echo \xe2\x9c\x93</h1>",
            "text/html",
        ),
        ("app.js", b"console.log('js');", "text/javascript"),
        ("pkg/module.mjs", b"export const x = 1;", "text/javascript"),
        ("pkg/app_bg.wasm", wasm, "application/wasm"),
        ("style.css", b"body { color: red }", "text/css"),
        ("logo.png", png, "image/png"),
        ("data.json", b"{\"ok\":true}", "application/json"),
    ];
    for (name, body, _) in &files {
        fs::write(root.join(name), body).expect("write file");
    }
    let server = start_with(Config {
        www: Some(root.to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();

    for (name, body, mime) in &files {
        let response = http_get(addr, &format!("/{name}")).await;
        assert_eq!(response.status, 200, "/{name}");
        let content_type = response.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with(mime),
            "/{name}: content-type {content_type:?}, expected {mime}"
        );
        assert_eq!(&response.body[..], *body, "/{name}");
    }

    let index = http_get(addr, "/").await;
    assert_eq!(index.status, 200);
    assert!(index
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert_eq!(&index.body[..], files[0].1);

    assert_eq!(http_get(addr, "/missing.txt").await.status, 404);
    assert_eq!(http_get(addr, "/../etc/passwd").await.status, 404);

    // WebSocket paths win over files.
    fs::write(root.join("echo"), b"a file named echo").expect("write file");
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("paths first")).await;
    assert_eq!(http_get(addr, "/echo").await.status, 426);
    assert_eq!(http_get(addr, "/reject").await.status, 403);
}

#[tokio::test]
async fn image_png_is_a_png_without_cors_headers() {
    let server = start().await;
    let response = http_get(server.local_addr(), "/image.png").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("image/png"));
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(
        response.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert_eq!(response.body, echo_server::IMAGE_PNG);
    assert!(response.body.starts_with(b"\x89PNG\r\n\x1a\n"));
}

/// The demo page's policy, as its `<meta>` carries it.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ws: wss:; \
    base-uri 'none'; form-action 'none'";

#[tokio::test]
async fn responses_say_nosniff_and_static_files_forbid_framing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::write(
        root.join("index.html"),
        format!(
            "<!doctype html><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\"\n      content=\"{PAGE_POLICY}\">\n</head><p>demo</p>"
        ),
    )
    .expect("write index");
    fs::write(root.join("plain.html"), "<p>no policy</p>").expect("write page");
    fs::write(root.join("app.js"), "console.log(1);").expect("write script");
    let server = start_with(Config {
        www: Some(root.to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();

    let csp = |response: &RawResponse| {
        response
            .header("content-security-policy")
            .unwrap_or_default()
            .to_owned()
    };
    for path in ["/", "/index.html"] {
        let page = http_get(addr, path).await;
        assert_eq!(page.status, 200);
        assert_eq!(csp(&page), format!("{PAGE_POLICY}; frame-ancestors 'none'"));
        assert!(String::from_utf8_lossy(&page.body).contains("<p>demo</p>"));
    }
    let plain_page = http_get(addr, "/plain.html").await;
    assert_eq!(csp(&plain_page), "frame-ancestors 'none'");
    assert_eq!(plain_page.body, b"<p>no policy</p>");
    let script = http_get(addr, "/app.js").await;
    assert_eq!(csp(&script), "frame-ancestors 'none'");
    assert_eq!(http_get(addr, "/missing").await.status, 404);

    for path in ["/", "/app.js", "/missing", "/image.png", "/echo", "/reject"] {
        let response = http_get(addr, path).await;
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn percent_encoded_traversal_stays_inside_the_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let www = dir.path().join("www");
    fs::create_dir_all(www.join("sub")).expect("mkdir");
    fs::write(www.join("sub/page.txt"), "inside").expect("write page");
    fs::write(dir.path().join("secret.txt"), "SECRET").expect("write secret");
    let server = start_with(Config {
        www: Some(www),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    assert_eq!(http_get(addr, "/sub/page.txt").await.body, b"inside");
    // An encoded `/` does not separate segments: no such file.
    assert_eq!(http_get(addr, "/sub%2fpage.txt").await.status, 404);

    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/sub%2f..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/%00/../secret.txt",
    ] {
        let response = http_get(addr, path).await;
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {}",
            response.status
        );
        assert!(
            !String::from_utf8_lossy(&response.body).contains("SECRET"),
            "{path} leaked the file"
        );
    }
    // The raw bytes too, in case a client sends them unencoded.
    let raw = raw_exchange(
        addr,
        format!("GET /sub/../../secret.txt HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await;
    assert!(!String::from_utf8_lossy(&raw).contains("SECRET"));
}

#[tokio::test]
async fn host_names_other_than_loopback_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("index.html"), "<p>private</p>").expect("write index");
    let server = start_with(Config {
        www: Some(dir.path().to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    let port = addr.port();

    for host in [
        format!("Host: localhost:{port}"),
        format!("Host: 127.0.0.1:{port}"),
        format!("Host: [::1]:{port}"),
        "Host: LOCALHOST".to_owned(),
    ] {
        assert_eq!(
            http_get_with(addr, "/", &[&host]).await.status,
            200,
            "{host}"
        );
    }
    for host in [
        format!("Host: attacker.example:{port}"),
        "Host: attacker.example".to_owned(),
        format!("Host: 127.0.0.1.nip.io:{port}"),
        format!("Host: localhost.attacker.example:{port}"),
        format!("Host: 192.168.1.1:{port}"),
        "Host: [::1]evil.example".to_owned(),
        format!("Host: [::1]evil.example:{port}"),
        format!("Host: [::1]:{port}x"),
    ] {
        for path in ["/", "/image.png", "/missing"] {
            let response = http_get_with(addr, path, &[&host]).await;
            assert_eq!(response.status, 403, "{path} with {host}");
            assert!(!String::from_utf8_lossy(&response.body).contains("private"));
        }
        let (_tcp, response) = raw_handshake(addr, "/echo", &[&host]).await;
        assert_eq!(response.status, 403, "/echo with {host}");
    }
    // An absolute request URI naming another host.
    let absolute = raw_exchange(
        addr,
        format!("GET http://attacker.example:{port}/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await;
    assert!(String::from_utf8_lossy(&absolute).starts_with("HTTP/1.1 403"));
    // No Host at all (HTTP/1.0).
    let bare = raw_exchange(addr, b"GET / HTTP/1.0\r\n\r\n").await;
    assert!(
        String::from_utf8_lossy(&bare).starts_with("HTTP/1.0 400"),
        "{:?}",
        String::from_utf8_lossy(&bare)
    );
    // A normal client is still served.
    assert_eq!(http_get(addr, "/").await.body, b"<p>private</p>");
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still serving")).await;
}

/// The headers every static response carries, refusals included.
fn assert_static_headers(response: &RawResponse, path: &str) {
    assert_eq!(
        response.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(
        response.header("content-security-policy"),
        Some("frame-ancestors 'none'"),
        "{path}"
    );
    assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_out_of_the_folder_are_404() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let www = dir.path().join("www");
    let outside = dir.path().join("outside");
    fs::create_dir_all(www.join("sub")).expect("mkdir www");
    fs::create_dir_all(&outside).expect("mkdir outside");
    fs::write(outside.join("secret.txt"), "SECRET").expect("write secret");
    fs::write(outside.join("index.html"), "SECRET index").expect("write secret index");
    fs::write(www.join("real.txt"), "real").expect("write real");
    symlink(&outside, www.join("etcdir")).expect("symlink folder");
    symlink(outside.join("secret.txt"), www.join("leak.txt")).expect("symlink file");
    symlink("../outside/secret.txt", www.join("relative.txt")).expect("symlink relative");
    symlink(outside.join("index.html"), www.join("sub/index.html")).expect("symlink index");
    symlink("real.txt", www.join("alias.txt")).expect("symlink inside");
    symlink("../real.txt", www.join("sub/up.txt")).expect("symlink inside, up");
    let server = start_with(Config {
        www: Some(www),
        ..config()
    })
    .await;
    let addr = server.local_addr();

    for path in [
        "/etcdir/secret.txt",
        "/etcdir/",
        "/etcdir",
        "/etcdir/index.html",
        "/leak.txt",
        "/relative.txt",
        "/sub/",
        "/sub/index.html",
    ] {
        let response = http_get(addr, path).await;
        assert_eq!(response.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("SECRET"),
            "{path} leaked the file"
        );
        assert_static_headers(&response, path);
    }
    for path in ["/alias.txt", "/sub/up.txt", "/real.txt"] {
        let response = http_get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.body, b"real", "{path}");
    }
    assert_eq!(http_get(addr, "/etcdir/missing.txt").await.status, 404);
}

#[tokio::test]
async fn dotfiles_and_dot_folders_are_404() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    fs::create_dir_all(root.join("sub/.cache")).expect("mkdir .cache");
    fs::write(root.join(".hidden"), "HIDDEN").expect("write .hidden");
    fs::write(root.join(".git/config"), "HIDDEN config").expect("write config");
    fs::write(root.join(".git/index.html"), "HIDDEN page").expect("write page");
    fs::write(root.join("sub/.env"), "HIDDEN env").expect("write .env");
    fs::write(root.join("sub/.cache/x.js"), "HIDDEN js").expect("write js");
    fs::write(root.join("sub/visible.txt"), "visible").expect("write visible");
    let server = start_with(Config {
        www: Some(root.to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    for path in [
        "/.hidden",
        "/%2ehidden",
        "/.git/config",
        "/.git/",
        "/.git",
        "/.git/index.html",
        "/sub/.env",
        "/sub/.cache/x.js",
        "/sub/%2Eenv",
    ] {
        let response = http_get(addr, path).await;
        assert_eq!(response.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("HIDDEN"),
            "{path} leaked the file"
        );
        assert_eq!(response.header("location"), None, "{path}");
        assert_static_headers(&response, path);
        // The type of the refusal is the refusal's, not the path's.
        assert!(
            !response
                .header("content-type")
                .unwrap_or_default()
                .contains("javascript"),
            "{path}"
        );
    }
    assert_eq!(http_get(addr, "/sub/visible.txt").await.body, b"visible");
}

#[tokio::test]
async fn empty_segments_are_404_without_a_redirect() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("sub")).expect("mkdir sub");
    fs::write(root.join("sub/index.html"), "<p>sub</p>").expect("write page");
    fs::write(root.join("sub/b.txt"), "b").expect("write b");
    let server = start_with(Config {
        www: Some(root.to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    // A folder without its slash is redirected on the same host.
    let redirect = http_get(addr, "/sub").await;
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some("/sub/"));
    assert_eq!(http_get(addr, "/sub/").await.body, b"<p>sub</p>");
    assert_eq!(http_get(addr, "/sub/b.txt").await.body, b"b");
    for path in [
        "//sub",
        "//sub/",
        "/sub//b.txt",
        "/sub//",
        "//",
        "/%2fsub",
        "/sub/%00",
    ] {
        let response = http_get(addr, path).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.header("location"), None, "{path}");
        assert_static_headers(&response, path);
    }
}

#[tokio::test]
async fn two_host_headers_are_400_whatever_their_order() {
    let server = start().await;
    let addr = server.local_addr();
    let port = addr.port();
    let own = format!("Host: 127.0.0.1:{port}");
    let other = format!("Host: attacker.example:{port}");
    for pair in [[&own, &other], [&other, &own], [&own, &own]] {
        let response = http_get_with(addr, "/image.png", &[pair[0], pair[1]]).await;
        assert_eq!(response.status, 400, "{pair:?}");
        let (_tcp, response) = raw_handshake(addr, "/echo", &[pair[0], pair[1]]).await;
        assert_eq!(response.status, 400, "/echo with {pair:?}");
    }
    assert_eq!(http_get(addr, "/image.png").await.status, 200);
}
