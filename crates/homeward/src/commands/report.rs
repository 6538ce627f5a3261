//! `homeward report`: the indicators for a period and area written to a file (HTML that prints
//! on A4, XLSX with one sheet per indicator, or JSON), with exactly the figures the operator's
//! role may see, as the web page and the API give them, and audited the same way.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use homeward_auth::Action;
use homeward_domain::RecordKind;
use homeward_server::api::reports::{report_for, IndicatorQuery, ReportReader};
use homeward_web::i18n::Lang;

use super::transfer::actor;
use super::{open_store, Outcome};
use crate::operator::{Credential, OperatorArgs};
use crate::settings::Settings;

/// What the report file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A self-contained page with tables and bar charts; prints on A4.
    Html,
    /// A spreadsheet, one sheet per indicator.
    Xlsx,
    /// The figures as the API gives them.
    Json,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
        }
    }

    /// The format a file name asks for by its extension.
    fn of_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Self::Html),
            "xlsx" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// `homeward report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A month (2026-06), a quarter (2026-Q2) or a year (2026); roles with exact figures may
    /// also ask for days (2026-06-01..2026-06-15).
    #[arg(long)]
    period: String,
    /// A district as records carry it; the whole of the operator's scope when absent.
    #[arg(long)]
    area: Option<String>,
    /// Break the columns down by sex, age_band or an indicator's own breakdown.
    #[arg(long)]
    by: Option<String>,
    /// Comma-separated indicator ids; every indicator when absent.
    #[arg(long)]
    indicator: Option<String>,
    /// Why the report is made, for the audit trail: monitoring, coordination,
    /// government_report, donor_report, research or other.
    #[arg(long)]
    purpose: Option<String>,
    /// html, xlsx or json; by default the output file's extension.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Language of the HTML report's titles and labels: en, as, bn or hi.
    #[arg(long, default_value = "en")]
    lang: String,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    operator: OperatorArgs,
}

/// Builds the report and writes it; nothing is left under `--out` if anything fails.
pub async fn report(settings: &Settings, a: ReportArgs) -> Result<Outcome> {
    let format = match a.format.or_else(|| ReportFormat::of_path(&a.out)) {
        Some(f) => f,
        None => bail!(
            "cannot tell the format from `{}`: name the file .html, .xlsx or .json, or add --format html|xlsx|json",
            a.out.display()
        ),
    };
    let Some(lang) = Lang::parse(&a.lang) else {
        bail!(
            "`{}` is not a language Homeward speaks; use en, as, bn or hi",
            a.lang
        );
    };
    let credential = a.operator.credential()?;
    let store = open_store(settings).await?;
    let built = async {
        let reader = analysis_reader(&store, &a.operator.as_user, &credential).await?;
        let query = IndicatorQuery {
            period: Some(a.period.clone()),
            area: a.area.clone(),
            by: a.by.clone(),
            indicator: a.indicator.clone(),
            purpose: a.purpose.clone(),
        };
        report_for(&store, &reader, &query, format.name())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let report = built?;
    let bytes = match format {
        ReportFormat::Html => homeward_web::reports::report_file(&report, lang)
            .context("rendering the HTML report")?
            .into_bytes(),
        ReportFormat::Xlsx => homeward_reports::xlsx::workbook(&report)
            .map_err(|e| anyhow::anyhow!("writing the spreadsheet: {e}"))?,
        ReportFormat::Json => serde_json::to_vec_pretty(&report)?,
    };
    write_atomically(&a.out, &bytes)?;
    let note = if report.exact {
        "exact figures"
    } else {
        "counts under 11 withheld"
    };
    println!(
        "wrote {} indicator tables for {} to {} ({note})",
        report.indicators.len(),
        report.period,
        a.out.display()
    );
    Ok(Outcome::Ok)
}

/// The operator as a reader of reports and datasets, once they proved who they are and that
/// their role has `analysis.read`.
pub(crate) async fn analysis_reader(
    store: &homeward_store::Store,
    username: &str,
    credential: &Credential,
) -> Result<ReportReader> {
    let (context, role) = actor(
        store,
        username,
        credential,
        RecordKind::Case,
        &[Action::AnalysisRead],
    )
    .await?;
    Ok(ReportReader {
        user_id: context.scope.user.to_string(),
        context,
        exact: role.allows(Action::AnalysisExact),
        via: "cli",
        authenticated: Some(credential.method()),
    })
}

/// Writes beside the target and renames last, so a failed write never leaves a truncated
/// file under the requested name.
pub(crate) fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out)
        .with_context(|| format!("moving the file into place at {}", out.display()))
}
