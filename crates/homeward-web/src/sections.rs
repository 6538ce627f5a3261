//! How a record's fields are grouped into the sections of its form and page.
//!
//! The catalogue owns the fields and their order; this table only says which section each
//! belongs to. A field the table does not name still appears, in a last "other" section, so a
//! field added to the catalogue is never silently missing from the form. A name ending in `*`
//! takes every field it starts (a checklist's items and their notes, in catalogue order).

use homeward_domain::{FieldSpec, RecordKind};

/// A section and the fields it holds, in catalogue order.
pub struct Section {
    /// Id used for the anchor and the title's message (`section-{id}`).
    pub id: &'static str,
    /// The fields.
    pub fields: Vec<&'static FieldSpec>,
}

const CASE: &[(&str, &[&str])] = &[
    (
        "identity",
        &[
            "name_first",
            "name_middle",
            "name_last",
            "name_nickname",
            "name_other",
            "sex",
            "age",
            "date_of_birth",
            "estimated",
            "languages",
            "district",
            "location_current",
            "date_of_identification",
            "registration_date",
        ],
    ),
    (
        "protection",
        &[
            "protection_status",
            "risk_level",
            "displacement_status",
            "protection_concerns",
        ],
    ),
    ("family", &["family_details"]),
    (
        "separation",
        &[
            "date_of_separation",
            "separation_cause",
            "location_separation",
            "separation_details",
        ],
    ),
    (
        "care",
        &[
            "care_arrangements_type",
            "care_arrangement_started_date",
            "name_caregiver",
        ],
    ),
    (
        "consent",
        &[
            "consent_for_tracing",
            "consent_for_services",
            "disclosure_other_orgs",
            "consent_for_reporting",
            "legitimate_basis",
        ],
    ),
    (
        "documents",
        &[
            "documents_held",
            "birth_registration",
            "national_id_no",
            "unhcr_id_no",
            "icrc_ref_no",
            "other_id_no",
        ],
    ),
    ("notes", &["notes"]),
];

const TRACING: &[(&str, &[&str])] = &[
    (
        "inquirer",
        &[
            "inquiry_date",
            "relation_name",
            "relation_nickname",
            "relation",
            "relation_sex",
            "relation_age",
            "relation_telephone",
            "relation_location_current",
            "district",
            "village",
            "languages",
            "consent_for_tracing",
        ],
    ),
    ("children", &["children_sought"]),
    ("notes", &["notes"]),
];

const HOUSEHOLD: &[(&str, &[&str])] = &[
    (
        "identity",
        &[
            "head_name",
            "head_sex",
            "head_telephone",
            "district",
            "village",
            "displacement_status",
            "committee",
        ],
    ),
    ("members", &["members"]),
    (
        "livelihood",
        &["livelihood", "livelihood_lost", "debts", "debt_details"],
    ),
    ("school", &["school_attendance", "documents_held"]),
    (
        "consent",
        &["consent_for_services", "disclosure_other_orgs"],
    ),
    ("notes", &["notes"]),
];

const HOME_VISIT: &[(&str, &[&str])] = &[
    (
        "visit",
        &[
            "household",
            "visit_date",
            "child_name",
            "child_age",
            "child_sex",
        ],
    ),
    ("checklist", &["hv_*"]),
    ("child_view", &["child_assent", "child_view"]),
    ("notes", &["notes"]),
];

const CHECKPOINT: &[(&str, &[&str])] = &[
    ("checkpoint", &["log_date", "checkpoint", "district"]),
    (
        "child",
        &[
            "name_first",
            "name_last",
            "name_nickname",
            "name_other",
            "sex",
            "age",
            "languages",
            "description",
        ],
    ),
    ("adult", &["adult_*"]),
    (
        "journey",
        &[
            "origin",
            "origin_district",
            "destination",
            "destination_district",
            "purpose",
            "transport",
        ],
    ),
    ("checklist", &["cp_*"]),
    ("observations", &["observations", "outcome_note"]),
];

const COMMITTEE: &[(&str, &[&str])] = &[
    (
        "group",
        &[
            "committee_name",
            "committee_type",
            "district",
            "village",
            "formed_date",
        ],
    ),
    ("members", &["members"]),
    ("notes", &["notes"]),
];

const INCIDENT: &[(&str, &[&str])] = &[
    (
        "incident",
        &[
            "incident_date",
            "district",
            "trafficking_status",
            "decision_org",
        ],
    ),
    (
        "recruitment",
        &[
            "method_of_recruitment",
            "location_of_recruitment",
            "origin_district",
            "destination_district",
            "relationship_to_trafficker",
            "trafficker_role",
        ],
    ),
    (
        "exploitation",
        &["means_of_control", "type_of_exploitation"],
    ),
    ("people", &["children", "persons_of_concern"]),
    ("events", &["trafficking_events"]),
    ("notes", &["description"]),
];

const PERSON_OF_CONCERN: &[(&str, &[&str])] = &[
    (
        "identity",
        &[
            "name_first",
            "name_last",
            "name_nickname",
            "name_other",
            "sex",
            "age",
            "description",
            "telephone",
            "id_no",
        ],
    ),
    (
        "operations",
        &["district", "role_in_process", "on_watch_list"],
    ),
    ("notes", &["notes"]),
];

const SERVICE_PROVIDER: &[(&str, &[&str])] = &[
    (
        "provider",
        &[
            "provider_name",
            "service_types",
            "is_external",
            "district",
            "area",
        ],
    ),
    ("contact", &["contact_name", "contact_telephone"]),
    ("notes", &["notes"]),
];

const REFERRAL: &[(&str, &[&str])] = &[
    (
        "referral",
        &[
            "case",
            "household",
            "service_provider",
            "service_type",
            "referral_date",
            "district",
            "follow_up_date",
        ],
    ),
    ("notes", &["reason", "notes"]),
];

const AWARENESS_ACTIVITY: &[(&str, &[&str])] = &[
    (
        "activity",
        &[
            "activity_date",
            "channel",
            "place",
            "district",
            "committee",
            "facilitator",
        ],
    ),
    ("attendance", &["girls", "boys", "women", "men", "others"]),
    ("messages", &["messages"]),
    ("notes", &["notes"]),
];

const AWARENESS_MESSAGE: &[(&str, &[&str])] = &[(
    "message",
    &["title", "message_text", "language", "community", "channel"],
)];

fn named(names: &[&str], field: &str) -> bool {
    names.iter().any(|n| match n.strip_suffix('*') {
        Some(prefix) => field.starts_with(prefix),
        None => *n == field,
    })
}

/// The sections of a kind's form, each with its fields; system fields are left out.
pub fn sections(kind: RecordKind) -> Vec<Section> {
    let table = match kind {
        RecordKind::Case => CASE,
        RecordKind::TracingRequest => TRACING,
        RecordKind::Household => HOUSEHOLD,
        RecordKind::HomeVisit => HOME_VISIT,
        RecordKind::CheckpointLog => CHECKPOINT,
        RecordKind::Committee => COMMITTEE,
        RecordKind::Incident => INCIDENT,
        RecordKind::PersonOfConcern => PERSON_OF_CONCERN,
        RecordKind::ServiceProvider => SERVICE_PROVIDER,
        RecordKind::Referral => REFERRAL,
        RecordKind::AwarenessActivity => AWARENESS_ACTIVITY,
        RecordKind::AwarenessMessage => AWARENESS_MESSAGE,
    };
    let fields: Vec<&'static FieldSpec> = kind.fields().iter().filter(|f| !f.system).collect();
    let mut out: Vec<Section> = table
        .iter()
        .map(|(id, names)| Section {
            id,
            fields: fields
                .iter()
                .copied()
                .filter(|f| named(names, f.name))
                .collect(),
        })
        .collect();
    let other: Vec<_> = fields
        .iter()
        .copied()
        .filter(|f| !table.iter().any(|(_, names)| named(names, f.name)))
        .collect();
    if !other.is_empty() {
        out.push(Section {
            id: "other",
            fields: other,
        });
    }
    out
}

/// The message scope of a kind's field labels (see [`crate::i18n::Tr::field`]).
pub fn label_scope(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Case => "case",
        RecordKind::TracingRequest => "tracing",
        other => other.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_named_section() {
        for kind in RecordKind::ALL {
            let s = sections(kind);
            assert!(
                s.iter().all(|s| s.id != "other"),
                "{kind:?} has unsorted fields"
            );
            let n: usize = s.iter().map(|s| s.fields.len()).sum();
            assert_eq!(n, kind.fields().iter().filter(|f| !f.system).count());
        }
    }
}
