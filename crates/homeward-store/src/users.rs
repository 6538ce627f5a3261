//! Agencies, teams and users as stored. Roles are kept as their names: what a role may do is
//! decided by the auth crate, not by the database.

use homeward_domain::{AgencyId, Scope, TeamId, UserId};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::time;

/// An organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Agency {
    /// Id.
    pub id: AgencyId,
    /// Name, unique.
    pub name: String,
}

/// A team inside an agency.
#[derive(Debug, Clone, Serialize)]
pub struct Team {
    /// Id.
    pub id: TeamId,
    /// Its agency.
    pub agency_id: AgencyId,
    /// Name, unique within the agency.
    pub name: String,
}

/// A user as stored (the password hash never leaves the store except for login checks).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role name.
    pub role: String,
    /// Record scope.
    pub scope: Scope,
    /// Agency.
    pub agency_id: AgencyId,
    /// Team, if any.
    pub team_id: Option<TeamId>,
    /// Interface language.
    pub language: String,
    /// The committee a community volunteer belongs to (its reference).
    pub committee: Option<String>,
    /// Disabled users cannot log in and their sessions stop working.
    pub disabled: bool,
    /// When created.
    pub created_at: String,
    #[serde(skip)]
    pub(crate) password_hash: String,
}

impl User {
    /// The stored argon2id hash, for checking a login.
    pub fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

/// What is needed to add a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// argon2id hash of the initial password.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Record scope.
    pub scope: Scope,
    /// Agency.
    pub agency_id: AgencyId,
    /// Team.
    pub team_id: Option<TeamId>,
    /// Interface language.
    pub language: String,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.scope, u.agency_id, u.team_id, u.language, u.committee, u.disabled, u.created_at";

pub(crate) fn user_row(r: &AnyRow) -> StoreResult<User> {
    let corrupt = |w: &str| StoreError::Corrupt(format!("user {w}"));
    Ok(User {
        id: r
            .try_get::<String, _>("id")?
            .parse()
            .map_err(|_| corrupt("id"))?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        role: r.try_get("role")?,
        scope: Scope::parse(&r.try_get::<String, _>("scope")?).ok_or_else(|| corrupt("scope"))?,
        agency_id: r
            .try_get::<String, _>("agency_id")?
            .parse()
            .map_err(|_| corrupt("agency"))?,
        team_id: r
            .try_get::<Option<String>, _>("team_id")?
            .and_then(|t| t.parse().ok()),
        language: r.try_get("language")?,
        committee: r.try_get("committee")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

fn valid_username(name: &str) -> StoreResult<()> {
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!("`{name}` is not a usable username: use 3 to 64 lower-case letters, digits, dots, hyphens or underscores")))
    }
}

impl Store {
    /// Adds an agency, or returns the existing one of that name.
    pub async fn ensure_agency(&self, actor: &str, name: &str) -> StoreResult<Agency> {
        if let Some(a) = self.agency_by_name(name).await? {
            return Ok(a);
        }
        let id = AgencyId::new();
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO agencies (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(name)
            .bind(time::now_text())
            .execute(&mut *w.tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "an agency of this name"))?;
        w.audit(
            actor,
            "agency.create",
            Some(&id.to_string()),
            &json!({"name": name}),
        )
        .await?;
        w.commit().await?;
        Ok(Agency {
            id,
            name: name.to_string(),
        })
    }

    /// An agency by name.
    pub async fn agency_by_name(&self, name: &str) -> StoreResult<Option<Agency>> {
        let row = sqlx::query("SELECT id, name FROM agencies WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(Agency {
                id: r
                    .try_get::<String, _>("id")?
                    .parse()
                    .map_err(|_| StoreError::Corrupt("agency id".into()))?,
                name: r.try_get("name")?,
            })
        })
        .transpose()
    }

    /// All agencies.
    pub async fn list_agencies(&self) -> StoreResult<Vec<Agency>> {
        let rows = sqlx::query("SELECT id, name FROM agencies ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Agency {
                    id: r
                        .try_get::<String, _>("id")?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("agency id".into()))?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// Adds a team to an agency, or returns the existing one of that name.
    pub async fn ensure_team(
        &self,
        actor: &str,
        agency: AgencyId,
        name: &str,
    ) -> StoreResult<Team> {
        let existing = sqlx::query("SELECT id FROM teams WHERE agency_id = $1 AND name = $2")
            .bind(agency.to_string())
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        if let Some(r) = existing {
            let id = r
                .try_get::<String, _>("id")?
                .parse()
                .map_err(|_| StoreError::Corrupt("team id".into()))?;
            return Ok(Team {
                id,
                agency_id: agency,
                name: name.to_string(),
            });
        }
        let id = TeamId::new();
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO teams (id, agency_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(agency.to_string())
            .bind(name)
            .bind(time::now_text())
            .execute(&mut *w.tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "a team of this name"))?;
        w.audit(
            actor,
            "team.create",
            Some(&id.to_string()),
            &json!({"name": name, "agency": agency.to_string()}),
        )
        .await?;
        w.commit().await?;
        Ok(Team {
            id,
            agency_id: agency,
            name: name.to_string(),
        })
    }

    /// Adds a user.
    pub async fn create_user(&self, actor: &str, new: &NewUser) -> StoreResult<User> {
        valid_username(&new.username)?;
        let id = UserId::new();
        let now = time::now_text();
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO users (id, username, display_name, password_hash, role, scope, agency_id, team_id, language, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)")
            .bind(id.to_string())
            .bind(&new.username)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(&new.role)
            .bind(new.scope.as_str())
            .bind(new.agency_id.to_string())
            .bind(new.team_id.map(|t| t.to_string()))
            .bind(&new.language)
            .bind(&now)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, &format!("a user named `{}`", new.username)))?;
        w.audit(
            actor,
            "user.create",
            Some(&id.to_string()),
            &json!({"username": new.username, "role": new.role}),
        )
        .await?;
        w.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    /// A user by login name.
    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"
        ))
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_row).transpose()
    }

    /// A user by id.
    pub async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_row).transpose()
    }

    /// All users, by username.
    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_row).collect()
    }

    /// Disables or re-enables a user; disabling also ends all their sessions.
    pub async fn set_user_disabled(
        &self,
        actor: &str,
        id: UserId,
        disabled: bool,
    ) -> StoreResult<User> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(time::now_text())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
        w.audit(
            actor,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            Some(&id.to_string()),
            &json!({}),
        )
        .await?;
        w.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    /// Replaces a user's password hash and ends their sessions.
    pub async fn set_user_password(
        &self,
        actor: &str,
        id: UserId,
        password_hash: &str,
    ) -> StoreResult<()> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(time::now_text())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?;
        w.audit(
            actor,
            "user.password_reset",
            Some(&id.to_string()),
            &json!({}),
        )
        .await?;
        w.commit().await
    }

    /// Puts a user in a committee (a community volunteer sees its households, visits and
    /// activities), or takes them out of it.
    pub async fn set_user_committee(
        &self,
        actor: &str,
        id: UserId,
        committee: Option<&homeward_domain::Reference>,
    ) -> StoreResult<User> {
        let mut w = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET committee = $1, updated_at = $2 WHERE id = $3")
            .bind(committee.map(|c| c.to_string()))
            .bind(time::now_text())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        w.audit(
            actor,
            "user.committee",
            Some(&id.to_string()),
            &json!({"committee": committee.map(|c| c.to_string())}),
        )
        .await?;
        w.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a user's role, scope, display name or language.
    pub async fn update_user(
        &self,
        actor: &str,
        id: UserId,
        role: Option<&str>,
        scope: Option<Scope>,
        display_name: Option<&str>,
        language: Option<&str>,
    ) -> StoreResult<User> {
        let current = self.user_by_id(id).await?.ok_or(StoreError::NotFound)?;
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE users SET role = $1, scope = $2, display_name = $3, language = $4, updated_at = $5 WHERE id = $6")
            .bind(role.unwrap_or(&current.role))
            .bind(scope.unwrap_or(current.scope).as_str())
            .bind(display_name.unwrap_or(&current.display_name))
            .bind(language.unwrap_or(&current.language))
            .bind(time::now_text())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?;
        let mut changed = Vec::new();
        if role.is_some() {
            changed.push("role");
        }
        if scope.is_some() {
            changed.push("scope");
        }
        if display_name.is_some() {
            changed.push("display_name");
        }
        if language.is_some() {
            changed.push("language");
        }
        w.audit(
            actor,
            "user.update",
            Some(&id.to_string()),
            &json!({"fields": changed}),
        )
        .await?;
        w.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }
}
