//! Server configuration shared by the library and the command line.

use std::path::PathBuf;

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Default TCP port of the command line server.
pub const DEFAULT_PORT: u16 = 8080;

/// Default host the server binds to.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// Default limit for one WebSocket message (and one frame): 64 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;

/// How the server is bound and how it behaves.
///
/// `Config::default()` binds `127.0.0.1:8080`, allows 64 MiB messages, serves
/// no static files and logs nothing per connection. Tests use `port: 0` to get
/// a free port, then read it back from [`crate::Server::local_addr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Host name or IP address to bind, e.g. `127.0.0.1`, `::1` or `localhost`.
    pub host: String,
    /// TCP port to bind; `0` lets the operating system pick a free one.
    pub port: u16,
    /// Largest message (and frame) accepted on any WebSocket path, in bytes.
    /// A larger message makes the server close with code 1009.
    pub max_message_size: usize,
    /// Folder of static files served over plain HTTP on the same port.
    pub www: Option<PathBuf>,
    /// Log every connection and its errors to stderr.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: DEFAULT_HOST.to_owned(),
            port: DEFAULT_PORT,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            www: None,
            verbose: false,
        }
    }
}

impl Config {
    /// The tungstenite settings used for every accepted WebSocket: the frame
    /// limit equals the message limit so a large message fits in one frame.
    pub(crate) fn websocket_config(&self) -> WebSocketConfig {
        WebSocketConfig::default()
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size))
    }
}

/// Parses a byte size such as `1048576`, `64KiB`, `64K`, `16MiB`, `16M` or `1GiB`.
///
/// Suffixes are binary (powers of 1024) and case-insensitive.
///
/// # Errors
///
/// Returns a message when the text is not a number with an optional known
/// suffix, or when the result does not fit in `usize`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size in bytes (e.g. 1048576 or 64MiB)"))?;
    let multiplier: usize = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size suffix `{other}` (use KiB, MiB or GiB)"
            ))
        }
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn parses_plain_and_suffixed_sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("16m"), Ok(16 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(parse_size("").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999999999999").is_err());
    }
}
