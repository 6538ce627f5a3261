//! Homeward's HTTP server: the JSON API under `/api/v1` with its OpenAPI document, sessions and
//! bearer tokens, health and Prometheus metrics on a separate listener.
//!
//! [`app`] builds the router for a [`AppState`]; [`launch`] serves it on a listener the caller
//! bound, so tests run the real server on port 0.

#![recursion_limit = "256"]

pub mod api;
pub mod auth;
mod bare_errors;
pub mod client_address;
pub mod config;
pub mod error;
pub mod login;
pub mod matching;
pub mod metrics;
pub mod openapi;
pub mod prevention;
pub mod ratelimit;
pub mod refusal_log;
pub mod reminders;
mod schema_rules;
mod security_headers;
pub mod serve;

use std::sync::Arc;

use axum::Router;
use homeward_store::Store;
use tokio::net::TcpListener;

pub use config::ServerConfig;
pub use error::ApiError;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Server settings.
    pub config: Arc<ServerConfig>,
    /// Login attempt limits.
    pub login_limiter: Arc<ratelimit::LoginLimiter>,
    /// Throttled logins, folded for the audit trail.
    pub refusal_log: Arc<refusal_log::RefusalLog>,
    /// The tracing matcher.
    pub matching: Arc<matching::MatchService>,
}

impl AppState {
    /// State for a store and settings.
    pub fn new(store: Store, config: ServerConfig) -> Self {
        let login_limiter = Arc::new(ratelimit::LoginLimiter::new(&config.login_limits));
        let refusal_log = Arc::new(refusal_log::RefusalLog::new(
            config.login_limits.audit_fold_window,
        ));
        let matching = matching::MatchService::new(store.clone(), config.match_threshold);
        Self {
            store,
            config: Arc::new(config),
            login_limiter,
            refusal_log,
            matching,
        }
    }
}

/// The whole application router.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new().fallback(api::not_found))
}

/// The application router with extra routes (the web interface) served beside the API, behind
/// the same deadlines, metrics, security headers and body limit. `extra` brings the fallback
/// for addresses nobody serves (the API's JSON 404, [`api::not_found`], for `/api/` paths).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let (api, _docs) = api::routes();
    let limits = &state.config.connections;
    Router::new()
        .merge(api)
        .merge(extra)
        .route("/healthz", axum::routing::get(api::health::healthz))
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_read,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(error::json_for_bare_errors))
        .layer(axum::middleware::from_fn(security_headers::add))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.config.max_body_bytes,
        ))
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` resolves, under the connection
/// limits of its settings.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.connections.clone();
    serve::serve(app(state), listener, &limits, shutdown).await
}

/// Serves a router built with [`app_with`] on `listener` until `shutdown` resolves, under the
/// default connection limits.
pub async fn serve_router(
    router: Router,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(
        router,
        listener,
        &serve::ConnectionLimits::default(),
        shutdown,
    )
    .await
}
