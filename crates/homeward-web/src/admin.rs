//! Administration pages: user accounts (list, add, disable and enable, reset a password) and
//! the audit trail with its verification.
//!
//! Users are added through the same `add_user` as the API and the command line, so all three
//! apply the same rules; an administrator cannot disable their own account here either.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_auth::{hash_password, Action, Role};
use homeward_domain::UserId;
use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::AppState;
use homeward_store::AuditVerdict;
use serde::Deserialize;

use crate::i18n::Lang;
use crate::page::{error_page, internal_error, render, Chrome, ErrorKind};
use crate::session::{Posted, Viewer};

/// A user in the list.
pub struct UserRow {
    /// Id, for the action forms.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Role, translated.
    pub role: String,
    /// Scope, translated.
    pub scope: String,
    /// Agency name.
    pub agency: String,
    /// Interface language.
    pub language: &'static str,
    /// Disabled.
    pub disabled: bool,
    /// The viewer themself (no disable button).
    pub is_self: bool,
}

/// The add-user form's values, kept when it is shown again.
#[derive(Default)]
pub struct NewUserForm {
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Scope ("" for the role's default).
    pub scope: String,
    /// Agency.
    pub agency: String,
    /// Team.
    pub team: String,
    /// Language.
    pub language: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    heading: String,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    scopes: Vec<(&'static str, String)>,
    agencies: Vec<String>,
    languages: Vec<(&'static str, &'static str)>,
    form: NewUserForm,
    error: String,
    error_field: String,
    message: String,
}

/// `?done=` after an action.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    form: NewUserForm,
    error: String,
    message: String,
    status: StatusCode,
) -> Response {
    let tr = viewer.tr();
    let (users, agencies) = match (
        state.store.list_users().await,
        state.store.list_agencies().await,
    ) {
        (Ok(u), Ok(a)) => (u, a),
        (Err(e), _) | (_, Err(e)) => return internal_error(&tr, &e),
    };
    let agency_names: HashMap<String, String> = agencies
        .iter()
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let users = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            role: tr.t(&format!("role-{}", u.role)),
            scope: tr.t(&format!("scope-{}", u.scope.as_str())),
            agency: agency_names
                .get(&u.agency_id.to_string())
                .cloned()
                .unwrap_or_default(),
            language: Lang::parse(&u.language).unwrap_or(Lang::En).native_name(),
            disabled: u.disabled,
            is_self: u.id == viewer.caller.user.id,
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    // An API error reads "field: message"; put it beside that field when it is one of ours.
    let fields = [
        "username",
        "display_name",
        "password",
        "role",
        "scope",
        "agency",
        "team",
        "language",
    ];
    let error_field = error
        .split_once(": ")
        .map(|(f, _)| f)
        .filter(|f| fields.contains(f))
        .unwrap_or("")
        .to_string();
    let heading = tr.t("users-title");
    let page = UsersPage {
        c: Chrome::new(viewer, heading.clone()),
        heading,
        users,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), tr.t(&format!("role-{}", r.as_str()))))
            .collect(),
        scopes: ["own", "team", "agency", "all"]
            .into_iter()
            .map(|s| (s, tr.t(&format!("scope-{s}"))))
            .collect(),
        agencies: agencies.into_iter().map(|a| a.name).collect(),
        languages: Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect(),
        form,
        error,
        error_field,
        message,
    };
    render(status, &page, &tr)
}

/// The list of users with the add form.
pub async fn users(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<DoneQuery>,
) -> Response {
    if !viewer.can(Action::UserManage) {
        return viewer.forbidden();
    }
    let message = match q.done.as_deref() {
        Some(d @ ("added" | "disabled" | "enabled" | "password")) => {
            viewer.tr().t(&format!("users-done-{d}"))
        }
        _ => String::new(),
    };
    users_page(
        &state,
        &viewer,
        NewUserForm::default(),
        String::new(),
        message,
        StatusCode::OK,
    )
    .await
}

/// Adds a user.
pub async fn add(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::UserManage) {
        return viewer.forbidden();
    }
    let kept = NewUserForm {
        username: form.text("username"),
        display_name: form.text("display_name"),
        role: form.text("role"),
        scope: form.text("scope"),
        agency: form.text("agency"),
        team: form.text("team"),
        language: form.text("language"),
    };
    let req = NewUserRequest {
        username: kept.username.clone(),
        display_name: kept.display_name.clone(),
        password: form.get("password").unwrap_or("").to_string(),
        role: kept.role.clone(),
        scope: Some(kept.scope.clone()).filter(|s| !s.is_empty()),
        agency: kept.agency.clone(),
        team: Some(kept.team.clone()).filter(|t| !t.is_empty()),
        language: Some(kept.language.clone()).filter(|l| !l.is_empty()),
    };
    match add_user(&state.store, &viewer.actor(), req).await {
        Ok(_) => Redirect::to("/admin/users?done=added").into_response(),
        Err(e) => {
            let status = e.status();
            users_page(&state, &viewer, kept, e.to_string(), String::new(), status).await
        }
    }
}

fn user_id(id: &str) -> Option<UserId> {
    id.parse().ok()
}

/// Disables or enables an account.
pub async fn set_disabled(
    disable: bool,
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let viewer = posted.viewer;
    if !viewer.can(Action::UserManage) {
        return viewer.forbidden();
    }
    let Some(id) = user_id(&id) else {
        return error_page(&viewer, ErrorKind::NotFound);
    };
    if disable && id == viewer.caller.user.id {
        let msg = viewer.tr().t("users-error-self");
        return users_page(
            &state,
            &viewer,
            NewUserForm::default(),
            msg,
            String::new(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    match state
        .store
        .set_user_disabled(&viewer.actor(), id, disable)
        .await
    {
        Ok(_) => Redirect::to(if disable {
            "/admin/users?done=disabled"
        } else {
            "/admin/users?done=enabled"
        })
        .into_response(),
        Err(e) => crate::records::store_error(&viewer, e),
    }
}

/// Sets a new password (and ends the user's sessions).
pub async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, form } = posted;
    if !viewer.can(Action::UserManage) {
        return viewer.forbidden();
    }
    let Some(id) = user_id(&id) else {
        return error_page(&viewer, ErrorKind::NotFound);
    };
    let password = form.get("password").unwrap_or("").to_string();
    // argon2 is deliberately slow: keep it off the async workers.
    let hashed = tokio::task::spawn_blocking(move || hash_password(&password)).await;
    let hash = match hashed {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => {
            let msg = format!("password: {e}");
            return users_page(
                &state,
                &viewer,
                NewUserForm::default(),
                msg,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return internal_error(&viewer.tr(), &e),
    };
    match state
        .store
        .set_user_password(&viewer.actor(), id, &hash)
        .await
    {
        Ok(()) => Redirect::to("/admin/users?done=password").into_response(),
        Err(e) => crate::records::store_error(&viewer, e),
    }
}

/// An audit entry as listed.
pub struct AuditRow {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who (display name when known).
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// Details (JSON).
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    heading: String,
    rows: Vec<AuditRow>,
    verdict: String,
    verdict_ok: bool,
    newer: String,
    older: String,
}

/// `?before=` paging: newest entries first.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    before: Option<String>,
}

const AUDIT_PAGE: i64 = 50;

async fn audit_page(
    state: &AppState,
    viewer: &Viewer,
    before: Option<i64>,
    verdict: Option<AuditVerdict>,
) -> Response {
    let tr = viewer.tr();
    // The store pages forwards from a sequence number; find the newest by walking to the end
    // once, in large pages (the audit view is for administrators, rarely opened).
    let head = match before {
        Some(b) => b,
        None => {
            let mut after = 0;
            loop {
                match state.store.audit_entries(after, 1000).await {
                    Ok(page) if page.is_empty() => break after + 1,
                    Ok(page) => after = page.last().map_or(after, |e| e.seq),
                    Err(e) => return internal_error(&tr, &e),
                }
            }
        }
    };
    let start = (head - 1 - AUDIT_PAGE).max(0);
    let entries = match state
        .store
        .audit_entries(start, (head - 1 - start).max(1))
        .await
    {
        Ok(e) => e,
        Err(e) => return internal_error(&tr, &e),
    };
    let names: HashMap<String, String> = match state.store.list_users().await {
        Ok(us) => us
            .into_iter()
            .map(|u| (u.id.to_string(), u.username))
            .collect(),
        Err(e) => return internal_error(&tr, &e),
    };
    let rows: Vec<AuditRow> = entries
        .into_iter()
        .filter(|e| e.seq < head)
        .rev()
        .map(|e| AuditRow {
            seq: e.seq,
            at: e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            actor: names.get(&e.actor).cloned().unwrap_or(e.actor),
            action: e.action,
            target: e.target.unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    let oldest = rows.last().map_or(1, |r| r.seq);
    let older = if oldest > 1 {
        format!("/admin/audit?before={oldest}")
    } else {
        String::new()
    };
    let newer = if before.is_some() {
        format!("/admin/audit?before={}", head + AUDIT_PAGE)
    } else {
        String::new()
    };
    let (verdict, verdict_ok) = match verdict {
        None => (String::new(), false),
        Some(AuditVerdict::Intact { entries }) => (tr.t_n("audit-intact", entries), true),
        Some(AuditVerdict::Broken { seq, reason }) => (
            tr.t_args(
                "audit-broken",
                &[("seq", seq.to_string()), ("reason", reason)],
            ),
            false,
        ),
    };
    let heading = tr.t("audit-title");
    let page = AuditPage {
        c: Chrome::new(viewer, heading.clone()),
        heading,
        rows,
        verdict,
        verdict_ok,
        newer,
        older,
    };
    render(StatusCode::OK, &page, &tr)
}

/// The audit trail, newest first.
pub async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Response {
    if !viewer.can(Action::AuditRead) {
        return viewer.forbidden();
    }
    let before = q
        .before
        .as_deref()
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0);
    audit_page(&state, &viewer, before, None).await
}

/// Verifies the whole chain and shows the verdict (the check is itself audited).
pub async fn verify(State(state): State<AppState>, posted: Posted) -> Response {
    let viewer = posted.viewer;
    if !viewer.can(Action::AuditRead) {
        return viewer.forbidden();
    }
    let verdict = match state.store.audit_verify().await {
        Ok(v) => v,
        Err(e) => return internal_error(&viewer.tr(), &e),
    };
    let logged = state
        .store
        .audit(
            &viewer.actor(),
            "audit.verify",
            None,
            serde_json::json!({"via": "web"}),
        )
        .await;
    if let Err(e) = logged {
        return internal_error(&viewer.tr(), &e);
    }
    audit_page(&state, &viewer, None, Some(verdict)).await
}
