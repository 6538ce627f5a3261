//! Workflow steps of a child's case and the events they leave: each step changes the case's
//! system fields (stage, timestamps) and appends its events, with the change log and the audit
//! entry, in one transaction, and only if nobody changed the case since the caller read it.

use homeward_domain::{Document, RecordKind, Reference};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::records::{ActorContext, StoredRecord};
use crate::time;

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// `verification`, `approval`, `reunification`, `care_arrangement`, `followup`,
    /// `tracing_action`, `move`, `closure`, `permanent_care`.
    pub kind: &'static str,
    /// Non-personal details.
    pub plain: Value,
    /// Personal details (names, places, notes), sealed at rest.
    pub sealed: Value,
    /// For follow-ups: when the visit is due (YYYY-MM-DD).
    pub due_date: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone, Serialize)]
pub struct CaseEvent {
    /// Id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Kind.
    pub kind: String,
    /// Non-personal details.
    pub plain: Value,
    /// Personal details, when the caller may see them.
    pub personal: Option<Value>,
    /// Due date (follow-ups).
    pub due_date: Option<String>,
    /// When done (follow-ups).
    pub done_at: Option<String>,
    /// Who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: String,
}

/// An overdue follow-up with its case's reference.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueFollowup {
    /// The follow-up.
    pub event: CaseEvent,
    /// The case's reference.
    pub reference: Reference,
    /// Who is in charge of the case.
    pub in_charge: String,
    /// The case's team, whose supervisors are told too.
    pub team_id: Option<String>,
}

const EVENT_COLUMNS: &str =
    "e.id, e.case_id, e.kind, e.plain, e.sealed, e.due_date, e.done_at, e.created_by, e.created_at";

fn event_context(id: &str) -> String {
    format!("event:{id}")
}

impl Store {
    fn event_row(&self, r: &AnyRow, reveal: bool) -> StoreResult<CaseEvent> {
        let id: String = r.try_get("id")?;
        let personal = if reveal {
            let sealed: Vec<u8> = r.try_get("sealed")?;
            Some(
                serde_json::from_slice(&self.inner.cipher.open(&sealed, &event_context(&id))?)
                    .map_err(|_| StoreError::Corrupt("event".into()))?,
            )
        } else {
            None
        };
        Ok(CaseEvent {
            case_id: r.try_get("case_id")?,
            kind: r.try_get("kind")?,
            plain: serde_json::from_str(&r.try_get::<String, _>("plain")?)
                .map_err(|_| StoreError::Corrupt("event".into()))?,
            personal,
            due_date: r.try_get("due_date")?,
            done_at: r.try_get("done_at")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            id,
        })
    }

    /// Applies a workflow step to a case: see [`Store::apply_workflow_to`].
    pub async fn apply_workflow(
        &self,
        ctx: &ActorContext,
        key: &str,
        expected_version: i64,
        system: &Document,
        events: &[NewEvent],
        action: &str,
    ) -> StoreResult<StoredRecord> {
        self.apply_workflow_to(
            ctx,
            RecordKind::Case,
            key,
            expected_version,
            system,
            events,
            action,
        )
        .await
    }

    /// Applies a workflow step: merges `system` into the record's fields and appends `events`,
    /// refusing if the record changed since `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_workflow_to(
        &self,
        ctx: &ActorContext,
        record_kind: RecordKind,
        key: &str,
        expected_version: i64,
        system: &Document,
        events: &[NewEvent],
        action: &str,
    ) -> StoreResult<StoredRecord> {
        let mut w = self.begin_write().await?;
        let (current, ()) = self.load_for_update(&mut w, ctx, record_kind, key).await?;
        if current.version != expected_version {
            return Err(StoreError::Conflict(
                "the case was changed by someone else meanwhile; reload it and take the step again"
                    .into(),
            ));
        }
        let mut doc = current.fields.clone();
        for (k, v) in system {
            if v.is_null() {
                doc.remove(k);
            } else {
                doc.insert(k.clone(), v.clone());
            }
        }
        let case_id = current.id;
        let updated = self.write_update(&mut w, ctx, current, &doc).await?;
        let now = time::now_text();
        for e in events {
            let id = uuid::Uuid::now_v7().to_string();
            let sealed = self
                .inner
                .cipher
                .seal(e.sealed.to_string().as_bytes(), &event_context(&id));
            sqlx::query("INSERT INTO case_events (id, case_id, kind, plain, sealed, due_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&id)
                .bind(case_id.to_string())
                .bind(e.kind)
                .bind(e.plain.to_string())
                .bind(sealed)
                .bind(e.due_date.clone())
                .bind(ctx.scope.user.to_string())
                .bind(&now)
                .execute(&mut *w.tx)
                .await?;
        }
        let kinds: Vec<&str> = events.iter().map(|e| e.kind).collect();
        w.audit(&ctx.scope.user.to_string(), action, Some(&case_id.to_string()), &json!({"reference": updated.reference.to_string(), "events": kinds, "fields": system.keys().collect::<Vec<_>>()})).await?;
        w.commit().await?;
        Ok(crate::records::for_caller(updated, ctx))
    }

    /// The workflow events of a case in the caller's scope, oldest first, optionally of one kind.
    pub async fn case_events(
        &self,
        ctx: &ActorContext,
        key: &str,
        kind: Option<&str>,
    ) -> StoreResult<Vec<CaseEvent>> {
        self.record_events(ctx, RecordKind::Case, key, kind).await
    }

    /// The workflow events of a record in the caller's scope, oldest first, optionally of one kind.
    pub async fn record_events(
        &self,
        ctx: &ActorContext,
        record_kind: RecordKind,
        key: &str,
        kind: Option<&str>,
    ) -> StoreResult<Vec<CaseEvent>> {
        let case = self.fetch_unaudited(ctx, record_kind, key).await?;
        let rows = match kind {
            Some(k) => sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM case_events e WHERE e.case_id = $1 AND e.kind = $2 ORDER BY e.created_at, e.id")).bind(case.id.to_string()).bind(k).fetch_all(self.pool()).await?,
            None => sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM case_events e WHERE e.case_id = $1 ORDER BY e.created_at, e.id")).bind(case.id.to_string()).fetch_all(self.pool()).await?,
        };
        rows.iter()
            .map(|r| self.event_row(r, ctx.reveal_personal))
            .collect()
    }

    /// Records a follow-up visit as done.
    pub async fn complete_followup(
        &self,
        ctx: &ActorContext,
        event_id: &str,
        done_on: &str,
        outcome: Value,
        notes: Value,
    ) -> StoreResult<CaseEvent> {
        let row = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM case_events e WHERE e.id = $1 AND e.kind = 'followup'"
        ))
        .bind(event_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let event = self.event_row(&row, true)?;
        let case = self
            .fetch_unaudited(ctx, RecordKind::Case, &event.case_id)
            .await?;
        if event.done_at.is_some() {
            return Err(StoreError::Conflict(
                "this follow-up visit is already recorded as done".into(),
            ));
        }
        let mut plain = event.plain.clone();
        if let (Some(p), Some(o)) = (plain.as_object_mut(), outcome.as_object()) {
            p.extend(o.clone());
            // A visit after its due date is flagged so supervisors see where follow-up slips.
            let late = event.due_date.as_deref().is_some_and(|due| done_on > due);
            p.insert("late".into(), Value::Bool(late));
        }
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE case_events SET done_at = $1, plain = $2, sealed = $3 WHERE id = $4")
            .bind(done_on)
            .bind(plain.to_string())
            .bind(
                self.inner
                    .cipher
                    .seal(notes.to_string().as_bytes(), &event_context(event_id)),
            )
            .bind(event_id)
            .execute(&mut *w.tx)
            .await?;
        w.audit(&ctx.scope.user.to_string(), "followup.done", Some(&case.id.to_string()), &json!({"reference": case.reference.to_string(), "followup": event_id, "due": event.due_date, "done": done_on})).await?;
        w.commit().await?;
        let row = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM case_events e WHERE e.id = $1"
        ))
        .bind(event_id)
        .fetch_one(self.pool())
        .await?;
        self.event_row(&row, ctx.reveal_personal)
    }

    /// The plain fields of every open case in the caller's scope (no personal field is opened),
    /// for the deadline clocks; audited as one listing.
    pub async fn open_cases_plain(
        &self,
        ctx: &ActorContext,
    ) -> StoreResult<Vec<(String, Reference, String, Document)>> {
        let scope = crate::records::scope_sql(&ctx.scope, 1);
        let sql = format!("SELECT r.id, r.reference, r.created_at, r.plain_doc FROM records r WHERE r.kind = 'case' AND r.status = 'open' AND {} ORDER BY r.created_at", scope.0);
        let mut q = sqlx::query(&sql);
        for v in scope.1 {
            q = q.bind(v);
        }
        let rows = q.fetch_all(self.pool()).await?;
        let out = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("id")?,
                    Reference::parse(&r.try_get::<String, _>("reference")?)
                        .map_err(|_| StoreError::Corrupt("reference".into()))?,
                    r.try_get::<String, _>("created_at")?,
                    serde_json::from_str(&r.try_get::<String, _>("plain_doc")?)
                        .map_err(|_| StoreError::Corrupt("plain fields".into()))?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.audit(
            &ctx.scope.user.to_string(),
            "records.deadlines",
            None,
            json!({"count": out.len()}),
        )
        .await?;
        Ok(out)
    }

    /// Follow-ups not done by their due date, for cases in the caller's scope.
    pub async fn overdue_followups(
        &self,
        ctx: &ActorContext,
        today: &str,
    ) -> StoreResult<Vec<OverdueFollowup>> {
        let scope = crate::records::scope_sql(&ctx.scope, 2);
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, r.reference, r.team_id, COALESCE(r.assigned_to, r.owner_id) AS in_charge FROM case_events e JOIN records r ON r.id = e.case_id \
             WHERE e.kind = 'followup' AND e.done_at IS NULL AND e.due_date < $1 AND {} ORDER BY e.due_date",
            scope.0
        );
        let mut q = sqlx::query(&sql).bind(today);
        for v in scope.1 {
            q = q.bind(v);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(OverdueFollowup {
                    event: self.event_row(r, false)?,
                    reference: Reference::parse(&r.try_get::<String, _>("reference")?)
                        .map_err(|_| StoreError::Corrupt("reference".into()))?,
                    in_charge: r.try_get("in_charge")?,
                    team_id: r.try_get("team_id")?,
                })
            })
            .collect()
    }
}
