//! The attacker of the tests: given everything a table shows, its additivity equations and
//! that no count is negative, the least and the most each withheld cell can be (two linear
//! programmes per cell). A withheld cell whose least equals its most is disclosed.

use std::collections::BTreeMap;

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use crate::protect::Suppressed;
use crate::table::Table;

/// The range each withheld, published cell of a suppressed table can take given what is
/// shown; an unbounded maximum is `f64::INFINITY`.
pub fn ranges(s: &Suppressed) -> BTreeMap<usize, (f64, f64)> {
    let t = s.table();
    let targets: Vec<usize> = (0..t.len())
        .filter(|&i| t.is_published(i) && s.is_hidden(i))
        .collect();
    ranges_given(t, &|i| s.shown(i), &targets)
}

/// The range each target cell of a table shaped like `t` can take when the cells `shown`
/// answers are known and the others are only known to be non-negative.
pub fn ranges_given(
    t: &Table,
    shown: &dyn Fn(usize) -> Option<u64>,
    targets: &[usize],
) -> BTreeMap<usize, (f64, f64)> {
    let equations = t.equations();
    let solve = |target: usize, dir: OptimizationDirection| -> f64 {
        let mut p = Problem::new(dir);
        let vars: Vec<_> = (0..t.len())
            .map(|i| {
                let obj = if i == target { 1.0 } else { 0.0 };
                match shown(i) {
                    Some(v) => p.add_var(obj, (v as f64, v as f64)),
                    None => p.add_var(obj, (0.0, f64::INFINITY)),
                }
            })
            .collect();
        for eq in &equations {
            let expr: Vec<_> = eq.iter().map(|&(c, k)| (vars[c], k as f64)).collect();
            p.add_constraint(expr.as_slice(), ComparisonOp::Eq, 0.0);
        }
        match p.solve() {
            Ok(sol) => sol.objective(),
            Err(microlp::Error::Unbounded) => f64::INFINITY,
            Err(e) => panic!("the published table has no solution: {e}"),
        }
    };
    targets
        .iter()
        .map(|&i| {
            (
                i,
                (
                    solve(i, OptimizationDirection::Minimize),
                    solve(i, OptimizationDirection::Maximize),
                ),
            )
        })
        .collect()
}
