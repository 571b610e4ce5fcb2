//! Counting test results in the output of test runners.
//!
//! `cargo test` (libtest) and `wasm-bindgen-test-runner` both end a test binary with
//! `test result: ok. 12 passed; 0 failed; 0 ignored; ...`; the JS API test driver
//! (`tests/js/run.mjs`) ends with `js-api: 33 passed, 0 failed`.

use std::fmt;
use std::ops::AddAssign;

/// Passed and failed test counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// Sums every `test result:` and `js-api:` line in `output`, returning `None` when
/// there is none.
pub fn parse(output: &str) -> Option<Counts> {
    let mut total: Option<Counts> = None;
    for line in output.lines() {
        if let Some(counts) = parse_line(&strip_ansi(line)) {
            *total.get_or_insert_with(Counts::default) += counts;
        }
    }
    total
}

/// Parses one `test result: ok. 12 passed; 0 failed; ...` or
/// `js-api: 12 passed, 0 failed` line.
fn parse_line(line: &str) -> Option<Counts> {
    let rest = match line.split_once("test result:") {
        Some((_, rest)) => rest,
        None => line.strip_prefix("js-api:")?,
    };
    let mut counts = Counts::default();
    let mut seen = false;
    for part in rest.split([';', '.', ',']) {
        let mut words = part.split_whitespace();
        let (Some(number), Some(label)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = number.parse::<u64>() else {
            continue;
        };
        match label {
            "passed" => counts.passed = n,
            "failed" => counts.failed = n,
            _ => continue,
        }
        seen = true;
    }
    seen.then_some(counts)
}

/// Removes ANSI escape sequences (colours) from `line`.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte (0x40..=0x7e).
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libtest_line() {
        let line = "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(
            parse(line),
            Some(Counts {
                passed: 12,
                failed: 0
            })
        );
    }

    #[test]
    fn sums_several_binaries_and_failures() {
        let out = "\
running 3 tests
test a ... ok
test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out

running 5 tests
test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.2s
";
        assert_eq!(
            parse(out),
            Some(Counts {
                passed: 7,
                failed: 1
            })
        );
    }

    #[test]
    fn ignores_other_lines_and_colours() {
        assert_eq!(parse("warning: 3 passed nothing\nall good"), None);
        let coloured = "test result: \u{1b}[32mok\u{1b}[0m. 4 passed; 0 failed; 0 ignored";
        assert_eq!(
            parse(coloured),
            Some(Counts {
                passed: 4,
                failed: 0
            })
        );
    }

    #[test]
    fn parses_the_js_api_line() {
        let out = "ok   connect (20 ms)\nFAIL close (3 ms): boom\njs-api: 32 passed, 1 failed\n";
        assert_eq!(
            parse(out),
            Some(Counts {
                passed: 32,
                failed: 1
            })
        );
        assert_eq!(parse("FAIL js-api: 3 passed"), None);
    }

    #[test]
    fn zero_tests_is_still_a_result() {
        let out = "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(parse(out), Some(Counts::default()));
    }

    #[test]
    fn display_is_the_summary_format() {
        let c = Counts {
            passed: 3,
            failed: 2,
        };
        assert_eq!(c.to_string(), "3 passed, 2 failed");
    }
}
