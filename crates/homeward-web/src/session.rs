//! Who is looking at a page: the browser session from the `hw_session` cookie, the page
//! language, and the CSRF check every posted form goes through.
//!
//! Pages need their own extractors rather than the API's: a missing session sends the browser to
//! the login form instead of answering JSON, and the CSRF token arrives in a hidden form field
//! (forms work without JavaScript) rather than a header.

use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Duration;
use homeward_auth::{constant_time_eq, token_digest, Action, Role};
use homeward_server::auth::{Caller, SESSION_COOKIE};
use homeward_server::AppState;
use homeward_store::{ActorContext, Session, SessionKind};

use crate::forms::FormData;
use crate::i18n::{Lang, Tr};
use crate::page::{error_page, ErrorKind};

/// Cookie holding the language chosen before logging in.
pub const LANG_COOKIE: &str = "hw_lang";
/// Cookie holding the login form's CSRF token (there is no session yet to hold it).
pub const LOGIN_CSRF_COOKIE: &str = "hw_login_csrf";
/// Name of the hidden CSRF field in every form.
pub const CSRF_FIELD: &str = "csrf_token";

/// The language for a request without a session: the cookie, then the browser's preference.
pub fn anonymous_lang(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En)
}

/// A logged-in user looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The caller, as the API would see them.
    pub caller: Caller,
    /// Their interface language.
    pub lang: Lang,
    /// The path and query of the page, to come back to after switching language.
    pub here: String,
}

impl Viewer {
    /// The translator for this viewer.
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// Whether the viewer's role allows an action.
    pub fn can(&self, action: Action) -> bool {
        self.caller.can(action)
    }

    /// What the store needs: scope, and whether personal fields are opened.
    pub fn ctx(&self) -> ActorContext {
        self.caller.context()
    }

    /// The store's context for records of one kind: personal fields open with the kind's own
    /// personal-view action (community records to volunteers, the rest to `personal_data.view`).
    pub fn ctx_for(&self, kind: homeward_domain::RecordKind) -> ActorContext {
        self.caller.context_for(kind)
    }

    /// The actor id for audit entries.
    pub fn actor(&self) -> String {
        self.caller.actor()
    }

    /// The role, if known.
    pub fn role(&self) -> Option<Role> {
        self.caller.role
    }

    /// A 403 page naming what the role lacks.
    pub fn forbidden(&self) -> Response {
        error_page(self, ErrorKind::Forbidden)
    }
}

/// Where to go after logging in: only local paths, so a crafted link cannot send a caseworker
/// to another site.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

fn login_redirect(parts: &Parts) -> Response {
    let here = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let target = if here == "/" {
        "/login".to_string()
    } else {
        format!("/login?next={}", urlencode(&here))
    };
    Redirect::to(&target).into_response()
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn load(parts: &Parts, state: &AppState) -> Result<Option<Viewer>, Response> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let digest = token_digest(&token);
    let idle = Duration::from_std(state.config.session_idle).unwrap_or(Duration::minutes(30));
    let session = match state.store.find_session(&digest, idle).await {
        Ok(Some(s)) => s,
        Ok(None) => return Ok(None),
        Err(e) => {
            let tr = Tr::new(anonymous_lang(&parts.headers));
            return Err(crate::page::internal_error(&tr, &e));
        }
    };
    let Session {
        kind,
        csrf_token,
        user,
    } = session;
    // An API token sent as a cookie is not a browser session.
    if kind != SessionKind::Web {
        return Ok(None);
    }
    let lang = Lang::parse(&user.language).unwrap_or(Lang::En);
    let role = Role::parse(&user.role);
    let here = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    Ok(Some(Viewer {
        caller: Caller {
            user,
            role,
            kind,
            csrf_token,
            token_digest: digest,
        },
        lang,
        here,
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match load(parts, state).await? {
            Some(v) => Ok(v),
            None => Err(login_redirect(parts)),
        }
    }
}

impl OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        load(parts, state).await
    }
}

/// A posted form from a logged-in viewer whose CSRF token matched. Every POST handler of the
/// web interface takes this, so none can forget the check.
pub struct Posted {
    /// Who posted.
    pub viewer: Viewer,
    /// The fields.
    pub form: FormData,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let viewer =
            <Viewer as FromRequestParts<AppState>>::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let form = FormData::from_request(req, state)
            .await
            .map_err(|_| error_page(&viewer, ErrorKind::BadForm))?;
        let sent = form.get(CSRF_FIELD).unwrap_or("");
        if !constant_time_eq(sent, &viewer.caller.csrf_token) {
            return Err(error_page(&viewer, ErrorKind::Csrf));
        }
        Ok(Posted { viewer, form })
    }
}

/// A `Set-Cookie` value for a cookie only this site's pages may send.
pub fn cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}
