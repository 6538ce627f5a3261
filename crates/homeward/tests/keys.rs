//! Issue 14, keys a thief cannot take: the data key is wrapped with a passphrase, a copied data
//! directory gives away neither a name nor the key, old clear key files are refused until
//! wrapped, and the passphrase changes without touching the data.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{json, Value};

mod common;
use common::{csv_rows, text, token, Home, Server, DEMO_KEY_PASSPHRASE};

const PASSPHRASE: &str = "river boat lantern seven";

fn small_demo(h: &Home) {
    let o = h.run(&["demo", "--no-serve", "--children", "2", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Every file under `dir`, as a thief's copy would hold it.
fn copy_all(from: &Path, to: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(to).unwrap();
    let mut copied = Vec::new();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copied.extend(copy_all(&p, &target));
        } else {
            std::fs::copy(&p, &target).unwrap();
            copied.push(target);
        }
    }
    copied
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn export_args(out: &Path) -> [&str; 7] {
    [
        "export",
        "--kind",
        "case",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "admin",
    ]
}

#[tokio::test]
async fn a_copied_data_directory_shows_no_name_and_no_key_and_does_not_open() {
    let h = Home::with_passphrase(PASSPHRASE);
    small_demo(&h);
    let server = Server::start(&h);
    let t = token(&server.base, "caseworker").await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/cases", server.base))
        .bearer_auth(&t)
        .json(&json!({"name_first": "Quenivere", "name_last": "Thistlewaite", "sex": "female", "age": 9, "protection_status": "separated"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Pulled out while running: no shutdown, the WAL and shared-memory files stay behind.
    server.kill();

    let thief = Home::new();
    let loot = thief.data();
    let files = copy_all(&h.data(), &loot);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert!(
        names.contains(&"homeward.key".to_string())
            && names.contains(&"homeward.sqlite3-wal".to_string()),
        "{names:?}"
    );
    let key = h.data_key();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key.to_base64().as_str())
        .unwrap();
    let hexed: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["Quenivere", "Thistlewaite"] {
        for form in [name.to_string(), name.to_lowercase(), name.to_uppercase()] {
            needles.push((form.clone(), form.into_bytes()));
        }
    }
    needles.push(("the raw key".into(), raw.clone()));
    needles.push((
        "the key as base64".into(),
        key.to_base64().as_bytes().to_vec(),
    ));
    needles.push(("the key as hex".into(), hexed.into_bytes()));
    needles.push(("the passphrase".into(), PASSPHRASE.as_bytes().to_vec()));
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for (what, needle) in &needles {
            assert!(!contains(&bytes, needle), "{} holds {what}", f.display());
        }
    }

    // The thief runs Homeward on the copy: without the passphrase, with a guess, with the
    // public demo passphrase. Nothing opens and nothing is shown.
    let out = thief.path("stolen.csv");
    let o = thief.run(&export_args(&out));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("HOMEWARD_KEY_PASSPHRASE"), "{}", text(&o));
    for guess in ["river boat lantern", DEMO_KEY_PASSPHRASE] {
        let o = thief
            .cmd(&export_args(&out))
            .env("HOMEWARD_KEY_PASSPHRASE", guess)
            .env("HOMEWARD_PASSWORD", common::DEMO_PASSWORD)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("does not open the key file"),
            "{}",
            text(&o)
        );
        assert!(!text(&o).contains("Quenivere"));
        assert!(!out.exists());
    }
    let wrapped = homeward_store::WrappedKey::parse(
        &std::fs::read_to_string(loot.join("homeward.key")).unwrap(),
    )
    .unwrap();
    assert!(!wrapped.is_demo());
    assert!(wrapped.unwrap_key("River boat lantern seven").is_err());

    // With the passphrase the same copy opens: the search above looked at real data.
    let o = thief
        .cmd(&export_args(&out))
        .env("HOMEWARD_KEY_PASSPHRASE", PASSPHRASE)
        .env("HOMEWARD_PASSWORD", common::DEMO_PASSWORD)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let rows = csv_rows(&out);
    let first = rows[0].iter().position(|c| c == "name_first").unwrap();
    let idc = rows[0].iter().position(|c| c == "id").unwrap();
    assert!(rows.iter().any(|r| r[first] == "Quenivere" && r[idc] == id));
}

fn key_file_text(h: &Home) -> String {
    std::fs::read_to_string(h.data().join("homeward.key")).unwrap()
}

#[test]
fn a_clear_key_file_beside_the_database_is_refused_until_wrapped_in_place() {
    let h = Home::with_passphrase(PASSPHRASE);
    small_demo(&h);
    // A data directory from before keys were wrapped.
    let clear = h.data_key().to_base64().to_string();
    std::fs::write(h.data().join("homeward.key"), format!("{clear}\n")).unwrap();
    let o = h.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("in clear beside the database") && text(&o).contains("homeward key wrap"),
        "{}",
        text(&o)
    );

    // No passphrase and no terminal: says how to give one, changes nothing.
    let bare = h
        .cmd(&["key", "wrap"])
        .env_remove("HOMEWARD_KEY_PASSPHRASE")
        .output()
        .unwrap();
    assert_eq!(bare.status.code(), Some(2), "{}", text(&bare));
    assert!(
        text(&bare).contains("key_passphrase_file"),
        "{}",
        text(&bare)
    );
    let short = h
        .cmd(&["key", "wrap"])
        .env("HOMEWARD_KEY_PASSPHRASE", "short")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    assert!(text(&short).contains("too short"), "{}", text(&short));
    assert_eq!(key_file_text(&h), format!("{clear}\n"));

    let o = h.run(&["key", "wrap"]);
    assert!(o.status.success(), "{}", text(&o));
    let wrapped = key_file_text(&h);
    assert!(!wrapped.contains(&clear), "{wrapped}");
    assert!(wrapped.contains("argon2id"));
    assert_eq!(h.data_key().to_base64().as_str(), clear);
    let left: Vec<_> = std::fs::read_dir(h.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!left.iter().any(|n| n.ends_with(".new")), "{left:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(h.data().join("homeward.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is readable by others");
    }
    let o = h.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let again = h.run(&["key", "wrap"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("homeward key passphrase"));

    // A clear key on a separate token (not beside the database) is still read.
    let token_dir = h.path("usb-token");
    std::fs::create_dir_all(&token_dir).unwrap();
    std::fs::write(token_dir.join("homeward.key"), &clear).unwrap();
    let o = h
        .cmd(&["audit", "verify"])
        .env(
            "HOMEWARD_KEY_FILE",
            token_dir.join("homeward.key").to_str().unwrap(),
        )
        .env_remove("HOMEWARD_KEY_PASSPHRASE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn the_passphrase_changes_by_rewrapping_only() {
    let h = Home::with_passphrase(PASSPHRASE);
    small_demo(&h);
    let db = h.data().join("homeward.sqlite3");
    let before = std::fs::read(&db).unwrap();
    let key_before = h.data_key().to_base64().to_string();

    let wrong = h
        .cmd(&["key", "passphrase"])
        .env("HOMEWARD_KEY_PASSPHRASE", "not the passphrase at all")
        .env("HOMEWARD_NEW_KEY_PASSPHRASE", "a new passphrase here")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong).contains("does not open"), "{}", text(&wrong));
    let no_new = h.run(&["key", "passphrase"]);
    assert_eq!(no_new.status.code(), Some(2));
    assert!(
        text(&no_new).contains("HOMEWARD_NEW_KEY_PASSPHRASE"),
        "{}",
        text(&no_new)
    );

    let o = h
        .cmd(&["key", "passphrase"])
        .env("HOMEWARD_NEW_KEY_PASSPHRASE", "a new passphrase here")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the data was rewritten"
    );
    let old = h.run(&["audit", "verify"]);
    assert_eq!(old.status.code(), Some(2));
    assert!(
        text(&old).contains("does not open the key file"),
        "{}",
        text(&old)
    );
    let new = h
        .cmd(&["audit", "verify"])
        .env("HOMEWARD_KEY_PASSPHRASE", "a new passphrase here")
        .output()
        .unwrap();
    assert!(new.status.success(), "{}", text(&new));
    let w = homeward_store::WrappedKey::parse(&key_file_text(&h)).unwrap();
    assert_eq!(
        w.unwrap_key("a new passphrase here")
            .unwrap()
            .to_base64()
            .as_str(),
        key_before
    );
}

#[test]
fn a_new_data_directory_needs_a_passphrase_from_a_source_and_the_demo_says_its_own_is_public() {
    // Nothing given and no terminal: a clear error, and no database and no key written.
    let h = Home::new();
    let o = h.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    for way in [
        "HOMEWARD_KEY_PASSPHRASE",
        "key_passphrase_file",
        "homeward-key-passphrase",
        "terminal",
        "homeward demo",
    ] {
        assert!(t.contains(way), "{t}");
    }
    assert!(!h.data().join("homeward.sqlite3").exists());
    assert!(!h.data().join("homeward.key").exists());

    // The demo needs nothing, and says its key is public, now and on every later start.
    let o = h.run(&["demo", "--no-serve", "--children", "2", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("DEMO KEY"), "{}", text(&o));
    let w = homeward_store::WrappedKey::parse(&key_file_text(&h)).unwrap();
    assert!(w.is_demo());
    let o = h.run(&["audit", "verify"]);
    assert!(
        o.status.success() && text(&o).contains("DEMO KEY"),
        "{}",
        text(&o)
    );
    // Giving the demo data directory a real passphrase ends its demo status.
    let o = h
        .cmd(&["key", "passphrase"])
        .env("HOMEWARD_NEW_KEY_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = h.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // A passphrase file (a USB token) and a systemd credential are sources too.
    let token = h.path("token-passphrase");
    std::fs::write(&token, format!("{PASSPHRASE}\n")).unwrap();
    let o = h
        .cmd(&["audit", "verify"])
        .env("HOMEWARD_KEY_PASSPHRASE_FILE", token.to_str().unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let creds = h.path("credentials");
    std::fs::create_dir_all(&creds).unwrap();
    std::fs::write(creds.join("homeward-key-passphrase"), PASSPHRASE).unwrap();
    let o = h
        .cmd(&["audit", "verify"])
        .env("CREDENTIALS_DIRECTORY", creds.to_str().unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let missing = h
        .cmd(&["audit", "verify"])
        .env(
            "HOMEWARD_KEY_PASSPHRASE_FILE",
            "/media/absent-token/passphrase",
        )
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("plug in the token"),
        "{}",
        text(&missing)
    );

    // A new data directory with a passphrase from the environment is not a demo one.
    let real = Home::with_passphrase(PASSPHRASE);
    let o = real.run(&["demo", "--no-serve", "--children", "2", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("DEMO KEY"), "{}", text(&o));
    assert!(!homeward_store::WrappedKey::parse(&key_file_text(&real))
        .unwrap()
        .is_demo());
}

#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL suite: set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres to run it"
)]
fn a_postgres_database_opens_with_a_wrapped_key_file_and_its_passphrase_only() {
    let admin = std::env::var("HOMEWARD_TEST_POSTGRES").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(homeward_store::testing::scratch_postgres_database(&admin));
    let h = Home::with_passphrase(PASSPHRASE);
    // A server operator's key from `homeward key generate`, wrapped into a key file.
    let generated = h.run(&["key", "generate"]);
    let key = String::from_utf8(generated.stdout)
        .unwrap()
        .trim()
        .to_string();
    let o = h
        .cmd(&["key", "wrap"])
        .env("HOMEWARD_KEY", &key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!key_file_text(&h).contains(&key));
    let o = h.run(&[
        "--database-url",
        &url,
        "demo",
        "--no-serve",
        "--children",
        "2",
        "--requests",
        "1",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = h
        .cmd(&["--database-url", &url, "audit", "verify"])
        .env("HOMEWARD_KEY_PASSPHRASE", "river boat lantern eight")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("does not open the key file"),
        "{}",
        text(&o)
    );
    let o = h
        .cmd(&["--database-url", &url, "audit", "verify"])
        .env("HOMEWARD_KEY", &key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    rt.block_on(homeward_store::testing::drop_scratch_database(&admin, &url));
}
