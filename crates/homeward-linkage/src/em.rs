//! Expectation–maximisation of m and λ over the agreement patterns of candidate pairs, without
//! labels. In a sibling-aware model the relatives and the neighbours of the same event compete
//! with matches for each pattern, and field knowledge weighs beside the data (as many
//! pseudo-pairs as the settings say), so that EM refines what a match looks like instead of
//! learning "same household" or "same flood".

use serde::Serialize;

use crate::linker::Gamma;
use crate::model::Model;

const MIN_P: f64 = 1e-9;

/// What EM did.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EmReport {
    pub iterations: usize,
    pub converged: bool,
    /// Share of candidate pairs estimated to be matches.
    pub match_share: f64,
    /// False when EM did not find a sensible match class and the start values were kept.
    pub accepted: bool,
}

/// How EM runs (see [`Model::em`]).
#[derive(Clone, Copy, Debug)]
pub struct EmSettings {
    pub max_iter: usize,
    /// λ fixed by the configuration instead of estimated.
    pub fixed_prior: Option<f64>,
    /// Share of candidate pairs expected to match, to start from.
    pub start_share: f64,
    /// A match class larger than this many pairs is rejected (households, common names).
    pub max_matches: f64,
    /// How much field knowledge weighs beside the data in a sibling-aware model: this many
    /// pseudo-pairs per pair in the match class, and at least `knowledge_min_pairs`. Relative
    /// to the match class, so that the balance is the same on 2,000 records as on 200,000.
    pub knowledge_per_match: f64,
    pub knowledge_min_pairs: f64,
}

impl Model {
    /// Estimate m (and the share of matches among candidates) by expectation–maximisation over
    /// the comparison vectors of candidate pairs (`patterns`: vector → count). The non-match
    /// class gets its own u during EM (non-matches among blocked candidates agree more often
    /// than random pairs), but scoring keeps the u learnt from random pairs. λ becomes
    /// share × candidates / all possible pairs, unless the configuration fixes it. A match
    /// class larger than `max_matches` pairs is a cluster of something else (households,
    /// common names) and is rejected.
    pub fn em(
        &mut self,
        patterns: &[(Gamma, u64)],
        total_pairs: f64,
        settings: EmSettings,
    ) -> EmReport {
        let EmSettings {
            max_iter,
            fixed_prior,
            start_share,
            max_matches,
            knowledge_per_match,
            knowledge_min_pairs,
        } = settings;
        let n_cand: u64 = patterns.iter().map(|p| p.1).sum();
        let nf = self.fields.len();
        let mut report = EmReport {
            iterations: 0,
            converged: false,
            match_share: 0.0,
            accepted: false,
        };
        if n_cand < 50 {
            return report;
        }
        let mut m: Vec<Vec<f64>> = self
            .fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.m).collect())
            .collect();
        let mut uc: Vec<Vec<f64>> = self
            .fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.u).collect())
            .collect();
        let m0 = m.clone();
        let lu_random: Vec<Vec<f64>> = uc
            .iter()
            .map(|v| v.iter().map(|x| x.max(MIN_P).ln()).collect())
            .collect();
        let mut p = start_share.clamp(1e-4, 0.9);
        let mut sm: Vec<Vec<f64>> = m.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut su = sm.clone();
        for it in 0..max_iter {
            for v in sm.iter_mut().chain(su.iter_mut()) {
                v.iter_mut().for_each(|x| *x = 0.0);
            }
            let mut total_match = 0.0;
            let lm: Vec<Vec<f64>> = m
                .iter()
                .map(|v| v.iter().map(|x| x.max(MIN_P).ln()).collect())
                .collect();
            let lu: Vec<Vec<f64>> = uc
                .iter()
                .map(|v| v.iter().map(|x| x.max(MIN_P).ln()).collect())
                .collect();
            let prior = (p / (1.0 - p)).ln();
            // Relatives compete for the match class too: a pair that agrees on the family but
            // not on the child is explained by the relative class and does not teach m that
            // "different given name" is common among matches.
            let kin_w: Option<(f64, Vec<Vec<f64>>)> = self.kin.as_ref().map(|k| {
                let w =
                    k.h.iter()
                        .zip(&lm)
                        .map(|(h, lmf)| match h {
                            Some(h) => lmf
                                .iter()
                                .zip(h)
                                .map(|(a, b)| a - b.max(MIN_P).ln())
                                .collect(),
                            None => vec![0.0; lmf.len()],
                        })
                        .collect();
                (-k.relatives.max(1e-9).ln(), w)
            });
            // Neighbours (the same event) explain agreement on the event's fields: against
            // them only the other fields count, at the prior odds λ/ν of the current estimate.
            let neighbour_prior = self.neighbours.as_ref().map(|nb| {
                let lambda = (p * n_cand as f64 / total_pairs.max(1.0)).max(1e-15);
                nb.prior(lambda) * std::f64::consts::LN_2
            });
            for &(g, c) in patterns {
                let mut s = prior;
                let mut against_neighbours = neighbour_prior.unwrap_or(0.0);
                for f in 0..nf {
                    let l = g.level(f);
                    if l > 0 {
                        s += lm[f][l] - lu[f][l];
                        // Neighbours' own fields are as random as any child's: u from random
                        // pairs, not from the candidates (which blocking filled with names
                        // that agree).
                        if self.neighbours.as_ref().is_some_and(|nb| !nb.shared[f]) {
                            against_neighbours += lm[f][l] - lu_random[f][l];
                        }
                    }
                }
                let mut odds_against = (-s).exp();
                if let Some((kp, kw)) = &kin_w {
                    let sh: f64 = kp + (0..nf).map(|f| kw[f][g.level(f)]).sum::<f64>();
                    odds_against += (-sh).exp();
                }
                if neighbour_prior.is_some() {
                    odds_against += (-against_neighbours).exp();
                }
                let post = 1.0 / (1.0 + odds_against);
                let c = c as f64;
                total_match += post * c;
                for f in 0..nf {
                    let l = g.level(f);
                    sm[f][l] += post * c;
                    su[f][l] += (1.0 - post) * c;
                }
            }
            let new_p = (total_match / n_cand as f64).clamp(1e-9, 0.999);
            let mut delta = (new_p - p).abs();
            for f in 0..nf {
                let k = m[f].len();
                let tm: f64 = sm[f].iter().skip(1).sum();
                let tu: f64 = su[f].iter().skip(1).sum();
                // A light prior towards the start values keeps empty levels finite; in a
                // sibling-aware model it is stronger (field knowledge that EM refines, not
                // replaces: a registry of siblings and namesakes offers EM clusters — "same
                // household", "same common given name" — that are not the same child).
                let strength = match &self.kin {
                    Some(_) => (knowledge_per_match * tm).max(knowledge_min_pairs),
                    None => 1.0,
                };
                for l in 1..k {
                    let nm = (sm[f][l] + strength * m0[f][l]) / (tm + strength);
                    let nu = (su[f][l] + uc[f][l]) / (tu + 1.0);
                    delta = delta.max((nm - m[f][l]).abs());
                    m[f][l] = nm;
                    uc[f][l] = nu;
                }
            }
            p = new_p;
            report.iterations = it + 1;
            if delta < 1e-6 {
                report.converged = true;
                break;
            }
        }
        report.match_share = p;
        // Accept only a match class that agrees exactly more often than non-matches do on
        // most fields; otherwise EM latched on to something else and the start values are safer.
        let agreeing = (0..nf)
            .filter(|&f| m[f][1] > self.fields[f].levels[1].u)
            .count();
        // A sibling-aware model asks more: agreement on any field is evidence for the child.
        let enough = if self.kin.is_some() {
            agreeing == nf
        } else {
            agreeing * 2 > nf
        };
        let matches = p * n_cand as f64;
        report.accepted = matches >= 1.0 && matches <= max_matches && enough;
        if report.accepted {
            for (f, fp) in self.fields.iter_mut().enumerate() {
                for (l, level) in fp.levels.iter_mut().enumerate().skip(1) {
                    level.m = m[f][l];
                }
            }
            if fixed_prior.is_none() && total_pairs > 0.0 {
                self.lambda = (p * n_cand as f64 / total_pairs).clamp(1e-12, 0.5);
            }
        }
        if let Some(l) = fixed_prior {
            self.lambda = l;
        }
        report
    }
}
