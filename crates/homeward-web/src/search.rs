//! Search by name in any script.
//!
//! Names are sealed at rest, so the database cannot search them. Until the store has a blind
//! index of name keys, the caller's in-scope records are read page by page (the store applies
//! the scope and the other filters) and matched here on a simple normalised form: Unicode NFKC,
//! lower case, single spaces. This is linear in the number of records in scope and is capped;
//! the page says when the cap was reached.

use homeward_domain::RecordKind;
use homeward_store::{ActorContext, RecordFilter, Store, StoreResult, StoredRecord};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// Records read from the store at most for one name search.
pub const SCAN_LIMIT: i64 = 10_000;
const PAGE: i64 = 500;

/// The form names are compared in.
pub fn normalise(s: &str) -> String {
    let lowered: String = s.nfkc().collect::<String>().to_lowercase();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn names(record: &StoredRecord) -> String {
    let f = &record.fields;
    let mut out = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            out.push(s.to_string());
        }
    };
    let own: &[&str] = match record.kind {
        RecordKind::Case => &[
            "name_first",
            "name_middle",
            "name_last",
            "name_nickname",
            "name_other",
        ],
        RecordKind::TracingRequest => &["relation_name", "relation_nickname"],
        _ => &[
            "name_first",
            "name_last",
            "name_nickname",
            "name_other",
            "head_name",
            "adult_name",
            "committee_name",
            "provider_name",
            "title",
        ],
    };
    for k in own {
        push(f.get(*k));
    }
    if let Some(children) = f.get("children_sought").and_then(Value::as_array) {
        for c in children {
            for k in ["name_first", "name_last", "name_nickname", "name_other"] {
                push(c.get(k));
            }
        }
    }
    normalise(&out.join(" "))
}

/// Whether every word of the query appears in the record's names.
pub fn matches(record: &StoredRecord, query: &str) -> bool {
    let hay = names(record);
    normalise(query).split(' ').all(|w| hay.contains(w))
}

/// The records matching a name, newest change first, and whether the scan stopped at the cap.
pub async fn by_name(
    store: &Store,
    ctx: &ActorContext,
    kind: RecordKind,
    filter: &RecordFilter,
    query: &str,
) -> StoreResult<(Vec<StoredRecord>, bool)> {
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let page = store
            .list_records(
                ctx,
                kind,
                &RecordFilter {
                    limit: PAGE,
                    offset,
                    ..filter.clone()
                },
            )
            .await?;
        let n = page.items.len() as i64;
        found.extend(page.items.into_iter().filter(|r| matches(r, query)));
        offset += n;
        if n == 0 || offset >= page.total {
            return Ok((found, false));
        }
        if offset >= SCAN_LIMIT {
            return Ok((found, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_width_case_and_spaces() {
        assert_eq!(normalise("  ＲＡＨＩＭ   Ali "), "rahim ali");
        assert_eq!(normalise("রহিম"), "রহিম");
    }
}
