//! The neighbour class: unrelated children caught up in the same event. Children separated by
//! one flood in one district were at the same embankment on the same day and often come from
//! the same village: their records agree on the district, the separation place and date, the
//! village and the language as often as two records of one child do. A Fellegi–Sunter model
//! whose fields are independent given the class multiplies those agreements as if each were
//! fresh evidence, and proposes any child of the same flood who shares a common given name.
//!
//! Here the non-matches that agree on the *circumstance* fields form a class of their own:
//! its circumstance fields follow the match distribution `m`, its other fields the unrelated
//! distribution `u`. Its share ν among all pairs is estimated from the random pairs that also
//! teach u, by a two-class mixture over the circumstance fields alone (matches are too rare
//! among random pairs to matter); the same mixture gives u for those fields without the
//! neighbours in it. On 200,000 records the crowd of one flood is a hundred times larger than
//! on 2,000, and ν/λ grows with it: agreement on the event counts for less.

use serde::{Deserialize, Serialize};

use crate::linker::Gamma;

const MIN_P: f64 = 1e-9;

/// Parameters of the neighbour class.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NeighbourParams {
    /// Per field: whether neighbours share it (a circumstance field).
    pub shared: Vec<bool>,
    /// Share of all pairs that are neighbours (ν).
    pub share: f64,
}

impl NeighbourParams {
    /// A class sharing the given fields, with a share not yet estimated.
    pub fn new(shared: Vec<bool>) -> Self {
        NeighbourParams { shared, share: 0.0 }
    }

    /// Estimate ν and the circumstance fields' u from the agreement patterns of random pairs
    /// (`patterns`: vector restricted to the shared fields → count). `m` and `u` are the
    /// model's tables (field → level → probability); `u` of the shared fields is replaced by
    /// the unrelated class's own. With too few informative pairs nothing changes.
    pub fn estimate(
        &mut self,
        patterns: &[(Gamma, u64)],
        m: &[Vec<f64>],
        u: &mut [Vec<f64>],
        max_iter: usize,
    ) {
        let shared: Vec<usize> = (0..self.shared.len()).filter(|&f| self.shared[f]).collect();
        let n: f64 = patterns.iter().map(|p| p.1 as f64).sum();
        if shared.is_empty() || n < 1000.0 {
            return;
        }
        let mut uc: Vec<Vec<f64>> = u.to_vec();
        let mut nu = 0.01_f64;
        for _ in 0..max_iter {
            let mut su: Vec<Vec<f64>> = uc.iter().map(|v| vec![0.0; v.len()]).collect();
            let mut neighbours = 0.0;
            let prior = (nu / (1.0 - nu)).ln();
            for &(g, c) in patterns {
                let mut s = prior;
                for &f in &shared {
                    let l = g.level(f);
                    if l > 0 {
                        s += m[f][l].max(MIN_P).ln() - uc[f][l].max(MIN_P).ln();
                    }
                }
                let post = 1.0 / (1.0 + (-s).exp());
                let c = c as f64;
                neighbours += post * c;
                for &f in &shared {
                    su[f][g.level(f)] += (1.0 - post) * c;
                }
            }
            let mut delta = 0.0_f64;
            for &f in &shared {
                let total: f64 = su[f].iter().skip(1).sum();
                if total <= 0.0 {
                    continue;
                }
                let k = (uc[f].len() - 1) as f64;
                for l in 1..uc[f].len() {
                    let v = (su[f][l] + 0.5) / (total + 0.5 * k);
                    delta = delta.max((v - uc[f][l]).abs());
                    uc[f][l] = v;
                }
            }
            let new_nu = (neighbours / n).clamp(1e-9, 0.5);
            delta = delta.max((new_nu - nu).abs() / nu.max(1e-9) * 1e-3);
            nu = new_nu;
            if delta < 1e-7 {
                break;
            }
        }
        for &f in &shared {
            u[f].clone_from(&uc[f]);
        }
        self.share = nu;
    }

    /// The vector restricted to the shared fields (others at level 0).
    pub fn restrict(&self, g: Gamma) -> Gamma {
        let mut out = 0u64;
        for (f, &s) in self.shared.iter().enumerate() {
            if s {
                out |= (g.level(f) as u64) << (4 * f);
            }
        }
        Gamma(out)
    }

    /// log2(λ/ν): prior odds of a match against a neighbour.
    pub fn prior(&self, lambda: f64) -> f64 {
        (lambda.max(1e-15) / self.share.max(1e-15)).log2()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rustc_hash::FxHashMap;

    /// Random pairs where 5% share an event (both fields agree as for matches): the mixture
    /// finds that share and a u without them.
    #[test]
    fn the_share_of_neighbours_is_found_among_random_pairs() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        // two shared fields with levels blank, agree, differ
        let m = vec![vec![1.0, 0.9, 0.1], vec![1.0, 0.8, 0.2]];
        let true_u = [0.05, 0.1];
        let mut counts: FxHashMap<Gamma, u64> = FxHashMap::default();
        for i in 0..200_000 {
            let neighbour = i % 20 == 0;
            let levels: Vec<u8> = (0..2)
                .map(|f| {
                    let p = if neighbour { m[f][1] } else { true_u[f] };
                    if rng.gen::<f64>() < p {
                        1
                    } else {
                        2
                    }
                })
                .collect();
            *counts.entry(Gamma::from_levels(&levels)).or_default() += 1;
        }
        let patterns: Vec<(Gamma, u64)> = counts.into_iter().collect();
        let mut params = NeighbourParams::new(vec![true, true]);
        let mut u = vec![vec![1.0, 0.3, 0.7], vec![1.0, 0.3, 0.7]];
        params.estimate(&patterns, &m, &mut u, 200);
        assert!((params.share - 0.05).abs() < 0.01, "{params:?}");
        assert!((u[0][1] - 0.05).abs() < 0.01, "{u:?}");
        assert!((u[1][1] - 0.1).abs() < 0.01, "{u:?}");
    }
}
