//! The case workflow on a child's case page: the steps valid from the case's stage, the
//! verification, the supervisor's approval, changes of care, moves, tracing actions and
//! follow-up visits, each as a form shown only to roles holding its permission; and the case's
//! workflow events (care history, verifications, follow-ups with their due dates).
//!
//! The page owns no rule. Every form is turned into the API's request struct and handed to the
//! same function of `homeward_server::api::workflow` the JSON API calls; what that function
//! refuses comes back as an `ApiError`, whose field or rule this module words in the viewer's
//! language and places beside the input it concerns. The only checks made here are about
//! reading the form itself (a yes/no left unanswered, a date that is not a date).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use homeward_auth::Action;
use homeward_domain::catalogue;
use homeward_domain::workflow::{Stage, Step, CLOSURE_REASONS};
use homeward_server::api::workflow::{
    self as ops, step_permission, ApprovalRequest, CareChange, FollowupDone, MoveRequest,
    StepRequest, TracingActionRequest, VerificationRequest, LONG_TERM_TYPES, MOVE_SCOPES,
    TRACING_ACTION_TYPES, TRACING_OUTCOMES,
};
use homeward_server::error::{ApiError, WorkflowRule};
use homeward_server::AppState;
use homeward_store::{CaseEvent, StoredRecord};
use serde_json::Value;

use crate::form_view::{FieldView, OptionView};
use crate::forms::FormData;
use crate::i18n::Tr;
use crate::kinds::CASES;
use crate::page::{error_page, internal_error, ErrorKind};
use crate::records::render_record;
use crate::session::{Posted, Viewer};

/// The forms of the workflow, as posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// A step of the case path.
    Step(Step),
    /// A verification record.
    Verification,
    /// A supervisor's approval of reunification.
    Approval,
    /// A change of care arrangement.
    Care,
    /// A move of the child.
    Move,
    /// A tracing action.
    TracingAction,
}

impl FormKind {
    /// The form's id on the page (also the key of its messages).
    fn id(self) -> &'static str {
        match self {
            Self::Step(s) => s.as_str(),
            Self::Verification => "verification",
            Self::Approval => "approval",
            Self::Care => "care",
            Self::Move => "move",
            Self::TracingAction => "tracing_action",
        }
    }

    /// The permission the API checks for the same operation.
    fn permission(self) -> Action {
        match self {
            Self::Step(s) => step_permission(s),
            Self::Verification => Action::WorkflowVerify,
            Self::Approval => Action::ReunificationApprove,
            Self::Care => Action::WorkflowInterimCare,
            Self::Move => Action::MoveRecord,
            Self::TracingAction => Action::WorkflowTracing,
        }
    }

    fn action(self, key: &str) -> String {
        match self {
            Self::Step(s) => format!("/cases/{key}/workflow/{}", s.as_str()),
            Self::Verification => format!("/cases/{key}/verifications"),
            Self::Approval => format!("/cases/{key}/approval"),
            Self::Care => format!("/cases/{key}/care-arrangements"),
            Self::Move => format!("/cases/{key}/moves"),
            Self::TracingAction => format!("/cases/{key}/tracing-actions"),
        }
    }
}

/// A form the workflow refused, shown again with its values and messages.
#[derive(Debug, Default)]
pub struct Failed {
    /// The form's id (`close`, `verification`, `followup-{id}`...).
    pub form: String,
    /// What was posted.
    pub values: FormData,
    /// Messages by input name.
    pub errors: HashMap<String, String>,
    /// A message about the form as a whole (a rule that refused).
    pub message: String,
}

/// One workflow form.
pub struct WfForm {
    /// Id on the page.
    pub id: String,
    /// Heading (the summary of its disclosure).
    pub title: String,
    /// Where it posts.
    pub action: String,
    /// What the form is for, in a sentence; may be empty.
    pub hint: String,
    /// Inputs.
    pub fields: Vec<FieldView>,
    /// Label of the submit button.
    pub submit: String,
    /// A message about the form as a whole.
    pub error: String,
    /// Shown unfolded (it was just refused).
    pub open: bool,
    /// A button alone, shown without a disclosure.
    pub simple: bool,
}

/// A workflow event in the case's history.
pub struct EventRow {
    /// When it was recorded.
    pub date: String,
    /// What happened, translated.
    pub what: String,
    /// Its details, translated.
    pub detail: String,
}

/// A follow-up visit.
pub struct FollowupRow {
    /// Kind of follow-up, translated.
    pub kind: String,
    /// Due date.
    pub due: String,
    /// When done, or empty.
    pub done: String,
    /// Done after its due date.
    pub late: bool,
    /// Not done and past its due date.
    pub overdue: bool,
    /// The form to record the visit, for roles that may.
    pub form: Option<WfForm>,
}

/// The workflow part of a case page.
pub struct Panel {
    /// The stage, translated.
    pub stage: String,
    /// Buttons and forms of the steps and records the viewer may take now.
    pub forms: Vec<WfForm>,
    /// Events other than follow-ups, oldest first.
    pub history: Vec<EventRow>,
    /// Follow-up visits by due date.
    pub followups: Vec<FollowupRow>,
}

/// Choices labelled by their catalogue label, unless the input words them itself
/// (`wf-child_wishes-yes` reads better than a bare "Yes").
fn options(tr: &Tr, name: &str, values: &[&str]) -> Vec<OptionView> {
    values
        .iter()
        .map(|v| OptionView {
            value: (*v).to_string(),
            label: tr.t_or(&format!("wf-{name}-{v}"), &tr.choice(v)),
            selected: false,
            id: String::new(),
        })
        .collect()
}

fn yes_no_options(tr: &Tr) -> Vec<OptionView> {
    ["yes", "no"]
        .iter()
        .map(|v| OptionView {
            value: (*v).to_string(),
            label: tr.t(&format!("answer-{v}")),
            selected: false,
            id: String::new(),
        })
        .collect()
}

/// Builds the inputs of one form, filled from what was posted when it is the one refused.
struct Builder<'a> {
    tr: &'a Tr,
    form: String,
    failed: Option<&'a Failed>,
    fields: Vec<FieldView>,
}

impl<'a> Builder<'a> {
    fn new(tr: &'a Tr, form: &str, failed: &'a Failed) -> Self {
        Self {
            tr,
            form: form.to_string(),
            failed: (failed.form == form).then_some(failed),
            fields: Vec::new(),
        }
    }

    fn add(
        mut self,
        name: &str,
        widget: &'static str,
        required: bool,
        options: Vec<OptionView>,
    ) -> Self {
        let value = self
            .failed
            .and_then(|f| f.values.get(name))
            .unwrap_or("")
            .to_string();
        let options = options
            .into_iter()
            .map(|o| OptionView {
                selected: o.value == value,
                ..o
            })
            .collect();
        self.fields.push(FieldView {
            id: format!("wf-{}-{name}", self.form),
            name: name.to_string(),
            label: self.tr.t(&format!("wf-field-{name}")),
            required,
            widget,
            value,
            options,
            max_len: if widget == "textarea" { 2000 } else { 200 },
            min: 0,
            max: 0,
            error: self.failed.and_then(|f| f.errors.get(name)).cloned(),
            hint: String::new(),
        });
        self
    }

    fn text(self, name: &str, required: bool) -> Self {
        self.add(name, "text", required, Vec::new())
    }

    fn area(self, name: &str, required: bool) -> Self {
        self.add(name, "textarea", required, Vec::new())
    }

    fn date(self, name: &str, required: bool) -> Self {
        self.add(name, "date", required, Vec::new())
    }

    fn select(self, name: &str, required: bool, values: &[&str]) -> Self {
        let o = options(self.tr, name, values);
        self.add(name, "select", required, o)
    }

    fn yes_no(self, name: &str, required: bool) -> Self {
        let o = yes_no_options(self.tr);
        self.add(name, "yesno", required, o)
    }

    fn finish(self, title: String, action: String, hint: String) -> WfForm {
        let simple = self.fields.is_empty();
        let submit = self.tr.t(&format!("wf-submit-{}", self.form));
        WfForm {
            error: self.failed.map(|f| f.message.clone()).unwrap_or_default(),
            open: self.failed.is_some(),
            id: self.form,
            title,
            action,
            hint,
            fields: self.fields,
            submit,
            simple,
        }
    }
}

fn form_of(tr: &Tr, kind: FormKind, key: &str, failed: &Failed) -> WfForm {
    let id = kind.id();
    let b = Builder::new(tr, id, failed);
    let b = match kind {
        FormKind::Step(Step::PlaceInInterimCare) => b
            .select("care_arrangements_type", true, catalogue::CARE_ARRANGEMENT)
            .text("caregiver_name", false)
            .date("start_date", false)
            .area("notes", false),
        FormKind::Step(Step::Reunify) => b
            .text("adult_name", true)
            .select("relation", false, catalogue::RELATION)
            .date("reunification_date", false)
            .yes_no("with_verified_adult", false)
            .area("notes", false),
        FormKind::Step(Step::Close) => b
            .select("closure_reason", true, CLOSURE_REASONS)
            .area("notes", false),
        FormKind::Step(Step::MoveToLongTermCare) => b
            .select("permanent_care_type", true, LONG_TERM_TYPES)
            .area("override_reason", false)
            .area("notes", false),
        FormKind::Step(_) => b,
        FormKind::Verification => b
            .yes_no("adult_willing", true)
            .yes_no("adult_able", true)
            .yes_no("child_knows_adult", true)
            .select("child_wishes", true, &["yes", "no", "unsure"])
            .yes_no("accounts_agree", true)
            .select(
                "recommendation",
                true,
                &[
                    "reunification",
                    "reunification_with_support",
                    "further_tracing",
                    "long_term_alternative_care",
                ],
            )
            .area("notes", false),
        FormKind::Approval => b.area("reason", true),
        FormKind::Care => b
            .select("care_arrangements_type", true, catalogue::CARE_ARRANGEMENT)
            .text("caregiver_name", false)
            .date("start_date", false)
            .area("reason_for_change", true)
            .area("notes", false),
        FormKind::Move => b
            .select("scope", true, MOVE_SCOPES)
            .text("destination", true)
            .text("purpose", false)
            .text("accompanying_adult", false)
            .text("authorised_by", false),
        FormKind::TracingAction => b
            .select("action_type", true, TRACING_ACTION_TYPES)
            .date("date", true)
            .text("place", false)
            .select("outcome", true, TRACING_OUTCOMES)
            .area("notes", false),
    };
    b.finish(
        tr.t(&format!("wf-title-{id}")),
        kind.action(key),
        tr.t_or(&format!("wf-hint-{id}"), ""),
    )
}

fn followup_form(tr: &Tr, key: &str, event_id: &str, failed: &Failed) -> WfForm {
    let id = format!("followup-{event_id}");
    let mut f = Builder::new(tr, &id, failed)
        .date("followup_date", false)
        .yes_no("child_with_family", false)
        .area("notes", false)
        .finish(
            tr.t("wf-title-followup"),
            format!("/cases/{key}/followups/{event_id}/done"),
            String::new(),
        );
    f.submit = tr.t("wf-submit-followup");
    f
}

fn plain<'a>(e: &'a CaseEvent, k: &str) -> &'a str {
    e.plain.get(k).and_then(Value::as_str).unwrap_or("")
}

fn personal<'a>(e: &'a CaseEvent, k: &str) -> &'a str {
    e.personal
        .as_ref()
        .and_then(|p| p.get(k))
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("")
}

fn yes_no_text(tr: &Tr, v: Option<&Value>) -> String {
    match v.and_then(Value::as_bool) {
        Some(true) => tr.t("answer-yes"),
        Some(false) => tr.t("answer-no"),
        None => String::new(),
    }
}

/// One line about an event, in the viewer's language; names and notes only when the viewer's
/// role opens personal fields (the store leaves `personal` empty otherwise).
fn describe(tr: &Tr, e: &CaseEvent) -> EventRow {
    let choice = |k: &str| {
        let v = plain(e, k);
        if v.is_empty() {
            String::new()
        } else {
            tr.choice(v)
        }
    };
    let mut parts: Vec<String> = Vec::new();
    let mut push = |label: &str, value: String| {
        if !value.is_empty() {
            parts.push(format!("{}: {value}", tr.t(label)));
        }
    };
    match e.kind.as_str() {
        "care_arrangement" => {
            push(
                "wf-field-care_arrangements_type",
                choice("care_arrangements_type"),
            );
            push(
                "wf-field-start_date",
                plain(e, "care_arrangement_started_date").into(),
            );
            push("wf-detail-previous", choice("previous_type"));
            push("wf-field-caregiver_name", personal(e, "caregiver").into());
            push(
                "wf-field-reason_for_change",
                personal(e, "reason_for_change").into(),
            );
        }
        "verification" => {
            push("wf-field-recommendation", choice("recommendation"));
            let wish = plain(e, "child_wishes");
            push(
                "wf-field-child_wishes",
                tr.t_or(&format!("wf-child_wishes-{wish}"), &tr.choice(wish)),
            );
            push(
                "wf-field-adult_willing",
                yes_no_text(tr, e.plain.get("adult_willing")),
            );
            push(
                "wf-field-adult_able",
                yes_no_text(tr, e.plain.get("adult_able")),
            );
            push(
                "wf-field-child_knows_adult",
                yes_no_text(tr, e.plain.get("child_knows_adult")),
            );
            push(
                "wf-field-accounts_agree",
                yes_no_text(tr, e.plain.get("accounts_agree")),
            );
        }
        "approval" => push("wf-field-reason", personal(e, "reason").into()),
        "reunification" => {
            push(
                "wf-field-reunification_date",
                plain(e, "reunification_date").into(),
            );
            push("wf-field-adult_name", personal(e, "adult_name").into());
            push("wf-field-relation", choice("relation"));
        }
        "tracing_action" => {
            push("wf-field-action_type", choice("action_type"));
            push("wf-field-date", plain(e, "date").into());
            push("wf-field-outcome", choice("outcome"));
            push("wf-field-place", personal(e, "place").into());
        }
        "move" => {
            push("wf-field-scope", choice("scope"));
            push("wf-field-destination", personal(e, "destination").into());
            push("wf-field-purpose", personal(e, "purpose").into());
        }
        "closure" => push("wf-field-closure_reason", choice("closure_reason")),
        "permanent_care" => {
            push(
                "wf-field-permanent_care_type",
                choice("permanent_care_type"),
            );
            if e.plain.get("lock_overridden").and_then(Value::as_bool) == Some(true) {
                parts.push(tr.t("wf-detail-overridden"));
            }
        }
        _ => {}
    }
    EventRow {
        date: e.created_at.get(..10).unwrap_or(&e.created_at).to_string(),
        what: tr.t_or(
            &format!("wf-event-{}", e.kind),
            &crate::i18n::readable(&e.kind),
        ),
        detail: parts.join(" · "),
    }
}

/// The workflow panel of a case the viewer has opened; `None` for roles that may take no
/// workflow action and see no events (there is nothing to show them).
pub async fn panel(
    state: &AppState,
    viewer: &Viewer,
    case: &StoredRecord,
    failed: &Failed,
) -> Result<Panel, ApiError> {
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let key = case.reference.to_string();
    let stage = ops::stage_of(case);
    // The same store function as `GET /api/v1/cases/{key}/events`.
    let events = ops::case_events(state, &ctx, &key).await?;
    let mut forms = Vec::new();
    for step in Step::ALL {
        if step.sources().contains(&stage) && viewer.can(step_permission(step)) {
            let mut f = form_of(&tr, FormKind::Step(step), &key, failed);
            if step == Step::MoveToLongTermCare && !viewer.can(Action::PermanentCareOverride) {
                f.fields.retain(|x| x.name != "override_reason");
            }
            forms.push(f);
        }
    }
    let has_verification = events.iter().any(|e| e.kind == "verification");
    let open = stage != Stage::Closed;
    let extra = [
        (FormKind::Verification, stage == Stage::Verification),
        (
            FormKind::Approval,
            stage == Stage::Verification && has_verification,
        ),
        (FormKind::TracingAction, open),
        (FormKind::Care, open),
        (FormKind::Move, open),
    ];
    for (kind, shown) in extra {
        if shown && viewer.can(kind.permission()) {
            forms.push(form_of(&tr, kind, &key, failed));
        }
    }
    let today = Utc::now().date_naive().to_string();
    let can_visit = viewer.can(Action::WorkflowFollowUp);
    let mut followups: Vec<(String, FollowupRow)> = events
        .iter()
        .filter(|e| e.kind == "followup")
        .map(|e| {
            let due = e.due_date.clone().unwrap_or_default();
            let done = e.done_at.clone().unwrap_or_default();
            let row = FollowupRow {
                kind: tr.choice(plain(e, "followup_type")),
                late: e.plain.get("late").and_then(Value::as_bool) == Some(true),
                overdue: done.is_empty() && !due.is_empty() && due < today,
                form: (done.is_empty() && can_visit)
                    .then(|| followup_form(&tr, &key, &e.id, failed)),
                due: due.clone(),
                done,
            };
            (due, row)
        })
        .collect();
    followups.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Panel {
        stage: tr.choice(stage.as_str()),
        forms,
        history: events
            .iter()
            .filter(|e| e.kind != "followup")
            .map(|e| describe(&tr, e))
            .collect(),
        followups: followups.into_iter().map(|(_, r)| r).collect(),
    })
}

/// Reads the form's text inputs into the request fields: blank is absent.
fn opt(form: &FormData, name: &str) -> Option<String> {
    Some(form.text(name)).filter(|v| !v.is_empty())
}

/// Problems reading the form itself, by input.
type Unreadable = HashMap<String, String>;

fn date(tr: &Tr, form: &FormData, name: &str, bad: &mut Unreadable) -> Option<NaiveDate> {
    let v = form.text(name);
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            bad.insert(name.to_string(), tr.t("wf-err-not-a-date"));
            None
        }
    }
}

fn yes_no(form: &FormData, name: &str) -> Option<bool> {
    match form.text(name).as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn answered(tr: &Tr, form: &FormData, name: &str, bad: &mut Unreadable) -> bool {
    yes_no(form, name).unwrap_or_else(|| {
        bad.insert(name.to_string(), tr.t("wf-err-answer"));
        false
    })
}

/// A value of one of the domain's enums, by its wire name.
fn wire<T: serde::de::DeserializeOwned>(
    tr: &Tr,
    form: &FormData,
    name: &str,
    bad: &mut Unreadable,
) -> Option<T> {
    let v = form.text(name);
    serde_json::from_value(Value::String(v)).ok().or_else(|| {
        bad.insert(name.to_string(), tr.t("wf-err-choose"));
        None
    })
}

/// What a form's operation answered.
enum Outcome {
    Done,
    Refused(ApiError),
}

async fn run(
    state: &AppState,
    viewer: &Viewer,
    kind: FormKind,
    key: &str,
    form: &FormData,
) -> Result<Outcome, Unreadable> {
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let mut bad = Unreadable::new();
    let result = match kind {
        FormKind::Step(step) => {
            let req = StepRequest {
                care_arrangements_type: opt(form, "care_arrangements_type"),
                caregiver_name: opt(form, "caregiver_name"),
                start_date: date(&tr, form, "start_date", &mut bad),
                adult_name: opt(form, "adult_name"),
                relation: opt(form, "relation"),
                reunification_date: date(&tr, form, "reunification_date", &mut bad),
                with_verified_adult: yes_no(form, "with_verified_adult"),
                closure_reason: opt(form, "closure_reason"),
                permanent_care_type: opt(form, "permanent_care_type"),
                override_reason: opt(form, "override_reason"),
                notes: opt(form, "notes"),
            };
            if !bad.is_empty() {
                return Err(bad);
            }
            let may_override = viewer.can(Action::PermanentCareOverride);
            ops::apply_step(state, &ctx, key, step, req, may_override)
                .await
                .map(|_| ())
        }
        FormKind::Verification => {
            let req = VerificationRequest {
                adult_willing: answered(&tr, form, "adult_willing", &mut bad),
                adult_able: answered(&tr, form, "adult_able", &mut bad),
                child_knows_adult: answered(&tr, form, "child_knows_adult", &mut bad),
                child_wishes: wire(&tr, form, "child_wishes", &mut bad)
                    .unwrap_or(homeward_domain::workflow::ChildWish::Unsure),
                accounts_agree: answered(&tr, form, "accounts_agree", &mut bad),
                recommendation: wire(&tr, form, "recommendation", &mut bad)
                    .unwrap_or(homeward_domain::workflow::Recommendation::FurtherTracing),
                notes: opt(form, "notes"),
            };
            if !bad.is_empty() {
                return Err(bad);
            }
            ops::record_verification(state, &ctx, key, req)
                .await
                .map(|_| ())
        }
        FormKind::Approval => {
            let req = ApprovalRequest {
                reason: form.text("reason"),
            };
            ops::approve_reunification(state, &ctx, key, req)
                .await
                .map(|_| ())
        }
        FormKind::Care => {
            let req = CareChange {
                care_arrangements_type: form.text("care_arrangements_type"),
                caregiver_name: opt(form, "caregiver_name"),
                start_date: date(&tr, form, "start_date", &mut bad),
                reason_for_change: form.text("reason_for_change"),
                notes: opt(form, "notes"),
            };
            if !bad.is_empty() {
                return Err(bad);
            }
            ops::change_care_arrangement(state, &ctx, key, req)
                .await
                .map(|_| ())
        }
        FormKind::Move => {
            let destination = form.text("destination");
            if destination.is_empty() {
                // The API takes any destination; a form sent without one is a slip of the
                // hand, not a move to nowhere.
                bad.insert("destination".into(), tr.t("wf-err-destination"));
                return Err(bad);
            }
            let req = MoveRequest {
                scope: form.text("scope"),
                destination,
                purpose: opt(form, "purpose"),
                accompanying_adult: opt(form, "accompanying_adult"),
                authorised_by: opt(form, "authorised_by"),
            };
            ops::add_move(state, &ctx, key, req).await.map(|_| ())
        }
        FormKind::TracingAction => {
            let when = date(&tr, form, "date", &mut bad);
            let Some(when) = when else {
                bad.entry("date".into())
                    .or_insert_with(|| tr.t("wf-err-not-a-date"));
                return Err(bad);
            };
            let req = TracingActionRequest {
                action_type: form.text("action_type"),
                date: when,
                place: opt(form, "place"),
                outcome: form.text("outcome"),
                notes: opt(form, "notes"),
            };
            ops::add_tracing_action(state, &ctx, key, req)
                .await
                .map(|_| ())
        }
    };
    Ok(match result {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Refused(e),
    })
}

/// Where the inputs a refused move left blank are, so each gets its message (R4 is checked by
/// the domain; this only points at the empty inputs of the form it refused).
const MOVE_NEEDS: &[&str] = &["purpose", "accompanying_adult", "authorised_by"];

/// Words an operation's refusal in the viewer's language, beside the inputs it concerns.
/// Returns `None` for refusals that are pages of their own (forbidden, not found, failure).
fn place(tr: &Tr, e: &ApiError, form: &FormData, failed: &mut Failed) -> Option<StatusCode> {
    let status = e.status();
    match status {
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => return None,
        s if s.is_server_error() => return None,
        _ => {}
    }
    let field_message = |f: &str| tr.t_or(&format!("wf-err-{f}"), &tr.t("wf-err-field"));
    if let Some(f) = e.field() {
        failed.errors.insert(f.to_string(), field_message(f));
    }
    for fe in e.errors() {
        failed
            .errors
            .entry(fe.field.clone())
            .or_insert_with(|| field_message(&fe.field));
    }
    match (e.code(), e.rule()) {
        (_, Some(rule)) => {
            failed.message = tr.t_or(
                &format!("wf-rule-{}", rule.as_str()),
                &tr.t("wf-err-refused"),
            );
            if rule == WorkflowRule::ReasonRequired {
                failed
                    .errors
                    .insert("override_reason".into(), failed.message.clone());
            }
            if rule == WorkflowRule::MoveIncomplete {
                for n in MOVE_NEEDS {
                    if form.text(n).is_empty() {
                        failed
                            .errors
                            .insert((*n).to_string(), tr.t("wf-err-move-needs"));
                    }
                }
            }
        }
        ("conflict", None) => failed.message = tr.t("wf-err-conflict"),
        _ if failed.errors.is_empty() => failed.message = tr.t("wf-err-refused"),
        _ => failed.message = tr.t("wf-err-summary"),
    }
    Some(if failed.errors.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    })
}

async fn refused(
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    failed: Failed,
    status: StatusCode,
) -> Response {
    render_record(CASES, state, viewer, key, false, failed, status).await
}

fn api_error_page(viewer: &Viewer, e: &ApiError) -> Response {
    match e.status() {
        StatusCode::FORBIDDEN => viewer.forbidden(),
        StatusCode::NOT_FOUND => error_page(viewer, ErrorKind::NotFound),
        _ => internal_error(&viewer.tr(), e),
    }
}

/// Handles a posted workflow form: the operation's function decides; a refusal shows the case
/// page again with the form open, its values kept and its messages beside the inputs.
pub async fn post(state: AppState, kind: FormKind, key: String, posted: Posted) -> Response {
    let state = &state;
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::CaseRead) || !viewer.can(kind.permission()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let mut failed = Failed {
        form: kind.id().to_string(),
        ..Failed::default()
    };
    match run(state, &viewer, kind, &key, &form).await {
        Ok(Outcome::Done) => saved(&key),
        Ok(Outcome::Refused(e)) => match place(&tr, &e, &form, &mut failed) {
            Some(status) => {
                failed.values = form;
                refused(state, &viewer, &key, failed, status).await
            }
            None => api_error_page(&viewer, &e),
        },
        Err(bad) => {
            failed.errors = bad;
            failed.message = tr.t("wf-err-summary");
            failed.values = form;
            refused(
                state,
                &viewer,
                &key,
                failed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn saved(key: &str) -> Response {
    Redirect::to(&format!("/cases/{key}?saved=1#workflow")).into_response()
}

/// A step of the case path, from its URL name.
pub async fn post_step(
    State(state): State<AppState>,
    Path((key, step)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    match Step::parse(&step) {
        Some(s) => post(state, FormKind::Step(s), key, posted).await,
        None => error_page(&posted.viewer, ErrorKind::NotFound),
    }
}

/// Records a follow-up visit from its form in the case's follow-up list.
pub async fn post_followup(
    State(state): State<AppState>,
    Path((key, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::CaseRead) || !viewer.can(Action::WorkflowFollowUp) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    // The follow-up must belong to the case named in the address, in the viewer's scope, so a
    // form cannot be replayed against another child's visit.
    let events = match ops::case_events(&state, &viewer.ctx(), &key).await {
        Ok(ev) => ev,
        Err(e) => return api_error_page(&viewer, &e),
    };
    if !events.iter().any(|e| e.kind == "followup" && e.id == id) {
        return error_page(&viewer, ErrorKind::NotFound);
    }
    let mut bad = Unreadable::new();
    let req = FollowupDone {
        followup_date: date(&tr, &form, "followup_date", &mut bad),
        child_with_family: yes_no(&form, "child_with_family"),
        notes: opt(&form, "notes"),
    };
    let mut failed = Failed {
        form: format!("followup-{id}"),
        ..Failed::default()
    };
    if !bad.is_empty() {
        failed.errors = bad;
        failed.message = tr.t("wf-err-summary");
        failed.values = form;
        return refused(
            &state,
            &viewer,
            &key,
            failed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match ops::complete_followup(&state, &viewer.ctx(), &id, req).await {
        Ok(_) => saved(&key),
        Err(e) => match place(&tr, &e, &form, &mut failed) {
            Some(status) => {
                failed.values = form;
                refused(&state, &viewer, &key, failed, status).await
            }
            None => api_error_page(&viewer, &e),
        },
    }
}

/// Marks the viewer's unread alerts of overdue follow-ups of this case read: the case page
/// lists those visits, so having opened it answers the alerts (as opening a match's review
/// answers its alert). The overdue list on the dashboard still shows the visits until they are
/// recorded. A failure only leaves the alerts unread, so it is logged, not shown.
pub async fn read_followup_alerts(state: &AppState, viewer: &Viewer, case: &StoredRecord) {
    let user = viewer.caller.user.id;
    let case_id = case.id.to_string();
    let alerts = match state.store.alerts_for(user, true).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, "could not read alerts");
            return;
        }
    };
    for a in alerts.iter().filter(|a| {
        a.kind == "overdue_followup" && a.record_id.as_deref() == Some(case_id.as_str())
    }) {
        if let Err(e) = state.store.mark_alert_read(user, &a.id).await {
            tracing::warn!(error = %e, "could not mark an alert read");
        }
    }
}

/// An overdue follow-up on the dashboard.
pub struct OverdueItem {
    /// The case's page, at its follow-ups.
    pub href: String,
    /// The case's reference.
    pub reference: String,
    /// Due date.
    pub due: String,
    /// Kind, translated.
    pub kind: String,
}

/// The viewer's overdue follow-ups (the store's `overdue_followups`, through the same function
/// as `GET /api/v1/followups/overdue`); empty for roles without `workflow.follow_up`.
pub async fn overdue(state: &AppState, viewer: &Viewer) -> Result<Vec<OverdueItem>, ApiError> {
    if !viewer.can(Action::WorkflowFollowUp) {
        return Ok(Vec::new());
    }
    let tr = viewer.tr();
    Ok(ops::overdue_followups_in_scope(state, &viewer.ctx())
        .await?
        .into_iter()
        .map(|o| OverdueItem {
            href: format!("/cases/{}#followups", o.reference),
            reference: o.reference.to_string(),
            due: o.event.due_date.clone().unwrap_or_default(),
            kind: tr.choice(plain(&o.event, "followup_type")),
        })
        .collect())
}
