//! Listings of counts by month and value (the recruitment analysis: who recruits, how, along
//! which routes), as a role may see them.
//!
//! For a role with exact figures, the listing has a row for each month and value that occurs.
//! For every other role, each month that occurs gets a row for *every* value, and counts under
//! 11 (zero included) are withheld alike: a missing row would tell a zero from a small count.
//! Values that are free labels rather than a fixed list (routes between districts) are named
//! only when they total 11 or more over the whole listing; the rest are counted together under
//! [`OTHER`], so a rare route does not reveal that someone took it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::protect::{Suppressed, THRESHOLD};
use crate::table::{Dim, Table};

/// The value under which rare free labels are counted together.
pub const OTHER: &str = "other (each fewer than 11)";

/// One row of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingRow {
    /// The month (YYYY-MM).
    pub month: String,
    /// The value.
    pub value: String,
    /// The count; `None` when withheld.
    pub count: Option<u64>,
}

/// Lists `counts` (by month and value) as a role may see them. `values` is the fixed list of
/// values, or `None` for free labels.
pub fn month_value_listing(
    counts: &BTreeMap<(String, String), u64>,
    values: Option<&[&str]>,
    exact: bool,
) -> Vec<ListingRow> {
    if exact {
        return counts
            .iter()
            .map(|((month, value), n)| ListingRow {
                month: month.clone(),
                value: value.clone(),
                count: Some(*n),
            })
            .collect();
    }
    let label = |v: &str| -> String {
        match values {
            Some(_) => v.to_string(),
            None => {
                let total: u64 = counts
                    .iter()
                    .filter(|((_, x), _)| x == v)
                    .map(|(_, n)| n)
                    .sum();
                if total >= THRESHOLD {
                    v.to_string()
                } else {
                    OTHER.to_string()
                }
            }
        }
    };
    let months: BTreeSet<&str> = counts.keys().map(|(m, _)| m.as_str()).collect();
    let mut universe: BTreeSet<String> = values
        .unwrap_or_default()
        .iter()
        .map(|v| v.to_string())
        .collect();
    universe.extend(counts.keys().map(|(_, v)| label(v)));
    let months: Vec<&str> = months.into_iter().collect();
    let universe: Vec<String> = universe.into_iter().collect();
    let mut table = Table::new(vec![
        Dim::flat("month", &months),
        Dim::flat("value", &universe),
    ]);
    for ((month, value), n) in counts {
        let m = months.iter().position(|x| x == month).map_or(0, |i| i + 1);
        let v = universe
            .iter()
            .position(|x| *x == label(value))
            .map_or(0, |i| i + 1);
        // Both are leaves of the dimensions just built from these very keys.
        let _ = table.add(&[m, v], *n);
    }
    table.publish_only_leaves();
    let shown = Suppressed::protect(table, THRESHOLD);
    let mut rows = Vec::with_capacity(months.len() * universe.len());
    for (mi, month) in months.iter().enumerate() {
        for (vi, value) in universe.iter().enumerate() {
            rows.push(ListingRow {
                month: month.to_string(),
                value: value.clone(),
                count: shown.shown(shown.table().index(&[mi + 1, vi + 1])),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
        rows.iter()
            .map(|(m, v, n)| ((m.to_string(), v.to_string()), *n))
            .collect()
    }

    #[test]
    fn a_zero_looks_like_a_small_count_below_supervisor() {
        let c = counts(&[("2026-10", "job_offer", 11), ("2026-10", "abduction", 3)]);
        let rows = month_value_listing(&c, Some(&["abduction", "debt", "job_offer"]), false);
        let count = |v: &str| rows.iter().find(|r| r.value == v).unwrap().count;
        assert_eq!(count("job_offer"), Some(11));
        assert_eq!(count("abduction"), None);
        assert_eq!(count("debt"), None, "a zero is withheld, not left out");
        let exact = month_value_listing(&c, Some(&["abduction", "debt", "job_offer"]), true);
        assert_eq!(exact.len(), 2);
        assert_eq!(exact[0].count, Some(3));
    }

    #[test]
    fn a_rare_route_is_not_named() {
        let c = counts(&[
            ("2026-10", "Barpeta → Delhi", 14),
            ("2026-10", "Dhubri → Sikkim", 1),
        ]);
        let rows = month_value_listing(&c, None, false);
        assert!(
            rows.iter().all(|r| r.value != "Dhubri → Sikkim"),
            "{rows:?}"
        );
        assert!(rows.iter().any(|r| r.value == OTHER && r.count.is_none()));
        assert!(rows
            .iter()
            .any(|r| r.value == "Barpeta → Delhi" && r.count == Some(14)));
    }
}
