//! Every route requires its permission: for each documented route, every role that lacks the
//! action gets 403 and an anonymous caller gets 401. A new route is covered as soon as it is
//! registered, because the table comes from the router itself.

use homeward_auth::Role;
use homeward_server::api::route_docs;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{child, TestServer};

both_backends!(every_route_refuses_roles_without_its_permission);

const USER_OF_ROLE: &[(Role, &str)] = &[
    (Role::Caseworker, "cw_a"),
    (Role::Supervisor, "sup_a"),
    (Role::CommunityVolunteer, "volunteer"),
    (Role::CheckpointOfficer, "checkpoint"),
    (Role::GovernmentOfficer, "gov"),
    (Role::Analyst, "analyst"),
    (Role::Administrator, "admin"),
];

async fn every_route_refuses_roles_without_its_permission(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (_, case) = cw.post("/api/v1/cases", child()).await;
    let case_id = case["id"].as_str().unwrap().to_string();
    let mut sessions = Vec::new();
    for (role, user) in USER_OF_ROLE {
        sessions.push((*role, s.login(user).await));
    }
    let anonymous = reqwest::Client::new();
    let mut checked = 0;
    for doc in route_docs() {
        let path = doc
            .path
            .replace("{key}", &case_id)
            .replace("{id}", &case_id);
        let method = Method::from_bytes(doc.method.as_bytes()).unwrap();
        if doc.authenticated {
            let res = anonymous
                .request(method.clone(), format!("{}{path}", s.base))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "anonymous {} {}",
                doc.method,
                doc.path
            );
        }
        let Some(action) = doc.action else { continue };
        for (role, api) in &sessions {
            if role.allows(action) {
                continue;
            }
            let res = api.call(method.clone(), &path, Some(json!({}))).await;
            assert_eq!(
                res.status(),
                StatusCode::FORBIDDEN,
                "{} {} as {}",
                doc.method,
                doc.path,
                role.as_str()
            );
            let body: serde_json::Value = res.json().await.unwrap();
            assert!(body["message"].as_str().unwrap().contains(action.as_str()));
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} refusals checked");
}
