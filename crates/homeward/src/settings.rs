//! Effective settings: built-in defaults, then `homeward.toml` (or `--config FILE`), then
//! `HOMEWARD_*` environment variables (`__` for nesting), then command-line flags.
//!
//! With nothing configured, Homeward keeps everything in `./homeward-data`: the SQLite file and,
//! on first start, a generated key file wrapped with a passphrase (see [`crate::key_file`]).
//! Production servers may take the key from the environment or a mounted secret instead.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use homeward_store::{EncryptionKey, StoreSettings};
use secrecy::SecretString;
use serde::Deserialize;

/// The example configuration, printed by `homeward config --example`.
pub const EXAMPLE: &str = include_str!("../homeward.example.toml");

/// All settings.
#[derive(Deserialize)]
pub struct Settings {
    /// Where the SQLite database and key file live by default.
    pub data_dir: PathBuf,
    /// `sqlite:///path` or `postgres://user:password@host/db`; empty means SQLite in `data_dir`.
    pub database_url: String,
    /// The data key as base64 or hex; wins over `key_file`.
    pub key: Option<SecretString>,
    /// File holding the data key; empty means `data_dir/homeward.key`.
    pub key_file: String,
    /// File holding the passphrase of a wrapped key file (for example on a USB token).
    pub key_passphrase_file: String,
    /// Address the web interface and API listen on.
    pub listen: SocketAddr,
    /// Address of the Prometheus metrics listener; empty to disable.
    pub metrics_listen: String,
    /// Name of this node in the change log.
    pub device: String,
    /// Mark session cookies Secure.
    pub cookie_secure: bool,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: u64,
    /// `text` or `json` logs.
    pub log_format: String,
    /// Match probability from which a potential match is proposed.
    pub match_threshold: f64,
    /// Proxies whose `X-Forwarded-For` names the client (comma-separated addresses or
    /// networks); empty: the header is ignored.
    pub trusted_proxies: String,
    /// The emergency flag: while true, adoption and other permanent care are locked.
    pub emergency_active: bool,
    /// Workflow figures the standards leave open (deadlines, follow-up intervals, the minimum
    /// tracing period before permanent care).
    pub workflow: homeward_domain::workflow::WorkflowSettings,
    /// Checklist weights, thresholds and household visit intervals (`[prevention]`).
    #[serde(default)]
    pub prevention: homeward_domain::prevention::PreventionSettings,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Flags that override the settings.
#[derive(Default)]
pub struct Overrides {
    /// `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    pub database_url: Option<String>,
    /// `--listen`.
    pub listen: Option<SocketAddr>,
}

impl Settings {
    /// Loads the layers.
    pub fn load(o: &Overrides) -> Result<Self> {
        let mut b = config::Config::builder()
            .set_default("data_dir", "homeward-data")?
            .set_default("database_url", "")?
            .set_default("key_file", "")?
            .set_default("key_passphrase_file", "")?
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("metrics_listen", "127.0.0.1:9464")?
            .set_default("device", default_device())?
            .set_default("cookie_secure", true)?
            .set_default("session_idle_minutes", 30)?
            .set_default("log_format", "text")?
            .set_default("match_threshold", 0.5)?
            .set_default("trusted_proxies", "")?
            .set_default("emergency_active", true)?
            .set_default("workflow.registration_deadline_hours", 24)?
            .set_default("workflow.tracing_start_deadline_hours", 48)?
            .set_default("workflow.minimum_tracing_days", 730)?
            .set_default("workflow.followup_days_high", vec![7, 30, 90, 180])?
            .set_default("workflow.followup_days_medium", vec![14, 60, 180])?
            .set_default("workflow.followup_days_low", vec![30, 90])?;
        match &o.config_file {
            Some(path) => {
                if !path.exists() {
                    bail!("the configuration file {} does not exist", path.display());
                }
                b = b.add_source(config::File::from(path.as_path()));
            }
            None => {
                b = b.add_source(
                    config::File::new("homeward.toml", config::FileFormat::Toml).required(false),
                )
            }
        }
        b = b.add_source(
            config::Environment::with_prefix("HOMEWARD")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true),
        );
        if let Some(d) = &o.data_dir {
            b = b.set_override("data_dir", d.to_string_lossy().to_string())?;
        }
        if let Some(u) = &o.database_url {
            b = b.set_override("database_url", u.clone())?;
        }
        if let Some(l) = &o.listen {
            b = b.set_override("listen", l.to_string())?;
        }
        let settings: Settings = b
            .build()
            .context("reading the configuration")?
            .try_deserialize()
            .context("the configuration has a wrong value (see `homeward config --example` for the expected form)")?;
        settings
            .prevention
            .check()
            .map_err(|e| anyhow::anyhow!(e))?;
        if !(0.05..=1.0).contains(&settings.match_threshold) {
            bail!(
                "match_threshold must be between 0.05 and 1, not {}",
                settings.match_threshold
            );
        }
        homeward_server::client_address::parse_trusted(&settings.trusted_proxies)
            .map_err(|e| anyhow::anyhow!(e))?;
        if !matches!(settings.log_format.as_str(), "text" | "json") {
            bail!(
                "log_format must be `text` or `json`, not `{}`",
                settings.log_format
            );
        }
        Ok(settings)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}",
                self.data_dir.join("homeward.sqlite3").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The key file in effect.
    pub fn key_file(&self) -> PathBuf {
        if self.key_file.is_empty() {
            self.data_dir.join("homeward.key")
        } else {
            PathBuf::from(&self.key_file)
        }
    }

    /// The SQLite database file, or None on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url();
        if url.starts_with("postgres") {
            return None;
        }
        Some(PathBuf::from(
            url.trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:"),
        ))
    }

    /// Whether the database is a SQLite file that does not exist yet.
    pub fn is_new_sqlite_database(&self) -> bool {
        self.sqlite_path().is_some_and(|p| !p.exists())
    }

    /// Settings for the store.
    pub fn store_settings(&self) -> Result<StoreSettings> {
        self.store_settings_with(crate::key_file::data_key(self, false)?)
    }

    /// Settings for the demo's store: a new data directory may use the demo passphrase.
    pub fn demo_store_settings(&self) -> Result<StoreSettings> {
        self.store_settings_with(crate::key_file::data_key(self, true)?)
    }

    fn store_settings_with(&self, key: Option<EncryptionKey>) -> Result<StoreSettings> {
        let mut s = StoreSettings::new(self.database_url(), key);
        s.device = self.device.clone();
        Ok(s)
    }

    /// The settings as TOML, with secrets hidden.
    pub fn render(&self) -> String {
        let url = homeward_store::StoreSettings::new(self.database_url(), None).redacted_url();
        let key = match &self.key {
            Some(_) => "\"***\" (from HOMEWARD_KEY or the configuration)".to_string(),
            None => format!("(none: read from key_file {})", self.key_file().display()),
        };
        let passphrase_file = if self.key_passphrase_file.is_empty() {
            String::new()
        } else {
            format!("key_passphrase_file = {:?}\n", self.key_passphrase_file)
        };
        format!(
            "data_dir = {:?}\ndatabase_url = {:?}\nkey = {key}\nkey_file = {:?}\n{passphrase_file}listen = \"{}\"\nmetrics_listen = {:?}\ndevice = {:?}\ncookie_secure = {}\nsession_idle_minutes = {}\nlog_format = {:?}\nmatch_threshold = {}\ntrusted_proxies = {:?}\nemergency_active = {}\n\n[workflow]\nregistration_deadline_hours = {}\ntracing_start_deadline_hours = {}\nminimum_tracing_days = {}\nfollowup_days_high = {:?}\nfollowup_days_medium = {:?}\nfollowup_days_low = {:?}\n",
            self.data_dir.display().to_string(),
            url,
            self.key_file().display().to_string(),
            self.listen,
            self.metrics_listen,
            self.device,
            self.cookie_secure,
            self.session_idle_minutes,
            self.log_format,
            self.match_threshold,
            self.trusted_proxies,
            self.emergency_active,
            self.workflow.registration_deadline_hours,
            self.workflow.tracing_start_deadline_hours,
            self.workflow.minimum_tracing_days,
            self.workflow.followup_days_high,
            self.workflow.followup_days_medium,
            self.workflow.followup_days_low,
        ) + &self.render_prevention()
    }

    fn render_prevention(&self) -> String {
        let p = &self.prevention;
        let table = |w: &std::collections::BTreeMap<String, u32>| {
            let items: Vec<String> = w.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", items.join(", "))
        };
        format!(
            "\n[prevention]\nhome_visit_high = {}\nhome_visit_medium = {}\ncheckpoint_alert = {}\nscreening_threshold = {}\nscreening_sought_share = {}\nwatch_list_threshold = {}\nvisit_days_high = {}\nvisit_days_medium = {}\nvisit_days_low = {}\nhome_visit_weights = {}\ncheckpoint_weights = {}\n",
            p.home_visit_high,
            p.home_visit_medium,
            p.checkpoint_alert,
            p.screening_threshold,
            p.screening_sought_share,
            p.watch_list_threshold,
            p.visit_days_high,
            p.visit_days_medium,
            p.visit_days_low,
            table(&p.home_visit_weights),
            table(&p.checkpoint_weights),
        )
    }
}

fn default_device() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "homeward".into())
}
