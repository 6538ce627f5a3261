//! Test harness: a running server with agencies, teams and one user per role.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::config::LoginLimits;
use homeward_server::{AppState, ServerConfig};
use homeward_store::testing::{postgres_admin_url, scratch_postgres_database};
use homeward_store::{EncryptionKey, Store, StoreSettings};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "a long test password";

/// Where a test's database lives.
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub db_url: String,
    pub key: EncryptionKey,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn test_config() -> ServerConfig {
    ServerConfig {
        login_limits: LoginLimits {
            per_account_burst: 5,
            per_account_period: Duration::from_secs(60),
            per_address_burst: 1000,
            per_address_period: Duration::from_millis(10),
            account_failures_burst: 10,
            ..LoginLimits::default()
        },
        ..ServerConfig::default()
    }
}

/// Server logs on stderr when TEST_LOG is set (silent otherwise, as zero-to-production does).
fn init_test_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("warn")
                .with_test_writer()
                .try_init();
        }
    });
}

async fn start_on(
    store: Store,
    config: ServerConfig,
) -> (String, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    start_server(store, config, false).await
}

/// A server; `following`: it follows the change log, as `homeward serve` does.
async fn start_server(
    store: Store,
    config: ServerConfig,
    following: bool,
) -> (String, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    init_test_log();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let state = AppState::new(store, config);
    if following {
        state.matching.start();
    }
    let handle = tokio::spawn(async move {
        homeward_server::launch(state, listener, async move {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (format!("http://{addr}"), tx, handle)
}

impl TestServer {
    /// A server on a fresh database, or `None` when the backend is not configured.
    pub async fn start(backend: Backend, test: &str) -> Option<Self> {
        Self::start_with(backend, test, test_config()).await
    }

    pub async fn start_with(backend: Backend, test: &str, config: ServerConfig) -> Option<Self> {
        let (db_url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                (
                    format!("sqlite://{}", dir.path().join("hw.sqlite3").display()),
                    Some(dir),
                )
            }
            Backend::Postgres => (
                scratch_postgres_database(&postgres_admin_url(test)?).await,
                None,
            ),
        };
        let key = EncryptionKey::generate();
        let store = Store::open(&StoreSettings::new(db_url.clone(), Some(key.clone())))
            .await
            .unwrap();
        seed_users(&store).await;
        let (base, tx, handle) = start_on(store.clone(), config).await;
        Some(Self {
            base,
            store,
            db_url,
            key,
            shutdown: Some(tx),
            handle: Some(handle),
            _dir: dir,
        })
    }

    /// A second server process on the same database (its own store, pool and matching
    /// index), following the change log as `homeward serve` does.
    pub async fn another_process(&self) -> TestServer {
        let store = Store::open(&StoreSettings::new(
            self.db_url.clone(),
            Some(self.key.clone()),
        ))
        .await
        .unwrap();
        let (base, tx, handle) = start_server(store.clone(), test_config(), true).await;
        TestServer {
            base,
            store,
            db_url: self.db_url.clone(),
            key: self.key.clone(),
            shutdown: Some(tx),
            handle: Some(handle),
            _dir: None,
        }
    }

    /// Stops the server and starts a new one on the same database, as after a restart.
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
        self.store.close().await;
        let store = Store::open(&StoreSettings::new(
            self.db_url.clone(),
            Some(self.key.clone()),
        ))
        .await
        .unwrap();
        let (base, tx, handle) = start_on(store.clone(), test_config()).await;
        self.base = base;
        self.store = store;
        self.shutdown = Some(tx);
        self.handle = Some(handle);
    }

    pub async fn login(&self, username: &str) -> Api {
        let client = Client::builder().cookie_store(true).build().unwrap();
        let res = client
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&json!({"username": username, "password": PASSWORD, "kind": "api"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "login of {username}");
        let body: Value = res.json().await.unwrap();
        Api {
            base: self.base.clone(),
            client,
            token: body["token"].as_str().unwrap().to_string(),
        }
    }
}

/// An API client with a bearer token.
pub struct Api {
    pub base: String,
    pub client: Client,
    pub token: String,
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self.call(Method::GET, path, None).await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self.call(Method::POST, path, Some(body)).await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self.call(Method::PATCH, path, Some(body)).await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// Agency A (team Barpeta) and agency B, one user per role in A, a caseworker in B.
async fn seed_users(store: &Store) {
    store.ensure_agency("test", "Agency A").await.unwrap();
    store.ensure_agency("test", "Agency B").await.unwrap();
    let users = [
        ("cw_a", "caseworker", "Agency A", Some("Barpeta")),
        ("cw_a2", "caseworker", "Agency A", Some("Barpeta")),
        ("sup_a", "supervisor", "Agency A", Some("Barpeta")),
        ("cw_b", "caseworker", "Agency B", None),
        ("sup_b", "supervisor", "Agency B", None),
        (
            "volunteer",
            "community_volunteer",
            "Agency A",
            Some("Barpeta"),
        ),
        ("checkpoint", "checkpoint_officer", "Agency A", None),
        ("gov", "government_officer", "Agency A", None),
        ("analyst", "analyst", "Agency A", None),
        ("admin", "administrator", "Agency A", None),
    ];
    for (username, role, agency, team) in users {
        add_user(
            store,
            "test",
            NewUserRequest {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role: role.into(),
                scope: None,
                agency: agency.into(),
                team: team.map(Into::into),
                language: None,
            },
        )
        .await
        .unwrap();
    }
}

pub fn child() -> Value {
    json!({
        "name_first": "রহিম", "name_last": "Ali", "name_nickname": "Bablu", "sex": "male", "age": 9,
        "estimated": true, "protection_status": "unaccompanied", "district": "Barpeta", "risk_level": "high",
        "location_current": "Kalgachia relief camp",
        "family_details": [{"relation": "mother", "relation_name": "Amina Khatun", "relation_telephone": "+91 9876543210"}],
        "consent_for_tracing": true, "notes": "found near the embankment"
    })
}

pub fn tracing_request() -> Value {
    json!({
        "inquiry_date": "2026-11-01", "relation_name": "Amina Khatun", "relation": "mother",
        "relation_telephone": "+91 9876543210", "district": "Barpeta",
        "children_sought": [{"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10}]
    })
}

/// Runs a test body against both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let server = $crate::helpers::TestServer::start($crate::helpers::Backend::Sqlite, stringify!($name)).await.unwrap();
                    super::$name(server).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL suite: set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres to run it")]
                async fn $name() {
                    if let Some(server) = $crate::helpers::TestServer::start($crate::helpers::Backend::Postgres, stringify!($name)).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}

/// Runs `test` on SQLite, then on PostgreSQL when it is configured.
pub async fn on_both<F, Fut>(name: &str, config: impl Fn() -> ServerConfig, test: F)
where
    F: Fn(TestServer) -> Fut,
    Fut: Future<Output = ()>,
{
    let s = TestServer::start_with(Backend::Sqlite, name, config())
        .await
        .unwrap();
    test(s).await;
    if let Some(s) = TestServer::start_with(Backend::Postgres, name, config()).await {
        test(s).await;
    }
}
