//! What Homeward does itself when a prevention record arrives: scores a home visit and sets its
//! household's risk and next visit in the same transaction, alerts the caseworkers on a red
//! flag or a high score; screens a checkpoint log against open cases, tracing requests and the
//! watch list and tells the officer what to do next; refuses a referral to an outside
//! organisation without the family's consent.
//!
//! The scoring rules live in `homeward_domain::prevention`; this module gathers what they need
//! and records the outcome.

use chrono::{NaiveDate, Utc};
use homeward_auth::{Action, Role, Verb};
use homeward_domain::prevention::{
    checkpoint_needs_attention, household_risk, next_visit, score_checkpoint, score_home_visit,
};
use homeward_domain::{
    validate_create, Document, FieldError, RecordId, RecordKind, Reference, UserId,
};
use homeward_matching::sought_id;
use homeward_store::{ActorContext, NewAlert, StoredRecord};
use serde_json::{json, Value};

use crate::auth::{scope_of, Caller};
use crate::error::ApiError;
use crate::AppState;

/// Fields Homeward derives for a new record, and the derived fields of records it links to.
#[derive(Debug, Default)]
pub struct Derived {
    /// System fields of the new record.
    pub system: Document,
    /// Derived fields to set on linked records, in the same transaction.
    pub linked: Vec<(Reference, Document)>,
}

fn text<'a>(doc: &'a Document, name: &str) -> Option<&'a str> {
    doc.get(name).and_then(Value::as_str)
}

/// Derives the system fields of a new record of `kind` from what was submitted. Invalid input
/// derives nothing: the store then reports every problem with the fields.
pub async fn derive(
    state: &AppState,
    kind: RecordKind,
    input: &Document,
) -> Result<Derived, ApiError> {
    let today = Utc::now().date_naive();
    let Ok(doc) = validate_create(kind, input, today) else {
        return Ok(Derived::default());
    };
    let settings = &state.config.prevention;
    let mut out = Derived::default();
    match kind {
        RecordKind::Household => {
            // Until a first visit says otherwise, a household on the list is visited soon.
            out.system.insert(
                "next_visit_due".into(),
                json!(next_visit("high", today, settings).to_string()),
            );
        }
        RecordKind::HomeVisit => {
            let score = score_home_visit(&doc, settings);
            out.system.extend(score.as_fields());
            out.system
                .insert("red_flag".into(), json!(!score.red_flags.is_empty()));
            let visited = text(&doc, "visit_date")
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .unwrap_or(today);
            let risk = household_risk(&score, settings);
            if let Some(household) = text(&doc, "household").and_then(|r| Reference::parse(r).ok())
            {
                // The visit belongs to the household's committee, so its volunteers see it.
                if let Some(h) = state.store.record_for_rule(&household).await? {
                    if let Some(c) = h.fields.get("committee") {
                        out.system.insert("committee".into(), c.clone());
                    }
                }
                let mut fields = Document::new();
                fields.insert("risk_score".into(), json!(score.score));
                fields.insert("risk_level".into(), json!(risk));
                fields.insert("last_visit_date".into(), json!(visited.to_string()));
                fields.insert(
                    "next_visit_due".into(),
                    json!(next_visit(risk, visited, settings).to_string()),
                );
                out.linked.push((household, fields));
            }
        }
        RecordKind::CheckpointLog => {
            let score = score_checkpoint(&doc, settings);
            out.system.extend(score.as_fields());
            let concerns = screen(state, &doc).await?;
            if !concerns.is_empty() {
                let refs: Vec<String> = concerns.iter().map(|c| c.reference.to_string()).collect();
                out.system
                    .insert("alert_references".into(), json!(refs.join(", ")));
            }
        }
        RecordKind::Referral => check_referral_consent(state, &doc).await?,
        _ => {}
    }
    Ok(out)
}

/// The derived fields of a changed record: a corrected checklist answer changes the score and
/// the items that made it. (A log's screening stays what it was when the child stood at the
/// checkpoint, and a household's risk follows its newest visit.)
pub fn rederive(
    kind: RecordKind,
    doc: &Document,
    settings: &homeward_domain::prevention::PreventionSettings,
) -> Document {
    match kind {
        RecordKind::HomeVisit => {
            let score = score_home_visit(doc, settings);
            let mut out = score.as_fields();
            out.insert("red_flag".into(), json!(!score.red_flags.is_empty()));
            out
        }
        RecordKind::CheckpointLog => score_checkpoint(doc, settings).as_fields(),
        _ => Document::new(),
    }
}

/// How many records of each kind a screening names, likeliest first.
pub const CONCERNS_PER_KIND: usize = 3;

/// A record a checkpoint log may concern.
#[derive(Debug, Clone)]
struct Concern {
    reference: Reference,
    record: StoredRecord,
    probability: f64,
}

/// Open cases, open tracing requests and watch-listed persons the logged child or adult may be.
async fn screen(state: &AppState, doc: &Document) -> Result<Vec<Concern>, ApiError> {
    let found = state
        .matching
        .screen_transit(
            doc,
            homeward_matching::Screening {
                threshold: state.config.prevention.screening_threshold,
                sought_share: state.config.prevention.screening_sought_share,
                watch_threshold: state.config.prevention.watch_list_threshold,
            },
        )
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let mut ids: Vec<(RecordId, f64)> = Vec::new();
    for m in found.cases.iter().chain(&found.watch) {
        if let Ok(id) = m.id.parse() {
            ids.push((id, m.probability));
        }
    }
    for m in &found.sought {
        if let Some((request, _)) = sought_id(&m.id) {
            ids.push((request, m.probability));
        }
    }
    let mut concerns: Vec<Concern> = Vec::new();
    for (id, probability) in ids {
        if concerns.iter().any(|c| c.record.id == id) {
            continue;
        }
        let Some(record) = state.store.record_for_matching(&id).await? else {
            continue;
        };
        let open = match record.kind {
            RecordKind::Case => record.status == "open",
            RecordKind::TracingRequest => record.status != "closed",
            _ => record.status == "open",
        };
        if open {
            concerns.push(Concern {
                reference: record.reference.clone(),
                record,
                probability,
            });
        }
    }
    concerns.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    // An officer can act on a few calls, not on every namesake: the likeliest of each kind.
    let mut kept: Vec<Concern> = Vec::new();
    for c in concerns {
        if kept
            .iter()
            .filter(|k| k.record.kind == c.record.kind)
            .count()
            < CONCERNS_PER_KIND
        {
            kept.push(c);
        }
    }
    Ok(kept)
}

/// A referral to an outside organisation needs the family's consent to share, recorded on the
/// child's case or the household (domain.md §9: transfers only through a logged referral).
async fn check_referral_consent(state: &AppState, doc: &Document) -> Result<(), ApiError> {
    let Some(provider) = text(doc, "service_provider").and_then(|r| Reference::parse(r).ok())
    else {
        return Ok(());
    };
    let Some(provider) = state.store.record_for_rule(&provider).await? else {
        return Ok(()); // the store names the unknown reference
    };
    if provider.fields.get("is_external") != Some(&Value::Bool(true)) {
        return Ok(());
    }
    for field in ["case", "household"] {
        let Some(reference) = text(doc, field).and_then(|r| Reference::parse(r).ok()) else {
            continue;
        };
        let Some(subject) = state.store.record_for_rule(&reference).await? else {
            continue;
        };
        let consents = ["consent_for_services", "disclosure_other_orgs"]
            .iter()
            .all(|c| subject.fields.get(*c) == Some(&Value::Bool(true)));
        if !consents {
            let message = format!(
                "{reference} does not record consent for services and consent to share with other organisations, and {} is an outside organisation; record the family's consent on the {} first, or refer to a service inside your agency",
                provider.reference,
                subject.kind.human()
            );
            return Err(ApiError::invalid(vec![FieldError::new(
                field,
                "no_consent_to_share",
                message,
            )
            .arg("reference", &reference)
            .arg("provider", &provider.reference)
            .arg("kind", subject.kind.human())]));
        }
    }
    Ok(())
}

/// Raises the alerts a new record calls for.
pub async fn after_create(
    state: &AppState,
    caller: &Caller,
    record: &StoredRecord,
) -> Result<(), ApiError> {
    match record.kind {
        RecordKind::HomeVisit => home_visit_alerts(state, caller, record).await,
        RecordKind::CheckpointLog => checkpoint_alerts(state, caller, record).await,
        _ => Ok(()),
    }
}

/// The caseworkers who hear of a prevention record: whoever is in charge of the linked record
/// (if a caseworker or supervisor), else the caseworkers of the author's team; and the team's
/// supervisors.
async fn responsible(
    state: &AppState,
    caller: &Caller,
    linked: Option<&StoredRecord>,
) -> Result<Vec<homeward_domain::UserId>, ApiError> {
    let mut users = Vec::new();
    if let Some(l) = linked {
        let in_charge = l.assigned_to.unwrap_or(l.owner_id);
        if let Some(u) = state.store.user_by_id(in_charge).await? {
            if matches!(u.role.as_str(), "caseworker" | "supervisor") {
                users.push(in_charge);
            }
        }
    }
    if let Some(team) = caller.user.team_id {
        if users.is_empty() {
            users.extend(
                state
                    .store
                    .team_members(&team.to_string(), "caseworker")
                    .await?,
            );
        }
        users.extend(
            state
                .store
                .team_members(&team.to_string(), "supervisor")
                .await?,
        );
    }
    if users.is_empty() && caller.can(homeward_auth::Action::CaseUpdate) {
        users.push(caller.user.id);
    }
    users.sort();
    users.dedup();
    Ok(users)
}

async fn home_visit_alerts(
    state: &AppState,
    caller: &Caller,
    visit: &StoredRecord,
) -> Result<(), ApiError> {
    let settings = &state.config.prevention;
    let score = score_home_visit(&visit.fields, settings);
    if score.red_flags.is_empty() && score.score < settings.home_visit_high {
        return Ok(());
    }
    let household = match text(&visit.fields, "household").and_then(|r| Reference::parse(r).ok()) {
        Some(r) => state.store.record_for_rule(&r).await?,
        None => None,
    };
    let detail = json!({
        "home_visit_reference": visit.reference.to_string(),
        "household_reference": household.as_ref().map(|h| h.reference.to_string()),
        "risk_score": score.score,
        "risk_items": score.items,
        "red_flags": score.red_flags,
        "next_step": "visit the household within 24 hours; register the child as a case if they are already away, or refer the family (livelihood, cash, birth registration) from the household's page",
    });
    for user in who_can_open(
        state,
        responsible(state, caller, household.as_ref()).await?,
        visit,
    )
    .await?
    {
        state
            .store
            .create_alert(user, "home_visit_risk", Some(&visit.id), detail.clone())
            .await?;
    }
    Ok(())
}

/// Those of `users` who can open `record` (their role reads its kind, and it is within their
/// scope): an alert whose link answers "Not found" tells its reader nothing, so it goes only
/// to people who can act on it. A caseworker who sees only their own cases does not hear of a
/// volunteer's visit; the team's supervisor does.
async fn who_can_open(
    state: &AppState,
    users: Vec<UserId>,
    record: &StoredRecord,
) -> Result<Vec<UserId>, ApiError> {
    let read = Action::for_records(record.kind, Verb::Read);
    let mut out = Vec::with_capacity(users.len());
    for id in users {
        let Some(user) = state.store.user_by_id(id).await? else {
            continue;
        };
        let role = Role::parse(&user.role);
        if !role.is_some_and(|r| r.allows(read)) || user.disabled {
            continue;
        }
        let ctx = ActorContext {
            scope: scope_of(&user, role),
            reveal_personal: false,
        };
        if state
            .store
            .record_in_scope(&ctx, record.kind, &record.id)
            .await?
        {
            out.push(id);
        }
    }
    Ok(out)
}

/// What the officer is told to do for each kind of concern.
fn next_step(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::TracingRequest => "hold the child for verification and call the tracing team quoting this reference: a family is looking for a child like this one",
        RecordKind::Case => "hold the child for verification and call the caseworker quoting this reference: a child like this one is registered as separated",
        _ => "a person on the watch list may be travelling with the child: keep the child safe, do not alert the adult, call the police and the Child Welfare Committee",
    }
}

async fn checkpoint_alerts(
    state: &AppState,
    caller: &Caller,
    log: &StoredRecord,
) -> Result<(), ApiError> {
    let settings = &state.config.prevention;
    let score = score_checkpoint(&log.fields, settings);
    let references: Vec<Reference> = text(&log.fields, "alert_references")
        .map(|r| {
            r.split(", ")
                .filter_map(|r| Reference::parse(r).ok())
                .collect()
        })
        .unwrap_or_default();
    let mut alerts = Vec::new();
    for reference in &references {
        let Some(record) = state.store.record_for_rule(reference).await? else {
            continue;
        };
        let detail = json!({
            "checkpoint_log_reference": log.reference.to_string(),
            "reference": reference.to_string(),
            "kind": record.kind.as_str(),
            "checkpoint": text(&log.fields, "checkpoint"),
            "next_step": next_step(record.kind),
        });
        // The officer sees the reference and what to do; the caseworker in charge hears
        // where the child may have been seen.
        alerts.push(NewAlert {
            user: caller.user.id,
            kind: "checkpoint_match",
            record: Some(log.id),
            detail: detail.clone(),
        });
        if record.kind != RecordKind::PersonOfConcern {
            alerts.push(NewAlert {
                user: record.assigned_to.unwrap_or(record.owner_id),
                kind: "checkpoint_sighting",
                record: Some(record.id),
                detail,
            });
        }
    }
    if checkpoint_needs_attention(&score, settings) {
        let detail = json!({
            "checkpoint_log_reference": log.reference.to_string(),
            "risk_score": score.score,
            "risk_items": score.items,
            "red_flags": score.red_flags,
            "next_step": "hold the child for verification, call the family through the reference they give, and refer to the Child Welfare Committee or police if the account does not hold",
        });
        let mut users = vec![caller.user.id];
        users.extend(responsible(state, caller, None).await?);
        users.sort();
        users.dedup();
        let users = who_can_open(state, users, log).await?;
        alerts.extend(users.into_iter().map(|user| NewAlert {
            user,
            kind: "checkpoint_risk",
            record: Some(log.id),
            detail: detail.clone(),
        }));
    }
    state.store.create_alerts(&alerts).await?;
    Ok(())
}

/// The officer's view of a log's screening: each concern with what to do next.
pub fn screening_view(
    log: &StoredRecord,
    settings: &homeward_domain::prevention::PreventionSettings,
) -> Value {
    let score = score_checkpoint(&log.fields, settings);
    let concerns: Vec<Value> = text(&log.fields, "alert_references")
        .map(|r| {
            r.split(", ")
                .filter_map(|r| Reference::parse(r).ok())
                .map(|r| json!({"reference": r.to_string(), "kind": r.kind().as_str(), "next_step": next_step(r.kind())}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "risk_score": score.score,
        "risk_items": score.items,
        "red_flags": score.red_flags,
        "needs_attention": checkpoint_needs_attention(&score, settings) || !concerns.is_empty(),
        "concerns": concerns,
    })
}
