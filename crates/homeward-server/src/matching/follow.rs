//! Following the change log. A server process keeps its matching index, proposals and alerts
//! current from the log of committed changes, whoever wrote them: this process, another
//! server process on the same PostgreSQL database, the command line. The follower reads the
//! log from its cursor whenever something wakes it: this process's own writes, a PostgreSQL
//! notification from another process, or a timer (the fallback, and the only way to hear of
//! another process's writes on SQLite).

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use homeward_domain::RecordKind;
use homeward_store::{ChangeListener, Store};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{MatchService, MatchingError};

/// How often the log is read when nothing wakes the follower.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// Changes read per query.
const BATCH: i64 = 1000;

/// The follower's state, shared with the service.
pub(super) struct Follower {
    /// The number of the last change read.
    cursor: AtomicI64,
    wake: Notify,
}

impl Follower {
    /// Asks the follower to read the log now.
    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until the follower has read every change committed before this call, or until
    /// the deadline.
    pub(super) async fn caught_up(&self, store: &Store, deadline: Instant) {
        let Ok(latest) = store.latest_change().await else {
            return;
        };
        self.wake();
        while self.cursor.load(Ordering::Acquire) < latest && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// The kinds whose records the matcher indexes.
fn is_matched(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::Case | RecordKind::TracingRequest | RecordKind::PersonOfConcern
    )
}

impl MatchService {
    /// Builds the index in the background and from then on keeps it current from the change
    /// log, whoever writes to the database. Call once, before serving.
    pub fn start(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.follow().await {
                tracing::error!(error = %e, "following the change log stopped; restart the server");
            }
        });
    }

    async fn follow(self: Arc<Self>) -> Result<(), MatchingError> {
        // The cursor is read before the index is built from its snapshot, so a change
        // committed in between is read again (matching is idempotent) rather than missed.
        let start = self.store.latest_change().await?;
        let follower = Arc::new(Follower {
            cursor: AtomicI64::new(start),
            wake: Notify::new(),
        });
        if self.follower.set(follower.clone()).is_err() {
            return Ok(()); // already following
        }
        self.warm_up();
        let mut listener = match self.store.listen_for_changes().await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "no notifications from the database; reading the change log every 0.5 s");
                None
            }
        };
        loop {
            if let Err(e) = self.read_log(&follower).await {
                tracing::error!(error = %e, "reading the change log failed; trying again");
            }
            tokio::select! {
                () = follower.wake.notified() => {}
                () = tokio::time::sleep(POLL_EVERY) => {}
                lost = notified(listener.as_mut()) => {
                    if let Err(e) = lost {
                        tracing::warn!(error = %e, "the change notification connection failed; reconnecting");
                        tokio::time::sleep(POLL_EVERY).await;
                    }
                }
            }
        }
    }

    /// Queues every matched record changed since the cursor, and moves the cursor on.
    async fn read_log(self: &Arc<Self>, follower: &Follower) -> Result<(), MatchingError> {
        loop {
            let after = follower.cursor.load(Ordering::Acquire);
            let batch = self.store.changes_after(after, BATCH).await?;
            let Some(last) = batch.last().map(|c| c.seq) else {
                return Ok(());
            };
            // A registration writes one change per field: its record is queued once.
            let mut queued = HashSet::new();
            for c in &batch {
                if is_matched(c.kind) && queued.insert(c.id) {
                    self.enqueue(c.kind, c.id);
                }
            }
            follower.cursor.store(last, Ordering::Release);
            if (batch.len() as i64) < BATCH {
                return Ok(());
            }
        }
    }
}

/// The next notification, or never without a listener.
async fn notified(listener: Option<&mut ChangeListener>) -> Result<(), homeward_store::StoreError> {
    match listener {
        Some(l) => l.changed().await,
        None => std::future::pending().await,
    }
}
