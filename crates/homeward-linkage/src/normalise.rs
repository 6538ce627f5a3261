//! Normalisation of free-text values before comparison: Unicode NFKC, case folding, romanisation
//! of Bengali–Assamese and Devanagari, Latin diacritic stripping, punctuation removal, and the
//! separation of honorifics and name affixes (Md, Sri, Smt, Devi, Begum, …) from name tokens.
//!
//! It owns the honorific table. Honorifics are kept as a separate attribute (`titles`) because
//! they are applied inconsistently between two registrations of the same child ("Md Rahim" by one
//! volunteer, "Rahim" by another) but still say something: most imply the person's sex, which we
//! use as a hint when the sex column is blank.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::names::{self, Role};
use crate::translit;

/// Sex as recorded or implied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    /// The code stored in normalised sex fields.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "f",
            Sex::Male => "m",
        }
    }
}

/// A name split into its name tokens and the honorifics/affixes found around them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalisedName {
    /// Name tokens in written order, romanised, lower case.
    pub tokens: Vec<String>,
    /// Honorifics and affixes that were separated from the name (normalised spelling).
    pub titles: Vec<String>,
    /// The name as written began with an honorific (Md., Sri, Mst.).
    pub leading_honorific: bool,
}

impl NormalisedName {
    /// The name tokens joined by single spaces.
    pub fn text(&self) -> String {
        self.tokens.join(" ")
    }

    /// The sex the titles imply, if they agree.
    pub fn sex_hint(&self) -> Option<Sex> {
        let mut hint = None;
        for t in &self.titles {
            let implied = match names::role(t, 0) {
                Role::Honorific(s) => s,
                Role::Marker(s) => Some(s),
                Role::Name | Role::Middle => None,
            };
            if let Some(s) = implied {
                match hint {
                    None => hint = Some(s),
                    Some(h) if h != s => return None,
                    _ => {}
                }
            }
        }
        hint
    }
}

/// Whether a normalised token is an honorific or a female marker (see `crate::names`).
pub fn is_title(token: &str) -> bool {
    names::is_title(token)
}

/// Normalise free text: NFKC, case folding, romanisation of Indic scripts, Latin diacritics
/// removed, apostrophes dropped (D'Souza → dsouza), other punctuation turned into spaces, runs of
/// spaces collapsed. The result is idempotent: `normalise_text(normalise_text(x)) == normalise_text(x)`.
pub fn normalise_text(s: &str) -> String {
    // Fast path for the common case (plain ASCII): no Unicode tables needed.
    if s.is_ascii() {
        return ascii_clean(s);
    }
    let nfkc: String = s.nfkc().collect();
    // Assamese ৰ is Bengali র (same sound); fold before anything else compares.
    let folded: String = nfkc
        .chars()
        .map(|c| if c == 'ৰ' { 'র' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    let folded: String = folded.nfkc().collect();
    let romanised = translit::romanise(&folded);
    let mut out = String::with_capacity(romanised.len());
    for c in romanised.nfkd() {
        if c.is_ascii() {
            out.push(c);
        } else if is_combining_mark(c) {
            // A mark on a Latin letter (é = e + ´) is a diacritic: drop it. Marks of other
            // scripts (Arabic, Tamil, …) stay with their letter.
            if out.chars().last().is_some_and(|p| !p.is_ascii()) {
                out.push(c);
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if is_apostrophe(c) {
            // dropped
        } else {
            out.push(' ');
        }
    }
    // Recompose what stays non-Latin so the output is in NFC-like form and stable.
    let recomposed: String = out.nfc().collect();
    ascii_clean_unicode(&recomposed)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn ascii_clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
            space = false;
        } else if b == b'\'' || b == b'`' {
            // apostrophes are dropped
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn ascii_clean_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars() {
        if c.is_alphanumeric() || (is_combining_mark(c) && !space) {
            out.extend(c.to_lowercase());
            space = false;
        } else if is_apostrophe(c) {
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Normalise a personal name and separate what is not the name: honorifics (Md., Sri, Mst.),
/// female markers in place of a family name (Begum, Khatun, Devi) and middle names after the
/// given name (Kr., Chandra, Prasad). A name written as a marker or honorific alone ("Begum",
/// "Md.") has no name tokens: it says nothing about the name. A middle name alone is the name.
pub fn normalise_name(s: &str) -> NormalisedName {
    let text = normalise_text(s);
    let mut out = NormalisedName::default();
    let mut middles = Vec::new();
    for (i, t) in text.split(' ').filter(|t| !t.is_empty()).enumerate() {
        match names::role(t, out.tokens.len()) {
            Role::Name => out.tokens.push(t.to_owned()),
            Role::Middle => middles.push(t.to_owned()),
            Role::Honorific(_) => {
                out.leading_honorific |= i == 0;
                out.titles.push(t.to_owned());
            }
            Role::Marker(_) => out.titles.push(t.to_owned()),
        }
    }
    if out.tokens.is_empty() {
        out.tokens = middles;
    }
    out
}

/// Normalise a sex value written in English, Assamese, Bengali or Hindi to `m`/`f`; anything else
/// is kept in normalised form (e.g. "other").
pub fn normalise_sex(s: &str) -> String {
    let t = normalise_text(s);
    let sex = match t.as_str() {
        "m" | "male" | "boy" | "man" | "purush" | "purus" | "purusha" | "chele" | "larka"
        | "ladka" | "lora" | "lara" | "m boy" => Some(Sex::Male),
        "f" | "female" | "girl" | "woman" | "mahila" | "meye" | "ladki" | "larki" | "stri"
        | "nari" | "chokri" | "suwali" | "f girl" => Some(Sex::Female),
        _ => None,
    };
    match sex {
        Some(s) => s.code().to_owned(),
        None => t,
    }
}

/// Parse an age in whole years (native digits allowed, a trailing "years"/"yrs"/"y" tolerated,
/// decimals truncated). `Ok(None)` for blank, `Err(())` for text that is not an age.
#[allow(clippy::result_unit_err)]
pub fn parse_age(s: &str) -> Result<Option<i32>, ()> {
    let t = normalise_text(s);
    if t.is_empty() {
        return Ok(None);
    }
    let mut parts = t.split(' ');
    let num = parts.next().unwrap_or("");
    let unit_ok = match parts.next() {
        None => true,
        Some(u) => matches!(u, "years" | "year" | "yrs" | "yr" | "y") && parts.next().is_none(),
    };
    if !unit_ok {
        return Err(());
    }
    // "7 5" arises from "7.5" (punctuation became a space): keep the whole years.
    match num.parse::<i32>() {
        Ok(v) if (0..=150).contains(&v) => Ok(Some(v)),
        _ => Err(()),
    }
}

/// A calendar date as written; `month`/`day` are kept even when the date is invalid (FEBRL
/// duplicates hold 31 February) because a typo'd date still carries evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LooseDate {
    pub year: i16,
    pub month: u8,
    pub day: u8,
}

impl LooseDate {
    /// Days since an epoch, clamping impossible days so that near-dates compare as near.
    pub fn ordinal(self) -> i64 {
        // Days-from-civil (H. Hinnant), with month/day clamped into range.
        let m = i64::from(self.month.clamp(1, 12));
        let d = i64::from(self.day.clamp(1, 31));
        let y = i64::from(self.year) - if m <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe
    }
}

/// Parse a date written `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `DD-MM-YYYY` or `DD/MM/YYYY`
/// (native digits allowed). Returns the canonical `YYYYMMDD` digits (or the normalised digits
/// when the layout is not recognised) and the parsed date.
pub fn parse_date(s: &str) -> (String, Option<LooseDate>) {
    let t = normalise_text(s);
    if t.is_empty() {
        return (t, None);
    }
    let parts: Vec<&str> = t.split(' ').collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    let date = match (parts.as_slice(), nums) {
        ([p], Some(_)) if p.len() == 8 => {
            let y: Option<u32> = p[0..4].parse().ok();
            let m: Option<u32> = p[4..6].parse().ok();
            let d: Option<u32> = p[6..8].parse().ok();
            match (y, m, d) {
                (Some(y), Some(m), Some(d)) => Some((y, m, d)),
                _ => None,
            }
        }
        ([a, _, _], Some(n)) if a.len() == 4 => Some((n[0], n[1], n[2])),
        ([_, _, c], Some(n)) if c.len() == 4 => Some((n[2], n[1], n[0])),
        _ => None,
    };
    match date {
        Some((y, m, d)) if m <= 99 && d <= 99 && y <= 9999 => {
            let d = LooseDate {
                year: y as i16,
                month: m as u8,
                day: d as u8,
            };
            (format!("{:04}{:02}{:02}", d.year, d.month, d.day), Some(d))
        }
        _ => (t.replace(' ', ""), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cross_script_names_normalise_alike() {
        assert_eq!(
            normalise_name("রহিম").text(),
            normalise_name("Rahim").text()
        );
        assert_eq!(
            normalise_name("राहुल").text(),
            normalise_name("RAHUL").text()
        );
        assert_eq!(normalise_name("বিকাশ বৰুৱা").text(), "bikash barua");
    }

    #[test]
    fn honorifics_are_separated_and_hint_sex() {
        let n = normalise_name("Md. Rahim Uddin");
        assert_eq!(n.tokens, vec!["rahim", "uddin"]);
        assert_eq!(n.titles, vec!["md"]);
        assert_eq!(n.sex_hint(), Some(Sex::Male));

        let n = normalise_name("Smt. Sunita Devi");
        assert_eq!(n.tokens, vec!["sunita"]);
        assert_eq!(n.sex_hint(), Some(Sex::Female));

        let n = normalise_name("মোঃ রহিম");
        assert_eq!(n.tokens, vec!["rahim"]);
        assert_eq!(n.sex_hint(), Some(Sex::Male));

        // A lone marker says nothing about the name, only the sex.
        let n = normalise_name("Khatun");
        assert!(n.tokens.is_empty());
        assert_eq!(n.sex_hint(), Some(Sex::Female));

        // Middle names after the given name are not compared; alone they are the name.
        assert_eq!(
            normalise_name("Debajit Kr. Das").tokens,
            vec!["debajit", "das"]
        );
        assert_eq!(normalise_name("Dhiraj Prasad").tokens, vec!["dhiraj"]);
        assert_eq!(normalise_name("Kumar").tokens, vec!["kumar"]);
        assert_eq!(normalise_name("Sabina Nessa").tokens, vec!["sabina"]);
        assert_eq!(normalise_name("Basanti Devih").tokens, vec!["basanti"]);

        // Contradictory titles give no hint.
        assert_eq!(normalise_name("Md Rina Begum").sex_hint(), None);
    }

    #[test]
    fn punctuation_and_diacritics() {
        assert_eq!(
            normalise_text("  D'Souza,  José-María "),
            "dsouza jose maria"
        );
        assert_eq!(normalise_text("ＲＡＨＩＭ"), "rahim");
    }

    #[test]
    fn sex_age_and_dates() {
        assert_eq!(normalise_sex("Female"), "f");
        assert_eq!(normalise_sex("পুৰুষ"), "m");
        assert_eq!(parse_age("১২"), Ok(Some(12)));
        assert_eq!(parse_age("7 years"), Ok(Some(7)));
        assert_eq!(parse_age(""), Ok(None));
        assert_eq!(parse_age("abc"), Err(()));
        assert_eq!(parse_date("2015-03-04").0, "20150304");
        assert_eq!(parse_date("04/03/2015").0, "20150304");
        let (t, d) = parse_date("19560231");
        assert_eq!(t, "19560231");
        assert_eq!(d.map(|d| d.month), Some(2));
    }

    proptest! {
        #[test]
        fn normalise_never_panics_and_is_idempotent(s in "\\PC{0,40}") {
            let once = normalise_text(&s);
            prop_assert_eq!(normalise_text(&once), once.clone());
            let name = normalise_name(&s);
            prop_assert_eq!(normalise_name(&name.text()).text(), name.text());
        }

        #[test]
        fn indic_normalisation_is_idempotent(s in "[\u{0980}-\u{09FF}\u{0900}-\u{097F} a-zA-Z.]{0,30}") {
            let once = normalise_text(&s);
            prop_assert_eq!(normalise_text(&once), once.clone());
            let _ = parse_date(&s);
            let _ = parse_age(&s);
        }
    }
}
