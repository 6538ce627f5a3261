//! Registering and changing records through the form generated from the catalogue.
//!
//! Without JavaScript every button is a plain submit: "add another family member" posts the
//! form back and gets it again with one more blank row, nothing saved. The store validates; its
//! messages are placed beside the inputs they name and listed at the top with links.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::{Document, FieldError, RecordKind};
use homeward_server::AppState;
use homeward_store::StoreError;

use crate::form_view::{self, SectionView, SummaryError};
use crate::forms::{document, Mode};
use crate::kinds::KindPages;
use crate::page::{render, Chrome};
use crate::records::store_error;
use crate::session::{Posted, Viewer};

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    c: Chrome,
    heading: String,
    action: String,
    sections: Vec<SectionView>,
    summary: Vec<SummaryError>,
    conflict: String,
    version: String,
    cancel: String,
}

struct Shown<'a> {
    pages: KindPages,
    viewer: &'a Viewer,
    doc: &'a Document,
    errors: &'a [FieldError],
    add_row: Option<&'a str>,
    editing: Option<(&'a str, i64)>,
    conflict: String,
}

fn show(s: Shown<'_>, status: StatusCode) -> Response {
    let tr = s.viewer.tr();
    let (heading, action, cancel) = match s.editing {
        Some((reference, _)) => (
            tr.t_args(
                &format!("form-{}-edit-title", s.pages.key),
                &[("reference", reference.to_string())],
            ),
            format!("{}/{reference}/edit", s.pages.base),
            format!("{}/{reference}", s.pages.base),
        ),
        None => (
            tr.t(&format!("form-{}-new-title", s.pages.key)),
            format!("{}/new", s.pages.base),
            "/".to_string(),
        ),
    };
    let (sections, summary) = form_view::build(&tr, s.pages.kind, s.doc, s.errors, s.add_row);
    let page = FormPage {
        c: Chrome::new(s.viewer, heading.clone()),
        heading,
        action,
        sections,
        summary,
        conflict: s.conflict,
        version: s.editing.map(|(_, v)| v.to_string()).unwrap_or_default(),
        cancel,
    };
    render(status, &page, &tr)
}

/// Which group's "add another" button was pressed, if any.
fn add_row(kind: RecordKind, pressed: Option<&str>) -> Option<&'static str> {
    let group = pressed?.strip_prefix("add:")?;
    kind.fields()
        .iter()
        .find(|f| f.name == group && matches!(f.kind, homeward_domain::FieldKind::Group(_)))
        .map(|f| f.name)
}

/// The blank registration form.
pub async fn new(pages: KindPages, viewer: Viewer) -> Response {
    if !viewer.can(pages.create()) {
        return viewer.forbidden();
    }
    let doc = Document::new();
    show(
        Shown {
            pages,
            viewer: &viewer,
            doc: &doc,
            errors: &[],
            add_row: None,
            editing: None,
            conflict: String::new(),
        },
        StatusCode::OK,
    )
}

/// Registers a record, or shows the form again with its messages.
pub async fn create(pages: KindPages, State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(pages.create()) {
        return viewer.forbidden();
    }
    let doc = document(pages.kind.fields(), &form, Mode::Create);
    let shown = |errors: &[FieldError], add: Option<&str>, status| {
        show(
            Shown {
                pages,
                viewer: &viewer,
                doc: &doc,
                errors,
                add_row: add,
                editing: None,
                conflict: String::new(),
            },
            status,
        )
    };
    if let Some(group) = add_row(pages.kind, form.get("action")) {
        return shown(&[], Some(group), StatusCode::OK);
    }
    // The API's own creation: the stage a caseworker's registration sets, the fields Homeward
    // derives, matching off the request path and the alerts a record calls for.
    match homeward_server::api::records::create_record(&viewer.caller, &state, pages.kind, &doc)
        .await
    {
        Ok(record) => {
            let target = if viewer.can(pages.read()) {
                format!("{}/{}?saved=1", pages.base, record.reference)
            } else {
                format!("{}/registered?ref={}", pages.base, record.reference)
            };
            Redirect::to(&target).into_response()
        }
        Err(e) if !e.errors().is_empty() => {
            shown(e.errors(), None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) if e.status() == StatusCode::FORBIDDEN => viewer.forbidden(),
        Err(e) => crate::page::internal_error(&viewer.tr(), &e),
    }
}

fn may_edit(viewer: &Viewer, pages: KindPages) -> bool {
    // Editing rewrites every field of the form, so it needs the personal ones in view too.
    viewer.can(pages.update()) && viewer.can(pages.read()) && viewer.can(pages.personal())
}

/// The form filled with a record, to change it.
pub async fn edit(
    pages: KindPages,
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Response {
    if !may_edit(&viewer, pages) {
        return viewer.forbidden();
    }
    let record = match state
        .store
        .get_record(&viewer.ctx_for(pages.kind), pages.kind, &key)
        .await
    {
        Ok(r) => r,
        Err(e) => return store_error(&viewer, e),
    };
    let reference = record.reference.to_string();
    show(
        Shown {
            pages,
            viewer: &viewer,
            doc: &record.fields,
            errors: &[],
            add_row: None,
            editing: Some((&reference, record.version)),
            conflict: String::new(),
        },
        StatusCode::OK,
    )
}

/// Saves a change, or shows the form again with its messages.
pub async fn update(
    pages: KindPages,
    State(state): State<AppState>,
    Path(key): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !may_edit(&viewer, pages) {
        return viewer.forbidden();
    }
    let version: Option<i64> = form.get("version").and_then(|v| v.trim().parse().ok());
    let reference = homeward_domain::Reference::parse(&key)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| key.clone());
    let shown_doc = document(pages.kind.fields(), &form, Mode::Create);
    let shown = |errors: &[FieldError], add: Option<&str>, conflict: String, status| {
        show(
            Shown {
                pages,
                viewer: &viewer,
                doc: &shown_doc,
                errors,
                add_row: add,
                editing: Some((&reference, version.unwrap_or(0))),
                conflict,
            },
            status,
        )
    };
    if let Some(group) = add_row(pages.kind, form.get("action")) {
        return shown(&[], Some(group), String::new(), StatusCode::OK);
    }
    let patch = document(pages.kind.fields(), &form, Mode::Update);
    match state
        .store
        .update_record(
            &viewer.ctx_for(pages.kind),
            pages.kind,
            &key,
            &patch,
            version,
        )
        .await
    {
        Ok(record) => {
            state.matching.record_changed(pages.kind, record.id);
            Redirect::to(&format!("{}/{}?saved=1", pages.base, record.reference)).into_response()
        }
        Err(StoreError::Invalid(v)) => {
            shown(&v.0, None, String::new(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(StoreError::Conflict(_)) => shown(
            &[],
            None,
            viewer.tr().t("form-conflict"),
            StatusCode::CONFLICT,
        ),
        Err(e) => store_error(&viewer, e),
    }
}
