//! Gathering one querying record's candidates from the blocks of every rule: each indexed
//! record once, with the evidence its shared keys give or its quick score, and only the best
//! `max_candidates` of them when there are more. Records are laid out by district so that a
//! request's candidates sit close together in memory.

use rayon::prelude::*;

use crate::blocking::{build_blocks_in, reached_lists, Blocks, Candidates};
use crate::linker::{Linker, PreparedRecord};
use crate::model::Model;
use crate::quick::{QuickKey, QuickTable};

/// Reusable buffers for gathering one querying record's candidates (one per thread). Each
/// indexed record is marked by generation when first reached, so that nothing needs clearing
/// between records; what is known of a candidate (slot, first rule, score) is written in the
/// order candidates are found, not by slot: on 200,000 records the gathering is bound by
/// memory, and one random access per block entry is all it can afford.
#[derive(Default)]
pub struct Gather {
    /// Evidence by slot, when candidates are ranked by shared keys (no quick table).
    evidence: Vec<f32>,
    stamp: Vec<u32>,
    found: Vec<Found>,
    generation: u32,
}

/// A candidate of the querying record: its slot, the first rule that found it and its score.
#[derive(Clone, Copy, Debug)]
struct Found {
    slot: u32,
    rule: u16,
    score: f32,
}

impl Gather {
    fn start(&mut self, n: usize, by_evidence: bool) {
        if self.stamp.len() < n {
            self.stamp.resize(n, 0);
        }
        if by_evidence && self.evidence.len() < n {
            self.evidence.resize(n, 0.0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        self.found.clear();
    }
}

/// The candidates of each querying record, generated on demand: a large run streams them
/// (count patterns for training, then score and keep the best per request) instead of holding
/// every pair in memory at once.
///
/// Every rule whose key a pair shares adds evidence `log2(n / block size)`: a shared rare key
/// says more than a shared common one, and a pair that several rules bring together more than
/// a pair one rule does. When `max_candidates` is set, only that many candidates with the most
/// evidence are kept per querying record: on 200,000 records a common given name in a district
/// brings hundreds of namesakes, of which only those that also share a parent's name, the
/// village or the family name are worth scoring.
pub struct CandidateSource<'a> {
    left: &'a [PreparedRecord],
    right: &'a [PreparedRecord],
    /// Block lists hold slots: positions in `order`.
    blocks: Vec<Blocks>,
    /// Slot → indexed record. Records are laid out by district (see [`locality_order`]), so
    /// that a request's candidates, mostly from a few districts, sit close together in memory.
    order: Vec<u32>,
    /// The querying records, by district too: consecutive requests reuse what is in cache.
    left_order: Vec<u32>,
    /// Pairs within one file: only partners after the querying record, so each pair once.
    within_one_file: bool,
    /// Records one block may hold (larger blocks are dropped when built).
    max_block: usize,
    /// Records a rule may bring together across one record's near(...) keys.
    max_near: usize,
    max_candidates: Option<usize>,
    /// Quick keys of both sides, to choose the `max_candidates` best by quick score (see
    /// [`crate::quick`]); without them, by evidence.
    quick: Option<(Vec<QuickKey>, QuickTable)>,
}

impl<'a> CandidateSource<'a> {
    /// Candidates for linking `left` (querying role) with `right` (indexed role); `locality`
    /// is the field (a district) records are laid out by.
    pub fn link(
        left: &'a [PreparedRecord],
        right: &'a [PreparedRecord],
        n_rules: usize,
        max_block: Option<usize>,
        locality: Option<usize>,
    ) -> Self {
        Self::new(left, right, false, n_rules, max_block, locality)
    }

    /// Candidates (i < j) within one file, for deduplication.
    pub fn dedupe(
        records: &'a [PreparedRecord],
        n_rules: usize,
        max_block: Option<usize>,
        locality: Option<usize>,
    ) -> Self {
        Self::new(records, records, true, n_rules, max_block, locality)
    }

    fn new(
        left: &'a [PreparedRecord],
        right: &'a [PreparedRecord],
        within_one_file: bool,
        n_rules: usize,
        max_block: Option<usize>,
        locality: Option<usize>,
    ) -> Self {
        let order = locality_order(right, locality);
        CandidateSource {
            left,
            right,
            blocks: build_blocks_in(right, n_rules, max_block, &order),
            left_order: if within_one_file {
                order.clone()
            } else {
                locality_order(left, locality)
            },
            order,
            within_one_file,
            max_block: max_block.unwrap_or(usize::MAX),
            max_near: max_block.unwrap_or(usize::MAX),
            max_candidates: None,
            quick: None,
        }
    }

    /// Search neighbouring districts only while a rule's blocks together hold at most `max`
    /// records (`None`: the block limit).
    pub fn with_max_near(mut self, max: Option<usize>) -> Self {
        if let Some(max) = max {
            self.max_near = max;
        }
        self
    }

    /// Keep at most `max` candidates per querying record, those with the best quick score
    /// once [`set_quick_weights`](Self::set_quick_weights) has run, else the most evidence.
    pub fn with_max_candidates(mut self, linker: &Linker, max: Option<usize>) -> Self {
        self.max_candidates = max;
        if max.is_some() {
            let table = QuickTable::new(linker, self.right, &self.order);
            let left = table.rows_of(linker, self.left);
            self.quick = Some((left, table));
        }
        self
    }

    /// Weigh quick scores with a model's parameters (start values, then trained ones).
    pub fn set_quick_weights(&mut self, linker: &Linker, model: &Model) {
        if let Some((_, table)) = &mut self.quick {
            table.set_weights(linker, model);
        }
    }

    /// Number of querying records.
    pub fn len(&self) -> usize {
        self.left.len()
    }

    /// The querying records in the order that keeps memory access local (by district): run
    /// them in this order where order does not matter.
    pub fn left_order(&self) -> &[u32] {
        &self.left_order
    }

    pub fn is_empty(&self) -> bool {
        self.left.is_empty()
    }

    /// An upper bound on the candidates of querying record `i` (the sizes of its blocks,
    /// before pairs shared by two rules are removed, and at most `max_candidates`); cheap, for
    /// sizing samples.
    pub fn bound(&self, i: usize) -> usize {
        let a = &self.left[i];
        let n: usize = self
            .blocks
            .iter()
            .enumerate()
            .flat_map(|(r, b)| a.query_keys(r).filter_map(move |k| b.get(&k)))
            .map(|list| {
                if self.within_one_file {
                    // about half the block comes after record i
                    list.len().div_ceil(2)
                } else {
                    list.len()
                }
            })
            .sum();
        n.min(self.max_candidates.unwrap_or(usize::MAX))
    }

    /// Append the partners of querying record `i` to `out`, each once, ordered by the first
    /// rule that found them, then by index; `per_rule[r]` counts the partners rule `r` found
    /// first. `gather` is scratch space reused across calls.
    pub fn partners(
        &self,
        i: usize,
        gather: &mut Gather,
        out: &mut Vec<u32>,
        per_rule: &mut [u64],
    ) {
        self.gather_all(i, gather);
        let g = gather;
        self.keep_best(g, out, per_rule);
    }

    /// Every partner of querying record `i` with its evidence (unordered, no cap): for
    /// diagnostics and for choosing `max_candidates`.
    pub fn partners_with_evidence(&self, i: usize, gather: &mut Gather) -> Vec<(u32, f32)> {
        self.gather_all(i, gather);
        gather
            .found
            .iter()
            .map(|c| (self.order[c.slot as usize], c.score))
            .collect()
    }

    /// Collect every partner of querying record `i` into `g` with its quick score when those
    /// are ready (shared keys then add nothing: the score is the ranking), else with the
    /// evidence its shared keys give.
    fn gather_all(&self, i: usize, g: &mut Gather) {
        let a = &self.left[i];
        let quick = match (&self.quick, self.max_candidates) {
            (Some((left, table)), Some(_)) if table.is_ready() => {
                let w = table.width();
                Some((&left[i * w..(i + 1) * w], table))
            }
            _ => None,
        };
        g.start(self.right.len(), quick.is_none());
        let n = (self.right.len() + 1) as f32;
        for r in 0..a.keys.len() {
            let lists = reached_lists(
                &self.blocks[r],
                a.query_keys(r),
                self.max_block,
                self.max_near,
            );
            for list in lists {
                let w = (n / list.len() as f32).log2();
                for &j in list {
                    let ju = j as usize;
                    if self.within_one_file && self.order[ju] as usize <= i {
                        continue;
                    }
                    if g.stamp[ju] != g.generation {
                        g.stamp[ju] = g.generation;
                        g.found.push(Found {
                            slot: j,
                            rule: r as u16,
                            score: 0.0,
                        });
                        if quick.is_none() {
                            g.evidence[ju] = 0.0;
                        }
                    }
                    if quick.is_none() {
                        g.evidence[ju] += w;
                    }
                }
            }
        }
        // Scored apart from the walk over the blocks: each candidate's row is read once, in
        // a loop whose reads do not wait on one another.
        match quick {
            Some((q, table)) => {
                for c in &mut g.found {
                    c.score = table.score(q, c.slot as usize);
                }
            }
            None => {
                for c in &mut g.found {
                    c.score = g.evidence[c.slot as usize];
                }
            }
        }
    }

    fn keep_best(&self, g: &mut Gather, out: &mut Vec<u32>, per_rule: &mut [u64]) {
        if let Some(max) = self.max_candidates {
            if g.found.len() > max {
                g.found.select_nth_unstable_by(max, |x, y| {
                    y.score.total_cmp(&x.score).then(x.slot.cmp(&y.slot))
                });
                g.found.truncate(max);
            }
        }
        let order = &self.order;
        g.found
            .sort_unstable_by_key(|c| (c.rule, order[c.slot as usize]));
        for c in &g.found {
            per_rule[usize::from(c.rule)] += 1;
        }
        out.extend(g.found.iter().map(|c| order[c.slot as usize]));
    }

    /// Every candidate pair, in a deterministic order (by querying index, then rule, then
    /// indexed record), with pairs per rule. For small runs and tests; large runs stream.
    pub fn collect(&self) -> Candidates {
        let n_rules = self.blocks.len();
        let per: Vec<Candidates> = (0..self.left.len())
            .into_par_iter()
            .map_init(Gather::default, |gather, i| {
                let mut out = Vec::new();
                let mut per_rule = vec![0u64; n_rules];
                self.partners(i, gather, &mut out, &mut per_rule);
                let pairs = out.into_iter().map(|j| (i as u32, j)).collect();
                Candidates { pairs, per_rule }
            })
            .collect();
        let mut all = Candidates {
            pairs: Vec::with_capacity(per.iter().map(|p| p.pairs.len()).sum()),
            per_rule: vec![0u64; n_rules],
        };
        for part in per {
            all.pairs.extend(part.pairs);
            for (t, x) in all.per_rule.iter_mut().zip(part.per_rule) {
                *t += x;
            }
        }
        all
    }
}

/// Record indices ordered by the value of field `field` (a district), then by the first
/// field's (the given name's) value: the layout that keeps a request's candidates close
/// together. Identity without a field.
pub fn locality_order(records: &[PreparedRecord], field: Option<usize>) -> Vec<u32> {
    let mut order: Vec<u32> = (0..records.len() as u32).collect();
    if let Some(f) = field {
        let key = |i: u32| {
            let r = &records[i as usize];
            (
                r.fields.get(f).map_or(0, |v| v.hash),
                r.fields.first().map_or(0, |v| v.hash),
            )
        };
        order.par_sort_by_key(|&i| (key(i), i));
    }
    order
}
