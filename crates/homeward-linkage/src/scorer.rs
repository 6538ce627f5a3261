//! Scoring with trained parameters: the precomputed weight tables (`Scorer`), the
//! term-frequency tables they consult (`TfTable`), and per-field explanations. With a
//! sibling-aware model (`crate::kin`) a pair's weight is its weight against unrelated records
//! combined with its weight against relatives of the child.

use rustc_hash::FxHashMap;

use crate::decisions::Calibration;
use crate::kin;
use crate::linker::{Gamma, PreparedRecord};
use crate::model::{Contribution, Model};

/// Value frequencies of one field, for term-frequency adjustment: over all records, and per
/// group (the district, when the configuration sets `tf_group`). Names are common in one
/// community and rare in another: "Jakir" is a rare name across Assam and a common one in
/// Dhubri, and a Dhubri child called Jakir is found as often as that.
#[derive(Clone, Debug, Default)]
pub struct TfTable {
    pub counts: FxHashMap<u64, u32>,
    pub total: u64,
    /// Index of the field whose value groups the records (`None`: global frequencies only).
    pub group: Option<usize>,
    by_group: FxHashMap<(u64, u64), u32>,
    group_totals: FxHashMap<u64, u64>,
}

/// Records a group's frequencies are shrunk towards the global ones by (a small district's
/// few records say little).
const GROUP_PRIOR: f64 = 100.0;

impl TfTable {
    /// An empty table; `group` is the index of the grouping field, if any.
    pub fn new(group: Option<usize>) -> TfTable {
        TfTable {
            group,
            ..TfTable::default()
        }
    }

    /// The group of a record (0: none).
    #[inline]
    fn group_of(&self, rec: &PreparedRecord) -> u64 {
        self.group
            .and_then(|g| rec.fields.get(g))
            .map_or(0, |v| v.hash)
    }

    /// Count field `f` of a record.
    pub fn add_record(&mut self, f: usize, rec: &PreparedRecord) {
        let hash = rec.fields.get(f).map_or(0, |v| v.hash);
        self.add(hash, self.group_of(rec));
    }

    /// Forget field `f` of a record.
    pub fn remove_record(&mut self, f: usize, rec: &PreparedRecord) {
        let hash = rec.fields.get(f).map_or(0, |v| v.hash);
        self.remove(hash, self.group_of(rec));
    }

    /// Count one value (hash 0 = blank, ignored) in a group (0 = none).
    pub fn add(&mut self, hash: u64, group: u64) {
        if hash != 0 {
            *self.counts.entry(hash).or_insert(0) += 1;
            self.total += 1;
            if group != 0 {
                *self.by_group.entry((group, hash)).or_insert(0) += 1;
                *self.group_totals.entry(group).or_insert(0) += 1;
            }
        }
    }

    /// Forget one value.
    pub fn remove(&mut self, hash: u64, group: u64) {
        if hash == 0 {
            return;
        }
        if let Some(c) = self.counts.get_mut(&hash) {
            *c -= 1;
            self.total = self.total.saturating_sub(1);
            if *c == 0 {
                self.counts.remove(&hash);
            }
        }
        if group != 0 {
            if let Some(c) = self.by_group.get_mut(&(group, hash)) {
                *c -= 1;
                if *c == 0 {
                    self.by_group.remove(&(group, hash));
                }
            }
            if let Some(t) = self.group_totals.get_mut(&group) {
                *t = t.saturating_sub(1);
                if *t == 0 {
                    self.group_totals.remove(&group);
                }
            }
        }
    }

    /// Relative frequency of a value over all records, `None` while the table is too small
    /// to trust.
    pub fn frequency(&self, hash: u64) -> Option<f64> {
        if self.total < 20 {
            return None;
        }
        let c = self.counts.get(&hash).copied().unwrap_or(1).max(1);
        Some(c as f64 / self.total as f64)
    }

    /// Relative frequency of field `f`'s value of `rec` among the records of its group,
    /// shrunk towards the global frequency.
    pub fn frequency_for(&self, f: usize, rec: &PreparedRecord) -> Option<f64> {
        let hash = rec.fields.get(f)?.hash;
        let global = self.frequency(hash)?;
        let group = self.group_of(rec);
        // The grouping field itself (the district) is as common as it is overall.
        if group == 0 || self.group == Some(f) {
            return Some(global);
        }
        let n = self.group_totals.get(&group).copied().unwrap_or(0) as f64;
        let c = self.by_group.get(&(group, hash)).copied().unwrap_or(0) as f64;
        Some((c + GROUP_PRIOR * global) / (n + GROUP_PRIOR))
    }

    /// Tables for every field of a model over the given record lists (one table per field,
    /// empty for fields without term-frequency adjustment; fields are counted in parallel).
    pub fn build(model: &Model, sides: &[&[PreparedRecord]], group: Option<usize>) -> Vec<TfTable> {
        use rayon::prelude::*;
        model
            .fields
            .par_iter()
            .enumerate()
            .map(|(f, p)| {
                let mut t = TfTable::new(group);
                if p.tf {
                    for r in sides.iter().flat_map(|s| s.iter()) {
                        t.add_record(f, r);
                    }
                }
                t
            })
            .collect()
    }
}

/// Precomputed weights for fast scoring.
#[derive(Clone, Debug)]
pub struct Scorer {
    /// log2(m/u) per field and level.
    pub weights: Vec<Vec<f64>>,
    /// log2(m) of the exact level for fields with term-frequency adjustment.
    pub tf_log_m: Vec<Option<f64>>,
    /// The levels (1..=this) the term-frequency adjustment applies to, per field.
    pub tf_levels: Vec<usize>,
    /// log2(λ/(1-λ)).
    pub prior: f64,
    /// The weight against relatives of the child, for sibling-aware models.
    pub kin: Option<KinScorer>,
    /// The weight against unrelated children of the same event.
    pub neighbours: Option<NeighbourScorer>,
    /// The correction learnt from caseworkers' decisions.
    pub calibration: Calibration,
}

/// Precomputed weights against the neighbour class.
#[derive(Clone, Debug)]
pub struct NeighbourScorer {
    /// Per field: shared by neighbours (its weight does not count against them).
    pub shared: Vec<bool>,
    /// log2(λ/ν).
    pub prior: f64,
}

/// Precomputed weights against the relative class.
#[derive(Clone, Debug)]
pub struct KinScorer {
    /// log2(m/h) per field and level (0 for family fields).
    pub weights: Vec<Vec<f64>>,
    /// log2(P(match)/P(relative)).
    pub prior: f64,
}

/// Name of the explanation row that holds the sibling check.
pub const KIN_ROW: &str = "relative_check";

/// Name of the explanation row that holds what caseworkers' decisions changed.
pub const DECISIONS_ROW: &str = "caseworker_decisions";

impl Scorer {
    /// Weight of field `f` at its level in `g`, adjusted for the frequency of `a`'s value:
    /// the exact level weighs log2(m / frequency), and a close level (same words, sounds
    /// alike) of a common name weighs less, and of a rare one more, by the same ratio.
    #[inline]
    pub fn field_weight(&self, f: usize, g: Gamma, a: &PreparedRecord, tf: &[TfTable]) -> f64 {
        self.field_weight_tf(f, g, || tf.get(f).and_then(|t| t.frequency_for(f, a)))
    }

    /// Weight of field `f` at its level in `g`, the querying value having frequency `freq()`
    /// (`None`: no adjustment). The frequency is looked up only for the levels it adjusts:
    /// most candidates' names differ, and the lookup costs three hash probes.
    #[inline]
    fn field_weight_tf(&self, f: usize, g: Gamma, freq: impl FnOnce() -> Option<f64>) -> f64 {
        let l = g.level(f);
        let base = self.weights[f].get(l).copied().unwrap_or(0.0);
        if l == 0 || l > self.tf_levels[f] {
            return base;
        }
        let Some(lm) = self.tf_log_m[f] else {
            return base;
        };
        let Some(freq) = freq() else {
            return base;
        };
        if l == 1 {
            lm - freq.log2()
        } else {
            // u of this level scaled by frequency / (average frequency = u of exact); only
            // ever lowered: the querying value may be rare ("Man Maya Chhetri") while the
            // other record's, which merely sounds like it, is common.
            base.min(base + (lm - self.weights[f][1]) - freq.log2())
        }
    }

    /// Match weight (log2 posterior odds of a match against every other explanation) of a
    /// pair.
    #[inline]
    pub fn weight(&self, g: Gamma, a: &PreparedRecord, tf: &[TfTable]) -> f64 {
        self.calibration.apply(
            self.weight_before_decisions(g, |f| tf.get(f).and_then(|t| t.frequency_for(f, a))),
        )
    }

    /// The weight of a comparison vector without term-frequency adjustment (for learning from
    /// decisions on vectors alone).
    pub fn weight_of_vector(&self, g: Gamma) -> f64 {
        self.calibration
            .apply(self.weight_before_decisions(g, |_| None))
    }

    /// The weight before the correction learnt from decisions; `freq(f)` is the frequency of
    /// the querying value of field `f`.
    #[inline]
    pub fn weight_before_decisions(&self, g: Gamma, freq: impl Fn(usize) -> Option<f64>) -> f64 {
        let mut w = self.prior;
        let mut shared = 0.0;
        for f in 0..self.weights.len() {
            let fw = self.field_weight_tf(f, g, || freq(f));
            w += fw;
            if self.neighbours.as_ref().is_some_and(|n| n.shared[f]) {
                shared += fw;
            }
        }
        let mut out = w;
        if let Some(k) = &self.kin {
            out = kin::combine(out, k.weight(g));
        }
        if let Some(n) = &self.neighbours {
            out = kin::combine(out, w - self.prior - shared + n.prior);
        }
        out
    }

    /// Weight against unrelated records only (the two-class Fellegi–Sunter weight).
    #[inline]
    pub fn unrelated_weight(&self, g: Gamma, a: &PreparedRecord, tf: &[TfTable]) -> f64 {
        let mut w = self.prior;
        for f in 0..self.weights.len() {
            w += self.field_weight(f, g, a, tf);
        }
        w
    }

    /// Per-field explanation of a pair's weight.
    pub fn explain(
        &self,
        model: &Model,
        g: Gamma,
        a: &PreparedRecord,
        tf: &[TfTable],
    ) -> Vec<Contribution> {
        let mut rows: Vec<Contribution> = model
            .fields
            .iter()
            .enumerate()
            .map(|(f, p)| Contribution {
                field: p.name.clone(),
                level: p
                    .levels
                    .get(g.level(f))
                    .map(|l| l.label.clone())
                    .unwrap_or_default(),
                weight: self.field_weight(f, g, a, tf),
            })
            .collect();
        let decided = self.weight(g, a, tf);
        let full =
            self.weight_before_decisions(g, |f| tf.get(f).and_then(|t| t.frequency_for(f, a)));
        if self.kin.is_some() || self.neighbours.is_some() {
            // What the relative and neighbour checks take away: the child-specific fields must
            // make this child likelier than a brother, sister, twin or cousin, and the other
            // fields likelier than another child of the same flood.
            let unrelated = self.unrelated_weight(g, a, tf);
            rows.push(Contribution {
                field: KIN_ROW.to_owned(),
                level: if full < unrelated - 0.5 {
                    "could be a relative or another child of the same event".to_owned()
                } else {
                    "not a relative".to_owned()
                },
                weight: full - unrelated,
            });
        }
        if self.calibration.decisions > 0 {
            rows.push(Contribution {
                field: DECISIONS_ROW.to_owned(),
                level: format!("learnt from {} decisions", self.calibration.decisions),
                weight: decided - full,
            });
        }
        rows
    }
}

impl KinScorer {
    /// log2 odds of the same child against a relative, from the child-specific fields.
    #[inline]
    pub fn weight(&self, g: Gamma) -> f64 {
        let mut w = self.prior;
        for (f, wf) in self.weights.iter().enumerate() {
            w += wf.get(g.level(f)).copied().unwrap_or(0.0);
        }
        w
    }
}
