//! The JSON body of a record create or change (`POST /api/v1/cases`, `PATCH …`), read as the
//! server reads it (bounded parse, JSON-only checks) and validated as the store validates it.
//!
//! Properties: a body is either read or refused with a 4xx answer; a record that validates,
//! sent back as the API returns it, is read back to the same document, passes the JSON checks
//! and validates to the same record (what a client GETs it may PUT); the same body applied as
//! a change to that record changes nothing; exported as CSV and imported again it is the same
//! record.
#![no_main]

use homeward_domain::{check_json_input, validate_create, validate_update, Document, RecordKind};
use homeward_fuzz::{assert_csv_round_trip, today};
use homeward_server::api::record_body;
use libfuzzer_sys::fuzz_target;

/// The record as a client may send it back: without the fields Homeward sets itself.
fn editable(kind: RecordKind, doc: &Document) -> Document {
    let mut d = doc.clone();
    for spec in kind.fields().iter().filter(|f| f.system) {
        d.remove(spec.name);
    }
    d
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let kind = RecordKind::ALL[usize::from(first) % RecordKind::ALL.len()];
    let doc = match record_body::parse(body) {
        Ok(doc) => doc,
        Err(e) => {
            assert!(
                e.status().is_client_error(),
                "{} for a bad body",
                e.status()
            );
            return;
        }
    };
    if check_json_input(kind, &doc).is_err() {
        return;
    }
    let Ok(canonical) = validate_create(kind, &doc, today()) else {
        return;
    };
    let sent = editable(kind, &canonical);
    let bytes = serde_json::to_vec(&sent).expect("a document serialises");
    let read = record_body::parse(&bytes)
        .unwrap_or_else(|e| panic!("the API refuses its own record: {}", e.code()));
    assert_eq!(read, sent, "serialise then parse changed the record");
    if let Err(e) = check_json_input(kind, &read) {
        panic!("a stored record fails the JSON checks: {e:?}\n{read:?}");
    }
    let again = validate_create(kind, &read, today())
        .unwrap_or_else(|e| panic!("a stored record no longer validates: {e:?}\n{read:?}"));
    assert_eq!(again, canonical, "validating a canonical record changed it");
    let mut existing = canonical.clone();
    existing.remove("status");
    let updated = validate_update(kind, &existing, &doc, today())
        .unwrap_or_else(|e| panic!("the same body refused as a change: {e:?}"));
    assert_eq!(
        updated, existing,
        "re-applying the body as a change altered the record"
    );
    assert_csv_round_trip(kind, &canonical);
});
