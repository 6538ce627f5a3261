//! The case workflow over HTTP: one route per step, each with its own permission, plus
//! verifications, the supervisor's approval of a reunification, follow-up visits, tracing
//! actions, moves and the overdue lists. The rules themselves (R1–R5) live in
//! `homeward_domain::workflow`.
//!
//! Each operation is a public function of the state, the caller's [`ActorContext`], the record's
//! key and a plain request struct: it gathers what the rule needs, checks it and records the
//! outcome. The JSON handlers are thin wrappers that add the permission check and the JSON
//! framing; the web interface calls the same functions from its forms, so a rule cannot be
//! kept in one place and forgotten in the other.

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, Utc};
use homeward_domain::workflow::{
    self, check_step, ChildWish, Move, PermanentCareRequest, Recommendation, Stage, Step,
    Verification, WorkflowError,
};
use homeward_domain::{catalogue, Document, RecordKind};
use homeward_store::{ActorContext, CaseEvent, NewEvent, OverdueFollowup, StoredRecord};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{ApiJson, ApiPath};
use crate::auth::{act, Authorized, RequiredAction};
use crate::error::{ApiError, WorkflowRule};
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

        /// The permission a step requires, from the same table as the routes' markers, so an
        /// interface showing a step's form asks exactly what the API checks.
        pub fn step_permission(step: Step) -> homeward_auth::Action {
            match step {
                $(Step::$step => <act::$perm as RequiredAction>::ACTION,)*
            }
        }
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
    /// Interim care: the care arrangement (catalogue `care_arrangements_type`).
    pub care_arrangements_type: Option<String>,
    /// Interim care: who cares for the child (sealed in the event).
    pub caregiver_name: Option<String>,
    /// Interim care: when the placement started; today when absent.
    pub start_date: Option<NaiveDate>,
    /// Reunification: the adult the child goes to.
    pub adult_name: Option<String>,
    /// Reunification: how the adult is related to the child.
    pub relation: Option<String>,
    /// Reunification: the date; today when absent.
    pub reunification_date: Option<NaiveDate>,
    /// Reunification: whether it is the adult who was verified; yes when absent.
    pub with_verified_adult: Option<bool>,
    /// Close: why (one of `CLOSURE_REASONS`).
    pub closure_reason: Option<String>,
    /// Long-term care: the kind (one of [`LONG_TERM_TYPES`]).
    pub permanent_care_type: Option<String>,
    /// Long-term care: a supervisor's written reason to override the R3 lock.
    pub override_reason: Option<String>,
    /// Free notes, sealed with the event.
    pub notes: Option<String>,
}

/// Permanent care types: the first two are permanent and fall under the lock (R3).
pub const LONG_TERM_TYPES: &[&str] = &[
    "adoption",
    "kafala",
    "long_term_foster_care",
    "long_term_residential_care",
];

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Where a case stands (a case without a stage was registered before stages were kept).
pub fn stage_of(case: &StoredRecord) -> Stage {
    case.fields
        .get("stage")
        .and_then(Value::as_str)
        .and_then(Stage::parse)
        .unwrap_or(Stage::Registered)
}

/// A domain rule's refusal as a 409 naming the rule, so the web can word it in the user's
/// language.
fn rule_error(e: WorkflowError) -> ApiError {
    let rule = match &e {
        WorkflowError::WrongStage { .. } => WorkflowRule::WrongStage,
        WorkflowError::VerificationNotPositive(_) => WorkflowRule::VerificationNotPositive,
        WorkflowError::ApprovalMissing => WorkflowRule::ApprovalMissing,
        WorkflowError::PermanentCareLocked(_) => WorkflowRule::PermanentCareLocked,
        WorkflowError::MoveIncomplete(_) => WorkflowRule::MoveIncomplete,
        WorkflowError::ReasonRequired(_) => WorkflowRule::ReasonRequired,
    };
    ApiError::workflow(e.to_string()).with_rule(rule)
}

/// The case a workflow operation works on, through the caller's scope.
async fn case_for(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
) -> Result<StoredRecord, ApiError> {
    state
        .store
        .get_record(ctx, RecordKind::Case, key)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))
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

/// Takes one workflow step on a case. `may_override` says whether the caller's role holds
/// `permanent_care.override` (only the long-term care step reads it). The caller must hold
/// [`step_permission`]`(step)`; the interfaces check that before calling.
pub async fn apply_step(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    step: Step,
    req: StepRequest,
    may_override: bool,
) -> Result<StoredRecord, ApiError> {
    let case = case_for(state, ctx, key).await?;
    let to = check_step(stage_of(&case), step).map_err(rule_error)?;
    let mut system = Document::new();
    system.insert("stage".into(), json!(to.as_str()));
    let mut events = Vec::new();
    let mut action = format!("workflow.{}", step.as_str());
    let today = Utc::now().date_naive();
    let risk = case
        .fields
        .get("risk_level")
        .and_then(Value::as_str)
        .map(str::to_string);
    match step {
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
            events.extend(followups(state, risk.as_deref(), start, "in_care"));
        }
        Step::StartTracing => {
            if !case.fields.contains_key("tracing_started_at") {
                system.insert("tracing_started_at".into(), json!(now_text()));
            }
        }
        Step::Reunify => {
            let history = events_of(state, ctx, &case).await?;
            let (at, verification) = latest_verification(&history).ok_or_else(|| ApiError::workflow("reunification needs a verification record first (POST /api/v1/cases/{key}/verifications)").with_rule(WorkflowRule::VerificationMissing))?;
            verification.permits_reunification().map_err(rule_error)?;
            if !history[at..].iter().any(|e| e.kind == "approval") {
                return Err(ApiError::workflow("reunification needs a supervisor's approval of the latest verification (POST /api/v1/cases/{key}/reunification-approval)").with_rule(WorkflowRule::ApprovalMissing));
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
                state,
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
                if override_reason.is_some() && !may_override {
                    return Err(ApiError::forbidden("overriding the permanent-care lock needs the `permanent_care.override` permission (a supervisor)"));
                }
                let history = events_of(state, ctx, &case).await?;
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
                    .map_err(rule_error)?;
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
    state
        .store
        .apply_workflow(ctx, key, case.version, &system, &events, &action)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))
}

/// Takes one workflow step.
pub async fn take_step<S: StepApi>(
    auth: Authorized<S::Permission>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(req): ApiJson<StepRequest>,
) -> Result<Json<StoredRecord>, ApiError> {
    let may_override = auth
        .caller
        .can(homeward_auth::Action::PermanentCareOverride);
    apply_step(
        &state,
        &auth.caller.context(),
        &key,
        S::STEP,
        req,
        may_override,
    )
    .await
    .map(Json)
}

/// A verification record as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationRequest {
    /// The adult is willing to care for the child.
    pub adult_willing: bool,
    /// The adult is able to care for the child.
    pub adult_able: bool,
    /// The child knows the adult.
    pub child_knows_adult: bool,
    /// The child's own wish.
    pub child_wishes: ChildWish,
    /// The adult's and the child's accounts agree.
    pub accounts_agree: bool,
    /// What the verifying caseworker recommends.
    pub recommendation: Recommendation,
    /// Free notes, sealed with the event.
    pub notes: Option<String>,
}

/// Records a verification (the case must be at the verification stage); returns the case's
/// verifications.
pub async fn record_verification(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    v: VerificationRequest,
) -> Result<Vec<CaseEvent>, ApiError> {
    let case = case_for(state, ctx, key).await?;
    if stage_of(&case) != Stage::Verification {
        return Err(ApiError::workflow("verification is recorded at the verification stage; take the start_verification step first").with_rule(WorkflowRule::NotVerificationStage));
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
        state,
        ctx,
        key,
        case.version,
        event,
        "workflow.verification",
    )
    .await
}

/// Records a verification.
pub async fn verify(
    auth: Authorized<act::WorkflowVerify>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(v): ApiJson<VerificationRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    record_verification(&state, &auth.caller.context(), &key, v)
        .await
        .map(Json)
}

/// Appends one event to a case (its fields unchanged) and returns the case's events of that kind.
async fn append_event(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    version: i64,
    event: NewEvent,
    action: &str,
) -> Result<Vec<CaseEvent>, ApiError> {
    let kind = event.kind;
    state
        .store
        .apply_workflow(ctx, key, version, &Document::new(), &[event], action)
        .await?;
    Ok(state.store.case_events(ctx, key, Some(kind)).await?)
}

/// A supervisor's approval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// What the approval rests on (at least 5 characters).
    pub reason: String,
}

/// Approves reunification after a positive verification (R2); returns the case's approvals.
/// The caller must hold `reunification.approve`.
pub async fn approve_reunification(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    a: ApprovalRequest,
) -> Result<Vec<CaseEvent>, ApiError> {
    if a.reason.trim().chars().count() < 5 {
        return Err(ApiError::bad_field(
            "reason",
            "is required: what the approval rests on (at least 5 characters)",
        ));
    }
    let case = case_for(state, ctx, key).await?;
    let history = events_of(state, ctx, &case).await?;
    let (_, verification) = latest_verification(&history).ok_or_else(|| {
        ApiError::workflow("there is no verification to approve yet")
            .with_rule(WorkflowRule::VerificationMissing)
    })?;
    verification.permits_reunification().map_err(rule_error)?;
    let event = NewEvent {
        kind: "approval",
        plain: json!({"approved": true}),
        sealed: json!({"reason": a.reason.trim()}),
        due_date: None,
    };
    append_event(
        state,
        ctx,
        key,
        case.version,
        event,
        "reunification.approve",
    )
    .await
}

/// Approves reunification after a positive verification (R2).
pub async fn approve(
    auth: Authorized<act::ReunificationApprove>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(a): ApiJson<ApprovalRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    approve_reunification(&state, &auth.caller.context(), &key, a)
        .await
        .map(Json)
}

/// The workflow events of a case in the caller's scope, oldest first.
pub async fn case_events(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
) -> Result<Vec<CaseEvent>, ApiError> {
    state
        .store
        .case_events(ctx, key, None)
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))
}

/// The workflow events of a case.
pub async fn events(
    auth: Authorized<act::CaseRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    case_events(&state, &auth.caller.context(), &key)
        .await
        .map(Json)
}

/// A follow-up visit done.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupDone {
    /// When the visit took place; today when absent.
    pub followup_date: Option<NaiveDate>,
    /// Whether the child was found living with the family.
    pub child_with_family: Option<bool>,
    /// Free notes, sealed with the event.
    pub notes: Option<String>,
}

/// Records a follow-up visit; one done after its due date is flagged late. The caller must
/// hold `workflow.follow_up`.
pub async fn complete_followup(
    state: &AppState,
    ctx: &ActorContext,
    id: &str,
    f: FollowupDone,
) -> Result<CaseEvent, ApiError> {
    let today = Utc::now().date_naive();
    let date = f.followup_date.unwrap_or(today);
    if date > today {
        return Err(ApiError::bad_field(
            "followup_date",
            format!("{date} is in the future; record a visit once it has happened"),
        ));
    }
    state
        .store
        .complete_followup(
            ctx,
            id,
            &date.to_string(),
            json!({"followup_date": date.to_string(), "child_with_family": f.child_with_family}),
            json!({"notes": f.notes}),
        )
        .await
        .map_err(|e| ApiError::from_store(e, "follow-up"))
}

/// Records a follow-up visit; one done after its due date is flagged late.
pub async fn followup_done(
    auth: Authorized<act::WorkflowFollowUp>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(f): ApiJson<FollowupDone>,
) -> Result<Json<CaseEvent>, ApiError> {
    complete_followup(&state, &auth.caller.context(), &id, f)
        .await
        .map(Json)
}

/// Follow-ups past their due date today, in the caller's scope, most overdue first.
pub async fn overdue_followups_in_scope(
    state: &AppState,
    ctx: &ActorContext,
) -> Result<Vec<OverdueFollowup>, ApiError> {
    let today = Utc::now().date_naive().to_string();
    Ok(state.store.overdue_followups(ctx, &today).await?)
}

/// Follow-ups past their due date, in the caller's scope.
pub async fn overdue_followups(
    auth: Authorized<act::WorkflowFollowUp>,
    State(state): State<AppState>,
) -> Result<Json<Vec<OverdueFollowup>>, ApiError> {
    overdue_followups_in_scope(&state, &auth.caller.context())
        .await
        .map(Json)
}

/// A tracing action as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TracingActionRequest {
    /// The kind of action (one of [`TRACING_ACTION_TYPES`]).
    pub action_type: String,
    /// When it was taken.
    pub date: NaiveDate,
    /// Where (sealed).
    pub place: Option<String>,
    /// How it ended (one of [`TRACING_OUTCOMES`]).
    pub outcome: String,
    /// Free notes, sealed with the event.
    pub notes: Option<String>,
}

/// The kinds of tracing action (domain.md §5.4).
pub const TRACING_ACTION_TYPES: &[&str] = &[
    "case_by_case",
    "individual",
    "mass",
    "photo",
    "referral_ngo",
    "referral_icrc",
];
/// How a tracing action ended.
pub const TRACING_OUTCOMES: &[&str] = &["pending", "successful", "unsuccessful"];

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

/// Records a tracing action on a case; returns the case's tracing actions. The caller must
/// hold `workflow.tracing`.
pub async fn add_tracing_action(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    t: TracingActionRequest,
) -> Result<Vec<CaseEvent>, ApiError> {
    let event = tracing_action_event(&t)?;
    let case = case_for(state, ctx, key).await?;
    append_event(
        state,
        ctx,
        key,
        case.version,
        event,
        "workflow.tracing_action",
    )
    .await
}

/// Records a tracing action.
pub async fn tracing_action(
    auth: Authorized<act::WorkflowTracing>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(t): ApiJson<TracingActionRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    add_tracing_action(&state, &auth.caller.context(), &key, t)
        .await
        .map(Json)
}

/// A move as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// `within_district`, `out_of_district` or `out_of_country` (see [`MOVE_SCOPES`]).
    pub scope: String,
    /// Where to (sealed).
    pub destination: String,
    /// Why (R4: required out of the district).
    pub purpose: Option<String>,
    /// Who goes with the child (R4: required out of the district).
    pub accompanying_adult: Option<String>,
    /// Who authorised the move (R4: required out of the district).
    pub authorised_by: Option<String>,
}

/// How far a move takes the child.
pub const MOVE_SCOPES: &[&str] = &["within_district", "out_of_district", "out_of_country"];

/// Records a child's move; out of the district or country it needs purpose, adult and
/// authoriser (R4). Returns the case's moves. The caller must hold `move.record`.
pub async fn add_move(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    m: MoveRequest,
) -> Result<Vec<CaseEvent>, ApiError> {
    let scope = require_choice("scope", Some(&m.scope), MOVE_SCOPES)?;
    let mv = Move {
        scope: scope.clone(),
        purpose: m.purpose.clone(),
        accompanying_adult: m.accompanying_adult.clone(),
        authorised_by: m.authorised_by.clone(),
    };
    workflow::check_move(&mv).map_err(rule_error)?;
    let case = case_for(state, ctx, key).await?;
    let event = NewEvent {
        kind: "move",
        plain: json!({"scope": scope}),
        sealed: json!({"destination": m.destination, "purpose": m.purpose, "accompanying_adult": m.accompanying_adult, "authorised_by": m.authorised_by}),
        due_date: None,
    };
    state
        .store
        .apply_workflow(
            ctx,
            key,
            case.version,
            &Document::new(),
            &[event],
            "workflow.move",
        )
        .await?;
    Ok(state.store.case_events(ctx, key, Some("move")).await?)
}

/// Records a child's move; out of the district or country it needs purpose, adult and
/// authoriser (R4).
pub async fn record_move(
    auth: Authorized<act::MoveRecord>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(m): ApiJson<MoveRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    add_move(&state, &auth.caller.context(), &key, m)
        .await
        .map(Json)
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

/// Open cases in the caller's scope that missed the registration (24 h) or tracing-start
/// (48 h) clock (R1). The caller must hold `case.list`.
pub async fn overdue_cases(
    state: &AppState,
    ctx: &ActorContext,
) -> Result<Vec<OverdueCase>, ApiError> {
    let now = Utc::now();
    let mut out = Vec::new();
    for (id, reference, created_at, plain) in state.store.open_cases_plain(ctx).await? {
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
    Ok(out)
}

/// Open cases that missed the registration (24 h) or tracing-start (48 h) clock.
pub async fn overdue_deadlines(
    auth: Authorized<act::CaseList>,
    State(state): State<AppState>,
) -> Result<Json<Vec<OverdueCase>>, ApiError> {
    overdue_cases(&state, &auth.caller.context())
        .await
        .map(Json)
}

/// A change of care arrangement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareChange {
    /// The new arrangement (catalogue `care_arrangements_type`).
    pub care_arrangements_type: String,
    /// Who cares for the child now (sealed).
    pub caregiver_name: Option<String>,
    /// When the new arrangement started; today when absent.
    pub start_date: Option<NaiveDate>,
    /// Why the care changes (at least 5 characters).
    pub reason_for_change: String,
    /// Free notes, sealed with the event.
    pub notes: Option<String>,
}

/// Records a new care arrangement: the current one ends the day the new one starts, with the
/// reason for the change, and follow-up visits are scheduled for the new placement. Returns the
/// case's care history. The caller must hold `workflow.interim_care`.
pub async fn change_care_arrangement(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    c: CareChange,
) -> Result<Vec<CaseEvent>, ApiError> {
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
    let case = case_for(state, ctx, key).await?;
    if matches!(stage_of(&case), Stage::Closed) {
        return Err(ApiError::workflow(
            "the case is closed; reopen it before recording a new care arrangement",
        )
        .with_rule(WorkflowRule::CaseClosed));
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
    events.extend(followups(state, risk.as_deref(), start, "in_care"));
    state
        .store
        .apply_workflow(
            ctx,
            key,
            case.version,
            &system,
            &events,
            "workflow.care_change",
        )
        .await
        .map_err(|e| ApiError::from_store(e, "child case"))?;
    Ok(state
        .store
        .case_events(ctx, key, Some("care_arrangement"))
        .await?)
}

/// Records a new care arrangement: the current one ends the day the new one starts, with the
/// reason for the change, and follow-up visits are scheduled for the new placement.
pub async fn change_care(
    auth: Authorized<act::WorkflowInterimCare>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(c): ApiJson<CareChange>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    change_care_arrangement(&state, &auth.caller.context(), &key, c)
        .await
        .map(Json)
}

/// Records a tracing action for a tracing request; the first one puts it in progress. Returns
/// the request's tracing actions. The caller must hold `workflow.tracing`.
pub async fn add_request_tracing_action(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    t: TracingActionRequest,
) -> Result<Vec<CaseEvent>, ApiError> {
    let event = tracing_action_event(&t)?;
    let request = state
        .store
        .get_record(ctx, RecordKind::TracingRequest, key)
        .await
        .map_err(|e| ApiError::from_store(e, "tracing request"))?;
    let mut system = Document::new();
    if request.status == "open" {
        system.insert("status".into(), json!("tracing_in_progress"));
    }
    state
        .store
        .apply_workflow_to(
            ctx,
            RecordKind::TracingRequest,
            key,
            request.version,
            &system,
            &[event],
            "tracing.action",
        )
        .await?;
    Ok(state
        .store
        .record_events(ctx, RecordKind::TracingRequest, key, Some("tracing_action"))
        .await?)
}

/// Records a tracing action for a tracing request; the first one puts it in progress.
pub async fn request_tracing_action(
    auth: Authorized<act::WorkflowTracing>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(t): ApiJson<TracingActionRequest>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    add_request_tracing_action(&state, &auth.caller.context(), &key, t)
        .await
        .map(Json)
}

/// A tracing status change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TracingStatusRequest {
    /// The status to move to.
    pub status: String,
    /// Why (required to close, at least 5 characters).
    pub reason: Option<String>,
}

/// Moves a tracing request along open → tracing_in_progress → verified → reunified → closed
/// (closing is allowed from any status, with a reason). The caller must hold `tracing.update`.
pub async fn change_request_status(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
    r: TracingStatusRequest,
) -> Result<StoredRecord, ApiError> {
    const ORDER: &[&str] = &[
        "open",
        "tracing_in_progress",
        "verified",
        "reunified",
        "closed",
    ];
    let to = require_choice("status", Some(&r.status), ORDER)?;
    let request = state
        .store
        .get_record(ctx, RecordKind::TracingRequest, key)
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
        ))
        .with_rule(WorkflowRule::TracingStatusOrder));
    }
    let mut system = Document::new();
    system.insert("status".into(), json!(to));
    let event = NewEvent {
        kind: "tracing_status",
        plain: json!({"from": request.status, "to": to}),
        sealed: json!({"reason": r.reason}),
        due_date: None,
    };
    Ok(state
        .store
        .apply_workflow_to(
            ctx,
            RecordKind::TracingRequest,
            key,
            request.version,
            &system,
            &[event],
            "tracing.status",
        )
        .await?)
}

/// Moves a tracing request along its statuses.
pub async fn request_status(
    auth: Authorized<act::TracingUpdate>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(r): ApiJson<TracingStatusRequest>,
) -> Result<Json<StoredRecord>, ApiError> {
    change_request_status(&state, &auth.caller.context(), &key, r)
        .await
        .map(Json)
}

/// The events of a tracing request in the caller's scope, oldest first.
pub async fn tracing_request_events(
    state: &AppState,
    ctx: &ActorContext,
    key: &str,
) -> Result<Vec<CaseEvent>, ApiError> {
    state
        .store
        .record_events(ctx, RecordKind::TracingRequest, key, None)
        .await
        .map_err(|e| ApiError::from_store(e, "tracing request"))
}

/// The events of a tracing request.
pub async fn request_events(
    auth: Authorized<act::TracingRead>,
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<CaseEvent>>, ApiError> {
    tracing_request_events(&state, &auth.caller.context(), &key)
        .await
        .map(Json)
}
