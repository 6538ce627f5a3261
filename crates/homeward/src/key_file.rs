//! The data key: where it comes from, and the key file that holds it wrapped.
//!
//! In this order: `key` / `HOMEWARD_KEY` (a server's secret store), else the key file. A wrapped
//! key file opens with its passphrase (see [`crate::passphrase`]). A key file in clear is refused
//! when it lies beside the database, where a copied laptop gives it away with the data; elsewhere
//! (a USB token, a mounted secret) it is read as before. A brand-new SQLite database gets a new
//! key, wrapped with a passphrase the operator gives; only `homeward demo`, whose data is
//! invented, may fall back to the public [`DEMO_PASSPHRASE`], and that file says so on every
//! start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use homeward_store::{EncryptionKey, WrapError, WrappedKey};
use secrecy::ExposeSecret;

use crate::passphrase::{self, Passphrase};
use crate::settings::Settings;

/// The passphrase of demo key files. Public on purpose: demo data is invented, and the demo
/// must start on a fresh machine with nobody there to type anything.
pub const DEMO_PASSPHRASE: &str = "homeward-demo-key-PUBLIC-not-a-secret";

/// What a key file holds.
pub enum Stored {
    /// The key in clear (files written before keys were wrapped, or on a separate token).
    Clear(EncryptionKey),
    /// The key wrapped with a passphrase.
    Wrapped(WrappedKey),
}

/// Reads a key file.
pub fn read(path: &Path) -> Result<Stored> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("reading the key file {}", path.display()))?,
    );
    if WrappedKey::looks_wrapped(&text) {
        let w =
            WrappedKey::parse(&text).with_context(|| format!("the key file {}", path.display()))?;
        return Ok(Stored::Wrapped(w));
    }
    Ok(Stored::Clear(EncryptionKey::parse(&text).with_context(
        || format!("the key file {}", path.display()),
    )?))
}

/// The data key for these settings; `demo` lets a new data directory use the demo passphrase
/// when no other is given.
pub fn data_key(s: &Settings, demo: bool) -> Result<Option<EncryptionKey>> {
    if let Some(k) = &s.key {
        return Ok(Some(
            EncryptionKey::parse(k.expose_secret())
                .context("HOMEWARD_KEY (or `key` in homeward.toml)")?,
        ));
    }
    let file = s.key_file();
    if file.exists() {
        return match read(&file)? {
            Stored::Wrapped(w) => open(s, &w, &file).map(Some),
            Stored::Clear(key) if !beside_data(s, &file) => Ok(Some(key)),
            Stored::Clear(_) => bail!(
                "the key file {} holds the data key in clear beside the database: anyone who copies this directory can read every child's record. Wrap it with a passphrase by running `homeward key wrap` (nothing else changes), or move the key to HOMEWARD_KEY or to a key_file on a separate token. Nothing was opened.",
                file.display()
            ),
        };
    }
    if s.is_new_sqlite_database() {
        return create(s, &file, demo).map(Some);
    }
    Ok(None)
}

/// Opens a wrapped key file with the passphrase from its sources (three tries at a terminal).
pub fn open(s: &Settings, w: &WrappedKey, file: &Path) -> Result<EncryptionKey> {
    if w.is_demo() {
        eprintln!(
            "homeward: DEMO KEY: the key file {} is protected only by the public demo passphrase, so anyone who copies this directory can read it. Enter invented data only. To protect real data, set a passphrase with `homeward key passphrase`.",
            file.display()
        );
        return unwrap(w, DEMO_PASSPHRASE, "the demo passphrase", file);
    }
    if let Some(p) = passphrase::from_sources(&s.key_passphrase_file)? {
        return unwrap(w, &p.secret, &p.source, file);
    }
    if !passphrase::has_terminal() {
        bail!(
            "the data key is wrapped with a passphrase and none was given: {}. Nothing was started.",
            passphrase::how_to_give(file)
        );
    }
    for _ in 0..3 {
        let p = passphrase::ask(file)?;
        match w.unwrap_key(&p.secret) {
            Ok(k) => return Ok(k),
            Err(WrapError::WrongPassphrase) => eprintln!("That passphrase does not open it."),
            Err(e) => return Err(e.into()),
        }
    }
    bail!(
        "three wrong passphrases for the key file {}; nothing was started",
        file.display()
    )
}

fn unwrap(w: &WrappedKey, passphrase: &str, source: &str, file: &Path) -> Result<EncryptionKey> {
    let started = Instant::now();
    let key = w.unwrap_key(passphrase).map_err(|e| match e {
        WrapError::WrongPassphrase => anyhow::anyhow!(
            "the passphrase from {source} does not open the key file {}: it is not the passphrase the key was wrapped with (or the file was altered). Give the right one; nothing was started.",
            file.display()
        ),
        other => anyhow::Error::new(other).context(format!("the key file {}", file.display())),
    })?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "key file unwrapped"
    );
    Ok(key)
}

/// A new data key for a new data directory, wrapped and written to `file`.
fn create(s: &Settings, file: &Path, demo: bool) -> Result<EncryptionKey> {
    let (p, is_demo) = match passphrase::from_sources(&s.key_passphrase_file)? {
        Some(p) => (p, false),
        None if demo => (
            Passphrase {
                secret: DEMO_PASSPHRASE.to_string().into(),
                source: "the demo passphrase".into(),
            },
            true,
        ),
        None => match passphrase::choose_at_terminal(file)? {
            Some(p) => (p, false),
            None => bail!(
                "this is a new data directory, and its data key must be protected by a passphrase before any record is written: {}. (To try Homeward with invented data, run `homeward demo`.)",
                passphrase::how_to_give(file)
            ),
        },
    };
    if !is_demo {
        passphrase::check_strength(&p)?;
    }
    let key = EncryptionKey::generate();
    let w = WrappedKey::wrap(&key, &p.secret, is_demo)?;
    write_new(file, &w)?;
    if is_demo {
        eprintln!("homeward: DEMO KEY: created a data key in {} wrapped with the PUBLIC demo passphrase: this data directory is for invented data only", file.display());
    } else {
        eprintln!("homeward: created a new data key in {}, wrapped with the passphrase from {}. The data can be read only with this file AND the passphrase: back the file up apart from the database and keep the passphrase safe.", file.display(), p.source);
    }
    Ok(key)
}

/// Writes a new key file (never over an existing one), readable by its owner only.
pub fn write_new(path: &Path, w: &WrappedKey) -> Result<()> {
    if let Some(parent) = parent_of(path) {
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    write_private(path, &w.to_text())?;
    sync_dir(path);
    Ok(())
}

/// Replaces a key file atomically: the new file is written and synced beside it, then renamed
/// over it, so at every moment the path holds the old file or the new one, never neither. The
/// old file's blocks are then overwritten with zeros when nothing else links to them, so a key
/// that was in clear does not linger in the file system's free space (as far as the disk allows).
pub fn replace(path: &Path, w: &WrappedKey) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "homeward.key".into());
    let tmp = parent_of(path)
        .unwrap_or_else(|| PathBuf::from("."))
        .join(format!(".{name}.new"));
    // A leftover from an interrupted run: the real file was not touched then.
    let _ = std::fs::remove_file(&tmp);
    write_private(&tmp, &w.to_text())?;
    let old = old_for_wiping(path);
    std::fs::rename(&tmp, path)
        .with_context(|| format!("replacing the key file {}", path.display()))?;
    sync_dir(path);
    if let Some((mut f, len)) = old {
        let _ = f.write_all(&vec![0u8; len]).and_then(|()| f.sync_all());
    }
    Ok(())
}

#[cfg(unix)]
fn old_for_wiping(path: &Path) -> Option<(std::fs::File, usize)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    // Another name for the same file (a hard-linked backup) must keep its content.
    if meta.nlink() != 1 {
        return None;
    }
    let f = std::fs::OpenOptions::new().write(true).open(path).ok()?;
    Some((f, meta.len() as usize))
}

#[cfg(not(unix))]
fn old_for_wiping(_path: &Path) -> Option<(std::fs::File, usize)> {
    None
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating the key file {}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn parent_of(path: &Path) -> Option<PathBuf> {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
}

// The rename or creation is durable only once the directory entry is on disk.
fn sync_dir(path: &Path) {
    if let Some(dir) = parent_of(path) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Whether `file` is in the data directory or the SQLite database's directory.
fn beside_data(s: &Settings, file: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = canon(&parent_of(file).unwrap_or_else(|| PathBuf::from(".")));
    let mut data_dirs = vec![canon(&s.data_dir)];
    if let Some(db_dir) = s.sqlite_path().as_deref().and_then(parent_of) {
        data_dirs.push(canon(&db_dir));
    }
    data_dirs.contains(&dir)
}
