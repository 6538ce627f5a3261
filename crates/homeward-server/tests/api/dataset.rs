//! Incidents leaving the system over HTTP (issue 12). The anonymised dataset: every
//! combination of sex, age band, place, period and nationality it releases appears at least 11
//! times, the one child who would stand out is generalised away or dropped, no identifier or
//! name leaves, roles without analysis are refused, and every read is audited with rows and
//! purpose. The HTCDS export: the standard's field names and codes (checked against the lists
//! of domain.md §2, not against Homeward's own tables), names in every script, formula-looking
//! text neutralised, refused without data.export and incident.read, audited as an export. (No
//! built-in role exports incidents without also reading personal fields; for a custom one the
//! store leaves those fields out and the columns stay blank.)

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Api, TestServer};

both_backends!(
    the_incident_dataset_is_k_anonymous_and_audited,
    the_incident_dataset_as_csv_keeps_k_and_names_nothing,
    the_htcds_export_uses_the_standards_names_and_codes,
);

/// `n` incidents in `district`, each naming a newly registered child; their case references.
async fn incidents(cw: &Api, n: usize, district: &str, sex: &str, age: i64) -> Vec<String> {
    let mut refs = Vec::new();
    for _ in 0..n {
        let (status, case) = cw
            .post(
                "/api/v1/cases",
                json!({"name_first": "রহিম", "name_last": "आलम", "sex": sex, "age": age,
                       "protection_status": "separated", "district": district,
                       "registration_date": "2026-10-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let reference = case["reference"].as_str().unwrap().to_string();
        let (status, body) = cw
            .post(
                "/api/v1/incidents",
                json!({"incident_date": "2026-10-15", "district": district,
                       "trafficking_status": "possible_victim", "method_of_recruitment": "job_offer",
                       "type_of_exploitation": ["child_labour"], "children": [{"case": reference}],
                       "description": "offered work at a hotel in Guwahati"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        refs.push(reference);
    }
    refs
}

/// 12 girls of 12 from Barpeta, and one boy of 7 from Dhubri who would stand out.
async fn seed(s: &TestServer) -> Vec<String> {
    let cw = s.login("cw_a").await;
    let mut refs = incidents(&cw, 12, "Barpeta", "female", 12).await;
    refs.extend(incidents(&cw, 1, "Dhubri", "male", 7).await);
    refs
}

fn assert_k(rows: &[[String; 5]]) {
    let mut groups: BTreeMap<&[String; 5], usize> = BTreeMap::new();
    for r in rows {
        *groups.entry(r).or_default() += 1;
    }
    assert!(groups.values().all(|&n| n >= 11), "{groups:?}");
}

async fn the_incident_dataset_is_k_anonymous_and_audited(s: TestServer) {
    let refs = seed(&s).await;
    let analyst = s.login("analyst").await;
    let (status, body) = analyst
        .get("/api/v1/reports/incidents?purpose=research")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["k"], 11);
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 12, "{body}");
    let quasi: Vec<[String; 5]> = records
        .iter()
        .map(|r| {
            ["sex", "age_band", "place", "period", "nationality"]
                .map(|k| r[k].as_str().unwrap().to_string())
        })
        .collect();
    assert_k(&quasi);
    assert!(records.iter().all(|r| r["place"] != "Dhubri"), "{body}");
    assert_eq!(body["suppressed"], 1);
    assert_eq!(
        records[0]["attributes"]["method_of_recruitment"],
        "job_offer"
    );
    let text = body.to_string();
    for secret in refs
        .iter()
        .map(String::as_str)
        .chain(["রহিম", "आलम", "Guwahati"])
    {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    let (status, err) = analyst
        .get("/api/v1/reports/incidents?purpose=curiosity")
        .await;
    assert!(status.is_client_error(), "{err}");
    assert_eq!(err["field"], "purpose", "{err}");
    let volunteer = s.login("volunteer").await;
    let (status, _) = volunteer.get("/api/v1/reports/incidents").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let reads: Vec<Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "report.dataset")
        .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["rows"], 12);
    assert_eq!(reads[0]["purpose"], "research");
    assert_eq!(reads[0]["via"], "http");
}

async fn the_incident_dataset_as_csv_keeps_k_and_names_nothing(s: TestServer) {
    let refs = seed(&s).await;
    let res = s
        .login("analyst")
        .await
        .call(reqwest::Method::GET, "/api/v1/reports/incidents.csv", None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let names: Vec<&str> = headers.iter().collect();
    assert_eq!(
        names[..5],
        ["sex", "age_band", "place", "period", "nationality"]
    );
    assert!(names.contains(&"type_of_exploitation"));
    let rows: Vec<[String; 5]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [0, 1, 2, 3, 4].map(|i| r[i].to_string())
        })
        .collect();
    assert_eq!(rows.len(), 12, "{text}");
    assert_k(&rows);
    for secret in refs
        .iter()
        .map(String::as_str)
        .chain(["রহিম", "Dhubri", "Guwahati"])
    {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

/// HTCDS v2.0 field names and code lists as domain.md §2 gives them.
const HTCDS_FIELDS: &[&str] = &[
    "prs_FirstName",
    "prs_MiddleName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_RelationshipToTrafficker",
    "vic_AgeWhenTrafficked",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "per_RoleInProcess",
    "cas_Status",
    "hte_Type",
    "hte_Date",
];

fn htcds_codes(field: &str) -> Option<&'static [&'static str]> {
    Some(match field {
        "prs_Gender" => &[
            "Feminine",
            "Masculine",
            "TransgenderFeminine",
            "TransgenderMasculine",
            "NonConforming",
            "NonSpecifiedUnknown",
        ],
        "vic_TraffickingStatus" => &["PossibleVictim", "ActualVictim", "NotAVictim"],
        "vic_TraffickingStatusDecisionMakingOrg" => &[
            "Police",
            "NGO",
            "CourtOrProsecution",
            "NonPoliceGovernmentalOrganization",
            "Other",
        ],
        "vic_RelationshipToTrafficker" => &["Familial", "Acquainted", "Unaquainted"],
        "vic_TypeOfExploitation" => &[
            "ForcedLabour",
            "SexualExploitation",
            "ChildLabour",
            "ForcedMarriage",
            "Servitude",
            "ForcedMilitaryByNonStateActors",
            "OrganRemoval",
            "ForcedBegging",
            "ForcedAdoption",
            "Surrogacy",
            "Other",
        ],
        "per_RoleInProcess" => &[
            "TravellingPartner",
            "Transporter",
            "RecruiterOrIntermediary",
            "BrokerTravelAgent",
            "TransferredHarbouredSoldBoughtReceivedControlledIndividual",
            "Smuggler",
            "Abuser",
            "Kidnapper",
            "Exploiter",
            "Other",
        ],
        "cas_Status" => &["Active", "FollowUp", "Closed", "ClosedReferred"],
        "hte_Type" => &["Recruitment", "Transit", "Exploitation"],
        _ => return None,
    })
}

async fn htcds(api: &Api) -> (StatusCode, Vec<BTreeMap<String, String>>) {
    let res = api
        .call(reqwest::Method::GET, "/api/v1/exports/htcds.csv", None)
        .await;
    let status = res.status();
    let text = res.text().await.unwrap();
    if status != StatusCode::OK {
        return (status, Vec::new());
    }
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, HTCDS_FIELDS, "columns");
    let rows = reader
        .records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect();
    (status, rows)
}

async fn the_htcds_export_uses_the_standards_names_and_codes(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (status, case) = cw
        .post(
            "/api/v1/cases",
            json!({"name_first": "রহিম", "name_middle": "कुमार", "name_last": "Alam", "sex": "male", "age": 15,
                   "date_of_birth": "2011-02-03", "protection_status": "separated", "district": "Barpeta"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let child = case["reference"].as_str().unwrap();
    // A child no incident names: the export must neither read nor count this case.
    let (status, other) = cw
        .post(
            "/api/v1/cases",
            json!({"name_first": "Karim", "name_last": "Alam", "sex": "male", "age": 12,
                   "protection_status": "separated", "district": "Barpeta"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let (status, body) = cw
        .post(
            "/api/v1/incidents",
            json!({"incident_date": "2026-10-15", "district": "Barpeta",
                   "trafficking_status": "actual_victim", "decision_org": "police",
                   "method_of_recruitment": "job_offer", "relationship_to_trafficker": "unacquainted",
                   "means_of_control": ["debt_bondage", "withholds_documents"],
                   "type_of_exploitation": ["child_labour", "forced_military_non_state"],
                   "trafficker_role": ["harbourer_buyer_or_receiver"],
                   "location_of_recruitment": "=Kalgachia haat",
                   "children": [{"case": child}],
                   "trafficking_events": [{"event_type": "recruitment", "event_date": "2026-10-01"},
                                          {"event_type": "exploitation", "event_date": "2026-10-10"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, rows) = htcds(&s.login("sup_a").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    for (field, value) in row {
        if let Some(codes) = htcds_codes(field) {
            for v in value.split(';').filter(|v| !v.is_empty()) {
                assert!(codes.contains(&v), "{field}: `{v}` is not an HTCDS code");
            }
        }
    }
    assert_eq!(row["prs_FirstName"], "রহিম");
    assert_eq!(row["prs_MiddleName"], "कुमार");
    assert_eq!(row["prs_SecondName"], "Alam");
    assert_eq!(row["prs_Birthdate"], "2011-02-03");
    assert_eq!(row["prs_Gender"], "Masculine");
    assert_eq!(row["vic_AgeWhenTrafficked"], "15");
    assert_eq!(row["vic_TraffickingStatus"], "ActualVictim");
    assert_eq!(row["vic_RelationshipToTrafficker"], "Unaquainted");
    assert_eq!(row["vic_MethodOfRecruitment"], "JobOffer");
    assert_eq!(
        row["vic_MethodsOfControl"],
        "DebtBondage;WithholdsDocuments"
    );
    assert_eq!(
        row["vic_TypeOfExploitation"],
        "ChildLabour;ForcedMilitaryByNonStateActors"
    );
    assert_eq!(
        row["per_RoleInProcess"],
        "TransferredHarbouredSoldBoughtReceivedControlledIndividual"
    );
    assert_eq!(row["vic_LocationOfRecruitment"], "'=Kalgachia haat");
    assert_eq!(row["cas_Status"], "Active");
    assert_eq!(row["hte_Type"], "Recruitment;Exploitation");
    assert_eq!(row["hte_Date"], "2026-10-01;2026-10-10");

    // Without incident.read, or without data.export: refused.
    let (status, _) = htcds(&s.login("admin").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = htcds(&s.login("analyst").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, audit) = s.login("admin").await.get("/api/v1/audit?limit=1000").await;
    let exports: Vec<Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "records.export")
        .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
        .collect();
    assert!(
        exports.iter().any(|d| d["kind"] == "incident"
            && d["origin"]["format"] == "htcds"
            && d["personal"] == true),
        "{exports:?}"
    );
    let case_reads: Vec<&Value> = exports
        .iter()
        .filter(|d| d["kind"] == "case" && d["origin"]["format"] == "htcds")
        .collect();
    assert_eq!(case_reads.len(), 1, "{exports:?}");
    assert_eq!(
        case_reads[0]["count"], 1,
        "only the named child is read: {exports:?}"
    );
}
