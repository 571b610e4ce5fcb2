//! Accepting connections: a cap on how many are open at once (HTTP and upgraded
//! WebSockets together, on both ports), on the TLS port a handshake that must end
//! within the request-head time limit, a time limit for each request head, a time
//! limit (the idle timeout) for every write a client does not take, then HTTP/1.1
//! with upgrades, served by hyper.

use std::{
    future::Future,
    io,
    pin::{pin, Pin},
    task::{Context, Poll},
    time::Duration,
};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::OwnedSemaphorePermit,
    time::{Instant, Sleep},
};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// How long a connection still answering gets when the server stops or an outage
/// starts; then it is dropped.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Pause after a failed `accept` (out of file descriptors, say) before the next.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// The answer to a connection over the cap, written without waiting for the client.
const TOO_MANY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\n\
x-content-type-options: nosniff\r\nretry-after: 1\r\nconnection: close\r\n\r\n\
too many connections\n";

/// A bound port: plain, or TLS through `tls`.
pub(crate) struct Listener {
    pub(crate) tcp: TcpListener,
    pub(crate) tls: Option<TlsAcceptor>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("tcp", &self.tcp)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

/// Accepts connections on `listener` until the server shuts down or `period`
/// (the current serving period, see `/admin/outage`) ends.
pub(crate) async fn accept_until(
    listener: &Listener,
    app: &Router,
    state: &AppState,
    period: &CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            () = state.shutdown.cancelled() => return,
            () = period.cancelled() => return,
            accepted = listener.tcp.accept() => accepted,
        };
        match accepted {
            Ok((tcp, _peer)) => admit(tcp, listener.tls.as_ref(), app, state, period),
            Err(err) => {
                state.log(format_args!("accept failed: {err}"));
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                    () = state.shutdown.cancelled() => return,
                    () = period.cancelled() => return,
                }
            }
        }
    }
}

/// Serves one accepted connection in a tracked task (after the TLS handshake, with
/// `tls`), or, over the cap, answers `503` without waiting and closes it.
fn admit(
    tcp: TcpStream,
    tls: Option<&TlsAcceptor>,
    app: &Router,
    state: &AppState,
    period: &CancellationToken,
) {
    let Ok(permit) = state.connections.clone().try_acquire_owned() else {
        // A fresh socket's send buffer is empty: this either goes out whole or the
        // client is gone already. (On the TLS port the client cannot read it, but
        // the connection is closed at once all the same.)
        let _ = tcp.try_write(TOO_MANY);
        state.log(format_args!("connection refused: too many connections"));
        return;
    };
    // Echo replies are small and flushed per batch: never wait for Nagle.
    let _ = tcp.set_nodelay(true);
    let counted = Counted::new(tcp, permit, state.idle_timeout);
    let (app, state, period) = (app.clone(), state.clone(), period.clone());
    let tracker = state.tracker.clone();
    match tls {
        None => {
            tracker.spawn(serve(counted, app, state, period));
        }
        Some(acceptor) => {
            let acceptor = acceptor.clone();
            tracker.spawn(async move {
                // The handshake gets as long as a request head.
                let handshake =
                    tokio::time::timeout(state.header_timeout, acceptor.accept(counted));
                let stream = tokio::select! {
                    done = handshake => done,
                    () = state.shutdown.cancelled() => return,
                    () = period.cancelled() => return,
                };
                match stream {
                    Ok(Ok(stream)) => serve(stream, app, state, period).await,
                    Ok(Err(err)) => state.log(format_args!("TLS handshake failed: {err}")),
                    Err(_) => state.log(format_args!("TLS handshake timed out")),
                }
            });
        }
    }
}

/// Serves HTTP/1.1 with upgrades on `io` until it ends, or until the server stops or
/// the period ends (then the request under way gets [`SHUTDOWN_GRACE`]).
async fn serve<S>(io: S, app: Router, state: AppState, period: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.header_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app))
        .with_upgrades();
    let mut connection = pin!(connection);
    tokio::select! {
        // The connection first: after the stop or the end of the period it is still
        // polled once, so a request the client has sent already is read (and then
        // answered) rather than dropped with a connection hyper sees as unused.
        biased;
        result = connection.as_mut() => {
            if let Err(err) = result {
                state.log(format_args!("connection ended: {err}"));
            }
            return;
        }
        () = state.shutdown.cancelled() => {}
        () = period.cancelled() => {}
    }
    // Finish the request under way, if any, then close.
    connection.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
}

/// A TCP stream holding one of the server's connection permits for as long as it
/// is open, also after an upgrade hands it to a WebSocket (and under TLS).
///
/// Every write is bounded: once a write (or flush) is pending, the client has
/// `write_timeout` to take some of it; any progress starts the wait anew. Past
/// that the write fails with [`io::ErrorKind::TimedOut`], which ends the
/// connection (and frees its permit) whatever is writing: hyper sending a response
/// to a client that does not read, or a WebSocket session.
#[derive(Debug)]
struct Counted {
    tcp: TcpStream,
    _permit: OwnedSemaphorePermit,
    write_timeout: Duration,
    /// Runs while a write is pending; `waiting` says whether it is armed.
    write_timer: Pin<Box<Sleep>>,
    waiting: bool,
}

impl Counted {
    fn new(tcp: TcpStream, permit: OwnedSemaphorePermit, write_timeout: Duration) -> Self {
        Self {
            tcp,
            _permit: permit,
            write_timeout,
            write_timer: Box::pin(tokio::time::sleep(write_timeout)),
            waiting: false,
        }
    }

    /// Passes on the result of a write: progress disarms the timer; a pending
    /// write arms it (if it was not armed) and fails once it runs out.
    fn bounded<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.waiting = false;
            return poll;
        }
        if !self.waiting {
            self.waiting = true;
            let deadline = Instant::now() + self.write_timeout;
            self.write_timer.as_mut().reset(deadline);
        }
        match self.write_timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took nothing for the idle timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.tcp).poll_write(cx, buf);
        self.bounded(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs);
        self.bounded(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.tcp).poll_flush(cx);
        self.bounded(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::TOO_MANY;

    #[test]
    fn the_refusal_is_a_complete_response() {
        let text = std::str::from_utf8(TOO_MANY).expect("ASCII");
        let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("content-length: {}", body.len())));
    }
}
