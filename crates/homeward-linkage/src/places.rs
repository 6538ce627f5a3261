//! Places as they are written on tracing forms: districts under their many spellings, old names
//! and parent districts, with their neighbours; villages as compounds of common morphemes
//! (-gaon/-gaun, -bari, -chapori/-sapori) and qualifiers ("No. 2", Pub/Paschim, Bor/Saru); and
//! separation places as phrases with synonyms (LP School / L.P.S., bandh / embankment).
//!
//! The tables live in `data/places.toml` (compiled in), so field teams extend data, not code.
//! Everything here works on text already normalised by `normalise::normalise_text`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::compare::{hash_str, jaro_winkler, jw_from, text_value, FieldValue};
use crate::normalise::normalise_text;

const PLACES_TOML: &str = include_str!("../data/places.toml");

#[derive(Deserialize)]
struct PlacesFile {
    district: Vec<DistrictEntry>,
    village: VillageEntry,
    synonyms: SynonymEntry,
}

#[derive(Deserialize)]
struct DistrictEntry {
    name: String,
    #[serde(default)]
    spellings: Vec<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    neighbours: Vec<String>,
}

#[derive(Deserialize)]
struct VillageEntry {
    suffixes: Vec<Vec<String>>,
    markers: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct SynonymEntry {
    groups: Vec<Vec<String>>,
}

/// How two districts relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistrictRelation {
    Same,
    /// One was carved out of (or renamed from) the other.
    Parent,
    Neighbour,
    Different,
}

struct Tables {
    /// Canonical names, index = district id.
    names: Vec<String>,
    /// Every spelling (canonical included) → id.
    by_spelling: HashMap<String, u16>,
    /// (spelling, id), for fuzzy lookup of misspellings.
    spellings: Vec<(String, u16)>,
    /// Phonetic key of every spelling → id (keys shared by two districts are left out).
    by_phonetic: HashMap<String, u16>,
    parent: Vec<Option<u16>>,
    neighbours: Vec<Vec<u16>>,
    /// Per district: the hashes of the districts near it (see [`near_hashes`]).
    near: Vec<Vec<u64>>,
    /// Village suffix spelling → canonical suffix.
    suffix: HashMap<String, String>,
    /// Hashes of the canonical suffixes: sharing "gaon" says nothing.
    suffix_hashes: Vec<u64>,
    /// Suffix spellings, longest first (for splitting joined names).
    suffixes_by_length: Vec<String>,
    /// Village qualifier spelling → canonical qualifier.
    marker: HashMap<String, String>,
    /// Synonym phrases (as word lists), longest first, with their canonical phrase.
    synonyms: Vec<(Vec<String>, String)>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The file is part of the build and covered by a test; a broken edit fails that test.
        let file: PlacesFile = toml::from_str(PLACES_TOML)
            .unwrap_or_else(|e| panic!("data/places.toml does not parse: {e}"));
        build(file)
    })
}

fn build(file: PlacesFile) -> Tables {
    let names: Vec<String> = file.district.iter().map(|d| d.name.clone()).collect();
    let id_of = |n: &str| names.iter().position(|x| x == n).map(|i| i as u16);
    let mut by_spelling = HashMap::new();
    let mut spellings = Vec::new();
    for (i, d) in file.district.iter().enumerate() {
        for s in std::iter::once(&d.name).chain(&d.spellings) {
            by_spelling.insert(s.clone(), i as u16);
            spellings.push((s.clone(), i as u16));
        }
    }
    let mut by_phonetic: HashMap<String, u16> = HashMap::new();
    let mut clashes = Vec::new();
    for (s, id) in &spellings {
        let key = crate::compare::phonetic_key(s);
        match by_phonetic.insert(key.clone(), *id) {
            Some(other) if other != *id => clashes.push(key),
            _ => {}
        }
    }
    for key in clashes {
        by_phonetic.remove(&key);
    }
    let parent: Vec<Option<u16>> = file
        .district
        .iter()
        .map(|d| d.parent.as_deref().and_then(id_of))
        .collect();
    let neighbours: Vec<Vec<u16>> = file
        .district
        .iter()
        .map(|d| d.neighbours.iter().filter_map(|n| id_of(n)).collect())
        .collect();
    let mut suffix = HashMap::new();
    for g in &file.village.suffixes {
        for s in g {
            suffix.insert(s.clone(), g[0].clone());
        }
    }
    let suffix_hashes = file
        .village
        .suffixes
        .iter()
        .map(|g| hash_str(&g[0]))
        .collect();
    let mut suffixes_by_length: Vec<String> = suffix.keys().cloned().collect();
    suffixes_by_length.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let mut marker = HashMap::new();
    for g in &file.village.markers {
        for s in g {
            marker.insert(s.clone(), g[0].clone());
        }
    }
    let mut synonyms: Vec<(Vec<String>, String)> = file
        .synonyms
        .groups
        .iter()
        .flat_map(|g| {
            let canonical = g[0].clone();
            g.iter()
                .map(move |s| (s.split(' ').map(str::to_owned).collect(), canonical.clone()))
        })
        .collect();
    synonyms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    let near = near_table(&names, &parent, &neighbours);
    Tables {
        names,
        by_spelling,
        spellings,
        by_phonetic,
        parent,
        neighbours,
        near,
        suffix,
        suffix_hashes,
        suffixes_by_length,
        marker,
        synonyms,
    }
}

/// The district a normalised value names: its id and canonical name. Misspellings within
/// Jaro–Winkler 0.93 of a known spelling count; anything else is `None` (compared as written).
pub fn district(text: &str) -> Option<(u16, &'static str)> {
    let t = tables();
    let trimmed = text.strip_suffix(" district").unwrap_or(text);
    let id = t.by_spelling.get(trimmed).copied().or_else(|| {
        if trimmed.len() < 4 {
            return None;
        }
        // Spelt as it sounds ("Deebrugarh", "Cochar"): the phonetic key of a known spelling.
        let key = crate::compare::phonetic_key(trimmed);
        if let Some(id) = t.by_phonetic.get(&key) {
            return Some(*id);
        }
        closest_spelling(trimmed)
    })?;
    Some((id, t.names[id as usize].as_str()))
}

/// The district whose known spelling is closest to `text` (Jaro–Winkler at least 0.93), by
/// a scan of every spelling. A registry repeats its few misspellings thousands of times, so
/// each thread remembers the answers (up to a bound: hostile input cannot grow it).
fn closest_spelling(text: &str) -> Option<u16> {
    const REMEMBERED: usize = 4096;
    thread_local! {
        static SEEN: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Option<u16>>> =
            std::cell::RefCell::default();
    }
    if let Some(id) = SEEN.with(|seen| seen.borrow().get(text).copied()) {
        return id;
    }
    let id = tables()
        .spellings
        .iter()
        .map(|(s, id)| (jaro_winkler(s, text), *id))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .and_then(|(best, id)| (best >= 0.93).then_some(id));
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() < REMEMBERED {
            seen.insert(text.into(), id);
        }
    });
    id
}

/// Number of districts in the table (ids are `0..district_count()`).
pub fn district_count() -> usize {
    tables().names.len()
}

/// How two known districts relate.
pub fn district_relation(a: u16, b: u16) -> DistrictRelation {
    let t = tables();
    if a == b {
        return DistrictRelation::Same;
    }
    let (pa, pb) = (t.parent[a as usize], t.parent[b as usize]);
    if pa == Some(b) || pb == Some(a) {
        return DistrictRelation::Parent;
    }
    if t.neighbours[a as usize].contains(&b) || t.neighbours[b as usize].contains(&a) {
        return DistrictRelation::Neighbour;
    }
    DistrictRelation::Different
}

/// A village name split into its core (name words with canonical suffixes, in order) and its
/// qualifiers (numbers, directions, big/small; sorted), both as canonical words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Village {
    pub core: Vec<String>,
    pub qualifiers: Vec<String>,
}

/// Split a normalised village name into core and qualifiers: "no 2 kalgachiagaon" and
/// "kalgachia gaon ii" both give core ["kalgachia", "gaon"] and qualifiers ["2"].
pub fn village(text: &str) -> Village {
    let t = tables();
    let mut v = Village::default();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        // "2no" / "no2": a number glued to its marker.
        let (digits, rest): (String, String) = word.chars().partition(char::is_ascii_digit);
        if !digits.is_empty() && (rest.is_empty() || t.marker.contains_key(rest.as_str())) {
            v.qualifiers.push(digits);
            if let Some(m) = t.marker.get(rest.as_str()).filter(|m| *m != "-") {
                v.qualifiers.push(m.clone());
            }
            continue;
        }
        if let Some(m) = t.marker.get(word) {
            if m != "-" {
                v.qualifiers.push(m.clone());
            }
            continue;
        }
        if let Some(s) = t.suffix.get(word) {
            v.core.push(s.clone());
            continue;
        }
        match t
            .suffixes_by_length
            .iter()
            .find(|s| word.len() > s.len() + 2 && word.ends_with(s.as_str()))
        {
            Some(s) => {
                v.core.push(word[..word.len() - s.len()].to_owned());
                v.core.push(t.suffix[s].clone());
            }
            None => v.core.push(word.to_owned()),
        }
    }
    v.qualifiers.sort();
    v.qualifiers.dedup();
    if v.core.is_empty() {
        // Only qualifiers ("Bor Gaon"): they are the name.
        v.core = std::mem::take(&mut v.qualifiers);
    }
    v
}

/// Replace synonym phrases by their canonical form ("near lps bandh" → "near lower primary
/// school embankment"), longest phrase first, on whole words.
pub fn with_synonyms(text: &str) -> String {
    let t = tables();
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let hit = t.synonyms.iter().find(|(phrase, _)| {
            phrase.len() <= words.len() - i && phrase.iter().zip(&words[i..]).all(|(p, w)| p == w)
        });
        match hit {
            Some((phrase, canonical)) => {
                out.extend(canonical.split(' '));
                i += phrase.len();
            }
            None => {
                out.push(words[i]);
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Prepare a district: its canonical name when the table knows it (`num` = its id), else the
/// normalised text.
pub fn prepare_district(raw: &str) -> FieldValue {
    let text = normalise_text(raw);
    match district(&text) {
        Some((id, name)) => {
            let mut v = text_value(name.to_owned());
            v.num = Some(i32::from(id));
            v
        }
        None => text_value(text),
    }
}

/// The hashes (as `prepare_district` gives them) of the districts near a prepared district:
/// its parent, the districts carved out of it and its neighbours (empty for an unknown one).
pub fn near_hashes(v: &FieldValue) -> &'static [u64] {
    v.num
        .and_then(|n| usize::try_from(n).ok())
        .and_then(|i| tables().near.get(i))
        .map_or(&[], Vec::as_slice)
}

/// Per district id, the hashes of its parent, the districts carved out of it and its
/// neighbours (computed once with the tables).
fn near_table(names: &[String], parent: &[Option<u16>], neighbours: &[Vec<u16>]) -> Vec<Vec<u64>> {
    (0..names.len())
        .map(|i| {
            let mut near: Vec<u16> = neighbours[i].clone();
            near.extend(parent[i]);
            near.extend(
                parent
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| usize::from(p.unwrap_or(u16::MAX)) == i)
                    .map(|(c, _)| c as u16),
            );
            near.sort_unstable();
            near.dedup();
            near.retain(|&n| usize::from(n) != i);
            near.into_iter()
                .map(|n| hash_str(&names[n as usize]))
                .collect()
        })
        .collect()
}

/// Levels: 1 same district, 2 former/parent, 3 neighbouring, 4 different.
pub fn compare_district(x: &FieldValue, y: &FieldValue) -> u8 {
    if x.hash == y.hash {
        return 1;
    }
    match (x.num, y.num) {
        (Some(a), Some(b)) => match district_relation(a as u16, b as u16) {
            DistrictRelation::Same => 1,
            DistrictRelation::Parent => 2,
            DistrictRelation::Neighbour => 3,
            DistrictRelation::Different => 4,
        },
        _ => 4,
    }
}

/// Prepare a village: `hash` identifies the whole canonical name (core and qualifiers), `text`
/// holds the core name, `num` a 32-bit hash of the core, and `keys` its words. The core is
/// written without spaces: "Bor Moin Baripur" and "Bor moinbaripur" are one village, its
/// words split or joined by whoever wrote it.
pub fn prepare_village(raw: &str) -> FieldValue {
    let v = village(&normalise_text(raw));
    if v.core.is_empty() {
        return FieldValue::default();
    }
    let core = v.core.concat();
    // Identity by sound: Bakrikandi and Baqrikandi, Tamulibari and Tamuleebari.
    let sound: String = v
        .core
        .iter()
        .map(|w| crate::similarity::phonetic_key(w))
        .collect();
    let full = if v.qualifiers.is_empty() {
        sound.clone()
    } else {
        format!("{sound} #{}", v.qualifiers.join(" #"))
    };
    let mut out = text_value(core);
    out.hash = hash_str(&full);
    out.num = Some(hash_str(&sound) as i32);
    let words: Vec<u64> = v.core.iter().map(|w| hash_str(w)).collect();
    out.keys = Some(crate::compare::NameKeys::from_words(&words));
    out
}

/// Levels: 1 exact, 2 same core name, 3 close spelling, 4 a name word shared, 5 different.
pub fn compare_village(x: &FieldValue, y: &FieldValue) -> u8 {
    if x.hash == y.hash {
        return 1;
    }
    if x.num.is_some() && x.num == y.num {
        return 2;
    }
    if jw_from(x, y, 0.9) >= 0.9 {
        return 3;
    }
    let t = tables();
    let shared = match (&x.keys, &y.keys) {
        (Some(a), Some(b)) => a
            .tokens()
            .iter()
            .any(|w| b.tokens().contains(w) && !t.suffix_hashes.contains(w)),
        _ => false,
    };
    if shared {
        4
    } else {
        5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_names_only_known_districts() {
        let t = tables();
        assert!(t.names.len() >= 35, "{}", t.names.len());
        let file: PlacesFile = toml::from_str(PLACES_TOML).unwrap_or_else(|e| panic!("{e}"));
        for d in &file.district {
            for n in d.parent.iter().chain(&d.neighbours) {
                assert!(t.names.contains(n), "{}: unknown district `{n}`", d.name);
            }
        }
    }

    #[test]
    fn districts_under_old_names_and_misspellings() {
        let id = |s: &str| district(s).map(|d| d.1);
        assert_eq!(id("nowgong"), Some("nagaon"));
        assert_eq!(id("sibsagar"), Some("sivasagar"));
        assert_eq!(id("kamrup m"), Some("kamrup metropolitan"));
        assert_eq!(id("dhuburi"), Some("dhubri"));
        assert_eq!(id("barpetaa"), Some("barpeta"));
        assert_eq!(id("sribhumi"), Some("karimganj"));
        assert_eq!(id("springfield"), None);
        let rel = |a: &str, b: &str| {
            let (x, y) = (district(a).map(|d| d.0), district(b).map(|d| d.0));
            x.zip(y).map(|(x, y)| district_relation(x, y))
        };
        assert_eq!(rel("bajali", "barpeta"), Some(DistrictRelation::Parent));
        assert_eq!(rel("tamulpur", "baksa"), Some(DistrictRelation::Parent));
        assert_eq!(rel("biswanath", "sonitpur"), Some(DistrictRelation::Parent));
        assert_eq!(rel("dhubri", "goalpara"), Some(DistrictRelation::Neighbour));
        assert_eq!(rel("dhubri", "tinsukia"), Some(DistrictRelation::Different));
    }

    #[test]
    fn one_village_written_many_ways_is_the_same_village() {
        let level = |a: &str, b: &str| compare_village(&prepare_village(a), &prepare_village(b));
        for (a, b) in [
            ("Bor Moin Baripur", "Bor moinbaripur"),
            ("Bakrikandi", "BAQRIKANDI"),
            ("No. 2 Tamulibari", "Tamuleebari 2 No."),
        ] {
            assert_eq!(level(a, b), 1, "{a} / {b}");
        }
        assert_eq!(level("No. 2 Kathgaon", "Kathgaon"), 2);
        assert_eq!(level("Kathgaon", "Silapathar"), 5);
    }

    #[test]
    fn villages_by_their_morphemes() {
        let a = village("no 2 kalgachiagaon");
        let b = village("kalgachia gaun ii");
        assert_eq!(a, b);
        assert_eq!(a.core, vec!["kalgachia", "gaon"]);
        assert_eq!(village("2no kalgachia gaon").qualifiers, vec!["2"]);
        assert_eq!(village("pub xapori").core, vec!["chapori"]);
        assert_eq!(village("pub xapori").qualifiers, vec!["east"]);
        assert_eq!(village("vill bor gaon").core, vec!["gaon"]);
        assert_eq!(village("vill bor gaon").qualifiers, vec!["bor"]);
        assert_eq!(village("bor").core, vec!["bor"]);
    }

    #[test]
    fn separation_places_by_their_synonyms() {
        assert_eq!(
            with_synonyms("near l p s bandh"),
            "near lower primary school embankment"
        );
        assert_eq!(with_synonyms("rly stn"), "railway station");
        assert_eq!(with_synonyms("luit river bank"), "brahmaputra river bank");
    }
}
