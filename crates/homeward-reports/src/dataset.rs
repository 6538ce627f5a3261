//! The anonymised record-level dataset of trafficking incidents, one row per child an incident
//! names, as the national trafficking database and researchers receive it (CTDC's way,
//! domain.md §3): no identifier, no free text, no place finer than a district; the
//! quasi-identifiers (sex, age band, place, year, nationality) generalised and suppressed by
//! [`k_anonymous`] until every combination that appears does so at least [`K`] times; the
//! HTCDS attributes studied (status, recruitment, control, exploitation, relationship, the
//! trafficker's role) as recorded.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use serde_json::Value;

use crate::csv_text;
use crate::facts::{day, text, values_of};
use crate::kanon::{k_anonymous, Dataset, Input, QuasiIds};
use crate::Facts;

/// Every combination of quasi-identifiers in the output appears at least this often (CTDC
/// publishes with k = 11).
pub const K: usize = 11;

/// The share of rows that may be dropped rather than generalised further: beyond it, a coarser
/// dataset keeps more of the children in.
pub const MAX_SUPPRESSED_SHARE: f64 = 0.05;

/// The incident fields released as attributes, in column order (multiple choices joined by
/// `;`; missing as `unknown`). Places (recruitment, origin, destination, events) are not among
/// them: with the district they would single out a village.
pub const ATTRIBUTES: &[&str] = &[
    "trafficking_status",
    "decision_org",
    "method_of_recruitment",
    "means_of_control",
    "type_of_exploitation",
    "relationship_to_trafficker",
    "trafficker_role",
];

/// The dataset of `incidents`, each child found among `cases` by its case reference (a child
/// whose case lies outside the reader's scope, or an incident that names none, counts with sex
/// and age unknown).
pub fn incident_dataset(incidents: &[Facts], cases: &[Facts]) -> Dataset {
    let by_reference: HashMap<&str, &Facts> =
        cases.iter().map(|c| (c.reference.as_str(), c)).collect();
    let mut input = Vec::new();
    for incident in incidents {
        let attributes = attributes_of(incident);
        let children: Vec<Option<&Facts>> = match incident.fields.get("children") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|item| {
                    item.get("case")
                        .and_then(Value::as_str)
                        .and_then(|r| by_reference.get(r).copied())
                })
                .collect(),
            _ => vec![None],
        };
        for child in children {
            input.push(Input {
                quasi: quasi_ids(incident, child),
                attributes: attributes.clone(),
            });
        }
    }
    k_anonymous(&input, K, MAX_SUPPRESSED_SHARE)
}

fn quasi_ids(incident: &Facts, child: Option<&Facts>) -> QuasiIds {
    let of_child = |field: &str| child.and_then(|c| text(c, field));
    QuasiIds {
        sex: of_child("sex").unwrap_or("unknown").to_string(),
        age: child.and_then(|c| c.fields.get("age").and_then(Value::as_i64)),
        district: text(incident, "district")
            .or_else(|| of_child("district"))
            .unwrap_or("unknown")
            .to_string(),
        // Homeward keeps no table of which state a district lies in: that rung of the
        // ladder widens districts to all places.
        state: None,
        year: day(incident, "incident_date").map(|d| d.year()),
        // Children are registered where they were found; citizenship is not recorded.
        nationality: of_child("nationality").unwrap_or("unknown").to_string(),
    }
}

fn attributes_of(incident: &Facts) -> BTreeMap<String, String> {
    ATTRIBUTES
        .iter()
        .map(|&field| {
            let mut values = values_of(&incident.fields, field);
            values.sort();
            let value = if values.is_empty() {
                "unknown".to_string()
            } else {
                values.join(";")
            };
            (field.to_string(), value)
        })
        .collect()
}

/// The dataset as CSV (a UTF-8 byte-order mark first, for spreadsheet programs): the
/// quasi-identifiers, then [`ATTRIBUTES`].
pub fn to_csv(dataset: &Dataset) -> String {
    let head = ["sex", "age_band", "place", "period", "nationality"];
    let mut out = String::from(csv_text::BOM);
    out.push_str(&csv_text::line(head.iter().chain(ATTRIBUTES)));
    for r in &dataset.records {
        let quasi = [&r.sex, &r.age_band, &r.place, &r.period, &r.nationality];
        let attributes = ATTRIBUTES
            .iter()
            .map(|a| r.attributes.get(*a).map_or("unknown", String::as_str));
        out.push_str(&csv_text::line(
            quasi.into_iter().map(String::as_str).chain(attributes),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::RecordKind;
    use serde_json::json;

    fn facts(kind: RecordKind, reference: &str, fields: Value) -> Facts {
        Facts {
            kind,
            reference: reference.into(),
            created_at: "2026-06-01T00:00:00Z".into(),
            status: "open".into(),
            fields: serde_json::from_value(fields).unwrap(),
            events: Vec::new(),
        }
    }

    /// `n` incidents in a district in 2026, each naming one girl of `age`.
    fn incidents(n: usize, district: &str, age: i64, start: usize) -> (Vec<Facts>, Vec<Facts>) {
        let mut inc = Vec::new();
        let mut cases = Vec::new();
        for i in start..start + n {
            let case = format!("CA-{i}");
            cases.push(facts(
                RecordKind::Case,
                &case,
                json!({"sex": "female", "age": age, "district": district}),
            ));
            inc.push(facts(
                RecordKind::Incident,
                &format!("IN-{i}"),
                json!({"incident_date": "2026-05-02", "district": district,
                       "trafficking_status": "possible_victim",
                       "type_of_exploitation": ["child_labour", "forced_begging"],
                       "children": [{"case": case}]}),
            ));
        }
        (inc, cases)
    }

    #[test]
    fn every_released_combination_appears_at_least_k_times() {
        let (mut inc, mut cases) = incidents(30, "Barpeta", 12, 0);
        let (i2, c2) = incidents(2, "Dhubri", 7, 100);
        inc.extend(i2);
        cases.extend(c2);
        let d = incident_dataset(&inc, &cases);
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for r in &d.records {
            let key = format!(
                "{}|{}|{}|{}|{}",
                r.sex, r.age_band, r.place, r.period, r.nationality
            );
            *groups.entry(key).or_default() += 1;
        }
        assert!(groups.values().all(|&n| n >= K), "{groups:?}");
        // The two Dhubri girls are 6% of 32: generalised away or dropped, never shown.
        assert!(d.records.iter().all(|r| r.place != "Dhubri"), "{d:?}");
        assert_eq!(
            d.records[0].attributes["type_of_exploitation"],
            "child_labour;forced_begging"
        );
    }

    #[test]
    fn the_csv_has_no_reference_and_neutralises_formulas() {
        let (inc, cases) = incidents(11, "=HYPERLINK(\"x\")", 12, 0);
        let csv = to_csv(&incident_dataset(&inc, &cases));
        assert!(!csv.contains("CA-") && !csv.contains("IN-"), "{csv}");
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert_eq!(csv.lines().count(), 12, "{csv}");
    }

    #[test]
    fn an_incident_without_a_known_child_counts_with_sex_and_age_unknown() {
        let (inc, _) = incidents(11, "Barpeta", 12, 0);
        let d = incident_dataset(&inc, &[]);
        assert_eq!(d.records.len(), 11);
        assert!(d
            .records
            .iter()
            .all(|r| r.sex == "unknown" && r.age_band == "unknown"));
    }
}
