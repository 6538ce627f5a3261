//! "One child per request": a tracing request seeks one child, so its candidates compete for
//! it. If the request's candidates have posterior odds `o_1 … o_n` each (as if alone), and at
//! most one of them is the child, the probability that candidate `i` is the child is
//! `o_i / (1 + Σ o_j)`: a namesake with the same common name as the sought child loses most of
//! its probability to the child itself, and two equally good namesakes share it.
//!
//! Candidates that are records of one child (duplicates registered by two agencies) do not
//! compete: they are grouped first and each group competes with its best member's odds, so a
//! request links to every record of its child.
//!
//! Deduplication has no request, but a child has one record or a few: a pair of records
//! competes with the other candidates of *both* its records ([`compete_duplicate_pairs`]), a
//! candidate that may itself be a record of the same child (weight at least
//! [`SAME_CHILD_WEIGHT`] against the pair's other record) excepted. On 200,000 children a
//! common name brings several equally good namesakes to each record; without competition each
//! looks like the one duplicate, and probabilities of 0.5–0.9 were right a quarter to half of
//! the time.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::link::ScoredPair;
use crate::linker::{Linker, PreparedRecord};
use crate::model::{probability, weight_of, Scorer, TfTable};

/// Name of the explanation row that holds what competition took away.
pub const COMPETITION_ROW: &str = "other_candidates";

/// At most this many candidates per request are kept, grouped and weighed against each other;
/// beyond the best few, candidates add nothing a caseworker would look at.
pub const MAX_CANDIDATES: usize = 10;

/// Candidates with a weight below this (odds about 1:1000) are left out of the competition:
/// they neither change the others' probabilities noticeably nor become proposals.
pub const MIN_WEIGHT: f64 = -10.0;

/// Re-weigh one request's candidates. `cands` holds `(candidate, weight)`, where the weight is
/// the log2 posterior odds of that candidate alone; `same_child(a, b)` says whether two
/// candidates are records of one child. On return `cands` is sorted best first, cut to
/// [`MAX_CANDIDATES`], and each weight is the log2 odds after competition.
pub fn compete<T: Copy>(cands: &mut Vec<(T, f64)>, same_child: impl Fn(T, T) -> bool) {
    cands.retain(|c| c.1 >= MIN_WEIGHT);
    cands.sort_by(|a, b| b.1.total_cmp(&a.1));
    cands.truncate(MAX_CANDIDATES);
    if cands.len() < 2 {
        return;
    }
    // Group: each candidate joins the first group whose best member is the same child.
    let mut group_of = vec![0usize; cands.len()];
    let mut leaders: Vec<usize> = Vec::new();
    for i in 0..cands.len() {
        match leaders
            .iter()
            .position(|&l| same_child(cands[l].0, cands[i].0))
        {
            Some(g) => group_of[i] = g,
            None => {
                group_of[i] = leaders.len();
                leaders.push(i);
            }
        }
    }
    let odds: Vec<f64> = leaders.iter().map(|&l| cands[l].1.exp2()).collect();
    let total: f64 = odds.iter().sum();
    for (i, c) in cands.iter_mut().enumerate() {
        let others = total - odds[group_of[i]];
        c.1 -= (1.0 + others.max(0.0)).log2();
    }
    cands.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// [`compete`] over the scored candidates of one request (`pairs`, all with the same left
/// record): returns those at or above `threshold` after competition, best first.
pub fn compete_request(
    linker: &Linker,
    scorer: &Scorer,
    right: &[PreparedRecord],
    tf: &[TfTable],
    pairs: Vec<ScoredPair>,
    threshold: f64,
) -> Vec<ScoredPair> {
    let min_w = weight_of(threshold);
    let mut cands: Vec<(usize, f64)> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.weight))
        .collect();
    compete(&mut cands, |a, b| {
        let (x, y) = (
            &right[pairs[a].right as usize],
            &right[pairs[b].right as usize],
        );
        scorer.weight(linker.gamma(x, y), x, tf) >= 0.0
    });
    cands
        .into_iter()
        .filter(|c| threshold <= 0.0 || c.1 >= min_w)
        .map(|(i, w)| ScoredPair {
            weight: w,
            probability: probability(w),
            ..pairs[i]
        })
        .collect()
}

/// Two records may be of one child when their weight reaches this (odds about 1:64): a
/// child's third record, spelt apart from its second, still shares the first's evidence.
pub const SAME_CHILD_WEIGHT: f64 = -6.0;

/// How much a pair's weight loses to rivals whose odds sum to `rival_odds`.
pub fn rivalry(rival_odds: f64) -> f64 {
    (1.0 + rival_odds.max(0.0)).log2()
}

/// The odds of `record`'s candidates (`(candidate, weight)`, the best [`MAX_CANDIDATES`] at
/// or above [`MIN_WEIGHT`] count) other than `partner` that are not, by `same_child`, records
/// of `partner`'s child.
pub fn rival_odds<T: Copy + PartialEq>(
    candidates: &[(T, f64)],
    partner: T,
    same_child: impl Fn(T, T) -> bool,
) -> f64 {
    let mut best: Vec<(T, f64)> = candidates
        .iter()
        .copied()
        .filter(|c| c.1 >= MIN_WEIGHT)
        .collect();
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.truncate(MAX_CANDIDATES);
    best.iter()
        .filter(|c| c.0 != partner && !same_child(c.0, partner))
        .map(|c| c.1.exp2())
        .sum()
}

/// Deduplication's competition over all scored pairs of one file (each unordered pair once,
/// weights at least [`MIN_WEIGHT`]): each pair loses what the other candidates of its two
/// records take (see the module's documentation); returns the pairs at or above `threshold`.
pub fn compete_duplicate_pairs(
    linker: &Linker,
    scorer: &Scorer,
    records: &[PreparedRecord],
    tf: &[TfTable],
    pairs: Vec<ScoredPair>,
    threshold: f64,
) -> Vec<ScoredPair> {
    let mut partners: FxHashMap<u32, Vec<(u32, f64)>> = FxHashMap::default();
    for p in &pairs {
        partners
            .entry(p.left)
            .or_default()
            .push((p.right, p.weight));
        partners
            .entry(p.right)
            .or_default()
            .push((p.left, p.weight));
    }
    let same_child = |x: u32, y: u32| {
        let (a, b) = (&records[x as usize], &records[y as usize]);
        scorer.weight(linker.gamma(a, b), a, tf) >= SAME_CHILD_WEIGHT
    };
    let rivals = |record: u32, partner: u32| {
        partners
            .get(&record)
            .map_or(0.0, |c| rival_odds(c, partner, same_child))
    };
    let min_w = weight_of(threshold);
    pairs
        .into_par_iter()
        .filter_map(|p| {
            let weight = p.weight - rivalry(rivals(p.left, p.right) + rivals(p.right, p.left));
            (threshold <= 0.0 || weight >= min_w).then_some(ScoredPair {
                weight,
                probability: probability(weight),
                ..p
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_pairs_rivals_are_the_other_candidates_not_of_its_child() {
        // Record 1's candidates: its partner 2, 3 (another record of 2's child) and 4.
        let cands = [(2u32, 5.0), (3, 4.0), (4, 3.0), (5, MIN_WEIGHT - 1.0)];
        let rivals = rival_odds(&cands, 2, |x, y| (x, y) == (3, 2));
        assert!((rivals - 8.0).abs() < 1e-9, "{rivals}");
        assert!((rivalry(rivals) - 9f64.log2()).abs() < 1e-9);
    }

    #[test]
    fn two_equal_namesakes_share_the_child() {
        let mut c = vec![(1u32, 10.0), (2, 10.0)];
        compete(&mut c, |_, _| false);
        for (_, w) in &c {
            assert!((probability(*w) - 0.5).abs() < 0.01, "{c:?}");
        }
    }

    #[test]
    fn duplicates_of_one_child_do_not_compete() {
        let mut c = vec![(1u32, 10.0), (2, 9.0), (3, -3.0)];
        compete(&mut c, |a, b| (a, b) == (1, 2) || (a, b) == (2, 1));
        let p: Vec<f64> = c.iter().map(|x| probability(x.1)).collect();
        assert!(p[0] > 0.99 && p[1] > 0.99, "{c:?}");
        assert!(p[2] < 0.01, "{c:?}");
    }

    #[test]
    fn a_weak_namesake_loses_to_the_child() {
        let mut c = vec![(1u32, 12.0), (2, 1.0)];
        compete(&mut c, |_, _| false);
        assert!(probability(c[0].1) > 0.99);
        assert!(probability(c[1].1) < 0.01, "{c:?}");
    }

    proptest! {
        /// Competition never raises a probability, keeps the order, and the probabilities of
        /// distinct children sum to at most one.
        #[test]
        fn probabilities_stay_a_distribution(ws in proptest::collection::vec(-8.0f64..30.0, 1..15)) {
            let before: Vec<(usize, f64)> = ws.iter().copied().enumerate().collect();
            let mut after = before.clone();
            compete(&mut after, |_, _| false);
            let sum: f64 = after.iter().map(|c| probability(c.1)).sum();
            prop_assert!(sum <= 1.0 + 1e-9, "{after:?}");
            for w in after.windows(2) {
                prop_assert!(w[0].1 >= w[1].1);
            }
            for (i, w) in &after {
                prop_assert!(*w <= before[*i].1 + 1e-12);
            }
        }
    }
}
