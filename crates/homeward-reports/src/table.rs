//! Count tables with every total inside them: a table is the cross of a few dimensions (time,
//! place, sex, age band, a category), each a tree whose every inner node is the sum of its
//! children (a month's counts add up to its quarter's, the districts' to the area's). A cell is
//! one node of each dimension, so row, column, quarter and year totals are cells like any
//! other, and the disclosure control in `protect` treats them alike.
//!
//! A table also says which cells are ever *published*: crossing sex with age band in a small
//! camp singles children out, so a table can publish only the cells where at most one
//! breakdown is not at its total. Unpublished cells still exist (an attacker may reason about
//! them) but are never shown.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::ReportError;

/// One dimension: labelled nodes in a tree, each inner node the sum of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dim {
    /// What the dimension is (`sex`, `district`, `period`).
    pub name: String,
    labels: Vec<String>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

impl Dim {
    /// A dimension of one node and no breakdown.
    pub fn single(name: &str, label: &str) -> Self {
        Self {
            name: name.into(),
            labels: vec![label.into()],
            parent: vec![None],
            children: vec![Vec::new()],
        }
    }

    /// A total (node 0, labelled `total`) over flat categories (nodes 1..).
    pub fn flat<S: AsRef<str>>(name: &str, categories: &[S]) -> Self {
        let mut d = Self::single(name, "total");
        for c in categories {
            d.push(c.as_ref(), 0);
        }
        d
    }

    /// A calendar year (node 0), its four quarters and twelve months: the periods a role
    /// whose figures are suppressed may ask for, all in one table so that no month can be
    /// recovered by taking the other months from its quarter or year.
    pub fn calendar_year(year: i32) -> Self {
        let mut d = Self::single("period", &year.to_string());
        for q in 1..=4 {
            let qn = d.push(&format!("{year}-Q{q}"), 0);
            for m in (q - 1) * 3 + 1..=q * 3 {
                d.push(&format!("{year}-{m:02}"), qn);
            }
        }
        d
    }

    /// Adds a node under `parent` and answers its index.
    pub fn push(&mut self, label: &str, parent: usize) -> usize {
        let i = self.labels.len();
        self.labels.push(label.into());
        self.parent.push(Some(parent));
        self.children.push(Vec::new());
        self.children[parent].push(i);
        i
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Never true: a dimension has at least its root.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// A node's label.
    pub fn label(&self, node: usize) -> &str {
        &self.labels[node]
    }

    /// The node with this label.
    pub fn find(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// A node's parent (`None` for the root).
    pub fn parent(&self, node: usize) -> Option<usize> {
        self.parent[node]
    }

    /// A node's children.
    pub fn children(&self, node: usize) -> &[usize] {
        &self.children[node]
    }

    /// Whether the node has no children.
    pub fn is_leaf(&self, node: usize) -> bool {
        self.children[node].is_empty()
    }

    /// The leaves, in order.
    pub fn leaves(&self) -> Vec<usize> {
        (0..self.len()).filter(|&n| self.is_leaf(n)).collect()
    }

    /// The node and its ancestors up to the root.
    pub fn chain(&self, node: usize) -> Vec<usize> {
        let mut out = vec![node];
        let mut n = node;
        while let Some(p) = self.parent[n] {
            out.push(p);
            n = p;
        }
        out
    }

    /// Whether `node` is `ancestor` or lies under it.
    pub fn under(&self, node: usize, ancestor: usize) -> bool {
        self.chain(node).contains(&ancestor)
    }

    /// Every label with its node, for looking many up.
    pub fn lookup(&self) -> HashMap<String, usize> {
        self.labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect()
    }

    /// The leaf (month) of a [`Dim::calendar_year`] of `year` that a date falls in.
    pub fn month_of(year: i32, date: NaiveDate) -> Option<usize> {
        // The year, then each quarter followed by its three months.
        let m = date.month0() as usize;
        (date.year() == year).then_some(1 + (m / 3) * 4 + 1 + m % 3)
    }
}

/// A table of counts over the cross of its dimensions, totals included.
#[derive(Debug, Clone)]
pub struct Table {
    dims: Vec<Dim>,
    strides: Vec<usize>,
    values: Vec<u64>,
    published: Vec<bool>,
}

impl Table {
    /// An empty table (every count 0, every cell published).
    pub fn new(dims: Vec<Dim>) -> Self {
        let mut strides = vec![1; dims.len()];
        for d in (0..dims.len().saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * dims[d + 1].len();
        }
        let size = dims.iter().map(Dim::len).product();
        Self {
            dims,
            strides,
            values: vec![0; size],
            published: vec![true; size],
        }
    }

    /// The dimensions.
    pub fn dims(&self) -> &[Dim] {
        &self.dims
    }

    /// How many cells, totals included.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Never true: a table has at least its grand total.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The cell at these nodes (one per dimension).
    pub fn index(&self, coords: &[usize]) -> usize {
        coords.iter().zip(&self.strides).map(|(c, s)| c * s).sum()
    }

    /// How far apart two neighbouring nodes of dimension `d` lie among the cells.
    pub(crate) fn stride(&self, d: usize) -> usize {
        self.strides[d]
    }

    /// The nodes of a cell.
    pub fn coords(&self, mut index: usize) -> Vec<usize> {
        self.strides
            .iter()
            .map(|s| {
                let c = index / s;
                index %= s;
                c
            })
            .collect()
    }

    /// The count in a cell.
    pub fn value(&self, index: usize) -> u64 {
        self.values[index]
    }

    /// Whether the cell is ever shown.
    pub fn is_published(&self, index: usize) -> bool {
        self.published[index]
    }

    /// Counts `n` at these leaves: the leaf cell and every total above it grow by `n`.
    pub fn add(&mut self, leaves: &[usize], n: u64) -> Result<(), ReportError> {
        if leaves.len() != self.dims.len() {
            return Err(ReportError::Shape(format!(
                "{} coordinates for {} dimensions",
                leaves.len(),
                self.dims.len()
            )));
        }
        let mut chains = Vec::with_capacity(leaves.len());
        for (d, &leaf) in self.dims.iter().zip(leaves) {
            if leaf >= d.len() || !d.is_leaf(leaf) {
                return Err(ReportError::Shape(format!(
                    "node {leaf} of `{}` is not a leaf",
                    d.name
                )));
            }
            chains.push(d.chain(leaf));
        }
        let mut pick = vec![0usize; chains.len()];
        loop {
            let idx: usize = pick
                .iter()
                .enumerate()
                .map(|(d, &p)| chains[d][p] * self.strides[d])
                .sum();
            self.values[idx] += n;
            if !odometer(&mut pick, |d| chains[d].len()) {
                return Ok(());
            }
        }
    }

    /// Publishes only the cells where at most `max` of the dimensions `dims` are below their
    /// root (for `max = 1`: one breakdown at a time, never sex crossed with age band).
    pub fn limit_crossings(&mut self, dims: &[usize], max: usize) {
        for i in 0..self.values.len() {
            let coords = self.coords(i);
            let crossed = dims.iter().filter(|&&d| coords[d] != 0).count();
            self.published[i] = crossed <= max;
        }
    }

    /// Publishes only the inner cells (no total of any dimension): a listing of counts.
    pub fn publish_only_leaves(&mut self) {
        for i in 0..self.values.len() {
            let coords = self.coords(i);
            self.published[i] = coords.iter().zip(&self.dims).all(|(&c, d)| d.is_leaf(c));
        }
    }

    /// The additivity equations: for every inner node of every dimension and every choice of
    /// nodes in the others, the node's cell minus its children's cells is 0. Each is a list of
    /// (cell, coefficient); an attacker knows all of them.
    pub fn equations(&self) -> Vec<Vec<(usize, i64)>> {
        let mut out = Vec::new();
        for i in 0..self.values.len() {
            let coords = self.coords(i);
            for (d, dim) in self.dims.iter().enumerate() {
                let kids = dim.children(coords[d]);
                if kids.is_empty() {
                    continue;
                }
                let mut eq = vec![(i, 1)];
                for &k in kids {
                    eq.push((i - coords[d] * self.strides[d] + k * self.strides[d], -1));
                }
                out.push(eq);
            }
        }
        out
    }
}

/// Steps a mixed-radix counter; false once it wraps round.
pub(crate) fn odometer(pick: &mut [usize], len: impl Fn(usize) -> usize) -> bool {
    for d in (0..pick.len()).rev() {
        pick[d] += 1;
        if pick[d] < len(d) {
            return true;
        }
        pick[d] = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_reaches_every_total_above_it() {
        let year = Dim::calendar_year(2026);
        let june = year.find("2026-06").unwrap();
        let q2 = year.find("2026-Q2").unwrap();
        let sex = Dim::flat("sex", &["female", "male"]);
        let mut t = Table::new(vec![year, sex]);
        t.add(&[june, 2], 3).unwrap();
        assert_eq!(t.value(t.index(&[june, 2])), 3);
        assert_eq!(t.value(t.index(&[q2, 0])), 3);
        assert_eq!(t.value(t.index(&[0, 0])), 3);
        assert_eq!(t.value(t.index(&[0, 1])), 0);
        for m in 1..=12 {
            let d = NaiveDate::from_ymd_opt(2026, m, 15).unwrap();
            let label = format!("2026-{m:02}");
            assert_eq!(Dim::month_of(2026, d), t.dims()[0].find(&label), "{label}");
        }
        assert_eq!(
            Dim::month_of(2025, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            None
        );
        assert!(t.add(&[q2, 2], 1).is_err(), "a quarter is not a leaf");
        for eq in t.equations() {
            let sum: i64 = eq.iter().map(|&(c, k)| k * t.value(c) as i64).sum();
            assert_eq!(sum, 0);
        }
    }

    #[test]
    fn crossings_can_be_kept_out_of_what_is_published() {
        let mut t = Table::new(vec![
            Dim::flat("sex", &["f", "m"]),
            Dim::flat("age", &["0-4", "5-9"]),
        ]);
        t.limit_crossings(&[0, 1], 1);
        assert!(t.is_published(t.index(&[1, 0])));
        assert!(t.is_published(t.index(&[0, 2])));
        assert!(!t.is_published(t.index(&[1, 2])));
    }
}
