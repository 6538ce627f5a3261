//! The audit trail: every change, every read of a record and every export, in a hash chain.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, and the newest
//! sequence number and hash are also kept in `meta`. So editing any entry breaks its own hash,
//! deleting one breaks the chain at the next, and deleting the newest ones disagrees with the
//! head kept in `meta`. Entries never hold personal data: they name records by id and
//! reference and fields by name, never by value.
//!
//! An unkeyed chain only shows accidents: whoever can write the database can delete an entry
//! and recompute every hash after it. So the hashes are HMAC-SHA256 under an [`AuditKey`]
//! derived from the encryption key, which lives outside the database (`HOMEWARD_KEY` or the
//! key file). Entries written before keying began (by older versions) keep their plain
//! SHA-256 hashes; where keying began is recorded in `meta` under a MAC of its own, so it
//! cannot be moved. The head is also *anchored* outside the database, in the server's log at
//! start-up and beside every backup ([`AuditAnchor`]), so that even a wholesale rewrite by
//! someone who also deleted the keying record is found by `homeward audit verify --anchor`.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::EncryptionKey;

/// The key of the audit chain's MACs, derived from the encryption key.
#[derive(Clone)]
pub struct AuditKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

impl AuditKey {
    /// The audit key belonging to an encryption key (HKDF-SHA256, its own label, so neither
    /// key reveals the other).
    pub fn derive(key: &EncryptionKey) -> Self {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"homeward audit chain"), key.bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 8,160, so this cannot fail.
        hk.expand(b"v1", out.as_mut_slice())
            .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
        Self(out)
    }

    fn mac(&self, parts: &[&str]) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        for part in parts {
            m.update(&(part.len() as u64).to_le_bytes());
            m.update(part.as_bytes());
        }
        hex::encode(m.finalize().into_bytes())
    }

    /// The MAC that fixes where keying began: the first keyed entry's number and the hash of
    /// the entry before it.
    pub fn keyed_from_mac(&self, seq: i64, prev_hash: &str) -> String {
        self.mac(&["keyed_from", &seq.to_string(), prev_hash])
    }

    /// The MAC of an anchor.
    pub fn anchor_mac(&self, seq: i64, hash: &str) -> String {
        self.mac(&["anchor", &seq.to_string(), hash])
    }
}

/// Where keying began: entries from `seq` on carry MACs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedFrom {
    /// The first keyed entry.
    pub seq: i64,
    /// The hash of the entry before it (the genesis hash for a new trail).
    pub prev_hash: String,
    /// [`AuditKey::keyed_from_mac`] of the two.
    pub mac: String,
}

impl KeyedFrom {
    /// As kept in `meta`: `seq:prev_hash:mac`.
    pub fn to_meta(&self) -> String {
        format!("{}:{}:{}", self.seq, self.prev_hash, self.mac)
    }

    /// Reads the `meta` form; `None` if malformed.
    pub fn from_meta(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, ':');
        let seq = parts.next()?.parse().ok()?;
        let prev_hash = parts.next()?.to_string();
        let mac = parts.next()?.to_string();
        Some(Self {
            seq,
            prev_hash,
            mac,
        })
    }
}

/// The head of the trail as written outside the database: its entry number and hash, with a
/// MAC so that an anchor cannot be forged without the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    /// The newest entry's number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// [`AuditKey::anchor_mac`] of the two.
    pub mac: String,
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// User id, or `system` for Homeward itself.
    pub actor: String,
    /// What happened: `record.create`, `record.read`, `records.export`, `session.login`...
    pub action: String,
    /// The record or user concerned, if any.
    pub target: Option<String>,
    /// Non-personal details as JSON (field names, counts, references).
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The keyed hash (HMAC-SHA256) of an entry's content chained to the previous hash.
#[allow(clippy::too_many_arguments)]
pub fn entry_mac(
    key: &AuditKey,
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: Option<&str>,
    detail: &str,
) -> String {
    key.mac(&[
        prev_hash,
        &seq.to_string(),
        at,
        actor,
        action,
        target.unwrap_or("\u{0}"),
        detail,
    ])
}

/// The unkeyed hash (SHA-256) of an entry's content chained to the previous hash, as entries
/// written before keying began carry it.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefix every part so that no two different entries serialise alike.
    for part in [
        prev_hash,
        &seq.to_string(),
        at,
        actor,
        action,
        target.unwrap_or("\u{0}"),
        detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What `homeward audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AuditVerdict {
    /// Every entry is intact and the chain ends at the recorded head.
    Intact {
        /// How many entries were checked.
        entries: i64,
    },
    /// The first place where the chain is broken.
    Broken {
        /// The sequence number of the first bad entry (or where one is missing).
        seq: i64,
        /// What is wrong there.
        reason: String,
    },
}

/// What a chain is checked with: the key, and where keying began (`None` when the record of
/// it is missing from `meta`).
pub struct Keying<'a> {
    /// The audit key.
    pub key: &'a AuditKey,
    /// Where keying began, as recorded in `meta`.
    pub keyed_from: Option<KeyedFrom>,
}

/// Checks entries in sequence order against the head recorded in `meta`: entries from where
/// keying began must carry MACs under the key, earlier ones SHA-256 hashes.
pub fn verify_chain(
    entries: &[AuditEntry],
    head: Option<(i64, String)>,
    keying: &Keying<'_>,
) -> AuditVerdict {
    let keyed_from = match &keying.keyed_from {
        Some(k) if keying.key.keyed_from_mac(k.seq, &k.prev_hash) == k.mac => k.seq,
        Some(_) => {
            return AuditVerdict::Broken {
                seq: 1,
                reason: "the record of where keyed hashing began was changed; it carries a MAC only Homeward's key can make".into(),
            }
        }
        None => {
            return AuditVerdict::Broken {
                seq: 1,
                reason: "the record of where keyed hashing began is missing from the database; it is written when Homeward first opens it".into(),
            }
        }
    };
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for e in entries {
        if e.seq != expected_seq {
            return AuditVerdict::Broken {
                seq: expected_seq,
                reason: format!(
                    "entry {expected_seq} is missing (the next one is {})",
                    e.seq
                ),
            };
        }
        if e.prev_hash != prev {
            return AuditVerdict::Broken {
                seq: e.seq,
                reason: "its link to the previous entry does not match: an entry before it was changed or removed".into(),
            };
        }
        if e.seq == keyed_from {
            if let Some(k) = &keying.keyed_from {
                if k.prev_hash != e.prev_hash {
                    return AuditVerdict::Broken {
                        seq: e.seq,
                        reason: "the entries before keyed hashing began were changed or removed"
                            .into(),
                    };
                }
            }
        }
        let h = if e.seq >= keyed_from {
            entry_mac(
                keying.key,
                &e.prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.action,
                e.target.as_deref(),
                &e.detail,
            )
        } else {
            entry_hash(
                &e.prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.action,
                e.target.as_deref(),
                &e.detail,
            )
        };
        if h != e.hash {
            return AuditVerdict::Broken {
                seq: e.seq,
                reason: format!(
                    "its content was changed after it was written (action now reads `{}`)",
                    e.action
                ),
            };
        }
        prev = e.hash.clone();
        expected_seq += 1;
    }
    let last = expected_seq - 1;
    match head {
        Some((head_seq, head_hash)) if head_seq != last || head_hash != prev => AuditVerdict::Broken {
            seq: last + 1,
            reason: format!("the trail ends at entry {last} but {head_seq} entries were written: the newest entries were removed"),
        },
        None if last > 0 => AuditVerdict::Broken {
            seq: 1,
            reason: "the record of the newest entry is missing from the database".into(),
        },
        _ => AuditVerdict::Intact { entries: last },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AuditKey {
        AuditKey::derive(&EncryptionKey::parse(&"ab".repeat(32)).unwrap())
    }

    /// `n` entries, keyed from entry `keyed_from` on.
    fn chain(n: i64, keyed_from: i64) -> (Vec<AuditEntry>, Keying<'static>) {
        static KEY: std::sync::OnceLock<AuditKey> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(key);
        let mut prev = GENESIS.to_string();
        let mut marker = None;
        let entries = (1..=n)
            .map(|seq| {
                let at = format!("2026-11-29T00:00:{seq:02}Z");
                if seq == keyed_from {
                    marker = Some(KeyedFrom {
                        seq,
                        prev_hash: prev.clone(),
                        mac: key.keyed_from_mac(seq, &prev),
                    });
                }
                let hash = if seq >= keyed_from {
                    entry_mac(key, &prev, seq, &at, "u1", "record.read", Some("r1"), "{}")
                } else {
                    entry_hash(&prev, seq, &at, "u1", "record.read", Some("r1"), "{}")
                };
                let e = AuditEntry {
                    seq,
                    at,
                    actor: "u1".into(),
                    action: "record.read".into(),
                    target: Some("r1".into()),
                    detail: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect();
        let marker = marker.or_else(|| {
            Some(KeyedFrom {
                seq: keyed_from,
                prev_hash: prev.clone(),
                mac: key.keyed_from_mac(keyed_from, &prev),
            })
        });
        (
            entries,
            Keying {
                key,
                keyed_from: marker,
            },
        )
    }

    fn head(c: &[AuditEntry]) -> Option<(i64, String)> {
        c.last().map(|e| (e.seq, e.hash.clone()))
    }

    #[test]
    fn an_intact_chain_verifies_keyed_and_from_before_keying() {
        for keyed_from in [1, 3, 6] {
            let (c, k) = chain(5, keyed_from);
            assert_eq!(
                verify_chain(&c, head(&c), &k),
                AuditVerdict::Intact { entries: 5 },
                "keyed from {keyed_from}"
            );
        }
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (mut c, k) = chain(5, 1);
        let h = head(&c);
        c[2].action = "record.update".into();
        assert!(matches!(
            verify_chain(&c, h, &k),
            AuditVerdict::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let (mut c, k) = chain(5, 1);
        let h = head(&c);
        c.remove(1);
        assert!(matches!(
            verify_chain(&c, h, &k),
            AuditVerdict::Broken { seq: 2, .. }
        ));
    }

    #[test]
    fn removing_the_newest_entries_is_found_through_the_head() {
        let (mut c, k) = chain(5, 1);
        let h = head(&c);
        c.truncate(3);
        assert!(matches!(
            verify_chain(&c, h, &k),
            AuditVerdict::Broken { seq: 4, .. }
        ));
    }

    /// The attack: remove an entry and recompute the chain after it, without the key.
    #[test]
    fn a_removed_entry_with_the_chain_recomputed_without_the_key_is_found() {
        for keyed_from in [1, 2] {
            let (mut c, k) = chain(6, keyed_from);
            c.remove(3);
            let mut prev = c[2].hash.clone();
            for (i, e) in c.iter_mut().enumerate().skip(3) {
                e.seq = i as i64 + 1;
                e.prev_hash = prev.clone();
                e.hash = entry_hash(
                    &e.prev_hash,
                    e.seq,
                    &e.at,
                    &e.actor,
                    &e.action,
                    e.target.as_deref(),
                    &e.detail,
                );
                prev = e.hash.clone();
            }
            let h = head(&c);
            assert!(matches!(
                verify_chain(&c, h, &k),
                AuditVerdict::Broken { seq: 4, .. }
            ));
        }
    }

    #[test]
    fn keying_cannot_be_moved_or_dropped() {
        let (c, mut k) = chain(5, 3);
        // Claiming the whole trail predates keying, to rewrite it with plain hashes.
        if let Some(m) = &mut k.keyed_from {
            m.seq = 6;
        }
        assert!(matches!(
            verify_chain(&c, head(&c), &k),
            AuditVerdict::Broken { seq: 1, .. }
        ));
        k.keyed_from = None;
        assert!(matches!(
            verify_chain(&c, head(&c), &k),
            AuditVerdict::Broken { seq: 1, .. }
        ));
        // And a chain keyed under another key does not verify.
        let other = AuditKey::derive(&EncryptionKey::parse(&"cd".repeat(32)).unwrap());
        let (c, k) = chain(3, 1);
        let foreign = Keying {
            key: &other,
            keyed_from: k.keyed_from.clone(),
        };
        assert!(matches!(
            verify_chain(&c, head(&c), &foreign),
            AuditVerdict::Broken { seq: 1, .. }
        ));
    }
}
