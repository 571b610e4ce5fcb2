//! Where each attempt connects: a [`Provider`] called before every attempt for a fresh
//! URL (and subprotocols), such as one that carries a token that expires.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::{pin, Pin};
use core::task::Poll;
use core::time::Duration;
use std::rc::Rc;

use crate::timer::Timeout;

/// How long a provider may take unless set: 10 s.
pub const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Where one attempt connects: a URL and, if set, the subprotocols to offer (else the
/// builder's).
///
/// ```
/// use wasm_websocket::reconnect::Endpoint;
///
/// let plain: Endpoint = "wss://example.com/feed?token=abc".into();
/// assert_eq!(plain.url(), "wss://example.com/feed?token=abc");
/// assert_eq!(plain.offered_protocols(), None);
/// let chat = Endpoint::new("wss://example.com/chat").protocols(["chat.v2"]);
/// assert_eq!(chat.offered_protocols(), Some(&["chat.v2".to_owned()][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    protocols: Option<Vec<String>>,
}

impl Endpoint {
    /// An endpoint at `url` that offers the builder's subprotocols.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            protocols: None,
        }
    }

    /// Offers these subprotocols, in order of preference, instead of the builder's
    /// (none for an empty list).
    #[must_use]
    pub fn protocols<I, S>(mut self, protocols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protocols = Some(protocols.into_iter().map(Into::into).collect());
        self
    }

    /// The URL (checked when the attempt is made, as the builder's is).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The subprotocols offered instead of the builder's, if set.
    #[must_use]
    pub fn offered_protocols(&self) -> Option<&[String]> {
        self.protocols.as_deref()
    }

    pub(crate) fn into_parts(self) -> (String, Option<Vec<String>>) {
        (self.url, self.protocols)
    }
}

impl From<String> for Endpoint {
    fn from(url: String) -> Self {
        Self::new(url)
    }
}

impl From<&str> for Endpoint {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

/// Why a [`Provider`] gave no endpoint. The attempt counts as failed
/// ([`Event::ProviderFailed`](super::Event::ProviderFailed)), and the retry policy
/// decides what comes next, as for any failed attempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The provider returned (or its future resolved with) an error.
    #[error("the endpoint provider failed: {message}")]
    Failed {
        /// The error, as the provider's error type displays it.
        message: String,
    },
    /// The provider's future did not resolve within its
    /// [timeout](Provider::timeout); it was dropped.
    #[error("the endpoint provider did not answer within {after:?}")]
    Timeout {
        /// The provider's timeout.
        after: Duration,
    },
}

/// What a provider returns: its future, boxed.
type Provided = Pin<Box<dyn Future<Output = Result<Endpoint, ProviderError>>>>;

/// Gives the [`Endpoint`] (URL and subprotocols) of each attempt of a
/// [`ReconnectingWebSocket`](crate::ReconnectingWebSocket): it is called once before
/// every attempt, the first connection's included, so that each attempt can carry a
/// fresh token.
///
/// It may be synchronous ([`from_fn`](Self::from_fn)) or asynchronous
/// ([`new`](Self::new), a closure that returns a future: fetch a token, then build the
/// URL). An error, or a future that does not resolve within the
/// [timeout](Self::timeout) (10 s by default), counts as a failed attempt: the stream
/// reports [`Event::ProviderFailed`](super::Event::ProviderFailed), and the retry
/// policy decides the delay before the next attempt (which calls the provider again),
/// as for a failed connection. The loop never waits on a provider longer than its
/// timeout.
///
/// The builder's URL is not used then, but its other options are (subprotocols
/// unless the endpoint sets its own). An invalid URL or subprotocol from a provider is
/// a failed attempt like another (the next call may give a good one), not the end of
/// the socket.
///
/// Cheap to clone (clones share the closure); two providers are equal when they share
/// it and their timeouts.
///
/// # Example
///
/// ```no_run
/// use wasm_websocket::reconnect::{Endpoint, Provider, ReconnectConfig};
/// use wasm_websocket::{ReconnectingWebSocket, WebSocket};
///
/// # async fn fetch_token() -> Result<String, String> { Ok(String::new()) }
/// let provider = Provider::new(|| async {
///     let token = fetch_token().await?;
///     Ok::<_, String>(Endpoint::new(format!("wss://example.com/feed?token={token}")))
/// });
/// // The builder's URL is not used: each attempt asks the provider.
/// let ws = ReconnectingWebSocket::new(
///     WebSocket::builder("wss://example.com/feed"),
///     ReconnectConfig::default().provider(Some(provider)),
/// );
/// ```
#[derive(Clone)]
pub struct Provider {
    call: Rc<RefCell<dyn FnMut() -> Provided>>,
    timeout: Duration,
}

impl Provider {
    /// An asynchronous provider: `provide` returns a future of the endpoint (anything
    /// that converts into one, a `String` for example) or of an error that displays.
    pub fn new<F, Fut, T, E>(mut provide: F) -> Self
    where
        F: FnMut() -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
        T: Into<Endpoint>,
        E: fmt::Display,
    {
        Self::boxed(move || {
            let future = provide();
            Box::pin(async move { future.await.map(Into::into).map_err(failed) })
        })
    }

    /// A synchronous provider: `provide` returns the endpoint (anything that converts
    /// into one) or an error that displays.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use wasm_websocket::reconnect::Provider;
    ///
    /// let calls = Rc::new(Cell::new(0));
    /// let counter = Rc::clone(&calls);
    /// let provider = Provider::from_fn(move || {
    ///     counter.set(counter.get() + 1);
    ///     Ok::<_, &str>(format!("wss://example.com/feed?attempt={}", counter.get()))
    /// });
    /// # let _ = provider;
    /// ```
    pub fn from_fn<F, T, E>(mut provide: F) -> Self
    where
        F: FnMut() -> Result<T, E> + 'static,
        T: Into<Endpoint>,
        E: fmt::Display,
    {
        Self::boxed(move || {
            let result = provide().map(Into::into).map_err(failed);
            Box::pin(core::future::ready(result))
        })
    }

    fn boxed(call: impl FnMut() -> Provided + 'static) -> Self {
        Self {
            call: Rc::new(RefCell::new(call)),
            timeout: DEFAULT_PROVIDER_TIMEOUT,
        }
    }

    /// How long the provider's future may take before the attempt counts as failed
    /// ([`ProviderError::Timeout`]); default 10 s. At most
    /// [`MAX_TIMER_DELAY`](crate::MAX_TIMER_DELAY) (a longer one is lowered to it).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(crate::MAX_TIMER_DELAY);
        self
    }

    /// Calls the provider and awaits its endpoint, within the timeout.
    pub(crate) async fn provide(&self) -> Result<Endpoint, ProviderError> {
        // The closure runs now, with no borrow of the socket's state held.
        let future = match self.call.try_borrow_mut() {
            Ok(mut call) => call(),
            // Only if the provider called itself; never panic on user code.
            Err(_) => {
                return Err(ProviderError::Failed {
                    message: "the provider was called while it was running".to_owned(),
                })
            }
        };
        let mut future = pin!(future);
        let mut timer = Timeout::new(crate::timer::millis(self.timeout));
        core::future::poll_fn(|cx| {
            if let Poll::Ready(result) = future.as_mut().poll(cx) {
                return Poll::Ready(result);
            }
            match Pin::new(&mut timer).poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(ProviderError::Timeout {
                    after: self.timeout,
                })),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }
}

fn failed(error: impl fmt::Display) -> ProviderError {
    ProviderError::Failed {
        message: error.to_string(),
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Provider {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.call, &other.call) && self.timeout == other.timeout
    }
}
