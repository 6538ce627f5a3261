//! Lists as files over HTTP (issue 12): a supervisor's CSV and XLSX of the cases a list's
//! filters select hold those records and no others (not another agency's, not those the
//! filter leaves out), names in every script, formula-looking text neutralised, opened by a real
//! spreadsheet reader; roles without data.export or the kind's read permission are refused;
//! every export is audited with who, what, how many rows and why.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{child, Api, TestServer};

both_backends!(a_list_exports_as_csv_and_xlsx_with_what_the_role_may_see,);

async fn register(api: &Api, changes: Value) -> String {
    let mut body = child();
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, case) = api.post("/api/v1/cases", body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    case["reference"].as_str().unwrap().to_string()
}

async fn download(api: &Api, path: &str) -> (StatusCode, Vec<u8>) {
    let res = api.call(Method::GET, path, None).await;
    (res.status(), res.bytes().await.unwrap().to_vec())
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn a_list_exports_as_csv_and_xlsx_with_what_the_role_may_see(s: TestServer) {
    use calamine::{open_workbook_from_rs, Reader, Xlsx};

    let cw = s.login("cw_a").await;
    let girl = register(
        &cw,
        json!({"name_first": "সুমি", "name_last": "दास", "sex": "female"}),
    )
    .await;
    let formula = register(
        &cw,
        json!({"name_first": "=HYPERLINK(\"http://x\")", "sex": "female"}),
    )
    .await;
    let boy = register(&cw, json!({"name_first": "Rahim", "sex": "male"})).await;
    let other_agency = register(
        &s.login("cw_b").await,
        json!({"name_first": "Other", "sex": "female"}),
    )
    .await;

    let sup = s.login("sup_a").await;
    let (status, body) = download(
        &sup,
        "/api/v1/cases/export.csv?sex=female&purpose=coordination",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let text = String::from_utf8(body.clone()).unwrap();
    let header = text.lines().next().unwrap().trim_start_matches('\u{feff}');
    assert!(header.starts_with("id,reference,status"), "{header}");
    let rows = csv_rows(&body);
    let refs: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs.contains(&girl.as_str()) && refs.contains(&formula.as_str()));
    assert!(!refs.contains(&boy.as_str()) && !refs.contains(&other_agency.as_str()));
    assert!(text.contains("সুমি") && text.contains("दास"));
    assert!(text.contains("'=HYPERLINK"), "formula not neutralised");
    assert!(
        text.contains("Amina Khatun"),
        "a supervisor sees personal fields"
    );

    let (status, body) = download(&sup, "/api/v1/cases/export.xlsx?sex=female").await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(body)).unwrap();
    let range = book.worksheet_range("case").unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert_eq!(range.rows().count(), 3, "a header and two cases");
    assert!(cells.iter().any(|c| c == "সুমি") && cells.iter().any(|c| c == "दास"));
    assert!(cells.iter().all(|c| !c.starts_with('=')), "{cells:?}");
    assert!(!cells.iter().any(|c| c == "Rahim" || c == "Other"));

    // No data.export, or no read permission on the kind: refused, nothing audited as read.
    for user in ["analyst", "cw_a", "gov"] {
        let (status, _) = download(&s.login(user).await, "/api/v1/cases/export.csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
    // A bad filter or purpose says what is wrong.
    let (status, body) = download(&sup, "/api/v1/cases/export.csv?purpose=gossip").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("coordination"));
    let (status, _) = download(&sup, "/api/v1/tracing-requests/export.csv?limit=5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let exports: Vec<Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "records.export")
        .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    let csv_entry = exports
        .iter()
        .find(|d| d["origin"]["format"] == "csv")
        .unwrap();
    assert_eq!(csv_entry["count"], 2);
    assert_eq!(csv_entry["kind"], "case");
    assert_eq!(csv_entry["origin"]["purpose"], "coordination");
    assert_eq!(csv_entry["origin"]["via"], "http");
    let xlsx_entry = exports
        .iter()
        .find(|d| d["origin"]["format"] == "xlsx")
        .unwrap();
    assert_eq!(xlsx_entry["origin"]["purpose"], "monitoring");
}
