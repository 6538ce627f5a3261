//! How personal names are written on tracing forms: honorifics before a name (Md., Sri, Mst.),
//! female markers that stand where a family name would (Begum, Khatun, Nessa, Bibi, Devi,
//! Kumari), middle names and their abbreviations (Kumar/Kr., Chandra/Ch., Prasad/Pd.), and the
//! groups of spellings, short forms and pet names used for one name (Naren/Narendra,
//! Hussain/Hossain).
//!
//! The tables live in `data/names.toml` (compiled in), so field teams extend data, not code.
//! Words are looked up after `normalise::normalise_text` (lower case, romanised). A marker is
//! also recognised under a spelling the table does not list when its phonetic key is a known
//! marker's ("Devih", "Khatoon"): markers are few and short, and a missed one turns into a
//! family name that disagrees with the other record's.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::normalise::Sex;

const NAMES_TOML: &str = include_str!("../data/names.toml");

#[derive(Deserialize)]
struct NamesFile {
    honorific: Vec<WordList>,
    marker: Vec<WordList>,
    middle: WordList,
    group: Vec<Group>,
}

#[derive(Deserialize)]
struct WordList {
    #[serde(default)]
    sex: Option<String>,
    words: Vec<String>,
}

#[derive(Deserialize)]
struct Group {
    names: Vec<String>,
}

/// What a word of a written name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Part of the name.
    Name,
    /// An honorific or prefix, not part of the name; may imply the person's sex.
    Honorific(Option<Sex>),
    /// A female marker in place of a family name.
    Marker(Sex),
    /// A middle name or its abbreviation (only after the first name word).
    Middle,
}

struct Tables {
    honorifics: HashMap<String, Option<Sex>>,
    markers: HashMap<String, Sex>,
    /// Phonetic keys of the markers, for spellings the table does not list.
    marker_keys: HashMap<String, Sex>,
    middles: HashSet<String>,
    /// Phonetic keys of the middle names ("Kummor" is Kumar).
    middle_keys: HashSet<String>,
    groups: HashMap<String, Vec<u32>>,
}

fn sex_of(code: Option<&str>) -> Option<Sex> {
    match code {
        Some("m") => Some(Sex::Male),
        Some("f") => Some(Sex::Female),
        _ => None,
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The file is part of the build and covered by a test; a broken edit fails that test.
        let file: NamesFile = toml::from_str(NAMES_TOML)
            .unwrap_or_else(|e| panic!("data/names.toml does not parse: {e}"));
        let mut honorifics = HashMap::new();
        for list in &file.honorific {
            for w in &list.words {
                honorifics.insert(w.clone(), sex_of(list.sex.as_deref()));
            }
        }
        let mut markers = HashMap::new();
        let mut marker_keys = HashMap::new();
        for list in &file.marker {
            let sex = sex_of(list.sex.as_deref()).unwrap_or(Sex::Female);
            for w in &list.words {
                markers.insert(w.clone(), sex);
                marker_keys.insert(crate::compare::phonetic_key(w), sex);
            }
        }
        let mut groups: HashMap<String, Vec<u32>> = HashMap::new();
        for (g, group) in file.group.iter().enumerate() {
            for n in &group.names {
                groups.entry(n.clone()).or_default().push(g as u32);
            }
        }
        let middle_keys = file
            .middle
            .words
            .iter()
            .filter(|w| w.len() >= 4)
            .map(|w| crate::compare::phonetic_key(w))
            .collect();
        Tables {
            honorifics,
            markers,
            marker_keys,
            middles: file.middle.words.into_iter().collect(),
            middle_keys,
            groups,
        }
    })
}

/// The role of a normalised word at `position` (0 = first word of the written name).
pub fn role(word: &str, position: usize) -> Role {
    let t = tables();
    if let Some(&sex) = t.honorifics.get(word) {
        return Role::Honorific(sex);
    }
    if let Some(&sex) = t.markers.get(word) {
        return Role::Marker(sex);
    }
    if position > 0 && t.middles.contains(word) {
        return Role::Middle;
    }
    if word.len() >= 4 && word.is_ascii() {
        let key = crate::compare::phonetic_key(word);
        if let Some(&sex) = t.marker_keys.get(&key) {
            return Role::Marker(sex);
        }
        if position > 0 && t.middle_keys.contains(&key) {
            return Role::Middle;
        }
    }
    Role::Name
}

/// Whether a normalised word is an honorific or a female marker.
pub fn is_title(word: &str) -> bool {
    matches!(role(word, 0), Role::Honorific(_) | Role::Marker(_))
}

/// The spelling/short-form groups a normalised word belongs to (empty when none).
pub fn groups(word: &str) -> &'static [u32] {
    tables().groups.get(word).map(Vec::as_slice).unwrap_or(&[])
}

/// Whether two normalised words are spellings or short forms of one name (or equal).
pub fn equivalent(a: &str, b: &str) -> bool {
    a == b || groups(a).iter().any(|g| groups(b).contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_short_forms_match_their_full_names() {
        assert!(equivalent("md", "mohammad"));
        assert!(equivalent("raju", "rajesh"));
        assert!(equivalent("raju", "rajendra"));
        assert!(equivalent("naren", "narendra"));
        assert!(equivalent("hussain", "hossain"));
        assert!(equivalent("bill", "william"));
        assert!(!equivalent("rajesh", "rajendra"));
        assert!(!equivalent("rahim", "rahul"));
    }

    #[test]
    fn markers_honorifics_and_middle_names() {
        assert_eq!(role("md", 0), Role::Honorific(Some(Sex::Male)));
        assert_eq!(role("moh", 0), Role::Honorific(Some(Sex::Male)));
        assert_eq!(role("mst", 0), Role::Honorific(Some(Sex::Female)));
        for w in [
            "begum", "begom", "khatoon", "nessa", "devi", "devih", "kumori", "bibi",
        ] {
            assert_eq!(role(w, 1), Role::Marker(Sex::Female), "{w}");
        }
        assert_eq!(role("kumar", 1), Role::Middle);
        assert_eq!(role("kr", 2), Role::Middle);
        assert_eq!(role("kummor", 1), Role::Middle);
        // A first word is a name even when it is also a middle name (Jyoti, Kumar).
        assert_eq!(role("jyoti", 0), Role::Name);
        for w in ["rahim", "das", "islam", "sheikh", "bablu", "debajit"] {
            assert_eq!(role(w, 1), Role::Name, "{w}");
        }
    }
}
