//! The one mapping from errors to HTTP responses.
//!
//! Every error leaves as JSON `{code, message, field}` (plus `errors` when a form has several
//! problems). Internal causes are logged with an incident id and never shown: a stack of SQL
//! text could reveal what a record holds.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use homeward_domain::FieldError;
use homeward_store::StoreError;
use serde::Serialize;

/// Which workflow rule refused a request. Kept to one byte so carrying it costs the error
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowRule {
    /// The step cannot be taken from the case's stage.
    WrongStage,
    /// R2: the latest verification does not permit reunification.
    VerificationNotPositive,
    /// R2: there is no verification yet.
    VerificationMissing,
    /// R2: no supervisor approved reunification after the latest verification.
    ApprovalMissing,
    /// R3: adoption and kafala are locked.
    PermanentCareLocked,
    /// R4: a move out of the district lacks purpose, adult or authoriser.
    MoveIncomplete,
    /// A written reason is required.
    ReasonRequired,
    /// A verification is recorded only at the verification stage.
    NotVerificationStage,
    /// The case is closed.
    CaseClosed,
    /// A tracing request's status moves one step at a time.
    TracingStatusOrder,
}

impl WorkflowRule {
    /// A stable name (`wrong_stage`, `verification_not_positive`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongStage => "wrong_stage",
            Self::VerificationNotPositive => "verification_not_positive",
            Self::VerificationMissing => "verification_missing",
            Self::ApprovalMissing => "approval_missing",
            Self::PermanentCareLocked => "permanent_care_locked",
            Self::MoveIncomplete => "move_incomplete",
            Self::ReasonRequired => "reason_required",
            Self::NotVerificationStage => "not_verification_stage",
            Self::CaseClosed => "case_closed",
            Self::TracingStatusOrder => "tracing_status_order",
        }
    }
}

/// An error as the API reports it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    errors: Vec<FieldError>,
    retry_after: Option<Duration>,
    /// Which workflow rule refused, for interfaces that word the refusal in the user's language;
    /// never sent in the JSON body, whose `message` already says it in English.
    rule: Option<WorkflowRule>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
            rule: None,
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 400 about one named field or parameter.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::bad_request(message)
        }
    }

    /// 401: no valid session.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "log in first: send the session cookie or an `Authorization: Bearer` token (POST /api/v1/sessions)")
    }

    /// 401: wrong username or password.
    pub fn bad_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "the username or password is wrong, or the account is disabled",
        )
    }

    /// 403: the role lacks the action.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403: a cookie-authenticated write without the CSRF token.
    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf", "this request needs the X-CSRF-Token header with the csrf_token given at login; reload the page and try again")
    }

    /// 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no {what} with this id or reference is visible to you"),
        )
    }

    /// 404 for a path the server does not serve.
    pub fn not_found_route(method: &axum::http::Method, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_route",
            format!(
                "there is no {method} {path}; the endpoints are listed in /api/v1/openapi.json"
            ),
        )
    }

    /// 405 for a path served with other methods.
    pub fn method_not_allowed(method: &axum::http::Method, path: &str) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", format!("{path} does not accept {method}; the methods it accepts are listed in /api/v1/openapi.json"))
    }

    /// An error with the status an extractor chose (body too large, wrong content type...).
    pub fn with_status(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "bad_request", message)
    }

    /// 413: a record body with more keys and list items than any record has; refused as soon
    /// as the bound is passed, before the rest is read.
    pub fn too_many_entries(max: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_entries",
            format!("the record has more than {max} fields and list entries, more than any record holds; send only the catalogue's fields (see /api/v1/openapi.json)"),
        )
    }

    /// 409: a workflow rule refuses the step; the message says which and what to do.
    pub fn workflow(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "workflow_rule", message)
    }

    /// 409.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 409 about one named field: the value is well formed but conflicts with what is stored.
    pub fn conflict_field(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::conflict(message)
        }
    }

    /// 422 with every field problem.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let message = if errors.len() == 1 {
            format!("{}: {}", errors[0].field, errors[0].message)
        } else {
            format!("{} fields need correcting; see `errors`", errors.len())
        };
        let field = errors.first().map(|e| e.field.clone());
        Self {
            field,
            errors,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
    }

    /// 429 with a Retry-After.
    pub fn rate_limited(wait: Duration) -> Self {
        let secs = wait.as_secs().max(1);
        Self {
            retry_after: Some(Duration::from_secs(secs)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many login attempts; wait {secs} seconds and try again"),
            )
        }
    }

    /// 500, logging the cause under an incident id.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        let incident = uuid::Uuid::new_v4().simple().to_string();
        let incident = &incident[..8];
        tracing::error!(incident, error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("something went wrong on the server; nothing was changed; give the administrator incident {incident}"))
    }

    /// Names the workflow rule that refused (see [`ApiError::rule`]).
    pub fn with_rule(mut self, rule: WorkflowRule) -> Self {
        self.rule = Some(rule);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code sent as `code` (`bad_request`, `workflow_rule`, `conflict`...).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The field or parameter the error is about, if one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Every field problem of a 422.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The workflow rule that refused, when one did.
    pub fn rule(&self) -> Option<WorkflowRule> {
        self.rule
    }

    /// The English message, as the JSON body carries it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Maps a store error, naming the kind of record for 404s.
    pub fn from_store(e: StoreError, what: &str) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(what),
            StoreError::Invalid(v) => Self::invalid(v.0),
            StoreError::InvalidRow { errors, .. } => Self::invalid(errors.0),
            StoreError::Conflict(m) => Self::conflict(m),
            other => Self::internal(&other),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::from_store(e, "record")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.field, self.errors.len()) {
            (Some(field), n) if n <= 1 && !self.message.starts_with(field.as_str()) => {
                write!(f, "{field}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            code: self.code,
            message: &self.message,
            field: self.field.as_deref(),
            errors: &self.errors,
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&wait.as_secs().to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// Gives a JSON body to an error response that has none: those made by a layer rather than a
/// handler (the request deadline's 408, for one), so every error a client sees has the same
/// shape and the security headers added around it.
pub async fn json_for_bare_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.headers().contains_key(header::CONTENT_TYPE)
    {
        return res;
    }
    let message = match status {
        StatusCode::REQUEST_TIMEOUT => "the request took too long to arrive or to answer; send it again, and if it keeps happening, send less at once".to_string(),
        other => format!(
            "the request was refused ({}); see /api/v1/openapi.json for what the API accepts",
            other.canonical_reason().unwrap_or("error")
        ),
    };
    let mut json = ApiError::with_status(status, message).into_response();
    for (name, value) in res.headers() {
        json.headers_mut().entry(name).or_insert(value.clone());
    }
    json
}
