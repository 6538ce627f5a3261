//! Checking a username and password, for the API and the web interface alike: the throttle
//! of [`crate::ratelimit`], the password hash (unknown usernames cost as much as known ones),
//! an audit entry for every failed attempt and every throttled one (repeats folded into a
//! count by [`crate::refusal_log`]), and an alert to the account's owner and to every
//! administrator when failures from many places put the account under guard.

use std::net::IpAddr;
use std::time::Duration;

use homeward_auth::verify_password;
use homeward_store::{StoreError, User};
use serde_json::json;

use crate::AppState;

/// Why a login did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Too many attempts; try again after the wait.
    #[error("too many login attempts; wait {} seconds and try again", .0.as_secs().max(1))]
    Throttled(Duration),
    /// Wrong username or password, or a disabled account (not said which).
    #[error("the username or password is wrong, or the account is disabled")]
    BadCredentials,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password check could not run.
    #[error("the password check did not finish: {0}")]
    Hashing(String),
}

/// Checks a login; `via` (`api` or `web`) goes to the audit trail.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    address: IpAddr,
    via: &str,
) -> Result<User, LoginError> {
    let username = username.trim();
    // No account name or password holds a NUL, and PostgreSQL cannot even look one up (nor
    // store it in the audit entry): such an attempt is a wrong one, audited without the NUL.
    if username.contains('\0') || password.contains('\0') {
        state
            .store
            .audit(
                "anonymous",
                "session.login_failed",
                None,
                json!({"username": username.replace('\0', "\u{fffd}"), "address": address.to_string(), "via": via, "reason": "nul_character"}),
            )
            .await?;
        return Err(LoginError::BadCredentials);
    }
    if let Err(refusal) = state.login_limiter.check(username, address) {
        state
            .refusal_log
            .throttled(&state.store, username, address, refusal.reason(), via)
            .await?;
        return Err(LoginError::Throttled(refusal.wait()));
    }
    let user = state.store.user_by_username(username).await?;
    let hash = user.as_ref().map(|u| u.password_hash().to_string());
    let password = password.to_string();
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref()))
        .await
        .map_err(|e| LoginError::Hashing(e.to_string()))?;
    match user {
        Some(u) if ok && !u.disabled => {
            state.login_limiter.succeeded(username, address);
            Ok(u)
        }
        user => {
            state
                .store
                .audit(
                    "anonymous",
                    "session.login_failed",
                    None,
                    json!({"username": username, "address": address.to_string(), "via": via}),
                )
                .await?;
            if let Some(u) = user {
                if state.login_limiter.failed(username) {
                    tell_owner(state, &u).await?;
                }
            }
            Err(LoginError::BadCredentials)
        }
    }
}

/// Alerts the owner that their account is under guard, and the administrators, who can
/// see whether one account is being guessed or many; once per guard.
async fn tell_owner(state: &AppState, user: &User) -> Result<(), StoreError> {
    let guard = state.config.login_limits.account_guard;
    let minutes = guard.as_secs().div_ceil(60);
    state
        .store
        .create_alert(
            user.id,
            "login_attempts",
            None,
            json!({
                "message": format!("Many wrong passwords were tried for your account from several places. For {minutes} minutes only the devices you logged in from before can log in. If it was not you, tell your administrator and change your password."),
                "minutes": minutes,
            }),
        )
        .await?;
    for admin in state.store.list_users().await? {
        if admin.role != "administrator" || admin.disabled || admin.id == user.id {
            continue;
        }
        state
            .store
            .create_alert(
                admin.id,
                "account_guarded",
                None,
                json!({
                    "message": format!("Many wrong passwords were tried for the account `{}` from several places; for {minutes} minutes it can be logged into only from devices used before. If this repeats, or many accounts are named, someone is guessing: look at the audit trail (session.login_failed) and the addresses in it.", user.username),
                    "username": user.username,
                    "minutes": minutes,
                }),
            )
            .await?;
    }
    state
        .store
        .audit(
            "system",
            "session.account_guarded",
            Some(&user.id.to_string()),
            json!({"minutes": minutes}),
        )
        .await
}
