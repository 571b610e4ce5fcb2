//! Subprotocol validation (`Sec-WebSocket-Protocol` values).

use crate::{Error, Result};

/// Checks a list of subprotocols as the WHATWG WebSocket constructor does: each must
/// be a non-empty HTTP token (RFC 9110 §5.6.2) and none may repeat.
///
/// # Errors
/// [`Error::InvalidProtocol`] naming the first offending subprotocol.
pub fn validate_protocols<S: AsRef<str>>(protocols: &[S]) -> Result<()> {
    for (i, protocol) in protocols.iter().enumerate() {
        let protocol = protocol.as_ref();
        let invalid = |reason: &str| Error::InvalidProtocol {
            protocol: protocol.to_owned(),
            reason: reason.to_owned(),
        };
        if protocol.is_empty() {
            return Err(invalid("a subprotocol may not be empty"));
        }
        if !protocol.bytes().all(is_token_char) {
            return Err(invalid(
                "a subprotocol may contain only letters, digits and !#$%&'*+-.^_`|~",
            ));
        }
        if protocols[..i].iter().any(|p| p.as_ref() == protocol) {
            return Err(invalid("the subprotocol is offered more than once"));
        }
    }
    Ok(())
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
