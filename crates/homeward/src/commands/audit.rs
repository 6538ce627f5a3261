//! `homeward audit verify`: walks the keyed hash chain and names the first broken entry, and
//! checks anchors kept outside the database; `homeward audit anchor` prints one.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use homeward_store::{AuditAnchor, AuditVerdict};

use super::{open_store, Outcome};
use crate::settings::Settings;

/// Audit commands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check that no audit entry was changed or removed.
    Verify {
        /// Also check the anchors in this file (one JSON line each, as `audit anchor` prints,
        /// `backup` writes beside a backup and the server logs at start-up): each must be
        /// genuine and its entry still in the trail.
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Print the head of the audit trail with its MAC, as one JSON line to keep outside the
    /// database (append it to a log on another machine, for one).
    Anchor,
}

/// Runs an audit command.
pub async fn run(settings: &Settings, c: AuditCommand) -> Result<Outcome> {
    let store = open_store(settings).await?;
    match c {
        AuditCommand::Anchor => {
            let anchor = store.audit_anchor().await?;
            store.close().await;
            println!("{}", serde_json::to_string(&anchor)?);
            Ok(Outcome::Ok)
        }
        AuditCommand::Verify { anchor } => {
            let verdict = store.audit_verify().await?;
            let mut anchors_checked = 0;
            if let (AuditVerdict::Intact { .. }, Some(path)) = (&verdict, &anchor) {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the anchors in {}", path.display()))?;
                for (n, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    let a: AuditAnchor = serde_json::from_str(line.trim()).with_context(|| {
                        format!(
                            "{} line {}: not an anchor as `homeward audit anchor` prints it",
                            path.display(),
                            n + 1
                        )
                    })?;
                    if let Some(problem) = store.audit_verify_anchor(&a).await? {
                        store.close().await;
                        println!(
                            "BROKEN at entry {}: {problem} (anchor on line {} of {})",
                            a.seq,
                            n + 1,
                            path.display()
                        );
                        return Ok(Outcome::Problem);
                    }
                    anchors_checked += 1;
                }
            }
            store.close().await;
            match verdict {
                AuditVerdict::Intact { entries } => {
                    let anchors = match &anchor {
                        Some(path) => format!(
                            ", and agrees with every anchor in {} ({anchors_checked})",
                            path.display()
                        ),
                        None => String::new(),
                    };
                    println!("OK: the audit trail is intact ({entries} entries){anchors}");
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
