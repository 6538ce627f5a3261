//! The indicators, each defined once (issue 12 point 1, domain.md §7): its id, what it counts
//! (the population, the denominator of a share), what its numerator is, the rule in words, the
//! date that puts a record in a period, and the breakdowns it can be disaggregated by. Every
//! function here reads plain fields only (sex, age, district, dates, choices); no personal
//! field is ever handed in.
//!
//! Shares are cohort shares: of the children registered in the period, how many have had
//! tracing started, been reunified... by the time the report is made. Flows (home visits,
//! referrals, interceptions, incidents) count records whose own date falls in the period.

use chrono::NaiveDate;
use homeward_domain::catalogue::prevention::{
    EXPLOITATION_TYPE, RECRUITMENT_METHOD, REFERRAL_STATUS, SERVICE_TYPES,
};
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

/// What an indicator measures.
#[derive(Debug, Clone, Copy)]
pub enum Measure {
    /// How many records of the population fall in the period.
    Count,
    /// How many of the population have the numerator, out of the population.
    Share(fn(&Facts) -> bool),
    /// The median of a number of days over the population.
    MedianDays(fn(&Facts) -> Option<i64>),
}

/// One indicator, defined once.
#[derive(Debug, Clone, Copy)]
pub struct Indicator {
    /// Stable id, used in the API.
    pub id: &'static str,
    /// A coordinator's words for it.
    pub title: &'static str,
    /// The kind of record it counts.
    pub source: RecordKind,
    /// Who is counted (the denominator of a share).
    pub population: &'static str,
    /// The numerator of a share, or the measure of a median.
    pub numerator: Option<&'static str>,
    /// The rule in full: which date, which fields, which values.
    pub rule: &'static str,
    /// Whether a record is in the population at all.
    pub counts: fn(&Facts) -> bool,
    /// The date that puts a record in a period.
    pub date: fn(&Facts) -> Option<NaiveDate>,
    /// What is measured over the population.
    pub measure: Measure,
    /// The breakdowns besides period and place.
    pub breakdowns: &'static [Breakdown],
}

fn text<'a>(f: &'a Facts, field: &str) -> Option<&'a str> {
    f.fields
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn choices(f: &Facts, field: &str) -> Vec<String> {
    values_of(&f.fields, field)
}

/// The values of a choice or multiple-choice field (none when missing): what a record counts
/// under.
pub fn values_of(fields: &Document, field: &str) -> Vec<String> {
    match fields.get(field) {
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

fn day(f: &Facts, field: &str) -> Option<NaiveDate> {
    text(f, field).and_then(parse_day)
}

fn sex_field(f: &Facts) -> &'static str {
    if f.kind == RecordKind::HomeVisit {
        "child_sex"
    } else {
        "sex"
    }
}

fn age_band(f: &Facts) -> &'static str {
    let field = if f.kind == RecordKind::HomeVisit {
        "child_age"
    } else {
        "age"
    };
    match f.fields.get(field).and_then(Value::as_i64) {
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
fn uasc_registered(f: &Facts) -> bool {
    text(f, "protection_status").is_some_and(|s| PROTECTION_STATUS.contains(&s))
        && text(f, "stage") != Some("identified")
        && f.status != "duplicate"
        && text(f, "merged_into").is_none()
}

/// The registration date: the form's, else when the register step was taken.
fn registered_on(f: &Facts) -> Option<NaiveDate> {
    day(f, "registration_date")
        .or_else(|| day(f, "registered_at"))
        .or_else(|| parse_day(&f.created_at))
}

fn reunified_on(f: &Facts) -> Option<NaiveDate> {
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

fn followups_done(f: &Facts) -> impl Iterator<Item = &FactEvent> {
    f.events
        .iter()
        .filter(|e| e.kind == "followup" && e.done_at.is_some())
}

/// Care with a family: parents, relatives, foster families, kafala.
pub const FAMILY_BASED_CARE: &[&str] = &[
    "parents",
    "step_parent",
    "customary_caregiver",
    "adult_sibling",
    "kinship_care",
    "foster_care",
    "kafala",
];

/// Documents that prove a child's identity.
pub const IDENTITY_DOCUMENTS: &[&str] =
    &["birth_certificate", "national_id", "passport", "refugee_id"];

const CHILD: &[Breakdown] = &[Breakdown::Sex, Breakdown::AgeBand];
const UASC: &[Breakdown] = &[
    Breakdown::Sex,
    Breakdown::AgeBand,
    Breakdown::Category("protection_status", PROTECTION_STATUS, |f| {
        choices(f, "protection_status")
    }),
];

/// Every indicator, in the order a report shows them.
pub const INDICATORS: &[Indicator] = &[
    Indicator {
        id: "uasc_registered",
        title: "Unaccompanied and separated children registered",
        source: RecordKind::Case,
        population: "children registered in the period",
        numerator: None,
        rule: "cases whose protection status is unaccompanied or separated, past identification, not duplicates; dated by registration_date, else when the register step was taken",
        counts: uasc_registered,
        date: registered_on,
        measure: Measure::Count,
        breakdowns: UASC,
    },
    Indicator {
        id: "registered_within_24h",
        title: "Registered within 24 hours of identification",
        source: RecordKind::Case,
        population: "children registered in the period whose date of identification is recorded",
        numerator: Some("registered no later than the day after the date of identification"),
        rule: "registration date minus date_of_identification is 0 or 1 day (dates are days, so 24 h is read as 'by the next day')",
        counts: |f| uasc_registered(f) && day(f, "date_of_identification").is_some(),
        date: registered_on,
        measure: Measure::Share(|f| match (registered_on(f), day(f, "date_of_identification")) {
            (Some(r), Some(i)) => (r - i).num_days() <= 1,
            _ => false,
        }),
        breakdowns: CHILD,
    },
    Indicator {
        id: "tracing_started",
        title: "Tracing started",
        source: RecordKind::Case,
        population: "children registered in the period",
        numerator: Some("tracing has started (tracing_started_at is set)"),
        rule: "cohort of the period's registrations; tracing started at any time up to the report",
        counts: uasc_registered,
        date: registered_on,
        measure: Measure::Share(|f| text(f, "tracing_started_at").is_some()),
        breakdowns: CHILD,
    },
    Indicator {
        id: "reunified",
        title: "Reunified with their family",
        source: RecordKind::Case,
        population: "children registered in the period",
        numerator: Some("reunified (a reunification is recorded)"),
        rule: "cohort of the period's registrations; reunified at any time up to the report",
        counts: uasc_registered,
        date: registered_on,
        measure: Measure::Share(|f| reunified_on(f).is_some()),
        breakdowns: CHILD,
    },
    Indicator {
        id: "days_to_reunification",
        title: "Median days from registration to reunification",
        source: RecordKind::Case,
        population: "children reunified in the period",
        numerator: Some("days from registration to reunification"),
        rule: "dated by the reunification_date; the median is withheld below supervisor wherever its count is",
        counts: |f| uasc_registered(f) && reunified_on(f).is_some(),
        date: reunified_on,
        measure: Measure::MedianDays(|f| Some((reunified_on(f)? - registered_on(f)?).num_days())),
        breakdowns: &[],
    },
    Indicator {
        id: "reunified_followed_up",
        title: "Reunified and followed up",
        source: RecordKind::Case,
        population: "children reunified in the period",
        numerator: Some("at least one follow-up visit done"),
        rule: "dated by the reunification_date; a follow-up counts once it is recorded as done",
        counts: |f| uasc_registered(f) && reunified_on(f).is_some(),
        date: reunified_on,
        measure: Measure::Share(|f| followups_done(f).next().is_some()),
        breakdowns: CHILD,
    },
    Indicator {
        id: "with_family_at_last_followup",
        title: "Still with the family at the last follow-up",
        source: RecordKind::Case,
        population: "children reunified in the period with a follow-up done",
        numerator: Some("found living with the family at the latest follow-up done"),
        rule: "dated by the reunification_date; the latest follow-up by its date done, child_with_family = true",
        counts: |f| uasc_registered(f) && reunified_on(f).is_some() && followups_done(f).next().is_some(),
        date: reunified_on,
        measure: Measure::Share(|f| {
            followups_done(f)
                .max_by(|a, b| a.done_at.cmp(&b.done_at))
                .and_then(|e| e.plain.get("child_with_family")?.as_bool())
                == Some(true)
        }),
        breakdowns: CHILD,
    },
    Indicator {
        id: "family_based_care",
        title: "In family-based care",
        source: RecordKind::Case,
        population: "children registered in the period with a care arrangement recorded",
        numerator: Some("the current care arrangement is family-based (parents, step-parent, customary caregiver, adult sibling, kinship, foster care, kafala)"),
        rule: "care_arrangements_type as it stands at the report",
        counts: |f| uasc_registered(f) && text(f, "care_arrangements_type").is_some(),
        date: registered_on,
        measure: Measure::Share(|f| {
            text(f, "care_arrangements_type").is_some_and(|c| FAMILY_BASED_CARE.contains(&c))
        }),
        breakdowns: CHILD,
    },
    Indicator {
        id: "birth_certificate_or_id",
        title: "With a birth certificate or identity document",
        source: RecordKind::Case,
        population: "children registered in the period",
        numerator: Some("holds a birth certificate, national ID, passport or refugee ID, or the birth registration is issued"),
        rule: "documents_held and birth_registration as they stand at the report",
        counts: uasc_registered,
        date: registered_on,
        measure: Measure::Share(|f| {
            choices(f, "documents_held").iter().any(|d| IDENTITY_DOCUMENTS.contains(&d.as_str()))
                || text(f, "birth_registration")== Some("issued")
        }),
        breakdowns: CHILD,
    },
    Indicator {
        id: "home_visits",
        title: "Home visits made",
        source: RecordKind::HomeVisit,
        population: "home visits made in the period",
        numerator: None,
        rule: "dated by visit_date; the place is the household's district; sex and age are the child seen",
        counts: |_| true,
        date: |f| day(f, "visit_date"),
        measure: Measure::Count,
        breakdowns: CHILD,
    },
    Indicator {
        id: "high_risk_households",
        title: "High-risk households among those visited",
        source: RecordKind::Household,
        population: "households whose last visit fell in the period",
        numerator: Some("risk level high after that visit"),
        rule: "dated by last_visit_date; risk_level as the visit's checklist scored it",
        counts: |f| day(f, "last_visit_date").is_some(),
        date: |f| day(f, "last_visit_date"),
        measure: Measure::Share(|f| text(f, "risk_level")== Some("high")),
        breakdowns: &[],
    },
    Indicator {
        id: "referrals",
        title: "Referrals by service and status",
        source: RecordKind::Referral,
        population: "referrals sent in the period",
        numerator: None,
        rule: "dated by referral_date; status as it stands at the report",
        counts: |_| true,
        date: |f| day(f, "referral_date"),
        measure: Measure::Count,
        breakdowns: &[
            Breakdown::Category("service_type", SERVICE_TYPES, |f| choices(f, "service_type")),
            Breakdown::Category("referral_status", REFERRAL_STATUS, |f| vec![f.status.clone()]),
        ],
    },
    Indicator {
        id: "checkpoint_interceptions",
        title: "Children intercepted at checkpoints",
        source: RecordKind::CheckpointLog,
        population: "checkpoint logs in the period",
        numerator: None,
        rule: "dated by log_date; the place is the checkpoint's district",
        counts: |_| true,
        date: |f| day(f, "log_date"),
        measure: Measure::Count,
        breakdowns: CHILD,
    },
    Indicator {
        id: "interceptions_verified_with_family",
        title: "Interceptions verified with the family",
        source: RecordKind::CheckpointLog,
        population: "checkpoint logs in the period",
        numerator: Some("the family was reached and knew of the journey, or the child was handed to the family"),
        rule: "cp_family_unaware_or_no_contact answered `no`, or the outcome is handed_to_family",
        counts: |_| true,
        date: |f| day(f, "log_date"),
        measure: Measure::Share(|f| {
            text(f, "cp_family_unaware_or_no_contact")== Some("no")
                || f.status == "handed_to_family"
        }),
        breakdowns: CHILD,
    },
    Indicator {
        id: "incidents_by_recruitment",
        title: "Trafficking incidents by method of recruitment",
        source: RecordKind::Incident,
        population: "incidents reported in the period",
        numerator: None,
        rule: "dated by incident_date; HTCDS vic_MethodOfRecruitment",
        counts: |_| true,
        date: |f| day(f, "incident_date"),
        measure: Measure::Count,
        breakdowns: &[Breakdown::Category("method_of_recruitment", RECRUITMENT_METHOD, |f| {
            choices(f, "method_of_recruitment")
        })],
    },
    Indicator {
        id: "incidents_by_exploitation",
        title: "Trafficking incidents by type of exploitation",
        source: RecordKind::Incident,
        population: "mentions of a type of exploitation in incidents reported in the period",
        numerator: None,
        rule: "dated by incident_date; HTCDS vic_TypeOfExploitation, a multiple choice: an incident counts once under each type it names, so the total counts mentions",
        counts: |_| true,
        date: |f| day(f, "incident_date"),
        measure: Measure::Count,
        breakdowns: &[Breakdown::Category("type_of_exploitation", EXPLOITATION_TYPE, |f| {
            choices(f, "type_of_exploitation")
        })],
    },
];

/// The indicator with this id.
pub fn indicator(id: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.id == id)
}

/// Every breakdown name some indicator has, for checking `by`.
pub fn breakdown_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = INDICATORS
        .iter()
        .flat_map(|i| i.breakdowns.iter().map(Breakdown::name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub fn case(fields: Value, events: Vec<FactEvent>) -> Facts {
        Facts {
            kind: RecordKind::Case,
            reference: "HW-TEST".into(),
            created_at: "2026-06-01T00:00:00Z".into(),
            status: "open".into(),
            fields: fields.as_object().cloned().unwrap_or_default(),
            events,
        }
    }

    #[test]
    fn ids_are_unique_and_every_breakdown_has_unknown() {
        let mut ids: Vec<_> = INDICATORS.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), INDICATORS.len());
        for i in INDICATORS {
            for b in i.breakdowns {
                assert!(b.values().contains(&"unknown".to_string()), "{}", b.name());
            }
        }
    }

    #[test]
    fn registration_within_a_day_of_identification_counts() {
        let i = indicator("registered_within_24h").unwrap();
        let Measure::Share(num) = i.measure else {
            panic!("a share")
        };
        let on_time = case(
            json!({"protection_status": "separated", "stage": "registered", "date_of_identification": "2026-06-01", "registration_date": "2026-06-02"}),
            vec![],
        );
        let late = case(
            json!({"protection_status": "separated", "stage": "registered", "date_of_identification": "2026-06-01", "registration_date": "2026-06-03"}),
            vec![],
        );
        assert!((i.counts)(&on_time) && num(&on_time));
        assert!((i.counts)(&late) && !num(&late));
        let identified = case(
            json!({"protection_status": "separated", "stage": "identified"}),
            vec![],
        );
        assert!(!(i.counts)(&identified), "not yet registered");
    }

    #[test]
    fn the_last_followup_decides_whether_the_child_is_still_home() {
        let i = indicator("with_family_at_last_followup").unwrap();
        let Measure::Share(num) = i.measure else {
            panic!("a share")
        };
        let ev = |kind: &str, plain: Value, done: Option<&str>| FactEvent {
            kind: kind.into(),
            plain,
            done_at: done.map(Into::into),
        };
        let f = case(
            json!({"protection_status": "separated", "stage": "follow_up", "registration_date": "2026-01-10"}),
            vec![
                ev(
                    "reunification",
                    json!({"reunification_date": "2026-03-01"}),
                    None,
                ),
                ev(
                    "followup",
                    json!({"child_with_family": true}),
                    Some("2026-03-10"),
                ),
                ev(
                    "followup",
                    json!({"child_with_family": false}),
                    Some("2026-04-10"),
                ),
            ],
        );
        assert!((i.counts)(&f));
        assert!(!num(&f), "the latest visit found the child gone");
        assert_eq!((i.date)(&f), NaiveDate::from_ymd_opt(2026, 3, 1));
        let Measure::MedianDays(days) = indicator("days_to_reunification").unwrap().measure else {
            panic!("a median")
        };
        assert_eq!(days(&f), Some(50));
    }

    #[test]
    fn missing_or_unknown_values_count_as_unknown() {
        let f = case(json!({"sex": "female", "age": 16}), vec![]);
        assert_eq!(Breakdown::Sex.read(&f), vec!["female"]);
        assert_eq!(Breakdown::AgeBand.read(&f), vec!["15-17"]);
        let g = case(json!({"sex": "robot"}), vec![]);
        assert_eq!(Breakdown::Sex.read(&g), vec!["unknown"]);
        assert_eq!(Breakdown::AgeBand.read(&g), vec!["unknown"]);
    }
}
