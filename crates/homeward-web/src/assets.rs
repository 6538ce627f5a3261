//! The stylesheet and the vendored htmx, compiled into the binary and served with a long cache
//! lifetime: their addresses carry a version, so a new release is fetched fresh.

use std::sync::LazyLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Version of the vendored htmx (npm `htmx.org`), in its address.
pub const HTMX_VERSION: &str = "2.0.11";

const CSS: &[u8] = include_bytes!("../static/app.css");
const HTMX: &[u8] = include_bytes!("../static/htmx.min.js");

/// FNV-1a of the stylesheet: its address changes whenever its content does, so nobody has to
/// remember to bump a number for browsers holding the old one for a year.
static CSS_VERSION: LazyLock<String> = LazyLock::new(|| {
    let hash = CSS.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}", hash >> 32)
});

/// The stylesheet's version, for its address.
pub fn css_version() -> &'static str {
    &CSS_VERSION
}

fn asset(body: &'static [u8], content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

/// `/static/app.css`.
pub async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

/// `/static/htmx.min.js`.
pub async fn htmx() -> Response {
    asset(HTMX, "text/javascript; charset=utf-8")
}
