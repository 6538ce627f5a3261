//! Potential matches over HTTP: the matches of a case or a tracing request, searching again with
//! a lower threshold, confirming or rejecting with a reason, the supervisor's disclosure
//! override, and each user's alerts.
//!
//! Disclosure follows consent: the family's side sees a match only when the child's case
//! records consent for tracing or a supervisor has overridden with a written reason; what it
//! sees of the child is limited to what identification needs, and each such view is audited.

use axum::extract::State;
use axum::Json;
use homeward_domain::RecordKind;
use homeward_store::{ActorContext, Alert, MatchRow, MatchView, StoredRecord};
use serde::{Deserialize, Serialize};

use super::extract::{paging, ApiJson, ApiPath, ApiQuery};
use super::records::KindApi;
use super::{ParamSchema, QueryParam};
use crate::auth::{act, Authorized, Caller};
use crate::error::ApiError;
use crate::AppState;

async fn views(
    state: &AppState,
    ctx: &ActorContext,
    rows: Vec<MatchRow>,
) -> Result<Vec<MatchView>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(v) = state.store.match_view(ctx, row).await? {
            out.push(v);
        }
    }
    Ok(out)
}

/// The potential matches of a record.
pub async fn list<K: KindApi>(
    auth: Authorized<act::MatchRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<MatchView>>, ApiError> {
    let ctx = auth.caller.context();
    let (_, rows) = state
        .store
        .matches_of(&ctx, K::KIND, &key)
        .await
        .map_err(|e| ApiError::from_store(e, K::KIND.human()))?;
    Ok(Json(views(&state, &ctx, rows).await?))
}

/// A search on demand.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// Probability from which to propose, 0.05 to 1 (default: the server's threshold).
    threshold: Option<f64>,
}

/// Matches the record again now, with an optional lower threshold, and lists its matches.
pub async fn search<K: KindApi>(
    auth: Authorized<act::MatchRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(req): ApiJson<SearchRequest>,
) -> Result<Json<Vec<MatchView>>, ApiError> {
    let threshold = req.threshold.unwrap_or(state.matching.threshold());
    if !(0.05..=1.0).contains(&threshold) {
        return Err(ApiError::bad_field(
            "threshold",
            format!(
                "{threshold} is outside 0.05–1; below 0.05 nearly every child would be proposed"
            ),
        ));
    }
    let ctx = auth.caller.context();
    let record = state
        .store
        .get_record(&ctx, K::KIND, &key)
        .await
        .map_err(|e| ApiError::from_store(e, K::KIND.human()))?;
    state
        .matching
        .propose(K::KIND, record.id, threshold)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let (_, rows) = state.store.matches_of(&ctx, K::KIND, &key).await?;
    let rows = rows
        .into_iter()
        .filter(|r| r.probability >= threshold)
        .collect();
    Ok(Json(views(&state, &ctx, rows).await?))
}

/// A caseworker's decision.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `confirmed` or `rejected`.
    decision: String,
    /// Why: what was checked, or what did not agree.
    reason: String,
}

/// Confirms or rejects a match.
pub async fn decide(
    auth: Authorized<act::MatchDecide>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<MatchView>, ApiError> {
    if !matches!(d.decision.as_str(), "confirmed" | "rejected") {
        return Err(ApiError::bad_field(
            "decision",
            format!(
                "`{}` is not a decision; use confirmed or rejected",
                d.decision
            ),
        ));
    }
    if d.reason.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason",
            "is required: say what was checked or what did not agree (at least 5 characters)",
        ));
    }
    let ctx = auth.caller.context();
    let row = state
        .store
        .decide_match(&ctx, &id, &d.decision, d.reason.trim())
        .await
        .map_err(|e| ApiError::from_store(e, "potential match"))?;
    state.matching.decision_recorded();
    let v = state
        .store
        .match_view(&ctx, row)
        .await?
        .ok_or_else(|| ApiError::not_found("potential match"))?;
    Ok(Json(v))
}

/// A supervisor's override of the consent rule for one match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureOverride {
    /// Why the family's side must see this match without the child's recorded consent.
    pub reason: String,
}

/// Shortest written reason for overriding the child's consent.
pub const MIN_OVERRIDE_REASON: usize = 20;

/// Lets the family's side see a match without the child's consent, and tells the family's
/// caseworker. The caller must hold `consent.override`; the JSON API and the web interface
/// both call this, so the rule and the alert live in one place.
pub async fn override_match_disclosure(
    state: &AppState,
    ctx: &ActorContext,
    id: &str,
    o: DisclosureOverride,
) -> Result<MatchView, ApiError> {
    if o.reason.trim().chars().count() < MIN_OVERRIDE_REASON {
        return Err(ApiError::bad_field("reason", "a written reason of at least 20 characters is required to override the child's consent"));
    }
    let row = state
        .store
        .override_disclosure(ctx, id, o.reason.trim())
        .await
        .map_err(|e| ApiError::from_store(e, "potential match"))?;
    if let Err(e) = state.matching.disclosure_overridden(&row).await {
        // The override stands (it is recorded and audited); a lost alert is logged, not undone.
        tracing::error!(error = %e, "alerting the family's side after an override failed");
    }
    state
        .store
        .match_view(ctx, row)
        .await?
        .ok_or_else(|| ApiError::not_found("potential match"))
}

/// Lets the family's side see a match without the child's consent.
pub async fn override_disclosure(
    auth: Authorized<act::ConsentOverride>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(o): ApiJson<DisclosureOverride>,
) -> Result<Json<MatchView>, ApiError> {
    override_match_disclosure(&state, &auth.caller.context(), &id, o)
        .await
        .map(Json)
}

/// Alert list filters.
pub const ALERT_PARAMS: &[QueryParam] = &[
    QueryParam {
        name: "unread",
        schema: ParamSchema::Boolean,
        required: false,
        doc: "Only alerts not yet read (default false)",
    },
    QueryParam {
        name: "limit",
        schema: ParamSchema::Integer { min: 1, max: 500 },
        required: false,
        doc: "Alerts per page, 1 to 500 (default 200)",
    },
    QueryParam {
        name: "offset",
        schema: ParamSchema::Integer {
            min: 0,
            max: i64::MAX,
        },
        required: false,
        doc: "Alerts to skip (default 0): the next page starts where this one ended",
    },
];

/// Alert list query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    #[serde(default)]
    unread: bool,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The caller's alerts, a page at a time.
pub async fn alerts(
    caller: Caller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<Json<Vec<Alert>>, ApiError> {
    let (limit, offset) = paging(q.limit, q.offset, 200)?;
    Ok(Json(
        state
            .store
            .alerts_page(caller.user.id, q.unread, limit, offset)
            .await?,
    ))
}

/// The potential matches waiting for the caller's decision: every pending match they were
/// alerted to, read or not, until someone confirms or rejects it.
pub async fn waiting(
    auth: Authorized<act::MatchRead>,
    State(state): State<AppState>,
) -> Result<Json<Vec<Alert>>, ApiError> {
    Ok(Json(
        state.store.waiting_matches(auth.caller.user.id).await?,
    ))
}

/// Marks an alert read.
pub async fn read_alert(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .store
        .mark_alert_read(caller.user.id, &id)
        .await
        .map_err(|e| ApiError::from_store(e, "alert"))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The possible duplicates of a case.
pub async fn duplicates(
    auth: Authorized<act::MatchRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<homeward_store::DuplicateRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .duplicates_of(&auth.caller.context(), &key)
            .await
            .map_err(|e| ApiError::from_store(e, "child case"))?,
    ))
}

/// A merge request: the case named in the path survives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The id or reference of the case registered twice.
    pub duplicate: String,
    /// Why the two are the same child.
    pub reason: String,
}

/// Merges a duplicate into the case `key`. The caller must hold `case.merge`; the JSON API and
/// the web interface both call this.
pub async fn merge_duplicate(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    m: MergeRequest,
) -> Result<homeward_store::Merge, ApiError> {
    if m.reason.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason",
            "is required: why these are the same child (at least 5 characters)",
        ));
    }
    let merged_id = state
        .store
        .get_record(ctx, RecordKind::Case, &m.duplicate)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?
        .id;
    let merge = state
        .store
        .merge_cases(ctx, key, &merged_id.to_string(), m.reason.trim())
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    if let Err(e) = state
        .matching
        .cases_merged(merge.survivor.id, merged_id, false)
        .await
    {
        tracing::error!(error = %e, "re-indexing after a merge failed");
    }
    Ok(merge)
}

/// Merges a duplicate into the case in the path.
pub async fn merge(
    auth: Authorized<act::CaseMerge>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(m): ApiJson<MergeRequest>,
) -> Result<Json<homeward_store::Merge>, ApiError> {
    merge_duplicate(&state, &auth.caller.context(), &key, m)
        .await
        .map(Json)
}

/// Both cases after a merge is undone.
#[derive(Debug, Serialize)]
pub struct Unmerged {
    /// The case that had survived the merge.
    pub survivor: StoredRecord,
    /// The case merged away, open again.
    pub restored: StoredRecord,
}

/// Undoes a merge. The caller must hold `case.merge`; the JSON API and the web interface both
/// call this.
pub async fn undo_case_merge(
    state: &AppState,
    ctx: &ActorContext,
    id: &str,
) -> Result<Unmerged, ApiError> {
    let (survivor, restored) = state
        .store
        .undo_merge(ctx, id)
        .await
        .map_err(|e| ApiError::from_store(e, "merge"))?;
    if let Err(e) = state
        .matching
        .cases_merged(survivor.id, restored.id, true)
        .await
    {
        tracing::error!(error = %e, "re-indexing after undoing a merge failed");
    }
    Ok(Unmerged { survivor, restored })
}

/// Undoes a merge.
pub async fn undo_merge(
    auth: Authorized<act::CaseMerge>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Unmerged>, ApiError> {
    undo_case_merge(&state, &auth.caller.context(), &id)
        .await
        .map(Json)
}
