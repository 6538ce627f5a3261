//! The wrapped key file: the data key sealed under a key derived from a passphrase, so the file
//! can sit beside the database and a copy of both still reads nothing without the passphrase.
//!
//! The format is versioned JSON. The passphrase goes through argon2id with a random salt and the
//! parameters written in the file (so they can be raised later without breaking old files); the
//! derived key seals the data key with XChaCha20-Poly1305, the AEAD the fields use. The header
//! (version, parameters, demo flag) is the associated data: changing any of it, for example to
//! mark a real key file as a demo one, makes the file fail to open rather than weaken it.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::EncryptionKey;

const FORMAT: &str = "homeward-wrapped-key";
const VERSION: u32 = 1;
const KDF: &str = "argon2id";
const CIPHER: &str = "xchacha20poly1305";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// Argon2id parameters for new files: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended
/// choice). Unwrapping takes a fraction of a second once at start; a thief guessing passphrases
/// pays the same for every guess.
pub const DEFAULT_MEMORY_KIB: u32 = 64 * 1024;
/// Passes over the memory for new files.
pub const DEFAULT_ITERATIONS: u32 = 3;
/// Lanes for new files.
pub const DEFAULT_PARALLELISM: u32 = 1;

// A file is untrusted input: parameters above these would let an altered file stall the start
// or exhaust memory instead of failing.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;

/// Why a wrapped key file could not be read or opened.
#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    /// The passphrase is not the one the key was wrapped with (or the file was altered).
    #[error("the passphrase does not open this key file: it is not the passphrase the key was wrapped with, or the file was altered")]
    WrongPassphrase,
    /// The file is not a wrapped key file this version understands.
    #[error(
        "the key file is not a Homeward wrapped key file ({0}); restore it from your key backup"
    )]
    Format(String),
    /// A newer Homeward wrote it.
    #[error(
        "the key file has format version {0}, which this Homeward does not know; upgrade Homeward"
    )]
    UnsupportedVersion(u32),
}

/// A data key sealed under a passphrase, as stored in the key file.
#[derive(Clone, Serialize, Deserialize)]
pub struct WrappedKey {
    format: String,
    version: u32,
    kdf: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
    cipher: String,
    nonce: String,
    wrapped_key: String,
    /// True when the passphrase is the public demo one: the data is invented, and every start
    /// says so.
    #[serde(default)]
    demo: bool,
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "WrappedKey(v{}, {} m={} t={} p={}, demo={})",
            self.version, self.kdf, self.memory_kib, self.iterations, self.parallelism, self.demo
        )
    }
}

impl WrappedKey {
    /// Wraps `key` under `passphrase` with the default parameters, a new salt and a new nonce.
    pub fn wrap(key: &EncryptionKey, passphrase: &str, demo: bool) -> Result<Self, WrapError> {
        Self::wrap_with(
            key,
            passphrase,
            demo,
            DEFAULT_MEMORY_KIB,
            DEFAULT_ITERATIONS,
            DEFAULT_PARALLELISM,
        )
    }

    fn wrap_with(
        key: &EncryptionKey,
        passphrase: &str,
        demo: bool,
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    ) -> Result<Self, WrapError> {
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut out = Self {
            format: FORMAT.into(),
            version: VERSION,
            kdf: KDF.into(),
            memory_kib,
            iterations,
            parallelism,
            salt: B64.encode(salt),
            cipher: CIPHER.into(),
            nonce: B64.encode(nonce),
            wrapped_key: String::new(),
            demo,
        };
        let kek = out.derive(passphrase)?;
        let sealed = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.bytes(),
                    aad: out.header().as_bytes(),
                },
            )
            // Only fails on inputs longer than 256 GiB.
            .unwrap_or_default();
        out.wrapped_key = B64.encode(sealed);
        Ok(out)
    }

    /// Opens the data key with `passphrase`.
    pub fn unwrap_key(&self, passphrase: &str) -> Result<EncryptionKey, WrapError> {
        self.check()?;
        let nonce = decode(&self.nonce, "nonce", NONCE_LEN)?;
        let sealed = B64
            .decode(&self.wrapped_key)
            .map_err(|_| WrapError::Format("wrapped_key is not base64".into()))?;
        let kek = self.derive(passphrase)?;
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &sealed,
                        aad: self.header().as_bytes(),
                    },
                )
                .map_err(|_| WrapError::WrongPassphrase)?,
        );
        let arr: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| WrapError::Format("the wrapped key is not 32 bytes".into()))?;
        Ok(EncryptionKey::from_bytes(arr))
    }

    /// Whether the passphrase is the public demo one.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The argon2id parameters: memory in KiB, passes, lanes.
    pub fn kdf_params(&self) -> (u32, u32, u32) {
        (self.memory_kib, self.iterations, self.parallelism)
    }

    /// Reads a key file's text.
    pub fn parse(text: &str) -> Result<Self, WrapError> {
        let w: Self =
            serde_json::from_str(text).map_err(|e| WrapError::Format(format!("not JSON: {e}")))?;
        w.check()?;
        Ok(w)
    }

    /// Whether `text` is meant to be a wrapped key file (rather than a key in clear).
    pub fn looks_wrapped(text: &str) -> bool {
        text.trim_start().starts_with('{')
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    fn check(&self) -> Result<(), WrapError> {
        if self.format != FORMAT {
            return Err(WrapError::Format(format!("format is `{}`", self.format)));
        }
        if self.version != VERSION {
            return Err(WrapError::UnsupportedVersion(self.version));
        }
        if self.kdf != KDF || self.cipher != CIPHER {
            return Err(WrapError::Format(format!(
                "unknown kdf `{}` or cipher `{}`",
                self.kdf, self.cipher
            )));
        }
        if self.memory_kib > MAX_MEMORY_KIB
            || self.iterations > MAX_ITERATIONS
            || self.parallelism > MAX_PARALLELISM
        {
            return Err(WrapError::Format("argon2id parameters out of range".into()));
        }
        Ok(())
    }

    fn header(&self) -> String {
        format!(
            "{FORMAT} v{} {} m={} t={} p={} salt={} {} demo={}",
            self.version,
            self.kdf,
            self.memory_kib,
            self.iterations,
            self.parallelism,
            self.salt,
            self.cipher,
            self.demo
        )
    }

    fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, WrapError> {
        let salt = decode(&self.salt, "salt", SALT_LEN)?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| WrapError::Format(format!("argon2id parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
            .map_err(|e| WrapError::Format(format!("argon2id: {e}")))?;
        Ok(out)
    }
}

fn decode(text: &str, what: &str, len: usize) -> Result<Vec<u8>, WrapError> {
    let bytes = B64
        .decode(text)
        .map_err(|_| WrapError::Format(format!("{what} is not base64")))?;
    if bytes.len() != len {
        return Err(WrapError::Format(format!("{what} is not {len} bytes")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Small parameters keep the unit tests fast; the format and checks are the same.
    fn quick(key: &EncryptionKey, pass: &str, demo: bool) -> WrappedKey {
        WrappedKey::wrap_with(key, pass, demo, 1024, 1, 1).unwrap()
    }

    #[test]
    fn a_wrapped_key_opens_with_its_passphrase_only() {
        let key = EncryptionKey::generate();
        let w = quick(&key, "correct horse battery", false);
        let text = w.to_text();
        assert!(!text.contains(key.to_base64().as_str()));
        let again = WrappedKey::parse(&text).unwrap();
        assert_eq!(
            again.unwrap_key("correct horse battery").unwrap().bytes(),
            key.bytes()
        );
        assert!(matches!(
            again.unwrap_key("correct horse battery!"),
            Err(WrapError::WrongPassphrase)
        ));
        assert!(WrappedKey::looks_wrapped(&text));
        assert!(!WrappedKey::looks_wrapped(key.to_base64().as_str()));
    }

    #[test]
    fn the_header_is_bound_so_a_real_file_cannot_be_relabelled_demo_or_weakened() {
        let key = EncryptionKey::generate();
        let text = quick(&key, "a real passphrase", false).to_text();
        let relabelled = text.replace("\"demo\": false", "\"demo\": true");
        assert_ne!(relabelled, text);
        assert!(matches!(
            WrappedKey::parse(&relabelled)
                .unwrap()
                .unwrap_key("a real passphrase"),
            Err(WrapError::WrongPassphrase)
        ));
        let weakened = text.replace("\"iterations\": 1", "\"iterations\": 2");
        assert!(WrappedKey::parse(&weakened)
            .unwrap()
            .unwrap_key("a real passphrase")
            .is_err());
        let huge = text.replace("\"memory_kib\": 1024", "\"memory_kib\": 4000000000");
        assert!(matches!(
            WrappedKey::parse(&huge),
            Err(WrapError::Format(_))
        ));
        let future = text.replace("\"version\": 1", "\"version\": 9");
        assert!(matches!(
            WrappedKey::parse(&future),
            Err(WrapError::UnsupportedVersion(9))
        ));
    }

    #[test]
    fn the_default_parameters_are_the_documented_ones() {
        let key = EncryptionKey::generate();
        let w = WrappedKey::wrap(&key, "default parameters", true).unwrap();
        assert_eq!(w.kdf_params(), (64 * 1024, 3, 1));
        assert!(w.is_demo());
        assert_eq!(
            w.unwrap_key("default parameters").unwrap().bytes(),
            key.bytes()
        );
    }
}
