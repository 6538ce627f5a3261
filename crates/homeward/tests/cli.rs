//! The `homeward` binary end to end: demo data, encryption at rest, audit verification after
//! tampering, all-or-nothing imports, exports, backups while serving, restarts after a kill.

use std::process::Stdio;

use serde_json::{json, Value};

mod common;
use common::{csv_rows, db_bytes, text, token, Home, Server};

#[test]
fn the_demo_database_shows_no_child_name_to_strings() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("500 child cases and 300 tracing requests"));
    let out = h.path("cases.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "admin",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 501);
    let col = rows[0].iter().position(|c| c == "name_first").unwrap();
    let staff = "Anil Kalita Mitali Saikia Rupa Deka Farid Ahmed Jonali Pegu Ratul Bora Nirmali Das Sanjib Nath";
    let mut names: Vec<String> = rows[1..]
        .iter()
        .map(|r| r[col].clone())
        .filter(|n| n.len() >= 4 && !staff.contains(n.as_str()))
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() > 40);
    let bytes = db_bytes(&h.data());
    for n in &names {
        let found = bytes.windows(n.len()).any(|w| w == n.as_bytes());
        assert!(!found, "the database file shows the child's name `{n}`");
    }
}

#[test]
fn audit_verify_names_the_first_tampered_or_deleted_entry() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "20", "--requests", "5"])
        .status
        .success());
    let o = h.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).starts_with("OK"));
    let db = h.data().join("homeward.sqlite3");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET detail = '{}' WHERE seq = 7")
            .execute(&mut c)
            .await
            .unwrap();
    });
    let o = h.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("BROKEN at entry 7"), "{}", text(&o));
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = 3")
            .execute(&mut c)
            .await
            .unwrap();
    });
    let o = h.run(&["audit", "verify"]);
    assert!(text(&o).contains("BROKEN at entry 3"), "{}", text(&o));
}

#[test]
fn a_failed_import_stores_nothing_and_names_the_lines() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "3", "--requests", "1"])
        .status
        .success());
    let bad = h.path("bad.csv");
    std::fs::write(&bad, "name_first,sex,age,protection_status,family_details.1.relation,family_details.1.relation_name\nরহিম,male,9,unaccompanied,mother,Amina\nRupa,girl,7,separated,,\nBikash,male,31,separated,,\nJonali,female,5,separated,,\n").unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        bad.to_str().unwrap(),
        "--as",
        "caseworker",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("line 3: sex: `girl` is not a known choice"),
        "{t}"
    );
    assert!(t.contains("line 4: age: 31 is outside 0–17"), "{t}");
    assert!(t.contains("nothing was imported"));
    let unknown = h.path("unknown.csv");
    std::fs::write(&unknown, "name_frist,sex\nA,male\n").unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        unknown.to_str().unwrap(),
        "--as",
        "caseworker",
    ]);
    assert!(
        text(&o).contains("did you mean `name_first`"),
        "{}",
        text(&o)
    );
    let ragged = h.path("ragged.csv");
    std::fs::write(
        &ragged,
        "name_first,sex,protection_status\nA,male,separated\nB,male\n",
    )
    .unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        ragged.to_str().unwrap(),
        "--as",
        "caseworker",
    ]);
    assert!(
        text(&o).contains("line 3: this row has 2 cells but the header has 3"),
        "{}",
        text(&o)
    );

    let out = h.path("after.csv");
    assert!(h
        .run(&[
            "export",
            "--kind",
            "case",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "admin"
        ])
        .status
        .success());
    assert_eq!(csv_rows(&out).len(), 4, "the failed imports stored nothing");

    let good = h.path("good.csv");
    std::fs::write(&good, "name_first,sex,age,protection_status,languages,family_details.1.relation,family_details.1.relation_name\nরহিম,male,9,unaccompanied,bn; as,mother,Amina Khatun\n").unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        good.to_str().unwrap(),
        "--as",
        "caseworker",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(h
        .run(&[
            "export",
            "--kind",
            "case",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "admin"
        ])
        .status
        .success());
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 5);
    let imported = rows.iter().find(|r| r.iter().any(|c| c == "রহিম")).unwrap();
    assert!(imported.iter().any(|c| c == "Amina Khatun") && imported.iter().any(|c| c == "bn; as"));
    assert!(
        std::fs::read(&out).unwrap().starts_with(b"\xEF\xBB\xBF"),
        "exports carry a BOM for spreadsheets"
    );
}

#[test]
fn exports_follow_the_role_and_round_trip_as_updates() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "10", "--requests", "4"])
        .status
        .success());
    let o = h.run(&[
        "export", "--kind", "case", "--out", "x.csv", "--as", "analyst",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("data.export"), "{}", text(&o));
    let out = h.path("sup.csv");
    assert!(h
        .run(&[
            "export",
            "--kind",
            "tracing-request",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "admin"
        ])
        .status
        .success());
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 5);
    // Re-importing an export updates the same records instead of duplicating them...
    let o = h.run(&[
        "import",
        "--kind",
        "tracing-request",
        out.to_str().unwrap(),
        "--as",
        "admin",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(h
        .run(&[
            "export",
            "--kind",
            "tracing-request",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "admin"
        ])
        .status
        .success());
    assert_eq!(csv_rows(&out).len(), 5);
    // ...and a user cannot reach records outside their scope through an import.
    let o = h.run(&[
        "import",
        "--kind",
        "tracing-request",
        out.to_str().unwrap(),
        "--as",
        "caseworker2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("id: names a record that exists but is outside your scope"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_wrong_or_missing_key_is_a_clear_error_and_config_hides_secrets() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "2", "--requests", "1"])
        .status
        .success());
    let o = h
        .cmd(&["audit", "verify"])
        .env(
            "HOMEWARD_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("does not match this database"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(h.data().join("homeward.key")).unwrap();
    let o = h.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("no encryption key was given"),
        "{}",
        text(&o)
    );
    let o = h
        .cmd(&["config"])
        .env(
            "HOMEWARD_KEY",
            "c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3ODkwYWI=",
        )
        .env("HOMEWARD_DATABASE_URL", "postgres://hw:hunter22@db/hw")
        .output()
        .unwrap();
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(!t.contains("hunter22") && !t.contains("c2VjcmV0"), "{t}");
    assert!(t.contains("hw:***@db"), "{t}");
}

#[tokio::test]
async fn a_killed_server_loses_nothing_it_acknowledged_and_backups_run_while_serving() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "5", "--requests", "2"])
        .status
        .success());
    let server = Server::start(&h);
    let t = token(&server.base, "caseworker").await;
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for age in 0..25 {
        let res = client.post(format!("{}/api/v1/cases", server.base)).bearer_auth(&t).json(&json!({"name_first": "Junmoni", "sex": "female", "age": age % 18, "protection_status": "separated"})).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.unwrap();
        acknowledged.push(body["id"].as_str().unwrap().to_string());
    }
    let backup = h.path("while-serving.sqlite3");
    let o = h.run(&["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    server.kill();

    let server = Server::start(&h);
    let t = token(&server.base, "caseworker").await;
    for id in &acknowledged {
        let res = client
            .get(format!("{}/api/v1/cases/{id}", server.base))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "case {id} was acknowledged before the kill and must survive"
        );
    }
    drop(server);

    let o = h.run(&["restore", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--force"));
    let o = h.run(&["restore", backup.to_str().unwrap(), "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = h.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn link_finds_the_family_across_scripts_with_the_tracing_profile() {
    let h = Home::new();
    let requests = h.path("requests.csv");
    let children = h.path("children.csv");
    std::fs::write(&requests, "id,name_first,name_last,name_nickname,sex,age,date_of_birth,mother_name,father_name,village,district,location_separation,date_of_separation,language\nTR-1,Rahim,Ali,,male,11,,Amina Khatun,,,Barpeta,,,\nTR-2,Pooja,Yadav,,female,6,,Sunita Yadav,,,Cachar,,,\n").unwrap();
    let mut rows = String::from("id,name_first,name_last,name_nickname,sex,age,date_of_birth,mother_name,father_name,village,district,location_separation,date_of_separation,language\nHW-1,রহিম,আলী,,male,9,,আমিনা খাতুন,,,Barpeta,,,\nHW-2,पूजा,यादव,,female,7,,सुनीता यादव,,,Cachar,,,\n");
    for (i, (f, l)) in [
        ("Bikash", "Barua"),
        ("Rupali", "Gogoi"),
        ("Jahirul", "Islam"),
        ("Raju", "Basumatary"),
        ("Tabu", "Pegu"),
        ("Sunita", "Munda"),
    ]
    .iter()
    .enumerate()
    {
        rows.push_str(&format!(
            "HW-{},{f},{l},,{},{},,Rekha {l},,,Nalbari,,,\n",
            i + 10,
            if i % 2 == 0 { "male" } else { "female" },
            i + 3
        ));
    }
    std::fs::write(&children, rows).unwrap();
    let out = h.path("pairs.csv");
    let o = h.run(&[
        "link",
        requests.to_str().unwrap(),
        children.to_str().unwrap(),
        "--profile",
        "tracing",
        "--explain",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let pairs = csv_rows(&out);
    assert_eq!(
        &pairs[0][..4],
        ["left_id", "right_id", "match_probability", "match_weight"]
    );
    let found: Vec<(String, String)> = pairs[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert!(found.contains(&("TR-1".into(), "HW-1".into())), "{found:?}");
    assert!(found.contains(&("TR-2".into(), "HW-2".into())), "{found:?}");
    assert!(
        !found.iter().any(|(l, r)| l == "TR-1" && r != "HW-1"),
        "{found:?}"
    );
    let missing = h.path("missing.csv");
    std::fs::write(&missing, "name_first,sex\nA,male\n").unwrap();
    let o = h.run(&[
        "link",
        "--dedupe",
        missing.to_str().unwrap(),
        "--profile",
        "duplicates",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("id"), "{}", text(&o));
}

#[test]
fn match_run_recomputes_the_proposals_of_every_tracing_request() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "60", "--requests", "30"])
        .status
        .success());
    let o = h.run(&["match", "run"]);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    let count: usize = t
        .lines()
        .find(|l| l.contains("potential matches"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // Three in five demo requests are for a registered child.
    assert!(count >= 12, "{t}");
    let o = h.run(&["match", "run", "--threshold", "0.001"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn workflow_figures_are_settings_from_file_and_environment() {
    let h = Home::new();
    std::fs::write(h.path("homeward.toml"), "emergency_active = false\n[workflow]\nminimum_tracing_days = 400\nfollowup_days_high = [3, 10]\n").unwrap();
    let o = h
        .cmd(&["config"])
        .env("HOMEWARD_WORKFLOW__REGISTRATION_DEADLINE_HOURS", "12")
        .output()
        .unwrap();
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    for expected in [
        "emergency_active = false",
        "minimum_tracing_days = 400",
        "followup_days_high = [3, 10]",
        "registration_deadline_hours = 12",
    ] {
        assert!(t.contains(expected), "{expected} missing from:\n{t}");
    }
    let o = h.run(&["config", "--example"]);
    assert!(text(&o).contains("[workflow]") && text(&o).contains("[prevention]"));
    // The example is itself a valid configuration.
    std::fs::write(h.path("homeward.toml"), o.stdout).unwrap();
    let o = h.run(&["config"]);
    assert!(text(&o).contains("visit_days_high = 7"), "{}", text(&o));
    std::fs::write(
        h.path("homeward.toml"),
        "[prevention]\nhome_visit_weights = { hv_offer_to_take_chlid = 9 }\n",
    )
    .unwrap();
    let o = h.run(&["config"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("`hv_offer_to_take_chlid`, which is not a checklist item"),
        "{}",
        text(&o)
    );
    // The proxies whose X-Forwarded-For is believed: addresses or networks, checked at start.
    std::fs::write(h.path("homeward.toml"), "").unwrap();
    let config_with = |proxies: &str| {
        h.cmd(&["config"])
            .env("HOMEWARD_TRUSTED_PROXIES", proxies)
            .output()
            .unwrap()
    };
    let o = config_with("127.0.0.1, 10.0.0.0/8");
    assert!(
        text(&o).contains("trusted_proxies = \"127.0.0.1, 10.0.0.0/8\""),
        "{}",
        text(&o)
    );
    let o = config_with("127.0.0.1, proxy.local");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("`proxy.local` is not an address"),
        "{}",
        text(&o)
    );
}

#[test]
fn prevention_records_import_and_export_with_their_links() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "5", "--requests", "2"])
        .status
        .success());
    let households = h.path("households.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "household",
        "--out",
        households.to_str().unwrap(),
        "--as",
        "admin",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = csv_rows(&households);
    assert_eq!(rows.len(), 37, "36 demo households and the header");
    let reference = rows[1][rows[0].iter().position(|c| c == "reference").unwrap()].clone();
    assert!(reference.starts_with("HH-"));
    // Exporting incidents needs the permission to read them, whatever data.export allows.
    let o = h.run(&[
        "export", "--kind", "incident", "--out", "i.csv", "--as", "admin",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("incident.read"), "{}", text(&o));

    let visits = h.path("visits.csv");
    std::fs::write(
        &visits,
        format!("household,visit_date,hv_offer_to_take_child,hv_school_dropout\n{reference},2026-11-20,yes,no\nHH-0000-000,2026-11-21,no,no\n"),
    )
    .unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "home-visit",
        visits.to_str().unwrap(),
        "--as",
        "volunteer",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("line 3: household: no household has the reference HH-0000-000"),
        "{}",
        text(&o)
    );
    std::fs::write(
        &visits,
        format!("household,visit_date,hv_offer_to_take_child,hv_school_dropout\n{reference},2026-11-20,yes,no\n"),
    )
    .unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "home-visit",
        visits.to_str().unwrap(),
        "--as",
        "volunteer",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let out = h.path("visits-out.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "home-visit",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "admin",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = csv_rows(&out);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let imported = rows
        .iter()
        .find(|r| r[col("household")] == reference && r[col("visit_date")] == "2026-11-20")
        .expect("the imported visit is exported");
    assert_eq!(imported[col("hv_offer_to_take_child")], "yes");
    let o = h.run(&["import", "--kind", "visit", "x.csv", "--as", "volunteer"]);
    assert!(
        text(&o).contains("`visit` is not a kind of record; use one of: case, tracing-request"),
        "{}",
        text(&o)
    );
}

/// 7-Zip, the reader a recipient opens the archive with (`.ci/run` installs it).
fn seven_zip() -> Option<&'static str> {
    ["7z", "7zz", "7za"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("i")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

fn extract(seven: &str, archive: &std::path::Path, password: &str) -> std::process::Output {
    std::process::Command::new(seven)
        .args(["x", "-so", &format!("-p{password}")])
        .arg(archive)
        .output()
        .unwrap()
}

#[test]
fn an_export_sealed_in_an_archive_opens_in_7zip_with_its_password_only() {
    let h = Home::new();
    assert!(h
        .run(&["demo", "--no-serve", "--children", "12", "--requests", "3"])
        .status
        .success());
    let plain = h.path("plain.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        plain.to_str().unwrap(),
        "--as",
        "admin",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("--encrypt"),
        "a clear export of names says how to seal it"
    );
    let plain_bytes = std::fs::read(&plain).unwrap();
    let rows = csv_rows(&plain);
    let col = rows[0].iter().position(|c| c == "name_first").unwrap();

    // Too short a password is refused before anything is read or written.
    let short = h.path("short.txt");
    std::fs::write(&short, "hunter2\n").unwrap();
    let sealed = h.path("sealed.zip");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        sealed.to_str().unwrap(),
        "--as",
        "admin",
        "--encrypt",
        "--archive-password-file",
        short.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("at least 12"), "{}", text(&o));
    assert!(!sealed.exists());

    let password = "ferry-ghat-dhubri-2026";
    let file = h.path("password.txt");
    std::fs::write(&file, format!("{password}\n")).unwrap();
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        sealed.to_str().unwrap(),
        "--as",
        "admin",
        "--encrypt",
        "--archive-password-file",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"PK"), "a ZIP archive");
    for r in &rows[1..] {
        let name = r[col].as_bytes();
        assert!(
            name.len() < 4 || !bytes.windows(name.len()).any(|w| w == name),
            "the archive shows a child's name"
        );
    }
    let exports: Vec<String> = h
        .audit_entries()
        .into_iter()
        .filter(|e| e.action == "records.export")
        .map(|e| e.detail)
        .collect();
    assert!(
        exports.iter().any(|d| d.contains("\"encrypted\":true")),
        "{exports:?}"
    );

    // A generated password is shown once, on standard error.
    let generated = h.path("generated.zip");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        generated.to_str().unwrap(),
        "--as",
        "admin",
        "--encrypt",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let shown = stderr
        .lines()
        .find_map(|l| l.strip_prefix("archive password: "))
        .expect("the generated password is shown")
        .to_string();
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&shown));

    let Some(seven) = seven_zip() else {
        eprintln!("7-Zip is not installed (apt-get install 7zip): the archives were not opened");
        return;
    };
    let o = extract(seven, &sealed, password);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        o.stdout, plain_bytes,
        "the archive holds the export, every script intact"
    );
    let o = extract(seven, &generated, &shown);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, plain_bytes);
    let o = extract(seven, &sealed, "ferry-ghat-dhubri-2025");
    assert!(
        !o.status.success() && o.stdout != plain_bytes,
        "a wrong password opens nothing"
    );
}
