//! Search by name in any script.
//!
//! Names are sealed at rest, so the database cannot search them. Until the store has a blind
//! index of name keys, the caller's in-scope records are read page by page (the store applies
//! the scope and the other filters) and matched here. A query word matches a record when it is
//! part of the record's names as written (Unicode NFKC, lower case, single spaces), or when it
//! sounds like one of its name words as matching hears them: both romanised and reduced to the
//! phonetic key the linkage engine compares (so "Rahim Ali" finds রহিম আলী, रहीम finds Rahim,
//! and Rohim finds Rahim). This is linear in the number of records in scope and is capped; the
//! page says when the cap was reached.

use homeward_domain::RecordKind;
use homeward_linkage::similarity::phonetic_key;
use homeward_linkage::translit::romanise;
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

/// A word as the matching engine hears it: romanised from Bengali, Assamese or Devanagari, then
/// reduced to its phonetic key.
fn sound(word: &str) -> String {
    phonetic_key(&romanise(word).to_lowercase())
}

/// Whether every word of the query appears in the record's names, as written or by sound.
pub fn matches(record: &StoredRecord, query: &str) -> bool {
    names_match(&names(record), query)
}

/// Whether every word of the query appears in `hay` (normalised names), as written or by sound.
fn names_match(hay: &str, query: &str) -> bool {
    let sounds: Vec<String> = hay.split(' ').map(sound).collect();
    normalise(query).split(' ').all(|w| {
        hay.contains(w) || {
            let s = sound(w);
            // One- and two-letter keys ("a", "md") would match half the registry.
            s.chars().count() >= 3 && sounds.contains(&s)
        }
    })
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
    fn a_name_is_found_across_scripts_and_spellings() {
        let bengali = normalise("রহিম আলী");
        assert!(names_match(&bengali, "Rahim Ali"));
        assert!(names_match(&bengali, "rohim"));
        assert!(names_match(&bengali, "রহিম"));
        let latin = normalise("Rahim Ali");
        assert!(names_match(&latin, "রহিম আলী"));
        assert!(names_match(&latin, "रहीम"));
        assert!(
            names_match(&latin, "Rah"),
            "a prefix as written still finds"
        );
        assert!(!names_match(&latin, "Karim"));
        assert!(!names_match(&bengali, "Rahim Uddin"));
    }

    #[test]
    fn normalises_width_case_and_spaces() {
        assert_eq!(normalise("  ＲＡＨＩＭ   Ali "), "rahim ali");
        assert_eq!(normalise("রহিম"), "রহিম");
    }
}
