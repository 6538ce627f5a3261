//! Cases and tracing requests over HTTP: validation, scope, redaction, history, durability.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{child, tracing_request, TestServer};

both_backends!(
    a_case_is_registered_read_changed_listed_and_its_history_kept,
    bad_input_gets_a_clear_error_naming_the_field_and_never_a_500,
    another_agency_gets_404_for_a_case,
    a_restart_loses_nothing_acknowledged,
    concurrent_edits_are_refused_with_409,
    tracing_requests_work_like_cases,
);

async fn a_case_is_registered_read_changed_listed_and_its_history_kept(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (status, created) = cw.post("/api/v1/cases", child()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("HW-"));
    assert_eq!(created["fields"]["name_first"], "রহিম");
    assert_eq!(created["status"], "open");

    let (status, by_ref) = cw
        .get(&format!("/api/v1/cases/{}", reference.to_lowercase()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_ref["id"], id.as_str());

    let (status, updated) = cw
        .patch(
            &format!("/api/v1/cases/{id}"),
            json!({"age": 10, "risk_level": "medium"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], created["version"].as_i64().unwrap() + 1);

    cw.post(
        "/api/v1/cases",
        json!({"sex": "female", "protection_status": "separated", "age": 4, "district": "Dhubri"}),
    )
    .await;
    let (_, page) = cw.get("/api/v1/cases?sex=male&age_min=10&age_max=10").await;
    assert_eq!(page["total"], 1);
    let (_, page) = cw.get("/api/v1/cases?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], 2);
    let (_, page) = cw
        .get(&format!("/api/v1/cases?reference={reference}"))
        .await;
    assert_eq!(page["total"], 1);

    let (status, history) = cw.get(&format!("/api/v1/cases/{id}/history")).await;
    assert_eq!(status, StatusCode::OK);
    let h = history.as_array().unwrap();
    assert!(h.iter().any(|c| c["field"] == "age" && c["value"] == 10));
    assert!(h.iter().all(|c| c["hlc"].as_str().is_some()
        && c["actor"].as_str().is_some()
        && c["device"].as_str().is_some()));
}

async fn bad_input_gets_a_clear_error_naming_the_field_and_never_a_500(s: TestServer) {
    let cw = s.login("cw_a").await;
    let cases = [
        (
            json!({"sex": "male", "protection_status": "separated", "age": 19}),
            "age",
            "0–17",
        ),
        (
            json!({"sex": "boy", "protection_status": "separated"}),
            "sex",
            "female, male",
        ),
        (
            json!({"sex": "male", "protection_status": "separated", "date_of_separation": "2999-01-01"}),
            "date_of_separation",
            "future",
        ),
        (json!({"sex": "male"}), "protection_status", "required"),
        (
            json!({"sex": "male", "protection_status": "separated", "nmae_first": "x"}),
            "nmae_first",
            "name_first",
        ),
        (
            json!({"sex": "male", "protection_status": "separated", "date_of_birth": "31/12/2019"}),
            "date_of_birth",
            "YYYY-MM-DD",
        ),
        (
            json!({"sex": "male", "protection_status": "separated", "status": "closed"}),
            "status",
            "workflow",
        ),
    ];
    for (body, field, hint) in cases {
        let (status, err) = cw.post("/api/v1/cases", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(err["code"], "invalid");
        assert_eq!(err["field"], field, "{err}");
        assert!(err["message"].as_str().unwrap().contains(hint), "{err}");
    }
    let raw = cw
        .client
        .post(format!("{}/api/v1/cases", s.base))
        .bearer_auth(&cw.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    assert!(raw.json::<Value>().await.unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("JSON"));
    let wrong_type = cw
        .client
        .post(format!("{}/api/v1/cases", s.base))
        .bearer_auth(&cw.token)
        .body("sex=male")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let array = cw
        .call(Method::POST, "/api/v1/cases", Some(json!([1, 2])))
        .await;
    assert_eq!(array.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, err) = cw.get("/api/v1/cases?age_min=ten").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("age_min"));
    let (status, err) = cw.get("/api/v1/cases?sex=boy").await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("sex"))
    );
    let (status, _) = cw.get("/api/v1/cases?limit=100000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, err) = cw.get("/api/v1/nothing-here").await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("no_route"))
    );
    let res = cw.call(Method::DELETE, "/api/v1/cases", None).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = cw.get("/api/v1/cases/HW-0000-000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = cw
        .call(Method::POST, "/api/v1/cases", Some(json!({"notes": huge})))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn another_agency_gets_404_for_a_case(s: TestServer) {
    let cw_a = s.login("cw_a").await;
    let (_, created) = cw_a.post("/api/v1/cases", child()).await;
    let id = created["id"].as_str().unwrap();
    let reference = created["reference"].as_str().unwrap();
    for who in ["cw_b", "sup_b"] {
        let other = s.login(who).await;
        for path in [
            format!("/api/v1/cases/{id}"),
            format!("/api/v1/cases/{reference}"),
            format!("/api/v1/cases/{id}/history"),
        ] {
            let (status, body) = other.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
            assert_eq!(body["code"], "not_found");
        }
        let (status, _) = other
            .patch(&format!("/api/v1/cases/{id}"), json!({"age": 3}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, page) = other.get("/api/v1/cases").await;
        assert_eq!(page["total"], 0);
    }
    // A colleague with only their own records in scope does not see it either; the supervisor of the team does.
    assert_eq!(
        s.login("cw_a2")
            .await
            .get(&format!("/api/v1/cases/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.login("sup_a")
            .await
            .get(&format!("/api/v1/cases/{id}"))
            .await
            .0,
        StatusCode::OK
    );
}

async fn a_restart_loses_nothing_acknowledged(mut s: TestServer) {
    let cw = s.login("cw_a").await;
    let mut ids = Vec::new();
    for age in 0..15 {
        let mut c = child();
        c["age"] = json!(age);
        let (status, created) = cw.post("/api/v1/cases", c).await;
        assert_eq!(status, StatusCode::CREATED);
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    s.restart().await;
    let cw = s.login("cw_a").await;
    for (age, id) in ids.iter().enumerate() {
        let (status, c) = cw.get(&format!("/api/v1/cases/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(c["fields"]["age"], age);
        assert_eq!(c["fields"]["name_first"], "রহিম");
    }
}

async fn concurrent_edits_are_refused_with_409(s: TestServer) {
    let cw = s.login("cw_a").await;
    let sup = s.login("sup_a").await;
    let (_, created) = cw.post("/api/v1/cases", child()).await;
    let id = created["id"].as_str().unwrap();
    let version = created["version"].as_i64().unwrap();
    let patch = |api: &crate::helpers::Api, body: Value, version: &str| {
        let req = api
            .client
            .patch(format!("{}/api/v1/cases/{id}", api.base))
            .bearer_auth(&api.token)
            .header("if-match", version.to_string())
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    assert_eq!(
        patch(&cw, json!({"age": 10}), &format!("\"{version}\""))
            .await
            .status(),
        StatusCode::OK
    );
    let stale = patch(&sup, json!({"age": 11}), &format!("\"{version}\"")).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(stale.json::<Value>().await.unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("reload"));
    assert_eq!(
        patch(&sup, json!({"age": 11}), "garbage").await.status(),
        StatusCode::BAD_REQUEST
    );
}

async fn tracing_requests_work_like_cases(s: TestServer) {
    let cw = s.login("cw_b").await;
    let (status, created) = cw.post("/api/v1/tracing-requests", tracing_request()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["reference"].as_str().unwrap().starts_with("TR-"));
    let id = created["id"].as_str().unwrap();
    let (status, err) = cw.post("/api/v1/tracing-requests", json!({"inquiry_date": "2026-11-01", "relation_name": "X", "children_sought": [{"age": 3}]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "children_sought[0].sex");
    let (status, _) = cw
        .patch(
            &format!("/api/v1/tracing-requests/{id}"),
            json!({"notes": "called back on Monday"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = cw.get("/api/v1/tracing-requests").await;
    assert_eq!(page["total"], 1);
    assert_eq!(
        s.login("cw_a")
            .await
            .get(&format!("/api/v1/tracing-requests/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

mod tracing_workflow {
    use super::*;

    crate::both_backends!(a_tracing_request_keeps_its_actions_and_status);

    async fn a_tracing_request_keeps_its_actions_and_status(s: TestServer) {
        let cw = s.login("cw_b").await;
        let (_, r) = cw.post("/api/v1/tracing-requests", tracing_request()).await;
        let id = r["id"].as_str().unwrap().to_string();
        let (status, actions) = cw.post(&format!("/api/v1/tracing-requests/{id}/tracing-actions"), json!({"action_type": "mass", "date": "2026-11-10", "place": "Barpeta camp", "outcome": "pending"})).await;
        assert_eq!(status, StatusCode::OK, "{actions}");
        let (_, now) = cw.get(&format!("/api/v1/tracing-requests/{id}")).await;
        assert_eq!(now["status"], "tracing_in_progress");
        let (status, err) = cw
            .post(
                &format!("/api/v1/tracing-requests/{id}/status"),
                json!({"status": "reunified"}),
            )
            .await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::CONFLICT, Some("workflow_rule"))
        );
        let (status, v) = cw
            .post(
                &format!("/api/v1/tracing-requests/{id}/status"),
                json!({"status": "verified"}),
            )
            .await;
        assert_eq!(
            (status, v["status"].as_str()),
            (StatusCode::OK, Some("verified"))
        );
        assert_eq!(
            cw.post(
                &format!("/api/v1/tracing-requests/{id}/status"),
                json!({"status": "closed"})
            )
            .await
            .0,
            StatusCode::BAD_REQUEST
        );
        let (status, c) = cw
            .post(
                &format!("/api/v1/tracing-requests/{id}/status"),
                json!({"status": "closed", "reason": "the family left the district"}),
            )
            .await;
        assert_eq!(
            (status, c["status"].as_str()),
            (StatusCode::OK, Some("closed"))
        );
        let (_, events) = cw
            .get(&format!("/api/v1/tracing-requests/{id}/events"))
            .await;
        assert_eq!(events.as_array().unwrap().len(), 3);
    }
}
