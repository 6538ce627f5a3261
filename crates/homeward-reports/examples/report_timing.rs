//! Times a protected report over synthetic cases: `cargo run --release -p homeward-reports
//! --example report_timing -- 100000 30` (cases, districts).

use std::time::Instant;

use homeward_domain::RecordKind;
use homeward_reports::report::{build, Request};
use homeward_reports::Facts;
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let cases: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let districts: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut seed = 42u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let facts: Vec<Facts> = (0..cases)
        .map(|i| {
            let sex = ["female", "male", "other", "unknown"][next(4) as usize];
            let fields = json!({
                "protection_status": if next(2) == 0 { "separated" } else { "unaccompanied" },
                "stage": "registered", "sex": sex, "age": next(18),
                // Districts of very different sizes, as in a real programme.
                "district": format!("District {}", (next(districts as u64) * next(districts as u64)) / districts as u64),
                "registration_date": format!("2026-{:02}-{:02}", 1 + next(11), 1 + next(28)),
                "date_of_identification": "2026-01-01",
                "care_arrangements_type": "kinship_care",
            });
            Facts {
                kind: RecordKind::Case,
                reference: format!("HW-{i}"),
                created_at: "2026-01-01T00:00:00Z".into(),
                status: "open".into(),
                fields: fields.as_object().cloned().unwrap_or_default(),
                events: Vec::new(),
            }
        })
        .collect();
    for exact in [true, false] {
        let req = Request::parse(Some("2026-06"), None, Some("sex"), None, exact)
            .unwrap_or_else(|e| panic!("{e}"));
        let start = Instant::now();
        let report = build(&req, &facts).unwrap_or_else(|e| panic!("{e}"));
        let withheld: usize = report.indicators.iter().map(|i| i.withheld_cells).sum();
        println!(
            "{cases} cases, {districts} districts, exact={exact}: {:?}, {} indicators, {withheld} cells withheld",
            start.elapsed(),
            report.indicators.len()
        );
    }
}
