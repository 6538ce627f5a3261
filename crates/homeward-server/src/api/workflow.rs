//! The case workflow over HTTP: one route per step, each with its own permission, plus
//! verifications, the supervisor's approval of a reunification, follow-up visits, tracing
//! actions, moves and the overdue lists. The rules themselves (R1–R5) live in
//! `homeward_domain::workflow`; these handlers gather what the rules need and record the
//! outcome.

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, Utc};
use homeward_domain::workflow::{
    self, check_step, ChildWish, Move, PermanentCareRequest, Recommendation, Stage, Step,
    Verification,
};
use homeward_domain::{catalogue, Document, RecordKind};
use homeward_store::{ActorContext, CaseEvent, NewEvent, OverdueFollowup, StoredRecord};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{ApiJson, ApiPath};
use crate::auth::{act, Authorized, RequiredAction};
use crate::error::ApiError;
use crate::AppState;

/// A workflow step as served, with the permission it requires.
pub trait StepApi: Send + Sync + 'static {
    /// The step.
    const STEP: Step;
    /// Its permission.
    type Permission: RequiredAction;
}

macro_rules! steps {
    ($($marker:ident => $step:ident, $perm:ident;)*) => {
        $(
            #[doc = concat!("The `", stringify!($step), "` step.")]
            pub struct $marker;
            impl StepApi for $marker {
                const STEP: Step = Step::$step;
                type Permission = act::$perm;
            }
        )*
    };
}

steps! {
    RegisterStep => Register, WorkflowRegister;
    InterimCareStep => PlaceInInterimCare, WorkflowInterimCare;
    StartTracingStep => StartTracing, WorkflowTracing;
    StartVerificationStep => StartVerification, WorkflowVerify;
    ReunifyStep => Reunify, WorkflowReunify;
    StartFollowUpStep => StartFollowUp, WorkflowFollowUp;
    CloseStep => Close, WorkflowClose;
    LongTermCareStep => MoveToLongTermCare, WorkflowLongTermCare;
}

/// What a step may carry; each step reads the parts it needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    care_arrangements_type: Option<String>,
    caregiver_name: Option<String>,
    start_date: Option<NaiveDate>,
    adult_name: Option<String>,
    relation: Option<String>,
    reunification_date: Option<NaiveDate>,
    with_verified_adult: Option<bool>,
    closure_reason: Option<String>,
    permanent_care_type: Option<String>,
    override_reason: Option<String>,
    notes: Option<String>,
}

/// Permanent care types: the first two are permanent and fall under the lock (R3).
const LONG_TERM_TYPES: &[&str] = &[
    "adoption",
    "kafala",
    "long_term_foster_care",
    "long_term_residential_care",
];

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn stage_of(case: &StoredRecord) -> Stage {
    case.fields
        .get("stage")
        .and_then(Value::as_str)
        .and_then(Stage::parse)
        .unwrap_or(Stage::Registered)
}

fn require_choice(field: &str, value: Option<&str>, choices: &[&str]) -> Result<String, ApiError> {
    match value {
        Some(v) if choices.contains(&v) => Ok(v.to_string()),
        Some(v) => Err(ApiError::bad_field(
            field,
            format!(
                "`{v}` is not a known choice; use one of: {}",
                choices.join(", ")
            ),
        )),
        None => Err(ApiError::bad_field(
            field,
            format!("is required; use one of: {}", choices.join(", ")),
        )),
    }
}

fn followups(state: &AppState, risk: Option<&str>, from: NaiveDate, kind: &str) -> Vec<NewEvent> {
    workflow::followup_schedule(&state.config.workflow, risk, from)
        .into_iter()
        .map(|due| NewEvent {
            kind: "followup",
            plain: json!({"followup_type": kind, "followup_needed_by_date": due.to_string()}),
            sealed: json!({}),
            due_date: Some(due.to_string()),
        })
        .collect()
}

async fn events_of(
    state: &AppState,
    ctx: &ActorContext,
    case: &StoredRecord,
) -> Result<Vec<CaseEvent>, ApiError> {
    Ok(state
        .store
        .case_events(ctx, &case.id.to_string(), None)
        .await?)
}

/// The latest verification and whether a supervisor approved reunification after it.
fn latest_verification(events: &[CaseEvent]) -> Option<(usize, Verification)> {
    events
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| e.kind == "verification")
        .and_then(|(i, e)| serde_json::from_value(e.plain.clone()).ok().map(|v| (i, v)))
}

/// Takes one workflow step.
pub async fn take_step<S: StepApi>(
    auth: Authorized<S::Permission>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(req): ApiJson<StepRequest>,
) -> Result<Json<StoredRecord>, ApiError> {
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    let to = check_step(stage_of(&case), S::STEP).map_err(|e| ApiError::workflow(e.to_string()))?;
    let mut system = Document::new();
    system.insert("stage".into(), json!(to.as_str()));
    let mut events = Vec::new();
    let mut action = format!("workflow.{}", S::STEP.as_str());
    let today = Utc::now().date_naive();
    let risk = case
        .fields
        .get("risk_level")
        .and_then(Value::as_str)
        .map(str::to_string);
    match S::STEP {
        Step::Register => {
            system.insert("registered_at".into(), json!(now_text()));
        }
        Step::PlaceInInterimCare => {
            let care = require_choice(
                "care_arrangements_type",
                req.care_arrangements_type.as_deref(),
                catalogue::CARE_ARRANGEMENT,
            )?;
            let start = req.start_date.unwrap_or(today);
            if start > today {
                return Err(ApiError::bad_field(
                    "start_date",
                    format!("{start} is in the future; record a placement when it starts"),
                ));
            }
            system.insert("care_arrangements_type".into(), json!(care));
            system.insert(
                "care_arrangement_started_date".into(),
                json!(start.to_string()),
            );
            if let Some(name) = req
                .caregiver_name
                .as_deref()
                .filter(|n| !n.trim().is_empty())
            {
                system.insert("name_caregiver".into(), json!(name.trim()));
            }
            events.push(NewEvent { kind: "care_arrangement", plain: json!({"care_arrangements_type": care, "care_arrangement_started_date": start.to_string()}), sealed: json!({"caregiver": req.caregiver_name, "notes": req.notes}), due_date: None });
            events.extend(followups(&state, risk.as_deref(), start, "in_care"));
        }
        Step::StartTracing => {
            if !case.fields.contains_key("tracing_started_at") {
                system.insert("tracing_started_at".into(), json!(now_text()));
            }
        }
        Step::Reunify => {
            let history = events_of(&state, &ctx, &case).await?;
            let (at, verification) = latest_verification(&history).ok_or_else(|| ApiError::workflow("reunification needs a verification record first (POST /api/v1/cases/{key}/verifications)"))?;
            verification
                .permits_reunification()
                .map_err(|e| ApiError::workflow(e.to_string()))?;
            if !history[at..].iter().any(|e| e.kind == "approval") {
                return Err(ApiError::workflow("reunification needs a supervisor's approval of the latest verification (POST /api/v1/cases/{key}/reunification-approval)"));
            }
            let adult = req
                .adult_name
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| {
                    ApiError::bad_field(
                        "adult_name",
                        "is required: the adult the child is reunified with",
                    )
                })?;
            let date = req.reunification_date.unwrap_or(today);
            let with_verified = req.with_verified_adult.unwrap_or(true);
            events.push(NewEvent { kind: "reunification", plain: json!({"reunification_date": date.to_string(), "relation": req.relation, "with_verified_adult": with_verified}), sealed: json!({"adult_name": adult, "notes": req.notes}), due_date: None });
            events.extend(followups(
                &state,
                risk.as_deref(),
                date,
                "after_reunification",
            ));
        }
        Step::Close => {
            let reason = require_choice(
                "closure_reason",
                req.closure_reason.as_deref(),
                workflow::CLOSURE_REASONS,
            )?;
            system.insert("status".into(), json!("closed"));
            system.insert("closure_reason".into(), json!(reason));
            events.push(NewEvent {
                kind: "closure",
                plain: json!({"closure_reason": reason}),
                sealed: json!({"notes": req.notes}),
                due_date: None,
            });
        }
        Step::MoveToLongTermCare => {
            let kind = require_choice(
                "permanent_care_type",
                req.permanent_care_type.as_deref(),
                LONG_TERM_TYPES,
            )?;
            let mut overridden = false;
            if matches!(kind.as_str(), "adoption" | "kafala") {
                let override_reason = req.override_reason.as_deref();
                if override_reason.is_some()
                    && !auth
                        .caller
                        .can(homeward_auth::Action::PermanentCareOverride)
                {
                    return Err(ApiError::forbidden("overriding the permanent-care lock needs the `permanent_care.override` permission (a supervisor)"));
                }
                let history = events_of(&state, &ctx, &case).await?;
                let unsuccessful = history.iter().any(|e| {
                    e.kind == "tracing_action"
                        && e.plain.get("outcome").and_then(Value::as_str) == Some("unsuccessful")
                });
                let started = case
                    .fields
                    .get("tracing_started_at")
                    .and_then(Value::as_str)
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.date_naive());
                let request = PermanentCareRequest {
                    emergency_active: state.config.emergency_active,
                    tracing_started: started,
                    tracing_unsuccessful: unsuccessful,
                    today,
                    override_reason,
                };
                overridden = workflow::check_permanent_care(&state.config.workflow, &request)
                    .map_err(|e| ApiError::workflow(e.to_string()))?;
                if overridden {
                    action = "permanent_care.override".into();
                }
            }
            events.push(NewEvent {
                kind: "permanent_care",
                plain: json!({"permanent_care_type": kind, "lock_overridden": overridden}),
                sealed: json!({"override_reason": req.override_reason, "notes": req.notes}),
                due_date: None,
            });
        }
        Step::StartVerification | Step::StartFollowUp => {}
    }
    let updated = state
        .store
        .apply_workflow(&ctx, &key, case.version, &system, &events, &action)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    Ok(Json(updated))
}

/// A verification record as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationRequest {
    adult_willing: bool,
    adult_able: bool,
    child_knows_adult: bool,
    child_wishes: ChildWish,
    accounts_agree: bool,
    recommendation: Recommendation,
    notes: Option<String>,
}

/// Records a verification (the case must be at the verification stage).
pub async fn verify(
    auth: Authorized<act::WorkflowVerify>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(v): ApiJson<VerificationRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    if stage_of(&case) != Stage::Verification {
        return Err(ApiError::workflow("verification is recorded at the verification stage; take the start_verification step first"));
    }
    let record = Verification {
        adult_willing: v.adult_willing,
        adult_able: v.adult_able,
        child_knows_adult: v.child_knows_adult,
        child_wishes: v.child_wishes,
        accounts_agree: v.accounts_agree,
        recommendation: v.recommendation,
    };
    let event = NewEvent {
        kind: "verification",
        plain: serde_json::to_value(&record).unwrap_or(Value::Null),
        sealed: json!({"notes": v.notes}),
        due_date: None,
    };
    append_event(
        &state,
        &ctx,
        &key,
        case.version,
        event,
        "workflow.verification",
    )
    .await
}

/// Appends one event to a case (its fields unchanged) and returns the case's events of that kind.
async fn append_event(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    version: i64,
    event: NewEvent,
    action: &str,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let kind = event.kind;
    state
        .store
        .apply_workflow(ctx, key, version, &Document::new(), &[event], action)
        .await?;
    Ok(Json(state.store.case_events(ctx, key, Some(kind)).await?))
}

/// A supervisor's approval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    reason: String,
}

/// Approves reunification after a positive verification (R2).
pub async fn approve(
    auth: Authorized<act::ReunificationApprove>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(a): ApiJson<ApprovalRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    if a.reason.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason",
            "is required: what the approval rests on (at least 5 characters)",
        ));
    }
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    let history = events_of(&state, &ctx, &case).await?;
    let (_, verification) = latest_verification(&history)
        .ok_or_else(|| ApiError::workflow("there is no verification to approve yet"))?;
    verification
        .permits_reunification()
        .map_err(|e| ApiError::workflow(e.to_string()))?;
    let event = NewEvent {
        kind: "approval",
        plain: json!({"approved": true}),
        sealed: json!({"reason": a.reason.trim()}),
        due_date: None,
    };
    append_event(
        &state,
        &ctx,
        &key,
        case.version,
        event,
        "reunification.approve",
    )
    .await
}

/// The workflow events of a case.
pub async fn events(
    auth: Authorized<act::CaseRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    Ok(Json(
        state
            .store
            .case_events(&auth.caller.context(), &key, None)
            .await
            .map_err(|e| ApiError::from_store(e, "child case"))?,
    ))
}

/// A follow-up visit done.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupDone {
    followup_date: Option<NaiveDate>,
    child_with_family: Option<bool>,
    notes: Option<String>,
}

/// Records a follow-up visit; one done after its due date is flagged late.
pub async fn followup_done(
    auth: Authorized<act::WorkflowFollowUp>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(f): ApiJson<FollowupDone>,
) -> Result<Json<CaseEvent>, ApiError> {
    let today = Utc::now().date_naive();
    let date = f.followup_date.unwrap_or(today);
    if date > today {
        return Err(ApiError::bad_field(
            "followup_date",
            format!("{date} is in the future; record a visit once it has happened"),
        ));
    }
    let ctx = auth.caller.context();
    let event = state
        .store
        .complete_followup(
            &ctx,
            &id,
            &date.to_string(),
            json!({"followup_date": date.to_string(), "child_with_family": f.child_with_family}),
            json!({"notes": f.notes}),
        )
        .await
        .map_err(|e| ApiError::from_store(e, "follow-up"))?;
    Ok(Json(event))
}

/// Follow-ups past their due date, in the caller's scope.
pub async fn overdue_followups(
    auth: Authorized<act::WorkflowFollowUp>,
    State(state): State<AppState>,
) -> Result<Json<Vec<OverdueFollowup>>, ApiError> {
    let today = Utc::now().date_naive().to_string();
    Ok(Json(
        state
            .store
            .overdue_followups(&auth.caller.context(), &today)
            .await?,
    ))
}

/// A tracing action as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TracingActionRequest {
    action_type: String,
    date: NaiveDate,
    place: Option<String>,
    outcome: String,
    notes: Option<String>,
}

const TRACING_ACTION_TYPES: &[&str] = &[
    "case_by_case",
    "individual",
    "mass",
    "photo",
    "referral_ngo",
    "referral_icrc",
];
const TRACING_OUTCOMES: &[&str] = &["pending", "successful", "unsuccessful"];

/// Checks a tracing action and turns it into its event.
fn tracing_action_event(t: &TracingActionRequest) -> Result<NewEvent, ApiError> {
    let kind = require_choice("action_type", Some(&t.action_type), TRACING_ACTION_TYPES)?;
    let outcome = require_choice("outcome", Some(&t.outcome), TRACING_OUTCOMES)?;
    if t.date > Utc::now().date_naive() {
        return Err(ApiError::bad_field(
            "date",
            "is in the future; record an action once it has happened",
        ));
    }
    Ok(NewEvent {
        kind: "tracing_action",
        plain: json!({"action_type": kind, "date": t.date.to_string(), "outcome": outcome}),
        sealed: json!({"place": t.place, "notes": t.notes}),
        due_date: None,
    })
}

/// Records a tracing action.
pub async fn tracing_action(
    auth: Authorized<act::WorkflowTracing>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(t): ApiJson<TracingActionRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let event = tracing_action_event(&t)?;
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    append_event(
        &state,
        &ctx,
        &key,
        case.version,
        event,
        "workflow.tracing_action",
    )
    .await
}

/// A move as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    scope: String,
    destination: String,
    purpose: Option<String>,
    accompanying_adult: Option<String>,
    authorised_by: Option<String>,
}

/// Records a child's move; out of the district or country it needs purpose, adult and
/// authoriser (R4).
pub async fn record_move(
    auth: Authorized<act::MoveRecord>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(m): ApiJson<MoveRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let scope = require_choice(
        "scope",
        Some(&m.scope),
        &["within_district", "out_of_district", "out_of_country"],
    )?;
    let mv = Move {
        scope: scope.clone(),
        purpose: m.purpose.clone(),
        accompanying_adult: m.accompanying_adult.clone(),
        authorised_by: m.authorised_by.clone(),
    };
    workflow::check_move(&mv).map_err(|e| ApiError::workflow(e.to_string()))?;
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    let event = NewEvent {
        kind: "move",
        plain: json!({"scope": scope}),
        sealed: json!({"destination": m.destination, "purpose": m.purpose, "accompanying_adult": m.accompanying_adult, "authorised_by": m.authorised_by}),
        due_date: None,
    };
    state
        .store
        .apply_workflow(
            &ctx,
            &key,
            case.version,
            &Document::new(),
            &[event],
            "workflow.move",
        )
        .await?;
    Ok(Json(
        state.store.case_events(&ctx, &key, Some("move")).await?,
    ))
}

/// A case that missed a deadline clock (R1).
#[derive(Debug, serde::Serialize)]
pub struct OverdueCase {
    id: String,
    reference: String,
    stage: Option<String>,
    deadlines: Vec<workflow::Deadline>,
}

fn parse_time(v: Option<&Value>) -> Option<chrono::DateTime<Utc>> {
    v.and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Open cases that missed the registration (24 h) or tracing-start (48 h) clock.
pub async fn overdue_deadlines(
    auth: Authorized<act::CaseList>,
    State(state): State<AppState>,
) -> Result<Json<Vec<OverdueCase>>, ApiError> {
    let now = Utc::now();
    let mut out = Vec::new();
    for (id, reference, created_at, plain) in
        state.store.open_cases_plain(&auth.caller.context()).await?
    {
        // The clock runs from identification: the recorded date, else when Homeward first saw the child.
        let identified = plain
            .get("date_of_identification")
            .and_then(Value::as_str)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .or_else(|| parse_time(Some(&Value::String(created_at.clone()))));
        let Some(identified) = identified else {
            continue;
        };
        let clocks = workflow::deadlines(
            &state.config.workflow,
            identified,
            parse_time(plain.get("registered_at")),
            parse_time(plain.get("tracing_started_at")),
        );
        let missed: Vec<workflow::Deadline> =
            clocks.into_iter().filter(|d| d.missed(now)).collect();
        if !missed.is_empty() {
            out.push(OverdueCase {
                id,
                reference: reference.to_string(),
                stage: plain
                    .get("stage")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                deadlines: missed,
            });
        }
    }
    Ok(Json(out))
}

/// A change of care arrangement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareChange {
    care_arrangements_type: String,
    caregiver_name: Option<String>,
    start_date: Option<NaiveDate>,
    reason_for_change: String,
    notes: Option<String>,
}

/// Records a new care arrangement: the current one ends the day the new one starts, with the
/// reason for the change, and follow-up visits are scheduled for the new placement.
pub async fn change_care(
    auth: Authorized<act::WorkflowInterimCare>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(c): ApiJson<CareChange>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let care = require_choice(
        "care_arrangements_type",
        Some(&c.care_arrangements_type),
        catalogue::CARE_ARRANGEMENT,
    )?;
    if c.reason_for_change.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason_for_change",
            "is required: why the child's care changes (at least 5 characters)",
        ));
    }
    let today = Utc::now().date_naive();
    let start = c.start_date.unwrap_or(today);
    if start > today {
        return Err(ApiError::bad_field(
            "start_date",
            format!("{start} is in the future; record a placement when it starts"),
        ));
    }
    let ctx = auth.caller.context();
    let case = state
        .store
        .get_record(&ctx, RecordKind::Case, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    if matches!(stage_of(&case), Stage::Closed) {
        return Err(ApiError::workflow(
            "the case is closed; reopen it before recording a new care arrangement",
        ));
    }
    let previous = case.fields.get("care_arrangements_type").cloned();
    let previous_start = case.fields.get("care_arrangement_started_date").cloned();
    let mut system = Document::new();
    system.insert("care_arrangements_type".into(), json!(care));
    system.insert(
        "care_arrangement_started_date".into(),
        json!(start.to_string()),
    );
    system.insert(
        "name_caregiver".into(),
        c.caregiver_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or(Value::Null, |n| json!(n)),
    );
    let mut events = vec![NewEvent {
        kind: "care_arrangement",
        plain: json!({"care_arrangements_type": care, "care_arrangement_started_date": start.to_string(),
            "previous_type": previous, "previous_started": previous_start, "previous_ended": start.to_string()}),
        sealed: json!({"caregiver": c.caregiver_name, "reason_for_change": c.reason_for_change.trim(), "notes": c.notes}),
        due_date: None,
    }];
    let risk = case
        .fields
        .get("risk_level")
        .and_then(Value::as_str)
        .map(str::to_string);
    events.extend(followups(&state, risk.as_deref(), start, "in_care"));
    state
        .store
        .apply_workflow(
            &ctx,
            &key,
            case.version,
            &system,
            &events,
            "workflow.care_change",
        )
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    Ok(Json(
        state
            .store
            .case_events(&ctx, &key, Some("care_arrangement"))
            .await?,
    ))
}

/// Records a tracing action for a tracing request; the first one puts it in progress.
pub async fn request_tracing_action(
    auth: Authorized<act::WorkflowTracing>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(t): ApiJson<TracingActionRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    let event = tracing_action_event(&t)?;
    let ctx = auth.caller.context();
    let request = state
        .store
        .get_record(&ctx, RecordKind::TracingRequest, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "tracing request"))?;
    let mut system = Document::new();
    if request.status == "open" {
        system.insert("status".into(), json!("tracing_in_progress"));
    }
    state
        .store
        .apply_workflow_to(
            &ctx,
            RecordKind::TracingRequest,
            &key,
            request.version,
            &system,
            &[event],
            "tracing.action",
        )
        .await?;
    Ok(Json(
        state
            .store
            .record_events(
                &ctx,
                RecordKind::TracingRequest,
                &key,
                Some("tracing_action"),
            )
            .await?,
    ))
}

/// A tracing status change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TracingStatusRequest {
    status: String,
    reason: Option<String>,
}

/// Moves a tracing request along open → tracing_in_progress → verified → reunified → closed
/// (closing is allowed from any status, with a reason).
pub async fn request_status(
    auth: Authorized<act::TracingUpdate>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(r): ApiJson<TracingStatusRequest>,
) -> Result<Json<StoredRecord>, ApiError> {
    const ORDER: &[&str] = &[
        "open",
        "tracing_in_progress",
        "verified",
        "reunified",
        "closed",
    ];
    let to = require_choice("status", Some(&r.status), ORDER)?;
    let ctx = auth.caller.context();
    let request = state
        .store
        .get_record(&ctx, RecordKind::TracingRequest, &key)
        .await
        .map_err(|e| ApiError::from_store(e, "tracing request"))?;
    let from = ORDER.iter().position(|s| *s == request.status).unwrap_or(0);
    let target = ORDER.iter().position(|s| *s == to).unwrap_or(0);
    if to == "closed"
        && r.reason
            .as_deref()
            .is_none_or(|x| x.trim().chars().count() < 5)
    {
        return Err(ApiError::bad_field(
            "reason",
            "closing a tracing request needs a reason (at least 5 characters)",
        ));
    }
    if to != "closed" && target != from + 1 {
        return Err(ApiError::workflow(format!(
            "a tracing request at `{}` can only move to `{}` (or be closed with a reason)",
            request.status,
            ORDER.get(from + 1).unwrap_or(&"closed")
        )));
    }
    let mut system = Document::new();
    system.insert("status".into(), json!(to));
    let event = NewEvent {
        kind: "tracing_status",
        plain: json!({"from": request.status, "to": to}),
        sealed: json!({"reason": r.reason}),
        due_date: None,
    };
    let updated = state
        .store
        .apply_workflow_to(
            &ctx,
            RecordKind::TracingRequest,
            &key,
            request.version,
            &system,
            &[event],
            "tracing.status",
        )
        .await?;
    Ok(Json(updated))
}

/// The events of a tracing request.
pub async fn request_events(
    auth: Authorized<act::TracingRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    Ok(Json(
        state
            .store
            .record_events(
                &auth.caller.context(),
                RecordKind::TracingRequest,
                &key,
                None,
            )
            .await
            .map_err(|e| ApiError::from_store(e, "tracing request"))?,
    ))
}
