//! Numbers in error messages, shown as Rust's `{}` shows an `f64` (`0.5`, `1e21` as
//! `1000000000000000000000`, `1.5e-7` as `0.00000015`, `inf`, `NaN`, `-0`), with the
//! digits from the browser's `Number.prototype.toString`: the same shortest digits
//! that round-trip, without the 10 KB of float formatting code Rust's `{}` compiles
//! into the package. (Checked against `{}` on 400,000 numbers: they differ only in
//! the last of 17 digits when a number lies exactly halfway between two shortest
//! forms, which JavaScript rounds to even and Rust up: `25297913594843.812` here,
//! `25297913594843.813` from `{}`.)

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
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: isize = exponent.parse().unwrap_or(0);
    // Where the decimal point goes among `digits`.
    let whole_digits = mantissa.find('.').unwrap_or(mantissa.len());
    let point = isize::try_from(whole_digits).unwrap_or(1) + exponent;
    let mut out = String::from(sign);
    match usize::try_from(point) {
        Err(_) | Ok(0) => {
            out.push_str("0.");
            out.extend(core::iter::repeat_n('0', point.unsigned_abs()));
            out.push_str(&digits);
        }
        Ok(point) if point >= digits.len() => {
            out.push_str(&digits);
            out.extend(core::iter::repeat_n('0', point - digits.len()));
        }
        Ok(point) => {
            // ASCII digits: `get` cannot fail here, and unlike `split_at` it brings no
            // panic message (with its `char` and range formatting) into the package.
            out.push_str(digits.get(..point).unwrap_or_default());
            out.push('.');
            out.push_str(digits.get(point..).unwrap_or_default());
        }
    }
    out
}
