//! Logging in and out.
//!
//! A browser gets an HttpOnly, SameSite=Strict, Secure cookie and a CSRF token to send back with
//! every write; an API client asks for `kind: "api"` and gets a bearer token. Attempts are
//! checked by [`crate::login`], which the web interface's login form shares.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Duration;
use homeward_auth::{new_token, token_digest, Role};
use homeward_store::{SessionKind, User};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::ApiJson;
use crate::auth::{Caller, SESSION_COOKIE};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::login::LoginError;
use crate::AppState;

/// A login.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
    #[serde(default)]
    kind: LoginKind,
}

/// Browser session or API token.
#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    /// A cookie and a CSRF token.
    #[default]
    Web,
    /// A bearer token.
    Api,
}

/// What a client learns about its session.
#[derive(Debug, Serialize)]
pub struct SessionInfo {
    user: User,
    permissions: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

fn permissions(role: Option<Role>) -> Vec<&'static str> {
    role.map(|r| r.actions().iter().map(|a| a.as_str()).collect())
        .unwrap_or_default()
}

/// Logs in.
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if req.username.trim().is_empty() {
        return Err(ApiError::bad_field("username", "is required"));
    }
    let user = crate::login::authenticate(&state, &req.username, &req.password, address, "api")
        .await
        .map_err(|e| match e {
            LoginError::Throttled(wait) => ApiError::rate_limited(wait),
            LoginError::BadCredentials => ApiError::bad_credentials(),
            LoginError::Store(e) => ApiError::from(e),
            other @ LoginError::Hashing(_) => ApiError::internal(&other),
        })?;
    let token = new_token();
    let csrf = new_token();
    let (kind, lifetime) = match req.kind {
        LoginKind::Web => (SessionKind::Web, state.config.web_session_lifetime),
        LoginKind::Api => (SessionKind::Api, state.config.api_token_lifetime),
    };
    let lifetime = Duration::from_std(lifetime).unwrap_or(Duration::hours(12));
    state
        .store
        .create_session(&token_digest(&token), user.id, kind, &csrf, lifetime)
        .await?;
    state
        .store
        .audit(
            &user.id.to_string(),
            "session.login",
            Some(&user.id.to_string()),
            json!({"kind": if kind == SessionKind::Web { "web" } else { "api" }}),
        )
        .await?;
    let role = Role::parse(&user.role);
    let info = SessionInfo {
        permissions: permissions(role),
        csrf_token: (kind == SessionKind::Web).then(|| csrf.clone()),
        token: (kind == SessionKind::Api).then(|| token.clone()),
        user,
    };
    let mut res = (StatusCode::CREATED, Json(info)).into_response();
    if kind == SessionKind::Web {
        let secure = if state.config.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            lifetime.num_seconds()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// The current session.
pub async fn current(caller: Caller) -> Json<SessionInfo> {
    let csrf = (caller.kind == SessionKind::Web).then(|| caller.csrf_token.clone());
    Json(SessionInfo {
        permissions: permissions(caller.role),
        csrf_token: csrf,
        token: None,
        user: caller.user,
    })
}

/// Logs out: the session ends on the server and the cookie is cleared.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    state.store.delete_session(&caller.token_digest).await?;
    state
        .store
        .audit(
            &caller.actor(),
            "session.logout",
            Some(&caller.actor()),
            json!({}),
        )
        .await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}
