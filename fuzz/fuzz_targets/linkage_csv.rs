//! `homeward link`: a CSV file read and prepared for linking with the built-in profiles.
//!
//! Properties: reading never panics; what it reads has one prepared record per data row, each
//! with a non-blank, unique id; comparing neighbouring records never panics.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use homeward_linkage::cli::read_csv_from;
use homeward_linkage::{LinkConfig, Linker, PROFILES};
use libfuzzer_sys::fuzz_target;

fn linkers() -> &'static [Linker] {
    static LINKERS: OnceLock<Vec<Linker>> = OnceLock::new();
    LINKERS.get_or_init(|| {
        PROFILES
            .iter()
            .map(|p| {
                Linker::new(LinkConfig::profile(p).expect("a built-in profile"))
                    .expect("a built-in profile")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let linkers = linkers();
    let linker = &linkers[usize::from(first) % linkers.len()];
    let Ok(records) = read_csv_from(bytes, Path::new("fuzz.csv"), linker) else {
        return;
    };
    let rows = csv::ReaderBuilder::new()
        .from_reader(bytes)
        .records()
        .count();
    assert_eq!(records.len(), rows, "one prepared record per data row");
    let mut ids = std::collections::HashSet::new();
    for r in &records {
        assert!(!r.id.is_empty(), "a record without id was accepted");
        assert!(ids.insert(r.id.clone()), "duplicate id {:?} accepted", r.id);
    }
    for pair in records.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let _ = linker.gamma(a, b);
    }
});
