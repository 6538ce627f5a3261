//! `homeward report` end to end: the indicators of the demo programme written as HTML, XLSX and
//! JSON by the operators who may read them, with the figures their role may see, audited, and
//! refused with a clear error (and no file) otherwise.

use chrono::Datelike;
use serde_json::Value;

mod common;
use common::{text, Home};

fn this_year() -> String {
    chrono::Utc::now().year().to_string()
}

fn report(h: &Home, user: &str, out: &str, extra: &[&str]) -> std::process::Output {
    let out = h.path(out);
    let year = this_year();
    let mut args = vec![
        "report",
        "--period",
        year.as_str(),
        "--out",
        out.to_str().unwrap(),
        "--as",
        user,
    ];
    args.extend_from_slice(extra);
    h.run(&args)
}

#[test]
fn an_analyst_and_a_supervisor_get_the_report_as_html_xlsx_and_json() {
    let h = Home::new();
    let o = h.run(&[
        "demo",
        "--no-serve",
        "--children",
        "150",
        "--requests",
        "40",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    // JSON: the analyst's figures are suppressed, the supervisor's exact.
    let o = report(&h, "analyst", "analyst.json", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("counts under 11 withheld"),
        "{}",
        text(&o)
    );
    let analyst: Value =
        serde_json::from_slice(&std::fs::read(h.path("analyst.json")).unwrap()).unwrap();
    assert_eq!(analyst["exact"], false);
    let tables = analyst["indicators"].as_array().unwrap();
    assert!(tables.len() >= 10, "{analyst}");
    // Every count the analyst sees is 0 or at least 11; the rest are withheld (null).
    let mut withheld = 0;
    for t in tables {
        for row in t["rows"].as_array().unwrap() {
            for c in row["count"].as_array().unwrap() {
                match c.as_u64() {
                    Some(n) => assert!(n == 0 || n >= 11, "{} shows {n}", t["id"]),
                    None => withheld += 1,
                }
            }
        }
    }
    assert!(withheld > 0, "150 demo children leave some cell under 11");
    let o = report(&h, "supervisor", "supervisor.json", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let supervisor: Value =
        serde_json::from_slice(&std::fs::read(h.path("supervisor.json")).unwrap()).unwrap();
    assert_eq!(supervisor["exact"], true);

    // HTML, in Bengali: a page of its own with its charts (of the places whose figures the
    // reader may see: the supervisor's exact ones), in the reader's script.
    let o = report(&h, "supervisor", "report.html", &["--lang", "bn"]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(h.path("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"bn\">"));
    assert!(html.contains("<svg"), "the report has bar charts");
    assert!(
        html.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)),
        "titles in Bengali script"
    );
    // The indicators' own titles too, not only the page's.
    assert!(html.contains("নিবন্ধিত সঙ্গীহীন ও বিচ্ছিন্ন শিশু"), "{html}");
    assert!(!html.contains("Unaccompanied and separated children registered"));
    assert!(
        !html.contains("/api/"),
        "the file links to nothing on the server"
    );

    // XLSX, read back by a real spreadsheet reader: a sheet per indicator.
    let o = report(&h, "analyst", "report.xlsx", &[]);
    assert!(o.status.success(), "{}", text(&o));
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(h.path("report.xlsx")).unwrap();
    assert!(book.sheet_names().len() >= tables.len());
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    assert!(range.height() > 1);

    // Each report is in the audit trail, saying it came from the command line.
    let audit = h.audit_entries();
    let reports: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "report.indicators")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(reports.len(), 4, "{reports:?}");
    for detail in &reports {
        let detail: Value = serde_json::from_str(detail).unwrap();
        assert_eq!(detail["via"], "cli", "{detail}");
        assert_eq!(detail["authenticated"], "password", "{detail}");
    }
    assert!(reports.iter().any(|d| d.contains("\"xlsx\"")));
}

#[test]
fn a_report_is_refused_with_a_clear_error_and_writes_nothing() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "5", "--requests", "1"]);
    assert!(o.status.success(), "{}", text(&o));

    // A role that works with children, not with figures.
    let o = report(&h, "volunteer", "v.html", &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("analysis.read"), "{}", text(&o));
    assert!(!h.path("v.html").exists());

    // A period that is not one.
    let out = h.path("p.html");
    let o = h.run(&[
        "report",
        "--period",
        "June",
        "--out",
        out.to_str().unwrap(),
        "--as",
        "analyst",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("period"), "{}", text(&o));
    assert!(!out.exists());

    // A file name that says no format, and a language Homeward does not speak.
    let o = report(&h, "analyst", "report.pdf", &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("--format html|xlsx|json"), "{}", text(&o));
    let o = report(&h, "analyst", "report.html", &["--lang", "fr"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("en, as, bn or hi"), "{}", text(&o));
    assert!(!h.path("report.html").exists());
}

#[test]
fn the_anonymised_incident_dataset_is_exported_k_anonymous_and_audited() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "20", "--requests", "5"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = h.path("incidents.csv");
    let export = |user: &str, kind: &str| {
        h.run(&[
            "export",
            "--kind",
            kind,
            "--anonymised",
            "--purpose",
            "research",
            "--out",
            out.to_str().unwrap(),
            "--as",
            user,
        ])
    };

    // Records of another kind, or a role that does not work with figures: refused, no file.
    let o = export("analyst", "case");
    assert!(!o.status.success());
    assert!(text(&o).contains("--kind incident"), "{}", text(&o));
    let o = export("volunteer", "incident");
    assert!(!o.status.success());
    assert!(text(&o).contains("analysis.read"), "{}", text(&o));
    assert!(!out.exists());

    let o = export("analyst", "incident");
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..5],
        ["sex", "age_band", "place", "period", "nationality"]
    );
    let mut groups: std::collections::HashMap<Vec<String>, usize> = Default::default();
    let mut rows = 0;
    for line in lines {
        let cells: Vec<String> = line.split(',').take(5).map(str::to_string).collect();
        *groups.entry(cells).or_default() += 1;
        rows += 1;
    }
    assert!(rows >= 11, "{csv}");
    assert!(groups.values().all(|&n| n >= 11), "{groups:?}");
    assert!(!csv.contains("IN-") && !csv.contains("HW-"), "{csv}");

    let audit = h.audit_entries();
    let read = audit
        .iter()
        .find(|e| e.action == "report.dataset")
        .expect("the export is audited");
    let detail: Value = serde_json::from_str(&read.detail).unwrap();
    assert_eq!(detail["via"], "cli");
    assert_eq!(detail["purpose"], "research");
    assert_eq!(detail["rows"], rows);
}

#[test]
fn incidents_are_exported_as_htcds_by_a_role_that_may_export_them() {
    let h = Home::new();
    let o = h.run(&["demo", "--no-serve", "--children", "20", "--requests", "5"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = h.path("htcds.csv");
    let export = |user: &str, kind: &str| {
        h.run(&[
            "export",
            "--kind",
            kind,
            "--htcds",
            "--out",
            out.to_str().unwrap(),
            "--as",
            user,
        ])
    };
    let o = export("supervisor", "case");
    assert!(!o.status.success());
    assert!(text(&o).contains("--kind incident"), "{}", text(&o));
    let o = export("analyst", "incident");
    assert!(!o.status.success());
    assert!(text(&o).contains("data.export"), "{}", text(&o));
    assert!(!out.exists());

    let o = export("supervisor", "incident");
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "prs_FirstName");
    let status = headers
        .iter()
        .position(|h| h == "vic_TraffickingStatus")
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| ["PossibleVictim", "ActualVictim", "NotAVictim"].contains(&&r[status])));
    let audit = h.audit_entries();
    assert!(audit
        .iter()
        .any(|e| e.action == "records.export" && e.detail.contains("htcds")));
}
