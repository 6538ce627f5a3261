//! `homeward link`: link two CSV files (or deduplicate one) and write the matching pairs.
//!
//! ```text
//! homeward link LEFT.csv RIGHT.csv --config LINK.toml --out PAIRS.csv
//! homeward link --dedupe FILE.csv --profile duplicates --out PAIRS.csv
//! ```
//! This module owns the command-line arguments, CSV reading with errors that name file, line
//! and column, the progress display and the output file. Training is automatic (u from seeded
//! random pairs, m and λ by EM over the candidates), so a run needs no labelled data.
//! Set `HOMEWARD_LINK_TIMING=1` to print the time each stage started (for benchmarking).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::LinkConfig;
use crate::error::LinkError;
use crate::link::{self, Stage, Task};
use crate::linker::{Linker, PreparedRecord};

/// Arguments of `homeward link`.
#[derive(clap::Args, Debug, Clone)]
pub struct LinkArgs {
    /// Left file (with the `tracing` profile: the tracing requests).
    #[arg(value_name = "LEFT.csv")]
    pub left: Option<PathBuf>,
    /// Right file (with the `tracing` profile: the child records).
    #[arg(value_name = "RIGHT.csv")]
    pub right: Option<PathBuf>,
    /// Find duplicates within one file instead of linking two.
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["left", "right"])]
    pub dedupe: Option<PathBuf>,
    /// Link configuration (fields, comparators, blocking rules).
    #[arg(long, value_name = "LINK.toml", conflicts_with = "profile")]
    pub config: Option<PathBuf>,
    /// Built-in configuration instead of --config. Without either, linking uses `tracing`
    /// and --dedupe uses `duplicates`.
    #[arg(long, value_parser = ["tracing", "duplicates"])]
    pub profile: Option<String>,
    /// Write pairs whose match probability is at least this [default: the configuration's
    /// `threshold`, which is 0.5 unless the LINK.toml sets it].
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Add an `explanation` column with each field's level and weight.
    #[arg(long)]
    pub explain: bool,
    /// Output CSV: left_id,right_id,match_probability,match_weight.
    #[arg(long, value_name = "PAIRS.csv")]
    pub out: PathBuf,
    /// Also write the trained model parameters (JSON), e.g. to load into an index.
    #[arg(long, value_name = "MODEL.json")]
    pub save_model: Option<PathBuf>,
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct LinkSummary {
    pub left_records: usize,
    /// Equal to `left_records` when deduplicating.
    pub right_records: usize,
    pub candidate_pairs: u64,
    pub pairs_per_rule: Vec<(String, u64)>,
    pub pairs_written: usize,
    pub threshold: f64,
    /// Prior probability that two random records match, as trained.
    pub lambda: f64,
    pub em_iterations: usize,
    /// False when the data were too few or unclear for EM and start values were used.
    pub em_accepted: bool,
    pub seconds: f64,
}

/// Run a link or deduplication as the arguments say.
pub fn run(args: &LinkArgs) -> Result<LinkSummary, LinkError> {
    let started = Instant::now();
    if let Some(t) = args.threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(LinkError::Usage(format!(
                "--threshold {t} is not a probability; give a number between 0 and 1"
            )));
        }
    }
    let (left_path, right_path) = match (&args.dedupe, &args.left, &args.right) {
        (Some(d), None, None) => (d.clone(), None),
        (None, Some(l), Some(r)) => (l.clone(), Some(r.clone())),
        (None, Some(_), None) => {
            return Err(LinkError::Usage(
                "give two files to link (LEFT.csv RIGHT.csv), or use --dedupe FILE.csv to find duplicates in one".into(),
            ))
        }
        _ => {
            return Err(LinkError::Usage(
                "nothing to link: give LEFT.csv RIGHT.csv, or --dedupe FILE.csv".into(),
            ))
        }
    };
    let config = match (&args.config, &args.profile) {
        (Some(p), _) => LinkConfig::from_file(p)?,
        (None, Some(name)) => LinkConfig::profile(name)?,
        (None, None) if right_path.is_some() => LinkConfig::profile("tracing")?,
        (None, None) => LinkConfig::profile("duplicates")?,
    };
    let threshold = args.threshold.unwrap_or(config.threshold);
    let linker = Linker::new(config)?;

    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = link_files(
        args,
        &linker,
        threshold,
        &left_path,
        right_path.as_deref(),
        &bar,
        started,
    );
    // Clear the spinner on errors too, so the message that follows stands alone.
    bar.finish_and_clear();
    result
}

/// Read, link and write, reporting progress on `bar`.
fn link_files(
    args: &LinkArgs,
    linker: &Linker,
    threshold: f64,
    left_path: &Path,
    right_path: Option<&Path>,
    bar: &ProgressBar,
    started: Instant,
) -> Result<LinkSummary, LinkError> {
    let (left, right) = match right_path {
        Some(p) => {
            bar.set_message(format!(
                "reading {} and {}",
                left_path.display(),
                p.display()
            ));
            // Parsing CSV is sequential per file: read the two files side by side.
            let (l, r) = rayon::join(|| read_csv(left_path, linker), || read_csv(p, linker));
            (l?, Some(r?))
        }
        None => {
            bar.set_message(format!("reading {}", left_path.display()));
            (read_csv(left_path, linker)?, None)
        }
    };
    let task = match &right {
        Some(r) => Task::Link {
            left: &left,
            right: r,
        },
        None => Task::Dedupe(&left),
    };
    let timing = std::env::var_os("HOMEWARD_LINK_TIMING").is_some();
    let progress = |s: Stage| {
        if timing {
            eprintln!("timing: {:.3} s: {s:?}", started.elapsed().as_secs_f64());
        }
        bar.set_message(match s {
            Stage::Blocking => "blocking: finding candidate pairs",
            Stage::Training => "training the model (random pairs, EM)",
            Stage::Scoring => "scoring candidate pairs",
        })
    };
    let t_read = started.elapsed().as_secs_f64();
    let (model, mut pairs, report) = link::run(linker, task, threshold, &progress);
    if timing {
        eprintln!(
            "timing: read+prepare {t_read:.2} s, link {:.2} s",
            started.elapsed().as_secs_f64() - t_read
        );
    }
    pairs.par_sort_unstable_by_key(|p| (p.left, p.right));

    bar.set_message(format!("writing {}", args.out.display()));
    let right_recs: &[PreparedRecord] = right.as_deref().unwrap_or(&left);
    write_pairs(
        &args.out,
        linker,
        &model,
        &left,
        right_recs,
        &pairs,
        task,
        args.explain,
    )?;
    if let Some(p) = &args.save_model {
        let json =
            serde_json::to_string_pretty(&model).map_err(|e| LinkError::Model(e.to_string()))?;
        std::fs::write(p, json).map_err(|source| LinkError::Write {
            path: p.clone(),
            source,
        })?;
    }
    Ok(LinkSummary {
        left_records: left.len(),
        right_records: right_recs.len(),
        candidate_pairs: report.candidate_pairs,
        pairs_per_rule: report.pairs_per_rule,
        pairs_written: pairs.len(),
        threshold,
        lambda: report.lambda,
        em_iterations: report.em.iterations,
        em_accepted: report.em.accepted,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// An id as a cell a spreadsheet may open: one that would be read as a formula (starting with
/// `= + - @`, a tab or a carriage return, as OWASP lists them) gets a leading `'`, which
/// spreadsheets take as "text" and `homeward import` removes.
fn text_cell(id: &str) -> std::borrow::Cow<'_, str> {
    if id.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{id}").into()
    } else {
        id.into()
    }
}

#[allow(clippy::too_many_arguments)]
fn write_pairs(
    out: &Path,
    linker: &Linker,
    model: &crate::Model,
    left: &[PreparedRecord],
    right: &[PreparedRecord],
    pairs: &[link::ScoredPair],
    task: Task<'_>,
    explain: bool,
) -> Result<(), LinkError> {
    let werr = |source: std::io::Error| LinkError::Write {
        path: out.to_owned(),
        source,
    };
    let file = File::create(out).map_err(werr)?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
    let csv_err = |e: csv::Error| LinkError::Write {
        path: out.to_owned(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut header = vec!["left_id", "right_id", "match_probability", "match_weight"];
    if explain {
        header.push("explanation");
    }
    w.write_record(&header).map_err(csv_err)?;
    let (scorer, tf) = if explain {
        let tf = link::tf_tables(linker, model, task);
        (Some(model.scorer()), tf)
    } else {
        (None, Vec::new())
    };
    for p in pairs {
        let a = &left[p.left as usize];
        let b = &right[p.right as usize];
        let (a_id, b_id) = (text_cell(&a.id), text_cell(&b.id));
        let prob = format!("{:.6}", p.probability);
        let weight = format!("{:.3}", p.weight);
        if let Some(s) = &scorer {
            let parts: Vec<String> = s
                .explain(model, p.gamma, a, &tf)
                .into_iter()
                .filter(|c| c.level != "blank")
                .map(|c| format!("{}: {} ({:+.2})", c.field, c.level, c.weight))
                .collect();
            w.write_record([&*a_id, &*b_id, &prob, &weight, &parts.join("; ")])
                .map_err(csv_err)?;
        } else {
            w.write_record([&*a_id, &*b_id, &prob, &weight])
                .map_err(csv_err)?;
        }
    }
    let mut inner = w
        .into_inner()
        .map_err(|e| werr(std::io::Error::other(e.to_string())))?;
    inner.flush().map_err(werr)
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "this row has {len} fields but the header has {expected_len}; check for a missing or unquoted comma"
        ),
        csv::ErrorKind::Utf8 { .. } => {
            "the text is not valid UTF-8; save the file as \"CSV UTF-8\"".to_owned()
        }
        csv::ErrorKind::Io(io) => format!("could not read the file: {io}"),
        _ => format!("the file is not valid CSV: {e}"),
    }
}

/// Read and prepare a CSV file with the columns the configuration needs.
pub fn read_csv(path: &Path, linker: &Linker) -> Result<Vec<PreparedRecord>, LinkError> {
    let file = File::open(path).map_err(|source| LinkError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_csv_from(BufReader::with_capacity(1 << 20, file), path, linker)
}

/// Read and prepare CSV text from `input`, naming `path` in errors: [`read_csv`] once the file
/// is open (and what the fuzz targets feed arbitrary bytes to).
pub fn read_csv_from(
    input: impl Read,
    path: &Path,
    linker: &Linker,
) -> Result<Vec<PreparedRecord>, LinkError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let malformed = |e: &csv::Error| LinkError::MalformedCsv {
        file: path.to_owned(),
        line: e.position().map_or(1, |p| p.line()),
        message: describe_csv_error(e),
    };
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| malformed(&e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let find = |c: &str| headers.iter().position(|h| h == c);
    let mut columns: Vec<(String, usize)> = Vec::new();
    for c in linker.required_columns() {
        match find(c) {
            Some(i) => columns.push((c.to_owned(), i)),
            None => {
                let hint = if c == linker.config.id_column {
                    "Every record needs an id in this column; or use a --config whose `id_column` names this file's id column"
                } else {
                    "Add the column (its values may be left blank) or use a --config whose fields match this file"
                };
                return Err(LinkError::MissingColumn {
                    file: path.to_owned(),
                    column: c.to_owned(),
                    found: headers.join(", "),
                    hint: hint.to_owned(),
                });
            }
        }
    }
    let id_col = columns[0].1;
    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| malformed(&e))?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    let id_name = linker.config.id_column.clone();
    let prepared: Vec<Result<PreparedRecord, LinkError>> = rows
        .par_iter()
        .map(|(line, rec)| {
            let id = rec.get(id_col).unwrap_or("");
            if id.is_empty() {
                return Err(LinkError::BlankId {
                    file: path.to_owned(),
                    line: *line,
                    column: id_name.clone(),
                });
            }
            linker
                .prepare_with(id, |c| {
                    columns
                        .iter()
                        .find(|(n, _)| n == c)
                        .and_then(|&(_, i)| rec.get(i))
                })
                .map_err(|p| LinkError::BadValue {
                    file: path.to_owned(),
                    line: *line,
                    column: p.column,
                    value: p.value,
                    expected: p.expected.to_owned(),
                })
        })
        .collect();
    let mut out = Vec::with_capacity(prepared.len());
    let mut seen: FxHashMap<Box<str>, u64> = FxHashMap::default();
    for (r, (line, _)) in prepared.into_iter().zip(&rows) {
        let r = r?;
        if let Some(first) = seen.insert(r.id.clone(), *line) {
            return Err(LinkError::DuplicateId {
                file: path.to_owned(),
                line: *line,
                first,
                id: r.id.to_string(),
            });
        }
        out.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(left: &Path, right: Option<&Path>, out: &Path) -> LinkArgs {
        LinkArgs {
            left: Some(left.to_owned()),
            right: right.map(Path::to_owned),
            dedupe: None,
            config: None,
            profile: Some("tracing".into()),
            threshold: None,
            explain: true,
            out: out.to_owned(),
            save_model: None,
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        let mut f = File::create(&p).unwrap_or_else(|e| panic!("{e}"));
        f.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        p
    }

    const HEADER: &str = "id,name_first,name_last,name_nickname,sex,age,date_of_birth,mother_name,father_name,village,district,location_separation,date_of_separation,language\n";

    #[test]
    fn missing_column_is_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(dir.path(), "LEFT.csv", "id,name_first\n1,Rahim\n");
        let r = write(dir.path(), "RIGHT.csv", HEADER);
        let e = run(&args(&l, Some(&r), &dir.path().join("o.csv")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("LEFT.csv") && e.contains("column `name_last` is missing"),
            "{e}"
        );
    }

    #[test]
    fn malformed_csv_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(
            dir.path(),
            "LEFT.csv",
            &format!("{HEADER}1,Rahim,Uddin,,m,7,,,,,,,,\n2,Rahim\n"),
        );
        let r = write(dir.path(), "RIGHT.csv", HEADER);
        let e = run(&args(&l, Some(&r), &dir.path().join("o.csv")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("LEFT.csv line 3") && e.contains("has 2 fields but the header has 14"),
            "{e}"
        );
    }

    #[test]
    fn bad_age_names_line_column_and_value() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(
            dir.path(),
            "LEFT.csv",
            &format!("{HEADER}1,Rahim,Uddin,,m,7,,,,,,,,\n2,Rina,Das,,f,abc,,,,,,,,\n"),
        );
        let r = write(dir.path(), "RIGHT.csv", HEADER);
        let e = run(&args(&l, Some(&r), &dir.path().join("o.csv")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.ends_with("LEFT.csv line 3: column `age` holds `abc`; expected a whole number of years or blank"), "{e}");
    }

    #[test]
    fn duplicate_and_blank_ids_are_reported() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(
            dir.path(),
            "L.csv",
            &format!("{HEADER}1,A,B,,,,,,,,,,,\n1,C,D,,,,,,,,,,,\n"),
        );
        let r = write(dir.path(), "R.csv", &format!("{HEADER},A,B,,,,,,,,,,,\n"));
        let e = run(&args(&l, Some(&r), &dir.path().join("o.csv")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("id `1` was already used on line 2"), "{e}");
        let l = write(dir.path(), "L.csv", &format!("{HEADER}1,A,B,,,,,,,,,,,\n"));
        let e = run(&args(&l, Some(&r), &dir.path().join("o.csv")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("R.csv line 2: the id column `id` is blank"),
            "{e}"
        );
    }

    #[test]
    fn tracing_profile_links_across_scripts() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(
            dir.path(),
            "requests.csv",
            &format!("{HEADER}t1,রহিম,উদ্দিন,,পুৰুষ,৯,,ফাতেমা খাতুন,,,Barpeta,,,as\nt2,राहुल,दास,,m,12,,,,,Dhubri,,,hi\n"),
        );
        let r = write(
            dir.path(),
            "children.csv",
            &format!(
                "{HEADER}c1,Md. Rahim,Uddin,,m,10,,Fatema Khatun,,,Barpeta,,,as\nc2,Rahul,Das,,m,12,,,,,Dhubri,,,hi\nc3,Bikash,Barua,,m,7,,,,,Nalbari,,,as\nc4,Rina,Begum,,f,5,,,,,Barpeta,,,bn\n"
            ),
        );
        let out = dir.path().join("pairs.csv");
        let s = run(&args(&l, Some(&r), &out)).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        assert!(
            text.starts_with("left_id,right_id,match_probability,match_weight,explanation\n"),
            "{text}"
        );
        assert!(text.contains("\nt1,c1,"), "{text}\n{s:?}");
        assert!(text.contains("\nt2,c2,"), "{text}\n{s:?}");
        assert!(!text.contains("t1,c3") && !text.contains("t2,c4"), "{text}");
    }

    #[test]
    fn ids_a_spreadsheet_would_run_are_written_as_text() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let l = write(
            dir.path(),
            "requests.csv",
            &format!("{HEADER}=HYPERLINK(1),Rahim,Uddin,,m,10,,Fatema Khatun,,,Barpeta,,,as\n"),
        );
        let r = write(
            dir.path(),
            "children.csv",
            &format!(
                "{HEADER}@c1,Md. Rahim,Uddin,,m,10,,Fatema Khatun,,,Barpeta,,,as\nc2,Rahul,Das,,m,12,,,,,Dhubri,,,hi\n"
            ),
        );
        let out = dir.path().join("pairs.csv");
        run(&args(&l, Some(&r), &out)).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        assert!(text.contains("\n'=HYPERLINK(1),'@c1,"), "{text}");
    }

    #[test]
    fn empty_and_single_record_files_give_no_pairs() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, body) in [
            ("empty.csv", String::new()),
            ("one.csv", "1,Rahim,Uddin,,m,7,,,,,,,,\n".to_owned()),
        ] {
            let f = write(dir.path(), name, &format!("{HEADER}{body}"));
            let out = dir.path().join("pairs.csv");
            let a = LinkArgs {
                left: None,
                dedupe: Some(f),
                profile: None,
                ..args(Path::new("x"), None, &out)
            };
            let s = run(&a).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(s.pairs_written, 0);
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            assert_eq!(
                text,
                "left_id,right_id,match_probability,match_weight,explanation\n"
            );
        }
    }

    #[test]
    fn usage_errors() {
        let a = LinkArgs {
            left: Some("a.csv".into()),
            right: None,
            dedupe: None,
            config: None,
            profile: None,
            threshold: None,
            explain: false,
            out: "o.csv".into(),
            save_model: None,
        };
        assert!(matches!(run(&a), Err(LinkError::Usage(_))));
        let e = run(&LinkArgs {
            dedupe: Some("/nonexistent/x.csv".into()),
            left: None,
            ..a
        })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("cannot read /nonexistent/x.csv"), "{e}");
    }
}
