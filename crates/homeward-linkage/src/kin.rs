//! The sibling-aware non-match model. A registry of separated children is full of the sought
//! child's brothers, sisters, twins and cousins: they agree on every *family* field (family
//! name, parents, village, district, separation event), so a two-class Fellegi–Sunter model,
//! whose fields are independent given the class, adds those agreements up and proposes the
//! sibling. Here non-matches come in two kinds:
//!
//! * **unrelated** records (u, learnt from random pairs, as before), and
//! * **relatives** of the child: family fields agree as often as for the child itself, so only
//!   the child-specific fields (given name, pet name, sex, age, date of birth) tell the two
//!   apart, with level probabilities `h` learnt from household pairs — two records of one list
//!   whose household fields (mother's and father's names) agree.
//!
//! The posterior odds of a match are `1 / (2^-w_unrelated + 2^-w_relative)`, so a pair is
//! proposed only when it beats both explanations. This module owns `h`, its start values from
//! field knowledge, its estimation, and the combination of the two weights.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::compare::Kind;
use crate::linker::{Gamma, Linker, PreparedRecord};

const MIN_P: f64 = 1e-9;

/// Parameters of the relative class.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KinParams {
    /// Expected relatives of the sought child among its candidates, per true match
    /// (P(relative) / P(match) among pairs that agree on the family).
    pub relatives: f64,
    /// Per field: `None` for family fields (they cancel out); for child fields the probability
    /// of each level among relatives (index = level, level 0 blank).
    pub h: Vec<Option<Vec<f64>>>,
    /// Household pairs the `h` values were learnt from (0: field-knowledge start values).
    pub household_pairs: u64,
}

/// How often relatives' child fields agree, from field knowledge: siblings rarely share a
/// given name (twins' names are often alliterative, so partial agreement is commoner than
/// among strangers), are of either sex, and differ in age by a year or more except twins.
fn start_h(kind: Kind, n_levels: usize) -> Vec<f64> {
    let mut h = vec![0.0; n_levels];
    h[0] = 1.0;
    let last = n_levels - 1;
    match kind {
        Kind::Sex => {
            h[1] = 0.5;
            h[last] = 0.5;
        }
        Kind::Age => {
            // exact (twins, heaping), ±1, ±2, ±4, …, different
            let shares = [0.06, 0.16, 0.15, 0.22, 0.2];
            let mut rest: f64 = 1.0;
            for (l, s) in (1..last).zip(shares.iter().chain(std::iter::repeat(&0.05))) {
                h[l] = *s;
                rest -= s;
            }
            h[last] = rest.max(0.05);
        }
        Kind::Date => {
            // exact (twins), transposed, typo, same month, within a year, different
            let shares = [0.04, 0.005, 0.02, 0.02, 0.15];
            let mut rest: f64 = 1.0;
            for (l, s) in (1..last).zip(shares.iter()) {
                h[l] = *s;
                rest -= s;
            }
            h[last] = rest.max(0.05);
        }
        _ => {
            h[1] = 0.01;
            let partial = last.saturating_sub(2);
            for x in h.iter_mut().take(last).skip(2) {
                *x = 0.04;
            }
            h[last] = 1.0 - 0.01 - 0.04 * partial as f64;
        }
    }
    normalised(h)
}

/// How often the levels occur among true matches of a tracing request and a registration (or
/// two registrations of one child), from field knowledge: given names mostly agree or sound
/// alike, and are rarely unrelated (a pet name written as the given name has its own level);
/// ages are a caseworker's estimate against a family's memory. Used as m's start values (and,
/// for child-specific fields, as nearly fixed values) by sibling-aware models.
pub fn knowledge_m(kind: Kind, labels: &[String]) -> Vec<f64> {
    let share = |label: &str| -> f64 {
        match (kind, label) {
            (_, "blank") => 1.0,
            (Kind::Sex, "exact") => 0.97,
            (Kind::Sex, _) => 0.03,
            (Kind::Age, "exact") => 0.33,
            (Kind::Age, _) => 0.003,
            (Kind::Date, "exact") => 0.35,
            (Kind::Date, "day and month transposed") => 0.06,
            (Kind::Date, "one typo") => 0.12,
            (Kind::Date, "same year and month") => 0.07,
            (Kind::Date, "within one year") => 0.2,
            (Kind::Date, _) => 0.2,
            (Kind::Days, "exact") => 0.35,
            (Kind::Days, "within 1 day") => 0.25,
            (Kind::Days, "within 3 days") => 0.15,
            (Kind::Days, "within 10 days") => 0.15,
            (Kind::Days, "within 30 days") => 0.05,
            (Kind::Days, "different") => 0.05,
            (Kind::Name, "exact") => 0.5,
            (Kind::Name, "same words, any order") => 0.04,
            (Kind::Name, "swapped with other name field") => 0.02,
            (Kind::Name, "sounds alike or nickname") => 0.22,
            (Kind::Name, "pet name on one side") => 0.06,
            (Kind::Name, l) if l.starts_with("jaro-winkler >= 0.9") => 0.08,
            (Kind::Name, l) if l.starts_with("jaro-winkler") => 0.04,
            (Kind::Name, _) => 0.04,
            (_, "different") => 0.1,
            (_, "exact") | (_, "same district") => 0.6,
            _ => 0.3 / labels.len().max(1) as f64,
        }
    };
    let mut previous_band = 0;
    normalised(
        labels
            .iter()
            .map(|l| match (kind, band_years(l)) {
                (Kind::Age, Some(years)) => {
                    let s = age_gap_share(previous_band + 1, years);
                    previous_band = years;
                    s
                }
                _ => share(l),
            })
            .collect(),
    )
}

/// Years of an age band label ("within 4 years" → 4).
fn band_years(label: &str) -> Option<i32> {
    label
        .strip_prefix("within ")?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

/// Share of true matches whose ages differ by more than `lo - 1` and at most `hi` years: a
/// caseworker's estimate (heaped on even numbers and multiples of five) against a family's
/// memory is off by a year in a third of records, by two in a sixth, rarely by more than four
/// and hardly ever by more than seven.
fn age_gap_share(lo: i32, hi: i32) -> f64 {
    (lo..=hi)
        .map(|d| match d {
            1 => 0.33,
            2 => 0.17,
            3 => 0.08,
            4 => 0.05,
            5..=7 => 0.01,
            _ => 0.001,
        })
        .sum()
}

fn normalised(mut v: Vec<f64>) -> Vec<f64> {
    let total: f64 = v.iter().skip(1).sum();
    if total > 0.0 {
        v.iter_mut().skip(1).for_each(|x| *x /= total);
    }
    v
}

impl KinParams {
    /// Start values for a configuration with a `[kin]` section (`None` without one).
    pub fn start(linker: &Linker) -> Option<KinParams> {
        let kin = linker.config.kin.as_ref()?;
        let h = linker
            .config
            .fields
            .iter()
            .zip(&linker.comparators)
            .map(|(f, c)| (!kin.family.contains(&f.name)).then(|| start_h(c.kind, c.n_levels())))
            .collect();
        Some(KinParams {
            relatives: kin.relatives,
            h,
            household_pairs: 0,
        })
    }

    /// Whether field `f` is child-specific evidence.
    pub fn is_child_field(&self, f: usize) -> bool {
        self.h.get(f).is_some_and(Option::is_some)
    }

    /// log2(m/h) per field and level (0 for family fields and blanks).
    pub fn weights(&self, m: &[Vec<f64>]) -> Vec<Vec<f64>> {
        m.iter()
            .zip(&self.h)
            .map(|(mf, hf)| match hf {
                None => vec![0.0; mf.len()],
                Some(hf) => mf
                    .iter()
                    .zip(hf)
                    .enumerate()
                    .map(|(l, (m, h))| {
                        if l == 0 {
                            0.0
                        } else {
                            (m.max(MIN_P) / h.max(MIN_P)).log2()
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Learn `h` from household pairs of the given lists (pairs within one list whose
    /// household fields agree). Such pairs are mostly relatives, with some duplicates of one
    /// child among them; a two-class mixture (duplicates with the model's `m`, relatives with
    /// `h`) over the child fields separates the two. With fewer than `MIN_PAIRS` pairs the
    /// start values stay.
    pub fn learn(
        &mut self,
        linker: &Linker,
        m: &[Vec<f64>],
        sides: &[&[PreparedRecord]],
        max_iter: usize,
    ) {
        const MIN_PAIRS: u64 = 30;
        let Some(kin) = linker.config.kin.as_ref() else {
            return;
        };
        let household: Vec<usize> = kin
            .household
            .iter()
            .filter_map(|n| linker.config.fields.iter().position(|f| &f.name == n))
            .collect();
        let mut patterns: FxHashMap<Gamma, u64> = FxHashMap::default();
        for side in sides {
            for (a, b) in household_pairs(side, &household) {
                *patterns
                    .entry(linker.gamma(&side[a], &side[b]))
                    .or_default() += 1;
            }
        }
        let n: u64 = patterns.values().sum();
        if n < MIN_PAIRS {
            return;
        }
        let mut patterns: Vec<(Gamma, u64)> = patterns.into_iter().collect();
        patterns.sort_unstable();
        let child: Vec<usize> = (0..self.h.len())
            .filter(|&f| self.is_child_field(f))
            .collect();
        let start: Vec<Vec<f64>> = self
            .h
            .iter()
            .map(|h| h.clone().unwrap_or_default())
            .collect();
        let mut h = start.clone();
        let mut dup_share = 0.1_f64;
        for _ in 0..max_iter {
            let mut sh: Vec<Vec<f64>> = h.iter().map(|v| vec![0.0; v.len()]).collect();
            let mut dups = 0.0;
            for &(g, c) in &patterns {
                let mut s = (dup_share / (1.0 - dup_share)).ln();
                for &f in &child {
                    let l = g.level(f);
                    if l > 0 {
                        s += m[f][l].max(MIN_P).ln() - h[f][l].max(MIN_P).ln();
                    }
                }
                let post = 1.0 / (1.0 + (-s).exp());
                let c = c as f64;
                dups += post * c;
                for &f in &child {
                    sh[f][g.level(f)] += (1.0 - post) * c;
                }
            }
            let mut delta = 0.0_f64;
            for &f in &child {
                let total: f64 = sh[f].iter().skip(1).sum();
                for l in 1..h[f].len() {
                    // Twenty pseudo-pairs of field knowledge keep rare levels finite.
                    let v = (sh[f][l] + 20.0 * start[f][l]) / (total + 20.0);
                    delta = delta.max((v - h[f][l]).abs());
                    h[f][l] = v;
                }
            }
            dup_share = (dups / n as f64).clamp(1e-4, 0.5);
            if delta < 1e-6 {
                break;
            }
        }
        for &f in &child {
            self.h[f] = Some(h[f].clone());
        }
        self.household_pairs = n;
    }
}

/// Pairs (indices) of records in one list that agree exactly on every household field (all
/// non-blank). Large groups (a very common pair of parents' names) are sampled down to their
/// first members: they add little and would dominate the counts.
pub fn household_pairs(records: &[PreparedRecord], household: &[usize]) -> Vec<(usize, usize)> {
    const MAX_GROUP: usize = 12;
    let mut groups: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for (i, r) in records.iter().enumerate() {
        let mut key = 0xcbf2_9ce4_8422_2325_u64;
        let mut complete = true;
        for &f in household {
            let h = r.fields.get(f).map_or(0, |v| v.hash);
            if h == 0 {
                complete = false;
                break;
            }
            key = (key ^ h).wrapping_mul(0x0100_0000_01b3);
        }
        if complete && !household.is_empty() {
            groups.entry(key).or_default().push(i);
        }
    }
    let mut keys: Vec<u64> = groups.keys().copied().collect();
    keys.sort_unstable();
    let mut pairs = Vec::new();
    for k in keys {
        let g = &groups[&k];
        let g = &g[..g.len().min(MAX_GROUP)];
        for (x, &a) in g.iter().enumerate() {
            for &b in &g[x + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// The match weight against both kinds of non-match: `-log2(2^-w_unrelated + 2^-w_relative)`.
#[inline]
pub fn combine(w_unrelated: f64, w_relative: f64) -> f64 {
    let (lo, hi) = if w_unrelated < w_relative {
        (w_unrelated, w_relative)
    } else {
        (w_relative, w_unrelated)
    };
    lo - (1.0 + (lo - hi).exp2()).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_is_bounded_by_the_weaker_explanation() {
        assert!((combine(10.0, 10.0) - 9.0).abs() < 1e-12);
        assert!((combine(30.0, -5.0) - -5.0).abs() < 1e-6);
        assert!((combine(-5.0, 30.0) - -5.0).abs() < 1e-6);
        assert!(combine(3.0, 4.0) < 3.0);
    }

    #[test]
    fn start_values_are_distributions() {
        // The level counts the comparators have (blank, agreement levels, different).
        for (kind, sizes) in [
            (Kind::Sex, &[3][..]),
            (Kind::Age, &[3, 4, 5, 6][..]),
            (Kind::Date, &[7][..]),
            (Kind::Name, &[3, 6, 7, 8][..]),
        ] {
            for &n in sizes {
                let h = start_h(kind, n);
                let s: f64 = h.iter().skip(1).sum();
                assert!((s - 1.0).abs() < 1e-9, "{kind:?} {n}: {h:?}");
                assert!(h.iter().all(|x| *x > 0.0), "{kind:?} {n}: {h:?}");
            }
        }
    }
}
