//! The nickname and short-form table: groups of given names that registrations use for the same
//! person (English diminutives and common South-Asian short forms). It is data, kept here so that
//! field teams can extend it without touching the comparators; spellings are the normalised,
//! romanised ones (`normalise::normalise_text`).
//!
//! A name may sit in several groups (Raju is short for Rajesh and Rajendra); two names are
//! "nickname-equivalent" when they share a group.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Each line is one group of names used for the same person.
pub const NICKNAME_GROUPS: &[&[&str]] = &[
    // South Asian
    &[
        "mohammad", "mohammed", "muhammad", "mohamad", "mohamed", "md", "mohd", "mahammad",
        "mohammod",
    ],
    &["abdul", "abdool", "abd", "abdal"],
    &["rajesh", "raju", "raj"],
    &["rajendra", "raju", "rajen"],
    &["rajkumar", "raju", "raj"],
    &["ramesh", "ramu"],
    &["suresh", "sonu", "suru"],
    &["mahesh", "mahi"],
    &["dinesh", "dinu"],
    &["ganesh", "ganu"],
    &["krishna", "kishan", "kanha", "kishen"],
    &["bishnu", "vishnu"],
    &["lakshmi", "laxmi", "lakhi", "lokkhi"],
    &["bikash", "vikas", "bikas"],
    &["abhishek", "abhi"],
    &["pradip", "pradeep", "dipu"],
    &["dipak", "deepak", "dipu"],
    &["sanjay", "sanju"],
    &["subhash", "subhas", "subu"],
    &["prakash", "pokash"],
    &["rahul", "rahu"],
    &["ranjit", "ronju", "ranju"],
    &["rabindra", "robi", "rabi"],
    &["abdur", "abdur rahman"],
    &["rahman", "rehman", "rahaman"],
    &["rahim", "rohim"],
    &["hussain", "hossain", "husain", "hosen", "hussein"],
    &["fatema", "fatima", "fatma", "fathima"],
    &["ayesha", "aysha", "aisha", "asha"],
    &["rashida", "rasheda"],
    &["nurul", "noorul"],
    &["jahanara", "jahan"],
    &["parbati", "parvati", "paro"],
    &["puja", "pooja"],
    &["priyanka", "priya", "pinky"],
    &["jyoti", "joti"],
    &["sunita", "sunu"],
    &["anjali", "anju"],
    &["manju", "manjula"],
    &["munni", "moni", "muni"],
    &["babu", "babul", "bablu"],
    &["bapi", "bappa"],
    &["khokon", "khoka"],
    &["tutu", "tuktuk"],
    &["gogoi", "gogoy"],
    &["barua", "baruah", "borua", "boruah"],
    &["saikia", "xaikia"],
    &["bora", "borah"],
    &["das", "dass"],
    // English
    &["william", "bill", "billy", "will", "willy", "liam"],
    &["robert", "bob", "bobby", "rob", "robbie", "bert"],
    &["richard", "dick", "rick", "ricky", "rich"],
    &["james", "jim", "jimmy", "jamie"],
    &["john", "jack", "johnny", "jon"],
    &["joseph", "joe", "joey", "jo"],
    &["thomas", "tom", "tommy"],
    &["michael", "mike", "mick", "mickey"],
    &["christopher", "chris", "kit"],
    &["daniel", "dan", "danny"],
    &["matthew", "matt"],
    &["anthony", "tony"],
    &["edward", "ed", "eddie", "ted", "ned"],
    &["alexander", "alex", "sandy"],
    &["benjamin", "ben", "benny"],
    &["samuel", "sam", "sammy"],
    &["nicholas", "nick", "nicky"],
    &["jonathan", "jon", "jonny"],
    &["joshua", "josh"],
    &[
        "elizabeth",
        "liz",
        "lizzie",
        "beth",
        "betty",
        "eliza",
        "libby",
    ],
    &["margaret", "maggie", "meg", "peggy", "madge"],
    &[
        "katherine",
        "catherine",
        "kate",
        "katie",
        "kathy",
        "cathy",
        "kat",
    ],
    &["jennifer", "jen", "jenny"],
    &["rebecca", "becky", "bec"],
    &["patricia", "pat", "patty", "trish"],
    &["susan", "sue", "susie"],
    &["deborah", "debbie", "deb"],
    &["victoria", "vicky", "tori"],
    &["alexandra", "alex", "sandra", "lexie"],
    &["samantha", "sam"],
    &["jessica", "jess", "jessie"],
    &["charlotte", "charlie", "lottie"],
    &["charles", "charlie", "chuck"],
];

fn table() -> &'static HashMap<&'static str, Vec<u32>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<u32>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m: HashMap<&'static str, Vec<u32>> = HashMap::new();
        for (g, names) in NICKNAME_GROUPS.iter().enumerate() {
            for n in names.iter() {
                m.entry(n).or_default().push(g as u32);
            }
        }
        m
    })
}

/// The nickname groups a normalised token belongs to (empty when none).
pub fn groups(token: &str) -> &'static [u32] {
    table().get(token).map(Vec::as_slice).unwrap_or(&[])
}

/// Whether two normalised tokens are nickname-equivalent (or equal).
pub fn equivalent(a: &str, b: &str) -> bool {
    a == b || groups(a).iter().any(|g| groups(b).contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_match_their_full_names() {
        assert!(equivalent("md", "mohammad"));
        assert!(equivalent("raju", "rajesh"));
        assert!(equivalent("raju", "rajendra"));
        assert!(equivalent("bill", "william"));
        assert!(!equivalent("rajesh", "rajendra"));
        assert!(!equivalent("rahim", "rahul"));
    }
}
