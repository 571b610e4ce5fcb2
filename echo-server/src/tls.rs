//! The TLS port (`--tls-port`): the same routes over `https://` and `wss://`, with a
//! self-signed certificate made at startup for the loopback names (and `--host`).
//!
//! The certificate lives only in memory and changes at every start; no browser
//! trusts it, so a test run tells its browser to accept it (Chromium's
//! `--ignore-certificate-errors`, WebDriver's `acceptInsecureCerts`), and a native
//! client trusts [`crate::Server::tls_certificate`]. The connection cap, the
//! request-head timeout (which also bounds the TLS handshake), the `Host` and
//! `Origin` checks and every limit are the plain port's.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::Error;

/// The names the certificate is made for, besides `--host`.
const CERTIFICATE_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A fresh self-signed certificate for the loopback names and `host`, and the
/// acceptor that presents it (TLS 1.2 and 1.3 through `ring`, HTTP/1.1 by ALPN).
///
/// # Errors
///
/// [`Error::Tls`] if the certificate cannot be made or rustls refuses it.
pub(crate) fn self_signed(host: &str) -> Result<(TlsAcceptor, CertificateDer<'static>), Error> {
    let mut names: Vec<String> = CERTIFICATE_NAMES.iter().map(|&n| n.to_owned()).collect();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if !host.is_empty() && !names.iter().any(|n| n == host) {
        names.push(host.to_owned());
    }
    let made = rcgen::generate_simple_self_signed(names).map_err(|e| Error::Tls(e.to_string()))?;
    let certificate = made.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
    // ring builds with a C compiler only (aws-lc-rs needs cmake). rustls deprecates
    // it for lacking post-quantum key exchange, which a loopback test server with a
    // throwaway certificate does not need.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![certificate.clone()], key)
        .map_err(|e| Error::Tls(e.to_string()))?;
    // hyper serves HTTP/1.1 only (WebSocket upgrades need it).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), certificate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_made_fresh_for_each_server() {
        let (_, first) = self_signed("127.0.0.1").expect("a certificate");
        let (_, second) = self_signed("127.0.0.1").expect("a certificate");
        assert_ne!(first, second);
    }
}
