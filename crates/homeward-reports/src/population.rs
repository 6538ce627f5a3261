//! The populations the indicators count, each defined once: which records, dated by what, and
//! broken down how. Indicators that count the same children share one population, so their
//! counts come from one protected table and are withheld alike: the same figure is never shown
//! in one indicator and withheld in another.

use chrono::NaiveDate;
use homeward_domain::catalogue::prevention::{
    EXPLOITATION_TYPE, RECRUITMENT_METHOD, REFERRAL_STATUS, SERVICE_TYPES, TRAFFICKER_RELATIONSHIP,
};
use homeward_domain::catalogue::PROTECTION_STATUS;
use homeward_domain::RecordKind;

use crate::facts::{
    choices, day, followups_done, registered_on, reunified_on, text, uasc_registered, Breakdown,
    Facts,
};

/// Who an indicator counts (the denominator of a share).
#[derive(Debug, Clone, Copy)]
pub struct Population {
    /// Stable id.
    pub id: &'static str,
    /// In words.
    pub description: &'static str,
    /// The kind of record counted.
    pub source: RecordKind,
    /// Whether a record is in the population at all.
    pub counts: fn(&Facts) -> bool,
    /// The date that puts a record in a period.
    pub date: fn(&Facts) -> Option<NaiveDate>,
    /// The breakdowns besides period and place.
    pub breakdowns: &'static [Breakdown],
}

/// A child's sex and age band.
pub const CHILD: &[Breakdown] = &[Breakdown::Sex, Breakdown::AgeBand];
/// A registered child's sex, age band and protection status.
pub const UASC: &[Breakdown] = &[
    Breakdown::Sex,
    Breakdown::AgeBand,
    Breakdown::Category("protection_status", PROTECTION_STATUS, |f| {
        choices(f, "protection_status")
    }),
];

/// Every indicator, in the order a report shows them.
/// Children registered in the period (unaccompanied or separated, past identification, not
/// duplicates), dated by registration.
pub const REGISTERED: Population = Population {
    id: "registered",
    description: "children registered in the period",
    source: RecordKind::Case,
    counts: uasc_registered,
    date: registered_on,
    breakdowns: UASC,
};

/// Of those, the children whose date of identification is recorded.
pub const REGISTERED_IDENTIFIED: Population = Population {
    id: "registered_identified",
    description: "children registered in the period whose date of identification is recorded",
    source: RecordKind::Case,
    counts: |f| uasc_registered(f) && day(f, "date_of_identification").is_some(),
    date: registered_on,
    breakdowns: CHILD,
};

/// Children registered in the period with a care arrangement recorded.
pub const IN_CARE: Population = Population {
    id: "in_care",
    description: "children registered in the period with a care arrangement recorded",
    source: RecordKind::Case,
    counts: |f| uasc_registered(f) && text(f, "care_arrangements_type").is_some(),
    date: registered_on,
    breakdowns: CHILD,
};

/// Children reunified in the period, dated by reunification.
pub const REUNIFIED: Population = Population {
    id: "reunified",
    description: "children reunified in the period",
    source: RecordKind::Case,
    counts: |f| uasc_registered(f) && reunified_on(f).is_some(),
    date: reunified_on,
    breakdowns: CHILD,
};

/// Of those, the children with a follow-up visit done.
pub const REUNIFIED_FOLLOWED_UP: Population = Population {
    id: "reunified_followed_up",
    description: "children reunified in the period with a follow-up done",
    source: RecordKind::Case,
    counts: |f| {
        uasc_registered(f) && reunified_on(f).is_some() && followups_done(f).next().is_some()
    },
    date: reunified_on,
    breakdowns: CHILD,
};

/// Home visits made in the period; sex and age are the child seen.
pub const HOME_VISITS: Population = Population {
    id: "home_visits",
    description: "home visits made in the period",
    source: RecordKind::HomeVisit,
    counts: |_| true,
    date: |f| day(f, "visit_date"),
    breakdowns: CHILD,
};

/// Households whose last visit fell in the period.
pub const VISITED_HOUSEHOLDS: Population = Population {
    id: "visited_households",
    description: "households whose last visit fell in the period",
    source: RecordKind::Household,
    counts: |f| day(f, "last_visit_date").is_some(),
    date: |f| day(f, "last_visit_date"),
    breakdowns: &[],
};

/// Referrals sent in the period.
pub const REFERRALS: Population = Population {
    id: "referrals",
    description: "referrals sent in the period",
    source: RecordKind::Referral,
    counts: |_| true,
    date: |f| day(f, "referral_date"),
    breakdowns: &[
        Breakdown::Category("service_type", SERVICE_TYPES, |f| {
            choices(f, "service_type")
        }),
        Breakdown::Category("referral_status", REFERRAL_STATUS, |f| {
            vec![f.status.clone()]
        }),
    ],
};

/// Children logged at checkpoints in the period.
pub const CHECKPOINT_LOGS: Population = Population {
    id: "checkpoint_logs",
    description: "checkpoint logs in the period",
    source: RecordKind::CheckpointLog,
    counts: |_| true,
    date: |f| day(f, "log_date"),
    breakdowns: CHILD,
};

/// Trafficking incidents reported in the period, by method of recruitment and relationship to
/// the trafficker (single choices both, so every incident counts once in each).
pub const INCIDENTS: Population = Population {
    id: "incidents",
    description: "incidents reported in the period",
    source: RecordKind::Incident,
    counts: |_| true,
    date: |f| day(f, "incident_date"),
    breakdowns: &[
        Breakdown::Category("method_of_recruitment", RECRUITMENT_METHOD, |f| {
            choices(f, "method_of_recruitment")
        }),
        Breakdown::Category("relationship_to_trafficker", TRAFFICKER_RELATIONSHIP, |f| {
            choices(f, "relationship_to_trafficker")
        }),
    ],
};

/// Types of exploitation named by the incidents reported in the period (a multiple choice: an
/// incident counts once under each type it names, so the total counts mentions).
pub const EXPLOITATION_MENTIONS: Population = Population {
    id: "exploitation_mentions",
    description: "mentions of a type of exploitation in incidents reported in the period",
    source: RecordKind::Incident,
    counts: |_| true,
    date: |f| day(f, "incident_date"),
    breakdowns: &[Breakdown::Category(
        "type_of_exploitation",
        EXPLOITATION_TYPE,
        |f| choices(f, "type_of_exploitation"),
    )],
};
