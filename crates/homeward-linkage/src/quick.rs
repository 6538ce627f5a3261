//! Quick pre-scoring of gathered candidates. On 200,000 records a common given name in a
//! district gathers hundreds of namesakes per tracing request; comparing each of them field by
//! field (Jaro–Winkler, phonetic sets, villages) would take minutes. Each record instead gets a
//! compact row of *quick keys* (one `u64` per field, in one contiguous table): a name's
//! phonetic key, a village's core name, the district, the age, the sex. A candidate's quick
//! score sums the model's weight of the level those keys imply (agreeing names score as
//! "sounds alike", differing ones as "different"); only the best few per request are then
//! compared in full.

use crate::compare::{FieldValue, Kind};
use crate::linker::{Linker, PreparedRecord};
use crate::model::Model;

/// How a field's quick key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuickKind {
    /// Equal keys agree (names: first word's phonetic key; village: core name; sex).
    Equal,
    /// Ages in years, compared by the comparator's bands.
    Age,
    /// District ids, compared by the place table.
    District,
    /// Not pre-scored (dates, free text): costs more than it tells at this stage.
    Skip,
}

/// The quick keys of a list of records and the weights of their levels.
#[derive(Clone, Debug, Default)]
pub struct QuickTable {
    kinds: Vec<QuickKind>,
    bands: Vec<Vec<i32>>,
    /// `rows[i * n + f]`: field `f`'s key of record `i` (0 = blank).
    rows: Vec<u64>,
    n: usize,
    /// Per field: weight when the keys agree, when they differ; per level for ages and
    /// districts.
    weights: Vec<Vec<f32>>,
}

fn kind_of(kind: Kind) -> QuickKind {
    match kind {
        Kind::Name | Kind::Village | Kind::Sex | Kind::Exact => QuickKind::Equal,
        Kind::Age => QuickKind::Age,
        Kind::District => QuickKind::District,
        _ => QuickKind::Skip,
    }
}

/// The quick key of one prepared value.
fn key(kind: Kind, v: &FieldValue) -> u64 {
    if v.is_blank() {
        return 0;
    }
    match kind {
        Kind::Name => v
            .keys
            .as_ref()
            .and_then(|k| k.phon().first().copied())
            .unwrap_or(v.hash),
        Kind::Village => v.num.map_or(v.hash, |n| u64::from(n as u32) | 1 << 40),
        Kind::Age => v.num.map_or(0, |n| (n as u64).wrapping_add(1)),
        Kind::District => v.num.map_or(0, |n| (n as u64) + 1),
        _ => v.hash,
    }
}

impl QuickTable {
    /// The quick keys of `records` under `linker`'s fields (weights not yet set).
    pub fn new(linker: &Linker, records: &[PreparedRecord]) -> QuickTable {
        let n = linker.comparators.len();
        let kinds: Vec<QuickKind> = linker.comparators.iter().map(|c| kind_of(c.kind)).collect();
        let rows = Self::rows_of(linker, records);
        QuickTable {
            kinds,
            bands: linker.comparators.iter().map(|c| c.bands.clone()).collect(),
            rows,
            n,
            weights: Vec::new(),
        }
    }

    /// The quick keys of `records`, row after row (for the querying side).
    pub fn rows_of(linker: &Linker, records: &[PreparedRecord]) -> Vec<u64> {
        let mut rows = Vec::with_capacity(records.len() * linker.comparators.len());
        for r in records {
            rows.extend(Self::row(linker, r));
        }
        rows
    }

    /// Number of fields per row.
    pub fn width(&self) -> usize {
        self.n
    }

    /// The quick keys of one record.
    pub fn row<'a>(linker: &'a Linker, r: &'a PreparedRecord) -> impl Iterator<Item = u64> + 'a {
        linker
            .comparators
            .iter()
            .zip(r.fields.iter())
            .map(|(c, v)| key(c.kind, v))
    }

    /// Take the level weights of a trained (or starting) model.
    pub fn set_weights(&mut self, linker: &Linker, model: &Model) {
        let scorer = model.scorer();
        self.weights = linker
            .comparators
            .iter()
            .enumerate()
            .map(|(f, c)| {
                let w = &scorer.weights[f];
                let last = w.len() - 1;
                match kind_of(c.kind) {
                    QuickKind::Equal => {
                        // Agreeing first words: the level that says "the same name"
                        // (sounds alike for names, same core for villages), else exact.
                        let agree = c
                            .labels()
                            .iter()
                            .position(|l| {
                                l == "sounds alike or nickname"
                                    || l == "same name, other qualifiers"
                            })
                            .unwrap_or(1);
                        vec![w[agree] as f32, w[last] as f32]
                    }
                    QuickKind::Age | QuickKind::District => w.iter().map(|&x| x as f32).collect(),
                    QuickKind::Skip => vec![0.0, 0.0],
                }
            })
            .collect();
    }

    /// Whether weights have been set.
    pub fn is_ready(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The quick score of querying keys `q` against indexed record `j`.
    #[inline]
    pub fn score(&self, q: &[u64], j: usize) -> f32 {
        let row = &self.rows[j * self.n..(j + 1) * self.n];
        let mut s = 0.0;
        for f in 0..self.n {
            let (a, b) = (q[f], row[f]);
            if a == 0 || b == 0 {
                continue;
            }
            let w = &self.weights[f];
            s += match self.kinds[f] {
                QuickKind::Equal => {
                    if a == b {
                        w[0]
                    } else {
                        w[1]
                    }
                }
                QuickKind::Age => {
                    let d = (a as i64 - b as i64).unsigned_abs() as i32;
                    let level = if d == 0 {
                        1
                    } else {
                        self.bands[f]
                            .iter()
                            .position(|&band| d <= band)
                            .map_or(w.len() - 1, |i| i + 2)
                    };
                    w.get(level).copied().unwrap_or(0.0)
                }
                QuickKind::District => {
                    use crate::places::{district_relation, DistrictRelation};
                    let level = match district_relation((a - 1) as u16, (b - 1) as u16) {
                        DistrictRelation::Same => 1,
                        DistrictRelation::Parent => 2,
                        DistrictRelation::Neighbour => 3,
                        DistrictRelation::Different => 4,
                    };
                    w.get(level).copied().unwrap_or(0.0)
                }
                QuickKind::Skip => 0.0,
            };
        }
        s
    }
}
