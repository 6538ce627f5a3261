//! The audit trail over the API, for administrators.

use axum::extract::State;
use axum::Json;
use homeward_store::{AuditEntry, AuditVerdict};
use serde::Deserialize;

use super::extract::ApiQuery;
use super::{ParamSchema, QueryParam};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// Query parameters of the audit list.
pub const PARAMS: &[QueryParam] = &[
    QueryParam {
        name: "after",
        schema: ParamSchema::Integer {
            min: i64::MIN,
            max: i64::MAX,
        },
        required: false,
        doc: "Return entries after this sequence number (default 0)",
    },
    QueryParam {
        name: "limit",
        schema: ParamSchema::Integer { min: 1, max: 1000 },
        required: false,
        doc: "Entries per page, 1 to 1000 (default 100)",
    },
];

/// Paging of the audit list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

/// Entries after a sequence number.
pub async fn list(
    _auth: Authorized<act::AuditRead>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_field(
            "limit",
            format!("{limit} is outside 1–1000"),
        ));
    }
    Ok(Json(
        state
            .store
            .audit_entries(q.after.unwrap_or(0), limit)
            .await?,
    ))
}

/// Verifies the whole chain.
pub async fn verify(
    auth: Authorized<act::AuditRead>,
    State(state): State<AppState>,
) -> Result<Json<AuditVerdict>, ApiError> {
    let verdict = state.store.audit_verify().await?;
    state
        .store
        .audit(
            &auth.caller.actor(),
            "audit.verify",
            None,
            serde_json::json!({}),
        )
        .await?;
    Ok(Json(verdict))
}
