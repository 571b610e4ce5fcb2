//! Futures that wait on the socket: for it to open (with a timeout) and to close.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use std::rc::Rc;

use crate::timer::Timeout;

use crate::inbox::Waiter;
use crate::socket::{Core, Socket};
use crate::{CloseEvent, Error, Result};

/// Resolves with the [`CloseEvent`] once the socket has closed; see
/// [`WebSocketSender::closed`](crate::WebSocketSender::closed).
///
/// It does not keep the socket open: once every handle is dropped the socket closes
/// (code 1000), and this resolves with the event of that close.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Closed {
    socket: Rc<Core>,
    waiter: Waiter,
}

impl Closed {
    pub(crate) fn new(socket: Rc<Core>) -> Self {
        socket.add_closed_future();
        Self {
            socket,
            waiter: Waiter::default(),
        }
    }
}

impl Drop for Closed {
    fn drop(&mut self) {
        self.socket.remove_closed_future();
    }
}

impl Future for Closed {
    type Output = CloseEvent;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<CloseEvent> {
        let this = &mut *self;
        this.socket
            .inbox
            .borrow_mut()
            .poll_closed(cx, &mut this.waiter)
    }
}

/// Waits until the socket opens, fails, or the timeout elapses (then closes it).
pub(crate) struct Opened<'a> {
    socket: &'a Socket,
    timer: Option<(Timeout, Duration)>,
    waiter: Waiter,
}

impl<'a> Opened<'a> {
    pub(crate) fn new(socket: &'a Socket, timeout: Option<Duration>) -> Self {
        let timer = timeout.map(|after| (Timeout::new(crate::timer::millis(after)), after));
        Self {
            socket,
            timer,
            waiter: Waiter::default(),
        }
    }
}

impl Future for Opened<'_> {
    type Output = Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = &mut *self;
        if let Poll::Ready(result) = this
            .socket
            .inbox
            .borrow_mut()
            .poll_open(cx, &mut this.waiter)
        {
            return Poll::Ready(result);
        }
        if let Some((timer, after)) = &mut self.timer {
            if Pin::new(timer).poll(cx).is_ready() {
                let after = *after;
                // Some browsers leave a socket CONNECTING for minutes: give up on it.
                let _ = self.socket.raw.close_with_code_and_reason(1000, "");
                return Poll::Ready(Err(Error::Timeout { after }));
            }
        }
        Poll::Pending
    }
}
