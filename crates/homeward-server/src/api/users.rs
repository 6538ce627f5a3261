//! Users and agencies, for administrators. The same functions serve the API and the
//! `homeward user` command, so both apply the same rules.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use homeward_auth::{hash_password, Role};
use homeward_domain::{Scope, UserId};
use homeward_store::{Agency, NewUser, Store, User};
use serde::Deserialize;

use super::extract::{ApiJson, ApiPath};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// A user to add.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Initial password (at least 10 characters).
    pub password: String,
    /// Role name.
    pub role: String,
    /// Record scope; the role's default when absent.
    pub scope: Option<String>,
    /// Agency name (must exist).
    pub agency: String,
    /// Team name within the agency (created if new).
    pub team: Option<String>,
    /// Interface language (en, as, bn, hi).
    pub language: Option<String>,
}

/// Interface languages.
pub const LANGUAGES: &[&str] = &["en", "as", "bn", "hi"];

fn parse_role(role: &str) -> Result<Role, ApiError> {
    Role::parse(role).ok_or_else(|| {
        ApiError::bad_field(
            "role",
            format!("`{role}` is not a role; use one of: {}", Role::names()),
        )
    })
}

fn parse_scope(scope: &str) -> Result<Scope, ApiError> {
    Scope::parse(scope).ok_or_else(|| {
        ApiError::bad_field(
            "scope",
            format!("`{scope}` is not a scope; use own, team, agency or all"),
        )
    })
}

fn check_language(lang: &str) -> Result<(), ApiError> {
    if LANGUAGES.contains(&lang) {
        Ok(())
    } else {
        Err(ApiError::bad_field(
            "language",
            format!(
                "`{lang}` is not an interface language; use one of: {}",
                LANGUAGES.join(", ")
            ),
        ))
    }
}

async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::bad_field("password", e.to_string()))
}

/// Adds a user after checking role, scope, agency, team, language and password.
pub async fn add_user(store: &Store, actor: &str, req: NewUserRequest) -> Result<User, ApiError> {
    let role = parse_role(&req.role)?;
    let scope = match &req.scope {
        Some(s) => parse_scope(s)?,
        None => role.default_scope(),
    };
    let language = req.language.clone().unwrap_or_else(|| "en".into());
    check_language(&language)?;
    let agency = store
        .agency_by_name(&req.agency)
        .await?
        .ok_or_else(|| ApiError::bad_field("agency", format!("no agency is named `{}`; add it first (POST /api/v1/agencies or `homeward user add --create-agency`)", req.agency)))?;
    let team = match &req.team {
        Some(t) if !t.trim().is_empty() => {
            Some(store.ensure_team(actor, agency.id, t.trim()).await?.id)
        }
        _ => None,
    };
    if req.display_name.trim().is_empty() {
        return Err(ApiError::bad_field(
            "display_name",
            "is required: the name colleagues will see",
        ));
    }
    let password_hash = hash(req.password).await?;
    let new = NewUser {
        username: req.username.trim().to_lowercase(),
        display_name: req.display_name.trim().to_string(),
        password_hash,
        role: role.as_str().into(),
        scope,
        agency_id: agency.id,
        team_id: team,
        language,
    };
    store.create_user(actor, &new).await.map_err(|e| match e {
        homeward_store::StoreError::Conflict(m) => ApiError::conflict(m),
        other => ApiError::from(other),
    })
}

/// Lists users.
pub async fn list(
    _auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.store.list_users().await?))
}

/// Adds a user.
pub async fn create(
    auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = add_user(&state.store, &auth.caller.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

fn user_id(id: &str) -> Result<UserId, ApiError> {
    id.parse().map_err(|_| ApiError::not_found("user"))
}

/// One user.
pub async fn get_one(
    _auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<User>, ApiError> {
    let user = state
        .store
        .user_by_id(user_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Json(user))
}

/// Changes to a user.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    display_name: Option<String>,
    role: Option<String>,
    scope: Option<String>,
    language: Option<String>,
    disabled: Option<bool>,
    password: Option<String>,
    /// A committee's reference (`CM-…`), or empty to take the user out of their committee;
    /// `Some(None)` is an explicit `null`, which is refused rather than silently ignored.
    #[serde(default, deserialize_with = "present")]
    committee: Option<Option<String>>,
}

/// Keeps an explicit `null` apart from an absent field.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Only community volunteers belong to a committee: the committee widens the records a user
/// sees, so on any other role it would open households outside that role's own scope. The
/// change is well formed but conflicts with the user as stored (their role or committee), so
/// it is a 409, not a 400: no request body can be checked for it alone.
fn check_committee_role(
    role: Role,
    committee_after: Option<&str>,
    role_changed: bool,
) -> Result<(), ApiError> {
    if role == Role::CommunityVolunteer || committee_after.is_none() {
        return Ok(());
    }
    if role_changed {
        Err(ApiError::conflict_field(
            "role",
            format!(
                "this user belongs to a committee, which only community volunteers may; take them out of it in the same change (`\"committee\": \"\"`) to make them a {}",
                role.as_str()
            ),
        ))
    } else {
        Err(ApiError::conflict_field(
            "committee",
            format!(
                "only community volunteers belong to a committee, and this user is a {}; a committee would let them see its households beyond their own scope",
                role.as_str()
            ),
        ))
    }
}

/// Changes a user.
pub async fn update(
    auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(p): ApiJson<UserPatch>,
) -> Result<Json<User>, ApiError> {
    let id = user_id(&id)?;
    let actor = auth.caller.actor();
    let current = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let committee = match p.committee {
        Some(None) => return Err(ApiError::bad_field(
            "committee",
            "null is not accepted: send a committee's reference (CM-…) to put the user in it, or \"\" to take them out",
        )),
        Some(Some(c)) => Some(c.trim().to_string()),
        None => None,
    };
    let role = p.role.as_deref().map(parse_role).transpose()?;
    let role_after = match role {
        Some(r) => r,
        None => parse_role(&current.role)?,
    };
    let committee_after = match &committee {
        Some(c) if c.is_empty() => None,
        Some(c) => Some(c.as_str()),
        None => current.committee.as_deref(),
    };
    check_committee_role(role_after, committee_after, role.is_some())?;
    let scope = p.scope.as_deref().map(parse_scope).transpose()?;
    if let Some(l) = &p.language {
        check_language(l)?;
    }
    if id == auth.caller.user.id
        && (p.disabled == Some(true) || role.is_some_and(|r| r != Role::Administrator))
    {
        return Err(ApiError::conflict("you cannot disable yourself or remove your own administrator role; ask another administrator"));
    }
    // Everything that can be refused is checked before anything is written, so a refused
    // change leaves the user as they were (a new password included).
    let committee = match committee.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(c) => {
            let r = homeward_domain::Reference::parse(c)
                .map_err(|e| ApiError::bad_field("committee", e.to_string()))?;
            match state.store.record_for_rule(&r).await? {
                Some(rec) if rec.kind == homeward_domain::RecordKind::Committee => Some(Some(r)),
                _ => {
                    return Err(ApiError::bad_field(
                        "committee",
                        format!("no committee has the reference {r}; register the committee first (POST /api/v1/committees)"),
                    ))
                }
            }
        }
    };
    let password_hash = match p.password {
        Some(pw) => Some(hash(pw).await?),
        None => None,
    };
    if let Some(h) = password_hash {
        state.store.set_user_password(&actor, id, &h).await?;
    }
    let mut user = state
        .store
        .update_user(
            &actor,
            id,
            role.map(Role::as_str),
            scope,
            p.display_name.as_deref(),
            p.language.as_deref(),
        )
        .await?;
    if let Some(d) = p.disabled {
        user = state.store.set_user_disabled(&actor, id, d).await?;
    }
    if let Some(committee) = committee {
        user = state
            .store
            .set_user_committee(&actor, id, committee.as_ref())
            .await?;
    }
    Ok(Json(user))
}

/// An agency to add.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgency {
    name: String,
    #[serde(default)]
    teams: Vec<String>,
}

/// Lists agencies.
pub async fn list_agencies(
    _auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
) -> Result<Json<Vec<Agency>>, ApiError> {
    Ok(Json(state.store.list_agencies().await?))
}

/// Adds an agency and its teams.
pub async fn create_agency(
    auth: Authorized<act::UserManage>,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewAgency>,
) -> Result<(StatusCode, Json<Agency>), ApiError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_field("name", "is required"));
    }
    let actor = auth.caller.actor();
    let agency = state.store.ensure_agency(&actor, name).await?;
    for t in req.teams.iter().filter(|t| !t.trim().is_empty()) {
        state.store.ensure_team(&actor, agency.id, t.trim()).await?;
    }
    Ok((StatusCode::CREATED, Json(agency)))
}
