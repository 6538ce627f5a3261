//! Logging in and out of the web interface, and switching the interface language.
//!
//! The login form is protected against login CSRF with a token kept in its own short-lived
//! cookie (there is no session yet to hold one). Attempts go through the same per-account and
//! per-address limiter as the API, failures are audited without the password, and unknown
//! usernames cost the same argon2 time as known ones.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Duration;
use homeward_auth::{constant_time_eq, new_token, token_digest};
use homeward_server::auth::SESSION_COOKIE;
use homeward_server::login::LoginError;
use homeward_server::AppState;
use homeward_store::SessionKind;
use serde::Deserialize;
use serde_json::json;

use crate::forms::FormData;
use crate::i18n::{Lang, Tr};
use crate::page::{internal_error, render, Chrome};
use crate::session::{
    anonymous_lang, cookie, safe_next, Viewer, CSRF_FIELD, LANG_COOKIE, LOGIN_CSRF_COOKIE,
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: String,
    username: String,
    next: String,
}

/// `?next=` after login.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

const LOGIN_CSRF_SECS: i64 = 2 * 3600;

fn login_csrf(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    error: String,
    username: String,
    next: String,
    csrf: Option<String>,
) -> Response {
    let tr = Tr::new(lang);
    // Keep the token a browser already has, so two tabs on the login form both work.
    let (csrf, set) = match csrf {
        Some(t) => (t, false),
        None => (new_token(), true),
    };
    let here = format!("/login?next={}", crate::session::urlencode(&next));
    let page = LoginPage {
        c: Chrome::anonymous(lang, tr.t("login-title"), csrf.clone(), here),
        error,
        username,
        next,
    };
    let mut res = render(status, &page, &tr);
    if set {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie(
                LOGIN_CSRF_COOKIE,
                &csrf,
                LOGIN_CSRF_SECS,
                state.config.cookie_secure,
            ),
        );
    }
    res
}

/// The login form (or the dashboard, for someone already logged in).
pub async fn form(
    State(state): State<AppState>,
    viewer: Option<Viewer>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(
        &state,
        anonymous_lang(&headers),
        StatusCode::OK,
        String::new(),
        String::new(),
        next,
        login_csrf(&headers),
    )
}

/// Checks the login form and starts a web session.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<FormData, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = anonymous_lang(&headers);
    let tr = Tr::new(lang);
    let form = form.unwrap_or_default();
    let next = safe_next(form.get("next").unwrap_or("/"));
    let username = form.text("username").to_lowercase();
    let password = form.get("password").unwrap_or("").to_string();
    let expected = login_csrf(&headers);
    let sent = form.get(CSRF_FIELD).unwrap_or("");
    let csrf_ok = expected
        .as_deref()
        .is_some_and(|e| constant_time_eq(sent, e));
    let again = |status, key: &str, username: String| {
        login_page(
            &state,
            lang,
            status,
            tr.t(key),
            username,
            next.clone(),
            expected.clone(),
        )
    };
    if !csrf_ok {
        return again(StatusCode::FORBIDDEN, "login-error-expired", username);
    }
    if username.is_empty() || password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "login-error-missing",
            username,
        );
    }
    let address = homeward_server::client_address::resolve(
        peer.ip(),
        &headers,
        &state.config.trusted_proxies,
    );
    let user =
        match homeward_server::login::authenticate(&state, &username, &password, address, "web")
            .await
        {
            Ok(u) => u,
            Err(LoginError::Throttled(wait)) => {
                let secs = wait.as_secs().max(1).to_string();
                let mut page = login_page(
                    &state,
                    lang,
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t_args("login-error-rate", &[("seconds", secs.clone())]),
                    username,
                    next.clone(),
                    expected.clone(),
                );
                if let Ok(v) = secs.parse() {
                    page.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return page;
            }
            Err(LoginError::BadCredentials) => {
                return again(StatusCode::UNAUTHORIZED, "login-error-wrong", username)
            }
            Err(e) => return internal_error(&tr, &e),
        };
    let token = new_token();
    let csrf = new_token();
    let lifetime =
        Duration::from_std(state.config.web_session_lifetime).unwrap_or(Duration::hours(12));
    let started = state
        .store
        .create_session(
            &token_digest(&token),
            user.id,
            SessionKind::Web,
            &csrf,
            lifetime,
        )
        .await;
    if let Err(e) = started {
        return internal_error(&tr, &e);
    }
    let audit = state
        .store
        .audit(
            &user.id.to_string(),
            "session.login",
            Some(&user.id.to_string()),
            json!({"kind": "web", "via": "web"}),
        )
        .await;
    if let Err(e) = audit {
        return internal_error(&tr, &e);
    }
    let mut res = Redirect::to(&next).into_response();
    let h = res.headers_mut();
    let secure = state.config.cookie_secure;
    h.append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, &token, lifetime.num_seconds(), secure),
    );
    // The login token has done its job; a fresh one is made for the next login.
    h.append(header::SET_COOKIE, cookie(LOGIN_CSRF_COOKIE, "", 0, secure));
    res
}

/// Ends the session on the server and clears the cookie.
pub async fn logout(State(state): State<AppState>, posted: crate::session::Posted) -> Response {
    let viewer = posted.viewer;
    let tr = viewer.tr();
    if let Err(e) = state
        .store
        .delete_session(&viewer.caller.token_digest)
        .await
    {
        return internal_error(&tr, &e);
    }
    let audit = state
        .store
        .audit(
            &viewer.actor(),
            "session.logout",
            Some(&viewer.actor()),
            json!({"via": "web"}),
        )
        .await;
    if let Err(e) = audit {
        return internal_error(&tr, &e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", 0, state.config.cookie_secure),
    );
    // Keep the language on the login page the user just chose to work in.
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie(
            LANG_COOKIE,
            viewer.lang.code(),
            365 * 24 * 3600,
            state.config.cookie_secure,
        ),
    );
    res
}

/// Switches the interface language: kept on the user when logged in, in a cookie before.
pub async fn switch_language(
    State(state): State<AppState>,
    viewer: Option<Viewer>,
    headers: HeaderMap,
    form: Result<FormData, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.unwrap_or_default();
    let next = safe_next(form.get("next").unwrap_or("/"));
    let sent = form.get(CSRF_FIELD).unwrap_or("");
    let lang = Lang::parse(form.get("lang").unwrap_or(""));
    match viewer {
        Some(viewer) => {
            if !constant_time_eq(sent, &viewer.caller.csrf_token) {
                return crate::page::error_page(&viewer, crate::page::ErrorKind::Csrf);
            }
            let Some(lang) = lang else {
                return crate::page::error_page(&viewer, crate::page::ErrorKind::BadForm);
            };
            let changed = state
                .store
                .update_user(
                    &viewer.actor(),
                    viewer.caller.user.id,
                    None,
                    None,
                    None,
                    Some(lang.code()),
                )
                .await;
            if let Err(e) = changed {
                return internal_error(&viewer.tr(), &e);
            }
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                cookie(
                    LANG_COOKIE,
                    lang.code(),
                    365 * 24 * 3600,
                    state.config.cookie_secure,
                ),
            );
            res
        }
        None => {
            let expected = login_csrf(&headers);
            let ok = expected
                .as_deref()
                .is_some_and(|e| constant_time_eq(sent, e));
            let lang_now = anonymous_lang(&headers);
            let (Some(lang), true) = (lang, ok) else {
                return login_page(
                    &state,
                    lang_now,
                    StatusCode::FORBIDDEN,
                    Tr::new(lang_now).t("login-error-expired"),
                    String::new(),
                    "/".into(),
                    expected,
                );
            };
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                cookie(
                    LANG_COOKIE,
                    lang.code(),
                    365 * 24 * 3600,
                    state.config.cookie_secure,
                ),
            );
            res
        }
    }
}
