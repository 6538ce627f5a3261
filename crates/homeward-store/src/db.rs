//! Opening the database (either backend), migrations, the key check, write transactions that
//! carry the audit chain, audit verification and backups.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use homeward_domain::HlcClock;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use crate::audit::{self, AuditAnchor, AuditEntry, AuditKey, AuditVerdict, KeyedFrom};
use crate::crypto::FieldCipher;
use crate::error::{StoreError, StoreResult};
use crate::settings::StoreSettings;
use crate::time;

const KEY_CHECK_PLAINTEXT: &[u8] = b"homeward key check v1";
const KEY_CHECK_CONTEXT: &str = "meta:key_check";

/// Which database server holds the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a URL names; anything that is not PostgreSQL is taken as a SQLite path.
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// The store: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    pub(crate) cipher: FieldCipher,
    /// The key of the audit chain's MACs (derived from the encryption key, never stored).
    pub(crate) audit_key: AuditKey,
    pub(crate) clock: HlcClock,
    pub(crate) device: String,
    /// Where the database is (for a PostgreSQL listener on the change feed).
    pub(crate) url: String,
    /// Serialises this process's writers: the audit chain needs one writer at a time, and
    /// queueing here is cheaper than SQLite's busy retries. Other processes are kept in order
    /// by the row lock every write transaction takes on the audit head.
    write_lock: Mutex<()>,
}

/// A write transaction holding the audit head: audit entries appended through it are chained
/// and become visible together with the data changes, or not at all.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _guard: Option<MutexGuard<'a, ()>>,
    /// The audit head, locked at the start of every write transaction.
    head: Option<(i64, String)>,
    /// The key entries are hashed under.
    audit_key: &'a AuditKey,
}

fn sqlite_url(url: &str) -> StoreResult<String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Err(StoreError::Config(
            "the database URL names no file; use sqlite:///path/to/homeward.sqlite3".into(),
        ));
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Config(format!(
                "cannot create the data directory {}: {e}",
                parent.display()
            ))
        })?;
    }
    create_private_file(Path::new(path))?;
    Ok(format!("sqlite://{path}?mode=rwc"))
}

/// Creates a missing database file readable by its owner only: SQLite gives its WAL and
/// shared-memory files the database file's permissions, so other accounts on a shared laptop
/// cannot read even the sealed fields or the audit trail.
fn create_private_file(path: &Path) -> StoreResult<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create the database file {}: {e}",
            path.display()
        ))),
    }
}

impl Store {
    /// Opens (creating if needed) the database, brings its schema up to date and checks the key.
    pub async fn open(settings: &StoreSettings) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(&settings.url);
        let url = match backend {
            Backend::Sqlite => sqlite_url(&settings.url)?,
            Backend::Postgres => settings.url.clone(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer commits; synchronous=FULL makes a
                        // commit durable before it is acknowledged, even through a power cut.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 15000",
                        ] {
                            conn.execute(pragma).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| {
                StoreError::Config(format!(
                    "cannot open the database {}: {e}",
                    crate::settings::redact_url(&settings.url)
                ))
            })?;
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;

        let cipher = check_key(&pool, settings).await?;
        let audit_key = AuditKey::derive(settings.key.as_ref().ok_or(StoreError::KeyMissing)?);
        start_keying(&pool, &audit_key).await?;
        let node = node_id(&pool).await?;
        let store = Self {
            inner: Arc::new(Inner {
                pool,
                backend,
                cipher,
                audit_key,
                clock: HlcClock::new(node),
                device: settings.device.clone(),
                url: settings.url.clone(),
                write_lock: Mutex::new(()),
            }),
        };
        Ok(store)
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The connection pool, for health checks and tests that inspect raw rows.
    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    /// Closes every connection (SQLite checkpoints its WAL into the file).
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    /// Starts a write transaction positioned at the head of the audit chain.
    pub(crate) async fn begin_write(&self) -> StoreResult<WriteTx<'_>> {
        let sqlite = self.inner.backend == Backend::Sqlite;
        // SQLite has one writer at a time anyway: queueing here is cheaper than busy retries.
        let guard = if sqlite {
            Some(self.inner.write_lock.lock().await)
        } else {
            None
        };
        let tx = self.inner.pool.begin().await?;
        let mut w = WriteTx {
            tx,
            _guard: guard,
            head: None,
            audit_key: &self.inner.audit_key,
        };
        // Every writer takes the audit head first. On SQLite this takes the write lock at once,
        // so a transaction that reads before it writes cannot deadlock on the upgrade; on
        // PostgreSQL it fixes one lock order for all writers: taking it lazily, at the first
        // audit entry, let two writers each hold what the other waited for (a unique key and
        // the head) and PostgreSQL aborted one of them.
        w.lock_head().await?;
        Ok(w)
    }

    /// Appends one audit entry on its own (logins, failed logins, exports).
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let mut w = self.begin_write().await?;
        w.audit(actor, action, target, &detail).await?;
        w.commit().await
    }

    /// Audit entries after `after_seq`, oldest first.
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.inner.pool)
            .await?;
        rows.iter().map(audit_row).collect()
    }

    /// The head of the audit trail with its MAC, to be kept outside the database (in the log,
    /// beside a backup) and given back to [`Store::audit_verify_anchor`].
    pub async fn audit_anchor(&self) -> StoreResult<AuditAnchor> {
        let head = meta_get(&self.inner.pool, "audit_head").await?;
        let (seq, hash) = match head {
            Some(h) => parse_head(&h)?,
            None => (0, audit::GENESIS.to_string()),
        };
        let mac = self.inner.audit_key.anchor_mac(seq, &hash);
        Ok(AuditAnchor { seq, hash, mac })
    }

    /// Checks an anchor kept outside the database: it must be genuine (its MAC), and the entry
    /// it names must still be in the trail with the same hash. `None` when it agrees, or what
    /// is wrong.
    pub async fn audit_verify_anchor(&self, anchor: &AuditAnchor) -> StoreResult<Option<String>> {
        if self.inner.audit_key.anchor_mac(anchor.seq, &anchor.hash) != anchor.mac {
            return Ok(Some(
                "the anchor was not written by Homeward with this database's key".into(),
            ));
        }
        if anchor.seq == 0 {
            return Ok(None);
        }
        let entry = self.audit_entries(anchor.seq - 1, 1).await?;
        Ok(match entry.first() {
            Some(e) if e.seq == anchor.seq && e.hash == anchor.hash => None,
            Some(e) if e.seq == anchor.seq => Some(format!(
                "entry {} is not the one the anchor recorded: the trail up to it was rewritten",
                anchor.seq
            )),
            _ => Some(format!(
                "entry {} that the anchor recorded is gone: the trail was cut short or rewritten",
                anchor.seq
            )),
        })
    }

    /// Walks the whole audit chain and reports the first broken entry, if any.
    pub async fn audit_verify(&self) -> StoreResult<AuditVerdict> {
        let head: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'audit_head'")
                .fetch_optional(&self.inner.pool)
                .await?;
        let head = head.map(|h| parse_head(&h)).transpose()?;
        let keyed_from = meta_get(&self.inner.pool, "audit_keyed_from").await?;
        let keying = audit::Keying {
            key: &self.inner.audit_key,
            // A malformed record is as bad as a missing one.
            keyed_from: keyed_from.as_deref().and_then(KeyedFrom::from_meta),
        };
        let mut entries = Vec::new();
        let mut after = 0;
        loop {
            let batch = self.audit_entries(after, 10_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            entries.extend(batch);
        }
        Ok(audit::verify_chain(&entries, head, &keying))
    }

    /// Writes a consistent copy of a SQLite database to `dest` while it stays in use.
    pub async fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if self.inner.backend != Backend::Sqlite {
            return Err(StoreError::Config("`homeward backup` copies SQLite databases; back up PostgreSQL with pg_dump (its backups are consistent while Homeward runs)".into()));
        }
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "{} already exists; choose a new file name so no backup is overwritten",
                dest.display()
            )));
        }
        let dest = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("the backup path must be valid UTF-8".into()))?;
        // VACUUM INTO reads one snapshot, so the copy is consistent even while writers commit.
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(&self.inner.pool)
            .await?;
        Ok(())
    }

    pub(crate) fn now_hlc(&self) -> homeward_domain::Hlc {
        self.inner.clock.now()
    }
}

impl WriteTx<'_> {
    /// Appends an audit entry inside this transaction.
    /// Locks the audit head row until commit and reads it: writers in every process queue
    /// here, so the chain has one tail.
    async fn lock_head(&mut self) -> StoreResult<(i64, String)> {
        if let Some(h) = &self.head {
            return Ok(h.clone());
        }
        sqlx::query("UPDATE meta SET value = value WHERE key = 'audit_head'")
            .execute(&mut *self.tx)
            .await?;
        let head: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'audit_head'")
                .fetch_optional(&mut *self.tx)
                .await?;
        let head = match head {
            Some(h) => parse_head(&h)?,
            None => (0, audit::GENESIS.to_string()),
        };
        self.head = Some(head.clone());
        Ok(head)
    }

    pub(crate) async fn audit(
        &mut self,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: &serde_json::Value,
    ) -> StoreResult<()> {
        let (prev_seq, prev_hash) = self.lock_head().await?;
        let seq = prev_seq + 1;
        let at = time::now_text();
        let detail = detail.to_string();
        let hash = audit::entry_mac(
            self.audit_key,
            &prev_hash,
            seq,
            &at,
            actor,
            action,
            target,
            &detail,
        );
        sqlx::query("INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(seq)
            .bind(&at)
            .bind(actor)
            .bind(action)
            .bind(target)
            .bind(&detail)
            .bind(&prev_hash)
            .bind(&hash)
            .execute(&mut *self.tx)
            .await?;
        self.head = Some((seq, hash));
        Ok(())
    }

    /// Records the new audit head and commits everything.
    pub(crate) async fn commit(mut self) -> StoreResult<()> {
        let Some((seq, hash)) = self.head.take() else {
            self.tx.commit().await?;
            return Ok(());
        };
        let head = format!("{seq}:{hash}");
        let updated = sqlx::query("UPDATE meta SET value = $1 WHERE key = 'audit_head'")
            .bind(&head)
            .execute(&mut *self.tx)
            .await?;
        if updated.rows_affected() == 0 {
            sqlx::query("INSERT INTO meta (key, value) VALUES ('audit_head', $1)")
                .bind(&head)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

fn parse_head(h: &str) -> StoreResult<(i64, String)> {
    let (seq, hash) = h
        .split_once(':')
        .ok_or_else(|| StoreError::Corrupt("audit head".into()))?;
    let seq = seq
        .parse()
        .map_err(|_| StoreError::Corrupt("audit head sequence".into()))?;
    Ok((seq, hash.to_string()))
}

fn audit_row(r: &AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        detail: r.try_get("detail")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

async fn meta_get(pool: &AnyPool, key: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?)
}

async fn meta_insert(pool: &AnyPool, key: &str, value: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await?;
    Ok(())
}

async fn check_key(pool: &AnyPool, settings: &StoreSettings) -> StoreResult<FieldCipher> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let stored = meta_get(pool, "key_check").await?;
    let key = settings.key.as_ref().ok_or(StoreError::KeyMissing)?;
    let cipher = FieldCipher::new(key);
    match stored {
        Some(check) => {
            let sealed = b64
                .decode(check)
                .map_err(|_| StoreError::Corrupt("key check".into()))?;
            match cipher.open(&sealed, KEY_CHECK_CONTEXT) {
                Ok(p) if p == KEY_CHECK_PLAINTEXT => Ok(cipher),
                _ => Err(StoreError::WrongKey),
            }
        }
        None => {
            let sealed = cipher.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT);
            meta_insert(pool, "key_check", &b64.encode(sealed)).await?;
            Ok(cipher)
        }
    }
}

/// Records, once, where keyed hashing of the audit trail begins: at the first entry of a new
/// trail, or after the newest entry an older Homeward wrote with plain hashes.
async fn start_keying(pool: &AnyPool, key: &AuditKey) -> StoreResult<()> {
    if meta_get(pool, "audit_keyed_from").await?.is_some() {
        return Ok(());
    }
    let (seq, hash) = match meta_get(pool, "audit_head").await? {
        Some(h) => parse_head(&h)?,
        None => (0, audit::GENESIS.to_string()),
    };
    let marker = KeyedFrom {
        seq: seq + 1,
        mac: key.keyed_from_mac(seq + 1, &hash),
        prev_hash: hash,
    };
    if seq > 0 {
        tracing::warn!(
            from_entry = seq + 1,
            "the audit trail is keyed from now on; earlier entries keep their plain hashes"
        );
    }
    // Another process opening the same database at the same moment may have written it first.
    sqlx::query("INSERT INTO meta (key, value) VALUES ('audit_keyed_from', $1) ON CONFLICT (key) DO NOTHING")
        .bind(marker.to_meta())
        .execute(pool)
        .await?;
    Ok(())
}

async fn node_id(pool: &AnyPool) -> StoreResult<String> {
    if let Some(id) = meta_get(pool, "node_id").await? {
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    meta_insert(pool, "node_id", &id).await?;
    Ok(id)
}

impl Store {
    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.inner.pool).await?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::{EncryptionKey, StoreSettings};

    #[tokio::test]
    async fn a_new_sqlite_database_and_its_wal_are_readable_by_their_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data").join("hw.sqlite3");
        let url = format!("sqlite://{}", file.display());
        let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
            .await
            .unwrap();
        for name in ["hw.sqlite3", "hw.sqlite3-wal"] {
            let path = dir.path().join("data").join(name);
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}: {mode:o}");
        }
        store.close().await;
    }
}
