//! The subcommands, one module each, and what they share: logging set-up and opening the store.

pub mod audit;
pub mod backup;
pub mod dataset;
pub mod demo;
pub mod key;
pub mod matching;
pub mod report;
pub mod serve;
pub mod transfer;
pub mod user;

use anyhow::{Context, Result};
use homeward_store::Store;
use tracing_subscriber::EnvFilter;

use crate::settings::Settings;

/// How a command ended when it could run.
pub enum Outcome {
    /// All good.
    Ok,
    /// The command ran and found a problem it reported (exit code 1).
    Problem,
}

/// Logs to stderr, text or JSON; `RUST_LOG` refines the level.
pub fn init_logging(settings: &Settings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == "json" {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// Opens the store described by the settings.
pub async fn open_store(settings: &Settings) -> Result<Store> {
    open(settings.store_settings()?).await
}

/// Opens the demo's store: a new data directory's key may be wrapped with the demo passphrase.
pub async fn open_demo_store(settings: &Settings) -> Result<Store> {
    open(settings.demo_store_settings()?).await
}

async fn open(s: homeward_store::StoreSettings) -> Result<Store> {
    Store::open(&s)
        .await
        .with_context(|| format!("opening the database {}", s.redacted_url()))
}
