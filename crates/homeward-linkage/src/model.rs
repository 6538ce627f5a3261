//! The Fellegi–Sunter model: for every field level, m (probability of that level among true
//! matches) and u (among non-matches), and λ, the probability that two random records match.
//! A pair's match weight is log2(λ/(1-λ)) + Σ log2(m/u) over its field levels, with a
//! term-frequency adjustment on exact agreement (agreeing on a common value such as "das" is
//! weaker evidence than agreeing on a rare one such as "basumatary"): the exact level's u is
//! replaced by the value's own frequency.
//!
//! This module owns the parameters (serialisable to JSON), their estimation (u from random pairs,
//! m and λ by EM without labels, refinement from labelled decisions) and scoring with
//! explanations. Blank values sit at level 0, which carries no weight.

use serde::{Deserialize, Serialize};

use crate::compare::Kind;
use crate::decisions::Calibration;
use crate::kin::KinParams;
use crate::linker::{Gamma, Linker, PreparedRecord};
use crate::neighbours::NeighbourParams;
pub use crate::scorer::{KinScorer, NeighbourScorer, Scorer, TfTable};

/// Parameters of one level of one field.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LevelParams {
    pub label: String,
    pub m: f64,
    pub u: f64,
}

/// Parameters of one field.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FieldParams {
    pub name: String,
    /// Term-frequency adjustment on the exact level.
    pub tf: bool,
    /// Level 0 is "blank" (weight 0); the last is "different".
    pub levels: Vec<LevelParams>,
}

/// All model parameters. Serialise with `serde_json` to keep a trained model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub fields: Vec<FieldParams>,
    /// Prior probability that two random records match.
    pub lambda: f64,
    /// The relative class of a sibling-aware model (`[kin]` in the configuration).
    #[serde(default)]
    pub kin: Option<KinParams>,
    /// The neighbour class (`[kin] neighbours`): unrelated children of the same event.
    #[serde(default)]
    pub neighbours: Option<NeighbourParams>,
    /// What caseworkers' decisions taught (see [`crate::decisions`]).
    #[serde(default)]
    pub calibration: Calibration,
}

/// One field's part in a pair's score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Contribution {
    pub field: String,
    pub level: String,
    /// log2 Bayes factor added by this field (after term-frequency adjustment).
    pub weight: f64,
}

/// The score of one pair, with its explanation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PairScore {
    /// Match weight: log2 of the prior odds plus every field's log2 Bayes factor.
    pub weight: f64,
    /// Match probability.
    pub probability: f64,
    /// Each field's level and weight contribution.
    pub explanation: Vec<Contribution>,
}

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

const MIN_P: f64 = 1e-9;

/// Level labels adjusted for the value's frequency (see `Scorer::field_weight`).
const TF_LEVELS: &[&str] = &[
    "exact",
    "same words, any order",
    "swapped with other name field",
    "sounds alike or nickname",
];

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

/// Start values for m: strong agreement likely among matches, disagreement rare.
fn start_m(kind: Kind, n_levels: usize) -> Vec<f64> {
    // levels: 0 blank, 1 exact, 2.. partial, last different
    let mut m = vec![0.0; n_levels];
    m[0] = 1.0;
    let partial = n_levels.saturating_sub(3);
    let (exact, different) = match kind {
        Kind::Age | Kind::Date | Kind::Days => (0.6, 0.05),
        Kind::Sex => (0.95, 0.05),
        _ => (0.75, 0.05),
    };
    m[1] = exact;
    let last = n_levels - 1;
    m[last] = different;
    if partial > 0 {
        let rest = 1.0 - exact - different;
        // Decreasing shares for weaker levels.
        let total: f64 = (1..=partial).map(|i| 1.0 / i as f64).sum();
        for i in 0..partial {
            m[2 + i] = rest * (1.0 / (i + 1) as f64) / total;
        }
    } else {
        m[last] = 1.0 - exact;
    }
    m
}

fn start_u(kind: Kind, n_levels: usize) -> Vec<f64> {
    let mut u = vec![0.0; n_levels];
    u[0] = 1.0;
    if kind == Kind::Sex && n_levels == 3 {
        // Two records of unrelated people are of the same sex half the time.
        u[1] = 0.5;
        u[2] = 0.5;
        return u;
    }
    let last = n_levels - 1;
    let partial = n_levels.saturating_sub(3);
    u[1] = 0.01;
    for x in u.iter_mut().skip(2).take(partial) {
        *x = 0.02;
    }
    u[last] = 1.0 - 0.01 - 0.02 * partial as f64;
    u
}

/// The neighbour class of a configuration, share not yet estimated (`None` without one).
fn neighbour_start(linker: &Linker) -> Option<NeighbourParams> {
    let names = &linker.config.kin.as_ref()?.neighbours;
    if names.is_empty() {
        return None;
    }
    Some(NeighbourParams::new(
        linker
            .config
            .fields
            .iter()
            .map(|f| names.contains(&f.name))
            .collect(),
    ))
}

impl Model {
    /// Start values for a compiled configuration (used as-is when the data are too few to train).
    pub fn start(linker: &Linker) -> Model {
        let fields = linker
            .config
            .fields
            .iter()
            .zip(&linker.comparators)
            .map(|(f, c)| {
                let m = if linker.config.kin.is_some() {
                    crate::kin::knowledge_m(c.kind, c.labels())
                } else {
                    start_m(c.kind, c.n_levels())
                };
                let u = start_u(c.kind, c.n_levels());
                FieldParams {
                    name: f.name.clone(),
                    tf: f.tf,
                    levels: c
                        .labels()
                        .iter()
                        .zip(m.iter().zip(&u))
                        .map(|(l, (&m, &u))| LevelParams {
                            label: l.clone(),
                            m,
                            u,
                        })
                        .collect(),
                }
            })
            .collect();
        Model {
            fields,
            lambda: linker.config.training.prior.unwrap_or(1e-4),
            kin: KinParams::start(linker),
            neighbours: neighbour_start(linker),
            calibration: Calibration::default(),
        }
    }

    /// Check the parameters fit a configuration (after loading JSON).
    pub fn fits(&self, linker: &Linker) -> bool {
        self.fields.len() == linker.comparators.len()
            && self
                .fields
                .iter()
                .zip(&linker.comparators)
                .all(|(f, c)| f.levels.len() == c.n_levels())
            && self
                .neighbours
                .as_ref()
                .is_none_or(|n| n.shared.len() == self.fields.len())
            && self.kin.as_ref().is_none_or(|k| {
                k.h.len() == self.fields.len()
                    && k.h
                        .iter()
                        .zip(&self.fields)
                        .all(|(h, f)| h.as_ref().is_none_or(|h| h.len() == f.levels.len()))
            })
    }

    /// m per field and level.
    pub fn m_table(&self) -> Vec<Vec<f64>> {
        self.fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.m).collect())
            .collect()
    }

    /// u per field and level.
    pub fn u_table(&self) -> Vec<Vec<f64>> {
        self.fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.u).collect())
            .collect()
    }

    /// Replace u (field → level → probability; level 0 is left as it is).
    pub fn set_u_table(&mut self, u: &[Vec<f64>]) {
        for (f, uf) in self.fields.iter_mut().zip(u) {
            for (level, &x) in f.levels.iter_mut().zip(uf).skip(1) {
                level.u = x;
            }
        }
    }

    /// Set u from level counts over random pairs (`counts[field][level]`), smoothed so that a
    /// level never seen among random pairs still gets a finite weight.
    pub fn set_u_from_counts(&mut self, counts: &[Vec<u64>]) {
        for (f, c) in self.fields.iter_mut().zip(counts) {
            let n: u64 = c.iter().skip(1).sum();
            if n < 10 {
                continue;
            }
            let k = (c.len() - 1) as f64;
            for (l, level) in f.levels.iter_mut().enumerate().skip(1) {
                level.u = (c[l] as f64 + 0.5) / (n as f64 + 0.5 * k);
            }
        }
    }

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

    /// Score one pair of records prepared by `linker` (the configuration these parameters were
    /// trained for). `tf`: value frequencies for term-frequency adjustment (`TfTable::build`
    /// over the records at hand), or `&[]` to score without it.
    pub fn score_pair(
        &self,
        linker: &Linker,
        a: &PreparedRecord,
        b: &PreparedRecord,
        tf: &[TfTable],
    ) -> PairScore {
        let scorer = self.scorer();
        let g = linker.gamma(a, b);
        let weight = scorer.weight(g, a, tf);
        PairScore {
            weight,
            probability: probability(weight),
            explanation: scorer.explain(self, g, a, tf),
        }
    }

    /// Precompute the weight tables for scoring.
    pub fn scorer(&self) -> Scorer {
        let weights = self
            .fields
            .iter()
            .map(|f| {
                f.levels
                    .iter()
                    .enumerate()
                    .map(|(l, p)| {
                        if l == 0 {
                            0.0
                        } else {
                            (p.m.max(MIN_P) / p.u.max(MIN_P)).log2()
                        }
                    })
                    .collect()
            })
            .collect();
        let tf_log_m = self
            .fields
            .iter()
            .map(|f| {
                f.tf.then(|| f.levels.get(1).map_or(0.0, |l| l.m.max(MIN_P).log2()))
            })
            .collect();
        // Levels that say "the same name" (exact, reordered, swapped, spelt another way)
        // are as common as the name is; fuzzier levels are not adjusted.
        let tf_levels = self
            .fields
            .iter()
            .map(|f| {
                f.levels
                    .iter()
                    .skip(1)
                    .take_while(|l| TF_LEVELS.contains(&l.label.as_str()))
                    .count()
                    .max(1)
            })
            .collect();
        let lambda = self.lambda.clamp(1e-15, 1.0 - 1e-12);
        let kin = self.kin.as_ref().map(|k| KinScorer {
            weights: k.weights(&self.m_table()),
            prior: -k.relatives.max(1e-9).log2(),
        });
        let neighbours =
            self.neighbours
                .as_ref()
                .filter(|n| n.share > 0.0)
                .map(|n| NeighbourScorer {
                    shared: n.shared.clone(),
                    prior: n.prior(lambda),
                });
        Scorer {
            weights,
            tf_log_m,
            tf_levels,
            prior: (lambda / (1.0 - lambda)).log2(),
            kin,
            neighbours,
            calibration: self.calibration,
        }
    }
}

/// Probability from a match weight.
#[inline]
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Match weight from a probability.
pub fn weight_of(probability: f64) -> f64 {
    let p = probability.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).log2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;
    use rand::{Rng, SeedableRng};
    use rustc_hash::FxHashMap;

    fn linker() -> Linker {
        let cfg = LinkConfig::from_toml(
            r#"
id_column = "id"
[[field]]
name = "surname"
comparator = "name"
tf = true
[[field]]
name = "given"
comparator = "name"
[[field]]
name = "age"
comparator = "age"
"#,
            "test",
        );
        cfg.and_then(Linker::new).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rec(l: &Linker, id: &str, s: &str, g: &str, age: &str) -> PreparedRecord {
        let r = crate::Record::new(id)
            .with("surname", s)
            .with("given", g)
            .with("age", age);
        l.prepare(&r).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn common_surname_weighs_less_than_rare() {
        let l = linker();
        let mut recs = Vec::new();
        for i in 0..60 {
            recs.push(rec(&l, &format!("d{i}"), "Das", "X", "5"));
        }
        recs.push(rec(&l, "b1", "Basumatary", "Y", "5"));
        recs.push(rec(&l, "b2", "Basumatary", "Z", "5"));
        let model = Model::start(&l);
        let tf = TfTable::build(&model, &[&recs], None);
        let s = model.scorer();
        let das = s.field_weight(0, l.gamma(&recs[0], &recs[1]), &recs[0], &tf);
        let basu = s.field_weight(0, l.gamma(&recs[60], &recs[61]), &recs[60], &tf);
        let plain = s.weights[0][1];
        assert!(das < basu, "das {das} basumatary {basu}");
        assert!(
            das < plain,
            "a value held by most records weighs less than an average exact match"
        );
    }

    /// Synthetic comparison vectors with known m and u: EM must find them again.
    #[test]
    fn em_recovers_m_and_u() {
        let l = linker();
        let mut model = Model::start(&l);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        // true m for level exact per field, u for level exact
        let true_m = [0.9, 0.85, 0.7];
        let true_u = [0.05, 0.1, 0.15];
        let mut counts: FxHashMap<Gamma, u64> = FxHashMap::default();
        let n_match = 3000;
        let n_non = 27000;
        let nl: Vec<u8> = l.comparators.iter().map(|c| c.n_levels() as u8).collect();
        for i in 0..(n_match + n_non) {
            let is_m = i < n_match;
            let levels: Vec<u8> = (0..3)
                .map(|f| {
                    let p = if is_m { true_m[f] } else { true_u[f] };
                    if rng.gen::<f64>() < p {
                        1
                    } else {
                        nl[f] - 1
                    }
                })
                .collect();
            *counts.entry(Gamma::from_levels(&levels)).or_default() += 1;
        }
        let mut patterns: Vec<(Gamma, u64)> = counts.into_iter().collect();
        patterns.sort();
        let report = model.em(
            &patterns,
            1e6,
            EmSettings {
                max_iter: 200,
                fixed_prior: None,
                start_share: 0.3,
                max_matches: f64::INFINITY,
                knowledge_per_match: 5.0,
                knowledge_min_pairs: 5000.0,
            },
        );
        assert!(report.accepted, "{report:?}");
        assert!((report.match_share - 0.1).abs() < 0.02, "{report:?}");
        for (f, m) in true_m.iter().enumerate() {
            let got = model.fields[f].levels[1].m;
            assert!((got - m).abs() < 0.05, "field {f}: m {got} vs {m}");
        }
        assert!(
            (model.lambda - 3000.0 / 1e6).abs() < 6e-4,
            "lambda {}",
            model.lambda
        );
    }

    #[test]
    fn score_pair_explains_each_field() {
        let l = linker();
        let model = Model::start(&l);
        let a = rec(&l, "a", "Barua", "Bikash", "7");
        let b = rec(&l, "b", "বৰুৱা", "Vikash", "9");
        let s = model.score_pair(&l, &a, &b, &[]);
        let levels: Vec<&str> = s.explanation.iter().map(|c| c.level.as_str()).collect();
        assert_eq!(
            levels,
            vec!["exact", "sounds alike or nickname", "within 3 years"]
        );
        let sum: f64 = s.explanation.iter().map(|c| c.weight).sum::<f64>() + model.scorer().prior;
        assert!((sum - s.weight).abs() < 1e-9);
        assert!((s.probability - probability(s.weight)).abs() < 1e-12);
    }

    #[test]
    fn labels_move_m_towards_evidence() {
        let l = linker();
        let mut model = Model::start(&l);
        let before = model.fields[2].levels[1].m;
        // 100 confirmed pairs that agree on names but not on age.
        let a = rec(&l, "a", "Barua", "Bikash", "3");
        let b = rec(&l, "b", "Barua", "Bikash", "12");
        let labelled: Vec<_> = (0..100).map(|_| (&a, &b, true)).collect();
        model.fit_labels(&l, &labelled, 10.0);
        assert!(model.fields[2].levels[1].m < before);
        assert!(model.fields[0].levels[1].m > 0.9);
        let json = serde_json::to_string(&model).unwrap_or_default();
        let back: Model = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert!(back.fits(&l));
        for (a, b) in back.fields.iter().zip(&model.fields) {
            for (x, y) in a.levels.iter().zip(&b.levels) {
                assert!(
                    (x.m - y.m).abs() < 1e-12 && (x.u - y.u).abs() < 1e-12 && x.label == y.label
                );
            }
        }
    }
}
