//! What a report is asked for: the period (a calendar month, quarter or year, or for exact
//! figures any days), the area, the breakdown and the indicators, each checked with an error
//! that names the field and says what to send instead.

use chrono::{Datelike, NaiveDate};

use crate::indicators::{Indicator, INDICATORS};
use crate::ReportError;

/// The longest date range an exact report covers.
const MAX_RANGE_DAYS: i64 = 5 * 366;

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A calendar year: `2026`.
    Year(i32),
    /// A calendar quarter: `2026-Q2`.
    Quarter(i32, u32),
    /// A calendar month: `2026-06`.
    Month(i32, u32),
    /// Any days, both ends included: `2026-06-01..2026-06-15` (exact figures only).
    Range(NaiveDate, NaiveDate),
}

const PERIOD_HELP: &str =
    "use a month (2026-06), a quarter (2026-Q2), a year (2026) or, for exact figures, days (2026-06-01..2026-06-15)";

impl Period {
    /// Parses the API's `period`.
    pub fn parse(s: &str) -> Result<Self, ReportError> {
        let bad = |why: String| ReportError::BadField {
            field: "period",
            message: format!("{why}; {PERIOD_HELP}"),
        };
        let s = s.trim();
        let year = |y: &str| -> Result<i32, ReportError> {
            match y.parse::<i32>() {
                Ok(v) if y.len() == 4 && (1900..=9999).contains(&v) => Ok(v),
                _ => Err(bad(format!("`{y}` is not a year"))),
            }
        };
        if let Some((a, b)) = s.split_once("..") {
            let d = |t: &str| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map_err(|_| bad(format!("`{t}` is not a date YYYY-MM-DD")))
            };
            let (from, to) = (d(a)?, d(b)?);
            if to < from {
                return Err(bad(format!("{to} is before {from}")));
            }
            if (to - from).num_days() > MAX_RANGE_DAYS {
                return Err(bad("a range may cover five years at most".into()));
            }
            return Ok(Self::Range(from, to));
        }
        match s.split_once('-') {
            None => Ok(Self::Year(year(s)?)),
            Some((y, q)) if q.starts_with(['Q', 'q']) => match q[1..].parse::<u32>() {
                Ok(n @ 1..=4) => Ok(Self::Quarter(year(y)?, n)),
                _ => Err(bad(format!("`{q}` is not a quarter Q1 to Q4"))),
            },
            Some((y, m)) => match m.parse::<u32>() {
                Ok(n @ 1..=12) if m.len() == 2 => Ok(Self::Month(year(y)?, n)),
                _ => Err(bad(format!("`{m}` is not a month 01 to 12"))),
            },
        }
    }

    /// How the period is written (the node's label in a calendar year).
    pub fn label(&self) -> String {
        match self {
            Self::Year(y) => y.to_string(),
            Self::Quarter(y, q) => format!("{y}-Q{q}"),
            Self::Month(y, m) => format!("{y}-{m:02}"),
            Self::Range(a, b) => format!("{a}..{b}"),
        }
    }

    /// Whether a day falls in the period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        match *self {
            Self::Year(y) => d.year() == y,
            Self::Quarter(y, q) => d.year() == y && (d.month() - 1) / 3 + 1 == q,
            Self::Month(y, m) => d.year() == y && d.month() == m,
            Self::Range(a, b) => a <= d && d <= b,
        }
    }

    /// The calendar year the period lies in (`None` for a range).
    pub fn calendar_year(&self) -> Option<i32> {
        match *self {
            Self::Year(y) | Self::Quarter(y, _) | Self::Month(y, _) => Some(y),
            Self::Range(..) => None,
        }
    }
}

/// What a report is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The period.
    pub period: Period,
    /// One district, or the whole scope.
    pub area: Option<String>,
    /// The breakdown of the columns, or totals only.
    pub by: Option<&'static str>,
    /// Which indicators (all when empty).
    pub indicators: Vec<&'static Indicator>,
    /// Exact figures (`analysis.exact`), or protected.
    pub exact: bool,
}

impl Request {
    /// Checks the API's query: `period` (required), `area`, `by`, `indicator` (comma-separated
    /// ids). A date range is refused unless `exact`.
    pub fn parse(
        period: Option<&str>,
        area: Option<&str>,
        by: Option<&str>,
        indicators: Option<&str>,
        exact: bool,
    ) -> Result<Self, ReportError> {
        let period = Period::parse(period.ok_or_else(|| ReportError::BadField {
            field: "period",
            message: format!("is required; {PERIOD_HELP}"),
        })?)?;
        if !exact && matches!(period, Period::Range(..)) {
            return Err(ReportError::BadField {
                field: "period",
                message: "a range of days is only for roles that see exact figures (analysis.exact); ask for a month (2026-06), a quarter (2026-Q2) or a year (2026), whose figures are protected together".into(),
            });
        }
        let area = match area.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) if a.chars().count() > 100 || a.chars().any(char::is_control) => {
                return Err(ReportError::BadField {
                    field: "area",
                    message: "must be a district's name as records carry it (at most 100 characters, no control characters), or left out for the whole scope".into(),
                })
            }
            Some(a) => Some(a.to_string()),
        };
        let names = crate::indicators::breakdown_names();
        let by = match by.map(str::trim).filter(|b| !b.is_empty()) {
            None => None,
            Some(b) => {
                Some(
                    *names
                        .iter()
                        .find(|n| **n == b)
                        .ok_or_else(|| ReportError::BadField {
                            field: "by",
                            message: format!(
                                "`{b}` is not a breakdown; use one of: {}",
                                names.join(", ")
                            ),
                        })?,
                )
            }
        };
        let mut chosen = Vec::new();
        for id in indicators.unwrap_or("").split(',').map(str::trim) {
            // An indicator named twice is shown once: a spreadsheet cannot hold two sheets of
            // one name, and asking for `reunified,reunified` answered a server error.
            if id.is_empty() || chosen.iter().any(|i: &&Indicator| i.id == id) {
                continue;
            }
            chosen.push(
                crate::indicators::indicator(id).ok_or_else(|| ReportError::BadField {
                    field: "indicator",
                    message: format!(
                        "`{id}` is not an indicator; use one of: {}",
                        INDICATORS
                            .iter()
                            .map(|i| i.id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?,
            );
        }
        if chosen.is_empty() {
            chosen = INDICATORS.iter().collect();
        }
        Ok(Self {
            period,
            area,
            by,
            indicators: chosen,
            exact,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_bad_ones_name_the_field() {
        assert_eq!(Period::parse("2026-06").unwrap(), Period::Month(2026, 6));
        assert_eq!(Period::parse("2026-q2").unwrap(), Period::Quarter(2026, 2));
        assert_eq!(Period::parse("2026").unwrap(), Period::Year(2026));
        assert!(matches!(
            Period::parse("2026-06-01..2026-06-15").unwrap(),
            Period::Range(..)
        ));
        for bad in [
            "2026-13",
            "June",
            "2026-Q5",
            "2026-6",
            "2026-06-15..2026-06-01",
            "",
        ] {
            let e = Period::parse(bad).unwrap_err();
            assert!(
                matches!(
                    &e,
                    ReportError::BadField {
                        field: "period",
                        ..
                    }
                ),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn an_indicator_named_twice_is_reported_once() {
        let r = Request::parse(
            Some("2026-06"),
            None,
            None,
            Some("reunified, reunified,tracing_started"),
            false,
        )
        .unwrap();
        let ids: Vec<&str> = r.indicators.iter().map(|i| i.id).collect();
        assert_eq!(ids, ["reunified", "tracing_started"]);
    }

    #[test]
    fn a_restricted_role_gets_no_range_of_days() {
        let e =
            Request::parse(Some("2026-06-01..2026-06-15"), None, None, None, false).unwrap_err();
        assert!(e.to_string().starts_with("period:"), "{e}");
        assert!(Request::parse(Some("2026-06-01..2026-06-15"), None, None, None, true).is_ok());
        let e = Request::parse(Some("2026-06"), None, Some("shoe_size"), None, false).unwrap_err();
        assert!(e.to_string().starts_with("by:"), "{e}");
        let e = Request::parse(Some("2026-06"), None, None, Some("nope"), false).unwrap_err();
        assert!(e.to_string().starts_with("indicator:"), "{e}");
        let e = Request::parse(Some("2026-06"), Some("a\u{7}b"), None, None, false).unwrap_err();
        assert!(e.to_string().starts_with("area:"), "{e}");
    }
}
