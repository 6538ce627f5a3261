//! Time from a tracing request's commit to its potential matches being stored, with 100,000
//! child cases in the database, on SQLite and (with HOMEWARD_TEST_POSTGRES) PostgreSQL.
//!
//! The path measured is the server's own: read the committed request, score each child sought
//! against the live case index, store the proposals and raise the alerts, in one call of the
//! matching service, as the server runs it after every commit.
//!
//! Run: `cargo run --release -p homeward-bench-tracing` (`BENCH_CASES`, default 100000;
//! `BENCH_REQUESTS`, default 300).

use std::time::{Duration, Instant};

use homeward_domain::{Document, RecordKind, RecordScope, Scope};
use homeward_server::matching::MatchService;
use homeward_store::testing::scratch_postgres_database;
use homeward_store::{ActorContext, EncryptionKey, NewUser, Store, StoreSettings};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

const BOYS: &[&str] = &[
    "Bikash", "Pranjal", "Dipankar", "Jintu", "Rahim", "Abdul", "Rofiqul", "Jahirul", "Nurul",
    "Saiful", "Raju", "Bijit", "Dwimalu", "Tabu", "Dilip", "Birsa", "Suraj", "Bishal", "Suman",
    "Rahul", "Amit", "Sonu", "Manash", "Kaushik", "Habibur", "Anowar", "Hemanta", "Jadav",
    "Mangal", "Prakash",
];
const GIRLS: &[&str] = &[
    "Rupali", "Jonali", "Pallabi", "Priyanka", "Bornali", "Rahima", "Fatema", "Amina", "Rashida",
    "Salma", "Jwngsri", "Daimalu", "Rwimali", "Ponali", "Rumi", "Sunita", "Anita", "Mamoni",
    "Sushmita", "Anjali", "Pooja", "Khushboo", "Nasrin", "Morjina", "Kabita", "Junmoni", "Bidisha",
    "Minoti", "Basanti", "Gita",
];
const SURNAMES: &[&str] = &[
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
    "Mondal",
    "Sheikh",
    "Phukan",
    "Nath",
    "Medhi",
];
const MOTHERS: &[&str] = &[
    "Amina", "Rekha", "Jamila", "Basanti", "Anjali", "Rupa", "Nirmala", "Sahida", "Mina", "Kamala",
];
const DISTRICTS: &[&str] = &[
    "Barpeta",
    "Dhubri",
    "Goalpara",
    "Kokrajhar",
    "Nalbari",
    "Kamrup",
    "Morigaon",
    "Nagaon",
    "Dhemaji",
    "Lakhimpur",
    "Sonitpur",
    "Cachar",
];

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn case(rng: &mut StdRng) -> Document {
    let male = rng.gen_bool(0.5);
    let last = pick(rng, SURNAMES);
    json!({"name_first": pick(rng, if male { BOYS } else { GIRLS }), "name_last": last, "sex": if male { "male" } else { "female" },
        "age": rng.gen_range(0..18), "protection_status": "separated", "district": pick(rng, DISTRICTS), "consent_for_tracing": true,
        "family_details": [{"relation": "mother", "relation_name": format!("{} {last}", pick(rng, MOTHERS))}]})
    .as_object()
    .cloned()
    .unwrap_or_default()
}

fn request_for(rng: &mut StdRng, child: &Document) -> Document {
    let mother = child["family_details"][0]["relation_name"].clone();
    let age = child["age"].as_i64().unwrap_or(5) + rng.gen_range(-1..=1);
    json!({"inquiry_date": "2026-11-20", "relation_name": mother, "relation": "mother", "district": child["district"], "consent_for_tracing": true,
        "children_sought": [{"name_first": child["name_first"], "name_last": child["name_last"], "sex": child["sex"], "age": age.clamp(0, 17)}]})
    .as_object()
    .cloned()
    .unwrap_or_default()
}

async fn run(name: &str, url: String, cases: usize, requests: usize) {
    let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
        .await
        .expect("open");
    let agency = store.ensure_agency("bench", "Bench").await.expect("agency");
    let user = store
        .create_user(
            "bench",
            &NewUser {
                username: "bench".into(),
                display_name: "Bench".into(),
                password_hash: "x".into(),
                role: "caseworker".into(),
                scope: Scope::Agency,
                agency_id: agency.id,
                team_id: None,
                language: "en".into(),
            },
        )
        .await
        .expect("user");
    let ctx = ActorContext {
        scope: RecordScope {
            scope: Scope::Agency,
            user: user.id,
            team: None,
            agency: agency.id,
            committee: None,
        },
        reveal_personal: true,
    };
    let mut rng = StdRng::seed_from_u64(7);
    let started = Instant::now();
    let mut kept = Vec::new();
    for chunk in 0..cases.div_ceil(10_000) {
        let n = (cases - chunk * 10_000).min(10_000);
        let batch: Vec<_> = (0..n).map(|_| (None, case(&mut rng))).collect();
        kept.extend(batch.iter().take(50).map(|(_, d)| d.clone()));
        store
            .import_records(&ctx, RecordKind::Case, &batch)
            .await
            .expect("import");
    }
    // Some earlier requests, so the model is trained as in a running deployment.
    let earlier: Vec<_> = (0..1000)
        .map(|i| (None, request_for(&mut rng, &kept[i % kept.len()])))
        .collect();
    store
        .import_records(&ctx, RecordKind::TracingRequest, &earlier)
        .await
        .expect("import requests");
    let loaded = started.elapsed();
    let service = MatchService::new(store.clone(), 0.5);
    let t = Instant::now();
    service.matcher().await.expect("index");
    let built = t.elapsed();
    let mut latencies: Vec<Duration> = Vec::with_capacity(requests);
    let mut proposals = 0;
    for i in 0..requests {
        // Half the families look for a registered child, half for one not registered yet.
        let sought = if i % 2 == 0 {
            kept[i % kept.len()].clone()
        } else {
            case(&mut rng)
        };
        let doc = request_for(&mut rng, &sought);
        let record = store
            .create_record(&ctx, RecordKind::TracingRequest, &doc)
            .await
            .expect("commit");
        let t = Instant::now();
        proposals += service
            .propose(RecordKind::TracingRequest, record.id, 0.5)
            .await
            .expect("propose")
            .len();
        latencies.push(t.elapsed());
    }
    latencies.sort();
    let q = |p: f64| {
        latencies[((latencies.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
    };
    println!(
        "{name:<10} | {cases} cases loaded in {:.0} s, index built in {:.1} s | commit -> matches stored: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {requests} requests ({proposals} proposals)",
        loaded.as_secs_f64(),
        built.as_secs_f64(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
    store.close().await;
}

#[tokio::main]
async fn main() {
    let cases: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let requests: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("tempdir");
    run(
        "SQLite",
        format!("sqlite://{}", dir.path().join("bench.sqlite3").display()),
        cases,
        requests,
    )
    .await;
    match std::env::var("HOMEWARD_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => run("PostgreSQL", scratch_postgres_database(&admin).await, cases, requests).await,
        _ => println!("PostgreSQL: skipped (set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres)"),
    }
}
