//! A report: the indicators over one period and area, each as a table of places by one
//! breakdown, with the figures a role may see.
//!
//! For a role with `analysis.exact` the figures are exact and the period may be any date range.
//! For every other role (and everything that leaves the system) the period must be a calendar
//! month, quarter or year, and each indicator's counts are protected in one table holding the
//! whole calendar year (its months, quarters and the year), every district of the caller's
//! scope and the area, and every breakdown: whatever period, area or breakdown is asked, the
//! figures come from the same protected table, so asking twice and subtracting gains nothing.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use homeward_domain::RecordKind;
use serde::Serialize;

use crate::indicators::{district, Breakdown, Facts, Indicator, Measure, Population};
use crate::listing::ListingRow;
use crate::protect::{Suppressed, THRESHOLD};
pub use crate::request::{Period, Request};
use crate::table::{odometer, Dim, Table};
use crate::ReportError;

/// One place's figures for one indicator; `None` is a withheld figure.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The district, or `all` for the whole scope.
    pub place: String,
    /// The count (or a share's numerator) per column.
    pub count: Vec<Option<u64>>,
    /// A share's population (its denominator) per column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<Option<u64>>>,
    /// A share in percent, where both its counts are shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<Vec<Option<f64>>>,
    /// A median number of days, where its count is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days: Option<Vec<Option<f64>>>,
}

/// One indicator's table.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorTable {
    /// Its id.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Who is counted.
    pub population: &'static str,
    /// The numerator of a share, or the measure of a median.
    pub numerator: Option<&'static str>,
    /// The rule in full.
    pub rule: &'static str,
    /// The breakdown of the columns (`None`: totals only, or not available here).
    pub by: Option<&'static str>,
    /// The column heads; the last is `total`.
    pub columns: Vec<String>,
    /// One row per place: the area, or each district then `all`.
    pub rows: Vec<Row>,
    /// How many published cells of its protected tables are withheld (0 when exact).
    pub withheld_cells: usize,
}

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The period asked for.
    pub period: String,
    /// The area asked for.
    pub area: Option<String>,
    /// Whether the figures are exact.
    pub exact: bool,
    /// Counts under this are withheld when not exact.
    pub suppress_below: u64,
    /// The indicators.
    pub indicators: Vec<IndicatorTable>,
}

impl Report {
    /// How many rows the report holds (for the audit trail).
    pub fn row_count(&self) -> usize {
        self.indicators.iter().map(|i| i.rows.len()).sum()
    }
}

/// A counted table with the protection the request calls for.
#[derive(Clone)]
struct Counted {
    table: Suppressed,
    period_node: usize,
}

/// Builds the report from the plain facts of the records of every kind the indicators need.
pub fn build(req: &Request, facts: &[Facts]) -> Result<Report, ReportError> {
    let mut out = Vec::new();
    // One protected table per population: indicators that count the same children show the
    // same figures withheld alike.
    let mut populations: HashMap<&'static str, Counted> = HashMap::new();
    // The places are every district that records of the kind carry in the caller's scope,
    // whatever the area, period or population: the same count always lands in a table of the
    // same shape, and so is withheld alike wherever it appears.
    let places = places_by_kind(facts);
    // Several indicators count one population: its records are sorted out once (on 100,000
    // cases each pass reads several fields of every record).
    let mut members: HashMap<&'static str, Vec<&Facts>> = HashMap::new();
    for ind in &req.indicators {
        let pop = ind.population;
        let mine = members.entry(pop.id).or_insert_with(|| {
            facts
                .iter()
                .filter(|f| f.kind == pop.source && (pop.counts)(f))
                .collect()
        });
        let kind_places = places
            .get(&ind.population.source)
            .map(Vec::as_slice)
            .unwrap_or_default();
        out.push(indicator_table(
            req,
            ind,
            mine,
            kind_places,
            &mut populations,
        )?);
    }
    Ok(Report {
        period: req.period.label(),
        area: req.area.clone(),
        exact: req.exact,
        suppress_below: THRESHOLD,
        indicators: out,
    })
}

/// Every district that records of each kind carry.
fn places_by_kind(facts: &[Facts]) -> HashMap<RecordKind, Vec<String>> {
    let mut places: HashMap<RecordKind, Vec<String>> = HashMap::new();
    for f in facts {
        places
            .entry(f.kind)
            .or_default()
            .push(district(f).to_string());
    }
    for p in places.values_mut() {
        p.sort_unstable();
        p.dedup();
    }
    places
}

/// A population counted by month and by one of its breakdowns, over every place, read from the
/// very tables a report of each calendar year protects: a month's count shown here is shown
/// there too, and one withheld there is withheld here (the recruitment analysis lists these).
/// Below supervisor every month of each year with records gets a row for every value.
pub fn monthly_listing(
    pop: &'static Population,
    breakdown: &str,
    facts: &[Facts],
    exact: bool,
) -> Result<Vec<ListingRow>, ReportError> {
    let dim = 2 + pop
        .breakdowns
        .iter()
        .position(|b| b.name() == breakdown)
        .ok_or_else(|| ReportError::Shape(format!("{} has no breakdown {breakdown}", pop.id)))?;
    let places = places_by_kind(facts);
    let places = places
        .get(&pop.source)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mine: Vec<&Facts> = facts
        .iter()
        .filter(|f| f.kind == pop.source && (pop.counts)(f))
        .collect();
    let years: BTreeSet<i32> = mine
        .iter()
        .filter_map(|f| (pop.date)(f))
        .map(|d| d.year())
        .collect();
    let mut rows = Vec::new();
    for year in years {
        let req = Request {
            period: Period::Year(year),
            area: None,
            by: None,
            indicators: Vec::new(),
            exact: false,
        };
        let (counted, _) = count(&req, pop, &mine, places, None)?;
        let counted = if exact {
            Suppressed::exact(counted.table)
        } else {
            finish(&req, counted).table
        };
        let t = counted.table();
        let months = t.dims()[0].leaves();
        let values = t.dims()[dim].leaves();
        for &m in &months {
            for &v in &values {
                let mut at = vec![0; t.dims().len()];
                at[0] = m;
                at[dim] = v;
                let cell = t.index(&at);
                if exact && t.value(cell) == 0 {
                    continue;
                }
                rows.push(ListingRow {
                    month: t.dims()[0].label(m).to_string(),
                    value: t.dims()[dim].label(v).to_string(),
                    count: counted.shown(cell),
                });
            }
        }
    }
    Ok(rows)
}

fn indicator_table(
    req: &Request,
    ind: &'static Indicator,
    facts: &[&Facts],
    places: &[String],
    populations: &mut HashMap<&'static str, Counted>,
) -> Result<IndicatorTable, ReportError> {
    let by_dim = req
        .by
        .and_then(|b| ind.population.breakdowns.iter().position(|x| x.name() == b));
    let share = match ind.measure {
        Measure::Share(num) => Some(num),
        _ => None,
    };
    let finish = |c: Uncounted| finish(req, c);
    // A population already counted and protected for an earlier indicator is not counted
    // again, unless this indicator's numerator must be.
    let (population, numerator) = match populations.get(ind.population.id) {
        Some(done) if share.is_none() => (done.clone(), None),
        cached => {
            let cached = cached.cloned();
            let (population, numerator) = count(req, ind.population, facts, places, share)?;
            let done = match cached {
                Some(done) => done,
                None => {
                    let done = finish(population);
                    populations.insert(ind.population.id, done.clone());
                    done
                }
            };
            (done, numerator)
        }
    };
    let numerator = numerator.map(finish);
    let t = population.table.table();
    let place_dim = &t.dims()[1];
    let rows_at: Vec<(String, Option<usize>)> = match &req.area {
        Some(a) => vec![(
            a.clone(),
            place_dim
                .leaves()
                .into_iter()
                .find(|&n| place_dim.label(n).eq_ignore_ascii_case(a)),
        )],
        None => place_dim
            .leaves()
            .into_iter()
            .chain([0])
            .map(|n| (place_dim.label(n).to_string(), Some(n)))
            .collect(),
    };
    let columns: Vec<usize> = match by_dim {
        Some(d) => {
            let dim = &t.dims()[2 + d];
            dim.leaves().into_iter().chain([0]).collect()
        }
        None => vec![0],
    };
    let column_names = columns
        .iter()
        .map(|&c| match by_dim {
            Some(d) => t.dims()[2 + d].label(c).to_string(),
            None => "total".into(),
        })
        .collect();
    let cell = |c: &Counted, place: Option<usize>, col: usize| -> Option<u64> {
        let place = place?;
        let mut at = vec![0; c.table.table().dims().len()];
        at[0] = c.period_node;
        at[1] = place;
        if let Some(d) = by_dim {
            at[2 + d] = col;
        }
        c.table.shown(c.table.table().index(&at))
    };
    let medians = match ind.measure {
        Measure::MedianDays(days) => Some(days),
        _ => None,
    };
    let rows = rows_at
        .iter()
        .map(|(label, place)| {
            let count_of = |c: &Counted| columns.iter().map(|&col| cell(c, *place, col)).collect();
            let pop: Vec<Option<u64>> = count_of(&population);
            let mut row = Row {
                place: label.clone(),
                count: pop.clone(),
                of: None,
                percent: None,
                median_days: None,
            };
            if let Some(num) = &numerator {
                let n: Vec<Option<u64>> = count_of(num);
                row.percent = Some(
                    n.iter()
                        .zip(&pop)
                        .map(|(n, d)| match (n, d) {
                            (Some(n), Some(d)) if *d > 0 => {
                                Some((*n as f64 * 1000.0 / *d as f64).round() / 10.0)
                            }
                            _ => None,
                        })
                        .collect(),
                );
                row.count = n;
                row.of = Some(pop);
            } else if let Some(days) = medians {
                // A median is shown only where the count of children it summarises is.
                let m = match (pop[0], place) {
                    (Some(_), Some(p)) => {
                        let node = place_dim.label(*p).to_string();
                        let mut v: Vec<i64> = facts
                            .iter()
                            .filter(|f| in_period(req, ind, f))
                            .filter(|f| *p == 0 || district(f) == node)
                            .filter_map(|f| days(f))
                            .collect();
                        median(&mut v)
                    }
                    _ => None,
                };
                row.median_days = Some(vec![m]);
            }
            row
        })
        .collect();
    let withheld_cells =
        population.table.hidden_count() + numerator.as_ref().map_or(0, |n| n.table.hidden_count());
    Ok(IndicatorTable {
        id: ind.id,
        title: ind.title,
        population: ind.population.description,
        numerator: ind.numerator,
        rule: ind.rule,
        by: by_dim.map(|d| ind.population.breakdowns[d].name()),
        columns: column_names,
        rows,
        withheld_cells,
    })
}

fn in_period(req: &Request, ind: &Indicator, f: &Facts) -> bool {
    (ind.population.date)(f).is_some_and(|d| req.period.contains(d))
}

fn median(v: &mut [i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid] as f64
    } else {
        (v[mid - 1] + v[mid]) as f64 / 2.0
    })
}

/// Counts the records into a table of period × place × breakdowns, and those that pass
/// `numerator` into a second one.
fn count(
    req: &Request,
    pop: &Population,
    facts: &[&Facts],
    places: &[String],
    numerator: Option<fn(&Facts) -> bool>,
) -> Result<(Uncounted, Option<Uncounted>), ReportError> {
    let period_dim = match req.period.calendar_year() {
        Some(y) if !req.exact => Dim::calendar_year(y),
        _ => Dim::single("period", &req.period.label()),
    };
    let mut place_dim = Dim::single("district", "all");
    for p in places {
        place_dim.push(p, 0);
    }
    let mut dims = vec![period_dim, place_dim];
    dims.extend(
        pop.breakdowns
            .iter()
            .map(|b: &Breakdown| Dim::flat(b.name(), &b.values())),
    );
    let mut table = Table::new(dims);
    let mut num_table = numerator.map(|_| table.clone());
    let lookups: Vec<HashMap<String, usize>> = table.dims().iter().map(Dim::lookup).collect();
    let unknown: Vec<usize> = lookups
        .iter()
        .map(|l| l.get("unknown").copied().unwrap_or(0))
        .collect();
    let calendar = req.period.calendar_year().filter(|_| !req.exact);
    for f in facts {
        let Some(date) = (pop.date)(f) else {
            continue;
        };
        let leaf = match calendar {
            Some(year) => Dim::month_of(year, date),
            None => req.period.contains(date).then_some(0),
        };
        let Some(leaf) = leaf else { continue };
        let place = *lookups[1]
            .get(district(f))
            .ok_or_else(|| ReportError::Shape("a district missing from its dimension".into()))?;
        // A multiple choice counts under each of its values.
        let values: Vec<Vec<usize>> = pop
            .breakdowns
            .iter()
            .enumerate()
            .map(|(d, b)| {
                b.read(f)
                    .iter()
                    .map(|v| {
                        lookups[2 + d]
                            .get(v.as_str())
                            .copied()
                            .unwrap_or(unknown[2 + d])
                    })
                    .collect()
            })
            .collect();
        let mut pick = vec![0; values.len()];
        let mut at = vec![leaf, place];
        at.extend(values.iter().map(|v| v[0]));
        loop {
            for (d, &p) in pick.iter().enumerate() {
                at[2 + d] = values[d][p];
            }
            table.add(&at, 1)?;
            if let (Some(t), Some(num)) = (num_table.as_mut(), numerator) {
                if num(f) {
                    t.add(&at, 1)?;
                }
            }
            if !odometer(&mut pick, |d| values[d].len()) {
                break;
            }
        }
    }
    let period_node = table.dims()[0].find(&req.period.label()).unwrap_or(0);
    Ok((
        Uncounted { table, period_node },
        num_table.map(|table| Uncounted { table, period_node }),
    ))
}

/// A counted table not yet protected.
struct Uncounted {
    table: Table,
    period_node: usize,
}

/// Protects a counted table as the request calls for.
fn finish(req: &Request, c: Uncounted) -> Counted {
    let mut table = c.table;
    let crossed: Vec<usize> = (2..table.dims().len()).collect();
    table.limit_crossings(&crossed, 1);
    let table = if req.exact {
        Suppressed::exact(table)
    } else {
        Suppressed::protect(table, THRESHOLD)
    };
    Counted {
        table,
        period_node: c.period_node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::FactEvent;

    fn registered(district: &str, sex: &str, date: &str) -> Facts {
        crate::indicators::tests::case(
            serde_json::json!({"protection_status": "separated", "stage": "registered",
                "sex": sex, "age": 12, "district": district, "registration_date": date}),
            vec![],
        )
    }

    #[test]
    fn a_restricted_report_shows_no_count_under_eleven_and_an_exact_one_shows_all() {
        let mut facts = Vec::new();
        for i in 0..30 {
            facts.push(registered(
                "Barpeta",
                if i % 2 == 0 { "female" } else { "male" },
                "2026-06-10",
            ));
        }
        for _ in 0..3 {
            facts.push(registered("Dhubri", "female", "2026-06-12"));
        }
        facts.push(registered("Dhubri", "male", "2026-05-02"));
        let ask = |exact| {
            let req = Request::parse(
                Some("2026-06"),
                None,
                Some("sex"),
                Some("uasc_registered"),
                exact,
            )
            .unwrap();
            build(&req, &facts).unwrap()
        };
        let protected = ask(false);
        let table = &protected.indicators[0];
        assert_eq!(table.by, Some("sex"));
        assert_eq!(table.columns.last().map(String::as_str), Some("total"));
        for row in &table.rows {
            for c in row.count.iter().flatten() {
                assert!(*c >= THRESHOLD, "{} shows {c}", row.place);
            }
        }
        let dhubri = table.rows.iter().find(|r| r.place == "Dhubri").unwrap();
        assert!(dhubri.count.iter().all(Option::is_none), "{dhubri:?}");
        assert!(table.withheld_cells > 0);
        let exact = ask(true);
        let dhubri = exact.indicators[0]
            .rows
            .iter()
            .find(|r| r.place == "Dhubri")
            .unwrap();
        assert_eq!(
            dhubri.count,
            vec![Some(3), Some(0), Some(0), Some(0), Some(3)]
        );
        let all = exact.indicators[0].rows.last().unwrap();
        assert_eq!(
            (all.place.as_str(), all.count.last()),
            ("all", Some(&Some(33)))
        );
    }

    #[test]
    fn indicators_of_one_population_withhold_alike() {
        let mut facts = Vec::new();
        for i in 0..40 {
            let d = if i % 7 == 0 { "Dhubri" } else { "Barpeta" };
            facts.push(registered(
                d,
                if i % 3 == 0 { "female" } else { "male" },
                "2026-06-10",
            ));
        }
        let req = Request::parse(
            Some("2026-06"),
            None,
            Some("sex"),
            Some("uasc_registered,tracing_started,reunified"),
            false,
        )
        .unwrap();
        let report = build(&req, &facts).unwrap();
        let counts: Vec<Vec<Option<u64>>> = report.indicators[0]
            .rows
            .iter()
            .map(|r| r.count.clone())
            .collect();
        for share in &report.indicators[1..] {
            let of: Vec<Vec<Option<u64>>> =
                share.rows.iter().map(|r| r.of.clone().unwrap()).collect();
            assert_eq!(of, counts, "{}", share.id);
        }
    }

    #[test]
    fn a_numerator_equal_to_another_population_is_withheld_alike() {
        // Reunified children followed up (a numerator) are the population of "still with the
        // family"; Dhubri's children were reunified but not yet visited, so only one of the two
        // has Dhubri's children in it, yet both tables have the same places.
        let ev = |kind: &str, plain: serde_json::Value, done: Option<&str>| FactEvent {
            kind: kind.into(),
            plain,
            done_at: done.map(Into::into),
        };
        let mut facts = Vec::new();
        for i in 0..30 {
            let mut f = registered(
                "Barpeta",
                if i % 4 == 0 { "female" } else { "male" },
                "2026-01-10",
            );
            f.events = vec![
                ev(
                    "reunification",
                    serde_json::json!({"reunification_date": "2026-06-02"}),
                    None,
                ),
                ev(
                    "followup",
                    serde_json::json!({"child_with_family": i % 5 != 0}),
                    Some("2026-06-20"),
                ),
            ];
            facts.push(f);
        }
        for _ in 0..3 {
            let mut f = registered("Dhubri", "female", "2026-01-10");
            f.events = vec![ev(
                "reunification",
                serde_json::json!({"reunification_date": "2026-06-03"}),
                None,
            )];
            facts.push(f);
        }
        let req = Request::parse(
            Some("2026-06"),
            None,
            Some("sex"),
            Some("reunified_followed_up,with_family_at_last_followup"),
            false,
        )
        .unwrap();
        let report = build(&req, &facts).unwrap();
        let followed: Vec<_> = report.indicators[0]
            .rows
            .iter()
            .map(|r| r.count.clone())
            .collect();
        let of: Vec<_> = report.indicators[1]
            .rows
            .iter()
            .map(|r| r.of.clone().unwrap())
            .collect();
        assert_eq!(followed, of);
        assert!(report.indicators[1]
            .rows
            .iter()
            .any(|r| r.place == "Dhubri"));
    }

    #[test]
    fn the_monthly_listing_withholds_what_the_report_withholds() {
        let incident = |district: &str, method: &str, date: &str| {
            Facts {
            kind: RecordKind::Incident,
            reference: "IN-TEST".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            status: "open".into(),
            fields: serde_json::json!({"district": district, "method_of_recruitment": method, "incident_date": date})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            events: Vec::new(),
        }
        };
        let mut facts = Vec::new();
        for i in 0..25 {
            let method = if i % 2 == 0 { "job_offer" } else { "debt" };
            facts.push(incident("Barpeta", method, "2026-10-05"));
        }
        facts.push(incident("Dhubri", "abduction", "2026-10-07"));
        facts.push(incident("Dhubri", "job_offer", "2026-09-07"));
        let listing = monthly_listing(
            &crate::population::INCIDENTS,
            "method_of_recruitment",
            &facts,
            false,
        )
        .unwrap();
        assert_eq!(
            listing.len(),
            12 * 11,
            "every month of the year, every value"
        );
        let req = Request::parse(
            Some("2026-10"),
            None,
            Some("method_of_recruitment"),
            Some("incidents_by_recruitment"),
            false,
        )
        .unwrap();
        let report = build(&req, &facts).unwrap();
        let table = &report.indicators[0];
        let all = table.rows.iter().find(|r| r.place == "all").unwrap();
        for (c, column) in table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| *c != "total")
        {
            let listed = listing
                .iter()
                .find(|r| r.month == "2026-10" && r.value == *column)
                .unwrap();
            assert_eq!(listed.count, all.count[c], "{column}");
        }
        let exact = monthly_listing(
            &crate::population::INCIDENTS,
            "method_of_recruitment",
            &facts,
            true,
        )
        .unwrap();
        assert_eq!(exact.len(), 4, "exact: the pairs that occur");
    }
}
