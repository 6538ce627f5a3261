//! The field catalogue: every field of every record kind, its type, whether it is personal
//! data, and the choices it allows.
//!
//! This table is the single source of truth. Validation, encryption at rest (personal fields
//! are sealed), what an analyst may receive (no personal field), CSV import and export columns
//! and the API schema are all derived from it, so adding a field is one line here and can never
//! leave one of those behind. Field names follow Primero's where the concept is the same
//! (domain.md §12), so agencies can exchange data with Primero deployments.
//!
//! Cases and tracing requests are described here; the prevention kinds in `prevention`.

pub mod prevention;

/// Whether a field identifies or locates a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// Safe to show to every role that may see the record, and to aggregate.
    Plain,
    /// Names, contacts, addresses, identity numbers, free text: encrypted at rest and never
    /// given to roles that only see aggregates.
    Personal,
}

/// The type of a field and what it accepts.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// Text up to `max_len` characters, in any script.
    Text {
        /// Longest accepted text, in characters.
        max_len: usize,
    },
    /// A whole number in `min..=max`.
    Integer {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// A calendar date `YYYY-MM-DD`, never in the future.
    Date,
    /// Yes or no.
    Bool,
    /// One value from a fixed list.
    Choice(&'static [&'static str]),
    /// Any number of values from a fixed list.
    Choices(&'static [&'static str]),
    /// A list of sub-records (family members, children sought).
    Group(&'static [FieldSpec]),
    /// The reference of another record, of one of these kinds (a visit's household, a
    /// referral's service provider). The store checks that it exists.
    Link(&'static [RecordKind]),
}

/// One field of a record kind.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The name used in the API, CSV columns and the change log.
    pub name: &'static str,
    /// A short English label (the web interface translates it).
    pub label: &'static str,
    /// Type and accepted values.
    pub kind: FieldKind,
    /// Personal or plain.
    pub sensitivity: Sensitivity,
    /// Must be present when the record is created.
    pub required: bool,
    /// Set by Homeward itself (workflow), never by a form or import.
    pub system: bool,
}

const fn field(
    name: &'static str,
    label: &'static str,
    kind: FieldKind,
    sensitivity: Sensitivity,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        kind,
        sensitivity,
        required: false,
        system: false,
    }
}

const fn required(spec: FieldSpec) -> FieldSpec {
    FieldSpec {
        required: true,
        ..spec
    }
}

const fn system(spec: FieldSpec) -> FieldSpec {
    FieldSpec {
        system: true,
        ..spec
    }
}

use FieldKind::{Bool, Choice, Choices, Date, Group, Integer, Link, Text};
use Sensitivity::{Personal, Plain};

const NAME: FieldKind = Text { max_len: 120 };
const PLACE: FieldKind = Text { max_len: 200 };
const NOTE: FieldKind = Text { max_len: 4000 };
const PHONE: FieldKind = Text { max_len: 32 };
const CHILD_AGE: FieldKind = Integer { min: 0, max: 17 };
const ADULT_AGE: FieldKind = Integer { min: 0, max: 120 };

/// Sex as recorded on UASC registration forms.
pub const SEX: &[&str] = &["female", "male", "other", "unknown"];
/// Unaccompanied: without parents and relatives; separated: without parents or usual caregiver.
pub const PROTECTION_STATUS: &[&str] = &["unaccompanied", "separated"];
/// Risk level, which also sets follow-up intervals.
pub const RISK_LEVEL: &[&str] = &["high", "medium", "low"];
/// Displacement status (Primero lookup).
pub const DISPLACEMENT_STATUS: &[&str] = &[
    "resident",
    "idp",
    "refugee",
    "asylum_seeker",
    "returnee",
    "stateless",
    "migrant",
    "other",
];
/// Protection concerns (Primero lookup, trimmed to what UASC and anti-trafficking work uses).
pub const PROTECTION_CONCERNS: &[&str] = &[
    "trafficked_smuggled",
    "worst_forms_of_child_labor",
    "child_headed_household",
    "sexually_exploited",
    "gbv_survivor",
    "caafag",
    "street_child",
    "child_mother",
    "disabled",
    "serious_health_issue",
    "physically_or_mentally_abused",
    "arrested_detained",
    "statelessness",
    "at_risk_of_marriage",
    "other",
];
/// Causes of separation (domain.md §5.3).
pub const SEPARATION_CAUSE: &[&str] = &[
    "conflict",
    "death",
    "family_abuse",
    "caafag",
    "entrusted",
    "abandonment",
    "population_movement",
    "migration",
    "poverty",
    "natural_disaster",
    "divorce_remarriage",
    "trafficking",
    "other",
];
/// Care arrangement types (domain.md §5.6).
pub const CARE_ARRANGEMENT: &[&str] = &[
    "parents",
    "step_parent",
    "customary_caregiver",
    "adult_sibling",
    "kinship_care",
    "foster_care",
    "residential_care",
    "kafala",
    "independent_living",
    "child_headed_household",
    "unrelated_adult",
    "no_care",
];
/// How a family member or inquirer is related to the child.
pub const RELATION: &[&str] = &[
    "mother",
    "father",
    "step_mother",
    "step_father",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "brother",
    "sister",
    "cousin",
    "other_family",
    "other_nonfamily",
];
/// Whether a relative is known to be alive.
pub const ALIVE: &[&str] = &["alive", "dead", "unknown"];
/// Identity documents a child may hold (kinds only: the numbers are personal fields).
pub const DOCUMENTS: &[&str] = &[
    "birth_certificate",
    "national_id",
    "passport",
    "school_id",
    "ration_card",
    "refugee_id",
    "health_card",
    "other",
];
/// Birth registration status (domain.md §5.1).
pub const BIRTH_REGISTRATION: &[&str] = &["none", "applied", "issued"];
/// Languages, as ISO 639 codes: the languages of Assam and its neighbours, then `other`.
pub const LANGUAGES: &[&str] = &[
    "as", "bn", "hi", "brx", "ne", "en", "ur", "or", "sat", "kha", "grt", "mni", "mjw", "mrg",
    "other",
];
/// Legitimate basis for processing (Primero `data_confidentiality`, domain.md §9).
pub const LEGITIMATE_BASIS: &[&str] = &[
    "consent",
    "contract",
    "vital_interests",
    "beneficiary_interests",
    "legal_obligation",
    "other",
];
/// Status of a child case (mapped to HTCDS cas_Status on export).
pub const CASE_STATUS: &[&str] = &["open", "closed", "transferred", "duplicate"];
/// Stages of a child's case (see `workflow::Stage`).
pub const STAGES: &[&str] = &[
    "identified",
    "registered",
    "interim_care",
    "tracing",
    "verification",
    "reunification",
    "follow_up",
    "closed",
    "long_term_care",
];
/// Status of a tracing request.
pub const TRACING_STATUS: &[&str] = &[
    "open",
    "tracing_in_progress",
    "verified",
    "reunified",
    "closed",
];

const FAMILY_MEMBER: &[FieldSpec] = &[
    required(field(
        "relation",
        "Relation to the child",
        Choice(RELATION),
        Plain,
    )),
    field("relation_name", "Name", NAME, Personal),
    field("relation_nickname", "Nickname", NAME, Personal),
    field("relation_age", "Age", ADULT_AGE, Plain),
    field(
        "relation_is_caregiver",
        "Was the child's caregiver",
        Bool,
        Plain,
    ),
    field("relation_is_alive", "Alive", Choice(ALIVE), Plain),
    field(
        "relation_location_current",
        "Where they are now",
        PLACE,
        Personal,
    ),
    field("relation_telephone", "Telephone", PHONE, Personal),
];

const CASE_FIELDS: &[FieldSpec] = &[
    system(field("status", "Case status", Choice(CASE_STATUS), Plain)),
    system(field("stage", "Case stage", Choice(STAGES), Plain)),
    system(field(
        "registered_at",
        "Registered at (UTC)",
        Text { max_len: 40 },
        Plain,
    )),
    system(field(
        "tracing_started_at",
        "Tracing started at (UTC)",
        Text { max_len: 40 },
        Plain,
    )),
    system(field(
        "closure_reason",
        "Reason for closure",
        Choice(crate::workflow::CLOSURE_REASONS),
        Plain,
    )),
    system(field(
        "merged_into",
        "Merged into (the surviving case's id)",
        Text { max_len: 40 },
        Plain,
    )),
    field("name_first", "First name", NAME, Personal),
    field("name_middle", "Middle name", NAME, Personal),
    field("name_last", "Last name", NAME, Personal),
    field("name_nickname", "Nickname", NAME, Personal),
    field("name_other", "Other names", NAME, Personal),
    required(field("sex", "Sex", Choice(SEX), Plain)),
    field("age", "Age in years", CHILD_AGE, Plain),
    field("date_of_birth", "Date of birth", Date, Personal),
    field(
        "estimated",
        "Age or date of birth is estimated",
        Bool,
        Plain,
    ),
    field("languages", "Languages spoken", Choices(LANGUAGES), Plain),
    required(field(
        "protection_status",
        "Protection status",
        Choice(PROTECTION_STATUS),
        Plain,
    )),
    field("risk_level", "Risk level", Choice(RISK_LEVEL), Plain),
    field(
        "displacement_status",
        "Displacement status",
        Choice(DISPLACEMENT_STATUS),
        Plain,
    ),
    field(
        "protection_concerns",
        "Protection concerns",
        Choices(PROTECTION_CONCERNS),
        Plain,
    ),
    field("district", "District", Text { max_len: 100 }, Plain),
    field(
        "location_current",
        "Current location or address",
        PLACE,
        Personal,
    ),
    field(
        "date_of_identification",
        "Date the child was identified",
        Date,
        Plain,
    ),
    field("registration_date", "Registration date", Date, Plain),
    field("date_of_separation", "Date of separation", Date, Plain),
    field(
        "separation_cause",
        "Cause of separation",
        Choice(SEPARATION_CAUSE),
        Plain,
    ),
    field(
        "location_separation",
        "Place of separation",
        PLACE,
        Personal,
    ),
    field(
        "separation_details",
        "How the separation happened",
        NOTE,
        Personal,
    ),
    field(
        "family_details",
        "Family members",
        Group(FAMILY_MEMBER),
        Personal,
    ),
    field(
        "care_arrangements_type",
        "Current care arrangement",
        Choice(CARE_ARRANGEMENT),
        Plain,
    ),
    field(
        "care_arrangement_started_date",
        "Care arrangement started",
        Date,
        Plain,
    ),
    field("name_caregiver", "Caregiver's name", NAME, Personal),
    field(
        "documents_held",
        "Identity documents held",
        Choices(DOCUMENTS),
        Plain,
    ),
    field(
        "birth_registration",
        "Birth registration",
        Choice(BIRTH_REGISTRATION),
        Plain,
    ),
    field(
        "national_id_no",
        "National ID number",
        Text { max_len: 64 },
        Personal,
    ),
    field(
        "unhcr_id_no",
        "UNHCR ID number",
        Text { max_len: 64 },
        Personal,
    ),
    field(
        "icrc_ref_no",
        "ICRC reference",
        Text { max_len: 64 },
        Personal,
    ),
    field(
        "other_id_no",
        "Other ID number",
        Text { max_len: 64 },
        Personal,
    ),
    field("consent_for_tracing", "Consent for tracing", Bool, Plain),
    field("consent_for_services", "Consent for services", Bool, Plain),
    field(
        "disclosure_other_orgs",
        "Consent to share with other organisations",
        Bool,
        Plain,
    ),
    field(
        "consent_for_reporting",
        "Consent for reporting",
        Bool,
        Plain,
    ),
    field(
        "legitimate_basis",
        "Legitimate basis for processing",
        Choice(LEGITIMATE_BASIS),
        Plain,
    ),
    field("notes", "Notes", NOTE, Personal),
];

const CHILD_SOUGHT: &[FieldSpec] = &[
    field("name_first", "First name", NAME, Personal),
    field("name_last", "Last name", NAME, Personal),
    field("name_nickname", "Nickname", NAME, Personal),
    field("name_other", "Other names", NAME, Personal),
    required(field("sex", "Sex", Choice(SEX), Plain)),
    field("age", "Age in years", CHILD_AGE, Plain),
    field("date_of_birth", "Date of birth", Date, Personal),
    field("languages", "Languages spoken", Choices(LANGUAGES), Plain),
    field("date_of_separation", "Date of separation", Date, Plain),
    field(
        "separation_cause",
        "Cause of separation",
        Choice(SEPARATION_CAUSE),
        Plain,
    ),
    field(
        "location_separation",
        "Place of separation",
        PLACE,
        Personal,
    ),
    field("location_last", "Place last seen", PLACE, Personal),
    field(
        "description",
        "Physical description, marks, clothes",
        NOTE,
        Personal,
    ),
];

const TRACING_FIELDS: &[FieldSpec] = &[
    system(field(
        "status",
        "Tracing status",
        Choice(TRACING_STATUS),
        Plain,
    )),
    required(field("inquiry_date", "Date of inquiry", Date, Plain)),
    required(field("relation_name", "Inquirer's name", NAME, Personal)),
    field("relation_nickname", "Inquirer's nickname", NAME, Personal),
    field(
        "relation",
        "Inquirer's relation to the child",
        Choice(RELATION),
        Plain,
    ),
    field("relation_sex", "Inquirer's sex", Choice(SEX), Plain),
    field("relation_age", "Inquirer's age", ADULT_AGE, Plain),
    field(
        "relation_telephone",
        "Inquirer's telephone",
        PHONE,
        Personal,
    ),
    field(
        "relation_location_current",
        "Inquirer's address",
        PLACE,
        Personal,
    ),
    field("district", "District", Text { max_len: 100 }, Plain),
    field("village", "Village or town of the family", PLACE, Personal),
    field("languages", "Family's languages", Choices(LANGUAGES), Plain),
    field(
        "consent_for_tracing",
        "Inquirer consents to share details for tracing",
        Bool,
        Plain,
    ),
    required(field(
        "children_sought",
        "Children sought",
        Group(CHILD_SOUGHT),
        Personal,
    )),
    field("notes", "Notes", NOTE, Personal),
];

/// The kinds of record this catalogue describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A registered child (unaccompanied or separated).
    Case,
    /// A family's request to find one or more children.
    TracingRequest,
    /// A community child-protection committee or children's group.
    Committee,
    /// A household whose children are at risk.
    Household,
    /// A visit to an at-risk household, with the §8(a) checklist.
    HomeVisit,
    /// A child in transit logged at a checkpoint, with the §8(b) checklist.
    CheckpointLog,
    /// A trafficking incident (HTCDS).
    Incident,
    /// Someone suspected of recruiting, moving or exploiting children.
    PersonOfConcern,
    /// An organisation in the service directory.
    ServiceProvider,
    /// A child or household referred to a service.
    Referral,
    /// An awareness-raising session.
    AwarenessActivity,
    /// A message in the awareness library.
    AwarenessMessage,
}

/// Groups of kinds that share their permissions: a role that may see home visits may see the
/// households they are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindFamily {
    /// Cases: their own permissions.
    Case,
    /// Tracing requests: their own permissions.
    Tracing,
    /// Committees, households, home visits, awareness activities and messages.
    Community,
    /// Checkpoint logs.
    Transit,
    /// Incidents and persons of concern: restricted (domain.md §9).
    Incident,
    /// The service directory and referrals.
    Referral,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 12] = [
        RecordKind::Case,
        RecordKind::TracingRequest,
        RecordKind::Committee,
        RecordKind::Household,
        RecordKind::HomeVisit,
        RecordKind::CheckpointLog,
        RecordKind::Incident,
        RecordKind::PersonOfConcern,
        RecordKind::ServiceProvider,
        RecordKind::Referral,
        RecordKind::AwarenessActivity,
        RecordKind::AwarenessMessage,
    ];

    /// The fields of this kind, in form order.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::Case => CASE_FIELDS,
            Self::TracingRequest => TRACING_FIELDS,
            Self::Committee => prevention::COMMITTEE_FIELDS,
            Self::Household => prevention::HOUSEHOLD_FIELDS,
            Self::HomeVisit => prevention::home_visit_fields(),
            Self::CheckpointLog => prevention::checkpoint_fields(),
            Self::Incident => prevention::INCIDENT_FIELDS,
            Self::PersonOfConcern => prevention::PERSON_OF_CONCERN_FIELDS,
            Self::ServiceProvider => prevention::SERVICE_PROVIDER_FIELDS,
            Self::Referral => prevention::REFERRAL_FIELDS,
            Self::AwarenessActivity => prevention::AWARENESS_ACTIVITY_FIELDS,
            Self::AwarenessMessage => prevention::AWARENESS_MESSAGE_FIELDS,
        }
    }

    /// One field by name.
    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::TracingRequest => "tracing_request",
            Self::Committee => "committee",
            Self::Household => "household",
            Self::HomeVisit => "home_visit",
            Self::CheckpointLog => "checkpoint_log",
            Self::Incident => "incident",
            Self::PersonOfConcern => "person_of_concern",
            Self::ServiceProvider => "service_provider",
            Self::Referral => "referral",
            Self::AwarenessActivity => "awareness_activity",
            Self::AwarenessMessage => "awareness_message",
        }
    }

    /// The collection's path segment in the API: `cases`, `home-visits`.
    pub fn plural_path(self) -> &'static str {
        match self {
            Self::Case => "cases",
            Self::TracingRequest => "tracing-requests",
            Self::Committee => "committees",
            Self::Household => "households",
            Self::HomeVisit => "home-visits",
            Self::CheckpointLog => "checkpoint-logs",
            Self::Incident => "incidents",
            Self::PersonOfConcern => "persons-of-concern",
            Self::ServiceProvider => "service-providers",
            Self::Referral => "referrals",
            Self::AwarenessActivity => "awareness-activities",
            Self::AwarenessMessage => "awareness-messages",
        }
    }

    /// A caseworker's words for the kind, for messages.
    pub fn human(self) -> &'static str {
        match self {
            Self::Case => "child case",
            Self::TracingRequest => "tracing request",
            Self::Committee => "committee",
            Self::Household => "household",
            Self::HomeVisit => "home visit",
            Self::CheckpointLog => "checkpoint log",
            Self::Incident => "trafficking incident",
            Self::PersonOfConcern => "person of concern",
            Self::ServiceProvider => "service provider",
            Self::Referral => "referral",
            Self::AwarenessActivity => "awareness activity",
            Self::AwarenessMessage => "awareness message",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The two letters that start this kind's references, told apart by ear.
    pub fn reference_code(self) -> &'static str {
        match self {
            Self::Case => "HW",
            Self::TracingRequest => "TR",
            Self::Committee => "CM",
            Self::Household => "HH",
            Self::HomeVisit => "HV",
            Self::CheckpointLog => "CP",
            Self::Incident => "IN",
            Self::PersonOfConcern => "PC",
            Self::ServiceProvider => "SP",
            Self::Referral => "RF",
            Self::AwarenessActivity => "AA",
            Self::AwarenessMessage => "AM",
        }
    }

    /// The kind whose references start with these two letters.
    pub fn from_reference_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.reference_code() == code)
    }

    /// Which permissions govern this kind.
    pub fn family(self) -> KindFamily {
        match self {
            Self::Case => KindFamily::Case,
            Self::TracingRequest => KindFamily::Tracing,
            Self::Committee
            | Self::Household
            | Self::HomeVisit
            | Self::AwarenessActivity
            | Self::AwarenessMessage => KindFamily::Community,
            Self::CheckpointLog => KindFamily::Transit,
            Self::Incident | Self::PersonOfConcern => KindFamily::Incident,
            Self::ServiceProvider | Self::Referral => KindFamily::Referral,
        }
    }

    /// The statuses a record of this kind moves through.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Self::Case => CASE_STATUS,
            Self::TracingRequest => TRACING_STATUS,
            Self::CheckpointLog => prevention::CHECKPOINT_STATUS,
            Self::Referral => prevention::REFERRAL_STATUS,
            _ => prevention::ACTIVE_STATUS,
        }
    }

    /// The status a new record starts in.
    pub fn initial_status(self) -> &'static str {
        self.statuses()[0]
    }
}

impl FieldSpec {
    /// True for names, contacts, addresses, identity numbers and free text.
    pub fn is_personal(&self) -> bool {
        self.sensitivity == Sensitivity::Personal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_contact_address_and_note_field_is_personal() {
        // The service directory describes organisations and their public contacts, not people.
        for kind in RecordKind::ALL
            .into_iter()
            .filter(|k| *k != RecordKind::ServiceProvider)
        {
            for f in kind.fields() {
                let n = f.name;
                let looks_personal = n.starts_with("name")
                    || n.contains("telephone")
                    || n.contains("location")
                    || n.ends_with("_no")
                    || n == "notes"
                    || n == "relation_name"
                    || n == "village";
                if looks_personal {
                    assert!(f.is_personal(), "{} of {:?} must be personal", n, kind);
                }
            }
        }
    }

    #[test]
    fn field_names_are_unique_per_kind() {
        for kind in RecordKind::ALL {
            let mut names: Vec<_> = kind.fields().iter().map(|f| f.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len());
        }
    }
}
