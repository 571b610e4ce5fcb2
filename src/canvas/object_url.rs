//! An object URL for a Blob, owned: revoked when dropped, on every path.

use web_sys::{Blob, Url};

use super::Result;

/// A `blob:` URL made by `URL.createObjectURL`, revoked on drop.
#[derive(Debug)]
pub(crate) struct ObjectUrl(String);

impl ObjectUrl {
    pub(crate) fn new(blob: &Blob) -> Result<Self> {
        Ok(Self(Url::create_object_url_with_blob(blob)?))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        // revokeObjectURL does not throw for any string; a Drop must not panic anyway.
        let _ = Url::revoke_object_url(&self.0);
    }
}
