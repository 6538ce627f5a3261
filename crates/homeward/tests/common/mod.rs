//! What the command-line tests share: a scratch home for the `homeward` binary and ways to
//! read what it printed and wrote.
#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Every demo user's password, which imports and exports ask the operator for.
pub const DEMO_PASSWORD: &str = "homeward-demo";

/// The public passphrase of demo key files (crates/homeward/src/key_file.rs).
pub const DEMO_KEY_PASSPHRASE: &str = "homeward-demo-key-PUBLIC-not-a-secret";

/// A scratch directory that holds one Homeward data directory.
pub struct Home {
    dir: tempfile::TempDir,
    passphrase: Option<String>,
}

impl Home {
    /// A home whose key file the demo wraps with the public demo passphrase.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            passphrase: None,
        }
    }

    /// A home whose operator gives `passphrase` in HOMEWARD_KEY_PASSPHRASE to every command.
    pub fn with_passphrase(passphrase: &str) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            passphrase: Some(passphrase.into()),
        }
    }

    /// The data key, unwrapped from the key file as the binary does.
    pub fn data_key(&self) -> homeward_store::EncryptionKey {
        let text = std::fs::read_to_string(self.data().join("homeward.key")).unwrap();
        let wrapped = homeward_store::WrappedKey::parse(&text).unwrap();
        let passphrase = if wrapped.is_demo() {
            DEMO_KEY_PASSPHRASE
        } else {
            self.passphrase.as_deref().unwrap()
        };
        wrapped.unwrap_key(passphrase).unwrap()
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The binary on this home's data directory, with no key, passphrase, database URL or
    /// credential taken from the environment of the test run.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_homeward"));
        c.current_dir(self.dir.path())
            .arg("--data-dir")
            .arg(self.data())
            .args(args);
        c.env_remove("HOMEWARD_KEY")
            .env_remove("HOMEWARD_KEY_FILE")
            .env_remove("HOMEWARD_KEY_PASSPHRASE")
            .env_remove("HOMEWARD_KEY_PASSPHRASE_FILE")
            .env_remove("HOMEWARD_NEW_KEY_PASSPHRASE")
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("HOMEWARD_DATABASE_URL")
            .env_remove("HOMEWARD_PASSWORD")
            .env_remove("HOMEWARD_TOKEN")
            .env("HOMEWARD_METRICS_LISTEN", "");
        if let Some(p) = &self.passphrase {
            c.env("HOMEWARD_KEY_PASSPHRASE", p);
        }
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
        homeward_store::Store::open(&homeward_store::StoreSettings::new(
            format!("sqlite://{}", data.join("homeward.sqlite3").display()),
            Some(self.data_key()),
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

/// `homeward serve` on a home's data directory and a free port.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(h: &Home) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = h
            .cmd(&["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, base }
    }

    pub fn kill(mut self) {
        // SIGKILL: no shutdown, no checkpoint, as in a power cut of the process.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API token of a demo user.
pub async fn token(base: &str, user: &str) -> String {
    let res: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": user, "password": "homeward-demo", "kind": "api"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["token"].as_str().unwrap().to_string()
}
