//! Reading records: the list with search, filters and paging; one record's page; its change
//! history; and the confirmation shown to roles that may register but not open a record.
//!
//! A record outside the viewer's scope and a record that does not exist give the same 404 page,
//! so the page never reveals that a child is registered elsewhere.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_auth::Action;
use homeward_domain::{catalogue, FieldKind, RecordKind, Reference};
use homeward_server::AppState;
use homeward_store::{RecordFilter, StoreError, StoredRecord};
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Tr;
use crate::kinds::KindPages;
use crate::page::{error_page, internal_error, ok, render, Chrome, ErrorKind};
use crate::record_view::{self, display_name, script_lang, SectionPairs};
use crate::search;
use crate::sections::label_scope;
use crate::session::{urlencode, Viewer};

/// Records per page of the list.
pub const PAGE_SIZE: i64 = 25;

/// Maps a store error to the page a caseworker should see.
pub fn store_error(viewer: &Viewer, e: StoreError) -> Response {
    match e {
        StoreError::NotFound => error_page(viewer, ErrorKind::NotFound),
        other => internal_error(&viewer.tr(), &other),
    }
}

/// A record in a list.
pub struct Row {
    /// Link.
    pub href: String,
    /// Reference.
    pub reference: String,
    /// Name as written, or empty.
    pub name: String,
    /// `lang` of the name's script.
    pub script: &'static str,
    /// The name in Latin letters when written in another script.
    pub romanised: String,
    /// Sex, translated.
    pub sex: String,
    /// Age.
    pub age: String,
    /// District.
    pub district: String,
    /// Risk, translated.
    pub risk: String,
    /// Status, translated.
    pub status: String,
    /// Last change, as a date.
    pub updated: String,
}

fn text(r: &StoredRecord, k: &str) -> String {
    match r.fields.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The list row of a record.
pub fn row(tr: &Tr, pages: &KindPages, r: &StoredRecord) -> Row {
    let name = display_name(r).unwrap_or_default();
    let choice = |k: &str| {
        let v = text(r, k);
        if v.is_empty() {
            v
        } else {
            tr.choice(&v)
        }
    };
    Row {
        href: format!("{}/{}", pages.base, r.reference),
        reference: r.reference.to_string(),
        script: script_lang(&name),
        romanised: record_view::romanised(&name),
        name,
        sex: choice("sex"),
        age: text(r, "age"),
        district: text(r, "district"),
        risk: choice("risk_level"),
        status: tr.choice(&r.status),
        updated: r.updated_at.get(..10).unwrap_or(&r.updated_at).to_string(),
    }
}

/// A select in the filter form.
pub struct Select {
    /// Query name and id.
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// Choices (value, label, selected).
    pub options: Vec<(String, String, bool)>,
}

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    sex: Option<String>,
    age_min: Option<String>,
    age_max: Option<String>,
    risk_level: Option<String>,
    protection_status: Option<String>,
    district: Option<String>,
    page: Option<String>,
}

fn known(v: &Option<String>, choices: &[&str]) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| choices.contains(v))
        .map(str::to_string)
}

fn number(v: &Option<String>) -> Option<i64> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    c: Chrome,
    base: &'static str,
    heading: String,
    q: String,
    selects: Vec<Select>,
    age_min: String,
    age_max: String,
    district: String,
    show_child_filters: bool,
    filters_open: bool,
    rows: Vec<Row>,
    summary: String,
    notice: String,
    prev: String,
    next: String,
    can_create: bool,
    create_label: String,
    show_names: bool,
    related: Vec<(String, String)>,
    /// Links to the whole filtered list as CSV and XLSX (href, label), for roles that export.
    downloads: Vec<(String, String)>,
    /// Said beside the downloads when a name search narrows the page but not the download.
    download_note: String,
}

fn select(
    tr: &Tr,
    name: &'static str,
    label: String,
    choices: &[&str],
    current: &Option<String>,
) -> Select {
    let mut options = vec![(String::new(), tr.t("filter-any"), current.is_none())];
    options.extend(
        choices
            .iter()
            .map(|c| (c.to_string(), tr.choice(c), current.as_deref() == Some(*c))),
    );
    Select {
        name,
        label,
        options,
    }
}

/// The list of cases or tracing requests.
pub async fn list(
    pages: KindPages,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Response {
    if !viewer.can(pages.list()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let kind = pages.kind;
    let statuses = kind.statuses();
    let child = kind == RecordKind::Case;
    let status = known(&q.status, statuses);
    let sex = known(&q.sex, catalogue::SEX).filter(|_| child);
    let risk = known(&q.risk_level, catalogue::RISK_LEVEL).filter(|_| child);
    let prot = known(&q.protection_status, catalogue::PROTECTION_STATUS).filter(|_| child);
    let age_min = number(&q.age_min).filter(|_| child);
    let age_max = number(&q.age_max).filter(|_| child);
    let district = q
        .district
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let query = q.q.as_deref().map(str::trim).unwrap_or("").to_string();
    let page_no = number(&q.page).unwrap_or(1).max(1);
    let mut notice = String::new();
    let mut filter = RecordFilter {
        status: status.clone(),
        sex: sex.clone(),
        age_min,
        age_max,
        risk_level: risk.clone(),
        protection_status: prot.clone(),
        district: district.clone(),
        reference: None,
        updated_since: None,
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let ctx = viewer.ctx_for(kind);
    let by_reference = Reference::parse(&query).ok();
    let (items, total) = if let Some(r) = by_reference {
        filter.reference = Some(r);
        match state.store.list_records(&ctx, kind, &filter).await {
            Ok(p) => (p.items, p.total),
            Err(e) => return store_error(&viewer, e),
        }
    } else if !query.is_empty() {
        if !ctx.reveal_personal {
            notice = tr.t("search-names-withheld");
            (Vec::new(), 0)
        } else {
            match search::by_name(&state.store, &ctx, kind, &filter, &query).await {
                Ok((found, capped)) => {
                    if capped {
                        notice = tr.t_n("search-capped", search::SCAN_LIMIT);
                    }
                    let total = found.len() as i64;
                    let start = usize::try_from(filter.offset).unwrap_or(0);
                    let items = found
                        .into_iter()
                        .skip(start)
                        .take(PAGE_SIZE as usize)
                        .collect();
                    (items, total)
                }
                Err(e) => return store_error(&viewer, e),
            }
        }
    } else {
        match state.store.list_records(&ctx, kind, &filter).await {
            Ok(p) => (p.items, p.total),
            Err(e) => return store_error(&viewer, e),
        }
    };
    let rows = items.iter().map(|r| row(&tr, &pages, r)).collect();
    let mut params: Vec<(&str, String)> = Vec::new();
    let mut keep = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            params.push((k, v));
        }
    };
    keep("q", Some(query.clone()));
    keep("status", status.clone());
    keep("sex", sex.clone());
    keep("age_min", age_min.map(|n| n.to_string()));
    keep("age_max", age_max.map(|n| n.to_string()));
    keep("risk_level", risk.clone());
    keep("protection_status", prot.clone());
    keep("district", district.clone());
    let link = |p: i64| {
        let mut s = format!("{}?", pages.base);
        for (k, v) in &params {
            s.push_str(&format!("{k}={}&", urlencode(v)));
        }
        s.push_str(&format!("page={p}"));
        s
    };
    let downloads = downloads(&viewer, pages, &params);
    let download_note = if !downloads.is_empty() && !query.is_empty() {
        tr.t("list-download-filters-only")
    } else {
        String::new()
    };
    let last = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let prev = if page_no > 1 {
        link(page_no - 1)
    } else {
        String::new()
    };
    let next = if page_no < last {
        link(page_no + 1)
    } else {
        String::new()
    };
    let summary = if total == 0 {
        tr.t("list-none")
    } else {
        tr.t_args(
            "list-summary",
            &[
                ("total", total.to_string()),
                ("page", page_no.to_string()),
                ("pages", last.max(1).to_string()),
            ],
        )
    };
    let scope = label_scope(kind);
    let label = |name: &str| {
        kind.field(name)
            .map(|f| tr.field(scope, f.name, f.label))
            .unwrap_or_else(|| tr.t(&format!("filter-{name}")))
    };
    let mut selects = vec![select(
        &tr,
        "status",
        tr.t("filter-status"),
        statuses,
        &status,
    )];
    if child {
        selects.push(select(&tr, "sex", label("sex"), catalogue::SEX, &sex));
        selects.push(select(
            &tr,
            "risk_level",
            label("risk_level"),
            catalogue::RISK_LEVEL,
            &risk,
        ));
        selects.push(select(
            &tr,
            "protection_status",
            label("protection_status"),
            catalogue::PROTECTION_STATUS,
            &prot,
        ));
    }
    // Open when a filter is set, so what narrows the list is in view; closed otherwise, which
    // keeps the results near the top on a phone.
    let filters_open = params.iter().any(|(k, _)| *k != "q");
    let heading = tr.t(&format!("list-{}-title", pages.key));
    let page = ListPage {
        c: Chrome::new(&viewer, heading.clone()),
        base: pages.base,
        heading,
        q: query,
        selects,
        age_min: age_min.map(|n| n.to_string()).unwrap_or_default(),
        age_max: age_max.map(|n| n.to_string()).unwrap_or_default(),
        district: district.unwrap_or_default(),
        show_child_filters: child,
        filters_open,
        rows,
        summary,
        notice,
        prev,
        next,
        can_create: viewer.can(pages.create()),
        create_label: tr.t(&format!("nav-{}-new", pages.key)),
        show_names: ctx.reveal_personal,
        related: related(&viewer, pages),
        downloads,
        download_note,
    };
    ok(&page, &tr)
}

/// The list's filters (not its name search or page) as CSV and XLSX downloads from the API,
/// for a viewer who may export and read the kind; only cases and tracing requests export.
fn downloads(
    viewer: &Viewer,
    pages: KindPages,
    params: &[(&str, String)],
) -> Vec<(String, String)> {
    let api = match pages.kind {
        RecordKind::Case => "/api/v1/cases",
        RecordKind::TracingRequest => "/api/v1/tracing-requests",
        _ => return Vec::new(),
    };
    if !viewer.can(Action::DataExport) || !viewer.can(pages.read()) {
        return Vec::new();
    }
    let query: Vec<String> = params
        .iter()
        .filter(|(k, _)| *k != "q")
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    let tr = viewer.tr();
    ["csv", "xlsx"]
        .into_iter()
        .map(|format| {
            let mut href = format!("{api}/export.{format}");
            if !query.is_empty() {
                href.push('?');
                href.push_str(&query.join("&"));
            }
            (href, tr.t(&format!("list-download-{format}")))
        })
        .collect()
}

/// The lists of the other prevention kinds of the same family the viewer may list: persons of
/// concern beside incidents, the service directory beside referrals.
fn related(viewer: &Viewer, pages: KindPages) -> Vec<(String, String)> {
    let tr = viewer.tr();
    let family = pages.kind.family();
    crate::kinds::ALL
        .into_iter()
        .filter(|p| {
            p.kind != pages.kind
                && p.kind.family() == family
                && !matches!(p.kind, RecordKind::Case | RecordKind::TracingRequest)
                && viewer.can(p.list())
        })
        .map(|p| (p.base.to_string(), tr.t(&format!("list-{}-title", p.key))))
        .collect()
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    c: Chrome,
    heading: String,
    script: &'static str,
    romanised: String,
    reference: String,
    status: String,
    kind_label: String,
    sections: Vec<SectionPairs>,
    redacted: bool,
    edit_href: String,
    history_href: String,
    created: String,
    updated: String,
    version: i64,
    saved: bool,
    show_matches: bool,
    matches: Vec<crate::matches::MatchItem>,
    wf: Option<crate::workflow::Panel>,
    prev: Option<crate::prevention::Panel>,
    dups: Option<crate::duplicates::Panel>,
    choose: String,
    unknown: String,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// One record's page.
pub async fn show(
    pages: KindPages,
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Response {
    render_record(
        pages,
        &state,
        &viewer,
        &key,
        q.saved.is_some(),
        crate::workflow::Failed::default(),
        StatusCode::OK,
    )
    .await
}

/// One record's page with a status; a case's page carries its workflow, with `failed` the
/// workflow form just refused (shown open with its messages).
pub async fn render_record(
    pages: KindPages,
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    saved: bool,
    failed: crate::workflow::Failed,
    status: StatusCode,
) -> Response {
    let viewer = viewer.clone();
    if !viewer.can(pages.read()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let record = match state
        .store
        .get_record(&viewer.ctx_for(pages.kind), pages.kind, key)
        .await
    {
        Ok(r) => r,
        Err(e) => return store_error(&viewer, e),
    };
    let reference = record.reference.to_string();
    let wf = if pages.kind == RecordKind::Case {
        crate::workflow::read_followup_alerts(state, &viewer, &record).await;
        match crate::workflow::panel(state, &viewer, &record, &failed).await {
            Ok(p) => Some(p),
            Err(e) => return internal_error(&tr, &e),
        }
    } else {
        None
    };
    let name = display_name(&record);
    let heading = name.clone().unwrap_or_else(|| reference.clone());
    let can_edit = viewer.can(pages.update()) && viewer.can(pages.personal());
    // Matching pairs children with the families looking for them: cases and tracing requests.
    let matched = matches!(pages.kind, RecordKind::Case | RecordKind::TracingRequest);
    let matches = if matched {
        match crate::matches::of_record(&state.store, &viewer, &record).await {
            Ok(m) => m,
            Err(e) => return store_error(&viewer, e),
        }
    } else {
        Vec::new()
    };
    let prev = crate::prevention::panel(state, &viewer, pages, &record, &failed);
    let dups = match crate::duplicates::panel(state, &viewer, &record, &failed).await {
        Ok(d) => d,
        Err(e) => return store_error(&viewer, e),
    };
    let may_read = |kind: RecordKind| viewer.can(crate::kinds::of(kind).read());
    let page = RecordPage {
        show_matches: matched && viewer.can(homeward_auth::Action::MatchRead),
        matches,
        c: Chrome::new(&viewer, heading.clone()),
        script: script_lang(&heading),
        romanised: record_view::romanised(&heading),
        heading,
        status: tr.choice(&record.status),
        kind_label: tr.t(&format!("kind-{}", pages.key)),
        sections: record_view::build(&tr, pages.kind, &record.fields, &may_read),
        redacted: record.redacted,
        edit_href: if can_edit {
            format!("{}/{reference}/edit", pages.base)
        } else {
            String::new()
        },
        history_href: if viewer.can(homeward_auth::Action::HistoryRead) {
            format!("{}/{reference}/history", pages.base)
        } else {
            String::new()
        },
        created: record
            .created_at
            .get(..10)
            .unwrap_or(&record.created_at)
            .to_string(),
        updated: record
            .updated_at
            .get(..16)
            .unwrap_or(&record.updated_at)
            .replace('T', " "),
        version: record.version,
        saved,
        reference,
        wf,
        prev,
        dups,
        choose: tr.t("choose"),
        unknown: tr.t("answer-unknown"),
    };
    render(status, &page, &tr)
}

/// One change in the history.
pub struct ChangeRow {
    /// When.
    pub when: String,
    /// Who.
    pub who: String,
    /// Which field (label).
    pub field: String,
    /// The new value, "cleared" or "withheld".
    pub value: String,
    /// `lang` of the value's script.
    pub script: &'static str,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    heading: String,
    back: String,
    rows: Vec<ChangeRow>,
}

fn hlc_time(hlc: &str) -> String {
    hlc.split('.')
        .next()
        .and_then(|ms| ms.parse::<i64>().ok())
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| hlc.to_string())
}

fn change_value(tr: &Tr, kind: RecordKind, field: &str, v: &Value, redacted: bool) -> String {
    if redacted {
        return tr.t("value-withheld");
    }
    if v.is_null() {
        return tr.t("value-cleared");
    }
    match kind.field(field).map(|f| f.kind) {
        Some(FieldKind::Group(_)) => {
            tr.t_n("value-entries", v.as_array().map_or(0, |a| a.len() as i64))
        }
        Some(FieldKind::Choice(_)) => v.as_str().map(|c| tr.choice(c)).unwrap_or_default(),
        Some(FieldKind::Choices(_)) => crate::forms::list_values(Some(v))
            .iter()
            .map(|c| tr.choice(c))
            .collect::<Vec<_>>()
            .join(", "),
        Some(FieldKind::Bool) => match crate::forms::yes_no(Some(v)) {
            "" => String::new(),
            a => tr.t(&format!("answer-{a}")),
        },
        _ => crate::forms::input_text(Some(v)),
    }
}

/// A record's change history, oldest first.
pub async fn history(
    pages: KindPages,
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Response {
    if !viewer.can(pages.read()) || !viewer.can(homeward_auth::Action::HistoryRead) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let ctx = viewer.ctx_for(pages.kind);
    let changes = match state.store.record_history(&ctx, pages.kind, &key).await {
        Ok(c) => c,
        Err(e) => return store_error(&viewer, e),
    };
    let users: HashMap<String, String> = match state.store.list_users().await {
        Ok(us) => us
            .into_iter()
            .map(|u| (u.id.to_string(), u.display_name))
            .collect(),
        Err(e) => return internal_error(&tr, &e),
    };
    let scope = label_scope(pages.kind);
    let rows = changes
        .iter()
        .map(|c| {
            let value = change_value(&tr, pages.kind, &c.field, &c.value, c.redacted);
            ChangeRow {
                when: hlc_time(&c.hlc),
                who: users
                    .get(&c.actor)
                    .cloned()
                    .unwrap_or_else(|| c.actor.clone()),
                field: pages
                    .kind
                    .field(&c.field)
                    .map(|f| tr.field(scope, f.name, f.label))
                    .unwrap_or_else(|| c.field.clone()),
                script: script_lang(&value),
                value,
            }
        })
        .collect();
    let reference = Reference::parse(&key).map(|r| r.to_string()).unwrap_or(key);
    let heading = tr.t_args("history-title", &[("reference", reference.clone())]);
    let page = HistoryPage {
        c: Chrome::new(&viewer, heading.clone()),
        heading,
        back: format!("{}/{reference}", pages.base),
        rows,
    };
    ok(&page, &tr)
}

#[derive(Template)]
#[template(path = "registered.html")]
struct RegisteredPage {
    c: Chrome,
    heading: String,
    text: String,
    again_href: String,
    again_label: String,
}

/// `?ref=` of the record just registered.
#[derive(Debug, Default, Deserialize)]
pub struct RegisteredQuery {
    r#ref: Option<String>,
}

/// Confirms a registration to a role that may not open the record (volunteers, checkpoints):
/// only the reference, to write on the child's card.
pub async fn registered(
    pages: KindPages,
    viewer: Viewer,
    Query(q): Query<RegisteredQuery>,
) -> Response {
    if !viewer.can(pages.create()) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let Some(reference) = q.r#ref.as_deref().and_then(|r| Reference::parse(r).ok()) else {
        return error_page(&viewer, ErrorKind::NotFound);
    };
    let heading = tr.t(&format!("registered-{}-title", pages.key));
    let page = RegisteredPage {
        c: Chrome::new(&viewer, heading.clone()),
        heading,
        text: tr.t_args("registered-text", &[("reference", reference.to_string())]),
        again_href: format!("{}/new", pages.base),
        again_label: tr.t(&format!("nav-{}-new", pages.key)),
    };
    ok(&page, &tr)
}
