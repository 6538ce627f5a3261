//! Lists of child cases and tracing requests as a CSV or XLSX file (issue 12): the records the
//! list's filters select in the caller's scope, every page at once, with exactly the columns
//! the caller's role may see (no personal column for a role that may not see personal
//! fields), every script preserved, and cells a spreadsheet would run as formulas neutralised.
//! Exporting needs `data.export` and the kind's read permission; every export is one audit
//! entry with who, what, how many rows and why.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use homeward_auth::{Action, Verb};
use homeward_domain::RecordKind;
use homeward_reports::{csv_text, record_rows, xlsx};
use serde::Deserialize;
use serde_json::json;

use super::extract::ApiQuery;
use super::records::{filter_params, KindApi, ListQuery};
use super::reports::{purpose_of, report_error, PURPOSES};
use super::{ParamSchema, QueryParam};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// The query of a list export: the list's filters (no paging) and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    status: Option<String>,
    sex: Option<String>,
    age_min: Option<i64>,
    age_max: Option<i64>,
    risk_level: Option<String>,
    protection_status: Option<String>,
    district: Option<String>,
    reference: Option<String>,
    updated_since: Option<String>,
    purpose: Option<String>,
}

/// The export's parameters beside the list's filters, for the OpenAPI document.
pub fn export_params(kind: RecordKind) -> Vec<QueryParam> {
    let mut params = filter_params(kind);
    params.push(QueryParam {
        name: "purpose",
        schema: ParamSchema::OneOf(|| PURPOSES.to_vec()),
        required: false,
        doc: "Why you export the list, for the audit trail: monitoring (the default), coordination, government_report, donor_report, research or other",
    });
    params
}

/// The file an export is written as.
#[derive(Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// `GET /api/v1/{kind}/export.csv`.
pub async fn export_csv<K: KindApi>(
    auth: Authorized<act::DataExport>,
    state: State<AppState>,
    query: ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    export::<K>(auth, state, query, Format::Csv).await
}

/// `GET /api/v1/{kind}/export.xlsx`.
pub async fn export_xlsx<K: KindApi>(
    auth: Authorized<act::DataExport>,
    state: State<AppState>,
    query: ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    export::<K>(auth, state, query, Format::Xlsx).await
}

async fn export<K: KindApi>(
    auth: Authorized<act::DataExport>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
    format: Format,
) -> Result<Response, ApiError> {
    let kind = K::KIND;
    let caller = &auth.caller;
    // Exporting is reading in bulk: without the kind's read permission, nothing leaves.
    let read = Action::for_records(kind, Verb::Read);
    if !caller.can(read) {
        return Err(ApiError::forbidden(format!(
            "exporting {} records needs the permission {}",
            kind.human(),
            read.as_str()
        )));
    }
    let purpose = purpose_of(q.purpose.as_deref())?;
    let filter = ListQuery {
        status: q.status,
        sex: q.sex,
        age_min: q.age_min,
        age_max: q.age_max,
        risk_level: q.risk_level,
        protection_status: q.protection_status,
        district: q.district,
        reference: q.reference,
        updated_since: q.updated_since,
        limit: None,
        offset: None,
    }
    .into_filter(kind)?;
    let ctx = caller.context_for(kind);
    let records = state
        .store
        .export_list(
            &ctx,
            kind,
            &filter,
            json!({"via": "http", "format": format.name(), "purpose": purpose}),
        )
        .await
        .map_err(|e| ApiError::from_store(e, kind.human()))?;
    let headers = record_rows::headers(kind, &records, ctx.reveal_personal);
    let rows = records.iter().map(|r| record_rows::raw_row(&headers, r));
    let stem = kind.as_str().replace('_', "-");
    let (content_type, body) = match format {
        Format::Csv => {
            let mut out = String::from(csv_text::BOM);
            out.push_str(&csv_text::line(&headers));
            for row in rows {
                out.push_str(&csv_text::line(row));
            }
            ("text/csv; charset=utf-8", out.into_bytes())
        }
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx::table_workbook(&stem, &headers, rows).map_err(report_error)?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}s.{}\"", format.name()),
            ),
        ],
        body,
    )
        .into_response())
}
