//! The change log as a feed. Every committed change to a record has a sequence number, and a
//! server process follows the feed to keep what it derives from records (the matching index,
//! proposals, alerts) current whoever made the change: another server process on the same
//! PostgreSQL database, the command line, a later sync. On PostgreSQL a write transaction that
//! changes records also notifies the `homeward_changes` channel, delivered at commit, so
//! followers wake at once; polling remains the fallback, and the only way on SQLite.
//!
//! Reading by sequence number is safe because every writer holds the audit head from its
//! first statement to its commit ([`Store::begin_write`]): a change numbered N is visible only
//! after every change numbered below N has committed or rolled back, so a follower that has
//! read up to N never misses an earlier one. Should writers stop being serialised, the
//! follower would have to look back over uncommitted gaps.

use homeward_domain::{RecordId, RecordKind};
use sqlx::postgres::PgListener;
use sqlx::Row;

use crate::db::{Backend, Store, WriteTx};
use crate::error::{StoreError, StoreResult};

/// The PostgreSQL channel a write transaction notifies when it changes records.
const CHANNEL: &str = "homeward_changes";

/// A record changed by the change numbered `seq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedRecord {
    pub seq: i64,
    pub id: RecordId,
    pub kind: RecordKind,
}

/// Wakes a follower when another connection commits changes (PostgreSQL only).
pub struct ChangeListener(PgListener);

impl ChangeListener {
    /// Waits for the next notification. An error means the connection was lost: the caller
    /// falls back to polling, and sqlx reconnects on the next call.
    pub async fn changed(&mut self) -> StoreResult<()> {
        self.0.recv().await?;
        Ok(())
    }
}

impl Store {
    /// The number of the latest committed change (0 for an empty log).
    pub async fn latest_change(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS latest FROM changes")
            .fetch_one(&self.inner.pool)
            .await?;
        Ok(row.try_get::<i64, _>("latest")?)
    }

    /// Records changed after change `after`, oldest first: one entry per change (a record
    /// changed by a transaction of several fields appears once per field), at most `limit`.
    pub async fn changes_after(&self, after: i64, limit: i64) -> StoreResult<Vec<ChangedRecord>> {
        let rows = sqlx::query(
            "SELECT c.seq, c.record_id, r.kind FROM changes c JOIN records r ON r.id = c.record_id \
             WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.inner.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.try_get("seq")?;
            let id: String = row.try_get("record_id")?;
            let kind: String = row.try_get("kind")?;
            let (Ok(id), Some(kind)) = (id.parse(), RecordKind::parse(&kind)) else {
                return Err(StoreError::Corrupt(format!(
                    "change {seq} names a record that cannot be read (id or kind)"
                )));
            };
            out.push(ChangedRecord { seq, id, kind });
        }
        Ok(out)
    }

    /// A listener on the change feed, or `None` on SQLite (poll instead).
    pub async fn listen_for_changes(&self) -> StoreResult<Option<ChangeListener>> {
        if self.inner.backend != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = PgListener::connect(&self.inner.url).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(ChangeListener(listener)))
    }

    /// Tells other processes, at commit, that this transaction changed records.
    pub(crate) async fn announce_changes(&self, w: &mut WriteTx<'_>) -> StoreResult<()> {
        if self.inner.backend == Backend::Postgres {
            sqlx::query(&format!("NOTIFY {CHANNEL}"))
                .execute(&mut *w.tx)
                .await?;
        }
        Ok(())
    }
}
