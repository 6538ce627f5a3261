//! Who runs an import or an export: an operator who proves it, as anyone logging in does.
//!
//! `--as USERNAME` used to be taken on trust, so whoever could run the binary exported as any
//! user. Now the operator gives that account's password (`HOMEWARD_PASSWORD`, or one line on
//! standard input with `--password-stdin`) or an API token of that account
//! (`HOMEWARD_TOKEN`, from `POST /api/v1/sessions` with `kind: "api"`). Never a password on the
//! command line, where `ps` shows it to every user of the machine. A failed attempt is audited
//! as a failed login is; a successful one names how the operator proved it, and the export's
//! audit entry says so.

use std::io::BufRead;

use anyhow::{bail, Context, Result};
use clap::Args;
use homeward_auth::{token_digest, verify_password};
use homeward_store::{Store, User};
use serde_json::json;
use zeroize::Zeroizing;

/// The environment variable holding the operator's password.
pub const PASSWORD_ENV: &str = "HOMEWARD_PASSWORD";
/// The environment variable holding an API token of the operator's account.
pub const TOKEN_ENV: &str = "HOMEWARD_TOKEN";

/// `--as USERNAME [--password-stdin]`, shared by every command that acts as a user.
#[derive(Args, Debug)]
pub struct OperatorArgs {
    /// The account this runs as: its agency, team, scope and role decide what is read or
    /// written. Prove it with HOMEWARD_PASSWORD, --password-stdin or HOMEWARD_TOKEN.
    #[arg(long = "as", value_name = "USERNAME")]
    pub as_user: String,
    /// Read the user's password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

impl OperatorArgs {
    /// The operator's credential, from standard input or the environment.
    pub fn credential(&self) -> Result<Credential> {
        Credential::gather(self.password_stdin, &self.as_user)
    }
}

/// What the operator proves who they are with.
pub enum Credential {
    /// The account's password.
    Password(Zeroizing<String>),
    /// An API token of the account.
    Token(Zeroizing<String>),
}

impl Credential {
    /// The credential from the environment, or from standard input when asked.
    pub fn gather(password_stdin: bool, username: &str) -> Result<Self> {
        if password_stdin {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let password = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
            return Ok(Self::Password(password));
        }
        if let Some(token) = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
            return Ok(Self::Token(Zeroizing::new(token)));
        }
        if let Some(pw) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
            return Ok(Self::Password(Zeroizing::new(pw)));
        }
        bail!(
            "this needs `{username}` to prove who they are: set {PASSWORD_ENV} to the account's password, pipe it in with --password-stdin, or set {TOKEN_ENV} to an API token of the account (POST /api/v1/sessions with \"kind\": \"api\")"
        )
    }

    /// How the operator proved it, for the audit trail.
    pub fn method(&self) -> &'static str {
        match self {
            Self::Password(_) => "password",
            Self::Token(_) => "api_token",
        }
    }
}

/// Checks the credential against the account; the user on success.
pub async fn authenticate(store: &Store, username: &str, credential: &Credential) -> Result<User> {
    let user = store.user_by_username(username.trim()).await?;
    let ok = match (credential, &user) {
        (Credential::Password(pw), _) => {
            let hash = user.as_ref().map(|u| u.password_hash().to_string());
            let pw = pw.clone();
            // Unknown usernames cost a hash check too, as at the login page.
            tokio::task::spawn_blocking(move || verify_password(&pw, hash.as_deref()))
                .await
                .context("checking the password")?
        }
        (Credential::Token(token), Some(u)) => {
            // An API token lives as long as the server lets it; idleness is the server's
            // business, so only its expiry and the account count here.
            let idle = chrono::Duration::days(3650);
            store
                .find_session(&token_digest(token), idle)
                .await?
                .is_some_and(|s| s.user.id == u.id)
        }
        (Credential::Token(_), None) => false,
    };
    match user {
        Some(u) if ok && !u.disabled => Ok(u),
        _ => {
            store
                .audit(
                    "anonymous",
                    "session.login_failed",
                    None,
                    json!({"username": username.trim(), "via": "cli", "method": credential.method()}),
                )
                .await?;
            bail!(
                "the {} given for `{}` is wrong, or the account is disabled; nothing was done",
                match credential {
                    Credential::Password(_) => "password",
                    Credential::Token(_) => "API token",
                },
                username.trim()
            )
        }
    }
}
