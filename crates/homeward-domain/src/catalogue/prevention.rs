//! The fields of the prevention side of a programme (domain.md §2, §5.9–5.12, §8): committees,
//! at-risk households and their home visits, checkpoint logs of children in transit,
//! trafficking incidents with the persons of concern behind them, the service directory and
//! referrals, and awareness raising with its library of messages.
//!
//! The two risk checklists are fields here (one `yes`/`no`/`unknown` choice and one note per
//! item) so that forms, CSV and the API get them like any other field; `crate::prevention`
//! says which item weighs what and which ones are red flags.

use std::sync::OnceLock;

use super::*;

/// An answer to a checklist item.
pub const YES_NO_UNKNOWN: &[&str] = &["yes", "no", "unknown"];
/// Kinds of community group (domain.md §5.12).
pub const COMMITTEE_TYPE: &[&str] = &["child_protection_committee", "childrens_group"];
/// A member's role in a committee.
pub const COMMITTEE_ROLE: &[&str] = &["chair", "secretary", "member", "facilitator"];
/// The household's main livelihood.
pub const LIVELIHOOD: &[&str] = &[
    "agriculture",
    "daily_wage_labour",
    "tea_garden",
    "fishing",
    "small_business",
    "salaried",
    "domestic_work",
    "migrant_remittances",
    "none",
    "other",
];
/// Whether the household's children go to school.
pub const SCHOOL_ATTENDANCE: &[&str] = &[
    "all_attend",
    "some_out_of_school",
    "none_attend",
    "no_school_age_children",
];
/// Whether the child agreed to give their own view.
pub const ASSENT: &[&str] = &["given", "refused", "not_asked", "too_young"];
/// Identity document an accompanying adult showed.
pub const ADULT_ID_TYPE: &[&str] = &[
    "none",
    "national_id",
    "voter_id",
    "passport",
    "driving_licence",
    "ration_card",
    "other",
];
/// Why the child is travelling, as stated.
pub const TRAVEL_PURPOSE: &[&str] = &[
    "work",
    "school",
    "marriage",
    "visiting_family",
    "medical",
    "pilgrimage_or_tourism",
    "other",
];
/// How the child is travelling.
pub const TRANSPORT: &[&str] = &["bus", "train", "car", "boat", "on_foot", "other"];
/// Status of a checkpoint log: open until the officer records what happened to the child.
pub const CHECKPOINT_STATUS: &[&str] = &[
    "open",
    "released",
    "handed_to_family",
    "referred_cwc",
    "referred_police",
    "taken_to_shelter",
];
/// HTCDS vic_TraffickingStatus.
pub const TRAFFICKING_STATUS: &[&str] = &["possible_victim", "actual_victim", "not_a_victim"];
/// HTCDS vic_TraffickingStatusDecisionMakingOrg.
pub const DECISION_ORG: &[&str] = &[
    "police",
    "ngo",
    "court_or_prosecution",
    "non_police_government",
    "other",
];
/// HTCDS vic_MethodOfRecruitment.
pub const RECRUITMENT_METHOD: &[&str] = &[
    "abduction",
    "job_offer",
    "education_offer",
    "marriage_or_false_marriage",
    "travel_offer",
    "online_approach",
    "sold_by_family",
    "personal_relationship",
    "debt",
    "other",
];
/// HTCDS vic_MethodsOfControl.
pub const MEANS_OF_CONTROL: &[&str] = &[
    "debt_bondage",
    "takes_earnings",
    "threats",
    "psychological_abuse",
    "physical_abuse",
    "sexual_abuse",
    "false_promises",
    "psychoactive_substances",
    "restricts_movement",
    "restricts_medical_care",
    "excessive_working_hours",
    "threatens_family",
    "threat_of_law_enforcement",
    "withholds_necessities",
    "withholds_documents",
    "other",
];
/// HTCDS vic_TypeOfExploitation.
pub const EXPLOITATION_TYPE: &[&str] = &[
    "forced_labour",
    "sexual_exploitation",
    "child_labour",
    "forced_marriage",
    "servitude",
    "forced_military_non_state",
    "organ_removal",
    "forced_begging",
    "forced_adoption",
    "surrogacy",
    "other",
];
/// HTCDS vic_RelationshipToTrafficker.
pub const TRAFFICKER_RELATIONSHIP: &[&str] = &["familial", "acquainted", "unacquainted"];
/// HTCDS per_RoleInProcess.
pub const ROLE_IN_PROCESS: &[&str] = &[
    "travelling_partner",
    "transporter",
    "recruiter_or_intermediary",
    "broker_travel_agent",
    "harbourer_buyer_or_receiver",
    "smuggler",
    "abuser",
    "kidnapper",
    "exploiter",
    "other",
];
/// HTCDS hte_Type.
pub const TRAFFICKING_EVENT: &[&str] = &["recruitment", "transit", "exploitation"];
/// What a service provider offers and a referral asks for (domain.md §5.9).
pub const SERVICE_TYPES: &[&str] = &[
    "livelihood_cash",
    "birth_registration_id",
    "education",
    "health",
    "legal_aid",
    "psychosocial",
    "shelter",
    "other",
];
/// A referral's course.
pub const REFERRAL_STATUS: &[&str] = &["sent", "accepted", "done", "refused"];
/// Where an awareness activity reached people (domain.md §5.12).
pub const AWARENESS_CHANNEL: &[&str] = &[
    "child_friendly_space",
    "committee",
    "school",
    "childrens_group_drama",
    "radio",
    "other",
];
/// Status of the records that only exist or stop existing.
pub const ACTIVE_STATUS: &[&str] = &["open", "closed"];

const YNU: FieldKind = Choice(YES_NO_UNKNOWN);
const COUNT: FieldKind = Integer {
    min: 0,
    max: 100_000,
};
const DISTRICT: FieldKind = Text { max_len: 100 };
const SCORE: FieldKind = Integer { min: 0, max: 1000 };
const DUE: FieldKind = Text { max_len: 10 };

const COMMITTEE_MEMBER: &[FieldSpec] = &[
    required(field("member_name", "Name", NAME, Personal)),
    field("member_role", "Role", Choice(COMMITTEE_ROLE), Plain),
    field("member_sex", "Sex", Choice(SEX), Plain),
    field("member_is_child", "Is a child", Bool, Plain),
    field("member_age", "Age", ADULT_AGE, Plain),
    field("member_telephone", "Telephone", PHONE, Personal),
];

pub(super) const COMMITTEE_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    required(field("committee_name", "Name of the group", NAME, Plain)),
    required(field(
        "committee_type",
        "Kind of group",
        Choice(COMMITTEE_TYPE),
        Plain,
    )),
    field("district", "District", DISTRICT, Plain),
    field("village", "Village or camp", PLACE, Personal),
    field("formed_date", "Date formed", Date, Plain),
    field("members", "Members", Group(COMMITTEE_MEMBER), Personal),
    field("notes", "Notes", NOTE, Personal),
];

const HOUSEHOLD_MEMBER: &[FieldSpec] = &[
    field("member_name", "Name", NAME, Personal),
    required(field(
        "member_relation",
        "Relation to the head of household",
        Choice(RELATION),
        Plain,
    )),
    field("member_sex", "Sex", Choice(SEX), Plain),
    field("member_age", "Age", ADULT_AGE, Plain),
    field("member_in_school", "Goes to school", YNU, Plain),
    field(
        "member_birth_registration",
        "Birth registration",
        Choice(BIRTH_REGISTRATION),
        Plain,
    ),
];

pub(super) const HOUSEHOLD_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    system(field("risk_score", "Risk score", SCORE, Plain)),
    system(field("risk_level", "Risk level", Choice(RISK_LEVEL), Plain)),
    system(field("last_visit_date", "Last visit", DUE, Plain)),
    system(field("next_visit_due", "Next visit due", DUE, Plain)),
    field(
        "committee",
        "Community committee",
        Link(&[RecordKind::Committee]),
        Plain,
    ),
    required(field("head_name", "Head of household", NAME, Personal)),
    field(
        "head_sex",
        "Sex of the head of household",
        Choice(SEX),
        Plain,
    ),
    field("head_telephone", "Telephone", PHONE, Personal),
    required(field("district", "District", DISTRICT, Plain)),
    field("village", "Village or camp", PLACE, Personal),
    field("members", "Members", Group(HOUSEHOLD_MEMBER), Personal),
    field("livelihood", "Main livelihood", Choice(LIVELIHOOD), Plain),
    field(
        "livelihood_lost",
        "Lost its livelihood or home",
        Bool,
        Plain,
    ),
    field(
        "displacement_status",
        "Displacement status",
        Choice(DISPLACEMENT_STATUS),
        Plain,
    ),
    field("debts", "In debt", Bool, Plain),
    field("debt_details", "Debts: to whom, how much", NOTE, Personal),
    field(
        "school_attendance",
        "School attendance",
        Choice(SCHOOL_ATTENDANCE),
        Plain,
    ),
    field(
        "documents_held",
        "Identity documents held",
        Choices(DOCUMENTS),
        Plain,
    ),
    field("consent_for_services", "Consent for services", Bool, Plain),
    field(
        "disclosure_other_orgs",
        "Consent to share with other organisations",
        Bool,
        Plain,
    ),
    field("notes", "Notes", NOTE, Personal),
];

macro_rules! checklist_fields {
    ($( $name:literal, $note:literal, $label:literal; )*) => {
        &[
            $(
                field($name, $label, YNU, Plain),
                field($note, "Note", NOTE, Personal),
            )*
        ]
    };
}

const HOME_VISIT_CHECKLIST: &[FieldSpec] = checklist_fields! {
    "hv_offer_to_take_child", "hv_offer_to_take_child_note", "A relative or acquaintance offers to take the child for work or school";
    "hv_payment_offered", "hv_payment_offered_note", "Parents are offered a wage, payments or schooling for the child";
    "hv_livelihood_lost_or_debt", "hv_livelihood_lost_or_debt_note", "The family has lost its livelihood or home, or is in debt";
    "hv_school_dropout", "hv_school_dropout_note", "The child has dropped out of school";
    "hv_child_whereabouts_unknown", "hv_child_whereabouts_unknown_note", "The child is away and the family does not know where or with whom";
    "hv_child_entrusted_or_migrated", "hv_child_entrusted_or_migrated_note", "The child has been entrusted to someone, or has migrated";
    "hv_household_violence", "hv_household_violence_note", "There is household violence or discrimination";
    "hv_child_headed_orphan_or_marriage", "hv_child_headed_orphan_or_marriage_note", "Child-headed household, an orphan, or a child at risk of marriage";
    "hv_online_recruiter_contact", "hv_online_recruiter_contact_note", "The child has online contact with unknown recruiters";
    "hv_no_documents", "hv_no_documents_note", "The child has no birth or identity documents";
};

const HOME_VISIT_HEAD: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    system(field("risk_score", "Risk score", SCORE, Plain)),
    system(field(
        "risk_items",
        "Items that made the score",
        Choices(HOME_VISIT_ITEM_NAMES),
        Plain,
    )),
    system(field("red_flag", "A red-flag item was found", Bool, Plain)),
    system(field(
        "committee",
        "Community committee (the household's)",
        Link(&[RecordKind::Committee]),
        Plain,
    )),
    required(field(
        "household",
        "Household",
        Link(&[RecordKind::Household]),
        Plain,
    )),
    required(field("visit_date", "Date of the visit", Date, Plain)),
    field("child_name", "Child seen", NAME, Personal),
    field("child_age", "Child's age", CHILD_AGE, Plain),
    field("child_sex", "Child's sex", Choice(SEX), Plain),
];

const HOME_VISIT_TAIL: &[FieldSpec] = &[
    field(
        "child_assent",
        "The child agreed to give their own view",
        Choice(ASSENT),
        Plain,
    ),
    field("child_view", "The child's own view", NOTE, Personal),
    field("notes", "Notes", NOTE, Personal),
];

/// The checklist item names, for the `risk_items` choices.
pub const HOME_VISIT_ITEM_NAMES: &[&str] = &[
    "hv_offer_to_take_child",
    "hv_payment_offered",
    "hv_livelihood_lost_or_debt",
    "hv_school_dropout",
    "hv_child_whereabouts_unknown",
    "hv_child_entrusted_or_migrated",
    "hv_household_violence",
    "hv_child_headed_orphan_or_marriage",
    "hv_online_recruiter_contact",
    "hv_no_documents",
];

/// The checkpoint checklist of domain.md §8(b).
pub const CHECKPOINT_ITEM_NAMES: &[&str] = &[
    "cp_no_guardian_or_non_relative",
    "cp_name_differs_from_relative",
    "cp_family_unaware_or_no_contact",
    "cp_destination_or_job_unknown",
    "cp_pay_or_debt_suspicious",
    "cp_documents_missing_or_held",
    "cp_account_contradictory",
    "cp_online_contact_or_eloping",
    "cp_adult_found_child",
];

const CHECKPOINT_CHECKLIST: &[FieldSpec] = checklist_fields! {
    "cp_no_guardian_or_non_relative", "cp_no_guardian_or_non_relative_note", "Without a guardian, or with a non-relative, someone met recently, or an adult who speaks for the child";
    "cp_name_differs_from_relative", "cp_name_differs_from_relative_note", "The child's surname or caste differs from the claimed relative's";
    "cp_family_unaware_or_no_contact", "cp_family_unaware_or_no_contact_note", "The family does not know or is unwilling; the child refuses to give family contacts";
    "cp_destination_or_job_unknown", "cp_destination_or_job_unknown_note", "The child does not know the destination or the job or school, or it changed on the way";
    "cp_pay_or_debt_suspicious", "cp_pay_or_debt_suspicious_note", "Promised pay over double the normal; a non-relative paid the travel; the child owes the recruiter";
    "cp_documents_missing_or_held", "cp_documents_missing_or_held_note", "No or fake ID; a broker holds the child's ID; the child's phone was taken";
    "cp_account_contradictory", "cp_account_contradictory_note", "Contradictory account, avoids officials, seems drugged, or no luggage for a long trip";
    "cp_online_contact_or_eloping", "cp_online_contact_or_eloping_note", "Meeting someone met online, or eloping less than two weeks after meeting";
    "cp_adult_found_child", "cp_adult_found_child_note", "An adult claims to have found the child";
};

const CHECKPOINT_HEAD: &[FieldSpec] = &[
    system(field("status", "Outcome", Choice(CHECKPOINT_STATUS), Plain)),
    system(field("risk_score", "Risk score", SCORE, Plain)),
    system(field(
        "risk_items",
        "Items that made the score",
        Choices(CHECKPOINT_ITEM_NAMES),
        Plain,
    )),
    system(field(
        "alert_references",
        "Records this log may concern",
        Text { max_len: 2000 },
        Plain,
    )),
    required(field("log_date", "Date", Date, Plain)),
    required(field("checkpoint", "Checkpoint", PLACE, Plain)),
    field("district", "District", DISTRICT, Plain),
    field("name_first", "Child's first name", NAME, Personal),
    field("name_last", "Child's last name", NAME, Personal),
    field("name_nickname", "Child's nickname", NAME, Personal),
    field("name_other", "Child's other names", NAME, Personal),
    required(field("sex", "Child's sex", Choice(SEX), Plain)),
    field("age", "Child's age", CHILD_AGE, Plain),
    field("languages", "Languages spoken", Choices(LANGUAGES), Plain),
    field("description", "Description, marks, clothes", NOTE, Personal),
    field("adult_name", "Accompanying adult's name", NAME, Personal),
    field("adult_sex", "Accompanying adult's sex", Choice(SEX), Plain),
    field(
        "adult_id_type",
        "Identity document the adult showed",
        Choice(ADULT_ID_TYPE),
        Plain,
    ),
    field(
        "adult_id_no",
        "Adult's identity document number",
        Text { max_len: 64 },
        Personal,
    ),
    field(
        "adult_relationship",
        "Relationship the adult states",
        Choice(RELATION),
        Plain,
    ),
    field("adult_telephone", "Adult's telephone", PHONE, Personal),
    field("origin", "Coming from (village or town)", PLACE, Personal),
    field("origin_district", "Origin district", DISTRICT, Plain),
    field("destination", "Going to (place)", PLACE, Personal),
    field(
        "destination_district",
        "Destination district or state",
        DISTRICT,
        Plain,
    ),
    field("purpose", "Stated purpose", Choice(TRAVEL_PURPOSE), Plain),
    field("transport", "Transport", Choice(TRANSPORT), Plain),
];

const CHECKPOINT_TAIL: &[FieldSpec] = &[
    field("observations", "Observations", NOTE, Personal),
    field("outcome_note", "What was done, and why", NOTE, Personal),
];

const CHILD_LINK: &[FieldSpec] = &[required(field(
    "case",
    "Child's case",
    Link(&[RecordKind::Case]),
    Plain,
))];

const PERSON_LINK: &[FieldSpec] = &[
    required(field(
        "person",
        "Person of concern",
        Link(&[RecordKind::PersonOfConcern]),
        Plain,
    )),
    field(
        "role",
        "Role in the process",
        Choice(ROLE_IN_PROCESS),
        Plain,
    ),
];

const TRAFFICKING_EVENTS: &[FieldSpec] = &[
    required(field(
        "event_type",
        "Type",
        Choice(TRAFFICKING_EVENT),
        Plain,
    )),
    field("event_date", "Date", Date, Plain),
    field("event_place", "Place", PLACE, Personal),
    field("event_district", "District or state", DISTRICT, Plain),
    field("event_description", "What happened", NOTE, Personal),
];

pub(super) const INCIDENT_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    required(field("incident_date", "Date reported", Date, Plain)),
    field("district", "District", DISTRICT, Plain),
    required(field(
        "trafficking_status",
        "Trafficking status",
        Choice(TRAFFICKING_STATUS),
        Plain,
    )),
    field(
        "decision_org",
        "Organisation that decided the status",
        Choice(DECISION_ORG),
        Plain,
    ),
    field(
        "method_of_recruitment",
        "Method of recruitment",
        Choice(RECRUITMENT_METHOD),
        Plain,
    ),
    field(
        "location_of_recruitment",
        "Place of recruitment",
        PLACE,
        Personal,
    ),
    field("origin_district", "Origin district", DISTRICT, Plain),
    field(
        "destination_district",
        "Destination district or state",
        DISTRICT,
        Plain,
    ),
    field(
        "means_of_control",
        "Means of control",
        Choices(MEANS_OF_CONTROL),
        Plain,
    ),
    field(
        "type_of_exploitation",
        "Type of exploitation",
        Choices(EXPLOITATION_TYPE),
        Plain,
    ),
    field(
        "relationship_to_trafficker",
        "Relationship to the trafficker",
        Choice(TRAFFICKER_RELATIONSHIP),
        Plain,
    ),
    field(
        "trafficker_role",
        "Trafficker's role in the process",
        Choices(ROLE_IN_PROCESS),
        Plain,
    ),
    field("children", "Children", Group(CHILD_LINK), Plain),
    field(
        "persons_of_concern",
        "Persons of concern",
        Group(PERSON_LINK),
        Plain,
    ),
    field(
        "trafficking_events",
        "Trafficking events",
        Group(TRAFFICKING_EVENTS),
        Personal,
    ),
    field("description", "Description", NOTE, Personal),
];

pub(super) const PERSON_OF_CONCERN_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    field("name_first", "First name", NAME, Personal),
    field("name_last", "Last name", NAME, Personal),
    field("name_nickname", "Nickname", NAME, Personal),
    field("name_other", "Aliases", NAME, Personal),
    required(field("sex", "Sex", Choice(SEX), Plain)),
    field("age", "Age", ADULT_AGE, Plain),
    field("description", "Description, marks, vehicle", NOTE, Personal),
    field("telephone", "Telephone", PHONE, Personal),
    field(
        "id_no",
        "Identity document number",
        Text { max_len: 64 },
        Personal,
    ),
    field("district", "District where active", DISTRICT, Plain),
    field(
        "role_in_process",
        "Role in the process",
        Choices(ROLE_IN_PROCESS),
        Plain,
    ),
    field("on_watch_list", "On the checkpoint watch list", Bool, Plain),
    field("notes", "Notes", NOTE, Personal),
];

pub(super) const SERVICE_PROVIDER_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    required(field("provider_name", "Provider", NAME, Plain)),
    required(field(
        "service_types",
        "Services offered",
        Choices(SERVICE_TYPES),
        Plain,
    )),
    field("contact_name", "Contact person", NAME, Plain),
    field("contact_telephone", "Contact telephone", PHONE, Plain),
    field("district", "District", DISTRICT, Plain),
    field("area", "Area served", PLACE, Plain),
    field(
        "is_external",
        "Outside organisation (needs the family's consent to share)",
        Bool,
        Plain,
    ),
    field("notes", "Notes", NOTE, Personal),
];

pub(super) const REFERRAL_FIELDS: &[FieldSpec] = &[
    system(field(
        "status",
        "Referral status",
        Choice(REFERRAL_STATUS),
        Plain,
    )),
    field("case", "Child's case", Link(&[RecordKind::Case]), Plain),
    field(
        "household",
        "Household",
        Link(&[RecordKind::Household]),
        Plain,
    ),
    required(field(
        "service_provider",
        "Service provider",
        Link(&[RecordKind::ServiceProvider]),
        Plain,
    )),
    required(field(
        "service_type",
        "Service",
        Choice(SERVICE_TYPES),
        Plain,
    )),
    required(field("referral_date", "Date sent", Date, Plain)),
    field("district", "District", DISTRICT, Plain),
    field("reason", "Reason for the referral", NOTE, Personal),
    field(
        "follow_up_date",
        "Follow up on",
        Text { max_len: 10 },
        Plain,
    ),
    field("notes", "Notes", NOTE, Personal),
];

pub(super) const AWARENESS_ACTIVITY_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    required(field("activity_date", "Date", Date, Plain)),
    required(field(
        "channel",
        "Channel",
        Choice(AWARENESS_CHANNEL),
        Plain,
    )),
    field("place", "Place", PLACE, Plain),
    field("district", "District", DISTRICT, Plain),
    field(
        "committee",
        "Committee or children's group",
        Link(&[RecordKind::Committee]),
        Plain,
    ),
    field("facilitator", "Facilitator", NAME, Personal),
    field("girls", "Girls (under 18)", COUNT, Plain),
    field("boys", "Boys (under 18)", COUNT, Plain),
    field("women", "Women", COUNT, Plain),
    field("men", "Men", COUNT, Plain),
    field("others", "Others", COUNT, Plain),
    field("messages", "Messages used", Group(MESSAGE_LINK), Plain),
    field("notes", "Notes", NOTE, Personal),
];

const MESSAGE_LINK: &[FieldSpec] = &[required(field(
    "message",
    "Message",
    Link(&[RecordKind::AwarenessMessage]),
    Plain,
))];

pub(super) const AWARENESS_MESSAGE_FIELDS: &[FieldSpec] = &[
    system(field("status", "Status", Choice(ACTIVE_STATUS), Plain)),
    required(field("title", "Title", NAME, Plain)),
    required(field("message_text", "Message", NOTE, Plain)),
    required(field("language", "Language", Choice(LANGUAGES), Plain)),
    required(field("community", "Community that wrote it", PLACE, Plain)),
    field("channel", "Meant for", Choice(AWARENESS_CHANNEL), Plain),
];

/// Home visit fields: the visit, the checklist, then the child's own view.
pub(super) fn home_visit_fields() -> &'static [FieldSpec] {
    static ALL: OnceLock<Vec<FieldSpec>> = OnceLock::new();
    ALL.get_or_init(|| [HOME_VISIT_HEAD, HOME_VISIT_CHECKLIST, HOME_VISIT_TAIL].concat())
}

/// Checkpoint log fields: the child and adult, the checklist, then observations.
pub(super) fn checkpoint_fields() -> &'static [FieldSpec] {
    static ALL: OnceLock<Vec<FieldSpec>> = OnceLock::new();
    ALL.get_or_init(|| [CHECKPOINT_HEAD, CHECKPOINT_CHECKLIST, CHECKPOINT_TAIL].concat())
}
