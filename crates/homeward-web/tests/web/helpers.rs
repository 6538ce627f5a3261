//! Test harness: the real server (API and web pages) on a fresh SQLite database, with one user
//! per role, and a cookie-keeping browser stand-in that reads CSRF tokens out of forms.

use std::time::Duration;

use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::config::LoginLimits;
use homeward_server::{AppState, ServerConfig};
use homeward_store::{EncryptionKey, Store, StoreSettings};
use reqwest::{redirect, Client, StatusCode};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "a long test password";

pub struct TestServer {
    pub base: String,
    pub store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn config() -> ServerConfig {
    ServerConfig {
        // reqwest's cookie store, like a browser, will not send a Secure cookie over plain
        // http to 127.0.0.1; the production default stays on.
        cookie_secure: false,
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

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(config()).await
    }

    pub async fn start_with(config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hw.sqlite3").display());
        let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
            .await
            .unwrap();
        seed(&store).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(store.clone(), config);
        let app = homeward_server::app_with(state, homeward_web::router());
        tokio::spawn(async move {
            homeward_server::serve_router(app, listener, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            store,
            shutdown: Some(tx),
            _dir: dir,
        }
    }

    /// A browser with no session.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: Client::builder()
                .cookie_store(true)
                .redirect(redirect::Policy::none())
                .gzip(false)
                .build()
                .unwrap(),
        }
    }

    /// A browser logged in as `username`.
    pub async fn login(&self, username: &str) -> Browser {
        let b = self.browser();
        let (status, _) = b.login(username, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {username}");
        b
    }
}

async fn seed(store: &Store) {
    store.ensure_agency("test", "Agency A").await.unwrap();
    store.ensure_agency("test", "Agency B").await.unwrap();
    let users = [
        ("cw_a", "caseworker", "Agency A", Some("Barpeta")),
        ("cw_b", "caseworker", "Agency B", None),
        (
            "volunteer",
            "community_volunteer",
            "Agency A",
            Some("Barpeta"),
        ),
        ("analyst", "analyst", "Agency A", None),
        (
            "checkpoint",
            "checkpoint_officer",
            "Agency A",
            Some("Barpeta"),
        ),
        ("sup_a", "supervisor", "Agency A", Some("Barpeta")),
        ("admin", "administrator", "Agency A", None),
    ];
    for (username, role, agency, team) in users {
        add_user(
            store,
            "test",
            NewUserRequest {
                username: username.into(),
                display_name: format!("{username} display"),
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

/// A cookie-keeping client that does not follow redirects, so tests see each 303.
pub struct Browser {
    pub base: String,
    pub client: Client,
}

/// The value of the first hidden `csrf_token` field of a page.
pub fn csrf(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

impl Browser {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// The redirect target of a response, if any.
    pub async fn post_raw(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let res = self.post_raw(path, form).await;
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (res.status(), location, res.text().await.unwrap())
    }

    /// Posts a form with the CSRF token of the page at `form_page`.
    pub async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let (status, html) = self.get(form_page).await;
        assert_eq!(status, StatusCode::OK, "{form_page}");
        let token = csrf(&html);
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn login(&self, username: &str, password: &str) -> (StatusCode, String) {
        let (status, html) = self.get("/login").await;
        assert_eq!(status, StatusCode::OK);
        let token = csrf(&html);
        let (status, location, body) = self
            .post(
                "/login",
                &[
                    ("csrf_token", &token),
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        (status, if location.is_empty() { body } else { location })
    }

    /// Registers a child through the form and returns the new case's reference.
    pub async fn register_child(&self, fields: &[(&str, &str)]) -> String {
        let (status, location, body) = self.submit("/cases/new", "/cases/new", fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let reference = location
            .trim_start_matches("/cases/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        assert!(reference.starts_with("HW-"), "{location}");
        reference
    }
}

pub const CHILD: &[(&str, &str)] = &[
    ("name_first", "রহিম"),
    ("name_last", "আলী"),
    ("sex", "male"),
    ("age", "9"),
    ("estimated", "yes"),
    ("protection_status", "unaccompanied"),
    ("risk_level", "high"),
    ("district", "Barpeta"),
    ("languages", "bn"),
    ("languages", "as"),
    ("family_details[0].relation", "mother"),
    ("family_details[0].relation_name", "আমিনা খাতুন"),
    ("consent_for_tracing", "yes"),
];
