//! Several server processes on one database: each follows the change log, so a child
//! registered through one is proposed for a request filed through another, and a proposal
//! is stored and alerted once however many processes see it.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use homeward_auth::Role;
use homeward_domain::RecordKind;
use homeward_server::auth::scope_of;
use homeward_store::ActorContext;

use crate::helpers::{Api, Backend, TestServer};

#[tokio::test]
async fn sqlite_a_child_registered_through_one_process_is_proposed_through_another() {
    let s = TestServer::start(Backend::Sqlite, "scale_out")
        .await
        .unwrap();
    two_processes(s).await;
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL suite: set HOMEWARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres to run it"
)]
async fn postgres_a_child_registered_through_one_process_is_proposed_through_another() {
    if let Some(s) = TestServer::start(Backend::Postgres, "scale_out").await {
        two_processes(s).await;
    }
}

async fn items(api: &Api, path: &str) -> Vec<Value> {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().cloned().unwrap_or_default()
}

async fn two_processes(s: TestServer) {
    // `s` seeded the users; the two processes under test are started beside it.
    let one = s.another_process().await;
    let two = s.another_process().await;
    let cw_a = one.login("cw_a").await;
    let cw_b = two.login("cw_b").await;
    for (first, last, mother) in [
        ("Bikash", "Barua", "Rekha Barua"),
        ("Jahirul", "Islam", "Jamila Begum"),
        ("Rupali", "Gogoi", "Basanti Gogoi"),
    ] {
        let (status, body) = cw_a
            .post("/api/v1/cases", json!({"name_first": first, "name_last": last, "sex": "male", "age": 8, "estimated": true,
                "protection_status": "separated", "district": "Barpeta", "consent_for_tracing": true,
                "family_details": [{"relation": "mother", "relation_name": mother}]}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, child) = cw_a
        .post("/api/v1/cases", json!({"name_first": "রহিম", "name_last": "আলী", "sex": "male", "age": 9, "estimated": true,
            "protection_status": "unaccompanied", "district": "Barpeta", "consent_for_tracing": true,
            "family_details": [{"relation": "mother", "relation_name": "আমিনা খাতুন"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{child}");
    let child_ref = child["reference"].as_str().unwrap().to_string();

    // Filed through the other process, at once: whichever process sees both records first
    // proposes the match.
    let (status, request) = cw_b
        .post("/api/v1/tracing-requests", json!({"inquiry_date": "2026-11-20", "relation_name": "Amina Khatun", "relation": "mother",
            "district": "Barpeta", "consent_for_tracing": true,
            "children_sought": [{"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let path = format!(
        "/api/v1/tracing-requests/{}/matches",
        request["id"].as_str().unwrap()
    );
    let started = Instant::now();
    let matches = loop {
        let found = items(&cw_b, &path).await;
        if !found.is_empty() || started.elapsed() > Duration::from_secs(5) {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = started.elapsed();
    assert!(!matches.is_empty(), "no match proposed in 5 s");
    assert!(took < Duration::from_secs(1), "the match took {took:?}");
    assert_eq!(matches[0]["case"]["reference"], child_ref.as_str());

    // Both processes have seen both records by now; the match is stored once and each
    // caseworker is alerted once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(items(&cw_b, &path).await.len(), matches.len());
    for api in [&cw_a, &cw_b] {
        let alerts = items(api, "/api/v1/alerts").await;
        let about_this = alerts
            .iter()
            .filter(|a| {
                a["kind"] == "potential_match"
                    && a["detail"]["case_reference"] == child_ref.as_str()
            })
            .count();
        assert_eq!(about_this, 1, "{alerts:?}");
    }

    // A record written by neither process, as `homeward import` writes it (through the store,
    // no server involved), is matched too.
    let user = s.store.user_by_username("cw_a").await.unwrap().unwrap();
    let role = Role::parse(&user.role).unwrap();
    let ctx = ActorContext {
        scope: scope_of(&user, Some(role)),
        reveal_personal: true,
    };
    let doc = json!({"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10, "estimated": true,
        "protection_status": "separated", "district": "Barpeta", "consent_for_tracing": true,
        "family_details": [{"relation": "mother", "relation_name": "Amina Khatun"}]});
    let imported = s
        .store
        .import_records(
            &ctx,
            RecordKind::Case,
            &[(None, doc.as_object().unwrap().clone())],
        )
        .await
        .unwrap();
    let twin_ref = imported[0].to_string();
    let started = Instant::now();
    loop {
        let found = items(&cw_b, &path).await;
        if found
            .iter()
            .any(|m| m["case"]["reference"] == twin_ref.as_str())
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a record written by another process was not matched: {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
