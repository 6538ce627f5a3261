//! Blocking: which pairs are compared at all. Several rules run at once and their candidates are
//! united; this module owns the rules, their keys and the blocks (key → records), counts pairs
//! per rule and, when the truth is known, blocking recall. Gathering one record's candidates
//! from the blocks is `candidates`.
//!
//! A rule's key is a hash of its parts (see `config` for the part syntax), computed once per
//! record; a record with any part blank has no key for that rule.

use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

pub use crate::candidates::{locality_order, CandidateSource, Gather};
use crate::compare::FieldValue;
use crate::config::LinkConfig;
use crate::linker::PreparedRecord;

/// How one part of a blocking key is derived from a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyPart {
    /// The normalised value.
    Exact(usize),
    /// The phonetic keys of all the words, in sorted order.
    Phonetic(usize),
    /// The phonetic key of the first word only ("Rahima" of "Rahima Begum", where the other
    /// side may hold the given name alone).
    FirstWordPhonetic(usize),
    /// Double Metaphone primary code of the first word.
    Metaphone(usize),
    /// First n characters of the normalised value.
    First(usize, usize),
    /// Year of a date (first four digits when the date does not parse).
    Year(usize),
    /// Two fields as an unordered pair (catches first/last names swapped).
    AnyOrder(usize, usize),
    /// A district or its neighbourhood: the indexed record is keyed by its own district, the
    /// querying record also looks in the neighbouring, parent and child districts (a third of
    /// separated children are found downstream, next door). Other fields: the exact value.
    Near(usize),
}

impl KeyPart {
    /// Parse `func(field)` / `field` / `anyorder(a, b)` against the configured fields.
    pub fn parse(spec: &str, cfg: &LinkConfig) -> Result<KeyPart, String> {
        let field = |name: &str| {
            let name = name.trim();
            cfg.fields
                .iter()
                .position(|f| f.name == name)
                .ok_or_else(|| {
                    format!("blocking part `{spec}` names field `{name}`, which is not a [[field]]")
                })
        };
        let spec_t = spec.trim();
        let (func, arg) = match spec_t.find('(') {
            Some(i) if spec_t.ends_with(')') => (&spec_t[..i], &spec_t[i + 1..spec_t.len() - 1]),
            Some(_) => return Err(format!("blocking part `{spec}`: missing `)`")),
            None => ("exact", spec_t),
        };
        Ok(match func.trim() {
            "exact" => KeyPart::Exact(field(arg)?),
            "phonetic" => KeyPart::Phonetic(field(arg)?),
            "phonetic1" => KeyPart::FirstWordPhonetic(field(arg)?),
            "dm" | "metaphone" => KeyPart::Metaphone(field(arg)?),
            "year" => KeyPart::Year(field(arg)?),
            "near" => KeyPart::Near(field(arg)?),
            "anyorder" => {
                let mut it = arg.split(',');
                match (it.next(), it.next(), it.next()) {
                    (Some(a), Some(b), None) => KeyPart::AnyOrder(field(a)?, field(b)?),
                    _ => return Err(format!("blocking part `{spec}`: anyorder takes two fields")),
                }
            }
            f if f.starts_with("first") => match f["first".len()..].parse::<usize>() {
                Ok(n) if n > 0 => KeyPart::First(n, field(arg)?),
                _ => return Err(format!("blocking part `{spec}`: write first3(field), first4(field), …")),
            },
            other => {
                return Err(format!(
                    "blocking part `{spec}`: unknown function `{other}`; use exact, phonetic, phonetic1, dm, firstN, year, near or anyorder"
                ))
            }
        })
    }

    fn hash(&self, fields: &[FieldValue]) -> u64 {
        let mut h = FxHasher::default();
        match *self {
            KeyPart::Exact(f) | KeyPart::Near(f) => return fields[f].hash,
            KeyPart::Phonetic(f) => {
                let v = &fields[f];
                match &v.keys {
                    Some(k) if !k.phon().is_empty() => {
                        let mut p: Vec<u64> = k.phon().to_vec();
                        p.sort_unstable();
                        p.dedup();
                        for x in p {
                            h.write_u64(x);
                        }
                    }
                    _ => return v.hash,
                }
            }
            KeyPart::FirstWordPhonetic(f) => match &fields[f].keys {
                Some(k) if !k.phon().is_empty() => return k.phon()[0],
                _ => return fields[f].hash,
            },
            KeyPart::Metaphone(f) => match &fields[f].keys {
                Some(k) if !k.dm().is_empty() => return k.dm()[0],
                _ => return fields[f].hash,
            },
            KeyPart::First(n, f) => {
                let t = &fields[f].text;
                if t.is_empty() {
                    return 0;
                }
                let end = t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
                h.write(t[..end].as_bytes());
            }
            KeyPart::Year(f) => {
                let v = &fields[f];
                // The parsed year, or the first four digits of a date that does not parse
                // ("2015", "19560231"), hashed the same way so both meet in one block.
                let year = v
                    .date
                    .map(|d| i32::from(d.year))
                    .or_else(|| v.text.get(..4).and_then(|y| y.parse::<i32>().ok()));
                match year {
                    Some(y) => h.write_i32(y),
                    None => return 0,
                }
            }
            KeyPart::AnyOrder(a, b) => {
                let (x, y) = (fields[a].hash, fields[b].hash);
                if x == 0 || y == 0 {
                    return 0;
                }
                h.write_u64(x.min(y));
                h.write_u64(x.max(y));
            }
        }
        h.finish().max(1)
    }
}

/// A compiled blocking rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule as written, for reports.
    pub label: String,
    /// Key parts of the querying (LEFT) record.
    pub parts: Vec<KeyPart>,
    /// Key parts of the indexed (RIGHT) record; the same as `parts` except for cross-field
    /// rules.
    pub right_parts: Vec<KeyPart>,
}

impl Rule {
    /// Whether both roles use the same parts.
    pub fn is_symmetric(&self) -> bool {
        self.parts == self.right_parts
    }

    /// The record's key under this rule in the querying role; 0 when a part is blank.
    pub fn key(&self, index: usize, fields: &[FieldValue]) -> u64 {
        Self::key_of(&self.parts, index, fields)
    }

    /// The record's key in the indexed role.
    pub fn right_key(&self, index: usize, fields: &[FieldValue]) -> u64 {
        Self::key_of(&self.right_parts, index, fields)
    }

    fn key_of(parts: &[KeyPart], index: usize, fields: &[FieldValue]) -> u64 {
        Self::key_with(parts, index, fields, None)
    }

    /// The key with the `Near` part (if any) replaced by `near`.
    fn key_with(parts: &[KeyPart], index: usize, fields: &[FieldValue], near: Option<u64>) -> u64 {
        let mut h = FxHasher::default();
        h.write_usize(index);
        for p in parts {
            let k = match (p, near) {
                (KeyPart::Near(_), Some(n)) => n,
                _ => p.hash(fields),
            };
            if k == 0 {
                return 0;
            }
            h.write_u64(k);
        }
        h.finish().max(1)
    }

    /// The querying record's further keys under this rule: one per neighbouring district of
    /// a `near(...)` part (none for rules without one, or when the key is blank).
    pub fn extra_keys(&self, index: usize, fields: &[FieldValue]) -> Vec<u64> {
        let Some(f) = self.parts.iter().find_map(|p| match p {
            KeyPart::Near(f) => Some(*f),
            _ => None,
        }) else {
            return Vec::new();
        };
        crate::places::near_hashes(&fields[f])
            .iter()
            .map(|&n| Self::key_with(&self.parts, index, fields, Some(n)))
            .filter(|&k| k != 0)
            .collect()
    }
}

/// Candidate pairs (indices into the two sides) and how many each rule contributed first.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    pub pairs: Vec<(u32, u32)>,
    pub per_rule: Vec<u64>,
}

/// Blocks of one rule: key → record indices.
pub type Blocks = FxHashMap<u64, Vec<u32>>;

/// The block lists one rule's keys reach (`keys`: the record's own key, then its
/// neighbouring districts' keys for a `near(...)` rule): lists above `max_block` are skipped,
/// and the neighbours' lists are taken only while all lists taken hold at most `max_near`
/// records; past that a neighbour's key says too little.
pub(crate) fn reached_lists<'b>(
    blocks: &'b Blocks,
    keys: impl Iterator<Item = u64> + 'b,
    max_block: usize,
    max_near: usize,
) -> impl Iterator<Item = &'b [u32]> + 'b {
    let mut taken = 0usize;
    keys.filter_map(move |k| blocks.get(&k))
        .filter(move |list| list.len() <= max_block)
        .map_while(move |list| {
            taken += list.len();
            (taken <= max_near || taken == list.len()).then_some(list.as_slice())
        })
}

/// Build the blocks of every rule over `records`, dropping blocks above `max_block`.
pub fn build_blocks(
    records: &[PreparedRecord],
    n_rules: usize,
    max_block: Option<usize>,
) -> Vec<Blocks> {
    let order: Vec<u32> = (0..records.len() as u32).collect();
    build_blocks_in(records, n_rules, max_block, &order)
}

/// [`build_blocks`] whose lists hold *slots*: positions in `order` (slot → record index).
pub(crate) fn build_blocks_in(
    records: &[PreparedRecord],
    n_rules: usize,
    max_block: Option<usize>,
    order: &[u32],
) -> Vec<Blocks> {
    (0..n_rules)
        .into_par_iter()
        .map(|r| {
            let mut m: Blocks = FxHashMap::default();
            for (slot, &i) in order.iter().enumerate() {
                let k = records[i as usize].rkeys[r];
                if k != 0 {
                    m.entry(k).or_default().push(slot as u32);
                }
            }
            if let Some(max) = max_block {
                m.retain(|_, v| v.len() <= max);
            }
            m
        })
        .collect()
}

/// Candidate pairs for linking `left` with `right`, each once (see [`CandidateSource::collect`]).
pub fn link_candidates(
    left: &[PreparedRecord],
    right: &[PreparedRecord],
    n_rules: usize,
    max_block: Option<usize>,
) -> Candidates {
    CandidateSource::link(left, right, n_rules, max_block, None).collect()
}

/// Candidate pairs (i < j) within one file, for deduplication.
pub fn dedupe_candidates(
    records: &[PreparedRecord],
    n_rules: usize,
    max_block: Option<usize>,
) -> Candidates {
    CandidateSource::dedupe(records, n_rules, max_block, None).collect()
}

/// Share of the true pairs that blocking generates (`is_true` says whether a pair is true;
/// `n_true` is the number of true pairs). Used by the bench, where truth is known.
pub fn recall(pairs: &[(u32, u32)], n_true: u64, is_true: impl Fn(u32, u32) -> bool + Sync) -> f64 {
    if n_true == 0 {
        return 1.0;
    }
    let found = pairs.par_iter().filter(|&&(a, b)| is_true(a, b)).count();
    found as f64 / n_true as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;
    use crate::linker::Linker;
    use crate::Record;

    #[test]
    fn neighbours_blocks_are_searched_only_within_the_near_budget() {
        let mut blocks: Blocks = FxHashMap::default();
        blocks.insert(1, vec![0, 1, 2]); // the record's own district
        blocks.insert(2, vec![3, 4]); // a neighbour
        blocks.insert(3, vec![5; 200]); // a neighbour's block over the block limit
        blocks.insert(4, vec![6, 7]); // another neighbour
        let reached = |keys: &[u64], max_near: usize| -> Vec<u32> {
            reached_lists(&blocks, keys.iter().copied(), 150, max_near)
                .flatten()
                .copied()
                .collect()
        };
        assert_eq!(reached(&[1, 2, 3, 4], 10), vec![0, 1, 2, 3, 4, 6, 7]);
        assert_eq!(reached(&[1, 2, 3, 4], 5), vec![0, 1, 2, 3, 4]);
        // The own block is searched whatever the budget; a neighbour only within it.
        assert_eq!(reached(&[1, 2, 4], 2), vec![0, 1, 2]);
        // Without an own block the first neighbour's is the record's own search.
        assert_eq!(reached(&[9, 2, 4], 1), vec![3, 4]);
    }

    fn linker() -> Linker {
        let cfg = LinkConfig::from_toml(
            r#"
id_column = "id"
[[field]]
name = "first"
comparator = "name"
[[field]]
name = "last"
comparator = "name"
[[field]]
name = "dob"
comparator = "date"
[[blocking]]
on = ["anyorder(first, last)"]
[[blocking]]
on = ["phonetic(last)", "year(dob)"]
[[blocking]]
on = ["first3(first)"]
"#,
            "test",
        );
        cfg.and_then(Linker::new).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rec(l: &Linker, id: &str, first: &str, last: &str, dob: &str) -> PreparedRecord {
        let r = Record::new(id)
            .with("first", first)
            .with("last", last)
            .with("dob", dob);
        l.prepare(&r).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn keys_follow_their_parts() {
        let l = linker();
        let a = rec(&l, "a", "Rahim", "Uddin", "2015-03-04");
        let swapped = rec(&l, "b", "Uddin", "Rahim", "1999-01-01");
        let spelt = rec(&l, "c", "Rohim", "বৰুৱা", "20150304");
        let other = rec(&l, "d", "Rahim", "Baruah", "2015");
        assert_eq!(a.keys[0], swapped.keys[0], "anyorder ignores the order");
        assert_ne!(a.keys[0], spelt.keys[0]);
        assert_eq!(spelt.keys[1], other.keys[1], "phonetic(barua) & year 2015");
        assert_eq!(a.keys[2], other.keys[2], "first3: rah");
        let blank = rec(&l, "e", "", "Das", "");
        assert_eq!(blank.keys[0], 0, "a blank part gives no key");
        assert_eq!(blank.keys[1], 0);
    }

    #[test]
    fn each_candidate_pair_comes_once() {
        let l = linker();
        let recs: Vec<PreparedRecord> = [
            ("1", "Rahim", "Uddin", "2015-03-04"),
            ("2", "Uddin", "Rahim", "2015-05-05"),
            ("3", "Rahim", "Uddin", "2015-03-04"),
            ("4", "Rahul", "Das", "2012-01-01"),
            ("5", "Raju", "Das", "2012-02-02"),
        ]
        .iter()
        .map(|(i, f, s, d)| rec(&l, i, f, s, d))
        .collect();
        let c = dedupe_candidates(&recs, l.rules.len(), None);
        let mut seen = std::collections::HashSet::new();
        for &(a, b) in &c.pairs {
            assert!(a < b);
            assert!(seen.insert((a, b)), "pair {a},{b} twice");
        }
        // 1-2-3 share anyorder; 4-5 share phonetic(das)+2012; all share first3 "rah"/"raj"? no.
        assert!(seen.contains(&(0, 1)) && seen.contains(&(0, 2)) && seen.contains(&(1, 2)));
        assert!(seen.contains(&(3, 4)));
        assert_eq!(c.per_rule.iter().sum::<u64>(), c.pairs.len() as u64);
        let linked = link_candidates(&recs[..2], &recs[2..], l.rules.len(), None);
        assert!(linked.pairs.contains(&(0, 0)) && linked.pairs.contains(&(1, 0)));
        // A block larger than the limit is skipped.
        let capped = dedupe_candidates(&recs, l.rules.len(), Some(2));
        assert!(
            !capped.pairs.contains(&(0, 1)),
            "the anyorder block of 3 is skipped"
        );
    }

    #[test]
    fn bad_parts_are_explained() {
        let cfg = LinkConfig::from_toml(
            "id_column = \"id\"\n[[field]]\nname = \"a\"\ncomparator = \"exact\"\n",
            "t",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for (spec, msg) in [
            ("soundex(a)", "unknown function `soundex`"),
            ("first(a)", "first3(field)"),
            ("anyorder(a)", "two fields"),
            ("phonetic(a", "missing `)`"),
            ("b", "names field `b`"),
        ] {
            let e = KeyPart::parse(spec, &cfg).err().unwrap_or_default();
            assert!(e.contains(msg), "{spec}: {e}");
        }
    }
}
