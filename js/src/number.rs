//! Numbers in error messages, shown as Rust's `{}` shows an `f64` (`0.5`, `1e21` as
//! `1000000000000000000000`, `1.5e-7` as `0.00000015`, `inf`, `NaN`, `-0`), with the
//! digits from the browser's `Number.prototype.toString`: the same shortest digits
//! that round-trip, without the 10 KB of float formatting code Rust's `{}` compiles
//! into the package. (Compared once with `{}` on 400,000 numbers from Node: they
//! differ only in the last of 17 digits when a number lies exactly halfway between
//! two shortest forms, which JavaScript rounds to even and Rust up:
//! `25297913594843.812` here, `25297913594843.813` from `{}`.)

/// `x` as `format!("{x}")` shows it.
pub(crate) fn number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    plain_decimal(&number_string(x))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// JavaScript's `String(x)` for a number (`Number.prototype.toString()`).
    #[wasm_bindgen(js_name = String)]
    fn number_string(x: f64) -> String;
}

/// The browser's form of a finite number, without its exponent: `1.5e-7` becomes
/// `0.00000015` and `1e+21` `1000000000000000000000` (it writes one for numbers under
/// 1e-6 and from 1e21 on; Rust's `{}` never does).
fn plain_decimal(js: &str) -> String {
    let Some((mantissa, exponent)) = js.split_once('e') else {
        return js.to_owned();
    };
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    // Bytes and a hand-made parse of the exponent (a sign and at most three digits):
    // `str::parse` and `char` iterators would double this function's size.
    let digits = mantissa.bytes().filter(|b| *b != b'.');
    let count = digits.clone().count();
    let shift = exponent
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0_usize, |n, b| n * 10 + usize::from(b - b'0'));
    let whole_digits = mantissa
        .bytes()
        .position(|b| b == b'.')
        .unwrap_or(mantissa.len());
    // Where the decimal point goes among the digits: `None` when before the first.
    let point = if exponent.starts_with('-') {
        whole_digits.checked_sub(shift).filter(|p| *p > 0)
    } else {
        Some(whole_digits + shift)
    };
    let mut out = String::from(sign);
    match point {
        None => {
            out.push_str("0.");
            for _ in 0..shift - whole_digits {
                out.push('0');
            }
            out.extend(digits.map(char::from));
        }
        Some(point) => {
            for (i, digit) in digits.enumerate() {
                if i == point {
                    out.push('.');
                }
                out.push(char::from(digit));
            }
            for _ in count..point {
                out.push('0');
            }
        }
    }
    out
}
