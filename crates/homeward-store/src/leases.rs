//! Leases on background tasks that one process at a time should run (the follow-up reminder
//! sweep) when several server processes share one PostgreSQL database. A lease is a
//! transaction-scoped advisory lock: it ends when the lease is dropped, whatever happens to
//! the task, so a process that dies mid-task never leaves the task locked. On SQLite a data
//! directory has one server, and the lease is always granted.

use sqlx::{Any, Row, Transaction};

use crate::db::{Backend, Store};
use crate::error::StoreResult;

/// Held while a task runs. [`Lease::release`] ends it at once; a lease merely dropped (a task
/// that panicked) ends when its connection is next used or closed.
pub struct Lease {
    held: Option<Transaction<'static, Any>>,
}

impl Lease {
    /// Ends the lease, so another process may take the task.
    pub async fn release(self) -> StoreResult<()> {
        if let Some(tx) = self.held {
            tx.rollback().await?;
        }
        Ok(())
    }
}

/// The advisory lock key of a task: a stable 63-bit hash of its name (FNV-1a).
fn lock_key(task: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in task.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

impl Store {
    /// The lease on `task` if no other process holds it (`None`: another process is running it).
    pub async fn try_lease(&self, task: &str) -> StoreResult<Option<Lease>> {
        if self.inner.backend != Backend::Postgres {
            return Ok(Some(Lease { held: None }));
        }
        let mut tx = self.inner.pool.begin().await?;
        let got: i32 =
            sqlx::query("SELECT CASE WHEN pg_try_advisory_xact_lock($1) THEN 1 ELSE 0 END AS got")
                .bind(lock_key(task))
                .fetch_one(&mut *tx)
                .await?
                .try_get("got")?;
        Ok((got == 1).then_some(Lease { held: Some(tx) }))
    }
}

#[cfg(test)]
mod tests {
    use super::lock_key;

    #[test]
    fn task_keys_are_stable_and_distinct() {
        assert_eq!(lock_key("reminders"), lock_key("reminders"));
        assert_ne!(lock_key("reminders"), lock_key("reminder"));
        assert!(lock_key("reminders") >= 0);
    }
}
