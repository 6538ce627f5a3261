//! The frame every page shares (title, navigation for the role, language switcher, CSRF
//! token), rendering templates into responses, and the error pages.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use homeward_auth::Action;

use crate::i18n::{Lang, Tr};
use crate::session::Viewer;

/// A navigation link.
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Label.
    pub label: String,
    /// Whether it is the page being shown.
    pub current: bool,
}

/// A language in the switcher.
pub struct LangOption {
    /// Code.
    pub code: &'static str,
    /// Its own name.
    pub name: &'static str,
    /// The page's language.
    pub current: bool,
}

/// What the shared frame needs.
pub struct Chrome {
    /// Translator.
    pub tr: Tr,
    /// `lang` of the page.
    pub lang: &'static str,
    /// Page title.
    pub title: String,
    /// The user's name, when logged in.
    pub user_name: String,
    /// Their role, translated.
    pub role_label: String,
    /// Links the role may follow.
    pub nav: Vec<NavItem>,
    /// CSRF token for the forms of the page.
    pub csrf: String,
    /// Path and query of the page, to return to after switching language.
    pub here: String,
    /// The language switcher.
    pub langs: Vec<LangOption>,
}

/// The navigation before the prevention kinds' entries.
const NAV: &[(&str, &str, Option<Action>)] = &[
    ("/", "nav-dashboard", None),
    ("/cases", "nav-cases", Some(Action::CaseList)),
    ("/cases/new", "nav-case-new", Some(Action::CaseCreate)),
    (
        "/tracing-requests",
        "nav-tracing",
        Some(Action::TracingList),
    ),
    (
        "/tracing-requests/new",
        "nav-tracing-new",
        Some(Action::TracingCreate),
    ),
];

/// The navigation after them.
const NAV_TAIL: &[(&str, &str, Option<Action>)] = &[
    (
        "/reports/indicators",
        "nav-indicators",
        Some(Action::AnalysisRead),
    ),
    (
        "/analysis/recruitment",
        "nav-analysis",
        Some(Action::AnalysisRead),
    ),
    ("/admin/users", "nav-users", Some(Action::UserManage)),
    ("/admin/audit", "nav-audit", Some(Action::AuditRead)),
];

/// The links a viewer may follow: one per prevention list their role may open (a volunteer
/// sees households, home visits, committees and awareness; a checkpoint officer the checkpoint
/// logs), between the case links and the administration.
fn nav(viewer: &Viewer, tr: &Tr, path: &str) -> Vec<NavItem> {
    let fixed = |items: &'static [(&'static str, &'static str, Option<Action>)]| {
        items
            .iter()
            .filter(|(_, _, action)| action.is_none_or(|a| viewer.can(a)))
            .map(|(href, key, _)| NavItem {
                href,
                label: tr.t(key),
                current: *href == path,
            })
            .collect::<Vec<_>>()
    };
    let mut out = fixed(NAV);
    out.extend(
        crate::kinds::NAV_KINDS
            .into_iter()
            .map(crate::kinds::of)
            .filter(|p| viewer.can(p.list()))
            .map(|p| NavItem {
                href: p.base,
                label: tr.t(&format!("nav-{}", p.key)),
                current: path == p.base,
            }),
    );
    out.extend(fixed(NAV_TAIL));
    out
}

fn langs(current: Lang) -> Vec<LangOption> {
    Lang::ALL
        .into_iter()
        .map(|l| LangOption {
            code: l.code(),
            name: l.native_name(),
            current: l == current,
        })
        .collect()
}

impl Chrome {
    /// The frame for a logged-in viewer; `title_key` names the page's title message.
    pub fn new(viewer: &Viewer, title: String) -> Self {
        let tr = viewer.tr();
        let path = viewer.here.split('?').next().unwrap_or("/");
        let nav = nav(viewer, &tr, path);
        let role_label = viewer
            .role()
            .map(|r| tr.t(&format!("role-{}", r.as_str())))
            .unwrap_or_else(|| viewer.caller.user.role.clone());
        Self {
            tr,
            lang: viewer.lang.code(),
            title,
            user_name: viewer.caller.user.display_name.clone(),
            role_label,
            nav,
            csrf: viewer.caller.csrf_token.clone(),
            here: viewer.here.clone(),
            langs: langs(viewer.lang),
        }
    }

    /// The frame for someone not logged in (the login page, errors before login).
    pub fn anonymous(lang: Lang, title: String, csrf: String, here: String) -> Self {
        Self {
            tr: Tr::new(lang),
            lang: lang.code(),
            title,
            user_name: String::new(),
            role_label: String::new(),
            nav: Vec::new(),
            csrf,
            here,
            langs: langs(lang),
        }
    }
}

/// Renders a template with a status. A template that fails to render is a bug; the caseworker
/// gets the error page with an incident id rather than half a page.
pub fn render(status: StatusCode, template: &impl Template, tr: &Tr) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => internal_error(tr, &e),
    }
}

/// Renders with 200.
pub fn ok(template: &impl Template, tr: &Tr) -> Response {
    render(StatusCode::OK, template, tr)
}

/// Kinds of error page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The role does not allow the page.
    Forbidden,
    /// No such record, or not in the viewer's scope: deliberately the same page.
    NotFound,
    /// The form's CSRF token did not match (an old tab, or a forged request).
    Csrf,
    /// The form could not be read.
    BadForm,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    heading: String,
    text: String,
}

/// The error page for a logged-in viewer.
pub fn error_page(viewer: &Viewer, kind: ErrorKind) -> Response {
    let tr = viewer.tr();
    let (status, key) = match kind {
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        ErrorKind::Csrf => (StatusCode::FORBIDDEN, "csrf"),
        ErrorKind::BadForm => (StatusCode::BAD_REQUEST, "bad-form"),
    };
    let heading = tr.t(&format!("error-{key}-title"));
    let text = match kind {
        ErrorKind::Forbidden => tr.t_args(
            "error-forbidden-text",
            &[("role", Chrome::new(viewer, String::new()).role_label)],
        ),
        _ => tr.t(&format!("error-{key}-text")),
    };
    let page = ErrorPage {
        c: Chrome::new(viewer, heading.clone()),
        heading,
        text,
    };
    render(status, &page, &tr)
}

/// An address nobody serves. `/api/` paths and clients that do not ask for HTML get the API's
/// JSON 404; a browser gets the "Not found" page in the user's language, or the login form
/// first when nobody is logged in (as every other page does).
pub async fn unknown_address(
    viewer: Option<Viewer>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if uri.path().starts_with("/api/") || !wants_html {
        return homeward_server::api::not_found(method, uri)
            .await
            .into_response();
    }
    match viewer {
        Some(v) => error_page(&v, ErrorKind::NotFound),
        None => axum::response::Redirect::to("/login").into_response(),
    }
}

/// A 500 page: the cause is logged under an incident id and never shown (it could hold SQL or
/// record contents).
pub fn internal_error(tr: &Tr, cause: &dyn std::fmt::Display) -> Response {
    let incident = uuid_like();
    tracing::error!(incident = %incident, error = %cause, "web page failed");
    let body = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Homeward</title><link rel=\"stylesheet\" href=\"/static/app.css?v={}\"></head><body><main id=\"main\"><h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
        tr.lang.code(),
        crate::assets::css_version(),
        esc(&tr.t("error-internal-title")),
        esc(&tr.t_args("error-internal-text", &[("incident", incident)])),
        esc(&tr.t("nav-dashboard")),
    );
    let mut res = (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Escapes text for HTML (this one page is built without a template so it cannot fail).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A short random id for an incident.
fn uuid_like() -> String {
    homeward_auth::new_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect()
}
