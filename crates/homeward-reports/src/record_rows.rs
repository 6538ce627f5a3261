//! Records as table rows (CSV and spreadsheet exports, CSV imports) and back. Columns are
//! catalogue field names, and only those the reader may see: a role that may not see personal
//! fields gets no personal column at all; lists of sub-records
//! (family members, children sought) are spread over numbered columns such as
//! `family_details.1.relation_name`, and multiple choices are written `as; bn`, so a file
//! opens and edits cleanly in a spreadsheet.
//!
//! A cell a spreadsheet would read as a formula (`=HYPERLINK(…)`, `+SUM(…)`, `@cmd`, or one
//! starting with a tab or carriage return) is written with a leading `'`, which spreadsheets
//! take as "this is text" and do not show; a caseworker's typing never runs on a supervisor's
//! machine. Import takes the `'` off again, so an export re-imports unchanged.

use std::collections::BTreeMap;

use homeward_domain::{describe_unknown_field, Document, FieldKind, RecordId, RecordKind};
use homeward_store::StoredRecord;
use serde_json::{Map, Value};

/// Columns Homeward keeps itself: written on export, not taken from an import (but `id`, which
/// makes an import update the record with that id).
pub const SYSTEM_COLUMNS: &[&str] = &[
    "id",
    "reference",
    "status",
    "version",
    "created_at",
    "updated_at",
];

/// The header of an export holding these records, read by someone who may (`personal`) or
/// may not see personal fields.
pub fn headers(kind: RecordKind, records: &[StoredRecord], personal: bool) -> Vec<String> {
    let mut out: Vec<String> = SYSTEM_COLUMNS.iter().map(|s| s.to_string()).collect();
    for spec in kind
        .fields()
        .iter()
        .filter(|f| !f.system && (personal || !f.is_personal()))
    {
        match spec.kind {
            FieldKind::Group(sub) => {
                let max = records
                    .iter()
                    .filter_map(|r| {
                        r.fields
                            .get(spec.name)
                            .and_then(Value::as_array)
                            .map(Vec::len)
                    })
                    .max()
                    .unwrap_or(0)
                    .max(1);
                for n in 1..=max {
                    for s in sub {
                        out.push(format!("{}.{n}.{}", spec.name, s.name));
                    }
                }
            }
            _ => out.push(spec.name.to_string()),
        }
    }
    out
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

pub use crate::csv_text::{neutralise, unneutralise};

/// One record as a row under `headers`, every cell neutralised (for a writer that writes cells
/// as given, such as the `csv` crate's).
pub fn row(headers: &[String], r: &StoredRecord) -> Vec<String> {
    raw_row(headers, r).into_iter().map(neutralise).collect()
}

/// One record as a row under `headers`, cells as stored (for a writer that neutralises them
/// itself: [`crate::csv_text::line`], [`crate::xlsx::table_workbook`]).
pub fn raw_row(headers: &[String], r: &StoredRecord) -> Vec<String> {
    headers
        .iter()
        .map(|h| match h.as_str() {
            "id" => r.id.to_string(),
            "reference" => r.reference.to_string(),
            "status" => r.status.clone(),
            "version" => r.version.to_string(),
            "created_at" => r.created_at.clone(),
            "updated_at" => r.updated_at.clone(),
            other => match other.split('.').collect::<Vec<_>>().as_slice() {
                [group, n, sub] => {
                    let idx = n.parse::<usize>().unwrap_or(0).saturating_sub(1);
                    cell(
                        r.fields
                            .get(*group)
                            .and_then(|g| g.get(idx))
                            .and_then(|m| m.get(*sub)),
                    )
                }
                _ => cell(r.fields.get(other)),
            },
        })
        .collect()
}

/// A header problem, before any row is read.
#[derive(Debug)]
pub struct HeaderError(pub String);

/// Where each column of an import goes.
pub enum Column {
    /// The record id (update if it exists).
    Id,
    /// A system column that is not imported.
    Ignored,
    /// A top-level field.
    Field(String),
    /// A field of the n-th (from 1) sub-record of a group.
    GroupField {
        group: String,
        index: usize,
        field: String,
    },
}

/// Maps an import's header to columns, refusing unknown or malformed names.
pub fn plan_columns(kind: RecordKind, headers: &[String]) -> Result<Vec<Column>, Vec<HeaderError>> {
    let mut errors = Vec::new();
    let mut cols = Vec::new();
    for h in headers {
        let h = h.trim();
        if h == "id" {
            cols.push(Column::Id);
            continue;
        }
        if SYSTEM_COLUMNS.contains(&h) {
            cols.push(Column::Ignored);
            continue;
        }
        let parts: Vec<&str> = h.split('.').collect();
        match parts.as_slice() {
            [name] => match kind.field(name) {
                Some(spec) if matches!(spec.kind, FieldKind::Group(_)) => {
                    errors.push(HeaderError(format!("column `{h}`: list fields are written one column per entry and sub-field, such as `{h}.1.{}`", first_sub(spec.kind))));
                    cols.push(Column::Ignored);
                }
                Some(_) => cols.push(Column::Field(name.to_string())),
                None => {
                    errors.push(HeaderError(format!(
                        "column `{h}` {}",
                        describe_unknown_field(kind, name)
                    )));
                    cols.push(Column::Ignored);
                }
            },
            [group, n, sub] => {
                let spec = kind
                    .field(group)
                    .filter(|s| matches!(s.kind, FieldKind::Group(_)));
                let index = n.parse::<usize>().ok().filter(|i| *i >= 1);
                let sub_ok = spec.is_some_and(|s| match s.kind {
                    FieldKind::Group(subs) => subs.iter().any(|f| f.name == *sub),
                    _ => false,
                });
                match (spec, index, sub_ok) {
                    (Some(_), Some(index), true) => cols.push(Column::GroupField {
                        group: group.to_string(),
                        index,
                        field: sub.to_string(),
                    }),
                    _ => {
                        errors.push(HeaderError(format!("column `{h}` is not a known list column; write it as LIST.NUMBER.FIELD, such as `{}`", example_group_column(kind))));
                        cols.push(Column::Ignored);
                    }
                }
            }
            _ => {
                errors.push(HeaderError(format!("column `{h}` is not a field name")));
                cols.push(Column::Ignored);
            }
        }
    }
    if errors.is_empty() {
        Ok(cols)
    } else {
        Err(errors)
    }
}

fn first_sub(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Group(subs) => subs.first().map_or("name", |s| s.name),
        _ => "name",
    }
}

fn example_group_column(kind: RecordKind) -> String {
    kind.fields()
        .iter()
        .find_map(|f| match f.kind {
            FieldKind::Group(subs) => Some(format!(
                "{}.1.{}",
                f.name,
                subs.first().map_or("name", |s| s.name)
            )),
            _ => None,
        })
        .unwrap_or_else(|| "family_details.1.relation".into())
}

/// A row as an id (if given) and a document; blank cells are left out.
pub fn to_document(
    cols: &[Column],
    record: &csv::StringRecord,
) -> Result<(Option<RecordId>, Document), String> {
    let mut doc = Document::new();
    let mut groups: BTreeMap<String, BTreeMap<usize, Map<String, Value>>> = BTreeMap::new();
    let mut id = None;
    for (col, value) in cols.iter().zip(record.iter()) {
        let value = unneutralise(value.trim());
        if value.is_empty() {
            continue;
        }
        match col {
            Column::Id => id = Some(value.parse::<RecordId>().map_err(|_| format!("`id` holds `{value}`, which is not a Homeward record id; leave it blank to register a new record"))?),
            Column::Ignored => {}
            Column::Field(name) => {
                doc.insert(name.clone(), Value::String(value.to_string()));
            }
            Column::GroupField { group, index, field } => {
                groups.entry(group.clone()).or_default().entry(*index).or_default().insert(field.clone(), Value::String(value.to_string()));
            }
        }
    }
    for (group, entries) in groups {
        let items: Vec<Value> = entries.into_values().map(Value::Object).collect();
        doc.insert(group, Value::Array(items));
    }
    Ok((id, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_cells_are_neutralised_and_restored() {
        for formula in [
            "=HYPERLINK(\"http://x\",\"click\")",
            "+SUM(A1:A9)",
            "-2+3",
            "@cmd",
            "\t=1",
            "\r=1",
        ] {
            let written = neutralise(formula.to_string());
            assert_eq!(written, format!("'{formula}"));
            assert_eq!(unneutralise(&written), formula);
        }
        for plain in ["Amina Khatun", "2024-06-30", "9", "'quoted", ""] {
            assert_eq!(neutralise(plain.to_string()), plain);
            assert_eq!(unneutralise(plain), plain);
        }
    }

    #[test]
    fn unknown_and_malformed_columns_are_named_with_a_fix() {
        let headers: Vec<String> = [
            "id",
            "nmae_first",
            "family_details",
            "family_details.x.relation",
            "sex",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let errs = plan_columns(RecordKind::Case, &headers).err().unwrap();
        let text: Vec<String> = errs.into_iter().map(|e| e.0).collect();
        assert!(text[0].contains("did you mean `name_first`"));
        assert!(text[1].contains("family_details.1.relation"));
        assert!(text[2].contains("LIST.NUMBER.FIELD"));
    }

    #[test]
    fn group_columns_become_ordered_sub_records() {
        let headers: Vec<String> = [
            "sex",
            "family_details.2.relation",
            "family_details.1.relation",
            "family_details.1.relation_name",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cols = plan_columns(RecordKind::Case, &headers).ok().unwrap();
        let rec = csv::StringRecord::from(vec!["female", "father", "mother", "Amina"]);
        let (_, doc) = to_document(&cols, &rec).unwrap();
        assert_eq!(doc["family_details"][0]["relation_name"], "Amina");
        assert_eq!(doc["family_details"][1]["relation"], "father");
    }
}
