//! `homeward backup` and `homeward restore` for the SQLite database.
//!
//! A backup is taken with SQLite's `VACUUM INTO` through the running store's own connection
//! pool semantics, so it is one consistent snapshot even while the server keeps writing. A
//! restore checks the backup opens with the configured key and that its audit trail is intact
//! before it replaces anything, and keeps the replaced database aside.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use homeward_store::{AuditVerdict, Store};

use super::{open_store, Outcome};
use crate::settings::Settings;

/// Writes a backup.
pub async fn backup(settings: &Settings, file: &Path) -> Result<Outcome> {
    let store = open_store(settings).await?;
    // Taken first: the backup holds at least the entries up to it.
    let anchor = store.audit_anchor().await?;
    store.backup_to(file).await?;
    store.close().await;
    let anchor_file = anchor_path(file);
    std::fs::write(
        &anchor_file,
        format!("{}\n", serde_json::to_string(&anchor)?),
    )
    .with_context(|| format!("cannot write the audit anchor {}", anchor_file.display()))?;
    println!("backup written to {} (it is encrypted with the same key as the database; keep the key apart), and its audit anchor to {} (`homeward audit verify --anchor` checks a database against it)", file.display(), anchor_file.display());
    Ok(Outcome::Ok)
}

/// The file beside a backup that holds the audit anchor taken with it.
pub fn anchor_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".audit-anchor");
    PathBuf::from(name)
}

fn sqlite_path(settings: &Settings) -> Result<PathBuf> {
    let url = settings.database_url();
    if url.starts_with("postgres") {
        bail!("`homeward restore` restores SQLite databases; restore PostgreSQL with pg_restore");
    }
    Ok(PathBuf::from(
        url.trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:"),
    ))
}

/// Restores a backup in place of the database.
pub async fn restore(settings: &Settings, file: &Path, force: bool) -> Result<Outcome> {
    if !file.exists() {
        bail!("the backup {} does not exist", file.display());
    }
    let target = sqlite_path(settings)?;
    // Check the backup on a scratch copy: opening runs migrations and must not touch the original.
    let scratch = tempfile_path(&target)?;
    std::fs::copy(file, &scratch).with_context(|| format!("copying {}", file.display()))?;
    let mut s = settings.store_settings()?;
    s.url = format!("sqlite://{}", scratch.display());
    let checked = match Store::open(&s).await {
        Ok(store) => {
            let verdict = store.audit_verify().await;
            store.close().await;
            verdict
        }
        Err(e) => {
            let _ = std::fs::remove_file(&scratch);
            return Err(anyhow::Error::new(e).context(format!(
                "the backup {} cannot be opened with the configured key",
                file.display()
            )));
        }
    };
    match checked {
        Ok(AuditVerdict::Intact { .. }) => {}
        Ok(AuditVerdict::Broken { seq, reason }) => {
            let _ = std::fs::remove_file(&scratch);
            bail!(
                "the backup's audit trail is broken at entry {seq} ({reason}); it was not restored"
            );
        }
        Err(e) => {
            let _ = std::fs::remove_file(&scratch);
            return Err(e.into());
        }
    }
    if target.exists() {
        if !force {
            let _ = std::fs::remove_file(&scratch);
            bail!("{} already exists; stop the server and run again with --force to replace it (the current database is kept as a .before-restore copy)", target.display());
        }
        let aside = target.with_extension("sqlite3.before-restore");
        std::fs::rename(&target, &aside)
            .with_context(|| format!("moving the current database aside to {}", aside.display()))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
            }
        }
        println!("the previous database was kept as {}", aside.display());
    }
    std::fs::rename(&scratch, &target)
        .with_context(|| format!("putting the backup in place at {}", target.display()))?;
    println!("restored {} to {}", file.display(), target.display());
    Ok(Outcome::Ok)
}

fn tempfile_path(target: &Path) -> Result<PathBuf> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    Ok(dir.join(format!(
        ".restore-{}.sqlite3",
        uuid::Uuid::new_v4().simple()
    )))
}
