//! One change to the JavaScript glue wasm-bindgen writes for the npm package: a
//! second `free()` does nothing.
//!
//! wasm-bindgen's `free()` takes the object's pointer (leaving 0 in its place) and
//! hands it to Rust, which throws "null pointer passed to rust" for 0. So a second
//! `free()` throws, and so does the end of a `using` block (`[Symbol.dispose]()`
//! calls `free()`) for a socket freed inside it, which the package's README shows
//! and its tests do. Every `free()` gets `if (ptr === 0) return;` after it takes the
//! pointer: freeing is then idempotent, as `close()` is. Other methods called after
//! `free()` still throw.

use std::path::Path;

use anyhow::{bail, Context, Result};

/// What wasm-bindgen writes to start a class's `free()`.
const FREE: &str = "free() {";
/// Its first statement (after a guard against cross-class dispatch, for classes that
/// take part in inheritance, which this package's do not).
const TAKE: &str = "const ptr = this.__destroy_into_raw();";
const GUARD: &str = "if (ptr === 0) return;";

/// Adds the guard to every `free()` in the `.js` files directly in `dir`; returns
/// how many it changed.
///
/// # Errors
/// If a file cannot be read or written, or a `free()` is not shaped as expected
/// (wasm-bindgen changed its glue: the change must be looked at again).
pub fn idempotent_free(dir: &Path) -> Result<usize> {
    let mut changed = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (patched, count) = guarded(&text).with_context(|| format!("in {}", path.display()))?;
        if count > 0 {
            std::fs::write(&path, patched)
                .with_context(|| format!("cannot write {}", path.display()))?;
            changed += count;
        }
    }
    Ok(changed)
}

/// `text` with the guard after the first statement of each `free()`, and how many.
fn guarded(text: &str) -> Result<(String, usize)> {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    let mut count = 0;
    while let Some(at) = rest.find(FREE) {
        let (before, from) = rest.split_at(at + FREE.len());
        out.push_str(before);
        // The statement on the next line, with its indentation.
        let Some(line_end) = from.find(TAKE).map(|i| i + TAKE.len()) else {
            bail!("a free() without `{TAKE}`");
        };
        let (head, after) = from.split_at(line_end);
        if !head.trim_start().starts_with(TAKE) {
            bail!(
                "a free() whose first statement is not `{TAKE}`: {}",
                head.trim()
            );
        }
        if after.trim_start().starts_with(GUARD) {
            bail!("a free() already guarded: the glue was patched twice");
        }
        let indent = head
            .rsplit('\n')
            .next()
            .map_or("", |line| &line[..line.len() - line.trim_start().len()]);
        out.push_str(head);
        out.push('\n');
        out.push_str(indent);
        out.push_str(GUARD);
        rest = after;
        count += 1;
    }
    out.push_str(rest);
    Ok((out, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = "export class WasmSocket {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        WasmSocketFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_wasmsocket_free(ptr, 0);
    }
    [Symbol.dispose]() { this.free(); }
}
";

    #[test]
    fn each_free_returns_early_once_the_pointer_is_gone() -> Result<()> {
        let two = format!("{GENERATED}{}", GENERATED.replace("WasmSocket", "Other"));
        let (patched, count) = guarded(&two)?;
        assert_eq!(count, 2);
        assert_eq!(patched.matches(GUARD).count(), 2);
        assert!(patched.contains(
            "    free() {
        const ptr = this.__destroy_into_raw();
        if (ptr === 0) return;
        wasm.__wbg_wasmsocket_free(ptr, 0);
    }"
        ));
        // Nothing else changed.
        assert_eq!(patched.replace("\n        if (ptr === 0) return;", ""), two);
        Ok(())
    }

    #[test]
    fn glue_without_classes_is_left_alone() -> Result<()> {
        let text = "export function liveListeners() { return wasm.liveListeners(); }\n";
        assert_eq!(guarded(text)?, (text.to_owned(), 0));
        Ok(())
    }

    #[test]
    fn a_free_of_another_shape_or_patched_twice_is_an_error() {
        let other = GENERATED.replace(TAKE, "const p = this.__wbg_ptr;");
        assert!(guarded(&other).is_err());
        let moved = GENERATED.replace(
            "        const ptr = this.__destroy_into_raw();",
            "        check(this);\n        const ptr = this.__destroy_into_raw();",
        );
        assert!(guarded(&moved).is_err());
        let (once, _) = guarded(GENERATED).expect("first patch");
        assert!(guarded(&once).is_err());
    }
}
