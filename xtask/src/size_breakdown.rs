//! Where the bytes go: each minimal app's optimised `.wasm` (built again with its
//! names kept, `wasm-opt -Oz -g`) read by twiggy, its items summed by what they
//! belong to (this crate, gloo-net, the allocator, formatting and panics, ...), and
//! the largest differences between the app with this crate and the one with gloo-net.
//!
//! The sizes are twiggy's shallow sizes in bytes of the `.wasm` before gzip; the name
//! section the profile needs is left out, so each column adds up to about the size
//! of the `.wasm` that ships.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::twiggy::Item;

/// What an item belongs to, from its name; the first rule that matches wins.
const GROUPS: [(&str, &[&str]); 11] = [
    ("wasm-websocket", &["wasm_websocket"]),
    (
        "gloo-net (and its futures-channel, futures-util)",
        &[
            "gloo_net",
            "gloo_utils",
            "futures_channel",
            "futures_util",
            "pin_project",
        ],
    ),
    (
        "the app's async fn (and what was inlined into it)",
        &[
            "future_to_promise::{{closure}}::{{closure}}",
            "run::{{closure}}",
        ],
    ),
    (
        "allocator (dlmalloc)",
        &[
            "dlmalloc",
            "__rust_alloc",
            "__rust_dealloc",
            "__rust_realloc",
            "__rdl_",
        ],
    ),
    (
        "panics and formatting (core::fmt)",
        &["fmt::", "panic", "Formatter"],
    ),
    (
        "futures executor (js-sys)",
        &["js_sys::futures", "wasm_bindgen_futures"],
    ),
    ("JS imports and exports", &["import ", "export "]),
    ("data (strings, constants)", &["data segment"]),
    (
        "wasm-bindgen, js-sys and web-sys glue",
        &[
            "wasm_bindgen",
            "__wbindgen",
            "__externref",
            "externref shim",
            "multivalue shim",
            "js_sys",
            "web_sys",
        ],
    ),
    (
        "alloc and core (Vec, Rc, RefCell, drop glue)",
        &[
            "alloc::", "core::", "std::", "memcpy", "memset", "memcmp", "memmove",
        ],
    ),
    (
        "module structure (types, tables, headers)",
        &[
            "type:",
            "section",
            "table",
            "elem",
            "memory",
            "code",
            "wasm magic",
        ],
    ),
];

/// The name of an item's group, or `None` for the name section (not shipped).
pub fn group(name: &str) -> Option<&'static str> {
    if name.contains("names\" subsection")
        || name.contains("\"module name\"")
        || name.contains("custom section 'name'")
    {
        return None;
    }
    Some(
        GROUPS
            .iter()
            .find(|(_, patterns)| patterns.iter().any(|p| name.contains(p)))
            .map_or("other", |(group, _)| group),
    )
}

/// What an item of the JS API package belongs to: its facade (the exported functions,
/// into which the argument checks are inlined, and `wasm_websocket_js`), the library's
/// canvas and reconnect modules and the rest of it, or [`group`]'s groups.
pub fn js_api_group(name: &str) -> Option<&'static str> {
    let first = name.split(' ').next().unwrap_or(name);
    if name.contains("wasm_websocket_js")
        || (name.ends_with(" shim") && !first.contains("::") && first.contains('_'))
    {
        Some("the JS API (wasm_websocket_js, its exported functions)")
    } else if name.contains("wasm_websocket::canvas") {
        Some("wasm-websocket: canvas")
    } else if name.contains("wasm_websocket::reconnect") {
        Some("wasm-websocket: reconnect")
    } else {
        group(name)
    }
}

/// The JS API package's bytes by [`js_api_group`], largest first, as a table.
pub fn js_api_table(name: &str, items: &[Item]) -> String {
    let mut groups: BTreeMap<&str, u64> = BTreeMap::new();
    for item in items {
        if let Some(group) = js_api_group(&item.name) {
            *groups.entry(group).or_insert(0) += item.shallow_size;
        }
    }
    let total: u64 = groups.values().sum();
    let mut rows: Vec<(&str, u64)> = groups.into_iter().collect();
    rows.sort_by_key(|(group, bytes)| (std::cmp::Reverse(*bytes), *group));
    let mut out = format!("\n| where the bytes go, {name} (bytes) | |\n|---|---:|\n");
    for (group, bytes) in rows {
        let _ = writeln!(out, "| {group} | {bytes} |");
    }
    let _ = writeln!(out, "| total | {total} |");
    out
}

/// The bytes of each group.
pub fn by_group(items: &[Item]) -> BTreeMap<&'static str, u64> {
    let mut groups = BTreeMap::new();
    for item in items {
        if let Some(group) = group(&item.name) {
            *groups.entry(group).or_insert(0) += item.shallow_size;
        }
    }
    groups
}

/// An item's name without what differs between two builds of the same code: the
/// symbol hash (`::h0123456789abcdef`), crate disambiguators (`[0123abcd]`) and the
/// app's own name in import paths (`./ours_bg.js::`).
pub fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match after.find(']') {
            Some(close) if after[1..close].bytes().all(|b| b.is_ascii_hexdigit()) && close > 1 => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    if let Some(at) = out.rfind("::h") {
        let hash = &out[at + 3..];
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.truncate(at);
        }
    }
    if let Some(start) = out.find("import ./") {
        if let Some(end) = out[start..].find("_bg.js::") {
            out.replace_range(start + "import ./".len()..start + end, "app");
        }
    }
    out
}

/// The differences in bytes, item by item (`theirs` to `ours`, same normalized name
/// summed), largest first by size; items of the name section left out.
pub fn differences(theirs: &[Item], ours: &[Item]) -> Vec<(String, i64)> {
    let mut deltas: BTreeMap<String, i64> = BTreeMap::new();
    let sized = |item: &Item| i64::try_from(item.shallow_size).unwrap_or(i64::MAX);
    for item in ours.iter().filter(|i| group(&i.name).is_some()) {
        *deltas.entry(normalized(&item.name)).or_insert(0) += sized(item);
    }
    for item in theirs.iter().filter(|i| group(&i.name).is_some()) {
        *deltas.entry(normalized(&item.name)).or_insert(0) -= sized(item);
    }
    let mut deltas: Vec<(String, i64)> = deltas.into_iter().filter(|(_, d)| *d != 0).collect();
    deltas.sort_by_key(|(name, delta)| (std::cmp::Reverse(delta.unsigned_abs()), name.clone()));
    deltas
}

/// The report: bytes by group for each build (named columns), then the largest
/// differences between the first two builds given, and the largest items of the first.
pub fn report(builds: &[(&str, &[Item])], top: usize) -> String {
    let mut out = String::new();
    let groups: Vec<BTreeMap<&str, u64>> =
        builds.iter().map(|(_, items)| by_group(items)).collect();
    let mut names: Vec<&str> = GROUPS.iter().map(|(name, _)| *name).collect();
    names.push("other");
    let _ = write!(out, "| where the bytes go (.wasm after wasm-opt, bytes) |");
    for (name, _) in builds {
        let _ = write!(out, " {name} |");
    }
    let _ = write!(out, "\n|---|");
    for _ in builds {
        let _ = write!(out, "---:|");
    }
    out.push('\n');
    for name in names {
        if groups.iter().all(|g| !g.contains_key(name)) {
            continue;
        }
        let _ = write!(out, "| {name} |");
        for g in &groups {
            let _ = write!(out, " {} |", g.get(name).copied().unwrap_or(0));
        }
        out.push('\n');
    }
    let _ = write!(out, "| total |");
    for g in &groups {
        let _ = write!(out, " {} |", g.values().sum::<u64>());
    }
    out.push('\n');
    if let [(ours_name, ours), (theirs_name, theirs), ..] = builds {
        let _ = writeln!(
            out,
            "\nlargest differences, {ours_name} against {theirs_name} (bytes; + is more in {ours_name}):"
        );
        for (name, delta) in differences(theirs, ours).into_iter().take(top) {
            let _ = writeln!(out, "{delta:>+7}  {}", shortened(&name));
        }
        out.push_str(&largest(ours_name, ours, top));
    }
    out
}

/// The largest items of one build, one a line (for a build with no counterpart to
/// compare with, such as the JS API package).
pub fn largest(name: &str, items: &[Item], top: usize) -> String {
    let mut out = format!("\nlargest items of {name} (bytes):\n");
    let mut items: Vec<&Item> = items.iter().filter(|i| group(&i.name).is_some()).collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.shallow_size));
    for item in items.into_iter().take(top) {
        let _ = writeln!(
            out,
            "{:>7}  {}",
            item.shallow_size,
            shortened(&normalized(&item.name))
        );
    }
    out
}

/// A name cut to 110 characters, for one line each.
fn shortened(name: &str) -> String {
    if name.chars().count() <= 110 {
        return name.to_owned();
    }
    let mut short: String = name.chars().take(109).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, size: u64) -> Item {
        Item {
            name: name.to_owned(),
            shallow_size: size,
        }
    }

    #[test]
    fn items_are_grouped_by_what_they_belong_to() {
        assert_eq!(
            group("wasm_websocket::inbox::Inbox::on_close::h1bcc35da0cc24c21"),
            Some("wasm-websocket")
        );
        assert_eq!(
            group(
                "<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<dlmalloc::sys::System>>::malloc"
            ),
            Some("allocator (dlmalloc)")
        );
        assert_eq!(
            group("core::ptr::drop_in_place<gloo_net::websocket::futures::WebSocket>::h2811d643e1b68635"),
            Some("gloo-net (and its futures-channel, futures-util)")
        );
        assert_eq!(
            group(
                "js_sys::futures::future_to_promise::{{closure}}::{{closure}}::h02b164e99f6e09a7"
            ),
            Some("the app's async fn (and what was inlined into it)")
        );
        assert_eq!(
            group("<core[c5930c85a12de822]::fmt::Formatter>::pad"),
            Some("panics and formatting (core::fmt)")
        );
        assert_eq!(group("\"function names\" subsection"), None);
        assert_eq!(group("something else"), Some("other"));
    }

    #[test]
    fn the_js_api_package_is_split_by_layer() {
        let items = [
            item("wasmsocket_sendCanvas externref shim", 1368),
            item("wasm_websocket_js::options::apply::h3d91399198498a8c", 2777),
            item(
                "wasm_websocket::canvas::header::Source::read::{{closure}}",
                820,
            ),
            item(
                "wasm_websocket::reconnect::driver::Driver::run::{{closure}}",
                7939,
            ),
            item("wasm_websocket::inbox::Inbox::wait", 577),
            item(
                "js_sys::Uint8Array::length::__wbg_length_1861 externref shim",
                45,
            ),
            item("\"function names\" subsection", 62218),
        ];
        assert_eq!(
            js_api_group(&items[0].name),
            Some("the JS API (wasm_websocket_js, its exported functions)")
        );
        assert_eq!(
            js_api_group(&items[5].name),
            Some("wasm-bindgen, js-sys and web-sys glue")
        );
        let text = js_api_table("the package", &items);
        assert!(
            text.ends_with(
                "| wasm-websocket: reconnect | 7939 |\n\
                 | the JS API (wasm_websocket_js, its exported functions) | 4145 |\n\
                 | wasm-websocket: canvas | 820 |\n\
                 | wasm-websocket | 577 |\n\
                 | wasm-bindgen, js-sys and web-sys glue | 45 |\n\
                 | total | 13526 |\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn names_lose_hashes_and_disambiguators() {
        assert_eq!(
            normalized("<core[c5930c85a12de822]::fmt::Formatter>::pad::h0123456789abcdef"),
            "<core::fmt::Formatter>::pad"
        );
        assert_eq!(
            normalized("import ./ours_bg.js::__wbg_send_cd51063ca1be4d0f"),
            "import ./app_bg.js::__wbg_send_cd51063ca1be4d0f"
        );
        assert_eq!(
            normalized("data segment \".rodata\""),
            "data segment \".rodata\""
        );
        assert_eq!(normalized("a[x]::h12"), "a[x]::h12");
    }

    #[test]
    fn differences_are_by_name_largest_first() {
        let ours = [
            item("a::h0123456789abcdef", 100),
            item("b", 10),
            item("c", 5),
        ];
        let theirs = [
            item("a::hfedcba9876543210", 40),
            item("b", 10),
            item("d", 80),
        ];
        assert_eq!(
            differences(&theirs, &ours),
            [
                ("d".to_owned(), -80),
                ("a".to_owned(), 60),
                ("c".to_owned(), 5)
            ]
        );
        let text = report(&[("ours", &ours), ("gloo", &theirs)], 2);
        assert!(text.contains("| other | 115 | 130 |"), "{text}");
        assert!(text.contains("| total | 115 | 130 |"), "{text}");
        assert!(text.contains("    -80  d\n    +60  a\n"), "{text}");
    }
}
