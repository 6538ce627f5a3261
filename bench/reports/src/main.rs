//! Benchmark: the monthly indicator report (issue 12's goal: under 2 s for 100,000 cases, on
//! SQLite and on PostgreSQL). Seeds registered cases over a year through the store, a tenth of
//! them reunified with a follow-up (half of those done), then builds the June report, broken
//! down by sex, as a supervisor (exact figures) and as an analyst (small counts withheld with
//! complementary suppression), the way `GET /api/v1/reports/indicators` and `homeward report`
//! build it, and renders it to HTML and XLSX. The reference measured in the same run is the
//! floor any report pays: reading the plain fields and events of every case in scope.
//!
//!     CARGO_TARGET_DIR=/work/target-bench cargo build -j2 --release -p homeward-bench-reports
//!     /work/target-bench/release/homeward-bench-reports                  # SQLite, 100,000 cases
//!     /work/target-bench/release/homeward-bench-reports --postgres postgres://postgres@127.0.0.1:5432/postgres
//!     /work/target-bench/release/homeward-bench-reports --cases 2000 --only sqlite   # smoke

use std::time::{Duration, Instant};

use homeward_domain::{Document, RecordKind, RecordScope};
use homeward_server::api::reports::{report_for, IndicatorQuery, ReportReader};
use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_store::testing::{drop_scratch_database, scratch_postgres_database};
use homeward_store::{ActorContext, EncryptionKey, NewEvent, Store, StoreSettings, User};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const DISTRICTS: &[&str] = &[
    "Barpeta",
    "Dhubri",
    "Goalpara",
    "Kamrup",
    "Nalbari",
    "Morigaon",
    "Nagaon",
    "Darrang",
    "Sonitpur",
    "Lakhimpur",
    "Dhemaji",
    "Majuli",
];
const NAMES: &[&str] = &[
    "Rahim",
    "Karim",
    "Mousumi",
    "Anjali",
    "Bikash",
    "Puja",
    "রহিম",
    "पूजा",
];

struct Options {
    cases: usize,
    runs: usize,
    postgres: Option<String>,
    only: Option<String>,
}

fn options() -> Options {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut o = Options {
        cases: env("BENCH_CASES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000),
        runs: 5,
        postgres: env("HOMEWARD_TEST_POSTGRES"),
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--cases" => o.cases = value().parse().expect("--cases N"),
            "--runs" => o.runs = value().parse().expect("--runs N"),
            "--postgres" => o.postgres = Some(value()),
            "--only" => o.only = Some(value()),
            _ => panic!("unknown argument {a}; use --cases N, --runs N, --postgres URL, --only sqlite|postgres"),
        }
    }
    o
}

fn context(u: &User, reveal_personal: bool) -> ActorContext {
    ActorContext {
        scope: RecordScope {
            scope: u.scope,
            user: u.id,
            team: u.team_id,
            agency: u.agency_id,
            committee: None,
        },
        reveal_personal,
    }
}

fn day(rng: &mut StdRng) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
        // Up to late October: a reunification and its follow-up a few weeks later are then
        // still in the past.
        + chrono::Duration::days(rng.gen_range(0..300))
}

fn case(rng: &mut StdRng) -> (Document, String) {
    let registered = day(rng);
    let identified = registered - chrono::Duration::days(rng.gen_range(0..3));
    let doc = json!({
        "name_first": NAMES[rng.gen_range(0..NAMES.len())],
        "sex": if rng.gen_bool(0.5) { "female" } else { "male" },
        "age": rng.gen_range(0..18),
        "protection_status": if rng.gen_bool(0.3) { "unaccompanied" } else { "separated" },
        "district": DISTRICTS[rng.gen_range(0..DISTRICTS.len())],
        "date_of_identification": identified.to_string(),
        "registration_date": registered.to_string(),
    });
    let Value::Object(doc) = doc else {
        unreachable!()
    };
    (doc, registered.to_string())
}

async fn seed(store: &Store, worker: &User, cases: usize) -> (Duration, usize) {
    let ctx = context(worker, true);
    let mut rng = StdRng::seed_from_u64(12);
    let started = Instant::now();
    let mut refs = Vec::new();
    for chunk in 0..cases.div_ceil(10_000) {
        let n = (cases - chunk * 10_000).min(10_000);
        let batch: Vec<(Document, String)> = (0..n).map(|_| case(&mut rng)).collect();
        let inputs: Vec<_> = batch.iter().map(|(d, _)| (None, d.clone())).collect();
        // Registered at once, as a caseworker's registration is.
        let derive = |d: &Document| {
            let mut system = Document::new();
            system.insert("stage".into(), json!("registered"));
            system.insert("registered_at".into(), d["registration_date"].clone());
            system
        };
        let got = store
            .import_records_deriving(&ctx, RecordKind::Case, &inputs, &derive)
            .await
            .expect("import cases");
        refs.extend(got.into_iter().zip(batch.into_iter().map(|(_, r)| r)));
    }
    let mut events = 0;
    for (i, (reference, registered)) in refs.iter().enumerate().step_by(10) {
        let key = reference.to_string();
        let record = store
            .get_record(&ctx, RecordKind::Case, &key)
            .await
            .expect("case");
        let reunified = chrono::NaiveDate::parse_from_str(registered, "%Y-%m-%d")
            .unwrap_or_default()
            + chrono::Duration::days(rng.gen_range(5..30));
        let mut system = Document::new();
        system.insert("stage".into(), json!("reunified"));
        let new = [
            NewEvent {
                kind: "reunification",
                plain: json!({"reunification_date": reunified.to_string()}),
                sealed: json!({}),
                due_date: None,
            },
            NewEvent {
                kind: "followup",
                plain: json!({}),
                sealed: json!({}),
                due_date: Some((reunified + chrono::Duration::days(7)).to_string()),
            },
        ];
        store
            .apply_workflow(&ctx, &key, record.version, &system, &new, "reunify")
            .await
            .expect("reunify");
        events += 2;
        if i % 20 == 0 {
            let followup = store
                .case_events(&ctx, &key, Some("followup"))
                .await
                .expect("events")
                .pop()
                .expect("a follow-up");
            let done = (reunified + chrono::Duration::days(8)).to_string();
            store
                .complete_followup(
                    &ctx,
                    &followup.id,
                    &done,
                    json!({"child_with_family": true}),
                    json!({}),
                )
                .await
                .expect("follow-up done");
        }
    }
    (started.elapsed(), events)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

async fn run(name: &str, url: String, o: &Options) {
    let store = Store::open(&StoreSettings::new(url, Some(EncryptionKey::generate())))
        .await
        .expect("open");
    store
        .ensure_agency("bench", "Bench Agency")
        .await
        .expect("agency");
    let mut users = Vec::new();
    for (username, role) in [
        ("caseworker", "caseworker"),
        ("supervisor", "supervisor"),
        ("analyst", "analyst"),
    ] {
        let request = NewUserRequest {
            username: username.into(),
            display_name: username.into(),
            password: "benchmark password".into(),
            role: role.into(),
            scope: None,
            agency: "Bench Agency".into(),
            team: Some("Barpeta".into()),
            language: None,
        };
        users.push(add_user(&store, "bench", request).await.expect("user"));
    }
    let (seeded, events) = seed(&store, &users[0], o.cases).await;
    println!(
        "{name}: {} cases and {events} workflow events seeded in {}",
        o.cases,
        secs(seeded)
    );

    // The floor: reading what every report reads, with nothing computed.
    let floor_ctx = context(&users[1], false);
    let mut floor = Vec::new();
    for _ in 0..o.runs {
        let t = Instant::now();
        let records = store
            .plain_records(&floor_ctx, RecordKind::Case, "monitoring")
            .await
            .expect("plain");
        let events = store
            .plain_case_events(&floor_ctx, "monitoring")
            .await
            .expect("events");
        assert!(records.len() >= o.cases && events.len() >= events.len());
        floor.push(t.elapsed());
    }
    let floor = median(floor);
    println!(
        "  reference: reading the plain fields and events of every case: {} (median of {})",
        secs(floor),
        o.runs
    );

    let query = IndicatorQuery {
        period: Some("2026-06".into()),
        by: Some("sex".into()),
        ..IndicatorQuery::default()
    };
    for (user, exact, label) in [
        (&users[1], true, "supervisor, exact"),
        (&users[2], false, "analyst, suppressed"),
    ] {
        let reader = || ReportReader {
            user_id: user.id.to_string(),
            context: context(user, false),
            exact,
            via: "bench",
            authenticated: None,
        };
        let mut times = Vec::new();
        let mut report = None;
        for _ in 0..o.runs {
            let t = Instant::now();
            let r = report_for(&store, &reader(), &query, "json")
                .await
                .expect("report");
            times.push(t.elapsed());
            report = Some(r);
        }
        let report = report.expect("a run");
        let t = Instant::now();
        let html = homeward_web::reports::report_file(&report, homeward_web::i18n::Lang::Bn)
            .expect("html");
        let html_time = t.elapsed();
        let t = Instant::now();
        let xlsx = homeward_reports::xlsx::workbook(&report).expect("xlsx");
        let xlsx_time = t.elapsed();
        let built = median(times);
        println!(
            "  June report, by sex, {label}: {} (median of {}; {:.1}x the reference; goal under 2 s: {}); {} tables; HTML {} ({} KB), XLSX {} ({} KB)",
            secs(built),
            o.runs,
            built.as_secs_f64() / floor.as_secs_f64().max(1e-9),
            if built < Duration::from_secs(2) { "met" } else { "NOT met" },
            report.indicators.len(),
            secs(html_time),
            html.len() / 1024,
            secs(xlsx_time),
            xlsx.len() / 1024,
        );
    }
    store.close().await;
}

#[tokio::main]
async fn main() {
    let o = options();
    println!("monthly indicator report over {} cases", o.cases);
    let dir = tempfile::tempdir().expect("tempdir");
    if o.only.as_deref().is_none_or(|b| b == "sqlite") {
        let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
        run("SQLite", url, &o).await;
    }
    if o.only.as_deref().is_none_or(|b| b == "postgres") {
        match &o.postgres {
            Some(admin) => {
                let url = scratch_postgres_database(admin).await;
                run("PostgreSQL", url.clone(), &o).await;
                drop_scratch_database(admin, &url).await;
            }
            None => println!("PostgreSQL: skipped (pass --postgres postgres://postgres@127.0.0.1:5432/postgres or set HOMEWARD_TEST_POSTGRES)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smoke run CI makes: a few hundred cases on SQLite, every step of the benchmark.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_benchmark_runs_on_a_small_registry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("smoke.sqlite3").display());
        let o = Options {
            cases: 300,
            runs: 1,
            postgres: None,
            only: None,
        };
        run("SQLite", url, &o).await;
    }
}
