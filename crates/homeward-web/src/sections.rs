//! How a record's fields are grouped into the sections of its form and page.
//!
//! The catalogue owns the fields and their order; this table only says which section each
//! belongs to. A field the table does not name still appears, in a last "other" section, so a
//! field added to the catalogue is never silently missing from the form.

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

/// The sections of a kind's form, each with its fields; system fields are left out.
pub fn sections(kind: RecordKind) -> Vec<Section> {
    let table = match kind {
        RecordKind::Case => CASE,
        RecordKind::TracingRequest => TRACING,
        _ => &[],
    };
    let fields: Vec<&'static FieldSpec> = kind.fields().iter().filter(|f| !f.system).collect();
    let mut out: Vec<Section> = table
        .iter()
        .map(|(id, names)| Section {
            id,
            fields: fields
                .iter()
                .copied()
                .filter(|f| names.contains(&f.name))
                .collect(),
        })
        .collect();
    let other: Vec<_> = fields
        .iter()
        .copied()
        .filter(|f| !table.iter().any(|(_, names)| names.contains(&f.name)))
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
        // The kinds the web interface serves so far; prevention forms come next.
        for kind in [RecordKind::Case, RecordKind::TracingRequest] {
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
