//! What the prevention pages add to the generic record pages: the assessment panel of a home
//! visit, a household and a checkpoint log (risk score, the items that made it, the screening's
//! concerns with what to do next), the outcome form of a checkpoint log and the status form of
//! a referral; the list of households whose visit is overdue; and the recruitment analysis.
//!
//! Every change goes through the server's own functions (`set_status`, `recruitment_tables`,
//! `screening_view`), so a page and the JSON API move and show a record the same way.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_auth::Action;
use homeward_domain::catalogue::prevention::{CHECKPOINT_STATUS, REFERRAL_STATUS};
use homeward_domain::prevention::score_home_visit;
use homeward_domain::{RecordKind, Reference};
use homeward_server::api::prevention::{recruitment_tables, set_status};
use homeward_server::AppState;
use homeward_store::StoredRecord;
use serde_json::Value;

use crate::i18n::Tr;
use crate::kinds::{self, KindPages};
use crate::page::{error_page, internal_error, ok, Chrome, ErrorKind};
use crate::record_view::Pair;
use crate::sections::label_scope;
use crate::session::{Posted, Viewer};
use crate::workflow::Failed;

/// A record a checkpoint log may concern, with what the officer does next.
pub struct Concern {
    /// Its reference.
    pub reference: String,
    /// Its page, when the viewer may open it.
    pub href: String,
    /// Its kind, translated.
    pub kind: String,
    /// What to do, translated.
    pub next_step: String,
}

/// A checklist item answered yes.
pub struct Item {
    /// The checklist question.
    pub label: String,
    /// A red flag: acted on whatever the score.
    pub red: bool,
}

/// The form that moves a checkpoint log or a referral along.
pub struct StatusForm {
    /// Where it posts.
    pub action: String,
    /// Its heading.
    pub title: String,
    /// The select's name (`outcome` or `status`, as in the API).
    pub name: &'static str,
    /// The select's label.
    pub label: String,
    /// Choices (value, label).
    pub options: Vec<(String, String)>,
    /// The message of a refused post.
    pub error: String,
    /// Submit button.
    pub submit: String,
}

/// The assessment panel at the top of a prevention record's page.
pub struct Panel {
    /// Heading.
    pub title: String,
    /// Shown as an alert: a concern, a red flag or a high score.
    pub alert: bool,
    /// One sentence the viewer must not miss.
    pub lead: String,
    /// The screening's concerns (checkpoint logs).
    pub concerns: Vec<Concern>,
    /// Figures: score, level, dates.
    pub pairs: Vec<Pair>,
    /// Heading of the items list.
    pub items_title: String,
    /// The checklist items answered yes.
    pub items: Vec<Item>,
    /// Outcome or status form, for a role that may change the record.
    pub form: Option<StatusForm>,
}

fn text<'a>(r: &'a StoredRecord, k: &str) -> &'a str {
    r.fields.get(k).and_then(Value::as_str).unwrap_or("")
}

fn pair(label: String, value: String) -> Pair {
    Pair {
        label,
        value,
        script: "",
        romanised: String::new(),
        href: String::new(),
    }
}

/// The label of a checklist item, as the form asks it.
fn item_label(tr: &Tr, kind: RecordKind, item: &str) -> String {
    kind.field(item)
        .map(|f| tr.field(label_scope(kind), f.name, f.label))
        .unwrap_or_else(|| crate::i18n::readable(item))
}

fn items(tr: &Tr, kind: RecordKind, yes: &[String], red: &[&str]) -> Vec<Item> {
    yes.iter()
        .map(|i| Item {
            label: item_label(tr, kind, i),
            red: red.contains(&i.as_str()),
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    crate::forms::list_values(v)
}

fn status_form(
    tr: &Tr,
    pages: KindPages,
    reference: &str,
    name: &'static str,
    choices: &[&str],
    failed: &Failed,
) -> StatusForm {
    StatusForm {
        action: format!("{}/{reference}/{name}", pages.base),
        title: tr.t(&format!("status-{}-title", pages.key)),
        name,
        label: tr.t(&format!("status-{}-label", pages.key)),
        options: choices
            .iter()
            .map(|c| (c.to_string(), tr.choice(c)))
            .collect(),
        error: if failed.form == name {
            failed.message.clone()
        } else {
            String::new()
        },
        submit: tr.t("status-submit"),
    }
}

/// The assessment panel of a prevention record, if its kind has one.
pub fn panel(
    state: &AppState,
    viewer: &Viewer,
    pages: KindPages,
    record: &StoredRecord,
    failed: &Failed,
) -> Option<Panel> {
    let tr = viewer.tr();
    let reference = record.reference.to_string();
    let settings = &state.config.prevention;
    let number = |k: &str| {
        record
            .fields
            .get(k)
            .map(|v| crate::forms::input_text(Some(v)))
            .unwrap_or_default()
    };
    let mut panel = Panel {
        title: tr.t("risk-title"),
        alert: false,
        lead: String::new(),
        concerns: Vec::new(),
        pairs: Vec::new(),
        items_title: tr.t("risk-items-title"),
        items: Vec::new(),
        form: None,
    };
    match record.kind {
        RecordKind::HomeVisit => {
            let score = score_home_visit(&record.fields, settings);
            let red = record.fields.get("red_flag") == Some(&Value::Bool(true));
            let high = score.score >= settings.home_visit_high;
            panel.alert = red || high;
            if red {
                panel.lead = tr.t("risk-home-visit-red-flag");
            } else if high {
                panel.lead = tr.t("risk-home-visit-high");
            }
            panel
                .pairs
                .push(pair(tr.t("risk-score"), number("risk_score")));
            let yes = strings(record.fields.get("risk_items"));
            panel.items = items(&tr, record.kind, &yes, &score.red_flags);
        }
        RecordKind::Household => {
            let level = text(record, "risk_level");
            panel.alert = level == "high";
            let level = if level.is_empty() {
                tr.t("risk-not-assessed")
            } else {
                tr.choice(level)
            };
            panel.pairs.push(pair(tr.t("risk-level"), level));
            let score = number("risk_score");
            if !score.is_empty() {
                panel.pairs.push(pair(tr.t("risk-score"), score));
            }
            let last = text(record, "last_visit_date");
            if !last.is_empty() {
                panel
                    .pairs
                    .push(pair(tr.t("risk-last-visit"), last.to_string()));
            }
            let due = text(record, "next_visit_due");
            if !due.is_empty() {
                let today = chrono::Utc::now().date_naive().to_string();
                if due < today.as_str() && record.status == "open" {
                    panel.alert = true;
                    panel.lead = tr.t_args("risk-visit-overdue", &[("due", due.to_string())]);
                }
                panel
                    .pairs
                    .push(pair(tr.t("risk-next-visit"), due.to_string()));
            }
        }
        RecordKind::CheckpointLog => {
            let view = homeward_server::prevention::screening_view(record, settings);
            panel.title = tr.t("screening-title");
            panel.concerns = view["concerns"]
                .as_array()
                .map(|a| a.as_slice())
                .unwrap_or_default()
                .iter()
                .filter_map(|c| Reference::parse(c["reference"].as_str()?).ok())
                .map(|r| {
                    let kind = kinds::of(r.kind());
                    Concern {
                        href: if viewer.can(kind.read()) {
                            format!("{}/{r}", kind.base)
                        } else {
                            String::new()
                        },
                        reference: r.to_string(),
                        kind: tr.t(&format!("kind-{}", kind.key)),
                        next_step: tr.t(&format!("screening-next-{}", kind.key)),
                    }
                })
                .collect();
            panel.alert = view["needs_attention"] == Value::Bool(true);
            panel.lead = if !panel.concerns.is_empty() {
                tr.t_n("screening-concerns", panel.concerns.len() as i64)
            } else if panel.alert {
                tr.t("screening-attention")
            } else {
                tr.t("screening-clear")
            };
            panel
                .pairs
                .push(pair(tr.t("risk-score"), view["risk_score"].to_string()));
            let red: Vec<&str> = view["red_flags"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let yes = strings(record.fields.get("risk_items"));
            panel.items = items(&tr, record.kind, &yes, &red);
            if record.status == CHECKPOINT_STATUS[0] && viewer.can(pages.update()) {
                panel.form = Some(status_form(
                    &tr,
                    pages,
                    &reference,
                    "outcome",
                    &CHECKPOINT_STATUS[1..],
                    failed,
                ));
            }
        }
        RecordKind::Referral => {
            let open = matches!(record.status.as_str(), "sent" | "accepted");
            if !(open && viewer.can(pages.update())) {
                return None;
            }
            panel.title = tr.t("status-referral-title");
            panel.form = Some(status_form(
                &tr,
                pages,
                &reference,
                "status",
                &REFERRAL_STATUS[1..],
                failed,
            ));
            if let Some(f) = panel.form.as_mut() {
                f.title = String::new();
            }
        }
        _ => return None,
    }
    Some(panel)
}

/// Which status a posted form moves.
#[derive(Debug, Clone, Copy)]
pub enum StatusKind {
    /// A checkpoint log's outcome.
    CheckpointOutcome,
    /// A referral's status.
    ReferralStatus,
}

/// Records a checkpoint log's outcome or a referral's status, through the API's own function;
/// a refused post shows the record's page again with the message beside the form.
pub async fn post_status(
    which: StatusKind,
    State(state): State<AppState>,
    Path(key): Path<String>,
    Posted { viewer, form }: Posted,
) -> Response {
    let (kind, name, allowed, action): (_, &'static str, &[&str], _) = match which {
        StatusKind::CheckpointOutcome => (
            RecordKind::CheckpointLog,
            "outcome",
            &CHECKPOINT_STATUS[1..],
            "checkpoint.outcome",
        ),
        StatusKind::ReferralStatus => (
            RecordKind::Referral,
            "status",
            &REFERRAL_STATUS[1..],
            "referral.status",
        ),
    };
    let pages = kinds::of(kind);
    if !viewer.can(pages.update()) || !viewer.can(pages.read()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let value = form.text(name);
    let note = Some(form.text("note")).filter(|n| !n.is_empty());
    let refused = |message: String, status: StatusCode| {
        let failed = Failed {
            form: name.to_string(),
            values: form.clone(),
            errors: Default::default(),
            message,
        };
        let (state, viewer, key) = (&state, &viewer, &key);
        async move {
            crate::records::render_record(pages, state, viewer, key, false, failed, status).await
        }
    };
    if !allowed.contains(&value.as_str()) {
        return refused(tr.t("status-choose"), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match set_status(
        &viewer.caller,
        &state,
        kind,
        &key,
        (name, &value, allowed),
        note,
        action,
    )
    .await
    {
        Ok(record) => {
            Redirect::to(&format!("{}/{}?saved=1", pages.base, record.reference)).into_response()
        }
        Err(e) if e.status() == StatusCode::NOT_FOUND => error_page(&viewer, ErrorKind::NotFound),
        Err(e) if e.status() == StatusCode::FORBIDDEN => viewer.forbidden(),
        Err(e) if e.status().is_client_error() => {
            refused(tr.t("status-refused"), StatusCode::CONFLICT).await
        }
        Err(e) => internal_error(&tr, &e),
    }
}

/// A household whose visit is overdue.
pub struct OverdueRow {
    /// Reference.
    pub reference: String,
    /// Its page, when the viewer may open households.
    pub href: String,
    /// District.
    pub district: String,
    /// Risk level, translated.
    pub risk: String,
    /// Last visit.
    pub last: String,
    /// When the visit was due.
    pub due: String,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct OverduePage {
    c: Chrome,
    heading: String,
    rows: Vec<OverdueRow>,
}

/// The households in the viewer's scope whose next visit is past due, most overdue first.
pub async fn overdue_visits(State(state): State<AppState>, viewer: Viewer) -> Response {
    let pages = kinds::of(RecordKind::Household);
    if !viewer.can(pages.list()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let ctx = viewer.ctx_for(RecordKind::Household);
    let mut visits = match state
        .store
        .overdue_visits(&ctx, chrono::Utc::now().date_naive())
        .await
    {
        Ok(v) => v,
        Err(e) => return crate::records::store_error(&viewer, e),
    };
    visits.sort_by(|a, b| a.next_visit_due.cmp(&b.next_visit_due));
    let may_open = viewer.can(pages.read());
    let rows = visits
        .into_iter()
        .map(|v| OverdueRow {
            href: if may_open {
                format!("{}/{}", pages.base, v.reference)
            } else {
                String::new()
            },
            reference: v.reference.to_string(),
            district: v.district.unwrap_or_default(),
            risk: v
                .risk_level
                .map(|r| tr.choice(&r))
                .unwrap_or_else(|| tr.t("risk-not-assessed")),
            last: v.last_visit_date.unwrap_or_default(),
            due: v.next_visit_due,
        })
        .collect();
    let heading = tr.t("overdue-title");
    let page = OverduePage {
        c: Chrome::new(&viewer, heading.clone()),
        heading,
        rows,
    };
    ok(&page, &tr)
}

/// One row of an analysis table.
pub struct AnalysisRow {
    /// `YYYY-MM`.
    pub month: String,
    /// What is counted, translated.
    pub value: String,
    /// The count, or "fewer than 11".
    pub count: String,
    /// The count was withheld.
    pub withheld: bool,
}

/// One analysis table.
pub struct AnalysisTable {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Rows.
    pub rows: Vec<AnalysisRow>,
}

#[derive(Template)]
#[template(path = "analysis.html")]
struct AnalysisPage {
    c: Chrome,
    heading: String,
    note: String,
    tables: Vec<AnalysisTable>,
}

/// The value of a row, in the viewer's language: a checklist item by its question, a choice by
/// its label, a route as written.
fn analysis_value(tr: &Tr, table: &str, value: &str) -> String {
    match table {
        "vulnerability_factors" => item_label(tr, RecordKind::HomeVisit, value),
        "routes" => value.to_string(),
        _ => tr.choice(value),
    }
}

/// Who recruits and why: the API's analysis tables, small counts withheld for roles below
/// supervisor.
pub async fn analysis(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !viewer.can(Action::AnalysisRead) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let data = match recruitment_tables(&viewer.caller, &state).await {
        Ok(d) => d,
        Err(e) => return internal_error(&tr, &e),
    };
    let below = data["suppress_below"].as_i64().unwrap_or(11);
    let withheld = tr.t_n("analysis-withheld", below);
    let tables = data["tables"]
        .as_object()
        .map(|t| {
            t.iter()
                .map(|(name, rows)| AnalysisTable {
                    id: format!("table-{name}"),
                    title: tr.t_or(
                        &format!("analysis-table-{name}"),
                        &crate::i18n::readable(name),
                    ),
                    rows: rows
                        .as_array()
                        .map(|a| a.as_slice())
                        .unwrap_or_default()
                        .iter()
                        .map(|r| {
                            let count = r["count"].as_i64();
                            AnalysisRow {
                                month: r["month"].as_str().unwrap_or("").to_string(),
                                value: analysis_value(&tr, name, r["value"].as_str().unwrap_or("")),
                                count: count.map_or_else(|| withheld.clone(), |n| n.to_string()),
                                withheld: count.is_none(),
                            }
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let note = if data["exact"] == Value::Bool(true) {
        tr.t("analysis-exact")
    } else {
        tr.t_n("analysis-suppressed", below)
    };
    let heading = tr.t("analysis-title");
    let page = AnalysisPage {
        c: Chrome::new(&viewer, heading.clone()),
        heading,
        note,
        tables,
    };
    ok(&page, &tr)
}
