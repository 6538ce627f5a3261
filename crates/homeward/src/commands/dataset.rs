//! `homeward export --kind incident --anonymised`: the anonymised dataset of trafficking
//! incidents for researchers and the national trafficking database, as the server's
//! `GET /api/v1/reports/incidents.csv` gives it (k-anonymous, k = 11; no identifier, no free
//! text), written whole or not at all, and audited with who, how many rows and why.

use anyhow::{bail, Result};
use homeward_auth::Action;
use homeward_domain::RecordKind;
use homeward_reports::dataset::to_csv;
use homeward_server::api::incident_dataset::dataset_for;

use super::report::{cli_reader, write_atomically};
use super::transfer::{actor, ExportArgs};
use super::{open_store, Outcome};
use crate::settings::Settings;

/// Writes the anonymised incident dataset the operator's scope holds.
pub async fn export_anonymised(settings: &Settings, a: ExportArgs) -> Result<Outcome> {
    if a.kind != RecordKind::Incident {
        bail!(
            "--anonymised exports trafficking incidents only (one row per child, k-anonymous); use --kind incident, or leave out --anonymised to export {} records",
            a.kind.human()
        );
    }
    let credential = a.operator.credential()?;
    let store = open_store(settings).await?;
    let built = async {
        let (context, role) = actor(
            &store,
            &a.operator.as_user,
            &credential,
            RecordKind::Case,
            &[Action::AnalysisRead],
        )
        .await?;
        let reader = cli_reader(context, role, &credential);
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
