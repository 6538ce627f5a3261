//! Query latency of the live index with the `tracing` profile: one new tracing request against
//! a registry of 1,000,000 children, on one core, as the server does when a request is filed.
//!
//! The registry and the requests come from the field-tracing generator's `index` set
//! (`python3 bench/field-tracing/generate.py --size index --out DIR`: 1,000,000 children with
//! their siblings, twins, cousins and namesakes, and 20,000 requests), read from `FIELD_INDEX_DIR`
//! (default `~/.cache/homeward-bench-data/field-index`). The model is trained on the set by the
//! batch pipeline, as a deployment would on its first import. Each timed query includes the
//! preparation of the request (normalisation, transliteration, keys). Prints p50/p90/p99/max
//! latency and the share of requests with a registered child whose child ranks first.
//!
//! Run: `cargo bench -p homeward-linkage --bench tracing_index_query` (release, one thread).
//! Under `cargo test --all-targets` it runs as a smoke test on the checked-in small set.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use homeward_linkage::cli::read_csv;
use homeward_linkage::link::{self, Task};
use homeward_linkage::{LinkConfig, LinkIndex, Linker, Record};

fn data_dir(full: bool) -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !full {
        return repo.join("bench/field-tracing/small");
    }
    std::env::var_os("FIELD_INDEX_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/homeward-bench-data/field-index")
        })
}

/// The raw rows of a CSV file as records (id in the `id` column).
fn raw_records(path: &Path) -> Result<Vec<Record>, String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let mut out = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| e.to_string())?;
        let mut rec = Record::new(row.get(0).unwrap_or_default().to_owned());
        for (h, v) in headers.iter().zip(row.iter()).skip(1) {
            rec = rec.with(h, v.to_owned());
        }
        out.push(rec);
    }
    Ok(out)
}

fn truth(path: &Path) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    if let Ok(mut rdr) = csv::Reader::from_path(path) {
        for row in rdr.records().flatten() {
            if let (Some(a), Some(b)) = (row.get(0), row.get(1)) {
                out.entry(a.to_owned()).or_default().insert(b.to_owned());
            }
        }
    }
    out
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it.
    let full = std::env::args().any(|a| a == "--bench");
    let dir = data_dir(full);
    if !dir.join("children.csv").exists() {
        eprintln!(
            "no registry in {} (generate it with `python3 bench/field-tracing/generate.py \
             --size index --out {}`, or set FIELD_INDEX_DIR); skipping the tracing index benchmark",
            dir.display(),
            dir.display()
        );
        return;
    }
    let linker = match LinkConfig::profile("tracing").and_then(Linker::new) {
        Ok(l) => l,
        Err(e) => return eprintln!("{e}"),
    };
    let t = Instant::now();
    let (children, requests) = match (
        read_csv(&dir.join("children.csv"), &linker),
        read_csv(&dir.join("requests.csv"), &linker),
    ) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(e), _) | (_, Err(e)) => return eprintln!("{e}"),
    };
    let (model, _) = link::train(
        &linker,
        Task::Link {
            left: &requests,
            right: &children,
        },
    );
    let trained = t.elapsed().as_secs_f64();
    let index = match LinkIndex::new(linker, model) {
        Ok(i) => i,
        Err(e) => return eprintln!("{e}"),
    };
    if let Err(e) = index.insert_many(children) {
        return eprintln!("{e}");
    }
    eprintln!(
        "read and trained in {trained:.1} s; index of {} children built in {:.1} s",
        index.len(),
        t.elapsed().as_secs_f64() - trained
    );

    let queries = match raw_records(&dir.join("requests.csv")) {
        Ok(q) => q,
        Err(e) => return eprintln!("{e}"),
    };
    let truth = truth(&dir.join("truth_links.csv"));
    let mut lat = Vec::with_capacity(queries.len());
    let (mut sought, mut first) = (0usize, 0usize);
    for rec in &queries {
        let t = Instant::now();
        let hits = index.query(rec, 10).unwrap_or_default();
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        if let Some(children) = truth.get(&rec.id) {
            sought += 1;
            if hits.first().is_some_and(|h| children.contains(&h.id)) {
                first += 1;
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "tracing_index_query: n={} queries={} p50={:.3} ms p90={:.3} ms p99={:.3} ms max={:.3} ms; \
         the sought child ranked first for {:.1}% of {} requests with a registered child",
        index.len(),
        lat.len(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        lat[lat.len() - 1],
        100.0 * first as f64 / sought.max(1) as f64,
        sought
    );
}
