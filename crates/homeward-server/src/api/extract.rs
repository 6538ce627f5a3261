//! Body and query extractors whose rejections are API errors, so a malformed request gets the
//! same JSON `{code, message, field}` as every other error instead of axum's plain text.
//!
//! JSON bodies are also refused when a string holds a NUL character (`\u0000`): no field
//! means it, PostgreSQL cannot store it, and it hides text from people reading a log.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A list's `limit` (1–500, `default` when absent) and `offset` (0 or more, 0 when absent).
pub fn paging(
    limit: Option<i64>,
    offset: Option<i64>,
    default: i64,
) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(default);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_field(
            "limit",
            format!("{limit} is outside 1–500"),
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::bad_field("offset", "must be 0 or more"));
    }
    Ok((limit, offset))
}

/// Whether the request says its body is JSON (`application/json` or `…+json`).
pub fn has_json_content_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads a JSON body's bytes, refusing a missing content type and NUL characters.
pub async fn json_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    if !has_json_content_type(req.headers()) {
        return Err(ApiError::with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the request body could not be read: Expected request with `Content-Type: application/json`; send a JSON object with Content-Type: application/json",
        ));
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|r| {
        ApiError::with_status(
            r.status(),
            format!("the request body could not be read: {}", r.body_text()),
        )
    })?;
    if has_escaped_nul(&bytes) {
        return Err(ApiError::bad_request(
            "the request holds a NUL character (\\u0000) in a value; no field accepts it, so remove it and send again",
        ));
    }
    Ok(bytes)
}

/// Whether JSON text holds the escape `\u0000`. Raw control characters are invalid in JSON
/// strings, so the escape is the only way a NUL arrives; an escaped backslash (`\\`) is
/// stepped over so the text `\\u0000` (a backslash, then `u0000`) is not mistaken for one.
fn has_escaped_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(&b"0000"[..]) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state).await?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::with_status(
                rejection.status(),
                format!("the request body could not be read: {}; send a JSON object with Content-Type: application/json", rejection.body_text()),
            )),
        }
    }
}

/// Query-string parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::bad_request(format!(
                "the query parameters could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A path parameter.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::bad_request(format!(
                "the address could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_escaped_nul;

    #[test]
    fn only_a_real_nul_escape_is_found() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000y"}"#));
        assert!(!has_escaped_nul(br#"{"a":"x\\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a":"x\\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"a":"\u0001"}"#));
    }
}
