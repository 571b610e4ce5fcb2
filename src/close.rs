//! Close codes, close reasons and the close event.

use core::fmt::{self, Write as _};

use crate::{Error, Result};

/// The longest close reason a page may send, in bytes of UTF-8 (RFC 6455 §5.5: a
/// control frame carries at most 125 bytes, two of which hold the code).
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// A WebSocket close code (RFC 6455 §7.4 and the IANA registry).
///
/// It converts losslessly to and from `u16`: `CloseCode::from(n).into() == n` for
/// every `n`.
///
/// ```
/// use wasm_websocket::CloseCode;
/// assert_eq!(CloseCode::from(1000), CloseCode::Normal);
/// assert_eq!(u16::from(CloseCode::Library(4001)), 4001);
/// assert!(CloseCode::Library(4001).is_sendable());
/// assert!(!CloseCode::Away.is_sendable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseCode {
    /// 1000: normal closure.
    Normal,
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    Away,
    /// 1002: protocol error.
    Protocol,
    /// 1003: a data type the endpoint cannot accept.
    Unsupported,
    /// 1005: no status code was present (never sent on the wire).
    NoStatus,
    /// 1006: the connection was closed without a closing handshake (never sent).
    Abnormal,
    /// 1007: data inconsistent with the message type (e.g. invalid UTF-8).
    Invalid,
    /// 1008: a policy violation.
    Policy,
    /// 1009: a message too big to process.
    Size,
    /// 1010: the client expected an extension the server did not negotiate.
    Extension,
    /// 1011: the server met an unexpected condition.
    Error,
    /// 1012: the service is restarting.
    Restart,
    /// 1013: try again later.
    Again,
    /// 1014: bad gateway.
    BadGateway,
    /// 1015: the TLS handshake failed (never sent).
    Tls,
    /// 1004 and 1016..=2999: reserved for the protocol.
    Reserved(u16),
    /// 3000..=3999: registered with IANA for libraries and frameworks.
    Iana(u16),
    /// 4000..=4999: private use by applications.
    Library(u16),
    /// 0..=999 and 5000 and above: not valid close codes.
    Bad(u16),
}

impl CloseCode {
    /// Whether a page may send this code with `close()`: 1000 or 3000..=4999
    /// (the WHATWG WebSocket standard throws `InvalidAccessError` for any other).
    #[must_use]
    pub fn is_sendable(self) -> bool {
        let code = u16::from(self);
        code == 1000 || (3000..=4999).contains(&code)
    }
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        match code {
            1000 => Self::Normal,
            1001 => Self::Away,
            1002 => Self::Protocol,
            1003 => Self::Unsupported,
            1005 => Self::NoStatus,
            1006 => Self::Abnormal,
            1007 => Self::Invalid,
            1008 => Self::Policy,
            1009 => Self::Size,
            1010 => Self::Extension,
            1011 => Self::Error,
            1012 => Self::Restart,
            1013 => Self::Again,
            1014 => Self::BadGateway,
            1015 => Self::Tls,
            1004 | 1016..=2999 => Self::Reserved(code),
            3000..=3999 => Self::Iana(code),
            4000..=4999 => Self::Library(code),
            _ => Self::Bad(code),
        }
    }
}

impl From<CloseCode> for u16 {
    fn from(code: CloseCode) -> Self {
        match code {
            CloseCode::Normal => 1000,
            CloseCode::Away => 1001,
            CloseCode::Protocol => 1002,
            CloseCode::Unsupported => 1003,
            CloseCode::NoStatus => 1005,
            CloseCode::Abnormal => 1006,
            CloseCode::Invalid => 1007,
            CloseCode::Policy => 1008,
            CloseCode::Size => 1009,
            CloseCode::Extension => 1010,
            CloseCode::Error => 1011,
            CloseCode::Restart => 1012,
            CloseCode::Again => 1013,
            CloseCode::BadGateway => 1014,
            CloseCode::Tls => 1015,
            CloseCode::Reserved(code)
            | CloseCode::Iana(code)
            | CloseCode::Library(code)
            | CloseCode::Bad(code) => code,
        }
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", u16::from(*self))
    }
}

/// Checks a close code and reason the way browsers do, before calling them.
///
/// # Errors
/// [`Error::InvalidCloseCode`] unless `code` is 1000 or in 3000..=4999;
/// [`Error::CloseReasonTooLong`] if `reason` is over 123 bytes of UTF-8.
pub fn validate_close(code: u16, reason: &str) -> Result<()> {
    if !CloseCode::from(code).is_sendable() {
        return Err(Error::InvalidCloseCode { code });
    }
    if reason.len() > MAX_CLOSE_REASON_BYTES {
        return Err(Error::CloseReasonTooLong {
            bytes: reason.len(),
        });
    }
    Ok(())
}

/// What the browser's `CloseEvent` said: the code, the reason and whether the closing
/// handshake completed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CloseEvent {
    /// The close code (1006 when the connection was lost or never opened).
    pub code: u16,
    /// The close reason the peer sent, possibly empty.
    pub reason: String,
    /// Whether the connection closed with a complete closing handshake.
    pub was_clean: bool,
}

impl CloseEvent {
    /// The code as a [`CloseCode`].
    #[must_use]
    pub fn close_code(&self) -> CloseCode {
        CloseCode::from(self.code)
    }
}

impl From<&web_sys::CloseEvent> for CloseEvent {
    fn from(event: &web_sys::CloseEvent) -> Self {
        Self {
            code: event.code(),
            reason: event.reason(),
            was_clean: event.was_clean(),
        }
    }
}

impl fmt::Display for CloseEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {}", self.code)?;
        if !self.reason.is_empty() {
            f.write_str(", reason ")?;
            write_quoted(f, &self.reason)?;
        }
        f.write_str(if self.was_clean {
            ", clean"
        } else {
            ", not clean"
        })
    }
}

/// `text` in double quotes as `{:?}` shows printable text: `"` and `\` escaped, `\t`,
/// `\r`, `\n` and `\0` as such, other ASCII control characters as `\u{1b}`, and every
/// other character as it is. (`{:?}` would also escape the non-ASCII characters that
/// Unicode does not print, with tables of them that cost every app about 1 KB gzip.)
fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '\n' => f.write_str("\\n")?,
            '\0' => f.write_str("\\0")?,
            c if c.is_ascii_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::CloseEvent;

    fn shown(reason: &str) -> String {
        CloseEvent {
            code: 4000,
            reason: reason.to_owned(),
            was_clean: true,
        }
        .to_string()
    }

    #[test]
    fn a_reason_is_quoted_as_debug_quotes_printable_text() {
        assert_eq!(shown(""), "code 4000, clean");
        let mut every_ascii: String = (0u8..=127).map(char::from).collect();
        every_ascii.push_str("héllo wörld ✓ 日本 🎉 'single'");
        for reason in [
            "bye",
            "say \"hi\"\\",
            "tab\tcr\rlf\nnul\0esc\u{1b}del\u{7f}",
            &every_ascii,
        ] {
            assert_eq!(
                shown(reason),
                format!("code 4000, reason {reason:?}, clean")
            );
        }
    }
}
