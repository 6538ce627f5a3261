//! Learning from caseworkers' decisions. A confirmed match is a true pair: its comparison
//! levels refine m (how the same child is written twice). Every decision, confirmed or
//! rejected, also says how far the model's weights are to be trusted on this programme's data:
//! a logistic correction `scale · weight + shift` is fitted to them by maximum likelihood,
//! held towards no correction by a prior worth `strength` decisions, and kept only when it
//! explains the decisions significantly better than no correction. A rejected sibling that
//! scored 0.9 pulls the high weights down; confirmed children at 0.4 pull the middle up. The
//! correction is fitted to the weights as the scorer gives them, term frequencies included.
//!
//! u is left alone: rejected pairs are the hardest non-matches the review queue shows, not a
//! sample of random pairs.

use serde::{Deserialize, Serialize};

use crate::linker::{Gamma, Linker, PreparedRecord};
use crate::model::{Model, TfTable};

/// The correction of match weights learnt from decisions (none by default).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub scale: f64,
    pub shift: f64,
    /// Decisions it was learnt from.
    pub decisions: u64,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            scale: 1.0,
            shift: 0.0,
            decisions: 0,
        }
    }
}

impl Calibration {
    /// The corrected weight.
    #[inline]
    pub fn apply(&self, weight: f64) -> f64 {
        self.scale * weight + self.shift
    }

    /// Fit to `(weight, confirmed)` pairs (log2 odds), starting from no correction, held
    /// there by a Gaussian prior worth about `strength` decisions (scale ± 0.5, shift ± 2 bits
    /// when strength is 20). Newton's method on two parameters.
    pub fn fit(labelled: &[(f64, bool)], strength: f64) -> Calibration {
        let ln2 = std::f64::consts::LN_2;
        // Penalty weights on (scale - 1) and shift, in natural-log likelihood units.
        let (pa, pb) = (strength / 20.0 * 4.0, strength / 20.0 * 0.25);
        let objective = |a: f64, b: f64| {
            let mut o = -pa * (a - 1.0).powi(2) / 2.0 - pb * b * b / 2.0;
            for &(w, y) in labelled {
                let z = (a * w + b) * ln2;
                o -= if y {
                    (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
            }
            o
        };
        let (mut a, mut b) = (1.0_f64, 0.0_f64);
        for _ in 0..100 {
            // gradient and Hessian of the penalised log-likelihood in (a, b)
            let (mut ga, mut gb) = (-pa * (a - 1.0), -pb * b);
            let (mut haa, mut hab, mut hbb) = (-pa, 0.0, -pb);
            for &(w, y) in labelled {
                let z = (a * w + b) * ln2;
                let p = 1.0 / (1.0 + (-z).exp());
                let r = f64::from(u8::from(y)) - p;
                let s = p * (1.0 - p) * ln2 * ln2;
                ga += r * w * ln2;
                gb += r * ln2;
                haa -= s * w * w;
                hab -= s * w;
                hbb -= s;
            }
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-12 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            // Newton overshoots where the logistic is flat: cap the step, then halve it
            // until the objective rises.
            let mut t = 1.0_f64
                .min(0.25 / da.abs().max(1e-12))
                .min(1.0 / db.abs().max(1e-12));
            let before = objective(a, b);
            while t > 1e-6 && objective((a - t * da).max(MIN_SCALE), b - t * db) < before {
                t /= 2.0;
            }
            let (na, nb) = ((a - t * da).max(MIN_SCALE), b - t * db);
            let moved = (na - a).abs().max((nb - b).abs());
            a = na;
            b = nb;
            if moved < 1e-9 {
                break;
            }
        }
        let (a, b) = (a.min(5.0), b);
        // A correction is kept only when the decisions show the weights miscalibrated beyond
        // chance: two parameters must raise the log-likelihood by more than 3 (the 95% point
        // of a likelihood-ratio test). Otherwise a few hundred decisions, sampled where the
        // weights are already right, would shift every threshold decision by noise.
        let gain = log_likelihood(labelled, a, b) - log_likelihood(labelled, 1.0, 0.0);
        let (scale, shift) = if gain > SIGNIFICANT_GAIN {
            (a, b)
        } else {
            (1.0, 0.0)
        };
        Calibration {
            scale,
            shift,
            decisions: labelled.len() as u64,
        }
    }
}

/// Log-likelihood gain (natural units) a correction must bring: χ²(2 d.f.) at 95% over two.
const SIGNIFICANT_GAIN: f64 = 3.0;

/// Log-likelihood (natural units) of the decisions under the correction `a · w + b`.
fn log_likelihood(labelled: &[(f64, bool)], a: f64, b: f64) -> f64 {
    let ln2 = std::f64::consts::LN_2;
    labelled
        .iter()
        .map(|&(w, y)| {
            let z = (a * w + b) * ln2;
            -if y {
                (-z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            }
        })
        .sum()
}

/// A correction never turns the order of weights around.
const MIN_SCALE: f64 = 0.05;

impl Model {
    /// Learn from pairs a caseworker confirmed (`true`) or rejected (`false`): m from the
    /// confirmed ones (blended with the current values, which weigh as much as `strength`
    /// labelled pairs), then the weight correction from all of them (see the module doc),
    /// fitted to the weights the scorer gives with the value frequencies `tf` (those of the
    /// records being matched; empty for none), so that it corrects what it is applied to.
    /// Learning again from the same decisions gives the same model only when started from the
    /// same model: keep the unsupervised one and learn from all decisions each time.
    pub fn fit_labels(
        &mut self,
        linker: &Linker,
        labelled: &[(&PreparedRecord, &PreparedRecord, bool)],
        strength: f64,
        tf: &[TfTable],
    ) {
        let vectors: Vec<(Gamma, bool)> = labelled
            .iter()
            .map(|(a, b, m)| (linker.gamma(a, b), *m))
            .collect();
        self.refine_m(&vectors, strength);
        self.calibration = Calibration::default();
        let scorer = self.scorer();
        let weighed: Vec<(f64, bool)> = labelled
            .iter()
            .zip(&vectors)
            .map(|((a, _, _), &(g, y))| (scorer.weight(g, a, tf), y))
            .collect();
        self.calibration = Calibration::fit(&weighed, strength);
    }

    /// m from confirmed pairs, blended with the current values (worth `strength` pairs).
    fn refine_m(&mut self, labelled: &[(Gamma, bool)], strength: f64) {
        for (f, field) in self.fields.iter_mut().enumerate() {
            let k = field.levels.len();
            let mut cm = vec![0.0; k];
            for &(g, confirmed) in labelled {
                let l = g.level(f);
                if confirmed && l > 0 {
                    cm[l] += 1.0;
                }
            }
            let tm: f64 = cm.iter().sum();
            if tm > 0.0 {
                for (l, level) in field.levels.iter_mut().enumerate().skip(1) {
                    level.m = (cm[l] + strength * level.m) / (tm + strength);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn overconfident_weights_are_pulled_down() {
        // Pairs at weight 6 (p 0.98) of which only half are true.
        let labelled: Vec<(f64, bool)> = (0..200).map(|i| (6.0, i % 2 == 0)).collect();
        let c = Calibration::fit(&labelled, 20.0);
        let p = crate::model::probability(c.apply(6.0));
        assert!((p - 0.5).abs() < 0.1, "{c:?} {p}");
    }

    #[test]
    fn decisions_that_bear_the_weights_out_change_nothing() {
        // At each weight, as many confirmed as the weight's probability says.
        let mut labelled = Vec::new();
        for w in [-4.0, -2.0, 0.0, 2.0, 4.0] {
            let confirmed = (100.0 * crate::model::probability(w)).round() as usize;
            labelled.extend((0..100).map(|i| (w, i < confirmed)));
        }
        let c = Calibration::fit(&labelled, 20.0);
        assert_eq!((c.scale, c.shift, c.decisions), (1.0, 0.0, 500), "{c:?}");
    }

    #[test]
    fn no_decisions_change_nothing() {
        let c = Calibration::fit(&[], 20.0);
        assert!(
            (c.scale - 1.0).abs() < 1e-9 && c.shift.abs() < 1e-9,
            "{c:?}"
        );
    }

    proptest! {
        /// The correction keeps the order of weights.
        #[test]
        fn the_order_of_weights_is_kept(ws in proptest::collection::vec((-20.0f64..20.0, any::<bool>()), 0..60)) {
            let c = Calibration::fit(&ws, 20.0);
            prop_assert!(c.scale > 0.0);
            prop_assert!(c.apply(1.0) > c.apply(0.0));
        }
    }
}
