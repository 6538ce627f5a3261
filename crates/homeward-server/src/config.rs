//! Server settings (the listener addresses live with the binary that binds them).

use std::time::Duration;

/// How many login attempts are let through (see [`crate::ratelimit`]).
#[derive(Debug, Clone)]
pub struct LoginLimits {
    /// Attempts in a burst at one username from one address.
    pub per_account_burst: u32,
    /// One more attempt at a username from an address after this long.
    pub per_account_period: Duration,
    /// Attempts in a burst from one address.
    pub per_address_burst: u32,
    /// One more attempt from an address after this long.
    pub per_address_period: Duration,
    /// Failed attempts at one username, from all addresses together, before it is guarded.
    pub account_failures_burst: u32,
    /// One more failure is allowed after this long.
    pub account_failures_period: Duration,
    /// How long a guarded account only lets in the addresses it logged in from before.
    pub account_guard: Duration,
    /// Throttled attempts (one username, address and reason) within this long are written to
    /// the audit trail as one counted entry after the first (see [`crate::refusal_log`]).
    pub audit_fold_window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account_burst: 5,
            per_account_period: Duration::from_secs(60),
            per_address_burst: 20,
            per_address_period: Duration::from_secs(6),
            account_failures_burst: 20,
            account_failures_period: Duration::from_secs(60),
            account_guard: Duration::from_secs(15 * 60),
            audit_fold_window: Duration::from_secs(60),
        }
    }
}

/// Settings the request handlers need.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark session cookies `Secure` (keep on; browsers accept it on localhost too).
    pub cookie_secure: bool,
    /// Idle time after which a session ends.
    pub session_idle: Duration,
    /// Longest life of a browser session.
    pub web_session_lifetime: Duration,
    /// Longest life of an API token.
    pub api_token_lifetime: Duration,
    /// Login attempt limits.
    pub login_limits: LoginLimits,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Connection cap and the header, body and whole-request deadlines.
    pub connections: crate::serve::ConnectionLimits,
    /// Match probability at which a potential match is proposed to caseworkers.
    pub match_threshold: f64,
    /// Deadlines, follow-up intervals and the minimum tracing period (the figures the
    /// standards leave open).
    pub workflow: homeward_domain::workflow::WorkflowSettings,
    /// The emergency flag: while on, adoption and other permanent care are locked (R3).
    pub emergency_active: bool,
    /// Checklist weights, thresholds and visit intervals of prevention work.
    pub prevention: homeward_domain::prevention::PreventionSettings,
    /// Proxies whose `X-Forwarded-For` is believed (see [`crate::client_address`]); none by
    /// default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            cookie_secure: true,
            session_idle: Duration::from_secs(30 * 60),
            web_session_lifetime: Duration::from_secs(12 * 3600),
            api_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            login_limits: LoginLimits::default(),
            max_body_bytes: 2 * 1024 * 1024,
            connections: crate::serve::ConnectionLimits::default(),
            match_threshold: 0.5,
            workflow: homeward_domain::workflow::WorkflowSettings::default(),
            emergency_active: true,
            prevention: homeward_domain::prevention::PreventionSettings::default(),
            trusted_proxies: Vec::new(),
        }
    }
}
