//! What the command-line tests share: a scratch home for the `homeward` binary and ways to
//! read what it printed and wrote.
#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every demo user's password, which imports and exports ask the operator for.
pub const DEMO_PASSWORD: &str = "homeward-demo";

/// A scratch directory that holds one Homeward data directory.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The binary on this home's data directory, with no key, database URL or credential
    /// taken from the environment of the test run.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_homeward"));
        c.current_dir(self.dir.path())
            .arg("--data-dir")
            .arg(self.data())
            .args(args);
        c.env_remove("HOMEWARD_KEY")
            .env_remove("HOMEWARD_DATABASE_URL")
            .env_remove("HOMEWARD_PASSWORD")
            .env_remove("HOMEWARD_TOKEN")
            .env("HOMEWARD_METRICS_LISTEN", "");
        c
    }

    /// Runs with no credential in the environment.
    pub fn run_bare(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs as an operator who knows the demo password.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args)
            .env("HOMEWARD_PASSWORD", DEMO_PASSWORD)
            .output()
            .unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The store of this home's data directory, opened with its key file.
    pub async fn store(&self) -> homeward_store::Store {
        let data = self.data();
        let key = std::fs::read_to_string(data.join("homeward.key")).unwrap();
        homeward_store::Store::open(&homeward_store::StoreSettings::new(
            format!("sqlite://{}", data.join("homeward.sqlite3").display()),
            Some(homeward_store::EncryptionKey::parse(key.trim()).unwrap()),
        ))
        .await
        .unwrap()
    }

    /// Every entry of the audit trail.
    pub fn audit_entries(&self) -> Vec<homeward_store::AuditEntry> {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = self.store().await;
            let entries = store.audit_entries(0, 1_000_000).await.unwrap();
            store.close().await;
            entries
        })
    }
}

/// What a run printed, standard output then standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every byte of the SQLite database files in `dir`.
pub fn db_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("homeward.sqlite3")
        {
            all.extend(std::fs::read(p).unwrap());
        }
    }
    all
}

/// A CSV file's rows, the header first.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![r.headers().unwrap().iter().map(str::to_string).collect()];
    rows.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect()),
    );
    rows
}
