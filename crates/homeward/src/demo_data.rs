//! Realistic demonstration records: children separated by floods and displacement in Assam,
//! with names from its communities (Assamese, Bengali-speaking Muslim, Bodo, Mising, Adivasi
//! tea-garden, Nepali and Hindi-speaking families), some written in Bengali–Assamese or
//! Devanagari script, and tracing requests from families, many of which describe a registered
//! child with another spelling, another script, a nickname or a different guess of age.
//!
//! Everything is generated from a fixed seed, so every demo shows the same records.

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

struct Community {
    boys: &'static [&'static str],
    girls: &'static [&'static str],
    surnames: &'static [&'static str],
    female_surnames: &'static [&'static str],
    languages: &'static [&'static str],
    districts: &'static [&'static str],
    weight: u32,
}

const COMMUNITIES: &[Community] = &[
    Community {
        boys: &[
            "Bikash",
            "Pranjal",
            "Dipankar",
            "Jintu",
            "Rupjyoti",
            "Himangshu",
            "Nilotpal",
            "Mridul",
            "Prasanta",
            "Bhaskar",
            "Manash",
            "Kaushik",
        ],
        girls: &[
            "Rupali", "Jonali", "Pallabi", "Priyanka", "Bornali", "Anamika", "Dipsikha", "Nandini",
            "Rashmi", "Junmoni", "Moni", "Kabita",
        ],
        surnames: &[
            "Barua", "Gogoi", "Bora", "Saikia", "Hazarika", "Kalita", "Das", "Deka", "Sarma",
            "Phukan", "Dutta", "Nath", "Talukdar", "Medhi", "Bhuyan",
        ],
        female_surnames: &[],
        languages: &["as"],
        districts: &[
            "Nalbari",
            "Kamrup",
            "Morigaon",
            "Nagaon",
            "Lakhimpur",
            "Barpeta",
        ],
        weight: 30,
    },
    Community {
        boys: &[
            "Rahim", "Abdul", "Rofiqul", "Jahirul", "Nurul", "Saiful", "Anowar", "Mofidul",
            "Habibur", "Sahidul", "Aminul", "Farid",
        ],
        girls: &[
            "Rahima", "Fatema", "Amina", "Rashida", "Salma", "Jahanara", "Nasrin", "Rupa",
            "Sahida", "Morjina", "Asma", "Rabiya",
        ],
        surnames: &[
            "Ali", "Ahmed", "Hussain", "Islam", "Rahman", "Uddin", "Sheikh", "Mondal",
        ],
        female_surnames: &["Khatun", "Begum", "Bibi"],
        languages: &["bn"],
        districts: &["Barpeta", "Dhubri", "Goalpara", "Morigaon", "Nagaon"],
        weight: 28,
    },
    Community {
        boys: &[
            "Dwimalu",
            "Raju",
            "Bijit",
            "Swmkhwr",
            "Gwmbw",
            "Rwngwsar",
            "Dhananjay",
            "Hemanta",
        ],
        girls: &[
            "Jwngsri", "Daimalu", "Rwimali", "Onjali", "Sansuma", "Bidisha", "Mwnthai", "Ranjita",
        ],
        surnames: &[
            "Basumatary",
            "Brahma",
            "Narzary",
            "Boro",
            "Daimary",
            "Mushahary",
            "Swargiary",
            "Islary",
            "Goyary",
        ],
        female_surnames: &[],
        languages: &["brx", "as"],
        districts: &["Kokrajhar", "Chirang", "Baksa", "Udalguri"],
        weight: 14,
    },
    Community {
        boys: &["Tabu", "Dilip", "Jadav", "Bipul", "Ajit", "Lakhya"],
        girls: &["Ponali", "Rumi", "Minoti", "Jonmoni", "Sewali", "Rinki"],
        surnames: &["Pegu", "Doley", "Taid", "Payeng", "Kutum", "Pait", "Morang"],
        female_surnames: &[],
        languages: &["mrg", "as"],
        districts: &["Dhemaji", "Majuli", "Lakhimpur"],
        weight: 9,
    },
    Community {
        boys: &["Birsa", "Suraj", "Sanjay", "Ramesh", "Budhu", "Mangal"],
        girls: &["Sunita", "Anita", "Mamoni", "Puja", "Sumitra", "Basanti"],
        surnames: &[
            "Munda", "Oraon", "Tanti", "Kurmi", "Soren", "Hembrom", "Tudu", "Kisku", "Tirkey",
        ],
        female_surnames: &[],
        languages: &["sat", "as"],
        districts: &["Sonitpur", "Udalguri", "Lakhimpur", "Golaghat"],
        weight: 9,
    },
    Community {
        boys: &["Bishal", "Suman", "Prakash", "Kiran", "Dipak"],
        girls: &["Sushmita", "Anjali", "Gita", "Sarita", "Kamala"],
        surnames: &["Chhetri", "Sharma", "Thapa", "Gurung", "Rai", "Limbu"],
        female_surnames: &[],
        languages: &["ne"],
        districts: &["Sonitpur", "Udalguri", "Kamrup"],
        weight: 5,
    },
    Community {
        boys: &["Rahul", "Amit", "Sonu", "Vikash", "Ravi"],
        girls: &["Pooja", "Khushboo", "Neha", "Priya", "Sangita"],
        surnames: &["Yadav", "Singh", "Prasad", "Shah", "Gupta"],
        female_surnames: &[],
        languages: &["hi"],
        districts: &["Cachar", "Kamrup", "Nagaon"],
        weight: 5,
    },
];

/// Names as written in Bengali–Assamese or Devanagari script, for the demo's native-script records.
const NATIVE: &[(&str, &str)] = &[
    ("Rahim", "রহিম"),
    ("Fatema", "ফাতেমা"),
    ("Amina", "আমিনা"),
    ("Abdul", "আব্দুল"),
    ("Rahima", "রহিমা"),
    ("Salma", "সালমা"),
    ("Nurul", "নুরুল"),
    ("Jahirul", "জহিরুল"),
    ("Rupa", "রূপা"),
    ("Nasrin", "নাসরিন"),
    ("Ali", "আলী"),
    ("Ahmed", "আহমেদ"),
    ("Hussain", "হুসেন"),
    ("Islam", "ইসলাম"),
    ("Khatun", "খাতুন"),
    ("Begum", "বেগম"),
    ("Sheikh", "শেখ"),
    ("Rahman", "রহমান"),
    ("Uddin", "উদ্দিন"),
    ("Mondal", "মণ্ডল"),
    ("Bikash", "বিকাশ"),
    ("Barua", "বৰুৱা"),
    ("Gogoi", "গগৈ"),
    ("Bora", "বৰা"),
    ("Saikia", "শইকীয়া"),
    ("Das", "দাস"),
    ("Deka", "ডেকা"),
    ("Kalita", "কলিতা"),
    ("Rupali", "ৰূপালী"),
    ("Pallabi", "পল্লৱী"),
    ("Junmoni", "জুনমণি"),
    ("Hazarika", "হাজৰিকা"),
    ("Nath", "নাথ"),
    ("Moni", "মণি"),
    ("Kabita", "কবিতা"),
    ("Rahul", "राहुल"),
    ("Yadav", "यादव"),
    ("Pooja", "पूजा"),
    ("Singh", "सिंह"),
    ("Suman", "सुमन"),
    ("Thapa", "थापा"),
    ("Anjali", "अंजलि"),
    ("Bishal", "विशाल"),
    ("Sharma", "शर्मा"),
    ("Amit", "अमित"),
    ("Prasad", "प्रसाद"),
    ("Gita", "गीता"),
    ("Prakash", "प्रकाश"),
    ("Rai", "राई"),
    ("Neha", "नेहा"),
];

/// Spellings families and registrars commonly use for the same name.
const SPELLINGS: &[(&str, &str)] = &[
    ("Barua", "Baruah"),
    ("Rahim", "Rohim"),
    ("Fatema", "Fatima"),
    ("Hussain", "Hossain"),
    ("Gogoi", "Gogoy"),
    ("Saikia", "Saikiya"),
    ("Jahirul", "Zahirul"),
    ("Mondal", "Mandal"),
    ("Bora", "Borah"),
    ("Rupali", "Rupaly"),
    ("Basumatary", "Basumatari"),
    ("Narzary", "Narzari"),
    ("Daimary", "Daimari"),
    ("Chhetri", "Chetri"),
    ("Khushboo", "Khusbu"),
    ("Pooja", "Puja"),
    ("Bikash", "Vikash"),
    ("Pallabi", "Pallavi"),
    ("Ahmed", "Ahmad"),
    ("Junmoni", "Junu"),
    ("Hazarika", "Hazorika"),
    ("Rashida", "Rasheda"),
    ("Nurul", "Nurool"),
];

const NICKNAMES: &[&str] = &[
    "Bablu", "Munni", "Raju", "Pinky", "Moina", "Bulbul", "Tunu", "Chotu", "Mina", "Bubu", "Rinku",
    "Sonu",
];

const VILLAGES: &[&str] = &[
    "Bhabanipur",
    "Kalgachia",
    "Chenga",
    "Baghbar",
    "Jalah",
    "Sarthebari",
    "Hajo",
    "Bijni",
    "Gossaigaon",
    "Jonai",
    "Silapathar",
    "Kamalabari",
    "Laharighat",
    "Dhing",
    "Rupahihat",
    "Mankachar",
    "Bilasipara",
    "Dudhnoi",
    "Tamulpur",
    "Dhekiajuli",
];

const CAMPS: &[&str] = &[
    "relief camp, higher secondary school",
    "relief camp, LP school",
    "embankment shelter",
    "community hall camp",
    "railway station",
    "district child care institution",
];

fn native(latin: &str) -> Option<&'static str> {
    NATIVE.iter().find(|(l, _)| *l == latin).map(|(_, n)| *n)
}

fn respell(latin: &str) -> String {
    SPELLINGS
        .iter()
        .find_map(|(a, b)| {
            if *a == latin {
                Some(b.to_string())
            } else if *b == latin {
                Some(a.to_string())
            } else {
                None
            }
        })
        .unwrap_or_else(|| latin.to_string())
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

fn community(rng: &mut StdRng) -> &'static Community {
    let total: u32 = COMMUNITIES.iter().map(|c| c.weight).sum();
    let mut n = rng.gen_range(0..total);
    for c in COMMUNITIES {
        if n < c.weight {
            return c;
        }
        n -= c.weight;
    }
    &COMMUNITIES[0]
}

/// One generated child, kept to derive tracing requests from.
pub struct DemoChild {
    /// The case as submitted to the API.
    pub fields: Map<String, Value>,
    first: String,
    last: String,
    sex: &'static str,
    age: i64,
    mother: String,
    father: String,
    district: String,
    village: String,
    separated_on: NaiveDate,
}

/// The generated demo set.
pub struct DemoSet {
    /// Child cases.
    pub children: Vec<DemoChild>,
    /// Tracing requests.
    pub requests: Vec<Map<String, Value>>,
}

fn date(d: NaiveDate) -> Value {
    Value::String(d.format("%Y-%m-%d").to_string())
}

fn maybe_native(rng: &mut StdRng, first: &str, last: &str, p: f64) -> (String, String) {
    match (native(first), native(last)) {
        (Some(f), Some(l)) if rng.gen_bool(p) => (f.to_string(), l.to_string()),
        _ => (first.to_string(), last.to_string()),
    }
}

fn child(rng: &mut StdRng, today: NaiveDate) -> DemoChild {
    let c = community(rng);
    let sex = if rng.gen_bool(0.5) { "female" } else { "male" };
    let first = pick(rng, if sex == "female" { c.girls } else { c.boys }).to_string();
    let family = pick(rng, c.surnames).to_string();
    let last = if sex == "female" && !c.female_surnames.is_empty() && rng.gen_bool(0.7) {
        pick(rng, c.female_surnames).to_string()
    } else {
        family.clone()
    };
    let mother_surname = if c.female_surnames.is_empty() {
        family.clone()
    } else {
        pick(rng, c.female_surnames).to_string()
    };
    let mother = format!("{} {}", pick(rng, c.girls), mother_surname);
    let father = format!("{} {}", pick(rng, c.boys), family);
    let age: i64 = rng.gen_range(1..=17);
    let district = pick(rng, c.districts).to_string();
    let village = pick(rng, VILLAGES).to_string();
    let identified = today - Duration::days(rng.gen_range(1..150));
    let separated_on = identified - Duration::days(rng.gen_range(0..20));
    let registered =
        identified + Duration::days(rng.gen_range(0..3).min((today - identified).num_days()));
    let (shown_first, shown_last) = maybe_native(rng, &first, &last, 0.35);
    let cause = *[
        ("natural_disaster", 55),
        ("population_movement", 15),
        ("conflict", 8),
        ("trafficking", 7),
        ("migration", 6),
        ("poverty", 5),
        ("death", 4),
    ]
    .iter()
    .flat_map(|(c, w)| std::iter::repeat_n(c, *w))
    .collect::<Vec<_>>()
    .choose(rng)
    .unwrap_or(&&"natural_disaster");
    let mut f = Map::new();
    f.insert("name_first".into(), json!(shown_first));
    f.insert("name_last".into(), json!(shown_last));
    if rng.gen_bool(0.3) {
        f.insert("name_nickname".into(), json!(pick(rng, NICKNAMES)));
    }
    f.insert("sex".into(), json!(sex));
    f.insert("age".into(), json!(age));
    if rng.gen_bool(0.25) {
        let dob = NaiveDate::from_ymd_opt(
            today.year() - age as i32,
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        )
        .unwrap_or(today);
        let dob = if dob > today - Duration::days(365 * age) {
            dob - Duration::days(365)
        } else {
            dob
        };
        let computed = {
            let mut y = i64::from(today.year() - dob.year());
            if (today.month(), today.day()) < (dob.month(), dob.day()) {
                y -= 1;
            }
            y
        };
        f.insert("age".into(), json!(computed.clamp(0, 17)));
        f.insert("date_of_birth".into(), date(dob));
        f.insert("estimated".into(), json!(false));
    } else {
        f.insert("estimated".into(), json!(true));
    }
    f.insert("languages".into(), json!(c.languages));
    f.insert(
        "protection_status".into(),
        json!(if rng.gen_bool(0.4) {
            "unaccompanied"
        } else {
            "separated"
        }),
    );
    f.insert(
        "risk_level".into(),
        json!(pick(rng, &["high", "medium", "medium", "low"])),
    );
    f.insert(
        "displacement_status".into(),
        json!(pick(rng, &["idp", "idp", "idp", "resident", "migrant"])),
    );
    if *cause == "trafficking" {
        f.insert("protection_concerns".into(), json!(["trafficked_smuggled"]));
    } else if rng.gen_bool(0.15) {
        f.insert(
            "protection_concerns".into(),
            json!([pick(
                rng,
                &[
                    "worst_forms_of_child_labor",
                    "child_headed_household",
                    "serious_health_issue",
                    "at_risk_of_marriage"
                ]
            )]),
        );
    }
    f.insert("district".into(), json!(district));
    f.insert(
        "location_current".into(),
        json!(format!("{} {}", pick(rng, VILLAGES), pick(rng, CAMPS))),
    );
    f.insert("date_of_identification".into(), date(identified));
    f.insert("registration_date".into(), date(registered));
    f.insert("date_of_separation".into(), date(separated_on));
    f.insert("separation_cause".into(), json!(cause));
    f.insert(
        "location_separation".into(),
        json!(format!("{village}, {district}")),
    );
    let mut family = vec![
        json!({"relation": "mother", "relation_name": mother, "relation_age": rng.gen_range(24..48), "relation_is_caregiver": true, "relation_is_alive": "unknown", "relation_location_current": format!("{village}, {district}")}),
        json!({"relation": "father", "relation_name": father, "relation_is_alive": pick(rng, &["alive", "unknown", "dead"])}),
    ];
    if rng.gen_bool(0.4) {
        let sib_sex = rng.gen_bool(0.5);
        family.push(json!({"relation": if sib_sex { "sister" } else { "brother" }, "relation_name": format!("{} {}", pick(rng, if sib_sex { c.girls } else { c.boys }), family_surname(&father)), "relation_age": rng.gen_range(1..25)}));
    }
    f.insert("family_details".into(), Value::Array(family));
    f.insert(
        "care_arrangements_type".into(),
        json!(pick(
            rng,
            &[
                "kinship_care",
                "kinship_care",
                "foster_care",
                "residential_care",
                "unrelated_adult",
                "customary_caregiver"
            ]
        )),
    );
    f.insert("care_arrangement_started_date".into(), date(registered));
    f.insert(
        "documents_held".into(),
        json!(if rng.gen_bool(0.4) {
            vec!["birth_certificate"]
        } else if rng.gen_bool(0.3) {
            vec!["school_id"]
        } else {
            Vec::new()
        }),
    );
    f.insert(
        "birth_registration".into(),
        json!(pick(rng, &["none", "applied", "issued", "issued"])),
    );
    f.insert("consent_for_tracing".into(), json!(rng.gen_bool(0.9)));
    f.insert("consent_for_services".into(), json!(true));
    f.insert("disclosure_other_orgs".into(), json!(rng.gen_bool(0.7)));
    f.insert("consent_for_reporting".into(), json!(rng.gen_bool(0.8)));
    f.insert(
        "legitimate_basis".into(),
        json!(pick(
            rng,
            &["consent", "vital_interests", "beneficiary_interests"]
        )),
    );
    if rng.gen_bool(0.3) {
        f.insert(
            "notes".into(),
            json!(pick(
                rng,
                &[
                    "Found alone near the embankment after the water rose.",
                    "Brought by a neighbour to the relief camp.",
                    "Says the family went towards the highway.",
                    "Was travelling with an unknown adult at the railway station.",
                    "Separated from the mother during the boat crossing."
                ]
            )),
        );
    }
    DemoChild {
        fields: f,
        first,
        last,
        sex,
        age,
        mother,
        father,
        district,
        village,
        separated_on,
    }
}

fn family_surname(full: &str) -> String {
    full.rsplit(' ').next().unwrap_or("").to_string()
}

fn request_for(rng: &mut StdRng, c: &DemoChild, today: NaiveDate) -> Map<String, Value> {
    let from_mother = rng.gen_bool(0.7);
    let inquirer = if from_mother { &c.mother } else { &c.father };
    let variant = rng.gen_range(0..4);
    let (first, last) = match variant {
        0 => (respell(&c.first), respell(&c.last)),
        1 => maybe_native(rng, &c.first, &c.last, 0.9),
        2 => (c.first.clone(), c.last.clone()),
        _ => (respell(&c.first), c.last.clone()),
    };
    let age = (c.age + rng.gen_range(-2..=2)).clamp(0, 17);
    let mut child = Map::new();
    child.insert("name_first".into(), json!(first));
    child.insert("name_last".into(), json!(last));
    child.insert("sex".into(), json!(c.sex));
    child.insert("age".into(), json!(age));
    child.insert("date_of_separation".into(), date(c.separated_on));
    child.insert("separation_cause".into(), json!("natural_disaster"));
    child.insert("location_separation".into(), json!(c.village));
    child.insert(
        "location_last".into(),
        json!(format!("{}, {}", c.village, c.district)),
    );
    let inquiry = (c.separated_on + Duration::days(rng.gen_range(1..30))).min(today);
    let mut r = Map::new();
    r.insert("inquiry_date".into(), date(inquiry));
    r.insert("relation_name".into(), json!(inquirer));
    r.insert(
        "relation".into(),
        json!(if from_mother { "mother" } else { "father" }),
    );
    r.insert(
        "relation_sex".into(),
        json!(if from_mother { "female" } else { "male" }),
    );
    r.insert("relation_age".into(), json!(rng.gen_range(25..50)));
    r.insert(
        "relation_telephone".into(),
        json!(format!("+91 9{:09}", rng.gen_range(0..1_000_000_000u64))),
    );
    r.insert(
        "relation_location_current".into(),
        json!(format!("{} {}", pick(rng, VILLAGES), pick(rng, CAMPS))),
    );
    r.insert("district".into(), json!(c.district));
    r.insert("village".into(), json!(c.village));
    r.insert("consent_for_tracing".into(), json!(true));
    r.insert(
        "children_sought".into(),
        Value::Array(vec![Value::Object(child)]),
    );
    r
}

/// Generates the demo set.
pub fn generate(children: usize, requests: usize, today: NaiveDate) -> DemoSet {
    let mut rng = StdRng::seed_from_u64(20_261_129);
    let kids: Vec<DemoChild> = (0..children).map(|_| child(&mut rng, today)).collect();
    let mut reqs = Vec::with_capacity(requests);
    for i in 0..requests {
        // Three in five requests are for a registered child; the rest are still being searched for.
        if i % 5 < 3 && !kids.is_empty() {
            let c = &kids[rng.gen_range(0..kids.len())];
            reqs.push(request_for(&mut rng, c, today));
        } else {
            let stranger = child(&mut rng, today);
            reqs.push(request_for(&mut rng, &stranger, today));
        }
    }
    DemoSet {
        children: kids,
        requests: reqs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::{validate_create, RecordKind};

    #[test]
    fn every_generated_record_is_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let set = generate(500, 300, today);
        for c in &set.children {
            validate_create(RecordKind::Case, &c.fields, today)
                .unwrap_or_else(|e| panic!("{e}: {:?}", c.fields));
        }
        for r in &set.requests {
            validate_create(RecordKind::TracingRequest, r, today)
                .unwrap_or_else(|e| panic!("{e}: {r:?}"));
        }
        let native = set
            .children
            .iter()
            .filter(|c| {
                c.fields["name_first"]
                    .as_str()
                    .is_some_and(|n| !n.is_ascii())
            })
            .count();
        assert!(native > 30, "only {native} native-script names");
    }
}
