//! The anonymised dataset of trafficking incidents over HTTP (issue 12): one row per child an
//! incident names, k-anonymous (k = 11) on sex, age band, place, year and nationality, with no
//! identifier and no free text; for analysts, researchers and the national trafficking
//! database. Every read is audited with who, how many rows, what was generalised and why.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use homeward_auth::Action;
use homeward_domain::RecordKind;
use homeward_reports::dataset::{incident_dataset, to_csv};
use homeward_reports::kanon::Dataset;
use serde::Deserialize;
use serde_json::json;

use super::extract::ApiQuery;
use super::reports::{facts_of, purpose_of, ReportReader, PURPOSES};
use super::{doc, DocRouter, ParamSchema, QueryParam};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// The query of `GET /api/v1/reports/incidents`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetQuery {
    /// Why the dataset is read, for the audit trail.
    pub purpose: Option<String>,
}

const PARAMS: &[QueryParam] = &[QueryParam {
    name: "purpose",
    schema: ParamSchema::OneOf(|| PURPOSES.to_vec()),
    required: false,
    doc: "Why you read the dataset, for the audit trail: monitoring (the default), coordination, government_report, donor_report, research or other",
}];

/// The dataset routes.
pub(super) fn routes(r: DocRouter) -> DocRouter {
    r.route(
        doc("GET", "/api/v1/reports/incidents", "reports", "The anonymised dataset of trafficking incidents in your scope, one row per child: k-anonymous (k = 11) on sex, age band, place, period and nationality; no identifier, no free text, no place finer than a district")
            .action(Action::AnalysisRead)
            .query(PARAMS)
            .response(200, Some("IncidentDataset"))
            .doc,
        axum::routing::get(dataset_json),
    )
    .route(
        doc("GET", "/api/v1/reports/incidents.csv", "reports", "The same dataset as CSV (UTF-8 with a byte-order mark; text a spreadsheet would run as a formula starts with ')")
            .action(Action::AnalysisRead)
            .query(PARAMS)
            .response(200, None)
            .doc,
        axum::routing::get(dataset_csv),
    )
}

async fn dataset_json(
    auth: Authorized<act::AnalysisRead>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DatasetQuery>,
) -> Result<Json<Dataset>, ApiError> {
    let reader = ReportReader::http(&auth.caller);
    Ok(Json(
        dataset_for(&state.store, &reader, q.purpose.as_deref(), "json").await?,
    ))
}

async fn dataset_csv(
    auth: Authorized<act::AnalysisRead>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DatasetQuery>,
) -> Result<Response, ApiError> {
    let reader = ReportReader::http(&auth.caller);
    let dataset = dataset_for(&state.store, &reader, q.purpose.as_deref(), "csv").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incidents-anonymised.csv\"",
            ),
        ],
        to_csv(&dataset),
    )
        .into_response())
}

/// The dataset of the incidents in the reader's scope, audited (`format`: what it leaves in).
pub async fn dataset_for(
    store: &homeward_store::Store,
    reader: &ReportReader,
    purpose: Option<&str>,
    format: &str,
) -> Result<Dataset, ApiError> {
    let purpose = purpose_of(purpose)?;
    let ctx = &reader.context;
    let incidents = facts_of(
        RecordKind::Incident,
        store
            .plain_records(ctx, RecordKind::Incident, purpose)
            .await?,
    );
    let cases = facts_of(
        RecordKind::Case,
        store.plain_records(ctx, RecordKind::Case, purpose).await?,
    );
    let dataset = incident_dataset(&incidents, &cases);
    store
        .audit(
            &reader.user_id,
            "report.dataset",
            None,
            json!({
                "dataset": "incidents",
                "rows": dataset.records.len(),
                "k": dataset.k,
                "generalised": dataset.generalised,
                "suppressed": dataset.suppressed,
                "format": format,
                "purpose": purpose,
                "via": reader.via,
                "authenticated": reader.authenticated,
            }),
        )
        .await?;
    Ok(dataset)
}
