//! How to reach the database, which key opens it, and the name of this node.

use std::fmt;

use crate::crypto::EncryptionKey;

/// Where the store lives and how to open it.
#[derive(Clone)]
pub struct StoreSettings {
    /// `sqlite:///path/to/homeward.sqlite3` (or a plain path), or `postgres://…`.
    pub url: String,
    /// The data key; `None` only works for a brand-new database... which then refuses to start.
    pub key: Option<EncryptionKey>,
    /// This node's name in the change log (server host name or laptop id).
    pub device: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
}

impl StoreSettings {
    /// Settings for a URL and key with defaults for the rest.
    pub fn new(url: impl Into<String>, key: Option<EncryptionKey>) -> Self {
        Self {
            url: url.into(),
            key,
            device: "local".into(),
            max_connections: 8,
        }
    }

    /// The URL with any password replaced, for logs and `homeward config`.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }
}

/// Replaces the password of a `scheme://user:password@host` URL with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if let Some((user, _)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSettings")
            .field("url", &self.redacted_url())
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("device", &self.device)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let s = StoreSettings::new(
            "postgres://hw:s3cret@db:5432/hw",
            Some(EncryptionKey::generate()),
        );
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret") && shown.contains("hw:***@db"));
    }
}
