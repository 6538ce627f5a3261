//! The server under the hostile input of issue 16 while a caseworker goes on registering
//! children: does their p99 stay under 100 ms, and does memory end near where it started?
//!
//! The flood, for `BENCH_SECONDS` (default 300), each kind from its own tasks:
//! - 1.9 MB case bodies of 170,000 unknown keys (two tasks);
//! - bodies of 1,500 unknown keys (under the entry bound, so validation runs);
//! - odd values in known fields (a small deterministic fuzzer), NUL bytes, blank strings;
//! - wrong passwords for the caseworker's account (throttled, and every refusal audited);
//! - connections that send half a request head and stall (50 held at a time);
//! - made-up HTTP methods.
//!
//! The caseworker registers one child at a time and every latency is kept. The server runs in a
//! process of its own (this program again, with `BENCH_ROLE=server`), so its memory is its
//! own: the resident set (`VmRSS`) after a warm-up, and 10 s after the flood ends, against the
//! start plus what the children registered meanwhile hold (learnt in the warm-up: every record
//! is in the matching index, so memory rightly grows with them).
//!
//! `BENCH_FLOOD=0` runs the caseworker alone, for comparison.
//!
//! Run: `cargo run --release -p homeward-bench-hostile` (SQLite; with
//! `HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres BENCH_DB=postgres` on
//! PostgreSQL). Exits 1 when the p99 or the memory bound is missed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::{AppState, ServerConfig};
use homeward_store::testing::{postgres_admin_url, scratch_postgres_database};
use homeward_store::{EncryptionKey, Store, StoreSettings};
use serde_json::{json, Map, Value};
use tokio::io::AsyncWriteExt;

const PASSWORD: &str = "benchmark password";

/// Resident memory of a process, in MB.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn child(i: u64) -> Value {
    let first = ["Rahim", "Jonali", "Bikash", "রহিম", "राहुल"][(i % 5) as usize];
    let last = ["Ali", "Das", "Boro", "Khatun"][(i % 4) as usize];
    json!({
        "name_first": first, "name_last": last,
        "sex": if i.is_multiple_of(2) { "female" } else { "male" }, "age": (i % 18) as i64,
        "protection_status": "separated", "district": "Barpeta",
        "family_details": [{"relation": "mother", "relation_name": format!("Amina {i}")}],
        "consent_for_tracing": true
    })
}

fn unknown_keys(n: usize) -> String {
    let keys: Vec<String> = (0..n).map(|i| format!("\"x{i:06}\":0")).collect();
    format!("{{{}}}", keys.join(","))
}

/// A small deterministic generator, so a run reproduces.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn odd_body(r: &mut Lcg) -> Value {
    let names = [
        "name_first",
        "name_last",
        "age",
        "sex",
        "date_of_birth",
        "languages",
        "family_details",
        "protection_status",
        "bogus",
        "",
    ];
    let values = [
        json!(null),
        json!(""),
        json!("   "),
        json!("Ra\u{0}him"),
        json!(42),
        json!(-1),
        json!(1e300),
        json!("9999-12-31"),
        json!("x".repeat(5000)),
        json!([1, "as", null]),
        json!({"a": [1, 2, 3]}),
        json!([{"relation": 5, "bogus": "y"}]),
    ];
    let mut m = Map::new();
    for _ in 0..1 + r.next(6) {
        m.insert(
            names[r.next(names.len())].to_string(),
            values[r.next(values.len())].clone(),
        );
    }
    Value::Object(m)
}

async fn prepare(url: String) -> Store {
    let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
        .await
        .expect("open store");
    store
        .ensure_agency("bench", "Bench Agency")
        .await
        .expect("agency");
    for username in ["caseworker", "attacker"] {
        add_user(
            &store,
            "bench",
            NewUserRequest {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role: "caseworker".into(),
                scope: None,
                agency: "Bench Agency".into(),
                team: None,
                language: None,
            },
        )
        .await
        .expect("user");
    }
    store
}

async fn token(client: &reqwest::Client, base: &str, user: &str) -> String {
    let v: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": user, "password": PASSWORD, "kind": "api"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    v["token"].as_str().expect("token").to_string()
}

/// Counts of what the flood sent, by kind.
#[derive(Default)]
struct Sent {
    huge: AtomicU64,
    many_keys: AtomicU64,
    odd: AtomicU64,
    logins: AtomicU64,
    stalled: AtomicU64,
    methods: AtomicU64,
    server_errors: AtomicU64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The server's side: a fresh database, the server on a free port, its address on stdout.
async fn serve(postgres: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = if postgres {
        let admin = postgres_admin_url("bench-hostile").expect("set HOMEWARD_TEST_POSTGRES");
        scratch_postgres_database(&admin).await
    } else {
        format!("sqlite://{}", dir.path().join("hw.sqlite3").display())
    };
    let store = prepare(url).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("{}", listener.local_addr().expect("address"));
    let state = AppState::new(store, ServerConfig::default());
    homeward_server::launch(state, listener, std::future::pending())
        .await
        .expect("serve");
}

/// The server process, killed when the bench ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() {
    let postgres = std::env::var("BENCH_DB").is_ok_and(|d| d == "postgres");
    if std::env::var("BENCH_ROLE").is_ok_and(|r| r == "server") {
        serve(postgres).await;
        return;
    }
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut process = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env("BENCH_ROLE", "server")
        // As `homeward serve` starts itself (unless BENCH_MALLOC=default, to compare).
        .env(
            "GLIBC_TUNABLES",
            if std::env::var("BENCH_MALLOC").is_ok_and(|m| m == "default") {
                ""
            } else {
                homeward_server::serve::GLIBC_MALLOC_TUNABLES
            },
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(process.stdout.take().expect("server stdout")),
        &mut line,
    )
    .expect("server address");
    let server = Server(process);
    let pid = server.0.id();
    let addr: std::net::SocketAddr = line.trim().parse().expect("server address");
    let base = format!("http://{addr}");

    let client = reqwest::Client::new();
    let cw = token(&client, &base, "caseworker").await;
    let attacker = token(&client, &base, "attacker").await;

    // Warm-up: the normal client's own work, so the baseline holds its caches and pools; then
    // 1,000 more children, to learn what each one costs (the matching index holds every record,
    // so memory rightly grows with the children registered during the flood).
    let register = |from: u64, to: u64| {
        let (client, base, cw) = (client.clone(), base.clone(), cw.clone());
        async move {
            for i in from..to {
                let res = client
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&cw)
                    .json(&child(i))
                    .send()
                    .await
                    .expect("warm-up");
                assert_eq!(res.status(), 201, "warm-up registration");
            }
        }
    };
    register(0, 200).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_before = rss_mb(pid);
    register(200, 1_200).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_start = rss_mb(pid);
    let per_child = ((rss_start - rss_before) / 1_000.0).max(0.0);
    println!(
        "{} for {seconds} s; resident memory after warm-up {rss_start:.1} MB, {:.1} KB a child registered",
        if postgres { "PostgreSQL" } else { "SQLite" },
        per_child * 1024.0
    );

    // BENCH_FLOOD=0 runs the caseworker alone, to tell the memory the new children take (the
    // matching index holds every record) from what the flood leaves behind.
    let flooding = std::env::var("BENCH_FLOOD").map_or(true, |v| v != "0");
    let stop = Arc::new(AtomicBool::new(!flooding));
    let sent = Arc::new(Sent::default());
    let huge_bytes = Arc::new(unknown_keys(170_000).into_bytes());
    let many = Arc::new(unknown_keys(1_500).into_bytes());
    let mut flood = Vec::new();
    let post_raw = |body: Arc<Vec<u8>>, counter: fn(&Sent) -> &AtomicU64| {
        let (client, base, token, stop, sent) = (
            client.clone(),
            base.clone(),
            attacker.clone(),
            stop.clone(),
            sent.clone(),
        );
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(res) = client
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.as_ref().clone())
                    .send()
                    .await
                {
                    if res.status().is_server_error() {
                        sent.server_errors.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = res.bytes().await;
                }
                counter(&sent).fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    flood.push(post_raw(huge_bytes.clone(), |s| &s.huge));
    flood.push(post_raw(huge_bytes, |s| &s.huge));
    flood.push(post_raw(many, |s| &s.many_keys));
    {
        let (client, base, token, stop, sent) = (
            client.clone(),
            base.clone(),
            attacker.clone(),
            stop.clone(),
            sent.clone(),
        );
        flood.push(tokio::spawn(async move {
            let mut r = Lcg(16);
            while !stop.load(Ordering::Relaxed) {
                if let Ok(res) = client
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&token)
                    .json(&odd_body(&mut r))
                    .send()
                    .await
                {
                    if res.status().is_server_error() {
                        sent.server_errors.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = res.bytes().await;
                }
                sent.odd.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    {
        let (client, base, stop, sent) = (client.clone(), base.clone(), stop.clone(), sent.clone());
        flood.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(res) = client
                    .post(format!("{base}/api/v1/sessions"))
                    .json(&json!({"username": "caseworker", "password": "guess", "kind": "api"}))
                    .send()
                    .await
                {
                    let _ = res.bytes().await;
                }
                sent.logins.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for _ in 0..50 {
        let (stop, sent) = (stop.clone(), sent.clone());
        flood.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(mut s) = tokio::net::TcpStream::connect(addr).await {
                    let _ = s
                        .write_all(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nX-Stall: ")
                        .await;
                    sent.stalled.fetch_add(1, Ordering::Relaxed);
                    // Held until the server gives up on it (or the flood ends).
                    let mut buf = [0u8; 64];
                    let _ = tokio::time::timeout(
                        Duration::from_secs(30),
                        tokio::io::AsyncReadExt::read(&mut s, &mut buf),
                    )
                    .await;
                }
            }
        }));
    }
    {
        let (client, base, stop, sent) = (client.clone(), base.clone(), stop.clone(), sent.clone());
        flood.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let method = reqwest::Method::from_bytes(format!("X{i}").as_bytes())
                    .unwrap_or(reqwest::Method::GET);
                if let Ok(res) = client
                    .request(method, format!("{base}/healthz"))
                    .send()
                    .await
                {
                    let _ = res.bytes().await;
                }
                sent.methods.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    // The caseworker, meanwhile.
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut failures = 0u64;
    let mut peak = rss_start;
    let mut i = 10_000u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        i += 1;
        let t = Instant::now();
        let ok = client
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&cw)
            .json(&child(i))
            .send()
            .await
            .is_ok_and(|r| r.status() == 201);
        latencies.push(t.elapsed());
        if !ok {
            failures += 1;
        }
        if i.is_multiple_of(100) {
            peak = peak.max(rss_mb(pid));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for f in flood {
        f.abort();
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    let rss_end = rss_mb(pid);

    latencies.sort();
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    let max = latencies.last().copied().unwrap_or_default();
    let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
    println!(
        "flood: {} bodies of 170,000 keys, {} of 1,500 keys, {} odd bodies, {} wrong-password logins, {} stalled connections, {} made-up methods; {} server errors",
        n(&sent.huge), n(&sent.many_keys), n(&sent.odd), n(&sent.logins), n(&sent.stalled), n(&sent.methods), n(&sent.server_errors)
    );
    println!(
        "caseworker: {} registrations ({failures} failed); latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
    // Where memory should end: the start, plus what the children registered meanwhile hold.
    let expected = rss_start + per_child * latencies.len() as f64;
    let growth = rss_end / expected - 1.0;
    println!(
        "memory: {rss_start:.1} MB after warm-up, {peak:.1} MB at most during the flood, {rss_end:.1} MB 10 s after it; the {} children registered meanwhile account for {expected:.1} MB, so the flood left {:+.0}% ({:+.1} MB)",
        latencies.len(),
        growth * 100.0,
        rss_end - expected
    );
    let p99_ok = p99 < Duration::from_millis(100);
    let memory_ok = growth <= 0.20;
    let errors_ok = n(&sent.server_errors) == 0 && failures == 0;
    println!(
        "p99 under 100 ms: {}; memory within 20%: {}; no server error and no failed registration: {}",
        if p99_ok { "yes" } else { "NO" },
        if memory_ok { "yes" } else { "NO" },
        if errors_ok { "yes" } else { "NO" }
    );
    drop(server);
    if !(p99_ok && memory_ok && errors_ok) {
        std::process::exit(1);
    }
}
