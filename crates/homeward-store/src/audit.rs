//! The audit trail: every change, every read of a record and every export, in a hash chain.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, and the newest
//! sequence number and hash are also kept in `meta`. So editing any entry breaks its own hash,
//! deleting one breaks the chain at the next, and deleting the newest ones disagrees with the
//! head kept in `meta`. Entries never hold personal data: they name records by id and
//! reference and fields by name, never by value.

use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// The hash of an entry's content chained to the previous hash.
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

/// Checks entries in sequence order against the head recorded in `meta`.
pub fn verify_chain(entries: &[AuditEntry], head: Option<(i64, String)>) -> AuditVerdict {
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
        let h = entry_hash(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            e.target.as_deref(),
            &e.detail,
        );
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

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let at = format!("2026-11-29T00:00:{seq:02}Z");
                let hash = entry_hash(&prev, seq, &at, "u1", "record.read", Some("r1"), "{}");
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
            .collect()
    }

    fn head(c: &[AuditEntry]) -> Option<(i64, String)> {
        c.last().map(|e| (e.seq, e.hash.clone()))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(
            verify_chain(&c, head(&c)),
            AuditVerdict::Intact { entries: 5 }
        );
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        let h = head(&c);
        c[2].action = "record.update".into();
        assert!(matches!(
            verify_chain(&c, h),
            AuditVerdict::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut c = chain(5);
        let h = head(&c);
        c.remove(1);
        assert!(matches!(
            verify_chain(&c, h),
            AuditVerdict::Broken { seq: 2, .. }
        ));
    }

    #[test]
    fn removing_the_newest_entries_is_found_through_the_head() {
        let mut c = chain(5);
        let h = head(&c);
        c.truncate(3);
        assert!(matches!(
            verify_chain(&c, h),
            AuditVerdict::Broken { seq: 4, .. }
        ));
    }
}
