//! The anonymised incident dataset over HTTP (issue 12): every combination of sex, age band,
//! place, period and nationality it releases appears at least 11 times, the one child who
//! would stand out is generalised away or dropped, no identifier or name leaves, roles without
//! analysis are refused, and every read is audited with rows and purpose.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Api, TestServer};

both_backends!(
    the_incident_dataset_is_k_anonymous_and_audited,
    the_incident_dataset_as_csv_keeps_k_and_names_nothing,
);

/// `n` incidents in `district`, each naming a newly registered child; their case references.
async fn incidents(cw: &Api, n: usize, district: &str, sex: &str, age: i64) -> Vec<String> {
    let mut refs = Vec::new();
    for _ in 0..n {
        let (status, case) = cw
            .post(
                "/api/v1/cases",
                json!({"name_first": "রহিম", "name_last": "आलम", "sex": sex, "age": age,
                       "protection_status": "separated", "district": district,
                       "registration_date": "2026-10-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let reference = case["reference"].as_str().unwrap().to_string();
        let (status, body) = cw
            .post(
                "/api/v1/incidents",
                json!({"incident_date": "2026-10-15", "district": district,
                       "trafficking_status": "possible_victim", "method_of_recruitment": "job_offer",
                       "type_of_exploitation": ["child_labour"], "children": [{"case": reference}],
                       "description": "offered work at a hotel in Guwahati"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        refs.push(reference);
    }
    refs
}

/// 12 girls of 12 from Barpeta, and one boy of 7 from Dhubri who would stand out.
async fn seed(s: &TestServer) -> Vec<String> {
    let cw = s.login("cw_a").await;
    let mut refs = incidents(&cw, 12, "Barpeta", "female", 12).await;
    refs.extend(incidents(&cw, 1, "Dhubri", "male", 7).await);
    refs
}

fn assert_k(rows: &[[String; 5]]) {
    let mut groups: BTreeMap<&[String; 5], usize> = BTreeMap::new();
    for r in rows {
        *groups.entry(r).or_default() += 1;
    }
    assert!(groups.values().all(|&n| n >= 11), "{groups:?}");
}

async fn the_incident_dataset_is_k_anonymous_and_audited(s: TestServer) {
    let refs = seed(&s).await;
    let analyst = s.login("analyst").await;
    let (status, body) = analyst
        .get("/api/v1/reports/incidents?purpose=research")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["k"], 11);
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 12, "{body}");
    let quasi: Vec<[String; 5]> = records
        .iter()
        .map(|r| {
            ["sex", "age_band", "place", "period", "nationality"]
                .map(|k| r[k].as_str().unwrap().to_string())
        })
        .collect();
    assert_k(&quasi);
    assert!(records.iter().all(|r| r["place"] != "Dhubri"), "{body}");
    assert_eq!(body["suppressed"], 1);
    assert_eq!(
        records[0]["attributes"]["method_of_recruitment"],
        "job_offer"
    );
    let text = body.to_string();
    for secret in refs
        .iter()
        .map(String::as_str)
        .chain(["রহিম", "आलम", "Guwahati"])
    {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    let (status, err) = analyst
        .get("/api/v1/reports/incidents?purpose=curiosity")
        .await;
    assert!(status.is_client_error(), "{err}");
    assert_eq!(err["field"], "purpose", "{err}");
    let volunteer = s.login("volunteer").await;
    let (status, _) = volunteer.get("/api/v1/reports/incidents").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let reads: Vec<Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "report.dataset")
        .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["rows"], 12);
    assert_eq!(reads[0]["purpose"], "research");
    assert_eq!(reads[0]["via"], "http");
}

async fn the_incident_dataset_as_csv_keeps_k_and_names_nothing(s: TestServer) {
    let refs = seed(&s).await;
    let res = s
        .login("analyst")
        .await
        .call(reqwest::Method::GET, "/api/v1/reports/incidents.csv", None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let names: Vec<&str> = headers.iter().collect();
    assert_eq!(
        names[..5],
        ["sex", "age_band", "place", "period", "nationality"]
    );
    assert!(names.contains(&"type_of_exploitation"));
    let rows: Vec<[String; 5]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [0, 1, 2, 3, 4].map(|i| r[i].to_string())
        })
        .collect();
    assert_eq!(rows.len(), 12, "{text}");
    assert_k(&rows);
    for secret in refs
        .iter()
        .map(String::as_str)
        .chain(["রহিম", "Dhubri", "Guwahati"])
    {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
