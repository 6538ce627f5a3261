//! Trafficking incidents for the national database, as the server gives them, written whole or
//! not at all and audited: `homeward export --kind incident --anonymised`, the anonymised
//! dataset for researchers (`GET /api/v1/reports/incidents.csv`: k-anonymous, k = 11; no
//! identifier, no free text), and `--htcds`, the record-level HTCDS v2.0 file
//! (`GET /api/v1/exports/htcds.csv`).

use anyhow::{bail, Result};
use homeward_auth::{Action, Verb};
use homeward_domain::RecordKind;
use homeward_reports::dataset::to_csv;
use homeward_server::api::htcds::htcds_for;
use homeward_server::api::incident_dataset::dataset_for;

use super::report::{analysis_reader, write_atomically};
use super::transfer::{actor, ExportArgs};
use super::{open_store, Outcome};
use crate::archive::Sealing;
use crate::settings::Settings;

fn incidents_only(a: &ExportArgs, option: &str) -> Result<()> {
    if a.kind != RecordKind::Incident {
        bail!(
            "{option} exports trafficking incidents only (one row per child); use --kind incident, or leave out {option} to export {} records",
            a.kind.human()
        );
    }
    Ok(())
}

/// Writes the anonymised incident dataset the operator's scope holds.
pub async fn export_anonymised(settings: &Settings, a: ExportArgs) -> Result<Outcome> {
    incidents_only(&a, "--anonymised")?;
    let credential = a.operator.credential()?;
    let store = open_store(settings).await?;
    let built = async {
        let reader = analysis_reader(&store, &a.operator.as_user, &credential).await?;
        dataset_for(&store, &reader, a.purpose.as_deref(), "csv")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let dataset = built?;
    write_atomically(&a.out, to_csv(&dataset).as_bytes())?;
    let generalised = if dataset.generalised.is_empty() {
        String::new()
    } else {
        format!("; generalised: {}", dataset.generalised.join(", "))
    };
    println!(
        "exported {} anonymised rows to {} (k = {}; {} rows dropped that stayed under k{generalised})",
        dataset.records.len(),
        a.out.display(),
        dataset.k,
        dataset.suppressed,
    );
    Ok(Outcome::Ok)
}

/// Writes the incidents the operator may read as HTCDS v2.0.
pub async fn export_htcds(settings: &Settings, a: ExportArgs) -> Result<Outcome> {
    incidents_only(&a, "--htcds")?;
    let credential = a.operator.credential()?;
    let sealing = Sealing::from_args(a.encrypt, a.archive_password_file.as_deref())?;
    let store = open_store(settings).await?;
    let built = async {
        let (incidents, role) = actor(
            &store,
            &a.operator.as_user,
            &credential,
            RecordKind::Incident,
            &[Action::DataExport],
        )
        .await?;
        let read = Action::for_records(RecordKind::Incident, Verb::Read);
        if !role.allows(read) {
            bail!(
                "user `{}` ({}) may not export incidents: it needs the permission {}",
                a.operator.as_user,
                role.as_str(),
                read.as_str()
            );
        }
        let mut cases = incidents.clone();
        cases.reveal_personal = role.allows(Action::personal_view(RecordKind::Case));
        let origin = serde_json::json!({"via": "cli", "authenticated": credential.method(), "format": "htcds", "encrypted": sealing.is_some()});
        htcds_for(&store, &incidents, &cases, origin)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let (csv, rows) = built?;
    match &sealing {
        Some(s) => s.write(&a.out, "csv", csv.as_bytes())?,
        None => write_atomically(&a.out, csv.as_bytes())?,
    }
    println!(
        "exported {rows} HTCDS rows (one per child) to {}",
        a.out.display()
    );
    Ok(Outcome::Ok)
}
