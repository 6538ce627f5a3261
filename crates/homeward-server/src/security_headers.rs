//! Security headers on every response: no framing, no sniffing, no referrer leaking a record
//! reference, a strict Content-Security-Policy, no caching of personal data, and the
//! cross-origin isolation pair (COOP, CORP) so no other site's window or page can hold a
//! reference to ours or embed what it answers.
//!
//! `Strict-Transport-Security` is not set here: Homeward speaks plain HTTP to the TLS proxy in
//! front of it (see the README), and HSTS is only meaningful, and only honoured, on the HTTPS
//! responses that proxy sends; it belongs in the proxy's configuration.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The headers, by lower-case name (also written into hyper's own error answers by
/// [`crate::bare_errors`]).
pub(crate) const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// Adds the headers a response does not set itself.
pub async fn add(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in HEADERS {
        h.entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
    res
}
