//! Potential matches between a child sought by a tracing request and a registered child, the
//! caseworkers' decisions on them, and alerts to users.
//!
//! The matcher proposes; this module stores. A proposal already decided is never overwritten by
//! a later run, so a rejection stays rejected. Decision reasons and disclosure overrides are
//! free text and sealed like every other note.

use homeward_domain::{Document, RecordId, RecordKind, UserId};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::records::{ActorContext, StoredRecord};
use crate::time;

/// A match proposed by the matcher.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// The tracing request.
    pub tracing_request: RecordId,
    /// Which of its children.
    pub sought_index: i64,
    /// The registered child.
    pub case: RecordId,
    /// Match probability.
    pub probability: f64,
    /// Match weight.
    pub weight: f64,
    /// Per-field contributions (field names, levels and weights; never values).
    pub explanation: Value,
}

/// A stored potential match.
#[derive(Debug, Clone, Serialize)]
pub struct MatchRow {
    /// Id.
    pub id: String,
    /// The tracing request.
    pub tracing_request_id: RecordId,
    /// Which of its children.
    pub sought_index: i64,
    /// The registered child.
    pub case_id: RecordId,
    /// Match probability.
    pub probability: f64,
    /// Match weight.
    pub weight: f64,
    /// Per-field contributions.
    pub explanation: Value,
    /// pending, confirmed or rejected.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
    /// Why (opened only for callers who may see personal data).
    pub decision_reason: Option<String>,
    /// Whether a supervisor allowed disclosure to the family's side without the child's consent.
    pub disclosure_overridden: bool,
    /// When first proposed.
    pub created_at: String,
}

/// An alert for one user.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// Id.
    pub id: String,
    /// What it is about: `potential_match`, ...
    pub kind: String,
    /// The record concerned.
    pub record_id: Option<String>,
    /// Non-personal details (references, scores).
    pub detail: Value,
    /// When raised.
    pub created_at: String,
    /// When the user read it.
    pub read_at: Option<String>,
}

/// The columns of an alert, as [`alert_from_row`] reads them.
pub(crate) const ALERT_COLUMNS: &str = "id, kind, record_id, detail, created_at, read_at";

/// An alert from a row of [`ALERT_COLUMNS`].
pub(crate) fn alert_from_row(r: &AnyRow) -> StoreResult<Alert> {
    Ok(Alert {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        record_id: r.try_get("record_id")?,
        detail: serde_json::from_str(&r.try_get::<String, _>("detail")?).unwrap_or(Value::Null),
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

const MATCH_COLUMNS: &str = "id, tracing_request_id, sought_index, case_id, probability, weight, explanation, status, decided_by, decided_at, decision_reason, disclosure_override, created_at";

fn reason_context(id: &str) -> String {
    format!("match:{id}:reason")
}

fn override_context(id: &str) -> String {
    format!("match:{id}:disclosure")
}

impl Store {
    fn match_row(&self, r: &AnyRow, reveal: bool) -> StoreResult<MatchRow> {
        let corrupt = |w: &str| StoreError::Corrupt(format!("match {w}"));
        let id: String = r.try_get("id")?;
        let reason: Option<Vec<u8>> = r.try_get("decision_reason")?;
        let decision_reason = match (reason, reveal) {
            (Some(sealed), true) => Some(
                String::from_utf8_lossy(&self.inner.cipher.open(&sealed, &reason_context(&id))?)
                    .into_owned(),
            ),
            _ => None,
        };
        let overridden: Option<Vec<u8>> = r.try_get("disclosure_override")?;
        Ok(MatchRow {
            tracing_request_id: r
                .try_get::<String, _>("tracing_request_id")?
                .parse()
                .map_err(|_| corrupt("request"))?,
            sought_index: r.try_get("sought_index")?,
            case_id: r
                .try_get::<String, _>("case_id")?
                .parse()
                .map_err(|_| corrupt("case"))?,
            probability: r.try_get("probability")?,
            weight: r.try_get("weight")?,
            explanation: serde_json::from_str(&r.try_get::<String, _>("explanation")?)
                .map_err(|_| corrupt("explanation"))?,
            status: r.try_get("status")?,
            decided_by: r.try_get("decided_by")?,
            decided_at: r.try_get("decided_at")?,
            decision_reason,
            disclosure_overridden: overridden.is_some(),
            created_at: r.try_get("created_at")?,
            id,
        })
    }

    /// Every record, opened, for building the matcher's indexes at start-up. Audited once as a
    /// system read.
    pub async fn matching_snapshot(
        &self,
    ) -> StoreResult<(Vec<(RecordId, Document)>, Vec<(RecordId, Document)>)> {
        let rows = sqlx::query("SELECT id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, plain_doc, sealed_doc, version, created_at, updated_at FROM records WHERE status <> 'duplicate' AND kind IN ('case', 'tracing_request')")
            .fetch_all(self.pool())
            .await?;
        let (mut cases, mut requests) = (Vec::new(), Vec::new());
        for r in &rows {
            let rec = self.row_to_record(r, true)?;
            match rec.kind {
                RecordKind::Case => cases.push((rec.id, rec.fields)),
                RecordKind::TracingRequest => requests.push((rec.id, rec.fields)),
                _ => {}
            }
        }
        self.audit(
            "system:matcher",
            "matching.index_build",
            None,
            json!({"cases": cases.len(), "tracing_requests": requests.len()}),
        )
        .await?;
        Ok((cases, requests))
    }

    /// Stores proposals; returns those that are new. Pending proposals get the new score;
    /// decided ones are left as decided.
    pub async fn save_proposals(&self, proposals: &[NewProposal]) -> StoreResult<Vec<MatchRow>> {
        if proposals.is_empty() {
            return Ok(Vec::new());
        }
        let mut w = self.begin_write().await?;
        let mut new_ids = Vec::new();
        let now = time::now_text();
        for p in proposals {
            let existing: Option<String> = sqlx::query_scalar("SELECT id FROM potential_matches WHERE tracing_request_id = $1 AND sought_index = $2 AND case_id = $3")
                .bind(p.tracing_request.to_string())
                .bind(p.sought_index)
                .bind(p.case.to_string())
                .fetch_optional(&mut *w.tx)
                .await?;
            match existing {
                Some(id) => {
                    sqlx::query("UPDATE potential_matches SET probability = $1, weight = $2, explanation = $3, updated_at = $4 WHERE id = $5 AND status = 'pending'")
                        .bind(p.probability)
                        .bind(p.weight)
                        .bind(p.explanation.to_string())
                        .bind(&now)
                        .bind(&id)
                        .execute(&mut *w.tx)
                        .await?;
                }
                None => {
                    let id = uuid::Uuid::now_v7().to_string();
                    sqlx::query("INSERT INTO potential_matches (id, tracing_request_id, sought_index, case_id, probability, weight, explanation, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8)")
                        .bind(&id)
                        .bind(p.tracing_request.to_string())
                        .bind(p.sought_index)
                        .bind(p.case.to_string())
                        .bind(p.probability)
                        .bind(p.weight)
                        .bind(p.explanation.to_string())
                        .bind(&now)
                        .execute(&mut *w.tx)
                        .await?;
                    w.audit("system:matcher", "match.propose", Some(&id), &json!({"tracing_request": p.tracing_request.to_string(), "case": p.case.to_string(), "probability": p.probability})).await?;
                    new_ids.push(MatchRow {
                        id,
                        tracing_request_id: p.tracing_request,
                        sought_index: p.sought_index,
                        case_id: p.case,
                        probability: p.probability,
                        weight: p.weight,
                        explanation: p.explanation.clone(),
                        status: "pending".into(),
                        decided_by: None,
                        decided_at: None,
                        decision_reason: None,
                        disclosure_overridden: false,
                        created_at: now.clone(),
                    });
                }
            }
        }
        w.commit().await?;
        Ok(new_ids)
    }

    /// One match by id (no scope: callers check the caller may see one of its records).
    pub async fn match_by_id(&self, id: &str, reveal: bool) -> StoreResult<MatchRow> {
        let row = sqlx::query(&format!(
            "SELECT {MATCH_COLUMNS} FROM potential_matches WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        self.match_row(&row, reveal)
    }

    /// The stored match of one sought child and one case, if any.
    pub async fn matches_between(
        &self,
        request: &RecordId,
        sought_index: i64,
        case: &RecordId,
    ) -> StoreResult<Option<MatchRow>> {
        let row = sqlx::query(&format!("SELECT {MATCH_COLUMNS} FROM potential_matches WHERE tracing_request_id = $1 AND sought_index = $2 AND case_id = $3"))
            .bind(request.to_string())
            .bind(sought_index)
            .bind(case.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| self.match_row(&r, false)).transpose()
    }

    /// Every stored match of one record (for the matcher; no scope, nothing opened).
    pub async fn matches_for_record(
        &self,
        kind: RecordKind,
        id: &RecordId,
    ) -> StoreResult<Vec<MatchRow>> {
        let Some(column) = match_column(kind) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(&format!("SELECT {MATCH_COLUMNS} FROM potential_matches WHERE {column} = $1 ORDER BY probability DESC, id")).bind(id.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(|r| self.match_row(r, false)).collect()
    }

    /// The matches of a record in the caller's scope, best first.
    pub async fn matches_of(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
    ) -> StoreResult<(StoredRecord, Vec<MatchRow>)> {
        let column = match_column(kind).ok_or(StoreError::NotFound)?;
        let record = self.get_record(ctx, kind, key).await?;
        let rows = sqlx::query(&format!("SELECT {MATCH_COLUMNS} FROM potential_matches WHERE {column} = $1 ORDER BY probability DESC, id"))
            .bind(record.id.to_string())
            .fetch_all(self.pool())
            .await?;
        let rows = rows
            .iter()
            .map(|r| self.match_row(r, ctx.reveal_personal))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((record, rows))
    }

    /// Which side of a match the caller can see: (case visible, request visible).
    pub async fn match_sides_visible(
        &self,
        ctx: &ActorContext,
        m: &MatchRow,
    ) -> StoreResult<(bool, bool)> {
        let case = self
            .record_in_scope(ctx, RecordKind::Case, &m.case_id)
            .await?;
        let request = self
            .record_in_scope(ctx, RecordKind::TracingRequest, &m.tracing_request_id)
            .await?;
        Ok((case, request))
    }

    /// Records a caseworker's decision on a match.
    pub async fn decide_match(
        &self,
        ctx: &ActorContext,
        id: &str,
        status: &str,
        reason: &str,
    ) -> StoreResult<MatchRow> {
        let m = self.match_by_id(id, false).await?;
        let (case, request) = self.match_sides_visible(ctx, &m).await?;
        if !case && !request {
            return Err(StoreError::NotFound);
        }
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE potential_matches SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4, updated_at = $3 WHERE id = $5")
            .bind(status)
            .bind(ctx.scope.user.to_string())
            .bind(time::now_text())
            .bind(self.inner.cipher.seal(reason.as_bytes(), &reason_context(id)))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        w.audit(&ctx.scope.user.to_string(), "match.decide", Some(id), &json!({"status": status, "case": m.case_id.to_string(), "tracing_request": m.tracing_request_id.to_string()})).await?;
        w.commit().await?;
        self.match_by_id(id, ctx.reveal_personal).await
    }

    /// A supervisor lets the family's side see a match although the child's consent for tracing
    /// is not recorded; the written reason is sealed and the override audited.
    pub async fn override_disclosure(
        &self,
        ctx: &ActorContext,
        id: &str,
        reason: &str,
    ) -> StoreResult<MatchRow> {
        let m = self.match_by_id(id, false).await?;
        let (case, _) = self.match_sides_visible(ctx, &m).await?;
        if !case {
            return Err(StoreError::NotFound);
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "UPDATE potential_matches SET disclosure_override = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(
            self.inner
                .cipher
                .seal(reason.as_bytes(), &override_context(id)),
        )
        .bind(time::now_text())
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        w.audit(&ctx.scope.user.to_string(), "match.disclosure_override", Some(id), &json!({"case": m.case_id.to_string(), "tracing_request": m.tracing_request_id.to_string()})).await?;
        w.commit().await?;
        self.match_by_id(id, ctx.reveal_personal).await
    }

    /// The written reason of a match's disclosure override, for callers who may see personal
    /// data and who see the child's side of the match; `None` without an override.
    pub async fn disclosure_override_reason(
        &self,
        ctx: &ActorContext,
        id: &str,
    ) -> StoreResult<Option<String>> {
        let m = self.match_by_id(id, false).await?;
        let (case, _) = self.match_sides_visible(ctx, &m).await?;
        if !case || !ctx.reveal_personal {
            return Ok(None);
        }
        let sealed: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT disclosure_override FROM potential_matches WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        sealed
            .map(|s| {
                Ok(
                    String::from_utf8_lossy(&self.inner.cipher.open(&s, &override_context(id))?)
                        .into_owned(),
                )
            })
            .transpose()
    }

    /// A record opened for disclosure to the other side of a match (the caller's scope does
    /// not reach it); audited as a disclosure.
    pub async fn disclose_for_match(
        &self,
        ctx: &ActorContext,
        match_id: &str,
        kind: RecordKind,
        id: &RecordId,
    ) -> StoreResult<StoredRecord> {
        let all = ActorContext {
            scope: homeward_domain::RecordScope {
                scope: homeward_domain::Scope::All,
                ..ctx.scope.clone()
            },
            reveal_personal: ctx.reveal_personal,
        };
        let record = self.fetch_unaudited(&all, kind, &id.to_string()).await?;
        self.audit(&ctx.scope.user.to_string(), "match.disclosure", Some(&id.to_string()), json!({"match": match_id, "kind": kind.as_str(), "reference": record.reference.to_string()})).await?;
        Ok(record)
    }

    /// A record opened for the matcher itself (not a person's read, so not audited; nothing
    /// leaves the process except the proposals, which are).
    pub async fn record_for_matching(&self, id: &RecordId) -> StoreResult<Option<StoredRecord>> {
        let row = sqlx::query("SELECT id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, plain_doc, sealed_doc, version, created_at, updated_at FROM records WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| self.row_to_record(&r, true)).transpose()
    }

    /// Every confirmed or rejected match: (tracing request, sought child, case, confirmed).
    pub async fn decided_matches(&self) -> StoreResult<Vec<(RecordId, i64, RecordId, bool)>> {
        let rows = sqlx::query("SELECT tracing_request_id, sought_index, case_id, status FROM potential_matches WHERE status IN ('confirmed', 'rejected')")
            .fetch_all(self.pool())
            .await?;
        let corrupt = || StoreError::Corrupt("match ids".into());
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("tracing_request_id")?
                        .parse()
                        .map_err(|_| corrupt())?,
                    r.try_get("sought_index")?,
                    r.try_get::<String, _>("case_id")?
                        .parse()
                        .map_err(|_| corrupt())?,
                    r.try_get::<String, _>("status")? == "confirmed",
                ))
            })
            .collect()
    }

    /// The ids of every record of a kind (for recomputing matches).
    pub async fn record_ids(&self, kind: RecordKind) -> StoreResult<Vec<RecordId>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM records WHERE kind = $1 ORDER BY id")
                .bind(kind.as_str())
                .fetch_all(self.pool())
                .await?;
        ids.iter()
            .map(|i| {
                i.parse()
                    .map_err(|_| StoreError::Corrupt("record id".into()))
            })
            .collect()
    }

    /// Raises an alert for a user.
    pub async fn create_alert(
        &self,
        user: UserId,
        kind: &str,
        record: Option<&RecordId>,
        detail: Value,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO alerts (id, user_id, kind, record_id, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(user.to_string())
            .bind(kind)
            .bind(record.map(|r| r.to_string()))
            .bind(detail.to_string())
            .bind(time::now_text())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Raises an alert unless this user already has one with the same key; true if raised.
    pub async fn alert_once(
        &self,
        user: UserId,
        kind: &str,
        record: Option<&RecordId>,
        key: &str,
        detail: Value,
    ) -> StoreResult<bool> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM alerts WHERE user_id = $1 AND dedupe_key = $2")
                .bind(user.to_string())
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
        if exists.is_some() {
            return Ok(false);
        }
        sqlx::query("INSERT INTO alerts (id, user_id, kind, record_id, detail, created_at, dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(user.to_string())
            .bind(kind)
            .bind(record.map(|r| r.to_string()))
            .bind(detail.to_string())
            .bind(time::now_text())
            .bind(key)
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::from_sqlx(e, "this alert"))?;
        Ok(true)
    }

    /// The enabled supervisors of a team.
    pub async fn team_supervisors(&self, team: &str) -> StoreResult<Vec<UserId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM users WHERE team_id = $1 AND role = 'supervisor' AND disabled = 0",
        )
        .bind(team)
        .fetch_all(self.pool())
        .await?;
        Ok(ids.iter().filter_map(|i| i.parse().ok()).collect())
    }

    /// A user's 200 newest alerts, newest first.
    pub async fn alerts_for(&self, user: UserId, unread_only: bool) -> StoreResult<Vec<Alert>> {
        self.alerts_page(user, unread_only, 200, 0).await
    }

    /// A page of a user's alerts, newest first.
    pub async fn alerts_page(
        &self,
        user: UserId,
        unread_only: bool,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<Alert>> {
        let filter = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        let rows = sqlx::query(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE user_id = $1{filter} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"))
            .bind(user.to_string())
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// Marks one of the user's alerts as read.
    pub async fn mark_alert_read(&self, user: UserId, id: &str) -> StoreResult<()> {
        let n = sqlx::query("UPDATE alerts SET read_at = $1 WHERE id = $2 AND user_id = $3")
            .bind(time::now_text())
            .bind(id)
            .bind(user.to_string())
            .execute(self.pool())
            .await?
            .rows_affected();
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

/// Fields of a child's case that the other side of a match may see: what identification needs.
pub const CASE_DISCLOSED: &[&str] = &[
    "name_first",
    "name_middle",
    "name_last",
    "name_nickname",
    "name_other",
    "sex",
    "age",
    "estimated",
    "date_of_birth",
    "languages",
    "district",
    "date_of_separation",
    "separation_cause",
    "location_separation",
];
/// Fields of a tracing request that the other side may see (plus the one child sought).
pub const REQUEST_DISCLOSED: &[&str] = &[
    "relation_name",
    "relation",
    "district",
    "village",
    "languages",
    "inquiry_date",
];

/// One side of a match as the caller may see it.
#[derive(Debug, Clone, Serialize)]
pub struct MatchSide {
    /// The record's id.
    pub id: String,
    /// Its reference, when it may be named to the caller.
    pub reference: Option<String>,
    /// True when the record is in the caller's own scope.
    pub in_your_scope: bool,
    /// The fields the caller may see; absent when nothing may be disclosed.
    pub fields: Option<Document>,
}

/// A match with both sides, as the caller may see it.
#[derive(Debug, Clone, Serialize)]
pub struct MatchView {
    /// The stored match.
    #[serde(flatten)]
    pub row: MatchRow,
    /// The registered child.
    pub case: MatchSide,
    /// The tracing request (with the one child sought).
    pub tracing_request: MatchSide,
}

struct Sides {
    case: StoredRecord,
    request: StoredRecord,
    case_visible: bool,
    request_visible: bool,
}

fn pick(doc: &Document, names: &[&str], reveal: bool, kind: RecordKind) -> Document {
    doc.iter()
        .filter(|(k, _)| names.contains(&k.as_str()))
        .filter(|(k, _)| reveal || kind.field(k).is_some_and(|f| !f.is_personal()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn case_fields(case: &StoredRecord, reveal: bool) -> Document {
    let mut out = pick(&case.fields, CASE_DISCLOSED, reveal, RecordKind::Case);
    if reveal {
        // Parents' names are what families recognise; nothing else of the family list goes out.
        if let Some(Value::Array(family)) = case.fields.get("family_details") {
            let parents: Vec<Value> = family
                .iter()
                .filter_map(|m| m.as_object())
                .filter(|m| matches!(m.get("relation").and_then(Value::as_str), Some("mother" | "father")))
                .map(|m| json!({"relation": m.get("relation"), "relation_name": m.get("relation_name")}))
                .collect();
            out.insert("family_details".into(), Value::Array(parents));
        }
    }
    out
}

fn request_fields(request: &StoredRecord, sought_index: i64, reveal: bool) -> Document {
    let mut out = pick(
        &request.fields,
        REQUEST_DISCLOSED,
        reveal,
        RecordKind::TracingRequest,
    );
    if reveal {
        if let Some(child) = request
            .fields
            .get("children_sought")
            .and_then(|c| c.get(usize::try_from(sought_index).unwrap_or(usize::MAX)))
        {
            out.insert("child_sought".into(), child.clone());
        }
    }
    out
}

impl StoredRecord {
    /// Whether the record consents to tracing (the child's, or the inquirer's, consent).
    pub fn consents_to_tracing(&self) -> bool {
        self.fields
            .get("consent_for_tracing")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

impl Store {
    /// Both records of a match, or `None` when the caller may not see the match at all: neither
    /// record in scope, or the family's side without the child's consent or an override.
    async fn match_sides(&self, ctx: &ActorContext, row: &MatchRow) -> StoreResult<Option<Sides>> {
        let (case_visible, request_visible) = self.match_sides_visible(ctx, row).await?;
        if !case_visible && !request_visible {
            return Ok(None);
        }
        let (Some(case), Some(request)) = (
            self.record_for_matching(&row.case_id).await?,
            self.record_for_matching(&row.tracing_request_id).await?,
        ) else {
            return Ok(None);
        };
        // Nothing about a child without consent reaches the family's side.
        if !(case_visible || case.consents_to_tracing() || row.disclosure_overridden) {
            return Ok(None);
        }
        Ok(Some(Sides {
            case,
            request,
            case_visible,
            request_visible,
        }))
    }

    /// Whether the caller may see a match at all (nothing is disclosed or audited).
    pub async fn match_visible(&self, ctx: &ActorContext, row: &MatchRow) -> StoreResult<bool> {
        Ok(self.match_sides(ctx, row).await?.is_some())
    }

    /// A match as the caller may see it, auditing each record opened outside their scope;
    /// `None` when the caller may not see it. The one place the disclosure rules live, for the
    /// API and the web interface alike.
    pub async fn match_view(
        &self,
        ctx: &ActorContext,
        row: MatchRow,
    ) -> StoreResult<Option<MatchView>> {
        let Some(s) = self.match_sides(ctx, &row).await? else {
            return Ok(None);
        };
        let reveal = ctx.reveal_personal;
        if !s.case_visible {
            self.disclose_for_match(ctx, &row.id, RecordKind::Case, &s.case.id)
                .await?;
        }
        let case = MatchSide {
            id: s.case.id.to_string(),
            reference: Some(s.case.reference.to_string()),
            in_your_scope: s.case_visible,
            fields: Some(case_fields(&s.case, reveal)),
        };
        let request = if s.request_visible || s.request.consents_to_tracing() {
            if !s.request_visible {
                self.disclose_for_match(ctx, &row.id, RecordKind::TracingRequest, &s.request.id)
                    .await?;
            }
            MatchSide {
                id: s.request.id.to_string(),
                reference: Some(s.request.reference.to_string()),
                in_your_scope: s.request_visible,
                fields: Some(request_fields(&s.request, row.sought_index, reveal)),
            }
        } else {
            MatchSide {
                id: s.request.id.to_string(),
                reference: Some(s.request.reference.to_string()),
                in_your_scope: false,
                fields: None,
            }
        };
        Ok(Some(MatchView {
            row,
            case,
            tracing_request: request,
        }))
    }
}

/// The column of `potential_matches` naming a record of this kind; only cases and tracing
/// requests are matched.
fn match_column(kind: RecordKind) -> Option<&'static str> {
    match kind {
        RecordKind::Case => Some("case_id"),
        RecordKind::TracingRequest => Some("tracing_request_id"),
        _ => None,
    }
}
