//! "Possibly registered twice" on a child's case page: the case's pending duplicates, the
//! supervisor's merge form for each (the case whose page it is survives), and the merges into
//! this case with their "Undo the merge" button.
//!
//! As with the workflow, the page owns no rule: a posted merge or undo is handed to the same
//! function the JSON API calls (`homeward_server::api::matches::merge_duplicate` and
//! `undo_case_merge`), and what it refuses is worded here beside the input it concerns.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_auth::Action;
use homeward_domain::{RecordId, RecordKind};
use homeward_server::api::matches::{merge_duplicate, undo_case_merge, MergeRequest};
use homeward_server::error::ApiError;
use homeward_server::AppState;
use homeward_store::{ActorContext, Store, StoreResult, StoredRecord};

use crate::kinds::CASES;
use crate::matches::percent;
use crate::page::{error_page, internal_error, ErrorKind};
use crate::records::render_record;
use crate::session::{Posted, Viewer};
use crate::workflow::Failed;

/// One possible duplicate of the case.
pub struct Duplicate {
    /// The other case's id (what the merge form posts).
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Its page, when the viewer may read it.
    pub href: String,
    /// Match probability, as a percentage.
    pub probability: String,
    /// The merge form's heading.
    pub title: String,
    /// What a merge does.
    pub text: String,
    /// The reason as posted, when the form was refused.
    pub reason: String,
    /// The message beside the reason.
    pub error: String,
    /// A refusal of the form as a whole.
    pub message: String,
    /// Whether the form opens (it was just refused).
    pub open: bool,
}

/// A merge into this case that can still be undone.
pub struct MergeDone {
    /// "HW-… merged on 2026-11-29".
    pub label: String,
    /// Why, when the viewer may see it.
    pub reason: String,
    /// Where the undo button posts.
    pub undo: String,
}

/// The panel on the case page.
pub struct Panel {
    /// Pending duplicates, most likely first.
    pub items: Vec<Duplicate>,
    /// Merges into this case, newest first.
    pub merges: Vec<MergeDone>,
    /// Whether the viewer may merge and undo (`CaseMerge`).
    pub can_merge: bool,
    /// Where the merge forms post.
    pub action: String,
}

/// The form id of the merge with `other` (matches `Failed::form`).
fn form_id(other: &str) -> String {
    format!("merge-{other}")
}

/// Another case's reference, and whether the viewer may open it. The reference of a case
/// outside the viewer's scope is shown (it is what the two teams will talk about), but not
/// linked: its page would refuse them.
async fn reference_of(
    store: &Store,
    ctx: &ActorContext,
    id: RecordId,
) -> StoreResult<(String, bool)> {
    let reference = store
        .record_for_matching(&id)
        .await?
        .map(|r| r.reference.to_string())
        .unwrap_or_else(|| id.to_string());
    let readable = store.record_in_scope(ctx, RecordKind::Case, &id).await?;
    Ok((reference, readable))
}

/// The panel for a case the viewer has opened; `None` for roles without `MatchRead`.
pub async fn panel(
    state: &AppState,
    viewer: &Viewer,
    case: &StoredRecord,
    failed: &Failed,
) -> StoreResult<Option<Panel>> {
    if !viewer.can(Action::MatchRead) || case.kind != RecordKind::Case {
        return Ok(None);
    }
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let store = &state.store;
    let key = case.id.to_string();
    let can_merge = viewer.can(Action::CaseMerge);
    let mut items = Vec::new();
    for row in store.duplicates_of(&ctx, &key).await? {
        if row.status != "pending" {
            continue;
        }
        let other = if row.case_a == key {
            row.case_b
        } else {
            row.case_a
        };
        let Ok(other_id) = other.parse::<RecordId>() else {
            continue;
        };
        let (reference, readable) = reference_of(store, &ctx, other_id).await?;
        let args = [("reference", reference.clone())];
        let open = failed.form == form_id(&other);
        items.push(Duplicate {
            href: if readable {
                format!("/cases/{reference}")
            } else {
                String::new()
            },
            probability: percent(row.probability),
            title: tr.t_args("dup-merge-title", &args),
            text: tr.t_args("dup-merge-text", &args),
            reason: if open {
                failed.values.text("reason")
            } else {
                String::new()
            },
            error: if open {
                failed.errors.get("reason").cloned().unwrap_or_default()
            } else {
                String::new()
            },
            message: if open {
                failed.message.clone()
            } else {
                String::new()
            },
            open,
            reference,
            id: other,
        });
    }
    let mut merges = Vec::new();
    for m in store.merges_into(&ctx, &key).await? {
        let Ok(merged) = m.merged_id.parse::<RecordId>() else {
            continue;
        };
        let (reference, _) = reference_of(store, &ctx, merged).await?;
        let date = m.merged_at.get(..10).unwrap_or(&m.merged_at).to_string();
        merges.push(MergeDone {
            label: tr.t_args(
                "dup-merged-item",
                &[("reference", reference), ("date", date)],
            ),
            reason: m.reason.unwrap_or_default(),
            undo: format!("/merges/{}/undo", m.id),
        });
    }
    Ok(Some(Panel {
        items,
        merges,
        can_merge,
        action: format!("/cases/{}/merge", case.reference),
    }))
}

/// A refusal that is a page of its own: forbidden, not found, or a failure.
fn api_error_page(viewer: &Viewer, e: &ApiError) -> Response {
    match e.status() {
        StatusCode::FORBIDDEN => viewer.forbidden(),
        StatusCode::NOT_FOUND => error_page(viewer, ErrorKind::NotFound),
        _ => internal_error(&viewer.tr(), e),
    }
}

/// Merges a duplicate into the case of the page, or shows the page again with the refusal
/// beside the reason.
pub async fn merge(
    State(state): State<AppState>,
    Path(key): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::CaseRead) || !viewer.can(Action::CaseMerge) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let duplicate = form.text("duplicate");
    let req = MergeRequest {
        duplicate: duplicate.clone(),
        reason: form.text("reason"),
    };
    let e = match merge_duplicate(&state, &viewer.ctx(), &key, req).await {
        Ok(m) => {
            return Redirect::to(&format!(
                "/cases/{}?saved=1#duplicates",
                m.survivor.reference
            ))
            .into_response()
        }
        Err(e) => e,
    };
    let mut failed = Failed {
        form: form_id(&duplicate),
        ..Failed::default()
    };
    let status = if e.field() == Some("reason") {
        failed
            .errors
            .insert("reason".into(), tr.t("dup-reason-required"));
        StatusCode::UNPROCESSABLE_ENTITY
    } else if e.status() == StatusCode::CONFLICT {
        failed.message = tr.t("dup-refused");
        StatusCode::CONFLICT
    } else {
        return api_error_page(&viewer, &e);
    };
    failed.values = form;
    render_record(CASES, &state, &viewer, &key, false, failed, status).await
}

/// Undoes a merge; back to the case that had survived it.
pub async fn undo(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, .. } = posted;
    if !viewer.can(Action::CaseRead) || !viewer.can(Action::CaseMerge) {
        return viewer.forbidden();
    }
    match undo_case_merge(&state, &viewer.ctx(), &id).await {
        Ok(u) => Redirect::to(&format!(
            "/cases/{}?saved=1#duplicates",
            u.survivor.reference
        ))
        .into_response(),
        // Undone already (a second tab, a double click): nothing left to undo here.
        Err(e) if e.status() == StatusCode::CONFLICT => error_page(&viewer, ErrorKind::NotFound),
        Err(e) => api_error_page(&viewer, &e),
    }
}
