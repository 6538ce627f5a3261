//! Reminders: follow-up visits past their due date alert the caseworker in charge and the
//! supervisors of the case's team, once per visit. Runs at start-up and every hour, in one
//! server process at a time when several share a database.

use std::time::Duration;

use chrono::Utc;
use homeward_domain::{AgencyId, RecordScope, Scope, UserId};
use homeward_store::{ActorContext, Store, StoreError};
use serde_json::json;

/// Raises the alerts owed for overdue follow-ups; returns how many were new.
pub async fn sweep(store: &Store) -> Result<usize, StoreError> {
    // The sweep works for everyone: it looks at all cases but opens no personal field.
    let system = ActorContext {
        scope: RecordScope {
            scope: Scope::All,
            user: UserId::default(),
            team: None,
            agency: AgencyId::default(),
            committee: None,
        },
        reveal_personal: false,
    };
    let today = Utc::now().date_naive().to_string();
    let mut raised = 0;
    for o in store.overdue_followups(&system, &today).await? {
        let detail = json!({"followup": o.event.id, "case_reference": o.reference.to_string(), "due": o.event.due_date});
        let mut recipients: Vec<UserId> = o.in_charge.parse().ok().into_iter().collect();
        if let Some(team) = &o.team_id {
            recipients.extend(store.team_supervisors(team).await?);
        }
        let case = o.event.case_id.parse().ok();
        for user in recipients {
            if store
                .alert_once(
                    user,
                    "overdue_followup",
                    case.as_ref(),
                    &format!("followup:{}", o.event.id),
                    detail.clone(),
                )
                .await?
            {
                raised += 1;
            }
        }
    }
    Ok(raised)
}

/// Runs the sweep now and then every hour, for as long as the server runs.
pub fn spawn(store: Store) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            // Several server processes on one database: one sweeps, the others skip this hour.
            let lease = match store.try_lease("reminders").await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tracing::debug!("another server process is sweeping the reminders");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "the follow-up reminder sweep could not start");
                    continue;
                }
            };
            match sweep(&store).await {
                Ok(n) if n > 0 => tracing::info!(alerts = n, "overdue follow-up reminders raised"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the follow-up reminder sweep failed"),
            }
            if let Err(e) = lease.release().await {
                tracing::warn!(error = %e, "the reminder lease was not released; it ends with its connection");
            }
        }
    });
}
