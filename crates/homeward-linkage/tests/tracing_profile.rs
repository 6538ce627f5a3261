//! The `tracing` profile on a synthetic Assam-like caseload: children registered in Latin
//! script, tracing requests written by families and volunteers in Assamese/Bengali or Hindi
//! script, with honorifics, spelling variants, nicknames, approximate ages and blanks.

use homeward_linkage::link::{run, Task};
use homeward_linkage::{LinkConfig, Linker, PreparedRecord, Record};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// (Latin spelling, native spelling, spelling variant)
const BOYS: &[(&str, &str, &str)] = &[
    ("Rahim", "রহিম", "Rohim"),
    ("Karim", "করিম", "Kareem"),
    ("Bikash", "বিকাশ", "Vikash"),
    ("Rahul", "राहुल", "Rahool"),
    ("Dipak", "দীপক", "Deepak"),
    ("Sumon", "সুমন", "Suman"),
    ("Ratul", "ৰতুল", "Ratool"),
    ("Pranjal", "প্ৰাঞ্জল", "Pranjol"),
    ("Rajesh", "राजेश", "Raju"),
    ("Jakir", "জাকিৰ", "Zakir"),
];
const GIRLS: &[(&str, &str, &str)] = &[
    ("Fatema", "ফাতেমা", "Fatima"),
    ("Puja", "পূজা", "Pooja"),
    ("Mousumi", "মৌসুমী", "Mousumee"),
    ("Jyoti", "জ্যোতি", "Joti"),
    ("Nasrin", "নাসরিন", "Nasreen"),
    ("Hasina", "হাসিনা", "Hasena"),
    ("Anjali", "अंजलि", "Anjoli"),
    ("Rina", "ৰিনা", "Reena"),
];
const LAST: &[(&str, &str, &str)] = &[
    ("Barua", "বৰুৱা", "Baruah"),
    ("Das", "দাস", "Dass"),
    ("Gogoi", "গগৈ", "Gogoy"),
    ("Uddin", "উদ্দিন", "Uddeen"),
    ("Ali", "আলী", "Aly"),
    ("Sharma", "शर्मा", "Sarma"),
    ("Kalita", "কলিতা", "Kolita"),
    ("Basumatary", "बसुमतारी", "Basumatari"),
    ("Hussain", "হুছেইন", "Hossain"),
    ("Saikia", "শইকীয়া", "Xaikia"),
];
const MOTHERS: &[(&str, &str)] = &[
    ("Rupa", "ৰূপা"),
    ("Ayesha", "আয়েশা"),
    ("Sabita", "সবিতা"),
    ("Mina", "মীনা"),
    ("Kamala", "কমলা"),
    ("Rehana", "ৰেহানা"),
    ("Sunita", "सुनीता"),
    ("Parbati", "পাৰ্বতী"),
];
const VILLAGES: &[&str] = &[
    "Bhella",
    "Kalgachia",
    "Sarthebari",
    "Howly",
    "Baghbar",
    "Mandia",
    "Chenga",
    "Jania",
];
const DISTRICTS: &[&str] = &["Barpeta", "Dhubri", "Nalbari", "Goalpara", "Morigaon"];

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.gen_range(0..v.len())]
}

/// One of the three spellings: mostly native script or a variant, as families write them.
fn spelled(rng: &mut StdRng, n: &(&str, &str, &str)) -> String {
    match rng.gen_range(0..10) {
        0..=4 => n.1.to_owned(),
        5..=6 => n.2.to_owned(),
        _ => n.0.to_owned(),
    }
}

#[test]
fn cross_script_requests_find_registered_children() {
    let mut rng = StdRng::seed_from_u64(11);
    let linker = Linker::new(LinkConfig::profile("tracing").unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut children = Vec::new();
    let mut requests = Vec::new();
    let mut truth = std::collections::HashSet::new();
    for i in 0..400 {
        let boy = rng.gen_bool(0.5);
        let first = if boy {
            pick(&mut rng, BOYS)
        } else {
            pick(&mut rng, GIRLS)
        };
        let last = pick(&mut rng, LAST);
        let mother = pick(&mut rng, MOTHERS);
        let mother_last = pick(&mut rng, LAST);
        let age: i32 = rng.gen_range(2..17);
        let village = *pick(&mut rng, VILLAGES);
        let district = *pick(&mut rng, DISTRICTS);
        let child = Record::new(format!("c{i}"))
            .with("name_first", first.0)
            .with("name_last", last.0)
            .with("sex", if boy { "m" } else { "f" })
            .with("age", age.to_string())
            .with("mother_name", format!("{} {}", mother.0, mother_last.0))
            .with("village", village)
            .with("district", district);
        children.push(child);
        if i % 2 == 0 {
            // A family's request for this child.
            let mut first_w = spelled(&mut rng, first);
            if boy && rng.gen_bool(0.2) {
                first_w = format!("Md. {first_w}");
            }
            let age_w = age + rng.gen_range(-1..=1);
            let mut r = Record::new(format!("t{i}"))
                .with("name_first", first_w)
                .with("name_last", spelled(&mut rng, last))
                .with("age", age_w.to_string())
                .with("district", district);
            if rng.gen_bool(0.7) {
                r = r.with(
                    "sex",
                    if boy {
                        "পুৰুষ"
                    } else {
                        "মহিলা"
                    },
                );
            }
            if rng.gen_bool(0.8) {
                r = r.with(
                    "mother_name",
                    format!("{} {}", mother.1, spelled(&mut rng, mother_last)),
                );
            }
            if rng.gen_bool(0.6) {
                r = r.with("village", village);
            }
            truth.insert((format!("t{i}"), format!("c{i}")));
            requests.push(r);
        }
    }
    let prep = |v: &[Record]| -> Vec<PreparedRecord> {
        v.iter()
            .map(|r| linker.prepare(r).unwrap_or_else(|e| panic!("{e:?}")))
            .collect()
    };
    let (left, right) = (prep(&requests), prep(&children));
    let (_, pairs, report) = run(
        &linker,
        Task::Link {
            left: &left,
            right: &right,
        },
        0.5,
        &|_| {},
    );
    let tp = pairs
        .iter()
        .filter(|p| {
            truth.contains(&(
                left[p.left as usize].id.to_string(),
                right[p.right as usize].id.to_string(),
            ))
        })
        .count() as f64;
    let precision = tp / pairs.len().max(1) as f64;
    let recall = tp / truth.len() as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(1e-9);
    println!("tracing profile: precision {precision:.3} recall {recall:.3} F1 {f1:.3}; {report:?}");
    assert!(f1 >= 0.9, "precision {precision} recall {recall}");
}
