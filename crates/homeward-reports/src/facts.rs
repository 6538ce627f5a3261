//! What a report reads: the plain facts of each record (never a personal field) and of its
//! case events, how a record is broken down (sex, age band, a choice field), and the readers of
//! plain fields that the populations and indicators share.

use chrono::NaiveDate;
use homeward_domain::catalogue::{PROTECTION_STATUS, SEX};
use homeward_domain::{Document, RecordKind};
use serde_json::Value;

/// One record's plain facts and its case events' plain details, as the server reads them.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Its kind.
    pub kind: RecordKind,
    /// Its reference (households are joined to their visits by it; never shown).
    pub reference: String,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// Its status.
    pub status: String,
    /// Its plain fields only.
    pub fields: Document,
    /// Its workflow events (plain details only), oldest first.
    pub events: Vec<FactEvent>,
}

/// The plain side of one workflow event of a case.
#[derive(Debug, Clone)]
pub struct FactEvent {
    /// `reunification`, `followup`...
    pub kind: String,
    /// Its plain details.
    pub plain: Value,
    /// When a follow-up was done (YYYY-MM-DD).
    pub done_at: Option<String>,
}

/// How an indicator can be broken down, besides period and place.
#[derive(Debug, Clone, Copy)]
pub enum Breakdown {
    /// The child's sex.
    Sex,
    /// The child's age band (0–4, 5–9, 10–14, 15–17, unknown).
    AgeBand,
    /// A choice field of the record: `(breakdown name, values, how to read them)`.
    Category(
        &'static str,
        &'static [&'static str],
        fn(&Facts) -> Vec<String>,
    ),
}

/// Age bands of a child.
pub const AGE_BANDS: &[&str] = &["0-4", "5-9", "10-14", "15-17", "unknown"];

impl Breakdown {
    /// Its name in the API's `by`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sex => "sex",
            Self::AgeBand => "age_band",
            Self::Category(name, _, _) => name,
        }
    }

    /// Its fixed values (without the `unknown` every breakdown also has).
    fn known(&self) -> &'static [&'static str] {
        match self {
            Self::Sex => SEX,
            Self::AgeBand => AGE_BANDS,
            Self::Category(_, values, _) => values,
        }
    }

    /// Its values, `unknown` last where the field may be missing.
    pub fn values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.known().iter().map(|s| s.to_string()).collect();
        if !v.iter().any(|s| s == "unknown") {
            v.push("unknown".into());
        }
        v
    }

    /// The values a record counts under (a multiple choice counts under each); a value not in
    /// the list, or none, counts as `unknown`.
    pub fn read(&self, f: &Facts) -> Vec<String> {
        let got = match self {
            Self::Sex => text(f, sex_field(f))
                .map(str::to_string)
                .into_iter()
                .collect(),
            Self::AgeBand => vec![age_band(f).to_string()],
            Self::Category(_, _, read) => read(f),
        };
        let known = self.known();
        let mut out: Vec<String> = got
            .into_iter()
            .filter(|v| known.contains(&v.as_str()))
            .collect();
        if out.is_empty() {
            out.push("unknown".into());
        }
        out
    }
}

/// A field of a record. A record's plain fields are a dozen or two, and a report reads them
/// millions of times: comparing the names in turn is cheaper than hashing the name (the map's
/// hasher is SipHash) to probe for it.
pub(crate) fn field<'a>(fields: &'a Document, name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(k, _)| k.as_str() == name)
        .map(|(_, v)| v)
}

/// A text field, trimmed; `None` when missing or blank.
pub(crate) fn text<'a>(f: &'a Facts, name: &str) -> Option<&'a str> {
    field(&f.fields, name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

pub(crate) fn choices(f: &Facts, field: &str) -> Vec<String> {
    values_of(&f.fields, field)
}

/// The values of a choice or multiple-choice field (none when missing): what a record counts
/// under.
pub fn values_of(fields: &Document, name: &str) -> Vec<String> {
    match field(fields, name) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// A date from a `YYYY-MM-DD` or RFC 3339 text.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    // By hand: reports read many dates, and a format string is parsed anew on each call.
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> { s.get(r)?.parse().ok() };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

pub(crate) fn day(f: &Facts, field: &str) -> Option<NaiveDate> {
    text(f, field).and_then(parse_day)
}

pub(crate) fn sex_field(f: &Facts) -> &'static str {
    if f.kind == RecordKind::HomeVisit {
        "child_sex"
    } else {
        "sex"
    }
}

pub(crate) fn age_band(f: &Facts) -> &'static str {
    let field = if f.kind == RecordKind::HomeVisit {
        "child_age"
    } else {
        "age"
    };
    match self::field(&f.fields, field).and_then(Value::as_i64) {
        Some(0..=4) => "0-4",
        Some(5..=9) => "5-9",
        Some(10..=14) => "10-14",
        Some(15..=17) => "15-17",
        _ => "unknown",
    }
}

/// The district a record counts in (`unknown` when none is recorded).
pub fn district(f: &Facts) -> &str {
    text(f, "district").unwrap_or("unknown")
}

/// Gives each home visit its household's district (visits record the household only).
pub fn attach_household_districts(visits: &mut [Facts], households: &[Facts]) {
    let district_of: std::collections::HashMap<&str, &str> = households
        .iter()
        .filter_map(|h| Some((h.reference.as_str(), text(h, "district")?)))
        .collect();
    for v in visits {
        let d = text(v, "household").and_then(|home| district_of.get(home));
        if let Some(d) = d.map(|d| d.to_string()) {
            v.fields.insert("district".into(), Value::String(d));
        }
    }
}

/// A registered child: unaccompanied or separated, past identification, not a duplicate.
pub(crate) fn uasc_registered(f: &Facts) -> bool {
    text(f, "protection_status").is_some_and(|s| PROTECTION_STATUS.contains(&s))
        && text(f, "stage") != Some("identified")
        && f.status != "duplicate"
        && text(f, "merged_into").is_none()
}

/// The registration date: the form's, else when the register step was taken.
pub(crate) fn registered_on(f: &Facts) -> Option<NaiveDate> {
    day(f, "registration_date")
        .or_else(|| day(f, "registered_at"))
        .or_else(|| parse_day(&f.created_at))
}

pub(crate) fn reunified_on(f: &Facts) -> Option<NaiveDate> {
    f.events
        .iter()
        .filter(|e| e.kind == "reunification")
        .filter_map(|e| {
            e.plain
                .get("reunification_date")?
                .as_str()
                .and_then(parse_day)
        })
        .next_back()
}

pub(crate) fn followups_done(f: &Facts) -> impl Iterator<Item = &FactEvent> {
    f.events
        .iter()
        .filter(|e| e.kind == "followup" && e.done_at.is_some())
}
