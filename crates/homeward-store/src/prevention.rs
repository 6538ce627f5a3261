//! Reads for prevention work that look at many records at once: households whose next visit
//! is overdue, and the plain (never personal) fields behind the recruitment analysis.
//!
//! Both read only the plain half of each record, inside the caller's scope, so no name or
//! place is decrypted to count or schedule anything.

use homeward_domain::{Document, RecordId, RecordKind, Reference, UserId};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::records::{scope_condition, ActorContext, Args, StoredRecord};

/// The plain fields of one record, for counting and scheduling.
#[derive(Debug, Clone)]
pub struct PlainRecord {
    /// The record's reference.
    pub reference: Reference,
    /// Its status.
    pub status: String,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// Who registered it.
    pub owner_id: String,
    /// Who is in charge, if assigned.
    pub assigned_to: Option<String>,
    /// Its team.
    pub team_id: Option<String>,
    /// Its plain fields only.
    pub fields: Document,
}

/// A household whose next visit is past due.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueVisit {
    /// The household's reference.
    pub reference: Reference,
    /// Its district.
    pub district: Option<String>,
    /// Its committee's reference.
    pub committee: Option<String>,
    /// Its risk level after the last visit.
    pub risk_level: Option<String>,
    /// The last visit (YYYY-MM-DD).
    pub last_visit_date: Option<String>,
    /// When the visit was due (YYYY-MM-DD).
    pub next_visit_due: String,
}

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// Who is told.
    pub user: UserId,
    /// What kind of alert (`checkpoint_match`...).
    pub kind: &'static str,
    /// The record it is about.
    pub record: Option<RecordId>,
    /// Plain details (references, scores; never a name).
    pub detail: Value,
}

impl Store {
    /// Raises several alerts in one transaction: a checkpoint screening tells the officer and
    /// each caseworker at once, and one durable commit costs less than one per alert.
    pub async fn create_alerts(&self, alerts: &[NewAlert]) -> StoreResult<()> {
        if alerts.is_empty() {
            return Ok(());
        }
        let now = crate::time::now_text();
        let mut tx = self.inner.pool.begin().await?;
        for a in alerts {
            sqlx::query("INSERT INTO alerts (id, user_id, kind, record_id, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(a.user.to_string())
                .bind(a.kind)
                .bind(a.record.map(|r| r.to_string()))
                .bind(a.detail.to_string())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The enabled users of a team holding a role (the caseworkers a volunteer's alert goes
    /// to, the supervisors who hear of it too).
    pub async fn team_members(&self, team: &str, role: &str) -> StoreResult<Vec<UserId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM users WHERE team_id = $1 AND role = $2 AND disabled = 0",
        )
        .bind(team)
        .bind(role)
        .fetch_all(&self.inner.pool)
        .await?;
        Ok(ids.iter().filter_map(|i| i.parse().ok()).collect())
    }

    /// A record opened by Homeward itself to apply a rule (a referral's consent check, the
    /// reference an alert names); not audited as a person's read, and never returned to one.
    pub async fn record_for_rule(
        &self,
        reference: &Reference,
    ) -> StoreResult<Option<StoredRecord>> {
        let row = sqlx::query("SELECT id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, plain_doc, sealed_doc, version, created_at, updated_at FROM records WHERE reference = $1")
            .bind(reference.to_string())
            .fetch_optional(&self.inner.pool)
            .await?;
        row.map(|r| self.row_to_record(&r, true)).transpose()
    }

    /// Every open person of concern, opened, for the matcher's watch-list index.
    pub async fn persons_snapshot(&self) -> StoreResult<Vec<(RecordId, Document)>> {
        let rows = sqlx::query("SELECT id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, plain_doc, sealed_doc, version, created_at, updated_at FROM records WHERE kind = 'person_of_concern' AND status = 'open'")
            .fetch_all(&self.inner.pool)
            .await?;
        rows.iter()
            .map(|r| self.row_to_record(r, true).map(|p| (p.id, p.fields)))
            .collect()
    }

    /// The plain fields of every open-or-not record of a kind in the caller's scope. The read is
    /// audited once, as an aggregate: it discloses no personal field.
    pub async fn plain_records(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        purpose: &str,
    ) -> StoreResult<Vec<PlainRecord>> {
        let mut args = Args::default();
        let kind_p = args.text(kind.as_str());
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql = format!(
            "SELECT reference, status, created_at, owner_id, assigned_to, team_id, plain_doc FROM records WHERE kind = {kind_p} AND {scope_c}"
        );
        let rows = args
            .bind(sqlx::query(&sql))
            .fetch_all(&self.inner.pool)
            .await?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("{what} of a {}", kind.human()));
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let fields: Document = serde_json::from_str(&r.try_get::<String, _>("plain_doc")?)
                .map_err(|_| corrupt("plain fields"))?;
            out.push(PlainRecord {
                reference: Reference::parse(&r.try_get::<String, _>("reference")?)
                    .map_err(|_| corrupt("reference"))?,
                status: r.try_get("status")?,
                created_at: r.try_get("created_at")?,
                owner_id: r.try_get("owner_id")?,
                assigned_to: r.try_get("assigned_to")?,
                team_id: r.try_get("team_id")?,
                fields,
            });
        }
        let mut w = self.begin_write().await?;
        w.audit(
            &ctx.scope.user.to_string(),
            "records.aggregate",
            None,
            &json!({"kind": kind.as_str(), "count": out.len(), "purpose": purpose}),
        )
        .await?;
        w.commit().await?;
        Ok(out)
    }

    /// Open households in the caller's scope whose next visit was due before `today`, most
    /// overdue first.
    pub async fn overdue_visits(
        &self,
        ctx: &ActorContext,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<OverdueVisit>> {
        let today = today.to_string();
        let text = |d: &Document, k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
        let mut overdue: Vec<OverdueVisit> = self
            .plain_records(ctx, RecordKind::Household, "overdue visits")
            .await?
            .into_iter()
            .filter(|h| h.status == "open")
            .filter_map(|h| {
                let due = text(&h.fields, "next_visit_due")?;
                (due < today).then(|| OverdueVisit {
                    district: text(&h.fields, "district"),
                    committee: text(&h.fields, "committee"),
                    risk_level: text(&h.fields, "risk_level"),
                    last_visit_date: text(&h.fields, "last_visit_date"),
                    next_visit_due: due,
                    reference: h.reference,
                })
            })
            .collect();
        overdue.sort_by(|a, b| a.next_visit_due.cmp(&b.next_visit_due));
        Ok(overdue)
    }
}
