//! `homeward import` and `homeward export`: CSV files of child cases or tracing requests.
//!
//! An import is checked whole before anything is written: every bad row is reported with its
//! line number and reason, and then nothing is stored; a good file is stored in one
//! transaction. Exports carry a UTF-8 byte-order mark so spreadsheet programs show Bengali and
//! Devanagari names correctly, and are written to the audit trail.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use homeward_auth::{Action, Role, Verb};
use homeward_domain::{validate_create, RecordKind};
use homeward_store::{ActorContext, Store, StoreError};
use indicatif::{ProgressBar, ProgressStyle};

use super::report::write_atomically;
use super::{open_store, Outcome};
use crate::archive::Sealing;
use crate::operator::{Credential, OperatorArgs};
use crate::settings::Settings;
use homeward_reports::record_rows as csv_records;

/// The kinds of record a file may hold, as typed on the command line: `case`,
/// `tracing-request`, `home-visit`...
fn kind_names() -> Vec<String> {
    RecordKind::ALL
        .iter()
        .map(|k| k.as_str().replace('_', "-"))
        .collect()
}

fn parse_kind(s: &str) -> Result<RecordKind, String> {
    RecordKind::parse(&s.replace('-', "_")).ok_or_else(|| {
        format!(
            "`{s}` is not a kind of record; use one of: {}",
            kind_names().join(", ")
        )
    })
}

/// `homeward import`.
#[derive(Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(long, value_parser = parse_kind)]
    kind: RecordKind,
    /// The CSV file (first line: field names, as written by `homeward export`).
    file: PathBuf,
    #[command(flatten)]
    operator: OperatorArgs,
}

/// `homeward export`.
#[derive(Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(long, value_parser = parse_kind)]
    pub(crate) kind: RecordKind,
    /// The CSV file to write.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Write the anonymised dataset instead of the records (incidents only; needs
    /// analysis.read): one row per child, no identifier or free text, k-anonymous (k = 11) on
    /// sex, age band, place, period and nationality.
    #[arg(long)]
    pub(crate) anonymised: bool,
    /// Why the anonymised dataset is exported, for the audit trail: monitoring (the default),
    /// coordination, government_report, donor_report, research or other.
    #[arg(long, requires = "anonymised")]
    pub(crate) purpose: Option<String>,
    /// Write the incidents as HTCDS v2.0 (the standard's field names and codes, one row per
    /// child) for the national anti-trafficking database; needs data.export and incident.read.
    #[arg(long, conflicts_with = "anonymised")]
    pub(crate) htcds: bool,
    /// Write the export inside a ZIP archive encrypted with AES-256 (opens in 7-Zip or
    /// WinZip), for files that carry personal data. The password is generated and shown once,
    /// unless --archive-password-file gives one.
    #[arg(long, conflicts_with = "anonymised")]
    pub(crate) encrypt: bool,
    /// A file whose first line is the archive's password (at least 12 characters).
    #[arg(long, value_name = "FILE", requires = "encrypt")]
    pub(crate) archive_password_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) operator: OperatorArgs,
}

/// The operator, once they proved who they are, with their context and role.
pub(crate) async fn actor(
    store: &Store,
    username: &str,
    credential: &Credential,
    kind: RecordKind,
    needs: &[Action],
) -> Result<(ActorContext, Role)> {
    let user = crate::operator::authenticate(store, username, credential).await?;
    let role = Role::parse(&user.role)
        .with_context(|| format!("user `{username}` has an unknown role `{}`", user.role))?;
    if !needs.iter().any(|a| role.allows(*a)) {
        let names: Vec<&str> = needs.iter().map(|a| a.as_str()).collect();
        bail!(
            "user `{username}` ({}) may not do this: it needs one of the permissions {}",
            role.as_str(),
            names.join(", ")
        );
    }
    let ctx = ActorContext {
        scope: homeward_server::auth::scope_of(&user, Some(role)),
        reveal_personal: role.allows(Action::personal_view(kind)),
    };
    Ok((ctx, role))
}

fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// Imports a file: all rows or none.
pub async fn import(settings: &Settings, a: ImportArgs) -> Result<Outcome> {
    let kind = a.kind;
    let create = Action::for_records(kind, Verb::Create);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(&a.file)
        .with_context(|| format!("cannot open {}", a.file.display()))?;
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| {
            format!(
                "{} line 1: the header cannot be read (is it a UTF-8 CSV file?)",
                a.file.display()
            )
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let cols = match csv_records::plan_columns(kind, &headers) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("{} line 1: {}", a.file.display(), e.0);
            }
            eprintln!("nothing was imported");
            return Ok(Outcome::Problem);
        }
    };
    let records: Vec<Result<csv::StringRecord, csv::Error>> = reader.records().collect();
    let credential = a.operator.credential()?;
    let store = open_store(settings).await?;
    let (ctx, _) = actor(
        &store,
        &a.operator.as_user,
        &credential,
        kind,
        &[create, Action::DataImport],
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    let bar = progress(records.len() as u64, "checking");
    let mut rows = Vec::with_capacity(records.len());
    let mut lines = Vec::with_capacity(records.len());
    let mut problems: Vec<String> = Vec::new();
    for (i, rec) in records.into_iter().enumerate() {
        bar.inc(1);
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(i as u64 + 2, |p| p.line());
                problems.push(format!("line {line}: {}", csv_error_text(&e)));
                continue;
            }
        };
        let line = rec.position().map_or(i as u64 + 2, |p| p.line());
        match csv_records::to_document(&cols, &rec) {
            Ok((id, doc)) => {
                if id.is_none() {
                    if let Err(errors) = validate_create(kind, &doc, today) {
                        for e in errors.0 {
                            problems.push(format!("line {line}: {}: {}", e.field, e.message));
                        }
                    }
                }
                rows.push((id, doc));
                lines.push(line);
            }
            Err(m) => problems.push(format!("line {line}: {m}")),
        }
    }
    bar.finish_and_clear();
    if !problems.is_empty() {
        for p in problems.iter().take(200) {
            eprintln!("{}: {p}", a.file.display());
        }
        if problems.len() > 200 {
            eprintln!("… and {} more problems", problems.len() - 200);
        }
        eprintln!("nothing was imported: correct the lines above and import the file again");
        store.close().await;
        return Ok(Outcome::Problem);
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(format!("storing {} records in one transaction", rows.len()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    // Imported visits and logs are scored with the same settings as records entered one by one.
    let prevention = settings.prevention.clone();
    let derive = move |doc: &homeward_domain::Document| {
        homeward_server::prevention::rederive(kind, doc, &prevention)
    };
    let result = store
        .import_records_deriving(&ctx, kind, &rows, &derive)
        .await;
    spinner.finish_and_clear();
    store.close().await;
    match result {
        Ok(refs) => {
            println!("imported {} {}s from {}", refs.len(), kind.human(), a.file.display());
            Ok(Outcome::Ok)
        }
        Err(StoreError::InvalidRow { index, errors }) => {
            let line = lines.get(index).copied().unwrap_or(index as u64 + 2);
            for e in errors.0 {
                eprintln!("{}: line {line}: {}: {}", a.file.display(), e.field, e.message);
            }
            eprintln!("nothing was imported");
            Ok(Outcome::Problem)
        }
        Err(StoreError::NotFound) => bail!("a row's id names a record that does not exist or is outside the scope of `{}`; nothing was imported", a.operator.as_user),
        Err(e) => Err(anyhow::Error::new(e).context("nothing was imported")),
    }
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("this row has {len} cells but the header has {expected_len}; check for a missing or extra comma, or quote cells that contain commas"),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8 text; save the file as \"CSV UTF-8\"".into(),
        _ => e.to_string(),
    }
}

/// Exports what the user may see.
pub async fn export(settings: &Settings, a: ExportArgs) -> Result<Outcome> {
    if a.anonymised {
        return super::dataset::export_anonymised(settings, a).await;
    }
    if a.htcds {
        return super::dataset::export_htcds(settings, a).await;
    }
    let kind = a.kind;
    let credential = a.operator.credential()?;
    let store = open_store(settings).await?;
    let (ctx, role) = actor(
        &store,
        &a.operator.as_user,
        &credential,
        kind,
        &[Action::DataExport],
    )
    .await?;
    // Exporting is reading in bulk: it needs the kind's read permission too, so incidents
    // never leave through a role that may not open them.
    let read = Action::for_records(kind, Verb::Read);
    if !role.allows(read) {
        bail!(
            "user `{}` ({}) may not export {} records: it needs the permission {}",
            a.operator.as_user,
            role.as_str(),
            kind.human(),
            read.as_str()
        );
    }
    let sealing = Sealing::from_args(a.encrypt, a.archive_password_file.as_deref())?;
    let records = store
        .export_records(
            &ctx,
            kind,
            serde_json::json!({"via": "cli", "authenticated": credential.method(), "encrypted": sealing.is_some()}),
        )
        .await?;
    store.close().await;
    let headers = csv_records::headers(kind, &records, ctx.reveal_personal);
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&headers)?;
    let bar = progress(records.len() as u64, "exporting");
    for r in &records {
        w.write_record(csv_records::row(&headers, r))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing the export: {}", e.error()))?;
    // Written beside the target and renamed last, so a failed export never leaves a truncated
    // file under the requested name.
    match &sealing {
        Some(s) => s.write(&a.out, "csv", &bytes)?,
        None => write_atomically(&a.out, &bytes)?,
    }
    if ctx.reveal_personal && sealing.is_none() && !records.is_empty() {
        eprintln!(
            "note: {} holds children's personal data in clear; --encrypt writes it into a password-protected archive",
            a.out.display()
        );
    }
    let note = if ctx.reveal_personal {
        ""
    } else {
        " (personal fields withheld for this role)"
    };
    println!(
        "exported {} {}s to {}{note}",
        records.len(),
        kind.human(),
        a.out.display()
    );
    Ok(Outcome::Ok)
}
