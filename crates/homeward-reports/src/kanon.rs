//! A k-anonymous record-level dataset for researchers and the national trafficking database
//! (issue 12 point 2; CTDC publishes with k = 11, domain.md §3): every combination of the
//! quasi-identifiers (sex, age band, place, year, nationality) that appears in the output
//! appears at least k times.
//!
//! Generalisation comes before suppression: the age bands widen, districts become their state,
//! years become three-year periods, and so on up a fixed ladder, until the records that still
//! sit in groups under k are few (at most `max_suppressed_share` of them); only those are then
//! dropped. Missing values are `unknown`, a value like any other.

use std::collections::BTreeMap;

use serde::Serialize;

/// A child's quasi-identifiers: plain fields that, together, could single a child out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuasiIds {
    /// Sex as recorded.
    pub sex: String,
    /// Age in years.
    pub age: Option<i64>,
    /// District.
    pub district: String,
    /// The state the district lies in, when the deployment knows it; without it, the rung
    /// that widens districts to states widens them to `all`.
    pub state: Option<String>,
    /// Year of the event the record describes (registration, identification).
    pub year: Option<i32>,
    /// Nationality or citizenship.
    pub nationality: String,
}

/// One record to release: its quasi-identifiers and the attributes studied (exploitation type,
/// recruitment method...), which are released as they are.
#[derive(Debug, Clone)]
pub struct Input {
    /// What could identify the child in combination.
    pub quasi: QuasiIds,
    /// What is studied.
    pub attributes: BTreeMap<String, String>,
}

/// One released record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Released {
    /// Sex (never generalised).
    pub sex: String,
    /// Age band, as wide as it had to be.
    pub age_band: String,
    /// District, state or `all`.
    pub place: String,
    /// Year, three-year period or `all`.
    pub period: String,
    /// Nationality or `any`.
    pub nationality: String,
    /// The attributes studied.
    pub attributes: BTreeMap<String, String>,
}

impl Released {
    fn key(&self) -> (&str, &str, &str, &str, &str) {
        (
            &self.sex,
            &self.age_band,
            &self.place,
            &self.period,
            &self.nationality,
        )
    }
}

/// The released dataset and how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// The records, each in a group of at least `k`.
    pub records: Vec<Released>,
    /// The k it guarantees.
    pub k: usize,
    /// The generalisation steps taken, in order.
    pub generalised: Vec<&'static str>,
    /// How many records were dropped because their group stayed under k.
    pub suppressed: usize,
}

/// How far each quasi-identifier is generalised.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    age: u8,
    place: u8,
    year: u8,
    nationality: u8,
}

/// The ladder: the cheapest loss of detail first.
/// One rung of the ladder: what it does, and how.
type Rung = (&'static str, fn(&mut Level));

const LADDER: &[Rung] = &[
    ("age bands 0-9 and 10-17", |l| l.age = 1),
    ("years into three-year periods", |l| l.year = 1),
    ("districts into states", |l| l.place = 1),
    ("nationality into `any`", |l| l.nationality = 1),
    ("all ages as 0-17", |l| l.age = 2),
    ("all years", |l| l.year = 2),
    ("all places", |l| l.place = 2),
];

fn generalise(r: &Input, l: Level) -> Released {
    let q = &r.quasi;
    let age_band = match (l.age, q.age) {
        (_, None) => "unknown".to_string(),
        (2, Some(_)) => "0-17".into(),
        (1, Some(a)) if a < 10 => "0-9".into(),
        (1, Some(_)) => "10-17".into(),
        (_, Some(a)) => match a {
            0..=4 => "0-4",
            5..=9 => "5-9",
            10..=14 => "10-14",
            _ => "15-17",
        }
        .into(),
    };
    let place = match l.place {
        0 => q.district.clone(),
        1 => q.state.clone().unwrap_or_else(|| "all".into()),
        _ => "all".into(),
    };
    let period = match (l.year, q.year) {
        (2, _) => "all".into(),
        (_, None) => "unknown".into(),
        (1, Some(y)) => {
            let start = y - (y.rem_euclid(3));
            format!("{start}-{}", start + 2)
        }
        (_, Some(y)) => y.to_string(),
    };
    let nationality = if l.nationality > 0 {
        "any".into()
    } else {
        q.nationality.clone()
    };
    Released {
        sex: q.sex.clone(),
        age_band,
        place,
        period,
        nationality,
        attributes: r.attributes.clone(),
    }
}

/// How many records share each combination of quasi-identifiers.
fn group_sizes(records: &[Released]) -> BTreeMap<(&str, &str, &str, &str, &str), usize> {
    let mut groups = BTreeMap::new();
    for r in records {
        *groups.entry(r.key()).or_default() += 1;
    }
    groups
}

/// How many records sit in groups under `k`.
fn under_k(records: &[Released], k: usize) -> usize {
    group_sizes(records).values().filter(|&&n| n < k).sum()
}

/// Releases `input` k-anonymously: generalises up the ladder until at most
/// `max_suppressed_share` of the records sit in groups under `k`, then drops those.
pub fn k_anonymous(input: &[Input], k: usize, max_suppressed_share: f64) -> Dataset {
    let mut level = Level::default();
    let mut generalised = Vec::new();
    let mut records: Vec<Released> = input.iter().map(|r| generalise(r, level)).collect();
    let allowed = (input.len() as f64 * max_suppressed_share).floor() as usize;
    for (step, apply) in LADDER {
        if under_k(&records, k) <= allowed {
            break;
        }
        apply(&mut level);
        generalised.push(*step);
        records = input.iter().map(|r| generalise(r, level)).collect();
    }
    let before = records.len();
    let keep: Vec<bool> = {
        let sizes = group_sizes(&records);
        records.iter().map(|r| sizes[&r.key()] >= k).collect()
    };
    let mut keep = keep.into_iter();
    records.retain(|_| keep.next().unwrap_or(false));
    Dataset {
        suppressed: before - records.len(),
        records,
        k,
        generalised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn child(sex: &str, age: i64, district: &str, year: i32) -> Input {
        Input {
            quasi: QuasiIds {
                sex: sex.into(),
                age: Some(age),
                district: district.into(),
                state: Some("Assam".into()),
                year: Some(year),
                nationality: "IND".into(),
            },
            attributes: BTreeMap::from([("exploitation".into(), "child_labour".into())]),
        }
    }

    fn smallest_group(d: &Dataset) -> Option<usize> {
        group_sizes(&d.records).values().min().copied()
    }

    #[test]
    fn ages_widen_before_anyone_is_dropped() {
        // Six girls aged 8 and six aged 11 in Dhubri: no exact band holds 11, 0-9 / 10-17 don't
        // either, 0-17 does: all twelve are released, none dropped.
        let input: Vec<Input> = (0..6)
            .map(|_| child("female", 8, "Dhubri", 2026))
            .chain((0..6).map(|_| child("female", 11, "Dhubri", 2026)))
            .collect();
        let d = k_anonymous(&input, 11, 0.05);
        assert_eq!(d.suppressed, 0);
        assert_eq!(d.records.len(), 12);
        assert!(d.generalised.contains(&"all ages as 0-17"));
        assert_eq!(smallest_group(&d), Some(12));
    }

    #[test]
    fn a_lone_child_is_dropped_rather_than_everyone_blurred() {
        let mut input: Vec<Input> = (0..40)
            .map(|_| child("male", 15, "Barpeta", 2026))
            .collect();
        input.push(child("female", 3, "Dhubri", 2025));
        let d = k_anonymous(&input, 11, 0.05);
        assert_eq!(d.suppressed, 1);
        assert!(d.generalised.is_empty());
        assert_eq!(smallest_group(&d), Some(40));
    }

    proptest! {
        #[test]
        fn every_released_group_holds_at_least_k(
            rows in proptest::collection::vec(
                (0usize..3, 0i64..18, 0usize..4, 2023i32..2027, 0usize..2), 0..300),
            k in 2usize..15,
        ) {
            let sexes = ["female", "male", "unknown"];
            let districts = ["Dhubri", "Barpeta", "Goalpara", "Kamrup"];
            let input: Vec<Input> = rows
                .iter()
                .map(|&(s, a, d, y, n)| {
                    let mut c = child(sexes[s], a, districts[d], y);
                    c.quasi.nationality = ["IND", "BGD"][n].into();
                    c
                })
                .collect();
            let d = k_anonymous(&input, k, 0.05);
            if let Some(min) = smallest_group(&d) {
                prop_assert!(min >= k, "a group of {} under k = {}", min, k);
            }
            prop_assert_eq!(d.records.len() + d.suppressed, input.len());
        }
    }
}
