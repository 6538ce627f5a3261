//! Query latency of the incremental index: one new record against a large index, on one core.
//!
//! Builds an index of `INDEX_N` (default 1,000,000) FEBRL-like people (field values drawn from
//! the FEBRL originals in `FEBRL_DIR`, default `../shared/data/febrl` from the repository root,
//! with random dates of birth and ids), with the model trained on FEBRL4 by the batch pipeline,
//! then times `QUERIES` (default 20,000) single-record queries, each including the preparation
//! of the query record: half are corrupted copies of indexed people, half are new people.
//! Prints p50/p90/p99/max latency and the share of copies whose true record ranks first.
//!
//! Run: `cargo bench -p homeward-linkage --bench index_query` (release build, one thread).
//! Under `cargo test --all-targets` it runs as a smoke test on 2,000 records.

use std::path::{Path, PathBuf};
use std::time::Instant;

use homeward_linkage::cli::read_csv;
use homeward_linkage::link::{self, Task};
use homeward_linkage::{LinkConfig, LinkIndex, Linker, Record};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const FIELDS: [&str; 10] = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn febrl_dir() -> PathBuf {
    std::env::var_os("FEBRL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/febrl")
        })
}

/// Values per field, and (suburb, postcode, state) triples, of the FEBRL originals.
struct Pools {
    fields: Vec<Vec<String>>,
    geo: Vec<[String; 3]>,
}

/// Pools of values per field from the FEBRL originals (suburb/postcode/state kept together).
fn pools(dir: &Path) -> Option<Pools> {
    let mut pools: Vec<Vec<String>> = vec![Vec::new(); FIELDS.len()];
    let mut geo = Vec::new();
    for name in ["febrl1", "febrl2", "febrl3", "febrl4a"] {
        let mut rdr = csv::Reader::from_path(dir.join(format!("{name}.csv"))).ok()?;
        let headers = rdr.headers().ok()?.clone();
        let idx: Vec<usize> = FIELDS
            .iter()
            .filter_map(|f| headers.iter().position(|h| h == *f))
            .collect();
        let id = headers.iter().position(|h| h == "rec_id")?;
        for row in rdr.records().flatten() {
            if !row.get(id).unwrap_or("").ends_with("-org") {
                continue;
            }
            for (k, &i) in idx.iter().enumerate() {
                pools[k].push(row.get(i).unwrap_or("").to_owned());
            }
            geo.push([5, 6, 7].map(|k| row.get(idx[k]).unwrap_or("").to_owned()));
        }
    }
    Some(Pools { fields: pools, geo })
}

fn person(rng: &mut StdRng, id: String, pools: &[Vec<String>], geo: &[[String; 3]]) -> Record {
    let mut r = Record::new(id);
    for (k, f) in FIELDS.iter().enumerate().take(5) {
        let p = &pools[k];
        r = r.with(*f, p[rng.gen_range(0..p.len())].clone());
    }
    let g = &geo[rng.gen_range(0..geo.len())];
    r = r
        .with("suburb", g[0].clone())
        .with("postcode", g[1].clone())
        .with("state", g[2].clone());
    let (y, m, d) = (
        rng.gen_range(1910..2010),
        rng.gen_range(1..13),
        rng.gen_range(1..29),
    );
    r.with("date_of_birth", format!("{y:04}{m:02}{d:02}")).with(
        "soc_sec_id",
        rng.gen_range(1_000_000..10_000_000).to_string(),
    )
}

/// One character edit in two random fields.
fn corrupt(rng: &mut StdRng, r: &Record, id: String) -> Record {
    let mut out = r.clone();
    out.id = id;
    for _ in 0..2 {
        let f = FIELDS[rng.gen_range(0..FIELDS.len())];
        if let Some(v) = out.values.get_mut(f) {
            let mut chars: Vec<char> = v.chars().collect();
            if !chars.is_empty() {
                let i = rng.gen_range(0..chars.len());
                chars[i] = if chars[i].is_ascii_digit() { '7' } else { 'x' };
                *v = chars.into_iter().collect();
            }
        }
    }
    out
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it,
    // and then a small smoke run is enough (and keeps debug-build test runs short).
    let full = std::env::args().any(|a| a == "--bench");
    let n = env_usize("INDEX_N", if full { 1_000_000 } else { 2_000 });
    let queries = env_usize("QUERIES", if full { 20_000 } else { 200 });
    let dir = febrl_dir();
    let Some(Pools { fields: pools, geo }) = pools(&dir) else {
        eprintln!(
            "FEBRL files not found in {} (set FEBRL_DIR); skipping the index benchmark",
            dir.display()
        );
        return;
    };
    let text = include_str!("../../../bench/linkage/febrl4.toml");
    let mut cfg = match LinkConfig::from_toml(text, "bench/linkage/febrl4.toml") {
        Ok(c) => c,
        Err(e) => return eprintln!("{e}"),
    };
    // A live index skips keys shared by very many records: they cost time and say little.
    cfg.max_block_size = Some(2_000);
    let linker = match Linker::new(cfg) {
        Ok(l) => l,
        Err(e) => return eprintln!("{e}"),
    };
    // Train on FEBRL4 with the batch pipeline, as a deployment would on its first batch.
    let (a, b) = match (
        read_csv(&dir.join("febrl4a.csv"), &linker),
        read_csv(&dir.join("febrl4b.csv"), &linker),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return eprintln!("cannot read FEBRL4 from {}", dir.display()),
    };
    let (model, _) = link::train(
        &linker,
        Task::Link {
            left: &a,
            right: &b,
        },
    );

    let mut rng = StdRng::seed_from_u64(2024);
    let t = Instant::now();
    let people: Vec<Record> = (0..n)
        .map(|i| person(&mut rng, format!("p{i}"), &pools, &geo))
        .collect();
    let index = match LinkIndex::new(linker, model) {
        Ok(i) => i,
        Err(e) => return eprintln!("{e}"),
    };
    let prepared: Vec<_> = people
        .iter()
        .filter_map(|p| index.prepare(p).ok())
        .collect();
    if let Err(e) = index.insert_many(prepared) {
        return eprintln!("{e}");
    }
    eprintln!(
        "built an index of {} records in {:.1} s",
        index.len(),
        t.elapsed().as_secs_f64()
    );

    let qs: Vec<(Record, Option<String>)> = (0..queries)
        .map(|q| {
            if q % 2 == 0 {
                let src = &people[rng.gen_range(0..people.len())];
                (
                    corrupt(&mut rng, src, format!("q{q}")),
                    Some(src.id.clone()),
                )
            } else {
                (person(&mut rng, format!("q{q}"), &pools, &geo), None)
            }
        })
        .collect();
    let mut lat = Vec::with_capacity(queries);
    let mut found = 0usize;
    let mut copies = 0usize;
    for (rec, truth) in &qs {
        let t = Instant::now();
        let hits = index.query(rec, 10).unwrap_or_default();
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        if let Some(id) = truth {
            copies += 1;
            if hits.first().is_some_and(|h| &h.id == id) {
                found += 1;
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "index_query: n={} queries={} p50={:.3} ms p90={:.3} ms p99={:.3} ms max={:.3} ms; true record ranked first for {:.2}% of corrupted copies",
        index.len(),
        lat.len(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        lat[lat.len() - 1],
        100.0 * found as f64 / copies.max(1) as f64
    );
}
