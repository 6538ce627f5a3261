//! Trafficking incidents as IOM's Human Trafficking Case Data Standard v2.0 (24 Dec 2021) names
//! them (domain.md §2), for the national anti-trafficking database: one row per child an
//! incident names (HTCDS is person-centred), its columns the standard's field names, its coded
//! values the standard's codes. Homeward's choice lists were built from the standard, so each
//! value has exactly one code; a value without one is a bug that [`tests`] catch.
//!
//! Multiple choices and the historic trafficking events (`hte_`) are joined with `;`, events
//! in the order recorded.

use serde_json::Value;

use crate::Document;

/// One column: the standard's field name, whether it carries personal data (blank for a role
/// that may not read personal fields), and its code list when coded.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The HTCDS field name (`prs_FirstName`...).
    pub name: &'static str,
    /// It identifies the person: blank unless the reader may see personal fields.
    pub personal: bool,
    /// Homeward value → HTCDS code, for coded fields.
    pub codes: Option<&'static [(&'static str, &'static str)]>,
}

const GENDER: &[(&str, &str)] = &[
    ("female", "Feminine"),
    ("male", "Masculine"),
    ("other", "NonConforming"),
    ("unknown", "NonSpecifiedUnknown"),
];

const TRAFFICKING_STATUS: &[(&str, &str)] = &[
    ("possible_victim", "PossibleVictim"),
    ("actual_victim", "ActualVictim"),
    ("not_a_victim", "NotAVictim"),
];

const DECISION_ORG: &[(&str, &str)] = &[
    ("police", "Police"),
    ("ngo", "NGO"),
    ("court_or_prosecution", "CourtOrProsecution"),
    ("non_police_government", "NonPoliceGovernmentalOrganization"),
    ("other", "Other"),
];

/// The standard spells it `Unaquainted`.
const RELATIONSHIP: &[(&str, &str)] = &[
    ("familial", "Familial"),
    ("acquainted", "Acquainted"),
    ("unacquainted", "Unaquainted"),
];

const RECRUITMENT: &[(&str, &str)] = &[
    ("abduction", "Abduction"),
    ("job_offer", "JobOffer"),
    ("education_offer", "EducationOffer"),
    ("marriage_or_false_marriage", "MarriageOrFalseMarriage"),
    ("travel_offer", "TravelOffer"),
    ("online_approach", "OnlineApproach"),
    ("sold_by_family", "SoldByFamily"),
    ("personal_relationship", "PersonalRelationship"),
    ("debt", "Debt"),
    ("other", "Other"),
];

const CONTROL: &[(&str, &str)] = &[
    ("debt_bondage", "DebtBondage"),
    ("takes_earnings", "TakesEarnings"),
    ("threats", "Threats"),
    ("psychological_abuse", "PsychologicalAbuse"),
    ("physical_abuse", "PhysicalAbuse"),
    ("sexual_abuse", "SexualAbuse"),
    ("false_promises", "FalsePromises"),
    ("psychoactive_substances", "PsychoactiveSubstances"),
    ("restricts_movement", "RestrictsMovement"),
    ("restricts_medical_care", "RestrictsMedicalCare"),
    ("excessive_working_hours", "ExcessiveWorkingHours"),
    ("threatens_family", "ThreatensChildrenFamily"),
    ("threat_of_law_enforcement", "ThreatOfLawEnforcement"),
    ("withholds_necessities", "WithholdsNecessities"),
    ("withholds_documents", "WithholdsDocuments"),
    ("other", "Other"),
];

const EXPLOITATION: &[(&str, &str)] = &[
    ("forced_labour", "ForcedLabour"),
    ("sexual_exploitation", "SexualExploitation"),
    ("child_labour", "ChildLabour"),
    ("forced_marriage", "ForcedMarriage"),
    ("servitude", "Servitude"),
    (
        "forced_military_non_state",
        "ForcedMilitaryByNonStateActors",
    ),
    ("organ_removal", "OrganRemoval"),
    ("forced_begging", "ForcedBegging"),
    ("forced_adoption", "ForcedAdoption"),
    ("surrogacy", "Surrogacy"),
    ("other", "Other"),
];

const ROLE: &[(&str, &str)] = &[
    ("travelling_partner", "TravellingPartner"),
    ("transporter", "Transporter"),
    ("recruiter_or_intermediary", "RecruiterOrIntermediary"),
    ("broker_travel_agent", "BrokerTravelAgent"),
    (
        "harbourer_buyer_or_receiver",
        "TransferredHarbouredSoldBoughtReceivedControlledIndividual",
    ),
    ("smuggler", "Smuggler"),
    ("abuser", "Abuser"),
    ("kidnapper", "Kidnapper"),
    ("exploiter", "Exploiter"),
    ("other", "Other"),
];

const CASE_STATUS: &[(&str, &str)] = &[("open", "Active"), ("closed", "Closed")];

const EVENT: &[(&str, &str)] = &[
    ("recruitment", "Recruitment"),
    ("transit", "Transit"),
    ("exploitation", "Exploitation"),
];

const fn plain(
    name: &'static str,
    codes: Option<&'static [(&'static str, &'static str)]>,
) -> Column {
    Column {
        name,
        personal: false,
        codes,
    }
}

const fn personal(name: &'static str) -> Column {
    Column {
        name,
        personal: true,
        codes: None,
    }
}

/// The columns, in order.
pub const COLUMNS: &[Column] = &[
    personal("prs_FirstName"),
    personal("prs_MiddleName"),
    personal("prs_SecondName"),
    personal("prs_Birthdate"),
    plain("prs_Gender", Some(GENDER)),
    plain("vic_TraffickingStatus", Some(TRAFFICKING_STATUS)),
    plain("vic_TraffickingStatusDecisionMakingOrg", Some(DECISION_ORG)),
    plain("vic_RelationshipToTrafficker", Some(RELATIONSHIP)),
    plain("vic_AgeWhenTrafficked", None),
    plain("vic_MethodOfRecruitment", Some(RECRUITMENT)),
    personal("vic_LocationOfRecruitment"),
    plain("vic_MethodsOfControl", Some(CONTROL)),
    plain("vic_TypeOfExploitation", Some(EXPLOITATION)),
    plain("per_RoleInProcess", Some(ROLE)),
    plain("cas_Status", Some(CASE_STATUS)),
    plain("hte_Type", Some(EVENT)),
    plain("hte_Date", None),
];

/// The HTCDS code of a Homeward value (`None` when it has none).
pub fn code(codes: &[(&str, &'static str)], value: &str) -> Option<&'static str> {
    codes.iter().find(|(v, _)| *v == value).map(|(_, c)| *c)
}

fn text<'a>(doc: Option<&'a Document>, field: &str) -> &'a str {
    doc.and_then(|d| d.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The values of a choice, multiple choice or scalar field, as text.
fn values(doc: &Document, field: &str) -> Vec<String> {
    match doc.get(field) {
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// Codes of `values` joined with `;` (a value without a code is left out: see the tests).
fn coded(codes: &[(&str, &'static str)], values: &[String]) -> String {
    values
        .iter()
        .filter_map(|v| code(codes, v))
        .collect::<Vec<_>>()
        .join(";")
}

/// The child's age when trafficked: from the date of birth and the incident's date when both
/// are known, else the age recorded at registration.
fn age_when_trafficked(incident: &Document, child: Option<&Document>) -> String {
    let day =
        |s: &str| chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok();
    let born = day(text(child, "date_of_birth"));
    let when = day(text(Some(incident), "incident_date"));
    if let (Some(b), Some(w)) = (born, when) {
        if let Some(years) = w.years_since(b) {
            return years.to_string();
        }
    }
    child
        .and_then(|c| c.get("age"))
        .and_then(Value::as_i64)
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// The row of one child of an incident (`child`: its case's fields, `None` when the incident
/// names no child or the case is outside the reader's scope). Personal columns are blank when
/// the documents do not hold them (a role that may not read them).
pub fn victim_row(incident: &Document, child: Option<&Document>) -> Vec<String> {
    let events: Vec<&Document> = match incident.get("trafficking_events") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    let event_values = |field: &str| -> Vec<String> {
        events
            .iter()
            .map(|e| text(Some(e), field).to_string())
            .collect()
    };
    let sex = vec![text(child, "sex").to_string()];
    let gender = if child.is_some() {
        coded(GENDER, &sex)
    } else {
        String::new()
    };
    vec![
        text(child, "name_first").to_string(),
        text(child, "name_middle").to_string(),
        text(child, "name_last").to_string(),
        text(child, "date_of_birth").to_string(),
        gender,
        coded(TRAFFICKING_STATUS, &values(incident, "trafficking_status")),
        coded(DECISION_ORG, &values(incident, "decision_org")),
        coded(
            RELATIONSHIP,
            &values(incident, "relationship_to_trafficker"),
        ),
        age_when_trafficked(incident, child),
        coded(RECRUITMENT, &values(incident, "method_of_recruitment")),
        text(Some(incident), "location_of_recruitment").to_string(),
        coded(CONTROL, &values(incident, "means_of_control")),
        coded(EXPLOITATION, &values(incident, "type_of_exploitation")),
        coded(ROLE, &values(incident, "trafficker_role")),
        coded(CASE_STATUS, &values(incident, "status")),
        coded(EVENT, &event_values("event_type")),
        event_values("event_date").join(";"),
    ]
}

/// The case references an incident names, in order (none: one row without a child).
pub fn children_of(incident: &Document) -> Vec<String> {
    match incident.get("children") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.get("case").and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::prevention;
    use crate::catalogue::SEX;
    use serde_json::json;

    fn every_value_has_a_code(list: &[&str], codes: &[(&str, &'static str)]) {
        for v in list {
            assert!(code(codes, v).is_some(), "`{v}` has no HTCDS code");
        }
        assert_eq!(
            list.len(),
            codes.len(),
            "codes for values Homeward does not have"
        );
    }

    #[test]
    fn every_choice_homeward_offers_has_its_htcds_code() {
        every_value_has_a_code(SEX, GENDER);
        every_value_has_a_code(prevention::TRAFFICKING_STATUS, TRAFFICKING_STATUS);
        every_value_has_a_code(prevention::DECISION_ORG, DECISION_ORG);
        every_value_has_a_code(prevention::TRAFFICKER_RELATIONSHIP, RELATIONSHIP);
        every_value_has_a_code(prevention::RECRUITMENT_METHOD, RECRUITMENT);
        every_value_has_a_code(prevention::MEANS_OF_CONTROL, CONTROL);
        every_value_has_a_code(prevention::EXPLOITATION_TYPE, EXPLOITATION);
        every_value_has_a_code(prevention::ROLE_IN_PROCESS, ROLE);
        every_value_has_a_code(prevention::ACTIVE_STATUS, CASE_STATUS);
        every_value_has_a_code(prevention::TRAFFICKING_EVENT, EVENT);
    }

    #[test]
    fn a_childs_row_carries_its_names_and_the_incidents_codes() {
        let incident: Document = serde_json::from_value(json!({
            "status": "open", "incident_date": "2026-10-15",
            "trafficking_status": "actual_victim", "decision_org": "police",
            "method_of_recruitment": "job_offer", "type_of_exploitation": ["child_labour", "servitude"],
            "trafficking_events": [{"event_type": "recruitment", "event_date": "2026-10-01"},
                                   {"event_type": "transit"}]}))
        .unwrap();
        let child: Document = serde_json::from_value(json!({
            "name_first": "রহিম", "name_last": "आलम", "sex": "male", "age": 15,
            "date_of_birth": "2012-03-04"}))
        .unwrap();
        let row = victim_row(&incident, Some(&child));
        assert_eq!(row.len(), COLUMNS.len());
        let cell = |name: &str| &row[COLUMNS.iter().position(|c| c.name == name).unwrap()];
        assert_eq!(cell("prs_FirstName"), "রহিম");
        assert_eq!(cell("prs_SecondName"), "आलम");
        assert_eq!(cell("prs_Gender"), "Masculine");
        assert_eq!(cell("vic_AgeWhenTrafficked"), "14");
        assert_eq!(cell("vic_TraffickingStatus"), "ActualVictim");
        assert_eq!(cell("vic_TypeOfExploitation"), "ChildLabour;Servitude");
        assert_eq!(cell("cas_Status"), "Active");
        assert_eq!(cell("hte_Type"), "Recruitment;Transit");
        assert_eq!(cell("hte_Date"), "2026-10-01;");
        let without = victim_row(&incident, None);
        assert_eq!(without[0], "");
        assert_eq!(without[4], "");
    }
}
