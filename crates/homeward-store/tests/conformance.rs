//! One conformance suite, run against both backends: whatever passes on SQLite must pass on
//! PostgreSQL. Each test gets a fresh database.

use homeward_domain::{AgencyId, RecordKind, RecordScope, Scope, TeamId, UserId};
use homeward_store::testing::{postgres_admin_url, scratch_postgres_database};
use homeward_store::{
    ActorContext, AuditVerdict, EncryptionKey, NewProposal, NewUser, RecordFilter, Store,
    StoreError, StoreSettings,
};
use serde_json::{json, Value};

struct Db {
    url: String,
    key: EncryptionKey,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn open(&self) -> Store {
        Store::open(&StoreSettings::new(
            self.url.clone(),
            Some(self.key.clone()),
        ))
        .await
        .expect("open store")
    }
}

async fn sqlite_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hw.sqlite3").display());
    Db {
        url,
        key: EncryptionKey::generate(),
        _dir: Some(dir),
    }
}

async fn postgres_db(test: &str) -> Option<Db> {
    let admin = postgres_admin_url(test)?;
    Some(Db {
        url: scratch_postgres_database(&admin).await,
        key: EncryptionKey::generate(),
        _dir: None,
    })
}

struct World {
    store: Store,
    a: ActorContext,
    a_colleague: ActorContext,
    a_analyst: ActorContext,
    b: ActorContext,
}

async fn world(db: &Db) -> World {
    let store = db.open().await;
    let agency_a = store.ensure_agency("system", "Agency A").await.unwrap();
    let agency_b = store.ensure_agency("system", "Agency B").await.unwrap();
    let team_a = store
        .ensure_team("system", agency_a.id, "Barpeta")
        .await
        .unwrap();
    let mut users = Vec::new();
    for (name, agency, team) in [
        ("amina", agency_a.id, Some(team_a.id)),
        ("bina", agency_a.id, Some(team_a.id)),
        ("chandan", agency_a.id, None),
        ("dipak", agency_b.id, None),
    ] {
        let u = store
            .create_user(
                "system",
                &NewUser {
                    username: name.into(),
                    display_name: name.into(),
                    password_hash: "x".into(),
                    role: "caseworker".into(),
                    scope: Scope::Own,
                    agency_id: agency,
                    team_id: team,
                    language: "en".into(),
                },
            )
            .await
            .unwrap();
        users.push(u);
    }
    let ctx = |i: usize, scope: Scope, reveal: bool, agency: AgencyId, team: Option<TeamId>| {
        ActorContext {
            scope: RecordScope {
                scope,
                user: users[i].id,
                team,
                agency,
                committee: None,
            },
            reveal_personal: reveal,
        }
    };
    World {
        a: ctx(0, Scope::Own, true, agency_a.id, Some(team_a.id)),
        a_colleague: ctx(1, Scope::Team, true, agency_a.id, Some(team_a.id)),
        a_analyst: ctx(2, Scope::All, false, agency_a.id, None),
        b: ctx(3, Scope::Agency, true, agency_b.id, None),
        store,
    }
}

fn child() -> serde_json::Map<String, Value> {
    json!({
        "name_first": "রহিম", "name_last": "Ali", "sex": "male", "age": 9,
        "protection_status": "unaccompanied", "district": "Barpeta", "risk_level": "high",
        "family_details": [{"relation": "mother", "relation_name": "Amina Khatun"}],
        "notes": "found near the embankment"
    })
    .as_object()
    .unwrap()
    .clone()
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = super::sqlite_db().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL suite: set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres to run it")]
                async fn $name() {
                    if let Some(db) = super::postgres_db(stringify!($name)).await {
                        super::$name(&db).await;
                    }
                }
            )*
        }
    };
}

both_backends!(
    create_read_update_and_history,
    scope_is_applied_in_the_query,
    personal_fields_are_withheld_without_the_right,
    personal_fields_are_encrypted_at_rest,
    wrong_or_missing_key_is_refused,
    tampering_with_the_audit_trail_is_found,
    a_failed_import_stores_nothing,
    concurrent_edits_are_detected,
    acknowledged_writes_survive_reopening,
    concurrent_writers_keep_one_unbroken_audit_chain,
    a_pending_match_waits_until_decided_whatever_its_alert,
    the_change_feed_gives_every_committed_change_in_order,
    one_process_at_a_time_holds_a_lease,
);

/// What a server process follows to keep its matching index current, whoever wrote.
async fn the_change_feed_gives_every_committed_change_in_order(db: &Db) {
    let w = world(db).await;
    let before = w.store.latest_change().await.unwrap();
    // Another process on the same database listens (PostgreSQL) and reads the log.
    let other = db.open().await;
    let mut listener = other.listen_for_changes().await.unwrap();
    assert_eq!(
        listener.is_some(),
        w.store.backend() == homeward_store::Backend::Postgres
    );
    let record = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    if let Some(l) = listener.as_mut() {
        tokio::time::timeout(std::time::Duration::from_secs(5), l.changed())
            .await
            .expect("a notification within 5 s")
            .unwrap();
    }
    let changes = other.changes_after(before, 1000).await.unwrap();
    assert!(!changes.is_empty());
    assert!(changes
        .iter()
        .all(|c| c.id == record.id && c.kind == RecordKind::Case));
    assert!(changes.windows(2).all(|p| p[0].seq < p[1].seq));
    let last = changes.last().unwrap().seq;
    assert_eq!(other.latest_change().await.unwrap(), last);
    // Read in pages, nothing is skipped or repeated.
    let first_two = other.changes_after(before, 2).await.unwrap();
    let rest = other.changes_after(first_two[1].seq, 1000).await.unwrap();
    assert_eq!(first_two.len() + rest.len(), changes.len());
    assert!(other.changes_after(last, 1000).await.unwrap().is_empty());
}

/// Two server processes on one PostgreSQL database: one runs the reminders at a time, and a
/// released lease frees the task. On SQLite the lease is always granted.
async fn one_process_at_a_time_holds_a_lease(db: &Db) {
    let one = db.open().await;
    let two = db.open().await;
    let held = one.try_lease("reminders").await.unwrap();
    assert!(held.is_some());
    let postgres = one.backend() == homeward_store::Backend::Postgres;
    assert_eq!(
        two.try_lease("reminders").await.unwrap().is_none(),
        postgres
    );
    assert!(two.try_lease("another task").await.unwrap().is_some());
    held.unwrap().release().await.unwrap();
    assert!(two.try_lease("reminders").await.unwrap().is_some());
}

async fn create_read_update_and_history(db: &Db) {
    let w = world(db).await;
    let created = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    assert_eq!(created.fields["name_first"], "রহিম");
    assert_eq!(created.status, "open");
    assert_eq!(created.version, 1);
    assert!(created.reference.as_str().starts_with("HW-"));

    let by_ref = w
        .store
        .get_record(&w.a, RecordKind::Case, created.reference.as_str())
        .await
        .unwrap();
    assert_eq!(by_ref.id, created.id);

    let patch = json!({"age": 10, "notes": null})
        .as_object()
        .unwrap()
        .clone();
    let updated = w
        .store
        .update_record(
            &w.a,
            RecordKind::Case,
            &created.id.to_string(),
            &patch,
            Some(1),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.fields["age"], 10);
    assert!(!updated.fields.contains_key("notes"));

    let history = w
        .store
        .record_history(&w.a, RecordKind::Case, &created.id.to_string())
        .await
        .unwrap();
    let fields: Vec<&str> = history.iter().map(|c| c.field.as_str()).collect();
    assert!(fields.contains(&"name_first") && fields.contains(&"age"));
    let last_age = history.iter().rev().find(|c| c.field == "age").unwrap();
    assert_eq!(last_age.value, json!(10));
    let notes_cleared = history.iter().rev().find(|c| c.field == "notes").unwrap();
    assert_eq!(notes_cleared.value, Value::Null);

    let invalid = json!({"age": 30}).as_object().unwrap().clone();
    match w
        .store
        .update_record(
            &w.a,
            RecordKind::Case,
            &created.id.to_string(),
            &invalid,
            None,
        )
        .await
    {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].field, "age"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn scope_is_applied_in_the_query(db: &Db) {
    let w = world(db).await;
    let created = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    let key = created.id.to_string();
    assert!(matches!(
        w.store.get_record(&w.b, RecordKind::Case, &key).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store
            .update_record(&w.b, RecordKind::Case, &key, &serde_json::Map::new(), None)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.record_history(&w.b, RecordKind::Case, &key).await,
        Err(StoreError::NotFound)
    ));
    let filter = RecordFilter {
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        w.store
            .list_records(&w.b, RecordKind::Case, &filter)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        w.store
            .list_records(&w.a_colleague, RecordKind::Case, &filter)
            .await
            .unwrap()
            .total,
        1
    );
    assert!(w
        .store
        .get_record(&w.a_colleague, RecordKind::Case, &key)
        .await
        .is_ok());
    // Filters combine with scope.
    let girls = RecordFilter {
        sex: Some("female".into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        w.store
            .list_records(&w.a, RecordKind::Case, &girls)
            .await
            .unwrap()
            .total,
        0
    );
    let nine_to_ten = RecordFilter {
        age_min: Some(9),
        age_max: Some(10),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        w.store
            .list_records(&w.a, RecordKind::Case, &nine_to_ten)
            .await
            .unwrap()
            .total,
        1
    );
}

async fn personal_fields_are_withheld_without_the_right(db: &Db) {
    let w = world(db).await;
    let created = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    let seen = w
        .store
        .get_record(&w.a_analyst, RecordKind::Case, &created.id.to_string())
        .await
        .unwrap();
    assert!(seen.redacted);
    for (name, _) in &seen.fields {
        let spec = RecordKind::Case.field(name).unwrap();
        assert!(!spec.is_personal(), "{name} reached an analyst");
    }
    assert_eq!(seen.fields["sex"], "male");
    let history = w
        .store
        .record_history(&w.a_analyst, RecordKind::Case, &created.id.to_string())
        .await
        .unwrap();
    let name = history.iter().find(|c| c.field == "name_first").unwrap();
    assert!(name.redacted && name.value.is_null());
}

async fn personal_fields_are_encrypted_at_rest(db: &Db) {
    use sqlx::Row;
    let w = world(db).await;
    w.store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    let rows = sqlx::query("SELECT plain_doc, sealed_doc FROM records")
        .fetch_all(w.store.pool())
        .await
        .unwrap();
    for r in rows {
        let plain: String = r.try_get("plain_doc").unwrap();
        let sealed: Vec<u8> = r.try_get("sealed_doc").unwrap();
        assert!(
            !plain.contains("রহিম") && !plain.contains("Amina") && !plain.contains("embankment")
        );
        assert!(!String::from_utf8_lossy(&sealed).contains("Amina"));
    }
    let changes = sqlx::query("SELECT value_plain FROM changes")
        .fetch_all(w.store.pool())
        .await
        .unwrap();
    for r in changes {
        let v: Option<String> = r.try_get("value_plain").unwrap();
        assert!(!v.unwrap_or_default().contains("Amina"));
    }
}

async fn wrong_or_missing_key_is_refused(db: &Db) {
    let w = world(db).await;
    w.store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    w.store.close().await;
    let wrong = Store::open(&StoreSettings::new(
        db.url.clone(),
        Some(EncryptionKey::generate()),
    ))
    .await;
    assert!(matches!(wrong, Err(StoreError::WrongKey)));
    let missing = Store::open(&StoreSettings::new(db.url.clone(), None)).await;
    let err = missing.unwrap_err();
    assert!(matches!(err, StoreError::KeyMissing));
    assert!(err.to_string().contains("HOMEWARD_KEY"));
}

async fn tampering_with_the_audit_trail_is_found(db: &Db) {
    let w = world(db).await;
    let c = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    for _ in 0..3 {
        w.store
            .get_record(&w.a, RecordKind::Case, &c.id.to_string())
            .await
            .unwrap();
    }
    let n = match w.store.audit_verify().await.unwrap() {
        AuditVerdict::Intact { entries } => entries,
        other => panic!("expected an intact trail, got {other:?}"),
    };
    assert!(n >= 4);
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
        .execute(w.store.pool())
        .await
        .unwrap();
    assert!(matches!(
        w.store.audit_verify().await.unwrap(),
        AuditVerdict::Broken { seq: 3, .. }
    ));
    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(w.store.pool())
        .await
        .unwrap();
    assert!(matches!(
        w.store.audit_verify().await.unwrap(),
        AuditVerdict::Broken { seq: 2, .. }
    ));
}

async fn a_failed_import_stores_nothing(db: &Db) {
    let w = world(db).await;
    let before = w.store.count_records(RecordKind::Case).await.unwrap();
    let mut bad = child();
    bad.insert("age".into(), json!(25));
    let batch = vec![(None, child()), (None, child()), (None, bad)];
    match w.store.import_records(&w.a, RecordKind::Case, &batch).await {
        Err(StoreError::InvalidRow { index, errors }) => {
            assert_eq!(index, 2);
            assert_eq!(errors.0[0].field, "age");
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    assert_eq!(
        w.store.count_records(RecordKind::Case).await.unwrap(),
        before
    );
    assert!(matches!(
        w.store.audit_verify().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
    let good = vec![(None, child()), (None, child())];
    assert_eq!(
        w.store
            .import_records(&w.a, RecordKind::Case, &good)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        w.store.count_records(RecordKind::Case).await.unwrap(),
        before + 2
    );
}

async fn concurrent_edits_are_detected(db: &Db) {
    let w = world(db).await;
    let c = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    let key = c.id.to_string();
    let p1 = json!({"age": 10}).as_object().unwrap().clone();
    w.store
        .update_record(&w.a, RecordKind::Case, &key, &p1, Some(1))
        .await
        .unwrap();
    let p2 = json!({"age": 11}).as_object().unwrap().clone();
    let stale = w
        .store
        .update_record(&w.a_colleague, RecordKind::Case, &key, &p2, Some(1))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(m)) if m.contains("reload")));
}

async fn acknowledged_writes_survive_reopening(db: &Db) {
    let w = world(db).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            w.store
                .create_record(&w.a, RecordKind::Case, &child())
                .await
                .unwrap()
                .id,
        );
    }
    drop(w.store);
    let store = db.open().await;
    let ctx = ActorContext {
        scope: RecordScope {
            scope: Scope::All,
            user: UserId::new(),
            team: None,
            agency: AgencyId::new(),
            committee: None,
        },
        reveal_personal: true,
    };
    for id in ids {
        let r = store
            .get_record(&ctx, RecordKind::Case, &id.to_string())
            .await
            .unwrap();
        assert_eq!(r.fields["name_first"], "রহিম");
    }
    assert!(matches!(
        store.audit_verify().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

async fn concurrent_writers_keep_one_unbroken_audit_chain(db: &Db) {
    let w = world(db).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = w.store.clone();
        let ctx = if i % 2 == 0 { w.a.clone() } else { w.b.clone() };
        tasks.push(tokio::spawn(async move {
            let c = store
                .create_record(&ctx, RecordKind::Case, &child())
                .await
                .unwrap();
            store
                .get_record(&ctx, RecordKind::Case, &c.id.to_string())
                .await
                .unwrap();
            let patch = json!({"age": 10}).as_object().unwrap().clone();
            store
                .update_record(&ctx, RecordKind::Case, &c.id.to_string(), &patch, None)
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    match w.store.audit_verify().await.unwrap() {
        AuditVerdict::Intact { entries } => assert!(entries >= 72),
        other => panic!("concurrent writers broke the chain: {other:?}"),
    }
}

/// Issue 15: a match stays in its caseworker's queue until it is decided, however its alert
/// was read and however many alerts came after it.
async fn a_pending_match_waits_until_decided_whatever_its_alert(db: &Db) {
    let w = world(db).await;
    let case = w
        .store
        .create_record(&w.a, RecordKind::Case, &child())
        .await
        .unwrap();
    let request = json!({"inquiry_date": "2026-11-01", "relation_name": "Amina Khatun",
        "relation": "mother", "district": "Barpeta",
        "children_sought": [{"name_first": "Rahim", "name_last": "Ali", "sex": "male"}]});
    let request = w
        .store
        .create_record(
            &w.a,
            RecordKind::TracingRequest,
            request.as_object().unwrap(),
        )
        .await
        .unwrap();
    let saved = w
        .store
        .save_proposals(&[NewProposal {
            tracing_request: request.id,
            sought_index: 0,
            case: case.id,
            probability: 0.93,
            weight: 4.0,
            explanation: json!([]),
        }])
        .await
        .unwrap();
    let id = saved[0].id.clone();
    let user = w.a.scope.user;
    w.store
        .create_alert(
            user,
            "potential_match",
            Some(&request.id),
            json!({"match": id}),
        )
        .await
        .unwrap();
    let waiting = |store: &Store| {
        let store = store.clone();
        async move { store.waiting_matches(user).await.unwrap() }
    };
    assert_eq!(waiting(&w.store).await.len(), 1);
    // Read, and buried under newer alerts: still waiting.
    let alert = w.store.alerts_for(user, true).await.unwrap()[0].id.clone();
    w.store.mark_alert_read(user, &alert).await.unwrap();
    for i in 0..205 {
        w.store
            .create_alert(user, "reminder", None, json!({"n": i}))
            .await
            .unwrap();
    }
    assert!(!w
        .store
        .alerts_for(user, false)
        .await
        .unwrap()
        .iter()
        .any(|a| a.id == alert));
    let queue = waiting(&w.store).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].detail["match"], id.as_str());
    // A second alert about the same match is one line in the queue.
    w.store
        .create_alert(
            user,
            "potential_match",
            Some(&case.id),
            json!({"match": id}),
        )
        .await
        .unwrap();
    assert_eq!(waiting(&w.store).await.len(), 1);
    // Decided: gone.
    w.store
        .decide_match(&w.a, &id, "rejected", "another child of the same name")
        .await
        .unwrap();
    assert!(waiting(&w.store).await.is_empty());
}
