//! The queue of potential matches waiting for someone's decision. A match stays in a user's
//! queue from the moment they are alerted to it until it is confirmed or rejected, whatever
//! happened to the alert (opening the case marks it read; the match still waits), and however
//! many other alerts came since.

use std::collections::HashSet;

use homeward_domain::UserId;
use serde_json::Value;

use crate::db::Store;
use crate::error::StoreResult;
use crate::matches::{alert_from_row, Alert, ALERT_COLUMNS};

/// Match ids looked up per query: well inside both databases' bound-parameter limits.
const IDS_PER_QUERY: usize = 500;

impl Store {
    /// The still-pending matches `user` was alerted to, newest alert first, one alert per
    /// match (its newest).
    pub async fn waiting_matches(&self, user: UserId) -> StoreResult<Vec<Alert>> {
        let rows = sqlx::query(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE user_id = $1 AND kind = 'potential_match' ORDER BY created_at DESC, id"
        ))
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut seen = HashSet::new();
        let alerts: Vec<Alert> = rows
            .iter()
            .map(alert_from_row)
            .collect::<StoreResult<Vec<_>>>()?
            .into_iter()
            .filter(|a| match match_of(a) {
                Some(id) => seen.insert(id.to_string()),
                None => false,
            })
            .collect();
        let ids: Vec<&str> = alerts.iter().filter_map(match_of).collect();
        let mut pending: HashSet<String> = HashSet::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id FROM potential_matches WHERE status = 'pending' AND id IN ({})",
                params.join(", ")
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            pending.extend(q.fetch_all(self.pool()).await?);
        }
        Ok(alerts
            .into_iter()
            .filter(|a| match_of(a).is_some_and(|id| pending.contains(id)))
            .collect())
    }
}

fn match_of(alert: &Alert) -> Option<&str> {
    alert.detail.get("match").and_then(Value::as_str)
}
