//! `homeward audit verify`: walks the hash chain and names the first broken entry.

use anyhow::Result;
use clap::Subcommand;
use homeward_store::AuditVerdict;

use super::{open_store, Outcome};
use crate::settings::Settings;

/// Audit commands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check that no audit entry was changed or removed.
    Verify,
}

/// Runs an audit command.
pub async fn run(settings: &Settings, c: AuditCommand) -> Result<Outcome> {
    let store = open_store(settings).await?;
    match c {
        AuditCommand::Verify => {
            let verdict = store.audit_verify().await?;
            store.close().await;
            match verdict {
                AuditVerdict::Intact { entries } => {
                    println!("OK: the audit trail is intact ({entries} entries)");
                    Ok(Outcome::Ok)
                }
                AuditVerdict::Broken { seq, reason } => {
                    println!("BROKEN at entry {seq}: {reason}");
                    Ok(Outcome::Problem)
                }
            }
        }
    }
}
