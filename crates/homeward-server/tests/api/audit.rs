//! The audit trail over HTTP: intact after ordinary use, broken at the first row edited
//! directly in the database.

use reqwest::StatusCode;

use crate::both_backends;
use crate::helpers::{child, TestServer};

both_backends!(a_tampered_audit_row_is_named_over_http);

async fn a_tampered_audit_row_is_named_over_http(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (_, c) = cw.post("/api/v1/cases", child()).await;
    cw.get(&format!("/api/v1/cases/{}", c["id"].as_str().unwrap()))
        .await;
    let admin = s.login("admin").await;
    let (status, verdict) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        verdict["Intact"]["entries"].as_i64().unwrap() > 5,
        "{verdict}"
    );
    sqlx::query("UPDATE audit_log SET action = 'record.nothing' WHERE seq = 4")
        .execute(s.store.pool())
        .await
        .unwrap();
    let (_, verdict) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verdict["Broken"]["seq"], 4, "{verdict}");
}
