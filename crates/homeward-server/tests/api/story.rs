//! The whole tracing story over HTTP, as the tracing issue tells it: a child registered in
//! Bengali script by one agency, a mother's request in Latin script with another age at a second
//! agency, the match within a second with its explanation, verification, a supervisor's approval,
//! reunification, follow-ups scheduled, one done late and flagged, and closure.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Api, TestServer};

both_backends!(the_tracing_story_from_registration_to_closure);

async fn poll(api: &Api, path: &str) -> (Vec<Value>, Duration) {
    let started = Instant::now();
    loop {
        let (_, body) = api.get(path).await;
        let items = body.as_array().cloned().unwrap_or_default();
        if !items.is_empty() || started.elapsed() > Duration::from_secs(5) {
            return (items, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_tracing_story_from_registration_to_closure(s: TestServer) {
    let rupa = s.login("cw_a").await;
    let farid = s.login("cw_b").await;
    let mitali = s.login("sup_a").await;
    for (i, name) in [
        "Bikash Barua",
        "Rupali Gogoi",
        "Jahirul Islam",
        "Fatema Khatun",
        "Raju Basumatary",
        "Sunita Munda",
        "Pooja Yadav",
        "Tabu Pegu",
    ]
    .iter()
    .cycle()
    .take(24)
    .enumerate()
    {
        let (first, last) = name.split_once(' ').unwrap();
        rupa.post("/api/v1/cases", json!({"name_first": first, "name_last": last, "sex": if i % 2 == 0 { "male" } else { "female" }, "age": 3 + i % 12, "protection_status": "separated", "district": "Barpeta", "consent_for_tracing": true})).await;
    }
    // 1. Rupa registers a boy whose name is written in Bengali script.
    let (status, child) = rupa
        .post("/api/v1/cases", json!({"name_first": "রহিম", "name_last": "আলী", "sex": "male", "age": 9, "estimated": true, "protection_status": "unaccompanied",
            "risk_level": "medium", "district": "Barpeta", "consent_for_tracing": true,
            "family_details": [{"relation": "mother", "relation_name": "আমিনা খাতুন"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = child["id"].as_str().unwrap().to_string();
    poll(&rupa, &format!("/api/v1/cases/{id}/duplicates")).await; // the index is warm

    // 2. Farid, at another agency, takes the mother's request: Latin spelling, another age.
    let (_, request) = farid
        .post("/api/v1/tracing-requests", json!({"inquiry_date": "2026-11-20", "relation_name": "Amina Khatun", "relation": "mother", "district": "Barpeta", "consent_for_tracing": true,
            "children_sought": [{"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 11}]}))
        .await;
    let request_id = request["id"].as_str().unwrap();

    // 3. The potential match is there within a second, with its explanation.
    let (matches, took) = poll(
        &farid,
        &format!("/api/v1/tracing-requests/{request_id}/matches"),
    )
    .await;
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(matches[0]["case"]["id"], id.as_str());
    assert!(matches[0]["explanation"].as_array().unwrap().len() >= 4);
    let (status, _) = farid
        .post(
            &format!(
                "/api/v1/matches/{}/decision",
                matches[0]["id"].as_str().unwrap()
            ),
            json!({"decision": "confirmed", "reason": "the mother named his school and his uncle"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // 4. Verification, a supervisor's approval, reunification.
    for step in ["start_tracing", "start_verification"] {
        assert_eq!(
            rupa.post(&format!("/api/v1/cases/{id}/workflow/{step}"), json!({}))
                .await
                .0,
            StatusCode::OK
        );
    }
    let verification = json!({"adult_willing": true, "adult_able": true, "child_knows_adult": true, "child_wishes": "yes", "accounts_agree": true, "recommendation": "reunification"});
    assert_eq!(
        rupa.post(&format!("/api/v1/cases/{id}/verifications"), verification)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        mitali
            .post(
                &format!("/api/v1/cases/{id}/reunification-approval"),
                json!({"reason": "home visit confirmed the family"})
            )
            .await
            .0,
        StatusCode::OK
    );
    let (status, c) = rupa.post(&format!("/api/v1/cases/{id}/workflow/reunify"), json!({"adult_name": "Amina Khatun", "relation": "mother", "reunification_date": "2026-11-01"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");

    // 5. Follow-ups were scheduled (medium risk: 14, 60, 180 days); one done late is flagged.
    let (_, events) = rupa.get(&format!("/api/v1/cases/{id}/events")).await;
    let due: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "followup")
        .map(|e| e["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(due, ["2026-11-15", "2026-12-31", "2027-04-30"]);
    let first = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "followup")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, overdue) = mitali.get("/api/v1/followups/overdue").await;
    assert!(overdue
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["event"]["id"] == first.as_str()));
    let (_, done) = rupa
        .post(
            &format!("/api/v1/followups/{first}/done"),
            json!({"child_with_family": true}),
        )
        .await;
    assert_eq!(done["plain"]["late"], true);

    // 6. Closure.
    assert_eq!(
        rupa.post(
            &format!("/api/v1/cases/{id}/workflow/start_follow_up"),
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    let (_, closed) = rupa
        .post(
            &format!("/api/v1/cases/{id}/workflow/close"),
            json!({"closure_reason": "reunified_and_settled"}),
        )
        .await;
    assert_eq!(closed["status"], "closed");
}
