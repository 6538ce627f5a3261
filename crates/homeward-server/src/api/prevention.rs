//! Prevention work over HTTP: committees, households and home visits, checkpoint logs,
//! incidents and persons of concern, the service directory and referrals, awareness
//! activities and messages. Each kind gets the same routes as cases (list with filters,
//! create, read, change, assign, history) from the generic handlers in `records`, with its
//! family's permissions; a checkpoint log's creation answers with its screening; the
//! recruitment analysis withholds small counts.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put, MethodRouter};
use axum::Json;
use chrono::Utc;
use homeward_auth::Action;
use homeward_domain::catalogue::prevention::{CHECKPOINT_STATUS, REFERRAL_STATUS};
use homeward_domain::{Document, FieldKind, RecordKind};
use homeward_reports::indicators::values_of;
use homeward_reports::listing::month_value_listing;
use homeward_reports::population::{EXPLOITATION_MENTIONS, INCIDENTS};
use homeward_reports::report::monthly_listing;
use homeward_reports::THRESHOLD;
use homeward_store::{NewEvent, OverdueVisit, PlainRecord};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{ApiJson, ApiPath};
use super::records::{self, KindApi};
use super::{doc, DocRouter};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// The addresses, words and schema names of a kind's routes, all fixed at compile time.
pub trait KindRoutes: KindApi {
    /// `/api/v1/households`.
    const COLLECTION: &'static str;
    /// `/api/v1/households/{key}`.
    const ITEM: &'static str;
    /// `/api/v1/households/{key}/assignment`.
    const ASSIGNMENT: &'static str;
    /// `/api/v1/households/{key}/history`.
    const HISTORY: &'static str;
    /// OpenAPI tag.
    const TAG: &'static str;
    /// Summaries of the list, create, read, change, assign and history routes.
    const SUMMARIES: [&'static str; 6];
    /// Schema names: fields (a change), record, page, and a new record's fields.
    const SCHEMAS: [&'static str; 4];
    /// Permissions of the list, create, read and change routes (for the document).
    const ACTIONS: [Action; 4];
}

macro_rules! prevention_kinds {
    ($($marker:ident => $kind:ident, $path:literal, $tag:literal, $human:literal, $plural:literal, $pascal:literal,
       [$c:ident, $r:ident, $u:ident, $l:ident];)*) => {
        $(
            #[doc = concat!("`/api/v1/", $path, "`.")]
            pub struct $marker;
            impl KindApi for $marker {
                const KIND: RecordKind = RecordKind::$kind;
                type Create = act::$c;
                type Read = act::$r;
                type Update = act::$u;
                type List = act::$l;
            }
            impl KindRoutes for $marker {
                const COLLECTION: &'static str = concat!("/api/v1/", $path);
                const ITEM: &'static str = concat!("/api/v1/", $path, "/{key}");
                const ASSIGNMENT: &'static str = concat!("/api/v1/", $path, "/{key}/assignment");
                const HISTORY: &'static str = concat!("/api/v1/", $path, "/{key}/history");
                const TAG: &'static str = $tag;
                const SUMMARIES: [&'static str; 6] = [
                    concat!("List and filter ", $plural, " in your scope"),
                    concat!("Record a new ", $human),
                    concat!("One ", $human, ", by id or reference"),
                    concat!("Change one ", $human, " (send If-Match with the version to refuse concurrent edits)"),
                    concat!("Assign the ", $human, " to a user of your agency"),
                    concat!("Change history of one ", $human),
                ];
                const SCHEMAS: [&'static str; 4] = [concat!($pascal, "Fields"), $pascal, concat!($pascal, "Page"), concat!("New", $pascal)];
                const ACTIONS: [Action; 4] = [Action::$l, Action::$c, Action::$r, Action::$u];
            }
        )*
    };
}

prevention_kinds! {
    Committees => Committee, "committees", "community", "committee", "committees", "Committee",
        [CommunityCreate, CommunityRead, CommunityUpdate, CommunityList];
    Households => Household, "households", "community", "household", "households", "Household",
        [CommunityCreate, CommunityRead, CommunityUpdate, CommunityList];
    HomeVisits => HomeVisit, "home-visits", "community", "home visit", "home visits", "HomeVisit",
        [CommunityCreate, CommunityRead, CommunityUpdate, CommunityList];
    CheckpointLogs => CheckpointLog, "checkpoint-logs", "transit", "checkpoint log", "checkpoint logs", "CheckpointLog",
        [TransitCreate, TransitRead, TransitUpdate, TransitList];
    Incidents => Incident, "incidents", "incidents", "trafficking incident", "trafficking incidents", "Incident",
        [IncidentCreate, IncidentRead, IncidentUpdate, IncidentList];
    PersonsOfConcern => PersonOfConcern, "persons-of-concern", "incidents", "person of concern", "persons of concern", "PersonOfConcern",
        [IncidentCreate, IncidentRead, IncidentUpdate, IncidentList];
    ServiceProviders => ServiceProvider, "service-providers", "referrals", "service provider", "service providers", "ServiceProvider",
        [ReferralCreate, ReferralRead, ReferralUpdate, ReferralList];
    Referrals => Referral, "referrals", "referrals", "referral", "referrals", "Referral",
        [ReferralCreate, ReferralRead, ReferralUpdate, ReferralList];
    AwarenessActivities => AwarenessActivity, "awareness-activities", "awareness", "awareness activity", "awareness activities", "AwarenessActivity",
        [CommunityCreate, CommunityRead, CommunityUpdate, CommunityList];
    AwarenessMessages => AwarenessMessage, "awareness-messages", "awareness", "awareness message", "awareness messages", "AwarenessMessage",
        [CommunityCreate, CommunityRead, CommunityUpdate, CommunityList];
}

/// Registers a kind's routes; `create` answers the POST (the generic one, or the checkpoint's).
fn kind_routes<K: KindRoutes>(
    r: DocRouter,
    create: MethodRouter<AppState>,
    created: &'static str,
) -> DocRouter {
    let [list_s, create_s, get_s, patch_s, assign_s, history_s] = K::SUMMARIES;
    let [fields, record, page, new] = K::SCHEMAS;
    let [list_a, create_a, read_a, update_a] = K::ACTIONS;
    r.route(
        doc("GET", K::COLLECTION, K::TAG, list_s)
            .action(list_a)
            .queries(records::list_params(K::KIND))
            .response(200, Some(page))
            .doc,
        get(records::list::<K>),
    )
    .route(
        doc("POST", K::COLLECTION, K::TAG, create_s)
            .action(create_a)
            .request(new)
            .response(201, Some(created))
            .doc,
        create,
    )
    .route(
        doc("GET", K::ITEM, K::TAG, get_s)
            .action(read_a)
            .response(200, Some(record))
            .doc,
        get(records::get_one::<K>),
    )
    .route(
        doc("PATCH", K::ITEM, K::TAG, patch_s)
            .action(update_a)
            .request(fields)
            .response(200, Some(record))
            .doc,
        patch(records::update::<K>),
    )
    .route(
        doc("PUT", K::ASSIGNMENT, K::TAG, assign_s)
            .action(update_a)
            .request("Assignment")
            .response(200, Some(record))
            .doc,
        put(records::assign::<K>),
    )
    .route(
        doc("GET", K::HISTORY, K::TAG, history_s)
            .action(Action::HistoryRead)
            .response(200, Some("History"))
            .doc,
        get(records::history::<K>),
    )
}

fn generic<K: KindRoutes>(r: DocRouter) -> DocRouter {
    let record = K::SCHEMAS[1];
    kind_routes::<K>(r, post(records::create::<K>), record)
}

/// Every prevention route.
pub(super) fn routes(r: DocRouter) -> DocRouter {
    let r = generic::<Committees>(r);
    let r = generic::<Households>(r);
    let r = generic::<HomeVisits>(r);
    let r = kind_routes::<CheckpointLogs>(r, post(create_checkpoint_log), "CheckpointScreening");
    let r = generic::<Incidents>(r);
    let r = generic::<PersonsOfConcern>(r);
    let r = generic::<ServiceProviders>(r);
    let r = generic::<Referrals>(r);
    let r = generic::<AwarenessActivities>(r);
    let r = generic::<AwarenessMessages>(r);
    r.route(
        doc("POST", "/api/v1/checkpoint-logs/{key}/outcome", "transit", "Record what happened to the child: released, handed to the family, referred to the Child Welfare Committee or police, or taken to a shelter")
            .action(Action::TransitUpdate)
            .request("CheckpointOutcome")
            .response(200, Some("CheckpointLog"))
            .doc,
        post(checkpoint_outcome),
    )
    .route(
        doc("POST", "/api/v1/referrals/{key}/status", "referrals", "Move a referral along: accepted, done or refused")
            .action(Action::ReferralUpdate)
            .request("ReferralStatusRequest")
            .response(200, Some("Referral"))
            .doc,
        post(referral_status),
    )
    .route(
        doc("GET", "/api/v1/households/overdue-visits", "community", "Households in your scope whose next visit, set by their risk, is past due")
            .action(Action::CommunityList)
            .response(200, Some("OverdueVisits"))
            .doc,
        get(overdue_visits),
    )
    .route(
        doc("GET", "/api/v1/analysis/recruitment", "analysis", "Who recruits and why: recruitment method, relationship, trafficker's role, vulnerabilities found in home visits, routes, by month; counts under 11 withheld below supervisor")
            .action(Action::AnalysisRead)
            .response(200, Some("RecruitmentAnalysis"))
            .doc,
        get(recruitment_analysis),
    )
}

/// Logs a child in transit and answers with the screening: the open cases, tracing requests
/// and watch-listed persons the log may concern, each with what to do next.
pub async fn create_checkpoint_log(
    auth: Authorized<act::TransitCreate>,
    State(state): State<AppState>,
    body: super::record_body::RecordBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = body.checked(RecordKind::CheckpointLog)?;
    let record =
        records::create_record(&auth.caller, &state, RecordKind::CheckpointLog, &body).await?;
    let screening = crate::prevention::screening_view(&record, &state.config.prevention);
    Ok((
        StatusCode::CREATED,
        Json(json!({"record": record, "screening": screening})),
    ))
}

/// The outcome of a checkpoint log.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointOutcome {
    outcome: String,
    note: Option<String>,
}

/// Records what happened to the child logged at a checkpoint.
pub async fn checkpoint_outcome(
    auth: Authorized<act::TransitUpdate>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<CheckpointOutcome>,
) -> Result<Json<homeward_store::StoredRecord>, ApiError> {
    let record = set_status(
        &auth.caller,
        &state,
        RecordKind::CheckpointLog,
        &key,
        ("outcome", &body.outcome, &CHECKPOINT_STATUS[1..]),
        body.note,
        "checkpoint.outcome",
    )
    .await?;
    Ok(Json(record))
}

/// A referral's new status.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralStatus {
    status: String,
    note: Option<String>,
}

/// Moves a referral along.
pub async fn referral_status(
    auth: Authorized<act::ReferralUpdate>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<ReferralStatus>,
) -> Result<Json<homeward_store::StoredRecord>, ApiError> {
    let record = set_status(
        &auth.caller,
        &state,
        RecordKind::Referral,
        &key,
        ("status", &body.status, &REFERRAL_STATUS[1..]),
        body.note,
        "referral.status",
    )
    .await?;
    Ok(Json(record))
}

/// Sets a record's status with a note, as an event in the record's history: `value` must be one
/// of `allowed` (else a 400 naming `field`). The web pages' outcome and status forms call this
/// too, so a page and the API move a record the same way.
pub async fn set_status(
    caller: &crate::auth::Caller,
    state: &AppState,
    kind: RecordKind,
    key: &str,
    (field, value, allowed): (&str, &str, &[&str]),
    note: Option<String>,
    action: &str,
) -> Result<homeward_store::StoredRecord, ApiError> {
    if !allowed.contains(&value) {
        return Err(ApiError::bad_field(
            field,
            format!("`{value}` is not known; use one of: {}", allowed.join(", ")),
        ));
    }
    let ctx = caller.context_for(kind);
    let current = state
        .store
        .get_record(&ctx, kind, key)
        .await
        .map_err(|e| ApiError::from_store(e, kind.human()))?;
    let mut system = Document::new();
    system.insert("status".into(), json!(value));
    let event = NewEvent {
        kind: "status",
        plain: json!({"from": current.status, "to": value}),
        sealed: json!({"note": note}),
        due_date: None,
    };
    state
        .store
        .apply_workflow_to(&ctx, kind, key, current.version, &system, &[event], action)
        .await
        .map_err(|e| ApiError::from_store(e, kind.human()))
}

/// Households whose visit is overdue.
pub async fn overdue_visits(
    auth: Authorized<act::CommunityList>,
    State(state): State<AppState>,
) -> Result<Json<Vec<OverdueVisit>>, ApiError> {
    let ctx = auth.caller.context_for(RecordKind::Household);
    Ok(Json(
        state
            .store
            .overdue_visits(&ctx, Utc::now().date_naive())
            .await?,
    ))
}

/// Counts of one value by month.
type Table = BTreeMap<(String, String), u64>;

fn month(r: &PlainRecord, date_field: &str) -> String {
    r.fields
        .get(date_field)
        .and_then(Value::as_str)
        .unwrap_or(&r.created_at)
        .chars()
        .take(7)
        .collect()
}

fn count_values(records: &[PlainRecord], date_field: &str, field: &str, table: &mut Table) {
    for r in records {
        for v in values_of(&r.fields, field) {
            *table.entry((month(r, date_field), v)).or_default() += 1;
        }
    }
}

/// Who recruits and why, by month, from the plain fields of incidents, home visits and
/// checkpoint logs in the caller's scope. Below supervisor every count under [`THRESHOLD`]
/// (zero included) is withheld (null) and rare routes are not named, so no small group of
/// children can be singled out (`homeward_reports::listing`).
pub async fn recruitment_analysis(
    auth: Authorized<act::AnalysisRead>,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(recruitment_tables(&auth.caller, &state).await?))
}

/// The recruitment analysis as the API answers it, for a caller already allowed
/// `analysis.read` (the web's analysis page renders the same tables).
pub async fn recruitment_tables(
    caller: &crate::auth::Caller,
    state: &AppState,
) -> Result<Value, ApiError> {
    let exact = caller.can(Action::AnalysisExact);
    let ctx = caller.context();
    let read = |kind| {
        state
            .store
            .plain_records(&ctx, kind, "recruitment analysis")
    };
    let incidents = read(RecordKind::Incident).await?;
    let visits = read(RecordKind::HomeVisit).await?;
    let logs = read(RecordKind::CheckpointLog).await?;
    let mut tables: BTreeMap<&str, Table> = BTreeMap::new();
    // Multiple choices: their counts are mentions, which no other output totals.
    for (name, field) in [
        ("trafficker_role", "trafficker_role"),
        ("means_of_control", "means_of_control"),
    ] {
        count_values(
            &incidents,
            "incident_date",
            field,
            tables.entry(name).or_default(),
        );
    }
    count_values(
        &visits,
        "visit_date",
        "risk_items",
        tables.entry("vulnerability_factors").or_default(),
    );
    let routes = tables.entry("routes").or_default();
    for (records, date) in [(&incidents, "incident_date"), (&logs, "log_date")] {
        for r in records.iter() {
            let place = |f: &str| {
                r.fields
                    .get(f)
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_string()
            };
            let (from, to) = (place("origin_district"), place("destination_district"));
            if from != "unknown" || to != "unknown" {
                *routes
                    .entry((month(r, date), format!("{from} → {to}")))
                    .or_default() += 1;
            }
        }
    }
    // The fixed values of each table; routes are free labels.
    let values = |name: &str| -> Option<&'static [&'static str]> {
        let (kind, field) = match name {
            "vulnerability_factors" => (RecordKind::HomeVisit, "risk_items"),
            "routes" => return None,
            other => (RecordKind::Incident, other),
        };
        match kind.field(field)?.kind {
            FieldKind::Choice(v) | FieldKind::Choices(v) => Some(v),
            _ => None,
        }
    };
    // Recruitment methods, relationships and exploitation types are counted by the indicators
    // too (and every incident once under each single choice, so they add up to the incidents
    // the indicators show): their months are read from the very tables the indicator reports
    // protect, so a count withheld there is never shown here.
    let incident_facts = super::reports::facts_of(RecordKind::Incident, incidents);
    let listing = |rows: Vec<homeward_reports::listing::ListingRow>| -> Vec<Value> {
        rows.into_iter()
            .map(|r| json!({"month": r.month, "value": r.value, "count": r.count}))
            .collect()
    };
    let mut out: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (name, population) in [
        ("method_of_recruitment", &INCIDENTS),
        ("relationship_to_trafficker", &INCIDENTS),
        ("type_of_exploitation", &EXPLOITATION_MENTIONS),
    ] {
        let rows = monthly_listing(population, name, &incident_facts, exact)
            .map_err(super::reports::report_error)?;
        out.insert(name, listing(rows));
    }
    for (name, t) in tables {
        out.insert(name, listing(month_value_listing(&t, values(name), exact)));
    }
    let tables = out;
    Ok(json!({
        "exact": exact,
        "suppress_below": THRESHOLD,
        "tables": tables,
    }))
}
