//! Operations: health check, metrics on their own listener, and no input that yields a 500.

use homeward_domain::RecordKind;
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

use crate::both_backends;
use crate::helpers::TestServer;

both_backends!(
    health_and_metrics_answer,
    no_request_body_yields_a_server_error
);

async fn health_and_metrics_answer(s: TestServer) {
    let res = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(homeward_server::metrics::serve(listener));
    s.login("cw_a").await.get("/api/v1/cases").await;
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert!(text.contains("homeward_http_requests_total"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/cases\""),
        "metrics are labelled by route template"
    );
    // The API listener does not expose metrics.
    let res = reqwest::get(format!("{}/metrics", s.base)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// A tiny deterministic generator, so a failure reproduces.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn odd_value(r: &mut Lcg, depth: usize) -> Value {
    let choices: Vec<Value> = vec![
        Value::Null,
        json!(""),
        json!("x"),
        json!(-1),
        json!(1e300),
        json!(17),
        json!(18),
        json!(true),
        json!("2026-02-30"),
        json!("9999-12-31"),
        json!("1800-01-01"),
        json!("female"),
        json!("unaccompanied"),
        json!("a;b;;as"),
        json!("\u{0000}\u{202e}রহিম"),
        json!("x".repeat(5000)),
        json!([]),
        json!({}),
        json!(["as", 5, null]),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(0.5),
    ];
    if depth < 2 && r.next(5) == 0 {
        let mut m = Map::new();
        for _ in 0..r.next(4) {
            m.insert(
                ["relation", "relation_name", "sex", "age", "bogus"][r.next(5)].into(),
                odd_value(r, depth + 1),
            );
        }
        return json!([Value::Object(m), odd_value(r, depth + 1)]);
    }
    choices[r.next(choices.len())].clone()
}

async fn no_request_body_yields_a_server_error(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (_, created) = cw.post("/api/v1/cases", crate::helpers::child()).await;
    let id = created["id"].as_str().unwrap().to_string();
    let mut r = Lcg(42);
    let names: Vec<&str> = RecordKind::Case
        .fields()
        .iter()
        .map(|f| f.name)
        .chain(["", "id", "__proto__", "name_first.x"])
        .collect();
    for i in 0..150 {
        let mut body = Map::new();
        for _ in 0..1 + r.next(6) {
            body.insert(names[r.next(names.len())].to_string(), odd_value(&mut r, 0));
        }
        let body = Value::Object(body);
        let (status, err) = if i % 2 == 0 {
            cw.post("/api/v1/cases", body.clone()).await
        } else {
            cw.patch(&format!("/api/v1/cases/{id}"), body.clone()).await
        };
        assert!(
            status.is_success() || status.is_client_error(),
            "{status} for {body}: {err}"
        );
        if status.is_client_error() {
            assert!(
                err["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{err}"
            );
        }
    }
    for path in [
        "/api/v1/cases?age_min=99999999999999999999",
        "/api/v1/cases?updated_since=yesterday",
        "/api/v1/cases?offset=-1",
        "/api/v1/cases/%FF%FE",
        "/api/v1/cases?sex=",
        "/api/v1/audit?limit=0",
    ] {
        let (status, _) = cw.get(path).await;
        assert!(
            status.is_client_error() || status.is_success(),
            "{status} for {path}"
        );
    }
}
