//! Potential matches over HTTP: the matches of a case or a tracing request, searching again with
//! a lower threshold, confirming or rejecting with a reason, the supervisor's disclosure
//! override, and each user's alerts.
//!
//! Disclosure follows consent: the family's side sees a match only when the child's case
//! records consent for tracing or a supervisor has overridden with a written reason; what it
//! sees of the child is limited to what identification needs, and each such view is audited.

use axum::extract::State;
use axum::Json;
use homeward_domain::{Document, RecordKind};
use homeward_store::{ActorContext, Alert, MatchRow, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::records::KindApi;
use super::QueryParam;
use crate::auth::{act, Authorized, Caller};
use crate::error::ApiError;
use crate::matching::consent_for_tracing;
use crate::AppState;

/// Fields of a child's case that the other side of a match may see.
const CASE_DISCLOSED: &[&str] = &[
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
const REQUEST_DISCLOSED: &[&str] = &[
    "relation_name",
    "relation",
    "district",
    "village",
    "languages",
    "inquiry_date",
];

/// One side of a match as the caller may see it.
#[derive(Debug, Serialize)]
pub struct Side {
    id: String,
    reference: Option<String>,
    /// True when the record is in the caller's own scope.
    in_your_scope: bool,
    /// The fields the caller may see; absent when nothing may be disclosed.
    fields: Option<Document>,
}

/// A match with both sides.
#[derive(Debug, Serialize)]
pub struct MatchView {
    #[serde(flatten)]
    row: MatchRow,
    case: Side,
    tracing_request: Side,
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
                .map(|m| serde_json::json!({"relation": m.get("relation"), "relation_name": m.get("relation_name")}))
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
            .and_then(|c| c.get(sought_index as usize))
        {
            out.insert("child_sought".into(), child.clone());
        }
    }
    out
}

async fn view(
    state: &AppState,
    ctx: &ActorContext,
    row: MatchRow,
) -> Result<Option<MatchView>, ApiError> {
    let store = &state.store;
    let (case_visible, request_visible) = store.match_sides_visible(ctx, &row).await?;
    let case = store
        .record_for_matching(&row.case_id)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    let request = store
        .record_for_matching(&row.tracing_request_id)
        .await?
        .ok_or_else(|| ApiError::not_found("tracing request"))?;
    let case_may_go_out = consent_for_tracing(&case) || row.disclosure_overridden;
    if !case_visible && !case_may_go_out {
        // Nothing about a child without consent reaches the family's side.
        return Ok(None);
    }
    let reveal = ctx.reveal_personal;
    let case_side = if case_visible || case_may_go_out {
        if !case_visible {
            store
                .disclose_for_match(ctx, &row.id, RecordKind::Case, &case.id)
                .await?;
        }
        Side {
            id: case.id.to_string(),
            reference: Some(case.reference.to_string()),
            in_your_scope: case_visible,
            fields: Some(case_fields(&case, reveal)),
        }
    } else {
        Side {
            id: case.id.to_string(),
            reference: None,
            in_your_scope: false,
            fields: None,
        }
    };
    let request_may_go_out = request
        .fields
        .get("consent_for_tracing")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let request_side = if request_visible || request_may_go_out {
        if !request_visible {
            store
                .disclose_for_match(ctx, &row.id, RecordKind::TracingRequest, &request.id)
                .await?;
        }
        Side {
            id: request.id.to_string(),
            reference: Some(request.reference.to_string()),
            in_your_scope: request_visible,
            fields: Some(request_fields(&request, row.sought_index, reveal)),
        }
    } else {
        Side {
            id: request.id.to_string(),
            reference: Some(request.reference.to_string()),
            in_your_scope: false,
            fields: None,
        }
    };
    Ok(Some(MatchView {
        row,
        case: case_side,
        tracing_request: request_side,
    }))
}

async fn views(
    state: &AppState,
    ctx: &ActorContext,
    rows: Vec<MatchRow>,
) -> Result<Vec<MatchView>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(v) = view(state, ctx, row).await? {
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
    let v = view(&state, &ctx, row)
        .await?
        .ok_or_else(|| ApiError::not_found("potential match"))?;
    Ok(Json(v))
}

/// A supervisor's override of the consent rule for one match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureOverride {
    /// Why the family's side must see this match without the child's recorded consent.
    reason: String,
}

/// Lets the family's side see a match without the child's consent.
pub async fn override_disclosure(
    auth: Authorized<act::ConsentOverride>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(o): ApiJson<DisclosureOverride>,
) -> Result<Json<MatchView>, ApiError> {
    if o.reason.trim().chars().count() < 20 {
        return Err(ApiError::bad_field("reason", "a written reason of at least 20 characters is required to override the child's consent"));
    }
    let ctx = auth.caller.context();
    let row = state
        .store
        .override_disclosure(&ctx, &id, o.reason.trim())
        .await
        .map_err(|e| ApiError::from_store(e, "potential match"))?;
    let v = view(&state, &ctx, row)
        .await?
        .ok_or_else(|| ApiError::not_found("potential match"))?;
    Ok(Json(v))
}

/// Alert list filters.
pub const ALERT_PARAMS: &[QueryParam] = &[QueryParam {
    name: "unread",
    ty: "boolean",
    doc: "Only alerts not yet read (default false)",
}];

/// Alert list query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    #[serde(default)]
    unread: bool,
}

/// The caller's alerts.
pub async fn alerts(
    caller: Caller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<Json<Vec<Alert>>, ApiError> {
    Ok(Json(
        state.store.alerts_for(caller.user.id, q.unread).await?,
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
    duplicate: String,
    /// Why the two are the same child.
    reason: String,
}

/// Merges a duplicate into the case in the path.
pub async fn merge(
    auth: Authorized<act::CaseMerge>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(m): ApiJson<MergeRequest>,
) -> Result<Json<homeward_store::Merge>, ApiError> {
    if m.reason.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason",
            "is required: why these are the same child (at least 5 characters)",
        ));
    }
    let ctx = auth.caller.context();
    let merged_id = state
        .store
        .get_record(&ctx, RecordKind::Case, &m.duplicate)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?
        .id;
    let merge = state
        .store
        .merge_cases(&ctx, &key, &merged_id.to_string(), m.reason.trim())
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    if let Err(e) = state
        .matching
        .cases_merged(merge.survivor.id, merged_id, false)
        .await
    {
        tracing::error!(error = %e, "re-indexing after a merge failed");
    }
    Ok(Json(merge))
}

/// Both cases after a merge is undone.
#[derive(Debug, Serialize)]
pub struct Unmerged {
    survivor: StoredRecord,
    restored: StoredRecord,
}

/// Undoes a merge.
pub async fn undo_merge(
    auth: Authorized<act::CaseMerge>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Unmerged>, ApiError> {
    let ctx = auth.caller.context();
    let (survivor, restored) = state
        .store
        .undo_merge(&ctx, &id)
        .await
        .map_err(|e| ApiError::from_store(e, "merge"))?;
    if let Err(e) = state
        .matching
        .cases_merged(survivor.id, restored.id, true)
        .await
    {
        tracing::error!(error = %e, "re-indexing after undoing a merge failed");
    }
    Ok(Json(Unmerged { survivor, restored }))
}
