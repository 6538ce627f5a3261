//! The indicators page: the same report as `GET /api/v1/reports/indicators`, for a period, an
//! area and one breakdown, with the figures the viewer's role may see (below supervisor every
//! count under 11 withheld, with the cells that keep it so). It is the analyst's view of the
//! programme: figures, never a child's record. Each view is audited like an API read.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Months, Utc};
use homeward_auth::Action;
use homeward_reports::report::IndicatorTable;
use homeward_reports::Report;
use homeward_server::api::reports::{indicator_report, IndicatorQuery};
use homeward_server::AppState;
use serde::Deserialize;

use crate::chart::{self, Bar};
use crate::i18n::{Lang, Tr};
use crate::page::{internal_error, render, Chrome};
use crate::session::Viewer;

/// The page's query: the form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct IndicatorsForm {
    period: Option<String>,
    area: Option<String>,
    by: Option<String>,
}

/// One cell as shown.
pub struct Cell {
    /// The figure, or "fewer than 11".
    pub text: String,
    /// Withheld.
    pub withheld: bool,
}

/// One place's row.
pub struct PlaceRow {
    /// The district or "all".
    pub place: String,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

/// One indicator's table as shown.
pub struct Shown {
    /// Anchor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Who is counted and the rule.
    pub rule: String,
    /// Column heads.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<PlaceRow>,
    /// The shown totals of the places as bars (withheld ones have none).
    pub bars: Vec<Bar>,
    /// Height of the chart.
    pub chart_height: u32,
}

/// A breakdown the form offers.
pub struct ByOption {
    /// Its value.
    pub value: &'static str,
    /// Its label.
    pub label: String,
    /// Chosen now.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    c: Chrome,
    heading: String,
    period: String,
    area: String,
    by: Vec<ByOption>,
    note: String,
    error: Option<String>,
    tables: Vec<Shown>,
    place_head: String,
    download: String,
}

/// The report as a file of its own (`homeward report --format html`): the page's tables and
/// charts without the site around them, styled inline and laid out to print on A4.
#[derive(Template)]
#[template(path = "indicators_file.html")]
struct IndicatorsFile {
    lang: &'static str,
    heading: String,
    period_label: String,
    period: String,
    area_label: String,
    area: String,
    note: String,
    tables: Vec<Shown>,
    place_head: String,
}

/// A report as a self-contained HTML document in `lang`.
pub fn report_file(report: &Report, lang: Lang) -> Result<String, askama::Error> {
    let tr = Tr::new(lang);
    let withheld = tr.t_n("analysis-withheld", homeward_reports::THRESHOLD as i64);
    IndicatorsFile {
        lang: lang.code(),
        heading: tr.t("indicators-title"),
        period_label: tr.t("indicators-period"),
        period: report.period.clone(),
        area_label: tr.t("indicators-col-place"),
        area: report
            .area
            .clone()
            .unwrap_or_else(|| tr.t("indicators-all")),
        note: suppression_note(&tr, report.exact),
        tables: report
            .indicators
            .iter()
            .map(|t| shown(&tr, &withheld, t))
            .collect(),
        place_head: tr.t("indicators-col-place"),
    }
    .render()
}

/// What the figures are: exact, or with small counts withheld.
fn suppression_note(tr: &Tr, exact: bool) -> String {
    if exact {
        tr.t("analysis-exact")
    } else {
        tr.t_n("indicators-suppressed", homeward_reports::THRESHOLD as i64)
    }
}

/// The last whole month: what a coordinator reports on.
fn last_month() -> String {
    let today = Utc::now().date_naive();
    let d = today.checked_sub_months(Months::new(1)).unwrap_or(today);
    format!("{}-{:02}", d.year(), d.month())
}

fn figure(withheld: &str, n: Option<u64>) -> Cell {
    match n {
        Some(n) => Cell {
            text: n.to_string(),
            withheld: false,
        },
        None => Cell {
            text: withheld.to_string(),
            withheld: true,
        },
    }
}

fn shown(tr: &Tr, withheld: &str, t: &IndicatorTable) -> Shown {
    // A bar per place whose total (the last column) is shown; the area's own total would dwarf
    // them, so it is left to the table.
    let total = t.columns.len().saturating_sub(1);
    let (bars, chart_height) = chart::bars(
        t.rows
            .iter()
            .filter(|r| r.place != "all")
            .filter_map(|r| {
                let n = r.count.get(total).copied().flatten()?;
                Some((
                    r.place.clone(),
                    i64::try_from(n).unwrap_or(i64::MAX),
                    "bar-medium",
                ))
            })
            .collect(),
    );
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let cells = (0..t.columns.len())
                .map(|c| {
                    let count = r.count.get(c).copied().flatten();
                    let of = r.of.as_ref().and_then(|o| o.get(c).copied().flatten());
                    let percent = r.percent.as_ref().and_then(|p| p.get(c).copied().flatten());
                    let median = r
                        .median_days
                        .as_ref()
                        .and_then(|m| m.get(c).copied().flatten());
                    match (r.of.is_some(), count, of) {
                        (true, Some(n), Some(d)) => Cell {
                            text: match percent {
                                Some(p) => format!("{n} / {d} ({p}%)"),
                                None => format!("{n} / {d}"),
                            },
                            withheld: false,
                        },
                        (true, _, _) => figure(withheld, None),
                        (false, Some(n), _) if r.median_days.is_some() => Cell {
                            text: match median {
                                Some(m) => format!("{m} ({n})"),
                                None => format!("– ({n})"),
                            },
                            withheld: false,
                        },
                        (false, n, _) => figure(withheld, n),
                    }
                })
                .collect();
            PlaceRow {
                place: if r.place == "all" {
                    tr.t("indicators-all")
                } else {
                    r.place.clone()
                },
                cells,
            }
        })
        .collect();
    Shown {
        id: format!("indicator-{}", t.id),
        title: tr.t_or(&format!("indicator-{}", t.id), t.title),
        rule: format!("{}: {}", t.population, t.rule),
        bars,
        chart_height,
        columns: t
            .columns
            .iter()
            .map(|c| match c.as_str() {
                "total" => tr.t("indicators-total"),
                other => tr.choice(other),
            })
            .collect(),
        rows,
    }
}

/// `GET /reports/indicators`.
pub async fn indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(form): Query<IndicatorsForm>,
) -> Response {
    if !viewer.can(Action::AnalysisRead) {
        return viewer.forbidden();
    }
    let tr = viewer.tr();
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let period = nonempty(&form.period).unwrap_or_else(last_month);
    let area = nonempty(&form.area);
    let by = nonempty(&form.by);
    let query = IndicatorQuery {
        period: Some(period.clone()),
        area: area.clone(),
        by: by.clone(),
        indicator: None,
        purpose: None,
    };
    let withheld = tr.t_n("analysis-withheld", homeward_reports::THRESHOLD as i64);
    let (status, error, tables, exact) =
        match indicator_report(&viewer.caller, &state, &query, "html").await {
            Ok(report) => (
                StatusCode::OK,
                None,
                report
                    .indicators
                    .iter()
                    .map(|t| shown(&tr, &withheld, t))
                    .collect(),
                report.exact,
            ),
            Err(e) if e.status() == StatusCode::BAD_REQUEST => (
                StatusCode::BAD_REQUEST,
                Some(e.message().to_string()),
                Vec::new(),
                viewer.can(Action::AnalysisExact),
            ),
            Err(e) => return internal_error(&tr, &e),
        };
    let note = suppression_note(&tr, exact);
    let by_options = homeward_reports::indicators::breakdown_names()
        .into_iter()
        .map(|value| ByOption {
            value,
            label: tr.t_or(
                &format!("indicators-by-{value}"),
                &crate::i18n::readable(value),
            ),
            selected: by.as_deref() == Some(value),
        })
        .collect();
    let mut download = format!(
        "/api/v1/reports/indicators.xlsx?period={}",
        crate::session::urlencode(&period)
    );
    for (key, value) in [("area", &area), ("by", &by)] {
        if let Some(v) = value {
            download.push_str(&format!("&{key}={}", crate::session::urlencode(v)));
        }
    }
    let heading = tr.t("indicators-title");
    let page = IndicatorsPage {
        c: Chrome::new(&viewer, heading.clone()),
        heading,
        period,
        area: area.unwrap_or_default(),
        by: by_options,
        note,
        error,
        tables,
        place_head: tr.t("indicators-col-place"),
        download,
    };
    render(status, &page, &tr)
}
