//! Request metrics and logs, labelled by route template (never by the concrete path, which would
//! carry record references and explode the label set) and by a bounded set of method names, and
//! the Prometheus endpoint, served on its own listener so it is never exposed where the API is.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide Prometheus recorder (installed on first use).
pub fn recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (several servers in one test process).
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The method as a label: the standard ones by name, anything else (HTTP allows any token, so
/// a client could make up a new one per request) as `other`, so the set of series, which the
/// recorder keeps for the life of the process, stays bounded.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Records and logs one request.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let elapsed = started.elapsed().as_secs_f64();
    metrics::counter!("homeward_http_requests_total", "method" => method, "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("homeward_http_request_duration_seconds", "method" => method, "route" => route.clone()).record(elapsed);
    tracing::info!(
        method,
        route,
        status,
        elapsed_ms = elapsed * 1000.0,
        "request"
    );
    res
}

/// Serves `/metrics` on its own listener, with the same security headers and connection
/// deadlines as the API.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let handle = recorder();
    let app = Router::new()
        .route("/metrics", get(move || async move { handle.render() }))
        .layer(axum::middleware::from_fn(crate::security_headers::add));
    crate::serve::serve(
        app,
        listener,
        &crate::serve::ConnectionLimits::default(),
        std::future::pending(),
    )
    .await
}
