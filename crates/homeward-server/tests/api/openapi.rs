//! The OpenAPI document describes exactly the routes the server serves, and the values it
//! allows are ones the server accepts (tests/openapi/run.sh checks the rest with schemathesis).

use std::collections::BTreeSet;

use homeward_server::api::route_docs;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::both_backends;
use crate::helpers::TestServer;

both_backends!(
    the_openapi_document_matches_the_served_routes,
    every_filter_value_the_document_lists_is_accepted,
    the_audit_verdict_matches_one_branch_of_its_schema,
);

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.insert(r.clone());
            }
            o.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

async fn the_openapi_document_matches_the_served_routes(s: TestServer) {
    let res = reqwest::get(format!("{}/api/v1/openapi.json", s.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let served: BTreeSet<(String, String)> = route_docs()
        .iter()
        .map(|d| (d.method.to_string(), d.path.to_string()))
        .collect();
    assert_eq!(documented, served);
    // Every documented route is really served: never the router's own 404 or 405.
    let admin = s.login("admin").await;
    for (method, path) in &served {
        let path = path
            .replace("{key}", "HW-0000-000")
            .replace("{id}", "00000000-0000-0000-0000-000000000000");
        let res = admin
            .call(
                Method::from_bytes(method.as_bytes()).unwrap(),
                &path,
                Some(serde_json::json!({})),
            )
            .await;
        assert_ne!(
            res.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_ne!(body["code"], "no_route", "{method} {path}");
    }
    // Every reference resolves.
    let mut all = BTreeSet::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "dangling {r}"
        );
    }
    // The case schema lists every catalogue field with its choices.
    let fields = &doc["components"]["schemas"]["CaseFields"]["properties"];
    for f in homeward_domain::RecordKind::Case.fields() {
        assert!(fields.get(f.name).is_some(), "{} missing", f.name);
    }
}

/// The list filters list their values (an empty `status=` was allowed and refused), and the
/// server takes each of them.
async fn every_filter_value_the_document_lists_is_accepted(s: TestServer) {
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let supervisor = s.login("sup_a").await;
    for path in ["/api/v1/cases", "/api/v1/tracing-requests"] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        let status = params.iter().find(|p| p["name"] == "status").unwrap();
        assert!(status["schema"]["enum"].as_array().is_some(), "{path}");
        for p in params {
            for value in p["schema"]["enum"].as_array().into_iter().flatten() {
                let value = value.as_str().unwrap();
                let (code, body) = supervisor
                    .get(&format!("{path}?{}={value}", p["name"].as_str().unwrap()))
                    .await;
                assert_eq!(code, StatusCode::OK, "{path} {}={value}: {body}", p["name"]);
            }
        }
        let (code, _) = supervisor.get(&format!("{path}?status=")).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{path}?status=");
    }
}

/// `GET /api/v1/audit/verify` answers one of two shapes; the document's `oneOf` must tell
/// them apart (both branches matched any object before).
async fn the_audit_verdict_matches_one_branch_of_its_schema(s: TestServer) {
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (code, verdict) = s.login("admin").await.get("/api/v1/audit/verify").await;
    assert_eq!(code, StatusCode::OK);
    let keys: Vec<&String> = verdict.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Intact"], "{verdict}");
    let branches = doc["components"]["schemas"]["AuditVerdict"]["oneOf"]
        .as_array()
        .unwrap();
    let matching: Vec<&Value> = branches
        .iter()
        .filter(|b| {
            b["additionalProperties"] == false
                && b["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|r| verdict.get(r.as_str().unwrap()).is_some())
                && keys
                    .iter()
                    .all(|k| b["properties"].get(k.as_str()).is_some())
        })
        .collect();
    assert_eq!(matching.len(), 1, "{verdict} against {branches:?}");
}
