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
pub use crate::em::{EmReport, EmSettings};
use crate::kin::KinParams;
use crate::linker::{Linker, PreparedRecord};
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

const MIN_P: f64 = 1e-9;

/// Level labels adjusted for the value's frequency (see `Scorer::field_weight`).
const TF_LEVELS: &[&str] = &[
    "exact",
    "same words, any order",
    "swapped with other name field",
    "sounds alike or nickname",
];

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
    use crate::linker::Gamma;
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
        model.fit_labels(&l, &labelled, 10.0, &[]);
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
