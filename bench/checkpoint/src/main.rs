//! Time from a checkpoint log to its alert, over HTTP against the real server, with 100,000
//! open cases stored, on SQLite and (with `--postgres` or HOMEWARD_TEST_POSTGRES) PostgreSQL;
//! and whether the screening named the right record.
//!
//! The store is seeded directly (cases, tracing requests, persons of concern, some on the watch
//! list); the server is then started on a random port with the production durability settings,
//! the benchmark waits for its matching index, and a checkpoint officer logs children in transit
//! with `POST /api/v1/checkpoint-logs`. The screening comes back in that response and is stored
//! as the officer's alerts before it is sent, so the POST's round trip is the time from the log
//! to its alert. A caseworker's `POST /api/v1/cases` in the same run is the reference. Missed
//! logs are shown with the probability and rank the wanted record got from the same index
//! without thresholds, to tell a record never found from one found but scored too low.
//!
//! Run: `cargo run --release -p homeward-bench-checkpoint -- [--cases N] [--logs N]
//! [--postgres URL] [--only sqlite|postgres]` (`BENCH_CASES`, default 100000; `BENCH_LOGS`,
//! default 300; `HOMEWARD_TEST_POSTGRES` for the PostgreSQL run).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use homeward_domain::{Document, RecordKind, RecordScope};
use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_server::{AppState, ServerConfig};
use homeward_store::testing::{drop_scratch_database, scratch_postgres_database};
use homeward_store::{ActorContext, EncryptionKey, Store, StoreSettings};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

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
/// Surnames no stored record carries. With 100,000 cases over 30 first names and 35 surnames
/// per sex, every name of the common pools is registered dozens of times, so a child who is
/// nobody's must come from families not in the database.
const UNSEEN_SURNAMES: &[&str] = &[
    "Konwar",
    "Rajkhowa",
    "Bhuyan",
    "Dutta",
    "Choudhury",
    "Baishya",
    "Mahanta",
    "Goswami",
    "Lahkar",
    "Talukdar",
    "Patgiri",
    "Kakati",
    "Rabha",
    "Hajong",
    "Tiwari",
    "Karmakar",
    "Sinha",
    "Khaund",
    "Mili",
    "Kutum",
    "Swargiary",
    "Mushahary",
    "Kachari",
    "Ekka",
];
const MOTHERS: &[&str] = &[
    "Amina", "Rekha", "Jamila", "Basanti", "Anjali", "Rupa", "Nirmala", "Sahida", "Mina", "Kamala",
];
const MEN: &[&str] = &[
    "Mofidul", "Nazrul", "Ranjit", "Dhiren", "Gopal", "Kamal", "Jiten", "Hiren", "Tarun", "Ajit",
    "Bhaben", "Dulal", "Monowar", "Sahidul", "Rupam", "Dhruba", "Biren", "Nripen", "Lakhi", "Anil",
];
const WOMEN: &[&str] = &[
    "Rina", "Mousumi", "Parbin", "Jharna", "Runu", "Dipali", "Champa", "Lipika", "Hasina", "Nilima",
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
const CHECKPOINTS: &[(&str, &str)] = &[
    ("Guwahati railway station", "Kamrup Metropolitan"),
    ("Rangiya junction", "Kamrup"),
    ("New Bongaigaon station", "Bongaigaon"),
    ("Srirampur border gate", "Kokrajhar"),
    ("Paltan Bazar bus stand", "Kamrup Metropolitan"),
];
const DESTINATIONS: &[&str] = &[
    "Kerala",
    "Tamil Nadu",
    "Karnataka",
    "Delhi",
    "Maharashtra",
    "Gujarat",
];

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn object(v: Value) -> Document {
    v.as_object().cloned().unwrap_or_default()
}

fn case(rng: &mut StdRng) -> Document {
    let male = rng.gen_bool(0.5);
    let last = pick(rng, SURNAMES);
    object(
        json!({"name_first": pick(rng, if male { BOYS } else { GIRLS }), "name_last": last, "sex": if male { "male" } else { "female" },
        "age": rng.gen_range(0..18), "protection_status": "separated", "district": pick(rng, DISTRICTS), "consent_for_tracing": true,
        "family_details": [{"relation": "mother", "relation_name": format!("{} {last}", pick(rng, MOTHERS))}]}),
    )
}

fn request_for(rng: &mut StdRng, child: &Document) -> Document {
    let mother = child["family_details"][0]["relation_name"].clone();
    let age = child["age"].as_i64().unwrap_or(5) + rng.gen_range(-1..=1);
    object(
        json!({"inquiry_date": "2026-11-20", "relation_name": mother, "relation": "mother", "district": child["district"], "consent_for_tracing": true,
        "children_sought": [{"name_first": child["name_first"], "name_last": child["name_last"], "sex": child["sex"], "age": age.clamp(0, 17)}]}),
    )
}

/// A name as an officer might write it down from a child's or an adult's telling: one
/// transliteration variant (Assamese and Bengali names have several Latin spellings) or, when
/// none applies, two letters swapped.
fn misspell(rng: &mut StdRng, name: &str) -> String {
    const VARIANTS: &[(&str, &str)] = &[
        ("sh", "s"),
        ("j", "z"),
        ("w", "o"),
        ("ph", "f"),
        ("oo", "u"),
        ("u", "o"),
        ("a", "o"),
        ("i", "ee"),
        ("y", "i"),
        ("ll", "l"),
        ("kh", "k"),
    ];
    let lower = name.to_lowercase();
    let start = rng.gen_range(0..VARIANTS.len());
    for k in 0..VARIANTS.len() {
        let (from, to) = VARIANTS[(start + k) % VARIANTS.len()];
        // The first letter stays: officers rarely get it wrong and blocking relies on it.
        if let Some(at) = lower[1..].find(from).map(|i| i + 1) {
            let mut out = String::with_capacity(lower.len() + 1);
            out.push_str(&lower[..at]);
            out.push_str(to);
            out.push_str(&lower[at + from.len()..]);
            return capitalise(&out);
        }
    }
    let mut chars: Vec<char> = lower.chars().collect();
    if chars.len() > 3 {
        let i = rng.gen_range(1..chars.len() - 1);
        chars.swap(i, i + 1);
    }
    capitalise(&chars.into_iter().collect::<String>())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A stored tracing request and the child it seeks.
struct Sought {
    reference: String,
    child: Document,
    district: String,
}

/// A stored person of concern.
struct Person {
    reference: String,
    first: String,
    last: String,
    sex: &'static str,
    listed: bool,
}

/// What a log is, and what its screening should name.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// A child a stored tracing request seeks (`misspelt`: the name as written differs).
    Sought { request: usize, misspelt: bool },
    /// A child travelling with a watch-listed adult.
    Watch { person: usize, misspelt: bool },
    /// A child and adult matching no stored record.
    Nothing,
}

struct Log {
    body: Document,
    expect: Expect,
}

fn today() -> String {
    // The log date may not be in the future, and the server judges that in UTC.
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// An adult whose name is no person of concern's.
fn ordinary_adult(
    rng: &mut StdRng,
    persons: &HashSet<(String, String)>,
    last: Option<&str>,
) -> (String, String, &'static str) {
    loop {
        let male = rng.gen_bool(0.6);
        let first = pick(rng, if male { MEN } else { WOMEN }).to_string();
        let last = last.map_or_else(|| pick(rng, SURNAMES).to_string(), str::to_string);
        if !persons.contains(&(first.clone(), last.clone())) {
            return (first, last, if male { "male" } else { "female" });
        }
    }
}

fn logs(rng: &mut StdRng, n: usize, sought: &[Sought], persons: &[Person]) -> Vec<Log> {
    let names: HashSet<(String, String)> = persons
        .iter()
        .map(|p| (p.first.clone(), p.last.clone()))
        .collect();
    let listed: Vec<usize> = (0..persons.len()).filter(|&i| persons[i].listed).collect();
    let unlisted: Vec<usize> = (0..persons.len()).filter(|&i| !persons[i].listed).collect();
    let date = today();
    let (mut next_request, mut next_person) = (0, 0);
    (0..n)
        .map(|i| {
            let (checkpoint, district) = CHECKPOINTS[rng.gen_range(0..CHECKPOINTS.len())];
            let mut body = object(
                json!({"log_date": date, "checkpoint": checkpoint, "district": district,
                "destination_district": pick(rng, DESTINATIONS), "transport": "train"}),
            );
            let mut put = |k: &str, v: Value| {
                body.insert(k.into(), v);
            };
            let expect = match i % 4 {
                // Half the children logged are sought by a family: the name as the family gave
                // it or as the officer spells it, the age give or take a year, from the
                // family's district, with an adult who is no relative.
                0 | 1 => {
                    let request = next_request % sought.len();
                    next_request += 1;
                    let s = &sought[request];
                    let text = |k: &str| s.child[k].as_str().unwrap_or_default().to_string();
                    let (mut first, mut last) = (text("name_first"), text("name_last"));
                    let misspelt = rng.gen_bool(1.0 / 3.0);
                    if misspelt {
                        if rng.gen_bool(0.5) {
                            first = misspell(rng, &first);
                        } else {
                            last = misspell(rng, &last);
                        }
                    }
                    let age = s.child["age"].as_i64().unwrap_or(10) + rng.gen_range(-1..=1);
                    let (af, al, asex) = ordinary_adult(rng, &names, None);
                    put("name_first", json!(first));
                    put("name_last", json!(last));
                    put("sex", s.child["sex"].clone());
                    put("age", json!(age.clamp(0, 17)));
                    put("origin_district", json!(s.district));
                    put("adult_name", json!(format!("{af} {al}")));
                    put("adult_sex", json!(asex));
                    put("adult_relationship", json!("other_nonfamily"));
                    put("purpose", json!("work"));
                    put("cp_no_guardian_or_non_relative", json!("yes"));
                    put(
                        "cp_destination_or_job_unknown",
                        json!(if rng.gen_bool(0.5) { "yes" } else { "no" }),
                    );
                    Expect::Sought { request, misspelt }
                }
                // A quarter travel with a watch-listed adult, whose name the officer copies
                // from an identity card or, a third of the time, writes as heard.
                2 => {
                    let person = listed[next_person % listed.len()];
                    next_person += 1;
                    let p = &persons[person];
                    let misspelt = rng.gen_bool(1.0 / 3.0);
                    let (mut first, mut last) = (p.first.clone(), p.last.clone());
                    if misspelt {
                        if rng.gen_bool(0.5) {
                            first = misspell(rng, &first);
                        } else {
                            last = misspell(rng, &last);
                        }
                    }
                    unseen_child(rng, &mut put);
                    put("adult_name", json!(format!("{first} {last}")));
                    put("adult_sex", json!(p.sex));
                    put("adult_relationship", json!("uncle"));
                    put("purpose", json!("work"));
                    put("cp_name_differs_from_relative", json!("yes"));
                    Expect::Watch { person, misspelt }
                }
                // The rest match nothing: a child of a family not in the database with a parent,
                // or, one time in three, with a person of concern who is not on the watch list
                // (recorded, but not someone checkpoints look out for).
                _ => {
                    let last = unseen_child(rng, &mut put);
                    if rng.gen_bool(1.0 / 3.0) && !unlisted.is_empty() {
                        let p = &persons[unlisted[rng.gen_range(0..unlisted.len())]];
                        put("adult_name", json!(format!("{} {}", p.first, p.last)));
                        put("adult_sex", json!(p.sex));
                        put("adult_relationship", json!("other_nonfamily"));
                    } else {
                        let (af, al, asex) = ordinary_adult(rng, &names, Some(last.as_str()));
                        put("adult_name", json!(format!("{af} {al}")));
                        put("adult_sex", json!(asex));
                        put(
                            "adult_relationship",
                            json!(if asex == "male" { "father" } else { "mother" }),
                        );
                    }
                    put("purpose", json!("visiting_family"));
                    Expect::Nothing
                }
            };
            Log { body, expect }
        })
        .collect()
}

/// Fills in a child no stored record describes; returns the surname.
fn unseen_child(rng: &mut StdRng, put: &mut impl FnMut(&str, Value)) -> String {
    let male = rng.gen_bool(0.5);
    let last = pick(rng, UNSEEN_SURNAMES).to_string();
    put(
        "name_first",
        json!(pick(rng, if male { BOYS } else { GIRLS })),
    );
    put("name_last", json!(last));
    put("sex", json!(if male { "male" } else { "female" }));
    put("age", json!(rng.gen_range(6..18)));
    put("origin_district", json!(pick(rng, DISTRICTS)));
    last
}

/// Persons of concern with distinct names, a quarter on the watch list; references are filled
/// in once stored.
fn persons(rng: &mut StdRng, n: usize) -> Vec<(Document, Person)> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let male = rng.gen_bool(0.7);
        let first = pick(rng, if male { MEN } else { WOMEN });
        let last = pick(rng, SURNAMES);
        if !seen.insert((first, last)) {
            continue;
        }
        let sex = if male { "male" } else { "female" };
        let listed = out.len() % 4 == 0;
        let doc = object(
            json!({"name_first": first, "name_last": last, "sex": sex, "age": rng.gen_range(22..60),
            "district": pick(rng, DISTRICTS), "role_in_process": ["recruiter_or_intermediary"], "on_watch_list": listed}),
        );
        let person = Person {
            reference: String::new(),
            first: first.to_string(),
            last: last.to_string(),
            sex,
            listed,
        };
        out.push((doc, person));
    }
    out
}

fn quantile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

struct Options {
    cases: usize,
    logs: usize,
    postgres: Option<String>,
    only: Option<String>,
}

fn options() -> Options {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut o = Options {
        cases: env("BENCH_CASES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000),
        logs: env("BENCH_LOGS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
        postgres: env("HOMEWARD_TEST_POSTGRES"),
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--cases" => o.cases = value().parse().expect("--cases N"),
            "--logs" => o.logs = value().parse().expect("--logs N"),
            "--postgres" => o.postgres = Some(value()),
            "--only" => o.only = Some(value()),
            _ => panic!("unknown argument {a}; use --cases N, --logs N, --postgres URL, --only sqlite|postgres"),
        }
    }
    o
}

async fn login(client: &reqwest::Client, base: &str, user: &str) -> String {
    let res: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": user, "password": "benchmark password", "kind": "api"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    res["token"].as_str().expect("token").to_string()
}

async fn run(name: &str, url: String, cases: usize, n_logs: usize) {
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
        ("officer", "checkpoint_officer"),
    ] {
        users.push(
            add_user(
                &store,
                "bench",
                NewUserRequest {
                    username: username.into(),
                    display_name: username.into(),
                    password: "benchmark password".into(),
                    role: role.into(),
                    scope: None,
                    agency: "Bench Agency".into(),
                    team: Some("Barpeta".into()),
                    language: None,
                },
            )
            .await
            .expect("user"),
        );
    }
    let worker = &users[0];
    let ctx = ActorContext {
        scope: RecordScope {
            scope: worker.scope,
            user: worker.id,
            team: worker.team_id,
            agency: worker.agency_id,
            committee: worker.committee.clone(),
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
            .expect("import cases");
    }
    // Half the families look for a child already registered, half for one not found yet.
    let children: Vec<Document> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                kept[(i / 2) % kept.len()].clone()
            } else {
                case(&mut rng)
            }
        })
        .collect();
    let requests: Vec<_> = children
        .iter()
        .map(|c| (None, request_for(&mut rng, c)))
        .collect();
    let refs = store
        .import_records(&ctx, RecordKind::TracingRequest, &requests)
        .await
        .expect("import requests");
    let sought: Vec<Sought> = refs
        .iter()
        .zip(&requests)
        .map(|(r, (_, doc))| Sought {
            reference: r.to_string(),
            child: doc["children_sought"][0]
                .as_object()
                .cloned()
                .unwrap_or_default(),
            district: doc["district"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let generated = persons(&mut rng, 200);
    let docs: Vec<_> = generated.iter().map(|(d, _)| (None, d.clone())).collect();
    let refs = store
        .import_records(&ctx, RecordKind::PersonOfConcern, &docs)
        .await
        .expect("import persons");
    let persons: Vec<Person> = refs
        .iter()
        .zip(generated)
        .map(|(r, (_, p))| Person {
            reference: r.to_string(),
            ..p
        })
        .collect();
    let loaded = started.elapsed();

    // The real server, as `homeward serve` starts it: index built in the background, then up.
    let state = AppState::new(store.clone(), ServerConfig::default());
    let t = Instant::now();
    state.matching.warm_up();
    state.matching.matcher().await.expect("index");
    let built = t.elapsed();
    // Kept to ask the index, after the run, how close a missed record came.
    let probe = state.matching.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(homeward_server::launch(state, listener, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let officer = login(&client, &base, "officer").await;
    let caseworker = login(&client, &base, "caseworker").await;

    // One officer at one checkpoint: logs one after another, each timed from the request
    // leaving to the whole response (with the screening) having arrived.
    let plan = logs(&mut rng, n_logs, &sought, &persons);
    let mut latencies = Vec::with_capacity(n_logs);
    let mut outcomes = Vec::with_capacity(n_logs);
    let mut alerts_agree = 0;
    // Each concern is read and alerted (the officer, and the caseworker in charge) before the
    // answer, so the time is shown by how many concerns a log raised.
    let mut by_concerns: Vec<(usize, Duration)> = Vec::with_capacity(n_logs);
    for log in &plan {
        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/checkpoint-logs"))
            .bearer_auth(&officer)
            .json(&log.body)
            .send()
            .await
            .expect("post log");
        let status = res.status();
        let bytes = res.bytes().await.expect("log response");
        let took = t.elapsed();
        latencies.push(took);
        let body: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(status, 201, "checkpoint log refused: {body}");
        let concerns = body["screening"]["concerns"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|c| {
                        Some((
                            c["reference"].as_str()?.to_string(),
                            c["kind"].as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Outside the timing: the officer's stored alerts of this log name the same records.
        // (The list holds the newest 200, more than one log ever raises.)
        let alerts: Value = client
            .get(format!("{base}/api/v1/alerts"))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("alerts")
            .json()
            .await
            .expect("alerts body");
        let stored: HashSet<&str> = alerts
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["kind"] == "checkpoint_match" && a["record_id"] == body["record"]["id"])
            .filter_map(|a| a["detail"]["reference"].as_str())
            .collect();
        let answered: Vec<(String, String)> = concerns;
        if stored.len() == answered.len()
            && answered.iter().all(|(r, _)| stored.contains(r.as_str()))
        {
            alerts_agree += 1;
        }
        by_concerns.push((answered.len(), took));
        outcomes.push((log.expect, answered, &log.body));
    }

    // The reference: a caseworker registers children through the same server, one after
    // another; matching each runs after the response, off the request path.
    let mut registrations = Vec::with_capacity(n_logs);
    for _ in 0..n_logs {
        let doc = case(&mut rng);
        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&caseworker)
            .json(&doc)
            .send()
            .await
            .expect("post case");
        let status = res.status();
        let _ = res.bytes().await.expect("case response");
        registrations.push(t.elapsed());
        assert_eq!(status, 201, "registration refused");
    }
    let _ = stop.send(());
    let _ = server.await;

    latencies.sort();
    registrations.sort();
    let (p50, p95, p99, max) = (
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.95),
        quantile(&latencies, 0.99),
        quantile(&latencies, 1.0),
    );
    let (r50, r99) = (
        quantile(&registrations, 0.5),
        quantile(&registrations, 0.99),
    );

    let (mut sought_hit, mut sought_n, mut sought_ms_hit, mut sought_ms_n, mut with_case) =
        (0, 0, 0, 0, 0);
    let (mut watch_hit, mut watch_n, mut watch_ms_hit, mut watch_ms_n) = (0, 0, 0, 0);
    let (mut quiet, mut others) = (0, 0);
    let mut misses = Vec::new();
    for (expect, concerns, body) in &outcomes {
        let hit = match *expect {
            Expect::Sought { request, misspelt } => {
                let hit = concerns
                    .iter()
                    .any(|(r, _)| *r == sought[request].reference);
                sought_n += 1;
                sought_hit += usize::from(hit);
                sought_ms_n += usize::from(misspelt);
                sought_ms_hit += usize::from(misspelt && hit);
                with_case += usize::from(concerns.iter().any(|(_, kind)| kind == "case"));
                hit
            }
            Expect::Watch { person, misspelt } => {
                let hit = concerns
                    .iter()
                    .any(|(r, _)| *r == persons[person].reference);
                watch_n += 1;
                watch_hit += usize::from(hit);
                watch_ms_n += usize::from(misspelt);
                watch_ms_hit += usize::from(misspelt && hit);
                hit
            }
            Expect::Nothing => {
                others += 1;
                quiet += usize::from(concerns.is_empty());
                concerns.is_empty()
            }
        };
        if !hit {
            misses.push((expect, concerns, body));
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "{name:<10} | {cases} open cases, {} tracing requests, {} persons of concern ({} on the watch list) loaded in {:.0} s, index built in {:.1} s",
        sought.len(),
        persons.len(),
        persons.iter().filter(|p| p.listed).count(),
        loaded.as_secs_f64(),
        built.as_secs_f64()
    );
    println!(
        "{name:<10} | checkpoint log -> alert: p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms, max {max:.2} ms over {n_logs} logs | case registration: p50 {r50:.2} ms, p99 {r99:.2} ms | ratio p50 {:.2}x, p99 {:.2}x",
        p50 / r50,
        p99 / r99
    );
    println!(
        "{name:<10} | recall: sought {sought_hit}/{sought_n} ({:.1}%; misspelt {sought_ms_hit}/{sought_ms_n}; {with_case} also named a case) | watch list {watch_hit}/{watch_n} ({:.1}%; misspelt {watch_ms_hit}/{watch_ms_n}) | others with no concern {quiet}/{others} ({:.1}%) | officer's stored alerts = concerns answered for {alerts_agree}/{n_logs} logs",
        pct(sought_hit, sought_n),
        pct(watch_hit, watch_n),
        pct(quiet, others)
    );
    let mut groups = Vec::new();
    for (label, lo, hi) in [
        ("none", 0, 0),
        ("1-5", 1, 5),
        ("6-10", 6, 10),
        ("over 10", 11, usize::MAX),
    ] {
        let mut g: Vec<Duration> = by_concerns
            .iter()
            .filter(|(c, _)| (lo..=hi).contains(c))
            .map(|(_, d)| *d)
            .collect();
        g.sort();
        if !g.is_empty() {
            groups.push(format!(
                "{label}: p50 {:.2} ms ({} logs)",
                quantile(&g, 0.5),
                g.len()
            ));
        }
    }
    let sought_concerns: Vec<usize> = outcomes
        .iter()
        .filter(|(e, ..)| matches!(e, Expect::Sought { .. }))
        .map(|(_, c, _)| c.len())
        .collect();
    println!(
        "{name:<10} | by concerns answered: {} | concerns per sought child's log: mean {:.1}, max {}",
        groups.join(", "),
        sought_concerns.iter().sum::<usize>() as f64 / sought_concerns.len().max(1) as f64,
        sought_concerns.iter().max().copied().unwrap_or(0)
    );
    let matcher = probe.matcher().await.expect("index");
    for (expect, concerns, body) in misses.iter().take(MISSES_SHOWN) {
        // The same screening without thresholds: where the wanted record ranked, if at all.
        let screening = homeward_matching::Screening {
            threshold: 0.0,
            sought_share: homeward_domain::prevention::PreventionSettings::default()
                .screening_sought_share,
            watch_threshold: 0.0,
        };
        let all = matcher.screen_transit(body, screening).unwrap_or_default();
        let wanted = match **expect {
            Expect::Sought { request, .. } => {
                let s = &sought[request];
                let id = store
                    .get_record(&ctx, RecordKind::TracingRequest, &s.reference)
                    .await
                    .map(|r| format!("{}#0", r.id))
                    .unwrap_or_default();
                format!(
                    "{} [{}] seeking {} {} ({}, {}, {})",
                    s.reference,
                    rank(&all.sought, &id),
                    s.child["name_first"],
                    s.child["name_last"],
                    s.child["sex"],
                    s.child["age"],
                    s.district
                )
            }
            Expect::Watch { person, .. } => {
                let p = &persons[person];
                let id = store
                    .get_record(&ctx, RecordKind::PersonOfConcern, &p.reference)
                    .await
                    .map(|r| r.id.to_string())
                    .unwrap_or_default();
                format!(
                    "{} [{}] {} {} ({})",
                    p.reference,
                    rank(&all.watch, &id),
                    p.first,
                    p.last,
                    p.sex
                )
            }
            Expect::Nothing => "no concern".into(),
        };
        println!(
            "{name:<10} |   missed: logged {} {} ({}, {}, {}) with {} -> wanted {wanted}, got {concerns:?}",
            body["name_first"], body["name_last"], body["sex"], body["age"], body["origin_district"], body["adult_name"]
        );
    }
    println!(
        "{name:<10} | checkpoint→alert p50 {p50:.1} ms p99 {p99:.1} ms ({:.1}× a registration's p50), recall {:.0}% of sought children and {:.0}% of watch-listed adults, {:.0}% of the others unflagged, with {cases} open cases",
        p50 / r50,
        pct(sought_hit, sought_n),
        pct(watch_hit, watch_n),
        pct(quiet, others)
    );
    store.close().await;
}

/// How many missed logs are shown, with why.
const MISSES_SHOWN: usize = 12;

/// Where `id` ranks among the candidates the index returned, with its probability.
fn rank(found: &[homeward_matching::Screened], id: &str) -> String {
    match found.iter().position(|m| m.id == id) {
        Some(i) => format!(
            "p {:.3}, rank {} of {}",
            found[i].probability,
            i + 1,
            found.len()
        ),
        None => format!(
            "not among the {} candidates, best p {:.3}",
            found.len(),
            found.first().map_or(0.0, |m| m.probability)
        ),
    }
}

/// Drops the scratch database: 100,000 cases take hundreds of megabytes, and nothing reads them
/// after the run.
#[tokio::main]
async fn main() {
    let o = options();
    println!(
        "checkpoint logs: {} per run, one officer, against {} open cases",
        o.logs, o.cases
    );
    let dir = tempfile::tempdir().expect("tempdir");
    if o.only.as_deref().is_none_or(|b| b == "sqlite") {
        let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
        run("SQLite", url, o.cases, o.logs).await;
    }
    if o.only.as_deref().is_none_or(|b| b == "postgres") {
        match &o.postgres {
            Some(admin) => {
                let url = scratch_postgres_database(admin).await;
                run("PostgreSQL", url.clone(), o.cases, o.logs).await;
                drop_scratch_database(admin, &url).await;
            }
            None => println!("PostgreSQL: skipped (pass --postgres postgres://postgres@127.0.0.1:5432/postgres or set HOMEWARD_TEST_POSTGRES)"),
        }
    }
}
