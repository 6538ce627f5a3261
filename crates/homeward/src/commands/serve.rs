//! `homeward serve`: the API on one listener, metrics on another, until Ctrl-C or SIGTERM.

use std::time::Duration;

use anyhow::{Context, Result};
use homeward_server::{AppState, ServerConfig};
use homeward_store::Store;
use tokio::net::TcpListener;

use super::{open_store, Outcome};
use crate::settings::Settings;

/// Server settings from the effective settings.
pub fn server_config(settings: &Settings) -> ServerConfig {
    ServerConfig {
        cookie_secure: settings.cookie_secure,
        session_idle: Duration::from_secs(settings.session_idle_minutes.max(1) * 60),
        match_threshold: settings.match_threshold,
        emergency_active: settings.emergency_active,
        workflow: settings.workflow.clone(),
        prevention: settings.prevention.clone(),
        // Checked when the settings were loaded.
        trusted_proxies: homeward_server::client_address::parse_trusted(&settings.trusted_proxies)
            .unwrap_or_default(),
        ..ServerConfig::default()
    }
}

/// Serves an open store; prints the address once listening.
pub async fn serve_store(
    settings: &Settings,
    store: Store,
    banner: impl FnOnce(&str),
) -> Result<Outcome> {
    let listener = TcpListener::bind(settings.listen).await.with_context(|| {
        format!(
            "cannot listen on {}; is another Homeward running? choose another with --listen",
            settings.listen
        )
    })?;
    let addr = listener.local_addr()?;
    if !settings.metrics_listen.is_empty() {
        let metrics_addr = settings.metrics_listen.clone();
        match TcpListener::bind(&metrics_addr).await {
            Ok(l) => {
                tokio::spawn(async move {
                    if let Err(e) = homeward_server::metrics::serve(l).await {
                        tracing::warn!(error = %e, "metrics listener stopped");
                    }
                });
                tracing::info!(address = %metrics_addr, "metrics listening");
            }
            Err(e) => {
                tracing::warn!(address = %metrics_addr, error = %e, "metrics listener not started")
            }
        }
    }
    let url = format!("http://{addr}");
    banner(&url);
    tracing::info!(address = %addr, backend = ?store.backend(), "Homeward listening");
    let state = AppState::new(store.clone(), server_config(settings));
    state.matching.start();
    homeward_server::reminders::spawn(store.clone());
    let router = homeward_server::app_with(state, homeward_web::router());
    log_audit_anchor(&store, "start").await;
    homeward_server::serve_router(router, listener, shutdown_signal()).await?;
    log_audit_anchor(&store, "stop").await;
    store.close().await;
    Ok(Outcome::Ok)
}

/// Writes the audit trail's head to the log, outside the database, so a rewrite of the trail
/// by someone holding only the database disagrees with the log
/// (`homeward audit verify --anchor` reads these lines' `anchor` values).
async fn log_audit_anchor(store: &Store, when: &str) {
    match store.audit_anchor().await {
        Ok(a) => match serde_json::to_string(&a) {
            Ok(anchor) => tracing::info!(when, anchor = %anchor, "audit anchor"),
            Err(e) => tracing::warn!(error = %e, "audit anchor not logged"),
        },
        Err(e) => tracing::warn!(error = %e, "audit anchor not logged"),
    }
}

/// `homeward serve`.
pub async fn run(settings: &Settings) -> Result<Outcome> {
    let store = open_store(settings).await?;
    serve_store(settings, store, |url| {
        println!("Homeward is listening on {url} (Ctrl-C to stop)")
    })
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
