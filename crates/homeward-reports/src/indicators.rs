//! The indicators, each defined once (issue 12 point 1, domain.md §7): its id, what it counts
//! (the population, the denominator of a share), what its numerator is, the rule in words, the
//! date that puts a record in a period, and the breakdowns it can be disaggregated by. Every
//! function here reads plain fields only (sex, age, district, dates, choices); no personal
//! field is ever handed in.
//!
//! Shares are cohort shares: of the children registered in the period, how many have had
//! tracing started, been reunified... by the time the report is made. Flows (home visits,
//! referrals, interceptions, incidents) count records whose own date falls in the period.

pub use crate::facts::{
    attach_household_districts, district, parse_day, values_of, Breakdown, FactEvent, Facts,
    AGE_BANDS,
};
use crate::facts::{choices, day, followups_done, registered_on, reunified_on, text};
pub use crate::population::Population;
use crate::population::{
    CHECKPOINT_LOGS, EXPLOITATION_MENTIONS, HOME_VISITS, INCIDENTS, IN_CARE, REFERRALS, REGISTERED,
    REGISTERED_IDENTIFIED, REUNIFIED, REUNIFIED_FOLLOWED_UP, VISITED_HOUSEHOLDS,
};

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
    /// Who is counted (the denominator of a share).
    pub population: &'static Population,
    /// The numerator of a share, or the measure of a median.
    pub numerator: Option<&'static str>,
    /// The rule in full: which date, which fields, which values.
    pub rule: &'static str,
    /// What is measured over the population.
    pub measure: Measure,
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

pub const INDICATORS: &[Indicator] = &[
    Indicator {
        id: "uasc_registered",
        title: "Unaccompanied and separated children registered",
        population: &REGISTERED,
        numerator: None,
        rule: "cases whose protection status is unaccompanied or separated, past identification, not duplicates; dated by registration_date, else when the register step was taken",
        measure: Measure::Count,
    },
    Indicator {
        id: "registered_within_24h",
        title: "Registered within 24 hours of identification",
        population: &REGISTERED_IDENTIFIED,
        numerator: Some("registered no later than the day after the date of identification"),
        rule: "registration date minus date_of_identification is 0 or 1 day (dates are days, so 24 h is read as 'by the next day')",
        measure: Measure::Share(|f| match (registered_on(f), day(f, "date_of_identification")) {
            (Some(r), Some(i)) => (r - i).num_days() <= 1,
            _ => false,
        }),
    },
    Indicator {
        id: "tracing_started",
        title: "Tracing started",
        population: &REGISTERED,
        numerator: Some("tracing has started (tracing_started_at is set)"),
        rule: "cohort of the period's registrations; tracing started at any time up to the report",
        measure: Measure::Share(|f| text(f, "tracing_started_at").is_some()),
    },
    Indicator {
        id: "reunified",
        title: "Reunified with their family",
        population: &REGISTERED,
        numerator: Some("reunified (a reunification is recorded)"),
        rule: "cohort of the period's registrations; reunified at any time up to the report",
        measure: Measure::Share(|f| reunified_on(f).is_some()),
    },
    Indicator {
        id: "days_to_reunification",
        title: "Median days from registration to reunification",
        population: &REUNIFIED,
        numerator: Some("days from registration to reunification"),
        rule: "dated by the reunification_date; the median is withheld below supervisor wherever its count is",
        measure: Measure::MedianDays(|f| Some((reunified_on(f)? - registered_on(f)?).num_days())),
    },
    Indicator {
        id: "reunified_followed_up",
        title: "Reunified and followed up",
        population: &REUNIFIED,
        numerator: Some("at least one follow-up visit done"),
        rule: "dated by the reunification_date; a follow-up counts once it is recorded as done",
        measure: Measure::Share(|f| followups_done(f).next().is_some()),
    },
    Indicator {
        id: "with_family_at_last_followup",
        title: "Still with the family at the last follow-up",
        population: &REUNIFIED_FOLLOWED_UP,
        numerator: Some("found living with the family at the latest follow-up done"),
        rule: "dated by the reunification_date; the latest follow-up by its date done, child_with_family = true",
        measure: Measure::Share(|f| {
            followups_done(f)
                .max_by(|a, b| a.done_at.cmp(&b.done_at))
                .and_then(|e| e.plain.get("child_with_family")?.as_bool())
                == Some(true)
        }),
    },
    Indicator {
        id: "family_based_care",
        title: "In family-based care",
        population: &IN_CARE,
        numerator: Some("the current care arrangement is family-based (parents, step-parent, customary caregiver, adult sibling, kinship, foster care, kafala)"),
        rule: "care_arrangements_type as it stands at the report",
        measure: Measure::Share(|f| {
            text(f, "care_arrangements_type").is_some_and(|c| FAMILY_BASED_CARE.contains(&c))
        }),
    },
    Indicator {
        id: "birth_certificate_or_id",
        title: "With a birth certificate or identity document",
        population: &REGISTERED,
        numerator: Some("holds a birth certificate, national ID, passport or refugee ID, or the birth registration is issued"),
        rule: "documents_held and birth_registration as they stand at the report",
        measure: Measure::Share(|f| {
            choices(f, "documents_held").iter().any(|d| IDENTITY_DOCUMENTS.contains(&d.as_str()))
                || text(f, "birth_registration")== Some("issued")
        }),
    },
    Indicator {
        id: "home_visits",
        title: "Home visits made",
        population: &HOME_VISITS,
        numerator: None,
        rule: "dated by visit_date; the place is the household's district; sex and age are the child seen",
        measure: Measure::Count,
    },
    Indicator {
        id: "high_risk_households",
        title: "High-risk households among those visited",
        population: &VISITED_HOUSEHOLDS,
        numerator: Some("risk level high after that visit"),
        rule: "dated by last_visit_date; risk_level as the visit's checklist scored it",
        measure: Measure::Share(|f| text(f, "risk_level")== Some("high")),
    },
    Indicator {
        id: "referrals",
        title: "Referrals by service and status",
        population: &REFERRALS,
        numerator: None,
        rule: "dated by referral_date; status as it stands at the report",
        measure: Measure::Count,
    },
    Indicator {
        id: "checkpoint_interceptions",
        title: "Children intercepted at checkpoints",
        population: &CHECKPOINT_LOGS,
        numerator: None,
        rule: "dated by log_date; the place is the checkpoint's district",
        measure: Measure::Count,
    },
    Indicator {
        id: "interceptions_verified_with_family",
        title: "Interceptions verified with the family",
        population: &CHECKPOINT_LOGS,
        numerator: Some("the family was reached and knew of the journey, or the child was handed to the family"),
        rule: "cp_family_unaware_or_no_contact answered `no`, or the outcome is handed_to_family",
        measure: Measure::Share(|f| {
            text(f, "cp_family_unaware_or_no_contact")== Some("no")
                || f.status == "handed_to_family"
        }),
    },
    Indicator {
        id: "incidents_by_recruitment",
        title: "Trafficking incidents by method of recruitment",
        population: &INCIDENTS,
        numerator: None,
        rule: "dated by incident_date; HTCDS vic_MethodOfRecruitment",
        measure: Measure::Count,
    },
    Indicator {
        id: "incidents_by_exploitation",
        title: "Trafficking incidents by type of exploitation",
        population: &EXPLOITATION_MENTIONS,
        numerator: None,
        rule: "dated by incident_date; HTCDS vic_TypeOfExploitation, a multiple choice: an incident counts once under each type it names, so the total counts mentions",
        measure: Measure::Count,
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
        .flat_map(|i| i.population.breakdowns.iter().map(Breakdown::name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;
    use homeward_domain::RecordKind;
    use serde_json::json;
    use serde_json::Value;

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
            for b in i.population.breakdowns {
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
        assert!((i.population.counts)(&on_time) && num(&on_time));
        assert!((i.population.counts)(&late) && !num(&late));
        let identified = case(
            json!({"protection_status": "separated", "stage": "identified"}),
            vec![],
        );
        assert!(!(i.population.counts)(&identified), "not yet registered");
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
        assert!((i.population.counts)(&f));
        assert!(!num(&f), "the latest visit found the child gone");
        assert_eq!((i.population.date)(&f), NaiveDate::from_ymd_opt(2026, 3, 1));
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
