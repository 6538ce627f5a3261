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
    let linker = Linker::new(LinkConfig::profile(profile).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
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
    let started = std::time::Instant::now();
    let cands = link::candidates(&linker, t);
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
