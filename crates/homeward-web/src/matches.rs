//! Potential matches in the web interface: the list on a case's or tracing request's page, the
//! review page of one match (both records side by side, what each field contributed, and the
//! decision with its reason), and the matches waiting on the dashboard.
//!
//! Disclosure uses the same rules as the API, from one place (`Store::match_view`): the family's
//! side sees a match only when the child's case records consent for tracing or a supervisor has
//! overridden it; what either side sees of the other is limited to what identification needs;
//! and each record opened outside the viewer's scope is audited.
//!
//! A supervisor's override of the consent rule is posted here too, and handed to the same
//! function the JSON API calls (`homeward_server::api::matches::override_match_disclosure`),
//! so the length of the reason, the audit and the family's alert are decided in one place.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_auth::Action;
use homeward_domain::{Document, FieldKind, RecordKind};
use homeward_server::api::matches::{override_match_disclosure, DisclosureOverride};
use homeward_server::error::ApiError;
use homeward_server::AppState;
use homeward_store::{
    MatchSide, Store, StoreError, StoreResult, StoredRecord, CASE_DISCLOSED, REQUEST_DISCLOSED,
};
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Tr;
use crate::page::{error_page, internal_error, render, Chrome, ErrorKind};
use crate::record_view::{pair, script_lang, Pair};
use crate::records::store_error;
use crate::session::{Posted, Viewer};

/// Shortest reason accepted for a decision (as the API).
const MIN_REASON: usize = 5;

/// A probability as a whole percentage.
/// A probability as a whole percentage; only certainty shows as 100%.
pub fn percent(p: f64) -> String {
    let mut v = (p * 100.0).round().clamp(0.0, 100.0);
    if p < 1.0 {
        v = v.min(99.0);
    }
    format!("{v:.0}%")
}

/// How many waiting matches the dashboard lists.
pub const WAITING_SHOWN: usize = 10;

/// One match in a record's list.
pub struct MatchItem {
    /// The review page.
    pub href: String,
    /// The other record's reference.
    pub other: String,
    /// Probability as a percentage.
    pub probability: String,
    /// `pending`, `confirmed` or `rejected`.
    pub status: String,
    /// The status, translated.
    pub status_label: String,
}

/// The matches of a record the viewer has opened (so already fetched through their scope),
/// best first, each as the API would show it; empty for roles without `MatchRead`.
///
/// The rows are those `Store::matches_of` returns; reading them by the record's id spares the
/// audit trail a second read of the record the page has just opened.
pub async fn of_record(
    store: &Store,
    viewer: &Viewer,
    record: &StoredRecord,
) -> StoreResult<Vec<MatchItem>> {
    if !viewer.can(Action::MatchRead) {
        return Ok(Vec::new());
    }
    let kind = record.kind;
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let rows = store.matches_for_record(kind, &record.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(v) = store.match_view(&ctx, row).await? else {
            continue;
        };
        let other = match kind {
            RecordKind::Case => v.tracing_request.reference,
            RecordKind::TracingRequest => v.case.reference,
            _ => None,
        };
        out.push(MatchItem {
            href: format!("/matches/{}", v.row.id),
            other: other.unwrap_or_else(|| tr.t("match-withheld")),
            probability: percent(v.row.probability),
            status_label: tr.t(&format!("match-status-{}", v.row.status)),
            status: v.row.status,
        });
    }
    Ok(out)
}

/// One field's part in the score.
pub struct Contribution {
    /// Field, translated.
    pub field: String,
    /// How the two values compared, translated.
    pub level: String,
    /// Weight, signed, one decimal.
    pub weight: String,
    /// `for` (evidence for a match), `against`, or `none`.
    pub sign: &'static str,
    /// Bar length class, `w0` to `w10`.
    pub width: String,
}

/// The comparison levels of the linkage engine, translated; an unknown level shows as written.
fn level_label(tr: &Tr, level: &str) -> String {
    let key = match level {
        "blank" => "match-level-blank",
        "exact" => "match-level-exact",
        "same words, any order" => "match-level-words",
        "swapped with other name field" => "match-level-swapped",
        "sounds alike or nickname" => "match-level-sounds",
        "half the words shared" => "match-level-half-words",
        "day and month transposed" => "match-level-transposed",
        "one typo" => "match-level-typo",
        "same year and month" => "match-level-year-month",
        "within one year" => "match-level-within-year",
        "different" => "match-level-different",
        l if l.starts_with("jaro-winkler") || l.starts_with("edit distance") => {
            "match-level-similar"
        }
        l if l.starts_with("within ") => {
            let n: i64 = l
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            return tr.t_n("match-level-within-years", n);
        }
        other => return other.to_string(),
    };
    tr.t(key)
}

/// The explanation's rows, strongest evidence first.
fn contributions(tr: &Tr, explanation: &Value) -> Vec<Contribution> {
    let items = explanation
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let max = items
        .iter()
        .filter_map(|c| c.get("weight").and_then(Value::as_f64))
        .fold(1.0_f64, |m, w| m.max(w.abs()));
    let mut rows: Vec<(f64, Contribution)> = items
        .iter()
        .filter_map(|c| {
            let field = c.get("field")?.as_str()?;
            let level = c.get("level").and_then(Value::as_str).unwrap_or("");
            let weight = c.get("weight").and_then(Value::as_f64).unwrap_or(0.0);
            let sign = if weight > 0.05 {
                "for"
            } else if weight < -0.05 {
                "against"
            } else {
                "none"
            };
            let tenths = ((weight.abs() / max) * 10.0).round().clamp(0.0, 10.0) as u32;
            Some((
                weight,
                Contribution {
                    field: tr.t_or(
                        &format!("match-field-{field}"),
                        &crate::i18n::readable(field),
                    ),
                    level: level_label(tr, level),
                    weight: format!("{weight:+.1}"),
                    sign,
                    width: format!("w{tenths}"),
                },
            ))
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    rows.into_iter().map(|(_, c)| c).collect()
}

/// A side of the review page.
pub struct SidePanel {
    /// Heading.
    pub title: String,
    /// Reference, or empty.
    pub reference: String,
    /// Link to the record, when in the viewer's scope.
    pub href: String,
    /// A note: outside your scope (disclosed and audited), or withheld.
    pub note: String,
    /// Values.
    pub pairs: Vec<Pair>,
    /// A second group of values (parents' names, or the child sought), with its heading.
    pub extra_title: String,
    /// Its values.
    pub extra: Vec<Pair>,
}

fn fields_pairs(
    tr: &Tr,
    kind: RecordKind,
    scope: &str,
    names: &[&str],
    doc: &Document,
) -> Vec<Pair> {
    names
        .iter()
        .filter_map(|n| {
            let spec = kind.field(n)?;
            let v = doc.get(*n)?;
            pair(tr, scope, spec, v, &|_| false)
        })
        .collect()
}

fn case_panel(tr: &Tr, side: &MatchSide) -> SidePanel {
    let mut panel = SidePanel {
        title: tr.t("match-child-registered"),
        reference: side.reference.clone().unwrap_or_default(),
        href: match (&side.reference, side.in_your_scope) {
            (Some(r), true) => format!("/cases/{r}"),
            _ => String::new(),
        },
        note: if side.in_your_scope {
            String::new()
        } else {
            tr.t("match-other-agency")
        },
        pairs: Vec::new(),
        extra_title: String::new(),
        extra: Vec::new(),
    };
    let Some(doc) = &side.fields else {
        panel.note = tr.t("match-withheld");
        return panel;
    };
    panel.pairs = fields_pairs(tr, RecordKind::Case, "case", CASE_DISCLOSED, doc);
    if let Some(Value::Array(parents)) = doc.get("family_details") {
        panel.extra = parents
            .iter()
            .filter_map(|p| {
                let relation = p.get("relation")?.as_str()?;
                let name = p.get("relation_name")?.as_str()?.trim();
                (!name.is_empty()).then(|| Pair {
                    label: tr.choice(relation),
                    script: script_lang(name),
                    romanised: crate::record_view::romanised(name),
                    value: name.to_string(),
                    href: String::new(),
                })
            })
            .collect();
        if !panel.extra.is_empty() {
            panel.extra_title = tr.t("match-parents");
        }
    }
    panel
}

fn request_panel(tr: &Tr, side: &MatchSide) -> SidePanel {
    let mut panel = SidePanel {
        title: tr.t("match-child-sought"),
        reference: side.reference.clone().unwrap_or_default(),
        href: match (&side.reference, side.in_your_scope) {
            (Some(r), true) => format!("/tracing-requests/{r}"),
            _ => String::new(),
        },
        note: if side.in_your_scope {
            String::new()
        } else {
            tr.t("match-other-agency")
        },
        pairs: Vec::new(),
        extra_title: String::new(),
        extra: Vec::new(),
    };
    let Some(doc) = &side.fields else {
        panel.note = tr.t("match-request-withheld");
        return panel;
    };
    if let Some(child) = doc.get("child_sought") {
        if let Some(FieldKind::Group(sub)) = RecordKind::TracingRequest
            .field("children_sought")
            .map(|f| f.kind)
        {
            panel.pairs = sub
                .iter()
                .filter_map(|s| {
                    child
                        .get(s.name)
                        .and_then(|v| pair(tr, "children_sought", s, v, &|_| false))
                })
                .collect();
        }
    }
    panel.extra = fields_pairs(
        tr,
        RecordKind::TracingRequest,
        "tracing",
        REQUEST_DISCLOSED,
        doc,
    );
    if !panel.extra.is_empty() {
        panel.extra_title = tr.t("match-inquirer");
    }
    panel
}

#[derive(Template)]
#[template(path = "match.html")]
struct MatchPage {
    c: Chrome,
    heading: String,
    id: String,
    probability: String,
    status: String,
    status_label: String,
    sides: Vec<SidePanel>,
    contributions: Vec<Contribution>,
    weight: String,
    decided: bool,
    decided_by: String,
    decided_at: String,
    reason: String,
    can_decide: bool,
    saved: bool,
    choice: String,
    reason_value: String,
    decision_error: String,
    reason_error: String,
    can_override: bool,
    overridden: bool,
    override_reason: String,
    override_saved: bool,
    override_value: String,
    override_error: String,
}

/// `?saved=1` after a decision, `?overridden=1` after an override.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    overridden: Option<String>,
}

/// What was posted, kept to show the form again.
#[derive(Default)]
struct Filled {
    choice: String,
    reason: String,
    decision_error: String,
    reason_error: String,
    override_reason: String,
    override_error: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    q: &SavedQuery,
    filled: Filled,
    status: StatusCode,
) -> Response {
    if !viewer.can(Action::MatchRead) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let store = &state.store;
    let row = match store.match_by_id(id, ctx.reveal_personal).await {
        Ok(r) => r,
        Err(e) => return store_error(viewer, e),
    };
    let v = match store.match_view(&ctx, row).await {
        Ok(Some(v)) => v,
        Ok(None) => return error_page(viewer, ErrorKind::NotFound),
        Err(e) => return store_error(viewer, e),
    };
    // Opening the review answers the alert about it.
    if let Ok(alerts) = store.alerts_for(viewer.caller.user.id, true).await {
        for a in alerts.iter().filter(|a| {
            a.kind == "potential_match" && a.detail.get("match").and_then(Value::as_str) == Some(id)
        }) {
            if let Err(e) = store.mark_alert_read(viewer.caller.user.id, &a.id).await {
                tracing::warn!(error = %e, "could not mark an alert read");
            }
        }
    }
    let decided = v.row.status != "pending";
    let overridden = v.row.disclosure_overridden;
    // The form is offered only while the family's side cannot see the match: the child's case
    // records no consent for tracing and no supervisor has overridden yet.
    let can_override = viewer.can(Action::ConsentOverride)
        && v.case.in_your_scope
        && !overridden
        && match store.record_for_matching(&v.row.case_id).await {
            Ok(Some(case)) => !case.consents_to_tracing(),
            Ok(None) => false,
            Err(e) => return internal_error(&tr, &e),
        };
    let override_reason = if overridden {
        match store.disclosure_override_reason(&ctx, id).await {
            Ok(r) => r.unwrap_or_default(),
            Err(e) => return internal_error(&tr, &e),
        }
    } else {
        String::new()
    };
    let decided_by = match v.row.decided_by.as_deref().and_then(|u| u.parse().ok()) {
        Some(uid) => match store.user_by_id(uid).await {
            Ok(Some(u)) => u.display_name,
            Ok(None) => v.row.decided_by.clone().unwrap_or_default(),
            Err(e) => return internal_error(&tr, &e),
        },
        None => v.row.decided_by.clone().unwrap_or_default(),
    };
    let heading = tr.t_args(
        "match-title",
        &[
            (
                "case",
                v.case
                    .reference
                    .clone()
                    .unwrap_or_else(|| tr.t("match-withheld")),
            ),
            (
                "request",
                v.tracing_request.reference.clone().unwrap_or_default(),
            ),
        ],
    );
    let page = MatchPage {
        c: Chrome::new(viewer, heading.clone()),
        heading,
        id: v.row.id.clone(),
        probability: percent(v.row.probability),
        status_label: tr.t(&format!("match-status-{}", v.row.status)),
        status: v.row.status.clone(),
        sides: vec![
            case_panel(&tr, &v.case),
            request_panel(&tr, &v.tracing_request),
        ],
        contributions: contributions(&tr, &v.row.explanation),
        weight: format!("{:+.1}", v.row.weight),
        decided,
        decided_by,
        decided_at: v
            .row
            .decided_at
            .as_deref()
            .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
            .unwrap_or_default(),
        reason: v.row.decision_reason.clone().unwrap_or_default(),
        can_decide: viewer.can(Action::MatchDecide) && !decided,
        saved: q.saved.is_some(),
        choice: filled.choice,
        reason_value: filled.reason,
        decision_error: filled.decision_error,
        reason_error: filled.reason_error,
        can_override,
        overridden,
        override_reason,
        override_saved: q.overridden.is_some() && overridden,
        override_value: filled.override_reason,
        override_error: filled.override_error,
    };
    render(status, &page, &tr)
}

/// The review page of one match.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Response {
    page(&state, &viewer, &id, &q, Filled::default(), StatusCode::OK).await
}

/// Records a decision, or shows the form again with its messages beside the fields.
pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::MatchRead) || !viewer.can(Action::MatchDecide) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let store = &state.store;
    // A match the viewer may not see cannot be decided either.
    let row = match store.match_by_id(&id, false).await {
        Ok(r) => r,
        Err(e) => return store_error(&viewer, e),
    };
    match store.match_visible(&ctx, &row).await {
        Ok(true) => {}
        Ok(false) => return error_page(&viewer, ErrorKind::NotFound),
        Err(e) => return store_error(&viewer, e),
    }
    let choice = form.get("decision").unwrap_or("").trim().to_string();
    let reason = form.get("reason").unwrap_or("").trim().to_string();
    let mut filled = Filled {
        choice: choice.clone(),
        reason: reason.clone(),
        ..Filled::default()
    };
    if !matches!(choice.as_str(), "confirmed" | "rejected") {
        filled.decision_error = tr.t("match-decision-required");
    }
    if reason.chars().count() < MIN_REASON {
        filled.reason_error = tr.t("match-reason-required");
    }
    if !filled.decision_error.is_empty() || !filled.reason_error.is_empty() {
        return page(
            &state,
            &viewer,
            &id,
            &SavedQuery::default(),
            filled,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match store.decide_match(&ctx, &id, &choice, &reason).await {
        Ok(_) => {
            state.matching.decision_recorded();
            Redirect::to(&format!("/matches/{id}?saved=1")).into_response()
        }
        Err(StoreError::NotFound) => error_page(&viewer, ErrorKind::NotFound),
        Err(e) => internal_error(&tr, &e),
    }
}

/// Records a supervisor's override of the consent rule, or shows the page again with the
/// refusal beside the reason.
pub async fn override_disclosure(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::MatchRead) || !viewer.can(Action::ConsentOverride) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let reason = form.get("override_reason").unwrap_or("").to_string();
    let req = DisclosureOverride {
        reason: reason.clone(),
    };
    match override_match_disclosure(&state, &viewer.ctx(), &id, req).await {
        Ok(_) => Redirect::to(&format!("/matches/{id}?overridden=1")).into_response(),
        Err(e) if e.field() == Some("reason") => {
            let filled = Filled {
                override_reason: reason.trim().to_string(),
                override_error: tr.t("match-override-reason-required"),
                ..Filled::default()
            };
            page(
                &state,
                &viewer,
                &id,
                &SavedQuery::default(),
                filled,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => api_error_page(&viewer, &e),
    }
}

/// A refusal that is a page of its own: forbidden, not found, or a failure.
fn api_error_page(viewer: &Viewer, e: &ApiError) -> Response {
    match e.status() {
        StatusCode::FORBIDDEN => viewer.forbidden(),
        StatusCode::NOT_FOUND => error_page(viewer, ErrorKind::NotFound),
        _ => internal_error(&viewer.tr(), e),
    }
}

/// A match waiting on the dashboard.
pub struct Waiting {
    /// The review page.
    pub href: String,
    /// "HW-… ↔ TR-…".
    pub label: String,
    /// Probability.
    pub probability: String,
}

/// The viewer's unread alerts of potential matches, newest first.
pub async fn waiting(store: &Store, viewer: &Viewer) -> StoreResult<Vec<Waiting>> {
    if !viewer.can(Action::MatchRead) {
        return Ok(Vec::new());
    }
    // Every pending match the viewer was alerted to, read or not: a match leaves the queue
    // when it is decided, not when its alert is opened.
    let alerts = store.waiting_matches(viewer.caller.user.id).await?;
    Ok(alerts
        .iter()
        .filter_map(|a| {
            let d = &a.detail;
            let id = d.get("match")?.as_str()?;
            let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            Some(Waiting {
                href: format!("/matches/{id}"),
                label: format!(
                    "{} ↔ {}",
                    text("case_reference"),
                    text("tracing_request_reference")
                ),
                probability: d
                    .get("probability")
                    .and_then(Value::as_f64)
                    .map(percent)
                    .unwrap_or_default(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn levels_and_percentages_read_well() {
        let tr = Tr::new(Lang::En);
        assert_eq!(percent(0.873), "87%");
        assert_eq!(percent(0.9991), "99%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(level_label(&tr, "exact"), "Same");
        assert_eq!(level_label(&tr, "within 3 years"), "Within 3 years");
        assert_eq!(level_label(&tr, "something new"), "something new");
        let rows = contributions(
            &tr,
            &serde_json::json!([{"field": "sex", "level": "exact", "weight": 1.0},
                {"field": "name_first", "level": "exact", "weight": 8.0},
                {"field": "age", "level": "different", "weight": -4.0}]),
        );
        assert_eq!(rows[0].field, "First name");
        assert_eq!(rows[0].width, "w10");
        assert_eq!(rows[2].sign, "against");
        assert_eq!(rows[2].width, "w5");
    }
}
