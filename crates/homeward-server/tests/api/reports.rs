//! Indicator reports over HTTP (issue 12): an analyst's report withholds every count under 11,
//! and an attacker who asks for every month, quarter and the year and solves the linear
//! programmes over everything the API answered still cannot work out a withheld count; a
//! supervisor gets exact figures; bad periods, areas and breakdowns are refused naming the
//! field; every report read is audited with who, what, rows and why.

use homeward_reports::attacker::ranges_given;
use homeward_reports::{Dim, Table};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Api, TestServer};

both_backends!(
    an_analysts_report_withholds_small_counts_that_no_attacker_recovers,
    a_supervisor_gets_exact_figures_and_any_days,
    bad_report_requests_name_the_field,
    an_analyst_gets_figures_never_a_childs_record,
    the_indicators_open_in_a_spreadsheet_reader_with_every_script,
);

/// Registers `n` separated children of one sex in a district on a registration date.
async fn register(cw: &Api, n: usize, district: &str, sex: &str, date: &str) {
    for i in 0..n {
        let (status, body) = cw
            .post(
                "/api/v1/cases",
                json!({"name_first": "রহিম", "sex": sex, "age": 6 + i % 10, "protection_status": "separated",
                       "district": district, "registration_date": date}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

/// Barpeta is large; Dhubri has three girls in June and one boy in May.
async fn seed(s: &TestServer) {
    let cw = s.login("cw_a").await;
    register(&cw, 12, "Barpeta", "female", "2026-06-10").await;
    register(&cw, 12, "Barpeta", "male", "2026-06-11").await;
    register(&cw, 12, "Barpeta", "female", "2026-05-03").await;
    register(&cw, 11, "Barpeta", "male", "2026-05-04").await;
    register(&cw, 3, "Dhubri", "female", "2026-06-20").await;
    register(&cw, 1, "Dhubri", "male", "2026-05-21").await;
}

async fn report(api: &Api, query: &str) -> Value {
    let (status, body) = api
        .get(&format!("/api/v1/reports/indicators?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn row<'a>(table: &'a Value, place: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["place"] == place)
        .unwrap_or_else(|| panic!("no row {place} in {table}"))
}

async fn an_analysts_report_withholds_small_counts_that_no_attacker_recovers(s: TestServer) {
    seed(&s).await;
    let analyst = s.login("analyst").await;
    let june = report(
        &analyst,
        "period=2026-06&by=sex&indicator=uasc_registered&purpose=coordination",
    )
    .await;
    assert_eq!(june["exact"], false);
    assert_eq!(june["suppress_below"], 11);
    let table = &june["indicators"][0];
    assert_eq!(table["id"], "uasc_registered");
    assert_eq!(
        table["columns"],
        json!(["female", "male", "other", "unknown", "total"])
    );
    assert!(
        row(table, "Dhubri")["count"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_null),
        "{table}"
    );

    // The attacker: every period of the year, every district and the area, by sex, with every
    // total. Whatever the API shows is fixed; every withheld count is a non-negative unknown.
    let periods = Dim::calendar_year(2026);
    let districts: Vec<String> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["place"].as_str().unwrap().to_string())
        .filter(|p| p != "all")
        .collect();
    let mut places = Dim::single("district", "all");
    for d in &districts {
        places.push(d, 0);
    }
    let sexes = Dim::flat("sex", &["female", "male", "other", "unknown"]);
    let shape = Table::new(vec![periods.clone(), places.clone(), sexes.clone()]);
    let mut shown = vec![None; shape.len()];
    let mut withheld = Vec::new();
    for p in 0..periods.len() {
        let period = periods.label(p);
        let body = report(
            &analyst,
            &format!("period={period}&by=sex&indicator=uasc_registered"),
        )
        .await;
        let t = &body["indicators"][0];
        for r in t["rows"].as_array().unwrap() {
            let place = places.find(r["place"].as_str().unwrap()).unwrap();
            for (c, v) in r["count"].as_array().unwrap().iter().enumerate() {
                let column = t["columns"][c].as_str().unwrap();
                let sex = sexes.find(column).unwrap();
                let cell = shape.index(&[p, place, sex]);
                match v.as_u64() {
                    Some(n) => {
                        assert!(n >= 11, "{period} {} {column} shows {n}", r["place"]);
                        shown[cell] = Some(n);
                    }
                    None => withheld.push(cell),
                }
            }
        }
    }
    let june = periods.find("2026-06").unwrap();
    let dhubri = places.find("Dhubri").unwrap();
    let girls = shape.index(&[june, dhubri, sexes.find("female").unwrap()]);
    assert!(withheld.contains(&girls));
    let ranges = ranges_given(&shape, &|i| shown[i], &withheld);
    let (lo, hi) = ranges[&girls];
    assert!(
        lo <= 3.0 && hi >= 14.0,
        "Dhubri's three girls in June could be {lo}..{hi}"
    );
    for (cell, (lo, hi)) in &ranges {
        assert!(
            hi - lo >= 11.0 - 1e-6,
            "withheld cell {:?} is pinned to {lo}..{hi}",
            shape.coords(*cell)
        );
    }

    // Every report read is in the audit trail: who, what, how many rows, why.
    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let reads: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "report.indicators")
        .collect();
    assert_eq!(reads.len(), 1 + periods.len(), "one entry per read");
    let first = reads[0];
    let detail: Value = serde_json::from_str(first["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["period"], "2026-06");
    assert_eq!(detail["indicators"], json!(["uasc_registered"]));
    assert_eq!(detail["rows"], 3);
    assert_eq!(detail["purpose"], "coordination");
    assert_eq!(detail["exact"], false);
    let analyst_id = s
        .store
        .user_by_username("analyst")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(first["actor"], analyst_id.to_string(), "who read it");
    assert!(!audit.to_string().contains("রহিম"));
}

async fn a_supervisor_gets_exact_figures_and_any_days(s: TestServer) {
    seed(&s).await;
    let sup = s.login("sup_a").await;
    let june = report(&sup, "period=2026-06&by=sex&indicator=uasc_registered").await;
    assert_eq!(june["exact"], true);
    let table = &june["indicators"][0];
    assert_eq!(row(table, "Dhubri")["count"], json!([3, 0, 0, 0, 3]));
    assert_eq!(row(table, "all")["count"], json!([15, 12, 0, 0, 27]));
    let days = report(
        &sup,
        "period=2026-06-15..2026-06-30&area=dhubri&indicator=uasc_registered,tracing_started",
    )
    .await;
    let registered = &days["indicators"][0];
    assert_eq!(registered["rows"].as_array().unwrap().len(), 1);
    assert_eq!(row(registered, "dhubri")["count"], json!([3]));
    // Tracing started for none of them: a share of 0 out of 3.
    let tracing = &days["indicators"][1];
    assert_eq!(row(tracing, "dhubri")["count"], json!([0]));
    assert_eq!(row(tracing, "dhubri")["of"], json!([3]));
    assert_eq!(row(tracing, "dhubri")["percent"], json!([0.0]));
}

async fn bad_report_requests_name_the_field(s: TestServer) {
    let analyst = s.login("analyst").await;
    for (query, field) in [
        ("", "period"),
        ("period=2026-13", "period"),
        ("period=June", "period"),
        ("period=2026-06-01..2026-06-15", "period"),
        ("period=2026-06&by=shoe_size", "by"),
        ("period=2026-06&indicator=happiness", "indicator"),
        ("period=2026-06&area=%07", "area"),
        ("period=2026-06&purpose=for%20Rahim", "purpose"),
    ] {
        let (status, body) = analyst
            .get(&format!("/api/v1/reports/indicators?{query}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
        assert!(body["message"].as_str().unwrap().len() > 20, "{body}");
    }
    let (status, body) = analyst
        .get("/api/v1/reports/indicators?perod=2026-06")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("perod"),
        "{body}"
    );
}

async fn an_analyst_gets_figures_never_a_childs_record(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (_, created) = cw.post("/api/v1/cases", crate::helpers::child()).await;
    let id = created["id"].as_str().unwrap();
    let reference = created["reference"].as_str().unwrap();
    let (_, request) = cw
        .post(
            "/api/v1/tracing-requests",
            crate::helpers::tracing_request(),
        )
        .await;
    let analyst = s.login("analyst").await;
    for path in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{reference}"),
        "/api/v1/cases".to_string(),
        format!("/api/v1/cases/{id}/history"),
        format!("/api/v1/cases/{id}/events"),
        "/api/v1/cases/overdue".to_string(),
        "/api/v1/tracing-requests".to_string(),
        format!(
            "/api/v1/tracing-requests/{}",
            request["id"].as_str().unwrap()
        ),
        "/api/v1/home-visits".to_string(),
        "/api/v1/checkpoint-logs".to_string(),
    ] {
        let (status, body) = analyst.get(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert!(!body.to_string().contains("রহিম"), "{path}: {body}");
    }
    // What an analyst gets instead: figures, with nothing personal in them.
    let body = report(&analyst, "period=2026&by=age_band").await;
    let text = body.to_string();
    for personal in [
        "রহিম",
        "Bablu",
        "Amina",
        "Kalgachia",
        "9876543210",
        reference,
    ] {
        assert!(!text.contains(personal), "the report holds `{personal}`");
    }
}

async fn the_indicators_open_in_a_spreadsheet_reader_with_every_script(s: TestServer) {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    let cw = s.login("cw_a").await;
    register(&cw, 12, "ধুবুৰী", "female", "2026-06-10").await;
    register(&cw, 11, "बारपेटा", "male", "2026-06-10").await;
    register(&cw, 2, "=HYPERLINK(\"http://x\")", "male", "2026-06-12").await;
    let analyst = s.login("analyst").await;
    let res = analyst
        .call(
            reqwest::Method::GET,
            "/api/v1/reports/indicators.xlsx?period=2026-06&by=sex&purpose=donor_report",
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("indicators-2026-06.xlsx"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(book.sheet_names().contains(&"uasc_registered".to_string()));
    let range = book.worksheet_range("uasc_registered").unwrap();
    let text: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    for name in ["ধুবুৰী", "बारपेटा", "fewer than 11"] {
        assert!(text.iter().any(|t| t == name), "{name} in {text:?}");
    }
    assert!(text.iter().all(|t| !t.starts_with('=')), "{text:?}");
    assert!(!text.iter().any(|t| t.contains("রহিম")));
    for row in range.rows() {
        for cell in row {
            if let Data::Float(n) = cell {
                assert!(*n >= 11.0, "the sheet shows {n}");
            }
        }
    }
    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let read = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "report.indicators")
        .unwrap();
    let detail: Value = serde_json::from_str(read["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["format"], "xlsx");
    assert_eq!(detail["purpose"], "donor_report");
}
