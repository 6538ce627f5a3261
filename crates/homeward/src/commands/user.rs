//! `homeward user`: add, list, disable, enable and reset the password of users.

use anyhow::{Context, Result};
use clap::Subcommand;
use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_store::Store;
use rand::Rng;

use super::{open_store, Outcome};
use crate::settings::Settings;

/// User commands.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from HOMEWARD_NEW_PASSWORD, or generated and printed once.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown to colleagues.
        #[arg(long)]
        display_name: String,
        /// caseworker, supervisor, community_volunteer, checkpoint_officer, government_officer, analyst or administrator.
        #[arg(long)]
        role: String,
        /// Agency name.
        #[arg(long)]
        agency: String,
        /// Team name within the agency (created if new).
        #[arg(long)]
        team: Option<String>,
        /// own, team, agency or all (default: the role's).
        #[arg(long)]
        scope: Option<String>,
        /// Interface language: en, as, bn or hi.
        #[arg(long)]
        language: Option<String>,
        /// Create the agency if it does not exist yet.
        #[arg(long)]
        create_agency: bool,
    },
    /// List users.
    List,
    /// Stop a user from logging in and end their sessions.
    Disable {
        /// Login name.
        username: String,
    },
    /// Let a disabled user log in again.
    Enable {
        /// Login name.
        username: String,
    },
    /// Set a new password (from HOMEWARD_NEW_PASSWORD, or generated and printed once).
    ResetPassword {
        /// Login name.
        username: String,
    },
}

const SYSTEM: &str = "system:cli";

/// A password from the environment, or a generated one that is printed.
fn new_password() -> (String, bool) {
    match std::env::var("HOMEWARD_NEW_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => {
            const WORDS: &[&str] = &[
                "river", "bamboo", "monsoon", "tea", "boat", "rice", "lamp", "kite", "drum",
                "bridge", "island", "mango", "cloud", "field", "heron", "silk",
            ];
            let mut rng = rand::thread_rng();
            let words: Vec<&str> = (0..4)
                .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                .collect();
            (
                format!("{}-{}", words.join("-"), rng.gen_range(10..100)),
                true,
            )
        }
    }
}

async fn find(store: &Store, username: &str) -> Result<homeward_store::User> {
    store
        .user_by_username(username)
        .await?
        .with_context(|| format!("there is no user `{username}`; `homeward user list` shows them"))
}

/// Runs a user command.
pub async fn run(settings: &Settings, c: UserCommand) -> Result<Outcome> {
    let store = open_store(settings).await?;
    let outcome = match c {
        UserCommand::Add {
            username,
            display_name,
            role,
            agency,
            team,
            scope,
            language,
            create_agency,
        } => {
            if create_agency {
                store.ensure_agency(SYSTEM, &agency).await?;
            }
            let (password, generated) = new_password();
            let req = NewUserRequest {
                username,
                display_name,
                password: password.clone(),
                role,
                scope,
                agency,
                team,
                language,
            };
            let user = add_user(&store, SYSTEM, req)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "added {} ({}, {} scope)",
                user.username,
                user.role,
                user.scope.as_str()
            );
            if generated {
                println!("password: {password}\n(shown once; give it to the user in person)");
            }
            Outcome::Ok
        }
        UserCommand::List => {
            let agencies = store.list_agencies().await?;
            println!(
                "{:<20} {:<20} {:<8} {:<28} STATUS",
                "USERNAME", "ROLE", "SCOPE", "AGENCY"
            );
            for u in store.list_users().await? {
                let agency = agencies
                    .iter()
                    .find(|a| a.id == u.agency_id)
                    .map_or("?", |a| a.name.as_str());
                println!(
                    "{:<20} {:<20} {:<8} {:<28} {}",
                    u.username,
                    u.role,
                    u.scope.as_str(),
                    agency,
                    if u.disabled { "disabled" } else { "active" }
                );
            }
            Outcome::Ok
        }
        UserCommand::Disable { username } => {
            let u = find(&store, &username).await?;
            store.set_user_disabled(SYSTEM, u.id, true).await?;
            println!("{username} is disabled and logged out everywhere");
            Outcome::Ok
        }
        UserCommand::Enable { username } => {
            let u = find(&store, &username).await?;
            store.set_user_disabled(SYSTEM, u.id, false).await?;
            println!("{username} can log in again");
            Outcome::Ok
        }
        UserCommand::ResetPassword { username } => {
            let u = find(&store, &username).await?;
            let (password, generated) = new_password();
            let hash =
                homeward_auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            store.set_user_password(SYSTEM, u.id, &hash).await?;
            println!("the password of {username} was reset and their sessions ended");
            if generated {
                println!("password: {password}\n(shown once; give it to the user in person)");
            }
            Outcome::Ok
        }
    };
    store.close().await;
    Ok(outcome)
}
