//! What several fuzz targets share: a fixed "today" and CSV import and export done as
//! `homeward import` and `homeward export` do them.

use chrono::NaiveDate;
use homeward_domain::{AgencyId, Document, RecordId, RecordKind, Reference, UserId};
use homeward_reports::record_rows;
use homeward_store::StoredRecord;

/// A fixed day, so a run is reproducible ("not in the future" depends on it).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("a valid date")
}

/// The rows of a CSV file as `homeward import` reads them (a strict, headed reader; the
/// header planned into columns; a row that cannot become a document left out), or `None`
/// when the header is refused.
pub fn csv_import(kind: RecordKind, bytes: &[u8]) -> Option<Vec<(Option<RecordId>, Document)>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = reader.headers().ok()?.iter().map(str::to_string).collect();
    let cols = record_rows::plan_columns(kind, &headers).ok()?;
    let mut rows = Vec::new();
    for rec in reader.records() {
        if let Ok(row) = record_rows::to_document(&cols, &rec.ok()?) {
            rows.push(row);
        }
    }
    Some(rows)
}

/// One record with these fields as `homeward export` writes it for someone who may see
/// personal fields.
pub fn csv_export(kind: RecordKind, fields: &Document) -> Vec<u8> {
    let record = StoredRecord {
        id: RecordId::new(),
        kind,
        reference: Reference::generate(kind),
        status: kind.initial_status().to_string(),
        agency_id: AgencyId::new(),
        team_id: None,
        owner_id: UserId::new(),
        assigned_to: None,
        version: 1,
        created_at: "2026-06-01T00:00:00Z".into(),
        updated_at: "2026-06-01T00:00:00Z".into(),
        fields: fields.clone(),
        redacted: false,
    };
    let records = [record];
    let headers = record_rows::headers(kind, &records, true);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).expect("writing to memory");
    w.write_record(record_rows::row(&headers, &records[0]))
        .expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// Asserts that a validated record, exported and imported again, validates to itself: an
/// export re-imports unchanged, whatever was typed.
pub fn assert_csv_round_trip(kind: RecordKind, canonical: &Document) {
    let file = csv_export(kind, canonical);
    let again = csv_import(kind, &file).expect("an export is a readable import");
    assert_eq!(again.len(), 1, "one record exported, one row read back");
    let (_, doc) = &again[0];
    let canonical2 = homeward_domain::validate_create(kind, doc, today())
        .unwrap_or_else(|e| panic!("an exported record no longer validates: {e:?}\n{doc:?}"));
    assert_eq!(
        &canonical2, canonical,
        "export then import changed the record"
    );
}
