//! Records read for an export: every record of a kind in the caller's scope, those a list's
//! filters select, or only the records an export names (the children an incident lists). Each
//! read is one audit entry counting exactly the records it returned, with where the caller
//! proved who they are and why they export.

use homeward_domain::{RecordKind, Reference};
use serde_json::json;

use crate::db::Store;
use crate::error::StoreResult;
use crate::records::{
    scope_condition, ActorContext, Args, RecordFilter, StoredRecord, RECORD_COLUMNS,
};

/// References looked up per query: well inside SQLite's and PostgreSQL's bound-parameter limits.
const REFERENCES_PER_QUERY: usize = 500;

impl Store {
    /// Every record of a kind in the caller's scope, for an export; the export is audited,
    /// with `origin` (how and where the caller proved who they are) in the entry's detail.
    pub async fn export_records(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        origin: serde_json::Value,
    ) -> StoreResult<Vec<StoredRecord>> {
        self.export_list(ctx, kind, &RecordFilter::default(), origin)
            .await
    }

    /// The records of a kind a list's filters select in the caller's scope (all of them: the
    /// filter's page is ignored), oldest first, for an export of that list; audited as
    /// [`export_records`](Self::export_records) is.
    pub async fn export_list(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        filter: &RecordFilter,
        origin: serde_json::Value,
    ) -> StoreResult<Vec<StoredRecord>> {
        let mut args = Args::default();
        let conds = self.filter_conditions(ctx, kind, filter, &mut args);
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM records WHERE {conds} ORDER BY created_at, id");
        let rows = args
            .bind(sqlx::query(&sql))
            .fetch_all(&self.inner.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| self.row_to_record(r, ctx.reveal_personal))
            .collect::<StoreResult<Vec<_>>>()?;
        self.audit_export(ctx, kind, &items, origin).await?;
        Ok(items)
    }

    /// The records of a kind with the given references that the caller may read, for an export
    /// that names them (an incident's children): nothing else is read or decrypted, and the
    /// audit entry counts only these. References that do not parse, are unknown or lie outside
    /// the caller's scope are left out, as a list leaves them out.
    pub async fn export_named_records(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        references: &[String],
        origin: serde_json::Value,
    ) -> StoreResult<Vec<StoredRecord>> {
        let mut wanted: Vec<String> = references
            .iter()
            .filter_map(|r| Reference::parse(r).ok())
            .map(|r| r.to_string())
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut items = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(REFERENCES_PER_QUERY) {
            let mut args = Args::default();
            let kind_p = args.text(kind.as_str());
            let refs_p: Vec<String> = chunk.iter().map(|r| args.text(r.clone())).collect();
            let scope_c = scope_condition(&ctx.scope, &mut args);
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE kind = {kind_p} AND reference IN ({}) AND {scope_c} ORDER BY created_at, id",
                refs_p.join(", ")
            );
            let rows = args
                .bind(sqlx::query(&sql))
                .fetch_all(&self.inner.pool)
                .await?;
            for r in &rows {
                items.push(self.row_to_record(r, ctx.reveal_personal)?);
            }
        }
        self.audit_export(ctx, kind, &items, origin).await?;
        Ok(items)
    }

    async fn audit_export(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        items: &[StoredRecord],
        origin: serde_json::Value,
    ) -> StoreResult<()> {
        self.audit(
            &ctx.user().to_string(),
            "records.export",
            None,
            json!({"kind": kind.as_str(), "count": items.len(), "personal": ctx.reveal_personal, "origin": origin}),
        )
        .await
    }
}
