//! Server configuration shared by the library and the command line.

use std::{path::PathBuf, time::Duration};

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Default TCP port of the command line server.
pub const DEFAULT_PORT: u16 = 8080;

/// Default host the server binds to.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// Default limit for one WebSocket message (and one frame): 4 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// Default cap on open connections (HTTP and WebSocket together).
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// Default time a client has to send a complete request head.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time a WebSocket may stay without receiving anything, or with a write
/// the client does not take.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How much an echo may queue before it is written (tungstenite's write buffer).
const WRITE_BUFFER: usize = 128 * 1024;

/// How the server is bound and how it behaves.
///
/// `Config::default()` binds `127.0.0.1:8080` (loopback only) with the limits
/// above, serves no TLS, serves no static files, has no admin paths and logs
/// nothing per connection. Tests use `port: 0` to get a free port, then read it
/// back from [`crate::Server::local_addr`].
///
/// What one connection can make the server hold is bounded by the message limit:
/// the message being read, the one being echoed and a 128 KiB write buffer, so at
/// most about three times `max_message_size`; `max_connections` bounds the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Host name or IP address to bind, e.g. `127.0.0.1`, `::1` or `localhost`. It is
    /// also accepted as a `Host` name, next to the loopback names. It must resolve to
    /// loopback addresses only, unless [`Config::allow_remote`] is set.
    pub host: String,
    /// Allow a `host` that resolves to an address other than loopback (such as
    /// `0.0.0.0`): every path is then served to every machine that can reach that
    /// address and names it in `Host` as the server knows it (`host` itself or a
    /// loopback name): to serve a phone on the LAN, bind the address it uses (such
    /// as `192.168.1.5`); with `0.0.0.0` only loopback names are answered, and a
    /// client that forges one is served too. The admin paths are still refused
    /// there.
    pub allow_remote: bool,
    /// TCP port to bind; `0` lets the operating system pick a free one.
    pub port: u16,
    /// A second TCP port serving the same routes over TLS (`https://`, `wss://`)
    /// with a self-signed certificate made at startup; `Some(0)` lets the operating
    /// system pick it, `None` serves no TLS.
    pub tls_port: Option<u16>,
    /// Largest message (and frame) accepted on any WebSocket path, in bytes.
    /// A larger message makes the server close with code 1009.
    pub max_message_size: usize,
    /// Most connections open at once (at least 1); one more is answered `503` and
    /// closed.
    pub max_connections: usize,
    /// Time to receive a complete request head (a connection kept alive waits at
    /// most this long for its next request); then the connection is closed.
    pub header_timeout: Duration,
    /// Time a WebSocket may receive nothing, or any write (a WebSocket message, an
    /// HTTP response) may wait for the client to read, before the server ends the
    /// connection.
    pub idle_timeout: Duration,
    /// Folder of static files served over plain HTTP on the same port.
    pub www: Option<PathBuf>,
    /// Serve the admin paths (`/admin/outage`, `/admin/requests`) for tests.
    pub admin: bool,
    /// Origins, besides the server's own, whose pages may use the admin paths,
    /// e.g. `http://127.0.0.1:8000` (a test runner's page).
    pub admin_origins: Vec<String>,
    /// Log every connection and its errors to stderr.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: DEFAULT_HOST.to_owned(),
            allow_remote: false,
            port: DEFAULT_PORT,
            tls_port: None,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            www: None,
            admin: false,
            admin_origins: Vec::new(),
            verbose: false,
        }
    }
}

impl Config {
    /// The tungstenite settings used for every accepted WebSocket: the frame
    /// limit equals the message limit so a large message fits in one frame, and the
    /// write buffer holds at most one message past its 128 KiB mark (an echo to a
    /// client that does not read waits for it instead of queueing more).
    pub(crate) fn websocket_config(&self) -> WebSocketConfig {
        WebSocketConfig::default()
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size))
            .write_buffer_size(WRITE_BUFFER)
            // Room for one message and its frame header past the mark.
            .max_write_buffer_size(
                WRITE_BUFFER
                    .saturating_add(self.max_message_size)
                    .saturating_add(64),
            )
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
    let (number, suffix) = split_number(text)
        .ok_or_else(|| format!("`{text}` is not a size in bytes (e.g. 1048576 or 64MiB)"))?;
    let multiplier: usize = match suffix.as_str() {
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
    usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("`{}` is too large", text.trim()))
}

/// Parses a duration such as `10` or `10s` (seconds), `500ms` or `2m`.
///
/// # Errors
///
/// Returns a message when the text is not a number with an optional known
/// suffix, when it is zero, or when it is absurdly large (over a day).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, suffix) = split_number(text)
        .ok_or_else(|| format!("`{text}` is not a duration (e.g. 10s, 500ms or 2m)"))?;
    let duration = match suffix.as_str() {
        "ms" => Duration::from_millis(number),
        "" | "s" => Duration::from_secs(number),
        "m" | "min" => Duration::from_secs(number.saturating_mul(60)),
        other => {
            return Err(format!(
                "unknown duration suffix `{other}` (use ms, s or m)"
            ))
        }
    };
    if duration.is_zero() {
        return Err("a timeout of zero would end every connection at once".to_owned());
    }
    if duration > Duration::from_secs(24 * 60 * 60) {
        return Err(format!("`{}` is longer than a day", text.trim()));
    }
    Ok(duration)
}

/// Splits `  12 MiB ` into `12` and `mib`; `None` without leading digits or when
/// the number does not fit in a `u64`.
fn split_number(text: &str) -> Option<(u64, String)> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    let number = digits.parse().ok()?;
    Some((number, suffix.trim().to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(parse_size("18446744073709551615GiB").is_err());
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2 m"), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn rejects_bad_durations() {
        assert!(parse_duration("").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5 fortnights").is_err());
        assert!(parse_duration("2d").is_err());
        assert!(parse_duration("100000000m").is_err());
    }

    #[test]
    fn the_default_is_loopback_only() {
        let config = Config::default();
        assert_eq!(config.host, "127.0.0.1");
        assert!(!config.allow_remote);
        assert!(!config.admin);
    }

    #[test]
    fn the_write_buffer_holds_one_message_past_its_mark() {
        let config = Config::default().websocket_config();
        assert_eq!(config.max_message_size, Some(DEFAULT_MAX_MESSAGE_SIZE));
        assert_eq!(config.max_frame_size, Some(DEFAULT_MAX_MESSAGE_SIZE));
        assert!(config.max_write_buffer_size > config.write_buffer_size + DEFAULT_MAX_MESSAGE_SIZE);
    }
}
