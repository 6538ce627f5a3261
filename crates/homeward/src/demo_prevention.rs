//! Demonstration records for prevention work in the same flood-affected districts as the demo
//! children: committees, at-risk households and home visits (some with red flags), persons of
//! concern, trafficking incidents over several months, a service directory with referrals,
//! awareness activities with messages written by the communities, and checkpoint logs, some
//! of children sought by the demo tracing requests.
//!
//! Records go through the server's own creation, as if sent to the API by the demo users, so
//! visits are scored, households scheduled, logs screened and alerts raised as in real use.
//! Plain fields carry no person's name (the demo test scans the database file for names).

use anyhow::{anyhow, Context, Result};
use chrono::{Duration, NaiveDate};
use homeward_auth::Role;
use homeward_domain::{Document, RecordKind};
use homeward_server::api::records::create_record;
use homeward_server::auth::Caller;
use homeward_server::{AppState, ServerConfig};
use homeward_store::{SessionKind, Store, User};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

fn caller(user: &User) -> Caller {
    Caller {
        user: user.clone(),
        role: Role::parse(&user.role),
        kind: SessionKind::Api,
        csrf_token: String::new(),
        token_digest: String::new(),
    }
}

fn doc(v: Value) -> Document {
    match v {
        Value::Object(m) => m,
        _ => Document::new(),
    }
}

struct Seeder<'a> {
    state: &'a AppState,
    rng: StdRng,
    today: NaiveDate,
}

impl Seeder<'_> {
    async fn create(&self, who: &User, kind: RecordKind, fields: Value) -> Result<String> {
        let record = create_record(&caller(who), self.state, kind, &doc(fields))
            .await
            .map_err(|e| anyhow!("seeding a demo {}: {e}", kind.human()))?;
        Ok(record.reference.to_string())
    }

    fn day(&mut self, within: i64) -> String {
        (self.today - Duration::days(self.rng.gen_range(0..within))).to_string()
    }

    fn answer(&mut self, yes: f64) -> &'static str {
        let r: f64 = self.rng.gen();
        if r < yes {
            "yes"
        } else if r < yes + 0.1 {
            "unknown"
        } else {
            "no"
        }
    }
}

const HEADS: &[(&str, &str)] = &[
    ("Sahida Begum", "female"),
    ("Abdul Karim", "male"),
    ("Bina Boro", "female"),
    ("Haren Pegu", "male"),
    ("Lakhi Munda", "female"),
    ("Gopal Sarkar", "male"),
    ("Rahima Khatun", "female"),
    ("Dilip Das", "male"),
];
const CHILDREN: &[(&str, &str)] = &[
    ("Nasima", "female"),
    ("Jitu", "male"),
    ("Puja", "female"),
    ("Rofiq", "male"),
    ("Sumi", "female"),
    ("Anil", "male"),
];
const RECRUITERS: &[(&str, &str)] = &[
    ("Mofizul", "Haque"),
    ("Ranjit", "Basumatary"),
    ("Salma", "Bibi"),
    ("Kalu", "Sheikh"),
    ("Deepak", "Thapa"),
    ("Hasina", "Begum"),
];

/// Seeds the prevention demo, once: nothing happens if committees already exist.
pub async fn seed(store: &Store, users: &[User]) -> Result<()> {
    if store.count_records(RecordKind::Committee).await? > 0 {
        return Ok(());
    }
    let user = |n: &str| {
        users
            .iter()
            .find(|u| u.username == n)
            .with_context(|| format!("demo user {n} missing"))
    };
    let (cw, volunteer, officer, supervisor) = (
        user("caseworker")?,
        user("volunteer")?,
        user("checkpoint")?,
        user("supervisor")?,
    );
    let state = AppState::new(store.clone(), ServerConfig::default());
    let mut s = Seeder {
        state: &state,
        rng: StdRng::seed_from_u64(20_261_129),
        today: chrono::Utc::now().date_naive(),
    };

    let mut committees = Vec::new();
    for (name, kind, district, village) in [
        (
            "Char Bhangura Child Protection Committee",
            "child_protection_committee",
            "Barpeta",
            "Char Bhangura",
        ),
        (
            "Kalgachia Children's Group",
            "childrens_group",
            "Barpeta",
            "Kalgachia",
        ),
        (
            "Golakganj Child Protection Committee",
            "child_protection_committee",
            "Dhubri",
            "Golakganj",
        ),
    ] {
        committees.push(
            s.create(cw, RecordKind::Committee, json!({"committee_name": name, "committee_type": kind,
                "district": district, "village": village, "formed_date": "2025-06-01",
                "members": [{"member_name": "Rupali Das", "member_role": "chair", "member_sex": "female"},
                            {"member_name": "Imran Ali", "member_role": "secretary", "member_sex": "male"},
                            {"member_name": "Moni", "member_role": "member", "member_sex": "female", "member_is_child": true, "member_age": 14}]}))
                .await?,
        );
    }
    store
        .set_user_committee("system:demo", volunteer.id, Some(&committees[0].parse()?))
        .await?;
    let volunteer = &store
        .user_by_id(volunteer.id)
        .await?
        .context("demo volunteer missing")?;

    let mut households = Vec::new();
    for i in 0..36 {
        let (head, sex) = HEADS[i % HEADS.len()];
        let (child, child_sex) = CHILDREN[i % CHILDREN.len()];
        let committee = &committees[i % 2];
        let district = if i % 5 == 4 { "Dhubri" } else { "Barpeta" };
        let fields = json!({"committee": committee, "head_name": head, "head_sex": sex, "district": district,
            "village": (["Char Bhangura", "Kalgachia", "Baghbar", "Chenga"][i % 4]),
            "members": [{"member_relation": "mother", "member_name": head, "member_sex": sex},
                        {"member_relation": "other_family", "member_name": child, "member_sex": child_sex,
                         "member_age": 10 + (i % 7) as i64, "member_in_school": if i % 3 == 0 { "no" } else { "yes" },
                         "member_birth_registration": (["none", "applied", "issued"][i % 3])}],
            "livelihood": (["daily_wage_labour", "agriculture", "fishing", "tea_garden"][i % 4]),
            "livelihood_lost": i % 2 == 0, "debts": i % 3 == 0, "displacement_status": "idp",
            "school_attendance": if i % 3 == 0 { "some_out_of_school" } else { "all_attend" },
            "consent_for_services": i % 4 != 3, "disclosure_other_orgs": i % 4 != 3});
        households.push(s.create(volunteer, RecordKind::Household, fields).await?);
    }
    for (i, hh) in households.iter().enumerate() {
        for visit in 0..(1 + i % 2) {
            let red = i % 9 == 0 && visit == 0;
            let mut fields = json!({"household": hh, "visit_date": s.day(90),
                "child_name": CHILDREN[i % CHILDREN.len()].0, "child_age": 10 + (i % 7) as i64,
                "child_sex": CHILDREN[i % CHILDREN.len()].1});
            for item in homeward_domain::catalogue::prevention::HOME_VISIT_ITEM_NAMES {
                let p = if red && *item == "hv_offer_to_take_child" {
                    1.0
                } else {
                    0.15
                };
                fields[*item] = json!(s.answer(p));
            }
            if red {
                fields["hv_offer_to_take_child_note"] =
                    json!("a relative offered work in a garment unit far away");
                fields["child_assent"] = json!("given");
                fields["child_view"] = json!("wants to stay in school with friends");
            }
            s.create(volunteer, RecordKind::HomeVisit, fields).await?;
        }
    }

    let mut persons = Vec::new();
    for (i, (first, last)) in RECRUITERS.iter().enumerate() {
        persons.push(
            s.create(cw, RecordKind::PersonOfConcern, json!({"name_first": first, "name_last": last,
                "sex": if i % 3 == 2 { "female" } else { "male" }, "age": 30 + i as i64 * 3,
                "district": (["Barpeta", "Dhubri", "Kokrajhar"][i % 3]),
                "role_in_process": [(["recruiter_or_intermediary", "transporter", "broker_travel_agent"][i % 3])],
                "on_watch_list": i % 2 == 0, "description": "seen near the relief camps offering jobs"}))
                .await?,
        );
    }
    let methods = [
        "job_offer",
        "job_offer",
        "education_offer",
        "marriage_or_false_marriage",
        "online_approach",
        "sold_by_family",
        "debt",
    ];
    let relations = ["acquainted", "acquainted", "familial", "unacquainted"];
    let destinations = [
        "Delhi",
        "Bengaluru",
        "Kerala",
        "Tamil Nadu",
        "Guwahati",
        "Mumbai",
    ];
    let exploitation = [
        "child_labour",
        "forced_labour",
        "sexual_exploitation",
        "forced_marriage",
        "servitude",
    ];
    for i in 0..60 {
        let date = s.day(300);
        let person = persons[i % persons.len()].clone();
        s.create(cw, RecordKind::Incident, json!({"incident_date": date, "district": (["Barpeta", "Dhubri", "Goalpara"][i % 3]),
            "trafficking_status": if i % 4 == 0 { "actual_victim" } else { "possible_victim" },
            "decision_org": if i % 4 == 0 { Some("police") } else { None },
            "method_of_recruitment": methods[i % methods.len()],
            "relationship_to_trafficker": relations[i % relations.len()],
            "trafficker_role": ["recruiter_or_intermediary"], "means_of_control": [(["debt_bondage", "withholds_documents", "threats"][i % 3])],
            "type_of_exploitation": [exploitation[i % exploitation.len()]],
            "origin_district": (["Barpeta", "Dhubri", "Goalpara"][i % 3]), "destination_district": destinations[i % destinations.len()],
            "persons_of_concern": [{"person": person, "role": "recruiter_or_intermediary"}],
            "trafficking_events": [{"event_type": "recruitment", "event_date": date, "event_district": (["Barpeta", "Dhubri", "Goalpara"][i % 3])},
                                   {"event_type": "transit", "event_district": "Kokrajhar"}]}))
            .await?;
    }

    let mut providers = Vec::new();
    for (name, types, external) in [
        (
            "District Child Protection Unit, Barpeta",
            json!(["birth_registration_id", "legal_aid"]),
            false,
        ),
        (
            "Brahmaputra Livelihood Cooperative",
            json!(["livelihood_cash"]),
            true,
        ),
        ("Barpeta Civil Hospital", json!(["health"]), true),
        (
            "Sarva Shiksha Abhiyan block office",
            json!(["education"]),
            true,
        ),
        (
            "Child Helpline 1098",
            json!(["psychosocial", "shelter"]),
            true,
        ),
    ] {
        providers.push(
            s.create(supervisor, RecordKind::ServiceProvider, json!({"provider_name": name, "service_types": types,
                "district": "Barpeta", "area": "Barpeta and Baghbar blocks", "contact_telephone": "1098", "is_external": external}))
                .await?,
        );
    }
    for (i, hh) in households
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .take(14)
    {
        let (provider, service) = match i % 3 {
            0 => (&providers[1], "livelihood_cash"),
            1 => (&providers[0], "birth_registration_id"),
            _ => (&providers[3], "education"),
        };
        let sent = s.day(60);
        s.create(cw, RecordKind::Referral, json!({"household": hh, "service_provider": provider, "service_type": service,
            "referral_date": sent, "district": "Barpeta", "reason": "lost its land to the flood; children at risk of being sent for work"}))
            .await?;
    }

    let mut messages = Vec::new();
    for (title, text, language, community) in [
        ("Ask before your child goes", "Before a child leaves for work or study far away, ask for the employer's name, address and telephone, and tell the committee.", "en", "Char Bhangura"),
        ("কামৰ প্ৰলোভন", "দূৰৈৰ কামৰ কথা দিয়া মানুহক বিশ্বাস কৰাৰ আগতে সমিতিক জনাওক। শিশুৰ কাগজ-পত্ৰ নিজৰ ওচৰত ৰাখক।", "as", "Kalgachia"),
        ("চাকরির টোপ", "দূরের কাজের কথা বললে আগে কমিটিকে জানান। শিশুর কাগজপত্র নিজের কাছে রাখুন।", "bn", "Golakganj"),
        ("बच्चों को अकेले न भेजें", "काम या पढ़ाई के नाम पर बच्चे को किसी के साथ भेजने से पहले समिति को बताएं और 1098 पर फ़ोन करें।", "hi", "Kokrajhar"),
    ] {
        messages.push(
            s.create(volunteer, RecordKind::AwarenessMessage, json!({"title": title, "message_text": text, "language": language,
                "community": community, "channel": "committee"}))
                .await?,
        );
    }
    let channels = [
        "child_friendly_space",
        "committee",
        "school",
        "childrens_group_drama",
        "radio",
    ];
    for i in 0..15 {
        let message = messages.choose(&mut s.rng).cloned().unwrap_or_default();
        let held = s.day(120);
        s.create(volunteer, RecordKind::AwarenessActivity, json!({"activity_date": held, "channel": channels[i % channels.len()],
            "place": (["Char Bhangura LP school", "Kalgachia relief camp", "Baghbar market"][i % 3]), "district": "Barpeta",
            "committee": committees[i % 2], "girls": 10 + i as i64, "boys": 8 + i as i64, "women": 12, "men": 6,
            "messages": [{"message": message}]}))
            .await?;
    }

    // Checkpoint logs: some of children the demo families are looking for, some with a
    // watch-listed adult, most of ordinary travellers.
    let scope = homeward_store::ActorContext {
        scope: homeward_domain::RecordScope {
            scope: homeward_domain::Scope::All,
            user: cw.id,
            team: cw.team_id,
            agency: cw.agency_id,
            committee: None,
        },
        reveal_personal: false,
    };
    let mut sought: Vec<(Document, Option<Value>)> = Vec::new();
    for r in store
        .plain_records(&scope, RecordKind::TracingRequest, "demo checkpoint logs")
        .await?
        .into_iter()
        .take(4)
    {
        if let Some(request) = store.record_for_rule(&r.reference).await? {
            let child = request
                .fields
                .get("children_sought")
                .and_then(|c| c.get(0))
                .cloned();
            let district = request.fields.get("district").cloned();
            if let Some(Value::Object(child)) = child {
                sought.push((child, district));
            }
        }
    }
    for i in 0..24 {
        let (first, sex) = CHILDREN[i % CHILDREN.len()];
        let mut fields = json!({"log_date": s.day(30), "checkpoint": (["Srirampur border gate", "New Bongaigaon railway station", "Dhubri ferry ghat"][i % 3]),
            "district": (["Kokrajhar", "Bongaigaon", "Dhubri"][i % 3]), "name_first": first, "sex": sex, "age": 12 + (i % 5) as i64,
            "origin_district": (["Barpeta", "Dhubri", "Goalpara"][i % 3]), "destination_district": destinations[i % destinations.len()],
            "purpose": (["work", "visiting_family", "school"][i % 3]), "transport": (["bus", "train", "boat"][i % 3]),
            "adult_relationship": (["uncle", "mother", "other_nonfamily"][i % 3]), "adult_id_type": "voter_id"});
        for item in homeward_domain::catalogue::prevention::CHECKPOINT_ITEM_NAMES {
            fields[*item] = json!(s.answer(if i % 3 == 2 { 0.4 } else { 0.05 }));
        }
        if let Some((child, district)) = sought.get(i / 6).filter(|_| i % 6 == 0) {
            for f in ["name_first", "name_last", "sex", "age"] {
                if let Some(v) = child.get(f) {
                    fields[f] = v.clone();
                }
            }
            if let Some(d) = district {
                fields["origin_district"] = d.clone();
            }
        }
        if i % 6 == 2 {
            let (f, l) = RECRUITERS[0];
            fields["adult_name"] = json!(format!("{f} {l}"));
            fields["adult_sex"] = json!("male");
        }
        s.create(officer, RecordKind::CheckpointLog, fields).await?;
    }
    state.matching.settled().await;
    Ok(())
}
