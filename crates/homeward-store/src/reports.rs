//! Reads behind the indicator reports: the plain details of the workflow events of every case
//! in the caller's scope (reunification dates, follow-ups done and whether the child was with
//! the family). Sealed details are never opened; the read is audited once, as an aggregate.

use homeward_domain::{RecordKind, Reference};
use serde_json::{json, Value};
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::records::{scope_condition, ActorContext, Args};

/// The plain side of one workflow event, with its case's reference.
#[derive(Debug, Clone)]
pub struct PlainEvent {
    /// The case's reference.
    pub reference: Reference,
    /// `reunification`, `followup`, `care_arrangement`...
    pub kind: String,
    /// Its plain details.
    pub plain: Value,
    /// When a follow-up was done (YYYY-MM-DD).
    pub done_at: Option<String>,
}

impl Store {
    /// The plain details of the workflow events of every case in the caller's scope, oldest
    /// first.
    pub async fn plain_case_events(
        &self,
        ctx: &ActorContext,
        purpose: &str,
    ) -> StoreResult<Vec<PlainEvent>> {
        let mut args = Args::default();
        let kind_p = args.text(RecordKind::Case.as_str());
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql = format!(
            "SELECT r.reference AS reference, e.kind AS event_kind, e.plain AS plain, e.done_at AS done_at \
             FROM case_events e JOIN (SELECT id, reference FROM records WHERE kind = {kind_p} AND {scope_c}) r ON r.id = e.case_id \
             ORDER BY e.created_at, e.id"
        );
        let rows = args.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("{what} of a case event"));
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(PlainEvent {
                reference: Reference::parse(&r.try_get::<String, _>("reference")?)
                    .map_err(|_| corrupt("reference"))?,
                kind: r.try_get("event_kind")?,
                plain: serde_json::from_str(&r.try_get::<String, _>("plain")?)
                    .map_err(|_| corrupt("plain details"))?,
                done_at: r.try_get("done_at")?,
            });
        }
        self.audit(
            &ctx.scope.user.to_string(),
            "records.aggregate",
            None,
            json!({"kind": "case_event", "count": out.len(), "purpose": purpose}),
        )
        .await?;
        Ok(out)
    }
}
