//! Cases that may be one child registered twice, and merging them.
//!
//! A merge keeps both records and both change logs: the surviving case takes the fields it
//! lacked from the other, which is marked `duplicate` and points at the survivor, so its
//! reference still finds the child. What the survivor took is remembered, so a merge can be
//! undone exactly.

use homeward_domain::{RecordId, RecordKind};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::records::{for_caller, ActorContext, StoredRecord};
use crate::time;

/// A possible duplicate proposed by the matcher.
#[derive(Debug, Clone)]
pub struct NewDuplicate {
    /// One case.
    pub case: RecordId,
    /// The other.
    pub other: RecordId,
    /// Match probability.
    pub probability: f64,
    /// Match weight.
    pub weight: f64,
    /// Per-field contributions.
    pub explanation: Value,
}

/// A stored possible duplicate.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateRow {
    /// Id.
    pub id: String,
    /// One case.
    pub case_a: String,
    /// The other.
    pub case_b: String,
    /// Match probability.
    pub probability: f64,
    /// Match weight.
    pub weight: f64,
    /// Per-field contributions.
    pub explanation: Value,
    /// pending, merged or dismissed.
    pub status: String,
    /// When proposed.
    pub created_at: String,
}

/// A merge not undone, as its survivor's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MergeRecord {
    /// The merge id (to undo it).
    pub id: String,
    /// The case merged away.
    pub merged_id: String,
    /// Why (opened only for callers who may see personal data).
    pub reason: Option<String>,
    /// Who merged.
    pub merged_by: String,
    /// When.
    pub merged_at: String,
}

/// The outcome of a merge.
#[derive(Debug, Clone, Serialize)]
pub struct Merge {
    /// The merge id (to undo it).
    pub merge_id: String,
    /// The surviving case as the caller may see it.
    pub survivor: StoredRecord,
    /// The fields the survivor took from the other case.
    pub filled: Vec<String>,
}

fn ordered(a: &RecordId, b: &RecordId) -> (String, String) {
    let (a, b) = (a.to_string(), b.to_string());
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn reason_context(id: &str) -> String {
    format!("merge:{id}:reason")
}

impl Store {
    fn duplicate_row(r: &AnyRow) -> StoreResult<DuplicateRow> {
        Ok(DuplicateRow {
            id: r.try_get("id")?,
            case_a: r.try_get("case_a")?,
            case_b: r.try_get("case_b")?,
            probability: r.try_get("probability")?,
            weight: r.try_get("weight")?,
            explanation: serde_json::from_str(&r.try_get::<String, _>("explanation")?)
                .unwrap_or(Value::Null),
            status: r.try_get("status")?,
            created_at: r.try_get("created_at")?,
        })
    }

    /// Stores possible duplicates; returns the new ones.
    pub async fn save_duplicates(&self, found: &[NewDuplicate]) -> StoreResult<Vec<DuplicateRow>> {
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let mut w = self.begin_write().await?;
        let now = time::now_text();
        let mut new = Vec::new();
        for d in found {
            let (a, b) = ordered(&d.case, &d.other);
            let exists: Option<String> = sqlx::query_scalar(
                "SELECT id FROM duplicate_candidates WHERE case_a = $1 AND case_b = $2",
            )
            .bind(&a)
            .bind(&b)
            .fetch_optional(&mut *w.tx)
            .await?;
            if exists.is_some() {
                continue;
            }
            let id = uuid::Uuid::now_v7().to_string();
            sqlx::query("INSERT INTO duplicate_candidates (id, case_a, case_b, probability, weight, explanation, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)")
                .bind(&id)
                .bind(&a)
                .bind(&b)
                .bind(d.probability)
                .bind(d.weight)
                .bind(d.explanation.to_string())
                .bind(&now)
                .execute(&mut *w.tx)
                .await?;
            w.audit(
                "system:matcher",
                "duplicate.propose",
                Some(&id),
                &json!({"case_a": a, "case_b": b, "probability": d.probability}),
            )
            .await?;
            new.push(DuplicateRow {
                id,
                case_a: a,
                case_b: b,
                probability: d.probability,
                weight: d.weight,
                explanation: d.explanation.clone(),
                status: "pending".into(),
                created_at: now.clone(),
            });
        }
        w.commit().await?;
        Ok(new)
    }

    /// The possible duplicates of a case in the caller's scope.
    pub async fn duplicates_of(
        &self,
        ctx: &ActorContext,
        key: &str,
    ) -> StoreResult<Vec<DuplicateRow>> {
        let case = self.fetch_unaudited(ctx, RecordKind::Case, key).await?;
        let rows = sqlx::query("SELECT id, case_a, case_b, probability, weight, explanation, status, created_at FROM duplicate_candidates WHERE case_a = $1 OR case_b = $1 ORDER BY probability DESC")
            .bind(case.id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(Self::duplicate_row).collect()
    }

    /// The merges into a case in the caller's scope that are not undone, newest first.
    pub async fn merges_into(
        &self,
        ctx: &ActorContext,
        key: &str,
    ) -> StoreResult<Vec<MergeRecord>> {
        let case = self.fetch_unaudited(ctx, RecordKind::Case, key).await?;
        let rows = sqlx::query("SELECT id, merged_id, reason, merged_by, merged_at FROM merges WHERE survivor_id = $1 AND undone_at IS NULL ORDER BY merged_at DESC")
            .bind(case.id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let reason = if ctx.reveal_personal {
                    let sealed: Vec<u8> = r.try_get("reason")?;
                    Some(
                        String::from_utf8_lossy(
                            &self.inner.cipher.open(&sealed, &reason_context(&id))?,
                        )
                        .into_owned(),
                    )
                } else {
                    None
                };
                Ok(MergeRecord {
                    merged_id: r.try_get("merged_id")?,
                    merged_by: r.try_get("merged_by")?,
                    merged_at: r.try_get("merged_at")?,
                    reason,
                    id,
                })
            })
            .collect()
    }

    /// Merges `merged` into `survivor` (both must be in the caller's scope).
    pub async fn merge_cases(
        &self,
        ctx: &ActorContext,
        survivor: &str,
        merged: &str,
        reason: &str,
    ) -> StoreResult<Merge> {
        let mut w = self.begin_write().await?;
        let (keep, ()) = self
            .load_for_update(&mut w, ctx, RecordKind::Case, survivor)
            .await?;
        let (gone, ()) = self
            .load_for_update(&mut w, ctx, RecordKind::Case, merged)
            .await?;
        if keep.id == gone.id {
            return Err(StoreError::Conflict(
                "a case cannot be merged into itself".into(),
            ));
        }
        if gone.status == "duplicate" || keep.status == "duplicate" {
            return Err(StoreError::Conflict(
                "one of the cases is already merged into another; undo that merge first".into(),
            ));
        }
        let mut doc = keep.fields.clone();
        let mut filled = Vec::new();
        for (k, v) in &gone.fields {
            let user_field = RecordKind::Case.field(k).is_some_and(|f| !f.system);
            if user_field && !doc.contains_key(k) {
                doc.insert(k.clone(), v.clone());
                filled.push(k.clone());
            }
        }
        let (keep_id, gone_id) = (keep.id, gone.id);
        let survivor_rec = self.write_update(&mut w, ctx, keep, &doc).await?;
        let mut gone_doc = gone.fields.clone();
        gone_doc.insert("status".into(), json!("duplicate"));
        gone_doc.insert("merged_into".into(), json!(keep_id.to_string()));
        self.write_update(&mut w, ctx, gone, &gone_doc).await?;
        let merge_id = uuid::Uuid::now_v7().to_string();
        sqlx::query("INSERT INTO merges (id, survivor_id, merged_id, filled, reason, merged_by, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&merge_id)
            .bind(keep_id.to_string())
            .bind(gone_id.to_string())
            .bind(json!(filled).to_string())
            .bind(self.inner.cipher.seal(reason.as_bytes(), &reason_context(&merge_id)))
            .bind(ctx.scope.user.to_string())
            .bind(time::now_text())
            .execute(&mut *w.tx)
            .await?;
        let (a, b) = ordered(&keep_id, &gone_id);
        sqlx::query("UPDATE duplicate_candidates SET status = 'merged', updated_at = $1 WHERE case_a = $2 AND case_b = $3").bind(time::now_text()).bind(a).bind(b).execute(&mut *w.tx).await?;
        w.audit(&ctx.scope.user.to_string(), "case.merge", Some(&keep_id.to_string()), &json!({"merge": merge_id, "survivor": keep_id.to_string(), "merged": gone_id.to_string(), "filled": filled})).await?;
        w.commit().await?;
        Ok(Merge {
            merge_id,
            survivor: for_caller(survivor_rec, ctx),
            filled,
        })
    }

    /// Undoes a merge: the merged-away case is open again and the survivor gives back the
    /// fields it took (unless they were changed since, which is then kept and reported).
    pub async fn undo_merge(
        &self,
        ctx: &ActorContext,
        merge_id: &str,
    ) -> StoreResult<(StoredRecord, StoredRecord)> {
        let row = sqlx::query(
            "SELECT survivor_id, merged_id, filled, undone_at FROM merges WHERE id = $1",
        )
        .bind(merge_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<Option<String>, _>("undone_at")?.is_some() {
            return Err(StoreError::Conflict("this merge was already undone".into()));
        }
        let survivor: String = row.try_get("survivor_id")?;
        let merged: String = row.try_get("merged_id")?;
        let filled: Vec<String> =
            serde_json::from_str(&row.try_get::<String, _>("filled")?).unwrap_or_default();
        let mut w = self.begin_write().await?;
        let (keep, ()) = self
            .load_for_update(&mut w, ctx, RecordKind::Case, &survivor)
            .await?;
        let (gone, ()) = self
            .load_for_update(&mut w, ctx, RecordKind::Case, &merged)
            .await?;
        let mut doc = keep.fields.clone();
        for f in &filled {
            if doc.get(f) == gone.fields.get(f) {
                doc.remove(f);
            }
        }
        let keep = self.write_update(&mut w, ctx, keep, &doc).await?;
        let mut gone_doc = gone.fields.clone();
        gone_doc.insert("status".into(), json!("open"));
        gone_doc.remove("merged_into");
        let gone = self.write_update(&mut w, ctx, gone, &gone_doc).await?;
        sqlx::query("UPDATE merges SET undone_by = $1, undone_at = $2 WHERE id = $3")
            .bind(ctx.scope.user.to_string())
            .bind(time::now_text())
            .bind(merge_id)
            .execute(&mut *w.tx)
            .await?;
        let (a, b) = ordered(&keep.id, &gone.id);
        sqlx::query("UPDATE duplicate_candidates SET status = 'pending', updated_at = $1 WHERE case_a = $2 AND case_b = $3").bind(time::now_text()).bind(a).bind(b).execute(&mut *w.tx).await?;
        w.audit(
            &ctx.scope.user.to_string(),
            "case.unmerge",
            Some(&keep.id.to_string()),
            &json!({"merge": merge_id}),
        )
        .await?;
        w.commit().await?;
        Ok((for_caller(keep, ctx), for_caller(gone, ctx)))
    }
}
