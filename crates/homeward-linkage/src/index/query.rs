//! Queries against the live index: the best candidates for one record, as batch linking
//! would choose them, and the competition between them (a request's candidates for its one
//! child, or a record's and each candidate's other candidates in deduplication).

use std::sync::PoisonError;

use super::{Inner, LinkIndex, Match};
use crate::blocking::reached_lists;
use crate::error::LinkError;
use crate::linker::{PreparedRecord, Record};
use crate::model::{self, Contribution};

impl LinkIndex {
    /// The best `k` candidates for a record (highest weight first). The record itself (same id)
    /// is never returned, so records already in the index can be checked for duplicates. The
    /// query takes the LEFT role of the configuration (with `tracing`: a tracing request
    /// queried against an index of child records).
    pub fn query(&self, rec: &Record, k: usize) -> Result<Vec<Match>, LinkError> {
        let p = self.prepare(rec)?;
        Ok(self.query_prepared(&p, k))
    }

    /// `query` for an already prepared record (prepared with this index's configuration;
    /// a record of another shape finds nothing).
    pub fn query_prepared(&self, rec: &PreparedRecord, k: usize) -> Vec<Match> {
        if k == 0 || self.check_shape(rec).is_err() {
            return Vec::new();
        }
        let g = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let wanted = k;
        let config = &self.linker.config;
        let compete = config.one_match_per_left;
        let records_compete = config.one_child_per_record;
        let k = if compete || records_compete {
            k.max(crate::compete::MAX_CANDIDATES)
        } else {
            k
        };
        let mut best = self.best_candidates(&g, rec, k);
        if compete {
            // The candidates compete for the one child the query seeks (see `compete`).
            let mut cands: Vec<(usize, f64)> =
                best.iter().enumerate().map(|(i, b)| (i, b.0)).collect();
            crate::compete::compete(&mut cands, |x, y| {
                let slot = |i: usize| g.slots.get(best[i].1 as usize).and_then(Option::as_ref);
                match (slot(x), slot(y)) {
                    (Some(a), Some(b)) => g.scorer.weight(self.linker.gamma(a, b), a, &g.tf) >= 0.0,
                    _ => false,
                }
            });
            best = cands
                .into_iter()
                .map(|(i, w)| (w, best[i].1, best[i].2))
                .collect();
        } else if records_compete {
            self.compete_records(&g, rec, &mut best);
        }
        best.truncate(wanted);
        best.into_iter()
            .filter_map(|(w, slot, gamma)| {
                let other = g.slots.get(slot as usize)?.as_ref()?;
                let mut explanation = g.scorer.explain(&g.model, gamma, rec, &g.tf);
                let alone = g.scorer.weight(gamma, rec, &g.tf);
                if (compete || records_compete) && (alone - w).abs() > 1e-9 {
                    explanation.push(Contribution {
                        field: crate::compete::COMPETITION_ROW.to_owned(),
                        level: if compete {
                            "other candidates for this request"
                        } else {
                            "other candidates of either record"
                        }
                        .to_owned(),
                        weight: w - alone,
                    });
                }
                Some(Match {
                    id: other.id.to_string(),
                    weight: w,
                    probability: model::probability(w),
                    explanation,
                })
            })
            .collect()
    }

    /// The best `k` indexed records for `rec` as (weight alone, slot, comparison), best
    /// first; never `rec` itself (same id).
    fn best_candidates(
        &self,
        g: &Inner,
        rec: &PreparedRecord,
        k: usize,
    ) -> Vec<(f64, u32, crate::Gamma)> {
        let config = &self.linker.config;
        let max_block = config.max_block_size.unwrap_or(usize::MAX);
        let max_near = config.max_near_records.unwrap_or(max_block);
        // Candidates as in batch linking (`candidates::CandidateSource`); when there are more
        // than `max_candidates`, those with the best quick score.
        let mut cand: Vec<u32> = Vec::new();
        for r in 0..rec.keys.len() {
            for list in reached_lists(&g.blocks[r], rec.query_keys(r), max_block, max_near) {
                cand.extend_from_slice(list);
            }
        }
        cand.sort_unstable();
        cand.dedup();
        if let Some(max) = self.linker.config.max_candidates {
            if cand.len() > max {
                let q = g.quick.rows_of(&self.linker, std::slice::from_ref(rec));
                let mut scored: Vec<(f32, u32)> = cand
                    .iter()
                    .map(|&slot| (g.quick.score(&q, slot as usize), slot))
                    .collect();
                scored.select_nth_unstable_by(max, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.truncate(max);
                cand = scored.into_iter().map(|(_, slot)| slot).collect();
                cand.sort_unstable();
            }
        }
        let mut best: Vec<(f64, u32, crate::Gamma)> = Vec::with_capacity(k + 1);
        for slot in cand {
            let Some(other) = g.slots.get(slot as usize).and_then(Option::as_ref) else {
                continue;
            };
            if other.id == rec.id {
                continue;
            }
            let gamma = self.linker.gamma(rec, other);
            let w = g.scorer.weight(gamma, rec, &g.tf);
            if best.len() < k || w > best[best.len() - 1].0 {
                let pos = best.partition_point(|b| b.0 > w || (b.0 == w && b.1 < slot));
                best.insert(pos, (w, slot, gamma));
                best.truncate(k);
            }
        }
        best
    }

    /// Deduplication's competition (see [`crate::compete`]) for a record checked against the
    /// index: each candidate's weight loses what the record's other candidates and the
    /// candidate's own other candidates take, as [`crate::compete::compete_duplicate_pairs`]
    /// does in a batch.
    fn compete_records(
        &self,
        g: &Inner,
        rec: &PreparedRecord,
        best: &mut [(f64, u32, crate::Gamma)],
    ) {
        use crate::compete::{rival_odds, rivalry, MAX_CANDIDATES, MIN_WEIGHT, SAME_CHILD_WEIGHT};
        let record = |slot: u32| g.slots.get(slot as usize).and_then(Option::as_ref);
        let same_child = |a: &PreparedRecord, b: &PreparedRecord| {
            g.scorer.weight(self.linker.gamma(a, b), a, &g.tf) >= SAME_CHILD_WEIGHT
        };
        let mine: Vec<(u32, f64)> = best.iter().map(|b| (b.1, b.0)).collect();
        for b in best.iter_mut().filter(|b| b.0 >= MIN_WEIGHT) {
            let Some(other) = record(b.1) else { continue };
            let at_record = rival_odds(
                &mine,
                b.1,
                |x, y| matches!((record(x), record(y)), (Some(x), Some(y)) if same_child(x, y)),
            );
            // The candidate's own candidates, the queried record aside (it is not indexed, or
            // has the queried record's id and is skipped).
            let theirs: Vec<(u32, f64)> = self
                .best_candidates(g, other, MAX_CANDIDATES)
                .into_iter()
                .filter(|c| record(c.1).is_some_and(|r| r.id != rec.id))
                .map(|c| (c.1, c.0))
                .collect();
            let at_candidate = rival_odds(&theirs, u32::MAX, |x, _| {
                record(x).is_some_and(|x| same_child(x, rec))
            });
            b.0 -= rivalry(at_record + at_candidate);
        }
        best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    }
}
