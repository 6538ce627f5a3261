//! The case workflow over HTTP: the whole path from registration to closure, the rules that
//! refuse steps (R2, R3, R4), and a permission per step.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{child, Api, TestServer};

both_backends!(
    a_child_goes_from_registration_through_verification_and_reunification_to_closure,
    the_permanent_care_lock_refuses_and_a_supervisor_override_is_audited,
    a_volunteer_reports_and_a_caseworker_registers,
);

async fn step(api: &Api, id: &str, name: &str, body: Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/cases/{id}/workflow/{name}"), body)
        .await
}

async fn a_child_goes_from_registration_through_verification_and_reunification_to_closure(
    s: TestServer,
) {
    let cw = s.login("cw_a").await;
    let sup = s.login("sup_a").await;
    let (_, case) = cw.post("/api/v1/cases", child()).await;
    assert_eq!(case["fields"]["stage"], "registered");
    assert!(case["fields"]["registered_at"].as_str().is_some());
    let id = case["id"].as_str().unwrap().to_string();

    let (status, err) = step(&cw, &id, "reunify", json!({"adult_name": "Amina Khatun"})).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("workflow_rule"))
    );
    let (status, c) = step(
        &cw,
        &id,
        "interim_care",
        json!({"care_arrangements_type": "foster_care", "caregiver_name": "Rekha Das"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["fields"]["stage"], "interim_care");
    // Care changes are a history: the foster placement ends with a reason when kinship care starts.
    let (status, care) = cw.post(&format!("/api/v1/cases/{id}/care-arrangements"), json!({"care_arrangements_type": "kinship_care", "caregiver_name": "Jamila Ali", "reason_for_change": "an aunt came forward"})).await;
    assert_eq!(status, StatusCode::OK, "{care}");
    let history = care.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["plain"]["previous_type"], "foster_care");
    assert_eq!(
        history[1]["personal"]["reason_for_change"],
        "an aunt came forward"
    );
    assert_eq!(
        step(&cw, &id, "start_tracing", json!({})).await.0,
        StatusCode::OK
    );
    let (status, _) = cw.post(&format!("/api/v1/cases/{id}/tracing-actions"), json!({"action_type": "mass", "date": "2026-11-01", "place": "Barpeta market", "outcome": "successful"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        step(&cw, &id, "start_verification", json!({})).await.0,
        StatusCode::OK
    );

    // The child refuses: reunification is refused and the refusal is on record.
    let refusal = json!({"adult_willing": true, "adult_able": true, "child_knows_adult": true, "child_wishes": "no", "accounts_agree": true, "recommendation": "reunification"});
    assert_eq!(
        cw.post(&format!("/api/v1/cases/{id}/verifications"), refusal)
            .await
            .0,
        StatusCode::OK
    );
    let (status, err) = sup
        .post(
            &format!("/api/v1/cases/{id}/reunification-approval"),
            json!({"reason": "family verified by the DCPU"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        err["message"].as_str().unwrap().contains("does not wish"),
        "{err}"
    );

    // A later verification where the child wishes to go, approved by a supervisor.
    let positive = json!({"adult_willing": true, "adult_able": true, "child_knows_adult": true, "child_wishes": "yes", "accounts_agree": true, "recommendation": "reunification", "notes": "met the mother twice"});
    assert_eq!(
        cw.post(&format!("/api/v1/cases/{id}/verifications"), positive)
            .await
            .0,
        StatusCode::OK
    );
    let (status, err) = step(&cw, &id, "reunify", json!({"adult_name": "Amina Khatun"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["message"].as_str().unwrap().contains("approval"));
    assert_eq!(
        cw.post(
            &format!("/api/v1/cases/{id}/reunification-approval"),
            json!({"reason": "I approve my own case"})
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sup.post(
            &format!("/api/v1/cases/{id}/reunification-approval"),
            json!({"reason": "family verified by the DCPU"})
        )
        .await
        .0,
        StatusCode::OK
    );
    let (status, c) = step(&cw, &id, "reunify", json!({"adult_name": "Amina Khatun", "relation": "mother", "reunification_date": "2026-10-01"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["fields"]["stage"], "reunification");

    // Follow-ups were scheduled by risk level (high: 7, 30, 90, 180 days) at placement and reunification.
    let (_, events) = cw.get(&format!("/api/v1/cases/{id}/events")).await;
    let followups: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "followup")
        .collect();
    assert_eq!(followups.len(), 12, "{events}");
    let first_after = followups
        .iter()
        .find(|f| f["plain"]["followup_type"] == "after_reunification")
        .unwrap();
    assert_eq!(first_after["due_date"], "2026-10-08");
    // The reunification in October left visits overdue; one done late is flagged.
    let (_, overdue) = sup.get("/api/v1/followups/overdue").await;
    assert!(
        overdue
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["reference"] == case["reference"]),
        "{overdue}"
    );
    // The reminder sweep alerts the caseworker and the team's supervisor, once.
    assert!(homeward_server::reminders::sweep(&s.store).await.unwrap() >= 2);
    assert_eq!(
        homeward_server::reminders::sweep(&s.store).await.unwrap(),
        0
    );
    for api in [&cw, &sup] {
        let (_, alerts) = api.get("/api/v1/alerts").await;
        assert!(
            alerts
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "overdue_followup"
                    && a["detail"]["case_reference"] == case["reference"]),
            "{alerts}"
        );
    }
    let fid = first_after["id"].as_str().unwrap();
    let (status, done) = cw
        .post(
            &format!("/api/v1/followups/{fid}/done"),
            json!({"child_with_family": true, "notes": "doing well at school"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["plain"]["late"], true);
    assert_eq!(
        cw.post(&format!("/api/v1/followups/{fid}/done"), json!({}))
            .await
            .0,
        StatusCode::CONFLICT
    );

    assert_eq!(
        step(&cw, &id, "start_follow_up", json!({})).await.0,
        StatusCode::OK
    );
    let (status, err) = step(&cw, &id, "close", json!({"closure_reason": "happy"})).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("closure_reason"))
    );
    let (status, c) = step(
        &cw,
        &id,
        "close",
        json!({"closure_reason": "reunified_and_settled"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (c["status"].as_str(), c["fields"]["stage"].as_str()),
        (Some("closed"), Some("closed"))
    );
    // Moves out of the district need purpose, adult and authoriser.
    let (status, err) = cw
        .post(
            &format!("/api/v1/cases/{id}/moves"),
            json!({"scope": "out_of_district", "destination": "Guwahati", "purpose": "hospital"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("accompanying adult"));
    // Every step's history is in the change log.
    let (_, history) = cw.get(&format!("/api/v1/cases/{id}/history")).await;
    let stages: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["field"] == "stage")
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(
        stages,
        [
            "registered",
            "interim_care",
            "tracing",
            "verification",
            "reunification",
            "follow_up",
            "closed"
        ]
    );
}

async fn the_permanent_care_lock_refuses_and_a_supervisor_override_is_audited(s: TestServer) {
    let cw = s.login("cw_a").await;
    let sup = s.login("sup_a").await;
    let (_, case) = cw.post("/api/v1/cases", child()).await;
    let id = case["id"].as_str().unwrap().to_string();
    step(&cw, &id, "start_tracing", json!({})).await;
    let (status, err) = step(
        &cw,
        &id,
        "long_term_care",
        json!({"permanent_care_type": "adoption"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("emergency") && msg.contains("minimum 730"),
        "{msg}"
    );
    let reason =
        "Court order 14/2026: the child's safety requires an immediate permanent placement";
    assert_eq!(
        step(
            &cw,
            &id,
            "long_term_care",
            json!({"permanent_care_type": "adoption", "override_reason": reason})
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = step(
        &sup,
        &id,
        "long_term_care",
        json!({"permanent_care_type": "adoption", "override_reason": "too short"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, c) = step(
        &sup,
        &id,
        "long_term_care",
        json!({"permanent_care_type": "adoption", "override_reason": reason}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["fields"]["stage"], "long_term_care");
    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "permanent_care.override" && e["target"] == id.as_str()));
    // Long-term foster care is not permanent and is not locked.
    let (_, other) = cw.post("/api/v1/cases", child()).await;
    let other = other["id"].as_str().unwrap().to_string();
    step(&cw, &other, "start_tracing", json!({})).await;
    assert_eq!(
        step(
            &cw,
            &other,
            "long_term_care",
            json!({"permanent_care_type": "long_term_foster_care"})
        )
        .await
        .0,
        StatusCode::OK
    );
}

async fn a_volunteer_reports_and_a_caseworker_registers(s: TestServer) {
    let volunteer = s.login("volunteer").await;
    let (status, case) = volunteer.post("/api/v1/cases", child()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(case["fields"]["stage"], "identified");
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(
        step(&volunteer, &id, "register", json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let sup = s.login("sup_a").await;
    let (status, c) = step(&sup, &id, "register", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["fields"]["stage"], "registered");
    assert_eq!(
        step(&sup, &id, "register", json!({})).await.0,
        StatusCode::CONFLICT
    );
}

mod deadlines {
    use super::*;

    crate::both_backends!(a_case_that_missed_its_clocks_is_listed_as_overdue);

    async fn a_case_that_missed_its_clocks_is_listed_as_overdue(s: TestServer) {
        let cw = s.login("cw_a").await;
        let mut late = child();
        late["date_of_identification"] = json!("2026-01-05");
        let (_, old) = cw.post("/api/v1/cases", late).await;
        let (_, fresh) = cw.post("/api/v1/cases", child()).await;
        let (status, overdue) = cw.get("/api/v1/cases/overdue").await;
        assert_eq!(status, StatusCode::OK, "{overdue}");
        let listed: Vec<&str> = overdue
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["reference"].as_str().unwrap())
            .collect();
        assert!(
            listed.contains(&old["reference"].as_str().unwrap()),
            "{overdue}"
        );
        assert!(
            !listed.contains(&fresh["reference"].as_str().unwrap()),
            "{overdue}"
        );
        let kinds: Vec<&str> = overdue[0]["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["registration", "tracing_start"]);
        // The route does not shadow a case read by reference.
        assert_eq!(
            cw.get(&format!(
                "/api/v1/cases/{}",
                fresh["reference"].as_str().unwrap()
            ))
            .await
            .0,
            StatusCode::OK
        );
    }
}
