//! Login sessions: browser sessions (cookie plus CSRF token) and API bearer tokens. Only a
//! digest of each token is stored, and every session has an idle and an absolute expiry.

use chrono::{Duration, Utc};
use homeward_domain::UserId;
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::time;
use crate::users::{user_row, User, USER_COLUMNS};

/// How the client holds the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser: the token is in an HttpOnly cookie and writes need the CSRF token.
    Web,
    /// An API client: the token is sent as `Authorization: Bearer`.
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Web or API.
    pub kind: SessionKind,
    /// The token that must accompany cookie-authenticated writes.
    pub csrf_token: String,
    /// The logged-in user.
    pub user: User,
}

impl Store {
    /// Stores a new session for the token digest, valid for `lifetime`.
    pub async fn create_session(
        &self,
        digest: &str,
        user: UserId,
        kind: SessionKind,
        csrf_token: &str,
        lifetime: Duration,
    ) -> StoreResult<()> {
        let now = Utc::now();
        sqlx::query("INSERT INTO sessions (token_digest, user_id, kind, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)")
            .bind(digest)
            .bind(user.to_string())
            .bind(kind.as_str())
            .bind(csrf_token)
            .bind(time::format(now))
            .bind(time::format(now + lifetime))
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::from_sqlx(e, "this session"))?;
        Ok(())
    }

    /// The live session for a token digest: not expired, not idle longer than `idle`, user enabled.
    /// Seeing it counts as activity.
    pub async fn find_session(&self, digest: &str, idle: Duration) -> StoreResult<Option<Session>> {
        let now = Utc::now();
        let sql = format!("SELECT s.kind, s.csrf_token, s.last_seen_at, s.expires_at, {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(digest)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let expires = time::parse(&row.try_get::<String, _>("expires_at")?);
        let last_seen = time::parse(&row.try_get::<String, _>("last_seen_at")?);
        let user = user_row(&row)?;
        let live = expires.is_some_and(|e| e > now)
            && last_seen.is_some_and(|l| now - l < idle)
            && !user.disabled;
        if !live {
            sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
                .bind(digest)
                .execute(self.pool())
                .await?;
            return Ok(None);
        }
        // Touch at most once a minute: a write per request would serialise all readers.
        if last_seen.is_some_and(|l| now - l > Duration::minutes(1)) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_digest = $2")
                .bind(time::format(now))
                .bind(digest)
                .execute(self.pool())
                .await?;
        }
        let kind = if row.try_get::<String, _>("kind")? == "api" {
            SessionKind::Api
        } else {
            SessionKind::Web
        };
        Ok(Some(Session {
            kind,
            csrf_token: row.try_get("csrf_token")?,
            user,
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&self, digest: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
            .bind(digest)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
