//! Matches proposed as records arrive, across scripts and agencies, with consent respected.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Api, TestServer};

both_backends!(
    a_family_request_in_latin_finds_the_child_registered_in_bengali_within_a_second,
    without_consent_the_family_side_sees_nothing_until_a_supervisor_overrides,
);

const OTHERS: &[(&str, &str, &str)] = &[
    ("Bikash", "Barua", "male"),
    ("Rupali", "Gogoi", "female"),
    ("Jahirul", "Islam", "male"),
    ("Fatema", "Khatun", "female"),
    ("Raju", "Basumatary", "male"),
    ("Sunita", "Munda", "female"),
    ("Pooja", "Yadav", "female"),
    ("Tabu", "Pegu", "male"),
    ("Pallabi", "Saikia", "female"),
    ("Nurul", "Hussain", "male"),
    ("Bishal", "Thapa", "male"),
    ("Jonali", "Doley", "female"),
];

async fn register_others(cw: &Api) {
    const DISTRICTS: [&str; 3] = ["Barpeta", "Dhubri", "Nalbari"];
    const MOTHERS: [&str; 4] = ["Amina", "Rekha", "Jamila", "Basanti"];
    for (i, (first, last, sex)) in OTHERS.iter().cycle().take(36).enumerate() {
        let (district, mother) = (DISTRICTS[i % 3], MOTHERS[i % 4]);
        let (status, body) = cw
            .post("/api/v1/cases", json!({"name_first": first, "name_last": last, "sex": sex, "age": (i % 15) + 2, "estimated": true,
                "protection_status": "separated", "district": district, "consent_for_tracing": true,
                "family_details": [{"relation": "mother", "relation_name": format!("{mother} {last}")}]}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

async fn wait_for_items(api: &Api, path: &str, within: Duration) -> (Vec<Value>, Duration) {
    let started = Instant::now();
    loop {
        let (status, body) = api.get(path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body.as_array().cloned().unwrap_or_default();
        if !items.is_empty() || started.elapsed() > within {
            return (items, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn rahim(consent: bool) -> Value {
    json!({"name_first": "রহিম", "name_last": "আলী", "sex": "male", "age": 9, "estimated": true, "protection_status": "unaccompanied",
        "district": "Barpeta", "location_current": "Kalgachia relief camp", "notes": "found near the embankment",
        "family_details": [{"relation": "mother", "relation_name": "আমিনা খাতুন", "relation_telephone": "+91 9876500000"}],
        "consent_for_tracing": consent})
}

fn request_for_rahim() -> Value {
    json!({"inquiry_date": "2026-11-20", "relation_name": "Amina Khatun", "relation": "mother", "district": "Barpeta", "consent_for_tracing": true,
        "children_sought": [{"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 11, "location_separation": "Kalgachia"}]})
}

async fn a_family_request_in_latin_finds_the_child_registered_in_bengali_within_a_second(
    s: TestServer,
) {
    let cw_a = s.login("cw_a").await;
    let cw_b = s.login("cw_b").await;
    register_others(&cw_a).await;
    let (_, child) = cw_a.post("/api/v1/cases", rahim(true)).await;
    let child_ref = child["reference"].as_str().unwrap().to_string();
    // Let the first index build finish so the timing below is the steady state.
    wait_for_items(
        &cw_a,
        &format!("/api/v1/cases/{}/matches", child["id"].as_str().unwrap()),
        Duration::from_millis(500),
    )
    .await;

    let (status, request) = cw_b
        .post("/api/v1/tracing-requests", request_for_rahim())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let request_id = request["id"].as_str().unwrap().to_string();
    let (matches, took) = wait_for_items(
        &cw_b,
        &format!("/api/v1/tracing-requests/{request_id}/matches"),
        Duration::from_secs(5),
    )
    .await;
    assert!(took < Duration::from_secs(1), "the match took {took:?}");
    let best = &matches[0];
    assert_eq!(best["case"]["reference"], child_ref.as_str());
    assert_eq!(best["status"], "pending");
    assert!(best["probability"].as_f64().unwrap() >= 0.5);
    let explained: Vec<&str> = best["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(
        explained.contains(&"name_first") && explained.contains(&"age"),
        "{explained:?}"
    );
    // The other agency sees what identification needs, not the child's whereabouts or notes.
    let fields = &best["case"]["fields"];
    assert_eq!(fields["name_first"], "রহিম");
    assert!(fields.get("location_current").is_none() && fields.get("notes").is_none());
    assert_eq!(best["case"]["in_your_scope"], false);
    // Both caseworkers are alerted.
    for api in [&cw_a, &cw_b] {
        let (alerts, _) =
            wait_for_items(api, "/api/v1/alerts?unread=true", Duration::from_secs(1)).await;
        let alerts = Value::Array(alerts);
        assert!(
            alerts
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "potential_match"
                    && a["detail"]["case_reference"] == child_ref.as_str()),
            "{alerts}"
        );
    }
    // A decision needs a reason, and is recorded.
    let id = best["id"].as_str().unwrap();
    let (status, _) = cw_b
        .post(
            &format!("/api/v1/matches/{id}/decision"),
            json!({"decision": "confirmed", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, decided) = cw_b.post(&format!("/api/v1/matches/{id}/decision"), json!({"decision": "confirmed", "reason": "mother described the birthmark and the school"})).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "confirmed");
    assert_eq!(
        decided["decision_reason"],
        "mother described the birthmark and the school"
    );
    // A colleague who sees neither side cannot decide it.
    let (status, _) = s
        .login("cw_a2")
        .await
        .post(
            &format!("/api/v1/matches/{id}/decision"),
            json!({"decision": "rejected", "reason": "not the same child"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn without_consent_the_family_side_sees_nothing_until_a_supervisor_overrides(s: TestServer) {
    let cw_a = s.login("cw_a").await;
    let cw_b = s.login("cw_b").await;
    register_others(&cw_a).await;
    let (_, child) = cw_a.post("/api/v1/cases", rahim(false)).await;
    let case_id = child["id"].as_str().unwrap().to_string();
    let (_, request) = cw_b
        .post("/api/v1/tracing-requests", request_for_rahim())
        .await;
    let request_id = request["id"].as_str().unwrap().to_string();

    // The child's own caseworker sees the match...
    let (matches, _) = wait_for_items(
        &cw_a,
        &format!("/api/v1/cases/{case_id}/matches"),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(matches.len(), 1, "{matches:?}");
    let id = matches[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        matches[0]["tracing_request"]["fields"]["relation_name"],
        "Amina Khatun"
    );
    // ...the family's side sees nothing and hears nothing.
    let (_, listed) = cw_b
        .get(&format!("/api/v1/tracing-requests/{request_id}/matches"))
        .await;
    assert_eq!(listed, json!([]));
    let (_, alerts) = cw_b.get("/api/v1/alerts").await;
    assert_eq!(alerts, json!([]));
    // An on-demand search does not get round it either, and rejects silly thresholds.
    let (_, searched) = cw_b
        .post(
            &format!("/api/v1/tracing-requests/{request_id}/matches/search"),
            json!({"threshold": 0.2}),
        )
        .await;
    assert_eq!(searched, json!([]));
    let (status, err) = cw_b
        .post(
            &format!("/api/v1/tracing-requests/{request_id}/matches/search"),
            json!({"threshold": 0.001}),
        )
        .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("threshold"))
    );

    // Only a supervisor of the child's side may override, with a written reason.
    let (status, _) = cw_a
        .post(
            &format!("/api/v1/matches/{id}/disclosure"),
            json!({"reason": "the child is at immediate risk in the camp"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let sup_a = s.login("sup_a").await;
    let (status, _) = sup_a
        .post(
            &format!("/api/v1/matches/{id}/disclosure"),
            json!({"reason": "urgent"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = sup_a
        .post(
            &format!("/api/v1/matches/{id}/disclosure"),
            json!({"reason": "the child cannot consent (age 9, in shock); CWC asked to trace now"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["disclosure_overridden"], true);
    let (_, listed) = cw_b
        .get(&format!("/api/v1/tracing-requests/{request_id}/matches"))
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // ...and the family's caseworker now hears of it, once however often it is overridden.
    sup_a
        .post(
            &format!("/api/v1/matches/{id}/disclosure"),
            json!({"reason": "recorded again after the CWC hearing; the same grounds stand"}),
        )
        .await;
    let (_, alerts) = cw_b.get("/api/v1/alerts").await;
    let about: Vec<_> = alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "potential_match" && a["detail"]["match"] == id.as_str())
        .collect();
    assert_eq!(about.len(), 1, "{alerts}");
    // The family's queue holds the match until it is decided, read or not; alerts page.
    let alert_id = about[0]["id"].as_str().unwrap().to_string();
    let (status, _) = cw_b
        .post(&format!("/api/v1/alerts/{alert_id}/read"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, waiting) = cw_b.get("/api/v1/matches/waiting").await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
    assert_eq!(waiting[0]["detail"]["match"], id.as_str());
    let (_, page) = cw_b.get("/api/v1/alerts?limit=1&offset=0").await;
    assert_eq!(page.as_array().unwrap().len(), 1, "{page}");
    let (_, past) = cw_b.get("/api/v1/alerts?limit=1&offset=1000").await;
    assert_eq!(past, json!([]));
    let (status, _) = cw_b.get("/api/v1/alerts?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = s
        .login("analyst")
        .await
        .get("/api/v1/matches/waiting")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"match.disclosure_override")
            && actions.contains(&"match.disclosure")
            && actions.contains(&"match.propose")
    );
}

mod duplicates {
    use super::*;

    crate::both_backends!(a_child_registered_twice_is_found_merged_and_unmerged);

    async fn a_child_registered_twice_is_found_merged_and_unmerged(s: TestServer) {
        let cw = s.login("cw_a").await;
        register_others(&cw).await;
        let (_, first) = cw.post("/api/v1/cases", rahim(true)).await;
        let first_id = first["id"].as_str().unwrap().to_string();
        let mut second_doc = json!({"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10, "protection_status": "unaccompanied",
            "district": "Barpeta", "national_id_no": "ID-778812", "family_details": [{"relation": "mother", "relation_name": "Amina Khatun"}]});
        second_doc["consent_for_tracing"] = json!(true);
        let (_, second) = cw.post("/api/v1/cases", second_doc).await;
        let second_id = second["id"].as_str().unwrap().to_string();
        let second_ref = second["reference"].as_str().unwrap().to_string();
        let (dups, _) = wait_for_items(
            &cw,
            &format!("/api/v1/cases/{second_id}/duplicates"),
            Duration::from_secs(5),
        )
        .await;
        assert!(
            dups.iter()
                .any(|d| d["case_a"] == first_id.as_str() || d["case_b"] == first_id.as_str()),
            "{dups:?}"
        );
        let (alerts, _) =
            wait_for_items(&cw, "/api/v1/alerts?unread=true", Duration::from_secs(2)).await;
        assert!(alerts.iter().any(|a| a["kind"] == "possible_duplicate"));

        // Only a supervisor merges, with a reason.
        let body = json!({"duplicate": second_ref, "reason": "same mother, same camp, registered by two teams"});
        assert_eq!(
            cw.post(&format!("/api/v1/cases/{first_id}/merge"), body.clone())
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let sup = s.login("sup_a").await;
        let (status, merged) = sup
            .post(&format!("/api/v1/cases/{first_id}/merge"), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{merged}");
        assert_eq!(merged["survivor"]["fields"]["national_id_no"], "ID-778812");
        assert!(merged["filled"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "national_id_no"));
        // The merged-away reference still finds the child.
        let (status, found) = cw.get(&format!("/api/v1/cases/{second_ref}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found["id"], first_id.as_str());
        // Both change logs are kept.
        let (_, history) = cw.get(&format!("/api/v1/cases/{second_id}/history")).await;
        assert!(history
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "merged_into"));

        let merge_id = merged["merge_id"].as_str().unwrap();
        let (status, undone) = sup
            .post(&format!("/api/v1/merges/{merge_id}/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{undone}");
        assert!(undone["survivor"]["fields"].get("national_id_no").is_none());
        assert_eq!(undone["restored"]["status"], "open");
        let (_, found) = cw.get(&format!("/api/v1/cases/{second_ref}")).await;
        assert_eq!(found["id"], second_id.as_str());
        assert_eq!(
            sup.post(&format!("/api/v1/merges/{merge_id}/undo"), json!({}))
                .await
                .0,
            StatusCode::CONFLICT
        );
    }
}
