//! Prepared values remembered per thread. A registry writes the same few hundred given names,
//! parents' names, villages and ages tens of thousands of times, and preparing a name
//! (normalising, romanising, phonetic keys, Double Metaphone, nickname groups) costs far more
//! than copying its prepared form: on 350,000 records most values are prepared once.
//! Preparing depends only on the kind and the text (the name and place tables are built into
//! the binary), so a remembered value is always the one preparing would give. The memory is
//! bounded per kind and thread: hostile input cannot grow it.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use crate::compare::{BadValue, Kind, Prepared};

/// Distinct values remembered per kind and thread.
const REMEMBERED: usize = 1 << 15;

/// Longer values (addresses, notes) rarely repeat: prepared afresh.
const LONGEST: usize = 64;

thread_local! {
    static SEEN: RefCell<Vec<FxHashMap<Box<str>, Prepared>>> = const { RefCell::new(Vec::new()) };
}

/// `raw` prepared as `kind`, from memory when this thread prepared it before; otherwise by
/// `prepare`, remembered when it succeeds.
pub(crate) fn prepared(
    kind: Kind,
    raw: &str,
    prepare: impl FnOnce(&str) -> Result<Prepared, BadValue>,
) -> Result<Prepared, BadValue> {
    if raw.len() > LONGEST {
        return prepare(raw);
    }
    let k = kind as usize;
    let seen = SEEN.with(|s| s.borrow().get(k).and_then(|m| m.get(raw).cloned()));
    if let Some(p) = seen {
        return Ok(p);
    }
    let p = prepare(raw)?;
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() <= k {
            s.resize_with(k + 1, FxHashMap::default);
        }
        if s[k].len() < REMEMBERED {
            s[k].insert(raw.into(), p.clone());
        }
    });
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_value_is_the_one_preparing_gives() {
        for raw in ["Md. Rafiqul Islam", "রফিকুল ইসলাম", "Begum", "", "  Rahim  "]
        {
            let fresh = || {
                let mut p = None;
                prepared(Kind::Name, raw, |r| {
                    p = Some(());
                    Kind::Name.prepare_uncached(r)
                })
                .map(|v| {
                    (
                        v.value.hash,
                        v.value.text.to_string(),
                        v.sex_hint,
                        v.leading_honorific,
                        p.is_some(),
                    )
                })
            };
            let first = fresh().unwrap();
            let again = fresh().unwrap();
            assert_eq!(first.0, again.0);
            assert_eq!(first.1, again.1);
            assert_eq!(first.2, again.2);
            assert_eq!(first.3, again.3);
            assert!(!again.4, "{raw}: prepared twice");
        }
    }

    #[test]
    fn bad_values_are_not_remembered() {
        let mut calls = 0;
        for _ in 0..2 {
            let r = prepared(Kind::Age, "forty-ish years", |r| {
                calls += 1;
                Kind::Age.prepare_uncached(r)
            });
            assert!(r.is_err());
        }
        assert_eq!(calls, 2);
    }
}
