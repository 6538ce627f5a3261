//! Diagnose the tracing profile on a field-tracing set (`bench/field-tracing/*/`): blocking
//! recall (share of true pairs that any rule makes a candidate), candidate pairs, and the true
//! pairs that no rule reaches, so that a missing blocking rule can be seen.
//!
//!     cargo run --release -p homeward-linkage --example field_diagnose -- DIR [links|duplicates]

use std::collections::HashSet;
use std::path::PathBuf;

use homeward_linkage::cli::read_csv;
use homeward_linkage::link::{self, Task};
use homeward_linkage::{LinkConfig, Linker};

fn truth(path: &PathBuf, ordered: bool) -> HashSet<(String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|row| {
            let row = row.unwrap_or_else(|e| panic!("{e}"));
            let (a, b) = (row[0].to_owned(), row[1].to_owned());
            if ordered || a <= b {
                (a, b)
            } else {
                (b, a)
            }
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "bench/field-tracing/small".into()),
    );
    let task = args.next().unwrap_or_else(|| "links".into());
    let links = task == "links";
    let profile = if links { "tracing" } else { "duplicates" };
    let mut config = match std::env::var("CONFIG") {
        Ok(path) => LinkConfig::from_file(std::path::Path::new(&path)),
        Err(_) => LinkConfig::profile(profile),
    }
    .unwrap_or_else(|e| panic!("{e}"));
    if let Some(max) = std::env::var("MAX_BLOCK").ok().and_then(|v| v.parse().ok()) {
        config.max_block_size = Some(max);
    }
    let linker = Linker::new(config).unwrap_or_else(|e| panic!("{e}"));
    let children = read_csv(&dir.join("children.csv"), &linker).unwrap_or_else(|e| panic!("{e}"));
    let requests = if links {
        read_csv(&dir.join("requests.csv"), &linker).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Vec::new()
    };
    let t = if links {
        Task::Link {
            left: &requests,
            right: &children,
        }
    } else {
        Task::Dedupe(&children)
    };
    let (left, right) = if links {
        (&requests[..], &children[..])
    } else {
        (&children[..], &children[..])
    };
    if std::env::var_os("RANK").is_some() {
        evidence_rank(&dir, links, &linker, t, left, right);
        return;
    }
    if std::env::var_os("RULES").is_some() {
        rule_coverage(&dir, links, &linker, left, right);
        return;
    }
    let started = std::time::Instant::now();
    let cands = link::scored_candidates(&linker, t);
    let found: HashSet<(String, String)> = cands
        .pairs
        .iter()
        .map(|&(l, r)| {
            let (a, b) = (
                left[l as usize].id.to_string(),
                right[r as usize].id.to_string(),
            );
            if links || a <= b {
                (a, b)
            } else {
                (b, a)
            }
        })
        .collect();
    let file = if links {
        "truth_links.csv"
    } else {
        "truth_duplicates.csv"
    };
    let truth = truth(&dir.join(file), links);
    let hit = truth.iter().filter(|p| found.contains(*p)).count();
    println!(
        "{task}: {} candidate pairs in {:.2?}; blocking recall {hit}/{} = {:.4}",
        cands.pairs.len(),
        started.elapsed(),
        truth.len(),
        hit as f64 / truth.len().max(1) as f64
    );
    for (rule, n) in linker.rules.iter().zip(&cands.per_rule) {
        println!("  {:>9} {}", n, rule.label);
    }
    let mut missed: Vec<&(String, String)> = truth.iter().filter(|p| !found.contains(*p)).collect();
    missed.sort();
    for (a, b) in missed.iter().take(40) {
        println!("missed {a} {b}");
    }
}

/// For every true pair: which rules' keys agree, and how large the block is there. Prints each
/// rule's coverage, and a greedy choice of rules under a block-size cap (`CAP`, default 200).
fn rule_coverage(
    dir: &std::path::Path,
    links: bool,
    linker: &Linker,
    left: &[homeward_linkage::PreparedRecord],
    right: &[homeward_linkage::PreparedRecord],
) {
    use std::collections::HashMap;
    let cap: usize = std::env::var("CAP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let n_rules = linker.rules.len();
    let mut sizes: Vec<HashMap<u64, usize>> = vec![HashMap::new(); n_rules];
    for r in right {
        for (i, &k) in r.rkeys.iter().enumerate() {
            if k != 0 {
                *sizes[i].entry(k).or_default() += 1;
            }
        }
    }
    let lidx: HashMap<&str, usize> = left.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect();
    let ridx: HashMap<&str, usize> = right.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect();
    let file = if links {
        "truth_links.csv"
    } else {
        "truth_duplicates.csv"
    };
    let pairs = truth(&dir.join(file), true);
    // per true pair: bitmask of rules that catch it under the cap
    let mut masks: Vec<u64> = Vec::new();
    let mut any = vec![0usize; n_rules];
    for (a, b) in &pairs {
        let (Some(&i), Some(&j)) = (lidx.get(a.as_str()), ridx.get(b.as_str())) else {
            continue;
        };
        let mut mask = 0u64;
        for r in 0..n_rules {
            let k = right[j].rkeys[r];
            if k == 0 {
                continue;
            }
            if left[i].query_keys(r).any(|q| q == k) {
                any[r] += 1;
                if sizes[r].get(&k).copied().unwrap_or(0) <= cap {
                    mask |= 1 << r;
                }
            }
        }
        masks.push(mask);
    }
    let n = masks.len().max(1) as f64;
    // cost of each rule under the cap: sum over left records of capped block sizes
    let cost: Vec<usize> = (0..n_rules)
        .map(|r| {
            left.iter()
                .flat_map(|rec| rec.query_keys(r).collect::<Vec<_>>())
                .map(|k| sizes[r].get(&k).copied().unwrap_or(0))
                .filter(|&s| s <= cap)
                .sum()
        })
        .collect();
    for r in 0..n_rules {
        let capped = masks.iter().filter(|m| *m & (1 << r) != 0).count();
        println!(
            "{:>6.3} {:>6.3} {:>10} {}",
            any[r] as f64 / n,
            capped as f64 / n,
            cost[r],
            linker.rules[r].label
        );
    }
    let mut chosen = 0u64;
    let mut total_cost = 0usize;
    loop {
        let covered = masks.iter().filter(|m| **m & chosen != 0).count();
        let best = (0..n_rules)
            .filter(|r| chosen & (1 << r) == 0)
            .map(|r| {
                let gain = masks
                    .iter()
                    .filter(|m| **m & chosen == 0 && **m & (1 << r) != 0)
                    .count();
                (gain as f64 / (cost[r] as f64 + 1.0), gain, r)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, gain, r)) if gain > 0 => {
                chosen |= 1 << r;
                total_cost += cost[r];
                println!(
                    "+ {:<70} recall {:.4} (+{gain}) pairs {total_cost}",
                    linker.rules[r].label,
                    (covered + gain) as f64 / n
                );
            }
            _ => break,
        }
    }
}

/// Where the true partner ranks among a querying record's candidates by blocking evidence, or
/// with QUICK=1 by quick score (no cap): the share of true pairs within the top 8, 16, 32, 64,
/// 128, 256.
fn evidence_rank(
    dir: &std::path::Path,
    links: bool,
    linker: &Linker,
    t: Task<'_>,
    left: &[homeward_linkage::PreparedRecord],
    right: &[homeward_linkage::PreparedRecord],
) {
    use std::collections::HashMap;
    let mut config = linker.config.clone();
    // QUICK=1: rank by the quick pre-score of the trained model (what chooses the candidates
    // compared in full), else by blocking evidence.
    let quick = std::env::var_os("QUICK").is_some();
    config.max_candidates = quick.then_some(usize::MAX);
    let uncapped = Linker::new(config).unwrap_or_else(|e| panic!("{e}"));
    let mut source = link::candidate_source(&uncapped, t);
    if quick {
        let (model, _) = link::train(linker, t);
        source.set_quick_weights(&uncapped, &model);
    }
    let ridx: HashMap<&str, u32> = right
        .iter()
        .enumerate()
        .map(|(i, r)| (&*r.id, i as u32))
        .collect();
    let file = if links {
        "truth_links.csv"
    } else {
        "truth_duplicates.csv"
    };
    let mut by_left: HashMap<String, Vec<u32>> = HashMap::new();
    for (a, b) in truth(&dir.join(file), true) {
        if let Some(&j) = ridx.get(b.as_str()) {
            by_left.entry(a).or_default().push(j);
        }
    }
    let cuts = [8usize, 16, 32, 64, 128, 256, usize::MAX];
    let mut within = vec![0usize; cuts.len()];
    let mut total = 0usize;
    let mut gather = homeward_linkage::blocking::Gather::default();
    let mut sizes = 0usize;
    for (i, rec) in left.iter().enumerate() {
        let Some(trues) = by_left.get(&*rec.id) else {
            continue;
        };
        let mut ev = source.partners_with_evidence(i, &mut gather);
        sizes += ev.len();
        ev.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for &j in trues {
            total += 1;
            if let Some(rank) = ev.iter().position(|c| c.0 == j) {
                for (c, n) in cuts.iter().zip(within.iter_mut()) {
                    if rank < *c {
                        *n += 1;
                    }
                }
            }
        }
    }
    println!(
        "{total} true pairs; mean candidates {:.0}",
        sizes as f64 / by_left.len().max(1) as f64
    );
    for (c, n) in cuts.iter().zip(&within) {
        println!(
            "  top {:>8}: {:.4}",
            if *c == usize::MAX {
                "all".to_string()
            } else {
                c.to_string()
            },
            *n as f64 / total.max(1) as f64
        );
    }
}
