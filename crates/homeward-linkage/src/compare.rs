//! Comparators: names (exact, reordered, swapped, sounding alike, pet names, Jaro–Winkler),
//! token sets, ages in bands, dates and event dates, and the prepared per-field value
//! (`FieldValue`) they work on; the string measures themselves are in `similarity`.
//!
//! Comparisons turn a pair of values into an ordered *level* (0 = one side blank, 1 = the
//! strongest agreement, …, last = disagreement); the model in `model` gives each level its weight.
//! Everything expensive (normalisation, romanisation, phonetic codes, hashes) is computed once
//! per record in `Kind::prepare`, so comparing a pair is a few byte loops.

use std::hash::Hasher;

use compact_str::CompactString;
use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

pub use crate::name_compare::NameKeys;
use crate::name_compare::{exact_or_reordered, name_keys, shared_token_share};
use crate::normalise::{self, LooseDate};
pub use crate::similarity::{
    double_metaphone, jaro_winkler, osa_distance, osa_distance_bounded, phonetic_key,
};

/// How a field is compared. Each kind has a fixed ladder of levels (see [`Comparator::labels`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Normalised values equal or not.
    Exact,
    /// Personal names: exact, same words in any order, swapped with another field, sounds alike
    /// (phonetic key, Double Metaphone or nickname), Jaro–Winkler thresholds.
    Name,
    /// Free text such as addresses: exact, same words any order, Jaro–Winkler, shared words.
    Text,
    /// Identifiers and codes: exact, then edit-distance thresholds (typos).
    Edit,
    /// Ages in years: exact, then bands of ± years.
    Age,
    /// Dates: exact, day/month transposed, one-character typo, same year and month, within a year.
    Date,
    /// Dates of an event remembered by two people (a separation): exact, then windows of ±
    /// days (`bands`, default 1, 3, 10, 30).
    Days,
    /// Sex (`m`/`f` after normalisation; title hints fill blanks).
    Sex,
    /// Districts: the same district under any spelling or old name, a former/parent district,
    /// a neighbouring district (the table is `data/places.toml`).
    District,
    /// Village names: exact, same name with other qualifiers ("No. 2", Pub, Bor), close
    /// spelling, a shared word.
    Village,
    /// Free-text phrases with synonyms (LP School / L.P.S., bandh / embankment), then as `text`.
    Phrase,
}

/// Hash used for value identity, token sets and blocking keys (deterministic across runs).
pub fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xff);
    // 0 is reserved for "blank".
    h.finish().max(1)
}

/// One field of one record, prepared for comparison.
#[derive(Clone, Debug, Default)]
pub struct FieldValue {
    /// Normalised text ("" when blank). For names: the name tokens without honorifics. Short
    /// values are stored inline, which saves a pointer chase per comparison.
    pub text: CompactString,
    /// `hash_str(text)`, 0 when blank.
    pub hash: u64,
    /// Age in years.
    pub num: Option<i32>,
    /// Parsed date.
    pub date: Option<LooseDate>,
    /// Token and phonetic keys (names and text only).
    pub keys: Option<NameKeys>,
    /// Which letters/digits occur in `text` (bit per symbol; `u64::MAX` when not ASCII), for
    /// a cheap upper bound on Jaro–Winkler that skips most hopeless comparisons.
    pub mask: u64,
}

impl FieldValue {
    /// True when the value is blank (compares at the null level).
    pub fn is_blank(&self) -> bool {
        self.hash == 0
    }
}

/// Result of preparing a raw value: the value, plus the sex implied by honorifics (names only).
#[derive(Clone, Debug)]
pub struct Prepared {
    pub value: FieldValue,
    pub sex_hint: Option<normalise::Sex>,
    /// Names only: the value as written began with an honorific.
    pub leading_honorific: bool,
}

/// Why a raw value was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    /// What we expected, phrased for a data officer.
    pub expected: &'static str,
}

pub(crate) fn text_value(text: String) -> FieldValue {
    let hash = if text.is_empty() { 0 } else { hash_str(&text) };
    let mask = symbol_mask(&text);
    FieldValue {
        text: CompactString::from(text),
        hash,
        mask,
        ..Default::default()
    }
}

fn symbol_mask(text: &str) -> u64 {
    if !text.is_ascii() {
        return u64::MAX;
    }
    text.bytes().fold(0u64, |m, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + b - b'0',
            b' ' => 36,
            _ => 37 + b % 27,
        };
        m | (1u64 << bit)
    })
}

/// Upper bound of `jaro_winkler(x.text, y.text)` from lengths and symbol sets: a character
/// whose symbol does not occur on the other side cannot be matched.
#[inline]
pub fn jaro_winkler_bound(x: &FieldValue, y: &FieldValue) -> f64 {
    if x.mask == u64::MAX || y.mask == u64::MAX {
        return 1.0;
    }
    let (la, lb) = (x.text.len(), y.text.len());
    let only_x = (x.mask & !y.mask).count_ones() as usize;
    let only_y = (y.mask & !x.mask).count_ones() as usize;
    let m = la.saturating_sub(only_x).min(lb.saturating_sub(only_y)) as f64;
    if m == 0.0 {
        return 0.0;
    }
    let j = (m / la as f64 + m / lb as f64 + 1.0) / 3.0;
    // Winkler's bonus is 0.1 per leading character in common (at most four): count them
    // instead of assuming four, which lets most unrelated names skip the full comparison.
    let prefix = x
        .text
        .bytes()
        .zip(y.text.bytes())
        .take(4)
        .take_while(|(a, b)| a == b)
        .count() as f64;
    j + 0.1 * prefix * (1.0 - j)
}

/// Lower bound of the edit distance from symbol sets: one edit changes the set of symbols
/// present by at most two (a substitution drops one and adds one).
#[inline]
fn edit_distance_bound(x: &FieldValue, y: &FieldValue) -> usize {
    if x.mask == u64::MAX || y.mask == u64::MAX {
        return 0;
    }
    ((x.mask ^ y.mask).count_ones() as usize).div_ceil(2)
}

/// Edit distance of two prepared values, capped at `max + 1`.
#[inline]
fn edit_from(x: &FieldValue, y: &FieldValue, max: usize) -> usize {
    if edit_distance_bound(x, y) > max {
        max + 1
    } else {
        osa_distance_bounded(&x.text, &y.text, max)
    }
}

/// The level of two ages in years: 1 when equal, `2 + i` when within the `i`th band, `None`
/// past the last band. A young child's age is a guess (a caseworker's estimate against a
/// family's memory, the gap larger the younger the child): when the two ages average under
/// six, the difference counts for less, by a quarter for each year younger.
#[inline]
pub(crate) fn age_level(p: i32, q: i32, bands: &[i32]) -> Option<usize> {
    let d = (p - q).abs();
    if d == 0 {
        return Some(1);
    }
    let young = (6 - (p + q) / 2).clamp(0, 6);
    // d / (1 + young / 4), in integers: d * 4 <= band * (4 + young).
    bands
        .iter()
        .position(|&band| d * 4 <= band * (4 + young))
        .map(|i| i + 2)
}

/// Jaro–Winkler of two prepared values, or 0 when it cannot reach `floor`.
#[inline]
pub(crate) fn jw_from(x: &FieldValue, y: &FieldValue, floor: f64) -> f64 {
    if jaro_winkler_bound(x, y) < floor {
        0.0
    } else {
        jaro_winkler(&x.text, &y.text)
    }
}

impl Kind {
    /// Prepare a raw value for this kind of comparison.
    pub fn prepare(self, raw: &str) -> Result<Prepared, BadValue> {
        crate::prepare_cache::prepared(self, raw, |raw| self.prepare_uncached(raw))
    }

    pub(crate) fn prepare_uncached(self, raw: &str) -> Result<Prepared, BadValue> {
        let mut sex_hint = None;
        let mut leading_honorific = false;
        let value = match self {
            Kind::Exact | Kind::Edit => text_value(normalise::normalise_text(raw)),
            Kind::Sex => text_value(normalise::normalise_sex(raw)),
            Kind::Name => {
                let n = normalise::normalise_name(raw);
                sex_hint = n.sex_hint();
                leading_honorific = n.leading_honorific;
                let mut v = text_value(n.text());
                if !v.is_blank() {
                    let refs: Vec<&str> = n.tokens.iter().map(String::as_str).collect();
                    v.keys = Some(name_keys(&refs, true));
                }
                v
            }
            Kind::District => crate::places::prepare_district(raw),
            Kind::Village => crate::places::prepare_village(raw),
            Kind::Text | Kind::Phrase => {
                let mut text = normalise::normalise_text(raw);
                if self == Kind::Phrase {
                    text = crate::places::with_synonyms(&text);
                }
                let mut v = text_value(text);
                if !v.is_blank() {
                    // normalise_text leaves single spaces between words.
                    let refs: Vec<&str> = v.text.split(' ').collect();
                    let keys = name_keys(&refs, false);
                    v.keys = Some(keys);
                }
                v
            }
            Kind::Age => match normalise::parse_age(raw) {
                Ok(n) => {
                    let mut v = text_value(n.map(|n| n.to_string()).unwrap_or_default());
                    v.num = n;
                    v
                }
                Err(()) => {
                    return Err(BadValue {
                        expected: "a whole number of years or blank",
                    })
                }
            },
            Kind::Date | Kind::Days => {
                let (text, date) = normalise::parse_date(raw);
                let mut v = text_value(text);
                v.date = date;
                v
            }
        };
        Ok(Prepared {
            value,
            sex_hint,
            leading_honorific,
        })
    }
}

/// A compiled comparator for one field: its kind, thresholds and level labels.
#[derive(Clone, Debug)]
pub struct Comparator {
    pub kind: Kind,
    /// Jaro–Winkler thresholds (name, text), descending.
    pub jw: Vec<f64>,
    /// Edit-distance thresholds (edit), ascending.
    pub distances: Vec<u32>,
    /// Age bands in years (age), ascending.
    pub bands: Vec<i32>,
    /// Index of the field this one is compared with when the two are swapped (name).
    pub swap_with: Option<usize>,
    /// Index of the pet-name field checked against this one (name): a young child gives its
    /// pet name, which the caseworker writes as the given name.
    pub pet_name: Option<usize>,
    labels: Vec<String>,
}

/// Level label of a given name that is the other record's pet name.
const PET_NAME_LABEL: &str = "pet name on one side";

impl Comparator {
    /// Build a comparator; `None` thresholds take the documented defaults.
    pub fn new(
        kind: Kind,
        jw: Option<Vec<f64>>,
        distances: Option<Vec<u32>>,
        bands: Option<Vec<i32>>,
        swap_with: Option<usize>,
    ) -> Self {
        let mut jw = jw.unwrap_or_else(|| match kind {
            Kind::Text => vec![0.9],
            _ => vec![0.92, 0.8],
        });
        jw.sort_by(|a, b| b.total_cmp(a));
        let mut distances = distances.unwrap_or_else(|| vec![1, 2]);
        distances.sort_unstable();
        let mut bands = bands.unwrap_or_else(|| match kind {
            Kind::Days => vec![1, 3, 10, 30],
            _ => vec![1, 3],
        });
        bands.sort_unstable();
        let mut labels = vec!["blank".to_owned()];
        match kind {
            Kind::Exact | Kind::Sex => labels.push("exact".into()),
            Kind::District => labels.extend(
                [
                    "same district",
                    "former or parent district",
                    "neighbouring district",
                ]
                .map(String::from),
            ),
            Kind::Village => labels.extend(
                [
                    "exact",
                    "same name, other qualifiers",
                    "jaro-winkler >= 0.9",
                    "a name word shared",
                ]
                .map(String::from),
            ),
            Kind::Name => {
                labels.push("exact".into());
                labels.push("same words, any order".into());
                if swap_with.is_some() {
                    labels.push("swapped with other name field".into());
                }
                labels.push("sounds alike or nickname".into());
                labels.extend(jw.iter().map(|t| format!("jaro-winkler >= {t}")));
            }
            Kind::Text | Kind::Phrase => {
                labels.push("exact".into());
                labels.push("same words, any order".into());
                labels.extend(jw.iter().map(|t| format!("jaro-winkler >= {t}")));
                labels.push("half the words shared".into());
            }
            Kind::Edit => {
                labels.push("exact".into());
                labels.extend(distances.iter().map(|d| format!("edit distance <= {d}")));
            }
            Kind::Age => {
                labels.push("exact".into());
                labels.extend(
                    bands
                        .iter()
                        .map(|&b| format!("within {b} year{}", if b == 1 { "" } else { "s" })),
                );
            }
            Kind::Days => {
                labels.push("exact".into());
                labels.extend(
                    bands
                        .iter()
                        .map(|&b| format!("within {b} day{}", if b == 1 { "" } else { "s" })),
                );
            }
            Kind::Date => {
                labels.extend(
                    [
                        "exact",
                        "day and month transposed",
                        "one typo",
                        "same year and month",
                        "within one year",
                    ]
                    .map(String::from),
                );
            }
        }
        labels.push("different".into());
        Comparator {
            kind,
            jw,
            distances,
            bands,
            swap_with,
            pet_name: None,
            labels,
        }
    }

    /// Also compare a name with the other record's pet-name field (`pet_name` = its index).
    pub fn with_pet_name(mut self, pet_name: Option<usize>) -> Self {
        if self.kind == Kind::Name && pet_name.is_some() {
            if let Some(pos) = self
                .labels
                .iter()
                .position(|l| l == "sounds alike or nickname")
            {
                self.labels.insert(pos + 1, PET_NAME_LABEL.to_owned());
                self.pet_name = pet_name;
            }
        }
        self
    }

    /// Level labels, index = level.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The "sounds alike or nickname" level of a name comparator.
    pub(crate) fn sounds_alike_level(&self) -> u8 {
        self.labels
            .iter()
            .position(|l| l == "sounds alike or nickname")
            .map_or((self.labels.len() - 1) as u8, |p| p as u8)
    }

    /// Number of levels including blank and different.
    pub fn n_levels(&self) -> usize {
        self.labels.len()
    }

    /// Compare field `f` of two records (whole records are passed for swapped-field checks).
    pub fn compare(&self, f: usize, a: &[FieldValue], b: &[FieldValue]) -> u8 {
        let (x, y) = (&a[f], &b[f]);
        let last = (self.labels.len() - 1) as u8;
        if x.is_blank() || y.is_blank() {
            // Blank says nothing either way (weight 0), whatever the other side holds.
            return 0;
        }
        match self.kind {
            Kind::Exact | Kind::Sex => {
                if x.hash == y.hash {
                    1
                } else {
                    last
                }
            }
            Kind::Edit => {
                if x.hash == y.hash {
                    return 1;
                }
                let max = self.distances.last().copied().unwrap_or(0) as usize;
                let d = edit_from(x, y, max);
                for (i, t) in self.distances.iter().enumerate() {
                    if d <= *t as usize {
                        return 2 + i as u8;
                    }
                }
                last
            }
            Kind::Age => match (x.num, y.num) {
                (Some(p), Some(q)) => age_level(p, q, &self.bands).map_or(last, |l| l as u8),
                _ => 0,
            },
            Kind::Date => compare_dates(x, y),
            Kind::Days => match (x.date, y.date) {
                (Some(p), Some(q)) => {
                    let d = (p.ordinal() - q.ordinal()).abs();
                    if d == 0 {
                        return 1;
                    }
                    for (i, band) in self.bands.iter().enumerate() {
                        if d <= i64::from(*band) {
                            return 2 + i as u8;
                        }
                    }
                    last
                }
                // A date that does not parse is compared as written.
                _ => {
                    if x.hash == y.hash {
                        1
                    } else {
                        last
                    }
                }
            },
            Kind::District => crate::places::compare_district(x, y),
            Kind::Village => crate::places::compare_village(x, y),
            Kind::Name => self.compare_names(f, a, b, last),
            Kind::Text | Kind::Phrase => {
                let (kx, ky) = match exact_or_reordered(x, y, last) {
                    Ok(keys) => keys,
                    Err(level) => return level,
                };
                if let Some(&floor) = self.jw.last() {
                    let sim = jw_from(x, y, floor);
                    for (i, t) in self.jw.iter().enumerate() {
                        if sim >= *t {
                            return 3 + i as u8;
                        }
                    }
                }
                if shared_token_share(kx.tokens(), ky.tokens()) >= 0.5 {
                    return last - 1;
                }
                last
            }
        }
    }
}

fn compare_dates(x: &FieldValue, y: &FieldValue) -> u8 {
    // Levels: 1 exact, 2 transposed, 3 one typo, 4 same year-month, 5 within a year, 6 else.
    if let (Some(p), Some(q)) = (x.date, y.date) {
        // 1 January stands in for "born that year": only the year says anything.
        if (p.month, p.day) == (1, 1) || (q.month, q.day) == (1, 1) {
            return match (p.year - q.year).abs() {
                0 => 4,
                1 => 5,
                _ => 6,
            };
        }
    }
    if x.hash == y.hash {
        return 1;
    }
    if let (Some(p), Some(q)) = (x.date, y.date) {
        if p.year == q.year && p.month == q.day && p.day == q.month {
            return 2;
        }
    }
    if edit_from(x, y, 1) <= 1 {
        return 3;
    }
    if let (Some(p), Some(q)) = (x.date, y.date) {
        if p.year == q.year && p.month == q.month {
            return 4;
        }
        if (p.ordinal() - q.ordinal()).abs() <= 366 {
            return 5;
        }
    }
    6
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A prepared name (also for the name comparator's tests).
    pub(crate) fn name(s: &str) -> FieldValue {
        Kind::Name.prepare(s).map(|p| p.value).unwrap_or_default()
    }

    /// The label of the level `c` gives two one-field records.
    pub(crate) fn level(c: &Comparator, a: FieldValue, b: FieldValue) -> String {
        c.labels()[c.compare(0, &[a], &[b]) as usize].clone()
    }

    #[test]
    fn jaro_winkler_bound_is_an_upper_bound() {
        let words = [
            "rahim",
            "pranjal",
            "martha",
            "marhta",
            "lance hill avenue",
            "lance hil avenue",
            "x",
            "das",
        ];
        for a in words {
            for b in words {
                let (x, y) = (name(a), name(b));
                assert!(
                    jaro_winkler_bound(&x, &y) + 1e-12 >= jaro_winkler(a, b),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn edit_distance_bound_is_a_lower_bound() {
        let words = [
            "1234567", "1243567", "7654321", "20150304", "20151403", "", "abc", "cab",
        ];
        let e = |s: &str| Kind::Edit.prepare(s).map(|p| p.value).unwrap_or_default();
        for a in words {
            for b in words {
                assert!(
                    edit_distance_bound(&e(a), &e(b)) <= osa_distance(a, b),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn age_bands() {
        let c = Comparator::new(Kind::Age, None, None, None, None);
        let age = |s: &str| Kind::Age.prepare(s).map(|p| p.value).unwrap_or_default();
        assert_eq!(level(&c, age("7"), age("7")), "exact");
        assert_eq!(level(&c, age("7"), age("8")), "within 1 year");
        assert_eq!(level(&c, age("7"), age("10")), "within 3 years");
        assert_eq!(level(&c, age("7"), age("12")), "different");
        // A young child's age is a guess: the gap counts for less the younger the child.
        assert_eq!(level(&c, age("0"), age("4")), "within 3 years");
        assert_eq!(level(&c, age("1"), age("3")), "within 1 year");
        assert_eq!(level(&c, age("2"), age("13")), "different");
        assert_eq!(level(&c, age("5"), age("10")), "different");
        assert_eq!(level(&c, age("12"), age("15")), "within 3 years");
        assert_eq!(level(&c, age(""), age("12")), "blank");
        assert!(Kind::Age.prepare("abc").is_err());
    }

    #[test]
    fn date_levels() {
        let c = Comparator::new(Kind::Date, None, None, None, None);
        let d = |s: &str| Kind::Date.prepare(s).map(|p| p.value).unwrap_or_default();
        assert_eq!(level(&c, d("2015-03-04"), d("20150304")), "exact");
        assert_eq!(
            level(&c, d("2015-03-04"), d("2015-04-03")),
            "day and month transposed"
        );
        assert_eq!(level(&c, d("20150304"), d("20150314")), "one typo");
        assert_eq!(
            level(&c, d("2015-03-04"), d("2015-03-28")),
            "same year and month"
        );
        assert_eq!(
            level(&c, d("2015-03-04"), d("2014-09-30")),
            "within one year"
        );
        assert_eq!(level(&c, d("2015-03-04"), d("2001-09-30")), "different");
    }

    #[test]
    fn edit_levels() {
        let c = Comparator::new(Kind::Edit, None, None, None, None);
        let e = |s: &str| Kind::Edit.prepare(s).map(|p| p.value).unwrap_or_default();
        assert_eq!(level(&c, e("1234567"), e("1234567")), "exact");
        assert_eq!(level(&c, e("1234567"), e("1243567")), "edit distance <= 1");
        assert_eq!(level(&c, e("1234567"), e("1243568")), "edit distance <= 2");
        assert_eq!(level(&c, e("1234567"), e("7654321")), "different");
    }
}
