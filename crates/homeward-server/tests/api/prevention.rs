//! Prevention over HTTP: a red-flag home visit alerts the caseworker, a checkpoint log of a
//! sought child names the tracing request, volunteers cannot read incidents, the analysis
//! withholds small counts, and referrals to outside organisations need consent.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{child, tracing_request, Api, TestServer};

both_backends!(
    a_home_visit_with_a_red_flag_alerts_who_can_open_it,
    a_checkpoint_log_of_a_sought_child_names_the_tracing_request,
    a_volunteer_cannot_read_incidents,
    the_analysis_withholds_small_counts_below_supervisor,
    a_referral_to_an_outside_organisation_needs_consent,
    the_volunteers_of_a_committee_see_its_households_and_visits,
);

async fn alerts_of_kind(api: &Api, kind: &str) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        let (status, body) = api.get("/api/v1/alerts").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let found: Vec<Value> = body
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == kind)
            .cloned()
            .collect();
        if !found.is_empty() || std::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_home_visit_with_a_red_flag_alerts_who_can_open_it(s: TestServer) {
    let volunteer = s.login("volunteer").await;
    let cw = s.login("cw_a").await;
    let (status, household) = volunteer
        .post("/api/v1/households", json!({"head_name": "Sahida Begum", "district": "Barpeta", "village": "Char Bhangura",
            "livelihood": "daily_wage_labour", "livelihood_lost": true, "debts": true,
            "members": [{"member_relation": "mother", "member_name": "Sahida Begum"}, {"member_relation": "other_family", "member_name": "Rupa", "member_age": 13, "member_in_school": "no"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{household}");
    assert_eq!(household["reference"].as_str().unwrap()[..2], *"HH");
    // The volunteer visiting the family sees its name and village; no case is opened to them.
    assert_eq!(household["fields"]["head_name"], "Sahida Begum");
    let hh = household["reference"].as_str().unwrap().to_string();

    let (status, err) = volunteer
        .post("/api/v1/home-visits", json!({"household": hh, "visit_date": "2026-11-20", "child_view": "wants to go to Delhi", "child_assent": "not_asked"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "child_view");

    let (status, calm) = volunteer
        .post("/api/v1/home-visits", json!({"household": hh, "visit_date": "2026-11-20", "hv_school_dropout": "yes", "hv_no_documents": "no"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{calm}");
    assert_eq!(calm["fields"]["red_flag"], false);
    assert!(alerts_of_kind(&cw, "home_visit_risk").await.is_empty());

    let (status, visit) = volunteer
        .post("/api/v1/home-visits", json!({"household": hh, "visit_date": "2026-11-27",
            "hv_offer_to_take_child": "Yes", "hv_offer_to_take_child_note": "a cousin offered work in a Delhi hotel",
            "hv_livelihood_lost_or_debt": "yes", "hv_school_dropout": "unknown",
            "child_name": "Rupa", "child_assent": "given", "child_view": "wants to stay in school"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    assert_eq!(visit["fields"]["red_flag"], true);
    assert_eq!(
        visit["fields"]["risk_items"],
        json!(["hv_offer_to_take_child", "hv_livelihood_lost_or_debt"])
    );
    assert_eq!(visit["fields"]["risk_score"], 7);
    // A corrected answer re-scores the visit.
    let hv = visit["reference"].as_str().unwrap();
    let (status, corrected) = volunteer
        .patch(
            &format!("/api/v1/home-visits/{hv}"),
            json!({"hv_livelihood_lost_or_debt": "no"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(
        corrected["fields"]["risk_items"],
        json!(["hv_offer_to_take_child"])
    );
    assert_eq!(corrected["fields"]["risk_score"], 5);
    assert_eq!(corrected["fields"]["red_flag"], true);

    // The alert goes to whoever can open the visit: the team's supervisor, not a caseworker
    // whose scope is their own cases (the link would answer "Not found"; issue 15).
    let sup = s.login("sup_a").await;
    let alerts = alerts_of_kind(&sup, "home_visit_risk").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["detail"]["household_reference"], hh.as_str());
    assert_eq!(
        alerts[0]["detail"]["red_flags"],
        json!(["hv_offer_to_take_child"])
    );
    let visit_ref = alerts[0]["detail"]["home_visit_reference"]
        .as_str()
        .unwrap();
    let (status, _) = sup.get(&format!("/api/v1/home-visits/{visit_ref}")).await;
    assert_eq!(status, StatusCode::OK, "the alert's record opens");
    assert!(alerts_of_kind(&cw, "home_visit_risk").await.is_empty());
    // The team's supervisor sees the volunteer's household (a caseworker's scope is their own).
    let (_, household) = sup.get(&format!("/api/v1/households/{hh}")).await;
    assert_eq!(household["fields"]["risk_level"], "high");
    assert_eq!(household["fields"]["last_visit_date"], "2026-11-27");
    assert_eq!(household["fields"]["next_visit_due"], "2026-12-04");

    // An unknown household is named, and nothing is stored.
    let (status, err) = volunteer
        .post(
            "/api/v1/home-visits",
            json!({"household": "HH-0000-000", "visit_date": "2026-11-27"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "household");
    let (_, visits) = sup.get("/api/v1/home-visits").await;
    assert_eq!(visits["total"], 2);
}

async fn a_checkpoint_log_of_a_sought_child_names_the_tracing_request(s: TestServer) {
    let cw = s.login("cw_a").await;
    let officer = s.login("checkpoint").await;
    let (status, request) = cw.post("/api/v1/tracing-requests", tracing_request()).await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let tr = request["reference"].as_str().unwrap().to_string();
    let (status, person) = cw
        .post("/api/v1/persons-of-concern", json!({"name_first": "Mofizul", "name_last": "Haque", "sex": "male", "on_watch_list": true, "role_in_process": ["recruiter_or_intermediary"]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let pc = person["reference"].as_str().unwrap().to_string();

    // The same recruiter recorded again under another spelling is flagged as a possible
    // duplicate to whoever recorded it.
    let (status, again) = cw
        .post(
            "/api/v1/persons-of-concern",
            json!({"name_first": "Mofijul", "name_last": "Haque", "sex": "male", "age": 41}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let dupes = alerts_of_kind(&cw, "possible_duplicate_person").await;
    // One alert per pair, whichever of the two records the matcher saw first.
    let pair = |a: &serde_json::Value| {
        let (x, y) = (&a["detail"]["reference"], &a["detail"]["other_reference"]);
        (*x == again["reference"] && *y == pc.as_str())
            || (*y == again["reference"] && *x == pc.as_str())
    };
    assert!(
        dupes.iter().any(pair),
        "again {} pc {pc}: {dupes:?}",
        again["reference"]
    );

    let (status, logged) = officer
        .post("/api/v1/checkpoint-logs", json!({"log_date": "2026-11-28", "checkpoint": "Srirampur border gate", "district": "Kokrajhar",
            "name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10, "origin_district": "Barpeta",
            "destination_district": "Delhi", "purpose": "work", "transport": "bus",
            "adult_name": "Mofizul Hoque", "adult_sex": "male", "adult_id_type": "voter_id", "adult_id_no": "XKZ1234567",
            "adult_relationship": "other_nonfamily",
            "cp_no_guardian_or_non_relative": "yes", "cp_destination_or_job_unknown": "yes"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{logged}");
    let concerns = logged["screening"]["concerns"].as_array().unwrap();
    let refs: Vec<&str> = concerns
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&tr.as_str()), "{logged}");
    assert!(refs.contains(&pc.as_str()), "{logged}");
    assert_eq!(logged["screening"]["needs_attention"], true);
    assert!(concerns
        .iter()
        .all(|c| c["next_step"].as_str().is_some_and(|s| s.len() > 20)));
    // The adult's identity is sealed and withheld from the officer, who lacks personal_data.view.
    let record = &logged["record"];
    assert_eq!(record["redacted"], true);
    assert!(record["fields"].get("adult_id_no").is_none());
    let cp = record["reference"].as_str().unwrap().to_string();

    let sightings = alerts_of_kind(&cw, "checkpoint_sighting").await;
    assert!(
        sightings
            .iter()
            .any(|a| a["detail"]["reference"] == tr.as_str()
                && a["detail"]["checkpoint_log_reference"] == cp.as_str()),
        "{sightings:?}"
    );
    let told = alerts_of_kind(&officer, "checkpoint_match").await;
    assert!(told.iter().any(|a| a["detail"]["reference"] == tr.as_str()));
    // A government partner (police, Child Welfare Committee) sees the adult's identity.
    let (_, full) = s
        .login("gov")
        .await
        .get(&format!("/api/v1/checkpoint-logs/{cp}"))
        .await;
    assert_eq!(full["fields"]["adult_id_no"], "XKZ1234567");

    let (status, done) = officer
        .post(
            &format!("/api/v1/checkpoint-logs/{cp}/outcome"),
            json!({"outcome": "referred_cwc", "note": "handed to the CWC member on duty"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "referred_cwc");
    let (status, err) = officer
        .post(
            &format!("/api/v1/checkpoint-logs/{cp}/outcome"),
            json!({"outcome": "lost"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["field"], "outcome");
    // A child nobody is looking for, travelling with a parent, raises nothing.
    let (_, calm) = officer
        .post("/api/v1/checkpoint-logs", json!({"log_date": "2026-11-28", "checkpoint": "Srirampur border gate",
            "name_first": "Priyanka", "name_last": "Boro", "sex": "female", "age": 15, "adult_relationship": "mother"}))
        .await;
    assert_eq!(calm["screening"]["concerns"], json!([]));
    assert_eq!(calm["screening"]["needs_attention"], false);
}

async fn a_volunteer_cannot_read_incidents(s: TestServer) {
    let cw = s.login("cw_a").await;
    let volunteer = s.login("volunteer").await;
    let (_, case) = cw.post("/api/v1/cases", child()).await;
    let hw = case["reference"].as_str().unwrap();
    let (status, err) = cw
        .post("/api/v1/incidents", json!({"incident_date": "2026-11-02", "trafficking_status": "actual_victim", "method_of_recruitment": "job_offer"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "decision_org");
    let (status, incident) = cw
        .post("/api/v1/incidents", json!({"incident_date": "2026-11-02", "trafficking_status": "possible_victim",
            "method_of_recruitment": "job_offer", "relationship_to_trafficker": "acquainted",
            "type_of_exploitation": ["child_labour"], "children": [{"case": hw}],
            "trafficking_events": [{"event_type": "recruitment", "event_place": "Kalgachia market", "event_description": "offered hotel work"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{incident}");
    let id = incident["reference"].as_str().unwrap();
    let (status, body) = volunteer.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = volunteer.get("/api/v1/incidents").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = volunteer.get("/api/v1/persons-of-concern").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, seen) = cw.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["fields"]["children"][0]["case"], hw);
}

async fn the_analysis_withholds_small_counts_below_supervisor(s: TestServer) {
    let cw = s.login("cw_a").await;
    // October: 22 job offers, 11 debts, 3 abductions.
    for i in 0..36 {
        let method = match i {
            0..22 => "job_offer",
            22..33 => "debt",
            _ => "abduction",
        };
        let (status, body) = cw
            .post("/api/v1/incidents", json!({"incident_date": "2026-10-15", "trafficking_status": "possible_victim",
                "method_of_recruitment": method, "origin_district": "Barpeta", "destination_district": "Delhi"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let count = |body: &Value, table: &str, value: &str| {
        body["tables"][table]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["value"] == value && r["month"] == "2026-10")
            .map(|r| r["count"].clone())
    };
    let analyst = s.login("analyst").await;
    let (status, body) = analyst.get("/api/v1/analysis/recruitment").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["exact"], false);
    assert_eq!(
        count(&body, "method_of_recruitment", "abduction"),
        Some(Value::Null)
    );
    // The indicators show October's 36 incidents: if both the job offers and the debts were
    // shown, 36 - 22 - 11 would give the 3 abductions away. (With zeros withheld too, a month
    // shown beside its year would also tell that the other months are empty.)
    let job = count(&body, "method_of_recruitment", "job_offer").unwrap();
    let debt = count(&body, "method_of_recruitment", "debt").unwrap();
    assert!(job.is_null() || debt.is_null(), "{job} {debt}");
    for rows in body["tables"].as_object().unwrap().values() {
        for r in rows.as_array().unwrap() {
            assert!(
                r["count"].is_null() || r["count"].as_u64() >= Some(11),
                "{r}"
            );
        }
    }
    assert_eq!(
        count(&body, "method_of_recruitment", "servitude"),
        None,
        "not a recruitment method"
    );
    assert_eq!(count(&body, "routes", "Barpeta → Delhi"), Some(json!(36)));
    // The analysis and the indicators read October from one protected table: each method's
    // count is shown in both or withheld in both.
    let (_, indicators) = analyst
        .get("/api/v1/reports/indicators?period=2026-10&by=method_of_recruitment&indicator=incidents_by_recruitment")
        .await;
    let table = &indicators["indicators"][0];
    let all = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["place"] == "all")
        .unwrap();
    for (c, method) in table["columns"].as_array().unwrap().iter().enumerate() {
        if method == "total" {
            continue;
        }
        assert_eq!(
            count(&body, "method_of_recruitment", method.as_str().unwrap()),
            Some(all["count"][c].clone()),
            "{method}"
        );
    }
    let sup = s.login("sup_a").await;
    let (_, body) = sup.get("/api/v1/analysis/recruitment").await;
    assert_eq!(body["exact"], true);
    assert_eq!(
        count(&body, "method_of_recruitment", "abduction"),
        Some(json!(3))
    );
    let (status, _) = s
        .login("volunteer")
        .await
        .get("/api/v1/analysis/recruitment")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn a_referral_to_an_outside_organisation_needs_consent(s: TestServer) {
    let cw = s.login("cw_a").await;
    let (_, provider) = cw
        .post("/api/v1/service-providers", json!({"provider_name": "Barpeta Livelihood Trust", "service_types": ["livelihood_cash"], "district": "Barpeta", "is_external": true}))
        .await;
    let sp = provider["reference"].as_str().unwrap().to_string();
    let (_, case) = cw.post("/api/v1/cases", child()).await;
    let hw = case["reference"].as_str().unwrap().to_string();
    let referral = json!({"case": hw, "service_provider": sp, "service_type": "livelihood_cash", "referral_date": "2026-11-28"});
    let (status, err) = cw.post("/api/v1/referrals", referral.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "case");
    assert!(err["message"].as_str().unwrap().contains("consent"));
    let (_, listed) = cw.get("/api/v1/referrals").await;
    assert_eq!(listed["total"], 0);

    let (status, _) = cw
        .patch(
            &format!("/api/v1/cases/{hw}"),
            json!({"consent_for_services": true, "disclosure_other_orgs": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, made) = cw.post("/api/v1/referrals", referral).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["status"], "sent");
    let rf = made["reference"].as_str().unwrap();
    let (status, moved) = cw
        .post(
            &format!("/api/v1/referrals/{rf}/status"),
            json!({"status": "accepted", "note": "first instalment due in December"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["status"], "accepted");
}

async fn the_volunteers_of_a_committee_see_its_households_and_visits(s: TestServer) {
    let cw = s.login("cw_a").await;
    let admin = s.login("admin").await;
    let (status, committee) = cw
        .post("/api/v1/committees", json!({"committee_name": "Char Bhangura CPC", "committee_type": "child_protection_committee", "district": "Barpeta",
            "members": [{"member_name": "Rupa Das", "member_role": "chair", "member_sex": "female"},
                        {"member_name": "Bikash", "member_is_child": true, "member_age": 14}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{committee}");
    let cm = committee["reference"].as_str().unwrap().to_string();
    let (status, err) = cw
        .post("/api/v1/committees", json!({"committee_name": "Kids' club", "committee_type": "childrens_group",
            "members": [{"member_name": "Mina", "member_is_child": true, "member_telephone": "+91 9000000000"}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "members[0].member_telephone");

    for name in ["volunteer2", "volunteer3"] {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                json!({"username": name, "display_name": name, "password": crate::helpers::PASSWORD,
                "role": "community_volunteer", "agency": "Agency A"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, users) = admin.get("/api/v1/users").await;
    let id_of = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (status, err) = admin
        .patch(
            &format!("/api/v1/users/{}", id_of("volunteer")),
            json!({"committee": "HW-0000-000"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["field"], "committee");
    for name in ["volunteer", "volunteer2"] {
        let (status, user) = admin
            .patch(
                &format!("/api/v1/users/{}", id_of(name)),
                json!({"committee": cm}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(user["committee"], cm.as_str());
    }

    let volunteer = s.login("volunteer").await;
    let (status, household) = volunteer
        .post(
            "/api/v1/households",
            json!({"head_name": "Sahida Begum", "district": "Barpeta", "committee": cm}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{household}");
    let hh = household["reference"].as_str().unwrap().to_string();
    let (status, visit) = volunteer
        .post(
            "/api/v1/home-visits",
            json!({"household": hh, "visit_date": "2026-11-20", "hv_school_dropout": "yes"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    assert_eq!(visit["fields"]["committee"], cm.as_str());

    // Another volunteer of the committee sees the household and its visit, with names...
    let other = s.login("volunteer2").await;
    let (status, seen) = other.get(&format!("/api/v1/households/{hh}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["fields"]["head_name"], "Sahida Begum");
    let (_, visits) = other.get("/api/v1/home-visits").await;
    assert_eq!(visits["total"], 1);
    // ...a volunteer of no committee does not, and no volunteer sees a child's case.
    let outsider = s.login("volunteer3").await;
    let (status, _) = outsider.get(&format!("/api/v1/households/{hh}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = outsider.get("/api/v1/households").await;
    assert_eq!(listed["total"], 0);
    let (status, _) = other.get("/api/v1/cases").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
