//! Child cases and tracing requests over HTTP. One set of generic handlers serves both kinds;
//! each kind names the permissions its routes require.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use homeward_domain::{catalogue, Document, RecordKind, Reference, UserId};
use homeward_store::{ChangeView, Page, RecordFilter, StoredRecord};
use serde::Deserialize;

use super::extract::{paging, ApiJson, ApiPath, ApiQuery};
use super::record_body::RecordBody;
use super::{ParamSchema, QueryParam};
use crate::auth::{act, Authorized, RequiredAction};
use crate::error::ApiError;
use crate::AppState;

/// A record kind as served by the API, with the permission of each route.
pub trait KindApi: Send + Sync + 'static {
    /// The kind.
    const KIND: RecordKind;
    /// Permission to create.
    type Create: RequiredAction;
    /// Permission to read one.
    type Read: RequiredAction;
    /// Permission to change.
    type Update: RequiredAction;
    /// Permission to list.
    type List: RequiredAction;
}

/// `/api/v1/cases`.
pub struct Cases;
impl KindApi for Cases {
    const KIND: RecordKind = RecordKind::Case;
    type Create = act::CaseCreate;
    type Read = act::CaseRead;
    type Update = act::CaseUpdate;
    type List = act::CaseList;
}

/// `/api/v1/tracing-requests`.
pub struct TracingRequests;
impl KindApi for TracingRequests {
    const KIND: RecordKind = RecordKind::TracingRequest;
    type Create = act::TracingCreate;
    type Read = act::TracingRead;
    type Update = act::TracingUpdate;
    type List = act::TracingList;
}

/// Filters and paging accepted by a kind's list route.
pub fn list_params(kind: RecordKind) -> Vec<QueryParam> {
    let mut params = filter_params(kind);
    params.extend([
        QueryParam {
            name: "limit",
            schema: ParamSchema::Integer { min: 1, max: 500 },
            required: false,
            doc: "Page size, 1 to 500 (default 50)",
        },
        QueryParam {
            name: "offset",
            schema: ParamSchema::Integer {
                min: 0,
                max: i64::MAX,
            },
            required: false,
            doc: "Records to skip (default 0)",
        },
    ]);
    params
}

/// Filters accepted by a kind's list route and its exports.
pub fn filter_params(kind: RecordKind) -> Vec<QueryParam> {
    vec![
        QueryParam {
            name: "status",
            schema: ParamSchema::Status(kind),
            required: false,
            doc: "Workflow status",
        },
        QueryParam {
            name: "sex",
            schema: ParamSchema::OneOf(|| catalogue::SEX.to_vec()),
            required: false,
            doc: "female, male, other or unknown",
        },
        QueryParam {
            name: "age_min",
            schema: ParamSchema::Integer {
                min: i64::MIN,
                max: i64::MAX,
            },
            required: false,
            doc: "Youngest age, inclusive",
        },
        QueryParam {
            name: "age_max",
            schema: ParamSchema::Integer {
                min: i64::MIN,
                max: i64::MAX,
            },
            required: false,
            doc: "Oldest age, inclusive",
        },
        QueryParam {
            name: "risk_level",
            schema: ParamSchema::OneOf(|| catalogue::RISK_LEVEL.to_vec()),
            required: false,
            doc: "high, medium or low",
        },
        QueryParam {
            name: "protection_status",
            schema: ParamSchema::OneOf(|| catalogue::PROTECTION_STATUS.to_vec()),
            required: false,
            doc: "unaccompanied or separated",
        },
        QueryParam {
            name: "district",
            schema: ParamSchema::Text,
            required: false,
            doc: "District, exactly as recorded",
        },
        QueryParam {
            name: "reference",
            schema: ParamSchema::Reference,
            required: false,
            doc: "A reference such as HW-7K3Q-M9X",
        },
        QueryParam {
            name: "updated_since",
            schema: ParamSchema::DateTime,
            required: false,
            doc: "RFC 3339 time: only records changed since",
        },
    ]
}

/// The list filters as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub(super) status: Option<String>,
    pub(super) sex: Option<String>,
    pub(super) age_min: Option<i64>,
    pub(super) age_max: Option<i64>,
    pub(super) risk_level: Option<String>,
    pub(super) protection_status: Option<String>,
    pub(super) district: Option<String>,
    pub(super) reference: Option<String>,
    pub(super) updated_since: Option<String>,
    pub(super) limit: Option<i64>,
    pub(super) offset: Option<i64>,
}

fn check_choice(name: &str, value: &Option<String>, choices: &[&str]) -> Result<(), ApiError> {
    match value {
        Some(v) if !choices.contains(&v.as_str()) => Err(ApiError::bad_field(
            name,
            format!(
                "`{v}` is not a known value; use one of: {}",
                choices.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

impl ListQuery {
    pub(super) fn into_filter(self, kind: RecordKind) -> Result<RecordFilter, ApiError> {
        check_choice("status", &self.status, kind.statuses())?;
        check_choice("sex", &self.sex, catalogue::SEX)?;
        check_choice("risk_level", &self.risk_level, catalogue::RISK_LEVEL)?;
        check_choice(
            "protection_status",
            &self.protection_status,
            catalogue::PROTECTION_STATUS,
        )?;
        let (limit, offset) = paging(self.limit, self.offset, 50)?;
        let reference = self
            .reference
            .map(|r| {
                Reference::parse(&r).map_err(|e| ApiError::bad_field("reference", e.to_string()))
            })
            .transpose()?;
        if let Some(since) = &self.updated_since {
            chrono::DateTime::parse_from_rfc3339(since).map_err(|_| {
                ApiError::bad_field(
                    "updated_since",
                    format!("`{since}` is not an RFC 3339 time such as 2026-11-29T08:00:00Z"),
                )
            })?;
        }
        Ok(RecordFilter {
            status: self.status,
            sex: self.sex,
            age_min: self.age_min,
            age_max: self.age_max,
            risk_level: self.risk_level,
            protection_status: self.protection_status,
            district: self.district,
            reference,
            updated_since: self.updated_since,
            limit,
            offset,
        })
    }
}

fn what<K: KindApi>() -> &'static str {
    K::KIND.human()
}

fn with_etag(record: StoredRecord, status: StatusCode) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", record.version)).ok();
    let mut res = (status, Json(record)).into_response();
    if let Some(etag) = etag {
        res.headers_mut().insert(header::ETAG, etag);
    }
    res
}

/// Creates a record.
pub async fn create<K: KindApi>(
    auth: Authorized<K::Create>,
    State(state): State<AppState>,
    body: RecordBody,
) -> Result<Response, ApiError> {
    let body = body.checked(K::KIND)?;
    let record = create_record(&auth.caller, &state, K::KIND, &body).await?;
    Ok(with_etag(record, StatusCode::CREATED))
}

/// Creates a record with what Homeward derives for it, queues it for matching and raises the
/// alerts it calls for.
pub async fn create_record(
    caller: &crate::auth::Caller,
    state: &AppState,
    kind: RecordKind,
    body: &Document,
) -> Result<StoredRecord, ApiError> {
    // Someone who may register a child registers it at once (R1's clock is then met); a
    // volunteer's or checkpoint officer's report stays `identified` for a caseworker.
    let mut system = Document::new();
    if kind == RecordKind::Case && caller.can(homeward_auth::Action::WorkflowRegister) {
        system.insert("stage".into(), serde_json::json!("registered"));
        system.insert("registered_at".into(), serde_json::json!(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    }
    let derived = crate::prevention::derive(state, kind, body).await?;
    system.extend(derived.system);
    let record = state
        .store
        .create_record_affecting(
            &caller.context_for(kind),
            kind,
            body,
            &system,
            &derived.linked,
        )
        .await
        .map_err(|e| ApiError::from_store(e, kind.human()))?;
    state.matching.record_changed(kind, record.id);
    crate::prevention::after_create(state, caller, &record).await?;
    Ok(record)
}

/// Lists records.
pub async fn list<K: KindApi>(
    auth: Authorized<K::List>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<StoredRecord>>, ApiError> {
    let filter = q.into_filter(K::KIND)?;
    let page = state
        .store
        .list_records(&auth.caller.context_for(K::KIND), K::KIND, &filter)
        .await
        .map_err(|e| ApiError::from_store(e, what::<K>()))?;
    Ok(Json(page))
}

/// Reads one record.
pub async fn get_one<K: KindApi>(
    auth: Authorized<K::Read>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .get_record(&auth.caller.context_for(K::KIND), K::KIND, &key)
        .await
        .map_err(|e| ApiError::from_store(e, what::<K>()))?;
    Ok(with_etag(record, StatusCode::OK))
}

fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .unwrap_or("")
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"');
    text.parse().map(Some).map_err(|_| {
        ApiError::bad_field(
            "If-Match",
            "must be the record's version as sent in its ETag, such as \"3\"",
        )
    })
}

/// Changes a record.
pub async fn update<K: KindApi>(
    auth: Authorized<K::Update>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    headers: HeaderMap,
    body: RecordBody,
) -> Result<Response, ApiError> {
    let body = body.checked(K::KIND)?;
    let expected = if_match(&headers)?;
    let settings = state.config.prevention.clone();
    let derive = move |doc: &Document| crate::prevention::rederive(K::KIND, doc, &settings);
    let record = state
        .store
        .update_record_deriving(
            &auth.caller.context_for(K::KIND),
            K::KIND,
            &key,
            &body,
            expected,
            &derive,
        )
        .await
        .map_err(|e| ApiError::from_store(e, what::<K>()))?;
    state.matching.record_changed(K::KIND, record.id);
    Ok(with_etag(record, StatusCode::OK))
}

/// Who a record is assigned to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    user_id: Option<UserId>,
}

/// Assigns a record.
pub async fn assign<K: KindApi>(
    auth: Authorized<K::Update>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<Response, ApiError> {
    if let Some(u) = body.user_id {
        let user = state
            .store
            .user_by_id(u)
            .await?
            .ok_or_else(|| ApiError::bad_field("user_id", "no user has this id"))?;
        if user.agency_id != auth.caller.user.agency_id {
            return Err(ApiError::bad_field(
                "user_id",
                "records can only be assigned to users of your own agency",
            ));
        }
    }
    let record = state
        .store
        .assign_record(
            &auth.caller.context_for(K::KIND),
            K::KIND,
            &key,
            body.user_id,
        )
        .await
        .map_err(|e| ApiError::from_store(e, what::<K>()))?;
    Ok(with_etag(record, StatusCode::OK))
}

/// The change history of a record.
pub async fn history<K: KindApi>(
    auth: Authorized<act::HistoryRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<ChangeView>>, ApiError> {
    if !auth.caller.can(<K::Read as RequiredAction>::ACTION) {
        return Err(ApiError::forbidden(format!(
            "reading the history needs the `{}` permission too",
            <K::Read as RequiredAction>::ACTION.as_str()
        )));
    }
    let history = state
        .store
        .record_history(&auth.caller.context_for(K::KIND), K::KIND, &key)
        .await
        .map_err(|e| ApiError::from_store(e, what::<K>()))?;
    Ok(Json(history))
}
