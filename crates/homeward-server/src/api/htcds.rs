//! Trafficking incidents as an HTCDS v2.0 CSV for the national anti-trafficking database
//! (issue 12): one row per child an incident names, the standard's field names and codes
//! (`homeward_domain::htcds`). It is record-level: it needs `data.export` and the right to read
//! incidents; names, birth dates and places are filled only for roles that may read personal
//! fields, and blank otherwise. The read is audited as every export is, with where it went.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use homeward_auth::{Action, Verb};
use homeward_domain::htcds::{children_of, victim_row, COLUMNS};
use homeward_domain::{Document, RecordKind};
use homeward_reports::csv_text;
use homeward_store::{ActorContext, Store};
use serde_json::{json, Value};

use super::{doc, DocRouter};
use crate::auth::{act, Authorized};
use crate::error::ApiError;
use crate::AppState;

/// The HTCDS route.
pub(super) fn routes(r: DocRouter) -> DocRouter {
    r.route(
        doc("GET", "/api/v1/exports/htcds.csv", "exports", "Trafficking incidents in your scope as an HTCDS v2.0 CSV, one row per child: the standard's field names and codes; names, birth dates and places only for roles that may read personal fields. Needs data.export and incident.read")
            .action(Action::DataExport)
            .response(200, None)
            .doc,
        axum::routing::get(htcds_csv),
    )
}

async fn htcds_csv(
    auth: Authorized<act::DataExport>,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let caller = &auth.caller;
    let read = Action::for_records(RecordKind::Incident, Verb::Read);
    if !caller.can(read) {
        return Err(ApiError::forbidden(format!(
            "exporting incidents needs the permission {}",
            read.as_str()
        )));
    }
    let (body, _) = htcds_for(
        &state.store,
        &caller.context_for(RecordKind::Incident),
        &caller.context_for(RecordKind::Case),
        json!({"via": "http", "format": "htcds"}),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incidents-htcds.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The HTCDS CSV of the incidents `incidents` may read, each child's case read under `cases`
/// (both exports audited with `origin`), and its number of rows.
pub async fn htcds_for(
    store: &Store,
    incidents: &ActorContext,
    cases: &ActorContext,
    origin: Value,
) -> Result<(String, usize), ApiError> {
    let records = store
        .export_records(incidents, RecordKind::Incident, origin.clone())
        .await?;
    let named: Vec<String> = records
        .iter()
        .flat_map(|r| children_of(&r.fields))
        .collect();
    // Only the children the incidents name are read (and decrypted), and only they are
    // counted in the audit entry: an export reads what it writes.
    let case_of: HashMap<String, Document> = if named.is_empty() {
        HashMap::new()
    } else {
        store
            .export_named_records(cases, RecordKind::Case, &named, origin)
            .await?
            .into_iter()
            .map(|c| (c.reference.to_string(), c.fields))
            .collect()
    };
    let mut out = String::from(csv_text::BOM);
    out.push_str(&csv_text::line(COLUMNS.iter().map(|c| c.name)));
    let mut rows = 0;
    for r in &records {
        let children = children_of(&r.fields);
        if children.is_empty() {
            out.push_str(&csv_text::line(victim_row(&r.fields, None)));
            rows += 1;
        }
        for child in children {
            out.push_str(&csv_text::line(victim_row(&r.fields, case_of.get(&child))));
            rows += 1;
        }
    }
    Ok((out, rows))
}
