//! Throttled logins in the audit trail without letting a flood grow it. The first refusal of
//! an attempt (one username, one address, one reason) is written at once; further refusals of
//! the same attempt within the fold window are counted and written as one entry when the
//! window closes (`"repeated": n`), so every refusal is accounted for while a guesser sending
//! a hundred requests a second adds two entries a minute, not six thousand.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use homeward_store::{Store, StoreError};
use serde_json::json;

/// Attempts folded at once; beyond this every refusal is written on its own (the trail is
/// never traded for memory).
const MAX_PENDING: usize = 10_000;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Attempt {
    username: String,
    address: IpAddr,
    reason: &'static str,
    via: String,
}

/// Refusals counted but not yet written, by attempt.
pub struct RefusalLog {
    window: Duration,
    pending: Mutex<HashMap<Attempt, u64>>,
}

impl RefusalLog {
    /// Folds refusals over `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Records one throttled login: written now when it is the first of its attempt in the
    /// window, counted otherwise.
    pub async fn throttled(
        self: &Arc<Self>,
        store: &Store,
        username: &str,
        address: IpAddr,
        reason: &'static str,
        via: &str,
    ) -> Result<(), StoreError> {
        let attempt = Attempt {
            username: username.to_string(),
            address,
            reason,
            via: via.to_string(),
        };
        {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(n) = pending.get_mut(&attempt) {
                *n += 1;
                return Ok(());
            }
            if pending.len() < MAX_PENDING {
                pending.insert(attempt.clone(), 0);
                self.close_later(store.clone(), attempt.clone());
            }
        }
        store
            .audit(
                "anonymous",
                "session.login_throttled",
                None,
                json!({"username": username, "address": address.to_string(), "reason": reason, "via": via}),
            )
            .await
    }

    /// At the end of the window, writes how many refusals of `attempt` were folded.
    fn close_later(self: &Arc<Self>, store: Store, attempt: Attempt) {
        let log = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(log.window).await;
            let folded = log
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&attempt)
                .unwrap_or(0);
            if folded == 0 {
                return;
            }
            let written = store
                .audit(
                    "anonymous",
                    "session.login_throttled",
                    None,
                    json!({
                        "username": attempt.username,
                        "address": attempt.address.to_string(),
                        "reason": attempt.reason,
                        "via": attempt.via,
                        "repeated": folded,
                        "within_seconds": log.window.as_secs_f64(),
                    }),
                )
                .await;
            if let Err(e) = written {
                tracing::error!(error = %e, folded, "could not write the folded login refusals to the audit trail");
            }
        });
    }
}
