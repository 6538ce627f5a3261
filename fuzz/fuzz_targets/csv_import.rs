//! `homeward import`: a CSV file of records, read as the command reads it (header planned into
//! columns, each row made a document, new rows validated).
//!
//! Property: a row that validates, exported as `homeward export` writes it (header, neutralised
//! cells, the `csv` writer) and imported again, gives the same record.
#![no_main]

use homeward_domain::{validate_create, RecordKind};
use homeward_fuzz::{assert_csv_round_trip, csv_import, today};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let kind = RecordKind::ALL[usize::from(first) % RecordKind::ALL.len()];
    let Some(rows) = csv_import(kind, bytes) else {
        return;
    };
    for (id, doc) in rows {
        if id.is_some() {
            continue; // an update: it needs the stored record
        }
        if let Ok(canonical) = validate_create(kind, &doc, today()) {
            assert_csv_round_trip(kind, &canonical);
        }
    }
});
