//! Integration tests: the server runs in-process on port 0 (the `binary` and
//! `memory` modules spawn the real executable), and every test is bounded by a
//! timeout.

mod admin;
mod binary;
mod closing;
mod common;
mod echo;
mod faults;
mod http;
mod lifecycle;
mod limits;
mod memory;
mod push;
mod robustness;
mod subprotocols;
mod tls;
