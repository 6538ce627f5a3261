//! Reports over HTTP: the indicators for a period and area, with the figures the caller's role
//! may see (exact with `analysis.exact`; otherwise every count under 11 withheld, with the
//! complementary cells that keep it withheld). The figures are computed by `homeward-reports`
//! from the plain fields of the records in the caller's scope; every report read is audited
//! with who asked, what, how many rows and why.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use homeward_auth::Action;
use homeward_domain::RecordKind;
use homeward_reports::indicators::attach_household_districts;
use homeward_reports::report::{build, Request};
use homeward_reports::{FactEvent, Facts, Report, ReportError};
use homeward_store::PlainRecord;
use serde::Deserialize;
use serde_json::json;

use super::extract::ApiQuery;
use super::{doc, DocRouter, ParamSchema, QueryParam};
use crate::auth::{act, Authorized, Caller};
use crate::error::ApiError;
use crate::AppState;

/// Why a report may be read, as the audit trail records it: a choice, never free text, so
/// nobody writes a child's name into the trail while saying why.
pub const PURPOSES: &[&str] = &[
    "monitoring",
    "coordination",
    "government_report",
    "donor_report",
    "research",
    "other",
];

/// The query of `GET /api/v1/reports/indicators`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// `2026-06`, `2026-Q2`, `2026`, or (exact figures only) `2026-06-01..2026-06-15`.
    pub period: Option<String>,
    /// A district; the whole scope when absent.
    pub area: Option<String>,
    /// `sex`, `age_band` or an indicator's own breakdown.
    pub by: Option<String>,
    /// Comma-separated indicator ids; all when absent.
    pub indicator: Option<String>,
    /// Why the report is read, for the audit trail.
    pub purpose: Option<String>,
}

/// A calendar year (1900 to 9999), quarter or month, as [`homeward_reports::Period`] reads
/// them. A range of days is described beside it but not matched: a regular expression cannot
/// say that its end comes after its start.
const CALENDAR_PERIOD: &str = "^(19[0-9]{2}|[2-9][0-9]{3})(-[Qq][1-4]|-(0[1-9]|1[0-2]))?$";

/// The query parameters, for the OpenAPI document.
pub const PARAMS: &[QueryParam] = &[
    QueryParam {
        name: "period",
        schema: ParamSchema::Pattern(CALENDAR_PERIOD),
        required: true,
        doc: "Required. A month (2026-06), a quarter (2026-Q2) or a year (2026); roles with analysis.exact may also ask for days (2026-06-01..2026-06-15)",
    },
    QueryParam {
        name: "area",
        schema: ParamSchema::PlainText { max_len: 100 },
        required: false,
        doc: "A district as records carry it; the whole of your scope when absent",
    },
    QueryParam {
        name: "by",
        schema: ParamSchema::OneOf(homeward_reports::indicators::breakdown_names),
        required: false,
        doc: "Break the columns down by sex, age_band, protection_status, service_type, referral_status, method_of_recruitment, relationship_to_trafficker or type_of_exploitation (indicators without it show totals)",
    },
    QueryParam {
        name: "indicator",
        schema: ParamSchema::SomeOf(|| {
            homeward_reports::indicators::INDICATORS
                .iter()
                .map(|i| i.id)
                .collect()
        }),
        required: false,
        doc: "Comma-separated indicator ids; every indicator when absent",
    },
    QueryParam {
        name: "purpose",
        schema: ParamSchema::OneOf(|| PURPOSES.to_vec()),
        required: false,
        doc: "Why you read the report, for the audit trail: monitoring (the default), coordination, government_report, donor_report, research or other",
    },
];

/// The report routes.
pub(super) fn routes(r: DocRouter) -> DocRouter {
    r.route(
        doc("GET", "/api/v1/reports/indicators", "reports", "Indicators for a period and area, by place and one breakdown; below supervisor every count under 11 is withheld (null) with the complementary cells that keep it so")
            .action(Action::AnalysisRead)
            .query(PARAMS)
            .response(200, Some("IndicatorReport"))
            .doc,
        axum::routing::get(indicators),
    )
    .route(
        doc("GET", "/api/v1/reports/indicators.xlsx", "reports", "The same indicators as a spreadsheet, one sheet per indicator (withheld counts read 'fewer than 11'; text a spreadsheet would run as a formula starts with ')")
            .action(Action::AnalysisRead)
            .query(PARAMS)
            .response(200, None)
            .doc,
        axum::routing::get(indicators_xlsx),
    )
}

/// The indicators as the caller's role may see them.
pub async fn indicators(
    auth: Authorized<act::AnalysisRead>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(
        indicator_report(&auth.caller, &state, &q, "json").await?,
    ))
}

/// The indicators as an XLSX spreadsheet.
pub async fn indicators_xlsx(
    auth: Authorized<act::AnalysisRead>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Response, ApiError> {
    let report = indicator_report(&auth.caller, &state, &q, "xlsx").await?;
    let bytes = homeward_reports::xlsx::workbook(&report).map_err(report_error)?;
    // The period is checked (digits, `-`, `Q`, `.`), so it is safe in a file name.
    let name = format!("indicators-{}.xlsx", report.period.replace("..", "_to_"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A report's error as the API answers it.
pub(crate) fn report_error(e: ReportError) -> ApiError {
    match e {
        ReportError::BadField { field, message } => ApiError::bad_field(field, message),
        ReportError::Shape(_) => {
            ApiError::from(homeward_store::StoreError::Corrupt("a report table".into()))
        }
    }
}

/// Plain records as a report reads them.
pub(crate) fn facts_of(kind: RecordKind, records: Vec<PlainRecord>) -> Vec<Facts> {
    records
        .into_iter()
        .map(|r| Facts {
            kind,
            reference: r.reference.to_string(),
            created_at: r.created_at,
            status: r.status,
            fields: r.fields,
            events: Vec::new(),
        })
        .collect()
}

/// Builds the report for a caller already allowed `analysis.read` (the web page renders the
/// same), and writes the read to the audit trail with the `format` it leaves in (`json`,
/// `xlsx`, `html`).
pub async fn indicator_report(
    caller: &Caller,
    state: &AppState,
    q: &IndicatorQuery,
    format: &str,
) -> Result<Report, ApiError> {
    report_for(&state.store, &ReportReader::http(caller), q, format).await
}

/// Who a report is built for, when they are not an HTTP caller (the `homeward report`
/// command): their id, scope, whether their role sees exact figures, and how they proved who
/// they are (for the audit trail).
pub struct ReportReader {
    /// The user's id, as the audit trail names them.
    pub user_id: String,
    /// Their scope.
    pub context: homeward_store::ActorContext,
    /// Their role has `analysis.exact`.
    pub exact: bool,
    /// Where the report was asked for (`http`, `cli`), as the audit entry records it.
    pub via: &'static str,
    /// How a command-line operator proved who they are (`password`, `api_token`); `None`
    /// for an HTTP caller, whose session already says so.
    pub authenticated: Option<&'static str>,
}

/// The purpose a reader gave (`monitoring` when none), or an error naming the choices.
pub(crate) fn purpose_of(given: Option<&str>) -> Result<&'static str, ApiError> {
    match given.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(PURPOSES[0]),
        Some(p) => PURPOSES.iter().copied().find(|x| *x == p).ok_or_else(|| {
            ApiError::bad_field(
                "purpose",
                format!(
                    "`{p}` is not a purpose; use one of: {}",
                    PURPOSES.join(", ")
                ),
            )
        }),
    }
}

impl ReportReader {
    /// An HTTP caller as a reader.
    pub fn http(caller: &Caller) -> Self {
        ReportReader {
            user_id: caller.user.id.to_string(),
            context: caller.context(),
            exact: caller.can(Action::AnalysisExact),
            via: "http",
            authenticated: None,
        }
    }
}

/// Builds the report for a reader already allowed `analysis.read`, and audits the read.
pub async fn report_for(
    store: &homeward_store::Store,
    reader: &ReportReader,
    q: &IndicatorQuery,
    format: &str,
) -> Result<Report, ApiError> {
    let exact = reader.exact;
    let req = Request::parse(
        q.period.as_deref(),
        q.area.as_deref(),
        q.by.as_deref(),
        q.indicator.as_deref(),
        exact,
    )
    .map_err(report_error)?;
    let purpose = purpose_of(q.purpose.as_deref())?;
    let ctx = &reader.context;
    let mut kinds: Vec<RecordKind> = Vec::new();
    for i in &req.indicators {
        if !kinds.contains(&i.population.source) {
            kinds.push(i.population.source);
        }
    }
    if kinds.contains(&RecordKind::HomeVisit) && !kinds.contains(&RecordKind::Household) {
        kinds.push(RecordKind::Household);
    }
    let mut facts: Vec<Facts> = Vec::new();
    for kind in &kinds {
        let records = store.plain_records(ctx, *kind, purpose).await?;
        facts.extend(facts_of(*kind, records));
    }
    if kinds.contains(&RecordKind::Case) {
        let mut events = store.plain_case_events(ctx, purpose).await?;
        let mut by_case: std::collections::HashMap<String, Vec<FactEvent>> =
            std::collections::HashMap::new();
        for e in events.drain(..) {
            by_case
                .entry(e.reference.to_string())
                .or_default()
                .push(FactEvent {
                    kind: e.kind,
                    plain: e.plain,
                    done_at: e.done_at,
                });
        }
        for f in facts.iter_mut().filter(|f| f.kind == RecordKind::Case) {
            f.events = by_case.remove(&f.reference).unwrap_or_default();
        }
    }
    let (households, mut rest): (Vec<Facts>, Vec<Facts>) = facts
        .into_iter()
        .partition(|f| f.kind == RecordKind::Household);
    attach_household_districts(&mut rest, &households);
    rest.extend(households);
    let report = build(&req, &rest).map_err(report_error)?;
    store
        .audit(
            &reader.user_id,
            "report.indicators",
            None,
            json!({
                "period": report.period,
                "area": report.area,
                "by": req.by,
                "indicators": req.indicators.iter().map(|i| i.id).collect::<Vec<_>>(),
                "rows": report.row_count(),
                "exact": exact,
                "format": format,
                "purpose": purpose,
                "via": reader.via,
                "authenticated": reader.authenticated,
            }),
        )
        .await?;
    Ok(report)
}
