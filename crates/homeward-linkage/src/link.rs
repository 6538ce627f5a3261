//! The batch pipeline over prepared records: blocking, automatic training (u from seeded random
//! pairs, m and λ by EM over the candidates) and parallel scoring. Deterministic: the same
//! records, configuration and seed give the same model and the same pairs in the same order.

use rand::SeedableRng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::blocking;
use crate::compete;
use crate::linker::{Gamma, Linker, PreparedRecord};
use crate::model::{self, EmReport, Model, TfTable};

/// What to link.
#[derive(Clone, Copy, Debug)]
pub enum Task<'a> {
    /// Pairs across two files.
    Link {
        left: &'a [PreparedRecord],
        right: &'a [PreparedRecord],
    },
    /// Pairs within one file.
    Dedupe(&'a [PreparedRecord]),
}

impl<'a> Task<'a> {
    fn sides(&self) -> (&'a [PreparedRecord], &'a [PreparedRecord]) {
        match *self {
            Task::Link { left, right } => (left, right),
            Task::Dedupe(r) => (r, r),
        }
    }

    /// Number of possible pairs.
    pub fn total_pairs(&self) -> f64 {
        match *self {
            Task::Link { left, right } => left.len() as f64 * right.len() as f64,
            Task::Dedupe(r) => r.len() as f64 * (r.len().saturating_sub(1)) as f64 / 2.0,
        }
    }
}

/// A scored candidate pair (indices into the task's records).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredPair {
    pub left: u32,
    pub right: u32,
    pub gamma: Gamma,
    pub weight: f64,
    pub probability: f64,
}

/// Figures about one run.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub candidate_pairs: u64,
    /// Candidate pairs whose agreement patterns trained m and λ (all of them, or a sample's).
    pub training_pairs: u64,
    /// (rule, pairs it contributed first).
    pub pairs_per_rule: Vec<(String, u64)>,
    pub random_pairs_for_u: u64,
    pub em: EmReport,
    pub lambda: f64,
}

/// Stages reported to a progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Blocking,
    Training,
    Scoring,
}

/// Term-frequency tables of a task's records (both sides when linking).
pub fn tf_tables(linker: &Linker, model: &Model, task: Task<'_>) -> Vec<TfTable> {
    match task {
        Task::Link { left, right } => TfTable::build(model, &[left, right], linker.tf_group),
        Task::Dedupe(r) => TfTable::build(model, &[r], linker.tf_group),
    }
}

/// Where a task's candidates come from (see [`blocking::CandidateSource`]).
pub fn candidate_source<'a>(linker: &Linker, task: Task<'a>) -> blocking::CandidateSource<'a> {
    let (max, n_rules) = (linker.config.max_block_size, linker.rules.len());
    let locality = linker.tf_group;
    match task {
        Task::Link { left, right } => {
            blocking::CandidateSource::link(left, right, n_rules, max, locality)
        }
        Task::Dedupe(r) => blocking::CandidateSource::dedupe(r, n_rules, max, locality),
    }
    .with_max_near(linker.config.max_near_records)
    .with_max_candidates(linker, linker.config.max_candidates)
}

/// Every candidate pair of a task, with pairs per rule (small runs, tests and the bench's
/// blocking recall; the pipeline itself streams them).
pub fn candidates(linker: &Linker, task: Task<'_>) -> blocking::Candidates {
    candidate_source(linker, task).collect()
}

/// Learn u from random pairs (seeded). As Splink does, records are sampled at random and all
/// pairs among the sample are compared: the sample is unbiased for u, and a few hundred
/// records stay in cache while their ~`u_pairs` pairs are compared, which makes this step
/// several times faster than pairs drawn one by one across the whole file.
pub fn train_u(linker: &Linker, task: Task<'_>, model: &mut Model) -> u64 {
    let (left, right) = task.sides();
    let cfg = &linker.config.training;
    let target = cfg.u_pairs as f64;
    let mut rng = rand::rngs::StdRng::seed_from_u64(cfg.seed);
    let (ls, rs): (Vec<usize>, Vec<usize>) = match task {
        Task::Link { .. } => {
            let k = target.sqrt().ceil() as usize;
            let pick = |rng: &mut rand::rngs::StdRng, n: usize| {
                let mut v = rand::seq::index::sample(rng, n, k.min(n)).into_vec();
                v.sort_unstable();
                v
            };
            let l = pick(&mut rng, left.len());
            let r = pick(&mut rng, right.len());
            (l, r)
        }
        Task::Dedupe(recs) => {
            // k(k-1)/2 ≈ target
            let k = ((1.0 + (1.0 + 8.0 * target).sqrt()) / 2.0).ceil() as usize;
            let mut v =
                rand::seq::index::sample(&mut rng, recs.len(), k.min(recs.len())).into_vec();
            v.sort_unstable();
            (v.clone(), v)
        }
    };
    let dedupe = matches!(task, Task::Dedupe(_));
    let shape: Vec<usize> = linker.comparators.iter().map(|c| c.n_levels()).collect();
    let zero = || {
        shape
            .iter()
            .map(|&k| vec![0u64; k])
            .collect::<Vec<Vec<u64>>>()
    };
    let neighbours = model.neighbours.clone();
    let (counts, n, restricted) = ls
        .par_iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut c = zero();
            let mut n = 0u64;
            let mut restricted: FxHashMap<Gamma, u64> = FxHashMap::default();
            // Dedupe: each unordered pair once (partners after this one in the sample).
            let partners = if dedupe { &rs[i + 1..] } else { &rs[..] };
            for &b in partners {
                let g = linker.gamma(&left[a], &right[b]);
                for (f, cf) in c.iter_mut().enumerate() {
                    cf[g.level(f)] += 1;
                }
                if let Some(nb) = &neighbours {
                    *restricted.entry(nb.restrict(g)).or_insert(0) += 1;
                }
                n += 1;
            }
            (c, n, restricted)
        })
        .reduce(
            || (zero(), 0, FxHashMap::default()),
            |(mut x, nx, mut rx), (y, ny, ry)| {
                for (xf, yf) in x.iter_mut().zip(y) {
                    for (a, b) in xf.iter_mut().zip(yf) {
                        *a += b;
                    }
                }
                for (g, c) in ry {
                    *rx.entry(g).or_insert(0) += c;
                }
                (x, nx + ny, rx)
            },
        );
    model.set_u_from_counts(&counts);
    if let Some(mut nb) = neighbours {
        let mut patterns: Vec<(Gamma, u64)> = restricted.into_iter().collect();
        patterns.sort_unstable();
        let m = model.m_table();
        let mut u = model.u_table();
        nb.estimate(&patterns, &m, &mut u, cfg.em_iterations * 5);
        model.set_u_table(&u);
        model.neighbours = Some(nb);
    }
    n
}

/// Learn the relative class (sibling-aware models) from the household pairs of each list.
fn learn_kin(linker: &Linker, task: Task<'_>, model: &mut Model) {
    let m = model.m_table();
    let iterations = linker.config.training.em_iterations;
    if let Some(kin) = model.kin.as_mut() {
        match task {
            Task::Link { left, right } => kin.learn(linker, &m, &[left, right], iterations),
            Task::Dedupe(r) => kin.learn(linker, &m, &[r], iterations),
        }
    }
}

/// A trained model and where its candidates come from.
struct Fitted<'a> {
    model: Model,
    source: blocking::CandidateSource<'a>,
    report: RunReport,
}

/// The querying records whose candidates train EM: all of them, or, when their candidates
/// would exceed `training.em_pairs`, a seeded random sample of about that many candidates.
/// Returns the sample (ascending) and the share of all querying records it holds.
fn training_sample(linker: &Linker, source: &blocking::CandidateSource<'_>) -> (Vec<usize>, f64) {
    let n = source.len();
    let bound: usize = (0..n).into_par_iter().map(|i| source.bound(i)).sum();
    let budget = linker.config.training.em_pairs.max(1);
    if bound <= budget || n == 0 {
        return ((0..n).collect(), 1.0);
    }
    let k = ((n as f64 * budget as f64 / bound as f64).ceil() as usize).clamp(1, n);
    let mut rng = rand::rngs::StdRng::seed_from_u64(linker.config.training.seed ^ 0x5eed);
    let mut v = rand::seq::index::sample(&mut rng, n, k).into_vec();
    // In the source's layout order, so that consecutive records share what is in cache.
    let mut rank = vec![0u32; n];
    for (pos, &i) in source.left_order().iter().enumerate() {
        rank[i as usize] = pos as u32;
    }
    v.sort_unstable_by_key(|&i| rank[i]);
    (v, k as f64 / n as f64)
}

/// Agreement patterns of the sampled records' candidates, with their counts, the number of
/// pairs and pairs per rule. Only the counts are kept, never the pairs.
fn count_patterns(
    linker: &Linker,
    task: Task<'_>,
    source: &blocking::CandidateSource<'_>,
    sample: &[usize],
) -> (Vec<(Gamma, u64)>, u64, Vec<u64>) {
    let (left, right) = task.sides();
    let n_rules = linker.rules.len();
    let (counts, per_rule) = sample
        .par_iter()
        .fold(
            || {
                (
                    FxHashMap::<Gamma, u64>::default(),
                    vec![0u64; n_rules],
                    Vec::new(),
                    blocking::Gather::default(),
                )
            },
            |(mut counts, mut per_rule, mut buf, mut gather), &i| {
                buf.clear();
                source.partners(i, &mut gather, &mut buf, &mut per_rule);
                for &j in &buf {
                    let g = linker.gamma(&left[i], &right[j as usize]);
                    *counts.entry(g).or_insert(0) += 1;
                }
                (counts, per_rule, buf, gather)
            },
        )
        .map(|(c, p, _, _)| (c, p))
        .reduce(
            || (FxHashMap::default(), vec![0u64; n_rules]),
            |(mut a, mut pa), (b, pb)| {
                for (g, c) in b {
                    *a.entry(g).or_insert(0) += c;
                }
                for (x, y) in pa.iter_mut().zip(pb) {
                    *x += y;
                }
                (a, pa)
            },
        );
    let mut patterns: Vec<(Gamma, u64)> = counts.into_iter().collect();
    patterns.sort_unstable();
    let n_pairs = per_rule.iter().sum();
    (patterns, n_pairs, per_rule)
}

fn fit<'a>(linker: &Linker, task: Task<'a>, progress: &(dyn Fn(Stage) + Sync)) -> Fitted<'a> {
    let (left, right) = task.sides();
    progress(Stage::Blocking);
    let mut source = candidate_source(linker, task);

    progress(Stage::Training);
    let mut model = Model::start(linker);
    let u_pairs = train_u(linker, task, &mut model);
    learn_kin(linker, task, &mut model);
    source.set_quick_weights(linker, &model);
    let (sample, share) = training_sample(linker, &source);
    let (patterns, sample_pairs, sample_per_rule) = count_patterns(linker, task, &source, &sample);
    // The sample's share of all pairs, so that λ is estimated over the pairs it stands for.
    let sampled_total = task.total_pairs() * share;
    let expected_matches = left.len().min(right.len()) as f64 * 0.8 * share;
    let start_share = if sample_pairs == 0 {
        0.1
    } else {
        expected_matches / sample_pairs as f64
    };
    // A request seeks one child and a child has a few records at most: a match class much
    // larger than the smaller side is households or namesakes, not matches.
    let max_matches = 3.0 * left.len().min(right.len()) as f64 * share;
    let cfg = &linker.config.training;
    let em = model.em(
        &patterns,
        sampled_total,
        model::EmSettings {
            max_iter: cfg.em_iterations,
            fixed_prior: cfg.prior,
            start_share,
            max_matches,
            knowledge_per_match: cfg.knowledge_per_match,
            knowledge_min_pairs: cfg.knowledge_min_pairs,
        },
    );
    if em.accepted {
        // Relatives as they look beside the refined m.
        learn_kin(linker, task, &mut model);
    }
    source.set_quick_weights(linker, &model);
    if !em.accepted && cfg.prior.is_none() {
        // Too few data to estimate λ: assume each record on the smaller side has one match.
        let total = task.total_pairs().max(1.0);
        model.lambda = (left.len().min(right.len()) as f64 / total).clamp(1e-12, 0.5);
    }
    let scale = |x: u64| (x as f64 / share).round() as u64;
    let report = RunReport {
        candidate_pairs: scale(sample_pairs),
        training_pairs: sample_pairs,
        pairs_per_rule: linker
            .rules
            .iter()
            .map(|r| r.label.clone())
            .zip(sample_per_rule.into_iter().map(scale))
            .collect(),
        random_pairs_for_u: u_pairs,
        lambda: model.lambda,
        em,
    };
    Fitted {
        model,
        source,
        report,
    }
}

/// Block, train and score. Returns the trained model, the pairs at or above `threshold`
/// (ordered by left index; within one left by rule then right index, or best first when the
/// candidates of a request compete) and a report.
pub fn run(
    linker: &Linker,
    task: Task<'_>,
    threshold: f64,
    progress: &(dyn Fn(Stage) + Sync),
) -> (Model, Vec<ScoredPair>, RunReport) {
    let Fitted {
        model,
        source,
        mut report,
    } = fit(linker, task, progress);
    progress(Stage::Scoring);
    let (out, per_rule_total) = score_all(linker, task, &model, &source, threshold);
    report.candidate_pairs = per_rule_total.iter().sum();
    for ((_, n), x) in report.pairs_per_rule.iter_mut().zip(per_rule_total) {
        *n = x;
    }
    (model, out, report)
}

/// Score a task with a model already trained (e.g. refined by caseworkers' decisions): the
/// pairs at or above `threshold`, ordered as [`run`] orders them.
pub fn score_with(
    linker: &Linker,
    task: Task<'_>,
    model: &Model,
    threshold: f64,
) -> Vec<ScoredPair> {
    let mut source = candidate_source(linker, task);
    source.set_quick_weights(linker, model);
    score_all(linker, task, model, &source, threshold).0
}

/// Score every querying record's candidates (and let them compete, when configured); returns
/// the pairs and the candidates each rule found first.
fn score_all(
    linker: &Linker,
    task: Task<'_>,
    model: &Model,
    source: &blocking::CandidateSource<'_>,
    threshold: f64,
) -> (Vec<ScoredPair>, Vec<u64>) {
    let tf = tf_tables(linker, model, task);
    let scorer = model.scorer();
    let (left, right) = task.sides();
    let compete = matches!(task, Task::Link { .. }) && linker.config.one_match_per_left;
    let records_compete = matches!(task, Task::Dedupe(_)) && linker.config.one_child_per_record;
    let min_w = model::weight_of(threshold);
    let n_rules = linker.rules.len();
    let order = source.left_order();
    let per_left: Vec<(Vec<ScoredPair>, Vec<u64>)> = order
        .par_iter()
        .map(|&i| i as usize)
        .map_init(
            || (Vec::new(), blocking::Gather::default()),
            |(buf, gather), i| {
                buf.clear();
                let mut per_rule = vec![0u64; n_rules];
                source.partners(i, gather, buf, &mut per_rule);
                let a = &left[i];
                let scored = buf.iter().filter_map(|&j| {
                    let g = linker.gamma(a, &right[j as usize]);
                    let w = scorer.weight(g, a, &tf);
                    let keep = if compete || records_compete {
                        w >= compete::MIN_WEIGHT
                    } else {
                        threshold <= 0.0 || w >= min_w
                    };
                    keep.then(|| ScoredPair {
                        left: i as u32,
                        right: j,
                        gamma: g,
                        weight: w,
                        probability: model::probability(w),
                    })
                });
                let mut pairs: Vec<ScoredPair> = scored.collect();
                if compete {
                    pairs = compete::compete_request(linker, &scorer, right, &tf, pairs, threshold);
                }
                (pairs, per_rule)
            },
        )
        .collect();
    let mut out = Vec::new();
    let mut per_rule_total = vec![0u64; n_rules];
    for (pairs, per_rule) in per_left {
        out.extend(pairs);
        for (t, x) in per_rule_total.iter_mut().zip(per_rule) {
            *t += x;
        }
    }
    if records_compete {
        out = compete::compete_duplicate_pairs(linker, &scorer, right, &tf, out, threshold);
    }
    // Back to the querying records' order (stable: each record's pairs keep theirs).
    out.sort_by_key(|p| p.left);
    (out, per_rule_total)
}

/// The candidates a run scores (after training, so `max_candidates` keeps the best by the
/// trained model's quick score), with pairs per rule: for measuring blocking recall.
pub fn scored_candidates(linker: &Linker, task: Task<'_>) -> blocking::Candidates {
    fit(linker, task, &|_| {}).source.collect()
}

/// Train a model on a batch without scoring it (e.g. to set up a `LinkIndex` over the
/// records already registered: `train(&linker, Task::Dedupe(&children))`). On a run large
/// enough to train on a sample, the report's pair counts are estimated from the sample.
pub fn train(linker: &Linker, task: Task<'_>) -> (Model, RunReport) {
    let fitted = fit(linker, task, &|_| {});
    (fitted.model, fitted.report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;
    use std::path::PathBuf;

    fn entity(id: &str) -> Option<&str> {
        id.strip_prefix("rec-")?.split('-').next()
    }

    /// End to end on the real FEBRL4 files (skipped when the shared data are absent).
    #[test]
    fn febrl4_end_to_end() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let data = root.join("../../../shared/data/febrl");
        let (fa, fb) = (data.join("febrl4a.csv"), data.join("febrl4b.csv"));
        if !fa.exists() || !fb.exists() {
            println!("skipping: FEBRL4 not found at {}", data.display());
            return;
        }
        let cfg = LinkConfig::from_file(&root.join("../../bench/linkage/febrl4.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let a = crate::cli::read_csv(&fa, &linker).unwrap_or_else(|e| panic!("{e}"));
        let b = crate::cli::read_csv(&fb, &linker).unwrap_or_else(|e| panic!("{e}"));
        let task = Task::Link {
            left: &a,
            right: &b,
        };
        let cands = candidates(&linker, task);
        let recall = blocking::recall(&cands.pairs, 5000, |l, r| {
            entity(&a[l as usize].id) == entity(&b[r as usize].id)
        });
        println!(
            "FEBRL4 blocking recall {recall:.4} over {} candidate pairs",
            cands.pairs.len()
        );
        assert!(recall > 0.995, "blocking recall {recall}");
        let (model, pairs, report) = run(&linker, task, 0.5, &|_| {});
        let tp = pairs
            .iter()
            .filter(|p| entity(&a[p.left as usize].id) == entity(&b[p.right as usize].id))
            .count() as f64;
        let precision = tp / pairs.len().max(1) as f64;
        let recall = tp / 5000.0;
        let f1 = 2.0 * precision * recall / (precision + recall);
        println!("FEBRL4: precision {precision:.4} recall {recall:.4} F1 {f1:.4}; {report:?}");
        assert!(report.em.accepted, "{report:?}");
        assert!(f1 >= 0.99, "F1 {f1}");
        // Training is deterministic: training again (without scoring) gives the same model.
        let (again, _) = train(&linker, task);
        assert_eq!(
            serde_json::to_string(&again).ok(),
            serde_json::to_string(&model).ok()
        );
    }

    #[test]
    fn tiny_data_fall_back_to_start_values() {
        let cfg = LinkConfig::profile("duplicates").unwrap_or_else(|e| panic!("{e}"));
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let recs: Vec<PreparedRecord> = [
            ("1", "Rahim", "Uddin"),
            ("2", "রহিম", "উদ্দিন"),
            ("3", "Rina", "Das"),
        ]
        .iter()
        .map(|(id, f, l)| {
            linker
                .prepare(
                    &crate::Record::new(*id)
                        .with("name_first", *f)
                        .with("name_last", *l),
                )
                .unwrap_or_else(|e| panic!("{e:?}"))
        })
        .collect();
        let (_, pairs, report) = run(&linker, Task::Dedupe(&recs), 0.5, &|_| {});
        assert!(!report.em.accepted);
        assert_eq!(
            pairs.iter().map(|p| (p.left, p.right)).collect::<Vec<_>>(),
            vec![(0, 1)]
        );
    }
}
