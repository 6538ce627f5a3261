//! "One child per request": a tracing request seeks one child, so its candidates compete for
//! it. If the request's candidates have posterior odds `o_1 … o_n` each (as if alone), and at
//! most one of them is the child, the probability that candidate `i` is the child is
//! `o_i / (1 + Σ o_j)`: a namesake with the same common name as the sought child loses most of
//! its probability to the child itself, and two equally good namesakes share it.
//!
//! Candidates that are records of one child (duplicates registered by two agencies) do not
//! compete: they are grouped first and each group competes with its best member's odds, so a
//! request links to every record of its child.

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
