//! Logging in and out, cookies, CSRF, bearer tokens and the login rate limit.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{child, TestServer, PASSWORD};

both_backends!(
    web_sessions_use_a_hardened_cookie_and_need_the_csrf_token_for_writes,
    wrong_passwords_are_refused_and_rate_limited_per_account,
    requests_without_a_session_get_401,
    disabled_users_cannot_log_in,
);

async fn web_sessions_use_a_hardened_cookie_and_need_the_csrf_token_for_writes(s: TestServer) {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{}/api/v1/sessions", s.base))
        .json(&json!({"username": "cw_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "cookie lacks {attr}: {cookie}");
    }
    let body: Value = res.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    assert!(
        body.get("token").is_none(),
        "a browser session must not expose its token to scripts"
    );
    assert!(body["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "case.create"));

    // reqwest only sends Secure cookies over https, so send the cookie by hand as a browser on
    // localhost would.
    let token = cookie.split(';').next().unwrap().to_string();
    let current = client
        .get(format!("{}/api/v1/sessions/current", s.base))
        .header("cookie", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), StatusCode::OK);

    let no_csrf = client
        .post(format!("{}/api/v1/cases", s.base))
        .header("cookie", &token)
        .json(&child())
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    assert_eq!(no_csrf.json::<Value>().await.unwrap()["code"], "csrf");
    let wrong_csrf = client
        .post(format!("{}/api/v1/cases", s.base))
        .header("cookie", &token)
        .header("x-csrf-token", "nope")
        .json(&child())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_csrf.status(), StatusCode::FORBIDDEN);
    let ok = client
        .post(format!("{}/api/v1/cases", s.base))
        .header("cookie", &token)
        .header("x-csrf-token", &csrf)
        .json(&child())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);

    let out = client
        .delete(format!("{}/api/v1/sessions/current", s.base))
        .header("cookie", &token)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = client
        .get(format!("{}/api/v1/sessions/current", s.base))
        .header("cookie", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn wrong_passwords_are_refused_and_rate_limited_per_account(s: TestServer) {
    let client = Client::new();
    let attempt = |password: &'static str| {
        let client = client.clone();
        let url = format!("{}/api/v1/sessions", s.base);
        async move {
            client
                .post(url)
                .json(&json!({"username": "cw_b", "password": password, "kind": "api"}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        let res = attempt("wrong password!").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "bad_credentials"
        );
    }
    let limited = attempt(PASSWORD).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().get("retry-after").is_some());
    // Another account from the same address is not locked out by the first one's attempts.
    let other = client
        .post(format!("{}/api/v1/sessions", s.base))
        .json(&json!({"username": "cw_a", "password": PASSWORD, "kind": "api"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    // An unknown user gets the same answer as a wrong password.
    let unknown = client
        .post(format!("{}/api/v1/sessions", s.base))
        .json(&json!({"username": "nobody", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
}

async fn requests_without_a_session_get_401(s: TestServer) {
    let client = Client::new();
    let res = client
        .get(format!("{}/api/v1/cases", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");
    assert!(body["message"].as_str().unwrap().contains("log in"));
    let bad = client
        .get(format!("{}/api/v1/cases", s.base))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
}

async fn disabled_users_cannot_log_in(s: TestServer) {
    let admin = s.login("admin").await;
    let cw = s.login("cw_a2").await;
    let (_, users) = admin.get("/api/v1/users").await;
    let id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "cw_a2")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, user) = admin
        .patch(&format!("/api/v1/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["disabled"], true);
    // The open session ends at once, and a new login is refused.
    assert_eq!(
        cw.get("/api/v1/sessions/current").await.0,
        StatusCode::UNAUTHORIZED
    );
    let res = Client::new()
        .post(format!("{}/api/v1/sessions", s.base))
        .json(&json!({"username": "cw_a2", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Administrators cannot lock themselves out.
    let (_, me) = admin.get("/api/v1/sessions/current").await;
    let my_id = me["user"]["id"].as_str().unwrap();
    assert_eq!(
        admin
            .patch(&format!("/api/v1/users/{my_id}"), json!({"disabled": true}))
            .await
            .0,
        StatusCode::CONFLICT
    );
}
