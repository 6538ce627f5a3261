//! Small-cell suppression that an attacker cannot undo: every published cell under the
//! threshold (11, as CTDC publishes, zero included) is withheld, and *complementary* cells are
//! withheld beside it until every withheld cell can move by at least the threshold without
//! changing any published figure.
//!
//! Why this holds. A table's cells obey its additivity equations (a row adds up to its total, a
//! month's counts to its quarter's). A *move* in one dimension is a ±1 pattern that keeps that
//! dimension's equations: `+a −b` between two leaves (their totals up to the common ancestor
//! move with them) or `+a` with every total above `a`. The product of one move per dimension,
//! a *box*, keeps every equation of the table. If every cell of a box is withheld (or never
//! published) and every cell the box lowers holds at least 11, then adding 11 times the box to
//! the true table gives another non-negative table that agrees with everything published, in
//! which each cell of the box differs by 11. No reasoning from the published figures (totals,
//! quarters against months, districts against the area, linear programming) can then tell the
//! true value from one 11 away. So each withheld cell is put in such a box; a box of totals
//! alone always exists (it only raises cells), so the search always ends, and among the boxes
//! it picks the one that withholds the least: the fewest and smallest cells, each weighed by how
//! many leaves it sums, so that totals (the year, the whole area) are the last to go.
//!
//! The result depends only on the table, so the same data always gives the same pattern:
//! asking for a month, then its quarter, then its year reveals nothing the three together do
//! not protect.

use crate::table::{odometer, Dim, Table};

/// Cells under this count are withheld from every role without `analysis.exact` and from
/// everything that leaves the system (CTDC publishes with k = 11).
pub const THRESHOLD: u64 = 11;

/// A ±1 pattern over one dimension's nodes that keeps its additivity equations.
type Move = Vec<(usize, i64)>;

/// How many leaves, the largest first, a node's moves are built from on each side: the largest
/// partners are the likeliest to hold 11 to lower, and a short list keeps the search fast on
/// tables of many districts. Any box found is sound; the list only decides how many are tried.
const PARTNERS: usize = 3;

/// For each node of a dimension, the moves through it that the search tries: `+a` with its
/// totals for the largest leaves `a` under the node, and `+a −b` with the largest leaves `b`
/// outside it. The first kind only raises cells, so a box of them always qualifies.
fn node_moves(dim: &Dim, margin: &[u64]) -> Vec<Vec<Move>> {
    let chain = |a: usize| -> Move { dim.chain(a).into_iter().map(|n| (n, 1)).collect() };
    let swap = |a: usize, b: usize| -> Move {
        let (ca, cb) = (dim.chain(a), dim.chain(b));
        let mut m: Move = ca
            .iter()
            .filter(|n| !cb.contains(n))
            .map(|&n| (n, 1))
            .collect();
        m.extend(cb.iter().filter(|n| !ca.contains(n)).map(|&n| (n, -1)));
        m
    };
    let mut leaves = dim.leaves();
    leaves.sort_by_key(|&l| (std::cmp::Reverse(margin[l]), l));
    (0..dim.len())
        .map(|n| {
            let under: Vec<usize> = leaves
                .iter()
                .copied()
                .filter(|&l| dim.under(l, n))
                .take(PARTNERS)
                .collect();
            let outside: Vec<usize> = leaves
                .iter()
                .copied()
                .filter(|&l| !dim.under(l, n))
                .take(PARTNERS)
                .collect();
            let mut moves: Vec<Move> = under.iter().map(|&a| chain(a)).collect();
            for &a in &under {
                moves.extend(outside.iter().map(|&b| swap(a, b)));
            }
            moves
        })
        .collect()
}

/// A table as it may be shown: its counts, and which are withheld.
#[derive(Debug, Clone)]
pub struct Suppressed {
    table: Table,
    hidden: Vec<bool>,
}

impl Suppressed {
    /// Nothing withheld: for roles with `analysis.exact`.
    pub fn exact(table: Table) -> Self {
        let hidden = vec![false; table.len()];
        Self { table, hidden }
    }

    /// Withholds published cells under `threshold` and nothing else. NOT safe on its own (a
    /// withheld cell is often its total minus the others); kept to show, in the tests, what
    /// complementary suppression prevents.
    pub fn primary_only(table: Table, threshold: u64) -> Self {
        let hidden = (0..table.len())
            .map(|i| table.is_published(i) && table.value(i) < threshold)
            .collect();
        Self { table, hidden }
    }

    /// Withholds every published cell under `threshold` and enough others that each withheld
    /// cell can move by `threshold` without changing a shown figure (see the module docs).
    pub fn protect(table: Table, threshold: u64) -> Self {
        let mut s = Self::primary_only(table, threshold);
        let moves: Vec<Vec<Vec<Move>>> = (0..s.table.dims().len())
            .map(|d| {
                let dim = &s.table.dims()[d];
                let margin: Vec<u64> = (0..dim.len())
                    .map(|n| {
                        let mut at = vec![0; s.table.dims().len()];
                        at[d] = n;
                        s.table.value(s.table.index(&at))
                    })
                    .collect();
                node_moves(dim, &margin)
            })
            .collect();
        // How many leaves each node sums: withholding a total costs as much as the detail under
        // it, so the search keeps the year and the area's totals for last.
        let breadth: Vec<Vec<u64>> = s
            .table
            .dims()
            .iter()
            .map(|dim| {
                let leaves = dim.leaves();
                (0..dim.len())
                    .map(|n| leaves.iter().filter(|&&l| dim.under(l, n)).count() as u64)
                    .collect()
            })
            .collect();
        let mut safe = vec![false; s.table.len()];
        let mut order: Vec<usize> = (0..s.table.len()).filter(|&i| s.hidden[i]).collect();
        order.sort_by_key(|&i| (s.table.value(i), i));
        for cell in order {
            if safe[cell] {
                continue;
            }
            let cells = s.best_box(cell, &moves, &breadth, threshold);
            for c in cells {
                safe[c] = true;
                if s.table.is_published(c) {
                    s.hidden[c] = true;
                }
            }
        }
        s
    }

    /// The cells of the cheapest box through `cell` that can move by `threshold`.
    fn best_box(
        &self,
        cell: usize,
        moves: &[Vec<Vec<Move>>],
        breadth: &[Vec<u64>],
        threshold: u64,
    ) -> Vec<usize> {
        let t = &self.table;
        let at = t.coords(cell);
        let candidates: Vec<Vec<&Move>> = moves
            .iter()
            .zip(&at)
            .map(|(per_node, &n)| per_node[n].iter().collect())
            .collect();
        let mut best: Option<(u64, Vec<usize>)> = None;
        let mut pick = vec![0usize; candidates.len()];
        loop {
            let chosen: Vec<&Move> = pick
                .iter()
                .enumerate()
                .map(|(d, &p)| candidates[d][p])
                .collect();
            let bound = best.as_ref().map(|(b, _)| *b);
            if let Some((cost, cells)) =
                self.box_cost(cell, &at, &chosen, (breadth, threshold), bound)
            {
                best = Some((cost, cells));
                if cost == 0 {
                    break;
                }
            }
            if !odometer(&mut pick, |d| candidates[d].len()) {
                break;
            }
        }
        // The box of totals only raises cells, so some box always qualifies.
        best.map(|(_, cells)| cells).unwrap_or_else(|| vec![cell])
    }

    /// What a box would newly withhold, or `None` when it would lower a cell under
    /// `threshold` (then it cannot move the cell by `threshold`) or would cost `bound` or more.
    fn box_cost(
        &self,
        cell: usize,
        at: &[usize],
        chosen: &[&Move],
        (breadth, threshold): (&[Vec<u64>], u64),
        bound: Option<u64>,
    ) -> Option<(u64, Vec<usize>)> {
        let t = &self.table;
        let sign_at: i64 = chosen
            .iter()
            .zip(at)
            .map(|(m, n)| m.iter().find(|(x, _)| x == n).map_or(0, |&(_, s)| s))
            .product();
        let mut cells = Vec::new();
        let mut cost = 0u64;
        let mut pick = vec![0usize; chosen.len()];
        loop {
            let mut sign = sign_at;
            let mut idx = 0;
            let mut weight = 1u64;
            for (d, &p) in pick.iter().enumerate() {
                let (node, s) = chosen[d][p];
                sign *= s;
                idx += node * t.stride(d);
                weight = weight.saturating_mul(breadth[d][node]);
            }
            let v = t.value(idx);
            if sign < 0 && v < threshold {
                return None;
            }
            if idx != cell && t.is_published(idx) && !self.hidden[idx] {
                cost = cost.saturating_add((v + 1).saturating_mul(weight));
                if bound.is_some_and(|b| cost >= b) {
                    return None;
                }
            }
            cells.push(idx);
            if !odometer(&mut pick, |d| chosen[d].len()) {
                return Some((cost, cells));
            }
        }
    }

    /// The table underneath (for the exact figures; never show them to a restricted role).
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Whether a cell is withheld.
    pub fn is_hidden(&self, index: usize) -> bool {
        self.hidden[index]
    }

    /// The count as shown: `None` when withheld or never published.
    pub fn shown(&self, index: usize) -> Option<u64> {
        (self.table.is_published(index) && !self.hidden[index]).then(|| self.table.value(index))
    }

    /// How many published cells are withheld.
    pub fn hidden_count(&self) -> usize {
        self.hidden.iter().filter(|h| **h).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attacker::ranges;

    fn two_by_two(counts: [[u64; 2]; 2]) -> Table {
        let mut t = Table::new(vec![
            Dim::flat("district", &["Dhubri", "Barpeta"]),
            Dim::flat("sex", &["female", "male"]),
        ]);
        for (r, row) in counts.iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                t.add(&[r + 1, c + 1], n).unwrap();
            }
        }
        t
    }

    #[test]
    fn primary_suppression_alone_is_undone_by_the_totals() {
        // Three girls in Dhubri: withheld, but the row total minus the boys gives them back.
        let s = Suppressed::primary_only(two_by_two([[3, 40], [25, 30]]), THRESHOLD);
        let girls = s.table().index(&[1, 1]);
        assert!(s.is_hidden(girls));
        let r = ranges(&s);
        let (lo, hi) = r[&girls];
        assert!(
            (hi - lo).abs() < 1e-6 && (lo - 3.0).abs() < 1e-6,
            "the attacker pins the withheld cell at 3: {lo}..{hi}"
        );
    }

    #[test]
    fn complementary_suppression_leaves_every_withheld_cell_eleven_wide() {
        let s = Suppressed::protect(two_by_two([[3, 40], [25, 30]]), THRESHOLD);
        assert!(s.hidden_count() >= 4, "a withheld cell needs a box of four");
        for (cell, (lo, hi)) in ranges(&s) {
            let v = s.table().value(cell) as f64;
            assert!(
                hi >= v + 11.0 - 1e-6 || lo <= v - 11.0 + 1e-6,
                "cell {cell} = {v} pinned to {lo}..{hi}"
            );
        }
        // The grand total is large and the girls can hide behind the boys: it stays shown.
        assert_eq!(s.shown(s.table().index(&[0, 0])), Some(98));
    }

    #[test]
    fn zero_is_withheld_too() {
        let s = Suppressed::protect(two_by_two([[0, 40], [25, 30]]), THRESHOLD);
        assert_eq!(s.shown(s.table().index(&[1, 1])), None);
    }

    #[test]
    fn exact_shows_everything() {
        let s = Suppressed::exact(two_by_two([[3, 40], [25, 30]]));
        assert_eq!(s.shown(s.table().index(&[1, 1])), Some(3));
        assert_eq!(s.hidden_count(), 0);
    }

    /// A quarter of two months (the year's hierarchy in small), `n` districts, `k` sexes and,
    /// when `age`, two age bands; counts cycle through `counts`.
    fn random_table(shape: (u8, usize, usize, bool, bool), counts: &[u64]) -> Table {
        let (time, districts, sexes, age, cross_limit) = shape;
        let mut period = Dim::single("period", "2026");
        if time > 0 {
            for q in 1..=2 {
                let qn = period.push(&format!("Q{q}"), 0);
                for m in 1..=time {
                    period.push(&format!("Q{q}-m{m}"), qn);
                }
            }
        }
        let names = ["Dhubri", "Barpeta", "Goalpara"];
        let mut dims = vec![
            period,
            Dim::flat("district", &names[..districts]),
            Dim::flat("sex", &["female", "male", "other"][..sexes]),
        ];
        if age {
            dims.push(Dim::flat("age_band", &["0-9", "10-17"]));
        }
        let leaves: Vec<Vec<usize>> = dims.iter().map(Dim::leaves).collect();
        let mut t = Table::new(dims);
        let mut pick = vec![0; leaves.len()];
        let mut i = 0;
        loop {
            let at: Vec<usize> = pick
                .iter()
                .enumerate()
                .map(|(d, &p)| leaves[d][p])
                .collect();
            t.add(&at, counts[i % counts.len()]).unwrap();
            i += 1;
            if !odometer(&mut pick, |d| leaves[d].len()) {
                break;
            }
        }
        if cross_limit && age {
            t.limit_crossings(&[2, 3], 1);
        }
        t
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]

        /// The attacker sees every published cell of the quarter and of its months (two
        /// overlapping periods), every district and the area, every total, and knows counts
        /// are never negative. Every withheld cell can still be 11 more or 11 less.
        #[test]
        fn the_attacker_cannot_pin_a_withheld_cell(
            time in 0u8..=2,
            districts in 1usize..=3,
            sexes in 2usize..=3,
            age in proptest::bool::ANY,
            cross_limit in proptest::bool::ANY,
            counts in proptest::collection::vec(
                proptest::prop_oneof![0u64..11, 0u64..40], 1..24),
        ) {
            let t = random_table((time, districts, sexes, age, cross_limit), &counts);
            let s = Suppressed::protect(t, THRESHOLD);
            for i in 0..s.table().len() {
                if s.table().is_published(i) && s.table().value(i) < THRESHOLD {
                    proptest::prop_assert!(s.is_hidden(i), "cell {} under 11 is shown", i);
                }
            }
            for (cell, (lo, hi)) in ranges(&s) {
                let v = s.table().value(cell) as f64;
                proptest::prop_assert!(
                    hi >= v + 11.0 - 1e-6 || lo <= v - 11.0 + 1e-6,
                    "cell {:?} = {} is pinned to {}..{}", s.table().coords(cell), v, lo, hi
                );
            }
        }
    }

    #[test]
    fn a_month_cannot_be_had_from_its_quarter_less_the_other_month() {
        // Quarter Q1 of months m1, m2; Dhubri has 4 children in m1 and 30 in m2. Primary
        // suppression alone shows the quarter (34) and m2 (30): m1 = 4 falls out.
        let mut period = Dim::single("period", "2026");
        let q1 = period.push("Q1", 0);
        let m1 = period.push("m1", q1);
        let m2 = period.push("m2", q1);
        let mut t = Table::new(vec![period, Dim::flat("district", &["Dhubri"])]);
        t.add(&[m1, 1], 4).unwrap();
        t.add(&[m2, 1], 30).unwrap();
        let broken = ranges(&Suppressed::primary_only(t.clone(), THRESHOLD));
        let m1_cell = t.index(&[m1, 1]);
        assert_eq!(broken[&m1_cell], (4.0, 4.0), "differencing gives m1 away");
        let safe = ranges(&Suppressed::protect(t, THRESHOLD));
        let (lo, hi) = safe[&m1_cell];
        assert!(hi >= 15.0, "m1 stays hidden in 4..{hi} (from {lo})");
    }
}
