//! Field encryption at rest: XChaCha20-Poly1305 with a random 192-bit nonce per value.
//!
//! Each ciphertext is bound (as associated data) to where it is stored, the record and field it
//! belongs to, so a ciphertext copied into another row fails to open instead of showing one
//! child's name on another child's record. The key never touches the database: only a sealed
//! check value does, which tells "wrong key" apart from "corrupted data" on opening.

use std::fmt;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

const NONCE_LEN: usize = 24;

/// A 256-bit data key.
#[derive(Clone)]
pub struct EncryptionKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncryptionKey(***)")
    }
}

/// A key that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the encryption key is not valid: {0}; it must be 32 bytes written as base64 (44 characters) or hex (64 characters), as made by `homeward key generate`")]
pub struct KeyFormatError(String);

impl EncryptionKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        Self(key)
    }

    /// Reads a key written as base64 or hex (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, KeyFormatError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| KeyFormatError(e.to_string()))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| KeyFormatError(format!("not base64 ({e})")))?
        };
        let bytes = Zeroizing::new(bytes);
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyFormatError(format!("it is {} bytes long", bytes.len())))?;
        Ok(Self(Zeroizing::new(arr)))
    }

    /// A key from its 32 bytes (an unwrapped key file).
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The raw key, for deriving other keys from it.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// The key as base64, for writing a key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(self.0.as_ref()))
    }
}

/// A ciphertext that failed to open: wrong key, or the stored bytes were changed.
#[derive(Debug, thiserror::Error)]
#[error(
    "an encrypted value could not be opened ({0}): the key is wrong or the stored data was altered"
)]
pub struct SealError(pub String);

/// Seals and opens values with one key.
#[derive(Clone)]
pub struct FieldCipher {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldCipher(***)")
    }
}

impl FieldCipher {
    /// A cipher for the key.
    pub fn new(key: &EncryptionKey) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.0.as_ref().into()),
        }
    }

    /// Encrypts `plaintext`, bound to `context` (for example `record:<id>`).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            // XChaCha20-Poly1305 only fails on inputs longer than 256 GiB.
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts a value sealed with the same key and context.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_LEN + 16 {
            return Err(SealError(format!(
                "{} bytes is too short to be a sealed value",
                sealed.len()
            )));
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError(format!("context {context}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let key = EncryptionKey::generate();
        let c = FieldCipher::new(&key);
        let sealed = c.seal("রহিম".as_bytes(), "record:1");
        assert!(!sealed
            .windows(4)
            .any(|w| w == "রহিম".as_bytes()[..4].as_ref()));
        assert_eq!(c.open(&sealed, "record:1").unwrap(), "রহিম".as_bytes());
        assert!(c.open(&sealed, "record:2").is_err());
        let other = FieldCipher::new(&EncryptionKey::generate());
        assert!(other.open(&sealed, "record:1").is_err());
    }

    #[test]
    fn keys_round_trip_through_base64_and_hex() {
        let key = EncryptionKey::generate();
        let b64 = key.to_base64();
        let again = EncryptionKey::parse(&b64).unwrap();
        assert_eq!(again.0.as_ref(), key.0.as_ref());
        let hexed = hex::encode(key.0.as_ref());
        assert_eq!(
            EncryptionKey::parse(&hexed).unwrap().0.as_ref(),
            key.0.as_ref()
        );
        let err = EncryptionKey::parse("c2hvcnQ=").unwrap_err().to_string();
        assert!(err.contains("5 bytes") && err.contains("homeward key generate"));
    }
}
