//! Case registrations per second through the whole API (HTTP, session check, validation,
//! encryption, change log, projection, audit chain, one durable commit each), side by side with
//! plain single-row inserts of the same documents into the same database with the same
//! durability (WAL with synchronous=FULL on SQLite; ordinary commits on PostgreSQL).
//!
//! Run: `cargo run --release -p homeward-bench-registrations` (SQLite), and with
//! `HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres` for PostgreSQL too.
//! `BENCH_N` (default 2000) registrations, `BENCH_CONCURRENCY` (default 8) clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::{AppState, ServerConfig};
use homeward_store::testing::scratch_postgres_database;
use homeward_store::{EncryptionKey, Store, StoreSettings};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const FIRST: &[&str] = &[
    "Bikash",
    "Pranjal",
    "Dipankar",
    "Jintu",
    "Rahim",
    "Abdul",
    "Rofiqul",
    "Jahirul",
    "Nurul",
    "Saiful",
    "Raju",
    "Bijit",
    "Dwimalu",
    "Tabu",
    "Dilip",
    "Birsa",
    "Suraj",
    "Bishal",
    "Suman",
    "Rahul",
    "রহিম",
    "বিকাশ",
    "राहुल",
    "Rupali",
    "Jonali",
    "Pallabi",
    "Priyanka",
    "Bornali",
    "Rahima",
    "Fatema",
    "Amina",
    "Rashida",
    "Salma",
    "Jwngsri",
    "Daimalu",
    "Ponali",
    "Rumi",
    "Sunita",
    "Anita",
    "Mamoni",
    "Sushmita",
    "Anjali",
    "Pooja",
    "Khushboo",
];
const LAST: &[&str] = &[
    "Barua",
    "Gogoi",
    "Bora",
    "Saikia",
    "Hazarika",
    "Kalita",
    "Das",
    "Deka",
    "Sarma",
    "Ali",
    "Ahmed",
    "Hussain",
    "Islam",
    "Rahman",
    "Uddin",
    "Basumatary",
    "Brahma",
    "Narzary",
    "Boro",
    "Daimary",
    "Pegu",
    "Doley",
    "Taid",
    "Munda",
    "Oraon",
    "Tanti",
    "Chhetri",
    "Thapa",
    "Yadav",
    "Singh",
    "বৰুৱা",
    "यादव",
    "Khatun",
    "Mondal",
    "Phukan",
];

const RISK: [&str; 3] = ["high", "medium", "low"];

fn document(i: usize) -> Value {
    json!({
        "name_first": FIRST[i % FIRST.len()], "name_last": LAST[(i / FIRST.len()) % LAST.len()],
        "sex": if i.is_multiple_of(2) { "female" } else { "male" }, "age": (i % 18) as i64, "estimated": true,
        "protection_status": if i.is_multiple_of(3) { "unaccompanied" } else { "separated" },
        "risk_level": RISK[i % 3], "district": "Barpeta",
        "location_current": format!("relief camp {}", i % 40), "date_of_separation": "2026-07-01",
        "separation_cause": "natural_disaster",
        "family_details": [{"relation": "mother", "relation_name": format!("Amina {i}")}],
        "consent_for_tracing": true
    })
}

struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn summarise(total: Duration, mut latencies: Vec<Duration>) -> Run {
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    Run {
        per_second: latencies.len() as f64 / total.as_secs_f64(),
        p50: pick(0.5),
        p99: pick(0.99),
    }
}

async fn through_api(store: Store, n: usize, concurrency: usize) -> Run {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = AppState::new(store, ServerConfig::default());
    tokio::spawn(
        async move { homeward_server::launch(state, listener, std::future::pending()).await },
    );
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": "bench", "password": "benchmark password", "kind": "api"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = Arc::new(login["token"].as_str().expect("token").to_string());
    timed(n, concurrency, move |i| {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        async move {
            let res = client
                .post(format!("{base}/api/v1/cases"))
                .bearer_auth(token.as_str())
                .json(&document(i))
                .send()
                .await
                .expect("post");
            assert_eq!(res.status(), 201, "registration refused");
        }
    })
    .await
}

async fn plain_inserts(store: &Store, n: usize, concurrency: usize) -> Run {
    let pool = store.pool().clone();
    sqlx::query("CREATE TABLE bench_plain (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("create table");
    timed(n, concurrency, move |i| {
        let pool = pool.clone();
        // One autocommitted insert per registration: the same one durable commit as the API.
        async move {
            sqlx::query("INSERT INTO bench_plain (id, doc) VALUES ($1, $2)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(document(i).to_string())
                .execute(&pool)
                .await
                .expect("insert");
        }
    })
    .await
}

/// Runs `op(0..n)` with at most `concurrency` in flight and measures each.
async fn timed<F, Fut>(n: usize, concurrency: usize, op: F) -> Run
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let limit = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let permit = limit.clone().acquire_owned().await.expect("semaphore");
        let fut = op(i);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            fut.await;
            drop(permit);
            t.elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(n);
    for t in tasks {
        latencies.push(t.await.expect("task"));
    }
    summarise(started.elapsed(), latencies)
}

async fn prepare(url: String) -> Store {
    let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
        .await
        .expect("open store");
    store
        .ensure_agency("bench", "Bench Agency")
        .await
        .expect("agency");
    add_user(
        &store,
        "bench",
        NewUserRequest {
            username: "bench".into(),
            display_name: "Bench".into(),
            password: "benchmark password".into(),
            role: "caseworker".into(),
            scope: None,
            agency: "Bench Agency".into(),
            team: None,
            language: None,
        },
    )
    .await
    .expect("user");
    store
}

async fn bench(name: &str, url_api: String, url_plain: String, n: usize, concurrency: usize) {
    let api = through_api(prepare(url_api).await, n, concurrency).await;
    let plain_store = prepare(url_plain).await;
    let plain = plain_inserts(&plain_store, n, concurrency).await;
    println!(
        "{name:<10} | API {:>8.0}/s (p50 {:>6.2} ms, p99 {:>6.2} ms) | plain inserts {:>8.0}/s (p50 {:>6.2} ms, p99 {:>6.2} ms) | API/plain {:.2}",
        api.per_second,
        api.p50.as_secs_f64() * 1e3,
        api.p99.as_secs_f64() * 1e3,
        plain.per_second,
        plain.p50.as_secs_f64() * 1e3,
        plain.p99.as_secs_f64() * 1e3,
        api.per_second / plain.per_second
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let concurrency: usize = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    println!("case registrations: {n} per run, {concurrency} concurrent clients");
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    bench(
        "SQLite",
        sqlite("api.sqlite3"),
        sqlite("plain.sqlite3"),
        n,
        concurrency,
    )
    .await;
    match std::env::var("HOMEWARD_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            let a = scratch_postgres_database(&admin).await;
            let b = scratch_postgres_database(&admin).await;
            bench("PostgreSQL", a, b, n, concurrency).await;
        }
        _ => println!("PostgreSQL: skipped (set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres)"),
    }
}
